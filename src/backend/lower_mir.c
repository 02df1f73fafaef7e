/* MIR backend: fast compilation for tiering. LIR leaves through plain MIR
 * registers (a val is two i64 registers, tag and payload; f64 a double
 * register; bool an i64 0/1), phis become parallel copies on CFG edges.
 * Blocks are laid out loop by loop, loops tested at the bottom, cold
 * blocks (exits, error paths) last.
 *
 * Each function is its own module, loaded, linked and generated at once,
 * in the backend context's current MIR context (a unit, rotated so that
 * released code can be freed: see below). Helpers are called by address
 * through per-module prototypes, so modules need no imports. MIR reports
 * errors through a noreturn callback: it longjmps back into compile(), and
 * the unit, now in an unknown state, is set aside for a fresh one. */
#include "config.h"

#include <math.h>
#include <mir-gen.h>
#include <mir.h>
#undef MAP_FAILED /* mir-code-alloc.h's, NULL; not the one mmap returns */
#include <setjmp.h>
#include <sys/mman.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"


/* Native frame scratch, one ALLOCA: [0, 16) moves bits between integer and
 * double registers, [16, 32) is the helpers' out slot, then the argument
 * buffers (argbuf: NewArray, calls, builtins, exits). */
enum { SCRATCH = 0, OUT = 16, ARGS = 32 };

/* Code memory. MIR makes the whole code holder writable and executable
 * again and back to read+exec around every piece it writes: its function,
 * thunks and wrappers, one at a time (about 120 mprotect calls for one
 * small function, each a TLB shootdown on every core running the
 * program). Here a unit's pages turn writable once per compilation and
 * back to read+exec once, when compile() is done (wx_seal): code at rest
 * is never writable, as with MIR's own allocator. */
enum { WX_RANGES = 16 };
typedef struct wx {
  struct MIR_code_alloc ca; /* user_data: this */
  struct { uint8_t *p; size_t n; } open[WX_RANGES]; /* writable now */
  uint32_t nopen;
} wx;

static void *wx_map(size_t len, void *ud) {
  (void)ud;
  void *p = mmap(NULL, len, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p; /* MIR's MAP_FAILED is NULL */
}

static int wx_unmap(void *addr, size_t len, void *ud) {
  (void)ud;
  return munmap(addr, len);
}

static int wx_protect(void *addr, size_t len, MIR_mem_protect_t prot, void *ud) {
  wx *w = ud;
  uint8_t *p = addr;
  if (prot == PROT_READ_EXEC) return 0; /* at the end of the compilation: wx_seal */
  for (uint32_t i = 0; i < w->nopen; i++)
    if (w->open[i].p <= p && p + len <= w->open[i].p + w->open[i].n) return 0;
  if (w->nopen == WX_RANGES) { /* full: seal one now */
    w->nopen--;
    mprotect(w->open[w->nopen].p, w->open[w->nopen].n, PROT_READ | PROT_EXEC);
  }
  if (mprotect(addr, len, PROT_READ | PROT_WRITE | PROT_EXEC)) return -1;
  w->open[w->nopen].p = p, w->open[w->nopen].n = len, w->nopen++;
  return 0;
}

static void wx_seal(wx *w) {
  for (uint32_t i = 0; i < w->nopen; i++) mprotect(w->open[i].p, w->open[i].n, PROT_READ | PROT_EXEC);
  w->nopen = 0;
}

/* A MIR context and the functions compiled in it. MIR frees code only with
 * its whole context, so compilations go into one unit at a time, which is
 * retired after UNIT_FUNCS of them; a retired unit is finished once every
 * function compiled in it has been released. A handle is its unit. */
typedef struct unit {
  MIR_context_t m;
  wx code;         /* its code allocator */
  uint32_t nfuncs; /* modules added: its age */
  uint32_t live;   /* compiled functions not released */
  bool broken;     /* a MIR error left it in an unknown state: never finished */
  struct unit *prev, *next;
} unit;

/* Context creation costs ~0.3 ms and ~220 KiB, each function's MIR stays
 * until the end of its unit: 32 keeps a retired unit's price small when
 * one long-lived function holds it. SC_MIR_UNIT_FUNCS=N overrides it (1:
 * a context per function, as tests use to catch code freed too early). */
#define UNIT_FUNCS 32

typedef struct mctx {
  sc_vm *vm;
  const sc_abi *abi; /* the helpers' addresses */
  unit *cur;       /* compiling into (NULL: start one) */
  uint32_t unit_funcs; /* compilations per unit */
  unit *units;     /* all of them, current and retired */
  sc_backend_stats st;
  unsigned serial; /* unique function names */
  jmp_buf jb;      /* where a MIR error returns to */
  char *err;
  size_t errlen;
} mctx;

/* The compilation a MIR error belongs to (one per compiling thread). */
static _Thread_local mctx *compiling;

static void MIR_NO_RETURN mir_error(MIR_error_type_t type, const char *fmt, ...) {
  (void)type;
  mctx *cur = compiling;
  if (!cur) { /* outside compile(): nowhere to report to */
    va_list ap;
    va_start(ap, fmt);
    fputs("shapec: MIR: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
  }
  if (cur->errlen && !cur->err[0]) { /* else the lowering's own failure explains it better */
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(cur->err, cur->errlen, "MIR: ");
    if (n >= 0 && (size_t)n < cur->errlen) vsnprintf(cur->err + n, cur->errlen - (size_t)n, fmt, ap);
    va_end(ap);
  }
  longjmp(cur->jb, 1);
}

static MIR_context_t new_mir(wx *code) {
  *code = (wx){.ca = {wx_map, wx_unmap, wx_protect, code}};
  MIR_context_t m = MIR_init2(NULL, &code->ca);
  MIR_set_error_func(m, mir_error);
  MIR_gen_init(m); /* the level is set per function: compile() */
  return m;
}

static void *create(sc_vm *vm, const sc_abi *abi, char *err, size_t errlen) {
  (void)err, (void)errlen;
  mctx *c = calloc(1, sizeof *c);
  c->vm = vm;
  c->abi = abi;
  c->st.unit = "MIR contexts";
  const char *e = getenv("SC_MIR_UNIT_FUNCS");
  c->unit_funcs = e && atoi(e) > 0 ? (uint32_t)atoi(e) : UNIT_FUNCS;
  return c;
}

static void unit_free(mctx *c, unit *u) {
  if (u->prev) u->prev->next = u->next;
  else c->units = u->next;
  if (u->next) u->next->prev = u->prev;
  if (!u->broken) { /* a broken one is left as it is: finishing it would report its unfinished parts */
    MIR_gen_finish(u->m);
    MIR_finish(u->m); /* frees the code of every function compiled in it */
  }
  free(u);
  c->st.units--;
}

/* No more compilations into the current unit. */
static void retire(mctx *c) {
  unit *u = c->cur;
  c->cur = NULL;
  if (u && !u->live) unit_free(c, u);
}

static unit *current(mctx *c) {
  if (c->cur && c->cur->nfuncs >= c->unit_funcs) retire(c);
  if (!c->cur) {
    unit *u = calloc(1, sizeof *u);
    u->m = new_mir(&u->code);
    u->next = c->units;
    if (u->next) u->next->prev = u;
    c->units = u;
    c->cur = u;
    if (++c->st.units > c->st.units_max) c->st.units_max = c->st.units;
  }
  return c->cur;
}

static void release(void *ctx, void *handle) {
  mctx *c = ctx;
  unit *u = handle;
  c->st.released++;
  if (!--u->live && u != c->cur) unit_free(c, u);
}

static void stats(void *ctx, sc_backend_stats *out) { *out = ((mctx *)ctx)->st; }

static void destroy(void *ctx) {
  mctx *c = ctx;
  if (!c) return;
  while (c->units) unit_free(c, c->units);
  free(c);
}

/* ---- lowering one function ---- */

typedef struct edge_later {
  MIR_label_t label;
  uint32_t from, to;
} edge_later;

/* MIR's names of a typed entry's arguments (parameter k's is ak) and of a
 * typed call's. */
static const char *const arg_name[SC_ENTRY_MAXPARAMS] = {"a0", "a1", "a2", "a3", "a4", "a5", "a6"};

typedef struct lw {
  mctx *c;
  sc_irfunc *f;
  MIR_context_t m;
  MIR_item_t fn, proto[SC_NHELPERS], native_proto, typed_proto[SC_ENTRY_MAXARGS + 1];
  MIR_func_t F;
  MIR_reg_t vm, fp, buf, out, args;
  MIR_reg_t targ[SC_ENTRY_MAXPARAMS]; /* a typed entry's argument of each typed parameter */
  MIR_reg_t *pay, *tag;  /* per value, 0 until first used: payload (or the scalar) and tag */
  MIR_label_t *lab;      /* per block */
  uint8_t *fused;        /* per value: an icmp/istag its block's br evaluates (compare and branch) */
  MIR_label_t first_cold; /* where the cold blocks start (dumps say so), or NULL */
  uint32_t ntmp;
  uint32_t ninsns;       /* MIR insns emitted */
  unsigned level;        /* MIR's optimization level for this function: mir_level() */
  bool failed;
  edge_later *later; /* loop exits' edge moves, emitted after the blocks (lower_term) */
  size_t nlater, clater;
  MIR_reg_t maxreg; /* the highest register made (drop_dead_moves) */
  FILE *logf; /* with a length asked for: MIR's generator log, into log */
  char *log;
  size_t loglen;
} lw;

static void fail(lw *w, const char *fmt, ...) {
  if (w->failed) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(w->c->err, w->c->errlen, fmt, ap);
  va_end(ap);
  w->failed = true;
}

static void emit(lw *w, MIR_insn_t i) {
  MIR_append_insn(w->m, w->fn, i);
  w->ninsns++;
}
#define INS(w, code, ...) emit(w, MIR_new_insn((w)->m, code, __VA_ARGS__))

static MIR_op_t R(lw *w, MIR_reg_t r) { return MIR_new_reg_op(w->m, r); }
static MIR_op_t K(lw *w, int64_t k) { return MIR_new_int_op(w->m, k); }
static MIR_op_t L(lw *w, MIR_label_t l) { return MIR_new_label_op(w->m, l); }
static MIR_op_t MEM(lw *w, MIR_type_t t, int64_t disp, MIR_reg_t base) {
  return MIR_new_mem_op(w->m, t, disp, base, 0, 1);
}

static MIR_reg_t newreg(lw *w, MIR_type_t t, const char *fmt, uint32_t n) {
  char name[32];
  snprintf(name, sizeof name, fmt, n);
  MIR_reg_t r = MIR_new_func_reg(w->m, w->F, t, name);
  if (r > w->maxreg) w->maxreg = r;
  return r;
}
static MIR_reg_t tmp(lw *w, MIR_type_t t) { return newreg(w, t, "x%u", w->ntmp++); }

static bool is_f64(lw *w, uint32_t v) { return w->f->ins[v].ty == SC_TY_F64; }
/* v's payload register (a val) or its only register (i64, f64, bool). */
static MIR_reg_t P(lw *w, uint32_t v) {
  if (!w->pay[v]) w->pay[v] = newreg(w, is_f64(w, v) ? MIR_T_D : MIR_T_I64, "v%u", v);
  return w->pay[v];
}
static MIR_reg_t T(lw *w, uint32_t v) {
  if (!w->tag[v]) w->tag[v] = newreg(w, MIR_T_I64, "v%u_t", v);
  return w->tag[v];
}
static MIR_op_t PP(lw *w, uint32_t v) { return R(w, P(w, v)); }
static MIR_op_t TT(lw *w, uint32_t v) { return R(w, T(w, v)); }

/* MIR has no bit casts between integer and double registers: go through
 * the scratch slot. */
static MIR_reg_t d2bits(lw *w, MIR_reg_t d) {
  MIR_reg_t r = tmp(w, MIR_T_I64);
  INS(w, MIR_DMOV, MEM(w, MIR_T_D, SCRATCH, w->buf), R(w, d));
  INS(w, MIR_MOV, R(w, r), MEM(w, MIR_T_I64, SCRATCH, w->buf));
  return r;
}
static void bits2d(lw *w, MIR_reg_t d, MIR_op_t bits) {
  INS(w, MIR_MOV, MEM(w, MIR_T_I64, SCRATCH, w->buf), bits);
  INS(w, MIR_DMOV, R(w, d), MEM(w, MIR_T_D, SCRATCH, w->buf));
}

/* The (tag, payload) of value v, boxing typed values; v == 0 is null. */
static void boxed(lw *w, uint32_t v, MIR_op_t *t, MIR_op_t *p) {
  if (!v) {
    *t = K(w, SC_NULL), *p = K(w, 0);
    return;
  }
  switch (w->f->ins[v].ty) {
  case SC_TY_VAL: *t = TT(w, v), *p = PP(w, v); return;
  case SC_TY_I64: *t = K(w, SC_INT), *p = PP(w, v); return;
  case SC_TY_BOOL: *t = K(w, SC_BOOL), *p = PP(w, v); return;
  case SC_TY_F64: *t = K(w, SC_FLOAT), *p = R(w, d2bits(w, P(w, v))); return;
  default:
    fail(w, "v%u: a %s value cannot be boxed", v, sc_ty_name(w->f->ins[v].ty));
    *t = K(w, SC_NULL), *p = K(w, 0);
    return;
  }
}

static MIR_type_t sigty(char ch) {
  switch (ch) {
  case 'w': return MIR_T_U32;
  case 'd': return MIR_T_D;
  default: return MIR_T_I64;
  }
}

/* Calls helper h with args (as many as its signature says); returns the
 * result register, widened: C only defines the low 8 bits of a bool and
 * the low 32 of an int. */
static MIR_reg_t hcall(lw *w, int h, const MIR_op_t *args) {
  const char *s = sc_helpers[h].sig;
  size_t n = strlen(s) - 1;
  MIR_type_t rt = s[0] == 'd' ? MIR_T_D : MIR_T_I64;
  if (!w->proto[h]) {
    MIR_var_t ps[12];
    char pn[12][4];
    for (size_t k = 0; k < n; k++) {
      snprintf(pn[k], sizeof pn[k], "a%u", (unsigned)k);
      ps[k] = (MIR_var_t){.type = sigty(s[k + 1]), .name = pn[k]};
    }
    char name[32];
    snprintf(name, sizeof name, "p_%s", sc_helpers[h].name);
    w->proto[h] = MIR_new_proto_arr(w->m, name, 1, &rt, n, ps);
  }
  char an[32]; /* the address register is named after the helper, for dumps */
  snprintf(an, sizeof an, "%s_%u", sc_helpers[h].name, w->ntmp++);
  MIR_reg_t fa = MIR_new_func_reg(w->m, w->F, MIR_T_I64, an), r = tmp(w, rt);
  INS(w, MIR_MOV, R(w, fa), MIR_new_uint_op(w->m, (uint64_t)(uintptr_t)w->c->abi->helper[h]));
  MIR_op_t ops[16];
  ops[0] = MIR_new_ref_op(w->m, w->proto[h]);
  ops[1] = R(w, fa);
  ops[2] = R(w, r);
  for (size_t k = 0; k < n; k++) ops[3 + k] = args[k];
  emit(w, MIR_new_insn_arr(w->m, MIR_CALL, n + 3, ops));
  if (s[0] == 'b') INS(w, MIR_UEXT8, R(w, r), R(w, r));
  else if (s[0] == 'w') INS(w, MIR_EXT32, R(w, r), R(w, r));
  return r;
}

/* An operand: an i64 constant as an immediate, else its register. */
static MIR_op_t O(lw *w, uint32_t a) {
  const sc_ins *x = &w->f->ins[a];
  return x->op == IR_const && x->ty == SC_TY_I64 ? K(w, x->imm) : PP(w, a);
}

/* dst = src, both of dst's type. */
static void move_val(lw *w, uint32_t dst, uint32_t src) {
  if (w->f->ins[dst].ty == SC_TY_VAL) INS(w, MIR_MOV, TT(w, dst), TT(w, src));
  INS(w, is_f64(w, dst) ? MIR_DMOV : MIR_MOV, PP(w, dst), PP(w, src));
}

static const MIR_insn_code_t icmp_code[SC_NCONDS] = {MIR_EQ, MIR_NE, MIR_LT,  MIR_LE,  MIR_GT,
                                                     MIR_GE, MIR_ULT, MIR_ULE, MIR_UGT, MIR_UGE};
static const MIR_insn_code_t fcmp_code[SC_NCONDS] = {MIR_DEQ, MIR_DNE, MIR_DLT, MIR_DLE, MIR_DGT, MIR_DGE};

static void lower_ins(lw *w, uint32_t v) {
  const sc_ins *in = &w->f->ins[v];
  const uint32_t *a = in->args;
  if (sc_lir_is_addr(in->op)) { /* addresses in the VM, which never move while it lives */
    INS(w, MIR_MOV, PP(w, v), MIR_new_uint_op(w->m, (uint64_t)(uintptr_t)sc_lir_addr(w->c->vm, in)));
    return;
  }
  switch (in->op) {
  case IR_const:
    switch (in->ty) {
    case SC_TY_VAL: {
      sc_value c = w->f->prog->consts[in->imm];
      INS(w, MIR_MOV, TT(w, v), K(w, (int64_t)c.tag));
      INS(w, MIR_MOV, PP(w, v), K(w, c.i));
      return;
    }
    case SC_TY_F64: {
      double d;
      memcpy(&d, &in->imm, sizeof d);
      INS(w, MIR_DMOV, PP(w, v), MIR_new_double_op(w->m, d));
      return;
    }
    case SC_TY_BOOL: INS(w, MIR_MOV, PP(w, v), K(w, in->imm != 0)); return;
    default: INS(w, MIR_MOV, PP(w, v), K(w, in->imm)); return;
    }
  case IR_null:
  case IR_func:
    INS(w, MIR_MOV, TT(w, v), K(w, in->op == IR_null ? SC_NULL : SC_FUNC));
    INS(w, MIR_MOV, PP(w, v), K(w, in->op == IR_null ? 0 : in->imm));
    return;
  case IR_phi: return; /* moves on the incoming edges */
  case IR_copy: move_val(w, v, a[0]); return;
  case IR_box:
    if (w->f->ins[a[0]].ty == SC_TY_VAL) {
      move_val(w, v, a[0]);
    } else {
      MIR_op_t t, p;
      boxed(w, a[0], &t, &p);
      INS(w, MIR_MOV, TT(w, v), t);
      INS(w, MIR_MOV, PP(w, v), p);
    }
    return;
  case IR_unbox:
    if (in->ty == SC_TY_F64) bits2d(w, P(w, v), PP(w, a[0]));
    else if (in->ty == SC_TY_BOOL) INS(w, MIR_NE, PP(w, v), PP(w, a[0]), K(w, 0));
    else INS(w, MIR_MOV, PP(w, v), PP(w, a[0]));
    return;
  case IR_istag:
    if (!w->fused[v]) INS(w, MIR_EQ, PP(w, v), TT(w, a[0]), K(w, in->aux));
    return;
  case IR_truthy: {
    /* null: false; bool, int: payload != 0; float: not +-0.0 (NaN is
     * true); anything else: true */
    MIR_label_t done = MIR_new_label(w->m);
    MIR_reg_t x = tmp(w, MIR_T_I64);
    MIR_op_t r = PP(w, v), t = TT(w, a[0]), p = PP(w, a[0]);
    INS(w, MIR_MOV, r, K(w, 0));
    INS(w, MIR_BEQ, L(w, done), t, K(w, SC_NULL));
    INS(w, MIR_NE, r, p, K(w, 0));
    INS(w, MIR_UBLE, L(w, done), t, K(w, SC_INT));
    INS(w, MIR_MOV, r, K(w, 1));
    INS(w, MIR_BNE, L(w, done), t, K(w, SC_FLOAT));
    INS(w, MIR_LSH, R(w, x), p, K(w, 1));
    INS(w, MIR_NE, r, R(w, x), K(w, 0));
    emit(w, done);
    return;
  }
  case IR_iadd: INS(w, MIR_ADD, PP(w, v), PP(w, a[0]), O(w, a[1])); return;
  case IR_isub: INS(w, MIR_SUB, PP(w, v), PP(w, a[0]), O(w, a[1])); return;
  case IR_imul: INS(w, MIR_MUL, PP(w, v), PP(w, a[0]), O(w, a[1])); return;
  case IR_ineg: INS(w, MIR_NEG, PP(w, v), PP(w, a[0])); return;
  case IR_iaddo: INS(w, MIR_ADDO, PP(w, v), PP(w, a[0]), O(w, a[1])); return;
  case IR_isubo: INS(w, MIR_SUBO, PP(w, v), PP(w, a[0]), O(w, a[1])); return;
  case IR_imulo: INS(w, MIR_MULO, PP(w, v), PP(w, a[0]), O(w, a[1])); return;
  case IR_ovf: return; /* the br after it branches on the flags (lower_term) */
  case IR_sdiv: INS(w, MIR_DIV, PP(w, v), PP(w, a[0]), PP(w, a[1])); return;
  case IR_srem_nz: INS(w, MIR_MOD, PP(w, v), PP(w, a[0]), PP(w, a[1])); return;
  case IR_udiv32: case IR_urem32: /* 32-bit ops leave the upper half undefined */
    INS(w, in->op == IR_udiv32 ? MIR_UDIVS : MIR_UMODS, PP(w, v), PP(w, a[0]), PP(w, a[1]));
    INS(w, MIR_UEXT32, PP(w, v), PP(w, v));
    return;
  case IR_srem: { /* x % -1 is 0; the machine would trap on INT64_MIN % -1 */
    MIR_label_t done = MIR_new_label(w->m);
    INS(w, MIR_MOV, PP(w, v), K(w, 0));
    INS(w, MIR_BEQ, L(w, done), PP(w, a[1]), K(w, -1));
    INS(w, MIR_MOD, PP(w, v), PP(w, a[0]), PP(w, a[1]));
    emit(w, done);
    return;
  }
  case IR_iand: INS(w, MIR_AND, PP(w, v), PP(w, a[0]), O(w, a[1])); return;
  case IR_ior: INS(w, MIR_OR, PP(w, v), PP(w, a[0]), O(w, a[1])); return;
  case IR_ixor: INS(w, MIR_XOR, PP(w, v), PP(w, a[0]), O(w, a[1])); return;
  case IR_ishl:
  case IR_ishr: {
    const sc_ins *c = &w->f->ins[a[1]];
    if (c->op == IR_const) { /* a count known here: the machine's immediate form */
      INS(w, in->op == IR_ishl ? MIR_LSH : MIR_RSH, PP(w, v), PP(w, a[0]), K(w, c->imm & 63));
      return;
    }
    MIR_reg_t n = tmp(w, MIR_T_I64);
    INS(w, MIR_AND, R(w, n), PP(w, a[1]), K(w, 63));
    INS(w, in->op == IR_ishl ? MIR_LSH : MIR_RSH, PP(w, v), PP(w, a[0]), R(w, n));
    return;
  }
  case IR_inot: INS(w, MIR_XOR, PP(w, v), PP(w, a[0]), K(w, -1)); return;
  case IR_icmp:
  case IR_fcmp:
    if (w->fused[v]) return;
    if (in->aux < 0 || in->aux >= SC_NCONDS || (in->op == IR_fcmp && sc_cond_unsigned((sc_cond)in->aux))) {
      fail(w, "v%u: bad condition %d", v, in->aux);
      return;
    }
    INS(w, (in->op == IR_icmp ? icmp_code : fcmp_code)[in->aux], PP(w, v), PP(w, a[0]),
        in->op == IR_icmp ? O(w, a[1]) : PP(w, a[1]));
    return;
  case IR_fadd: INS(w, MIR_DADD, PP(w, v), PP(w, a[0]), PP(w, a[1])); return;
  case IR_fsub: INS(w, MIR_DSUB, PP(w, v), PP(w, a[0]), PP(w, a[1])); return;
  case IR_fmul: INS(w, MIR_DMUL, PP(w, v), PP(w, a[0]), PP(w, a[1])); return;
  case IR_fdiv: INS(w, MIR_DDIV, PP(w, v), PP(w, a[0]), PP(w, a[1])); return;
  case IR_fneg: INS(w, MIR_DNEG, PP(w, v), PP(w, a[0])); return;
  case IR_i2f: INS(w, MIR_I2D, PP(w, v), PP(w, a[0])); return;
  case IR_d2i: INS(w, MIR_D2I, PP(w, v), PP(w, a[0])); return;
  case IR_bnot: INS(w, MIR_XOR, PP(w, v), PP(w, a[0]), K(w, 1)); return;
  case IR_callh: {
    MIR_op_t x[12];
    for (uint32_t k = 0; k < in->nargs && k < 12; k++) x[k] = O(w, a[k]);
    INS(w, is_f64(w, v) ? MIR_DMOV : MIR_MOV, PP(w, v), R(w, hcall(w, in->aux, x)));
    return;
  }
  case IR_retst: emit(w, MIR_new_ret_insn(w->m, 1, O(w, a[0]))); return;
  case IR_retv: /* a typed entry's result, as i64 bits */
    emit(w, MIR_new_ret_insn(w->m, 1, is_f64(w, a[0]) ? R(w, d2bits(w, P(w, a[0]))) : O(w, a[0])));
    return;
  case IR_param: /* a typed entry's argument (i64 and bool: alias_regs) */
    if (is_f64(w, v)) bits2d(w, P(w, v), R(w, w->targ[in->imm]));
    return;
  case IR_callt: {
    uint32_t nt = in->nargs - 3;
    if (!w->typed_proto[nt]) {
      MIR_type_t rt = MIR_T_I64;
      MIR_var_t ps[2 + SC_ENTRY_MAXARGS] = {{.type = MIR_T_I64, .name = "vm"}, {.type = MIR_T_I64, .name = "fp"}};
      for (uint32_t k = 0; k < nt; k++) ps[2 + k] = (MIR_var_t){.type = MIR_T_I64, .name = arg_name[k]};
      char pn[16];
      snprintf(pn, sizeof pn, "p_typed%u", nt);
      w->typed_proto[nt] = MIR_new_proto_arr(w->m, pn, 1, &rt, 2 + nt, ps);
    }
    MIR_op_t ops[6 + SC_ENTRY_MAXARGS];
    MIR_reg_t r = is_f64(w, v) ? tmp(w, MIR_T_I64) : P(w, v);
    ops[0] = MIR_new_ref_op(w->m, w->typed_proto[nt]), ops[1] = PP(w, a[0]), ops[2] = R(w, r);
    ops[3] = PP(w, a[1]), ops[4] = PP(w, a[2]);
    for (uint32_t k = 0; k < nt; k++) ops[5 + k] = is_f64(w, a[3 + k]) ? R(w, d2bits(w, P(w, a[3 + k]))) : PP(w, a[3 + k]);
    emit(w, MIR_new_insn_arr(w->m, MIR_CALL, 5 + nt, ops));
    if (is_f64(w, v)) bits2d(w, P(w, v), R(w, r));
    return;
  }
  case IR_frame: case IR_vpay: case IR_i2p: case IR_mkval: case IR_tagof: /* alias_regs */
  case IR_vm: case IR_outslot: case IR_argbuf: case IR_p2i: return;
  case IR_band: INS(w, MIR_AND, PP(w, v), PP(w, a[0]), PP(w, a[1])); return;
  case IR_calln:
    if (!w->native_proto) {
      MIR_type_t rt = MIR_T_I64;
      MIR_var_t ps[2] = {{.type = MIR_T_I64, .name = "vm"}, {.type = MIR_T_I64, .name = "fp"}};
      w->native_proto = MIR_new_proto_arr(w->m, "p_native", 1, &rt, 2, ps);
    }
    emit(w, MIR_new_call_insn(w->m, 5, MIR_new_ref_op(w->m, w->native_proto), PP(w, a[0]), PP(w, v), PP(w, a[1]),
                              PP(w, a[2])));
    INS(w, MIR_EXT32, PP(w, v), PP(w, v));
    return;
  case IR_shapek:
    if (!in->imm) {
      fail(w, "v%u: shapek without its shape (IR from text)", v);
      return;
    }
    INS(w, MIR_MOV, PP(w, v), MIR_new_uint_op(w->m, (uint64_t)in->imm));
    return;
  case IR_padd: {
    const sc_ins *x = &w->f->ins[a[1]];
    int64_t off = (int64_t)((uint64_t)x->imm << (in->aux & 63));
    if (x->op == IR_const && x->ty == SC_TY_I64 && off >= INT32_MIN && off <= INT32_MAX &&
        off >> (in->aux & 63) == x->imm) { /* p + k << s: one add of an immediate */
      INS(w, MIR_ADD, PP(w, v), PP(w, a[0]), K(w, off));
      return;
    }
    if (!in->aux) {
      INS(w, MIR_ADD, PP(w, v), PP(w, a[0]), PP(w, a[1]));
      return;
    }
    MIR_reg_t e = tmp(w, MIR_T_I64);
    INS(w, MIR_LSH, R(w, e), PP(w, a[1]), K(w, in->aux));
    INS(w, MIR_ADD, PP(w, v), R(w, e), PP(w, a[0]));
    return;
  }
  case IR_ld: /* a bool is a byte (0/1) in memory, an i64 0/1 in a register */
    if (is_f64(w, v)) INS(w, MIR_DMOV, PP(w, v), MEM(w, MIR_T_D, in->aux, P(w, a[0])));
    else INS(w, MIR_MOV, PP(w, v), MEM(w, in->ty == SC_TY_BOOL ? MIR_T_U8 : MIR_T_I64, in->aux, P(w, a[0])));
    return;
  case IR_ld32: INS(w, MIR_MOV, PP(w, v), MEM(w, MIR_T_U32, in->aux, P(w, a[0]))); return;
  case IR_st:
    if (is_f64(w, a[1])) INS(w, MIR_DMOV, MEM(w, MIR_T_D, in->aux, P(w, a[0])), PP(w, a[1]));
    else if (w->f->ins[a[1]].ty == SC_TY_BOOL) INS(w, MIR_MOV, MEM(w, MIR_T_U8, in->aux, P(w, a[0])), PP(w, a[1]));
    else INS(w, MIR_MOV, MEM(w, MIR_T_I64, in->aux, P(w, a[0])), O(w, a[1]));
    return;
  default: fail(w, "v%u: %s is not LIR (run pass lower first)", v, sc_irop_name(in->op)); return;
  }
}

/* ---- out of SSA ---- */

typedef struct mv {
  MIR_reg_t d, s;
  bool dbl;
} mv;

/* Emits the parallel copy m[0..n): a move goes once nothing pending reads
 * its destination; when every pending move is blocked they form cycles,
 * broken by saving one destination in a temporary. */
static void par_copy(lw *w, mv *m, uint32_t n) {
  for (uint32_t i = 0; i < n;)
    if (m[i].d == m[i].s) m[i] = m[--n];
    else i++;
  while (n) {
    bool moved = false;
    for (uint32_t i = 0; i < n;) {
      bool busy = false;
      for (uint32_t j = 0; j < n && !busy; j++) busy = j != i && m[j].s == m[i].d;
      if (busy) {
        i++;
        continue;
      }
      INS(w, m[i].dbl ? MIR_DMOV : MIR_MOV, R(w, m[i].d), R(w, m[i].s));
      m[i] = m[--n];
      moved = true;
    }
    if (moved || !n) continue;
    MIR_reg_t t = tmp(w, m[0].dbl ? MIR_T_D : MIR_T_I64), d = m[0].d;
    INS(w, m[0].dbl ? MIR_DMOV : MIR_MOV, R(w, t), R(w, d));
    for (uint32_t j = 0; j < n; j++)
      if (m[j].s == d) m[j].s = t;
  }
}

/* The phi moves of edge from -> to. */
static void edge_moves(lw *w, uint32_t from, uint32_t to) {
  sc_irfunc *f = w->f;
  const sc_blk *bl = &f->blk[to];
  if (!sc_ir_has_phis(f, to)) return;
  uint32_t k = 0;
  while (k < bl->npreds && bl->preds[k] != from) k++;
  if (k == bl->npreds) {
    fail(w, "b%u is not a predecessor of b%u", from, to);
    return;
  }
  mv *m = sc_arena_alloc(f->arena, 2 * bl->nins * sizeof *m);
  uint32_t n = 0;
  for (uint32_t i = 0; i < bl->nins; i++) {
    uint32_t v = bl->ins[i];
    const sc_ins *in = &f->ins[v];
    if (in->op != IR_phi) break;
    if (k >= in->nargs || !in->args[k]) {
      fail(w, "phi v%u has no operand for b%u", v, from);
      return;
    }
    uint32_t s = in->args[k];
    if (in->ty == SC_TY_VAL) m[n++] = (mv){T(w, v), T(w, s), false};
    m[n++] = (mv){P(w, v), P(w, s), is_f64(w, v)};
  }
  par_copy(w, m, n);
}

/* Where a branch to block s (no phis) lands in the end: past blocks that
 * only jump on to a block without phis (split edges whose moves came to
 * nothing), so that a loop's exit test is not a branch over a jump to a
 * jump (MIR does not thread them). */
static uint32_t through(lw *w, uint32_t s) {
  for (int n = 0; n < 8; n++) {
    const sc_blk *bl = &w->f->blk[s];
    if (bl->nins != 1) break;
    const sc_ins *j = &w->f->ins[bl->ins[0]];
    if (j->op != IR_jmp || j->succ[0] == s || sc_ir_has_phis(w->f, j->succ[0])) break;
    s = j->succ[0];
  }
  return s;
}

/* Jumps along edge from -> to, unless `to` comes next. */
static void jump(lw *w, uint32_t from, uint32_t to, uint32_t next) {
  edge_moves(w, from, to);
  if (to == next) return;
  uint32_t t = sc_ir_has_phis(w->f, to) ? to : through(w, to);
  if (t != next) INS(w, MIR_JMP, L(w, w->lab[t]));
}

/* Branches to l when bool c is `sense`: a fused icmp compares and
 * branches in one instruction. */
static void branch_if(lw *w, uint32_t c, bool sense, MIR_label_t l) {
  static const MIR_insn_code_t bcode[SC_NCONDS] = {MIR_BEQ, MIR_BNE,  MIR_BLT,  MIR_BLE,  MIR_BGT,
                                                   MIR_BGE, MIR_UBLT, MIR_UBLE, MIR_UBGT, MIR_UBGE};
  const sc_ins *in = &w->f->ins[c];
  if (!w->fused[c]) {
    INS(w, sense ? MIR_BT : MIR_BF, L(w, l), PP(w, c));
    return;
  }
  if (in->op == IR_istag) INS(w, sense ? MIR_BEQ : MIR_BNE, L(w, l), TT(w, in->args[0]), K(w, in->aux));
  else if (in->op == IR_fcmp) { /* NaN: not-less is not greater-or-equal; only eq and ne invert */
    static const MIR_insn_code_t fbcode[] = {MIR_DBEQ, MIR_DBNE, MIR_DBLT, MIR_DBLE, MIR_DBGT, MIR_DBGE};
    sc_cond cc = (sc_cond)in->aux;
    if (sense || cc == SC_CC_EQ || cc == SC_CC_NE) {
      INS(w, fbcode[sense ? cc : sc_cond_negated(cc)], L(w, l), PP(w, in->args[0]), PP(w, in->args[1]));
      return;
    }
    MIR_label_t skip = MIR_new_label(w->m);
    INS(w, fbcode[cc], L(w, skip), PP(w, in->args[0]), PP(w, in->args[1]));
    INS(w, MIR_JMP, L(w, l));
    emit(w, skip);
  } else {
    sc_cond cc = (sc_cond)in->aux;
    INS(w, bcode[sense ? cc : sc_cond_negated(cc)], L(w, l), PP(w, in->args[0]), O(w, in->args[1]));
  }
}

/* Terminators with their edges. A br edge with phi moves gets its own
 * block (a split critical edge when the target has other predecessors).
 * A br to one block twice is a jmp (its phis read the first edge's operands). */
static void lower_term(lw *w, uint32_t b, uint32_t v, uint32_t next) {
  const sc_ins *in = &w->f->ins[v];
  if (in->op == IR_jmp || (in->op == IR_br && in->succ[0] == in->succ[1])) {
    jump(w, b, in->succ[0], next);
    return;
  }
  if (in->op != IR_br) {
    lower_ins(w, v);
    return;
  }
  uint32_t s0 = in->succ[0], s1 = in->succ[1];
  if (w->f->ins[in->args[0]].op == IR_ovf) { /* right after the overflowing op */
    if (sc_ir_has_phis(w->f, s0)) fail(w, "v%u: an overflow edge into phis", v);
    INS(w, MIR_BO, L(w, w->lab[s0]));
    jump(w, b, s1, next);
    return;
  }
  uint32_t c = in->args[0];
  /* a float compare other than eq/ne has no inverse (NaN): branching on
   * its false edge costs a branch over a jump */
  const sc_ins *ci = &w->f->ins[c];
  bool no_inverse = w->fused[c] && ci->op == IR_fcmp && ci->aux != SC_CC_EQ && ci->aux != SC_CC_NE;
  int32_t lp = w->f->loop_of[b];
  if (sc_ir_has_phis(w->f, s0) && (sc_ir_has_phis(w->f, s1) || no_inverse) && lp >= 0 &&
      !sc_ir_loop_contains(w->f, (uint32_t)lp, s0)) {
    /* leaving the loop along an edge with moves: they go out of line, at
     * the function's end, and the loop goes on without a jump */
    MIR_label_t e = MIR_new_label(w->m);
    branch_if(w, c, true, e);
    w->later = sc_arena_grow(w->f->arena, w->later, sizeof *w->later, w->nlater, &w->clater, (size_t)w->nlater + 1);
    w->later[w->nlater++] = (edge_later){e, b, s0};
    jump(w, b, s1, next);
    return;
  }
  if ((s1 == next || no_inverse) && !sc_ir_has_phis(w->f, s0)) { /* a rotated loop's test: branch back, fall out */
    branch_if(w, c, true, w->lab[through(w, s0)]);
    jump(w, b, s1, next);
  } else if (!sc_ir_has_phis(w->f, s1)) { /* false edge first: the true one may fall through */
    branch_if(w, c, false, w->lab[through(w, s1)]);
    jump(w, b, s0, next);
  } else if (!sc_ir_has_phis(w->f, s0)) {
    branch_if(w, c, true, w->lab[through(w, s0)]);
    jump(w, b, s1, next);
  } else {
    MIR_label_t e = MIR_new_label(w->m);
    branch_if(w, c, true, e);
    jump(w, b, s1, UINT32_MAX);
    emit(w, e);
    jump(w, b, s0, next);
  }
}

/* ---- block layout ---- */

/* MIR keeps blocks in the order it is given: it does not rotate loops.
 * The order: reverse post-order with each loop contiguous (nested loops
 * inside it), and a loop that tests at its header and jumps back from its
 * last block rotated, header last: the latch falls through into the test
 * and the back edge is the test's conditional branch to the body, one
 * branch per iteration instead of two. Entering costs one jump. Cold
 * blocks come last, in reverse post-order. */
typedef struct layout {
  sc_irfunc *f;
  uint32_t *order, n;
  uint8_t *placed;
} layout;

static void place_region(layout *y, const uint32_t *blocks, uint32_t n, int32_t region);

/* Does b end by jumping to h unconditionally? */
static bool jumps_to(const sc_irfunc *f, uint32_t b, uint32_t h) {
  uint32_t s[2];
  int ns = sc_ir_succs(f, b, s);
  return ns && s[0] == h && (ns == 1 || s[1] == h);
}

/* The blocks loop l tests its condition in: from its header along the
 * checks (a branch to a cold block) to a two-way branch with one edge
 * leaving l, each the single successor of the one before; their number
 * (0: the loop does not test at its header). */
static uint32_t header_test(const sc_irfunc *f, uint32_t l) {
  uint32_t s[2], n = 1;
  for (uint32_t b = f->loops[l].header;; n++) {
    if (sc_ir_succs(f, b, s) != 2 || s[0] == s[1]) return 0;
    if (f->blk[s[0]].cold == f->blk[s[1]].cold)
      return !f->blk[s[0]].cold && sc_ir_loop_contains(f, l, s[0]) != sc_ir_loop_contains(f, l, s[1]) ? n : 0;
    b = f->blk[s[0]].cold ? s[1] : s[0];
    if (f->blk[b].npreds != 1 || !sc_ir_loop_contains(f, l, b)) return 0;
  }
}

static void place_loop(layout *y, uint32_t l) {
  const sc_irfunc *f = y->f;
  const sc_loop *lp = &f->loops[l];
  uint32_t start = y->n;
  place_region(y, lp->blocks, lp->nblocks, (int32_t)l);
  uint32_t h = y->order[start], last = y->order[y->n - 1], n = header_test(f, l);
  if (lp->irreducible || h != lp->header || h == f->rpo[0] || !n || start + n >= y->n || !jumps_to(f, last, h))
    return;
  /* the test's blocks come first in reverse post-order (each dominates
   * the rest of the loop): they go last */
  uint32_t *t = sc_arena_alloc(f->arena, n * sizeof *t), s[2];
  memcpy(t, y->order + start, n * sizeof *t);
  for (uint32_t k = 0; k + 1 < n; k++)
    if (sc_ir_succs(f, t[k], s) != 2 || (s[0] != t[k + 1] && s[1] != t[k + 1])) return;
  memmove(y->order + start, y->order + start + n, (y->n - start - n) * sizeof *y->order);
  memcpy(y->order + y->n - n, t, n * sizeof *t);
}

/* Places the blocks of `region` (a loop, or -1 for the function) not placed
 * yet, in the given order (reverse post-order); a block of a nested loop
 * places that whole loop. */
static void place_region(layout *y, const uint32_t *blocks, uint32_t n, int32_t region) {
  const sc_irfunc *f = y->f;
  for (uint32_t k = 0; k < n; k++) {
    uint32_t b = blocks[k];
    if (y->placed[b] || f->blk[b].cold) continue;
    int32_t l = f->loop_of[b];
    if (l == region) {
      y->placed[b] = 1;
      y->order[y->n++] = b;
      continue;
    }
    while (f->loops[l].parent != region) l = f->loops[l].parent;
    place_loop(y, (uint32_t)l);
  }
}

static uint32_t *block_layout(sc_irfunc *f) {
  layout y = {.f = f, .order = sc_arena_alloc(f->arena, (f->nrpo + 1) * sizeof *y.order)};
  y.placed = sc_arena_alloc(f->arena, f->nblk + 1);
  place_region(&y, f->rpo, f->nrpo, -1);
  for (uint32_t k = 0; k < f->nrpo; k++)
    if (f->blk[f->rpo[k]].cold) y.order[y.n++] = f->rpo[k];
  return y.n == f->nrpo ? y.order : NULL;
}

/* Scratch room: the most values any helper call stores at once. */
static uint32_t scratch_need(const sc_irfunc *f) {
  uint32_t n = 1;
  for (uint32_t i = 1; i < f->nins; i++)
    if (!f->ins[i].dead && f->ins[i].nargs > n) n = f->ins[i].nargs;
    else if (!f->ins[i].dead && f->ins[i].op == IR_argbuf && (uint32_t)f->ins[i].aux / 16 > n) n = (uint32_t)f->ins[i].aux / 16;
  return n;
}

/* LIR ops that only rename registers get their operands' registers, in
 * reverse post-order (operands first): a value's registers are written
 * once, and edges carry phi moves on split critical edges, so sharing
 * them is what copy propagation on SSA does. */
static void alias_regs(lw *w) {
  const sc_irfunc *f = w->f;
  for (uint32_t k = 0; k < f->nrpo; k++) {
    const sc_blk *bl = &f->blk[f->rpo[k]];
    for (uint32_t i = 0; i < bl->nins; i++) {
      uint32_t v = bl->ins[i];
      const uint32_t *a = f->ins[v].args;
      switch (f->ins[v].op) {
      case IR_frame: w->pay[v] = w->fp; break;
      case IR_vm: w->pay[v] = w->vm; break;
      case IR_param:
        if (f->ins[v].ty != SC_TY_F64) w->pay[v] = w->targ[f->ins[v].imm];
        break;
      case IR_outslot: w->pay[v] = w->out; break;
      case IR_argbuf: w->pay[v] = w->args; break;
      case IR_vpay: case IR_i2p: case IR_p2i: w->pay[v] = P(w, a[0]); break;
      case IR_tagof: w->pay[v] = T(w, a[0]); break;
      case IR_mkval: w->tag[v] = P(w, a[0]), w->pay[v] = P(w, a[1]); break;
      default: break;
      }
    }
  }
}

/* An icmp or istag whose one use is its block's br (on two blocks) is
 * evaluated by that br. */
static void fuse_compares(lw *w) {
  const sc_irfunc *f = w->f;
  const uint32_t *uses = sc_ir_arg_uses(w->f);
  w->fused = sc_arena_alloc(f->arena, f->nins);
  for (uint32_t k = 0; k < f->nrpo; k++) {
    const sc_blk *bl = &f->blk[f->rpo[k]];
    const sc_ins *t = bl->nins ? &f->ins[bl->ins[bl->nins - 1]] : NULL;
    if (!t || t->op != IR_br || t->succ[0] == t->succ[1]) continue;
    const sc_ins *c = &f->ins[t->args[0]];
    if ((c->op == IR_istag || ((c->op == IR_icmp || c->op == IR_fcmp) && c->aux >= 0 && c->aux < SC_NCONDS)) &&
        c->blk == f->rpo[k] &&
        uses[t->args[0]] == 1)
      w->fused[t->args[0]] = 1;
  }
}

/* ---- MIR's optimization level ---- */

/* Level 2 costs MIR about 1.2-1.3x level 1's time up to a few thousand
 * insns, but 1.7-3x beyond 10000 (46676 insns: 182 -> 305 ms of CPU):
 * larger functions get level 1. */
#define O2_MAX_INSNS 8000

/* Level 2 (GVN, constant and copy propagation, LICM, coalescing) gives
 * faster code than level 1, but MIR's LICM (mir-gen.c loop_licm, MIR
 * commit a8ab7c31) moves an overflow insn (addo, subo, mulo) whose operands
 * it finds loop-invariant to the loop's preheader and leaves its bo in the
 * loop, where the bo then reads the flags of whatever set them last: an
 * overflow goes unnoticed (tests/programs/mir_licm_ovf.sasm; the OSR code of
 * gen_101753_mir_o2.sasm computed wrong values so). MIR.md requires the
 * overflow insn right before its bo; MIR's GVN and DCE keep the pair, its
 * LICM does not. Its LICM moves nothing out of a loop with loops inside,
 * never moves a phi nor anything computed from one, and its constant
 * propagation visits blocks once in reverse post-order, so a header phi
 * whose back edge brings a value of another register (a move inside the
 * loop) is never a constant to it. Hence level 2 only when every overflow
 * op in a loop reads such a phi of its innermost loop, directly or through
 * ops of that loop; and, for a nested loop, when its back edges cannot be
 * folded away (which would make the enclosing loop innermost): each comes
 * from a jmp, an overflow branch or a compare of such a value. Other
 * functions get level 1. */
/* Does v vary in loop l to MIR: a phi of l's header with a move inside l,
 * or computed in l from such a value? memo[v]: 2l+2 when it does, 2l+1
 * when not shown to (nested loops differ: a value of an inner loop's
 * header phi varies in the outer one too, one of the outer's may not vary
 * in the inner). */
static bool varies(lw *w, uint32_t l, uint32_t v, uint32_t *memo, int depth) {
  const sc_irfunc *f = w->f;
  const sc_ins *in = &f->ins[v];
  if (!v || in->blk >= f->nblk || !sc_ir_loop_contains(f, l, in->blk) || depth > 16) return false;
  if (memo[v] == 2 * l + 1 || memo[v] == 2 * l + 2) return memo[v] == 2 * l + 2;
  memo[v] = 2 * l + 1; /* not until shown */
  bool yes = false;
  if (in->op == IR_phi) {
    const sc_blk *h = &f->blk[in->blk];
    if (in->blk == f->loops[l].header)
      for (uint32_t k = 0; k < h->npreds && k < in->nargs && !yes; k++) {
        uint32_t a = in->args[k];
        yes = sc_ir_loop_contains(f, l, h->preds[k]) && a && a != v && (!w->pay[a] || w->pay[a] != w->pay[v]);
      }
  } else {
    for (uint32_t k = 0; k < in->nargs && !yes; k++) yes = varies(w, l, in->args[k], memo, depth + 1);
  }
  memo[v] = yes ? 2 * l + 2 : 2 * l + 1;
  return yes;
}

static unsigned mir_level(lw *w) {
  const sc_irfunc *f = w->f;
  uint32_t *memo = NULL;
  for (uint32_t b = 0; b < f->nblk; b++) {
    if (!f->loop_of || f->loop_of[b] < 0) continue;
    const sc_blk *bl = &f->blk[b];
    uint32_t l = (uint32_t)f->loop_of[b];
    for (uint32_t i = 0; i < bl->nins; i++) {
      const sc_ins *in = &f->ins[bl->ins[i]];
      if (in->op != IR_iaddo && in->op != IR_isubo && in->op != IR_imulo) continue;
      if (f->loops[l].irreducible) return 1;
      if (!memo) memo = sc_arena_alloc(f->arena, f->nins * sizeof *memo);
      if (!varies(w, l, in->args[0], memo, 0) && !varies(w, l, in->args[1], memo, 0)) return 1;
      if (f->loops[l].parent < 0) continue;
      const sc_loop *lp = &f->loops[l];
      for (uint32_t k = 0; k < lp->nlatches; k++) {
        const sc_blk *lb = &f->blk[lp->latches[k]];
        const sc_ins *t = &f->ins[lb->ins[lb->nins - 1]];
        if (t->op == IR_jmp) continue;
        if (t->op != IR_br) return 1;
        const sc_ins *c = &f->ins[t->args[0]];
        if (c->op == IR_ovf) continue;
        if ((c->op != IR_icmp && c->op != IR_fcmp) ||
            (!varies(w, l, c->args[0], memo, 0) && !varies(w, l, c->args[1], memo, 0)))
          return 1;
      }
    }
  }
  return 2;
}

/* Constants are lowered where they are defined, but most uses take them
 * as immediates (O): their moves into registers are mostly dead, and
 * each would cost every pass of MIR's generator before its own DCE. A
 * move of an immediate (or of a register) into a register nothing reads
 * goes; one walk to find the registers read, one to drop. */
static void drop_dead_moves(lw *w) {
  uint8_t *read = sc_arena_alloc(w->f->arena, (size_t)w->maxreg + 1);
  for (MIR_insn_t i = DLIST_HEAD(MIR_insn_t, w->F->insns); i; i = DLIST_NEXT(MIR_insn_t, i))
    for (size_t k = 0; k < i->nops; k++) {
      const MIR_op_t *o = &i->ops[k];
      int out = 0;
      if (o->mode == MIR_OP_MEM) {
        if (o->u.mem.base <= w->maxreg) read[o->u.mem.base] = 1;
        if (o->u.mem.index <= w->maxreg) read[o->u.mem.index] = 1;
      } else if (o->mode == MIR_OP_REG) {
        MIR_insn_op_mode(w->m, i, k, &out);
        if (!out && o->u.reg <= w->maxreg) read[o->u.reg] = 1;
      }
    }
  for (MIR_insn_t i = DLIST_HEAD(MIR_insn_t, w->F->insns), nx; i; i = nx) {
    nx = DLIST_NEXT(MIR_insn_t, i);
    if ((i->code == MIR_MOV || i->code == MIR_DMOV) && i->ops[0].mode == MIR_OP_REG &&
        i->ops[0].u.reg <= w->maxreg && !read[i->ops[0].u.reg] &&
        (i->ops[1].mode == MIR_OP_INT || i->ops[1].mode == MIR_OP_UINT || i->ops[1].mode == MIR_OP_DOUBLE ||
         i->ops[1].mode == MIR_OP_REG)) {
      MIR_remove_insn(w->m, w->fn, i);
      w->ninsns--;
    }
  }
}

static void lower_func(lw *w, const char *name) {
  sc_irfunc *f = w->f;
  sc_arena *A = f->arena;
  /* int fn(vm, frame); a typed entry: int64_t fn(vm, frame, typed arguments) */
  MIR_type_t rt = f->esig ? MIR_T_I64 : MIR_T_I32;
  MIR_var_t params[2 + SC_ENTRY_MAXPARAMS] = {{.type = MIR_T_I64, .name = "vm"}, {.type = MIR_T_I64, .name = "frame"}};
  uint32_t np = 2, of[SC_ENTRY_MAXPARAMS]; /* of: the parameter each argument is */
  for (uint32_t k = 0; f->esig && k < sc_entry_nparams(f->esig); k++)
    if (sc_entry_param(f->esig, k) != SC_TY_VAL) of[np - 2] = k, params[np++] = (MIR_var_t){.type = MIR_T_I64, .name = arg_name[k]};
  w->fn = MIR_new_func_arr(w->m, name, 1, &rt, np, params);
  w->F = MIR_get_item_func(w->m, w->fn);
  w->vm = MIR_reg(w->m, "vm", w->F);
  w->fp = MIR_reg(w->m, "frame", w->F);
  for (uint32_t k = 2; k < np; k++) w->targ[of[k - 2]] = MIR_reg(w->m, params[k].name, w->F);
  w->buf = MIR_new_func_reg(w->m, w->F, MIR_T_I64, "buf");
  w->out = MIR_new_func_reg(w->m, w->F, MIR_T_I64, "out");
  w->args = MIR_new_func_reg(w->m, w->F, MIR_T_I64, "args");
  w->pay = sc_arena_alloc(A, f->nins * sizeof *w->pay);
  w->tag = sc_arena_alloc(A, f->nins * sizeof *w->tag);
  w->lab = sc_arena_alloc(A, f->nblk * sizeof *w->lab);
  for (uint32_t k = 0; k < f->nrpo; k++) w->lab[f->rpo[k]] = MIR_new_label(w->m);

  INS(w, MIR_ALLOCA, R(w, w->buf), K(w, ARGS + 16 * (int64_t)scratch_need(f)));
  INS(w, MIR_ADD, R(w, w->out), R(w, w->buf), K(w, OUT));
  INS(w, MIR_ADD, R(w, w->args), R(w, w->buf), K(w, ARGS));
  alias_regs(w);
  fuse_compares(w);
  uint32_t *order = block_layout(f);
  if (!order) {
    fail(w, "the block layout lost blocks (stale loop analysis?)");
    order = f->rpo;
  }
  uint32_t k = 0;
  for (; k < f->nrpo && !w->failed; k++) {
    uint32_t b = order[k], next = k + 1 < f->nrpo ? order[k + 1] : UINT32_MAX;
    const sc_blk *bl = &f->blk[b];
    if (bl->cold && !w->first_cold) w->first_cold = w->lab[b];
    emit(w, w->lab[b]);
    for (uint32_t i = 0; i + 1 < bl->nins && !w->failed; i++) lower_ins(w, bl->ins[i]);
    lower_term(w, b, bl->ins[bl->nins - 1], next);
  }
  /* After a failure the function never runs, but MIR checks it: every
   * label in use gets defined. */
  for (size_t i = 0; i < w->nlater && !w->failed; i++) {
    emit(w, w->later[i].label);
    edge_moves(w, w->later[i].from, w->later[i].to);
    INS(w, MIR_JMP, L(w, w->lab[w->later[i].to]));
  }
  for (; w->failed && k < f->nrpo; k++) emit(w, w->lab[order[k]]);
  if (w->failed) emit(w, MIR_new_ret_insn(w->m, 1, K(w, SC_ST_ERROR)));
  else drop_dead_moves(w);
  w->level = w->ninsns > O2_MAX_INSNS ? 1 : mir_level(w);
  MIR_finish_func(w->m);
}

/* The length of the code MIR generated at addr: MIR reports it only in
 * its generator's log (level 0: a line per function), `... (addr=HEX,
 * len=N) ...`; 0 when the log has no such line (MIR built with
 * MIR_NO_GEN_DEBUG). */
static size_t logged_len(const char *log, const void *addr) {
  for (const char *p = log; (p = strstr(p, "(addr=")); p++) {
    unsigned long long a;
    unsigned long n;
    if (sscanf(p, "(addr=%llx, len=%lu)", &a, &n) == 2 && a == (unsigned long long)(uintptr_t)addr) return n;
  }
  return 0;
}

static sc_native_fn compile(void *ctx, sc_irfunc *f, FILE *dump, size_t *len, void **handle, char *err,
                            size_t errlen) {
  mctx *c = ctx;
  *handle = NULL;
  if (!f->loop_of) sc_ir_loops(f); /* dominators and loops: the block layout */
  c->err = err;
  c->errlen = errlen;
  if (errlen) err[0] = '\0';
  /* volatile: read after a longjmp from MIR */
  lw *volatile w = sc_arena_alloc(f->arena, sizeof *w);
  w->c = c;
  w->f = f;
  if (!sc_lir_check(f, err, errlen)) return NULL; /* before MIR sees any of it */
  unit *volatile u = current(c); /* volatile: kept across setjmp */
  w->m = u->m;

  char name[96];
  int nlen = snprintf(name, sizeof name, "f%u_%s", c->serial++, f->name ? f->name : "anon");
  for (int i = 0; i < nlen && i < (int)sizeof name - 1; i++)
    if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
          (name[i] >= '0' && name[i] <= '9')))
      name[i] = '_';

  compiling = c;
  if (setjmp(c->jb)) {
    /* The unit is in an unknown state (a function or module may be half
     * built): no more compilations into it, and it is never finished. */
    compiling = NULL;
    wx_seal(&c->cur->code);
    c->cur->broken = true;
    if (w->logf) {
      fclose(w->logf);
      free(w->log);
    }
    retire(c);
    return NULL;
  }
  u->nfuncs++; /* even when it fails: the half-lowered module stays in the unit */
  MIR_module_t mod = MIR_new_module(u->m, name);
  lower_func(w, name);
  MIR_finish_module(u->m);
  if (w->failed) {
    compiling = NULL;
    return NULL;
  }
  if (dump) {
    MIR_output_module(u->m, dump, mod);
    if (w->first_cold) { /* a comment for readers (and tests/backend/layout.sh) */
      fputs("# cold blocks from ", dump);
      MIR_output_insn(u->m, dump, w->first_cold, w->F, TRUE);
    }
  }
  MIR_load_module(u->m, mod);
  if (len && (w->logf = open_memstream(&w->log, &w->loglen))) {
    MIR_gen_set_debug_level(u->m, 0);
    MIR_gen_set_debug_file(u->m, w->logf);
  }
  /* SC_MIR_OPT=N forces level N (to look into MIR's levels) */
  const char *lv = getenv("SC_MIR_OPT");
  MIR_gen_set_optimize_level(u->m, lv && *lv ? (unsigned)atoi(lv) : w->level);
  MIR_link(u->m, MIR_set_gen_interface, NULL);
  if (w->logf) {
    MIR_gen_set_debug_file(u->m, NULL);
    fclose(w->logf);
    w->logf = NULL;
  }
  void *code = w->F->machine_code ? w->F->machine_code : w->fn->addr;
  compiling = NULL;
  wx_seal(&u->code);
  if (len) {
    *len = w->log && code ? logged_len(w->log, code) : 0;
    free(w->log);
    if (!*len) {
      snprintf(err, errlen, "MIR did not report the length of the code (its generator's log is off)");
      code = NULL;
    }
  }
  if (!code) {
    if (errlen && !err[0]) snprintf(err, errlen, "MIR generated no code for %s", f->name);
    return NULL;
  }
  u->live++;
  c->st.compiled++;
  *handle = u;
  return (sc_native_fn)(uintptr_t)code;
}

const sc_backend_impl sc_backend_mir = {"mir", create, compile, release, stats, destroy};
