#include "repr.h"
/* Immutable strings: each concatenation makes a new string, as in Shape. */
int main(int argc, char **argv) {
  long long n = arg(argc, argv, 100000), len = 0;
  char *s = calloc(1, 1);
  for (long long i = 0; i < n; i++) {
    char *t = malloc(len + 2);
    memcpy(t, s, len);
    t[len] = 'x', t[len + 1] = 0;
    free(s);
    s = t, len++;
  }
  printf("%lld\n", (long long)strlen(s));
  return 0;
}
