#include "config.h"

#include "vd-percent.h"
