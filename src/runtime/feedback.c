/* Readable dump of the interpreter's profile: per function the call count,
 * back-edge counts by target pc, then every feedback slot decoded. */
#include <inttypes.h>
#include <stdlib.h>

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

const char *sc_elems_name(uint64_t kind) {
  static const char *const n[SC_NELEMS] = {
      [SC_ELEMS_INT] = "int", [SC_ELEMS_FLOAT] = "float", [SC_ELEMS_ANY] = "any", [SC_ELEMS_BOOL] = "bool"};
  return kind < SC_NELEMS ? n[kind] : "?";
}

static const char *tag_name(uint64_t t) {
  return t < SC_NTAGS ? sc_tag_name((sc_tag)t) : "?";
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
  case SC_OP_ReturnValue: /* sc_profile.ret */
    fputs(tag_name(e), out);
    break;
  case SC_OP_GetIndex:
  case SC_OP_SetIndex:
  case SC_OP_ArrayPush:
    if (e & 0x100) fprintf(out, "notarray:%s", tag_name(e & 0xff));
    else fprintf(out, "elems:%s", sc_elems_name(e));
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

void sc_json_str(FILE *out, const char *s) {
  fputc('"', out);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
    else if (c < 0x20) fprintf(out, "\\u%04x", c);
    else fputc(c, out);
  }
  fputc('"', out);
}

/* An entry as text, for JSON; the caller frees it. */
static char *to_string(const sc_program *p, sc_op op, uint64_t e, uint32_t aux) {
  char *buf = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&buf, &len);
  if (!m) return NULL;
  print_entry(p, m, op, e, aux);
  fclose(m);
  return buf;
}

void sc_fb_print_slot(const sc_program *p, const sc_func *f, const sc_profile *pr, uint32_t pc, unsigned limit,
                      FILE *out, bool json) {
  const sc_insn *in = pc < f->ncode ? &f->code[pc] : NULL;
  const sc_fb_slot *s = in && pr && (sc_op_flags((sc_op)in->op) & SC_OPF_FB) && in->fb >= 0 &&
                                (uint32_t)in->fb < f->nfeedback
                            ? &pr->slots[in->fb]
                        : in && pr && in->op == SC_OP_ReturnValue ? &pr->ret /* a return's check */
                                                                   : NULL;
  unsigned n = s ? (s->n < SC_FB_MAX ? s->n : SC_FB_MAX) : 0;
  if (n > limit) n = limit;
  if (json) fputc('[', out);
  else if (!n) fputs("none", out);
  for (unsigned k = 0; k < n; k++) {
    if (json) {
      char *t = to_string(p, (sc_op)in->op, s->e[k], s->aux[k]);
      fputs(k ? "," : "", out);
      sc_json_str(out, t ? t : "?");
      free(t);
    } else {
      fputs(k ? " | " : "", out);
      print_entry(p, out, (sc_op)in->op, s->e[k], s->aux[k]);
    }
  }
  if (json) fputc(']', out);
}

static void print_value(const sc_program *p, FILE *out, sc_value v) {
  if (v.tag == SC_OBJECT && v.o && v.o->shape) print_shape(p, out, v.o->shape);
  else if (v.tag == SC_ARRAY && v.a) fprintf(out, "elems:%s", sc_elems_name(v.a->kind));
  else fputs(tag_name(v.tag), out);
}

void sc_fb_print_values(const sc_program *p, const sc_value *v, uint32_t n, FILE *out, bool json) {
  if (json) fputc('[', out);
  for (uint32_t k = 0; k < n; k++) {
    fputs(k ? (json ? "," : ", ") : "", out);
    if (!json) {
      print_value(p, out, v[k]);
      continue;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (m) {
      print_value(p, m, v[k]);
      fclose(m);
    }
    sc_json_str(out, buf ? buf : "?");
    free(buf);
  }
  if (json) fputc(']', out);
}

void sc_vm_dump_feedback(const sc_vm *vm, FILE *out) {
  if (!vm) return;
  if (!out) out = stdout;
  const sc_program *p = vm->prog;
  for (uint32_t i = 0; i < p->nfuncs; i++) {
    const sc_func *f = p->funcs[i];
    const sc_profile *pr = &vm->profiles[i];
    fprintf(out, "func %s: calls %" PRIu64 "\n", f->name, pr->calls);
    if (pr->ret.n) { /* what its returns returned */
      fprintf(out, "  returns: %s x%u", sc_fb_state_name(pr->ret.state), pr->ret.count);
      for (unsigned k = 0; k < pr->ret.n && k < SC_FB_MAX; k++) {
        fputs(k ? " | " : "  ", out);
        print_entry(p, out, SC_OP_ReturnValue, pr->ret.e[k], 0);
      }
      fputc('\n', out);
    }
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
