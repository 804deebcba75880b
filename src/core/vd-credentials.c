#include "config.h"

#include "vd-credentials.h"
