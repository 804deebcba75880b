#include "config.h"

#include "vd-client-error.h"
