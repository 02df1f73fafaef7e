/* --emit=asm: native code as text, through LLVM's disassembler (C API),
 * whichever backend made the code. Offsets from the function's start
 * stand for addresses, in the left column and for branch targets inside
 * the code, so that the text is the same from run to run. Code may end in
 * data: what its pc-relative loads read inside it (MIR's constant pool,
 * after all the instructions) is printed as data, and zero bytes that
 * only pad up to the data or the end (to 16 bytes) as padding. Part of
 * the LLVM module (llvm_module.h): sc_native_disasm calls it there. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <llvm-c/Core.h>
#include <llvm-c/Disassembler.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>

#include "backend/llvm_module.h"

typedef struct dis {
  uint64_t start;
  size_t len;
  const char *(*name)(void *arg, uint64_t addr);
  void *arg;
  uint64_t data; /* the least offset a pc-relative load reads inside the code (len: none) */
  char buf[32];
} dis;

/* LLVM asks what an operand's value (a branch target, an immediate) is. */
static const char *lookup(void *info, uint64_t value, uint64_t *type, uint64_t pc, const char **refname) {
  (void)pc;
  dis *d = info;
  *refname = NULL;
  bool branch = *type == LLVMDisassembler_ReferenceType_In_Branch;
  if (*type == LLVMDisassembler_ReferenceType_In_PCrel_Load && value >= d->start && value - d->start < d->data)
    d->data = value - d->start;
  *type = LLVMDisassembler_ReferenceType_InOut_None;
  if (branch && value >= d->start && value <= d->start + d->len) {
    snprintf(d->buf, sizeof d->buf, "0x%04llx", (unsigned long long)(value - d->start));
    return d->buf;
  }
  return d->name ? d->name(d->arg, value) : NULL;
}

bool sc_llvm_disasm(FILE *out, const void *code, size_t len, const char *(*name)(void *arg, uint64_t addr),
                    void *arg, char *err, size_t errlen) {
  LLVMInitializeNativeTarget();
  if (LLVMInitializeNativeDisassembler()) {
    snprintf(err, errlen, "LLVM has no disassembler for this machine");
    return false;
  }
  dis d = {.start = (uint64_t)(uintptr_t)code, .len = len, .name = name, .arg = arg, .data = len};
  char *triple = LLVMGetDefaultTargetTriple(), *cpu = LLVMGetHostCPUName(), *feat = LLVMGetHostCPUFeatures();
  LLVMDisasmContextRef dc = LLVMCreateDisasmCPUFeatures(triple, cpu, feat, &d, 0, NULL, lookup);
  LLVMDisposeMessage(triple);
  LLVMDisposeMessage(cpu);
  LLVMDisposeMessage(feat);
  if (!dc) {
    snprintf(err, errlen, "LLVM cannot disassemble this machine's code");
    return false;
  }
  LLVMSetDisasmOptions(dc, LLVMDisassembler_Option_PrintImmHex);
  uint8_t *bytes = (uint8_t *)(uintptr_t)code;
  for (size_t off = 0; off < len;) {
    if (off >= d.data) { /* data: 8 bytes a line */
      uint64_t q = 0;
      size_t n = len - off < 8 ? len - off : 8;
      memcpy(&q, bytes + off, n);
      fprintf(out, "0x%04zx: .quad 0x%016llx\n", off, (unsigned long long)q);
      off += n;
      continue;
    }
    size_t upto = d.data < len ? (size_t)d.data : len, z = off;
    while (z < upto && !bytes[z]) z++;
    if (z == upto && upto - off < 16) { /* padding up to the data or the end */
      fprintf(out, "0x%04zx: .zero %zu\n", off, upto - off);
      off = upto;
      continue;
    }
    char text[256];
    size_t n = LLVMDisasmInstruction(dc, bytes + off, len - off, d.start + off, text, sizeof text);
    if (!n) { /* not an instruction: the byte as data */
      fprintf(out, "0x%04zx: .byte 0x%02x\n", off, bytes[off]);
      off++;
      continue;
    }
    /* "\tmnemonic\toperands" as "mnemonic operands" */
    char *t = text + strspn(text, " \t");
    for (char *c = t; *c; c++)
      if (*c == '\t') *c = ' ';
    fprintf(out, "0x%04zx: %s\n", off, t);
    off += n;
  }
  LLVMDisasmDispose(dc);
  return true;
}
