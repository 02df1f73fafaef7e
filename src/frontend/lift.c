/* Bytecode -> SSA by abstract interpretation of the operand stack, with
 * Braun, Buchwald, Hack, Leißa, Mallon, Zwinkau: "Simple and Efficient
 * Construction of Static Single Assignment Form" (CC 2013).
 *
 * The variables are the locals and the operand-stack slots. Blocks start at
 * pc 0, at jump targets and after jumps and terminators (unreachable
 * bytecode is never looked at); they are filled in reverse post-order and
 * sealed once all their predecessors are filled. Only reads create phis, and
 * a local is read only where it is live (a LoadLocal, or a frame state's
 * slot of a live local), so the result is pruned; redundant phis (trivial
 * ones and phi cycles with one outside value) are removed at the end, and
 * phis nothing needs with them.
 *
 * Every instruction that can leave compiled code (may raise a runtime error,
 * calls) gets a frame state: the pc of its bytecode instruction, the values
 * of all locals and of the whole operand stack as the interpreter sees them
 * before it. Locals dead at that pc (bytecode liveness: never read before
 * being overwritten) are left out (`_`). Reads go through an explicit stack,
 * so a long chain of blocks does not recurse. */
#include <stdlib.h>
#include <string.h>

#include "ssa/ir.h"

/* Current definitions: (block, variable) -> value. A dense array when
 * blocks x variables is small enough (the usual case: adjacent variables of
 * a block share cache lines), else an open-addressing hash map, so that a
 * function with thousands of locals and blocks stays in bounded memory. */
#define DENSE_MAX (1u << 23)

typedef struct defmap {
  uint32_t *dense;  /* key -> value, or NULL when hashing */
  uint64_t *keys;   /* key + 1; 0 = empty */
  uint32_t *vals;
  size_t cap, n;
} defmap;

static uint64_t hash64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return x;
}

static uint32_t dm_get(const defmap *m, uint64_t key) {
  if (m->dense) return m->dense[key];
  size_t mask = m->cap - 1, i = hash64(key) & mask;
  for (;; i = (i + 1) & mask) {
    if (m->keys[i] == key + 1) return m->vals[i];
    if (!m->keys[i]) return 0;
  }
}

static void dm_put(defmap *m, uint64_t key, uint32_t v);

static void dm_grow(defmap *m) {
  defmap o = *m;
  m->cap = o.cap ? o.cap * 2 : 1024;
  m->keys = calloc(m->cap, sizeof *m->keys);
  m->vals = malloc(m->cap * sizeof *m->vals);
  m->n = 0;
  for (size_t i = 0; i < o.cap; i++)
    if (o.keys[i]) dm_put(m, o.keys[i] - 1, o.vals[i]);
  free(o.keys);
  free(o.vals);
}

static void dm_init(defmap *m, sc_arena *a, size_t nkeys) {
  memset(m, 0, sizeof *m);
  if (nkeys <= DENSE_MAX) m->dense = sc_arena_alloc(a, (nkeys + 1) * sizeof *m->dense);
  else dm_grow(m);
}

static void dm_free(defmap *m) {
  free(m->keys);
  free(m->vals);
}

static void dm_put(defmap *m, uint64_t key, uint32_t v) {
  if (m->dense) {
    m->dense[key] = v;
    return;
  }
  if (2 * (m->n + 1) > m->cap) dm_grow(m);
  size_t mask = m->cap - 1, i = hash64(key) & mask;
  for (;; i = (i + 1) & mask) {
    if (m->keys[i] == key + 1) {
      m->vals[i] = v;
      return;
    }
    if (!m->keys[i]) {
      m->keys[i] = key + 1;
      m->vals[i] = v;
      m->n++;
      return;
    }
  }
}

typedef struct rframe {
  uint32_t blk, phi, k, st; /* st: 0 new, 1 waiting on the single predecessor, 2 filling a phi */
} rframe;

typedef struct lifter {
  sc_irfunc *f;
  const sc_program *prog;
  const sc_func *bf;
  const sc_profile *prof;
  int32_t ret_tag;    /* the one tag its returns returned (whole function lifted with a profile), else -1 */
  uint32_t nl, nvars; /* locals, then stack slots */
  uint32_t n;         /* bytecode length */
  int32_t *blk_of_pc; /* the block a leader pc starts, -1 otherwise */
  int32_t *depth;     /* stack depth before each pc, -1 if unreachable */
  uint32_t *end_pc;   /* per block: its last pc */
  uint32_t *succ;     /* per block: up to 2 successors (bytecode order) */
  uint8_t *nsucc;
  defmap defs;            /* (block, var) -> value at the end of filled blocks, and memoized reads */
  uint32_t *cur, *cur_mark; /* the block being filled: var -> value, valid when cur_mark[var] == block + 1 */
  uint32_t *touched, ntouched;
  uint32_t *fwd;          /* phis found trivial -> their value */
  size_t cfwd;
  uint8_t *sealed, *filled;
  uint32_t **incomplete; /* per block: pairs (var, phi) */
  size_t *nincomplete, *cincomplete;
  rframe *rs;
  size_t crs;
  /* liveness of locals: W words per block */
  uint32_t W;
  uint64_t *live_in, *live_out;
  uint64_t *snap; /* live locals before each pc of the block being filled that needs a frame state */
  uint32_t *snap_at;
  uint32_t *stack; /* the operand stack while filling a block (value ids) */
  uint32_t sp;
  uint32_t **entry; /* with a profile, per loop header: its locals and stack as entered */
  uint32_t *entry_sp;
} lifter;

static uint64_t key(const lifter *L, uint32_t blk, uint32_t var) { return (uint64_t)blk * L->nvars + var; }

static void write_var(lifter *L, uint32_t var, uint32_t blk, uint32_t v) { dm_put(&L->defs, key(L, blk, var), v); }

static uint32_t new_phi(lifter *L, uint32_t blk) {
  return sc_ir_append(L->f, blk, IR_phi, SC_TY_VAL, L->f->blk[blk].npreds);
}

static void push_frame(lifter *L, size_t *sp, uint32_t blk) {
  if (*sp == L->crs) {
    L->crs = L->crs ? 2 * L->crs : 64;
    L->rs = realloc(L->rs, L->crs * sizeof *L->rs);
  }
  L->rs[(*sp)++] = (rframe){blk, 0, 0, 0};
}

static uint32_t resolve(const lifter *L, uint32_t v) {
  while (v < L->cfwd && L->fwd[v]) v = L->fwd[v];
  return v;
}

/* Braun et al.'s tryRemoveTrivialPhi, once a phi has all its operands: a
 * phi of one value (and itself) forwards to that value. Its users are
 * redirected at the end (phi cycles: sc_ir_remove_redundant_phis). */
static uint32_t try_trivial(lifter *L, uint32_t phi) {
  sc_ins *in = &L->f->ins[phi];
  uint32_t same = 0;
  for (uint32_t k = 0; k < in->nargs; k++) {
    uint32_t a = resolve(L, in->args[k]);
    if (a == phi || a == same) continue;
    if (same) return phi;
    same = a;
  }
  if (!same) return phi;
  if (phi >= L->cfwd) {
    size_t n = L->cfwd ? L->cfwd : 256;
    while (n <= phi) n *= 2;
    L->fwd = realloc(L->fwd, n * sizeof *L->fwd);
    memset(L->fwd + L->cfwd, 0, (n - L->cfwd) * sizeof *L->fwd);
    L->cfwd = n;
  }
  L->fwd[phi] = same;
  in->dead = 1;
  return same;
}

/* Braun et al.'s readVariable, with the recursion on an explicit stack. */
static uint32_t read_var(lifter *L, uint32_t var, uint32_t blk) {
  uint32_t v = dm_get(&L->defs, key(L, blk, var));
  if (v) return resolve(L, v);
  sc_irfunc *f = L->f;
  size_t sp = 0;
  uint32_t res = 0;
  bool have = false;
  push_frame(L, &sp, blk);
  while (sp) {
    rframe *F = &L->rs[sp - 1];
    if (have) { /* a result for the frame on top */
      have = false;
      if (F->st == 1) {
        write_var(L, var, F->blk, res);
        sp--;
        have = true;
        continue;
      }
      f->ins[F->phi].args[F->k++] = res;
    }
    if (F->st == 0) {
      uint32_t b = F->blk;
      sc_blk *bl = &f->blk[b];
      if ((v = dm_get(&L->defs, key(L, b, var)))) {
        res = resolve(L, v);
      } else if (!L->sealed[b]) { /* operands once every predecessor is filled */
        res = new_phi(L, b);
        size_t n = L->nincomplete[b];
        L->incomplete[b] = sc_arena_grow(f->arena, L->incomplete[b], sizeof(uint32_t), 2 * n, &L->cincomplete[b], 2 * n + 2);
        L->incomplete[b][2 * n] = var;
        L->incomplete[b][2 * n + 1] = res;
        L->nincomplete[b]++;
        write_var(L, var, b, res);
      } else if (bl->npreds == 1) {
        F->st = 1;
        push_frame(L, &sp, bl->preds[0]);
        continue;
      } else {
        F->phi = new_phi(L, b);
        write_var(L, var, b, F->phi); /* before the operands: breaks cycles */
        F->st = 2;
      }
      if (F->st == 0) {
        sp--;
        have = true;
        continue;
      }
    }
    /* st == 2 */
    if (F->k < f->blk[F->blk].npreds) {
      uint32_t p = f->blk[F->blk].preds[F->k];
      push_frame(L, &sp, p);
    } else {
      res = try_trivial(L, F->phi);
      if (res != F->phi) write_var(L, var, F->blk, res);
      sp--;
      have = true;
    }
  }
  return res;
}

/* Reads and writes in the block being filled go through cur[]; its final
 * definitions reach the map when the block is done (flush). */
static uint32_t read_cur(lifter *L, uint32_t var, uint32_t blk) {
  if (L->cur_mark[var] == blk + 1) return resolve(L, L->cur[var]);
  uint32_t v = read_var(L, var, blk);
  L->cur[var] = v;
  L->cur_mark[var] = blk + 1;
  L->touched[L->ntouched++] = var;
  return v;
}

static void write_cur(lifter *L, uint32_t var, uint32_t blk, uint32_t v) {
  if (L->cur_mark[var] != blk + 1) {
    L->cur_mark[var] = blk + 1;
    L->touched[L->ntouched++] = var;
  }
  L->cur[var] = v;
}

static void flush(lifter *L, uint32_t blk) {
  for (uint32_t i = 0; i < L->ntouched; i++) write_var(L, L->touched[i], blk, L->cur[L->touched[i]]);
  L->ntouched = 0;
}

static void seal(lifter *L, uint32_t blk) {
  if (L->sealed[blk]) return;
  L->sealed[blk] = 1;
  sc_irfunc *f = L->f;
  for (size_t i = 0; i < L->nincomplete[blk]; i++) {
    uint32_t var = L->incomplete[blk][2 * i], phi = L->incomplete[blk][2 * i + 1];
    for (uint32_t k = 0; k < f->blk[blk].npreds; k++) {
      uint32_t v = read_var(L, var, f->blk[blk].preds[k]);
      f->ins[phi].args[k] = v;
    }
    uint32_t v = try_trivial(L, phi);
    if (v != phi && resolve(L, dm_get(&L->defs, key(L, blk, var))) == v) write_var(L, var, blk, v);
  }
}

static void seal_if_ready(lifter *L, uint32_t b) {
  sc_blk *bl = &L->f->blk[b];
  for (uint32_t j = 0; j < bl->npreds; j++)
    if (!L->filled[bl->preds[j]]) return;
  seal(L, b);
}

static bool local_kinded(const lifter *L, int32_t l) { return L->bf->local_kinds[l] != SC_KIND_ANY; }

/* Does the instruction at pc leave compiled code when it fails? */
static bool needs_fs(const lifter *L, const sc_insn *in) {
  if (in->op == SC_OP_StoreLocal) return local_kinded(L, in->a);
  if (in->op == SC_OP_ReturnValue) return L->ret_tag >= 0; /* its rettag */
  return (sc_op_flags((sc_op)in->op) & (SC_OPF_THROW | SC_OPF_CALL)) != 0;
}

static int32_t frame_state(lifter *L, uint32_t blk, uint32_t pc, const uint64_t *live) {
  sc_irfunc *f = L->f;
  int32_t id = sc_ir_new_fs(f, L->bf->index, pc, L->nl, L->sp);
  uint32_t *vals = f->fs[id].vals;
  for (uint32_t i = 0; i < L->nl; i++) vals[i] = (live[i / 64] >> (i % 64) & 1) ? read_cur(L, i, blk) : 0;
  for (uint32_t i = 0; i < L->sp; i++) vals[L->nl + i] = L->stack[i];
  return id;
}

/* A copy of the interpreter's slot; shapes become stable ids (ir.h). */
static sc_irfb *copy_feedback(lifter *L, sc_op op, const sc_insn *in) {
  if (in->fb < 0 || !L->prof || !L->prof->slots) return NULL;
  sc_irfb *c = sc_arena_alloc(L->f->arena, sizeof *c);
  c->s = L->prof->slots[in->fb];
  c->bcop = (uint16_t)(op == SC_OP_JumpIfTrue ? SC_OP_JumpIfFalse : op);
  if (c->s.n > SC_FB_MAX) c->s.n = SC_FB_MAX;
  if (op == SC_OP_GetProp || op == SC_OP_SetProp)
    for (unsigned k = 0; k < c->s.n; k++) {
      const sc_shape *sh = (const sc_shape *)(uintptr_t)c->s.e[k];
      c->shape[k] = sh;
      c->s.e[k] = sh ? (uint64_t)sh->id + 1 : 0;
    }
  return c;
}

static uint32_t emit(lifter *L, uint32_t blk, uint32_t pc, sc_irop op, sc_ty ty, uint32_t nargs) {
  uint32_t v = sc_ir_append(L->f, blk, op, ty, nargs);
  L->f->ins[v].pc = (int32_t)pc;
  return v;
}

/* Pops n operands into the args of v, bottom first. */
static void take_args(lifter *L, uint32_t v, uint32_t n) {
  sc_ins *in = &L->f->ins[v];
  for (uint32_t k = 0; k < n; k++) in->args[k] = L->stack[L->sp - n + k];
  L->sp -= n;
}

/* Live locals before each pc of block b that needs a frame state, from a
 * backward walk starting at the block's live-out set. */
static void block_liveness(lifter *L, uint32_t b, uint32_t start) {
  const sc_func *bf = L->bf;
  uint32_t W = L->W, end = L->end_pc[b], nfs = 0;
  for (uint32_t pc = start; pc <= end; pc++) nfs += needs_fs(L, &bf->code[pc]);
  L->snap = realloc(L->snap, ((size_t)nfs * W + W + 1) * sizeof *L->snap);
  uint64_t *live = L->snap + (size_t)nfs * W; /* the running set, after the snapshots */
  memcpy(live, L->live_out + (size_t)b * W, W * sizeof *live);
  for (uint32_t pc = end + 1; pc-- > start;) {
    const sc_insn *in = &bf->code[pc];
    if (in->op == SC_OP_StoreLocal) live[in->a / 64] &= ~(1ull << (in->a % 64));
    else if (in->op == SC_OP_LoadLocal) live[in->a / 64] |= 1ull << (in->a % 64);
    if (needs_fs(L, in)) {
      nfs--;
      L->snap_at[pc - start] = nfs;
      memcpy(L->snap + (size_t)nfs * W, live, W * sizeof *live);
    }
  }
}

/* A loop header (a predecessor not filled yet: a back edge) lifted with a
 * profile records the values it is entered with: its frame state at entry,
 * made once the lifting is done (entry_states), lets speculation deopt at
 * the loop's start. */
static void record_entry(lifter *L, uint32_t blk) {
  const sc_blk *bl = &L->f->blk[blk];
  bool header = false;
  for (uint32_t k = 0; k < bl->npreds && !header; k++) header = !L->filled[bl->preds[k]];
  if (!header) return;
  const uint64_t *live = L->live_in + (size_t)blk * L->W;
  uint32_t *vals = sc_arena_alloc(L->f->arena, ((size_t)L->nl + L->sp + 1) * sizeof *vals);
  for (uint32_t i = 0; i < L->nl; i++) vals[i] = (live[i / 64] >> (i % 64) & 1) ? read_cur(L, i, blk) : 0;
  for (uint32_t i = 0; i < L->sp; i++) vals[L->nl + i] = L->stack[i];
  L->entry[blk] = vals;
  L->entry_sp[blk] = L->sp;
}

/* After the instructions' frame states, so their numbering does not
 * depend on the profile. */
static void entry_states(lifter *L) {
  sc_irfunc *f = L->f;
  for (uint32_t b = 0; b < f->nblk; b++) {
    if (!L->entry[b] || f->blk[b].dead) continue;
    int32_t id = sc_ir_new_fs(f, L->bf->index, (uint32_t)f->blk[b].bcpc, L->nl, L->entry_sp[b]);
    uint32_t *vals = f->fs[id].vals;
    for (uint32_t i = 0; i < L->nl + L->entry_sp[b]; i++) vals[i] = L->entry[b][i] ? resolve(L, L->entry[b][i]) : 0;
    f->blk[b].entry_fs = id;
  }
}

static void fill_block(lifter *L, uint32_t blk) {
  sc_irfunc *f = L->f;
  const sc_func *bf = L->bf;
  uint32_t nl = L->nl, start = (uint32_t)f->blk[blk].bcpc, end = L->end_pc[blk];
  block_liveness(L, blk, start);
  L->sp = (uint32_t)L->depth[start];
  for (uint32_t i = 0; i < L->sp; i++) L->stack[i] = read_cur(L, nl + i, blk);
  if (L->entry) record_entry(L, blk);
  int32_t fs = -1; /* after the loop: the terminator's */
  for (uint32_t pc = start; pc <= end; pc++) {
    const sc_insn *in = &bf->code[pc];
    sc_op op = (sc_op)in->op;
    fs = needs_fs(L, in) ? frame_state(L, blk, pc, L->snap + (size_t)L->snap_at[pc - start] * L->W) : -1;
    uint32_t v;
    switch (op) {
    case SC_OP_Nop: case SC_OP_LoopStart: case SC_OP_LoopEnd: break;
    case SC_OP_PushConst:
      v = emit(L, blk, pc, IR_const, SC_TY_VAL, 0);
      f->ins[v].imm = in->a;
      L->stack[L->sp++] = v;
      break;
    case SC_OP_PushNull: L->stack[L->sp++] = emit(L, blk, pc, IR_null, SC_TY_VAL, 0); break;
    case SC_OP_PushFunc:
      v = emit(L, blk, pc, IR_func, SC_TY_VAL, 0);
      f->ins[v].imm = in->a;
      L->stack[L->sp++] = v;
      break;
    case SC_OP_Pop: L->sp--; break;
    case SC_OP_Dup:
      L->stack[L->sp] = L->stack[L->sp - 1];
      L->sp++;
      break;
    case SC_OP_Swap: {
      uint32_t t = L->stack[L->sp - 1];
      L->stack[L->sp - 1] = L->stack[L->sp - 2];
      L->stack[L->sp - 2] = t;
      break;
    }
    case SC_OP_LoadLocal: L->stack[L->sp++] = read_cur(L, (uint32_t)in->a, blk); break;
    case SC_OP_StoreLocal: {
      uint32_t val = L->stack[L->sp - 1];
      if (local_kinded(L, in->a)) { /* the declared kind is checked at run time */
        v = emit(L, blk, pc, IR_checkkind, SC_TY_VOID, 1);
        f->ins[v].aux = in->a;
        f->ins[v].fs = fs;
        take_args(L, v, 1);
      } else
        L->sp--;
      write_cur(L, (uint32_t)in->a, blk, val);
      break;
    }
    case SC_OP_Jump: case SC_OP_JumpIfFalse: case SC_OP_JumpIfTrue:
    case SC_OP_Return: case SC_OP_ReturnValue: case SC_OP_Halt:
      break; /* terminators: below */
    default: { /* a generic op of the same name */
      int irop = sc_irop_of_bcop(op);
      int pops = sc_op_pops(in);
      char res = sc_irop_result((unsigned)irop);
      v = emit(L, blk, pc, (sc_irop)irop, res == 'v' ? SC_TY_VAL : SC_TY_VOID, (uint32_t)pops);
      sc_ins *ir = &f->ins[v];
      if (op == SC_OP_Call) ir->imm = in->a;
      else if (op == SC_OP_LoadGlobal || op == SC_OP_StoreGlobal || op == SC_OP_GetProp || op == SC_OP_SetProp ||
               op == SC_OP_CallBuiltin)
        ir->aux = in->a;
      ir->fs = (sc_irop_flags((unsigned)irop) & IRF_THROW) ? fs : -1;
      ir->fb = copy_feedback(L, op, in);
      take_args(L, v, (uint32_t)pops);
      if (res == 'v') L->stack[L->sp++] = v;
      break;
    }
    }
  }
  /* The block's end: a terminator, or a fall-through into a leader. */
  const sc_insn *in = &bf->code[end];
  sc_op op = (sc_op)in->op;
  uint32_t v;
  if (op == SC_OP_JumpIfFalse || op == SC_OP_JumpIfTrue) {
    uint32_t cond = L->stack[--L->sp];
    uint32_t t = emit(L, blk, end, IR_truthy, SC_TY_BOOL, 1);
    f->ins[t].args[0] = cond;
    f->ins[t].fb = copy_feedback(L, op, in);
    v = emit(L, blk, end, IR_br, SC_TY_VOID, 1);
    f->ins[v].args[0] = t;
    const uint32_t *s = &L->succ[2 * blk]; /* fall-through first, then the target */
    uint32_t taken = s[1], next = s[0];
    f->ins[v].succ[0] = op == SC_OP_JumpIfTrue ? taken : next;
    f->ins[v].succ[1] = op == SC_OP_JumpIfTrue ? next : taken;
  } else if (op == SC_OP_Jump) {
    v = emit(L, blk, end, IR_jmp, SC_TY_VOID, 0);
    f->ins[v].succ[0] = L->succ[2 * blk];
  } else if (op == SC_OP_ReturnValue) {
    if (L->ret_tag >= 0) { /* return type feedback, for specialize */
      v = emit(L, blk, end, IR_rettag, SC_TY_VOID, 1);
      f->ins[v].args[0] = L->stack[L->sp - 1];
      f->ins[v].fs = fs;
      sc_irfb *c = sc_arena_alloc(f->arena, sizeof *c);
      c->s = L->prof->ret;
      c->bcop = SC_OP_ReturnValue;
      f->ins[v].fb = c;
    }
    v = emit(L, blk, end, IR_ret, SC_TY_VOID, 1);
    f->ins[v].args[0] = L->stack[--L->sp];
  } else if (op == SC_OP_Return) {
    uint32_t nv = emit(L, blk, end, IR_null, SC_TY_VAL, 0);
    v = emit(L, blk, end, IR_ret, SC_TY_VOID, 1);
    f->ins[v].args[0] = nv;
  } else if (op == SC_OP_Halt) {
    emit(L, blk, end, IR_halt, SC_TY_VOID, 0);
  } else {
    v = emit(L, blk, end, IR_jmp, SC_TY_VOID, 0);
    f->ins[v].succ[0] = L->succ[2 * blk];
  }
  for (uint32_t i = 0; i < L->sp; i++) write_cur(L, nl + i, blk, L->stack[i]);
  flush(L, blk);
}

/* Phis that no instruction or frame state needs, even through other phis
 * (a local read and dropped, say). A byte per value keeps the walks over
 * operands and frame states in cache. */
static void drop_dead_phis(sc_irfunc *f) {
  uint8_t *st = sc_arena_alloc(f->arena, f->nins); /* 1 a phi, 2 a needed phi */
  uint32_t *work = sc_arena_alloc(f->arena, f->nins * sizeof *work), nw = 0;
  bool any = false;
  for (uint32_t b = 0; b < f->nblk; b++)
    for (uint32_t i = 0; i < f->blk[b].nins && f->ins[f->blk[b].ins[i]].op == IR_phi; i++) st[f->blk[b].ins[i]] = 1;
#define MARK(x)                                \
  do {                                         \
    uint32_t x_ = (x);                         \
    if (st[x_] == 1) st[x_] = 2, work[nw++] = x_; \
  } while (0)
  for (uint32_t b = 0; b < f->nblk; b++)
    for (uint32_t i = 0; i < f->blk[b].nins; i++) {
      const sc_ins *in = &f->ins[f->blk[b].ins[i]];
      if (in->op != IR_phi)
        for (uint32_t k = 0; k < in->nargs; k++) MARK(in->args[k]);
    }
  for (uint32_t s = 0; s < f->nfs; s++)
    for (uint32_t k = 0; k < sc_ir_fs_nvals(&f->fs[s]); k++) MARK(f->fs[s].vals[k]);
  while (nw) {
    const sc_ins *p = &f->ins[work[--nw]];
    for (uint32_t k = 0; k < p->nargs; k++) MARK(p->args[k]);
  }
#undef MARK
  for (uint32_t i = 1; i < f->nins; i++)
    if (st[i] == 1) f->ins[i].dead = 1, any = true;
  if (any) sc_ir_compact(f);
}

/* Backward liveness of locals over the blocks, to a fixed point. */
static void liveness(lifter *L, const uint32_t *order, uint32_t no) {
  sc_irfunc *f = L->f;
  const sc_func *bf = L->bf;
  uint32_t nb = f->nblk, W = L->W;
  size_t sz = ((size_t)nb * W + 1) * sizeof(uint64_t);
  uint64_t *use = sc_arena_alloc(f->arena, sz), *def = sc_arena_alloc(f->arena, sz);
  L->live_in = sc_arena_alloc(f->arena, sz);
  L->live_out = sc_arena_alloc(f->arena, sz);
  for (uint32_t b = 1; b < nb; b++) {
    uint64_t *u = use + (size_t)b * W, *d = def + (size_t)b * W;
    for (uint32_t pc = (uint32_t)f->blk[b].bcpc; pc <= L->end_pc[b]; pc++) {
      const sc_insn *in = &bf->code[pc];
      uint64_t bit = 1ull << (in->a % 64);
      if (in->op == SC_OP_LoadLocal && !(d[in->a / 64] & bit)) u[in->a / 64] |= bit;
      else if (in->op == SC_OP_StoreLocal) d[in->a / 64] |= bit;
    }
  }
  bool changed = true;
  while (changed) {
    changed = false;
    for (uint32_t i = no; i-- > 0;) { /* post-order: successors mostly first */
      uint32_t b = order[i];
      uint64_t *out = L->live_out + (size_t)b * W, *lin = L->live_in + (size_t)b * W;
      for (uint32_t k = 0; k < L->nsucc[b]; k++) {
        const uint64_t *si = L->live_in + (size_t)L->succ[2 * b + k] * W;
        for (uint32_t w = 0; w < W; w++) out[w] |= si[w];
      }
      for (uint32_t w = 0; w < W; w++) {
        uint64_t x = use[(size_t)b * W + w] | (out[w] & ~def[(size_t)b * W + w]);
        if (x != lin[w]) lin[w] = x, changed = true;
      }
    }
  }
}

/* An OSR entry E inside loops L1 > L2 > ... > Ld (headers H1..Hd, not E)
 * would enter every enclosing cycle at E: with one entry from outside, E
 * would be the header of one loop merging them all, and nothing invariant
 * in an inner loop (a guard on a row of a matrix) could leave it. So the
 * rest of the current iteration of each enclosing loop is peeled: level l
 * is a copy of the blocks of Ll but its header (SCC l: the blocks of the
 * strongly connected component of E in Ll-1 without Hl-1, entered at Hl
 * alone); the entry goes to level d's E, and an edge of a level-l block
 * goes to the deepest level m <= l holding its target (level 0: the
 * original blocks), so a back-edge to Hl enters loop Ll of level l-1 from
 * outside, as a preheader would. Every loop is then entered at its header.
 * Levels stop where a component has several entries (irreducible) or E
 * heads it. Returns the entry's block. */
#define SC_OSR_PEEL_MAX 8

static uint32_t peel_osr(lifter *L, uint32_t E) {
  sc_irfunc *f = L->f;
  sc_arena *a = f->arena;
  uint32_t nb = f->nblk, S0 = (uint32_t)L->blk_of_pc[0];
  /* predecessors of the original blocks */
  uint32_t *np = sc_arena_alloc(a, (nb + 1) * sizeof *np), *ps = sc_arena_alloc(a, (nb + 2) * sizeof *ps);
  for (uint32_t b = 1; b < nb; b++)
    for (uint32_t k = 0; k < L->nsucc[b]; k++) np[L->succ[2 * b + k]]++;
  for (uint32_t b = 0; b < nb; b++) ps[b + 1] = ps[b] + np[b];
  uint32_t *pl = sc_arena_alloc(a, (ps[nb] + 1) * sizeof *pl), *at = sc_arena_alloc(a, (nb + 1) * sizeof *at);
  for (uint32_t b = 0; b < nb; b++) at[b] = ps[b];
  for (uint32_t b = 1; b < nb; b++)
    for (uint32_t k = 0; k < L->nsucc[b]; k++) pl[at[L->succ[2 * b + k]]++] = b;
  /* lvl[b]: the deepest level whose set holds b (0: only the original) */
  uint8_t *in = sc_arena_alloc(a, nb + 1), *fw = sc_arena_alloc(a, nb + 1), *bw = sc_arena_alloc(a, nb + 1);
  uint8_t *lvl = sc_arena_alloc(a, nb + 1);
  uint32_t *st = sc_arena_alloc(a, (nb + 1) * sizeof *st);
  for (uint32_t b = 1; b < nb; b++) in[b] = 1;
  uint32_t d = 0, prevh = 0;
  while (d < SC_OSR_PEEL_MAX) {
    /* the component of E within `in`: reached from E and reaching E */
    memset(fw, 0, nb);
    memset(bw, 0, nb);
    uint32_t sp = 0;
    fw[E] = 1, st[sp++] = E;
    while (sp) {
      uint32_t b = st[--sp];
      for (uint32_t k = 0; k < L->nsucc[b]; k++) {
        uint32_t c = L->succ[2 * b + k];
        if (in[c] && !fw[c]) fw[c] = 1, st[sp++] = c;
      }
    }
    bw[E] = 1, st[sp++] = E;
    while (sp) {
      uint32_t b = st[--sp];
      for (uint32_t k = ps[b]; k < ps[b + 1]; k++) {
        uint32_t c = pl[k];
        if (in[c] && !bw[c]) bw[c] = 1, st[sp++] = c;
      }
    }
    /* its entries: blocks with a predecessor outside it (the function's
     * entry, or the enclosing header, count as outside) */
    uint32_t h = 0, nentries = 0, size = 0;
    bool cycle = false;
    for (uint32_t b = 1; b < nb; b++) {
      if (!(fw[b] && bw[b])) continue;
      size++;
      bool entry = b == S0;
      for (uint32_t k = ps[b]; k < ps[b + 1]; k++) {
        uint32_t c = pl[k];
        if (fw[c] && bw[c]) cycle = true;
        else if (in[c] || c == prevh || d == 0) entry = true;
      }
      if (entry) h = b, nentries++;
    }
    if (!cycle || nentries != 1 || h == E) break;
    /* level d + 1: the component without its header */
    for (uint32_t b = 1; b < nb; b++) in[b] = fw[b] && bw[b] && b != h;
    for (uint32_t b = 1; b < nb; b++)
      if (in[b]) lvl[b] = (uint8_t)(d + 1);
    prevh = h;
    d++;
    (void)size;
  }
  if (!d) return E;
  /* the copies: ver[l * nb + b], block b at level l */
  uint32_t *ver = sc_arena_alloc(a, ((size_t)(d + 1) * nb + 1) * sizeof *ver);
  for (uint32_t b = 0; b < nb; b++) ver[b] = b;
  uint32_t ncopies = 0;
  for (uint32_t b = 1; b < nb; b++) ncopies += lvl[b];
  uint32_t total = nb + ncopies;
  uint32_t *end_pc = sc_arena_alloc(a, (total + 1) * sizeof *end_pc);
  uint32_t *succ = sc_arena_alloc(a, (2 * (size_t)total + 2) * sizeof *succ);
  uint8_t *nsucc = sc_arena_alloc(a, total + 1);
  memcpy(end_pc, L->end_pc, nb * sizeof *end_pc);
  memcpy(succ, L->succ, 2 * (size_t)nb * sizeof *succ);
  memcpy(nsucc, L->nsucc, nb);
  for (uint32_t l = 1; l <= d; l++)
    for (uint32_t b = 1; b < nb; b++)
      if (lvl[b] >= l) {
        uint32_t c = ver[(size_t)l * nb + b] = sc_ir_block(f);
        f->blk[c].bcpc = f->blk[b].bcpc;
        end_pc[c] = L->end_pc[b];
      }
  for (uint32_t l = 1; l <= d; l++)
    for (uint32_t b = 1; b < nb; b++) {
      if (lvl[b] < l) continue;
      uint32_t c = ver[(size_t)l * nb + b];
      nsucc[c] = L->nsucc[b];
      for (uint32_t k = 0; k < L->nsucc[b]; k++) {
        uint32_t t = L->succ[2 * b + k];
        succ[2 * c + k] = ver[(size_t)(lvl[t] < l ? lvl[t] : l) * nb + t];
      }
    }
  L->end_pc = end_pc;
  L->succ = succ;
  L->nsucc = nsucc;
  return ver[(size_t)d * nb + E];
}

/* entry: 0, or the loop header pc of an OSR compilation, whose entry block
 * takes every live local and operand stack slot from the frame. */
static sc_irfunc *lift(sc_arena *a, const sc_program *prog, uint32_t fi, const sc_profile *prof, uint32_t entry) {
  const sc_func *bf = prog->funcs[fi];
  sc_irfunc *f = sc_ir_new(a, prog, fi, bf->name, bf->arity, bf->nlocals);
  for (uint32_t i = 0; i < bf->nlocals; i++) {
    f->local_names[i] = bf->local_names[i];
    f->local_kinds[i] = bf->local_kinds[i];
  }
  if (prof) f->calls = prof->calls;
  lifter L = {.f = f, .prog = prog, .bf = bf, .prof = prof, .ret_tag = -1};
  if (prof && !entry && prof->ret.state == SC_FB_MONO &&
      (prof->ret.e[0] == SC_INT || prof->ret.e[0] == SC_FLOAT || prof->ret.e[0] == SC_BOOL))
    L.ret_tag = (int32_t)prof->ret.e[0];
  uint32_t n = bf->ncode;
  L.n = n;
  L.nl = bf->nlocals;
  L.nvars = bf->nlocals + bf->max_stack;
  L.W = (bf->nlocals + 63) / 64 + 1;
  /* Temporaries come from the compilation's arena too: one drop frees them. */
  L.blk_of_pc = sc_arena_alloc(a, (n + 1) * sizeof *L.blk_of_pc);
  L.depth = sc_arena_alloc(a, (n + 1) * sizeof *L.depth);
  uint8_t *leader = sc_arena_alloc(a, n + 1);
  for (uint32_t i = 0; i <= n; i++) L.blk_of_pc[i] = -1, L.depth[i] = -1;
  /* Reachable pcs, their stack depths (sc_verify made them agree) and the
   * leaders, in one walk. */
  uint32_t *work = sc_arena_alloc(a, (n + 1) * sizeof *work), nw = 0;
  L.depth[0] = 0;
  leader[0] = 1;
  work[nw++] = 0;
  while (nw) {
    uint32_t pc = work[--nw];
    const sc_insn *in = &bf->code[pc];
    int d = L.depth[pc] - sc_op_pops(in) + sc_op_pushes(in);
    unsigned fl = sc_op_flags((sc_op)in->op);
    uint32_t succ[2];
    int ns = 0;
    if (fl & SC_OPF_JUMP) {
      succ[ns++] = (uint32_t)in->a;
      leader[in->a] = 1;
    }
    if (fl & (SC_OPF_JUMP | SC_OPF_TERM)) leader[pc + 1] = 1;
    if (!(fl & SC_OPF_TERM)) succ[ns++] = pc + 1;
    for (int k = 0; k < ns; k++)
      if (L.depth[succ[k]] < 0) {
        L.depth[succ[k]] = d;
        work[nw++] = succ[k];
      }
  }
  /* The entry block b0 defines the locals; then one block per reachable
   * leader, in pc order. About two values per instruction (phis, the
   * truthy of each branch) is enough for most code. */
  /* An OSR entry may be any reachable pc (the interpreter's threaded code
   * jumps past LoopStart): it starts a block. */
  if (entry && entry < n && L.depth[entry] >= 0) leader[entry] = 1;
  uint32_t nleaders = 0;
  for (uint32_t pc = 0; pc < n; pc++) nleaders += leader[pc] && L.depth[pc] >= 0;
  sc_ir_reserve(f, 2 * n + bf->nlocals + 16, nleaders + 2);
  sc_ir_block(f);
  for (uint32_t pc = 0; pc < n; pc++)
    if (leader[pc] && L.depth[pc] >= 0) {
      L.blk_of_pc[pc] = (int32_t)sc_ir_block(f);
      f->blk[L.blk_of_pc[pc]].bcpc = (int32_t)pc;
    }
  if (L.blk_of_pc[entry] < 0) return NULL; /* not a reachable block start */
  uint32_t nb = f->nblk;
  L.end_pc = sc_arena_alloc(a, (nb + 1) * sizeof *L.end_pc);
  L.succ = sc_arena_alloc(a, (2 * (size_t)nb + 2) * sizeof *L.succ);
  L.nsucc = sc_arena_alloc(a, nb + 1);
  L.nsucc[0] = 1;
  /* Each block's extent and edges; predecessors in pc order. */
  for (uint32_t b = 1; b < nb; b++) {
    uint32_t pc = (uint32_t)f->blk[b].bcpc;
    while (!(sc_op_flags((sc_op)bf->code[pc].op) & (SC_OPF_TERM | SC_OPF_JUMP)) && L.blk_of_pc[pc + 1] < 0) pc++;
    L.end_pc[b] = pc;
    const sc_insn *in = &bf->code[pc];
    unsigned fl = sc_op_flags((sc_op)in->op);
    uint32_t *s = &L.succ[2 * b];
    if (fl & SC_OPF_JUMP) {
      if (in->op != SC_OP_Jump) s[L.nsucc[b]++] = (uint32_t)L.blk_of_pc[pc + 1]; /* as the br's false/true order below */
      s[L.nsucc[b]++] = (uint32_t)L.blk_of_pc[in->a];
    } else if (!(fl & SC_OPF_TERM))
      s[L.nsucc[b]++] = (uint32_t)L.blk_of_pc[pc + 1];
  }
  uint32_t eb = (uint32_t)L.blk_of_pc[entry];
  if (entry) {
    eb = peel_osr(&L, eb);
    nb = f->nblk;
  }
  L.succ[0] = eb;
  sc_ir_add_pred(f, eb, 0);
  /* An OSR entry leaves the code before the loop unreachable: drop it, so
   * that the blocks it joined only wait for reachable predecessors. */
  uint8_t *reach = sc_arena_alloc(a, nb + 1);
  {
    uint32_t *st = sc_arena_alloc(a, (nb + 1) * sizeof *st), sp = 0;
    st[sp++] = 0;
    reach[0] = 1;
    while (sp) {
      uint32_t b = st[--sp];
      for (uint32_t k = 0; k < L.nsucc[b]; k++)
        if (!reach[L.succ[2 * b + k]]) reach[L.succ[2 * b + k]] = 1, st[sp++] = L.succ[2 * b + k];
    }
  }
  for (uint32_t b = 1; b < nb; b++) {
    if (!reach[b]) {
      f->blk[b].dead = 1;
      L.nsucc[b] = 0;
      continue;
    }
    for (uint32_t k = 0; k < L.nsucc[b]; k++) sc_ir_add_pred(f, L.succ[2 * b + k], b);
  }
  /* Reverse post-order of the blocks. */
  uint32_t *order = sc_arena_alloc(a, (nb + 1) * sizeof *order), no = 0;
  {
    uint8_t *seen = sc_arena_alloc(a, nb + 1), *nx = sc_arena_alloc(a, nb + 1);
    uint32_t *st = sc_arena_alloc(a, (nb + 1) * sizeof *st), sp = 0, *post = sc_arena_alloc(a, (nb + 1) * sizeof *post), np = 0;
    st[sp++] = 0;
    seen[0] = 1;
    while (sp) {
      uint32_t b = st[sp - 1];
      if (nx[b] < L.nsucc[b]) {
        uint32_t c = L.succ[2 * b + nx[b]++];
        if (!seen[c]) seen[c] = 1, st[sp++] = c;
      } else
        post[np++] = b, sp--;
    }
    for (uint32_t i = 0; i < np; i++) order[no++] = post[np - 1 - i];
  }
  liveness(&L, order, no);
  dm_init(&L.defs, a, (size_t)nb * L.nvars);
  L.sealed = sc_arena_alloc(a, nb);
  L.filled = sc_arena_alloc(a, nb);
  L.incomplete = sc_arena_alloc(a, nb * sizeof *L.incomplete);
  L.nincomplete = sc_arena_alloc(a, nb * sizeof *L.nincomplete);
  L.cincomplete = sc_arena_alloc(a, nb * sizeof *L.cincomplete);
  L.stack = sc_arena_alloc(a, (bf->max_stack + 1) * sizeof *L.stack);
  L.cur = sc_arena_alloc(a, (L.nvars + 1) * sizeof *L.cur);
  L.cur_mark = sc_arena_alloc(a, (L.nvars + 1) * sizeof *L.cur_mark);
  L.touched = sc_arena_alloc(a, (L.nvars + 1) * sizeof *L.touched);
  L.snap_at = sc_arena_alloc(a, (n + 1) * sizeof *L.snap_at);
  if (prof) {
    L.entry = sc_arena_alloc(a, (nb + 1) * sizeof *L.entry);
    L.entry_sp = sc_arena_alloc(a, (nb + 1) * sizeof *L.entry_sp);
  }
  /* b0: parameters, and null for the other locals, where live at the
   * entry; an OSR entry takes locals and stack slots from the frame. */
  const uint64_t *lin = L.live_in + (size_t)eb * L.W;
  bool osr = entry != 0;
  for (uint32_t i = 0; i < bf->nlocals; i++) {
    if (!(lin[i / 64] >> (i % 64) & 1)) continue;
    bool par = i < bf->arity || osr;
    uint32_t v = sc_ir_append(f, 0, par ? IR_param : IR_null, SC_TY_VAL, 0);
    f->ins[v].imm = par ? i : 0;
    write_var(&L, i, 0, v);
  }
  for (uint32_t k = 0; osr && k < (uint32_t)L.depth[entry]; k++) {
    uint32_t v = sc_ir_append(f, 0, IR_param, SC_TY_VAL, 0);
    f->ins[v].imm = bf->nlocals + k;
    write_var(&L, bf->nlocals + k, 0, v);
  }
  if (osr) f->osr_pc = (int32_t)entry;
  uint32_t j = sc_ir_append(f, 0, IR_jmp, SC_TY_VOID, 0);
  f->ins[j].succ[0] = eb;
  L.sealed[0] = L.filled[0] = 1;
  for (uint32_t i = 1; i < no; i++) {
    uint32_t b = order[i];
    seal_if_ready(&L, b);
    fill_block(&L, b);
    L.filled[b] = 1;
    for (uint32_t k = 0; k < L.nsucc[b]; k++) seal_if_ready(&L, L.succ[2 * b + k]);
  }
  if (prof && prof->backedges)
    for (uint32_t b = 1; b < nb; b++)
      if (!f->blk[b].dead) f->blk[b].backedges = prof->backedges[f->blk[b].bcpc];
  if (L.entry) entry_states(&L);
  /* The phis found trivial on the way are dropped with the redundant ones. */
  sc_ir_remove_redundant_phis_after(f, L.fwd, (uint32_t)(L.cfwd < f->nins ? L.cfwd : f->nins));
  drop_dead_phis(f);
  dm_free(&L.defs);
  free(L.rs);
  free(L.snap);
  free(L.fwd);
  return f;
}

sc_irfunc *sc_lift(sc_arena *a, const sc_program *prog, uint32_t fi, const sc_profile *prof) {
  return lift(a, prog, fi, prof, 0);
}

sc_irfunc *sc_lift_osr(sc_arena *a, const sc_program *prog, uint32_t fi, const sc_profile *prof, uint32_t pc) {
  const sc_func *bf = prog->funcs[fi];
  if (pc == 0 || pc >= bf->ncode) return NULL;
  return lift(a, prog, fi, prof, pc);
}
