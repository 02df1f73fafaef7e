#include "repr.h"
static long long fib(long long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
int main(int argc, char **argv) { printf("%lld\n", fib(arg(argc, argv, 40))); return 0; }
