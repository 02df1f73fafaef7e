/* The pass manager: passes registered by name, pipelines given as text. */
#ifndef SC_PASSES_H
#define SC_PASSES_H

#include <stdio.h>

#include "ssa/ir.h"

typedef struct sc_pass {
  const char *name;
  const char *help;
  bool (*run)(sc_irfunc *f); /* returns whether it changed anything */
} sc_pass;

typedef struct sc_pipeline_opts {
  const char *print_after; /* a pass name, or NULL */
  bool print_after_all;
  bool time_passes;
  bool verify; /* run the verifier after every pass (on in checking builds) */
  FILE *out;   /* where printing goes */
  FILE *err;   /* timing and verifier failures */
} sc_pipeline_opts;

const sc_pass *sc_pass_find(const char *name);
const sc_pass *sc_pass_list(size_t *n);
/* Checks a pipeline such as "lift,simplify,dce"; 0 or -1 with a message. */
int sc_pipeline_check(const char *pipeline, char *msg, size_t msglen);
/* Runs the pipeline ("lift" is the lifting the caller already did). Returns
 * 0, or -1 when the verifier rejected the IR after some pass. */
int sc_pipeline_run(sc_irfunc *f, const char *pipeline, const sc_pipeline_opts *o);

bool sc_pass_simplify(sc_irfunc *f);
bool sc_pass_dce(sc_irfunc *f);
bool sc_pass_phis(sc_irfunc *f);

#define SC_DEFAULT_PIPELINE "lift,phis,simplify,dce"

#endif
