#include "repr.h"
/* Three layouts with x at different offsets, read through a per-shape offset. */
struct obj { int shape; long long f[3]; };
static const int xoff[3] = {0, 1, 2};
static long long get_x(const struct obj *o) { return o->f[xoff[o->shape]]; }
int main(int argc, char **argv) {
  long long n = arg(argc, argv, 5000000), sum = 0;
  struct obj objs[3] = {{0, {1}}, {1, {2, 2}}, {2, {3, 3, 3}}};
  for (long long i = 0; i < n; i++) sum += get_x(&objs[i % 3]);
  printf("%lld\n", sum);
  return 0;
}
