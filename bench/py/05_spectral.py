import sys
def a(i, j):
    return 1.0 / float((i + j) * (i + j + 1) // 2 + i + 1)
def mul(u, v, n, t):
    for i in range(n):
        s = 0.0
        for j in range(n):
            s = s + (a(j, i) if t else a(i, j)) * u[j]
        v[i] = s
n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
u, v, w = [1.0] * n, [0.0] * n, [0.0] * n
for _ in range(10):
    mul(u, w, n, False); mul(w, v, n, True)
    mul(v, w, n, False); mul(w, u, n, True)
print(u[0])
