// A C++ host of libshapec: the public headers compile as C++ and link with
// C linkage. Assembles a program from text, runs it with its output in a
// temporary file, checks what it printed; exits 1 on any surprise.
// `make check` builds it against the installed-ABI libshapec and runs it.
//
//   c++ host.cpp $(pkg-config --cflags --libs shapec)
#include <shapec/shapec.h>

#include <cstdio>
#include <cstring>
#include <string>

static const char program[] =
    "func main() {\n"
    "    local i: int\n    local s: int\n"
    "    PushConst 0\n    StoreLocal s\n    PushConst 1\n    StoreLocal i\n"
    "loop:\n    LoopStart\n"
    "    LoadLocal i\n    PushConst 10\n    LeInt\n    JumpIfFalse done\n"
    "    LoadLocal s\n    LoadLocal i\n    AddInt\n    StoreLocal s\n"
    "    LoadLocal i\n    PushConst 1\n    AddInt\n    StoreLocal i\n"
    "    LoopEnd\n    Jump loop\n"
    "done:\n    LoadLocal s\n    Print\n    Return\n"
    "}\n";

int main() {
  sc_runtime_init();
  sc_diags d = {};
  d.filename = "host";
  sc_program *p = sc_assemble("host", program, std::strlen(program), &d);
  if (!p || d.n || sc_verify(p, &d) != 0 || d.n) {
    sc_diags_print(&d, stderr);
    return 1;
  }
  std::FILE *out = std::tmpfile();
  if (!out) return 1;
  sc_vm_options opts = {};
  opts.out = out;
  opts.err = stderr;
  opts.profile = 1;
  sc_vm *vm = sc_vm_new(p, &opts);
  int status = sc_vm_run_main(vm);
  std::rewind(out);
  char buf[64] = {};
  std::string got(buf, std::fread(buf, 1, sizeof buf - 1, out));
  std::fclose(out);
  if (status != 0 || got != "55\n") {
    std::fprintf(stderr, "host: FAILED: status %d, output '%s' (want 55)\n", status, got.c_str());
    return 1;
  }
  std::printf("host: C++ host ran main: %s", got.c_str());
  return 0;
}
