/* vd-client-error.c: the error domain of a verification that got no answer from the service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vd-client-error"

#include "config.h"

#include "vd-client-error.h"

G_DEFINE_QUARK (vd-client-error-quark, vd_client_error)
