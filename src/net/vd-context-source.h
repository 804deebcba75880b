#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Timers and other GSources that belong to a given main context (a GTask's, or the one the
 * simulator listens in) rather than the default one, where g_timeout_add would put them. */

/* Sets @callback with @data on @source, attaches it to @context and returns it (the caller
 * keeps the reference @source came with). */
GSource *vd_context_source_attach  (GSource      *source,
                                    GMainContext *context,
                                    GSourceFunc   callback,
                                    gpointer      data);
/* A timeout of @ms calling @callback with @data in @context. */
GSource *vd_context_timeout_attach (GMainContext *context,
                                    guint         ms,
                                    GSourceFunc   callback,
                                    gpointer      data);
/* Destroys *@source, if any, drops the reference and sets it to NULL. */
void     vd_context_source_clear   (GSource **source);

G_END_DECLS
