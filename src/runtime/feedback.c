/* Readable dump of the interpreter's profile: per function the call count,
 * back-edge counts by target pc, then every feedback slot decoded. */
#include <inttypes.h>

#include "runtime/vm_internal.h"

const char *sc_fb_state_name(unsigned state) {
  static const char *const n[] = {"uninit", "mono", "poly", "mega"};
  return state < sizeof n / sizeof *n ? n[state] : "?";
}

const char *sc_fb_flag_name(unsigned k, bool short_form) {
  static const char *const n[SC_FB_NFLAGS][2] = {
      {"overflow", "ovf"}, {"oob", "oob"}, {"nonint-index", "nonint"}, {"float-result", "fres"}};
  return k < SC_FB_NFLAGS ? n[k][short_form] : "?";
}

static const char *tag_name(uint64_t t) {
  return t < SC_NTAGS ? sc_tag_name((sc_tag)t) : "?";
}

static const char *elems_name(uint64_t k) {
  switch (k) {
  case SC_ELEMS_INT: return "int";
  case SC_ELEMS_FLOAT: return "float";
  case SC_ELEMS_ANY: return "any";
  default: return "?";
  }
}

static void print_shape(const sc_program *p, FILE *out, const sc_shape *sh) {
  fprintf(out, "shape#%u{", sh->id);
  for (uint32_t k = 0; k < sh->nfields; k++) {
    uint32_t nm = sh->names[k];
    fprintf(out, "%s%s", k ? "," : "", nm < p->nnames ? p->names[nm] : "?");
  }
  fputc('}', out);
}

static void print_entry(const sc_program *p, FILE *out, sc_op op, uint64_t e, uint32_t aux) {
  switch (op) {
  case SC_OP_Neg:
  case SC_OP_NegInt:
  case SC_OP_Not:
  case SC_OP_JumpIfFalse:
  case SC_OP_JumpIfTrue:
    fputs(tag_name(e), out);
    break;
  case SC_OP_GetIndex:
  case SC_OP_SetIndex:
  case SC_OP_ArrayPush:
    if (e & 0x100) fprintf(out, "notarray:%s", tag_name(e & 0xff));
    else fprintf(out, "elems:%s", elems_name(e));
    break;
  case SC_OP_GetProp:
  case SC_OP_SetProp:
    if (!e) {
      fputs("notobject", out);
      break;
    }
    print_shape(p, out, (const sc_shape *)(uintptr_t)e);
    if (aux & SC_FB_ADDS_FIELD) fprintf(out, " adds slot %u", aux & ~SC_FB_ADDS_FIELD);
    else fprintf(out, " slot %u", aux);
    break;
  case SC_OP_CallValue:
    if (e >> 40) fprintf(out, "notfunc:%s", tag_name(e & 0xff));
    else if (e < p->nfuncs) fprintf(out, "func %s", p->funcs[e]->name);
    else fprintf(out, "func #%" PRIu64, e);
    break;
  default: /* binary arithmetic and compares */
    fprintf(out, "%s,%s", tag_name(SC_FB_PAIR_A(e)), tag_name(SC_FB_PAIR_B(e)));
    break;
  }
}

static void print_flags(FILE *out, unsigned flags) {
  if (!flags) return;
  fputs("  flags", out);
  const char *sep = " ";
  for (unsigned k = 0; k < SC_FB_NFLAGS; k++)
    if (flags & 1u << k) {
      fprintf(out, "%s%s", sep, sc_fb_flag_name(k, false));
      sep = ",";
    }
}

void sc_vm_dump_feedback(const sc_vm *vm, FILE *out) {
  if (!vm) return;
  if (!out) out = stdout;
  const sc_program *p = vm->prog;
  for (uint32_t i = 0; i < p->nfuncs; i++) {
    const sc_func *f = p->funcs[i];
    const sc_profile *pr = &vm->profiles[i];
    fprintf(out, "func %s: calls %" PRIu64 "\n", f->name, pr->calls);
    for (uint32_t pc = 0; pc < f->ncode; pc++)
      if (pr->backedges[pc])
        fprintf(out, "  backedge to pc %u (line %u): %u\n", pc, f->lines ? f->lines[pc] : 0,
                pr->backedges[pc]);
    for (uint32_t pc = 0; pc < f->ncode; pc++) {
      const sc_insn *in = &f->code[pc];
      if (!(sc_op_flags((sc_op)in->op) & SC_OPF_FB) || in->fb < 0 ||
          (uint32_t)in->fb >= f->nfeedback)
        continue;
      const sc_fb_slot *s = &pr->slots[in->fb];
      fprintf(out, "  slot %d pc %u %s line %u: %s", in->fb, pc, sc_op_name((sc_op)in->op),
              f->lines ? f->lines[pc] : 0, sc_fb_state_name(s->state));
      if (s->count) fprintf(out, " x%u", s->count);
      for (unsigned k = 0; k < s->n && k < SC_FB_MAX; k++) {
        fputs(k ? " | " : "  ", out);
        print_entry(p, out, (sc_op)in->op, s->e[k], s->aux[k]);
      }
      print_flags(out, s->flags);
      fputc('\n', out);
    }
  }
}
