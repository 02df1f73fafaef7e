/* Bytecode -> SSA (Braun, Buchwald, Hack, Leißa, Mallon, Zwinkau: "Simple
 * and Efficient Construction of Static Single Assignment Form", CC 2013).
 *
 * Locals and operand-stack slots are the variables. Blocks are filled in
 * reverse post-order of the bytecode CFG and sealed once all their
 * predecessors are filled; trivial phis are then removed and phis nothing
 * needs are dropped, so the result is pruned. Every instruction that can
 * leave compiled code gets a frame state: the values of all locals and of
 * the whole operand stack as the interpreter would see them before it. */
#include <stdlib.h>
#include <string.h>

#include "ssa/ir.h"

typedef struct lifter {
  sc_irfunc *f;
  const sc_program *prog;
  const sc_func *bf;
  const sc_profile *prof;
  uint32_t nvars;      /* locals then stack slots */
  int32_t *blk_of_pc;  /* IR block starting at a leader pc, -1 otherwise */
  int32_t *depth;      /* operand stack depth before each pc, -1 if unreachable */
  uint32_t *def;       /* nvars x nblocks: current definition, 0 if none */
  uint8_t *sealed, *filled;
  uint32_t **incomplete; /* per block: pairs (var, phi) */
  size_t *nincomplete, *cincomplete;
  uint32_t *stack;       /* the current block's operand stack (value ids) */
  uint32_t sp;
} lifter;

static uint32_t read_var(lifter *L, uint32_t var, uint32_t blk);

static void write_var(lifter *L, uint32_t var, uint32_t blk, uint32_t v) { L->def[(size_t)blk * L->nvars + var] = v; }

static void add_phi_operands(lifter *L, uint32_t var, uint32_t phi) {
  sc_irfunc *f = L->f;
  uint32_t b = f->ins[phi].blk;
  for (size_t k = 0; k < f->blk[b].npreds; k++) {
    uint32_t v = read_var(L, var, f->blk[b].preds[k]);
    f->ins[phi].args[k] = v;
  }
}

static uint32_t read_var(lifter *L, uint32_t var, uint32_t blk) {
  uint32_t v = L->def[(size_t)blk * L->nvars + var];
  if (v) return v;
  sc_irfunc *f = L->f;
  sc_blk *b = &f->blk[blk];
  if (!L->sealed[blk]) {
    v = sc_ir_append(f, blk, IR_phi, SC_TY_VAL, (uint32_t)b->npreds);
    size_t n = L->nincomplete[blk];
    L->incomplete[blk] = sc_arena_grow(f->arena, L->incomplete[blk], sizeof(uint32_t), 2 * n, &L->cincomplete[blk], 2 * n + 2);
    L->incomplete[blk][2 * n] = var;
    L->incomplete[blk][2 * n + 1] = v;
    L->nincomplete[blk]++;
  } else if (b->npreds == 1) {
    v = read_var(L, var, b->preds[0]);
  } else {
    v = sc_ir_append(f, blk, IR_phi, SC_TY_VAL, (uint32_t)b->npreds);
    write_var(L, var, blk, v); /* breaks cycles through loops */
    add_phi_operands(L, var, v);
  }
  write_var(L, var, blk, v);
  return v;
}

static void seal(lifter *L, uint32_t blk) {
  if (L->sealed[blk]) return;
  L->sealed[blk] = 1;
  for (size_t i = 0; i < L->nincomplete[blk]; i++)
    add_phi_operands(L, L->incomplete[blk][2 * i], L->incomplete[blk][2 * i + 1]);
}

/* Seals successors whose predecessors are now all filled. */
static void seal_ready(lifter *L, uint32_t blk) {
  sc_irfunc *f = L->f;
  uint32_t s[2];
  int ns;
  sc_ir_succs(f, blk, s, &ns);
  for (int k = 0; k < ns; k++) {
    sc_blk *b = &f->blk[s[k]];
    bool all = true;
    for (size_t j = 0; j < b->npreds; j++) all &= L->filled[b->preds[j]] != 0;
    if (all) seal(L, s[k]);
  }
}

static int32_t frame_state(lifter *L, uint32_t blk, uint32_t pc) {
  sc_irfunc *f = L->f;
  int32_t id = sc_ir_new_fs(f, L->bf->index, pc, L->bf->nlocals, L->sp);
  sc_fs *s = &f->fs[id];
  for (uint32_t i = 0; i < L->bf->nlocals; i++) s->vals[i] = read_var(L, i, blk);
  for (uint32_t i = 0; i < L->sp; i++) s->vals[L->bf->nlocals + i] = L->stack[i];
  return id;
}

/* The IR keeps its own copy of a feedback slot; receiver shapes are kept as
 * shape id + 1 (0: not an object), so the text form is stable. */
static sc_fb_slot *copy_feedback(sc_irfunc *f, sc_op op, const sc_fb_slot *s) {
  sc_fb_slot *c = sc_arena_alloc(f->arena, sizeof *c);
  *c = *s;
  if (op == SC_OP_GetProp || op == SC_OP_SetProp)
    for (unsigned k = 0; k < c->n; k++) c->e[k] = c->e[k] ? ((const sc_shape *)(uintptr_t)c->e[k])->id + 1u : 0;
  return c;
}

static uint32_t emit(lifter *L, uint32_t blk, uint32_t pc, sc_irop op, sc_ty ty, uint32_t nargs) {
  uint32_t v = sc_ir_append(L->f, blk, op, ty, nargs);
  L->f->ins[v].pc = (int32_t)pc;
  return v;
}

/* Pops n operands into the args of v (bottom first). */
static void take_args(lifter *L, uint32_t v, uint32_t n) {
  sc_ins *in = &L->f->ins[v];
  for (uint32_t k = 0; k < n; k++) in->args[k] = L->stack[L->sp - n + k];
  L->sp -= n;
}

static void fill_block(lifter *L, uint32_t blk, uint32_t pc) {
  sc_irfunc *f = L->f;
  const sc_func *bf = L->bf;
  uint32_t nl = bf->nlocals;
  L->sp = (uint32_t)L->depth[pc];
  for (uint32_t i = 0; i < L->sp; i++) L->stack[i] = read_var(L, nl + i, blk);
  for (;; pc++) {
    const sc_insn *in = &bf->code[pc];
    sc_op op = (sc_op)in->op;
    unsigned fl = sc_op_flags(op);
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
    case SC_OP_Dup: L->stack[L->sp] = L->stack[L->sp - 1]; L->sp++; break;
    case SC_OP_Swap: {
      uint32_t t = L->stack[L->sp - 1];
      L->stack[L->sp - 1] = L->stack[L->sp - 2];
      L->stack[L->sp - 2] = t;
      break;
    }
    case SC_OP_LoadLocal: L->stack[L->sp++] = read_var(L, (uint32_t)in->a, blk); break;
    case SC_OP_StoreLocal: {
      uint32_t val = L->stack[L->sp - 1];
      if (bf->local_kinds[in->a] != SC_KIND_ANY) { /* the kind check can raise */
        int32_t fs = frame_state(L, blk, pc);
        v = emit(L, blk, pc, IR_bc, SC_TY_VOID, 1);
        f->ins[v].imm = op;
        f->ins[v].aux = in->a;
        f->ins[v].fs = fs;
        take_args(L, v, 1);
      } else
        L->sp--;
      write_var(L, (uint32_t)in->a, blk, val);
      break;
    }
    case SC_OP_Jump:
    case SC_OP_JumpIfFalse:
    case SC_OP_JumpIfTrue:
    case SC_OP_Return:
    case SC_OP_ReturnValue:
    case SC_OP_Halt:
      break; /* terminators: below */
    case SC_OP_Call: {
      int32_t fs = frame_state(L, blk, pc);
      v = emit(L, blk, pc, IR_call, SC_TY_VAL, in->b);
      f->ins[v].imm = in->a;
      f->ins[v].fs = fs;
      take_args(L, v, in->b);
      L->stack[L->sp++] = v;
      break;
    }
    default: { /* every other operation stays a generic bytecode op on values */
      int pops = sc_op_pops(in), pushes = sc_op_pushes(in);
      sc_ins tmp = {.op = IR_bc, .imm = op};
      int32_t fs = (sc_ir_flags(&tmp) & IRF_THROW) ? frame_state(L, blk, pc) : -1;
      v = emit(L, blk, pc, IR_bc, pushes ? SC_TY_VAL : SC_TY_VOID, (uint32_t)pops);
      sc_ins *ir = &f->ins[v];
      ir->imm = op;
      ir->aux = in->a;
      ir->fs = fs;
      if (in->fb >= 0 && L->prof && L->prof->slots) ir->fb = copy_feedback(f, op, &L->prof->slots[in->fb]);
      take_args(L, v, (uint32_t)pops);
      if (pushes) L->stack[L->sp++] = v;
      break;
    }
    }
    /* End of the block: a terminator, or a fall-through into a leader. */
    bool term = (fl & (SC_OPF_TERM | SC_OPF_JUMP)) != 0;
    if (term || L->blk_of_pc[pc + 1] >= 0) {
      for (uint32_t i = 0; i < L->sp; i++) write_var(L, nl + i, blk, L->stack[i]);
      switch (op) {
      case SC_OP_Jump:
        v = emit(L, blk, pc, IR_jmp, SC_TY_VOID, 0);
        f->ins[v].succ[0] = (uint32_t)L->blk_of_pc[in->a];
        break;
      case SC_OP_JumpIfFalse:
      case SC_OP_JumpIfTrue: {
        uint32_t cond = L->stack[--L->sp];
        for (uint32_t i = 0; i < L->sp; i++) write_var(L, nl + i, blk, L->stack[i]);
        v = emit(L, blk, pc, IR_br, SC_TY_VOID, 1);
        f->ins[v].args[0] = cond;
        uint32_t taken = (uint32_t)L->blk_of_pc[in->a], next = (uint32_t)L->blk_of_pc[pc + 1];
        f->ins[v].succ[0] = op == SC_OP_JumpIfTrue ? taken : next;
        f->ins[v].succ[1] = op == SC_OP_JumpIfTrue ? next : taken;
        if (in->fb >= 0 && L->prof && L->prof->slots) f->ins[v].fb = copy_feedback(f, op, &L->prof->slots[in->fb]);
        break;
      }
      case SC_OP_ReturnValue:
        v = emit(L, blk, pc, IR_ret, SC_TY_VOID, 1);
        f->ins[v].args[0] = L->stack[--L->sp];
        break;
      case SC_OP_Return: {
        uint32_t n = emit(L, blk, pc, IR_null, SC_TY_VAL, 0);
        v = emit(L, blk, pc, IR_ret, SC_TY_VOID, 1);
        f->ins[v].args[0] = n;
        break;
      }
      case SC_OP_Halt: emit(L, blk, pc, IR_halt, SC_TY_VOID, 0); break;
      default:
        v = emit(L, blk, pc, IR_jmp, SC_TY_VOID, 0);
        f->ins[v].succ[0] = (uint32_t)L->blk_of_pc[pc + 1];
      }
      return;
    }
  }
}

/* Removes trivial phis, then phis no real instruction or frame state
 * needs: what is left is pruned SSA. */
static void prune_phis(sc_irfunc *f) {
  sc_ir_fold_trivial_phis(f);
  /* Liveness of phis: roots are uses by non-phis and by frame states. */
  uint8_t *live = calloc(f->nins, 1);
  uint32_t *work = malloc(f->nins * sizeof *work);
  size_t nw = 0;
#define MARK(x)                                                              \
  do {                                                                       \
    uint32_t x_ = (x);                                                       \
    if (x_ && !live[x_] && f->ins[x_].op == IR_phi) live[x_] = 1, work[nw++] = x_; \
  } while (0)
  for (size_t i = 1; i < f->nins; i++)
    if (!f->ins[i].dead && f->ins[i].op != IR_phi)
      for (uint32_t k = 0; k < f->ins[i].nargs; k++) MARK(f->ins[i].args[k]);
  for (size_t s = 0; s < f->nfs; s++)
    for (uint32_t k = 0; k < f->fs[s].nlocals + f->fs[s].nstack; k++) MARK(f->fs[s].vals[k]);
  while (nw) {
    uint32_t p = work[--nw];
    for (uint32_t k = 0; k < f->ins[p].nargs; k++) MARK(f->ins[p].args[k]);
  }
#undef MARK
  for (size_t i = 1; i < f->nins; i++)
    if (f->ins[i].op == IR_phi && !live[i]) f->ins[i].dead = 1;
  free(live);
  free(work);
  sc_ir_compact(f);
}

sc_irfunc *sc_lift(sc_arena *a, const sc_program *prog, uint32_t fi, const sc_profile *prof) {
  const sc_func *bf = prog->funcs[fi];
  sc_irfunc *f = sc_ir_new(a, prog, bf->name, bf->arity, bf->nlocals);
  f->bcf = bf;
  for (uint32_t i = 0; i < bf->nlocals; i++) f->local_names[i] = bf->local_names[i];
  lifter L = {.f = f, .prog = prog, .bf = bf, .prof = prof};
  uint32_t n = bf->ncode;
  L.nvars = bf->nlocals + bf->max_stack;
  L.blk_of_pc = malloc((n + 1) * sizeof *L.blk_of_pc);
  L.depth = malloc((n + 1) * sizeof *L.depth);
  uint8_t *leader = calloc(n + 1, 1);
  for (uint32_t i = 0; i <= n; i++) L.blk_of_pc[i] = -1, L.depth[i] = -1;
  /* Reachable pcs, their stack depths (the verifier made them consistent)
   * and the leaders, in one walk. */
  uint32_t *work = malloc((n + 1) * sizeof *work), nw = 0;
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
      if (pc + 1 < n) leader[pc + 1] = 1;
    }
    if (!(fl & SC_OPF_TERM)) succ[ns++] = pc + 1;
    else if (pc + 1 < n) leader[pc + 1] = 1;
    for (int k = 0; k < ns; k++)
      if (L.depth[succ[k]] < 0) {
        L.depth[succ[k]] = d;
        work[nw++] = succ[k];
      }
  }
  /* Blocks: an entry block, then one per reachable leader, in pc order. */
  uint32_t entry = sc_ir_block(f);
  for (uint32_t pc = 0; pc < n; pc++)
    if (leader[pc] && L.depth[pc] >= 0) {
      L.blk_of_pc[pc] = (int32_t)sc_ir_block(f);
      f->blk[L.blk_of_pc[pc]].bcpc = (int32_t)pc;
    }
  size_t nb = f->nblk;
  L.def = calloc(nb * L.nvars + 1, sizeof *L.def);
  L.sealed = calloc(nb, 1);
  L.filled = calloc(nb, 1);
  L.incomplete = calloc(nb, sizeof *L.incomplete);
  L.nincomplete = calloc(nb, sizeof *L.nincomplete);
  L.cincomplete = calloc(nb, sizeof *L.cincomplete);
  L.stack = malloc((bf->max_stack + 1) * sizeof *L.stack);
  /* Predecessors first, so that phis know their arity. */
  sc_ir_add_pred(f, (uint32_t)L.blk_of_pc[0], entry);
  int32_t from = -1; /* the block holding pc: reachable pcs of a block are contiguous */
  for (uint32_t pc = 0; pc < n; pc++) {
    if (L.depth[pc] < 0) continue;
    if (L.blk_of_pc[pc] >= 0) from = L.blk_of_pc[pc];
    const sc_insn *in = &bf->code[pc];
    unsigned fl = sc_op_flags((sc_op)in->op);
    if ((fl & SC_OPF_JUMP) && in->op != SC_OP_Jump) { /* br: fall-through, then target, as fill_block */
      sc_ir_add_pred(f, (uint32_t)L.blk_of_pc[pc + 1], (uint32_t)from);
      sc_ir_add_pred(f, (uint32_t)L.blk_of_pc[in->a], (uint32_t)from);
    } else if (fl & SC_OPF_JUMP)
      sc_ir_add_pred(f, (uint32_t)L.blk_of_pc[in->a], (uint32_t)from);
    else if (!(fl & SC_OPF_TERM) && L.blk_of_pc[pc + 1] >= 0)
      sc_ir_add_pred(f, (uint32_t)L.blk_of_pc[pc + 1], (uint32_t)from);
  }
  /* The entry defines every local: parameters, then null. */
  for (uint32_t i = 0; i < bf->nlocals; i++) {
    uint32_t v = sc_ir_append(f, entry, i < bf->arity ? IR_param : IR_null, SC_TY_VAL, 0);
    f->ins[v].imm = i < bf->arity ? i : 0;
    write_var(&L, i, entry, v);
  }
  uint32_t j = sc_ir_append(f, entry, IR_jmp, SC_TY_VOID, 0);
  f->ins[j].succ[0] = (uint32_t)L.blk_of_pc[0];
  L.sealed[entry] = L.filled[entry] = 1;
  seal_ready(&L, entry);
  /* Fill in reverse post-order so definitions come before most uses. */
  uint32_t *order = malloc(nb * sizeof *order), no = 0;
  {
    uint8_t *seen = calloc(nb, 1);
    uint32_t *st = malloc((nb + 1) * sizeof *st), *nx = calloc(nb, sizeof *nx), sp = 0;
    uint32_t *post = malloc(nb * sizeof *post), np = 0;
    st[sp++] = entry;
    seen[entry] = 1;
    while (sp) {
      uint32_t b = st[sp - 1];
      int32_t bpc = f->blk[b].bcpc;
      uint32_t s[2];
      int ns = 0;
      if (b == entry) s[ns++] = (uint32_t)L.blk_of_pc[0];
      else {
        uint32_t pc = (uint32_t)bpc;
        while (pc + 1 < n && L.blk_of_pc[pc + 1] < 0 && !(sc_op_flags((sc_op)bf->code[pc].op) & (SC_OPF_TERM | SC_OPF_JUMP))) pc++;
        const sc_insn *in = &bf->code[pc];
        unsigned fl = sc_op_flags((sc_op)in->op);
        if (fl & SC_OPF_JUMP) s[ns++] = (uint32_t)L.blk_of_pc[in->a];
        if (!(fl & SC_OPF_TERM) && pc + 1 < n) s[ns++] = (uint32_t)L.blk_of_pc[pc + 1];
      }
      if ((int)nx[b] < ns) {
        uint32_t c = s[nx[b]++];
        if (!seen[c]) seen[c] = 1, st[sp++] = c;
      } else
        post[np++] = b, sp--;
    }
    for (uint32_t i = 0; i < np; i++) order[no++] = post[np - 1 - i];
    free(seen);
    free(st);
    free(nx);
    free(post);
  }
  for (uint32_t i = 0; i < no; i++) {
    uint32_t b = order[i];
    if (b == entry) continue;
    fill_block(&L, b, (uint32_t)f->blk[b].bcpc);
    L.filled[b] = 1;
    bool all = true;
    for (size_t k = 0; k < f->blk[b].npreds; k++) all &= L.filled[f->blk[b].preds[k]] != 0;
    if (all) seal(&L, b);
    seal_ready(&L, b);
  }
  for (uint32_t b = 0; b < nb; b++) seal(&L, b);
  prune_phis(f);
  f->idom = NULL;
  free(order);
  free(work);
  free(leader);
  free(L.blk_of_pc);
  free(L.depth);
  free(L.def);
  free(L.sealed);
  free(L.filled);
  free(L.incomplete);
  free(L.nincomplete);
  free(L.cincomplete);
  free(L.stack);
  return f;
}
