/* The program model's internals (program.c, symtab.c; with opinfo.c's
 * bytecode tables, diag.c's diagnostics and verify.c's bytecode verifier,
 * which the VM runs before it runs a program, the bottom of the stack: the
 * runtime, the IR and the frontend all read programs): the limits the
 * assembler and the verifier agree on, the name table shared by the
 * builder, the assembler and the disassembler, and length-based lookups.
 * Not part of the public API. */
#ifndef SC_RUNTIME_PROGRAM_H
#define SC_RUNTIME_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "shapec/bytecode.h"

/* Limits checked by the assembler and by the verifier alike. */
#define SC_MAX_PARAMS 255    /* parameters of a function; Call/CallBuiltin argc */
#define SC_MAX_LOCALS 65535  /* locals of a function, parameters included */
#define SC_MAX_COUNT 65535   /* NewArray N, CallValue argc */
#define SC_MAX_STACK 65535   /* operand stack depth of one frame */
#define SC_MAX_ERRORS 50     /* diagnostics one run of the assembler/verifier keeps */

/* Byte string -> int32 hash table, open addressing with linear probing, on
 * the GC heap. Keys are not copied: the caller keeps them alive (strings the
 * program owns, or the source text during assembly). Zero-initialise. */
typedef struct sc_symtab_ent {
  const char *k;
  uint32_t len, hash;
  int32_t v;
} sc_symtab_ent;

typedef struct sc_symtab {
  sc_symtab_ent *e;
  uint32_t n, cap;
} sc_symtab;

uint32_t sc_symtab_hash(const char *k, size_t len);
int32_t sc_symtab_get(const sc_symtab *t, const char *k, size_t len); /* -1 if absent */
/* Inserts k -> v unless k is present; returns the value now stored for k. */
int32_t sc_symtab_put(sc_symtab *t, const char *k, size_t len, int32_t v);

/* Lookups by (pointer, length), for names that are not NUL-terminated. */
int sc_func_find_n(const sc_program *p, const char *name, size_t len);
int sc_global_find_n(const sc_program *p, const char *name, size_t len);
uint32_t sc_name_intern_n(sc_program *p, const char *name, size_t len);

/* [A-Za-z_][A-Za-z0-9_]* */
int sc_is_ident(const char *s, size_t len);

#endif
