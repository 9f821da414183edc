-- expect-exit: 0
-- expect-stdout: 1 1 2 3 4
-- expect-stdout: 3 4 5 4 5
-- within: 10
local a = { 1, 2, 3, 4 }
table.move(a, 1, 4, 2)
print(table.concat(a, " "))
local b = { 1, 2, 3, 4, 5 }
table.move(b, 3, 5, 1)
print(table.concat(b, " "))
