/* The tier-0 VM through the library: output, exit status, traces, stack
 * overflow, profiling counters and feedback slot states. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/vm_internal.h"
#include "shapec/shapec.h"

typedef struct run {
  int status;
  char *out, *err;
  sc_program *p;
  sc_vm *vm;
} run;

static sc_program *assemble(const char *src) {
  sc_runtime_init();
  sc_diags d = {.filename = "t.sasm"};
  sc_program *p = sc_assemble("t.sasm", src, strlen(src), &d);
  if (p && d.n == 0) sc_verify(p, &d);
  if (d.n) sc_diags_print(&d, stderr);
  cr_assert(p && d.n == 0, "test program does not assemble");
  return p;
}

static run run_opts(const char *src, int profile, uint32_t max_frames) {
  run r = {0};
  size_t no, ne;
  r.p = assemble(src);
  FILE *out = open_memstream(&r.out, &no), *err = open_memstream(&r.err, &ne);
  sc_vm_options o = {.out = out, .err = err, .profile = profile, .max_frames = max_frames};
  r.vm = sc_vm_new(r.p, &o);
  r.status = sc_vm_run_main(r.vm);
  fclose(out);
  fclose(err);
  return r;
}

static run run_src(const char *src) { return run_opts(src, 1, 0); }

static void done(run *r) {
  free(r->out);
  free(r->err);
}

static const sc_fb_slot *slot_of(const run *r, const char *func, sc_op op, int nth) {
  int fi = sc_func_find(r->p, func);
  cr_assert(fi >= 0);
  const sc_func *f = r->p->funcs[fi];
  for (uint32_t pc = 0; pc < f->ncode; pc++)
    if (f->code[pc].op == op && nth-- == 0) {
      cr_assert(f->code[pc].fb >= 0);
      return &sc_vm_profile(r->vm, (uint32_t)fi)->slots[f->code[pc].fb];
    }
  cr_assert_fail("no such instruction");
  return NULL;
}

Test(vm, prints_and_returns_ok) {
  run r = run_src("func main() {\n"
                  "  PushConst 40\n  PushConst 2\n  Add\n  Print\n"
                  "  PushConst 7\n  PushConst 2\n  Div\n  Print\n"
                  "  PushConst \"s\"\n  Print\n  Return\n}\n");
  cr_expect_eq(r.status, SC_EXIT_OK);
  cr_expect_str_eq(r.out, "42\n3.5\ns\n");
  cr_expect_str_eq(r.err, "");
  done(&r);
}

Test(vm, recursion_and_locals) {
  run r = run_src("func fib(n) {\n  LoadLocal n\n  PushConst 2\n  LtInt\n  JumpIfFalse rec\n"
                  "  LoadLocal n\n  ReturnValue\nrec:\n  LoadLocal n\n  PushConst 1\n  SubInt\n"
                  "  Call fib 1\n  LoadLocal n\n  PushConst 2\n  SubInt\n  Call fib 1\n  AddInt\n"
                  "  ReturnValue\n}\n"
                  "func main() {\n  local i: int\n  PushConst 0\n  StoreLocal i\nloop:\n  LoopStart\n"
                  "  LoadLocal i\n  PushConst 20\n  LeInt\n  JumpIfFalse end\n  LoadLocal i\n"
                  "  Call fib 1\n  Pop\n  LoadLocal i\n  PushConst 1\n  AddInt\n  StoreLocal i\n"
                  "  LoopEnd\n  Jump loop\nend:\n  PushConst 20\n  Call fib 1\n  Print\n  Return\n}\n");
  cr_expect_eq(r.status, SC_EXIT_OK);
  cr_expect_str_eq(r.out, "6765\n");
  const sc_profile *pf = sc_vm_profile(r.vm, (uint32_t)sc_func_find(r.p, "fib"));
  /* sum over i=0..20 of calls(fib(i)) + calls(fib(20)); calls(fib(k)) = 2*fib(k+1)-1 */
  uint64_t expect = 0, a = 0, b = 1;
  for (int k = 0; k <= 20; k++) {
    uint64_t t = a + b;
    a = b;
    b = t; /* a = fib(k+1) */
    expect += 2 * a - 1;
  }
  expect += 2 * 10946 - 1;
  cr_expect_eq(pf->calls, expect, "fib calls %lu, expected %lu", (unsigned long)pf->calls,
               (unsigned long)expect);
  /* the loop header (the LoopStart at pc 2) has 21 back-edges */
  const sc_profile *pm = sc_vm_profile(r.vm, (uint32_t)sc_func_find(r.p, "main"));
  cr_expect_eq(pm->calls, 1);
  cr_expect_eq(pm->backedges[2], 21);
  done(&r);
}

Test(vm, runtime_error_trace) {
  run r = run_src("func g(x) {\n"           /* 1 */
                  "  LoadLocal x\n"         /* 2 */
                  "  PushConst 0\n"         /* 3 */
                  "  DivInt\n"              /* 4 */
                  "  ReturnValue\n}\n"      /* 5-6 */
                  "func f(x) {\n"           /* 7 */
                  "  LoadLocal x\n"         /* 8 */
                  "  Call g 1\n"            /* 9 */
                  "  ReturnValue\n}\n"      /* 10-11 */
                  "func main() {\n"         /* 12 */
                  "  PushConst 1\n  Print\n" /* 13-14 */
                  "  PushConst 5\n"         /* 15 */
                  "  Call f 1\n"            /* 16 */
                  "  Print\n  Return\n}\n");
  cr_expect_eq(r.status, SC_EXIT_RUNTIME_ERROR);
  cr_expect_str_eq(r.out, "1\n");
  cr_expect_str_eq(r.err, "runtime error: division by zero\n"
                          "  at g (t.sasm:4)\n"
                          "  at f (t.sasm:9)\n"
                          "  at main (t.sasm:16)\n");
  done(&r);
}

static const char deep_src[] = "func down(n) {\n"     /* 1 */
                               "  LoadLocal n\n"      /* 2 */
                               "  PushConst 1\n"      /* 3 */
                               "  AddInt\n"           /* 4 */
                               "  Call down 1\n"      /* 5 */
                               "  ReturnValue\n}\n"   /* 6-7 */
                               "func main() {\n"      /* 8 */
                               "  PushConst 0\n"      /* 9 */
                               "  Call down 1\n"      /* 10 */
                               "  Return\n}\n";

Test(vm, stack_overflow_elides_trace) {
  run r = run_opts(deep_src, 1, 50);
  cr_expect_eq(r.status, SC_EXIT_RUNTIME_ERROR);
  /* 50 frames: main + 49 down; the 50th call overflows */
  char expect[4096], *e = expect;
  e += sprintf(e, "runtime error: stack overflow\n");
  for (int k = 0; k < 20; k++) e += sprintf(e, "  at down (t.sasm:5)\n");
  e += sprintf(e, "  ... 10 more frames ...\n");
  for (int k = 0; k < 19; k++) e += sprintf(e, "  at down (t.sasm:5)\n");
  e += sprintf(e, "  at main (t.sasm:10)\n");
  cr_expect_str_eq(r.err, expect);
  done(&r);
}

Test(vm, default_depth_limit_and_growth) {
  /* the default limit is reached with the stack and frame array grown many times */
  run r = run_opts(deep_src, 0, 0);
  cr_expect_eq(r.status, SC_EXIT_RUNTIME_ERROR);
  cr_expect(strncmp(r.err, "runtime error: stack overflow\n", 30) == 0);
  cr_expect(strstr(r.err, "  ... 99960 more frames ...\n") != NULL);
  done(&r);
}

Test(vm, halt_flushes_and_succeeds) {
  run r = run_src("func f() {\n  PushConst 1\n  Print\n  Halt\n}\n"
                  "func main() {\n  Call f 0\n  Pop\n  PushConst 2\n  Print\n  Return\n}\n");
  cr_expect_eq(r.status, SC_EXIT_OK);
  cr_expect_str_eq(r.out, "1\n");
  cr_expect_str_eq(r.err, "");
  done(&r);
}

Test(vm, kinded_local) {
  run r = run_src("func main() {\n  local x: int\n  PushConst 1\n  StoreLocal x\n"
                  "  PushConst 1.5\n  StoreLocal x\n  Return\n}\n");
  cr_expect_eq(r.status, SC_EXIT_RUNTIME_ERROR);
  cr_expect_str_eq(r.err, "runtime error: local x declared int, got float\n"
                          "  at main (t.sasm:6)\n");
  done(&r);
}

Test(vm, call_value) {
  run r = run_src("func sq(x) {\n  LoadLocal x\n  LoadLocal x\n  MulInt\n  ReturnValue\n}\n"
                  "func main() {\n  PushFunc sq\n  PushConst 9\n  CallValue 1\n  Print\n"
                  "  PushFunc sq\n  Print\n"
                  "  PushConst 3\n  PushConst 1\n  CallValue 0\n  Return\n}\n");
  cr_expect_eq(r.status, SC_EXIT_RUNTIME_ERROR);
  cr_expect_str_eq(r.out, "81\n<func sq>\n");
  cr_expect_str_eq(r.err, "runtime error: cannot call int\n  at main (t.sasm:16)\n");
  done(&r);
}

/* add(a, b) is called with 5 type pairs in turn; after each call the Add
 * slot must be in the given state. */
Test(vm, feedback_uninit_mono_poly_mega) {
  static const char *const calls[] = {"PushConst 1\n  PushConst 2\n",
                                      "PushConst 1.5\n  PushConst 2.5\n",
                                      "PushConst \"a\"\n  PushConst \"b\"\n",
                                      "PushConst 1\n  PushConst 2.5\n",
                                      "PushConst 2.5\n  PushConst 1\n"};
  static const sc_fb_state states[] = {SC_FB_MONO, SC_FB_POLY, SC_FB_POLY, SC_FB_POLY, SC_FB_MEGA};
  for (int n = 0; n <= 5; n++) {
    char src[2048], *s = src;
    s += sprintf(s, "func add(a, b) {\n  LoadLocal a\n  LoadLocal b\n  Add\n  ReturnValue\n}\n"
                    "func main() {\n");
    for (int k = 0; k < n; k++) s += sprintf(s, "  %s  Call add 2\n  Pop\n", calls[k]);
    s += sprintf(s, "  Return\n}\n");
    run r = run_src(src);
    cr_expect_eq(r.status, SC_EXIT_OK);
    const sc_fb_slot *sl = slot_of(&r, "add", SC_OP_Add, 0);
    cr_expect_eq(sl->state, n ? states[n - 1] : SC_FB_UNINIT, "after %d calls: state %d", n,
                 sl->state);
    cr_expect_eq(sl->count, (uint32_t)n);
    if (n >= 1) cr_expect_eq(sl->e[0], SC_FB_PAIR(SC_INT, SC_INT));
    if (n >= 2) cr_expect_eq(sl->e[1], SC_FB_PAIR(SC_FLOAT, SC_FLOAT));
    done(&r);
  }
}

Test(vm, feedback_overflow_and_branches) {
  /* fused LoadLocal PushConst AddInt StoreLocal: the overflow leaves the
   * fast path and the plain AddInt records it */
  run r = run_src("func main() {\n  local x\n  PushConst 9223372036854775806\n  StoreLocal x\n"
                  "loop:\n  LoadLocal x\n  PushConst 1\n  AddInt\n  StoreLocal x\n"
                  "  LoadLocal x\n  PushConst 9223372036854775807\n  Le\n  JumpIfTrue loop\n"
                  "  LoadLocal x\n  Print\n  Return\n}\n");
  cr_expect_eq(r.status, SC_EXIT_OK);
  cr_expect_str_eq(r.out, "9.223372036854776e+18\n");
  const sc_fb_slot *add = slot_of(&r, "main", SC_OP_AddInt, 0);
  cr_expect_eq(add->state, SC_FB_MONO);
  cr_expect_eq(add->count, 2);
  cr_expect_eq(add->e[0], SC_FB_PAIR(SC_INT, SC_INT));
  cr_expect(add->flags & SC_FBF_OVERFLOW);
  const sc_fb_slot *le = slot_of(&r, "main", SC_OP_Le, 0);
  cr_expect_eq(le->count, 2);
  cr_expect_eq(le->state, SC_FB_POLY);
  cr_expect_eq(le->e[1], SC_FB_PAIR(SC_FLOAT, SC_INT));
  const sc_fb_slot *j = slot_of(&r, "main", SC_OP_JumpIfTrue, 0);
  cr_expect_eq(j->state, SC_FB_MONO);
  cr_expect_eq(j->count, 2);
  cr_expect_eq(j->e[0], SC_BOOL);
  /* the backward conditional jump to pc 2 was taken once */
  cr_expect_eq(sc_vm_profile(r.vm, 0)->backedges[2], 1);
  done(&r);
}

Test(vm, property_inline_cache) {
  run r = run_src("func getx(o) {\n  LoadLocal o\n  GetProp x\n  ReturnValue\n}\n"
                  "func main() {\n  local a\n  local b\n"
                  "  NewObject\n  StoreLocal a\n  LoadLocal a\n  PushConst 1\n  SetProp x\n"
                  "  NewObject\n  StoreLocal b\n  LoadLocal b\n  PushConst 2\n  SetProp y\n"
                  "  LoadLocal b\n  PushConst 3\n  SetProp x\n"
                  "  LoadLocal a\n  Call getx 1\n  Print\n"
                  "  LoadLocal b\n  Call getx 1\n  Print\n"
                  "  LoadLocal a\n  Call getx 1\n  Print\n"
                  "  LoadLocal b\n  Print\n"
                  "  PushConst 5\n  Call getx 1\n  Return\n}\n");
  cr_expect_eq(r.status, SC_EXIT_RUNTIME_ERROR);
  cr_expect_str_eq(r.out, "1\n3\n1\n{y: 2, x: 3}\n");
  cr_expect_str_eq(r.err, "runtime error: GetProp on int\n  at getx (t.sasm:3)\n"
                          "  at main (t.sasm:34)\n");
  const sc_fb_slot *g = slot_of(&r, "getx", SC_OP_GetProp, 0);
  cr_expect_eq(g->state, SC_FB_POLY);
  cr_expect_eq(g->n, 3); /* {x}, {y,x}, not an object */
  cr_expect_eq(g->count, 4);
  cr_expect_eq(g->aux[0], 0);
  cr_expect_eq(g->aux[1], 1);
  cr_expect_eq(g->e[2], 0);
  const sc_fb_slot *s = slot_of(&r, "main", SC_OP_SetProp, 2);
  cr_expect_eq(s->n, 1);
  cr_expect_eq(s->aux[0], SC_FB_ADDS_FIELD | 1);
  done(&r);
}

Test(vm, arrays_and_elements_feedback) {
  run r = run_src("func main() {\n  local a\n  PushConst 3\n  PushConst 0\n  ArrayNew\n  StoreLocal a\n"
                  "  LoadLocal a\n  PushConst 1\n  PushConst 2.5\n  SetIndex\n"
                  "  LoadLocal a\n  PushConst 1\n  GetIndex\n  Print\n"
                  "  LoadLocal a\n  Print\n"
                  "  LoadLocal a\n  PushConst 3\n  GetIndex\n  Return\n}\n");
  cr_expect_eq(r.status, SC_EXIT_RUNTIME_ERROR);
  cr_expect_str_eq(r.out, "2.5\n[0, 2.5, 0]\n");
  cr_expect_str_eq(r.err, "runtime error: GetIndex index 3 out of bounds for length 3\n"
                          "  at main (t.sasm:19)\n");
  const sc_fb_slot *set = slot_of(&r, "main", SC_OP_SetIndex, 0);
  cr_expect_eq(set->e[0], SC_FB_ELEMS(SC_ELEMS_INT)); /* kind before the store */
  const sc_fb_slot *get = slot_of(&r, "main", SC_OP_GetIndex, 1);
  cr_expect(get->flags & SC_FBF_OOB);
  done(&r);
}

Test(vm, no_profile_counts_nothing) {
  run r = run_opts("func f(a) {\n  LoadLocal a\n  PushConst 1\n  Add\n  ReturnValue\n}\n"
                   "func main() {\n  PushConst 1\n  Call f 1\n  Print\n  Return\n}\n",
                   0, 0);
  cr_expect_eq(r.status, SC_EXIT_OK);
  cr_expect_str_eq(r.out, "2\n");
  cr_expect_eq(sc_vm_profile(r.vm, 0)->calls, 0);
  cr_expect_eq(slot_of(&r, "f", SC_OP_Add, 0)->state, SC_FB_UNINIT);
  done(&r);
}

Test(vm, gc_keeps_stack_values) {
  /* many short-lived arrays while older ones stay on the stack and in
   * locals of outer frames: nothing live may be collected */
  run r = run_src("func mk(n) {\n  local a\n  LoadLocal n\n  PushConst 7\n  ArrayNew\n  StoreLocal a\n"
                  "  LoadLocal n\n  PushConst 0\n  Gt\n  JumpIfFalse leaf\n"
                  "  LoadLocal a\n  LoadLocal n\n  PushConst 1\n  Sub\n  Call mk 1\n  Pop\n"
                  "  Pop\nleaf:\n  LoadLocal a\n  ReturnValue\n}\n"
                  "func main() {\n  local i\n  local keep\n  PushConst 500\n  Call mk 1\n"
                  "  StoreLocal keep\n  PushConst 0\n  StoreLocal i\nloop:\n  LoadLocal i\n"
                  "  PushConst 200\n  Lt\n  JumpIfFalse end\n  PushConst 300\n  Call mk 1\n  Pop\n"
                  "  LoadLocal i\n  PushConst 1\n  Add\n  StoreLocal i\n  Jump loop\nend:\n"
                  "  LoadLocal keep\n  ArrayLen\n  Print\n  LoadLocal keep\n  PushConst 499\n"
                  "  GetIndex\n  Print\n  Return\n}\n");
  cr_expect_eq(r.status, SC_EXIT_OK);
  cr_expect_str_eq(r.out, "500\n7\n");
  done(&r);
}

/* Superinstructions must not change anything observable: output, errors,
 * exit status, and the whole profile (feedback slots, counters). */
typedef struct outcome {
  int status;
  char *out, *err, *fb;
} outcome;

static outcome run_fused(sc_program *p, bool fuse) {
  outcome o;
  size_t n1, n2, n3;
  FILE *out = open_memstream(&o.out, &n1), *err = open_memstream(&o.err, &n2);
  sc_vm_options opts = {.out = out, .err = err, .profile = 1, .max_frames = 3000};
  sc_vm *vm = sc_vm_new(p, &opts);
  vm->fuse = fuse;
  o.status = sc_vm_run_main(vm);
  fclose(out);
  fclose(err);
  FILE *fb = open_memstream(&o.fb, &n3);
  sc_vm_dump_feedback(vm, fb);
  fclose(fb);
  return o;
}

static void check_fusion_neutral(const char *name, const char *src) {
  sc_runtime_init();
  sc_diags d = {.filename = name};
  sc_program *p = sc_assemble(name, src, strlen(src), &d);
  if (!p || d.n || sc_verify(p, &d) || d.n) return; /* bad programs are not run */
  outcome a = run_fused(p, true), b = run_fused(p, false);
  cr_expect_eq(a.status, b.status, "%s: status", name);
  cr_expect_str_eq(a.out, b.out, "%s: stdout", name);
  cr_expect_str_eq(a.err, b.err, "%s: stderr", name);
  cr_expect_str_eq(a.fb, b.fb, "%s: feedback differs", name);
  free(a.out), free(a.err), free(a.fb), free(b.out), free(b.err), free(b.fb);
}

static const char *const fusion_cases[] = {
    /* FORLOOP whose variable overflows to float and whose test mixes types */
    "func main() {\n  local i\n  local n\n  local s\n  PushConst 0\n  StoreLocal i\n"
    "  PushConst 20000000000000000000.0\n  StoreLocal n\n  PushConst 0\n  StoreLocal s\n"
    "loop:\n  LoopStart\n  LoadLocal i\n  LoadLocal n\n  Lt\n  JumpIfFalse done\n"
    "  LoadLocal s\n  LoadLocal i\n  Add\n  StoreLocal s\n  LoadLocal i\n"
    "  PushConst 3000000000000000000\n  Add\n  StoreLocal i\n  LoopEnd\n  Jump loop\n"
    "done:\n  LoadLocal s\n  Print\n  LoadLocal i\n  Print\n  Return\n}\n",
    /* count-down FORLOOP, then a kinded local getting a float in a fused store */
    "func main() {\n  local i: int\n  local step\n  local s: int\n  PushConst 100\n"
    "  StoreLocal i\n  PushConst 0\n  StoreLocal s\nloop:\n  LoadLocal i\n  PushConst 0\n"
    "  GtInt\n  JumpIfFalse next\n  LoadLocal s\n  LoadLocal i\n  AddInt\n  StoreLocal s\n"
    "  LoadLocal i\n  PushConst 3\n  SubInt\n  StoreLocal i\n  Jump loop\nnext:\n"
    "  LoadLocal s\n  Print\n  PushConst 0.5\n  StoreLocal step\n  LoadLocal i\n"
    "  LoadLocal step\n  Add\n  StoreLocal i\n  Return\n}\n",
    /* fused array stores through every elements kind, then out of bounds */
    "func main() {\n  local a\n  local i\n  local v\n  PushConst 4\n  PushConst 0\n"
    "  ArrayNew\n  StoreLocal a\n  PushConst 0\n  StoreLocal i\nloop:\n  LoadLocal i\n"
    "  PushConst 6\n  Lt\n  JumpIfFalse done\n  LoadLocal a\n  LoadLocal i\n  PushConst 2\n"
    "  Mod\n  PushConst 7\n  SetIndex\n  LoadLocal a\n  LoadLocal i\n  PushConst 4\n  Mod\n"
    "  PushConst 1.5\n  SetIndex\n  LoadLocal i\n  PushConst 3\n  Mod\n  StoreLocal v\n"
    "  LoadLocal a\n  LoadLocal v\n  LoadLocal a\n  SetIndex\n  LoadLocal a\n  LoadLocal v\n"
    "  GetIndex\n  Pop\n  LoadLocal a\n  LoadLocal i\n  PushConst \"s\"\n  SetIndex\n"
    "  LoadLocal i\n  PushConst 1\n  Add\n  StoreLocal i\n  Jump loop\ndone:\n"
    "  LoadLocal a\n  ArrayLen\n  Print\n  Return\n}\n",
    /* float compares and arithmetic from constants and locals */
    "func main() {\n  local x\n  local k\n  PushConst 1.0\n  StoreLocal x\n  PushConst 0\n"
    "  StoreLocal k\nloop:\n  LoadLocal x\n  PushConst 1000.0\n  LtNumber\n"
    "  JumpIfFalse done\n  LoadLocal x\n  PushConst 1.5\n  MulNumber\n  StoreLocal x\n"
    "  LoadLocal x\n  PushConst 2.0\n  Gt\n  JumpIfTrue skip\n  LoadLocal k\n  PushConst 1\n"
    "  Add\n  StoreLocal k\nskip:\n  LoadLocal k\n  LoadLocal x\n  Add\n  Pop\n  Jump loop\n"
    "done:\n  LoadLocal x\n  Print\n  LoadLocal k\n  Print\n  Return\n}\n",
};

Test(vm, fusion_is_unobservable) {
  for (size_t k = 0; k < sizeof fusion_cases / sizeof *fusion_cases; k++)
    check_fusion_neutral("case.sasm", fusion_cases[k]);
  DIR *d = opendir(SC_SRCDIR "/tests/programs");
  cr_assert(d != NULL);
  int checked = 0;
  for (struct dirent *e; (e = readdir(d));) {
    size_t n = strlen(e->d_name);
    if (n < 6 || strcmp(e->d_name + n - 5, ".sasm")) continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/programs/%s", SC_SRCDIR, e->d_name);
    FILE *f = fopen(path, "rb");
    cr_assert(f != NULL);
    char *src = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&src, &len);
    char buf[4096];
    for (size_t r; (r = fread(buf, 1, sizeof buf, f));) fwrite(buf, 1, r, m);
    fclose(f);
    fclose(m);
    check_fusion_neutral(e->d_name, src);
    free(src);
    checked++;
  }
  closedir(d);
  cr_expect(checked >= 20, "only %d programs found", checked);
}
