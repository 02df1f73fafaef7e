import sys
n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
arr = [{"x": i, "y": i * 2, "mass": i * 0.5} for i in range(n)]
total = 0.0
for o in arr:
    total = total + o["mass"]
print(total)
