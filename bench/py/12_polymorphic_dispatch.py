import sys
class A:
    def __init__(self): self.x = 1
class B:
    def __init__(self): self.y = 2; self.x = 2
class C:
    def __init__(self): self.z = 3; self.y = 3; self.x = 3
def get_x(o):
    return o.x
n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000000
objs = [A(), B(), C()]
s = 0
for i in range(n):
    s = s + get_x(objs[i % 3])
print(s)
