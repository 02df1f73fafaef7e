#include "repr.h"
int main(int argc, char **argv) {
  long long n = arg(argc, argv, 800), nn = n * n;
  long long *a = malloc(nn * 8), *b = malloc(nn * 8), *c = malloc(nn * 8);
  for (long long i = 0; i < nn; i++) a[i] = i, b[i] = nn - i;
  for (long long i = 0; i < n; i++)
    for (long long j = 0; j < n; j++) {
      long long s = 0;
      for (long long k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
      c[i * n + j] = s;
    }
  printf("%lld\n", c[0]);
  return 0;
}
