/* shapec: the public, binary form of a Shape bytecode program.
 *
 * This is what the assembler produces, the verifier checks, the interpreter
 * runs and the compiler lifts. A host VM can build one directly in C
 * (sc_program_new / sc_func_add / sc_emit ...) and must then run
 * sc_verify before handing it to anything else. Instructions are decoded
 * and operands resolved to indices: no name lookup at run time. */
#ifndef SHAPEC_BYTECODE_H
#define SHAPEC_BYTECODE_H

#include <stdint.h>
#include <stdio.h>

#include "value.h"
#include "api.h"

SC_BEGIN_DECLS

#define SC_OPF_FB 1u     /* has a feedback slot (insn.fb) */
#define SC_OPF_TERM 2u   /* ends a basic block with no fall-through */
#define SC_OPF_JUMP 4u   /* operand a is a target pc */
#define SC_OPF_CALL 8u   /* calls a function */
#define SC_OPF_THROW 16u /* can raise a runtime error */

typedef enum sc_op {
#define OP(name, operand, pops, pushes, flags) SC_OP_##name,
#include "opcodes.def"
#undef OP
  SC_NOPS
} sc_op;

typedef enum sc_operand {
  SC_OPND_NONE,
  SC_OPND_CONST,   /* a: constant pool index */
  SC_OPND_FUNC,    /* a: function index */
  SC_OPND_LOCAL,   /* a: local index */
  SC_OPND_GLOBAL,  /* a: global index */
  SC_OPND_LABEL,   /* a: target pc within the function */
  SC_OPND_CALL,    /* a: function index, b: argc */
  SC_OPND_COUNT,   /* a: a count (argc of CallValue, N of NewArray) */
  SC_OPND_NAME,    /* a: property name id (program->names) */
  SC_OPND_BUILTIN  /* a: sc_builtin, b: argc */
} sc_operand;

typedef enum sc_builtin {
#define BUILTIN(name, argc) SC_BUILTIN_##name,
#include "builtins.def"
#undef BUILTIN
  SC_NBUILTINS
} sc_builtin;

typedef enum sc_kind {
  SC_KIND_ANY = 0,
  SC_KIND_INT,
  SC_KIND_FLOAT,
  SC_KIND_BOOL
} sc_kind;

typedef struct sc_insn {
  uint8_t op; /* sc_op */
  uint8_t pad;
  uint16_t b; /* argc for CALL / BUILTIN operands */
  int32_t a;  /* main operand, see sc_operand */
  int32_t fb; /* feedback slot index, -1 if none */
} sc_insn;

/* The equivalent of the Shape VM's Function + FrameDescriptor. */
typedef struct sc_func {
  const char *name;
  uint32_t index;
  uint32_t arity;   /* parameters are locals 0..arity-1 */
  uint32_t nlocals; /* parameters included */
  uint32_t ncode;
  uint32_t nfeedback; /* feedback slots used by this function's insns */
  uint32_t max_stack; /* operand stack bound, computed by sc_verify */
  uint32_t line;      /* source line of the `func` header, 0 if built in C */
  uint32_t col;
  sc_insn *code;
  const char **local_names; /* nlocals names */
  uint8_t *local_kinds;     /* nlocals sc_kind; parameters are ANY */
  uint32_t *lines;          /* per insn source line, or NULL */
  uint32_t *cols;           /* per insn source column, or NULL */
  uint32_t ccode;           /* capacity of code/lines/cols (builder use) */
} sc_func;

/* The equivalent of the Shape VM's BytecodeProgram. */
typedef struct sc_program {
  const char *filename; /* for diagnostics and stack traces */
  sc_func **funcs;
  uint32_t nfuncs, cfuncs;
  const char **global_names;
  uint32_t nglobals, cglobals;
  sc_value *consts; /* int, float, bool, null or string values */
  uint32_t nconsts, cconsts;
  const char **names; /* property names, interned: equal names, equal ids */
  uint32_t nnames, cnames;
  int32_t main_index; /* -1 when there is no main */
  void *index;        /* the builder's private lookup tables */
} sc_program;

/* Static operand/stack information, from opcodes.def. An opcode, builtin
 * or kind out of range: "?", SC_OPND_NONE, no flags, argc -1; a NULL or
 * unknown name: -1; a NULL instruction pops and pushes 0. */
SC_API const char *sc_op_name(sc_op op);
SC_API int sc_op_by_name(const char *name); /* -1 if unknown */
SC_API sc_operand sc_op_operand(sc_op op);
SC_API unsigned sc_op_flags(sc_op op);
SC_API int sc_op_pops(const sc_insn *in);   /* resolved for variable-arity ops */
SC_API int sc_op_pushes(const sc_insn *in);
SC_API const char *sc_builtin_name(sc_builtin b);
SC_API int sc_builtin_by_name(const char *name); /* -1 if unknown */
SC_API int sc_builtin_argc(sc_builtin b);
SC_API const char *sc_kind_name(sc_kind k);

/* Building programs in C. All memory is on the GC heap: a program lives as
 * long as something refers to it. A NULL program or function makes these
 * do nothing and return NULL, UINT32_MAX or (the finds) -1; a NULL name is
 * "". Operands are not checked here: sc_verify (and so sc_vm_new) reports
 * what is wrong, two functions or globals of one name included. */
SC_API sc_program *sc_program_new(const char *filename);
SC_API sc_func *sc_func_add(sc_program *p, const char *name, uint32_t arity);
SC_API uint32_t sc_func_add_local(sc_func *f, const char *name, sc_kind kind);
SC_API uint32_t sc_global_add(sc_program *p, const char *name);
SC_API uint32_t sc_const_add(sc_program *p, sc_value v); /* dedups equal constants */
SC_API uint32_t sc_name_intern(sc_program *p, const char *name);
SC_API int sc_func_find(const sc_program *p, const char *name);   /* -1 if none */
SC_API int sc_global_find(const sc_program *p, const char *name); /* -1 if none */
/* Appends an instruction; returns its pc. line/col may be 0. */
SC_API uint32_t sc_emit(sc_func *f, sc_op op, int32_t a, uint16_t b, uint32_t line, uint32_t col);

/* Diagnostics: `FILE:LINE:COL: error: MSG`, collected rather than printed so
 * that the library never writes to stderr on its own. */
typedef struct sc_diag {
  uint32_t line, col;
  char *msg;
} sc_diag;

typedef struct sc_diags {
  const char *filename;
  sc_diag *v;
  uint32_t n, cap;
} sc_diags;

/* line for a diagnostic without a source position: printed after the others
 * as `FILE: error: MSG` (a program built in C, a whole-run summary). */
#define SC_DIAG_NOPOS UINT32_MAX

/* d NULL: the diagnostic is dropped. */
SC_API void sc_diag_add(sc_diags *d, uint32_t line, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Prints in source order, control characters and malformed UTF-8 in the
 * messages as \xNN. d NULL: nothing; out NULL: stderr. */
SC_API void sc_diags_print(const sc_diags *d, FILE *out);

/* Assemble .sasm text. Returns NULL and fills diags on any error. diags
 * NULL: the diagnostics are dropped (NULL is still returned); src NULL:
 * empty text; filename NULL: "<program>"; path NULL: NULL, "no file name". */
SC_API sc_program *sc_assemble(const char *filename, const char *src, size_t len, sc_diags *diags);
SC_API sc_program *sc_assemble_file(const char *path, sc_diags *diags);
/* Verify (and complete: max_stack, feedback slot numbering). 0 on success;
 * p NULL: -1, "no program"; diags NULL: the diagnostics are dropped. */
SC_API int sc_verify(sc_program *p, sc_diags *diags);
/* Print as .sasm text that reassembles to the same bytecode. p NULL:
 * nothing; out NULL: stdout. */
SC_API void sc_disassemble(const sc_program *p, FILE *out);
/* A constant as a .sasm literal (out NULL: stdout). */
SC_API void sc_print_literal(FILE *out, sc_value v);

SC_END_DECLS

#endif
