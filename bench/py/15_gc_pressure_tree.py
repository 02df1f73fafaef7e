import sys
sys.setrecursionlimit(10000)
def build(d):
    node = {"value": 1, "left": None, "right": None}
    if d > 0:
        node["left"] = build(d - 1)
        node["right"] = build(d - 1)
    return node
def tsum(node):
    if node is None:
        return 0
    return node["value"] + tsum(node["left"]) + tsum(node["right"])
depth = int(sys.argv[1]) if len(sys.argv) > 1 else 20
print(sum(tsum(build(depth)) for _ in range(5)))
