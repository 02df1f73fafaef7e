local C = dofile((arg[0]:match("(.*/)") or "./") .. "common.lua")
local function is_prime(n)
  if n < 2 then return false end
  if n < 4 then return true end
  if n % 2 == 0 then return false end
  local i = 3
  while i * i <= n do
    if n % i == 0 then return false end
    i = i + 2
  end
  return true
end
local limit, count = C.size(10000000), 0
for n = 0, limit - 1 do if is_prime(n) then count = count + 1 end end
print(C.istr(count))
