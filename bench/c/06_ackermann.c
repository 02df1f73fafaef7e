#include "repr.h"
static long long ack(long long m, long long n) {
  if (m == 0) return n + 1;
  if (n == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}
int main(int argc, char **argv) { printf("%lld\n", ack(3, arg(argc, argv, 10))); return 0; }
