#include "repr.h"
int main(int argc, char **argv) {
  long long n = arg(argc, argv, 10000000), count = 0;
  char *flags = malloc(n + 1);
  memset(flags, 1, n + 1);
  for (long long i = 2; i <= n; i++)
    if (flags[i]) {
      count++;
      for (long long j = i * i; j <= n; j += i) flags[j] = 0;
    }
  printf("%lld\n", count);
  return 0;
}
