#include "repr.h"
int main(int argc, char **argv) {
  volatile long long n = arg(argc, argv, 1000000000);
  long long sum = 0;
  for (long long i = 0; i < n; i++) sum += i;
  printf("%lld\n", sum);
  return 0;
}
