-- expect-exit: 3
-- within: 20
-- expect-stderr: 'repo/.git/hooks/pre-commit' has a component starting with '.' ('.git')
-- expect-no-file: work/out/repo
te.fs.write("repo/.git/hooks/pre-commit", "#!/bin/sh\n")
