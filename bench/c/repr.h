/* Prints a double as Python's repr() does, as shapec's Print must. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void print_float(double f) {
  char tmp[40], out[48], *p = out;
  if (isnan(f)) { puts("nan"); return; }
  if (isinf(f)) { puts(f < 0 ? "-inf" : "inf"); return; }
  if (signbit(f)) { *p++ = '-'; f = -f; }
  if (f == 0) { strcpy(p, "0.0"); puts(out); return; }
  for (int prec = 0; prec < 17; prec++) {
    snprintf(tmp, sizeof tmp, "%.*e", prec, f);
    if (strtod(tmp, NULL) == f) break;
  }
  char d[24];
  int nd = 0;
  char *s = tmp;
  for (; *s != 'e'; s++) if (*s != '.') d[nd++] = *s;
  int e = atoi(s + 1);
  while (nd > 1 && d[nd - 1] == '0') nd--;
  if (e < -4 || e >= 16) {
    *p++ = d[0];
    if (nd > 1) { *p++ = '.'; memcpy(p, d + 1, nd - 1); p += nd - 1; }
    p += sprintf(p, "e%c%02d", e < 0 ? '-' : '+', abs(e));
  } else if (e >= 0) {
    for (int i = 0; i <= e; i++) *p++ = i < nd ? d[i] : '0';
    *p++ = '.';
    if (nd > e + 1) { memcpy(p, d + e + 1, nd - e - 1); p += nd - e - 1; } else *p++ = '0';
  } else {
    *p++ = '0'; *p++ = '.';
    for (int i = 0; i < -e - 1; i++) *p++ = '0';
    memcpy(p, d, nd); p += nd;
  }
  *p = 0;
  puts(out);
}

static inline long long arg(int argc, char **argv, long long def) { return argc > 1 ? atoll(argv[1]) : def; }
