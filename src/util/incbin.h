// HIRELM_INCBIN(sym, "path"): the file at `path` (a string literal, usually a folder macro from CMake joined with a
// file name) copied byte for byte into .rodata by the assembler, between `extern "C" const char sym[]` and
// `sym_end[]`, followed by a NUL that is not part of the file. Used at namespace scope, once per symbol. The
// including target should list the file in OBJECT_DEPENDS so that editing it rebuilds the object.
#pragma once

#define HIRELM_INCBIN(sym, path)            \
  asm(".pushsection .rodata\n"              \
      ".balign 16\n"                        \
      ".hidden " #sym "\n"                  \
      ".globl " #sym "\n" #sym ":\n"        \
      ".incbin \"" path "\"\n"              \
      ".hidden " #sym "_end\n"              \
      ".globl " #sym "_end\n" #sym "_end:\n" \
      ".byte 0\n"                           \
      ".popsection\n");                     \
  extern "C" const char sym[];              \
  extern "C" const char sym##_end[]
