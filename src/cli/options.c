/* The option parser of the shapec command: getopt_long over the table in
 * options.def, which also gives --help its text. Long options must be
 * spelled out (no abbreviations: a new option never changes what an old
 * command line means); an unknown one gets the nearest known name. */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"
#include "runtime/runtime.h"

enum kind { FLAG, UINT, SIZE, STR, CHOICE, FORMAT, STRESS };
enum section { GENERAL, RUN, CODEGEN, INLINE, IR, NSECTIONS };

typedef struct opt_info {
  const char *name;
  int shrt;
  enum kind kind;
  const char *arg;
  uint64_t lo, hi; /* UINT and SIZE: the range; STR: the least length */
  enum section sec;
  const char *help;
  size_t off; /* of the member in sc_cli_opts */
} opt_info;

static const opt_info opts[SC_NOPTS] = {
#define SC_OPT(f, l, s, k, a, min, max, sect, h) {l, s, k, a, min, max, sect, h, offsetof(sc_cli_opts, f)},
#include "cli/options.def"
#undef SC_OPT
};

/* Which commands each section's options apply to, and its --help title. */
static const struct {
  unsigned cmds;
  const char *title;
} sections[NSECTIONS] = {
    [GENERAL] = {~0u, "options"},
    [RUN] = {SC_CMD_RUN, "run options"},
    [CODEGEN] = {SC_CMD_RUN | SC_CMD_EMIT_ASM | SC_CMD_EMIT_HTML, "code generation (run, --emit=asm|html)"},
    [INLINE] = {SC_CMD_RUN | SC_CMD_EMIT_IR | SC_CMD_EMIT_ASM | SC_CMD_EMIT_HTML | SC_CMD_OPT,
                "inlining (run, --emit=ssa|dot|mir|llvm|asm|html, opt)"},
    [IR] = {SC_CMD_EMIT_IR | SC_CMD_EMIT_ASM | SC_CMD_EMIT_HTML | SC_CMD_OPT,
            "pipeline options (--emit=ssa|dot|mir|llvm|asm|html, opt)"},
};

static const char usage[] =
    "usage: shapec run FILE [options]           assemble, verify and run main()\n"
    "       shapec check FILE                   assemble and verify only\n"
    "       shapec --emit=KIND FILE [options]   print the program in another form\n"
    "       shapec opt FILE.ssa [options]       run passes on IR text (as LLVM's opt)\n"
    "       shapec --list-passes | --help | --version\n"
    "FILE is a .sasm program (opt: IR text); - reads standard input.\n";

int sc_cli_usage_error(const char *fmt, const char *arg) {
  fputs("shapec: error: ", stderr);
  sc_fprint_escaped(stderr, fmt, arg);
  fputs("\n(shapec --help lists the commands and options)\n", stderr);
  return 2;
}

/* Edit distance, for "did you mean"; 99 when either is long. */
static unsigned distance(const char *a, size_t na, const char *b) {
  size_t nb = strlen(b);
  unsigned row[64];
  if (na >= 63 || nb >= 63) return 99;
  for (size_t j = 0; j <= nb; j++) row[j] = (unsigned)j;
  for (size_t i = 1; i <= na; i++) {
    unsigned diag = row[0];
    row[0] = (unsigned)i;
    for (size_t j = 1; j <= nb; j++) {
      unsigned up = row[j];
      unsigned best = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[nb];
}

/* The word of the |-separated list nearest to s[0..n), if near enough;
 * writes it to out. A prefix of a word also counts as near. */
static bool nearest(const char *s, size_t n, const char *const *words, size_t nwords, char *out, size_t outlen) {
  unsigned best = 99;
  for (size_t k = 0; k < nwords; k++) {
    unsigned d = distance(s, n, words[k]);
    if (n >= 3 && !strncmp(words[k], s, n)) d = 1;
    if (d < best) {
      best = d;
      snprintf(out, outlen, "%s", words[k]);
    }
  }
  return best <= (n < 6 ? 2u : n / 3 + 1);
}

static int unknown_option(const char *a) {
  const char *s = a + strspn(a, "-");
  size_t n = strcspn(s, "=");
  const char *names[SC_NOPTS];
  for (int k = 0; k < SC_NOPTS; k++) names[k] = opts[k].name;
  char near[64];
  sc_fprint_escaped(stderr, "shapec: error: unknown option '%.*s'", (int)(s - a + n), a);
  if (n && nearest(s, n, names, SC_NOPTS, near, sizeof near)) sc_fprint_escaped(stderr, "; did you mean '--%s'?", near);
  fputs("\n(shapec --help lists the commands and options)\n", stderr);
  return 2;
}

static const opt_info *find_long(const char *s, size_t n) {
  for (int k = 0; k < SC_NOPTS; k++)
    if (strlen(opts[k].name) == n && !strncmp(opts[k].name, s, n)) return &opts[k];
  return NULL;
}

/* Whether v is one of the |-separated words of list. */
static bool in_list(const char *v, const char *list) {
  size_t n = strlen(v);
  for (const char *w = list; *w;) {
    size_t m = strcspn(w, "|");
    if (m == n && !strncmp(w, v, n)) return true;
    w += m + (w[m] == '|');
  }
  return false;
}

/* "a, b or c" for the words of list. */
static void list_words(const char *list, char *out, size_t outlen) {
  size_t len = 0, nw = 1;
  for (const char *c = list; *c; c++) nw += *c == '|';
  size_t k = 0;
  out[0] = 0;
  for (const char *w = list; *w && len < outlen; k++) {
    size_t m = strcspn(w, "|");
    len += (size_t)snprintf(out + len, outlen - len, "%s%.*s", k == 0 ? "" : k + 1 == nw ? " or " : ", ", (int)m, w);
    w += m + (w[m] == '|');
  }
}

static bool parse_uint(const char *v, uint64_t lo, uint64_t hi, bool size, uint64_t *out) {
  char *end;
  errno = 0;
  if (!*v || *v == '-' || *v == '+' || *v == ' ') return false;
  unsigned long long x = strtoull(v, &end, 10);
  if (end == v || errno) return false;
  if (size && *end) {
    unsigned shift = *end == 'K' || *end == 'k' ? 10 : *end == 'M' || *end == 'm' ? 20 : *end == 'G' || *end == 'g' ? 30 : 0;
    if (!shift || end[1] || x > (UINT64_MAX >> shift)) return false;
    x <<= shift;
    end++;
  }
  if (*end || x < lo || x > hi) return false;
  *out = x;
  return true;
}

/* Stores the value v of option o into *out: 0, or 2 after an error. */
static int set_value(const opt_info *o, const char *v, sc_cli_opts *out) {
  char *field = (char *)out + o->off;
  char words[200];
  uint64_t x;
  switch (o->kind) {
  case FLAG:
    *(int *)field = 1;
    return 0;
  case UINT:
  case SIZE:
    if (!parse_uint(v, o->lo, o->hi, o->kind == SIZE, &x)) {
      sc_fprint_escaped(stderr, "shapec: error: --%s expects %s from %llu to %llu, got '%s'\n", o->name,
              o->kind == SIZE ? "a size (bytes; K, M or G)" : "a number", (unsigned long long)o->lo,
              (unsigned long long)o->hi, v);
      return 2;
    }
    if (o->kind == SIZE) *(uint64_t *)field = x;
    else *(uint32_t *)field = (uint32_t)x;
    return 0;
  case STR:
    if (strlen(v) < o->lo) {
      sc_fprint_escaped(stderr, "shapec: error: --%s needs a value (%s)\n", o->name, o->arg);
      return 2;
    }
    *(const char **)field = v;
    return 0;
  case FORMAT: { /* 1 + the index of the word */
    int idx = v ? 0 : 1, k = 1;
    for (const char *w = o->arg; v && *w && !idx; k++) {
      size_t m = strcspn(w, "|");
      if (m == strlen(v) && !strncmp(w, v, m)) idx = k;
      w += m + (w[m] == '|');
    }
    if (!idx) {
      list_words(o->arg, words, sizeof words);
      sc_fprint_escaped(stderr, "shapec: error: unknown --%s=%s (%s)\n", o->name, v, words);
      return 2;
    }
    *(int *)field = idx;
    return 0;
  }
  case CHOICE:
    if (!in_list(v, o->arg)) {
      list_words(o->arg, words, sizeof words);
      sc_fprint_escaped(stderr, "shapec: error: unknown --%s=%s (%s)\n", o->name, v, words);
      return 2;
    }
    *(const char **)field = v;
    return 0;
  case STRESS: {
    sc_cli_stress *s = (sc_cli_stress *)field;
    char *end;
    errno = 0;
    s->p = strtod(v, &end);
    s->seed = 0;
    bool ok = end != v && !errno && s->p >= 0 && s->p <= 1;
    if (ok && *end == ':') {
      char *e2;
      s->seed = strtoull(end + 1, &e2, 10);
      ok = e2 != end + 1 && !*e2 && end[1] != '-';
    } else ok = ok && !*end;
    if (!ok) {
      sc_fprint_escaped(stderr, "shapec: error: --%s expects P[:SEED] with P in [0, 1], got '%s'\n", o->name, v);
      return 2;
    }
    return 0;
  }
  }
  return 2;
}

static const char *const commands[] = {"run", "check", "opt"};

int sc_cli_parse(int argc, char **argv, sc_cli_opts *o) {
  memset(o, 0, sizeof *o);
  /* exact long names only (getopt_long would take any unique prefix) */
  for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
    const char *a = argv[i];
    if (strncmp(a, "--", 2) || !a[2]) continue;
    size_t n = strcspn(a + 2, "=");
    const opt_info *oi = find_long(a + 2, n);
    if (!oi) return unknown_option(a);
    if (oi->kind == FLAG && a[2 + n] == '=') {
      sc_fprint_escaped(stderr, "shapec: error: --%s takes no value, got '%s'\n", oi->name, a);
      return 2;
    }
    if (oi->kind != FLAG && oi->kind != FORMAT && !a[2 + n]) i++; /* its value */
  }
  struct option lo[SC_NOPTS + 1];
  char shorts[2 * SC_NOPTS + 2] = ":";
  for (int k = 0; k < SC_NOPTS; k++) {
    lo[k] = (struct option){opts[k].name,
                            opts[k].kind == FLAG ? no_argument : opts[k].kind == FORMAT ? optional_argument : required_argument,
                            NULL, 1000 + k};
    if (opts[k].shrt) {
      size_t n = strlen(shorts);
      shorts[n] = (char)opts[k].shrt;
      shorts[n + 1] = opts[k].kind == FLAG ? 0 : ':';
      shorts[n + 2] = 0;
    }
  }
  lo[SC_NOPTS] = (struct option){0};
  opterr = 0;
  optind = 0; /* a full reinitialisation (GNU) */
  int c;
  while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
    int k = c - 1000;
    if (c == '?') {
      if (optopt) {
        char s[3] = {'-', (char)optopt, 0};
        return unknown_option(s);
      }
      return unknown_option(argv[optind - 1]);
    }
    if (c == ':') {
      const char *a = argv[optind - 1];
      sc_fprint_escaped(stderr, "shapec: error: %s needs a value", a);
      for (int j = 0; j < SC_NOPTS; j++)
        if ((a[1] == '-' && !strcmp(a + 2, opts[j].name)) || (a[1] == opts[j].shrt && !a[2]))
          sc_fprint_escaped(stderr, " (%s)", opts[j].arg);
      fputc('\n', stderr);
      return 2;
    }
    if (k < 0) /* a short option */
      for (k = 0; k < SC_NOPTS && opts[k].shrt != c; k++) continue;
    if (k >= SC_NOPTS) return unknown_option(argv[optind - 1]);
    int st = set_value(&opts[k], optarg, o);
    if (st) return st;
    o->given[k] = true;
  }
  if (o->help || o->version || o->list_passes) return 0;

  const char *pos[3];
  int npos = 0;
  for (int i = optind; i < argc; i++) {
    if (npos == 3) return sc_cli_usage_error("unexpected argument '%s'", argv[i]);
    pos[npos++] = argv[i];
  }
  int first = 0;
  if (o->emit) {
    o->cmd = !strcmp(o->emit, "bytecode") ? SC_CMD_EMIT_BYTECODE
             : !strcmp(o->emit, "asm")    ? SC_CMD_EMIT_ASM
             : !strcmp(o->emit, "html")   ? SC_CMD_EMIT_HTML
                                          : SC_CMD_EMIT_IR;
  } else {
    if (npos == 0) return sc_cli_usage_error("%s", "no command given");
    const char *c0 = pos[0];
    o->cmd = !strcmp(c0, "run") ? SC_CMD_RUN : !strcmp(c0, "check") ? SC_CMD_CHECK : !strcmp(c0, "opt") ? SC_CMD_OPT : 0;
    if (!o->cmd) {
      char near[16];
      sc_fprint_escaped(stderr, "shapec: error: unknown command '%s'", c0);
      if (nearest(c0, strlen(c0), commands, 3, near, sizeof near)) sc_fprint_escaped(stderr, "; did you mean '%s'?", near);
      fputs(" (run, check, opt, or --emit=KIND FILE)\n", stderr);
      return 2;
    }
    first = 1;
  }
  const char *cmdname = o->emit ? "--emit" : pos[0];
  if (npos - first == 0) return sc_cli_usage_error(o->emit ? "%s needs a FILE" : "'%s' needs a FILE", cmdname);
  if (npos - first > 1) return sc_cli_usage_error("unexpected argument '%s'", pos[first + 1]);
  o->file = pos[first];
  for (int k = 0; k < SC_NOPTS; k++) {
    if (!o->given[k] || (sections[opts[k].sec].cmds & o->cmd)) continue;
    if (o->emit) sc_fprint_escaped(stderr, "shapec: error: --%s does not apply to --emit=%s\n", opts[k].name, o->emit);
    else sc_fprint_escaped(stderr, "shapec: error: --%s does not apply to '%s'\n", opts[k].name, cmdname);
    fputs("(shapec --help lists which options each command takes)\n", stderr);
    return 2;
  }
  if (o->feedback_from_run && o->cmd == SC_CMD_OPT)
    return sc_cli_usage_error("%s does not apply to 'opt' (IR text has no program to run)", "--feedback-from-run");
  return 0;
}

/* Writes text from column col, wrapped at 79 columns, indented to indent. */
static void wrap(FILE *out, const char *text, int col, int indent) {
  while (*text) {
    size_t n = strcspn(text, " ");
    if (col > indent && col + 1 + (int)n > 79) {
      fprintf(out, "\n%*s", indent, "");
      col = indent;
    } else if (col > indent) {
      fputc(' ', out);
      col++;
    }
    fwrite(text, 1, n, out);
    col += (int)n;
    text += n;
    text += strspn(text, " ");
  }
  fputc('\n', out);
}

void sc_cli_help(FILE *out) {
  fputs(usage, out);
  for (int s = 0; s < NSECTIONS; s++) {
    fprintf(out, "\n%s:\n", sections[s].title);
    for (int k = 0; k < SC_NOPTS; k++) {
      const opt_info *o = &opts[k];
      if (o->sec != (enum section)s) continue;
      char head[80];
      char sh[8] = "    ";
      if (o->shrt) snprintf(sh, sizeof sh, "-%c, ", o->shrt);
      int n = snprintf(head, sizeof head, "  %s--%s", sh, o->name);
      if (o->kind == FORMAT) n += snprintf(head + n, sizeof head - (size_t)n, "[=%s]", o->arg);
      else if (o->kind == CHOICE) n += snprintf(head + n, sizeof head - (size_t)n, "=%s", o->arg);
      else if (o->kind != FLAG) n += snprintf(head + n, sizeof head - (size_t)n, " %s", o->arg);
      fputs(head, out);
      if (n > 28) {
        fprintf(out, "\n%*s", 30, "");
        n = 30;
      } else {
        fprintf(out, "%*s", 30 - n, "");
        n = 30;
      }
      wrap(out, o->help, n, 30);
    }
  }
  fputs("\nA value is given as --opt=VALUE or --opt VALUE.\n"
        "Exit status: 0 success, 1 runtime error (or output that could not be written),\n"
        "2 usage error or a program that does not assemble or verify (FILE:LINE:COL:\n"
        "error: ... on stderr), 3 the JIT failed to compile the program (a compiler bug).\n",
        out);
}
