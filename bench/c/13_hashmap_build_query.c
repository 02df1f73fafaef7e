#include "repr.h"
#include <stdint.h>
/* Open addressing int -> double, as a hash map would be used. */
int main(int argc, char **argv) {
  long long n = arg(argc, argv, 100000), cap = 16;
  while (cap < 2 * n) cap *= 2;
  long long *keys = malloc(cap * 8);
  double *vals = malloc(cap * 8);
  char *used = calloc(cap, 1);
  for (long long i = 0; i < n; i++) {
    uint64_t h = ((uint64_t)i * 0x9E3779B97F4A7C15ull) & (cap - 1);
    while (used[h] && keys[h] != i) h = (h + 1) & (cap - 1);
    used[h] = 1, keys[h] = i, vals[h] = (double)i * 2.5;
  }
  double sum = 0.0;
  for (long long i = 0; i < n; i++) {
    uint64_t h = ((uint64_t)i * 0x9E3779B97F4A7C15ull) & (cap - 1);
    while (keys[h] != i) h = (h + 1) & (cap - 1);
    sum = sum + vals[h];
  }
  print_float(sum);
  return 0;
}
