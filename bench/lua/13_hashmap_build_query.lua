local C = dofile((arg[0]:match("(.*/)") or "./") .. "common.lua")
local n = C.size(100000)
local m = {}
for i = 0, n - 1 do m[i] = i * 2.5 end
local sum = 0.0
for i = 0, n - 1 do sum = sum + m[i] end
print(C.repr(sum))
