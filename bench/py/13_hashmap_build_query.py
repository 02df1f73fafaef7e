import sys
n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
m = {}
for i in range(n):
    m[i] = i * 2.5
s = 0.0
for i in range(n):
    s = s + m[i]
print(s)
