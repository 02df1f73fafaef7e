/* Feedback a host hands sc_compile may say anything; compiled code must
 * still print what the interpreter prints (wrong feedback only makes guards
 * fail). Here the property sites' recorded slots lie: every entry of every
 * GetProp/SetProp slot whose shape has a field is made to claim slot 0
 * (which sc_compile's checks accept: the slot exists), so SetProps that
 * added a field claim they did not (fuzz_compile found specialize trusting them:
 * `o.y = x` on an object of shape {x} became a store over x, and main
 * failed with `GetProp of missing field 'y'`). main is compiled whole with
 * point inlined, point alone too; each is installed and main run again.
 *
 *   tests/api/feedback_lies [BACKEND]   exit 0, 1 on a failure, 77 with no
 *                                       backend built */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* open_memstream */
#endif
#include <shapec/shapec.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *SRC =
    "func point(x) {\n local o\n NewObject\n StoreLocal o\n LoadLocal o\n LoadLocal x\n SetProp x\n"
    " LoadLocal o\n PushConst 1\n SetProp y\n LoadLocal o\n GetProp x\n LoadLocal o\n GetProp y\n Add\n"
    " ReturnValue\n}\n"
    "func main() {\n local i: int\n PushConst 0\n StoreLocal i\n"
    "loop:\n LoopStart\n LoadLocal i\n PushConst 3\n LtInt\n JumpIfFalse done\n"
    " LoadLocal i\n Call point 1\n Print\n LoadLocal i\n PushConst 1\n AddInt\n StoreLocal i\n LoopEnd\n Jump loop\n"
    "done:\n Return\n}\n";

static int failures;

static char *run(sc_vm *vm) {
  char *out = NULL;
  size_t n = 0;
  FILE *o = open_memstream(&out, &n);
  sc_vm_set_output(vm, o);
  int st = sc_vm_run_main(vm);
  fclose(o);
  sc_vm_set_output(vm, stdout);
  if (st != SC_EXIT_OK) {
    fprintf(stderr, "feedback_lies: FAILED: main exited with %d after printing\n%s", st, out);
    failures++;
  }
  return out;
}

int main(int argc, char **argv) {
  const char *backend = argc > 1 && strcmp(argv[1], "-") ? argv[1] : NULL;
  if (!sc_backend_available(backend)) {
    printf("SKIP: backend %s is not built\n", backend ? backend : "(any)");
    return 77;
  }
  sc_runtime_init();
  sc_diags d = {.filename = "lies.sasm"};
  sc_program *p = sc_assemble("lies.sasm", SRC, strlen(SRC), &d);
  if (!p) {
    sc_diags_print(&d, stderr);
    return 1;
  }
  sc_vm_options vo = {.profile = 1, .jit = SC_JIT_OFF};
  sc_vm *vm = sc_vm_new(p, &vo);
  char err[256];
  sc_compiler *c = vm ? sc_compiler_new(vm, backend, err, sizeof err) : NULL;
  if (!c) {
    fprintf(stderr, "feedback_lies: FAILED: no VM or compiler\n");
    return 1;
  }
  char *expect = run(vm);
  /* every function's profile, the property sites' slots made to lie */
  sc_profile *profs = calloc(p->nfuncs, sizeof *profs);
  unsigned lies = 0;
  for (uint32_t f = 0; f < p->nfuncs; f++) {
    const sc_func *fn = p->funcs[f];
    const sc_profile *src = sc_vm_profile(vm, f);
    profs[f].calls = src->calls;
    profs[f].backedges = calloc(fn->ncode + 1, sizeof *profs[f].backedges);
    memcpy(profs[f].backedges, src->backedges, fn->ncode * sizeof *profs[f].backedges);
    profs[f].slots = calloc(fn->nfeedback + 1, sizeof *profs[f].slots);
    memcpy(profs[f].slots, src->slots, fn->nfeedback * sizeof *profs[f].slots);
    for (uint32_t pc = 0; pc < fn->ncode; pc++) {
      const sc_insn *in = &fn->code[pc];
      if ((in->op != SC_OP_GetProp && in->op != SC_OP_SetProp) || in->fb < 0) continue;
      sc_fb_slot *s = &profs[f].slots[in->fb];
      for (unsigned k = 0; k < s->n; k++) {
        const sc_shape *sh = (const sc_shape *)(uintptr_t)s->e[k];
        if (sh && sh->nfields) s->aux[k] = 0, lies++; /* slot 0 exists: the API takes it */
      }
    }
  }
  if (lies < 3) {
    fprintf(stderr, "feedback_lies: FAILED: only %u property entries to falsify\n", lies);
    failures++;
  }
  const char *names[] = {"main", "point"};
  for (unsigned k = 0; k < 2; k++) {
    int fi = sc_func_find(p, names[k]);
    sc_compile_request rq = {.func = (uint32_t)fi, .feedback = &profs[fi], .profiles = profs};
    sc_compile_result r;
    int st = sc_compile(c, &rq, &r);
    if (st != SC_COMPILE_OK || !sc_vm_install(vm, rq.func, &r)) {
      fprintf(stderr, "feedback_lies: FAILED: %s: status %d: %s\n", names[k], st, r.error);
      failures++;
    } else {
      char *out = run(vm);
      sc_vm_install(vm, rq.func, NULL);
      if (strcmp(out, expect)) {
        fprintf(stderr, "feedback_lies: FAILED: with %s compiled main printed\n%sinstead of\n%s", names[k], out,
                expect);
        failures++;
      }
      free(out);
    }
    sc_compile_release_code(c, &r);
    sc_compile_result_free(&r);
  }
  for (uint32_t f = 0; f < p->nfuncs; f++) free(profs[f].backedges), free(profs[f].slots);
  free(profs);
  free(expect);
  sc_compiler_free(c);
  sc_vm_free(vm);
  if (!failures) printf("feedback_lies: %u lying property entries, 2 compilations: ok\n", lies);
  return failures ? 1 : 0;
}
