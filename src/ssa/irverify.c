/* The IR verifier, run after every pass in checking builds: block structure
 * (phis first, one terminator last), CFG edges agreeing with predecessor
 * lists, phi arity, operand and result types against the opcode table,
 * static operands, frame states on exactly the instructions that can leave,
 * and SSA dominance: every operand (and every value of a frame state)
 * defined before its use on every path. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ssa/ir.h"

typedef struct vstate {
  sc_irfunc *f;
  sc_diags *d;
  int errors;
  char buf[4][64]; /* for desc() */
  unsigned nbuf;
} vstate;

#define MAX_REPORTED 30

static void err(vstate *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void err(vstate *v, const char *fmt, ...) {
  char buf[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (v->errors++ < MAX_REPORTED) sc_diag_add(v->d, 0, 0, "%s: %s", v->f->name, buf);
}

/* "v4 (Add)" for an instruction with a result, "ret in b2" without: the
 * ids of void instructions do not appear in the text. */
static const char *desc(vstate *v, uint32_t id) {
  char *b = v->buf[v->nbuf++ & 3];
  const sc_ins *in = &v->f->ins[id];
  if (in->ty != SC_TY_VOID) snprintf(b, 64, "v%u (%s)", id, sc_irop_name(in->op));
  else snprintf(b, 64, "%s in b%u", sc_irop_name(in->op), in->blk);
  return b;
}

static sc_ty ty_of_letter(char c) {
  switch (c) {
  case 'v': return SC_TY_VAL;
  case 'i': return SC_TY_I64;
  case 'f': return SC_TY_F64;
  case 'b': return SC_TY_BOOL;
  case 'p': return SC_TY_PTR;
  default: return SC_TY_VOID;
  }
}

static bool is_raw(uint8_t t) { return t == SC_TY_I64 || t == SC_TY_F64 || t == SC_TY_BOOL; }

/* A signature letter of helpers.def as a type. */
static sc_ty ty_of_sig(char c) {
  switch (c) {
  case 'p': return SC_TY_PTR;
  case 'd': return SC_TY_F64;
  case 'b': return SC_TY_BOOL;
  default: return SC_TY_I64;
  }
}

/* callh: result and operands against the helper's signature. */
static void check_callh(vstate *v, uint32_t id, const sc_ins *in) {
  if (in->aux < 0 || in->aux >= SC_NHELPERS) return; /* check_static says so */
  const char *sig = sc_helpers[in->aux].sig;
  uint32_t n = (uint32_t)strlen(sig) - 1;
  if (in->ty != ty_of_sig(sig[0]))
    err(v, "%s: %s gives %s, not %s", desc(v, id), sc_helpers[in->aux].name, sc_ty_name(ty_of_sig(sig[0])),
        sc_ty_name((sc_ty)in->ty));
  if (in->nargs != n) {
    err(v, "%s: %s takes %u operands, not %u", desc(v, id), sc_helpers[in->aux].name, n, in->nargs);
    return;
  }
  for (uint32_t k = 0; k < n; k++) {
    uint32_t a = in->args[k];
    if (!a || a >= v->f->nins) err(v, "%s: operand %u is not a value (v%u)", desc(v, id), k + 1, a);
    else if (v->f->ins[a].ty != ty_of_sig(sig[k + 1]))
      err(v, "%s: operand %u must be %s, v%u is %s", desc(v, id), k + 1, sc_ty_name(ty_of_sig(sig[k + 1])), a,
          sc_ty_name((sc_ty)v->f->ins[a].ty));
  }
}

/* Result type, operand types and count against irops.def. */
static void check_types(vstate *v, uint32_t id, const sc_ins *in) {
  sc_irfunc *f = v->f;
  if (in->op == IR_callh) {
    check_callh(v, id, in);
    return;
  }
  char res = sc_irop_result(in->op);
  if (res == 't') {
    bool ok;
    switch (in->op) {
    case IR_param: ok = in->ty == SC_TY_VAL || (f->esig && is_raw(in->ty)); break; /* typed: an entry argument */
    case IR_callt: ok = in->ty == SC_TY_I64 || is_raw(in->ty); break;
    case IR_const: ok = in->ty == SC_TY_VAL || is_raw(in->ty); break;
    case IR_unbox: ok = is_raw(in->ty); break;
    case IR_ld: ok = in->ty == SC_TY_I64 || in->ty == SC_TY_F64 || in->ty == SC_TY_PTR || in->ty == SC_TY_BOOL; break;
    default: ok = in->ty != SC_TY_VOID; break;
    }
    if (!ok) err(v, "%s cannot have type %s", desc(v, id), sc_ty_name((sc_ty)in->ty));
  } else if (in->ty != ty_of_letter(res)) {
    if (res == 'n') err(v, "%s has no result, but a type %s", desc(v, id), sc_ty_name((sc_ty)in->ty));
    else err(v, "%s gives %s, not %s", desc(v, id), sc_ty_name(ty_of_letter(res)), sc_ty_name((sc_ty)in->ty));
  }
  const char *sig = sc_irop_sig(in->op);
  if (sig[0] == '=') {
    if (in->op == IR_copy && in->nargs != 1) err(v, "%s: copy takes 1 operand, not %u", desc(v, id), in->nargs);
  } else {
    uint32_t fixed = 0;
    bool rest = false;
    for (const char *s = sig; *s; s++) {
      if (*s == '*') rest = true;
      else fixed++;
    }
    if (rest ? in->nargs < fixed : in->nargs != fixed) {
      err(v, "%s takes %s%u operands, not %u", desc(v, id), rest ? "at least " : "", fixed, in->nargs);
      return;
    }
  }
  for (uint32_t k = 0; k < in->nargs; k++) {
    uint32_t a = in->args[k];
    if (!a || a >= f->nins) {
      err(v, "%s: operand %u is not a value (v%u)", desc(v, id), k + 1, a);
      continue;
    }
    uint8_t at = f->ins[a].ty;
    if (at == SC_TY_VOID) {
      err(v, "%s: uses v%u, which has no result", desc(v, id), a);
      continue;
    }
    char want;
    if (sig[0] == '=') want = '=';
    else {
      size_t sl = 0;
      while (sig[sl] && sig[sl] != '*') sl++;
      want = k < sl ? sig[k] : in->op == IR_callt ? '?' : 'v';
    }
    if (want == '=') {
      if (at != in->ty)
        err(v, "%s of type %s has an operand v%u of type %s", desc(v, id), sc_ty_name((sc_ty)in->ty), a,
            sc_ty_name((sc_ty)at));
    } else if (want == '?') {
      if ((in->op == IR_box || in->op == IR_retv || in->op == IR_callt) && !is_raw(at)) err(v, "%s: box of v%u, which is %s (not i64, f64 or bool)", desc(v, id), a, sc_ty_name((sc_ty)at));
      if (in->op == IR_st && at != SC_TY_I64 && at != SC_TY_F64 && at != SC_TY_PTR && at != SC_TY_BOOL)
        err(v, "%s: stores v%u, which is %s (not i64, f64, ptr or bool)", desc(v, id), a, sc_ty_name((sc_ty)at));
    } else if (at != ty_of_letter(want))
      err(v, "%s: operand %u must be %s, v%u is %s", desc(v, id), k + 1, sc_ty_name(ty_of_letter(want)), a,
          sc_ty_name((sc_ty)at));
  }
}

/* Static operands (imm, aux) and feedback. */
static void check_static(vstate *v, uint32_t id, const sc_ins *in, uint32_t b) {
  sc_irfunc *f = v->f;
  const sc_program *p = f->prog;
  bool ok = false; /* the static operand (irops.def's kind) is in range */
  switch (sc_irop_static(in->op)) {
  case SC_SK_NONE: case SC_SK_NUM: ok = true; break;
  case SC_SK_TAG:
    if (!(ok = in->aux >= 0 && in->aux < SC_NTAGS)) err(v, "%s: no tag #%d", desc(v, id), in->aux);
    break;
  case SC_SK_COND:
    if (!(ok = in->aux >= 0 && in->aux < SC_NCONDS)) err(v, "%s: no condition #%d", desc(v, id), in->aux);
    else if (in->op == IR_fcmp && sc_cond_unsigned((sc_cond)in->aux))
      ok = false, err(v, "%s: fcmp has no unsigned condition", desc(v, id));
    break;
  case SC_SK_REASON:
    if (!(ok = in->aux >= 0 && in->aux < SC_NREASONS)) err(v, "%s: no reason #%d", desc(v, id), in->aux);
    break;
  case SC_SK_LOCAL:
    if (!(ok = in->aux >= 0 && (uint32_t)in->aux < f->nlocals)) err(v, "%s: no local #%d", desc(v, id), in->aux);
    break;
  case SC_SK_GLOBAL:
    if (!(ok = p && in->aux >= 0 && (uint32_t)in->aux < p->nglobals)) err(v, "%s: no global #%d", desc(v, id), in->aux);
    break;
  case SC_SK_NAME:
    if (!(ok = p && in->aux >= 0 && (uint32_t)in->aux < p->nnames)) err(v, "%s: no property name #%d", desc(v, id), in->aux);
    break;
  case SC_SK_HELPER:
    if (!(ok = in->aux >= 0 && in->aux < SC_NHELPERS)) err(v, "%s: no helper #%d", desc(v, id), in->aux);
    break;
  case SC_SK_BUILTIN:
    if (!(ok = in->aux >= 0 && in->aux < SC_NBUILTINS)) err(v, "%s: no builtin #%d", desc(v, id), in->aux);
    break;
  case SC_SK_FUNC:
    if (!(ok = p && in->imm >= 0 && (uint64_t)in->imm < p->nfuncs))
      err(v, "%s: calls a missing function #%lld", desc(v, id), (long long)in->imm);
    break;
  }
  switch (in->op) {
  case IR_param:
    if (b != 0) err(v, "%s: param outside the entry block", desc(v, id));
    if (f->osr_pc >= 0) {
      uint32_t nslots = f->nlocals + (p && f->func < p->nfuncs ? p->funcs[f->func]->max_stack : 0);
      if (in->imm < 0 || in->imm >= nslots) err(v, "%s: param %lld, but %s has %u frame slots", desc(v, id), (long long)in->imm, f->name, nslots);
    } else if (in->imm < 0 || in->imm >= f->nparams) err(v, "%s: param %lld, but %s has %u parameters", desc(v, id), (long long)in->imm, f->name, f->nparams);
    if (f->esig && f->osr_pc >= 0) err(v, "%s: an OSR entry has no typed entry", desc(v, id));
    else if (f->esig && in->imm >= 0 && in->imm < f->nparams && sc_entry_param(f->esig, (uint32_t)in->imm) != in->ty)
      err(v, "%s: the typed entry takes parameter %lld as %s", desc(v, id), (long long)in->imm,
          sc_ty_name(sc_entry_param(f->esig, (uint32_t)in->imm)));
    else if (!f->esig && in->ty != SC_TY_VAL) err(v, "%s: a typed param without a typed entry", desc(v, id));
    break;
  case IR_retv: {
    sc_ty want = sc_entry_result(f->esig) == SC_TY_VAL ? SC_TY_I64 : sc_entry_result(f->esig); /* a val result is in *frame->ret */
    if (!f->esig) err(v, "%s: retv in a function without a typed entry", desc(v, id));
    else if (in->nargs == 1 && in->args[0] < f->nins && f->ins[in->args[0]].ty != want)
      err(v, "%s: retv of %s, but the typed entry returns %s", desc(v, id), sc_ty_name((sc_ty)f->ins[in->args[0]].ty), sc_ty_name(want));
    break;
  }
  case IR_retst:
    if (f->esig) err(v, "%s: retst in a function with a typed entry (its status goes to the VM: retv)", desc(v, id));
    break;
  case IR_callt:
    if (in->nargs - 3 > SC_ENTRY_MAXARGS) err(v, "%s: %u typed arguments, at most %u", desc(v, id), in->nargs - 3, SC_ENTRY_MAXARGS);
    break;
  case IR_const:
    if (in->ty == SC_TY_VAL && (!p || in->imm < 0 || (uint64_t)in->imm >= p->nconsts)) err(v, "%s: no constant #%lld", desc(v, id), (long long)in->imm);
    if (in->ty == SC_TY_BOOL && (in->imm & ~1ll)) err(v, "%s: bool constant %lld", desc(v, id), (long long)in->imm);
    break;
  case IR_func:
    if (!p || in->imm < 0 || (uint64_t)in->imm >= p->nfuncs) err(v, "%s: no function #%lld", desc(v, id), (long long)in->imm);
    break;
  case IR_Call:
    if (ok && p->funcs[in->imm]->arity != in->nargs)
      err(v, "%s: %s takes %u arguments, the call passes %u", desc(v, id), p->funcs[in->imm]->name, p->funcs[in->imm]->arity, in->nargs);
    break;
  case IR_CallValue:
    if (in->nargs < 1) err(v, "%s: CallValue needs a callee", desc(v, id));
    break;
  case IR_CallBuiltin:
    if (ok && (uint32_t)sc_builtin_argc((sc_builtin)in->aux) != in->nargs)
      err(v, "%s: %s takes %d arguments, not %u", desc(v, id), sc_builtin_name((sc_builtin)in->aux), sc_builtin_argc((sc_builtin)in->aux), in->nargs);
    break;
  case IR_ld: case IR_ld32: case IR_st:
    if (in->aux < 0) err(v, "%s: negative offset %d", desc(v, id), in->aux);
    break;
  case IR_rpc: /* as frame states: a function known only from IR text has no pcs to check against */
    if (ok && (in->aux < 0 || (p->funcs[in->imm]->ncode && (uint32_t)in->aux >= p->funcs[in->imm]->ncode))) err(v, "%s: %s has no pc %d", desc(v, id), p->funcs[in->imm]->name, in->aux);
    break;
  case IR_padd:
    if (in->aux < 0 || in->aux > 4) err(v, "%s: shift %d (0 to 4)", desc(v, id), in->aux);
    break;
  case IR_checkkind:
    if (ok && f->local_kinds[in->aux] == SC_KIND_ANY) err(v, "%s: checkkind of %s, which has no declared kind", desc(v, id), f->local_names[in->aux]);
    break;
  case IR_jmp: case IR_br:
    for (int k = 0; k < (in->op == IR_br ? 2 : 1); k++)
      if (in->succ[k] >= f->nblk || f->blk[in->succ[k]].dead) err(v, "%s: jumps to a missing block b%u", desc(v, id), in->succ[k]);
      else if (in->succ[k] == 0) err(v, "%s: jumps to the entry block b0", desc(v, id));
    break;
  default: break;
  }
  if (in->fb) {
    if (in->fb->bcop >= SC_NOPS ||
        !((sc_op_flags((sc_op)in->fb->bcop) & SC_OPF_FB) || (in->op == IR_rettag && in->fb->bcop == SC_OP_ReturnValue)))
      err(v, "%s: feedback of %s, which has no feedback slot", desc(v, id), in->fb->bcop < SC_NOPS ? sc_op_name((sc_op)in->fb->bcop) : "?");
    if (in->fb->s.n > SC_FB_MAX || in->fb->s.state > SC_FB_MEGA) err(v, "%s: malformed feedback", desc(v, id));
  }
}

static void check_fs(vstate *v, int32_t fsid, uint32_t user) {
  sc_irfunc *f = v->f;
  const sc_program *p = f->prog;
  uint32_t steps = 0;
  for (int32_t s = fsid; s >= 0; s = f->fs[s].parent) {
    if (s >= (int32_t)f->nfs) {
      err(v, "%s: frame state fs%d does not exist", desc(v, user), s);
      return;
    }
    if (++steps > f->nfs) {
      err(v, "%s: frame state fs%d has a cycle of parents", desc(v, user), fsid);
      return;
    }
    const sc_fs *st = &f->fs[s];
    if (!p || st->func >= p->nfuncs) {
      err(v, "fs%d: no function #%u", s, st->func);
      continue;
    }
    const sc_func *bf = p->funcs[st->func];
    if (bf->ncode && st->pc >= bf->ncode) err(v, "fs%d: pc %u is past the end of %s", s, st->pc, bf->name);
    if (bf->ncode && st->nstack > bf->max_stack) err(v, "fs%d: %u stack slots, %s needs at most %u", s, st->nstack, bf->name, bf->max_stack);
    if (st->func == f->func && st->nlocals != f->nlocals) err(v, "fs%d: %u locals, %s has %u", s, st->nlocals, f->name, f->nlocals);
    for (uint32_t k = 0; k < sc_ir_fs_nvals(st); k++) {
      uint32_t a = st->vals[k];
      if (!a && k < st->nlocals) continue; /* a dead local */
      if (!a || a >= f->nins) err(v, "fs%d: slot %u holds no value", s, k);
      else if (f->ins[a].ty == SC_TY_VOID) err(v, "fs%d: slot %u holds v%u, which has no result", s, k, a);
    }
  }
}

/* A block's entry state: at the block's start only its phis and values
 * from the blocks that dominate it exist. */
static void entry_state(vstate *v, uint32_t b, const uint8_t *placed) {
  sc_irfunc *f = v->f;
  int32_t s = f->blk[b].entry_fs;
  if ((uint32_t)s >= f->nfs) {
    err(v, "b%u: entry frame state fs%d does not exist", b, s);
    return;
  }
  const sc_fs *st = &f->fs[s];
  if (st->parent >= 0) err(v, "b%u: entry frame state fs%d has a parent", b, s);
  if (f->prog && st->func < f->prog->nfuncs && st->func == f->func && st->nlocals != f->nlocals)
    err(v, "fs%d: %u locals, %s has %u", s, st->nlocals, f->name, f->nlocals);
  bool reachable = f->rpo_index[b] != UINT32_MAX;
  for (uint32_t k = 0; k < sc_ir_fs_nvals(st); k++) {
    uint32_t a = st->vals[k];
    if (!a && k < st->nlocals) continue;
    if (!a || a >= f->nins || !placed[a] || f->ins[a].dead || f->ins[a].ty == SC_TY_VOID) {
      err(v, "fs%d, the entry state of b%u, holds no value in slot %u", s, b, k);
      continue;
    }
    uint32_t ab = f->ins[a].blk;
    bool ok = ab == b ? f->ins[a].op == IR_phi : sc_ir_dominates(f, ab, b);
    if (reachable && !ok) err(v, "fs%d, the entry state of b%u, holds v%u, which is not there at its start", s, b, a);
  }
}

int sc_ir_verify(sc_irfunc *f, sc_diags *d) {
  vstate v = {.f = f, .d = d};
  if (f->nblk == 0 || f->blk[0].dead) {
    err(&v, "no entry block b0");
    return -1;
  }
  sc_ir_dom(f);
  uint32_t *pos = calloc(f->nins + 1, sizeof *pos);
  uint8_t *placed = calloc(f->nins + 1, 1);
  if (f->blk[0].npreds) err(&v, "the entry block b0 has predecessors");
  /* LIR (an op only pass lower writes is there) has none of the ops lower rewrites */
  bool lir = false;
  for (uint32_t i = 1; i < f->nins && !lir; i++) lir = !f->ins[i].dead && sc_irop_lir_only(f->ins[i].op);
  for (uint32_t b = 0; b < f->nblk; b++) {
    sc_blk *bl = &f->blk[b];
    if (bl->dead) continue;
    if (bl->nins == 0) err(&v, "b%u is empty", b);
    bool seen_nonphi = false;
    for (uint32_t i = 0; i < bl->nins; i++) {
      uint32_t id = bl->ins[i];
      if (!id || id >= f->nins) {
        err(&v, "b%u lists a bad instruction id %u", b, id);
        continue;
      }
      sc_ins *in = &f->ins[id];
      if (placed[id]) err(&v, "%s is listed twice", desc(&v, id));
      placed[id] = 1;
      pos[id] = i + 1;
      if (in->blk != b) err(&v, "%s is listed in b%u but says it is in b%u", desc(&v, id), b, in->blk);
      if (in->dead) err(&v, "%s is removed but still listed in b%u", desc(&v, id), b);
      if (in->op >= IR_NOPS) {
        err(&v, "%s has a bad opcode %u", desc(&v, id), in->op);
        continue;
      }
      unsigned fl = sc_irop_flags(in->op);
      bool term = (fl & IRF_TERM) != 0;
      if (term && i != bl->nins - 1) err(&v, "terminator %s is not last", desc(&v, id));
      if (!term && i == bl->nins - 1) err(&v, "b%u does not end in a terminator", b);
      if (in->op == IR_phi) {
        if (seen_nonphi) err(&v, "phi v%u after a non-phi in b%u", id, b);
        if (in->nargs != bl->npreds) err(&v, "phi v%u has %u operands, b%u has %u predecessors", id, in->nargs, b, bl->npreds);
      } else
        seen_nonphi = true;
      check_types(&v, id, in);
      check_static(&v, id, in, b);
      if (lir && !sc_ins_in_lir(in)) err(&v, "%s in LIR (pass lower rewrites it)", desc(&v, id));
      if ((fl & IRF_THROW) && in->fs < 0) err(&v, "%s may leave compiled code but has no frame state", desc(&v, id));
      if (!(fl & IRF_THROW) && in->fs >= 0) err(&v, "%s has a frame state but cannot leave compiled code", desc(&v, id));
      if (in->fs >= 0) check_fs(&v, in->fs, id);
    }
  }
  /* Predecessor lists against the terminators, edge by edge. */
  for (uint32_t b = 0; b < f->nblk; b++) {
    sc_blk *bl = &f->blk[b];
    if (bl->dead) continue;
    for (uint32_t k = 0; k < bl->npreds; k++) {
      uint32_t p = bl->preds[k], s[2], want = 0, have = 0;
      if (p >= f->nblk || f->blk[p].dead) {
        err(&v, "b%u lists a missing predecessor b%u", b, p);
        continue;
      }
      bool first = true;
      for (uint32_t j = 0; j < k; j++) first &= bl->preds[j] != p;
      if (!first) continue;
      int ns = sc_ir_succs(f, p, s);
      for (int j = 0; j < ns; j++) want += s[j] == b;
      for (uint32_t j = 0; j < bl->npreds; j++) have += bl->preds[j] == p;
      if (want != have) err(&v, "b%u lists b%u as a predecessor %u times, but b%u has %u edges to it", b, p, have, p, want);
    }
    uint32_t s[2];
    int ns = sc_ir_succs(f, b, s);
    for (int j = 0; j < ns; j++) {
      if (s[j] >= f->nblk || f->blk[s[j]].dead) continue;
      bool found = false;
      for (uint32_t k = 0; k < f->blk[s[j]].npreds && !found; k++) found = f->blk[s[j]].preds[k] == b;
      if (!found) err(&v, "b%u jumps to b%u, which does not list it as a predecessor", b, s[j]);
    }
  }
  /* Dominance, once every position is known. */
  for (uint32_t b = 0; b < f->nblk && v.errors == 0; b++) {
    sc_blk *bl = &f->blk[b];
    if (bl->dead) continue;
    bool reachable = f->rpo_index[b] != UINT32_MAX;
    if (bl->entry_fs >= 0) entry_state(&v, b, placed);
    for (uint32_t i = 0; i < bl->nins; i++) {
      uint32_t id = bl->ins[i];
      sc_ins *in = &f->ins[id];
      for (uint32_t k = 0; k < in->nargs; k++) {
        uint32_t a = in->args[k];
        if (!placed[a] || f->ins[a].dead) {
          err(&v, "%s uses v%u, which is not in any block", desc(&v, id), a);
          continue;
        }
        if (!reachable) continue;
        uint32_t ab = f->ins[a].blk;
        bool ok;
        if (in->op == IR_phi) /* available at the end of the k-th predecessor */
          ok = sc_ir_dominates(f, ab, bl->preds[k]);
        else
          ok = ab == b ? pos[a] < pos[id] : sc_ir_dominates(f, ab, b);
        if (!ok) {
          if (in->op == IR_phi) err(&v, "phi v%u: operand v%u does not dominate the end of predecessor b%u", id, a, bl->preds[k]);
          else err(&v, "%s uses v%u, which does not dominate it", desc(&v, id), a);
        }
      }
      for (int32_t s = in->fs; s >= 0 && s < (int32_t)f->nfs; s = f->fs[s].parent) {
        const sc_fs *st = &f->fs[s];
        for (uint32_t k = 0; k < sc_ir_fs_nvals(st); k++) {
          uint32_t a = st->vals[k];
          if (!a || a >= f->nins) continue;
          if (!placed[a] || f->ins[a].dead) {
            err(&v, "fs%d of %s holds v%u, which is not in any block", s, desc(&v, id), a);
            continue;
          }
          uint32_t ab = f->ins[a].blk;
          if (reachable && !(ab == b ? pos[a] < pos[id] : sc_ir_dominates(f, ab, b)))
            err(&v, "fs%d of %s holds v%u as %s %u, which does not dominate it", s, desc(&v, id), a,
                k < st->nlocals ? "local" : "stack slot", k < st->nlocals ? k : k - st->nlocals);
        }
        if (f->fs[s].parent == s) break;
      }
    }
  }
  free(pos);
  free(placed);
  return v.errors ? -1 : 0;
}
