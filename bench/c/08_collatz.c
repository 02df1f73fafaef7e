#include "repr.h"
int main(int argc, char **argv) {
  long long limit = arg(argc, argv, 1000000), best = 1, best_steps = 0;
  for (long long start = 1; start < limit; start++) {
    long long n = start, steps = 0;
    while (n != 1) {
      n = (n & 1) == 0 ? n >> 1 : n * 3 + 1;
      steps++;
    }
    if (steps > best_steps) best_steps = steps, best = start;
  }
  printf("%lld\n%lld\n", best, best_steps);
  return 0;
}
