/* vd-context-source.c: GSources attached to a given main context */

#define G_LOG_DOMAIN "vd-context-source"

#include "config.h"

#include "vd-context-source.h"

GSource *
vd_context_source_attach (GSource      *source,
                          GMainContext *context,
                          GSourceFunc   callback,
                          gpointer      data)
{
  g_source_set_callback (source, callback, data, NULL);
  g_source_attach (source, context);
  return source;
}

GSource *
vd_context_timeout_attach (GMainContext *context,
                           guint         ms,
                           GSourceFunc   callback,
                           gpointer      data)
{
  return vd_context_source_attach (g_timeout_source_new (ms), context, callback, data);
}

void
vd_context_source_clear (GSource **source)
{
  if (*source == NULL)
    return;

  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}
