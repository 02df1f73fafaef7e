local C = dofile((arg[0]:match("(.*/)") or "./") .. "common.lua")
local n = C.size(100000)
local arr = {}
for i = 0, n - 1 do arr[#arr + 1] = {x = i, y = i * 2, mass = i * 0.5} end
local total = 0.0
for i = 1, #arr do total = total + arr[i].mass end
print(C.repr(total))
