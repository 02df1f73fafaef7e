#include "repr.h"
int main(int argc, char **argv) {
  long long size = arg(argc, argv, 4000), count = 0;
  double fsize = (double)size;
  for (long long y = 0; y < size; y++) {
    double ci = 2.0 * (double)y / fsize - 1.0;
    for (long long x = 0; x < size; x++) {
      double cr = 2.0 * (double)x / fsize - 1.5, zr = 0.0, zi = 0.0;
      long long i = 0;
      while (i < 50) {
        double tr = zr * zr - zi * zi + cr;
        zi = 2.0 * zr * zi + ci;
        zr = tr;
        if (zr * zr + zi * zi > 4.0) break;
        i++;
      }
      if (i == 50) count++;
    }
  }
  printf("%lld\n", count);
  return 0;
}
