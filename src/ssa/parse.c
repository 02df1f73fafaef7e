/* Reads the IR's text form back (see ir.h). Value, block and frame-state
 * ids are kept as written, so printing a parsed function reproduces its
 * text. Names the text uses (functions, globals, properties, constants) are
 * looked up in the program, or added to it when missing. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"
#include "ssa/ir.h"
#include "ssa/irtext.h"

typedef struct ptok {
  char k; /* 'i' ident, 'n' number, 's' string, or the punctuation char */
  const char *s;
  uint32_t len, col;
  sc_str *str;
} ptok;

typedef struct pline {
  uint32_t line;
  ptok t[96];
  int n, i; /* tokens, cursor */
} pline;

typedef struct parser {
  uint32_t next_void; /* ids for instructions printed without one */
  uint32_t *line_of;  /* source line of each instruction */
  size_t cline;
  sc_arena *a;
  sc_program *prog;
  sc_diags *d;
  int errors;
  sc_irfunc *f;
} parser;

#define PERR(P, L, col, ...)                          \
  do {                                                \
    if ((P)->errors++ < 20) sc_diag_add((P)->d, (L)->line, col, __VA_ARGS__); \
  } while (0)

static bool lex(parser *P, pline *L, const char *s, const char *e) {
  const char *ls = s;
  L->n = L->i = 0;
  while (s < e) {
    char c = *s;
    if (c == ' ' || c == '\t' || c == '\r') { s++; continue; }
    if (c == ';') break;
    if (L->n == 95) { PERR(P, L, (uint32_t)(s - ls) + 1, "line too long"); return false; }
    ptok *t = &L->t[L->n++];
    memset(t, 0, sizeof *t);
    t->s = s;
    t->col = (uint32_t)(s - ls) + 1;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
      while (s < e && ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_')) s++;
      t->k = 'i';
    } else if ((c >= '0' && c <= '9') || (c == '-' && s + 1 < e && s[1] >= '0' && s[1] <= '9')) {
      s++;
      while (s < e && ((*s >= '0' && *s <= '9') || *s == '.' || *s == 'e' || *s == 'E' || *s == 'x' ||
                       ((*s == '+' || *s == '-') && (s[-1] == 'e' || s[-1] == 'E'))))
        s++;
      t->k = 'n';
    } else if (c == '"') {
      char *buf = sc_gc_alloc_atomic((size_t)(e - s) + 1);
      size_t n = 0;
      for (s++;; s++) {
        if (s >= e) { PERR(P, L, t->col, "unterminated string"); return false; }
        if (*s == '"') { s++; break; }
        if (*s == '\\' && s + 1 < e) {
          s++;
          buf[n++] = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
        } else
          buf[n++] = *s;
      }
      t->k = 's';
      t->str = sc_str_new(buf, (int64_t)n);
    } else if (strchr("=[],:|!@(){}#/+", c)) {
      t->k = c;
      s++;
    } else {
      PERR(P, L, t->col, "unexpected character '%c'", c);
      return false;
    }
    t->len = (uint32_t)(s - t->s);
  }
  return true;
}

static ptok *peek(pline *L) { return L->i < L->n ? &L->t[L->i] : NULL; }
static bool is(pline *L, char k) { return L->i < L->n && L->t[L->i].k == k; }
static bool is_word(pline *L, const char *w) {
  ptok *t = peek(L);
  return t && t->k == 'i' && t->len == strlen(w) && !memcmp(t->s, w, t->len);
}
static uint32_t col_here(pline *L) { return L->i < L->n ? L->t[L->i].col : (L->n ? L->t[L->n - 1].col + L->t[L->n - 1].len : 1); }

static bool expect(parser *P, pline *L, char k) {
  if (is(L, k)) { L->i++; return true; }
  PERR(P, L, col_here(L), "expected '%c'", k);
  return false;
}

static char *word(parser *P, pline *L) {
  ptok *t = peek(L);
  if (!t || t->k != 'i') { PERR(P, L, col_here(L), "expected a name"); return NULL; }
  L->i++;
  char *s = sc_arena_alloc(P->a, t->len + 1);
  memcpy(s, t->s, t->len);
  return s;
}

static bool number(parser *P, pline *L, int64_t *out) {
  ptok *t = peek(L);
  if (!t || t->k != 'n') { PERR(P, L, col_here(L), "expected a number"); return false; }
  char buf[64];
  snprintf(buf, sizeof buf, "%.*s", (int)t->len, t->s);
  errno = 0;
  char *end;
  *out = strtoll(buf, &end, 0);
  if (*end || errno) { PERR(P, L, t->col, "bad integer '%s'", buf); return false; }
  L->i++;
  return true;
}

/* vN, bN, fsN */
static bool ref(parser *P, pline *L, const char *prefix, uint32_t *out) {
  ptok *t = peek(L);
  size_t pl = strlen(prefix);
  if (!t || t->k != 'i' || t->len <= pl || memcmp(t->s, prefix, pl)) {
    PERR(P, L, col_here(L), "expected %sN", prefix);
    return false;
  }
  uint64_t v = 0;
  for (uint32_t k = (uint32_t)pl; k < t->len; k++) {
    if (t->s[k] < '0' || t->s[k] > '9' || v > 10000000) { PERR(P, L, t->col, "bad reference '%.*s'", (int)t->len, t->s); return false; }
    v = v * 10 + (uint64_t)(t->s[k] - '0');
  }
  L->i++;
  *out = (uint32_t)v;
  return true;
}

static void ensure_ins(parser *P, uint32_t id) {
  sc_irfunc *f = P->f;
  if (id < f->nins) return;
  f->ins = sc_arena_grow(P->a, f->ins, sizeof *f->ins, f->nins, &f->cins, (size_t)id + 1);
  for (size_t k = f->nins; k <= id; k++) {
    memset(&f->ins[k], 0, sizeof f->ins[k]);
    f->ins[k].dead = 1; /* placeholder until defined */
    f->ins[k].fs = -1;
    f->ins[k].pc = -1;
  }
  f->nins = (size_t)id + 1;
}

static void ensure_blk(parser *P, uint32_t id) {
  while (P->f->nblk <= id) {
    uint32_t b = sc_ir_block(P->f);
    P->f->blk[b].dead = 1; /* until its label is seen */
  }
}

static void ensure_fs(parser *P, uint32_t id) {
  sc_irfunc *f = P->f;
  if (id < f->nfs) return;
  f->fs = sc_arena_grow(P->a, f->fs, sizeof *f->fs, f->nfs, &f->cfs, (size_t)id + 1);
  for (size_t k = f->nfs; k <= id; k++) {
    memset(&f->fs[k], 0, sizeof f->fs[k]);
    f->fs[k].parent = -1;
  }
  f->nfs = (size_t)id + 1;
}

static int32_t func_index(parser *P, const char *name) {
  int fi = sc_func_find(P->prog, name);
  if (fi < 0) fi = (int)sc_func_add(P->prog, name, 0)->index;
  return fi;
}

static int tag_by_name(const char *s, size_t n) {
  for (int t = 0; t < SC_NTAGS; t++)
    if (strlen(sc_tag_name_ir((sc_tag)t)) == n && !memcmp(sc_tag_name_ir((sc_tag)t), s, n)) return t;
  return -1;
}

static bool tag_tok(parser *P, pline *L, int *tag) {
  ptok *t = peek(L);
  if (!t || t->k != 'i' || (*tag = tag_by_name(t->s, t->len)) < 0) { PERR(P, L, col_here(L), "expected a type tag"); return false; }
  L->i++;
  return true;
}

/* !fb STATE xCOUNT [entries] +flags */
static bool parse_fb(parser *P, pline *L, sc_op op, sc_fb_slot **out) {
  sc_fb_slot *s = sc_arena_alloc(P->a, sizeof *s);
  char *st = word(P, L);
  if (!st) return false;
  s->state = 255;
  for (int k = 0; k < 4; k++)
    if (!strcmp(st, sc_fb_state_names[k])) s->state = (uint8_t)k;
  if (s->state == 255) { PERR(P, L, col_here(L), "unknown feedback state '%s'", st); return false; }
  ptok *t = peek(L);
  if (!t || t->k != 'i' || t->s[0] != 'x') { PERR(P, L, col_here(L), "expected xCOUNT"); return false; }
  s->count = (uint32_t)strtoul(t->s + 1, NULL, 10);
  L->i++;
  if (is(L, '[')) {
    L->i++;
    while (!is(L, ']')) {
      if (s->n == SC_FB_MAX) { PERR(P, L, col_here(L), "more than %d feedback entries", SC_FB_MAX); return false; }
      unsigned k = s->n++;
      int ta, tb;
      switch (sc_fb_class(op)) {
      case SC_FBC_PAIR:
        if (!tag_tok(P, L, &ta) || !expect(P, L, ',') || !tag_tok(P, L, &tb)) return false;
        s->e[k] = SC_FB_PAIR(ta, tb);
        break;
      case SC_FBC_TAG:
        if (!tag_tok(P, L, &ta)) return false;
        s->e[k] = (uint64_t)ta;
        break;
      case SC_FBC_ELEMS: {
        bool notarray = is_word(L, "notarray");
        if (!notarray && !is_word(L, "elems")) { PERR(P, L, col_here(L), "expected elems:KIND or notarray:TAG"); return false; }
        L->i++;
        if (!expect(P, L, ':')) return false;
        if (notarray) {
          if (!tag_tok(P, L, &ta)) return false;
          s->e[k] = SC_FB_NOTARRAY(ta);
        } else {
          static const char *const kinds[] = {"int", "float", "any"};
          int kk = -1;
          for (int j = 0; j < 3; j++)
            if (is_word(L, kinds[j])) kk = j;
          if (kk < 0) { PERR(P, L, col_here(L), "expected int, float or any"); return false; }
          L->i++;
          s->e[k] = (uint64_t)kk;
        }
        break;
      }
      case SC_FBC_SHAPE: {
        if (is_word(L, "notobject")) { L->i++; s->e[k] = 0; break; }
        if (!is_word(L, "shape")) { PERR(P, L, col_here(L), "expected shape#ID/SLOT or notobject"); return false; }
        L->i++;
        int64_t id, slot;
        if (!expect(P, L, '#') || !number(P, L, &id) || !expect(P, L, '/')) return false;
        bool adds = is(L, '+');
        if (adds) L->i++;
        if (!number(P, L, &slot)) return false;
        s->e[k] = (uint64_t)id + 1;
        s->aux[k] = (uint32_t)slot | (adds ? SC_FB_ADDS_FIELD : 0);
        break;
      }
      case SC_FBC_FUNC:
        if (is_word(L, "notfunc")) {
          L->i++;
          if (!expect(P, L, ':') || !tag_tok(P, L, &ta)) return false;
          s->e[k] = SC_FB_NOTFUNC(ta);
        } else if (is_word(L, "func")) {
          L->i++;
          if (is(L, '#')) {
            int64_t n;
            L->i++;
            if (!number(P, L, &n)) return false;
            s->e[k] = (uint64_t)n;
          } else {
            if (!expect(P, L, ':')) return false;
            char *fn = word(P, L);
            if (!fn) return false;
            s->e[k] = (uint64_t)func_index(P, fn);
          }
        } else {
          PERR(P, L, col_here(L), "expected func:NAME or notfunc:TAG");
          return false;
        }
        break;
      }
    }
    L->i++;
  }
  static const char *const flags[] = {"ovf", "oob", "nonint", "fres"};
  while (is(L, '+')) {
    L->i++;
    char *fl = word(P, L);
    if (!fl) return false;
    int b = -1;
    for (int k = 0; k < 4; k++)
      if (!strcmp(fl, flags[k])) b = k;
    if (b < 0) { PERR(P, L, col_here(L), "unknown feedback flag '+%s'", fl); return false; }
    s->flags |= (uint8_t)(1u << b);
  }
  *out = s;
  return true;
}

/* [aux] of a bytecode op */
static bool parse_aux(parser *P, pline *L, sc_op op, int32_t *aux) {
  sc_operand k = sc_op_operand(op);
  bool has = k == SC_OPND_LOCAL || k == SC_OPND_GLOBAL || k == SC_OPND_NAME || k == SC_OPND_BUILTIN || k == SC_OPND_COUNT;
  if (!has) return true;
  if (!expect(P, L, '[')) return false;
  if (k == SC_OPND_COUNT) {
    int64_t n;
    if (!number(P, L, &n)) return false;
    *aux = (int32_t)n;
  } else {
    char *name = word(P, L);
    if (!name) return false;
    if (k == SC_OPND_LOCAL) {
      *aux = -1;
      for (uint32_t i = 0; i < P->f->nlocals; i++)
        if (!strcmp(P->f->local_names[i], name)) *aux = (int32_t)i;
      if (*aux < 0) { PERR(P, L, col_here(L), "unknown local '%s'", name); return false; }
    } else if (k == SC_OPND_GLOBAL) {
      *aux = sc_global_find(P->prog, name);
      if (*aux < 0) *aux = (int32_t)sc_global_add(P->prog, name);
    } else if (k == SC_OPND_NAME)
      *aux = (int32_t)sc_name_intern(P->prog, name);
    else {
      *aux = sc_builtin_by_name(name);
      if (*aux < 0) { PERR(P, L, col_here(L), "unknown builtin '%s'", name); return false; }
    }
  }
  return expect(P, L, ']');
}

static bool parse_literal(parser *P, pline *L, int64_t *imm) {
  ptok *t = peek(L);
  if (!t) { PERR(P, L, col_here(L), "expected a literal"); return false; }
  sc_value v;
  char buf[400];
  snprintf(buf, sizeof buf, "%.*s", (int)t->len, t->s);
  if (t->k == 's') v = sc_ptr(SC_STR, t->str);
  else if (t->k == 'n' && (strchr(buf, '.') || strchr(buf, 'e'))) v = sc_float(strtod(buf, NULL));
  else if (t->k == 'n') {
    errno = 0;
    v = sc_int(strtoll(buf, NULL, 10));
    if (errno) { PERR(P, L, t->col, "integer out of range"); return false; }
  } else if (is_word(L, "true") || is_word(L, "false")) v = sc_bool(is_word(L, "true"));
  else if (is_word(L, "null")) v = sc_null();
  else { PERR(P, L, t->col, "expected a literal"); return false; }
  L->i++;
  *imm = sc_const_add(P->prog, v);
  return true;
}

static bool parse_args(parser *P, pline *L, uint32_t id) {
  sc_ins *in = &P->f->ins[id];
  uint32_t tmp[256], n = 0;
  while (peek(L) && peek(L)->k == 'i' && peek(L)->s[0] == 'v') {
    if (n == 256) { PERR(P, L, col_here(L), "too many operands"); return false; }
    if (!ref(P, L, "v", &tmp[n])) return false;
    ensure_ins(P, tmp[n]);
    in = &P->f->ins[id];
    n++;
    if (!is(L, ',') || L->i + 1 >= L->n || L->t[L->i + 1].k != 'i' || L->t[L->i + 1].s[0] != 'v') break;
    L->i++;
  }
  in->nargs = n;
  in->args = sc_arena_alloc(P->a, (n + 1) * sizeof *in->args);
  memcpy(in->args, tmp, n * sizeof *tmp);
  return true;
}

/* One instruction line into block b. */
static bool parse_ins(parser *P, pline *L, uint32_t b, uint32_t *phi_blocks_out[], uint32_t **pending_preds) {
  (void)pending_preds;
  sc_irfunc *f = P->f;
  uint32_t id = 0;
  sc_ty ty = SC_TY_VOID;
  if (peek(L)->k == 'i' && peek(L)->s[0] == 'v' && L->n > 1 && L->t[1].k == '=') {
    if (!ref(P, L, "v", &id)) return false;
    L->i++;
    char *tn = word(P, L);
    if (!tn) return false;
    ty = SC_NTY;
    for (int k = 0; k < SC_NTY; k++)
      if (!strcmp(tn, sc_ty_name((sc_ty)k))) ty = (sc_ty)k;
    if (ty == SC_NTY || ty == SC_TY_VOID) { PERR(P, L, L->t[2].col, "unknown type '%s'", tn); return false; }
  } else {
    id = P->next_void++; /* void instructions get ids past every written one */
  }
  ensure_ins(P, id);
  if (!f->ins[id].dead) { PERR(P, L, L->t[0].col, "v%u is defined twice", id); return false; }
  uint32_t opcol = col_here(L);
  char *opn = word(P, L);
  if (!opn) return false;
  sc_ins *in = &f->ins[id];
  memset(in, 0, sizeof *in);
  in->fs = -1;
  in->pc = -1;
  in->ty = (uint8_t)ty;
  in->blk = b;
  int irop = -1;
  for (int k = 0; k < IR_NOPS; k++)
    if (!strcmp(opn, sc_irop_name((unsigned)k)) && k != IR_bc && k != IR_nop) irop = k;
  bool ok = true;
  if (irop < 0) {
    int op = sc_op_by_name(opn);
    if (op < 0) { PERR(P, L, opcol, "unknown operation '%s'", opn); return false; }
    in->op = IR_bc;
    in->imm = op;
    ok = parse_aux(P, L, (sc_op)op, &in->aux) && parse_args(P, L, id);
  } else {
    in->op = (uint16_t)irop;
    switch (irop) {
    case IR_param: ok = number(P, L, &in->imm); break;
    case IR_const: ok = parse_literal(P, L, &f->ins[id].imm); break;
    case IR_func: {
      char *fn = word(P, L);
      ok = fn && ((f->ins[id].imm = func_index(P, fn)), true);
      break;
    }
    case IR_call: {
      char *fn = word(P, L);
      ok = fn && ((f->ins[id].imm = func_index(P, fn)), parse_args(P, L, id));
      break;
    }
    case IR_phi: {
      uint32_t vals[256], blks[256], n = 0;
      while (is(L, '[')) {
        L->i++;
        if (n == 256 || !ref(P, L, "b", &blks[n]) || !expect(P, L, ':') || !ref(P, L, "v", &vals[n]) || !expect(P, L, ']')) return false;
        ensure_ins(P, vals[n]);
        n++;
        if (!is(L, ',')) break;
        L->i++;
      }
      in = &f->ins[id];
      in->nargs = n;
      in->args = sc_arena_alloc(P->a, (n + 1) * sizeof *in->args);
      memcpy(in->args, vals, n * sizeof *vals);
      phi_blocks_out[id] = sc_arena_alloc(P->a, (n + 1) * sizeof(uint32_t));
      memcpy(phi_blocks_out[id], blks, n * sizeof *blks);
      break;
    }
    case IR_jmp: ok = ref(P, L, "b", &in->succ[0]); break;
    case IR_br:
      ok = parse_args(P, L, id);
      in = &f->ins[id];
      ok = ok && expect(P, L, ',') && ref(P, L, "b", &in->succ[0]) && expect(P, L, ',') && ref(P, L, "b", &in->succ[1]);
      break;
    case IR_ret: ok = parse_args(P, L, id); break;
    default: break;
    }
  }
  if (!ok) return false;
  in = &f->ins[id];
  while (L->i < L->n) {
    if (is(L, '!') && L->i + 1 < L->n && L->t[L->i + 1].k == 'i' && L->t[L->i + 1].len >= 2 && !memcmp(L->t[L->i + 1].s, "fs", 2)) {
      L->i++;
      uint32_t s;
      if (!ref(P, L, "fs", &s)) return false;
      ensure_fs(P, s);
      f->ins[id].fs = (int32_t)s;
    } else if (is(L, '!') && L->i + 1 < L->n && L->t[L->i + 1].len == 2 && !memcmp(L->t[L->i + 1].s, "fb", 2)) {
      L->i += 2;
      sc_op fop = f->ins[id].op == IR_br ? SC_OP_JumpIfTrue : (sc_op)f->ins[id].imm;
      if (!parse_fb(P, L, fop, &f->ins[id].fb)) return false;
    } else if (is(L, '@')) {
      L->i++;
      int64_t pc;
      if (!number(P, L, &pc)) return false;
      f->ins[id].pc = (int32_t)pc;
    } else {
      PERR(P, L, col_here(L), "unexpected text after the instruction");
      return false;
    }
  }
  f->ins[id].dead = 0;
  P->line_of = sc_arena_grow(P->a, P->line_of, sizeof *P->line_of, P->cline, &P->cline, (size_t)id + 1);
  P->line_of[id] = L->line;
  sc_blk *bl = &f->blk[b];
  bl->ins = sc_arena_grow(P->a, bl->ins, sizeof *bl->ins, bl->nins, &bl->cins, bl->nins + 1);
  bl->ins[bl->nins++] = id;
  return true;
}

static bool parse_fs_line(parser *P, pline *L) {
  uint32_t s;
  if (!ref(P, L, "fs", &s) || !expect(P, L, '=')) return false;
  if (!is_word(L, "state")) { PERR(P, L, col_here(L), "expected 'state'"); return false; }
  L->i++;
  char *fn = word(P, L);
  int64_t pc;
  if (!fn || !expect(P, L, '@') || !number(P, L, &pc) || !expect(P, L, '[')) return false;
  uint32_t vals[512], n = 0, nl = 0;
  bool bar = false;
  while (!is(L, ']')) {
    if (is(L, '|')) {
      if (bar) { PERR(P, L, col_here(L), "two '|' in a frame state"); return false; }
      bar = true;
      nl = n;
      L->i++;
      continue;
    }
    if (n == 512 || !ref(P, L, "v", &vals[n])) return false;
    ensure_ins(P, vals[n]);
    n++;
    if (is(L, ',')) L->i++;
  }
  L->i++;
  if (!bar) { PERR(P, L, col_here(L), "a frame state needs '|' between locals and stack"); return false; }
  ensure_fs(P, s);
  sc_fs *st = &P->f->fs[s];
  st->func = (uint32_t)func_index(P, fn);
  st->pc = (uint32_t)pc;
  st->nlocals = nl;
  st->nstack = n - nl;
  st->vals = sc_arena_alloc(P->a, (n + 1) * sizeof *st->vals);
  memcpy(st->vals, vals, n * sizeof *vals);
  if (is_word(L, "parent")) {
    L->i++;
    uint32_t par;
    if (!ref(P, L, "fs", &par)) return false;
    ensure_fs(P, par);
    P->f->fs[s].parent = (int32_t)par;
  }
  if (L->i < L->n) { PERR(P, L, col_here(L), "unexpected text after the frame state"); return false; }
  return true;
}

sc_irfunc *sc_ir_parse(sc_arena *a, sc_program *prog, const char *filename, const char *src, size_t len, sc_diags *diags) {
  parser P = {.a = a, .prog = prog, .d = diags};
  diags->filename = filename;
  uint64_t maxv = 0;
  for (const char *q = src; q < src + len; q++)
    if (*q == 'v' && (q == src || !(q[-1] == '_' || (q[-1] >= 'a' && q[-1] <= 'z') || (q[-1] >= 'A' && q[-1] <= 'Z') || (q[-1] >= '0' && q[-1] <= '9')))) {
      uint64_t n = 0;
      const char *r = q + 1;
      while (r < src + len && *r >= '0' && *r <= '9' && n < 100000000) n = n * 10 + (uint64_t)(*r++ - '0');
      if (r > q + 1 && n > maxv) maxv = n;
    }
  P.next_void = (uint32_t)maxv + 1;
  pline *L = malloc(sizeof *L);
  const char *s = src, *end = src + len;
  L->line = 0;
  int32_t cur = -1;
  bool done = false;
  uint32_t **phi_blocks = NULL;
  size_t cphi = 0;
  uint8_t *has_preds = NULL;
  size_t chp = 0;
  while (s < end && !done) {
    const char *e = memchr(s, '\n', (size_t)(end - s));
    if (!e) e = end;
    L->line++;
    /* `; preds b0 b1` after a block label is part of the syntax */
    const char *preds = NULL;
    for (const char *q = s; q + 7 <= e; q++)
      if (!memcmp(q, "; preds", 7)) { preds = q + 7; break; }
    bool ok = lex(&P, L, s, e);
    const char *line_start = s;
    s = e + 1;
    if (!ok || L->n == 0) continue;
    if (!P.f) {
      if (!is_word(L, "func")) { PERR(&P, L, 1, "expected 'func'"); break; }
      L->i++;
      char *name = word(&P, L);
      const char *params[256], *locals[256];
      uint32_t np = 0, nl = 0;
      if (!name || !expect(&P, L, '(')) break;
      while (!is(L, ')')) {
        if (np == 256 || !(params[np++] = word(&P, L))) goto out;
        if (is(L, ',')) L->i++;
      }
      L->i++;
      if (is_word(L, "locals")) {
        L->i++;
        if (!expect(&P, L, '(')) break;
        while (!is(L, ')')) {
          if (nl == 256 || !(locals[nl++] = word(&P, L))) goto out;
          if (is(L, ',')) L->i++;
        }
        L->i++;
      }
      if (!expect(&P, L, '{')) break;
      P.f = sc_ir_new(a, prog, name, np, np + nl);
      P.f->nins = 1;
      for (uint32_t i = 0; i < np; i++) P.f->local_names[i] = params[i];
      for (uint32_t i = 0; i < nl; i++) P.f->local_names[np + i] = locals[i];
      continue;
    }
    if (is(L, '}')) { done = true; continue; }
    if (L->n >= 2 && L->t[0].k == 'i' && L->t[0].s[0] == 'b' && L->t[1].k == ':' ) {
      uint32_t b;
      if (!ref(&P, L, "b", &b)) continue;
      ensure_blk(&P, b);
      if (!P.f->blk[b].dead || P.f->blk[b].nins) { PERR(&P, L, 1, "block b%u is defined twice", b); continue; }
      P.f->blk[b].dead = 0;
      cur = (int32_t)b;
      if (preds) {
        pline pl;
        pl.line = L->line;
        if (lex(&P, &pl, preds, e)) {
          has_preds = sc_arena_grow(a, has_preds, 1, chp, &chp, (size_t)b + 1);
          has_preds[b] = 1;
          while (pl.i < pl.n) {
            uint32_t p;
            if (!ref(&P, &pl, "b", &p)) break;
            ensure_blk(&P, p);
            sc_ir_add_pred(P.f, b, p);
          }
        }
      }
      (void)line_start;
      continue;
    }
    if (cur < 0) { PERR(&P, L, 1, "instruction before the first block label"); continue; }
    if (L->t[0].k == 'i' && L->t[0].len > 2 && !memcmp(L->t[0].s, "fs", 2) && L->n > 1 && L->t[1].k == '=') {
      parse_fs_line(&P, L);
      continue;
    }
    size_t before = P.f->nins;
    phi_blocks = sc_arena_grow(a, phi_blocks, sizeof *phi_blocks, cphi, &cphi, before + 300);
    for (size_t k = before; k < cphi; k++) phi_blocks[k] = NULL;
    parse_ins(&P, L, (uint32_t)cur, phi_blocks, NULL);
    if (P.f->nins > cphi) phi_blocks = sc_arena_grow(a, phi_blocks, sizeof *phi_blocks, cphi, &cphi, P.f->nins);
  }
  if (!P.errors && !done) {
    sc_diag_add(diags, L->line, 1, "missing '}' at the end of the function");
    P.errors++;
  }
  if (!P.errors && !P.f) {
    sc_diag_add(diags, 1, 1, "no function in the input");
    P.errors++;
  }
  if (P.errors) goto out;
  sc_irfunc *f = P.f;
  /* Blocks without a `; preds` list get theirs from the terminators. */
  for (size_t b = 0; b < f->nblk; b++) {
    if (f->blk[b].dead) continue;
    uint32_t sc[2];
    int ns;
    sc_ir_succs(f, (uint32_t)b, sc, &ns);
    for (int k = 0; k < ns; k++) {
      if (sc[k] >= f->nblk || f->blk[sc[k]].dead) {
        sc_diag_add(diags, 0, 0, "b%zu jumps to undefined block b%u", b, sc[k]);
        P.errors++;
        continue;
      }
      if (!(sc[k] < chp && has_preds[sc[k]])) sc_ir_add_pred(f, sc[k], (uint32_t)b);
    }
  }
  /* Phi operands in predecessor order. */
  for (size_t i = 1; i < f->nins && !P.errors; i++) {
    sc_ins *in = &f->ins[i];
    if (in->op != IR_phi || in->dead || !phi_blocks || i >= cphi || !phi_blocks[i]) continue;
    sc_blk *bl = &f->blk[in->blk];
    if (in->nargs != bl->npreds) {
      sc_diag_add(diags, 0, 0, "phi v%zu has %u operands, b%u has %zu predecessors", i, in->nargs, in->blk, bl->npreds);
      P.errors++;
      break;
    }
    uint32_t *args = sc_arena_alloc(a, (in->nargs + 1) * sizeof *args);
    uint8_t *used = calloc(in->nargs + 1, 1);
    for (size_t k = 0; k < bl->npreds; k++) {
      size_t j = 0;
      while (j < in->nargs && (used[j] || phi_blocks[i][j] != bl->preds[k])) j++;
      if (j == in->nargs) {
        sc_diag_add(diags, 0, 0, "phi v%zu has no operand for predecessor b%u", i, bl->preds[k]);
        P.errors++;
        break;
      }
      used[j] = 1;
      args[k] = in->args[j];
    }
    free(used);
    in->args = args;
  }
  for (size_t i = 1; i < f->nins && !P.errors; i++) {
    sc_ins *in = &f->ins[i];
    if (in->dead) continue;
    for (uint32_t k = 0; k < in->nargs; k++)
      if (in->args[k] >= f->nins || f->ins[in->args[k]].dead) {
        sc_diag_add(diags, i < P.cline ? P.line_of[i] : 0, 1, "v%u is used but never defined", in->args[k]);
        P.errors++;
      }
  }
out:
  free(L);
  return P.errors ? NULL : P.f;
}
