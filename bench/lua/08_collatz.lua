local C = dofile((arg[0]:match("(.*/)") or "./") .. "common.lua")
local limit = C.size(1000000)
local best, best_steps = 1, 0
for start = 1, limit - 1 do
  local n, steps = start, 0
  while n ~= 1 do
    if n % 2 == 0 then n = n / 2 else n = n * 3 + 1 end
    n = math.floor(n)
    steps = steps + 1
  end
  if steps > best_steps then best_steps, best = steps, start end
end
print(C.istr(best))
print(C.istr(best_steps))
