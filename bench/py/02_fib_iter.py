import sys
# Shape's rule: an int64 overflow continues as float.
n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000000
a, b = 0, 1
for _ in range(n):
    if isinstance(a, int) and isinstance(b, int):
        t = a + b
        if not -2**63 <= t < 2**63:
            t = float(a) + float(b)
    else:
        t = float(a) + float(b)
    a, b = b, t
print(a)
