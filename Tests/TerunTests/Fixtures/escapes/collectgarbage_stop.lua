-- expect-exit: 3
-- expect-stderr: sandbox: collectgarbage('stop') is not allowed
collectgarbage("stop")
