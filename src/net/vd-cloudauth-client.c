/* vd-cloudauth-client.c: the one service that talks to Cloudauth
 *
 * Every verification is a small state machine on a GTask: sign an attempt afresh, send it, read
 * the answer under a size cap, parse it, and either finish or wait and try again. Two timers
 * decide what a silence means: before the request is written it is a connect timeout (nothing
 * reached the service, safe to retry); after it is written it is a read timeout (the service may
 * have processed and billed it, so the operator decides).
 */

#define G_LOG_DOMAIN "vd-cloudauth-client"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "vd-answer-parser.h"
#include "vd-cloudauth-client.h"

#define VD_DEFAULT_BACKOFF_MS     400
#define VD_RETRY_AFTER_CAP_MS     10000
#define VD_IDLE_TIMEOUT_S         60
#define VD_MAX_TIMEOUT_MS         (10 * 60 * 1000)
#define VD_MAX_BACKOFF_MS         60000
#define VD_READ_CHUNK_SIZE        16384
#define VD_JITTER                 0.2

struct _VdCloudauthClient
{
  GObject            parent_instance;

  SoupSession       *session;
  GTlsDatabase      *tls_database;
  char              *endpoint;
  GUri              *endpoint_uri;
  char              *region;
  char              *action;
  VdSignatureScheme  signature;
  guint              connect_timeout_ms;
  guint              read_timeout_ms;
  guint              max_attempts;
  guint              backoff_ms;
  guint              last_attempts;
};

G_DEFINE_FINAL_TYPE (VdCloudauthClient, vd_cloudauth_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ENDPOINT,
  PROP_REGION,
  PROP_SIGNATURE,
  PROP_CONNECT_TIMEOUT_MS,
  PROP_READ_TIMEOUT_MS,
  PROP_TLS_DATABASE,
  PROP_MAX_ATTEMPTS,
  PROP_BACKOFF_MS,
  PROP_ACTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One verification in flight. The configuration is copied at the start so that a change of
 * properties cannot affect a request half-way; the session is held too, so that disposing the
 * client does not pull it away from under a running attempt. */
typedef struct {
  SoupSession          *session;
  GUri                 *endpoint_uri;
  char                 *host;
  char                 *action;
  VdSignatureScheme     scheme;
  VdParams             *params;
  VdCredentials        *credentials;
  guint                 connect_timeout_ms;
  guint                 read_timeout_ms;
  guint                 max_attempts;
  guint                 backoff_ms;

  guint                 attempt;

  /* The current attempt. */
  SoupMessage          *message;
  gulong                wrote_headers_handler;
  gulong                accept_certificate_handler;
  GCancellable         *attempt_cancellable;
  gulong                chain_handler;
  GSource              *connect_timer;
  GSource              *read_timer;
  gboolean              sent;
  gboolean              connect_timed_out;
  gboolean              read_timed_out;
  GDateTime            *sent_at;
  GTlsCertificateFlags  certificate_errors;
  GInputStream         *body_stream;
  GByteArray           *body;

  /* The wait between attempts. */
  GSource              *backoff_timer;
  GSource              *backoff_cancel;
} VerifyData;

static void start_attempt (GTask *task);

/* --- endpoint rules --- */

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static GUri *
parse_endpoint (const char  *endpoint,
                GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *scheme;
  const char *host;
  const char *path;

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

/* The Host header exactly as libsoup writes it, since the v3 signature covers it: IPv6
 * literals in brackets, IDN in ASCII, the port only when it is not the scheme's default. */
static char *
host_for_headers (GUri *uri)
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

/* --- small helpers --- */

/* "10" for 10000 ms, "0.3" for 300 ms: timeouts as an operator reads them. */
static char *
format_seconds (guint ms)
{
  if (ms % 1000 == 0)
    return g_strdup_printf ("%u", ms / 1000);

  return g_strdup_printf ("%.1f", ms / 1000.0);
}

static GSource *
attach_timeout (GTask       *task,
                guint        ms,
                GSourceFunc  callback)
{
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, callback, task, NULL);
  g_source_attach (source, g_task_get_context (task));
  return source;
}

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;

  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static const char *
describe_certificate_errors (GTlsCertificateFlags flags)
{
  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    return _("it is not signed by a known certificate authority");
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return _("it was issued for another host");
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    return _("it is not valid yet (check this computer’s clock)");
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    return _("it has expired (check this computer’s clock)");
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    return _("it has been revoked");
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    return _("it uses an insecure algorithm");

  return _("it could not be verified");
}

/* --- per-verification state --- */

static void
finish_attempt (VerifyData *data)
{
  clear_source (&data->connect_timer);
  clear_source (&data->read_timer);

  /* Dropping the stream before the body's end makes libsoup close the connection, which is
   * how an oversized answer stops being read. */
  g_clear_object (&data->body_stream);
  if (data->message != NULL)
    {
      g_clear_signal_handler (&data->wrote_headers_handler, data->message);
      g_clear_signal_handler (&data->accept_certificate_handler, data->message);
    }
  g_clear_object (&data->message);
  g_clear_pointer (&data->body, g_byte_array_unref);
  g_clear_pointer (&data->sent_at, g_date_time_unref);
}

static void
verify_data_free (VerifyData *data)
{
  finish_attempt (data);
  clear_source (&data->backoff_timer);
  clear_source (&data->backoff_cancel);
  g_clear_object (&data->attempt_cancellable);
  g_clear_object (&data->session);
  g_clear_pointer (&data->endpoint_uri, g_uri_unref);
  g_free (data->host);
  g_free (data->action);
  g_clear_pointer (&data->params, vd_params_unref);
  g_clear_pointer (&data->credentials, vd_credentials_unref);
  g_free (data);
}

static void
chain_cancel (GCancellable *caller_cancellable,
              GCancellable *attempt_cancellable)
{
  g_cancellable_cancel (attempt_cancellable);
}

/* Drops the link between the caller's cancellable and the attempt's. Never called from within
 * chain_cancel, where disconnecting would deadlock. */
static void
unchain_attempt (GTask      *task,
                 VerifyData *data)
{
  GCancellable *caller_cancellable = g_task_get_cancellable (task);

  if (data->chain_handler != 0)
    g_cancellable_disconnect (caller_cancellable, data->chain_handler);
  data->chain_handler = 0;
  g_clear_object (&data->attempt_cancellable);
}

static void
complete_with_result (GTask          *task,
                      VdVerifyResult *result)
{
  VdCloudauthClient *self = g_task_get_source_object (task);
  VerifyData *data = g_task_get_task_data (task);

  self->last_attempts = data->attempt;
  g_task_return_pointer (task, result, (GDestroyNotify) vd_verify_result_unref);
}

static void
complete_with_error (GTask  *task,
                     GError *error)
{
  VdCloudauthClient *self = g_task_get_source_object (task);
  VerifyData *data = g_task_get_task_data (task);

  self->last_attempts = data->attempt;
  g_task_return_error (task, error);
}

static gboolean
caller_cancelled (GTask *task)
{
  return g_cancellable_is_cancelled (g_task_get_cancellable (task));
}

static void
complete_cancelled (GTask *task)
{
  complete_with_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                  _("The verification was cancelled.")));
}

/* --- waiting between attempts --- */

static void
end_backoff (VerifyData *data)
{
  clear_source (&data->backoff_timer);
  clear_source (&data->backoff_cancel);
}

static gboolean
on_backoff_elapsed (gpointer user_data)
{
  GTask *task = user_data;
  VerifyData *data = g_task_get_task_data (task);

  end_backoff (data);
  /* The reference the wait held passes on to the attempt. */
  start_attempt (task);
  return G_SOURCE_REMOVE;
}

static gboolean
on_backoff_cancelled (GCancellable *cancellable,
                      gpointer      user_data)
{
  GTask *task = user_data;
  VerifyData *data = g_task_get_task_data (task);

  end_backoff (data);
  complete_cancelled (task);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/* The doubling backoff with ±20 % jitter, so that many desks do not retry in step; a Throttling
 * answer's x-acs-retry-after is a lower bound. */
static guint
backoff_delay (VerifyData     *data,
               VdVerifyResult *result)
{
  guint64 base = (guint64) data->backoff_ms << MIN (data->attempt - 1, 16);
  double delay = MIN (base, (guint64) VD_MAX_BACKOFF_MS) *
                 g_random_double_range (1.0 - VD_JITTER, 1.0 + VD_JITTER);

  if (result != NULL && result->retry_after_ms > delay)
    return result->retry_after_ms;

  return (guint) delay;
}

/* Takes over one reference on @task until the wait ends one way or the other. */
static void
wait_and_retry (GTask          *task,
                VdVerifyResult *result)
{
  VerifyData *data = g_task_get_task_data (task);
  GCancellable *caller_cancellable = g_task_get_cancellable (task);
  guint delay = backoff_delay (data, result);

  g_debug ("%s attempt %u failed, next in %u ms", data->action, data->attempt, delay);

  data->backoff_timer = attach_timeout (task, delay, on_backoff_elapsed);
  if (caller_cancellable != NULL)
    {
      data->backoff_cancel = g_cancellable_source_new (caller_cancellable);
      g_source_set_callback (data->backoff_cancel, G_SOURCE_FUNC (on_backoff_cancelled),
                             task, NULL);
      g_source_attach (data->backoff_cancel, g_task_get_context (task));
    }
}

/* --- what an attempt's end means --- */

static gboolean
answer_is_retryable (guint           http_status,
                     VdVerifyResult *result)
{
  if (http_status >= 500 && http_status <= 599)
    return TRUE;

  return result != NULL && result->kind == VD_ANSWER_GATEWAY_ERROR &&
         result->code != NULL && g_str_has_prefix (result->code, "Throttling");
}

/* The outcome of one attempt: either an answer (a result or a parse error) or a failure to get
 * one. Decides whether to try again. Consumes @task's reference held by the attempt. */
static void
conclude_attempt (GTask          *task,
                  guint           http_status,
                  VdVerifyResult *result,
                  GError         *error,
                  gboolean        retryable)
{
  VerifyData *data = g_task_get_task_data (task);

  finish_attempt (data);
  unchain_attempt (task, data);

  if (caller_cancelled (task))
    {
      g_clear_pointer (&result, vd_verify_result_unref);
      g_clear_error (&error);
      complete_cancelled (task);
      g_object_unref (task);
      return;
    }

  if (retryable && data->attempt < data->max_attempts)
    {
      wait_and_retry (task, result);
      g_clear_pointer (&result, vd_verify_result_unref);
      g_clear_error (&error);
      return;
    }

  if (result != NULL)
    complete_with_result (task, result);
  else
    complete_with_error (task, error);
  g_object_unref (task);
}

static void
fill_from_headers (VdVerifyResult     *result,
                   SoupMessageHeaders *headers)
{
  const char *date = soup_message_headers_get_one (headers, "Date");
  g_autofree char *retry_after = g_strdup (soup_message_headers_get_one (headers,
                                                                         "x-acs-retry-after"));
  guint64 retry_after_ms;

  if (retry_after != NULL &&
      g_ascii_string_to_unsigned (g_strstrip (retry_after), 10, 0, G_MAXUINT64,
                                  &retry_after_ms, NULL))
    result->retry_after_ms = MIN (retry_after_ms, VD_RETRY_AFTER_CAP_MS);

  if (date != NULL)
    {
      g_autoptr(GDateTime) server_time = soup_date_time_new_from_http_string (date);
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      if (server_time != NULL)
        {
          result->has_clock_offset = TRUE;
          result->clock_offset_seconds = g_date_time_difference (server_time, now) /
                                         G_TIME_SPAN_SECOND;
        }
    }
}

static void
conclude_answer (GTask *task)
{
  VerifyData *data = g_task_get_task_data (task);
  guint status = soup_message_get_status (data->message);
  g_autoptr(GError) error = NULL;
  VdVerifyResult *result;

  g_debug ("%s attempt %u: HTTP %u", data->action, data->attempt, status);

  result = vd_answer_parse (status, (const char *) data->body->data, data->body->len, &error);
  if (result != NULL)
    fill_from_headers (result, soup_message_get_response_headers (data->message));

  conclude_attempt (task, status, result, g_steal_pointer (&error),
                    answer_is_retryable (status, result));
}

static GError *
outcome_unknown_error (VerifyData   *data,
                       const GError *cause)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (data->sent_at);
  g_autofree char *sent_at = g_date_time_format (local, "%H:%M:%S");
  g_autofree char *host = g_uri_to_string_partial (data->endpoint_uri, G_URI_HIDE_PASSWORD);

  if (data->read_timed_out)
    {
      g_autofree char *seconds = format_seconds (data->read_timeout_ms);

      return g_error_new (VD_CLIENT_ERROR, VD_CLIENT_ERROR_OUTCOME_UNKNOWN,
                          _("The request was sent at %s, no answer within %s s. The service "
                            "may have processed (and billed) it: check before resubmitting, "
                            "and resubmit with the same BizId."),
                          sent_at, seconds);
    }

  return g_error_new (VD_CLIENT_ERROR, VD_CLIENT_ERROR_OUTCOME_UNKNOWN,
                      _("The request was sent at %s, then the connection to %s was lost "
                        "before the answer (%s). The service may have processed (and billed) "
                        "it: check before resubmitting, and resubmit with the same BizId."),
                      sent_at, host, cause->message);
}

static GError *
not_sent_error (VerifyData   *data,
                const GError *cause)
{
  const char *host = g_uri_get_host (data->endpoint_uri);

  if (data->connect_timed_out)
    {
      g_autofree char *seconds = format_seconds (data->connect_timeout_ms);

      return g_error_new (VD_CLIENT_ERROR, VD_CLIENT_ERROR_CONNECT_TIMEOUT,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "No connection to %s within %s s (%u attempt). Nothing "
                                       "was sent; check the network connection and submit "
                                       "again.",
                                       "No connection to %s within %s s (%u attempts). Nothing "
                                       "was sent; check the network connection and submit "
                                       "again.",
                                       data->attempt),
                          host, seconds, data->attempt);
    }

  if (cause->domain == G_TLS_ERROR)
    {
      if (g_error_matches (cause, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
        return g_error_new (VD_CLIENT_ERROR, VD_CLIENT_ERROR_TLS,
                            _("The certificate of %s is not trusted: %s. Nothing was sent. "
                              "Check the endpoint; if a proxy inspects HTTPS on this network, "
                              "ask your administrator."),
                            host, describe_certificate_errors (data->certificate_errors));

      return g_error_new (VD_CLIENT_ERROR, VD_CLIENT_ERROR_TLS,
                          _("No secure connection to %s could be made (%s). Nothing was sent. "
                            "Check the endpoint."),
                          host, cause->message);
    }

  return g_error_new (VD_CLIENT_ERROR, VD_CLIENT_ERROR_NOT_SENT,
                      g_dngettext (GETTEXT_PACKAGE,
                                   "Could not reach %s (%u attempt): %s. Nothing was sent; check "
                                   "the network connection and the endpoint, then submit again.",
                                   "Could not reach %s (%u attempts): %s. Nothing was sent; check "
                                   "the network connection and the endpoint, then submit again.",
                                   data->attempt),
                      host, data->attempt, cause->message);
}

/* A failure before an answer was read. What it means depends only on whether the request had
 * been written: after that the service may have acted on it. */
static void
conclude_failure (GTask        *task,
                  const GError *cause)
{
  VerifyData *data = g_task_get_task_data (task);
  GError *error;
  gboolean retryable;

  g_debug ("%s attempt %u: no answer (%s)", data->action, data->attempt,
           data->sent ? "sent" : "not sent");

  if (data->sent)
    {
      error = outcome_unknown_error (data, cause);
      retryable = FALSE;
    }
  else
    {
      error = not_sent_error (data, cause);
      retryable = error->code != VD_CLIENT_ERROR_TLS;
    }

  conclude_attempt (task, 0, NULL, error, retryable);
}

/* --- one attempt --- */

static gboolean
on_connect_timeout (gpointer user_data)
{
  GTask *task = user_data;
  VerifyData *data = g_task_get_task_data (task);

  g_clear_pointer (&data->connect_timer, g_source_unref);
  data->connect_timed_out = TRUE;
  g_cancellable_cancel (data->attempt_cancellable);
  return G_SOURCE_REMOVE;
}

static gboolean
on_read_timeout (gpointer user_data)
{
  GTask *task = user_data;
  VerifyData *data = g_task_get_task_data (task);

  g_clear_pointer (&data->read_timer, g_source_unref);
  data->read_timed_out = TRUE;
  g_cancellable_cancel (data->attempt_cancellable);
  return G_SOURCE_REMOVE;
}

/* The body is empty, so the request is complete once its headers are written: from here on the
 * service may act on it. libsoup 3.2 emits "wrote-body" right after this over HTTP/1.1 (the
 * zero-length body) and together with it over HTTP/2; this is the earlier of the two, which
 * is the careful side for a billed call. */
static void
on_wrote_headers (SoupMessage *message,
                  GTask       *task)
{
  VerifyData *data = g_task_get_task_data (task);

  if (data->sent)
    return;

  data->sent = TRUE;
  data->sent_at = g_date_time_new_now_utc ();
  clear_source (&data->connect_timer);
  data->read_timer = attach_timeout (task, data->read_timeout_ms, on_read_timeout);
}

/* Only records why the handshake failed, for the error message. Returning FALSE leaves the
 * decision to the TLS database: an untrusted certificate is never accepted. */
static gboolean
on_accept_certificate (SoupMessage          *message,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       GTask                *task)
{
  VerifyData *data = g_task_get_task_data (task);

  data->certificate_errors = errors;
  return FALSE;
}

static void read_next_chunk (GTask *task);

static void
on_body_read (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  GTask *task = user_data;
  VerifyData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), res, &error);
  if (chunk == NULL)
    {
      conclude_failure (task, error);
      return;
    }

  if (g_bytes_get_size (chunk) == 0)
    {
      clear_source (&data->read_timer);
      conclude_answer (task);
      return;
    }

  g_byte_array_append (data->body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  if (data->body->len > VD_ANSWER_SIZE_CAP)
    {
      GError *too_large;

      too_large = g_error_new (VD_ANSWER_ERROR, VD_ANSWER_ERROR_TOO_LARGE,
                               _("The answer is larger than %u KiB, far more than any real "
                                 "answer, so reading stopped. The request was sent: its outcome "
                                 "is unknown."),
                               VD_ANSWER_SIZE_CAP / 1024);
      conclude_attempt (task, soup_message_get_status (data->message), NULL, too_large, FALSE);
      return;
    }

  read_next_chunk (task);
}

/* Reads at most one byte past the cap, which is enough to know the answer is too large. */
static void
read_next_chunk (GTask *task)
{
  VerifyData *data = g_task_get_task_data (task);
  gsize room = VD_ANSWER_SIZE_CAP + 1 - data->body->len;

  g_input_stream_read_bytes_async (data->body_stream, MIN (room, VD_READ_CHUNK_SIZE),
                                   G_PRIORITY_DEFAULT, data->attempt_cancellable,
                                   on_body_read, task);
}

static void
on_sent (GObject      *source,
         GAsyncResult *res,
         gpointer      user_data)
{
  GTask *task = user_data;
  VerifyData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->body_stream = soup_session_send_finish (SOUP_SESSION (source), res, &error);
  if (data->body_stream == NULL)
    {
      conclude_failure (task, error);
      return;
    }

  data->body = g_byte_array_new ();
  read_next_chunk (task);
}

static SoupMessage *
build_message (VerifyData *data)
{
  g_autoptr(VdSignedRequest) signed_request = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *nonce = g_uuid_string_random ();
  g_autofree char *query = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(SoupMessage) message = NULL;
  SoupMessageHeaders *headers;
  guint i;

  signed_request = vd_sign_request (data->scheme, SOUP_METHOD_POST, data->host, data->action,
                                    VD_CLOUDAUTH_VERSION, "JSON", data->params, NULL,
                                    data->credentials, now, nonce);
  query = vd_params_to_canonical (signed_request->query);
  uri = g_uri_build (G_URI_FLAGS_ENCODED, g_uri_get_scheme (data->endpoint_uri), NULL,
                     g_uri_get_host (data->endpoint_uri), g_uri_get_port (data->endpoint_uri),
                     "/", query, NULL);

  /* A POST is not idempotent, so libsoup gives it a fresh connection rather than an idle one
   * that the server may be closing: a stale connection can never turn into a false "sent,
   * outcome unknown". */
  message = soup_message_new_from_uri (SOUP_METHOD_POST, uri);
  /* A redirect would turn the POST into a GET elsewhere: an answer is what the service said. */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);

  headers = soup_message_get_request_headers (message);
  for (i = 0; i < vd_params_get_length (signed_request->headers); i++)
    {
      const char *name = vd_params_get_name (signed_request->headers, i);

      /* libsoup writes Host itself, from the same URI, exactly as host_for_headers does. */
      if (g_ascii_strcasecmp (name, "host") == 0)
        continue;
      soup_message_headers_replace (headers, name,
                                    vd_params_get_value (signed_request->headers, i));
    }
  soup_message_headers_replace (headers, "Accept", "application/json");

  return g_steal_pointer (&message);
}

/* Signs afresh (a new nonce and timestamp: a retry must never reuse them) and sends. Takes
 * over one reference on @task until the attempt concludes. */
static void
start_attempt (GTask *task)
{
  VerifyData *data = g_task_get_task_data (task);
  GCancellable *caller_cancellable = g_task_get_cancellable (task);

  if (caller_cancelled (task))
    {
      complete_cancelled (task);
      g_object_unref (task);
      return;
    }

  data->attempt++;
  data->sent = FALSE;
  data->connect_timed_out = FALSE;
  data->read_timed_out = FALSE;
  data->certificate_errors = 0;

  g_debug ("%s attempt %u of %u", data->action, data->attempt, data->max_attempts);

  data->message = build_message (data);
  data->attempt_cancellable = g_cancellable_new ();
  if (caller_cancellable != NULL)
    data->chain_handler = g_cancellable_connect (caller_cancellable, G_CALLBACK (chain_cancel),
                                                 g_object_ref (data->attempt_cancellable),
                                                 g_object_unref);

  data->wrote_headers_handler =
    g_signal_connect (data->message, "wrote-headers", G_CALLBACK (on_wrote_headers), task);
  data->accept_certificate_handler =
    g_signal_connect (data->message, "accept-certificate", G_CALLBACK (on_accept_certificate),
                      task);

  data->connect_timer = attach_timeout (task, data->connect_timeout_ms, on_connect_timeout);

  soup_session_send_async (data->session, data->message, G_PRIORITY_DEFAULT,
                           data->attempt_cancellable, on_sent, task);
}

/* --- the object --- */

static void
apply_tls_database (VdCloudauthClient *self)
{
  g_autoptr(GTlsDatabase) system_database = NULL;

  if (self->session == NULL)
    return;

  if (self->tls_database != NULL)
    {
      soup_session_set_tls_database (self->session, self->tls_database);
      return;
    }

  /* libsoup treats NULL as "trust nothing"; unset means the system's trust store. */
  system_database = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  soup_session_set_tls_database (self->session, system_database);
}

static void
set_uint_property (VdCloudauthClient *self,
                   guint             *field,
                   guint              value,
                   guint              prop_id)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_string_property (VdCloudauthClient  *self,
                     char              **field,
                     const char         *value,
                     guint               prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_tls_database (VdCloudauthClient *self,
                  GTlsDatabase      *database)
{
  if (!g_set_object (&self->tls_database, database))
    return;

  apply_tls_database (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TLS_DATABASE]);
}

static void
vd_cloudauth_client_dispose (GObject *object)
{
  VdCloudauthClient *self = VD_CLOUDAUTH_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_object (&self->tls_database);

  G_OBJECT_CLASS (vd_cloudauth_client_parent_class)->dispose (object);
}

static void
vd_cloudauth_client_finalize (GObject *object)
{
  VdCloudauthClient *self = VD_CLOUDAUTH_CLIENT (object);

  g_clear_pointer (&self->endpoint, g_free);
  g_clear_pointer (&self->endpoint_uri, g_uri_unref);
  g_clear_pointer (&self->region, g_free);
  g_clear_pointer (&self->action, g_free);

  G_OBJECT_CLASS (vd_cloudauth_client_parent_class)->finalize (object);
}

static void
vd_cloudauth_client_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  VdCloudauthClient *self = VD_CLOUDAUTH_CLIENT (object);

  switch (prop_id)
    {
    case PROP_ENDPOINT:
      g_value_set_string (value, self->endpoint);
      break;
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    case PROP_SIGNATURE:
      g_value_set_int (value, self->signature);
      break;
    case PROP_CONNECT_TIMEOUT_MS:
      g_value_set_uint (value, self->connect_timeout_ms);
      break;
    case PROP_READ_TIMEOUT_MS:
      g_value_set_uint (value, self->read_timeout_ms);
      break;
    case PROP_TLS_DATABASE:
      g_value_set_object (value, self->tls_database);
      break;
    case PROP_MAX_ATTEMPTS:
      g_value_set_uint (value, self->max_attempts);
      break;
    case PROP_BACKOFF_MS:
      g_value_set_uint (value, self->backoff_ms);
      break;
    case PROP_ACTION:
      g_value_set_string (value, self->action);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vd_cloudauth_client_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  VdCloudauthClient *self = VD_CLOUDAUTH_CLIENT (object);
  g_autoptr(GError) error = NULL;

  switch (prop_id)
    {
    case PROP_ENDPOINT:
      if (!vd_cloudauth_client_set_endpoint (self, g_value_get_string (value), &error))
        g_warning ("%s", error->message);
      break;
    case PROP_REGION:
      set_string_property (self, &self->region, g_value_get_string (value), prop_id);
      break;
    case PROP_SIGNATURE:
      vd_cloudauth_client_set_signature (self, g_value_get_int (value));
      break;
    case PROP_CONNECT_TIMEOUT_MS:
      set_uint_property (self, &self->connect_timeout_ms, g_value_get_uint (value), prop_id);
      break;
    case PROP_READ_TIMEOUT_MS:
      set_uint_property (self, &self->read_timeout_ms, g_value_get_uint (value), prop_id);
      break;
    case PROP_TLS_DATABASE:
      set_tls_database (self, g_value_get_object (value));
      break;
    case PROP_MAX_ATTEMPTS:
      set_uint_property (self, &self->max_attempts, g_value_get_uint (value), prop_id);
      break;
    case PROP_BACKOFF_MS:
      set_uint_property (self, &self->backoff_ms, g_value_get_uint (value), prop_id);
      break;
    case PROP_ACTION:
      vd_cloudauth_client_set_action (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vd_cloudauth_client_class_init (VdCloudauthClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = vd_cloudauth_client_dispose;
  object_class->finalize = vd_cloudauth_client_finalize;
  object_class->get_property = vd_cloudauth_client_get_property;
  object_class->set_property = vd_cloudauth_client_set_property;

  properties[PROP_ENDPOINT] =
    g_param_spec_string ("endpoint", NULL, NULL, VD_DEFAULT_ENDPOINT, flags);
  properties[PROP_REGION] =
    g_param_spec_string ("region", NULL, NULL, VD_CLOUDAUTH_REGION, flags);
  properties[PROP_SIGNATURE] =
    g_param_spec_int ("signature", NULL, NULL,
                      VD_SIGNATURE_V3, VD_SIGNATURE_V1, VD_SIGNATURE_V3, flags);
  properties[PROP_CONNECT_TIMEOUT_MS] =
    g_param_spec_uint ("connect-timeout-ms", NULL, NULL,
                       1, VD_MAX_TIMEOUT_MS, VD_DEFAULT_CONNECT_TIMEOUT_MS, flags);
  properties[PROP_READ_TIMEOUT_MS] =
    g_param_spec_uint ("read-timeout-ms", NULL, NULL,
                       1, VD_MAX_TIMEOUT_MS, VD_DEFAULT_READ_TIMEOUT_MS, flags);
  properties[PROP_TLS_DATABASE] =
    g_param_spec_object ("tls-database", NULL, NULL, G_TYPE_TLS_DATABASE, flags);
  properties[PROP_MAX_ATTEMPTS] =
    g_param_spec_uint ("max-attempts", NULL, NULL, 1, VD_MAX_ATTEMPTS, VD_MAX_ATTEMPTS, flags);
  /* The first wait between attempts; it doubles after each, with ±20 % jitter. */
  properties[PROP_BACKOFF_MS] =
    g_param_spec_uint ("backoff-ms", NULL, NULL,
                       0, VD_MAX_BACKOFF_MS, VD_DEFAULT_BACKOFF_MS, flags);
  /* VD_CLOUDAUTH_ACTION, or the seed's VD_CLOUDAUTH_SEED_ACTION. */
  properties[PROP_ACTION] =
    g_param_spec_string ("action", NULL, NULL, VD_CLOUDAUTH_ACTION, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vd_cloudauth_client_init (VdCloudauthClient *self)
{
  g_autofree char *user_agent = g_strdup_printf ("VerifyDesk/%s", PACKAGE_VERSION);

  self->endpoint = g_strdup (VD_DEFAULT_ENDPOINT);
  self->endpoint_uri = parse_endpoint (VD_DEFAULT_ENDPOINT, NULL);
  g_assert (self->endpoint_uri != NULL);
  self->region = g_strdup (VD_CLOUDAUTH_REGION);
  self->action = g_strdup (VD_CLOUDAUTH_ACTION);
  self->signature = VD_SIGNATURE_V3;
  self->connect_timeout_ms = VD_DEFAULT_CONNECT_TIMEOUT_MS;
  self->read_timeout_ms = VD_DEFAULT_READ_TIMEOUT_MS;
  self->max_attempts = VD_MAX_ATTEMPTS;
  self->backoff_ms = VD_DEFAULT_BACKOFF_MS;

  /* The client's own timers measure connect and read separately; soup's single timeout and
   * its accept-certificate escape hatch are left unused. */
  self->session = soup_session_new_with_options ("user-agent", user_agent,
                                                 "timeout", 0,
                                                 "idle-timeout", VD_IDLE_TIMEOUT_S,
                                                 NULL);
  apply_tls_database (self);
}

/* --- public API --- */

VdCloudauthClient *
vd_cloudauth_client_new (void)
{
  return g_object_new (VD_TYPE_CLOUDAUTH_CLIENT, NULL);
}

gboolean
vd_cloudauth_client_set_endpoint (VdCloudauthClient  *self,
                                  const char         *endpoint,
                                  GError            **error)
{
  GUri *uri;

  g_return_val_if_fail (VD_IS_CLOUDAUTH_CLIENT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (endpoint == NULL || *endpoint == '\0')
    {
      g_set_error_literal (error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_INVALID_ENDPOINT,
                           _("The endpoint is empty. Enter it as "
                             "https://cloudauth.aliyuncs.com/."));
      return FALSE;
    }

  uri = parse_endpoint (endpoint, error);
  if (uri == NULL)
    return FALSE;

  g_clear_pointer (&self->endpoint_uri, g_uri_unref);
  self->endpoint_uri = uri;
  set_string_property (self, &self->endpoint, endpoint, PROP_ENDPOINT);
  return TRUE;
}

const char *
vd_cloudauth_client_get_endpoint (VdCloudauthClient *self)
{
  g_return_val_if_fail (VD_IS_CLOUDAUTH_CLIENT (self), NULL);

  return self->endpoint;
}

void
vd_cloudauth_client_set_signature (VdCloudauthClient *self,
                                   VdSignatureScheme  scheme)
{
  g_return_if_fail (VD_IS_CLOUDAUTH_CLIENT (self));
  g_return_if_fail (scheme == VD_SIGNATURE_V3 || scheme == VD_SIGNATURE_V1);

  if (self->signature == scheme)
    return;

  self->signature = scheme;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNATURE]);
}

VdSignatureScheme
vd_cloudauth_client_get_signature (VdCloudauthClient *self)
{
  g_return_val_if_fail (VD_IS_CLOUDAUTH_CLIENT (self), VD_SIGNATURE_V3);

  return self->signature;
}

void
vd_cloudauth_client_set_timeouts (VdCloudauthClient *self,
                                  guint              connect_timeout_ms,
                                  guint              read_timeout_ms)
{
  g_return_if_fail (VD_IS_CLOUDAUTH_CLIENT (self));
  g_return_if_fail (connect_timeout_ms > 0 && connect_timeout_ms <= VD_MAX_TIMEOUT_MS);
  g_return_if_fail (read_timeout_ms > 0 && read_timeout_ms <= VD_MAX_TIMEOUT_MS);

  g_object_freeze_notify (G_OBJECT (self));
  set_uint_property (self, &self->connect_timeout_ms, connect_timeout_ms,
                     PROP_CONNECT_TIMEOUT_MS);
  set_uint_property (self, &self->read_timeout_ms, read_timeout_ms, PROP_READ_TIMEOUT_MS);
  g_object_thaw_notify (G_OBJECT (self));
}

void
vd_cloudauth_client_set_action (VdCloudauthClient *self,
                                const char        *action)
{
  g_return_if_fail (VD_IS_CLOUDAUTH_CLIENT (self));
  g_return_if_fail (action != NULL && *action != '\0');

  set_string_property (self, &self->action, action, PROP_ACTION);
}

static VdParams *
business_params (VdCloudauthClient     *self,
                 const VdVerifyRequest *request)
{
  VdParams *params = vd_verify_request_to_params (request);

  if (request->region_id == NULL || *request->region_id == '\0')
    vd_params_set (params, "RegionId", self->region);

  return params;
}

void
vd_cloudauth_client_verify_async (VdCloudauthClient     *self,
                                  const VdVerifyRequest *request,
                                  VdCredentials         *credentials,
                                  GCancellable          *cancellable,
                                  GAsyncReadyCallback    callback,
                                  gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  VerifyData *data;

  g_return_if_fail (VD_IS_CLOUDAUTH_CLIENT (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (credentials != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (self->session != NULL);

  /* The task holds a reference on @self, and the data its own on the session: a client
   * disposed with a request in flight leaves the request intact. */
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vd_cloudauth_client_verify_async);

  data = g_new0 (VerifyData, 1);
  data->session = g_object_ref (self->session);
  data->endpoint_uri = g_uri_ref (self->endpoint_uri);
  data->host = host_for_headers (self->endpoint_uri);
  data->action = g_strdup (self->action);
  data->scheme = self->signature;
  data->params = business_params (self, request);
  data->credentials = vd_credentials_ref (credentials);
  data->connect_timeout_ms = self->connect_timeout_ms;
  data->read_timeout_ms = self->read_timeout_ms;
  data->max_attempts = self->max_attempts;
  data->backoff_ms = self->backoff_ms;
  g_task_set_task_data (task, data, (GDestroyNotify) verify_data_free);

  start_attempt (g_steal_pointer (&task));
}

VdVerifyResult *
vd_cloudauth_client_verify_finish (VdCloudauthClient  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (VD_IS_CLOUDAUTH_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        vd_cloudauth_client_verify_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
vd_cloudauth_client_get_last_attempts (VdCloudauthClient *self)
{
  g_return_val_if_fail (VD_IS_CLOUDAUTH_CLIENT (self), 0);

  return self->last_attempts;
}
