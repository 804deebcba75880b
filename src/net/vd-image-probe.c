/* vd-image-probe.c: fetch the first bytes of a photo URL for a preview
 *
 * A GET through the app's one SoupSession, read in chunks up to a cap. The probe owns an inner
 * cancellable, chained to the caller's, so that it can also cancel the message itself once the
 * cap is reached: the rest of a huge or endless answer is never read, and the connection is
 * dropped instead of being drained.
 */

#define G_LOG_DOMAIN "vd-image-probe"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vd-image-probe.h"

#define VD_PROBE_CHUNK_SIZE (64 * 1024)

G_DEFINE_QUARK (vd-image-probe-error-quark, vd_image_probe_error)

typedef struct {
  SoupMessage  *message;
  GInputStream *body;
  GCancellable *inner;        /* cancels the message; chained to the caller's cancellable */
  GCancellable *outer;        /* the caller's, or NULL */
  gulong        outer_handler;
  char         *host;
  GByteArray   *buffer;
  gsize         cap;
  gint64        content_length;
  gboolean      at_end;       /* the whole body was read */
  VdImageProbe *result;       /* kept while the body stream closes */
  GError       *error;        /* likewise */
} ProbeData;

void
vd_image_probe_free (VdImageProbe *probe)
{
  if (probe == NULL)
    return;

  g_clear_pointer (&probe->bytes, g_bytes_unref);
  g_clear_pointer (&probe->content_type, g_free);
  g_free (probe);
}

static void
probe_data_free (ProbeData *data)
{
  if (data->outer_handler != 0)
    g_cancellable_disconnect (data->outer, data->outer_handler);
  g_clear_object (&data->outer);
  g_clear_object (&data->inner);
  g_clear_object (&data->body);
  g_clear_object (&data->message);
  g_clear_pointer (&data->host, g_free);
  g_clear_pointer (&data->buffer, g_byte_array_unref);
  g_clear_pointer (&data->result, vd_image_probe_free);
  g_clear_error (&data->error);
  g_free (data);
}

static void
on_outer_cancelled (GCancellable *outer,
                    gpointer      user_data)
{
  GCancellable *inner = user_data;

  g_cancellable_cancel (inner);
}

/* The reason, as a clause, why no answer came. GIO's own message is the fallback: it names
 * the cause, if not always in the operator's words. */
static char *
describe_network_error (const GError *cause)
{
  if (cause->domain == G_RESOLVER_ERROR)
    return g_strdup (_("its name could not be looked up (check the spelling and this "
                       "computer’s network)"));

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_strdup (_("the connection was refused"));

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_strdup (_("it did not answer in time"));

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
      g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
    return g_strdup (_("there is no route to it"));

  if (g_error_matches (cause, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
    return g_strdup (_("its certificate is not trusted"));

  if (cause->domain == G_TLS_ERROR)
    return g_strdup_printf (_("no secure connection could be made (%s)"), cause->message);

  return g_strdup (cause->message);
}

static GError *
unreachable_error (ProbeData    *data,
                   const GError *cause)
{
  g_autofree char *reason = NULL;

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                _("The preview was cancelled."));

  reason = describe_network_error (cause);
  return g_error_new (VD_IMAGE_PROBE_ERROR, VD_IMAGE_PROBE_ERROR_UNREACHABLE,
                      _("This computer cannot reach %s: %s."), data->host, reason);
}

static void
return_stored_outcome (GTask *task)
{
  ProbeData *data = g_task_get_task_data (task);

  if (data->error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&data->result),
                           (GDestroyNotify) vd_image_probe_free);
}

static void
on_body_closed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  /* A close after the message was cancelled fails; the outcome is already decided. */
  g_input_stream_close_finish (G_INPUT_STREAM (source), result, NULL);
  return_stored_outcome (task);
}

/* Takes @result or @error, closes the body without blocking and then returns. A body not
 * read to its end is cancelled first, so closing it drops the connection instead of reading
 * the rest. */
static void
conclude (GTask        *task,
          VdImageProbe *result,
          GError       *error)
{
  ProbeData *data = g_task_get_task_data (task);

  g_assert ((result == NULL) != (error == NULL));
  data->result = result;
  data->error = error;

  if (data->body == NULL)
    {
      return_stored_outcome (task);
      g_object_unref (task);
      return;
    }

  if (!data->at_end)
    g_cancellable_cancel (data->inner);

  g_input_stream_close_async (data->body, G_PRIORITY_DEFAULT, NULL, on_body_closed, task);
}

static VdImageProbe *
build_result (ProbeData *data,
              gboolean   truncated)
{
  VdImageProbe *probe = g_new0 (VdImageProbe, 1);
  const char *content_type;
  gsize length = data->buffer->len;

  content_type = soup_message_headers_get_content_type (
    soup_message_get_response_headers (data->message), NULL);

  probe->bytes = g_byte_array_free_to_bytes (g_steal_pointer (&data->buffer));
  probe->content_type = g_strdup (content_type);
  probe->truncated = truncated;

  if (data->content_length >= 0)
    probe->total_size = data->content_length;
  else if (!truncated)
    probe->total_size = (gint64) length;
  else
    probe->total_size = -1;

  return probe;
}

static void read_next_chunk (GTask *task);

static void
on_chunk_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  ProbeData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  GError *error = NULL;
  gsize size;
  gsize room;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      conclude (task, NULL, unreachable_error (data, error));
      g_error_free (error);
      return;
    }

  size = g_bytes_get_size (chunk);
  if (size == 0)
    {
      data->at_end = TRUE;
      conclude (task, build_result (data, FALSE), NULL);
      return;
    }

  room = data->cap - data->buffer->len;
  g_byte_array_append (data->buffer, g_bytes_get_data (chunk, NULL), MIN (size, room));
  if (size > room)
    {
      conclude (task, build_result (data, TRUE), NULL);
      return;
    }

  read_next_chunk (task);
}

/* Reads are always a whole chunk, even near the cap: what lies beyond the cap is dropped, and
 * finding some is what tells that the answer is longer when no Content-Length said so. (Tiny
 * reads would also trip libsoup's chunked decoder.) */
static void
read_next_chunk (GTask *task)
{
  ProbeData *data = g_task_get_task_data (task);

  if (data->buffer->len == data->cap && data->content_length >= 0)
    {
      data->at_end = data->content_length <= (gint64) data->cap;
      conclude (task, build_result (data, !data->at_end), NULL);
      return;
    }

  g_input_stream_read_bytes_async (data->body, VD_PROBE_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   data->inner, on_chunk_read, task);
}

static GError *
http_error (SoupMessage *message)
{
  guint status = soup_message_get_status (message);
  const char *phrase = soup_message_get_reason_phrase (message);

  if (phrase == NULL || *phrase == '\0')
    phrase = soup_status_get_phrase (status);

  if (phrase == NULL || *phrase == '\0')
    return g_error_new (VD_IMAGE_PROBE_ERROR, VD_IMAGE_PROBE_ERROR_HTTP,
                        _("The server answered %u."), status);

  return g_error_new (VD_IMAGE_PROBE_ERROR, VD_IMAGE_PROBE_ERROR_HTTP,
                      _("The server answered %u %s."), status, phrase);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  ProbeData *data = g_task_get_task_data (task);
  SoupMessageHeaders *headers;
  GError *error = NULL;

  data->body = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (data->body == NULL)
    {
      conclude (task, NULL, unreachable_error (data, error));
      g_error_free (error);
      return;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (data->message)))
    {
      conclude (task, NULL, http_error (data->message));
      return;
    }

  headers = soup_message_get_response_headers (data->message);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    data->content_length = soup_message_headers_get_content_length (headers);

  read_next_chunk (task);
}

/* The URL as a GUri if it is http or https with a host, else a GError that says so. */
static GUri *
parse_probe_url (const char  *url,
                 GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL)
    {
      g_set_error (error, VD_IMAGE_PROBE_ERROR, VD_IMAGE_PROBE_ERROR_UNSUPPORTED,
                   _("“%s” is not a web address: enter it as https://host/path."), url);
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error (error, VD_IMAGE_PROBE_ERROR, VD_IMAGE_PROBE_ERROR_UNSUPPORTED,
                   _("“%s” uses “%s”: only http:// and https:// addresses can be "
                     "previewed."),
                   url, scheme);
      return NULL;
    }

  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    {
      g_set_error (error, VD_IMAGE_PROBE_ERROR, VD_IMAGE_PROBE_ERROR_UNSUPPORTED,
                   _("“%s” has no host name: enter it as https://host/path."), url);
      return NULL;
    }

  return g_steal_pointer (&uri);
}

void
vd_image_probe_async (SoupSession         *session,
                      const char          *url,
                      gsize                cap,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) uri = NULL;
  GError *error = NULL;
  ProbeData *data;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (url != NULL);
  g_return_if_fail (cap > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, vd_image_probe_async);

  uri = parse_probe_url (url, &error);
  if (uri == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data = g_new0 (ProbeData, 1);
  data->inner = g_cancellable_new ();
  data->host = g_strdup (g_uri_get_host (uri));
  data->buffer = g_byte_array_new ();
  data->cap = cap;
  data->content_length = -1;
  data->message = soup_message_new_from_uri (SOUP_METHOD_GET, uri);
  g_task_set_task_data (task, data, (GDestroyNotify) probe_data_free);

  soup_message_headers_replace (soup_message_get_request_headers (data->message),
                                "Accept", "image/*, */*;q=0.5");

  if (cancellable != NULL)
    {
      data->outer = g_object_ref (cancellable);
      data->outer_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_outer_cancelled),
                                                   data->inner, NULL);
    }

  soup_session_send_async (session, data->message, G_PRIORITY_DEFAULT, data->inner, on_sent,
                           g_steal_pointer (&task));
}

VdImageProbe *
vd_image_probe_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vd_image_probe_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
