#include "config.h"

#include "vd-answer-parser.h"
