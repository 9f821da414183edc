-- expect-exit: 3
-- file: work/rb/.ssh/id_rsa=PRIVATE-KEY-hidden
-- expect-stderr: sandbox: te.fs.read: '.ssh/id_rsa' has a component starting with '.' ('.ssh')
-- expect-not-stdout: PRIVATE-KEY-hidden
-- within: 20
-- A runbook kept in a home folder reads nothing hidden there (~/.ssh, ~/.aws, ...).
print(te.fs.read(".ssh/id_rsa"))
