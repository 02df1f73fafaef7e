/* libFuzzer target: arbitrary bytes -> assembler + verifier; a program that
 * verifies must disassemble to text that reassembles and verifies again. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shapec/shapec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sc_runtime_init();
  sc_diags d = {0};
  sc_program *p = sc_assemble("fuzz.sasm", (const char *)data, size, &d);
  FILE *null = fopen("/dev/null", "w");
  sc_diags_print(&d, null);
  if (p && sc_verify(p, &d) == 0) {
    char *text;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    sc_disassemble(p, f);
    fclose(f);
    sc_diags d2 = {0};
    sc_program *q = sc_assemble("fuzz.sasm", text, len, &d2);
    if (!q || sc_verify(q, &d2) != 0) {
      fprintf(stderr, "round trip failed:\n%s\n", text);
      sc_diags_print(&d2, stderr);
      abort();
    }
    free(text);
  }
  fclose(null);
  return 0;
}
