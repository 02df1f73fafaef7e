/* The compile API (shapec/compiler.h) through the one compile driver: many
 * compilations in a row, and requests that carry what the tier manager's
 * do (every function's profile, the globals, inlining options). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "jit/driver.h"
#include "runtime/vm_internal.h"
#include "shapec/compiler.h"
#include "shapec/shapec.h"

static const char *SRC =
    "global k\n"
    "func add(a, b) {\n    LoadLocal a\n    LoadLocal b\n    Add\n    ReturnValue\n}\n"
    "func scale(x) {\n    LoadLocal x\n    LoadGlobal k\n    Mul\n    ReturnValue\n}\n"
    "func sum(n) {\n    local i\n    local s\n    PushConst 0\n    StoreLocal i\n    PushConst 0\n    StoreLocal s\n"
    "top:\n    LoopStart\n    LoadLocal i\n    LoadLocal n\n    Lt\n    JumpIfFalse done\n"
    "    LoadLocal s\n    LoadLocal i\n    Call scale 1\n    Call add 2\n    StoreLocal s\n"
    "    LoadLocal i\n    PushConst 1\n    Add\n    StoreLocal i\n    LoopEnd\n    Jump top\n"
    "done:\n    LoadLocal s\n    ReturnValue\n}\n"
    "func main() {\n    PushConst 3\n    StoreGlobal k\n    PushConst 100\n    Call sum 1\n    Print\n    Return\n}\n";

typedef struct fixture {
  sc_program *p;
  sc_vm *vm;
  sc_compiler *c;
  uint32_t add, scale, sum, header; /* header: sum's loop (LoopStart) */
  bool mir;
} fixture;

/* The program, run once in the interpreter for feedback, and a compiler
 * (skips the test when no backend is built). */
static fixture setup_fixture(void) {
  fixture x = {0};
  if (!sc_backend_available(NULL)) cr_skip_test("no backend built");
  sc_runtime_init();
  sc_diags d = {.filename = "t.sasm"};
  x.p = sc_assemble("t.sasm", SRC, strlen(SRC), &d);
  cr_assert(x.p && d.n == 0);
  char *out;
  size_t no;
  FILE *o = open_memstream(&out, &no);
  sc_vm_options vo = {.out = o, .profile = 1, .jit = SC_JIT_OFF};
  x.vm = sc_vm_new(x.p, &vo);
  cr_assert(x.vm);
  cr_assert_eq(sc_vm_run_main(x.vm), 0);
  fclose(o);
  cr_assert_str_eq(out, "14850\n");
  free(out);
  x.add = (uint32_t)sc_func_find(x.p, "add");
  x.sum = (uint32_t)sc_func_find(x.p, "sum");
  x.scale = (uint32_t)sc_func_find(x.p, "scale");
  const sc_func *f = x.p->funcs[x.sum];
  for (uint32_t pc = 0; pc < f->ncode; pc++)
    if (f->code[pc].op == SC_OP_LoopStart) x.header = pc;
  cr_assert(x.header);
  char err[256];
  x.mir = sc_backend_available("mir");
  x.c = sc_compiler_new(x.vm, NULL, err, sizeof err);
  cr_assert(x.c, "%s", err);
  return x;
}

/* Everything a result describes refers to something that exists. */
static void check_result(const fixture *x, const sc_compile_result *r) {
  cr_assert_eq(r->status, SC_COMPILE_OK, "%s", r->error);
  cr_assert(r->code);
  for (uint32_t k = 0; k < r->ndeopts; k++) {
    const sc_deopt_point *d = &r->deopts[k];
    cr_assert_lt(d->func, x->p->nfuncs);
    cr_assert_lt(d->pc, x->p->funcs[d->func]->ncode);
    cr_assert(d->parent < (int32_t)r->ndeopts);
  }
  for (uint32_t k = 0; k < r->nguards; k++) cr_assert_lt(r->guards[k].deopt, r->ndeopts);
}

Test(compiler, many_compilations_in_a_row) {
  /* describe() once read instruction 0, which the IR never initializes:
   * what the previous compilation left there sent it past res->deopts */
  fixture x = setup_fixture();
  uint32_t rounds = x.mir ? 600 : 60;
  for (uint32_t i = 0; i < rounds; i++) {
    uint32_t which = i % 3;
    sc_compile_request rq = {.func = which == 0 ? x.add : x.sum, .osr_pc = which == 2 ? x.header : 0,
                             .feedback = sc_vm_profile(x.vm, which == 0 ? x.add : x.sum)};
    sc_compile_result r;
    sc_compile(x.c, &rq, &r);
    check_result(&x, &r);
    if (which == 2) cr_assert_eq(r.osr_pc, x.header);
    sc_compile_release_code(x.c, &r);
    sc_compile_result_free(&r);
  }
  sc_compiler_free(x.c);
}

static bool inlined_add(const fixture *x, const sc_compile_result *r) {
  for (uint32_t k = 0; k < r->ndeopts; k++)
    if (r->deopts[k].func == x->add && r->deopts[k].parent >= 0) return true;
  return false;
}

Test(compiler, requests_carry_profiles_globals_and_inlining) {
  fixture x = setup_fixture();
  sc_profile *profs = calloc(x.p->nfuncs, sizeof *profs);
  for (uint32_t i = 0; i < x.p->nfuncs; i++) profs[i] = *sc_vm_profile(x.vm, i);
  /* leaf code may assume a global stored once (the globals pass) */
  sc_compile_request rq = {.func = x.scale, .feedback = &profs[x.scale], .profiles = profs,
                           .globals = x.vm->globals, .global_stores = x.vm->gstores};
  sc_compile_result r;
  sc_compile(x.c, &rq, &r);
  check_result(&x, &r);
  bool global_dep = false;
  for (uint32_t k = 0; k < r.ndeps; k++) global_dep |= r.deps[k].kind == SC_DEP_GLOBAL && r.deps[k].id == 0;
  cr_assert(global_dep, "k, stored once, is assumed (an SC_DEP_GLOBAL)");
  sc_compile_release_code(x.c, &r);
  sc_compile_result_free(&r);
  /* callees are inlined with their feedback */
  rq = (sc_compile_request){.func = x.sum, .feedback = &profs[x.sum], .profiles = profs};
  sc_compile(x.c, &rq, &r);
  check_result(&x, &r);
  cr_assert(inlined_add(&x, &r), "add is inlined with its feedback");
  sc_compile_release_code(x.c, &r);
  sc_compile_result_free(&r);

  /* without the globals nothing is assumed of them */
  rq = (sc_compile_request){.func = x.scale, .feedback = &profs[x.scale], .profiles = profs};
  sc_compile(x.c, &rq, &r);
  check_result(&x, &r);
  for (uint32_t k = 0; k < r.ndeps; k++) cr_assert_neq(r.deps[k].kind, SC_DEP_GLOBAL);
  sc_compile_release_code(x.c, &r);
  sc_compile_result_free(&r);
  /* inlining off */
  sc_inline_options off = {.off = 1};
  rq = (sc_compile_request){.func = x.sum, .feedback = &profs[x.sum], .profiles = profs, .inline_options = &off};
  sc_compile(x.c, &rq, &r);
  check_result(&x, &r);
  cr_assert(!inlined_add(&x, &r), "--no-inline's option is followed");
  sc_compile_release_code(x.c, &r);
  sc_compile_result_free(&r);

  /* values without store counts cannot be trusted */
  rq = (sc_compile_request){.func = x.sum, .globals = x.vm->globals};
  cr_assert_eq(sc_compile(x.c, &rq, &r), SC_COMPILE_BAD_REQUEST);
  cr_assert(strstr(r.error, "store counts"), "%s", r.error);
  free(profs);
  sc_compiler_free(x.c);
}

/* Whatever a request carries is checked before the pipeline reads it. */
Test(compiler, malformed_requests_are_refused_with_a_reason) {
  fixture x = setup_fixture();
  const sc_func *f = x.p->funcs[x.sum];
  sc_profile *profs = calloc(x.p->nfuncs, sizeof *profs);
  sc_fb_slot *slots = calloc(f->nfeedback, sizeof *slots);
  for (uint32_t i = 0; i < x.p->nfuncs; i++) profs[i] = *sc_vm_profile(x.vm, i);
  memcpy(slots, profs[x.sum].slots, f->nfeedback * sizeof *slots);
  profs[x.sum].slots = slots;
  sc_compile_result r;
  sc_compile_request rq = {.func = x.add, .profiles = profs};
  /* a callee's profile, not the request's own feedback */
  slots[0].flags = 0x80;
  cr_assert_eq(sc_compile(x.c, &rq, &r), SC_COMPILE_BAD_REQUEST);
  cr_assert(strstr(r.error, "function sum") && strstr(r.error, "unknown flags"), "%s", r.error);
  slots[0].flags = 0;
  slots[0].state = SC_FB_POLY;
  slots[0].n = 1;
  cr_assert_eq(sc_compile(x.c, &rq, &r), SC_COMPILE_BAD_REQUEST);
  cr_assert(strstr(r.error, "state 2 with 1 entries"), "%s", r.error);
  profs[x.sum] = *sc_vm_profile(x.vm, x.sum);
  /* return type feedback: a consistent state, tags that exist */
  profs[x.sum].ret = (sc_fb_slot){.state = SC_FB_MONO, .n = 2, .e = {SC_INT, SC_FLOAT}};
  cr_assert_eq(sc_compile(x.c, &rq, &r), SC_COMPILE_BAD_REQUEST);
  cr_assert(strstr(r.error, "function sum: return feedback: state 1 with 2 entries"), "%s", r.error);
  profs[x.sum].ret = (sc_fb_slot){.state = SC_FB_MONO, .n = 1, .count = 1, .e = {77}};
  cr_assert_eq(sc_compile(x.c, &rq, &r), SC_COMPILE_BAD_REQUEST);
  cr_assert(strstr(r.error, "return feedback: entry 0 is no tag"), "%s", r.error);
  profs[x.sum] = *sc_vm_profile(x.vm, x.sum);
  cr_assert_eq(sc_compile(x.c, &rq, &r), SC_COMPILE_OK, "%s", r.error);
  sc_compile_release_code(x.c, &r);
  sc_compile_result_free(&r);
  /* globals: a tag that does not exist, a function that does not */
  sc_value g = {.tag = 99};
  uint8_t stores = 1;
  rq = (sc_compile_request){.func = x.scale, .globals = &g, .global_stores = &stores};
  cr_assert_eq(sc_compile(x.c, &rq, &r), SC_COMPILE_BAD_REQUEST);
  cr_assert(strstr(r.error, "global k: value of tag 99"), "%s", r.error);
  g = sc_funcval(x.p->nfuncs);
  cr_assert_eq(sc_compile(x.c, &rq, &r), SC_COMPILE_BAD_REQUEST);
  cr_assert(strstr(r.error, "global k: function"), "%s", r.error);
  /* inlining limits past the command line's */
  sc_inline_options big = {.budget = 2000000};
  rq = (sc_compile_request){.func = x.sum, .inline_options = &big};
  cr_assert_eq(sc_compile(x.c, &rq, &r), SC_COMPILE_BAD_REQUEST);
  cr_assert(strstr(r.error, "inline options"), "%s", r.error);
  /* no compiler, no request, no result */
  cr_assert_eq(sc_compile(NULL, &rq, &r), SC_COMPILE_BAD_REQUEST);
  cr_assert_eq(sc_compile(x.c, NULL, &r), SC_COMPILE_BAD_REQUEST);
  cr_assert_eq(sc_compile(x.c, &rq, NULL), SC_COMPILE_BAD_REQUEST);
  free(slots);
  free(profs);
  sc_compiler_free(x.c);
}

/* specialize follows only the shape transitions its compilation was given
 * (snapshotted when it was asked for), never the VM's shape tree: without
 * them the SetProps that added fields stay generic. */
Test(compiler, shape_transitions_come_from_the_snapshot) {
  static const char *src = "func make(a) {\n    local o\n    NewObject\n    StoreLocal o\n"
                           "    LoadLocal o\n    LoadLocal a\n    SetProp x\n"
                           "    LoadLocal o\n    LoadLocal a\n    SetProp y\n    LoadLocal o\n    ReturnValue\n}\n"
                           "func main() {\n    PushConst 1\n    Call make 1\n    Pop\n    Return\n}\n";
  sc_runtime_init();
  sc_diags d = {.filename = "t.sasm"};
  sc_program *p = sc_assemble("t.sasm", src, strlen(src), &d);
  cr_assert(p && d.n == 0);
  sc_vm_options vo = {.profile = 1, .jit = SC_JIT_OFF};
  sc_vm *vm = sc_vm_new(p, &vo);
  cr_assert_eq(sc_vm_run_main(vm), 0);
  uint32_t make = (uint32_t)sc_func_find(p, "make");
  const sc_profile *prof = sc_vm_profile(vm, make);
  sc_transition *trans = NULL;
  uint32_t ntrans = 0;
  sc_jit_transitions_of(p->funcs[make], prof, &trans, &ntrans);
  sc_jit_transitions_of(p->funcs[make], prof, &trans, &ntrans); /* twice: sorting keeps each once */
  sc_jit_transitions_sort(trans, &ntrans);
  cr_assert_eq(ntrans, 2);
  sc_pipeline_opts o = {.verify = true, .out = stderr, .err = stderr};
  for (int with = 0; with < 2; with++) {
    sc_arena a;
    sc_arena_init(&a);
    sc_pass_ctx c = {.opts = &o, .trans = with ? trans : NULL, .ntrans = with ? ntrans : 0};
    sc_irfunc *f = sc_pipeline_lift(&a, p, make, prof, "lift,specialize,dce", &c);
    cr_assert(f);
    uint32_t adds = 0, generic = 0;
    for (uint32_t i = 1; i < f->nins; i++) {
      adds += !f->ins[i].dead && f->ins[i].op == IR_addslot;
      generic += !f->ins[i].dead && f->ins[i].op == IR_SetProp;
    }
    cr_assert_eq(adds, with ? 2u : 0u, "with the transitions: %d", with);
    cr_assert_eq(generic, with ? 0u : 2u, "with the transitions: %d", with);
    sc_arena_drop(&a);
  }
  free(trans);
  sc_vm_free(vm);
}
