/* IR opcode tables, construction and editing utilities. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssa/ir.h"

typedef struct opinfo {
  const char *name, *sig;
  uint8_t flags;
  char res;
  int16_t bcop;
  uint8_t sk; /* sc_static_kind */
} opinfo;

static const opinfo ops[] = {
#define IROP(name, flags, res, sig, sk) {#name, sig, flags, res, -1, SC_SK_##sk},
#define GENOP(name, flags, res, sig, sk) {#name, sig, flags, res, SC_OP_##name, SC_SK_##sk},
#include "ssa/irops.def"
#undef IROP
#undef GENOP
};

const char *sc_irop_name(unsigned op) { return op < IR_NOPS ? ops[op].name : "?"; }
unsigned sc_irop_flags(unsigned op) { return op < IR_NOPS ? ops[op].flags : 0; }
char sc_irop_result(unsigned op) { return op < IR_NOPS ? ops[op].res : 'n'; }
const char *sc_irop_sig(unsigned op) { return op < IR_NOPS ? ops[op].sig : ""; }
int sc_irop_bcop(unsigned op) { return op < IR_NOPS ? ops[op].bcop : -1; }
sc_static_kind sc_irop_static(unsigned op) { return op < IR_NOPS ? (sc_static_kind)ops[op].sk : SC_SK_NONE; }

const sc_helper_info sc_helpers[SC_NHELPERS] = {
#define HELPER(n, s, ...) {#n, s},
#include "ssa/helpers.def"
#undef HELPER
};

bool sc_irop_in_lir(unsigned op) {
  if (op >= IR_NOPS || ops[op].bcop >= 0) return false;
  switch (op) {
  case IR_param: case IR_hasshape: case IR_ldslot: case IR_stslot: case IR_elemkind: case IR_arrlen:
  case IR_arrdata: case IR_ldelem: case IR_stelem: case IR_addslot: case IR_guard: case IR_checkkind: case IR_fmod:
  case IR_ret: case IR_halt: case IR_framecheck: case IR_allocobj: case IR_rettag: return false;
  /* what may leave: checks branching to exit blocks */
  case IR_iadd_ovf: case IR_isub_ovf: case IR_imul_ovf: case IR_ineg_ovf: case IR_idiv: case IR_imod:
  case IR_f2i: case IR_deopt: case IR_idiv_nz: case IR_imod_nz: return false;
  default: return true;
  }
}

int sc_irop_by_name(const char *name, size_t len) {
  for (unsigned k = 0; k < IR_NOPS; k++)
    if (strlen(ops[k].name) == len && !memcmp(ops[k].name, name, len)) return (int)k;
  return -1;
}

int sc_irop_of_bcop(sc_op op) {
  switch (op) {
#define IROP(name, flags, res, sig, sk)
#define GENOP(name, flags, res, sig, sk) \
  case SC_OP_##name: return IR_##name;
#include "ssa/irops.def"
#undef IROP
#undef GENOP
  default: return -1;
  }
}

const char *sc_ty_name(sc_ty t) {
  static const char *const n[] = {"void", "val", "i64", "f64", "bool", "ptr"};
  return (unsigned)t < SC_NTY ? n[t] : "?";
}

const char *sc_cond_name(sc_cond c) {
  static const char *const n[] = {"eq", "ne", "lt", "le", "gt", "ge", "ult", "ule", "ugt", "uge"};
  return (unsigned)c < SC_NCONDS ? n[c] : "?";
}

static const char *const reason_words[][2] = {
#define REASON(n, w, t) {w, t},
#include "shapec/reasons.def"
#undef REASON
};

const char *sc_reason_name(sc_reason r) { return (unsigned)r < SC_NREASONS ? reason_words[r][0] : "?"; }
const char *sc_reason_text(sc_reason r) { return (unsigned)r < SC_NREASONS ? reason_words[r][1] : "?"; }

const char *sc_tag_ir_name(sc_tag t) {
  static const char *const n[] = {"null", "bool", "int", "float", "string", "array", "object", "map", "function"};
  return (unsigned)t < SC_NTAGS ? n[t] : "?";
}

sc_irfunc *sc_ir_new(sc_arena *a, const sc_program *prog, uint32_t func, const char *name, uint32_t nparams,
                     uint32_t nlocals) {
  sc_irfunc *f = sc_arena_alloc(a, sizeof *f);
  f->arena = a;
  f->prog = prog;
  f->func = func;
  f->osr_pc = -1;
  f->name = sc_arena_strdup(a, name);
  f->nparams = nparams;
  f->nlocals = nlocals;
  f->local_names = sc_arena_alloc(a, (nlocals + 1) * sizeof *f->local_names);
  f->local_kinds = sc_arena_alloc(a, nlocals + 1);
  for (uint32_t i = 0; i < nlocals; i++) {
    char buf[24];
    snprintf(buf, sizeof buf, "l%u", i);
    f->local_names[i] = sc_arena_strdup(a, buf);
  }
  size_t cap = 0;
  f->ins = sc_arena_grow(a, NULL, sizeof *f->ins, 0, &cap, 64);
  f->cins = (uint32_t)cap;
  f->nins = 1; /* id 0 is "none" */
  return f;
}

/* Arena arrays with uint32_t length and capacity. */
static void *grow32(sc_arena *a, void *p, size_t esz, uint32_t len, uint32_t *cap, size_t need) {
  size_t c = *cap;
  p = sc_arena_grow(a, p, esz, len, &c, need);
  *cap = (uint32_t)c;
  return p;
}

void sc_ir_reserve(sc_irfunc *f, uint32_t nins, uint32_t nblk) {
  f->ins = grow32(f->arena, f->ins, sizeof *f->ins, f->nins, &f->cins, nins);
  f->blk = grow32(f->arena, f->blk, sizeof *f->blk, f->nblk, &f->cblk, nblk);
}

uint32_t sc_ir_block(sc_irfunc *f) {
  f->blk = grow32(f->arena, f->blk, sizeof *f->blk, f->nblk, &f->cblk, (size_t)f->nblk + 1);
  sc_blk *b = &f->blk[f->nblk];
  memset(b, 0, sizeof *b);
  b->bcpc = -1;
  b->entry_fs = -1;
  return f->nblk++;
}

static uint32_t new_ins(sc_irfunc *f, uint32_t blk, sc_irop op, sc_ty ty, uint32_t nargs) {
  f->ins = grow32(f->arena, f->ins, sizeof *f->ins, f->nins, &f->cins, (size_t)f->nins + 1);
  uint32_t id = f->nins++;
  sc_ins *in = &f->ins[id];
  memset(in, 0, sizeof *in);
  in->op = (uint16_t)op;
  in->ty = (uint8_t)ty;
  in->blk = blk;
  in->nargs = nargs;
  in->args = nargs ? sc_arena_alloc(f->arena, nargs * sizeof *in->args) : NULL;
  in->fs = -1;
  in->pc = -1;
  return id;
}

uint32_t sc_ir_insert(sc_irfunc *f, uint32_t blk, uint32_t at, sc_irop op, sc_ty ty, uint32_t nargs) {
  uint32_t id = new_ins(f, blk, op, ty, nargs);
  sc_blk *b = &f->blk[blk];
  b->ins = grow32(f->arena, b->ins, sizeof *b->ins, b->nins, &b->cins, (size_t)b->nins + 1);
  if (at > b->nins) at = b->nins;
  memmove(b->ins + at + 1, b->ins + at, (b->nins - at) * sizeof *b->ins);
  b->ins[at] = id;
  b->nins++;
  return id;
}

uint32_t sc_ir_append(sc_irfunc *f, uint32_t blk, sc_irop op, sc_ty ty, uint32_t nargs) {
  sc_blk *b = &f->blk[blk];
  uint32_t at = b->nins;
  if (op == IR_phi) { /* phis stay together at the start */
    at = 0;
    while (at < b->nins && f->ins[b->ins[at]].op == IR_phi) at++;
  }
  return sc_ir_insert(f, blk, at, op, ty, nargs);
}

void sc_ir_set_nargs(sc_irfunc *f, uint32_t v, uint32_t nargs) {
  sc_ins *in = &f->ins[v];
  if (nargs > in->nargs) {
    uint32_t *a = sc_arena_alloc(f->arena, nargs * sizeof *a);
    if (in->nargs) memcpy(a, in->args, in->nargs * sizeof *a);
    in->args = a;
  }
  in->nargs = nargs;
}

void sc_ir_add_pred(sc_irfunc *f, uint32_t blk, uint32_t pred) {
  sc_blk *b = &f->blk[blk];
  b->preds = grow32(f->arena, b->preds, sizeof *b->preds, b->npreds, &b->cpreds, (size_t)b->npreds + 1);
  b->preds[b->npreds++] = pred;
}

void sc_ir_remove_pred_at(sc_irfunc *f, uint32_t blk, uint32_t k) {
  sc_blk *b = &f->blk[blk];
  for (uint32_t i = 0; i < b->nins; i++) {
    sc_ins *in = &f->ins[b->ins[i]];
    if (in->op != IR_phi) break;
    if (k < in->nargs) {
      memmove(in->args + k, in->args + k + 1, (in->nargs - k - 1) * sizeof *in->args);
      in->nargs--;
    }
  }
  memmove(b->preds + k, b->preds + k + 1, (b->npreds - k - 1) * sizeof *b->preds);
  b->npreds--;
}

void sc_ir_remove_edge(sc_irfunc *f, uint32_t from, uint32_t to) {
  sc_blk *b = &f->blk[to];
  for (uint32_t k = b->npreds; k-- > 0;)
    if (b->preds[k] == from) {
      sc_ir_remove_pred_at(f, to, k);
      return;
    }
}

void sc_ir_fold_branch(sc_irfunc *f, uint32_t b, bool taken) {
  sc_ins *t = &f->ins[sc_ir_term(f, b)];
  uint32_t keep = taken ? t->succ[0] : t->succ[1], drop = taken ? t->succ[1] : t->succ[0];
  t->op = IR_jmp;
  t->nargs = 0;
  t->succ[0] = keep;
  t->succ[1] = 0;
  sc_ir_remove_edge(f, b, drop);
}

sc_ir_users sc_ir_users_of(sc_irfunc *f) {
  sc_ir_users u;
  uint32_t n = f->nins;
  u.start = sc_arena_alloc(f->arena, ((size_t)n + 2) * sizeof *u.start);
  size_t m = 0;
  for (uint32_t v = 1; v < n; v++) {
    const sc_ins *in = &f->ins[v];
    if (in->dead || f->blk[in->blk].dead) continue;
    for (uint32_t k = 0; k < in->nargs; k++) u.start[in->args[k] + 1]++, m++;
  }
  for (uint32_t v = 1; v <= n; v++) u.start[v] += u.start[v - 1];
  u.list = sc_arena_alloc(f->arena, (m + 1) * sizeof *u.list);
  uint32_t *at = sc_arena_alloc(f->arena, ((size_t)n + 1) * sizeof *at);
  memcpy(at, u.start, (size_t)n * sizeof *at);
  for (uint32_t v = 1; v < n; v++) {
    const sc_ins *in = &f->ins[v];
    if (in->dead || f->blk[in->blk].dead) continue;
    for (uint32_t k = 0; k < in->nargs; k++) u.list[at[in->args[k]]++] = v;
  }
  return u;
}

bool sc_ir_remove_unreachable(sc_irfunc *f) {
  uint8_t *seen = sc_arena_alloc(f->arena, (size_t)f->nblk + 1);
  uint32_t *work = sc_arena_alloc(f->arena, ((size_t)f->nblk + 1) * sizeof *work), nw = 0;
  seen[0] = 1;
  work[nw++] = 0;
  while (nw) {
    uint32_t b = work[--nw], s[2];
    int ns = sc_ir_succs(f, b, s);
    for (int k = 0; k < ns; k++)
      if (!seen[s[k]]) seen[s[k]] = 1, work[nw++] = s[k];
  }
  bool changed = false;
  for (uint32_t b = 0; b < f->nblk; b++) {
    if (f->blk[b].dead) continue;
    if (!seen[b]) {
      f->blk[b].dead = 1;
      changed = true;
      continue;
    }
    for (uint32_t k = f->blk[b].npreds; k-- > 0;)
      if (!seen[f->blk[b].preds[k]]) {
        sc_ir_remove_pred_at(f, b, k);
        changed = true;
      }
  }
  if (changed) sc_ir_compact(f); /* dead blocks' instructions go */
  return changed;
}

int32_t sc_ir_new_fs(sc_irfunc *f, uint32_t func, uint32_t pc, uint32_t nlocals, uint32_t nstack) {
  f->fs = grow32(f->arena, f->fs, sizeof *f->fs, f->nfs, &f->cfs, (size_t)f->nfs + 1);
  sc_fs *s = &f->fs[f->nfs];
  s->func = func;
  s->pc = pc;
  s->nlocals = nlocals;
  s->nstack = nstack;
  s->vals = sc_arena_alloc(f->arena, ((size_t)nlocals + nstack + 1) * sizeof *s->vals);
  s->parent = -1;
  return (int32_t)f->nfs++;
}

uint32_t sc_ir_fs_nvals(const sc_fs *s) { return s->nlocals + s->nstack; }

uint32_t sc_ir_term(const sc_irfunc *f, uint32_t blk) {
  const sc_blk *b = &f->blk[blk];
  if (!b->nins) return 0;
  uint32_t t = b->ins[b->nins - 1];
  return (sc_irop_flags(f->ins[t].op) & IRF_TERM) ? t : 0;
}

int sc_ir_succs(const sc_irfunc *f, uint32_t blk, uint32_t succ[2]) {
  uint32_t t = sc_ir_term(f, blk);
  if (!t) return 0;
  const sc_ins *in = &f->ins[t];
  if (in->op == IR_jmp) {
    succ[0] = in->succ[0];
    return 1;
  }
  if (in->op == IR_br) {
    succ[0] = in->succ[0];
    succ[1] = in->succ[1];
    return 2;
  }
  return 0;
}

uint32_t sc_ir_split_block(sc_irfunc *f, uint32_t b, uint32_t at) {
  uint32_t nb = sc_ir_block(f);
  sc_blk *from = &f->blk[b], *to = &f->blk[nb];
  uint32_t n = from->nins - at;
  to->ins = grow32(f->arena, NULL, sizeof *to->ins, 0, &to->cins, (size_t)n + 1);
  for (uint32_t i = 0; i < n; i++) {
    to->ins[i] = from->ins[at + i];
    f->ins[to->ins[i]].blk = nb;
  }
  to->nins = n;
  to->cold = from->cold;
  from->nins = at;
  uint32_t s[2];
  int ns = sc_ir_succs(f, nb, s);
  for (int k = 0; k < ns; k++) {
    if (k == 1 && s[1] == s[0]) break;
    sc_blk *sb = &f->blk[s[k]];
    for (uint32_t j = 0; j < sb->npreds; j++)
      if (sb->preds[j] == b) sb->preds[j] = nb;
  }
  sc_ir_invalidate(f);
  return nb;
}

uint32_t *sc_ir_arg_uses(sc_irfunc *f) {
  uint32_t *uses = sc_arena_alloc(f->arena, f->nins * sizeof *uses);
  for (uint32_t i = 1; i < f->nins; i++)
    if (!f->ins[i].dead)
      for (uint32_t k = 0; k < f->ins[i].nargs; k++) uses[f->ins[i].args[k]]++;
  return uses;
}

uint32_t sc_ir_index_in_block(const sc_irfunc *f, uint32_t v) {
  const sc_blk *b = &f->blk[f->ins[v].blk];
  uint32_t i = 0;
  while (i < b->nins && b->ins[i] != v) i++;
  return i;
}

uint32_t sc_ir_outside_loop(sc_irfunc *f, uint32_t l, uint32_t p, uint32_t *at, uint32_t x) {
  if (!sc_ir_loop_contains(f, l, f->ins[x].blk)) return x;
  uint32_t c = sc_ir_insert(f, p, (*at)++, IR_const, SC_TY_I64, 0);
  f->ins[c].imm = f->ins[x].imm;
  return c;
}

void sc_ir_move_to_end(sc_irfunc *f, uint32_t v, uint32_t p) {
  sc_blk *bl = &f->blk[f->ins[v].blk];
  uint32_t j = 0;
  for (uint32_t i = 0; i < bl->nins; i++)
    if (bl->ins[i] != v) bl->ins[j++] = bl->ins[i];
  bl->nins = j;
  sc_blk *pb = &f->blk[p];
  pb->ins = grow32(f->arena, pb->ins, sizeof *pb->ins, pb->nins, &pb->cins, (size_t)pb->nins + 1);
  pb->ins[pb->nins] = pb->ins[pb->nins - 1]; /* the terminator */
  pb->ins[pb->nins - 1] = v;
  pb->nins++;
  f->ins[v].blk = p;
}

void sc_ir_invalidate(sc_irfunc *f) {
  f->rpo = f->rpo_index = NULL;
  f->nrpo = 0;
  f->idom = f->dom_child = f->dom_sibling = NULL;
  f->dom_pre = f->dom_post = NULL;
  f->loops = NULL;
  f->nloops = 0;
  f->loop_of = NULL;
  f->irreducible = false;
}

void sc_ir_replace_uses(sc_irfunc *f, uint32_t from, uint32_t to) {
  for (uint32_t i = 1; i < f->nins; i++) {
    sc_ins *in = &f->ins[i];
    if (in->dead) continue;
    for (uint32_t k = 0; k < in->nargs; k++)
      if (in->args[k] == from) in->args[k] = to;
  }
  for (uint32_t s = 0; s < f->nfs; s++)
    for (uint32_t k = 0; k < sc_ir_fs_nvals(&f->fs[s]); k++)
      if (f->fs[s].vals[k] == from) f->fs[s].vals[k] = to;
}

/* The end of v's forwarding chain, compressing the path. */
static uint32_t resolve(uint32_t *fwd, uint32_t n, uint32_t v) {
  uint32_t r = v;
  while (r < n && fwd[r]) r = fwd[r];
  while (v < n && fwd[v] && fwd[v] != r) {
    uint32_t x = fwd[v];
    fwd[v] = r;
    v = x;
  }
  return r;
}

void sc_ir_forward(sc_irfunc *f, uint32_t *fwd, uint32_t nfwd) {
  for (uint32_t i = 1; i < f->nins; i++) {
    sc_ins *in = &f->ins[i];
    if (in->dead) continue;
    for (uint32_t k = 0; k < in->nargs; k++) in->args[k] = resolve(fwd, nfwd, in->args[k]);
  }
  for (uint32_t s = 0; s < f->nfs; s++)
    for (uint32_t k = 0; k < sc_ir_fs_nvals(&f->fs[s]); k++)
      if (f->fs[s].vals[k]) f->fs[s].vals[k] = resolve(fwd, nfwd, f->fs[s].vals[k]);
}

void sc_ir_compact(sc_irfunc *f) {
  for (uint32_t b = 0; b < f->nblk; b++) {
    sc_blk *bl = &f->blk[b];
    if (bl->dead) {
      for (uint32_t i = 0; i < bl->nins; i++) f->ins[bl->ins[i]].dead = 1;
      bl->nins = 0;
      bl->npreds = 0;
      continue;
    }
    uint32_t k = 0;
    for (uint32_t i = 0; i < bl->nins; i++)
      if (!f->ins[bl->ins[i]].dead) bl->ins[k++] = bl->ins[i];
    bl->nins = k;
  }
}

uint64_t sc_entry_sig(sc_ty result, const uint8_t *params, uint32_t nparams) {
  uint64_t sig = nparams | SC_ENTRY_MARK | (uint64_t)(result - SC_TY_VAL) << (3 + 2 * SC_ENTRY_MAXPARAMS);
  for (uint32_t k = 0; k < nparams; k++) sig |= (uint64_t)(params[k] - SC_TY_VAL) << (3 + 2 * k);
  return sig;
}
