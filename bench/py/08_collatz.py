import sys
limit = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
best, best_steps = 1, 0
for start in range(1, limit):
    n, steps = start, 0
    while n != 1:
        n = n >> 1 if n & 1 == 0 else n * 3 + 1
        steps += 1
    if steps > best_steps:
        best_steps, best = steps, start
print(best)
print(best_steps)
