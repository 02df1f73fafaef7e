/* libFuzzer target: arbitrary bytes -> assembler + verifier; errors must
 * come back as diagnostics. A program that verifies must disassemble to
 * text that reassembles and verifies again, to the same bytecode: its
 * disassembly is the same text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shapec/shapec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *disassemble(const sc_program *p, size_t *len) {
  char *text;
  FILE *f = open_memstream(&text, len);
  sc_disassemble(p, f);
  fclose(f);
  return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static FILE *null;
  sc_runtime_init();
  if (!null && !(null = fopen("/dev/null", "w"))) abort();
  sc_diags d = {0};
  sc_program *p = sc_assemble("fuzz.sasm", (const char *)data, size, &d);
  if (!p && !d.n) {
    fprintf(stderr, "the assembler rejected the input without a diagnostic\n");
    abort();
  }
  sc_diags_print(&d, null);
  if (p && sc_verify(p, &d) == 0) {
    size_t len, len2;
    char *text = disassemble(p, &len);
    sc_diags d2 = {0};
    sc_program *q = sc_assemble("fuzz.sasm", text, len, &d2);
    if (!q || sc_verify(q, &d2) != 0) {
      fprintf(stderr, "round trip failed:\n%s\n", text);
      sc_diags_print(&d2, stderr);
      abort();
    }
    char *text2 = disassemble(q, &len2);
    if (len != len2 || memcmp(text, text2, len)) {
      fprintf(stderr, "the disassembly of the reassembled program differs:\n%s\n--- then:\n%s\n", text, text2);
      abort();
    }
    free(text);
    free(text2);
  } else if (p && !d.n) {
    fprintf(stderr, "the verifier rejected the program without a diagnostic\n");
    abort();
  }
  return 0;
}
