#include "config.h"

#include "vd-sample-customers.h"
