import sys
def is_prime(n):
    if n < 2:
        return False
    if n < 4:
        return True
    if n % 2 == 0:
        return False
    i = 3
    while i * i <= n:
        if n % i == 0:
            return False
        i += 2
    return True
limit = int(sys.argv[1]) if len(sys.argv) > 1 else 10000000
print(sum(1 for n in range(limit) if is_prime(n)))
