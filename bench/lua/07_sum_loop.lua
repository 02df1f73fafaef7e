local C = dofile((arg[0]:match("(.*/)") or "./") .. "common.lua")
local n = C.size(1000000000)
local sum = C.int0
for i = 0, n - 1 do sum = sum + i end
print(C.istr(sum))
