#include "config.h"

#include "vd-simulator.h"
