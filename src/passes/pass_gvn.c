/* gvn: an instruction equal to one that dominates it (same op, type,
 * operands, static operand and constant; commutative operands in either
 * order) is replaced by it. A walk of the dominator tree with a scoped
 * hash table, undone on the way back up.
 *  - pure ops merge; a pure op that may leave (an overflow check, a
 *    generic op) merges too: the dominating one did not leave, so the same
 *    check on the same operands passes, and its frame state stays;
 *  - a guard (check) on a condition a dominating guard already checked
 *    goes, as does a dominated identical checkkind;
 *  - loads (effects.c: sc_load_mem) are numbered with the generation of
 *    the memory they read: a side effect that may write it (sc_clobbers)
 *    starts a new one, so a load merges only with one that no store or
 *    call may have changed since. A block starts with its dominator's
 *    generations unless some path from the dominator to it (through a
 *    loop back to it, say) may write that memory;
 *  - a store is a load of what it stored: stslot, stelem and StoreGlobal
 *    make the next load of the same slot, element or global their value.
 * Constants are compared by value but not merged (sc_is_constant).
 * Float adds and multiplies are not taken as commutative: the operand
 * order picks a NaN's payload. */
#include <string.h>

#include "passes/passes.h"

typedef struct vkey {
  uint16_t op;
  uint8_t ty, comm;
  int32_t aux;
  int64_t imm;
  uint32_t nargs;
  const uint32_t *args;
  uint32_t gen, blk; /* memory generation (loads), block (phis) */
} vkey;

typedef struct vent {
  vkey k;
  uint32_t hash, next; /* next: the bucket's previous entry + 1 (0: none) */
  uint32_t val;
} vent;

typedef struct gvn {
  sc_irfunc *f;
  uint32_t *fwd, nfwd;
  uint32_t *canon; /* per constant: an equal one that dominates it, or 0 */
  vent *ent;
  uint32_t nent, cent;
  uint32_t *bucket, mask;
  uint32_t gen[SC_NMEM], ngen;
  unsigned *clob;                  /* per block: what its instructions may write */
  uint32_t *seen, epoch, *stack;   /* path_clobbers' walk */
  uint32_t removed;
} gvn;

static uint32_t find(const gvn *G, uint32_t v) {
  while (v < G->nfwd && G->fwd[v]) v = G->fwd[v];
  return v;
}

static bool commutative(const sc_ins *in) {
  switch (in->op) {
  case IR_iadd: case IR_imul: case IR_iand: case IR_ior: case IR_ixor: case IR_iadd_ovf: case IR_imul_ovf:
  case IR_band:
    return true;
  case IR_icmp: case IR_fcmp: return in->aux == SC_CC_EQ || in->aux == SC_CC_NE;
  default: return false;
  }
}

static uint64_t mix(uint64_t h, uint64_t x) {
  h ^= x + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  return h;
}

static uint32_t hash(const vkey *k) {
  uint64_t h = mix(mix(mix(mix(k->op, k->ty), (uint64_t)(uint32_t)k->aux), (uint64_t)k->imm), k->nargs);
  h = mix(mix(h, k->gen), k->blk);
  if (k->comm && k->nargs == 2) {
    uint32_t a = k->args[0], b = k->args[1];
    h = mix(mix(h, a < b ? a : b), a < b ? b : a);
  } else {
    for (uint32_t i = 0; i < k->nargs; i++) h = mix(h, k->args[i]);
  }
  h ^= h >> 29;
  return (uint32_t)(h * 0xbf58476d1ce4e5b9ull >> 32);
}

static bool same(const vkey *a, const vkey *b) {
  if (a->op != b->op || a->ty != b->ty || a->aux != b->aux || a->imm != b->imm || a->nargs != b->nargs ||
      a->gen != b->gen || a->blk != b->blk)
    return false;
  if (a->comm && a->nargs == 2 && a->args[0] == b->args[1] && a->args[1] == b->args[0]) return true;
  for (uint32_t i = 0; i < a->nargs; i++)
    if (a->args[i] != b->args[i]) return false;
  return true;
}

static uint32_t lookup(const gvn *G, const vkey *k, uint32_t h) {
  for (uint32_t e = G->bucket[h & G->mask]; e; e = G->ent[e - 1].next)
    if (G->ent[e - 1].hash == h && same(&G->ent[e - 1].k, k)) return G->ent[e - 1].val;
  return 0;
}

static void insert(gvn *G, const vkey *k, uint32_t h, uint32_t val) {
  if (G->nent == G->cent) {
    size_t c = G->cent;
    G->ent = sc_arena_grow(G->f->arena, G->ent, sizeof *G->ent, G->nent, &c, (size_t)G->nent + 1);
    G->cent = (uint32_t)c;
  }
  vent *e = &G->ent[G->nent++];
  e->k = *k;
  e->hash = h;
  e->val = val;
  e->next = G->bucket[h & G->mask];
  G->bucket[h & G->mask] = G->nent;
}

static unsigned mem_index(unsigned m) {
  unsigned i = 0;
  while (!(m & 1u)) m >>= 1, i++;
  return i;
}

static void clobber(gvn *G, unsigned m) {
  for (unsigned i = 0; i < SC_NMEM; i++)
    if (m & (1u << i)) G->gen[i] = ++G->ngen;
}

/* What the paths from block c's immediate dominator to c may write: the
 * blocks that reach c without passing through the dominator (c itself
 * when a loop leads back to it). */
static unsigned path_clobbers(gvn *G, uint32_t c) {
  sc_irfunc *f = G->f;
  uint32_t p = (uint32_t)f->idom[c], n = 0, steps = 0;
  unsigned m = 0;
  G->epoch++;
  for (uint32_t k = 0; k < f->blk[c].npreds; k++) G->stack[n++] = f->blk[c].preds[k];
  while (n) {
    uint32_t x = G->stack[--n];
    if (x == p || G->seen[x] == G->epoch) continue;
    G->seen[x] = G->epoch;
    m |= G->clob[x];
    if (m == SC_MEM_ALL || ++steps > 4096) return SC_MEM_ALL;
    for (uint32_t k = 0; k < f->blk[x].npreds; k++) G->stack[n++] = f->blk[x].preds[k];
  }
  return m;
}

/* args as keys see them: constants by value (they stay where they are). */
static const uint32_t *key_args(gvn *G, const uint32_t *args, uint32_t n) {
  uint32_t k = 0;
  while (k < n && !(args[k] < G->nfwd && G->canon[args[k]])) k++;
  if (k == n) return args;
  uint32_t *a = sc_arena_alloc(G->f->arena, n * sizeof *a);
  for (k = 0; k < n; k++) a[k] = args[k] < G->nfwd && G->canon[args[k]] ? G->canon[args[k]] : args[k];
  return a;
}

/* The key of v, false if gvn leaves v alone. */
static bool key_of(gvn *G, uint32_t v, vkey *k) {
  const sc_ins *in = &G->f->ins[v];
  unsigned fl = sc_irop_flags(in->op), mem = sc_load_mem(in->op);
  *k = (vkey){.op = in->op, .ty = in->ty, .aux = in->aux, .imm = in->imm, .nargs = in->nargs};
  k->args = key_args(G, in->args, in->nargs);
  if (sc_irop_lir_only(in->op)) return false; /* LIR: ovf must stay right after its op */
  if (in->op == IR_guard) {
    k->aux = 0; /* the reason: the first guard's stands */
    return true;
  }
  if (in->op == IR_checkkind) return true;
  if (mem) {
    k->gen = G->gen[mem_index(mem)];
    if (in->op == IR_ldslot || in->op == IR_ldelem || in->op == IR_LoadGlobal) k->imm = 0;
    if (in->op == IR_ldelem) k->aux = 0;
    return true;
  }
  if (!(fl & IRF_PURE) || (fl & (IRF_SIDE | IRF_READ | IRF_TERM))) return false;
  k->comm = commutative(in);
  if (in->op == IR_phi) k->blk = in->blk + 1;
  return true;
}

/* After store v, the next load of what it wrote is the stored value. */
static void forward_store(gvn *G, uint32_t v) {
  const sc_ins *in = &G->f->ins[v];
  vkey k = {.ty = SC_TY_VAL, .args = key_args(G, in->args, in->nargs)};
  switch (in->op) {
  case IR_stslot:
    k.op = IR_ldslot, k.aux = in->aux, k.nargs = 1, k.gen = G->gen[mem_index(SC_MEM_FIELD)];
    break;
  case IR_stelem:
    k.op = IR_ldelem, k.ty = G->f->ins[in->args[2]].ty, k.nargs = 2, k.gen = G->gen[mem_index(SC_MEM_ELEM)];
    break;
  case IR_StoreGlobal:
    k.op = IR_LoadGlobal, k.aux = in->aux, k.gen = G->gen[mem_index(SC_MEM_GLOBAL)];
    break;
  default: return;
  }
  insert(G, &k, hash(&k), in->args[k.nargs]);
}

static void walk(gvn *G, uint32_t b) {
  sc_irfunc *f = G->f;
  uint32_t mark = G->nent, saved[SC_NMEM];
  memcpy(saved, G->gen, sizeof saved);
  if (b != 0) clobber(G, path_clobbers(G, b));
  const sc_blk *bl = &f->blk[b];
  for (uint32_t i = 0; i < bl->nins; i++) {
    uint32_t v = bl->ins[i];
    sc_ins *in = &f->ins[v];
    for (uint32_t a = 0; a < in->nargs; a++) in->args[a] = find(G, in->args[a]);
    vkey k;
    if (key_of(G, v, &k)) {
      uint32_t h = hash(&k), rep = lookup(G, &k, h);
      if (sc_is_constant(in->op)) { /* equal ones are known equal, and stay */
        if (rep) G->canon[v] = rep;
        else insert(G, &k, h, v);
        continue;
      }
      if (rep) {
        in->dead = 1;
        if (in->ty != SC_TY_VOID) G->fwd[v] = rep;
        G->removed++;
        continue;
      }
      insert(G, &k, h, v);
    }
    unsigned m = sc_clobbers(in->op);
    if (m) {
      clobber(G, m);
      forward_store(G, v);
    }
  }
  for (int32_t c = f->dom_child[b]; c >= 0; c = f->dom_sibling[c]) walk(G, (uint32_t)c);
  while (G->nent > mark) {
    const vent *e = &G->ent[--G->nent];
    G->bucket[e->hash & G->mask] = e->next;
  }
  memcpy(G->gen, saved, sizeof saved);
}

bool sc_pass_gvn(sc_irfunc *f, sc_pass_ctx *ctx) {
  (void)ctx;
  sc_ir_dom(f);
  gvn G = {.f = f, .nfwd = f->nins};
  G.fwd = sc_arena_alloc(f->arena, (f->nins + 1) * sizeof *G.fwd);
  G.canon = sc_arena_alloc(f->arena, (f->nins + 1) * sizeof *G.canon);
  uint32_t nb = 16;
  while (nb < 2 * f->nins) nb *= 2;
  G.bucket = sc_arena_alloc(f->arena, nb * sizeof *G.bucket);
  G.mask = nb - 1;
  G.clob = sc_arena_alloc(f->arena, (f->nblk + 1) * sizeof *G.clob);
  G.seen = sc_arena_alloc(f->arena, (f->nblk + 1) * sizeof *G.seen);
  size_t edges = 0;
  for (uint32_t b = 0; b < f->nblk; b++) {
    if (f->blk[b].dead) continue;
    edges += f->blk[b].npreds;
    for (uint32_t i = 0; i < f->blk[b].nins; i++) G.clob[b] |= sc_clobbers(f->ins[f->blk[b].ins[i]].op);
  }
  G.stack = sc_arena_alloc(f->arena, (2 * edges + 1) * sizeof *G.stack);
  walk(&G, 0);
  if (!G.removed) return false;
  sc_ir_forward(f, G.fwd, G.nfwd);
  sc_ir_compact(f);
  return true;
}
