#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @length bytes from the kernel's generator (getrandom), for keys and salts: GRand is not for
 * secrets. Aborts if the kernel cannot provide them, which leaves nothing safe to do. */
GBytes *vd_random_bytes (gsize length);

G_END_DECLS
