/* Shared by the IR printer and parser: how feedback and tags are spelled. */
#ifndef SC_IRTEXT_H
#define SC_IRTEXT_H

#include "ssa/ir.h"

typedef enum { SC_FBC_PAIR, SC_FBC_TAG, SC_FBC_ELEMS, SC_FBC_SHAPE, SC_FBC_FUNC } sc_fbclass;

extern const char *const sc_fb_state_names[4];
sc_fbclass sc_fb_class(sc_op op);
const char *sc_tag_name_ir(sc_tag t);
void sc_ir_print_fb(const sc_irfunc *f, sc_op op, const sc_fb_slot *s, FILE *out);
void sc_ir_print_ins(sc_irfunc *f, uint32_t id, FILE *out);

#endif
