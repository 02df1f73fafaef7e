local C = dofile((arg[0]:match("(.*/)") or "./") .. "common.lua")
local n = C.size(100000)
local s = ""
for i = 1, n do s = s .. "x" end
print(C.istr(#s))
