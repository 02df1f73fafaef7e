#include "repr.h"
static int is_prime(long long n) {
  if (n < 2) return 0;
  if (n < 4) return 1;
  if (n % 2 == 0) return 0;
  for (long long i = 3; i * i <= n; i += 2)
    if (n % i == 0) return 0;
  return 1;
}
int main(int argc, char **argv) {
  long long limit = arg(argc, argv, 10000000), count = 0;
  for (long long n = 0; n < limit; n++) count += is_prime(n);
  printf("%lld\n", count);
  return 0;
}
