#pragma once

#include "vd-verification.h"

G_BEGIN_DECLS

/* Only the desk builds verifications. */
VdVerification *vd_verification_new (void);

G_END_DECLS
