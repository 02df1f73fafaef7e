# src/backend: native code through MIR and LLVM
libshapec_core_la_SOURCES += src/backend/backend.h src/backend/backend.c
libshapec_core_la_SOURCES += src/backend/abi.h src/backend/llvm_module.h src/backend/llvm_load.c
if HAVE_MIR
libshapec_core_la_SOURCES += src/backend/lower_mir.c
endif
libshapec_core_la_CFLAGS += $(MIR_CFLAGS) -DSC_PKGLIBDIR='"$(pkglibdir)"'
libshapec_core_la_LIBADD += $(MIR_LIBS) $(DL_LIBS)
# The LLVM backend and disassembler: a module libshapec opens on first use
# (llvm_module.h), so that only what uses LLVM maps libLLVM. Hidden
# visibility: it exports its entry alone.
if HAVE_LLVM
pkglib_LTLIBRARIES = shapec-llvm.la
endif
shapec_llvm_la_SOURCES = src/backend/llvm_module.h src/backend/lower_llvm.c src/backend/native_disasm.c
shapec_llvm_la_CFLAGS = $(AM_CFLAGS) $(LLVM_CFLAGS) -fvisibility=hidden
shapec_llvm_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared $(MODULE_LDFLAGS)
shapec_llvm_la_LIBADD = $(LLVM_LIBS)
