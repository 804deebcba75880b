#include "config.h"

#include "vd-id-number.h"
