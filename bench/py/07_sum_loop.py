import sys
n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000000
s = 0
i = 0
while i < n:
    s += i
    i += 1
print(s)
