/* libFuzzer target: arbitrary bytes -> the SSA IR text parser and the IR
 * verifier, as `shapec opt FILE.ssa` runs them. Input that does not parse
 * or verify must be reported as diagnostics (never a crash, a leak or a
 * hang). Every function that parses and verifies must print, parse and
 * print again to the same text, and stay verified (and round-trip) after
 * the passes: those named by a first line `; RUN: --passes=P` (as in
 * tests/golden/NAME.ssa) when P is a valid pipeline, else phis,simplify,dce. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passes/passes.h"
#include "shapec/shapec.h"
#include "ssa/ir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DEFAULT_PASSES "phis,simplify,dce"

static FILE *devnull;

static void fail(const char *what, const uint8_t *data, size_t size, sc_irfunc *f) {
  fprintf(stderr, "fuzz_ir: %s\n--- input:\n%.*s\n", what, (int)size, (const char *)data);
  if (f) {
    fprintf(stderr, "--- function:\n");
    sc_ir_print(f, stderr);
  }
  abort();
}

/* The pipeline named by a `; RUN: ... --passes=P` first line, if valid. */
static void pipeline_of(const uint8_t *data, size_t size, char *out, size_t outlen) {
  snprintf(out, outlen, "%s", DEFAULT_PASSES);
  const char *s = (const char *)data, *nl = memchr(s, '\n', size);
  size_t n = nl ? (size_t)(nl - s) : size;
  static const char key[] = "--passes=";
  for (size_t i = 0; i + sizeof key - 1 <= n; i++) {
    if (memcmp(s + i, key, sizeof key - 1)) continue;
    size_t b = i + sizeof key - 1, e = b;
    while (e < n && s[e] != ' ' && s[e] != '\t' && s[e] != '\r' && s[e] && e - b < outlen - 1) e++;
    char p[256];
    if (e - b >= sizeof p) return;
    memcpy(p, s + b, e - b);
    p[e - b] = 0;
    char msg[200];
    if (sc_pipeline_check(p, msg, sizeof msg)) return;
    const char *q = p;
    if (!strncmp(q, "lift", 4) && (!q[4] || q[4] == ',')) q = q[4] ? q + 5 : "";
    snprintf(out, outlen, "%s", q);
    return;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sc_runtime_init();
  if (!devnull && !(devnull = fopen("/dev/null", "w"))) abort();
  char pipeline[256];
  pipeline_of(data, size, pipeline, sizeof pipeline);
  sc_program *prog = sc_program_new("fuzz.ssa");
  sc_arena a;
  sc_arena_init(&a);
  sc_diags d = {0};
  sc_irfunc **fs;
  uint32_t n = sc_ir_parse_all(&a, prog, "fuzz.ssa", (const char *)data, size, &d, &fs);
  if (!n) {
    if (!d.n) fail("the parser rejected the input without a diagnostic", data, size, NULL);
    sc_diags_print(&d, devnull);
  }
  for (uint32_t i = 0; i < n; i++) {
    sc_irfunc *f = fs[i];
    sc_diags vd = {.filename = "fuzz.ssa"};
    if (sc_ir_verify(f, &vd)) {
      if (!vd.n) fail("the IR verifier rejected a function without a diagnostic", data, size, NULL);
      sc_diags_print(&vd, devnull);
      continue;
    }
    if (!sc_ir_roundtrips(f, stderr)) fail("print -> parse -> print changed the text", data, size, NULL);
    sc_pipeline_opts o = {.out = devnull, .err = stderr, .verify = true};
    if (sc_pipeline_run(f, pipeline, &(sc_pass_ctx){.opts = &o})) {
      fprintf(stderr, "pipeline: %s\n", pipeline);
      fail("the IR verifier rejected the result of a pass", data, size, NULL);
    }
    if (!sc_ir_roundtrips(f, stderr)) {
      fprintf(stderr, "pipeline: %s\n", pipeline);
      fail("after the passes, print -> parse -> print changed the text", data, size, NULL);
    }
  }
  sc_arena_drop(&a);
  return 0;
}
