#include "repr.h"
static double a(long long i, long long j) { return 1.0 / (double)((i + j) * (i + j + 1) / 2 + i + 1); }
static void mul(const double *u, double *v, long long n, int t) {
  for (long long i = 0; i < n; i++) {
    double s = 0.0;
    for (long long j = 0; j < n; j++) s = s + (t ? a(j, i) : a(i, j)) * u[j];
    v[i] = s;
  }
}
int main(int argc, char **argv) {
  long long n = arg(argc, argv, 5000);
  double *u = malloc(n * 8), *v = malloc(n * 8), *w = malloc(n * 8);
  for (long long i = 0; i < n; i++) u[i] = 1.0, v[i] = w[i] = 0.0;
  for (int r = 0; r < 10; r++) {
    mul(u, w, n, 0); mul(w, v, n, 1);
    mul(v, w, n, 0); mul(w, u, n, 1);
  }
  print_float(u[0]);
  return 0;
}
