#ifndef TERUN_CEDITLINE_SHIM_H
#define TERUN_CEDITLINE_SHIM_H
// libedit's readline-compatible interface (Debian libedit-dev, pkg-config libedit).
#include <stdio.h>
#include <editline/readline.h>
#endif
