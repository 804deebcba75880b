/* vd-cloudauth-endpoint.c: the endpoints the Cloudauth client accepts
 *
 * Identity data travels only encrypted, so an endpoint is https; plain http is allowed only to
 * this computer (the built-in simulator). Cloudauth is called on "/" and the AccessKey signs
 * each request, so an endpoint carries only a scheme, a host and a port.
 */

#define G_LOG_DOMAIN "vd-cloudauth-client"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <gio/gio.h>

#include "vd-client-error.h"
#include "vd-cloudauth-endpoint.h"

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

gboolean
vd_cloudauth_endpoint_is_loopback (GUri *uri)
{
  return host_is_loopback (g_uri_get_host (uri));
}

GUri *
vd_cloudauth_endpoint_parse (const char  *endpoint,
                             GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *scheme;
  const char *host;
  const char *path;

  if (endpoint == NULL || *endpoint == '\0')
    {
      g_set_error_literal (error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_INVALID_ENDPOINT,
                           _("The endpoint is empty. Enter it as "
                             "https://cloudauth.aliyuncs.com/."));
      return NULL;
    }

  uri = g_uri_parse (endpoint, G_URI_FLAGS_NONE, &local_error);
  if (uri == NULL)
    {
      g_set_error (error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_INVALID_ENDPOINT,
                   _("The endpoint “%s” is not a URL (%s). Enter it as "
                     "https://cloudauth.aliyuncs.com/."),
                   endpoint, local_error->message);
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  path = g_uri_get_path (uri);

  if (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0)
    {
      g_set_error (error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_INVALID_ENDPOINT,
                   _("The endpoint “%s” uses “%s”; Cloudauth is reached over https only."),
                   endpoint, scheme);
      return NULL;
    }

  if (host == NULL || *host == '\0')
    {
      g_set_error (error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_INVALID_ENDPOINT,
                   _("The endpoint “%s” has no host name. Enter it as "
                     "https://cloudauth.aliyuncs.com/."),
                   endpoint);
      return NULL;
    }

  if (g_ascii_strcasecmp (scheme, "http") == 0 && !host_is_loopback (host))
    {
      g_set_error (error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_INVALID_ENDPOINT,
                   _("The endpoint “%s” uses plain http, which would send identity data "
                     "unencrypted. Use https (plain http is allowed only to this computer)."),
                   endpoint);
      return NULL;
    }

  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_INVALID_ENDPOINT,
                   _("The endpoint “%s” contains a user name; remove it, the AccessKey signs "
                     "each request."),
                   endpoint);
      return NULL;
    }

  if (!(*path == '\0' || g_str_equal (path, "/")) ||
      g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_INVALID_ENDPOINT,
                   _("The endpoint “%s” has a path, query or fragment; Cloudauth is called on "
                     "“/”. Enter only the scheme, host and port."),
                   endpoint);
      return NULL;
    }

  return g_steal_pointer (&uri);
}

/* IPv6 literals in brackets (without a zone), IDN in ASCII, the port only when it is not the
 * scheme's default. */
char *
vd_cloudauth_endpoint_host_header (GUri *uri)
{
  const char *host = g_uri_get_host (uri);
  g_autofree char *name = NULL;
  int port = g_uri_get_port (uri);
  int default_port = g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;

  if (strchr (host, ':') != NULL)
    name = g_strdup_printf ("[%.*s]", (int) strcspn (host, "%"), host);
  else if (g_hostname_is_non_ascii (host))
    name = g_hostname_to_ascii (host);
  else
    name = g_strdup (host);

  if (port == -1 || port == default_port)
    return g_steal_pointer (&name);

  return g_strdup_printf ("%s:%d", name, port);
}
