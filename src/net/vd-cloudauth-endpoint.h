#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Which endpoints the client accepts: https, or plain http only to this computer; a host; no
 * user name, path, query or fragment. Returns the parsed endpoint, or NULL with @error
 * (VD_CLIENT_ERROR_INVALID_ENDPOINT) saying what to enter instead. */
GUri *vd_cloudauth_endpoint_parse       (const char  *endpoint,
                                         GError     **error);

/* TRUE when @uri's host is this computer (127.0.0.0/8, ::1 or localhost): no proxy applies. */
gboolean vd_cloudauth_endpoint_is_loopback (GUri *uri);

/* The Host header exactly as libsoup writes it for @uri, since the v3 signature covers it. */
char *vd_cloudauth_endpoint_host_header (GUri *uri);

G_END_DECLS
