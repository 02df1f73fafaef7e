local C = dofile((arg[0]:match("(.*/)") or "./") .. "common.lua")
local n = C.size(10000000)
local a, b = {}, {}
for i = 0, n - 1 do a[i + 1] = i + 0.0; b[i + 1] = (n - i) + 0.0 end
local dot = 0.0
for i = 1, n do dot = dot + a[i] * b[i] end
print(C.repr(dot))
