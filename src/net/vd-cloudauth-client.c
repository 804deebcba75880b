#include "config.h"

#include "vd-cloudauth-client.h"
