/* shapec: what every public header shares. SC_API marks the library's
 * public functions: libshapec is built with hidden visibility, so these are
 * its whole ABI (tests/cli/abi.sh checks the exported symbols against the
 * headers). SC_BEGIN_DECLS/SC_END_DECLS give the headers C linkage in C++. */
#ifndef SHAPEC_API_H
#define SHAPEC_API_H

#if defined(__GNUC__) || defined(__clang__)
#define SC_API __attribute__((visibility("default")))
#else
#define SC_API
#endif

#ifdef __cplusplus
#define SC_BEGIN_DECLS extern "C" {
#define SC_END_DECLS }
#else
#define SC_BEGIN_DECLS
#define SC_END_DECLS
#endif

#endif
