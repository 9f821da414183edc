-- expect-exit: 3
-- within: 20
-- expect-stderr: has a component starting with '.' ('.local')
-- expect-no-file: work/out/x
-- pcall cannot catch the refusal.
local ok, err = pcall(te.fs.write, "x/.local/share/applications/evil.desktop", "[Desktop Entry]\n")
print("survived", ok, err)
