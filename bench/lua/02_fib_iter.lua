local C = dofile((arg[0]:match("(.*/)") or "./") .. "common.lua")
-- Shape's rule: int64 overflow continues as float. Ints are exact int64 (0LL on LuaJIT).
local n = C.size(100000000)
local a, b, af, bf = C.int0, C.int0 + 1, false, false
local MAX = C.int0 + 9223372036854775807
for i = 1, n do
  local t, tf
  if not af and not bf and not ((b > 0 and a > MAX - b) or (b < 0 and a < -MAX - 1 - b)) then
    t, tf = a + b, false
  else
    t, tf = (af and a or C.tofloat(a)) + (bf and b or C.tofloat(b)), true
  end
  a, af = b, bf
  b, bf = t, tf
end
print(af and C.repr(a) or C.istr(a))
