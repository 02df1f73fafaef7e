#include "repr.h"
/* Shape's rule: int64 overflow continues as float. */
int main(int argc, char **argv) {
  long long n = arg(argc, argv, 100000000), ai = 0, bi = 1, t;
  double af = 0, bf = 0;
  int a_float = 0, b_float = 0; /* once b overflowed, both are floats from then on (a one step later) */
  for (long long i = 0; i < n; i++) {
    double tf;
    int t_float;
    if (!a_float && !b_float && !__builtin_add_overflow(ai, bi, &t)) { t_float = 0; tf = 0; }
    else { tf = (a_float ? af : (double)ai) + (b_float ? bf : (double)bi); t_float = 1; }
    ai = bi; af = bf; a_float = b_float;
    if (t_float) { bf = tf; b_float = 1; } else { bi = t; b_float = 0; }
  }
  if (a_float) print_float(af); else printf("%lld\n", ai);
  return 0;
}
