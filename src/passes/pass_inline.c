/* inline: call sites become their callee's code.
 *
 * Candidates are the direct Calls and the CallValues whose feedback names
 * their targets: one (a callee guard, then the body) or 2 to SC_FB_MAX
 * (a tag guard, then a chain of compares on the function index whose arms
 * are inlined bodies or direct Calls, and a deopt when none matches). A
 * callee is lifted from bytecode with its own profile, once per
 * compilation, and copied in: its parameters are the call's arguments, its
 * `ret`s jump to the code after the call (a phi when there are several),
 * and each of its frame states gets the call's frame state as parent, so
 * that leaving inlined code rebuilds every frame. A `framecheck` with the
 * call's frame state goes first: the interpreter would have raised `stack
 * overflow` at the call before running any of the callee.
 *
 * The cost model: the hottest site first (executions estimated from the
 * feedback counts of its block, scaled by the callee's share for sites in
 * inlined code; without a profile, program order), a site that never ran
 * is left alone, the callee is at most max_size bytecode instructions, the
 * nesting at most depth calls, the instructions inlined into one
 * compilation at most budget, and a function appears at most recursion + 1
 * times on one chain of inlined calls (the compiled function included).
 * CallValue sites need the profile: without one there is no speculation. */
#include <stdlib.h>
#include <string.h>

#include "passes/passes.h"

typedef struct site {
  uint32_t v;    /* the Call or CallValue */
  uint32_t inst; /* the inlined body it is in (0: f's own code) */
  double est;    /* estimated executions */
} site;

typedef struct inst {
  uint32_t func, parent, depth; /* depth: calls from f's own code */
} inst;

typedef struct callee {
  sc_irfunc *g; /* lifted once, copied for every site */
  double *count; /* per block: estimated executions (feedback counts) */
  bool tried;
} callee;

typedef struct ret {
  uint32_t blk, val; /* a block of the copy that returns, and the value (g's id until mapped) */
} ret;

typedef struct inliner {
  sc_irfunc *f;
  sc_pass_ctx *c; /* the profiles, the statistics */
  uint32_t budget, depth, max_size, used;
  int32_t recursion;
  site *sites;
  size_t nsites, csites;
  inst *insts;
  size_t ninsts, cinsts;
  callee *cache; /* per function of the program */
  ret *rets;
  size_t nrets, crets;
} inliner;

/* Estimated executions of each block of h: the largest feedback count in
 * it, else its nearest dominator's, else the function's calls. */
static double *block_counts(sc_irfunc *h) {
  sc_ir_dom(h);
  double *c = sc_arena_alloc(h->arena, (h->nblk + 1) * sizeof *c);
  for (uint32_t b = 0; b < h->nblk; b++) {
    c[b] = -1;
    if (h->blk[b].dead) continue;
    for (uint32_t i = 0; i < h->blk[b].nins; i++) {
      const sc_ins *in = &h->ins[h->blk[b].ins[i]];
      if (in->fb && (double)in->fb->s.count > c[b]) c[b] = in->fb->s.count;
    }
  }
  for (uint32_t k = 0; k < h->nrpo; k++) { /* dominators first */
    uint32_t b = h->rpo[k];
    if (c[b] < 0) c[b] = h->idom[b] >= 0 ? c[h->idom[b]] : (double)h->calls;
  }
  return c;
}

static void push_site(inliner *I, uint32_t v, uint32_t inst, double est) {
  sc_irfunc *f = I->f;
  I->sites = sc_arena_grow(f->arena, I->sites, sizeof *I->sites, I->nsites, &I->csites, I->nsites + 1);
  I->sites[I->nsites++] = (site){v, inst, est};
}

static bool is_call(const sc_ins *in) { return in->op == IR_Call || in->op == IR_CallValue; }

/* The lifted callee k, or NULL when it has no bytecode to lift. */
static callee *callee_of(inliner *I, uint32_t k) {
  callee *c = &I->cache[k];
  if (!c->tried) {
    c->tried = true;
    const sc_program *p = I->f->prog;
    if (p->funcs[k]->ncode) {
      int64_t at = I->c->profiles ? sc_snapidx_at(&I->c->pidx, k) : -1;
      c->g = sc_lift(I->f->arena, p, k, at >= 0 ? &I->c->profiles[at] : NULL);
      if (c->g) c->count = block_counts(c->g);
    }
  }
  return c->g ? c : NULL;
}

/* Whether callee k may be inlined into body `in` (its own code, at depth
 * depth(in) + 1) by the cost model. */
static bool fits(inliner *I, uint32_t k, uint32_t in) {
  const sc_program *p = I->f->prog;
  uint32_t size = p->funcs[k]->ncode;
  if (!size || size > I->max_size || I->used + size > I->budget) return false;
  if (I->insts[in].depth + 1 > I->depth) return false;
  int32_t seen = 0;
  for (uint32_t j = in;; j = I->insts[j].parent) {
    seen += I->insts[j].func == k;
    if (!j) break;
  }
  return seen <= I->recursion;
}

/* Moves what follows v in its block to a new block (which takes over the
 * block's successor edges); v stays last. Returns the new block. */
static uint32_t split_after(sc_irfunc *f, uint32_t v) {
  uint32_t b = f->ins[v].blk, c = sc_ir_block(f), at = sc_ir_index_in_block(f, v) + 1;
  sc_blk *bb = &f->blk[b], *cb = &f->blk[c];
  for (uint32_t i = at; i < bb->nins; i++) {
    uint32_t id = bb->ins[i];
    size_t cap = cb->cins;
    cb->ins = sc_arena_grow(f->arena, cb->ins, sizeof *cb->ins, cb->nins, &cap, (size_t)cb->nins + 1);
    cb->cins = (uint32_t)cap;
    cb->ins[cb->nins++] = id;
    f->ins[id].blk = c;
  }
  bb->nins = at;
  uint32_t s[2];
  int ns = sc_ir_succs(f, c, s);
  for (int k = 0; k < ns; k++) {
    if (k == 1 && s[1] == s[0]) break;
    sc_blk *sb = &f->blk[s[k]];
    for (uint32_t j = 0; j < sb->npreds; j++)
      if (sb->preds[j] == b) sb->preds[j] = c;
  }
  return c;
}

/* A new instruction at the end of block b, from bytecode pc. */
static uint32_t add(sc_irfunc *f, uint32_t b, sc_irop op, sc_ty ty, uint32_t nargs, int32_t pc) {
  uint32_t id = sc_ir_append(f, b, op, ty, nargs);
  f->ins[id].pc = pc;
  return id;
}

static uint32_t add1(sc_irfunc *f, uint32_t b, sc_irop op, sc_ty ty, uint32_t a, int32_t pc) {
  uint32_t id = add(f, b, op, ty, 1, pc);
  f->ins[id].args[0] = a;
  return id;
}

static void jump(sc_irfunc *f, uint32_t from, uint32_t to, int32_t pc) {
  uint32_t j = add(f, from, IR_jmp, SC_TY_VOID, 0, pc); /* before indexing: f->ins may move */
  f->ins[j].succ[0] = to;
  sc_ir_add_pred(f, to, from);
}

static uint32_t guard(inliner *I, uint32_t b, uint32_t cond, sc_reason why, int32_t fs, int32_t pc) {
  sc_irfunc *f = I->f;
  uint32_t g = add1(f, b, IR_guard, SC_TY_VOID, cond, pc);
  f->ins[g].aux = (int32_t)why;
  f->ins[g].fs = fs;
  I->c->guards_emitted++;
  return g;
}

/* Copies callee c's code into f: block `from` jumps to its entry, its
 * parameters are args[], its frame states' outermost parent is `parent`,
 * and each `ret` is recorded in I->rets (the caller makes them jump on).
 * Calls in the copy become sites of body `in`, scaled from est. */
static void splice(inliner *I, callee *c, uint32_t from, const uint32_t *args, int32_t parent, uint32_t in,
                   double est) {
  sc_irfunc *f = I->f, *g = c->g;
  sc_arena *A = f->arena;
  uint32_t *bmap = sc_arena_alloc(A, (g->nblk + 1) * sizeof *bmap);
  uint32_t *imap = sc_arena_alloc(A, (g->nins + 1) * sizeof *imap);
  int32_t *fsmap = sc_arena_alloc(A, (g->nfs + 1) * sizeof *fsmap);
  uint32_t *pairs = sc_arena_alloc(A, 2 * ((size_t)g->nins + 1) * sizeof *pairs), np = 0;
  for (uint32_t b = 0; b < g->nblk; b++)
    if (!g->blk[b].dead) {
      bmap[b] = sc_ir_block(f);
      f->blk[bmap[b]].bcpc = g->blk[b].bcpc;
      f->blk[bmap[b]].backedges = g->blk[b].backedges;
    }
  for (uint32_t s = 0; s < g->nfs; s++) {
    const sc_fs *gs = &g->fs[s];
    fsmap[s] = sc_ir_new_fs(f, gs->func, gs->pc, gs->nlocals, gs->nstack);
  }
  for (uint32_t s = 0; s < g->nfs; s++) f->fs[fsmap[s]].parent = g->fs[s].parent >= 0 ? fsmap[g->fs[s].parent] : parent;
  /* instructions, with g's operands for now */
  size_t nrets0 = I->nrets;
  for (uint32_t b = 0; b < g->nblk; b++) {
    if (g->blk[b].dead) continue;
    uint32_t nb = bmap[b];
    for (uint32_t i = 0; i < g->blk[b].nins; i++) {
      uint32_t gid = g->blk[b].ins[i];
      const sc_ins *gi = &g->ins[gid];
      if (gi->op == IR_param) {
        imap[gid] = args[gi->imm];
        continue;
      }
      if (gi->op == IR_ret) {
        I->rets = sc_arena_grow(A, I->rets, sizeof *I->rets, I->nrets, &I->crets, I->nrets + 1);
        I->rets[I->nrets++] = (ret){nb, gi->args[0]};
        continue;
      }
      if (gi->op == IR_rettag) continue; /* inlined, its value is no entry's result */
      uint32_t id;
      if (gi->op == IR_checkkind) {
        /* a kinded local of the callee: its tag, as specialize would check it */
        static const sc_tag want[] = {[SC_KIND_INT] = SC_INT, [SC_KIND_FLOAT] = SC_FLOAT, [SC_KIND_BOOL] = SC_BOOL};
        id = add(f, nb, IR_istag, SC_TY_BOOL, 1, gi->pc);
        f->ins[id].aux = (int32_t)want[g->local_kinds[gi->aux]];
        guard(I, nb, id, SC_RS_CHECK, -1, gi->pc);
      } else {
        id = add(f, nb, (sc_irop)gi->op, (sc_ty)gi->ty, gi->nargs, gi->pc);
        sc_ins *ni = &f->ins[id];
        ni->imm = gi->imm;
        ni->aux = gi->aux;
        ni->fb = gi->fb;
        ni->succ[0] = gi->succ[0] < g->nblk ? bmap[gi->succ[0]] : 0;
        ni->succ[1] = gi->succ[1] < g->nblk ? bmap[gi->succ[1]] : 0;
        ni->fs = gi->fs >= 0 ? fsmap[gi->fs] : -1;
      }
      imap[gid] = id;
      pairs[np++] = gid;
      pairs[np++] = id;
    }
    for (uint32_t k = 0; k < g->blk[b].npreds; k++) sc_ir_add_pred(f, nb, bmap[g->blk[b].preds[k]]);
  }
  /* operands and frame states in f's ids */
  for (uint32_t k = 0; k < np; k += 2) {
    const sc_ins *gi = &g->ins[pairs[k]];
    uint32_t id = pairs[k + 1];
    for (uint32_t j = 0; j < gi->nargs; j++) f->ins[id].args[j] = imap[gi->args[j]];
    if (gi->op == IR_checkkind) f->ins[id + 1].fs = fsmap[gi->fs]; /* its guard */
    else if (is_call(gi))
      push_site(I, id, in, I->c->profiles ? est * c->count[gi->blk] / (double)(g->calls ? g->calls : 1) : est);
  }
  for (uint32_t s = 0; s < g->nfs; s++) {
    const sc_fs *gs = &g->fs[s];
    sc_fs *ns = &f->fs[fsmap[s]];
    for (uint32_t k = 0; k < sc_ir_fs_nvals(gs); k++) ns->vals[k] = gs->vals[k] ? imap[gs->vals[k]] : 0;
  }
  for (size_t r = nrets0; r < I->nrets; r++) I->rets[r].val = imap[I->rets[r].val];
  jump(f, from, bmap[0], -1);
}

/* The recorded returns jump to join; the value they give (a phi when there
 * are several; null when none, join is then unreachable). */
static uint32_t join_rets(inliner *I, uint32_t join, int32_t pc) {
  sc_irfunc *f = I->f;
  uint32_t r;
  if (I->nrets == 1) {
    r = I->rets[0].val;
  } else if (I->nrets == 0) {
    r = sc_ir_insert(f, join, 0, IR_null, SC_TY_VAL, 0);
    f->ins[r].pc = pc;
  } else {
    r = sc_ir_insert(f, join, 0, IR_phi, SC_TY_VAL, (uint32_t)I->nrets);
    f->ins[r].pc = pc;
  }
  for (size_t k = 0; k < I->nrets; k++) {
    jump(f, I->rets[k].blk, join, pc);
    if (I->nrets > 1) f->ins[r].args[k] = I->rets[k].val;
  }
  I->nrets = 0;
  return r;
}

/* Inlines callee c (function k) at body `in` from block b: the depth check,
 * then the copy. */
static void inline_body(inliner *I, uint32_t b, uint32_t k, callee *c, const uint32_t *args, int32_t fs, int32_t pc,
                        uint32_t in, double est) {
  sc_irfunc *f = I->f;
  uint32_t fc = add(f, b, IR_framecheck, SC_TY_VOID, 0, pc);
  f->ins[fc].fs = fs;
  I->insts = sc_arena_grow(f->arena, I->insts, sizeof *I->insts, I->ninsts, &I->cinsts, I->ninsts + 1);
  I->insts[I->ninsts] = (inst){k, in, I->insts[in].depth + 1};
  I->used += f->prog->funcs[k]->ncode;
  I->c->inlined++;
  splice(I, c, b, args, fs, (uint32_t)I->ninsts++, est);
}

/* Cuts the block of call v after v, which leaves it: the new block, where
 * v's result is wanted. */
static uint32_t cut(sc_irfunc *f, uint32_t v) {
  uint32_t join = split_after(f, v);
  f->blk[f->ins[v].blk].nins--;
  return join;
}

/* v's uses take r; v goes. */
static void replace(sc_irfunc *f, uint32_t v, uint32_t r) {
  sc_ir_replace_uses(f, v, r);
  f->ins[v].dead = 1;
}

/* The function indexes a CallValue's feedback saw, when all are functions
 * taking its arguments; their count, 0 otherwise. */
static uint32_t targets(const sc_irfunc *f, const sc_ins *in, uint32_t *k) {
  const sc_irfb *fb = in->fb;
  if (!fb || (fb->s.state != SC_FB_MONO && fb->s.state != SC_FB_POLY) || !fb->s.n) return 0;
  for (uint32_t j = 0; j < fb->s.n; j++) {
    if (fb->s.e[j] >= f->prog->nfuncs || f->prog->funcs[fb->s.e[j]]->arity != in->nargs - 1) return 0;
    k[j] = (uint32_t)fb->s.e[j];
  }
  return fb->s.n;
}

static uint32_t icmp_eq(sc_irfunc *f, uint32_t b, uint32_t x, int64_t k, int32_t pc) {
  uint32_t kc = add(f, b, IR_const, SC_TY_I64, 0, pc);
  f->ins[kc].imm = k;
  uint32_t eq = add(f, b, IR_icmp, SC_TY_BOOL, 2, pc);
  f->ins[eq].args[0] = x;
  f->ins[eq].args[1] = kc;
  f->ins[eq].aux = SC_CC_EQ;
  return eq;
}

/* A direct call of k from block b, its result going to the join. */
static void direct_call(inliner *I, uint32_t b, uint32_t k, const uint32_t *args, uint32_t argc, int32_t fs,
                        int32_t pc) {
  sc_irfunc *f = I->f;
  uint32_t call = add(f, b, IR_Call, SC_TY_VAL, argc, pc);
  f->ins[call].imm = k;
  f->ins[call].fs = fs;
  for (uint32_t a = 0; a < argc; a++) f->ins[call].args[a] = args[a];
  I->rets = sc_arena_grow(f->arena, I->rets, sizeof *I->rets, I->nrets, &I->crets, I->nrets + 1);
  I->rets[I->nrets++] = (ret){b, call};
}

static bool try_site(inliner *I, const site *s) {
  sc_irfunc *f = I->f;
  uint32_t v = s->v;
  const sc_ins *in = &f->ins[v];
  int32_t fs = in->fs, pc = in->pc;
  uint32_t nargs = in->nargs, *args = in->args; /* arena memory: stays put */
  if (in->dead || fs < 0) return false;
  if (in->op == IR_Call) {
    uint32_t k = (uint32_t)in->imm;
    callee *c;
    if (!fits(I, k, s->inst) || !(c = callee_of(I, k))) return false;
    uint32_t join = cut(f, v);
    inline_body(I, f->ins[v].blk, k, c, args, fs, pc, s->inst, s->est);
    replace(f, v, join_rets(I, join, pc));
    return true;
  }
  if (!I->c->profiles) return false;
  uint32_t k[SC_FB_MAX], n = targets(f, in, k);
  if (!n) return false;
  callee *c[SC_FB_MAX];
  bool any = false;
  uint32_t used = I->used; /* the arms chosen so far count against the budget */
  for (uint32_t j = 0; j < n; j++) {
    any |= (c[j] = fits(I, k[j], s->inst) ? callee_of(I, k[j]) : NULL) != NULL;
    if (c[j]) I->used += f->prog->funcs[k[j]]->ncode;
  }
  I->used = used; /* inline_body counts them */
  if (n == 1 && !any) return false; /* specialize makes it a guarded Call */
  uint32_t fn = args[0], join = cut(f, v), b = f->ins[v].blk;
  uint32_t t = add1(f, b, IR_istag, SC_TY_BOOL, fn, pc);
  f->ins[t].aux = SC_FUNC;
  guard(I, b, t, SC_RS_TAG, fs, pc);
  uint32_t u = add1(f, b, IR_unbox, SC_TY_I64, fn, pc);
  for (uint32_t j = 0; j < n; j++) {
    uint32_t eq = icmp_eq(f, b, u, k[j], pc), arm = b;
    if (n == 1) {
      guard(I, b, eq, SC_RS_CALLEE, fs, pc);
    } else { /* if (fn == k[j]) arm else next */
      arm = sc_ir_block(f);
      uint32_t next = sc_ir_block(f), br = add1(f, b, IR_br, SC_TY_VOID, eq, pc);
      f->ins[br].succ[0] = arm;
      f->ins[br].succ[1] = next;
      sc_ir_add_pred(f, arm, b);
      sc_ir_add_pred(f, next, b);
      b = next;
    }
    if (c[j]) inline_body(I, arm, k[j], c[j], args + 1, fs, pc, s->inst, s->est / n);
    else direct_call(I, arm, k[j], args + 1, nargs - 1, fs, pc);
  }
  if (n > 1) { /* none of them: the interpreter calls it */
    uint32_t d = add(f, b, IR_deopt, SC_TY_VOID, 0, pc);
    f->ins[d].aux = SC_RS_CALLEE;
    f->ins[d].fs = fs;
  }
  replace(f, v, join_rets(I, join, pc));
  return true;
}

bool sc_pass_inline(sc_irfunc *f, sc_pass_ctx *c) {
  sc_inline_options io = c->opts ? c->opts->inl : (sc_inline_options){0};
  if (io.off || !f->prog || f->func >= f->prog->nfuncs) return false;
  inliner I = {.f = f, .c = c};
  I.budget = io.budget ? io.budget : SC_DEFAULT_INLINE_BUDGET;
  I.depth = io.depth ? io.depth : SC_DEFAULT_INLINE_DEPTH;
  I.max_size = io.max_size ? io.max_size : SC_DEFAULT_INLINE_MAX_SIZE;
  I.recursion = io.recursion ? (io.recursion < 0 ? 0 : io.recursion) : SC_DEFAULT_INLINE_RECURSION;
  I.cache = sc_arena_alloc(f->arena, (f->prog->nfuncs + 1) * sizeof *I.cache);
  I.insts = sc_arena_grow(f->arena, NULL, sizeof *I.insts, 0, &I.cinsts, 16);
  I.insts[I.ninsts++] = (inst){f->func, 0, 0};
  double *count = c->profiles ? block_counts(f) : NULL;
  for (uint32_t b = 0; b < f->nblk; b++) {
    if (f->blk[b].dead) continue;
    for (uint32_t i = 0; i < f->blk[b].nins; i++) {
      uint32_t v = f->blk[b].ins[i];
      const sc_ins *in = &f->ins[v];
      if (!is_call(in)) continue;
      double est = !count ? 1 : in->op == IR_CallValue && in->fb ? in->fb->s.count : count[b];
      push_site(&I, v, 0, est);
    }
  }
  bool changed = false;
  while (I.nsites) {
    size_t best = 0; /* the hottest; the first of equals (program order) */
    for (size_t k = 1; k < I.nsites; k++)
      if (I.sites[k].est > I.sites[best].est) best = k;
    site s = I.sites[best];
    memmove(I.sites + best, I.sites + best + 1, (I.nsites - best - 1) * sizeof *I.sites);
    I.nsites--;
    if (c->profiles && s.est <= 0) continue; /* never ran */
    changed |= try_site(&I, &s);
  }
  if (changed) sc_ir_invalidate(f);
  return changed;
}
