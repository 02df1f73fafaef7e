import sys
size = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
fsize = float(size)
count = 0
for y in range(size):
    ci = 2.0 * y / fsize - 1.0
    for x in range(size):
        cr = 2.0 * x / fsize - 1.5
        zr = zi = 0.0
        i = 0
        while i < 50:
            tr = zr * zr - zi * zi + cr
            zi = 2.0 * zr * zi + ci
            zr = tr
            if zr * zr + zi * zi > 4.0:
                break
            i += 1
        if i == 50:
            count += 1
print(count)
