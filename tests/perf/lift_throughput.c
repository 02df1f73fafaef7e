/* Lifting + IR verification throughput on generated functions of about 1k,
 * 10k and 100k bytecode instructions (diamonds, small loops, 8 locals).
 *   tests/perf/lift_throughput [N...]
 * Prints instructions per second for each size. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "shapec/shapec.h"
#include "ssa/ir.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static sc_program *generate(uint32_t target) {
  sc_program *p = sc_program_new("generated");
  sc_func *m = sc_func_add(p, "main", 0);
  for (int i = 0; i < 8; i++) {
    char n[16];
    snprintf(n, sizeof n, "l%d", i);
    sc_func_add_local(m, n, SC_KIND_ANY);
  }
  int32_t c1 = (int32_t)sc_const_add(p, sc_int(1)), c2 = (int32_t)sc_const_add(p, sc_int(2)),
          c10 = (int32_t)sc_const_add(p, sc_int(10));
  for (uint32_t k = 0; m->ncode < target; k++) {
    int32_t a = (int32_t)(k % 8), b = (int32_t)((k + 1) % 8), c = (int32_t)((k + 2) % 8), d = (int32_t)((k + 3) % 8);
    if (k % 10 == 9) { /* a small counted loop */
      uint32_t head = sc_emit(m, SC_OP_LoadLocal, a, 0, 0, 0);
      sc_emit(m, SC_OP_PushConst, c10, 0, 0, 0);
      sc_emit(m, SC_OP_Lt, 0, 0, 0, 0);
      uint32_t exit = sc_emit(m, SC_OP_JumpIfFalse, 0, 0, 0, 0);
      sc_emit(m, SC_OP_LoadLocal, a, 0, 0, 0);
      sc_emit(m, SC_OP_PushConst, c1, 0, 0, 0);
      sc_emit(m, SC_OP_Add, 0, 0, 0, 0);
      sc_emit(m, SC_OP_StoreLocal, a, 0, 0, 0);
      sc_emit(m, SC_OP_Jump, (int32_t)head, 0, 0, 0);
      m->code[exit].a = (int32_t)sc_emit(m, SC_OP_Nop, 0, 0, 0, 0);
      continue;
    }
    sc_emit(m, SC_OP_LoadLocal, a, 0, 0, 0);
    sc_emit(m, SC_OP_PushConst, c1, 0, 0, 0);
    sc_emit(m, SC_OP_Add, 0, 0, 0, 0);
    sc_emit(m, SC_OP_StoreLocal, b, 0, 0, 0);
    sc_emit(m, SC_OP_LoadLocal, a, 0, 0, 0);
    uint32_t br = sc_emit(m, SC_OP_JumpIfFalse, 0, 0, 0, 0);
    sc_emit(m, SC_OP_LoadLocal, c, 0, 0, 0);
    sc_emit(m, SC_OP_PushConst, c2, 0, 0, 0);
    sc_emit(m, SC_OP_Mul, 0, 0, 0, 0);
    sc_emit(m, SC_OP_StoreLocal, d, 0, 0, 0);
    uint32_t j = sc_emit(m, SC_OP_Jump, 0, 0, 0, 0);
    m->code[br].a = (int32_t)sc_emit(m, SC_OP_PushConst, c2, 0, 0, 0);
    sc_emit(m, SC_OP_StoreLocal, d, 0, 0, 0);
    m->code[j].a = (int32_t)sc_emit(m, SC_OP_Nop, 0, 0, 0, 0);
  }
  sc_emit(m, SC_OP_PushNull, 0, 0, 0, 0);
  sc_emit(m, SC_OP_ReturnValue, 0, 0, 0, 0);
  return p;
}

int main(int argc, char **argv) {
  sc_runtime_init();
  uint32_t sizes[8] = {1000, 10000, 100000};
  int ns = 3;
  if (argc > 1) {
    ns = 0;
    for (int i = 1; i < argc && ns < 8; i++) sizes[ns++] = (uint32_t)atoi(argv[i]);
  }
  printf("| instructions | blocks | values | lift+verify | instructions/s |\n|---|---|---|---|---|\n");
  for (int s = 0; s < ns; s++) {
    sc_program *p = generate(sizes[s]);
    sc_diags d = {0};
    if (sc_verify(p, &d)) {
      sc_diags_print(&d, stderr);
      return 1;
    }
    uint32_t n = p->funcs[0]->ncode;
    int reps = 0;
    double t0 = now(), t;
    size_t nblk = 0, nins = 0;
    do { /* repeat until 0.3 s, for a stable figure */
      sc_arena a;
      sc_arena_init(&a);
      sc_irfunc *f = sc_lift(&a, p, 0, NULL);
      sc_diags vd = {0};
      if (sc_ir_verify(f, &vd)) {
        fprintf(stderr, "verifier failed\n");
        return 1;
      }
      nblk = f->nblk;
      nins = f->nins;
      sc_arena_drop(&a);
      reps++;
      t = now() - t0;
    } while (t < 0.3);
    printf("| %u | %zu | %zu | %.3f ms | %.2f M |\n", n, nblk, nins, t / reps * 1e3, (double)n * reps / t / 1e6);
  }
  return 0;
}
