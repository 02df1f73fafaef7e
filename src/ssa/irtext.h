/* Shared by the IR printer and parser: how feedback entries are spelled. */
#ifndef SC_IRTEXT_H
#define SC_IRTEXT_H

#include "ssa/ir.h"

/* How a feedback slot's entries read, by the bytecode op it belongs to
 * (feedback.h). */
typedef enum { SC_FBC_PAIR, SC_FBC_TAG, SC_FBC_ELEMS, SC_FBC_SHAPE, SC_FBC_FUNC } sc_fbclass;

sc_fbclass sc_fb_class(sc_op op);
/* The bytecode op whose feedback an instruction carries by default (the
 * text then leaves it out), or -1. */
int sc_ir_default_fbop(const sc_ins *in);

#endif
