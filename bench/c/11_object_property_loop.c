#include "repr.h"
struct obj { long long a, b, c, d, e; };
int main(int argc, char **argv) {
  long long n = arg(argc, argv, 10000000), sum = 0;
  volatile struct obj o = {1, 2, 3, 4, 5};
  for (long long i = 0; i < n; i++) sum = sum + o.a + o.b + o.c + o.d + o.e;
  printf("%lld\n", sum);
  return 0;
}
