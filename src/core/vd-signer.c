#include "config.h"

#include "vd-signer.h"
