#include "config.h"

#include "vd-verify-status.h"
