#include "repr.h"
int main(int argc, char **argv) {
  long long n = arg(argc, argv, 10000000);
  double *a = malloc(n * 8), *b = malloc(n * 8), dot = 0.0;
  for (long long i = 0; i < n; i++) a[i] = (double)i, b[i] = (double)(n - i);
  for (long long i = 0; i < n; i++) dot = dot + a[i] * b[i];
  print_float(dot);
  return 0;
}
