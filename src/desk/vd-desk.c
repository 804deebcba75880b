#include "config.h"

#include "vd-desk.h"
