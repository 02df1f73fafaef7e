local C = dofile((arg[0]:match("(.*/)") or "./") .. "common.lua")
local n = C.size(10000000)
local o = {a = 1, b = 2, c = 3, d = 4, e = 5}
local sum = 0
for i = 1, n do sum = sum + o.a + o.b + o.c + o.d + o.e end
print(C.istr(sum))
