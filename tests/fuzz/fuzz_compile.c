/* libFuzzer target: the compile API (shapec/compiler.h) as a host drives it,
 * with the request and the feedback mutated. One program is run once by
 * the interpreter for real feedback; each input then makes one request
 * over a copy of every function's profile edited by the input. sc_compile
 * must refuse (SC_COMPILE_BAD_REQUEST with a reason) or compile; a
 * compiler failure, a result that names what does not exist, or a crash is
 * a finding. Code compiled for a whole function may also be installed and
 * main run with it: it must print what the interpreter printed (wrong
 * feedback only makes guards fail).
 *
 * Decoding: byte 0 picks the function (past the last: an index that does
 * not exist), byte 1 the OSR entry (0: none, 1-2: a loop header, else that
 * pc), byte 2 what the request carries (feedback, every profile, globals,
 * store counts, inline options, a pipeline; both top bits: run the code,
 * which is slow with ASan: a thread per run); then those
 * parts' bytes; then edits of 4 bytes each: function, slot, field, value
 * (state, entry count, flags, count, an entry as an int, a shape of this VM,
 * a pair of tags or a callee, aux, a back-edge count, calls). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"
#include "runtime/vm_internal.h"
#include "shapec/shapec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *SRC =
    "global k\nglobal fn\n"
    "func add(a, b) {\n LoadLocal a\n LoadLocal b\n Add\n ReturnValue\n}\n"
    "func apply(f, x, y) {\n LoadLocal f\n LoadLocal x\n LoadLocal y\n CallValue 2\n ReturnValue\n}\n"
    "func point(x) {\n local o\n NewObject\n StoreLocal o\n LoadLocal o\n LoadLocal x\n SetProp x\n"
    " LoadLocal o\n LoadLocal x\n SetProp y\n LoadLocal o\n GetProp x\n LoadLocal o\n GetProp y\n Add\n"
    " LoadGlobal k\n Mul\n ReturnValue\n}\n"
    "func sum(n, step) {\n local i\n local j\n local s\n local a\n PushConst 0\n StoreLocal s\n PushConst 0\n"
    " StoreLocal i\n PushConst 1\n PushConst 2.5\n NewArray 2\n StoreLocal a\n"
    "outer:\n LoopStart\n LoadLocal i\n LoadLocal n\n Lt\n JumpIfFalse done\n PushConst 0\n StoreLocal j\n"
    "inner:\n LoopStart\n LoadLocal j\n PushConst 3\n Lt\n JumpIfFalse next\n"
    " LoadLocal s\n LoadGlobal fn\n LoadLocal i\n LoadLocal step\n Call apply 3\n Add\n StoreLocal s\n"
    " LoadLocal s\n LoadLocal j\n Call point 1\n Add\n LoadLocal a\n LoadLocal j\n PushConst 2\n Mod\n GetIndex\n"
    " Add\n PushConst 2\n Div\n StoreLocal s\n"
    " LoadLocal j\n PushConst 1\n Add\n StoreLocal j\n LoopEnd\n Jump inner\n"
    "next:\n LoadLocal i\n PushConst 1\n Add\n StoreLocal i\n LoopEnd\n Jump outer\n"
    "done:\n LoadLocal s\n ReturnValue\n}\n"
    "func main() {\n PushConst 3\n StoreGlobal k\n PushFunc add\n StoreGlobal fn\n"
    " PushConst 20\n PushConst 2\n Call sum 2\n Print\n PushConst 20\n PushConst 0.5\n Call sum 2\n Print\n"
    " PushConst 7\n Call point 1\n Print\n Return\n}\n";

#define MAXSHAPES 64
static struct {
  sc_program *p;
  sc_vm *vm;
  sc_compiler *c;
  char *expect; /* what main printed, interpreted */
  uint32_t headers[2];
  const sc_shape *shapes[MAXSHAPES];
  uint32_t nshapes;
} S;

static char *run_main(void) {
  char *out = NULL;
  size_t n = 0;
  FILE *o = open_memstream(&out, &n);
  sc_vm_set_output(S.vm, o);
  int st = sc_vm_run_main(S.vm);
  fclose(o);
  sc_vm_set_output(S.vm, stdout);
  if (st != SC_EXIT_OK) {
    fprintf(stderr, "fuzz_compile: main failed (%d), printed %s\n", st, out);
    abort();
  }
  return out;
}

static void add_shapes(const sc_shape *s) {
  if (S.nshapes < MAXSHAPES) S.shapes[S.nshapes++] = s;
  for (uint32_t k = 0; k < s->ntrans; k++) add_shapes(s->trans[k]);
}

static void setup(void) {
  sc_runtime_init();
  sc_diags d = {.filename = "fuzz.sasm"};
  S.p = sc_assemble("fuzz.sasm", SRC, strlen(SRC), &d);
  if (!S.p) {
    sc_diags_print(&d, stderr);
    abort();
  }
  sc_vm_options vo = {.profile = 1, .jit = SC_JIT_OFF};
  S.vm = sc_vm_new(S.p, &vo);
  char err[256];
  S.c = sc_compiler_new(S.vm, sc_backend_available("mir") ? "mir" : NULL, err, sizeof err);
  if (!S.vm || !S.c) {
    fprintf(stderr, "fuzz_compile: no VM or compiler: %s\n", S.vm ? err : "");
    abort();
  }
  S.expect = run_main();
  add_shapes(S.vm->rt.root_shape);
  const sc_func *sum = S.p->funcs[sc_func_find(S.p, "sum")];
  uint32_t nh = 0;
  for (uint32_t pc = 0; pc < sum->ncode && nh < 2; pc++)
    if (sum->code[pc].op == SC_OP_LoopStart) S.headers[nh++] = pc;
}

typedef struct rd {
  const uint8_t *p;
  size_t n, i;
} rd;
static unsigned next(rd *r) { return r->i < r->n ? r->p[r->i++] : 0; }

static const char *const PASSES[] = {"lift", "phis", "simplify", "dce", "preheaders", "specialize", "unbox",
                                     "guards", "globals", "hoist", "inline", "nosuchpass", ""};
#define NPASSES (sizeof PASSES / sizeof *PASSES)

/* An entry value of the kind v picks. */
static uint64_t entry_value(rd *r, unsigned v) {
  unsigned x = next(r);
  switch (v % 5) {
  case 0: return x;
  case 1: return (uint64_t)(uintptr_t)S.shapes[x % S.nshapes];
  case 2: return SC_FB_PAIR(x >> 4, x & 15);
  case 3: return x & 1 ? SC_FB_NOTFUNC(x >> 1) : x >> 1;
  default: return x & 1 ? SC_FB_NOTARRAY(x >> 1) : SC_FB_ELEMS(x >> 1);
  }
}

static void edit(rd *r, sc_profile *profs) {
  uint32_t nf = S.p->nfuncs;
  const sc_func *f = S.p->funcs[next(r) % nf];
  sc_profile *pr = &profs[f->index];
  unsigned slot = next(r), field = next(r), v = next(r);
  if (field % 10 == 8) {
    if (f->ncode) pr->backedges[slot % f->ncode] = v * 1000u;
    return;
  }
  if (field % 10 == 9) {
    pr->calls = (uint64_t)v << (slot % 40);
    return;
  }
  if (!f->nfeedback) return;
  sc_fb_slot *s = &pr->slots[slot % f->nfeedback];
  unsigned k = (field / 10) % SC_FB_MAX;
  switch (field % 10) {
  case 0: s->state = (uint8_t)(v % 5); break;
  case 1: s->n = (uint8_t)(v % 6); break;
  case 2: s->flags = (uint8_t)v; break;
  case 3: s->count = v * 1000u; break;
  case 4: case 5: s->e[k] = entry_value(r, v); break;
  case 6: s->aux[k] = v & 0x80 ? SC_FB_ADDS_FIELD | (v & 7) : v & 7; break;
  default: /* a consistent slot of n entries */
    s->n = (uint8_t)(v % (SC_FB_MAX + 1));
    s->state = s->n == 0 ? SC_FB_UNINIT : s->n == 1 ? SC_FB_MONO : SC_FB_POLY;
    break;
  }
}

static void check(bool ok, const char *what, const sc_compile_request *rq) {
  if (ok) return;
  fprintf(stderr, "fuzz_compile: %s (function %u, osr %u)\n", what, rq->func, rq->osr_pc);
  abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!S.p) setup();
  rd r = {data, size, 0};
  uint32_t nf = S.p->nfuncs, ng = S.p->nglobals;
  unsigned fsel = next(&r), osel = next(&r), what = next(&r);
  sc_compile_request rq = {.func = fsel % (nf + 1) < nf ? fsel % (nf + 1) : nf + fsel};
  rq.osr_pc = osel == 0 ? 0 : osel <= 2 ? S.headers[osel - 1] : osel;
  /* every function's profile, copied for editing */
  sc_profile *profs = calloc(nf, sizeof *profs);
  for (uint32_t i = 0; i < nf; i++) {
    const sc_func *f = S.p->funcs[i];
    const sc_profile *src = sc_vm_profile(S.vm, i);
    profs[i].calls = src->calls;
    profs[i].backedges = malloc((f->ncode + 1) * sizeof *profs[i].backedges);
    memcpy(profs[i].backedges, src->backedges, f->ncode * sizeof *profs[i].backedges);
    profs[i].slots = malloc((f->nfeedback + 1) * sizeof *profs[i].slots);
    memcpy(profs[i].slots, src->slots, f->nfeedback * sizeof *profs[i].slots);
  }
  if (what & 1 && rq.func < nf) rq.feedback = &profs[rq.func];
  if (what & 2) rq.profiles = profs;
  sc_value globals[8];
  uint8_t stores[8];
  if (what & 4) {
    for (uint32_t g = 0; g < ng; g++) {
      unsigned t = next(&r), x = next(&r);
      globals[g] = t % 3 == 0 ? S.vm->globals[g] : (sc_value){.tag = t % 10, .i = x & 0x80 ? x & 7 : x};
    }
    rq.globals = globals;
  }
  if (what & 8) {
    for (uint32_t g = 0; g < ng; g++) stores[g] = (uint8_t)(next(&r) % 4);
    rq.global_stores = stores;
  }
  sc_inline_options inl;
  if (what & 16) {
    unsigned o = next(&r), b = next(&r), dm = next(&r), rec = next(&r);
    inl = (sc_inline_options){.off = o & 1, .budget = b * 8u, .depth = dm & 7, .max_size = (dm >> 3) * 4u,
                              .recursion = (int8_t)rec % 4};
    if (o & 2) inl.budget = 1000001; /* refused */
    rq.inline_options = &inl;
  }
  char pipeline[256];
  if (what & 32) {
    unsigned n = next(&r) % 12;
    size_t len = 0;
    pipeline[0] = 0;
    for (unsigned k = 0; k < n; k++)
      len += (size_t)snprintf(pipeline + len, sizeof pipeline - len, "%s%s", k ? "," : "",
                              PASSES[next(&r) % NPASSES]);
    rq.pipeline = pipeline;
  }
  while (r.i + 4 <= r.n) edit(&r, profs);

  sc_compile_result res;
  int st = sc_compile(S.c, &rq, &res);
  check(st == res.status, "the status returned is not res->status", &rq);
  check(st != SC_COMPILE_FAILED, res.error, &rq);
  if (st == SC_COMPILE_BAD_REQUEST) {
    check(res.error[0] && !res.code && !res.deopts, "a refusal without a reason, or with code", &rq);
  } else {
    check(st == SC_COMPILE_OK && res.code, "no code", &rq);
    const sc_func *f = S.p->funcs[rq.func];
    check(res.osr_pc == rq.osr_pc, "another OSR entry", &rq);
    for (uint32_t k = 0; k < res.ndeopts; k++) {
      const sc_deopt_point *d = &res.deopts[k];
      check(d->func < nf && d->pc < S.p->funcs[d->func]->ncode && d->parent < (int32_t)k &&
                d->nlocals == S.p->funcs[d->func]->nlocals,
            "a deopt point that does not exist", &rq);
    }
    for (uint32_t k = 0; k < res.nguards; k++) {
      /* a guard in inlined code is at a pc of the callee its deopt point resumes */
      const sc_guard_info *g = &res.guards[k];
      check(g->deopt < res.ndeopts && g->pc < S.p->funcs[res.deopts[g->deopt].func]->ncode,
            "a guard without its deopt point", &rq);
    }
    for (uint32_t k = 0; k < res.nosr_exits; k++) check(res.osr_exits[k] < f->ncode, "an OSR exit", &rq);
    if ((what & 0xc0) == 0xc0 && !rq.osr_pc && !rq.globals) {
      /* (code assuming globals the host made up may print anything) */
      check(sc_vm_install(S.vm, rq.func, &res), "whole-function code not installable", &rq);
      char *out = run_main();
      sc_vm_install(S.vm, rq.func, NULL);
      if (strcmp(out, S.expect)) {
        fprintf(stderr, "fuzz_compile: with the code installed main printed\n%s\ninstead of\n%s", out, S.expect);
        check(false, "compiled code changed the output", &rq);
      }
      free(out);
    }
  }
  sc_compile_release_code(S.c, &res);
  sc_compile_result_free(&res);
  for (uint32_t i = 0; i < nf; i++) {
    free(profs[i].backedges);
    free(profs[i].slots);
  }
  free(profs);
  return 0;
}
