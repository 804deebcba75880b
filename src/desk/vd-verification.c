#include "config.h"

#include "vd-verification.h"
