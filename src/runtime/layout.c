/* The layout table (layout.def), computed where the types are known. */
#include "runtime/layout.h"

#include "runtime/vm_internal.h"

const sc_layout sc_layout_info = {
#define LAYOUT(name, expr) .name = (uint32_t)(expr),
#include "runtime/layout.def"
#undef LAYOUT
};

const void *sc_vm_addr(const sc_vm *vm, sc_vm_addr_kind k, uint32_t a, uint32_t b) {
  switch (k) {
  case SC_VA_VFUNC: return &vm->funcs[a];
  case SC_VA_RESUME_PC: return vm->funcs[a].code + b;
  case SC_VA_FRAMES_END: return vm->frames + vm->frames_cap;
  case SC_VA_STACK_END: return &vm->stack_end;
  case SC_VA_STACK_TOP: return &vm->stack_top;
  case SC_VA_GLOBAL: return &vm->globals[a];
  case SC_VA_NATIVE_LIMIT: return &vm->native_limit;
  }
  return NULL;
}
