#include "config.h"

#include "vd-verify-request.h"
