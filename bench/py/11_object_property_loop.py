import sys
class O:
    __slots__ = ("a", "b", "c", "d", "e")
n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000000
o = O()
o.a, o.b, o.c, o.d, o.e = 1, 2, 3, 4, 5
s = 0
for _ in range(n):
    s = s + o.a + o.b + o.c + o.d + o.e
print(s)
