local C = dofile((arg[0]:match("(.*/)") or "./") .. "common.lua")
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print(C.istr(fib(C.size(40))))
