/* unbox: values stay unboxed across phis and loops, and boxes exist only
 * where something needs a boxed value.
 *  - A val phi whose inputs are all boxes of one type (or constants of that
 *    tag, or phis like it) becomes a typed phi; a box of it replaces it.
 *  - unbox(box x) is x; istag/tagof of a value whose tag is known fold; a
 *    guard that holds is dropped; truthy of a boxed bool or int needs no
 *    box, nor Not of a boxed bool; frame states keep the unboxed value
 *    (exits box it).
 *  - A box in a loop used only after it moves there (sink_boxes).
 * Known tags: boxes, constants, and phis all of whose inputs agree; for a
 * phi's input, also a tag guard on it that dominates the end of the
 * input's predecessor (a parameter whose declared kind is checked on
 * entry: the typed phi takes its unbox there). */
#include <string.h>

#include "passes/passes.h"

/* The tag v always has, or -1. ktag[] caches phis (-2: not computed). */
static int known_tag(sc_irfunc *f, uint32_t v, const int8_t *ktag) {
  const sc_ins *in = &f->ins[v];
  if (in->ty != SC_TY_VAL) return -1;
  switch (in->op) {
  case IR_box: return sc_tag_of_ty((sc_ty)f->ins[in->args[0]].ty);
  case IR_const: return (int)f->prog->consts[in->imm].tag;
  case IR_null: return SC_NULL;
  case IR_func: return SC_FUNC;
  case IR_NewObject: case IR_allocobj: return SC_OBJECT;
  case IR_NewArray: case IR_ArrayNew: return SC_ARRAY;
  case IR_NewMap: return SC_MAP;
  case IR_copy: return known_tag(f, in->args[0], ktag);
  case IR_phi: return ktag[v];
  default: return -1;
  }
}

/* Tag guards on values: gtag[x] the tag one guard checks x has (-1:
 * none), gblk[x] its block. One per value is enough for phi inputs. */
typedef struct guarded {
  int8_t *tag;
  uint32_t *blk;
} guarded;

static guarded tag_guards(sc_irfunc *f) {
  guarded G = {sc_arena_alloc(f->arena, f->nins + 1), sc_arena_alloc(f->arena, (f->nins + 1) * sizeof(uint32_t))};
  memset(G.tag, -1, f->nins + 1);
  for (uint32_t v = 1; v < f->nins; v++) {
    const sc_ins *g = &f->ins[v];
    if (g->op != IR_guard || g->dead) continue;
    const sc_ins *c = &f->ins[g->args[0]];
    if (c->op != IR_istag || sc_ty_of_tag(c->aux) == SC_TY_VOID || G.tag[c->args[0]] >= 0) continue;
    G.tag[c->args[0]] = (int8_t)c->aux;
    G.blk[c->args[0]] = g->blk;
  }
  return G;
}

/* The tag of phi v's input k (G: guards, or NULL). */
static int input_tag(sc_irfunc *f, uint32_t v, uint32_t k, const int8_t *ktag, const guarded *G) {
  uint32_t a = f->ins[v].args[k];
  if (a == v) return -2;
  if (f->ins[a].op == IR_phi) return ktag[a];
  int t = known_tag(f, a, ktag);
  if (t < 0 && G && G->tag[a] >= 0 && sc_ir_dominates(f, G->blk[a], f->blk[f->ins[v].blk].preds[k])) t = G->tag[a];
  return t;
}

/* Optimistic: every val phi starts as "any tag agrees" (-2) and is lowered
 * to -1 when two inputs disagree, until nothing changes. A worklist in
 * reverse post-order (definitions first): a phi is looked at again only
 * when a phi it reads changed, and each changes at most twice. */
static void phi_tags(sc_irfunc *f, int8_t *ktag, const guarded *G) {
  uint32_t n = f->nins;
  uint32_t *cnt = sc_arena_alloc(f->arena, (n + 2) * sizeof *cnt); /* phi -> the phis reading it, CSR */
  memset(cnt, 0, (n + 2) * sizeof *cnt);
  for (uint32_t v = 1; v < n; v++) {
    const sc_ins *in = &f->ins[v];
    ktag[v] = in->op == IR_phi && !in->dead ? -2 : -1;
    if (in->op != IR_phi || in->dead || in->ty != SC_TY_VAL) continue;
    for (uint32_t k = 0; k < in->nargs; k++)
      if (f->ins[in->args[k]].op == IR_phi) cnt[in->args[k] + 1]++;
  }
  for (uint32_t v = 1; v <= n; v++) cnt[v] += cnt[v - 1];
  uint32_t *users = sc_arena_alloc(f->arena, (cnt[n] + 1) * sizeof *users), *fill = sc_arena_alloc(f->arena, (n + 1) * sizeof *fill);
  memcpy(fill, cnt, (n + 1) * sizeof *fill);
  for (uint32_t v = 1; v < n; v++) {
    const sc_ins *in = &f->ins[v];
    if (in->op != IR_phi || in->dead || in->ty != SC_TY_VAL) continue;
    for (uint32_t k = 0; k < in->nargs; k++)
      if (f->ins[in->args[k]].op == IR_phi) users[fill[in->args[k]]++] = v;
  }
  /* a FIFO of phis, each queued at most once at a time; room for n + every requeue */
  uint32_t cap = n + 1, head = 0, tail = 0;
  uint32_t *q = sc_arena_alloc(f->arena, cap * sizeof *q);
  uint8_t *queued = sc_arena_alloc(f->arena, n + 1);
  memset(queued, 0, n + 1);
  for (uint32_t i = 0; i < f->nrpo; i++) {
    const sc_blk *bl = &f->blk[f->rpo[i]];
    for (uint32_t j = 0; j < bl->nins && f->ins[bl->ins[j]].op == IR_phi; j++) {
      uint32_t v = bl->ins[j];
      if (f->ins[v].dead || f->ins[v].ty != SC_TY_VAL || queued[v]) continue;
      queued[v] = 1;
      q[tail] = v, tail = (tail + 1) % cap;
    }
  }
  while (head != tail) {
    uint32_t v = q[head];
    head = (head + 1) % cap;
    queued[v] = 0;
    const sc_ins *in = &f->ins[v];
    if (ktag[v] == -1) continue;
    int t = -2;
    for (uint32_t k = 0; k < in->nargs && t != -1; k++) {
      int at = input_tag(f, v, k, ktag, G);
      if (at == -2) continue;
      t = t == -2 ? at : t == at ? t : -1;
    }
    if (t == -2) t = -1; /* only itself, or phis not known yet */
    if (t == ktag[v]) continue;
    ktag[v] = (int8_t)t;
    for (uint32_t k = cnt[v]; k < cnt[v + 1]; k++) {
      uint32_t u = users[k];
      if (queued[u] || ktag[u] == -1) continue;
      queued[u] = 1;
      q[tail] = u, tail = (tail + 1) % cap;
    }
  }
  /* phis in unreachable blocks: no tag */
  for (uint32_t v = 1; v < n; v++)
    if (ktag[v] == -2) ktag[v] = -1;
}

/* A typed constant equal to val constant c, in the entry block. */
static uint32_t typed_const(sc_irfunc *f, uint32_t c, sc_ty ty) {
  sc_value k = f->prog->consts[f->ins[c].imm];
  uint32_t b0 = 0, at = 0;
  while (at < f->blk[b0].nins && f->ins[f->blk[b0].ins[at]].op == IR_param) at++;
  uint32_t r = sc_ir_insert(f, b0, at, IR_const, ty, 0);
  f->ins[r].imm = ty == SC_TY_BOOL ? (k.i != 0) : k.i; /* f64: the same bits */
  return r;
}

static bool unbox_phis(sc_irfunc *f) {
  int8_t *ktag = sc_arena_alloc(f->arena, f->nins + 1);
  guarded G = tag_guards(f);
  phi_tags(f, ktag, &G);
  uint32_t n = f->nins;
  uint32_t *typed = sc_arena_alloc(f->arena, (n + 1) * sizeof *typed);
  bool any = false;
  for (uint32_t v = 1; v < n; v++) {
    const sc_ins *in = &f->ins[v];
    if (in->op != IR_phi || in->dead || in->ty != SC_TY_VAL || sc_ty_of_tag(ktag[v]) == SC_TY_VOID) continue;
    typed[v] = sc_ir_append(f, in->blk, IR_phi, sc_ty_of_tag(ktag[v]), in->nargs);
    any = true;
  }
  if (!any) return false;
  for (uint32_t v = 1; v < n; v++) {
    if (!typed[v]) continue;
    sc_ty ty = (sc_ty)f->ins[typed[v]].ty;
    for (uint32_t k = 0; k < f->ins[v].nargs; k++) {
      uint32_t a = f->ins[v].args[k], r;
      const sc_ins *ai = &f->ins[a];
      if (typed[a]) r = typed[a];
      else if (ai->op == IR_box) r = ai->args[0];
      else if (ai->op == IR_const) r = typed_const(f, a, ty);
      else { /* guarded on the way: unboxed at the end of the predecessor */
        uint32_t p = f->blk[f->ins[v].blk].preds[k];
        r = sc_ir_insert(f, p, f->blk[p].nins - 1, IR_unbox, ty, 1);
        f->ins[r].args[0] = a;
      }
      f->ins[typed[v]].args[k] = r;
    }
  }
  /* each old phi becomes a box of the new one, after the block's phis;
   * uses move in one walk (sc_ir_forward) */
  uint32_t *fwd = sc_arena_alloc(f->arena, (n + 1) * sizeof *fwd);
  memset(fwd, 0, (n + 1) * sizeof *fwd);
  for (uint32_t v = 1; v < n; v++) {
    if (!typed[v]) continue;
    uint32_t blk = f->ins[v].blk, at = 0;
    while (at < f->blk[blk].nins && f->ins[f->blk[blk].ins[at]].op == IR_phi) at++;
    uint32_t bx = sc_ir_insert(f, blk, at, IR_box, SC_TY_VAL, 1);
    f->ins[bx].args[0] = typed[v];
    fwd[v] = bx;
  }
  sc_ir_forward(f, fwd, n);
  for (uint32_t v = 1; v < n; v++)
    if (typed[v]) f->ins[v].dead = 1;
  return true;
}

/* One walk of local folds; returns whether anything changed. */
static bool fold(sc_irfunc *f, sc_pass_ctx *c) {
  bool changed = false;
  /* sized before the walk: truthy of a boxed int adds a constant */
  uint32_t nfwd = f->nins + 1, *fwd = sc_arena_alloc(f->arena, nfwd * sizeof *fwd);
  int8_t *ktag = sc_arena_alloc(f->arena, f->nins + 1);
  phi_tags(f, ktag, NULL);
  for (uint32_t b = 0; b < f->nblk; b++) {
    if (f->blk[b].dead) continue;
    for (uint32_t i = 0; i < f->blk[b].nins; i++) {
      uint32_t v = f->blk[b].ins[i];
      sc_ins *in = &f->ins[v];
      if (in->dead) continue; /* removed by an earlier round, still listed */
      uint32_t a = in->nargs ? in->args[0] : 0;
      const sc_ins *ai = a ? &f->ins[a] : NULL;
      switch (in->op) {
      case IR_unbox:
        if (ai->op == IR_box && f->ins[ai->args[0]].ty == in->ty) fwd[v] = ai->args[0];
        else if (ai->op == IR_const && sc_tag_of_ty((sc_ty)in->ty) == (int)f->prog->consts[ai->imm].tag) {
          sc_value k = f->prog->consts[ai->imm];
          in->op = IR_const;
          in->nargs = 0;
          in->imm = in->ty == SC_TY_BOOL ? (k.i != 0) : k.i;
          changed = true;
        }
        break;
      case IR_istag:
      case IR_tagof: { /* a known tag: the test, or the tag, is a constant */
        int t = known_tag(f, a, ktag);
        if (t < 0) break;
        in->imm = in->op == IR_istag ? t == in->aux : t;
        in->op = IR_const;
        in->nargs = 0;
        changed = true;
        break;
      }
      case IR_guard:
        if (ai->op == IR_const && ai->imm == 1) in->dead = 1, changed = true, c->guards_removed++;
        break;
      case IR_truthy:
        if (ai->op != IR_box) break;
        if (f->ins[ai->args[0]].ty == SC_TY_BOOL) fwd[v] = ai->args[0];
        else if (f->ins[ai->args[0]].ty == SC_TY_I64) {
          in->op = IR_icmp;
          in->aux = SC_CC_NE;
          uint32_t z = sc_ir_insert(f, b, i, IR_const, SC_TY_I64, 0);
          sc_ir_set_nargs(f, v, 2);
          f->ins[v].args[0] = ai->args[0];
          f->ins[v].args[1] = z;
          changed = true;
          i++;
        }
        break;
      case IR_Not: /* of a boxed bool: the box of its bnot */
        if (ai->op != IR_box || f->ins[ai->args[0]].ty != SC_TY_BOOL) break;
        {
          uint32_t x = ai->args[0], r = sc_ir_insert(f, b, i, IR_bnot, SC_TY_BOOL, 1);
          f->ins[r].args[0] = x;
          f->ins[r].pc = f->ins[v].pc;
          sc_ins *n = &f->ins[v];
          n->op = IR_box;
          n->args[0] = r;
          n->fb = NULL;
          changed = true;
          i++;
        }
        break;
      default: break;
      }
      if (v < nfwd && fwd[v]) f->ins[v].dead = 1, changed = true; /* f->ins may have moved */
    }
  }
  if (changed) sc_ir_forward(f, fwd, nfwd);
  /* frame states take the raw value of a box: exits box it themselves */
  for (uint32_t s = 0; s < f->nfs; s++) {
    sc_fs *st = &f->fs[s];
    uint32_t nv = sc_ir_fs_nvals(st);
    for (uint32_t k = 0; k < nv; k++) {
      uint32_t x = st->vals[k];
      if (x && f->ins[x].op == IR_box && !f->ins[x].dead) st->vals[k] = f->ins[x].args[0], changed = true;
    }
  }
  return changed;
}

/* A box in a loop that only code after the loop uses, all in one block it
 * dominates, moves to that block: boxing a loop phi each iteration for a
 * use after the loop costs every iteration. Frame states' uses keep it. */
static bool sink_boxes(sc_irfunc *f) {
  sc_ir_loops(f);
  uint32_t n = f->nins;
  uint32_t *user = sc_arena_alloc(f->arena, (n + 1) * sizeof *user); /* the using block + 1; UINT32_MAX: many */
  memset(user, 0, (n + 1) * sizeof *user);
  for (uint32_t b = 0; b < f->nblk; b++) {
    if (f->blk[b].dead) continue;
    for (uint32_t i = 0; i < f->blk[b].nins; i++) {
      const sc_ins *in = &f->ins[f->blk[b].ins[i]];
      for (uint32_t k = 0; k < in->nargs && !in->dead; k++) {
        uint32_t a = in->args[k];
        user[a] = in->op == IR_phi || (user[a] && user[a] != b + 1) ? UINT32_MAX : b + 1;
      }
    }
  }
  for (uint32_t s = 0; s < f->nfs; s++)
    for (uint32_t k = 0; k < sc_ir_fs_nvals(&f->fs[s]); k++) user[f->fs[s].vals[k]] = UINT32_MAX;
  bool moved = false;
  uint32_t *fwd = sc_arena_alloc(f->arena, (n + 1) * sizeof *fwd);
  memset(fwd, 0, (n + 1) * sizeof *fwd);
  for (uint32_t v = 1; v < n; v++) {
    const sc_ins *in = &f->ins[v];
    if (in->dead || in->op != IR_box || !user[v] || user[v] == UINT32_MAX) continue;
    uint32_t u = user[v] - 1;
    int32_t l = f->loop_of[in->blk];
    if (l < 0 || sc_ir_loop_contains(f, (uint32_t)l, u) || !sc_ir_dominates(f, in->blk, u)) continue;
    uint32_t at = 0;
    while (at < f->blk[u].nins && f->ins[f->blk[u].ins[at]].op == IR_phi) at++;
    uint32_t bx = sc_ir_insert(f, u, at, IR_box, SC_TY_VAL, 1);
    f->ins[bx].args[0] = f->ins[v].args[0];
    f->ins[bx].pc = f->ins[v].pc;
    fwd[v] = bx;
    moved = true;
  }
  if (!moved) return false;
  sc_ir_forward(f, fwd, n);
  for (uint32_t v = 1; v < n; v++)
    if (fwd[v]) f->ins[v].dead = 1;
  return true;
}

bool sc_pass_unbox(sc_irfunc *f, sc_pass_ctx *c) {
  sc_ir_dom(f); /* reverse post-order, dominance */
  bool changed = unbox_phis(f);
  if (changed) sc_ir_compact(f);
  for (int round = 0; round < 4 && fold(f, c); round++) changed = true;
  changed |= sink_boxes(f);
  sc_ir_compact(f);
  return changed;
}
