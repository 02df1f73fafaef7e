# src/backend: native code through MIR and LLVM
libshapec_core_la_SOURCES += src/backend/backend.h src/backend/backend.c
libshapec_core_la_SOURCES += src/backend/abi.h src/backend/native_disasm.c
if HAVE_MIR
libshapec_core_la_SOURCES += src/backend/lower_mir.c
endif
if HAVE_LLVM
libshapec_core_la_SOURCES += src/backend/lower_llvm.c
endif
libshapec_core_la_CFLAGS += $(MIR_CFLAGS) $(LLVM_CFLAGS)
libshapec_core_la_LIBADD += $(MIR_LIBS) $(LLVM_LIBS)
