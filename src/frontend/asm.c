/* The .sasm assembler (the contract: shared/spec/bytecode.md).
 *
 * One pass over the lines emits code directly. An operand that names
 * something not seen yet becomes a fixup: labels and locals are resolved
 * when their function closes, functions and globals at the end of the file.
 * Every lookup is a hash probe, so assembly is linear in the input.
 *
 * Errors are reported at the offending token and parsing resumes on the next
 * line. Recovery aims at one message per mistake: a token the lexer rejected
 * (T_BAD) is never reported again, a malformed declaration still declares
 * its name when it has one, the body of a function whose header is unusable
 * is skipped, and so are the lines after a top-level error up to the next
 * `func` or `global`. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/program.h"
#include "runtime/runtime.h"
#include "shapec/bytecode.h"

typedef enum { T_IDENT, T_INT, T_FLOAT, T_STRING, T_PUNCT, T_BAD } tkind;

typedef struct tok {
  tkind k;
  uint32_t line, col, len;
  const char *s; /* the token's text in the source */
  union {
    int64_t i;
    double f;
    sc_str *str;
  };
} tok;

/* An operand to resolve later; s points into the source text. */
enum { FX_LOCAL, FX_LOCAL_INDEX, FX_LABEL, FX_FUNC, FX_GLOBAL, FX_GLOBAL_INDEX };
typedef struct fixup {
  uint8_t what;
  uint32_t func, pc, line, col, len;
  const char *s;
  int64_t i;
} fixup;

typedef struct fixups {
  fixup *v;
  uint32_t n, cap;
} fixups;

/* Per-index declaration lines, for "first declared at line N". */
typedef struct lines {
  uint32_t *v;
  uint32_t cap;
} lines;

typedef struct label {
  uint32_t pc, line;
} label;

/* The function being assembled. */
typedef struct fstate {
  sc_func *f;
  sc_symtab locals; /* name -> local index */
  lines local_line;
  sc_symtab labels; /* name -> index in label_v */
  label *label_v;
  uint32_t nlabels, clabels;
  fixups fx; /* labels and locals */
  bool too_many; /* locals: reported once */
} fstate;

typedef enum { SKIP_NONE, SKIP_BODY, SKIP_TOPLEVEL } skipmode;

typedef struct asm_state {
  sc_program *p;
  sc_diags *d;
  uint32_t line;
  tok *toks;
  uint32_t ntok, ctok;
  uint32_t errors;
  sc_symtab ops, ops_lower; /* opcode names; lower-cased ones for hints */
  bool in_func, want_brace;
  skipmode skip;
  fstate fn;
  lines global_line;
  fixups gfx; /* functions and globals */
} asm_state;

/* ---- diagnostics ---- */

static void verr(asm_state *st, uint32_t line, uint32_t col, const char *fmt, va_list ap) {
  if (++st->errors > SC_MAX_ERRORS) return;
  char buf[256], *m = buf;
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  if (n >= (int)sizeof buf) {
    m = sc_gc_alloc_atomic((size_t)n + 1);
    vsnprintf(m, (size_t)n + 1, fmt, ap2);
  }
  va_end(ap2);
  sc_diag_add(st->d, line, col, "%s", m);
}

static void err(asm_state *st, uint32_t line, uint32_t col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void err(asm_state *st, uint32_t line, uint32_t col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  verr(st, line, col, fmt, ap);
  va_end(ap);
}

/* An error about token t; silent when the lexer already reported t. */
static void err_tok(asm_state *st, const tok *t, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void err_tok(asm_state *st, const tok *t, const char *fmt, ...) {
  if (t->k == T_BAD) return;
  va_list ap;
  va_start(ap, fmt);
  verr(st, t->line, t->col, fmt, ap);
  va_end(ap);
}

#define SHOW_MAX 64
/* Source text for messages, quoted and capped: `'abc'`, `'aaaa...'`. */
static const char *quote(const char *s, uint32_t len, char *buf) {
  if (len > SHOW_MAX) snprintf(buf, SHOW_MAX + 8, "'%.*s...'", SHOW_MAX, s);
  else snprintf(buf, SHOW_MAX + 8, "'%.*s'", (int)len, s);
  return buf;
}
#define QBUF char qb[SHOW_MAX + 8]
#define Q(t) quote((t)->s, (t)->len, qb)

/* The token at i, or "end of line" (at the column after the last token). */
static void err_at(asm_state *st, const tok *t, uint32_t n, uint32_t i, const char *what) {
  QBUF;
  if (i < n) err_tok(st, &t[i], "%s, got %s", what, Q(&t[i]));
  else err(st, t[n - 1].line, t[n - 1].col + t[n - 1].len, "%s, got end of line", what);
}

/* ---- lexer ---- */

static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alnum(int c) { return is_alpha(c) || is_digit(c); }

static const char *char_desc(unsigned char c, char *buf) {
  if (c >= 0x20 && c < 0x7f) snprintf(buf, 8, "'%c'", c);
  else snprintf(buf, 8, "'\\x%02x'", c);
  return buf;
}

/* Length of the well-formed multi-byte UTF-8 sequence at s (its code point
 * in *cp), or 1. */
static uint32_t utf8_seq(const unsigned char *s, const unsigned char *e, uint32_t *cp) {
  uint32_t n = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 && s[0] < 0xE0 ? 2 : 1;
  if (n == 1 || s[0] > 0xF4 || (uint32_t)(e - s) < n) return 1;
  uint32_t c = s[0] & (0x7F >> n);
  for (uint32_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) return 1;
    c = c << 6 | (s[i] & 0x3F);
  }
  static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (c < min[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 1;
  *cp = c;
  return n;
}

static tok *new_tok(asm_state *st) {
  if (st->ntok == st->ctok) {
    uint32_t nc = st->ctok ? st->ctok * 2 : 32;
    tok *v = sc_gc_alloc(nc * sizeof *v);
    if (st->ntok) memcpy(v, st->toks, st->ntok * sizeof *v);
    st->toks = v;
    st->ctok = nc;
  }
  tok *t = &st->toks[st->ntok++];
  memset(t, 0, sizeof *t);
  return t;
}

/* -?[0-9]+ (int64) or -?[0-9]+\.[0-9]+([eE][-+]?[0-9]+)? (float64). The
 * lexeme is the whole run of characters that could continue a number, so
 * that `12abc` or `1.2.3` is one bad literal rather than several tokens. */
static const char *lex_number(asm_state *st, tok *t, const char *s, const char *e) {
  const char *r = s + 1;
  while (r < e && (is_alnum(*r) || *r == '.' || ((*r == '+' || *r == '-') && (r[-1] == 'e' || r[-1] == 'E')))) r++;
  uint32_t len = (uint32_t)(r - s);
  QBUF;
  const char *q = quote(s, len, qb);
  const char *p = *s == '-' ? s + 1 : s;
  while (p < r && is_digit(*p)) p++;
  bool isf = false;
  t->k = T_BAD;
  if (p < r && *p == '.') {
    p++;
    if (p >= r || !is_digit(*p)) {
      err(st, t->line, t->col, "invalid number literal %s: digits must follow '.'", q);
      return r;
    }
    while (p < r && is_digit(*p)) p++;
    isf = true;
  }
  if (p < r && (*p == 'e' || *p == 'E')) {
    if (!isf) {
      err(st, t->line, t->col, "invalid number literal %s: an exponent needs a fraction (e.g. 1.0e5)", q);
      return r;
    }
    p++;
    if (p < r && (*p == '+' || *p == '-')) p++;
    if (p >= r || !is_digit(*p)) {
      err(st, t->line, t->col, "invalid number literal %s: missing exponent digits", q);
      return r;
    }
    while (p < r && is_digit(*p)) p++;
  }
  if (p != r) {
    err(st, t->line, t->col, "invalid number literal %s", q);
    return r;
  }
  if (!isf) {
    bool neg = *s == '-';
    uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (p = neg ? s + 1 : s; p < r; p++) {
      unsigned dgt = (unsigned)(*p - '0');
      if (v > (lim - dgt) / 10) {
        err(st, t->line, t->col, "integer literal %s out of range for int64", q);
        return r;
      }
      v = v * 10 + dgt;
    }
    t->k = T_INT;
    t->i = neg ? (int64_t)(0 - v) : (int64_t)v;
    return r;
  }
  char small[64], *buf = len < sizeof small ? small : malloc((size_t)len + 1);
  if (!buf) {
    err(st, t->line, t->col, "out of memory reading a number literal");
    return r;
  }
  memcpy(buf, s, len);
  buf[len] = 0;
  double f = strtod(buf, NULL); /* correctly rounded; underflow rounds to 0 */
  if (buf != small) free(buf);
  if (isinf(f)) {
    err(st, t->line, t->col, "float literal %s out of range", q);
    return r;
  }
  t->k = T_FLOAT;
  t->f = f;
  return r;
}

/* "..." with \n \t \\ \" escapes, on one line. */
static const char *lex_string(asm_state *st, tok *t, const char *s, const char *e, const char *ls) {
  char *buf = sc_gc_alloc_atomic((size_t)(e - s) + 1);
  size_t n = 0;
  bool bad = false;
  const char *q = s + 1;
  for (;;) {
    if (q >= e || (*q == '\\' && q + 1 >= e)) {
      if (!bad) err(st, t->line, t->col, "unterminated string literal");
      t->k = T_BAD;
      return e;
    }
    char c = *q;
    if (c == '"') {
      q++;
      break;
    }
    if (c == '\\') {
      char x = q[1], r = x == 'n' ? '\n' : x == 't' ? '\t' : x == '\\' ? '\\' : x == '"' ? '"' : 0;
      if (!r && !bad) {
        char cb[8];
        if ((unsigned char)x >= 0x20 && (unsigned char)x < 0x7f)
          err(st, t->line, (uint32_t)(q - ls) + 1, "unknown escape sequence '\\%c' in string", x);
        else
          err(st, t->line, (uint32_t)(q - ls) + 1, "invalid character %s after '\\' in string",
              char_desc((unsigned char)x, cb));
        bad = true;
      }
      buf[n++] = r;
      q += 2;
      continue;
    }
    if (c == 0 && !bad) {
      err(st, t->line, (uint32_t)(q - ls) + 1, "NUL byte in string literal");
      bad = true;
    }
    buf[n++] = c;
    q++;
  }
  if (bad) t->k = T_BAD;
  else {
    t->k = T_STRING;
    t->str = sc_str_new(buf, (int64_t)n);
  }
  return q;
}

/* Tokenizes one line [s, e). Bad tokens are reported here and kept as T_BAD. */
static void lex_line(asm_state *st, const char *s, const char *e) {
  const char *ls = s;
  st->ntok = 0;
  while (s < e) {
    unsigned char c = (unsigned char)*s;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      s++;
      continue;
    }
    if (c == ';') break;
    tok *t = new_tok(st);
    t->line = st->line;
    t->col = (uint32_t)(s - ls) + 1;
    t->s = s;
    if (is_alpha(c)) {
      while (s < e && is_alnum(*s)) s++;
      t->k = T_IDENT;
    } else if (is_digit(c) || (c == '-' && s + 1 < e && is_digit(s[1]))) {
      s = lex_number(st, t, s, e);
    } else if (c == '"') {
      s = lex_string(st, t, s, e, ls);
    } else if (c == '(' || c == ')' || c == '{' || c == '}' || c == ',' || c == ':') {
      t->k = T_PUNCT;
      s++;
    } else {
      uint32_t cp, n = utf8_seq((const unsigned char *)s, (const unsigned char *)e, &cp);
      char cb[8];
      if (n > 1) err(st, t->line, t->col, "unexpected character '%.*s' (U+%04X)", (int)n, s, cp);
      else err(st, t->line, t->col, "unexpected character %s", char_desc(c, cb));
      t->k = T_BAD;
      s += n;
    }
    t->len = (uint32_t)(s - t->s);
  }
}

/* ---- declarations ---- */

static bool is(const tok *t, const char *w) {
  size_t n = strlen(w);
  return (t->k == T_IDENT || t->k == T_PUNCT) && t->len == n && !memcmp(t->s, w, n);
}

static char *tok_str(const tok *t) {
  char *s = sc_gc_alloc_atomic(t->len + 1);
  memcpy(s, t->s, t->len);
  s[t->len] = 0;
  return s;
}

static void lines_set(lines *l, uint32_t i, uint32_t line) {
  if (i >= l->cap) {
    uint32_t nc = l->cap ? l->cap * 2 : 16;
    while (nc <= i) nc *= 2;
    uint32_t *v = sc_gc_alloc_atomic(nc * sizeof *v);
    if (l->cap) memcpy(v, l->v, l->cap * sizeof *v);
    l->v = v;
    l->cap = nc;
  }
  l->v[i] = line;
}

static void fixup_add(fixups *x, uint8_t what, uint32_t func, uint32_t pc, const tok *t) {
  if (x->n == x->cap) {
    uint32_t nc = x->cap ? x->cap * 2 : 16;
    fixup *v = sc_gc_alloc_atomic(nc * sizeof *v); /* s points into the source, not the GC heap */
    if (x->n) memcpy(v, x->v, x->n * sizeof *v);
    x->v = v;
    x->cap = nc;
  }
  fixup *f = &x->v[x->n++];
  f->what = what;
  f->func = func;
  f->pc = pc;
  f->line = t->line;
  f->col = t->col;
  f->len = t->len;
  f->s = t->s;
  f->i = t->k == T_INT ? t->i : 0;
}

/* Declares local t of the open function; false (reported) if it cannot. */
static bool declare_local(asm_state *st, const tok *t, sc_kind kind, bool param) {
  fstate *fn = &st->fn;
  QBUF;
  int32_t prev = sc_symtab_get(&fn->locals, t->s, t->len);
  if (prev >= 0) {
    if (param) err_tok(st, t, "duplicate parameter %s", Q(t));
    else err_tok(st, t, "duplicate local %s (first declared at line %u)", Q(t), fn->local_line.v[prev]);
    return false;
  }
  if (fn->f->nlocals >= SC_MAX_LOCALS) {
    if (!fn->too_many) err_tok(st, t, "too many locals in function '%s' (at most %u)", fn->f->name, SC_MAX_LOCALS);
    fn->too_many = true;
    return false;
  }
  uint32_t k = sc_func_add_local(fn->f, "", kind);
  fn->f->local_names[k] = tok_str(t);
  sc_symtab_put(&fn->locals, fn->f->local_names[k], t->len, (int32_t)k);
  lines_set(&fn->local_line, k, t->line);
  return true;
}

static void close_func(asm_state *st);
static void line_body(asm_state *st, tok *t, uint32_t n);

/* Adds function `name` with params t[params[0..np)]; opens it for its body
 * when `open`, else only registers the name (so that calls to it do not
 * cascade into "unknown function" errors). */
static void start_func(asm_state *st, const tok *kw, const tok *name, const uint32_t *params, uint32_t np, bool open) {
  int prev = sc_func_find_n(st->p, name->s, name->len);
  if (prev >= 0) {
    QBUF;
    err_tok(st, name, "duplicate function %s (first defined at line %u)", Q(name), st->p->funcs[prev]->line);
  }
  sc_func *f = sc_func_add(st->p, tok_str(name), 0);
  f->line = kw->line;
  f->col = kw->col;
  memset(&st->fn, 0, sizeof st->fn);
  st->fn.f = f;
  const tok *t = st->toks;
  for (uint32_t k = 0; k < np; k++) declare_local(st, &t[params[k]], SC_KIND_ANY, true);
  f->arity = f->nlocals;
  st->in_func = open;
}

/* func NAME ( [P {, P}] ) { */
static void func_header(asm_state *st, tok *t, uint32_t n) {
  QBUF;
  st->skip = SKIP_BODY; /* until the header is known to be usable */
  if (n < 2 || t[1].k != T_IDENT) {
    err_at(st, t, n, 1, "expected a function name after 'func'");
    return;
  }
  uint32_t i = 2;
  uint32_t *params = sc_gc_alloc_atomic(n * sizeof *params), np = 0;
  if (i >= n || !is(&t[i], "(")) {
    char what[SHOW_MAX + 64];
    snprintf(what, sizeof what, "expected '(' after function name %s", Q(&t[1]));
    err_at(st, t, n, i, what);
    start_func(st, &t[0], &t[1], params, 0, false);
    return;
  }
  i++;
  if (i < n && is(&t[i], ")")) i++;
  else
    for (;;) {
      if (i >= n || t[i].k != T_IDENT) {
        err_at(st, t, n, i, "expected a parameter name");
        start_func(st, &t[0], &t[1], params, np, false);
        return;
      }
      if (np == SC_MAX_PARAMS) err_tok(st, &t[i], "too many parameters (at most %u)", SC_MAX_PARAMS);
      else params[np++] = i;
      i++;
      if (i < n && is(&t[i], ",")) {
        i++;
        continue;
      }
      if (i < n && is(&t[i], ")")) {
        i++;
        break;
      }
      err_at(st, t, n, i, "expected ',' or ')' in parameter list");
      start_func(st, &t[0], &t[1], params, np, false);
      return;
    }
  st->skip = SKIP_NONE;
  if (i >= n || !is(&t[i], "{")) {
    char what[SHOW_MAX + 64];
    snprintf(what, sizeof what, "expected '{' after the parameters of %s", Q(&t[1]));
    err_at(st, t, n, i, what);
    start_func(st, &t[0], &t[1], params, np, true);
    st->want_brace = i >= n; /* tolerate the brace alone on the next line */
    return;
  }
  start_func(st, &t[0], &t[1], params, np, true);
  if (i + 1 < n) {
    err_tok(st, &t[i + 1], "unexpected %s after '{': instructions start on the next line", Q(&t[i + 1]));
    line_body(st, t + i + 1, n - i - 1);
  }
}

static void local_decl(asm_state *st, tok *t, uint32_t n) {
  QBUF;
  if (n < 2 || t[1].k != T_IDENT) {
    err_at(st, t, n, 1, "expected a local name after 'local'");
    return;
  }
  sc_kind kind = SC_KIND_ANY;
  if (n > 2) {
    if (!is(&t[2], ":")) err_tok(st, &t[2], "expected ':' or end of line after local name, got %s", Q(&t[2]));
    else if (n < 4 || t[3].k != T_IDENT)
      err_at(st, t, n, 3, "expected a kind (int, float, bool or any) after ':'");
    else {
      if (is(&t[3], "int")) kind = SC_KIND_INT;
      else if (is(&t[3], "float")) kind = SC_KIND_FLOAT;
      else if (is(&t[3], "bool")) kind = SC_KIND_BOOL;
      else if (!is(&t[3], "any"))
        err_tok(st, &t[3], "unknown kind %s (expected int, float, bool or any)", Q(&t[3]));
      if (n > 4) err_tok(st, &t[4], "unexpected %s after local declaration", Q(&t[4]));
    }
  }
  declare_local(st, &t[1], kind, false); /* even after an error, so uses do not cascade */
}

static void global_decl(asm_state *st, tok *t, uint32_t n) {
  QBUF;
  if (n < 2 || t[1].k != T_IDENT) {
    err_at(st, t, n, 1, "expected a global name after 'global'");
    return;
  }
  if (n > 2) err_tok(st, &t[2], "unexpected %s after global declaration", Q(&t[2]));
  int prev = sc_global_find_n(st->p, t[1].s, t[1].len);
  if (prev >= 0) {
    err_tok(st, &t[1], "duplicate global %s (first declared at line %u)", Q(&t[1]), st->global_line.v[prev]);
    return;
  }
  lines_set(&st->global_line, sc_global_add(st->p, tok_str(&t[1])), t[1].line);
}

static void label_decl(asm_state *st, const tok *t) {
  fstate *fn = &st->fn;
  int32_t prev = sc_symtab_get(&fn->labels, t->s, t->len);
  if (prev >= 0) {
    QBUF;
    err_tok(st, t, "duplicate label %s (first defined at line %u)", Q(t), fn->label_v[prev].line);
    return;
  }
  if (fn->nlabels == fn->clabels) {
    uint32_t nc = fn->clabels ? fn->clabels * 2 : 16;
    label *v = sc_gc_alloc_atomic(nc * sizeof *v);
    if (fn->nlabels) memcpy(v, fn->label_v, fn->nlabels * sizeof *v);
    fn->label_v = v;
    fn->clabels = nc;
  }
  fn->label_v[fn->nlabels] = (label){fn->f->ncode, t->line};
  sc_symtab_put(&fn->labels, t->s, t->len, (int32_t)fn->nlabels++);
}

/* ---- instructions ---- */

static const char *builtin_list(void) {
  static const char list[] =
#define BUILTIN(name, argc) ", " #name
#include "shapec/builtins.def"
#undef BUILTIN
      ;
  return list + 2;
}

/* argc of Call / CallBuiltin: 0..SC_MAX_PARAMS. */
static bool argc_operand(asm_state *st, const tok *c, sc_op op, uint16_t *b) {
  QBUF;
  if (c->k != T_INT) {
    err_tok(st, c, "%s expects an argument count, got %s", sc_op_name(op), Q(c));
    return false;
  }
  if (c->i < 0 || c->i > SC_MAX_PARAMS) {
    err_tok(st, c, "argument count %lld out of range (0..%u)", (long long)c->i, SC_MAX_PARAMS);
    return false;
  }
  *b = (uint16_t)c->i;
  return true;
}

static void insn(asm_state *st, tok *t, uint32_t n) {
  QBUF;
  int32_t op = sc_symtab_get(&st->ops, t[0].s, t[0].len);
  if (op < 0) {
    char low[32];
    int32_t hint = -1;
    if (t[0].len < sizeof low) {
      for (uint32_t i = 0; i < t[0].len; i++) low[i] = (char)(t[0].s[i] | ((t[0].s[i] >= 'A' && t[0].s[i] <= 'Z') << 5));
      hint = sc_symtab_get(&st->ops_lower, low, t[0].len);
    }
    if (hint >= 0) err_tok(st, &t[0], "unknown opcode %s (did you mean '%s'?)", Q(&t[0]), sc_op_name((sc_op)hint));
    else err_tok(st, &t[0], "unknown opcode %s", Q(&t[0]));
    return;
  }
  const char *name = sc_op_name((sc_op)op);
  for (uint32_t i = 1; i < n; i++) {
    if (t[i].k == T_BAD) return;
    if (t[i].k == T_PUNCT) {
      err_tok(st, &t[i], "unexpected %s in operands of %s", Q(&t[i]), name);
      return;
    }
  }
  sc_operand kind = sc_op_operand((sc_op)op);
  uint32_t want = kind == SC_OPND_NONE ? 0 : (kind == SC_OPND_CALL || kind == SC_OPND_BUILTIN) ? 2 : 1, got = n - 1;
  if (got != want) {
    const tok *at = got > want ? &t[want + 1] : &t[0];
    err(st, at->line, at->col, "%s expects %u operand%s, got %u", name, want, want == 1 ? "" : "s", got);
    return;
  }
  sc_func *f = st->fn.f;
  uint32_t pc = f->ncode, fi = f->index;
  const tok *o = &t[1];
  int32_t a = 0;
  uint16_t b = 0;
  switch (kind) {
  case SC_OPND_NONE: break;
  case SC_OPND_CONST:
    if (o->k == T_INT) a = (int32_t)sc_const_add(st->p, sc_int(o->i));
    else if (o->k == T_FLOAT) a = (int32_t)sc_const_add(st->p, sc_float(o->f));
    else if (o->k == T_STRING) a = (int32_t)sc_const_add(st->p, sc_ptr(SC_STR, o->str));
    else if (is(o, "true") || is(o, "false")) a = (int32_t)sc_const_add(st->p, sc_bool(is(o, "true")));
    else if (is(o, "null")) a = (int32_t)sc_const_add(st->p, sc_null());
    else err_tok(st, o, "%s expects a literal (number, string, true, false or null), got %s", name, Q(o));
    break;
  case SC_OPND_CALL:
    argc_operand(st, &t[2], (sc_op)op, &b);
    /* fall through */
  case SC_OPND_FUNC:
    if (o->k != T_IDENT) err_tok(st, o, "%s expects a function name, got %s", name, Q(o));
    else fixup_add(&st->gfx, FX_FUNC, fi, pc, o);
    break;
  case SC_OPND_LOCAL:
    if (o->k == T_INT) {
      if (o->i >= 0 && o->i < f->nlocals) a = (int32_t)o->i;
      else fixup_add(&st->fn.fx, FX_LOCAL_INDEX, fi, pc, o); /* may be declared later */
    } else if (o->k == T_IDENT) {
      a = sc_symtab_get(&st->fn.locals, o->s, o->len);
      if (a < 0) fixup_add(&st->fn.fx, FX_LOCAL, fi, pc, o);
    } else
      err_tok(st, o, "%s expects a local name or index, got %s", name, Q(o));
    break;
  case SC_OPND_GLOBAL:
    if (o->k == T_INT) {
      if (o->i >= 0 && o->i < st->p->nglobals) a = (int32_t)o->i;
      else fixup_add(&st->gfx, FX_GLOBAL_INDEX, fi, pc, o);
    } else if (o->k == T_IDENT) {
      a = sc_global_find_n(st->p, o->s, o->len);
      if (a < 0) fixup_add(&st->gfx, FX_GLOBAL, fi, pc, o);
    } else
      err_tok(st, o, "%s expects a global name or index, got %s", name, Q(o));
    break;
  case SC_OPND_LABEL:
    if (o->k != T_IDENT) {
      err_tok(st, o, "%s expects a label, got %s", name, Q(o));
      break;
    }
    a = sc_symtab_get(&st->fn.labels, o->s, o->len);
    if (a >= 0) a = (int32_t)st->fn.label_v[a].pc;
    else fixup_add(&st->fn.fx, FX_LABEL, fi, pc, o);
    break;
  case SC_OPND_COUNT:
    if (o->k != T_INT) err_tok(st, o, "%s expects a count, got %s", name, Q(o));
    else if (o->i < 0 || o->i > SC_MAX_COUNT)
      err_tok(st, o, "count %lld out of range (0..%u)", (long long)o->i, SC_MAX_COUNT);
    else a = (int32_t)o->i;
    break;
  case SC_OPND_NAME:
    if (o->k != T_IDENT) err_tok(st, o, "%s expects a property name, got %s", name, Q(o));
    else a = (int32_t)sc_name_intern_n(st->p, o->s, o->len);
    break;
  case SC_OPND_BUILTIN:
    if (o->k != T_IDENT) err_tok(st, o, "%s expects a builtin name, got %s", name, Q(o));
    else {
      a = -1;
      for (int k = 0; k < SC_NBUILTINS; k++) {
        const char *bn = sc_builtin_name((sc_builtin)k);
        if (strlen(bn) == o->len && !memcmp(bn, o->s, o->len)) a = k;
      }
      if (a < 0) err_tok(st, o, "unknown builtin %s (builtins: %s)", Q(o), builtin_list());
    }
    argc_operand(st, &t[2], (sc_op)op, &b);
    break;
  }
  sc_emit(f, (sc_op)op, a, b, t[0].line, t[0].col);
}

/* ---- lines ---- */

static void line_body(asm_state *st, tok *t, uint32_t n) {
  QBUF;
  if (st->want_brace) {
    st->want_brace = false;
    if (n == 1 && is(&t[0], "{")) return; /* `{` on its own line: already reported */
  }
  if (is(&t[0], "}")) {
    if (n > 1) err_tok(st, &t[1], "unexpected %s after '}'", Q(&t[1]));
    close_func(st);
  } else if (is(&t[0], "func")) {
    err(st, t[0].line, t[0].col, "missing '}' before this function (function '%s' is not closed)", st->fn.f->name);
    close_func(st);
    func_header(st, t, n);
  } else if (is(&t[0], "local")) {
    local_decl(st, t, n);
  } else if (is(&t[0], "global")) {
    err(st, t[0].line, t[0].col, "global declarations must be outside functions");
    global_decl(st, t, n);
  } else if (t[0].k == T_IDENT && n >= 2 && is(&t[1], ":")) {
    label_decl(st, &t[0]);
    if (n > 2) {
      err_tok(st, &t[2], "a label must be on its own line (found %s after '%.*s:')", Q(&t[2]), (int)t[0].len, t[0].s);
      line_body(st, t + 2, n - 2);
    }
  } else if (t[0].k == T_IDENT) {
    insn(st, t, n);
  } else {
    err_tok(st, &t[0], "expected an instruction, label or '}', got %s", Q(&t[0]));
  }
}

static void line_toplevel(asm_state *st, tok *t, uint32_t n) {
  QBUF;
  if (is(&t[0], "func")) {
    st->skip = SKIP_NONE;
    func_header(st, t, n);
    return;
  }
  if (is(&t[0], "global")) {
    st->skip = SKIP_NONE;
    global_decl(st, t, n);
    return;
  }
  if (st->skip == SKIP_BODY) {
    if (is(&t[0], "}")) st->skip = SKIP_NONE;
    return;
  }
  if (st->skip == SKIP_TOPLEVEL) return;
  if (is(&t[0], "}")) err(st, t[0].line, t[0].col, "unmatched '}'");
  else if (is(&t[0], "local")) err(st, t[0].line, t[0].col, "local declarations must be inside a function");
  else if (t[0].k == T_IDENT && n >= 2 && is(&t[1], ":"))
    err(st, t[0].line, t[0].col, "label %s outside of a function", Q(&t[0]));
  else if (t[0].k == T_IDENT && sc_symtab_get(&st->ops, t[0].s, t[0].len) >= 0)
    err(st, t[0].line, t[0].col, "instruction outside of a function");
  else
    err_tok(st, &t[0], "expected 'func' or 'global', got %s", Q(&t[0]));
  st->skip = SKIP_TOPLEVEL; /* one message for a run of stray lines */
}

/* ---- resolution ---- */

static void close_func(asm_state *st) {
  fstate *fn = &st->fn;
  sc_func *f = fn->f;
  QBUF;
  for (uint32_t k = 0; k < fn->fx.n; k++) {
    const fixup *x = &fn->fx.v[k];
    int32_t a = -1;
    if (x->what == FX_LABEL) {
      a = sc_symtab_get(&fn->labels, x->s, x->len);
      if (a >= 0) a = (int32_t)fn->label_v[a].pc;
      else err(st, x->line, x->col, "unknown label %s in function '%s'", quote(x->s, x->len, qb), f->name);
    } else if (x->what == FX_LOCAL) {
      a = sc_symtab_get(&fn->locals, x->s, x->len);
      if (a < 0) err(st, x->line, x->col, "unknown local %s in function '%s'", quote(x->s, x->len, qb), f->name);
    } else if (x->i >= 0 && x->i < f->nlocals) {
      a = (int32_t)x->i;
    } else {
      err(st, x->line, x->col, "local index %lld out of range (function '%s' has %u local%s)", (long long)x->i,
          f->name, f->nlocals, f->nlocals == 1 ? "" : "s");
    }
    if (a >= 0) f->code[x->pc].a = a;
  }
  st->in_func = false;
  st->want_brace = false;
}

static void resolve_globals(asm_state *st) {
  sc_program *p = st->p;
  QBUF;
  for (uint32_t k = 0; k < st->gfx.n; k++) {
    const fixup *x = &st->gfx.v[k];
    int32_t a = -1;
    const char *q = quote(x->s, x->len, qb);
    if (x->what == FX_FUNC) {
      a = sc_func_find_n(p, x->s, x->len);
      if (a < 0) err(st, x->line, x->col, "unknown function %s", q);
    } else if (x->what == FX_GLOBAL) {
      a = sc_global_find_n(p, x->s, x->len);
      if (a < 0) err(st, x->line, x->col, "unknown global %s", q);
    } else if (x->i >= 0 && x->i < p->nglobals) {
      a = (int32_t)x->i;
    } else {
      err(st, x->line, x->col, "global index %lld out of range (%u global%s)", (long long)x->i, p->nglobals,
          p->nglobals == 1 ? "" : "s");
    }
    if (a >= 0) p->funcs[x->func]->code[x->pc].a = a;
  }
}

static void init_ops(asm_state *st) {
  for (int op = 0; op < SC_NOPS; op++) {
    const char *nm = sc_op_name((sc_op)op);
    size_t len = strlen(nm);
    char *low = sc_gc_alloc_atomic(len + 1);
    for (size_t i = 0; i <= len; i++) low[i] = (char)(nm[i] >= 'A' && nm[i] <= 'Z' ? nm[i] + 32 : nm[i]);
    sc_symtab_put(&st->ops, nm, len, op);
    sc_symtab_put(&st->ops_lower, low, len, op);
  }
}

sc_program *sc_assemble(const char *filename, const char *src, size_t len, sc_diags *diags) {
  sc_diags none = {0}; /* a host that does not want the diagnostics */
  if (!diags) diags = &none;
  asm_state st;
  memset(&st, 0, sizeof st);
  st.p = sc_program_new(filename);
  st.d = diags;
  diags->filename = st.p->filename;
  init_ops(&st);
  if (!src) len = 0;
  const char *s = src, *end = src + len;
  if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) s += 3; /* UTF-8 byte order mark */
  while (s < end) {
    const char *e = memchr(s, '\n', (size_t)(end - s));
    if (!e) e = end;
    st.line++;
    lex_line(&st, s, e);
    s = e + 1;
    if (!st.ntok) continue;
    if (st.in_func) line_body(&st, st.toks, st.ntok);
    else line_toplevel(&st, st.toks, st.ntok);
  }
  if (st.in_func) {
    err(&st, st.fn.f->line, st.fn.f->col, "function '%s' is not closed (missing '}')", st.fn.f->name);
    close_func(&st);
  }
  resolve_globals(&st);
  if (st.errors > SC_MAX_ERRORS)
    sc_diag_add(diags, SC_DIAG_NOPOS, 0, "too many errors (%u more not shown)", st.errors - SC_MAX_ERRORS);
  return st.errors ? NULL : st.p;
}

sc_program *sc_assemble_file(const char *path, sc_diags *diags) {
  sc_diags none = {0};
  if (!diags) diags = &none;
  if (!path) {
    sc_diag_add(diags, SC_DIAG_NOPOS, 0, "no file name");
    return NULL;
  }
  diags->filename = path;
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    sc_diag_add(diags, 1, 1, "cannot read file: %s", strerror(errno));
    return NULL;
  }
  size_t cap = 1 << 16, n = 0, r;
  char *buf = malloc(cap);
  int err = 0;
  while (buf && (r = fread(buf + n, 1, cap - n, fp)) > 0) {
    n += r;
    if (n == cap) {
      char *nb = cap < SIZE_MAX / 2 ? realloc(buf, cap *= 2) : NULL;
      if (!nb) {
        free(buf);
        buf = NULL;
      } else
        buf = nb;
    }
  }
  if (buf && ferror(fp)) err = errno ? errno : EIO;
  fclose(fp);
  if (!buf || err) {
    free(buf);
    sc_diag_add(diags, 1, 1, "cannot read file: %s", err ? strerror(err) : "out of memory");
    return NULL;
  }
  sc_program *p = sc_assemble(path, buf, n, diags);
  free(buf);
  return p;
}
