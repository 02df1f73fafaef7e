#include "repr.h"
struct obj { long long x, y; double mass; };
int main(int argc, char **argv) {
  long long n = arg(argc, argv, 100000);
  struct obj *arr = malloc(n * sizeof *arr);
  for (long long i = 0; i < n; i++) arr[i].x = i, arr[i].y = i * 2, arr[i].mass = (double)i * 0.5;
  double total = 0.0;
  for (long long i = 0; i < n; i++) total = total + arr[i].mass;
  print_float(total);
  return 0;
}
