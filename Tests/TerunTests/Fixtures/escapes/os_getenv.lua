-- expect-exit: 3
-- expect-stderr: sandbox: os.getenv is not available
print(os.getenv("TE_TOKEN"))
