#define G_LOG_DOMAIN "vd-random"

#include "config.h"

#include <errno.h>
#include <sys/random.h>

#include "vd-random.h"

GBytes *
vd_random_bytes (gsize length)
{
  guint8 *bytes = g_malloc (length);
  gsize filled = 0;

  while (filled < length)
    {
      ssize_t got = getrandom (bytes + filled, length - filled, 0);

      if (got < 0 && errno != EINTR)
        g_error ("The kernel's random generator failed: %s", g_strerror (errno));
      if (got > 0)
        filled += (gsize) got;
    }

  return g_bytes_new_take (bytes, length);
}
