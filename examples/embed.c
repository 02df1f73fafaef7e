/* Embedding shapec: build a program in C (no .sasm text), run it with
 * tiering, and use the Tier-2 compiler directly: compile a function with
 * the feedback the interpreter collected, inspect its deopt points, guards
 * and OSR entry, install it, and check that bad requests are refused.
 * `make check` builds and runs it; it exits 1 on any surprise.
 *
 *   cc embed.c $(pkg-config --cflags --libs shapec)   (once installed: make install) */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* open_memstream */
#endif
#include <shapec/shapec.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
#define CHECK(c, ...)                                     \
  do {                                                    \
    if (!(c)) {                                           \
      fprintf(stderr, "embed: FAILED: " __VA_ARGS__);     \
      fputc('\n', stderr);                                \
      failures++;                                         \
    }                                                     \
  } while (0)

/* sum(n): 0 + 1 + ... + (n - 1), with generic (untyped) arithmetic. */
static uint32_t build_sum(sc_program *p, uint32_t *header, uint32_t *exit) {
  sc_func *f = sc_func_add(p, "sum", 1);
  uint32_t s = sc_func_add_local(f, "s", SC_KIND_ANY), i = sc_func_add_local(f, "i", SC_KIND_ANY);
  int32_t zero = (int32_t)sc_const_add(p, sc_int(0)), one = (int32_t)sc_const_add(p, sc_int(1));
  sc_emit(f, SC_OP_PushConst, zero, 0, 1, 1);
  sc_emit(f, SC_OP_StoreLocal, (int32_t)s, 0, 1, 1);
  sc_emit(f, SC_OP_PushConst, zero, 0, 2, 1);
  sc_emit(f, SC_OP_StoreLocal, (int32_t)i, 0, 2, 1);
  *header = sc_emit(f, SC_OP_LoopStart, 0, 0, 3, 1);
  sc_emit(f, SC_OP_LoadLocal, (int32_t)i, 0, 4, 1);
  sc_emit(f, SC_OP_LoadLocal, 0, 0, 4, 1);
  sc_emit(f, SC_OP_Lt, 0, 0, 4, 1);
  uint32_t jf = sc_emit(f, SC_OP_JumpIfFalse, 0, 0, 4, 1);
  sc_emit(f, SC_OP_LoadLocal, (int32_t)s, 0, 5, 1);
  sc_emit(f, SC_OP_LoadLocal, (int32_t)i, 0, 5, 1);
  sc_emit(f, SC_OP_Add, 0, 0, 5, 1);
  sc_emit(f, SC_OP_StoreLocal, (int32_t)s, 0, 5, 1);
  sc_emit(f, SC_OP_LoadLocal, (int32_t)i, 0, 6, 1);
  sc_emit(f, SC_OP_PushConst, one, 0, 6, 1);
  sc_emit(f, SC_OP_Add, 0, 0, 6, 1);
  sc_emit(f, SC_OP_StoreLocal, (int32_t)i, 0, 6, 1);
  sc_emit(f, SC_OP_LoopEnd, 0, 0, 7, 1);
  sc_emit(f, SC_OP_Jump, (int32_t)*header, 0, 7, 1);
  *exit = sc_emit(f, SC_OP_LoadLocal, (int32_t)s, 0, 8, 1);
  f->code[jf].a = (int32_t)*exit;
  sc_emit(f, SC_OP_ReturnValue, 0, 0, 8, 1);
  return f->index;
}

/* main: print sum(1000), sum(10), sum(2.5) (a float argument, later). */
static void build_main(sc_program *p, uint32_t sum) {
  sc_func *m = sc_func_add(p, "main", 0);
  double args[] = {1000, 10, 2.5};
  for (int k = 0; k < 3; k++) {
    sc_value v = k < 2 ? sc_int((int64_t)args[k]) : sc_float(args[k]);
    sc_emit(m, SC_OP_PushConst, (int32_t)sc_const_add(p, v), 0, 10 + k, 1);
    sc_emit(m, SC_OP_Call, (int32_t)sum, 1, 10 + k, 1);
    sc_emit(m, SC_OP_Print, 0, 0, 10 + k, 1);
  }
  sc_emit(m, SC_OP_Return, 0, 0, 13, 1);
  p->main_index = (int32_t)m->index;
}

/* Runs main on vm, returning what it printed (malloc'd). */
static char *run(sc_vm *vm, int *status) {
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  sc_vm_set_output(vm, out);
  *status = sc_vm_run_main(vm);
  fclose(out);
  sc_vm_set_output(vm, stdout);
  return buf;
}

int main(void) {
  const char *backend = getenv("SHAPEC_BACKEND"); /* mir or llvm; unset: the default */
  sc_runtime_init();
  sc_program *p = sc_program_new("embed");
  uint32_t header, exit_pc, sum = build_sum(p, &header, &exit_pc);
  build_main(p, sum);
  sc_diags d = {.filename = "embed"};
  if (sc_verify(p, &d)) {
    sc_diags_print(&d, stderr);
    return 1;
  }

  /* A program that does not verify gets no VM (and no crash). */
  sc_program *broken = sc_program_new("broken");
  sc_func *bm = sc_func_add(broken, "main", 0);
  sc_emit(bm, SC_OP_LoadLocal, 7, 0, 1, 1); /* no such local, and no return */
  broken->main_index = 0;
  FILE *devnull = fopen("/dev/null", "w");
  sc_vm_options bo = {.err = devnull};
  CHECK(sc_vm_new(broken, &bo) == NULL, "a VM for a program that does not verify");
  fclose(devnull);

  /* 1. The interpreter: the oracle, and the feedback for the compiler. */
  sc_vm_options io = {.profile = 1, .jit = SC_JIT_OFF};
  sc_vm *vm = sc_vm_new(p, &io);
  int st;
  char *want = run(vm, &st);
  CHECK(st == SC_EXIT_OK && !strcmp(want, "499500\n45\n3\n"), "interpreter printed %s", want);
  printf("interpreter: %s", want);

  /* 2. Tiering through the public API (background compile thread, waiting
   * for each compilation so the run certainly uses native code). */
  if (sc_backend_available(backend)) {
    sc_vm_options to = {.profile = 1, .jit = SC_JIT_TIERED, .tier_threshold = 1, .osr_threshold = 50,
                        .jit_wait = 1, .backend = backend};
    sc_vm *tvm = sc_vm_new(p, &to);
    char *got = run(tvm, &st);
    CHECK(st == SC_EXIT_OK && !strcmp(got, want), "tiered run printed %s", got);
    free(got);
  } else {
    printf("no native backend built: compiler checks skipped\n");
    free(want);
    return failures ? 1 : 0;
  }

  /* 3. The Tier-2 compiler directly. */
  char err[256];
  sc_compiler *c = sc_compiler_new(vm, backend, err, sizeof err);
  CHECK(c != NULL, "sc_compiler_new: %s", err);
  if (!c) return 1;
  const sc_profile *fb = sc_vm_profile(vm, sum);
  sc_compile_request rq = {.func = sum, .feedback = fb};
  sc_compile_result r;
  CHECK(sc_compile(c, &rq, &r) == SC_COMPILE_OK, "compile sum: %s", r.error);
  printf("sum: %u deopt points, %u guards (%u emitted, %u removed by the guard passes), compiled in %s\n",
         r.ndeopts, r.nguards, r.guards_emitted, r.guards_removed, r.compile_ms < 1000 ? "< 1 s" : ">= 1 s");
  CHECK(r.nguards > 0 && r.ndeopts > 0, "speculative code without guards");
  for (uint32_t k = 0; k < r.nguards; k++)
    CHECK(r.guards[k].deopt < r.ndeopts && r.deopts[r.guards[k].deopt].func == sum, "guard %u's deopt point", k);
  CHECK(sc_vm_install(vm, sum, &r), "install");
  char *got = run(vm, &st);
  CHECK(st == SC_EXIT_OK && !strcmp(got, want), "installed code printed %s", got);
  free(got);
  CHECK(sc_vm_install(vm, sum, NULL), "uninstall");
  sc_compile_release_code(c, &r);
  sc_compile_result_free(&r);

  /* OSR: enter sum's loop at its header. */
  rq.osr_pc = header;
  CHECK(sc_compile(c, &rq, &r) == SC_COMPILE_OK, "OSR compile: %s", r.error);
  CHECK(r.osr_pc == header && r.osr_nslots == 3, "OSR entry at %u with %u slots", r.osr_pc, r.osr_nslots);
  CHECK(r.nosr_exits == 1 && r.osr_exits[0] == exit_pc, "OSR exits: %u", r.nosr_exits);
  printf("sum OSR: entry at pc %u, %u frame slots (%u live), leaves the loop at pc %u\n", r.osr_pc, r.osr_nslots,
         r.nosr_live, r.nosr_exits ? r.osr_exits[0] : 0);
  CHECK(!sc_vm_install(vm, sum, &r), "OSR code installed as a whole function");
  sc_compile_result_free(&r);

  /* 4. Bad requests are refused with a reason, never a crash. */
  sc_compile_request badrq = {.func = 99};
  CHECK(sc_compile(c, &badrq, &r) == SC_COMPILE_BAD_REQUEST, "function 99 accepted");
  printf("bad request: %s\n", r.error);
  badrq = (sc_compile_request){.func = sum, .osr_pc = header + 1};
  CHECK(sc_compile(c, &badrq, &r) == SC_COMPILE_BAD_REQUEST, "OSR at a non-header accepted");
  printf("bad request: %s\n", r.error);
  const sc_func *sf = p->funcs[sum];
  sc_fb_slot *slots = calloc(sf->nfeedback, sizeof *slots);
  memcpy(slots, fb->slots, sf->nfeedback * sizeof *slots);
  sc_profile lie = {.calls = fb->calls, .backedges = fb->backedges, .slots = slots};
  slots[0].state = SC_FB_MONO;
  slots[0].n = 3;
  badrq = (sc_compile_request){.func = sum, .feedback = &lie};
  CHECK(sc_compile(c, &badrq, &r) == SC_COMPILE_BAD_REQUEST, "malformed slot accepted");
  printf("bad request: %s\n", r.error);
  slots[0] = (sc_fb_slot){.state = SC_FB_MONO, .n = 1, .count = 1, .e = {0xfff}};
  CHECK(sc_compile(c, &badrq, &r) == SC_COMPILE_BAD_REQUEST, "impossible tags accepted");
  printf("bad request: %s\n", r.error);

  /* Feedback that is well formed but wrong (every operand a float): the
   * code's guards fail and the interpreter finishes; same output. */
  for (uint32_t k = 0; k < sf->nfeedback; k++)
    slots[k] = (sc_fb_slot){.state = SC_FB_MONO, .n = 1, .count = 100, .e = {SC_FB_PAIR(SC_FLOAT, SC_FLOAT)}};
  CHECK(sc_compile(c, &badrq, &r) == SC_COMPILE_OK, "lying feedback: %s", r.error);
  CHECK(sc_vm_install(vm, sum, &r), "install");
  got = run(vm, &st);
  CHECK(st == SC_EXIT_OK && !strcmp(got, want), "code compiled on lying feedback printed %s", got);
  free(got);
  sc_vm_install(vm, sum, NULL);
  sc_compile_result_free(&r);
  free(slots);
  sc_compiler_free(c);
  free(want);
  printf("%s\n", failures ? "FAILED" : "ok");
  return failures ? 1 : 0;
}
