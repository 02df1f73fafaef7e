/* The shapec command line, parsed from one table (options.def). */
#ifndef SC_CLI_OPTIONS_H
#define SC_CLI_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct sc_cli_stress {
  double p;
  uint64_t seed;
} sc_cli_stress;

/* The member each kind of option fills (0 / NULL when not given). */
#define SC_OPT_FIELD_FLAG(f) int f;
#define SC_OPT_FIELD_UINT(f) uint32_t f;
#define SC_OPT_FIELD_SIZE(f) uint64_t f;
#define SC_OPT_FIELD_STR(f) const char *f;
#define SC_OPT_FIELD_CHOICE(f) const char *f;
#define SC_OPT_FIELD_FORMAT(f) int f; /* 1 + the index of the word in ARG */
#define SC_OPT_FIELD_STRESS(f) sc_cli_stress f;

enum {
#define SC_OPT(f, l, s, k, a, lo, hi, sec, h) SC_OPT_##f,
#include "cli/options.def"
#undef SC_OPT
  SC_NOPTS
};

/* What the command line asks for. */
typedef enum sc_cli_cmd {
  SC_CMD_NONE = 0,
  SC_CMD_RUN = 1,
  SC_CMD_CHECK = 2,
  SC_CMD_EMIT_BYTECODE = 4,
  SC_CMD_EMIT_IR = 8, /* --emit=ssa|dot|mir|llvm */
  SC_CMD_OPT = 16,
  SC_CMD_EMIT_ASM = 32, /* --emit=asm */
  SC_CMD_EMIT_HTML = 64, /* --emit=html */
} sc_cli_cmd;

typedef struct sc_cli_opts {
#define SC_OPT(f, l, s, k, a, lo, hi, sec, h) SC_OPT_FIELD_##k(f)
#include "cli/options.def"
#undef SC_OPT
  bool given[SC_NOPTS];
  sc_cli_cmd cmd;
  const char *file; /* the command's FILE; "-" is stdin */
} sc_cli_opts;

/* Parses argv into *o (getopt_long over the table): 0, or an exit status
 * after a `shapec: error: ...` on stderr. Checks that every option given
 * applies to the command. */
int sc_cli_parse(int argc, char **argv, sc_cli_opts *o);

/* --help: usage, then every option of the table by section. */
void sc_cli_help(FILE *out);

/* A usage error: `shapec: error: MSG` and a pointer to --help; returns 2. */
int sc_cli_usage_error(const char *fmt, const char *arg);

#endif
