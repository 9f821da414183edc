-- expect-exit: 3
-- within: 20
-- expect-stderr: sandbox: te.fs.write: '.ssh/authorized_keys' has a component starting with '.' ('.ssh')
-- expect-no-file: work/out/.ssh
te.fs.write(".ssh/authorized_keys", "ssh-ed25519 AAAA attacker\n")
