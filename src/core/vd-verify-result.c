#include "config.h"

#include "vd-verify-result.h"
