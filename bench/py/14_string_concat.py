import sys
n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
s = ""
for _ in range(n):
    s = s + "x"
print(len(s))
