#define G_LOG_DOMAIN "vd-memory-trim"

#include "config.h"

#include "vd-memory-trim.h"

#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif

/* Long enough that a scroll in progress (a page every few frames) trims once at its end, short
 * enough that the memory is back before anyone looks at a system monitor. */
#define QUIET_MS 500

static guint trim_source;

static gboolean
trim_now (gpointer user_data)
{
  trim_source = 0;
#ifdef HAVE_MALLOC_TRIM
  malloc_trim (0);
#endif
  return G_SOURCE_REMOVE;
}

void
vd_memory_trim_when_idle (void)
{
  GSource *source;

  if (trim_source != 0)
    {
      /* Still busy: push the trim back rather than trimming in the middle of the burst. */
      source = g_main_context_find_source_by_id (NULL, trim_source);
      if (source != NULL)
        {
          g_source_set_ready_time (source, g_get_monotonic_time () + QUIET_MS * 1000);
          return;
        }
    }

  source = g_timeout_source_new (QUIET_MS);
  g_source_set_priority (source, G_PRIORITY_LOW);
  g_source_set_callback (source, trim_now, NULL, NULL);
  g_source_set_static_name (source, "[verifydesk] memory trim");
  trim_source = g_source_attach (source, NULL);
  g_source_unref (source);
}

gboolean
vd_memory_trim_is_pending (void)
{
  return trim_source != 0;
}
