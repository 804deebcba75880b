#include "config.h"

#include "vd-env-credentials.h"
