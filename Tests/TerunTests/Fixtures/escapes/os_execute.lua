-- expect-exit: 3
-- expect-stderr: sandbox: os.execute is not available in the sandbox
os.execute("touch ../escaped")
