#include "config.h"

#include "vd-params.h"
