#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* What a photo URL holds, fetched for a preview through the app's one SoupSession: at most
 * @cap bytes are read, so a huge or endless answer cannot hold memory. */
typedef struct {
  GBytes *bytes;          /* the first bytes read (all of them unless truncated) */
  char   *content_type;   /* from the answer's Content-Type, or NULL */
  gint64  total_size;     /* Content-Length, or the bytes read when complete; -1 unknown */
  gboolean truncated;     /* the answer was longer than @cap */
} VdImageProbe;

void          vd_image_probe_free   (VdImageProbe *probe);
/* Only http and https. Errors say what happened in words ("The server answered 404 Not
 * Found", "Could not connect: …"). */
void          vd_image_probe_async  (SoupSession         *session,
                                     const char          *url,
                                     gsize                cap,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
VdImageProbe *vd_image_probe_finish (GAsyncResult  *result,
                                     GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdImageProbe, vd_image_probe_free)

G_END_DECLS
