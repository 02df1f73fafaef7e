import sys
n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000000
a = [float(i) for i in range(n)]
b = [float(n - i) for i in range(n)]
dot = 0.0
for i in range(n):
    dot = dot + a[i] * b[i]
print(dot)
