# src/jit: the tier manager, the compile driver (sc_compile) and the helpers
# compiled code calls; the runtime reaches them through vm->hooks.
libshapec_core_la_SOURCES += src/jit/tier.h src/jit/tier.c src/jit/vm_new.c
libshapec_core_la_SOURCES += src/jit/driver.h src/jit/driver.c src/jit/compiler.c
libshapec_core_la_SOURCES += src/jit/helpers.h src/jit/helpers.c
libshapec_core_la_SOURCES += src/jit/typed_entry.c
