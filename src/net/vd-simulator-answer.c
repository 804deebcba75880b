#include "config.h"

#include "vd-simulator-answer.h"
