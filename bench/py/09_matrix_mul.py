import sys
n = int(sys.argv[1]) if len(sys.argv) > 1 else 800
nn = n * n
a = list(range(nn))
b = [nn - i for i in range(nn)]
c = [0] * nn
for i in range(n):
    for j in range(n):
        s = 0
        for k in range(n):
            s += a[i * n + k] * b[k * n + j]
        c[i * n + j] = s
print(c[0])
