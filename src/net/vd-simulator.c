/* vd-simulator.c: the built-in Cloudauth gateway
 *
 * The training mode and the peer of every network test: an HTTP server on 127.0.0.1 that
 * refuses an oversized request before reading it, then hands each request to the checks
 * (vd-simulator-checks.c, in the real gateway's order and with its codes), or to the next
 * queued fault (vd-simulator-faults.c), and sends the answer (vd-simulator-answer.c) or the
 * gateway error.
 *
 * Every answer carries Date (the simulator's clock) and x-acs-request-id; bodies are JSON, or
 * XML for a v1 request whose Format is not JSON (the real default is XML). The gateway's
 * messages are wire content, in English like the real ones, and are not translated.
 */

#define G_LOG_DOMAIN "vd-simulator"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "vd-credentials.h"
#include "vd-percent.h"
#include "vd-simulator.h"
#include "vd-simulator-answer.h"
#include "vd-simulator-checks.h"
#include "vd-simulator-faults.h"

#define MAX_QUERY_BYTES     (32 * 1024)
#define MAX_BODY_BYTES      (8 * 1024 * 1024)
#define TOO_LARGE_KEY       "vd-simulator-too-large"
#define BODY_SEEN_KEY       "vd-simulator-body-seen"

G_DEFINE_FINAL_TYPE (VdSimulator, vd_simulator, G_TYPE_OBJECT)

/* --- small helpers --- */

static GDateTime *
simulator_now (VdSimulator *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_add_seconds (now, (gdouble) self->clock_offset_s);
}

static char *
new_request_id (void)
{
  g_autofree char *uuid = g_uuid_string_random ();

  return g_ascii_strup (uuid, -1);
}

/* The last Format in a raw query, read leniently: for the format of the error that says the
 * query is malformed. */
static char *
format_in_raw_query (const char *raw_query)
{
  g_auto(GStrv) items = g_strsplit (raw_query != NULL ? raw_query : "", "&", -1);
  char *format = NULL;

  for (guint i = 0; items[i] != NULL; i++)
    if (g_str_has_prefix (items[i], "Format="))
      {
        g_free (format);
        format = vd_percent_decode (items[i] + strlen ("Format="), -1, TRUE);
      }

  return format;
}

static VdSignatureScheme
scheme_of (SoupServerMessage *msg)
{
  const char *authorization =
    soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                  "Authorization");

  if (authorization != NULL && g_str_has_prefix (authorization, VD_SIGNATURE_V3_ALGORITHM))
    return VD_SIGNATURE_V3;
  return VD_SIGNATURE_V1;
}

/* A v1 request answers in XML unless it asked for JSON; v3 always answers in JSON. @params:
 * the request's parameters, or NULL when they could not be read. */
static gboolean
wants_xml (SoupServerMessage *msg,
           const VdParams    *params)
{
  g_autofree char *raw_format = NULL;
  const char *format;

  if (scheme_of (msg) != VD_SIGNATURE_V1)
    return FALSE;

  if (params != NULL)
    {
      format = vd_params_get (params, "Format");
    }
  else
    {
      raw_format = format_in_raw_query (g_uri_get_query (soup_server_message_get_uri (msg)));
      format = raw_format;
    }

  return format == NULL || g_ascii_strcasecmp (format, "JSON") != 0;
}

static void
reply_clear (VdSimulatorReply *reply)
{
  g_clear_pointer (&reply->body, g_free);
  g_clear_pointer (&reply->error_code, g_free);
}

void
vd_simulator_reply_set_error (VdSimulatorReply *reply,
                              guint             status,
                              const char       *code,
                              const char       *message,
                              const char       *request_id,
                              gboolean          xml)
{
  reply->status = status;
  reply->body = vd_simulator_error_build (code, message, request_id, xml, &reply->content_type);
  reply->length = strlen (reply->body);
  reply->error_code = g_strdup (code);
}

/* Status, headers and body of @reply onto @msg; remembers the error code it carries. */
static void
send_reply (VdSimulator       *self,
            SoupServerMessage *msg,
            VdSimulatorReply  *reply,
            const char        *request_id,
            gboolean           chunked)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GDateTime) now = simulator_now (self);
  g_autofree char *date = soup_date_time_to_string (now, SOUP_DATE_HTTP);

  soup_server_message_set_status (msg, reply->status, NULL);
  soup_message_headers_replace (headers, "Date", date);
  soup_message_headers_replace (headers, "x-acs-request-id", request_id);
  if (reply->retry_after_ms > 0)
    {
      g_autofree char *retry_after = g_strdup_printf ("%u", reply->retry_after_ms);

      soup_message_headers_replace (headers, "x-acs-retry-after", retry_after);
    }

  if (chunked)
    {
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      soup_message_headers_replace (headers, "Content-Type", reply->content_type);
    }
  else
    {
      soup_server_message_set_response (msg, reply->content_type, SOUP_MEMORY_TAKE,
                                        g_steal_pointer (&reply->body), reply->length);
    }

  if (reply->error_code != NULL)
    {
      g_free (self->last_error_code);
      self->last_error_code = g_strdup (reply->error_code);
    }
}

/* --- one request --- */

static void
answer_request (VdSimulator                *self,
                VdSimulatorRequest         *request,
                const char                 *path,
                const VdSimulatorRejection *params_problem,
                const char                 *request_id,
                gboolean                    xml,
                int                         forced_status,
                VdSimulatorReply           *reply)
{
  VdSimulatorRejection rejection = { 0, };
  VdAnswerOptions options = { xml, forced_status, FALSE };

  if (!vd_simulator_accept_request (self, request, path, params_problem, &rejection))
    {
      vd_simulator_reply_set_error (reply, rejection.status, rejection.code, rejection.message,
                                    request_id, xml);
      g_free (rejection.message);
      return;
    }

  reply->status = SOUP_STATUS_OK;
  reply->body = vd_simulator_answer_build_full (request->params, self->shape, &options,
                                                request_id, request->now, &reply->content_type);
  reply->length = strlen (reply->body);
  self->requests_answered++;
}

/* --- the server's handlers --- */

static void
on_request_chunk (SoupServerMessage *msg,
                  GBytes            *chunk,
                  gpointer           data)
{
  gsize seen = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (msg), BODY_SEEN_KEY));

  seen += g_bytes_get_size (chunk);
  g_object_set_data (G_OBJECT (msg), BODY_SEEN_KEY, GSIZE_TO_POINTER (seen));
  if (seen > MAX_BODY_BYTES)
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);

      /* Keep reading what the client sends, but no longer keep it. */
      g_object_set_data (G_OBJECT (msg), TOO_LARGE_KEY, GINT_TO_POINTER (TRUE));
      soup_message_body_set_accumulate (body, FALSE);
      soup_message_body_truncate (body);
    }
}

static void
reply_too_large (VdSimulator       *self,
                 SoupServerMessage *msg,
                 gboolean           xml)
{
  g_autofree char *request_id = new_request_id ();
  VdSimulatorReply reply = { 0, };

  vd_simulator_reply_set_error (&reply, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "RequestTooLarge",
                                "The request is too large: the query string may hold 32 KiB and "
                                "the body 8 MiB.", request_id, xml);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                "close");
  send_reply (self, msg, &reply, request_id, FALSE);
  reply_clear (&reply);
}

/* Called once the headers are in: counts the request and refuses an oversized one before its
 * body is read into memory. */

/* Each connection has its own client port: counting them shows whether clients keep
 * connections alive. */
static void
remember_peer (VdSimulator       *self,
               SoupServerMessage *msg)
{
  GSocketAddress *address = soup_server_message_get_remote_address (msg);

  if (G_IS_INET_SOCKET_ADDRESS (address))
    {
      GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS (address);
      g_autofree char *host = g_inet_address_to_string (g_inet_socket_address_get_address (inet));

      g_hash_table_add (self->peers,
                        g_strdup_printf ("%s:%u", host, g_inet_socket_address_get_port (inet)));
    }
}

static void
handle_request_headers (SoupServer        *server,
                        SoupServerMessage *msg,
                        const char        *path,
                        GHashTable        *query,
                        gpointer           data)
{
  VdSimulator *self = data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *raw_query = g_uri_get_query (soup_server_message_get_uri (msg));
  gsize query_length = raw_query != NULL ? strlen (raw_query) : 0;
  goffset body_length = soup_message_headers_get_content_length (headers);

  self->requests_received++;
  remember_peer (self, msg);

  if (query_length <= MAX_QUERY_BYTES &&
      !(soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
        body_length > MAX_BODY_BYTES))
    {
      g_signal_connect (msg, "got-chunk", G_CALLBACK (on_request_chunk), NULL);
      return;
    }

  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  reply_too_large (self, msg, wants_xml (msg, NULL));
}

static void
handle_request (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           data)
{
  VdSimulator *self = data;
  g_autofree char *request_id = new_request_id ();
  g_autofree VdSimulatorFault *fault = NULL;
  VdSimulatorRequest request = { 0, };
  VdSimulatorRejection params_problem = { 0, };
  VdSimulatorReply reply = { 0, };
  gboolean params_read;
  gboolean xml;

  request.method = soup_server_message_get_method (msg);
  request.raw_query = g_uri_get_query (soup_server_message_get_uri (msg));
  request.headers = soup_server_message_get_request_headers (msg);
  request.scheme = scheme_of (msg);
  request.body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  request.now = simulator_now (self);
  params_read = vd_simulator_read_params (&request, &params_problem);
  xml = wants_xml (msg, params_read ? request.params : NULL);

  if (g_object_get_data (G_OBJECT (msg), TOO_LARGE_KEY) != NULL)
    {
      reply_too_large (self, msg, xml);
    }
  else
    {
      fault = g_queue_pop_head (&self->faults);
      if (fault == NULL ||
          !vd_simulator_apply_replacing_fault (self, msg, fault, request.params, request.now,
                                               request_id, xml, &reply))
        answer_request (self, &request, path, &params_problem, request_id, xml,
                        fault != NULL && fault->kind == VD_FAULT_STATUS ? (int) fault->value : 0,
                        &reply);

      if (reply.status != 0)
        send_reply (self, msg, &reply, request_id,
                    fault != NULL && (fault->kind == VD_FAULT_DRIP ||
                                      fault->kind == VD_FAULT_RESET_MID_ANSWER));
      if (fault != NULL && fault->kind == VD_FAULT_DELAY)
        vd_simulator_start_delay (self, msg, fault->value);
      else if (fault != NULL && fault->kind == VD_FAULT_DRIP)
        vd_simulator_start_drip (self, msg, &reply, fault->value);
      else if (fault != NULL && fault->kind == VD_FAULT_RESET_MID_ANSWER)
        vd_simulator_start_cut (self, msg, &reply, fault->value);
    }

  g_free (params_problem.message);
  reply_clear (&reply);
  vd_simulator_request_clear (&request);
}

/* --- GObject --- */

static void
vd_simulator_dispose (GObject *object)
{
  VdSimulator *self = VD_SIMULATOR (object);

  vd_simulator_disconnect (self);

  G_OBJECT_CLASS (vd_simulator_parent_class)->dispose (object);
}

static void
vd_simulator_finalize (GObject *object)
{
  VdSimulator *self = VD_SIMULATOR (object);

  g_queue_clear_full (&self->faults, g_free);
  g_clear_pointer (&self->keys, g_hash_table_unref);
  g_clear_pointer (&self->nonces, g_hash_table_unref);
  g_clear_pointer (&self->peers, g_hash_table_unref);
  g_clear_pointer (&self->last_error_code, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (vd_simulator_parent_class)->finalize (object);
}

static void
vd_simulator_class_init (VdSimulatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vd_simulator_dispose;
  object_class->finalize = vd_simulator_finalize;
}

static void
vd_simulator_init (VdSimulator *self)
{
  self->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) vd_credentials_unref);
  self->nonces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->peers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->shape = VD_ANSWER_SHAPE_FLAT;
  g_queue_init (&self->faults);
}

/* --- public --- */

VdSimulator *
vd_simulator_new (void)
{
  VdSimulator *self = g_object_new (VD_TYPE_SIMULATOR, NULL);

  vd_simulator_add_key (self, VD_TRAINING_ACCESS_KEY_ID, VD_TRAINING_ACCESS_KEY_SECRET, NULL);
  return self;
}

gboolean
vd_simulator_listen (VdSimulator      *self,
                     guint             port,
                     GTlsCertificate  *tls_certificate,
                     GError          **error)
{
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoslist(GUri) uris = NULL;

  g_return_val_if_fail (VD_IS_SIMULATOR (self), FALSE);
  g_return_val_if_fail (port <= G_MAXUINT16, FALSE);
  g_return_val_if_fail (tls_certificate == NULL || G_IS_TLS_CERTIFICATE (tls_certificate), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  vd_simulator_disconnect (self);

  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, (guint16) port);
  server = tls_certificate != NULL ? soup_server_new ("tls-certificate", tls_certificate, NULL)
                                   : soup_server_new (NULL, NULL);
  soup_server_add_early_handler (server, "/", handle_request_headers, self, NULL);
  soup_server_add_handler (server, "/", handle_request, self, NULL);

  if (!soup_server_listen (server, address,
                           tls_certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0, error))
    {
      g_prefix_error (error, _("Could not start the training gateway on 127.0.0.1: "));
      return FALSE;
    }

  uris = soup_server_get_uris (server);
  g_assert (uris != NULL);
  self->url = g_strdup_printf ("%s://127.0.0.1:%d/", tls_certificate != NULL ? "https" : "http",
                               g_uri_get_port (uris->data));
  self->server = g_steal_pointer (&server);
  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();

  return TRUE;
}

const char *
vd_simulator_get_url (VdSimulator *self)
{
  g_return_val_if_fail (VD_IS_SIMULATOR (self), NULL);

  return self->url;
}

void
vd_simulator_disconnect (VdSimulator *self)
{
  g_return_if_fail (VD_IS_SIMULATOR (self));

  vd_simulator_drop_all_pending (self);
  if (self->server != NULL)
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
  g_clear_pointer (&self->url, g_free);
}

void
vd_simulator_add_key (VdSimulator *self,
                      const char  *access_key_id,
                      const char  *access_key_secret,
                      const char  *security_token)
{
  g_return_if_fail (VD_IS_SIMULATOR (self));
  g_return_if_fail (access_key_id != NULL && *access_key_id != '\0');
  g_return_if_fail (access_key_secret != NULL && *access_key_secret != '\0');

  g_hash_table_replace (self->keys, g_strdup (access_key_id),
                        vd_credentials_new (access_key_id, access_key_secret, security_token));
}

void
vd_simulator_remove_key (VdSimulator *self,
                         const char  *access_key_id)
{
  g_return_if_fail (VD_IS_SIMULATOR (self));
  g_return_if_fail (access_key_id != NULL);

  g_hash_table_remove (self->keys, access_key_id);
}

void
vd_simulator_set_answer_shape (VdSimulator   *self,
                               VdAnswerShape  shape)
{
  g_return_if_fail (VD_IS_SIMULATOR (self));
  g_return_if_fail (shape <= VD_ANSWER_SHAPE_SEED_XML);

  self->shape = shape;
}

void
vd_simulator_set_clock_offset (VdSimulator *self,
                               gint64       seconds)
{
  g_return_if_fail (VD_IS_SIMULATOR (self));

  self->clock_offset_s = seconds;
}

void
vd_simulator_push_fault (VdSimulator *self,
                         VdFaultKind  kind,
                         guint        value)
{
  VdSimulatorFault *fault;

  g_return_if_fail (VD_IS_SIMULATOR (self));
  g_return_if_fail (kind <= VD_FAULT_RESET_MID_ANSWER);

  fault = g_new (VdSimulatorFault, 1);
  fault->kind = kind;
  fault->value = value;
  g_queue_push_tail (&self->faults, fault);
}

void
vd_simulator_clear_faults (VdSimulator *self)
{
  g_return_if_fail (VD_IS_SIMULATOR (self));

  g_queue_clear_full (&self->faults, g_free);
}

guint
vd_simulator_get_connections_accepted (VdSimulator *self)
{
  g_return_val_if_fail (VD_IS_SIMULATOR (self), 0);

  return g_hash_table_size (self->peers);
}

guint
vd_simulator_get_requests_received (VdSimulator *self)
{
  g_return_val_if_fail (VD_IS_SIMULATOR (self), 0);

  return self->requests_received;
}

guint
vd_simulator_get_requests_answered (VdSimulator *self)
{
  g_return_val_if_fail (VD_IS_SIMULATOR (self), 0);

  return self->requests_answered;
}

const char *
vd_simulator_get_last_error_code (VdSimulator *self)
{
  g_return_val_if_fail (VD_IS_SIMULATOR (self), NULL);

  return self->last_error_code;
}
