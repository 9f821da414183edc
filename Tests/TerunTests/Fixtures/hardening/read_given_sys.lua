-- expect-exit: 3
-- expect-stderr: is under /sys, which is never readable
-- args: file=/sys/devices/system/cpu/online
-- within: 20
runbook {
  name = "read_given_sys",
  params = { file = { type = "path", help = "input" } },
}
print(te.fs.read(te.params.file))
