#include "terun_lua_bridge.h"
