/* shapec: type feedback collected by the profiling interpreter (tier 0) and
 * read by the compiler. One slot per instruction that has SC_OPF_FB; a slot
 * goes UNINIT -> MONO -> POLY (up to SC_FB_MAX distinct entries) -> MEGA.
 *
 * Entry encodings, by opcode:
 *   binary arithmetic / compare : SC_FB_PAIR(tag of a, tag of b)
 *   unary (Neg, NegInt, Not), JumpIfFalse/True : tag of the operand
 *   GetIndex / SetIndex / ArrayPush : SC_FB_ELEMS(kind) when the receiver is
 *       an array (kind before the store), else SC_FB_NOTARRAY(tag)
 *   GetProp / SetProp : (uintptr_t) receiver shape; aux = field slot, or for a
 *       SetProp that adds a field, SC_FB_ADDS_FIELD | new slot; a receiver
 *       that is not an object is entry 0
 *   CallValue : callee function index, or SC_FB_NOTFUNC(tag)
 *   the function's returns (sc_profile.ret) : tag of the value returned
 *       (Return: null)
 * Flags record events that matter to speculation (overflow seen, ...). */
#ifndef SHAPEC_FEEDBACK_H
#define SHAPEC_FEEDBACK_H

#include <stdbool.h>
#include <stdint.h>

#include "bytecode.h"
#include "api.h"

SC_BEGIN_DECLS

#define SC_FB_MAX 4

typedef enum sc_fb_state {
  SC_FB_UNINIT = 0,
  SC_FB_MONO,
  SC_FB_POLY,
  SC_FB_MEGA
} sc_fb_state;

#define SC_FB_PAIR(ta, tb) ((uint64_t)(ta) << 4 | (uint64_t)(tb))
#define SC_FB_PAIR_A(e) ((sc_tag)((e) >> 4 & 15))
#define SC_FB_PAIR_B(e) ((sc_tag)((e)&15))
#define SC_FB_ELEMS(kind) ((uint64_t)(kind))
#define SC_FB_NOTARRAY(tag) (0x100u | (uint64_t)(tag))
#define SC_FB_NOTFUNC(tag) ((uint64_t)1 << 40 | (uint64_t)(tag))
#define SC_FB_ADDS_FIELD 0x80000000u

#define SC_FBF_OVERFLOW 1u  /* an int op overflowed to float */
#define SC_FBF_OOB 2u       /* an index was out of bounds */
#define SC_FBF_NONINT_IDX 4u /* an index was not an int */
#define SC_FBF_FLOAT_RES 8u /* generic Div of ints gave a float */
#define SC_FB_NFLAGS 4

/* The one table of their names: a state's (SC_FB_*), and flag bit k's
 * (SC_FBF_* == 1u << k) as the IR text writes it (short) or as
 * --dump-feedback does; "?" out of range. */
SC_API const char *sc_fb_state_name(unsigned state);
SC_API const char *sc_fb_flag_name(unsigned k, bool short_form);
/* An elements kind's name (sc_elems_kind, SC_FB_ELEMS): "int", "float",
 * "any", "bool"; "?" out of range. */
SC_API const char *sc_elems_name(uint64_t kind);

typedef struct sc_fb_slot {
  uint8_t state; /* sc_fb_state */
  uint8_t n;     /* entries used, <= SC_FB_MAX */
  uint8_t flags; /* SC_FBF_* */
  uint8_t pad;
  uint32_t count; /* executions, saturating */
  uint64_t e[SC_FB_MAX];
  uint32_t aux[SC_FB_MAX];
} sc_fb_slot;

/* Records entry e (with aux) in a slot; the interpreter's only way in. */
static inline void sc_fb_record(sc_fb_slot *s, uint64_t e, uint32_t aux) {
  if (s->count != UINT32_MAX) s->count++;
  if (s->state == SC_FB_MEGA) return;
  for (unsigned k = 0; k < s->n; k++)
    if (s->e[k] == e) return;
  if (s->n == SC_FB_MAX) { s->state = SC_FB_MEGA; return; }
  s->e[s->n] = e;
  s->aux[s->n] = aux;
  s->n++;
  s->state = s->n == 1 ? SC_FB_MONO : SC_FB_POLY;
}

/* Per-function profile. */
typedef struct sc_profile {
  uint64_t calls;
  uint32_t *backedges; /* per target pc (ncode entries): backward jumps taken */
  sc_fb_slot *slots;   /* nfeedback slots */
  sc_fb_slot ret;      /* the tags its returns returned; count: the times a
                          return's tag differed from its last, not every return */
} sc_profile;

SC_END_DECLS

#endif
