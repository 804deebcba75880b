#include "config.h"

#include "vd-outcome.h"
