/* Strength reduction: a wrapping product iv * m in a loop, where iv is an
 * induction variable (a header phi) stepping by a constant c on every back
 * edge and m is invariant in the loop, becomes an induction variable of its
 * own: p = e * m on entry (e: iv's entry value), p + c * m along each back
 * edge, added where iv's step is. Everything wraps as the product did, so
 * p = iv * m (mod 2^64) wherever both are live: at the header, and up to
 * the next back edge in every iteration. One add per iteration instead of
 * a multiply (09's b[k*n + j]). Uses after the loop would see p one step
 * on, so a product read outside its loop stays. Runs after range (which
 * makes the products of index chains wrap) and licm (which moves m out). */
#include "passes/passes.h"

static bool is_const(const sc_irfunc *f, uint32_t x) { return f->ins[x].op == IR_const && f->ins[x].ty == SC_TY_I64; }

/* The constant step of induction variable phi along back-edge value x
 * (x = phi + c, c + phi or phi - c), in *c; false if x is not one. */
static bool step_of(const sc_irfunc *f, uint32_t phi, uint32_t x, int64_t *c) {
  const sc_ins *in = &f->ins[x];
  bool add = in->op == IR_iadd || in->op == IR_iadd_ovf, sub = in->op == IR_isub || in->op == IR_isub_ovf;
  if (add && in->args[0] == phi && is_const(f, in->args[1])) return *c = f->ins[in->args[1]].imm, true;
  if (add && in->args[1] == phi && is_const(f, in->args[0])) return *c = f->ins[in->args[0]].imm, true;
  if (sub && in->args[0] == phi && is_const(f, in->args[1])) return *c = (int64_t)(0 - (uint64_t)f->ins[in->args[1]].imm), true;
  return false;
}

/* Header phi of loop l stepping by one constant on every back edge: that
 * step in *c, the entry value (from preheader p) in *e. */
static bool induction(const sc_irfunc *f, uint32_t l, uint32_t p, uint32_t phi, int64_t *c, uint32_t *e) {
  const sc_ins *in = &f->ins[phi];
  const sc_blk *h = &f->blk[in->blk];
  if (in->op != IR_phi || in->ty != SC_TY_I64) return false;
  bool stepped = false;
  *e = 0;
  for (uint32_t k = 0; k < in->nargs; k++) {
    if (h->preds[k] == p) {
      *e = in->args[k];
      continue;
    }
    int64_t d;
    if (!sc_ir_loop_contains(f, l, h->preds[k]) || !step_of(f, phi, in->args[k], &d) || (stepped && d != *c))
      return false;
    *c = d, stepped = true;
  }
  return stepped && *e;
}

/* Does anything outside loop l read x (operands, frame states, entry
 * states)? */
static bool read_outside(const sc_irfunc *f, uint32_t l, uint32_t x) {
  for (uint32_t v = 1; v < f->nins; v++) {
    const sc_ins *in = &f->ins[v];
    if (in->dead || sc_ir_loop_contains(f, l, in->blk)) continue;
    for (uint32_t k = 0; k < in->nargs; k++)
      if (in->args[k] == x) return true;
    for (int32_t s = in->fs; s >= 0; s = f->fs[s].parent)
      for (uint32_t k = 0; k < sc_ir_fs_nvals(&f->fs[s]); k++)
        if (f->fs[s].vals[k] == x) return true;
  }
  for (uint32_t b = 0; b < f->nblk; b++)
    for (int32_t s = f->blk[b].entry_fs; s >= 0 && !sc_ir_loop_contains(f, l, b); s = f->fs[s].parent)
      for (uint32_t k = 0; k < sc_ir_fs_nvals(&f->fs[s]); k++)
        if (f->fs[s].vals[k] == x) return true;
  return false;
}

/* Reduces the products of loop l; how many. */
static uint32_t reduce_loop(sc_irfunc *f, uint32_t l) {
  if (f->loops[l].irreducible) return 0;
  int32_t pre = sc_ir_preheader(f, l);
  if (pre < 0) return 0;
  uint32_t p = (uint32_t)pre, h = f->loops[l].header, done = 0;
  /* the candidates first: the edits below insert into the loop's blocks */
  uint32_t n = 0, *mul = sc_arena_alloc(f->arena, f->nins * sizeof *mul);
  for (uint32_t i = 0; i < f->loops[l].nblocks; i++) {
    const sc_blk *b = &f->blk[f->loops[l].blocks[i]];
    for (uint32_t j = 0; j < b->nins; j++)
      if (f->ins[b->ins[j]].op == IR_imul && f->ins[b->ins[j]].ty == SC_TY_I64) mul[n++] = b->ins[j];
  }
  for (uint32_t i = 0; i < n; i++) {
    uint32_t x = mul[i], iv = 0, m = 0, e;
    int64_t c = 0;
    for (unsigned k = 0; k < 2 && !iv; k++)
      if (f->ins[f->ins[x].args[k]].blk == h && induction(f, l, p, f->ins[x].args[k], &c, &e)) {
        iv = f->ins[x].args[k], m = f->ins[x].args[1 - k];
        if (sc_ir_loop_contains(f, l, f->ins[m].blk) && !is_const(f, m)) iv = 0;
      }
    if (!iv || read_outside(f, l, x)) continue;
    /* preheader: p0 = e * m, st = c * m */
    uint32_t at = f->blk[p].nins - 1;
    m = sc_ir_outside_loop(f, l, p, &at, m); /* m is outside the loop or a constant */
    uint32_t k0 = sc_ir_insert(f, p, at++, IR_imul, SC_TY_I64, 2);
    f->ins[k0].args[0] = e, f->ins[k0].args[1] = m;
    uint32_t st = m;
    if (c != 1) {
      uint32_t cc = sc_ir_insert(f, p, at++, IR_const, SC_TY_I64, 0);
      f->ins[cc].imm = c;
      st = sc_ir_insert(f, p, at++, IR_imul, SC_TY_I64, 2);
      f->ins[st].args[0] = cc, f->ins[st].args[1] = m;
    }
    /* the header's new phi, and its step beside each of iv's */
    uint32_t np = f->ins[iv].nargs, *in = sc_arena_alloc(f->arena, np * sizeof *in);
    for (uint32_t k = 0; k < np; k++) in[k] = f->ins[iv].args[k];
    uint32_t q = sc_ir_insert(f, h, 0, IR_phi, SC_TY_I64, np);
    for (uint32_t k = 0; k < np; k++) {
      if (f->blk[h].preds[k] == p) {
        f->ins[q].args[k] = k0;
        continue;
      }
      uint32_t s = 0;
      for (uint32_t j = 0; j < k && !s; j++) /* one step per distinct step of iv */
        if (in[j] == in[k] && f->blk[h].preds[j] != p) s = f->ins[q].args[j];
      if (!s) {
        s = sc_ir_insert(f, f->ins[in[k]].blk, sc_ir_index_in_block(f, in[k]) + 1, IR_iadd, SC_TY_I64, 2);
        f->ins[s].args[0] = q, f->ins[s].args[1] = st;
        f->ins[s].pc = f->ins[in[k]].pc;
      }
      f->ins[q].args[k] = s;
    }
    f->ins[q].pc = f->ins[iv].pc;
    sc_ir_replace_uses(f, x, q);
    f->ins[x].dead = 1;
    done++;
  }
  return done;
}

bool sc_pass_strength(sc_irfunc *f, sc_pass_ctx *c) {
  (void)c;
  sc_ir_loops(f);
  uint32_t done = 0, nl = f->nloops;
  for (uint32_t l = 0; l < nl; l++) done += reduce_loop(f, l);
  if (done) sc_ir_compact(f);
  return done > 0;
}
