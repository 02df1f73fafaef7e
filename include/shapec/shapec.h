/* shapec: umbrella header of the public API. */
#ifndef SHAPEC_H
#define SHAPEC_H
#include "value.h"
#include "bytecode.h"
#include "feedback.h"
#include "vm.h"
#include "compiler.h"
#define SHAPEC_VERSION "0.1.0"
#endif
