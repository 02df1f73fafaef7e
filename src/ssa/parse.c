/* Reads the IR's text form back (grammar in ir.h). Value, block and frame
 * state ids are kept as written (instructions without a result get fresh
 * ids past the function's largest), so printing a parsed function gives
 * its text back. Errors are `FILE:LINE:COL: error: ...`; after one, the
 * parser skips to the next line and goes on, up to MAX_ERRORS. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"
#include "ssa/ir.h"
#include "ssa/irtext.h"

enum { T_EOF = 256, T_NL, T_ID, T_NUM, T_STR, T_ARROW };

typedef struct tok {
  int k; /* T_* or a punctuation character */
  uint32_t line, col, len;
  const char *s;
  sc_str *str; /* T_STR */
} tok;

#define MAX_ERRORS 20
#define MAX_ID (1u << 24)

typedef struct parser {
  tok *t;
  uint32_t n, i;
  sc_arena *a;
  sc_program *prog;
  sc_diags *d;
  int errors;
  sc_irfunc *f;
  /* per function */
  uint32_t next_void;
  uint32_t *use_line, *use_col, cuse; /* first use of each value id */
  uint32_t *def_line, *def_col;        /* where each value is defined */
  uint32_t **phi_from;                 /* per phi id: the block of each operand */
  uint32_t *blk_line, *blk_col, cblk;  /* first reference of each block id */
  uint8_t *blk_defined, *blk_haspreds;
  uint32_t *fs_line, *fs_col, cfs;     /* first reference of each frame state */
  uint8_t *fs_defined;                 /* 1 defined, 2 a definition failed */
} parser;

static void perr(parser *P, const tok *t, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void perr(parser *P, const tok *t, const char *fmt, ...) {
  if (P->errors++ >= MAX_ERRORS) return;
  char buf[300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  sc_diag_add(P->d, t->line, t->col, "%s", buf);
}

/* ---- lexer ---- */

static bool is_idc(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!first && c >= '0' && c <= '9');
}
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* The tokens are on the GC heap (scanned): string literals' sc_str live
 * only there until they reach the program's constants. */
static bool lex(parser *P, const char *src, size_t len) {
  size_t cap = 1024;
  P->t = sc_gc_alloc(cap * sizeof *P->t);
  P->n = 0;
  const char *s = src, *e = src + len, *ls = src;
  uint32_t line = 1;
  for (;;) {
    if (P->n + 2 >= cap) {
      cap *= 2;
      P->t = sc_gc_realloc(P->t, cap * sizeof *P->t);
    }
    while (s < e && (*s == ' ' || *s == '\t' || *s == '\r')) s++;
    if (s < e && *s == ';')
      while (s < e && *s != '\n') s++;
    tok *t = &P->t[P->n];
    memset(t, 0, sizeof *t);
    t->line = line;
    t->col = (uint32_t)(s - ls) + 1;
    t->s = s;
    if (s >= e) {
      t->k = T_EOF;
      P->n++;
      return true;
    }
    char c = *s;
    if (c == '\n') {
      t->k = T_NL;
      s++;
      line++;
      ls = s;
    } else if (is_idc(c, true)) {
      while (s < e && is_idc(*s, false)) s++;
      t->k = T_ID;
    } else if (is_digit(c) || (c == '-' && s + 1 < e && is_digit(s[1]))) {
      s++;
      while (s < e && is_digit(*s)) s++;
      if (s + 1 < e && *s == '.' && is_digit(s[1])) {
        s++;
        while (s < e && is_digit(*s)) s++;
      }
      if (s < e && (*s == 'e' || *s == 'E')) {
        const char *q = s + 1;
        if (q < e && (*q == '+' || *q == '-')) q++;
        if (q < e && is_digit(*q)) {
          s = q;
          while (s < e && is_digit(*s)) s++;
        }
      }
      t->k = T_NUM;
    } else if (c == '"') {
      char *buf = malloc((size_t)(e - s) + 1);
      size_t n = 0;
      for (s++;; s++) {
        if (s >= e || *s == '\n') {
          free(buf);
          perr(P, t, "unterminated string");
          return false;
        }
        if (*s == '"') {
          s++;
          break;
        }
        if (*s == '\\') {
          s++;
          char x = s < e ? *s : 0;
          if (x == 'n') buf[n++] = '\n';
          else if (x == 't') buf[n++] = '\t';
          else if (x == '\\' || x == '"') buf[n++] = x;
          else {
            free(buf);
            tok at = *t;
            at.col = (uint32_t)(s - ls);
            perr(P, &at, "unknown escape in a string");
            return false;
          }
        } else
          buf[n++] = *s;
      }
      t->k = T_STR;
      t->str = sc_str_new(buf, (int64_t)n);
      free(buf);
    } else if (c == '<' && s + 1 < e && s[1] == '-') {
      t->k = T_ARROW;
      s += 2;
    } else if (strchr("=[],:|!@(){}#/+-", c)) {
      t->k = c;
      s++;
    } else {
      perr(P, t, "unexpected character '%c'", c);
      return false;
    }
    t->len = (uint32_t)(s - t->s);
    P->n++;
  }
}

/* ---- token helpers ---- */

static tok *cur(parser *P) { return &P->t[P->i]; }
static bool at(parser *P, int k) { return P->t[P->i].k == k; }
static bool at_word(parser *P, const char *w) {
  tok *t = cur(P);
  return t->k == T_ID && t->len == strlen(w) && !memcmp(t->s, w, t->len);
}
static bool accept(parser *P, int k) {
  if (!at(P, k)) return false;
  P->i++;
  return true;
}

static const char *kind_desc(int k) {
  switch (k) {
  case T_EOF: return "the end of the input";
  case T_NL: return "the end of the line";
  case T_ID: return "a name";
  case T_NUM: return "a number";
  case T_STR: return "a string";
  case T_ARROW: return "'<-'";
  default: return NULL;
  }
}

static void unexpected(parser *P, const char *wanted) {
  tok *t = cur(P);
  const char *d = kind_desc(t->k);
  if (t->k == T_ID || t->k == T_NUM) perr(P, t, "expected %s, got '%.*s'", wanted, (int)t->len, t->s);
  else if (d) perr(P, t, "expected %s, got %s", wanted, d);
  else perr(P, t, "expected %s, got '%c'", wanted, t->k);
}

static bool expect(parser *P, int k, const char *wanted) {
  if (accept(P, k)) return true;
  unexpected(P, wanted);
  return false;
}

static char *word(parser *P, const char *wanted) {
  tok *t = cur(P);
  if (t->k != T_ID) {
    unexpected(P, wanted);
    return NULL;
  }
  P->i++;
  char *s = sc_arena_alloc(P->a, t->len + 1);
  memcpy(s, t->s, t->len);
  return s;
}

static void skip_line(parser *P) {
  while (!at(P, T_NL) && !at(P, T_EOF)) P->i++;
}

/* vN, bN, fsN: the number, or false (no error) when the token is not one. */
static bool is_ref(const tok *t, const char *prefix, uint32_t *out) {
  size_t pl = strlen(prefix);
  if (t->k != T_ID || t->len <= pl || memcmp(t->s, prefix, pl)) return false;
  uint64_t v = 0;
  for (uint32_t k = (uint32_t)pl; k < t->len; k++) {
    if (!is_digit(t->s[k])) return false;
    v = v * 10 + (uint64_t)(t->s[k] - '0');
    if (v >= MAX_ID) v = MAX_ID;
  }
  if (out) *out = (uint32_t)v;
  return true;
}

/* Ids are kept as written (the text prints back the same), so the IR has
 * room for every id up to the largest: that is bounded by the input's
 * size (16 per token, at least 2^18, as printed IR's ids run past its
 * live instructions), or a few bytes of text could ask for gigabytes. */
static uint32_t id_limit(const parser *P) {
  uint64_t lim = (uint64_t)P->n * 16;
  return lim < (1u << 18) ? 1u << 18 : lim > MAX_ID ? MAX_ID : (uint32_t)lim;
}

static bool ref(parser *P, const char *prefix, uint32_t *out) {
  char what[16];
  snprintf(what, sizeof what, "%sN", prefix);
  if (!is_ref(cur(P), prefix, out)) {
    unexpected(P, what);
    return false;
  }
  if (*out >= id_limit(P)) {
    perr(P, cur(P), "%s id too large (at most %u in an input this long)", prefix, id_limit(P) - 1);
    return false;
  }
  P->i++;
  return true;
}

static bool number(parser *P, int64_t *out) {
  tok *t = cur(P);
  if (t->k != T_NUM) {
    unexpected(P, "a number");
    return false;
  }
  char buf[64];
  snprintf(buf, sizeof buf, "%.*s", (int)t->len, t->s);
  errno = 0;
  char *end;
  long long v = strtoll(buf, &end, 10);
  if (*end || errno) {
    perr(P, t, "bad integer '%s'", buf);
    return false;
  }
  *out = v;
  P->i++;
  return true;
}

/* ---- ids ---- */

static void *grow_zero(sc_arena *a, void *p, size_t esz, uint32_t *cap, size_t need) {
  if (need <= *cap) return p;
  size_t nc = *cap ? *cap : 16;
  while (nc < need) nc *= 2;
  void *q = sc_arena_alloc(a, nc * esz); /* zeroed */
  if (*cap) memcpy(q, p, *cap * esz);
  *cap = (uint32_t)nc;
  return q;
}

/* Makes instruction id exist (a removed placeholder until defined). */
static void ensure_ins(parser *P, uint32_t id) {
  sc_irfunc *f = P->f;
  if (id >= f->nins) {
    size_t c = f->cins;
    f->ins = sc_arena_grow(P->a, f->ins, sizeof *f->ins, f->nins, &c, (size_t)id + 1);
    f->cins = (uint32_t)c;
    for (uint32_t k = f->nins; k <= id; k++) {
      memset(&f->ins[k], 0, sizeof f->ins[k]);
      f->ins[k].dead = 1;
      f->ins[k].fs = -1;
      f->ins[k].pc = -1;
    }
    f->nins = id + 1;
  }
  if ((size_t)id + 1 > P->cuse) {
    uint32_t c[5] = {P->cuse, P->cuse, P->cuse, P->cuse, P->cuse};
    P->use_line = grow_zero(P->a, P->use_line, sizeof *P->use_line, &c[0], (size_t)id + 1);
    P->use_col = grow_zero(P->a, P->use_col, sizeof *P->use_col, &c[1], (size_t)id + 1);
    P->def_line = grow_zero(P->a, P->def_line, sizeof *P->def_line, &c[2], (size_t)id + 1);
    P->def_col = grow_zero(P->a, P->def_col, sizeof *P->def_col, &c[3], (size_t)id + 1);
    P->phi_from = grow_zero(P->a, P->phi_from, sizeof *P->phi_from, &c[4], (size_t)id + 1);
    P->cuse = c[0];
  }
}

static void use_value(parser *P, uint32_t id, const tok *t) {
  ensure_ins(P, id);
  if (!P->use_line[id]) {
    P->use_line[id] = t->line;
    P->use_col[id] = t->col;
  }
}

static bool value(parser *P, uint32_t *out) {
  tok *t = cur(P);
  if (!ref(P, "v", out)) return false;
  if (*out == 0) {
    perr(P, t, "v0 is not a value");
    return false;
  }
  use_value(P, *out, t);
  return true;
}

static void ensure_blk(parser *P, uint32_t id, const tok *t) {
  sc_irfunc *f = P->f;
  while (f->nblk <= id) {
    uint32_t b = sc_ir_block(f);
    f->blk[b].dead = 1; /* until its label is seen */
  }
  uint32_t c1 = P->cblk, c2 = P->cblk, c3 = P->cblk, c4 = P->cblk;
  P->blk_line = grow_zero(P->a, P->blk_line, sizeof *P->blk_line, &c1, (size_t)id + 1);
  P->blk_col = grow_zero(P->a, P->blk_col, sizeof *P->blk_col, &c2, (size_t)id + 1);
  P->blk_defined = grow_zero(P->a, P->blk_defined, 1, &c3, (size_t)id + 1);
  P->blk_haspreds = grow_zero(P->a, P->blk_haspreds, 1, &c4, (size_t)id + 1);
  P->cblk = c1;
  if (t && !P->blk_line[id]) {
    P->blk_line[id] = t->line;
    P->blk_col[id] = t->col;
  }
}

static bool block_ref(parser *P, uint32_t *out) {
  tok *t = cur(P);
  if (!ref(P, "b", out)) return false;
  ensure_blk(P, *out, t);
  return true;
}

static void ensure_fs(parser *P, uint32_t id, const tok *t) {
  sc_irfunc *f = P->f;
  if (id >= f->nfs) {
    size_t c = f->cfs;
    f->fs = sc_arena_grow(P->a, f->fs, sizeof *f->fs, f->nfs, &c, (size_t)id + 1);
    f->cfs = (uint32_t)c;
    for (uint32_t k = f->nfs; k <= id; k++) {
      memset(&f->fs[k], 0, sizeof f->fs[k]);
      f->fs[k].parent = -1;
    }
    f->nfs = id + 1;
  }
  uint32_t c1 = P->cfs, c2 = P->cfs, c3 = P->cfs;
  P->fs_line = grow_zero(P->a, P->fs_line, sizeof *P->fs_line, &c1, (size_t)id + 1);
  P->fs_col = grow_zero(P->a, P->fs_col, sizeof *P->fs_col, &c2, (size_t)id + 1);
  P->fs_defined = grow_zero(P->a, P->fs_defined, 1, &c3, (size_t)id + 1);
  P->cfs = c1;
  if (t && !P->fs_line[id]) {
    P->fs_line[id] = t->line;
    P->fs_col[id] = t->col;
  }
}

static bool fs_ref(parser *P, uint32_t *out) {
  tok *t = cur(P);
  if (!ref(P, "fs", out)) return false;
  ensure_fs(P, *out, t);
  return true;
}

/* ---- names ---- */

static bool name_is(const tok *t, const char *s) { return strlen(s) == t->len && !memcmp(s, t->s, t->len); }

/* A function by name or #N; it must exist (func lines are registered first). */
static bool func_operand(parser *P, int64_t *out) {
  tok *t = cur(P);
  if (accept(P, '#')) {
    int64_t n;
    if (!number(P, &n)) return false;
    if (n < 0 || (uint64_t)n >= P->prog->nfuncs) {
      perr(P, t, "no function #%lld", (long long)n);
      return false;
    }
    *out = n;
    return true;
  }
  char *name = word(P, "a function name");
  if (!name) return false;
  int fi = sc_func_find(P->prog, name);
  if (fi < 0) {
    perr(P, t, "unknown function '%s'", name);
    return false;
  }
  *out = fi;
  return true;
}

static int lookup(const tok *t, const char *(*name)(unsigned), unsigned n) {
  for (unsigned k = 0; k < n; k++)
    if (name_is(t, name(k))) return (int)k;
  return -1;
}
static const char *tag_n(unsigned k) { return sc_tag_ir_name((sc_tag)k); }
static const char *cond_n(unsigned k) { return sc_cond_name((sc_cond)k); }
static const char *reason_n(unsigned k) { return sc_reason_name((sc_reason)k); }
static const char *builtin_n(unsigned k) { return sc_builtin_name((sc_builtin)k); }
static const char *state_n(unsigned k) { return sc_fb_state_name(k); }
static const char *flag_n(unsigned k) { return sc_fb_flag_name(k, true); }
static const char *elems_n(unsigned k) { return sc_elems_name(k); }
static const char *helper_n(unsigned h) { return sc_helpers[h].name; }
static const char *kind_n(unsigned k) { return sc_kind_name((sc_kind)k); }

static bool enum_word(parser *P, const char *(*name)(unsigned), unsigned n, const char *what, int *out) {
  tok *t = cur(P);
  if (t->k != T_ID || (*out = lookup(t, name, n)) < 0) {
    if (t->k == T_ID) perr(P, t, "unknown %s '%.*s'", what, (int)t->len, t->s);
    else unexpected(P, what);
    return false;
  }
  P->i++;
  return true;
}

/* The bracketed static operand of op. */
static bool parse_static(parser *P, sc_ins *in) {
  sc_irfunc *f = P->f;
  tok *t = cur(P);
  sc_static_kind sk = sc_irop_static(in->op);
  if (sk == SC_SK_NONE) {
    if (at(P, '[') && in->op != IR_phi) {
      perr(P, t, "%s takes no [operand]", sc_irop_name(in->op));
      return false;
    }
    return true;
  }
  if (!at(P, '[')) {
    perr(P, t, "%s needs a [operand]", sc_irop_name(in->op));
    return false;
  }
  P->i++;
  t = cur(P);
  bool ok = true;
  int x;
  int64_t n;
  switch (sk) {
  case SC_SK_TAG: ok = enum_word(P, tag_n, SC_NTAGS, "tag", &x); in->aux = x; break;
  case SC_SK_COND: ok = enum_word(P, cond_n, SC_NCONDS, "condition", &x); in->aux = x; break;
  case SC_SK_REASON: ok = enum_word(P, reason_n, SC_NREASONS, "reason", &x); in->aux = x; break;
  case SC_SK_BUILTIN: ok = enum_word(P, builtin_n, SC_NBUILTINS, "builtin", &x); in->aux = x; break;
  case SC_SK_HELPER: ok = enum_word(P, helper_n, SC_NHELPERS, "helper", &x); in->aux = x; break;
  case SC_SK_FUNC: ok = func_operand(P, &in->imm); break;
  default: /* LOCAL, GLOBAL, NAME, NUM: #n, or a name */
    if (accept(P, '#')) {
      ok = number(P, &n);
      in->aux = (int32_t)n;
      break;
    }
    if (t->k != T_ID) {
      unexpected(P, "a name");
      return false;
    }
    char *name = word(P, "a name");
    if (sk == SC_SK_LOCAL) {
      in->aux = -1;
      for (uint32_t i = 0; i < f->nlocals; i++)
        if (!strcmp(f->local_names[i], name)) in->aux = (int32_t)i;
      if (in->aux < 0) {
        perr(P, t, "unknown local '%s'", name);
        return false;
      }
    } else if (sk == SC_SK_GLOBAL) {
      in->aux = sc_global_find(P->prog, name);
      if (in->aux < 0) in->aux = (int32_t)sc_global_add(P->prog, name);
    } else
      in->aux = (int32_t)sc_name_intern(P->prog, name);
  }
  return ok && expect(P, ']', "']'");
}

/* A constant of type ty. */
static bool parse_const(parser *P, sc_ins *in) {
  tok *t = cur(P);
  char buf[400];
  snprintf(buf, sizeof buf, "%.*s", (int)t->len, t->s);
  bool isfloat = t->k == T_NUM && strpbrk(buf, ".eE");
  switch (in->ty) {
  case SC_TY_I64:
    if (t->k != T_NUM || isfloat) {
      unexpected(P, "an integer");
      return false;
    }
    return number(P, &in->imm);
  case SC_TY_BOOL:
    if (!at_word(P, "true") && !at_word(P, "false")) {
      unexpected(P, "true or false");
      return false;
    }
    in->imm = at_word(P, "true");
    P->i++;
    return true;
  case SC_TY_F64:
  case SC_TY_VAL: {
    sc_value v;
    bool neg = false;
    if (at(P, '-') && P->t[P->i + 1].k == T_ID) { /* -inf */
      neg = true;
      P->i++;
      t = cur(P);
      snprintf(buf, sizeof buf, "%.*s", (int)t->len, t->s);
    }
    if (t->k == T_ID && (!strcmp(buf, "inf") || (!strcmp(buf, "nan") && !neg)))
      v = sc_float(neg ? -INFINITY : !strcmp(buf, "inf") ? INFINITY : NAN);
    else if (neg) {
      unexpected(P, "inf after '-'");
      return false;
    } else if (t->k == T_NUM && (isfloat || in->ty == SC_TY_F64))
      v = sc_float(strtod(buf, NULL));
    else if (in->ty == SC_TY_F64) {
      unexpected(P, "a float");
      return false;
    } else if (t->k == T_NUM) {
      errno = 0;
      v = sc_int(strtoll(buf, NULL, 10));
      if (errno) {
        perr(P, t, "integer '%s' out of range", buf);
        return false;
      }
    } else if (t->k == T_STR)
      v = sc_ptr(SC_STR, t->str);
    else if (at_word(P, "true") || at_word(P, "false"))
      v = sc_bool(at_word(P, "true"));
    else if (at_word(P, "null"))
      v = sc_null();
    else if (t->k == '#') {
      int64_t n;
      P->i++;
      if (!number(P, &n)) return false;
      in->imm = n;
      return true;
    } else {
      unexpected(P, "a literal");
      return false;
    }
    P->i++;
    if (in->ty == SC_TY_F64) memcpy(&in->imm, &v.f, sizeof v.f);
    else in->imm = sc_const_add(P->prog, v);
    return true;
  }
  default:
    perr(P, t, "no constants of type %s", sc_ty_name((sc_ty)in->ty));
    return false;
  }
}

/* !fb [OP] STATE xCOUNT [entries] +flags */
static bool parse_fb(parser *P, sc_ins *in) {
  sc_irfb *fb = sc_arena_alloc(P->a, sizeof *fb);
  sc_fb_slot *s = &fb->s;
  int dflt = sc_ir_default_fbop(in);
  if (accept(P, '[')) {
    tok *t = cur(P);
    char *opn = word(P, "a bytecode op");
    if (!opn) return false;
    int op = sc_op_by_name(opn);
    if (op < 0 || !(sc_op_flags((sc_op)op) & SC_OPF_FB)) {
      perr(P, t, "'%s' is not a bytecode op with feedback", opn);
      return false;
    }
    fb->bcop = (uint16_t)op;
    if (!expect(P, ']', "']'")) return false;
  } else if (dflt < 0) {
    perr(P, cur(P), "feedback on %s needs the bytecode op it came from: !fb[OP]", sc_irop_name(in->op));
    return false;
  } else
    fb->bcop = (uint16_t)dflt;
  int st;
  if (!enum_word(P, state_n, SC_FB_MEGA + 1, "feedback state", &st)) return false;
  s->state = (uint8_t)st;
  tok *t = cur(P);
  if (t->k != T_ID || t->s[0] != 'x' || t->len < 2) {
    unexpected(P, "xCOUNT");
    return false;
  }
  uint64_t c = 0;
  for (uint32_t k = 1; k < t->len; k++) {
    if (!is_digit(t->s[k]) || (c = c * 10 + (uint64_t)(t->s[k] - '0')) > UINT32_MAX) {
      perr(P, t, "bad count '%.*s'", (int)t->len, t->s);
      return false;
    }
  }
  s->count = (uint32_t)c;
  P->i++;
  if (accept(P, '[')) {
    while (!accept(P, ']')) {
      if (s->n == SC_FB_MAX) {
        perr(P, cur(P), "more than %d feedback entries", SC_FB_MAX);
        return false;
      }
      unsigned k = s->n++;
      int ta, tb;
      switch (sc_fb_class((sc_op)fb->bcop)) {
      case SC_FBC_PAIR:
        if (!enum_word(P, tag_n, SC_NTAGS, "tag", &ta) || !expect(P, ',', "','") ||
            !enum_word(P, tag_n, SC_NTAGS, "tag", &tb))
          return false;
        s->e[k] = SC_FB_PAIR(ta, tb);
        break;
      case SC_FBC_TAG:
        if (!enum_word(P, tag_n, SC_NTAGS, "tag", &ta)) return false;
        s->e[k] = (uint64_t)ta;
        break;
      case SC_FBC_ELEMS:
        if (at_word(P, "notarray")) {
          P->i++;
          if (!expect(P, ':', "':'") || !enum_word(P, tag_n, SC_NTAGS, "tag", &ta)) return false;
          s->e[k] = SC_FB_NOTARRAY(ta);
        } else if (at_word(P, "elems")) {
          P->i++;
          if (!expect(P, ':', "':'") || !enum_word(P, elems_n, SC_NELEMS, "elements kind", &ta)) return false;
          s->e[k] = SC_FB_ELEMS(ta);
        } else {
          unexpected(P, "elems:KIND or notarray:TAG");
          return false;
        }
        break;
      case SC_FBC_SHAPE:
        if (at_word(P, "notobject")) {
          P->i++;
          s->e[k] = 0;
        } else if (at_word(P, "shape")) {
          P->i++;
          int64_t id, slot;
          if (!expect(P, '#', "'#'") || !number(P, &id) || !expect(P, '/', "'/'")) return false;
          bool adds = accept(P, '+');
          if (!number(P, &slot)) return false;
          if (id < 0 || slot < 0 || slot >= (int64_t)SC_FB_ADDS_FIELD) {
            perr(P, &P->t[P->i - 1], "bad shape entry");
            return false;
          }
          s->e[k] = (uint64_t)id + 1;
          s->aux[k] = (uint32_t)slot | (adds ? SC_FB_ADDS_FIELD : 0);
        } else {
          unexpected(P, "shape#ID/SLOT or notobject");
          return false;
        }
        break;
      case SC_FBC_FUNC:
        if (at_word(P, "notfunc")) {
          P->i++;
          if (!expect(P, ':', "':'") || !enum_word(P, tag_n, SC_NTAGS, "tag", &ta)) return false;
          s->e[k] = SC_FB_NOTFUNC(ta);
        } else if (at_word(P, "func")) {
          P->i++;
          int64_t fi;
          if (at(P, '#')) {
            if (!func_operand(P, &fi)) return false;
          } else if (!expect(P, ':', "':'") || !func_operand(P, &fi))
            return false;
          s->e[k] = (uint64_t)fi;
        } else {
          unexpected(P, "func:NAME or notfunc:TAG");
          return false;
        }
        break;
      }
    }
  }
  while (accept(P, '+')) {
    int b;
    if (!enum_word(P, flag_n, SC_FB_NFLAGS, "feedback flag", &b)) return false;
    s->flags |= (uint8_t)(1u << b);
  }
  in->fb = fb;
  return true;
}

static bool parse_operands(parser *P, uint32_t id) {
  sc_irfunc *f = P->f;
  sc_ins *in = &f->ins[id];
  uint32_t cap = 4, n = 0, *tmp = malloc(cap * sizeof *tmp), *from = NULL;
  bool ok = true;
  if (in->op == IR_phi) {
    from = malloc(cap * sizeof *from);
    while (ok && at(P, '[')) {
      P->i++;
      if (n == cap) {
        cap *= 2;
        tmp = realloc(tmp, cap * sizeof *tmp);
        from = realloc(from, cap * sizeof *from);
      }
      ok = block_ref(P, &from[n]) && expect(P, ':', "':'") && value(P, &tmp[n]) && expect(P, ']', "']'");
      n++;
      if (ok && !accept(P, ',')) break;
    }
  } else if (is_ref(cur(P), "v", NULL)) {
    for (;;) {
      if (n == cap) {
        cap *= 2;
        tmp = realloc(tmp, cap * sizeof *tmp);
      }
      if (!(ok = value(P, &tmp[n]))) break;
      n++;
      /* `br v1, b2, b3`: a comma before a block ends the values */
      if (!at(P, ',') || !is_ref(&P->t[P->i + 1], "v", NULL)) break;
      P->i++;
    }
  }
  in = &f->ins[id]; /* value() may have moved the array */
  if (ok) {
    in->nargs = n;
    in->args = sc_arena_alloc(P->a, ((size_t)n + 1) * sizeof *in->args);
    memcpy(in->args, tmp, n * sizeof *tmp);
    if (from) {
      P->phi_from[id] = sc_arena_alloc(P->a, ((size_t)n + 1) * sizeof *from);
      memcpy(P->phi_from[id], from, n * sizeof *from);
    }
  }
  free(tmp);
  free(from);
  return ok;
}

static bool is_type(const tok *t, sc_ty *out) {
  for (int k = 1; k < SC_NTY; k++)
    if (t->k == T_ID && name_is(t, sc_ty_name((sc_ty)k))) {
      *out = (sc_ty)k;
      return true;
    }
  return false;
}

/* One instruction line in block b. */
static bool parse_ins(parser *P, uint32_t b) {
  sc_irfunc *f = P->f;
  tok *first = cur(P);
  uint32_t id;
  sc_ty ty = SC_TY_VOID;
  if (first->k == T_ID && P->t[P->i + 1].k == '=') {
    if (!ref(P, "v", &id)) return false;
    if (id == 0) {
      perr(P, first, "v0 is not a value");
      return false;
    }
    ensure_ins(P, id);
    if (f->ins[id].dead) { /* errors below are about this line, not later uses */
      P->def_line[id] = first->line;
      P->def_col[id] = first->col;
    }
    P->i++;
    tok *tt = cur(P);
    if (!is_type(tt, &ty)) {
      if (tt->k == T_ID) perr(P, tt, "unknown type '%.*s'", (int)tt->len, tt->s);
      else unexpected(P, "a type");
      return false;
    }
    P->i++;
  } else
    id = P->next_void++;
  ensure_ins(P, id);
  if (!f->ins[id].dead) {
    perr(P, first, "v%u is defined twice", id);
    return false;
  }
  /* From here on an error is about this line, not about later uses of id. */
  P->def_line[id] = first->line;
  P->def_col[id] = first->col;
  tok *opt = cur(P);
  if (opt->k != T_ID) {
    unexpected(P, "an operation");
    return false;
  }
  int op = sc_irop_by_name(opt->s, opt->len);
  if (op < 0) {
    perr(P, opt, "unknown operation '%.*s'", (int)opt->len, opt->s);
    return false;
  }
  P->i++;
  sc_ins *in = &f->ins[id];
  memset(in, 0, sizeof *in);
  in->op = (uint16_t)op;
  in->ty = (uint8_t)ty;
  in->blk = b;
  in->fs = in->pc = -1;
  in->dead = 1;
  if (!parse_static(P, in)) return false;
  bool ok = true;
  switch (op) {
  case IR_param: ok = number(P, &in->imm); break;
  case IR_rpc: {
    int64_t pc;
    ok = number(P, &pc);
    in->aux = (int32_t)pc;
    break;
  }
  case IR_const: ok = parse_const(P, in); break;
  case IR_func: ok = func_operand(P, &in->imm); break;
  case IR_jmp: ok = block_ref(P, &f->ins[id].succ[0]); break;
  case IR_br:
    ok = parse_operands(P, id) && expect(P, ',', "','") && block_ref(P, &f->ins[id].succ[0]) &&
         expect(P, ',', "','") && block_ref(P, &f->ins[id].succ[1]);
    break;
  default: ok = parse_operands(P, id); break;
  }
  if (!ok) return false;
  in = &f->ins[id];
  while (!at(P, T_NL) && !at(P, T_EOF)) {
    tok *t = cur(P);
    if (accept(P, '@')) {
      int64_t pc;
      if (!number(P, &pc)) return false;
      if (pc < 0 || pc > INT32_MAX) {
        perr(P, t, "bad pc");
        return false;
      }
      in->pc = (int32_t)pc;
    } else if (accept(P, '!')) {
      uint32_t s;
      if (is_ref(cur(P), "fs", NULL)) {
        if (!fs_ref(P, &s)) return false;
        in = &f->ins[id];
        in->fs = (int32_t)s;
      } else if (at_word(P, "fb")) {
        P->i++;
        if (!parse_fb(P, in)) return false;
      } else {
        unexpected(P, "fsN or fb after '!'");
        return false;
      }
    } else {
      unexpected(P, "the end of the instruction");
      return false;
    }
  }
  in->dead = 0;
  sc_blk *bl = &f->blk[b];
  size_t c = bl->cins;
  bl->ins = sc_arena_grow(P->a, bl->ins, sizeof *bl->ins, bl->nins, &c, (size_t)bl->nins + 1);
  bl->cins = (uint32_t)c;
  bl->ins[bl->nins++] = id;
  return true;
}

/* fsN = state FUNC@PC [locals | stack] [parent fsM] */
static bool parse_fs_line(parser *P) {
  sc_irfunc *f = P->f;
  tok *first = cur(P);
  uint32_t s;
  if (!ref(P, "fs", &s)) return false;
  ensure_fs(P, s, NULL);
  if (P->fs_defined[s] == 1) {
    perr(P, first, "fs%u is defined twice", s);
    return false;
  }
  P->fs_defined[s] = 2; /* attempted: later uses are not errors of their own */
  if (!expect(P, '=', "'='")) return false;
  if (!at_word(P, "state")) {
    unexpected(P, "'state'");
    return false;
  }
  P->i++;
  int64_t fi, pc;
  if (!func_operand(P, &fi) || !expect(P, '@', "'@'") || !number(P, &pc) || !expect(P, '[', "'['")) return false;
  if (pc < 0 || pc > INT32_MAX) {
    perr(P, &P->t[P->i - 2], "bad pc");
    return false;
  }
  uint32_t cap = 16, n = 0, nl = 0, *vals = malloc(cap * sizeof *vals);
  bool bar = false, ok = true;
  while (ok && !at(P, ']')) {
    if (n == cap) {
      cap *= 2;
      vals = realloc(vals, cap * sizeof *vals);
    }
    if (accept(P, '|')) {
      if (bar) {
        perr(P, &P->t[P->i - 1], "two '|' in a frame state");
        ok = false;
        break;
      }
      bar = true;
      nl = n;
      continue;
    }
    if (at_word(P, "_")) {
      if (bar) {
        perr(P, cur(P), "a stack slot cannot be dead ('_')");
        ok = false;
        break;
      }
      P->i++;
      vals[n++] = 0;
    } else if (!(ok = value(P, &vals[n++])))
      break;
    if (!at(P, ']') && !at(P, '|') && !(ok = expect(P, ',', "',', '|' or ']'"))) break;
  }
  if (ok && !bar) {
    perr(P, cur(P), "a frame state needs '|' between the locals and the stack");
    ok = false;
  }
  if (ok) {
    P->i++; /* ] */
    sc_fs *st = &f->fs[s];
    st->func = (uint32_t)fi;
    st->pc = (uint32_t)pc;
    st->nlocals = nl;
    st->nstack = n - nl;
    st->vals = sc_arena_alloc(P->a, ((size_t)n + 1) * sizeof *st->vals);
    memcpy(st->vals, vals, n * sizeof *vals);
    st->parent = -1;
    if (at_word(P, "parent")) {
      P->i++;
      uint32_t par;
      if (!fs_ref(P, &par)) ok = false;
      else f->fs[s].parent = (int32_t)par;
    }
  }
  free(vals);
  if (ok && !at(P, T_NL) && !at(P, T_EOF)) {
    unexpected(P, "the end of the frame state");
    ok = false;
  }
  if (ok) P->fs_defined[s] = 1;
  return ok;
}

/* bN: [<- bP ...] [!backedges N] [!entry fsM] [!cold] */
static bool parse_label(parser *P, uint32_t *out) {
  sc_irfunc *f = P->f;
  tok *t = cur(P);
  uint32_t b;
  if (!ref(P, "b", &b)) return false;
  ensure_blk(P, b, NULL);
  P->i++; /* : */
  if (P->blk_defined[b]) {
    perr(P, t, "block b%u is defined twice", b);
    return false;
  }
  P->blk_defined[b] = 1;
  f->blk[b].dead = 0;
  *out = b;
  if (accept(P, T_ARROW)) {
    P->blk_haspreds[b] = 1;
    while (is_ref(cur(P), "b", NULL)) {
      uint32_t p;
      if (!block_ref(P, &p)) return false;
      sc_ir_add_pred(f, b, p);
    }
  }
  while (accept(P, '!')) {
    if (at_word(P, "entry")) {
      P->i++;
      uint32_t s;
      if (!fs_ref(P, &s)) return false;
      f->blk[b].entry_fs = (int32_t)s;
      continue;
    }
    if (at_word(P, "cold")) {
      P->i++;
      f->blk[b].cold = 1;
      continue;
    }
    int64_t n;
    if (!at_word(P, "backedges")) {
      unexpected(P, "'backedges', 'entry' or 'cold'");
      return false;
    }
    P->i++;
    if (!number(P, &n)) return false;
    if (n < 0 || n > UINT32_MAX) {
      perr(P, &P->t[P->i - 1], "bad count");
      return false;
    }
    f->blk[b].backedges = (uint32_t)n;
  }
  if (!at(P, T_NL) && !at(P, T_EOF)) {
    unexpected(P, "the end of the block label");
    return false;
  }
  return true;
}

/* name [: kind] list up to ')' */
static bool param_list(parser *P, const char ***names, uint8_t **kinds, uint32_t *n) {
  uint32_t cap = 8;
  *names = malloc(cap * sizeof **names);
  *kinds = malloc(cap);
  *n = 0;
  while (!accept(P, ')')) {
    if (*n && !expect(P, ',', "',' or ')'")) return false;
    if (*n == cap) {
      cap *= 2;
      *names = realloc(*names, cap * sizeof **names);
      *kinds = realloc(*kinds, cap);
    }
    const char *nm = word(P, "a local name");
    if (!nm) return false;
    int k = SC_KIND_ANY;
    if (accept(P, ':') && !enum_word(P, kind_n, 4, "kind", &k)) return false;
    (*names)[*n] = nm;
    (*kinds)[(*n)++] = (uint8_t)k;
  }
  return true;
}

/* Finishes a function: block references, predecessor lists, phi operand
 * order, values and frame states used but never defined. */
static void finish(parser *P, const tok *close) {
  sc_irfunc *f = P->f;
  for (uint32_t b = 0; b < f->nblk; b++)
    if (!P->blk_defined[b] && P->blk_line[b]) {
      tok at = {.line = P->blk_line[b], .col = P->blk_col[b]};
      perr(P, &at, "block b%u is used but never defined", b);
    }
  bool bad_blocks = P->errors != 0;
  if (f->nblk == 0) {
    if (!P->errors) perr(P, close, "a function needs at least one block");
    return;
  }
  /* Blocks without `<-` get their predecessors from the terminators. */
  for (uint32_t b = 0; b < f->nblk; b++) {
    uint32_t s[2];
    int ns = sc_ir_succs(f, b, s);
    for (int k = 0; k < ns; k++)
      if (!P->blk_haspreds[s[k]]) sc_ir_add_pred(f, s[k], b);
  }
  for (uint32_t i = 1; i < f->nins; i++) {
    sc_ins *in = &f->ins[i];
    if (in->dead) {
      if (i < P->cuse && P->use_line[i] && !P->def_line[i]) {
        tok at = {.line = P->use_line[i], .col = P->use_col[i]};
        perr(P, &at, "v%u is used but never defined", i);
      }
      continue;
    }
    if (in->op != IR_phi || !P->phi_from[i] || bad_blocks) continue;
    sc_blk *bl = &f->blk[in->blk];
    tok at = {.line = P->def_line[i], .col = P->def_col[i]};
    uint32_t *args = sc_arena_alloc(P->a, ((size_t)bl->npreds + 1) * sizeof *args);
    uint8_t *used = calloc((size_t)in->nargs + 1, 1);
    bool ok = in->nargs == bl->npreds;
    if (!ok) perr(P, &at, "phi v%u has %u operands, but b%u has %u predecessors", i, in->nargs, in->blk, bl->npreds);
    for (uint32_t k = 0; ok && k < bl->npreds; k++) {
      uint32_t j = 0;
      while (j < in->nargs && (used[j] || P->phi_from[i][j] != bl->preds[k])) j++;
      if (j == in->nargs) {
        perr(P, &at, "phi v%u has no operand for predecessor b%u of b%u", i, bl->preds[k], in->blk);
        ok = false;
        break;
      }
      used[j] = 1;
      args[k] = in->args[j];
    }
    free(used);
    if (ok) in->args = args;
  }
  for (uint32_t s = 0; s < f->nfs; s++)
    if (P->fs_defined[s] != 1 && P->fs_defined[s] != 2 && P->fs_line[s]) {
      tok at = {.line = P->fs_line[s], .col = P->fs_col[s]};
      perr(P, &at, "fs%u is used but never defined", s);
    }
}

/* One `func ... { ... }`. */
static sc_irfunc *parse_func(parser *P) {
  tok *ft = cur(P);
  if (!at_word(P, "func")) {
    unexpected(P, "'func'");
    return NULL;
  }
  P->i++;
  char *name = word(P, "a function name");
  if (!name || !expect(P, '(', "'('")) return NULL;
  const char **pn = NULL, **ln = NULL;
  uint8_t *pk = NULL, *lk = NULL;
  uint32_t np = 0, nl = 0;
  sc_irfunc *f = NULL;
  uint64_t calls = 0;
  int64_t osr = -1;
  if (!param_list(P, &pn, &pk, &np)) goto out;
  if (at_word(P, "locals")) {
    P->i++;
    if (!expect(P, '(', "'('") || !param_list(P, &ln, &lk, &nl)) goto out;
  }
  if (at_word(P, "osr")) {
    P->i++;
    if (!expect(P, '@', "'@'") || !number(P, &osr)) goto out;
    if (osr < 0 || osr > INT32_MAX) {
      perr(P, &P->t[P->i - 1], "bad pc");
      goto out;
    }
  }
  uint64_t esig = 0;
  while (accept(P, '!')) {
    int64_t c;
    if (at_word(P, "entry")) { /* !entry T(T, ...) */
      P->i++;
      sc_ty t, res;
      uint8_t ps[SC_ENTRY_MAXPARAMS];
      uint32_t n = 0;
      if (!is_type(cur(P), &res) || res == SC_TY_VOID || res == SC_TY_PTR) {
        unexpected(P, "the typed entry's result type (val, i64, f64 or bool)");
        goto out;
      }
      P->i++;
      if (!expect(P, '(', "'('")) goto out;
      while (!accept(P, ')')) {
        if (n && !expect(P, ',', "',' or ')'")) goto out;
        if (n == SC_ENTRY_MAXPARAMS || !is_type(cur(P), &t) || t == SC_TY_VOID || t == SC_TY_PTR) {
          unexpected(P, n == SC_ENTRY_MAXPARAMS ? "')' (a typed entry has at most 7 parameters)" : "a parameter type (val, i64, f64 or bool)");
          goto out;
        }
        P->i++;
        ps[n++] = (uint8_t)t;
      }
      uint32_t nt = 0;
      for (uint32_t k = 0; k < n; k++) nt += ps[k] != SC_TY_VAL;
      if (n != np || nt > SC_ENTRY_MAXARGS || osr >= 0) {
        perr(P, &P->t[P->i - 1], osr >= 0 ? "an OSR entry has no typed entry"
                                 : n != np ? "the typed entry has %u parameters, the function %u"
                                           : "a typed entry takes at most 4 typed parameters",
             n, np);
        goto out;
      }
      esig = sc_entry_sig(res, ps, n);
      continue;
    }
    if (!at_word(P, "calls")) {
      unexpected(P, "'calls' or 'entry'");
      goto out;
    }
    P->i++;
    if (!number(P, &c)) goto out;
    if (c < 0) { /* the printer writes it unsigned: it would not parse back */
      perr(P, &P->t[P->i - 1], "bad count");
      goto out;
    }
    calls = (uint64_t)c;
  }
  if (!expect(P, '{', "'{'") || !expect(P, T_NL, "the end of the line")) goto out;
  int fi = sc_func_find(P->prog, name);
  f = sc_ir_new(P->a, P->prog, (uint32_t)fi, name, np, np + nl);
  f->calls = calls;
  f->osr_pc = (int32_t)osr;
  f->esig = esig;
  for (uint32_t i = 0; i < np; i++) f->local_names[i] = pn[i], f->local_kinds[i] = pk[i];
  for (uint32_t i = 0; i < nl; i++) f->local_names[np + i] = ln[i], f->local_kinds[np + i] = lk[i];
  for (uint32_t i = 0; i < np + nl; i++)
    for (uint32_t j = 0; j < i; j++)
      if (!strcmp(f->local_names[i], f->local_names[j])) {
        perr(P, ft, "local '%s' is declared twice", f->local_names[i]);
        goto out;
      }
  P->f = f;
  P->cuse = P->cblk = P->cfs = 0;
  P->use_line = P->use_col = P->def_line = P->def_col = NULL;
  P->phi_from = NULL;
  P->blk_line = P->blk_col = NULL;
  P->blk_defined = P->blk_haspreds = NULL;
  P->fs_line = P->fs_col = NULL;
  P->fs_defined = NULL;
  /* Instructions without a result are numbered after the largest vN. */
  uint32_t maxv = 0;
  for (uint32_t j = P->i; j < P->n; j++) {
    const tok *t = &P->t[j];
    if (t->k == T_ID && name_is(t, "func") && j > 0 && P->t[j - 1].k == T_NL) break;
    uint32_t v;
    if (is_ref(t, "v", &v) && v < id_limit(P) && v > maxv) maxv = v;
  }
  P->next_void = maxv + 1;
  int32_t blk = -1;
  for (;;) {
    while (accept(P, T_NL)) {}
    tok *t = cur(P);
    if (t->k == T_EOF) {
      perr(P, t, "missing '}' at the end of function %s", f->name);
      break;
    }
    if (accept(P, '}')) {
      if (!at(P, T_NL) && !at(P, T_EOF)) unexpected(P, "the end of the line");
      finish(P, t);
      break;
    }
    bool ok;
    uint32_t b;
    if (t->k == T_ID && P->t[P->i + 1].k == ':' && is_ref(t, "b", NULL)) {
      ok = parse_label(P, &b);
      if (ok) blk = (int32_t)b;
    } else if (t->k == T_ID && P->t[P->i + 1].k == '=' && is_ref(t, "fs", NULL)) {
      ok = blk >= 0 ? parse_fs_line(P) : (perr(P, t, "a frame state before the first block"), false);
    } else if (blk < 0) {
      perr(P, t, "an instruction before the first block label");
      ok = false;
    } else
      ok = parse_ins(P, (uint32_t)blk);
    if (!ok) skip_line(P);
    else if (!at(P, T_NL) && !at(P, T_EOF)) {
      unexpected(P, "the end of the line");
      skip_line(P);
    }
    if (P->errors >= MAX_ERRORS) break;
  }
out:
  free(pn);
  free(pk);
  free(ln);
  free(lk);
  return P->errors ? NULL : f;
}

/* Registers every `func NAME(params)` line with prog, so that calls can
 * name functions defined later. */
static void register_funcs(parser *P) {
  for (uint32_t j = 0; j + 2 < P->n; j++) {
    const tok *t = &P->t[j];
    if (!(t->k == T_ID && name_is(t, "func") && (j == 0 || P->t[j - 1].k == T_NL))) continue;
    const tok *nm = &P->t[j + 1];
    if (nm->k != T_ID || P->t[j + 2].k != '(') continue;
    uint32_t arity = 0;
    for (uint32_t k = j + 3; k < P->n && P->t[k].k != ')' && P->t[k].k != T_NL; k++)
      if (P->t[k].k == T_ID && P->t[k - 1].k != ':') arity++;
    char *name = sc_arena_alloc(P->a, nm->len + 1);
    memcpy(name, nm->s, nm->len);
    int fi = sc_func_find(P->prog, name);
    if (fi < 0) sc_func_add(P->prog, name, arity);
    else if (P->prog->funcs[fi]->arity != arity)
      perr(P, nm, "function %s has %u parameters here but %u in the program", name, arity, P->prog->funcs[fi]->arity);
  }
}

uint32_t sc_ir_parse_all(sc_arena *a, sc_program *prog, const char *filename, const char *src, size_t len,
                         sc_diags *diags, sc_irfunc ***out) {
  parser P = {.a = a, .prog = prog, .d = diags};
  diags->filename = filename;
  uint32_t first_diag = diags->n;
  *out = NULL;
  if (!lex(&P, src, len)) return 0;
  register_funcs(&P);
  sc_irfunc **fs = NULL;
  size_t n = 0, cap = 0;
  while (!P.errors) {
    while (accept(&P, T_NL)) {}
    if (at(&P, T_EOF)) break;
    sc_irfunc *f = parse_func(&P);
    if (!f) break;
    fs = sc_arena_grow(a, fs, sizeof *fs, n, &cap, n + 1);
    fs[n++] = f;
  }
  if (!P.errors && n == 0) perr(&P, cur(&P), "no function in the input");
  P.t = NULL; /* the collector's */
  /* Report in text order (the end-of-function checks come late). */
  for (uint32_t i = first_diag + 1; i < diags->n; i++) {
    sc_diag x = diags->v[i];
    uint32_t j = i;
    while (j > first_diag && (diags->v[j - 1].line > x.line || (diags->v[j - 1].line == x.line && diags->v[j - 1].col > x.col))) {
      diags->v[j] = diags->v[j - 1];
      j--;
    }
    diags->v[j] = x;
  }
  if (P.errors) return 0;
  *out = fs;
  return (uint32_t)n;
}

sc_irfunc *sc_ir_parse(sc_arena *a, sc_program *prog, const char *filename, const char *src, size_t len,
                       sc_diags *diags) {
  sc_irfunc **fs;
  uint32_t n = sc_ir_parse_all(a, prog, filename, src, len, diags, &fs);
  if (n > 1) {
    sc_diag_add(diags, 0, 0, "expected one function, found %u", n);
    return NULL;
  }
  return n ? fs[0] : NULL;
}
