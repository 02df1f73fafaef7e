/* Lifting + IR verification throughput on generated functions of about 1k,
 * 10k and 100k bytecode instructions: a mix of straight-line arithmetic on
 * 16 locals, if/else diamonds, counted loops (some nested), calls and
 * operand-stack values live across branches.
 *   tests/perf/lift_throughput [N...]
 * Prints a Markdown table: bytecode instructions per second for lifting
 * alone and for lifting plus verification, and the cost per instruction
 * (flat across sizes = linear scaling). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "shapec/shapec.h"
#include "ssa/ir.h"

#define NL 16

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); /* CPU time: fair on a busy machine */
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint32_t rng = 12345;
static uint32_t rnd(uint32_t n) {
  rng = rng * 1103515245u + 12345u;
  return (rng >> 8) % n;
}

static sc_func *m;
static int32_t c1, c2, c10;

static void arith(void) {
  int32_t a = (int32_t)rnd(NL), b = (int32_t)rnd(NL), d = (int32_t)rnd(NL);
  sc_emit(m, SC_OP_LoadLocal, a, 0, 0, 0);
  sc_emit(m, SC_OP_LoadLocal, b, 0, 0, 0);
  sc_emit(m, rnd(2) ? SC_OP_Add : SC_OP_Mul, 0, 0, 0, 0);
  sc_emit(m, SC_OP_StoreLocal, d, 0, 0, 0);
}

static void diamond(void) {
  int32_t a = (int32_t)rnd(NL), d = (int32_t)rnd(NL);
  sc_emit(m, SC_OP_PushConst, c2, 0, 0, 0); /* a stack value live across the branch */
  sc_emit(m, SC_OP_LoadLocal, a, 0, 0, 0);
  uint32_t br = sc_emit(m, SC_OP_JumpIfFalse, 0, 0, 0, 0);
  arith();
  sc_emit(m, SC_OP_LoadLocal, a, 0, 0, 0);
  uint32_t j = sc_emit(m, SC_OP_Jump, 0, 0, 0, 0);
  m->code[br].a = (int32_t)sc_emit(m, SC_OP_PushConst, c1, 0, 0, 0);
  m->code[j].a = (int32_t)sc_emit(m, SC_OP_Add, 0, 0, 0, 0);
  sc_emit(m, SC_OP_StoreLocal, d, 0, 0, 0);
}

static void loop(int depth) {
  int32_t i = (int32_t)rnd(NL);
  sc_emit(m, SC_OP_PushConst, c1, 0, 0, 0);
  sc_emit(m, SC_OP_StoreLocal, i, 0, 0, 0);
  uint32_t head = sc_emit(m, SC_OP_LoopStart, 0, 0, 0, 0);
  sc_emit(m, SC_OP_LoadLocal, i, 0, 0, 0);
  sc_emit(m, SC_OP_PushConst, c10, 0, 0, 0);
  sc_emit(m, SC_OP_Lt, 0, 0, 0, 0);
  uint32_t exit = sc_emit(m, SC_OP_JumpIfFalse, 0, 0, 0, 0);
  uint32_t body = 2 + rnd(4);
  for (uint32_t k = 0; k < body; k++) {
    if (depth < 2 && rnd(6) == 0) loop(depth + 1);
    else if (rnd(3) == 0) diamond();
    else arith();
  }
  sc_emit(m, SC_OP_LoadLocal, i, 0, 0, 0);
  sc_emit(m, SC_OP_PushConst, c1, 0, 0, 0);
  sc_emit(m, SC_OP_Add, 0, 0, 0, 0);
  sc_emit(m, SC_OP_StoreLocal, i, 0, 0, 0);
  sc_emit(m, SC_OP_Jump, (int32_t)head, 0, 0, 0);
  m->code[exit].a = (int32_t)sc_emit(m, SC_OP_Nop, 0, 0, 0, 0);
}

static sc_program *generate(uint32_t target) {
  sc_program *p = sc_program_new("generated");
  sc_func *g = sc_func_add(p, "g", 1);
  sc_emit(g, SC_OP_LoadLocal, 0, 0, 0, 0);
  sc_emit(g, SC_OP_ReturnValue, 0, 0, 0, 0);
  m = sc_func_add(p, "main", 0);
  for (int i = 0; i < NL; i++) {
    char n[16];
    snprintf(n, sizeof n, "l%d", i);
    sc_func_add_local(m, n, SC_KIND_ANY);
  }
  c1 = (int32_t)sc_const_add(p, sc_int(1));
  c2 = (int32_t)sc_const_add(p, sc_int(2));
  c10 = (int32_t)sc_const_add(p, sc_int(10));
  for (int i = 0; i < NL; i++) { /* every local starts as an int */
    sc_emit(m, SC_OP_PushConst, c1, 0, 0, 0);
    sc_emit(m, SC_OP_StoreLocal, i, 0, 0, 0);
  }
  while (m->ncode < target) {
    switch (rnd(8)) {
    case 0: loop(0); break;
    case 1: case 2: diamond(); break;
    case 3:
      sc_emit(m, SC_OP_LoadLocal, (int32_t)rnd(NL), 0, 0, 0);
      sc_emit(m, SC_OP_Call, (int32_t)g->index, 1, 0, 0);
      sc_emit(m, SC_OP_StoreLocal, (int32_t)rnd(NL), 0, 0, 0);
      break;
    default: arith();
    }
  }
  uint32_t sum = 0;
  for (int i = 0; i < NL; i++) { /* everything is live to the end */
    sc_emit(m, SC_OP_LoadLocal, i, 0, 0, 0);
    if (i) sc_emit(m, SC_OP_Add, 0, 0, 0, 0);
    sum++;
  }
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
  printf("| bytecode insns | blocks | IR values | frame states | lift | lift+verify | lift+verify insns/s | ns/insn |\n"
         "|---|---|---|---|---|---|---|---|\n");
  for (int s = 0; s < ns; s++) {
    sc_program *p = generate(sizes[s]);
    sc_diags d = {0};
    if (sc_verify(p, &d)) {
      sc_diags_print(&d, stderr);
      return 1;
    }
    uint32_t n = p->funcs[1]->ncode;
    int reps = 0;
    double tl = 0, tv = 0, t0 = now();
    uint32_t nblk = 0, nins = 0, nfs = 0;
    sc_arena a; /* one arena, reset between compilations, as a JIT would */
    sc_arena_init(&a);
    do { /* repeat for at least 0.5 s, for a stable figure */
      sc_arena_reset(&a);
      double a0 = now();
      sc_irfunc *f = sc_lift(&a, p, 1, NULL);
      double a1 = now();
      sc_diags vd = {0};
      if (sc_ir_verify(f, &vd)) {
        sc_diags_print(&vd, stderr);
        return 1;
      }
      tv += now() - a1;
      tl += a1 - a0;
      nblk = f->nblk;
      nins = f->nins;
      nfs = f->nfs;
      reps++;
    } while (now() - t0 < 0.5);
    sc_arena_drop(&a);
    double per = (tl + tv) / reps;
    printf("| %u | %u | %u | %u | %.3f ms | %.3f ms | %.2f M | %.0f |\n", n, nblk, nins, nfs, tl / reps * 1e3, per * 1e3,
           n / per / 1e6, per / n * 1e9);
  }
  return 0;
}
