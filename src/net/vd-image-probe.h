#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Why a probe failed. Cancellation is G_IO_ERROR_CANCELLED. */
#define VD_IMAGE_PROBE_ERROR (vd_image_probe_error_quark ())

typedef enum {
  VD_IMAGE_PROBE_ERROR_UNSUPPORTED,  /* not an http:// or https:// URL with a host */
  VD_IMAGE_PROBE_ERROR_HTTP,         /* the server answered, but not with 2xx */
  VD_IMAGE_PROBE_ERROR_UNREACHABLE,  /* no answer: name lookup, connection, TLS, lost */
} VdImageProbeError;

GQuark        vd_image_probe_error_quark (void);

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
 * Found.", "This computer cannot reach example.com: the connection was refused."). */
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
