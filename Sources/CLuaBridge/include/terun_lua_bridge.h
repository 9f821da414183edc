#ifndef TERUN_LUA_BRIDGE_H
#define TERUN_LUA_BRIDGE_H
#include "../../CLua/shim.h"
#endif
