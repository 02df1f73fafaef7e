/* The compile API reused: one compiler compiles the functions and the OSR
 * loops of a program ROUNDS times (default 1000), with feedback the
 * interpreter collects afresh between batches (main runs again; every run
 * changes the kinds of values it sees, so slots go mono -> poly and shapes
 * and callees accumulate). Every result must describe only things that
 * exist. tests/valgrind.sh runs it under memcheck too (where stale arena
 * memory read by describe() showed, which ASan's allocator hides).
 *
 *   tests/api/compile_reuse [BACKEND [ROUNDS]]    exit 0, 1 on a failure,
 *                                                 77 with no backend built
 * (BACKEND "-": the default one) */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* open_memstream */
#endif
#include <shapec/shapec.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *SRC =
    "global g\n"
    "func add(a, b) {\n LoadLocal a\n LoadLocal b\n Add\n ReturnValue\n}\n"
    "func apply(f, x, y) {\n LoadLocal f\n LoadLocal x\n LoadLocal y\n CallValue 2\n ReturnValue\n}\n"
    "func point(x) {\n local o\n NewObject\n StoreLocal o\n LoadLocal o\n LoadLocal x\n SetProp x\n"
    " LoadLocal o\n LoadLocal x\n SetProp y\n LoadLocal o\n GetProp x\n LoadLocal o\n GetProp y\n Add\n ReturnValue\n}\n"
    "func sum(n, step) {\n local i\n local j\n local s\n PushConst 0\n StoreLocal s\n PushConst 0\n StoreLocal i\n"
    "outer:\n LoopStart\n LoadLocal i\n LoadLocal n\n Lt\n JumpIfFalse done\n PushConst 0\n StoreLocal j\n"
    "inner:\n LoopStart\n LoadLocal j\n PushConst 3\n Lt\n JumpIfFalse next\n"
    " LoadLocal s\n PushFunc add\n LoadLocal i\n LoadLocal step\n Call apply 3\n Add\n StoreLocal s\n"
    " LoadLocal s\n LoadLocal j\n Call point 1\n Add\n StoreLocal s\n"
    " LoadLocal j\n PushConst 1\n Add\n StoreLocal j\n LoopEnd\n Jump inner\n"
    "next:\n LoadLocal i\n PushConst 1\n Add\n StoreLocal i\n LoopEnd\n Jump outer\n"
    "done:\n LoadLocal s\n ReturnValue\n}\n"
    /* g counts the runs; odd runs step by 0.5, even ones by 2 */
    "func main() {\n LoadGlobal g\n JumpIfTrue counted\n PushConst 0\n StoreGlobal g\n"
    "counted:\n LoadGlobal g\n PushConst 1\n Add\n StoreGlobal g\n"
    " PushConst 30\n LoadGlobal g\n PushConst 2\n Mod\n PushConst 0\n Eq\n JumpIfFalse half\n"
    " PushConst 2\n Jump go\nhalf:\n PushConst 0.5\ngo:\n Call sum 2\n Print\n Return\n}\n";

static int failures;
#define CHECK(c, ...)                                                   \
  do {                                                                  \
    if (!(c)) {                                                         \
      fprintf(stderr, "compile_reuse: FAILED: " __VA_ARGS__);           \
      fputc('\n', stderr);                                              \
      if (++failures > 20) exit(1);                                     \
    }                                                                   \
  } while (0)

/* Everything a result describes refers to something that exists. */
static void check_result(const sc_program *p, const sc_compile_request *rq, const sc_compile_result *r) {
  CHECK(r->status == SC_COMPILE_OK && r->code, "function %u osr %u: status %d: %s", rq->func, rq->osr_pc,
        r->status, r->error);
  if (r->status != SC_COMPILE_OK) return;
  CHECK(r->osr_pc == rq->osr_pc, "osr_pc %u for a request at %u", r->osr_pc, rq->osr_pc);
  for (uint32_t k = 0; k < r->ndeopts; k++) {
    const sc_deopt_point *d = &r->deopts[k];
    CHECK(d->func < p->nfuncs && d->pc < p->funcs[d->func]->ncode, "deopt %u at %u:%u", k, d->func, d->pc);
    CHECK(d->parent < (int32_t)k, "deopt %u: parent %d", k, d->parent);
    if (d->func < p->nfuncs) CHECK(d->nlocals == p->funcs[d->func]->nlocals, "deopt %u: %u locals", k, d->nlocals);
  }
  for (uint32_t k = 0; k < r->nguards; k++) CHECK(r->guards[k].deopt < r->ndeopts, "guard %u", k);
  for (uint32_t k = 0; k < r->nosr_live; k++) CHECK(r->osr_live[k] < r->osr_nslots, "osr live %u", k);
  for (uint32_t k = 0; k < r->nosr_exits; k++)
    CHECK(r->osr_exits[k] < p->funcs[rq->func]->ncode, "osr exit %u", k);
  for (uint32_t k = 0; k < r->ndeps; k++) CHECK(r->deps[k].kind <= SC_DEP_GLOBAL, "dependency %u", k);
}

int main(int argc, char **argv) {
  const char *backend = argc > 1 && strcmp(argv[1], "-") ? argv[1] : NULL;
  unsigned rounds = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 1000;
  if (!sc_backend_available(backend)) {
    char why[600] = "";
    sc_vm_options o = {.backend = backend};
    if (backend && !sc_vm_options_check(&o, why, sizeof why) && strstr(why, "unavailable")) {
      printf("FAIL: %s\n", why); /* built, but its module cannot be loaded */
      return 1;
    }
    printf("SKIP: backend %s is not built\n", backend ? backend : "(any)");
    return 77;
  }
  if (!rounds) return 0; /* ROUNDS 0: only whether BACKEND is built (tests/valgrind.sh asks) */
  sc_runtime_init();
  sc_diags d = {.filename = "reuse.sasm"};
  sc_program *p = sc_assemble("reuse.sasm", SRC, strlen(SRC), &d);
  if (!p) {
    sc_diags_print(&d, stderr);
    return 1;
  }
  char *out = NULL;
  size_t nout = 0;
  FILE *o = open_memstream(&out, &nout);
  sc_vm_options vo = {.out = o, .profile = 1, .jit = SC_JIT_OFF};
  sc_vm *vm = sc_vm_new(p, &vo);
  CHECK(vm, "sc_vm_new");
  if (!vm) return 1;
  char err[256];
  sc_compiler *c = sc_compiler_new(vm, backend, err, sizeof err);
  CHECK(c, "sc_compiler_new: %s", err);
  if (!c) return 1;
  /* the requests: every function whole, and sum's two loops by OSR */
  uint32_t sum = (uint32_t)sc_func_find(p, "sum"), headers[2], nh = 0;
  for (uint32_t pc = 0; pc < p->funcs[sum]->ncode; pc++)
    if (p->funcs[sum]->code[pc].op == SC_OP_LoopStart && nh < 2) headers[nh++] = pc;
  CHECK(nh == 2, "sum has %u loops", nh);
  uint32_t nreq = p->nfuncs + nh;
  sc_inline_options no_inline = {.off = 1};
  unsigned runs = 0;
  for (unsigned i = 0; i < rounds; i++) {
    if (i % 25 == 0) {
      /* fresh feedback: run main again */
      CHECK(sc_vm_run_main(vm) == SC_EXIT_OK, "run %u", runs);
      runs++;
    }
    uint32_t which = i % nreq;
    sc_compile_request rq = {.func = which < p->nfuncs ? which : sum,
                             .osr_pc = which < p->nfuncs ? 0 : headers[which - p->nfuncs]};
    /* the ways a request comes: with or without feedback, every
     * function's profile (inlining with it), inlining off */
    unsigned kind = (i / nreq) % 4;
    if (kind != 3) rq.feedback = sc_vm_profile(vm, rq.func);
    sc_profile *profs = NULL;
    if (kind == 1) {
      profs = malloc(p->nfuncs * sizeof *profs);
      for (uint32_t f = 0; f < p->nfuncs; f++) profs[f] = *sc_vm_profile(vm, f);
      rq.profiles = profs;
    }
    if (kind == 2) rq.inline_options = &no_inline;
    sc_compile_result r;
    sc_compile(c, &rq, &r);
    check_result(p, &rq, &r);
    sc_compile_release_code(c, &r);
    sc_compile_result_free(&r);
    free(profs);
  }
  /* the output of every run: sum(30, 0.5) and sum(30, 2) in turn */
  CHECK(sc_vm_run_main(vm) == SC_EXIT_OK, "last run");
  fclose(o);
  unsigned lines = 0;
  for (char *q = out; q && *q; q++) lines += *q == '\n';
  CHECK(lines == runs + 1, "%u lines printed for %u runs", lines, runs + 1);
  CHECK(out && !strncmp(out, "1530.0\n1665\n", 12), "printed %.20s", out ? out : "");
  free(out);
  sc_compiler_free(c);
  if (failures) return 1;
  printf("compile_reuse: %u compilations over %u requests, %u runs: ok\n", rounds, nreq, runs + 1);
  return 0;
}
