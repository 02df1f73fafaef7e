/* The one escaping of diagnostics: text that came from input (names,
 * characters, file names, arguments) is written so that it cannot drive
 * the terminal. Control characters (C0, DEL, and the C1 range as UTF-8)
 * and bytes that are not well-formed UTF-8 come out as \xNN; well-formed
 * UTF-8 text stays as it is. Every diagnostic printer writes through
 * sc_fprint_escaped (whose message may end in its line's newline). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"

/* Bytes of the well-formed, printable UTF-8 sequence at s (n bytes left),
 * or 0. */
static size_t printable_utf8(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  if (c >= 0x20 && c < 0x7f) return 1;
  size_t len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (!len || len > n) return 0;
  for (size_t k = 1; k < len; k++)
    if ((s[k] & 0xc0) != 0x80) return 0;
  if (c == 0xc2 && s[1] < 0xa0) return 0;             /* C1 controls */
  if (c == 0xe0 && s[1] < 0xa0) return 0;             /* overlong */
  if (c == 0xed && s[1] >= 0xa0) return 0;            /* surrogates */
  if (c == 0xf0 && s[1] < 0x90) return 0;             /* overlong */
  if (c == 0xf4 && s[1] >= 0x90) return 0;            /* past U+10FFFF */
  return len;
}

void sc_fput_escaped(FILE *out, const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    size_t k = printable_utf8(p + i, n - i);
    if (k) {
      fwrite(p + i, 1, k, out);
      i += k;
    } else {
      fprintf(out, "\\x%02x", p[i]);
      i++;
    }
  }
}

void sc_fprint_escaped(FILE *out, const char *fmt, ...) {
  char small[512], *buf = small;
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n >= (int)sizeof small && (buf = malloc((size_t)n + 1))) vsnprintf(buf, (size_t)n + 1, fmt, ap2);
  else buf = small, n = n >= (int)sizeof small ? (int)sizeof small - 1 : n;
  va_end(ap2);
  /* a message's own line end stays one */
  bool nl = n > 0 && buf[n - 1] == '\n';
  if (n > 0) sc_fput_escaped(out, buf, (size_t)n - nl);
  if (nl) fputc('\n', out);
  if (buf != small) free(buf);
}
