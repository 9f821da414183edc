-- expect-exit: 3
-- expect-stderr: sandbox: os.exit is not available
os.exit(0)
