/* vd-cloudauth-attempt.c: one signed HTTP exchange with Cloudauth
 *
 * An attempt signs the request afresh, sends it, reads the answer under a size cap and parses
 * it. Two timers decide what a silence means: before the request is written it is a connect
 * timeout (nothing reached the service, safe to retry); after it is written it is a read
 * timeout (the service may have processed and billed it, so the operator decides). Whether to
 * try again is not decided here (vd-cloudauth-client.c).
 */

#define G_LOG_DOMAIN "vd-cloudauth-client"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vd-answer-parser.h"
#include "vd-client-error.h"
#include "vd-cloudauth-attempt.h"
#include "vd-cloudauth-client.h"
#include "vd-context-source.h"

#define VD_RETRY_AFTER_CAP_MS     10000
#define VD_READ_CHUNK_SIZE        16384

typedef struct {
  const VdCloudauthCall *call;
  guint                  number;
  GMainContext          *context;
  GCancellable          *caller_cancellable;
  VdAttemptDone          done;
  gpointer               user_data;

  SoupMessage           *message;
  gulong                 wrote_headers_handler;
  gulong                 accept_certificate_handler;
  /* Cancelled by the caller's cancellable and by the timers. */
  GCancellable          *cancellable;
  gulong                 chain_handler;
  GSource               *connect_timer;
  GSource               *read_timer;
  gboolean               sent;
  gboolean               connect_timed_out;
  gboolean               read_timed_out;
  GDateTime             *sent_at;
  GTlsCertificateFlags   certificate_errors;
  GInputStream          *body_stream;
  GByteArray            *body;
} Attempt;

void
vd_cloudauth_call_clear (VdCloudauthCall *call)
{
  g_clear_object (&call->session);
  g_clear_pointer (&call->endpoint_uri, g_uri_unref);
  g_clear_pointer (&call->host, g_free);
  g_clear_pointer (&call->action, g_free);
  g_clear_pointer (&call->params, vd_params_unref);
  g_clear_pointer (&call->credentials, vd_credentials_unref);
}

/* --- the end of an attempt --- */

static void
chain_cancel (GCancellable *caller_cancellable,
              GCancellable *attempt_cancellable)
{
  g_cancellable_cancel (attempt_cancellable);
}

/* Never called from within chain_cancel, where disconnecting would deadlock: an attempt ends
 * only in the callbacks of its operations. */
static void
attempt_free (Attempt *attempt)
{
  vd_context_source_clear (&attempt->connect_timer);
  vd_context_source_clear (&attempt->read_timer);

  /* Dropping the stream before the body's end makes libsoup close the connection, which is
   * how an oversized answer stops being read. */
  g_clear_object (&attempt->body_stream);
  if (attempt->message != NULL)
    {
      g_clear_signal_handler (&attempt->wrote_headers_handler, attempt->message);
      g_clear_signal_handler (&attempt->accept_certificate_handler, attempt->message);
    }
  g_clear_object (&attempt->message);
  g_clear_pointer (&attempt->body, g_byte_array_unref);
  g_clear_pointer (&attempt->sent_at, g_date_time_unref);

  if (attempt->chain_handler != 0)
    g_cancellable_disconnect (attempt->caller_cancellable, attempt->chain_handler);
  g_clear_object (&attempt->cancellable);
  g_clear_object (&attempt->caller_cancellable);
  g_main_context_unref (attempt->context);
  g_free (attempt);
}

/* Consumes @attempt, @result and @error. */
static void
conclude (Attempt          *attempt,
          VdAttemptOutcome  outcome,
          guint             http_status,
          VdVerifyResult   *result,
          GError           *error)
{
  VdAttemptDone done = attempt->done;
  gpointer user_data = attempt->user_data;

  attempt_free (attempt);
  done (outcome, http_status, result, error, user_data);
}

/* "10" for 10000 ms, "0.3" for 300 ms: timeouts as an operator reads them. */
static char *
format_seconds (guint ms)
{
  if (ms % 1000 == 0)
    return g_strdup_printf ("%u", ms / 1000);

  return g_strdup_printf ("%.1f", ms / 1000.0);
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
conclude_answer (Attempt *attempt)
{
  guint status = soup_message_get_status (attempt->message);
  g_autoptr(GError) error = NULL;
  VdVerifyResult *result;

  g_debug ("%s attempt %u: HTTP %u", attempt->call->action, attempt->number, status);

  result = vd_answer_parse (status, (const char *) attempt->body->data, attempt->body->len,
                            &error);
  if (result != NULL)
    fill_from_headers (result, soup_message_get_response_headers (attempt->message));

  conclude (attempt, VD_ATTEMPT_ANSWERED, status, result, g_steal_pointer (&error));
}

static GError *
outcome_unknown_error (Attempt      *attempt,
                       const GError *cause)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (attempt->sent_at);
  g_autofree char *sent_at = g_date_time_format (local, "%H:%M:%S");
  g_autofree char *host = g_uri_to_string_partial (attempt->call->endpoint_uri,
                                                   G_URI_HIDE_PASSWORD);

  if (attempt->read_timed_out)
    {
      g_autofree char *seconds = format_seconds (attempt->call->read_timeout_ms);

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
not_sent_error (Attempt      *attempt,
                const GError *cause)
{
  const char *host = g_uri_get_host (attempt->call->endpoint_uri);

  if (attempt->connect_timed_out)
    {
      g_autofree char *seconds = format_seconds (attempt->call->connect_timeout_ms);

      return g_error_new (VD_CLIENT_ERROR, VD_CLIENT_ERROR_CONNECT_TIMEOUT,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "No connection to %s within %s s (%u attempt). Nothing "
                                       "was sent; check the network connection and submit "
                                       "again.",
                                       "No connection to %s within %s s (%u attempts). Nothing "
                                       "was sent; check the network connection and submit "
                                       "again.",
                                       attempt->number),
                          host, seconds, attempt->number);
    }

  if (cause->domain == G_TLS_ERROR)
    {
      if (g_error_matches (cause, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
        return g_error_new (VD_CLIENT_ERROR, VD_CLIENT_ERROR_TLS,
                            _("The certificate of %s is not trusted: %s. Nothing was sent. "
                              "Check the endpoint; if a proxy inspects HTTPS on this network, "
                              "ask your administrator."),
                            host, describe_certificate_errors (attempt->certificate_errors));

      return g_error_new (VD_CLIENT_ERROR, VD_CLIENT_ERROR_TLS,
                          _("No secure connection to %s could be made (%s). Nothing was sent. "
                            "Check the endpoint."),
                          host, cause->message);
    }

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_error_new (VD_CLIENT_ERROR, VD_CLIENT_ERROR_CONNECTION_REFUSED,
                        g_dngettext (GETTEXT_PACKAGE,
                                     "%s refused the connection (%u attempt): nothing listens at "
                                     "that address and port. Nothing was sent; check the "
                                     "endpoint, then submit again.",
                                     "%s refused the connection (%u attempts): nothing listens at "
                                     "that address and port. Nothing was sent; check the "
                                     "endpoint, then submit again.",
                                     attempt->number),
                        host, attempt->number);

  if (cause->domain == G_RESOLVER_ERROR)
    return g_error_new (VD_CLIENT_ERROR, VD_CLIENT_ERROR_HOST_NOT_FOUND,
                        _("The name %s cannot be found (%s). Nothing was sent; check the network "
                          "connection and the spelling of the endpoint, then submit again."),
                        host, cause->message);

  return g_error_new (VD_CLIENT_ERROR, VD_CLIENT_ERROR_NOT_SENT,
                      g_dngettext (GETTEXT_PACKAGE,
                                   "Could not reach %s (%u attempt): %s. Nothing was sent; check "
                                   "the network connection and the endpoint, then submit again.",
                                   "Could not reach %s (%u attempts): %s. Nothing was sent; check "
                                   "the network connection and the endpoint, then submit again.",
                                   attempt->number),
                      host, attempt->number, cause->message);
}

/* A failure before an answer was read. What it means depends only on whether the request had
 * been written: after that the service may have acted on it. */
static void
conclude_failure (Attempt      *attempt,
                  const GError *cause)
{
  g_debug ("%s attempt %u: no answer (%s)", attempt->call->action, attempt->number,
           attempt->sent ? "sent" : "not sent");

  if (attempt->sent)
    conclude (attempt, VD_ATTEMPT_OUTCOME_UNKNOWN, 0, NULL,
              outcome_unknown_error (attempt, cause));
  else
    conclude (attempt, VD_ATTEMPT_NOT_SENT, 0, NULL, not_sent_error (attempt, cause));
}

/* --- the exchange --- */

/* @timer ran out: stop the exchange, noting which silence it was for the error message. */
static gboolean
time_out (Attempt   *attempt,
          GSource  **timer,
          gboolean  *timed_out)
{
  g_clear_pointer (timer, g_source_unref);
  *timed_out = TRUE;
  g_cancellable_cancel (attempt->cancellable);
  return G_SOURCE_REMOVE;
}

static gboolean
on_connect_timeout (gpointer user_data)
{
  Attempt *attempt = user_data;

  return time_out (attempt, &attempt->connect_timer, &attempt->connect_timed_out);
}

static gboolean
on_read_timeout (gpointer user_data)
{
  Attempt *attempt = user_data;

  return time_out (attempt, &attempt->read_timer, &attempt->read_timed_out);
}

/* The body is empty, so the request is complete once its headers are written: from here on the
 * service may act on it. libsoup 3.2 emits "wrote-body" right after this over HTTP/1.1 (the
 * zero-length body) and together with it over HTTP/2; this is the earlier of the two, which
 * is the careful side for a billed call. */
static void
on_wrote_headers (SoupMessage *message,
                  Attempt     *attempt)
{
  if (attempt->sent)
    return;

  attempt->sent = TRUE;
  attempt->sent_at = g_date_time_new_now_utc ();
  vd_context_source_clear (&attempt->connect_timer);
  attempt->read_timer = vd_context_timeout_attach (attempt->context,
                                                   attempt->call->read_timeout_ms,
                                                   on_read_timeout, attempt);
}

/* Only records why the handshake failed, for the error message. Returning FALSE leaves the
 * decision to the TLS database: an untrusted certificate is never accepted. */
static gboolean
on_accept_certificate (SoupMessage          *message,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       Attempt              *attempt)
{
  attempt->certificate_errors = errors;
  return FALSE;
}

static void read_next_chunk (Attempt *attempt);

static void
on_body_read (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  Attempt *attempt = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), res, &error);
  if (chunk == NULL)
    {
      conclude_failure (attempt, error);
      return;
    }

  if (g_bytes_get_size (chunk) == 0)
    {
      vd_context_source_clear (&attempt->read_timer);
      conclude_answer (attempt);
      return;
    }

  g_byte_array_append (attempt->body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  if (attempt->body->len > VD_ANSWER_SIZE_CAP)
    {
      GError *too_large;

      too_large = g_error_new (VD_ANSWER_ERROR, VD_ANSWER_ERROR_TOO_LARGE,
                               _("The answer is larger than %u KiB, far more than any real "
                                 "answer, so reading stopped. The request was sent: its outcome "
                                 "is unknown."),
                               VD_ANSWER_SIZE_CAP / 1024);
      conclude (attempt, VD_ATTEMPT_OUTCOME_UNKNOWN, soup_message_get_status (attempt->message),
                NULL, too_large);
      return;
    }

  read_next_chunk (attempt);
}

/* Reads at most one byte past the cap, which is enough to know the answer is too large. */
static void
read_next_chunk (Attempt *attempt)
{
  gsize room = VD_ANSWER_SIZE_CAP + 1 - attempt->body->len;

  g_input_stream_read_bytes_async (attempt->body_stream, MIN (room, VD_READ_CHUNK_SIZE),
                                   G_PRIORITY_DEFAULT, attempt->cancellable,
                                   on_body_read, attempt);
}

static void
on_sent (GObject      *source,
         GAsyncResult *res,
         gpointer      user_data)
{
  Attempt *attempt = user_data;
  g_autoptr(GError) error = NULL;

  attempt->body_stream = soup_session_send_finish (SOUP_SESSION (source), res, &error);
  if (attempt->body_stream == NULL)
    {
      conclude_failure (attempt, error);
      return;
    }

  attempt->body = g_byte_array_new ();
  read_next_chunk (attempt);
}

static SoupMessage *
build_message (const VdCloudauthCall *call)
{
  g_autoptr(VdSignedRequest) signed_request = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *nonce = g_uuid_string_random ();
  g_autofree char *query = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(SoupMessage) message = NULL;
  SoupMessageHeaders *headers;
  guint i;

  signed_request = vd_sign_request (call->scheme, SOUP_METHOD_POST, call->host, call->action,
                                    VD_CLOUDAUTH_VERSION, "JSON", call->params, NULL,
                                    call->credentials, now, nonce);
  query = vd_params_to_canonical (signed_request->query);
  uri = g_uri_build (G_URI_FLAGS_ENCODED, g_uri_get_scheme (call->endpoint_uri), NULL,
                     g_uri_get_host (call->endpoint_uri), g_uri_get_port (call->endpoint_uri),
                     "/", query, NULL);

  message = soup_message_new_from_uri (SOUP_METHOD_POST, uri);
  /* Marked idempotent so that libsoup may reuse a kept-alive connection: a new connection per
   * request costs more than the rest of the exchange. libsoup 3.2 re-sends such a message by
   * itself only when writing it to a reused connection fails, that is before "wrote-headers",
   * when nothing reached the service; a connection lost after the request was written ends the
   * attempt as "outcome unknown" like any other (test-client's reset-on-kept-alive-connection).
   * The short idle timeout in vd-cloudauth-client.c keeps stale connections rare. */
  soup_message_add_flags (message, SOUP_MESSAGE_IDEMPOTENT);
  /* A redirect would turn the POST into a GET elsewhere: an answer is what the service said. */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);

  headers = soup_message_get_request_headers (message);
  for (i = 0; i < vd_params_get_length (signed_request->headers); i++)
    {
      const char *name = vd_params_get_name (signed_request->headers, i);

      /* libsoup writes Host itself, from the same URI, exactly as
       * vd_cloudauth_endpoint_host_header does. */
      if (g_ascii_strcasecmp (name, "host") == 0)
        continue;
      soup_message_headers_replace (headers, name,
                                    vd_params_get_value (signed_request->headers, i));
    }
  soup_message_headers_replace (headers, "Accept", "application/json");

  return g_steal_pointer (&message);
}

void
vd_cloudauth_attempt_start (const VdCloudauthCall *call,
                            guint                  number,
                            GMainContext          *context,
                            GCancellable          *cancellable,
                            VdAttemptDone          done,
                            gpointer               user_data)
{
  Attempt *attempt = g_new0 (Attempt, 1);

  attempt->call = call;
  attempt->number = number;
  attempt->context = g_main_context_ref (context);
  attempt->caller_cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  attempt->done = done;
  attempt->user_data = user_data;

  attempt->message = build_message (call);
  attempt->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    attempt->chain_handler = g_cancellable_connect (cancellable, G_CALLBACK (chain_cancel),
                                                    g_object_ref (attempt->cancellable),
                                                    g_object_unref);

  attempt->wrote_headers_handler =
    g_signal_connect (attempt->message, "wrote-headers", G_CALLBACK (on_wrote_headers), attempt);
  attempt->accept_certificate_handler =
    g_signal_connect (attempt->message, "accept-certificate",
                      G_CALLBACK (on_accept_certificate), attempt);

  attempt->connect_timer = vd_context_timeout_attach (context, call->connect_timeout_ms,
                                                      on_connect_timeout, attempt);

  soup_session_send_async (call->session, attempt->message, G_PRIORITY_DEFAULT,
                           attempt->cancellable, on_sent, attempt);
}
