/* The .sasm assembler (../shared/spec/bytecode.md).
 *
 * Line oriented: each line is tokenized on its own. Pass 1 reads globals,
 * function headers, locals, labels and instructions with their operand
 * tokens; pass 2 resolves names (functions may be used before they are
 * defined, locals and globals before they are declared) and emits code.
 * Errors are collected with their positions; parsing resumes at the next
 * line, so one mistake gives one message. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"
#include "shapec/bytecode.h"

#define MAX_ERRORS 50
#define MAX_OPERANDS 4

typedef enum { T_IDENT, T_INT, T_FLOAT, T_STRING, T_PUNCT, T_BAD } tkind;

typedef struct tok {
  tkind k;
  uint32_t line, col;
  const char *s; /* start in source */
  uint32_t len;
  int64_t i;
  double f;
  sc_str *str;
} tok;

/* An instruction as read in pass 1. */
typedef struct rinsn {
  int op;
  uint32_t line, col;
  uint8_t nopnd;
  tok opnd[MAX_OPERANDS];
} rinsn;

typedef struct rlabel {
  const char *name;
  uint32_t len, pc, line, col;
} rlabel;

/* Declaration lines by index (a function's locals, the globals), for
 * "first declared at line N" messages. */
typedef struct decl_lines {
  uint32_t *v;
  uint32_t cap;
} decl_lines;

typedef struct rfunc {
  sc_func *f;
  rinsn *ins;
  uint32_t nins, cins;
  rlabel *labels;
  uint32_t nlabels, clabels;
  decl_lines locals;
} rfunc;

typedef struct asm_state {
  sc_program *p;
  sc_diags *d;
  const char *src, *end;
  uint32_t line;
  tok toks[64];
  int ntok;
  rfunc *funcs;
  uint32_t nfuncs, cfuncs;
  decl_lines globals;
  int errors;
} asm_state;

#define ERR(st, ln, cl, ...)                                  \
  do {                                                        \
    if ((st)->errors++ < MAX_ERRORS) sc_diag_add((st)->d, ln, cl, __VA_ARGS__); \
  } while (0)

static void *xgrow(void *p, uint32_t n, uint32_t *cap, size_t esz) {
  if (n < *cap) return p;
  uint32_t nc = *cap ? *cap * 2 : 8;
  void *q = sc_gc_alloc(nc * esz);
  if (n) memcpy(q, p, n * esz);
  *cap = nc;
  return q;
}

static int is_ident_start(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_ident(int c) { return is_ident_start(c) || is_digit(c); }

static int tok_is(const tok *t, const char *s) {
  size_t n = strlen(s);
  return (t->k == T_IDENT || t->k == T_PUNCT) && t->len == n && !memcmp(t->s, s, n);
}

static char *tok_cstr(const tok *t) {
  char *s = sc_gc_alloc_atomic(t->len + 1);
  memcpy(s, t->s, t->len);
  s[t->len] = 0;
  return s;
}

/* Describes a token for messages: `'name'`, `end of line`. */
static const char *tok_desc(const tok *t, char *buf, size_t n) {
  if (!t) return "end of line";
  snprintf(buf, n, "'%.*s'", (int)(t->len > 40 ? 40 : t->len), t->s);
  return buf;
}

/* Tokenizes one line [s, e). Returns false after reporting a lexical error. */
static bool lex_line(asm_state *st, const char *s, const char *e) {
  const char *ls = s;
  st->ntok = 0;
  while (s < e) {
    char c = *s;
    if (c == ' ' || c == '\t' || c == '\r') { s++; continue; }
    if (c == ';') break;
    if (st->ntok == (int)(sizeof st->toks / sizeof st->toks[0])) {
      ERR(st, st->line, (uint32_t)(s - ls) + 1, "too many tokens on one line");
      return false;
    }
    tok *t = &st->toks[st->ntok];
    memset(t, 0, sizeof *t);
    t->line = st->line;
    t->col = (uint32_t)(s - ls) + 1;
    t->s = s;
    if (is_ident_start(c)) {
      while (s < e && is_ident(*s)) s++;
      t->k = T_IDENT;
    } else if (is_digit(c) || (c == '-' && s + 1 < e && is_digit(s[1]))) {
      const char *q = s + 1;
      while (q < e && is_digit(*q)) q++;
      int isf = 0;
      if (q < e && *q == '.') {
        if (q + 1 < e && is_digit(q[1])) {
          isf = 1;
          q++;
          while (q < e && is_digit(*q)) q++;
        } else {
          ERR(st, t->line, t->col, "invalid number literal '%.*s': digits must follow '.'", (int)(q + 1 - s), s);
          return false;
        }
      }
      if (q < e && (*q == 'e' || *q == 'E')) {
        if (!isf) {
          ERR(st, t->line, t->col, "invalid number literal: an exponent needs a fraction (e.g. 1.0e5)");
          return false;
        }
        const char *r = q + 1;
        if (r < e && (*r == '+' || *r == '-')) r++;
        if (r >= e || !is_digit(*r)) {
          ERR(st, t->line, t->col, "invalid number literal: missing exponent digits");
          return false;
        }
        while (r < e && is_digit(*r)) r++;
        q = r;
      }
      if (q < e && (is_ident(*q) || *q == '.')) {
        const char *r = q;
        while (r < e && (is_ident(*r) || *r == '.')) r++;
        ERR(st, t->line, t->col, "invalid number literal '%.*s'", (int)(r - s), s);
        return false;
      }
      char buf[400];
      size_t n = (size_t)(q - s);
      if (n >= sizeof buf) {
        ERR(st, t->line, t->col, "number literal too long");
        return false;
      }
      memcpy(buf, s, n);
      buf[n] = 0;
      errno = 0;
      if (isf) {
        t->k = T_FLOAT;
        t->f = strtod(buf, NULL);
        if (isinf(t->f)) {
          ERR(st, t->line, t->col, "float literal %s out of range", buf);
          return false;
        }
      } else {
        t->k = T_INT;
        t->i = strtoll(buf, NULL, 10);
        if (errno == ERANGE) {
          ERR(st, t->line, t->col, "integer literal %s out of range for int64", buf);
          return false;
        }
      }
      s = q;
    } else if (c == '"') {
      char *buf = sc_gc_alloc_atomic((size_t)(e - s) + 1);
      size_t n = 0;
      s++;
      for (;;) {
        if (s >= e) {
          ERR(st, t->line, t->col, "unterminated string literal");
          return false;
        }
        if (*s == '"') { s++; break; }
        if (*s == '\\') {
          if (s + 1 >= e) {
            ERR(st, t->line, t->col, "unterminated string literal");
            return false;
          }
          char x = s[1];
          char r = x == 'n' ? '\n' : x == 't' ? '\t' : x == '\\' ? '\\' : x == '"' ? '"' : 0;
          if (!r) {
            ERR(st, st->line, (uint32_t)(s - ls) + 1, "unknown escape sequence '\\%c' in string", x);
            return false;
          }
          buf[n++] = r;
          s += 2;
          continue;
        }
        buf[n++] = *s++;
      }
      t->k = T_STRING;
      t->str = sc_str_new(buf, (int64_t)n);
    } else if (c == '(' || c == ')' || c == '{' || c == '}' || c == ',' || c == ':') {
      t->k = T_PUNCT;
      s++;
    } else {
      ERR(st, t->line, t->col, "unexpected character '%c'", c);
      return false;
    }
    t->len = (uint32_t)(s - t->s);
    st->ntok++;
  }
  return true;
}

static rfunc *cur_add_func(asm_state *st, sc_func *f) {
  st->funcs = xgrow(st->funcs, st->nfuncs, &st->cfuncs, sizeof *st->funcs);
  rfunc *rf = &st->funcs[st->nfuncs++];
  memset(rf, 0, sizeof *rf);
  rf->f = f;
  return rf;
}

static void decl_line_set(decl_lines *t, uint32_t i, uint32_t line) {
  if (i >= t->cap) {
    uint32_t nc = t->cap ? t->cap * 2 : 8;
    while (nc <= i) nc *= 2;
    uint32_t *v = sc_gc_alloc_atomic(nc * sizeof *v);
    if (t->cap) memcpy(v, t->v, t->cap * sizeof *v);
    t->v = v;
    t->cap = nc;
  }
  t->v[i] = line;
}

static int find_local(const sc_func *f, const tok *t) {
  for (uint32_t i = 0; i < f->nlocals; i++)
    if (strlen(f->local_names[i]) == t->len && !memcmp(f->local_names[i], t->s, t->len)) return (int)i;
  return -1;
}

/* `func NAME(a, b) {` — returns the new function or NULL after an error. */
static rfunc *parse_func_header(asm_state *st) {
  tok *t = st->toks;
  char b[64];
  if (st->ntok < 2 || t[1].k != T_IDENT) {
    ERR(st, st->ntok < 2 ? t[0].line : t[1].line, st->ntok < 2 ? t[0].col + t[0].len : t[1].col,
        "expected a function name after 'func', got %s", tok_desc(st->ntok < 2 ? NULL : &t[1], b, sizeof b));
    return NULL;
  }
  char *name = tok_cstr(&t[1]);
  int i = 2;
  if (i >= st->ntok || !tok_is(&t[i], "(")) {
    ERR(st, i < st->ntok ? t[i].line : t[1].line, i < st->ntok ? t[i].col : t[1].col + t[1].len,
        "expected '(' after function name '%s', got %s", name, tok_desc(i < st->ntok ? &t[i] : NULL, b, sizeof b));
    return NULL;
  }
  i++;
  tok params[256];
  uint32_t np = 0;
  if (i < st->ntok && tok_is(&t[i], ")")) i++;
  else
    for (;;) {
      if (i >= st->ntok || t[i].k != T_IDENT) {
        ERR(st, i < st->ntok ? t[i].line : st->line, i < st->ntok ? t[i].col : t[i - 1].col + t[i - 1].len,
            "expected a parameter name, got %s", tok_desc(i < st->ntok ? &t[i] : NULL, b, sizeof b));
        return NULL;
      }
      for (uint32_t k = 0; k < np; k++)
        if (params[k].len == t[i].len && !memcmp(params[k].s, t[i].s, t[i].len)) {
          ERR(st, t[i].line, t[i].col, "duplicate parameter '%.*s'", (int)t[i].len, t[i].s);
          return NULL;
        }
      if (np == 255) {
        ERR(st, t[i].line, t[i].col, "too many parameters (at most 255)");
        return NULL;
      }
      params[np++] = t[i++];
      if (i < st->ntok && tok_is(&t[i], ",")) { i++; continue; }
      if (i < st->ntok && tok_is(&t[i], ")")) { i++; break; }
      ERR(st, i < st->ntok ? t[i].line : st->line, i < st->ntok ? t[i].col : t[i - 1].col + t[i - 1].len,
          "expected ',' or ')' in parameter list, got %s", tok_desc(i < st->ntok ? &t[i] : NULL, b, sizeof b));
      return NULL;
    }
  if (i >= st->ntok || !tok_is(&t[i], "{")) {
    ERR(st, i < st->ntok ? t[i].line : st->line, i < st->ntok ? t[i].col : t[i - 1].col + t[i - 1].len,
        "expected '{' after the parameters of '%s', got %s", name, tok_desc(i < st->ntok ? &t[i] : NULL, b, sizeof b));
    return NULL;
  }
  if (i + 1 < st->ntok) {
    ERR(st, t[i + 1].line, t[i + 1].col, "unexpected %s after '{': instructions start on the next line",
        tok_desc(&t[i + 1], b, sizeof b));
    return NULL;
  }
  int prev = sc_func_find(st->p, name);
  if (prev >= 0) {
    sc_func *pf = st->p->funcs[prev];
    ERR(st, t[1].line, t[1].col, "duplicate function '%s' (first defined at line %u)", name, pf->line);
    /* still parse the body, into a function that is then dropped */
  }
  sc_func *f = sc_func_add(st->p, name, np);
  f->line = t[0].line;
  f->col = t[0].col;
  rfunc *rf = cur_add_func(st, f);
  for (uint32_t k = 0; k < np; k++) {
    f->local_names[k] = tok_cstr(&params[k]);
    decl_line_set(&rf->locals, k, params[k].line);
  }
  return rf;
}

static void parse_local(asm_state *st, rfunc *rf) {
  tok *t = st->toks;
  char b[64];
  if (st->ntok < 2 || t[1].k != T_IDENT) {
    ERR(st, st->ntok < 2 ? t[0].line : t[1].line, st->ntok < 2 ? t[0].col + t[0].len : t[1].col,
        "expected a local name after 'local', got %s", tok_desc(st->ntok < 2 ? NULL : &t[1], b, sizeof b));
    return;
  }
  sc_kind kind = SC_KIND_ANY;
  if (st->ntok > 2) {
    if (!tok_is(&t[2], ":")) {
      ERR(st, t[2].line, t[2].col, "expected ':' or end of line after local name, got %s", tok_desc(&t[2], b, sizeof b));
      return;
    }
    if (st->ntok < 4 || t[3].k != T_IDENT) {
      ERR(st, t[2].line, t[2].col + 1, "expected a kind (int, float, bool or any) after ':'");
      return;
    }
    if (tok_is(&t[3], "int")) kind = SC_KIND_INT;
    else if (tok_is(&t[3], "float")) kind = SC_KIND_FLOAT;
    else if (tok_is(&t[3], "bool")) kind = SC_KIND_BOOL;
    else if (tok_is(&t[3], "any")) kind = SC_KIND_ANY;
    else {
      ERR(st, t[3].line, t[3].col, "unknown kind '%.*s' (expected int, float, bool or any)", (int)t[3].len, t[3].s);
      return;
    }
    if (st->ntok > 4) {
      ERR(st, t[4].line, t[4].col, "unexpected %s after local declaration", tok_desc(&t[4], b, sizeof b));
      return;
    }
  }
  int prev = find_local(rf->f, &t[1]);
  if (prev >= 0) {
    ERR(st, t[1].line, t[1].col, "duplicate local '%.*s' (first declared at line %u)", (int)t[1].len, t[1].s,
        rf->locals.v[prev]);
    return;
  }
  uint32_t k = sc_func_add_local(rf->f, tok_cstr(&t[1]), kind);
  decl_line_set(&rf->locals, k, t[1].line);
}

static void parse_insn(asm_state *st, rfunc *rf) {
  tok *t = st->toks;
  char name[64];
  snprintf(name, sizeof name, "%.*s", (int)(t[0].len > 60 ? 60 : t[0].len), t[0].s);
  int op = sc_op_by_name(name);
  if (op < 0) {
    ERR(st, t[0].line, t[0].col, "unknown opcode '%s'", name);
    return;
  }
  sc_operand k = sc_op_operand((sc_op)op);
  int want = k == SC_OPND_NONE ? 0 : (k == SC_OPND_CALL || k == SC_OPND_BUILTIN) ? 2 : 1;
  int got = st->ntok - 1;
  for (int i = 1; i < st->ntok; i++)
    if (t[i].k == T_PUNCT) {
      char b[64];
      ERR(st, t[i].line, t[i].col, "unexpected %s in operands of %s", tok_desc(&t[i], b, sizeof b), name);
      return;
    }
  if (got != want) {
    ERR(st, got > want ? t[want + 1].line : t[0].line, got > want ? t[want + 1].col : t[0].col,
        "%s expects %d operand%s, got %d", name, want, want == 1 ? "" : "s", got);
    return;
  }
  rf->ins = xgrow(rf->ins, rf->nins, &rf->cins, sizeof *rf->ins);
  rinsn *ri = &rf->ins[rf->nins++];
  ri->op = op;
  ri->line = t[0].line;
  ri->col = t[0].col;
  ri->nopnd = (uint8_t)got;
  for (int i = 0; i < got; i++) ri->opnd[i] = t[i + 1];
}

static void parse_label(asm_state *st, rfunc *rf) {
  tok *t = st->toks;
  for (uint32_t i = 0; i < rf->nlabels; i++)
    if (rf->labels[i].len == t[0].len && !memcmp(rf->labels[i].name, t[0].s, t[0].len)) {
      ERR(st, t[0].line, t[0].col, "duplicate label '%.*s' (first defined at line %u)", (int)t[0].len, t[0].s,
          rf->labels[i].line);
      return;
    }
  rf->labels = xgrow(rf->labels, rf->nlabels, &rf->clabels, sizeof *rf->labels);
  rlabel *l = &rf->labels[rf->nlabels++];
  l->name = t[0].s;
  l->len = t[0].len;
  l->pc = rf->nins;
  l->line = t[0].line;
  l->col = t[0].col;
}

static void parse_global(asm_state *st) {
  tok *t = st->toks;
  char b[64];
  if (st->ntok < 2 || t[1].k != T_IDENT) {
    ERR(st, st->ntok < 2 ? t[0].line : t[1].line, st->ntok < 2 ? t[0].col + t[0].len : t[1].col,
        "expected a global name after 'global', got %s", tok_desc(st->ntok < 2 ? NULL : &t[1], b, sizeof b));
    return;
  }
  if (st->ntok > 2) {
    ERR(st, t[2].line, t[2].col, "unexpected %s after global declaration", tok_desc(&t[2], b, sizeof b));
    return;
  }
  char *name = tok_cstr(&t[1]);
  int prev = sc_global_find(st->p, name);
  if (prev >= 0) {
    ERR(st, t[1].line, t[1].col, "duplicate global '%s' (first declared at line %u)", name, st->globals.v[prev]);
    return;
  }
  decl_line_set(&st->globals, sc_global_add(st->p, name), t[1].line);
}

static void pass1(asm_state *st) {
  rfunc *cur = NULL;
  bool skipping = false; /* inside the body of a function whose header was bad */
  const char *s = st->src;
  st->line = 0;
  while (s < st->end) {
    const char *e = memchr(s, '\n', (size_t)(st->end - s));
    if (!e) e = st->end;
    st->line++;
    if (memchr(s, 0, (size_t)(e - s))) {
      ERR(st, st->line, (uint32_t)((const char *)memchr(s, 0, (size_t)(e - s)) - s) + 1, "NUL byte in source");
      s = e + 1;
      continue;
    }
    bool ok = lex_line(st, s, e);
    s = e + 1;
    if (!ok || st->ntok == 0) continue;
    tok *t = st->toks;
    char b[64];
    if (skipping) {
      if (tok_is(&t[0], "}")) { skipping = false; continue; }
      if (!tok_is(&t[0], "func")) continue;
      skipping = false;
    }
    if (cur) {
      if (tok_is(&t[0], "}")) {
        if (st->ntok > 1) ERR(st, t[1].line, t[1].col, "unexpected %s after '}'", tok_desc(&t[1], b, sizeof b));
        cur = NULL;
      } else if (tok_is(&t[0], "func")) {
        ERR(st, t[0].line, t[0].col, "missing '}' before this function (function '%s' is not closed)", cur->f->name);
        cur = parse_func_header(st);
        skipping = !cur;
      } else if (tok_is(&t[0], "local")) {
        parse_local(st, cur);
      } else if (tok_is(&t[0], "global")) {
        ERR(st, t[0].line, t[0].col, "global declarations must be outside functions");
      } else if (t[0].k == T_IDENT && st->ntok >= 2 && tok_is(&t[1], ":")) {
        if (st->ntok > 2)
          ERR(st, t[2].line, t[2].col, "a label must be on its own line (found %s after '%.*s:')",
              tok_desc(&t[2], b, sizeof b), (int)t[0].len, t[0].s);
        else
          parse_label(st, cur);
      } else if (t[0].k == T_IDENT) {
        parse_insn(st, cur);
      } else {
        ERR(st, t[0].line, t[0].col, "expected an instruction, label or '}', got %s", tok_desc(&t[0], b, sizeof b));
      }
    } else {
      if (tok_is(&t[0], "func")) {
        cur = parse_func_header(st);
        skipping = !cur;
      } else if (tok_is(&t[0], "global")) parse_global(st);
      else if (tok_is(&t[0], "}")) ERR(st, t[0].line, t[0].col, "unmatched '}'");
      else if (t[0].k == T_IDENT && sc_op_by_name(tok_cstr(&t[0])) >= 0)
        ERR(st, t[0].line, t[0].col, "instruction outside of a function");
      else
        ERR(st, t[0].line, t[0].col, "expected 'func' or 'global', got %s", tok_desc(&t[0], b, sizeof b));
    }
  }
  if (cur) ERR(st, cur->f->line, cur->f->col, "function '%s' is not closed (missing '}')", cur->f->name);
}

static bool opnd_index(asm_state *st, const tok *t, const char *what, uint32_t n, int32_t *out) {
  if (t->k != T_INT) return false;
  if (t->i < 0 || (uint64_t)t->i >= n) {
    ERR(st, t->line, t->col, "%s index %lld out of range (%u %s%s)", what, (long long)t->i, n, what,
        n == 1 ? "" : "s");
    *out = -1;
    return true;
  }
  *out = (int32_t)t->i;
  return true;
}

static void expect_kind(asm_state *st, const rinsn *ri, const tok *t, const char *what) {
  char b[64];
  ERR(st, t->line, t->col, "%s expects %s, got %s", sc_op_name((sc_op)ri->op), what, tok_desc(t, b, sizeof b));
}

static void resolve(asm_state *st, rfunc *rf) {
  sc_func *f = rf->f;
  for (uint32_t n = 0; n < rf->nins; n++) {
    rinsn *ri = &rf->ins[n];
    const tok *t = ri->opnd;
    int32_t a = 0;
    uint16_t b = 0;
    switch (sc_op_operand((sc_op)ri->op)) {
    case SC_OPND_NONE: break;
    case SC_OPND_CONST:
      if (t->k == T_INT) a = (int32_t)sc_const_add(st->p, sc_int(t->i));
      else if (t->k == T_FLOAT) a = (int32_t)sc_const_add(st->p, sc_float(t->f));
      else if (t->k == T_STRING) a = (int32_t)sc_const_add(st->p, sc_ptr(SC_STR, t->str));
      else if (tok_is(t, "true") || tok_is(t, "false")) a = (int32_t)sc_const_add(st->p, sc_bool(tok_is(t, "true")));
      else if (tok_is(t, "null")) a = (int32_t)sc_const_add(st->p, sc_null());
      else expect_kind(st, ri, t, "a literal");
      break;
    case SC_OPND_FUNC:
    case SC_OPND_CALL: {
      if (t->k != T_IDENT) { expect_kind(st, ri, t, "a function name"); break; }
      a = sc_func_find(st->p, tok_cstr(t));
      if (a < 0) ERR(st, t->line, t->col, "unknown function '%.*s'", (int)t->len, t->s);
      if (ri->nopnd == 2) {
        const tok *c = &t[1];
        if (c->k != T_INT || c->i < 0 || c->i > 255) {
          if (c->k == T_INT) ERR(st, c->line, c->col, "argument count %lld out of range (0..255)", (long long)c->i);
          else expect_kind(st, ri, c, "an argument count");
        } else
          b = (uint16_t)c->i;
      }
      break;
    }
    case SC_OPND_LOCAL:
      if (opnd_index(st, t, "local", f->nlocals, &a)) break;
      if (t->k != T_IDENT) { expect_kind(st, ri, t, "a local name or index"); break; }
      a = find_local(f, t);
      if (a < 0) ERR(st, t->line, t->col, "unknown local '%.*s' in function '%s'", (int)t->len, t->s, f->name);
      break;
    case SC_OPND_GLOBAL:
      if (opnd_index(st, t, "global", st->p->nglobals, &a)) break;
      if (t->k != T_IDENT) { expect_kind(st, ri, t, "a global name or index"); break; }
      a = sc_global_find(st->p, tok_cstr(t));
      if (a < 0) ERR(st, t->line, t->col, "unknown global '%.*s'", (int)t->len, t->s);
      break;
    case SC_OPND_LABEL: {
      if (t->k != T_IDENT) { expect_kind(st, ri, t, "a label"); break; }
      a = -1;
      for (uint32_t i = 0; i < rf->nlabels; i++)
        if (rf->labels[i].len == t->len && !memcmp(rf->labels[i].name, t->s, t->len)) a = (int32_t)rf->labels[i].pc;
      if (a < 0) ERR(st, t->line, t->col, "unknown label '%.*s' in function '%s'", (int)t->len, t->s, f->name);
      break;
    }
    case SC_OPND_COUNT:
      if (t->k != T_INT) { expect_kind(st, ri, t, "a count"); break; }
      if (t->i < 0 || t->i > 65535) ERR(st, t->line, t->col, "count %lld out of range (0..65535)", (long long)t->i);
      else a = (int32_t)t->i;
      break;
    case SC_OPND_NAME:
      if (t->k != T_IDENT) { expect_kind(st, ri, t, "a property name"); break; }
      a = (int32_t)sc_name_intern(st->p, tok_cstr(t));
      break;
    case SC_OPND_BUILTIN: {
      if (t->k != T_IDENT) { expect_kind(st, ri, t, "a builtin name"); break; }
      a = sc_builtin_by_name(tok_cstr(t));
      if (a < 0) ERR(st, t->line, t->col, "unknown builtin '%.*s'", (int)t->len, t->s);
      const tok *c = &t[1];
      if (c->k != T_INT || c->i < 0 || c->i > 255) {
        if (c->k == T_INT) ERR(st, c->line, c->col, "argument count %lld out of range (0..255)", (long long)c->i);
        else expect_kind(st, ri, c, "an argument count");
      } else
        b = (uint16_t)c->i;
      break;
    }
    }
    sc_emit(f, (sc_op)ri->op, a, b, ri->line, ri->col);
  }
}

sc_program *sc_assemble(const char *filename, const char *src, size_t len, sc_diags *diags) {
  asm_state st;
  memset(&st, 0, sizeof st);
  st.p = sc_program_new(filename);
  st.d = diags;
  diags->filename = st.p->filename;
  st.src = src;
  st.end = src + len;
  pass1(&st);
  for (uint32_t i = 0; i < st.nfuncs; i++) resolve(&st, &st.funcs[i]);
  if (st.errors > MAX_ERRORS) sc_diag_add(diags, st.line, 1, "too many errors (%d more not shown)", st.errors - MAX_ERRORS);
  return st.errors ? NULL : st.p;
}

sc_program *sc_assemble_file(const char *path, sc_diags *diags) {
  diags->filename = path;
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    sc_diag_add(diags, 1, 1, "cannot read file: %s", strerror(errno));
    return NULL;
  }
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  size_t r;
  while (buf && (r = fread(buf + n, 1, cap - n, fp)) > 0) {
    n += r;
    if (n == cap) {
      char *nb = realloc(buf, cap *= 2);
      if (!nb) { free(buf); buf = NULL; }
      else buf = nb;
    }
  }
  int err = ferror(fp);
  fclose(fp);
  if (!buf || err) {
    free(buf);
    sc_diag_add(diags, 1, 1, "cannot read file: %s", err ? strerror(errno) : "out of memory");
    return NULL;
  }
  sc_program *p = sc_assemble(path, buf, n, diags);
  free(buf);
  return p;
}
