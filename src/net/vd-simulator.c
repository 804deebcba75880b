/* vd-simulator.c: the built-in Cloudauth gateway
 *
 * The training mode and the peer of every network test. It checks a request in the order the
 * real POP gateway does and answers each failure with the real code, HTTP status and message,
 * so that a client passing against it has been checked for real.
 *
 * The codes, in the order of the checks (the real gateway's where one is known; the names
 * marked * are this simulator's own, chosen in the real naming style):
 *
 *   size     413 RequestTooLarge*               query over 32 KiB or body over 8 MiB
 *   path     404 InvalidAction.NotFound         any path but "/"
 *   method   405 UnsupportedHTTPMethod*         anything but GET and POST
 *   params   400 InvalidParameter               a malformed query or body, a name twice
 *   1        400 MissingAction, MissingVersion
 *            404 InvalidAction.NotFound         not VerifyMaterial (or the seed's VerifyMaterials)
 *            400 InvalidVersion                 not 2019-03-07
 *   2 (v1)   400 Missing<Name>                  AccessKeyId, Signature, SignatureMethod,
 *                                               SignatureVersion, SignatureNonce, Timestamp
 *            400 InvalidParameter.SignatureMethod*   not HMAC-SHA1
 *            400 InvalidParameter.SignatureVersion*  not 1.0
 *            400 InvalidTimeStamp.Format        not YYYY-MM-DDThh:mm:ssZ
 *            400 InvalidTimeStamp.Expired       more than 15 minutes from the gateway's clock
 *   2 (v3)   400 IncompleteSignature            Authorization malformed, or SignedHeaders
 *                                               missing host or an x-acs-* header sent
 *            400 MissingXAcsDate*, MissingXAcsSignatureNonce*, MissingXAcsContentSha256*
 *            400 ContentSHA256NotMatched        x-acs-content-sha256 is not the body's hash
 *            400 InvalidTimeStamp.Format / .Expired   for x-acs-date
 *   3        404 InvalidAccessKeyId.NotFound
 *            400 MissingSecurityToken, InvalidSecurityToken.Mismatch,
 *                InvalidSecurityToken.Malformed (a token for a key that has none)
 *   4        400 SignatureDoesNotMatch          quotes the string to sign (it holds no secret)
 *   5        400 SignatureNonceUsed             nonces are recorded only once the signature
 *                                               is accepted, and forgotten after 15 minutes
 *   6        400 MissingParameter, InvalidParameter, InvalidRegionId
 *   faults   500 InternalError, 503 ServiceUnavailable, 400 Throttling.User
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
#include "vd-signer.h"
#include "vd-simulator.h"
#include "vd-simulator-answer.h"
#include "vd-verify-request.h"

#define MAX_QUERY_BYTES     (32 * 1024)
#define MAX_BODY_BYTES      (8 * 1024 * 1024)
#define MAX_URL_LENGTH      2048
#define NONCE_PRUNE_EVERY_US (60 * G_USEC_PER_SEC)
#define TOO_LARGE_KEY       "vd-simulator-too-large"
#define BODY_SEEN_KEY       "vd-simulator-body-seen"
#define FORM_CONTENT_TYPE   "application/x-www-form-urlencoded"
#define JSON_CONTENT_TYPE   "application/json;charset=utf-8"

typedef struct {
  VdFaultKind kind;
  guint       value;
} Fault;

/* A message whose answer is still in the simulator's hands (a fault): the timer or idle that
 * will move it on, and the signal handlers that drop it if the client goes away first. */
typedef struct {
  VdSimulator       *self;
  SoupServerMessage *msg;
  GSource           *source;
  GBytes            *body;      /* DRIP: the whole answer */
  gsize              sent;      /* DRIP: how much of it went out */
  gulong             finished_id;
  gulong             disconnected_id;
} Pending;

/* What goes back for one request. */
typedef struct {
  guint       status;
  char       *body;
  gsize       length;
  const char *content_type;
  char       *error_code;
  guint       retry_after_ms;   /* 0: no x-acs-retry-after */
} Reply;

/* Why a request is refused: the real-style code, its HTTP status and message. */
typedef struct {
  guint       status;
  const char *code;
  char       *message;
} Rejection;

/* One request as received, while it is checked. */
typedef struct {
  SoupServerMessage *msg;
  VdSignatureScheme  scheme;
  VdParams          *query;     /* the raw query, decoded */
  VdParams          *params;    /* query and form body together */
  GBytes            *body;
  GDateTime         *now;       /* the simulator's clock */
  const char        *access_key_id;
  const char        *nonce;
  char              *v3_key_id;
  char              *v3_signed_headers;
  char              *v3_signature;
} Request;

struct _VdSimulator
{
  GObject        parent_instance;

  SoupServer    *server;
  GMainContext  *context;
  char          *url;
  GHashTable    *keys;          /* access key id → VdCredentials */
  GHashTable    *nonces;        /* "id\nnonce" → monotonic µs when it may be forgotten */
  gint64         next_prune_us;
  VdAnswerShape  shape;
  gint64         clock_offset_s;
  GQueue         faults;
  GList         *pending;
  guint          requests_received;
  guint          requests_answered;
  char          *last_error_code;
};

G_DEFINE_FINAL_TYPE (VdSimulator, vd_simulator, G_TYPE_OBJECT)

static const char * const known_regions[] = {
  "cn-hangzhou", "cn-shanghai", "cn-shenzhen", "cn-beijing", "cn-qingdao", NULL,
};

static const char * const required_business_params[] = {
  "BizType", "BizId", "Name", "IdCardNumber", "FaceImageUrl",
};

static const struct {
  const char *name;
  guint       max_length;
} length_limits[] = {
  { "BizId", VD_BIZ_ID_MAX_LENGTH }, { "BizType", 64 }, { "UserId", 64 }, { "Name", 64 },
  { "IdCardNumber", 32 },
  { "FaceImageUrl", MAX_URL_LENGTH }, { "IdCardFrontImageUrl", MAX_URL_LENGTH },
  { "IdCardBackImageUrl", MAX_URL_LENGTH },
};

static const char * const url_params[] = {
  "FaceImageUrl", "IdCardFrontImageUrl", "IdCardBackImageUrl",
};

static const struct {
  const char *name;
  const char *missing_code;
} v1_protocol_params[] = {
  { "AccessKeyId", "MissingAccessKeyId" },
  { "Signature", "MissingSignature" },
  { "SignatureMethod", "MissingSignatureMethod" },
  { "SignatureVersion", "MissingSignatureVersion" },
  { "SignatureNonce", "MissingSignatureNonce" },
  { "Timestamp", "MissingTimestamp" },
};

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

static gboolean
constant_time_equal (const char *a,
                     const char *b)
{
  gsize length = strlen (a);
  guchar difference = 0;

  if (length != strlen (b))
    return FALSE;

  for (gsize i = 0; i < length; i++)
    difference |= (guchar) a[i] ^ (guchar) b[i];

  return difference == 0;
}

static gboolean G_GNUC_PRINTF (4, 5)
reject (Rejection  *rejection,
        guint       status,
        const char *code,
        const char *format,
        ...)
{
  va_list args;

  rejection->status = status;
  rejection->code = code;
  va_start (args, format);
  rejection->message = g_strdup_vprintf (format, args);
  va_end (args);

  return FALSE;
}

static gboolean
is_set (const char *value)
{
  return value != NULL && *value != '\0';
}

static const char *
request_header (const Request *request,
                const char    *name)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (request->msg),
                                       name);
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
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->body, g_free);
  g_clear_pointer (&reply->error_code, g_free);
}

static void
request_clear (Request *request)
{
  g_clear_pointer (&request->query, vd_params_unref);
  g_clear_pointer (&request->params, vd_params_unref);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_clear_pointer (&request->now, g_date_time_unref);
  g_clear_pointer (&request->v3_key_id, g_free);
  g_clear_pointer (&request->v3_signed_headers, g_free);
  g_clear_pointer (&request->v3_signature, g_free);
}

static void
reply_set_error (Reply      *reply,
                 guint       status,
                 const char *code,
                 const char *message,
                 const char *request_id,
                 gboolean    xml)
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
            Reply             *reply,
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

/* --- reading the parameters --- */

static gboolean
is_form_body (SoupServerMessage *msg)
{
  const char *content_type =
    soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);

  return content_type != NULL && g_ascii_strcasecmp (content_type, FORM_CONTENT_TYPE) == 0;
}

/* NULL when the body holds a NUL byte or does not parse. */
static VdParams *
parse_form_body (GBytes *body)
{
  gsize size;
  const char *data = g_bytes_get_data (body, &size);
  g_autofree char *text = g_strndup (data, size);

  if (strlen (text) != size)
    return NULL;

  return vd_params_parse_query (text, NULL);
}

/* The raw query as sent (libsoup keeps it encoded), plus a form body; a name may appear once
 * in both together. */
static gboolean
read_params (Request   *request,
             Rejection *rejection)
{
  GUri *uri = soup_server_message_get_uri (request->msg);
  const char *raw_query = g_uri_get_query (uri);
  g_autoptr(VdParams) form = NULL;

  request->query = vd_params_parse_query (raw_query != NULL ? raw_query : "", NULL);
  if (request->query == NULL)
    return reject (rejection, SOUP_STATUS_BAD_REQUEST, "InvalidParameter",
                   "The query string is malformed: an escape is invalid, the text is not "
                   "UTF-8, or a parameter is given more than once.");

  request->params = vd_params_copy (request->query);
  if (!is_form_body (request->msg) || g_bytes_get_size (request->body) == 0)
    return TRUE;

  form = parse_form_body (request->body);
  if (form == NULL)
    return reject (rejection, SOUP_STATUS_BAD_REQUEST, "InvalidParameter",
                   "The form body is malformed: an escape is invalid, the text is not "
                   "UTF-8, or a parameter is given more than once.");

  for (guint i = 0; i < vd_params_get_length (form); i++)
    {
      const char *name = vd_params_get_name (form, i);

      if (vd_params_get (request->params, name) != NULL)
        return reject (rejection, SOUP_STATUS_BAD_REQUEST, "InvalidParameter",
                       "The parameter \"%s\" is given more than once.", name);
      vd_params_set (request->params, name, vd_params_get_value (form, i));
    }

  return TRUE;
}

/* --- step 1: action and version --- */

static gboolean
check_action (Request   *request,
              Rejection *rejection)
{
  gboolean v3 = request->scheme == VD_SIGNATURE_V3;
  const char *action = v3 ? request_header (request, "x-acs-action")
                          : vd_params_get (request->params, "Action");
  const char *version = v3 ? request_header (request, "x-acs-version")
                           : vd_params_get (request->params, "Version");

  if (!is_set (action))
    return reject (rejection, SOUP_STATUS_BAD_REQUEST, "MissingAction",
                   "Action is mandatory for this request.");
  if (!is_set (version))
    return reject (rejection, SOUP_STATUS_BAD_REQUEST, "MissingVersion",
                   "Version is mandatory for this request.");
  if (strcmp (action, VD_CLOUDAUTH_ACTION) != 0 && strcmp (action, VD_CLOUDAUTH_SEED_ACTION) != 0)
    return reject (rejection, SOUP_STATUS_NOT_FOUND, "InvalidAction.NotFound",
                   "Specified api is not found, please check your url and method.");
  if (strcmp (version, VD_CLOUDAUTH_VERSION) != 0)
    return reject (rejection, SOUP_STATUS_BAD_REQUEST, "InvalidVersion",
                   "Specified parameter Version is not valid.");

  return TRUE;
}

/* --- step 2: the scheme's protocol parameters --- */

static gboolean
check_timestamp (Request    *request,
                 const char *timestamp,
                 Rejection  *rejection)
{
  g_autoptr(GDateTime) sent = vd_sign_parse_timestamp (timestamp);
  GTimeSpan distance;

  if (sent == NULL)
    return reject (rejection, SOUP_STATUS_BAD_REQUEST, "InvalidTimeStamp.Format",
                   "Specified time stamp or date value is not well formatted.");

  distance = g_date_time_difference (request->now, sent);
  if (ABS (distance) > (GTimeSpan) VD_SIMULATOR_TIMESTAMP_WINDOW_S * G_TIME_SPAN_SECOND)
    return reject (rejection, SOUP_STATUS_BAD_REQUEST, "InvalidTimeStamp.Expired",
                   "Specified time stamp or date value is expired.");

  return TRUE;
}

static gboolean
check_v1_protocol (Request   *request,
                   Rejection *rejection)
{
  const VdParams *params = request->params;

  for (guint i = 0; i < G_N_ELEMENTS (v1_protocol_params); i++)
    if (!is_set (vd_params_get (params, v1_protocol_params[i].name)))
      return reject (rejection, SOUP_STATUS_BAD_REQUEST, v1_protocol_params[i].missing_code,
                     "%s is mandatory for this request.", v1_protocol_params[i].name);

  if (strcmp (vd_params_get (params, "SignatureMethod"), VD_SIGNATURE_V1_METHOD) != 0)
    return reject (rejection, SOUP_STATUS_BAD_REQUEST, "InvalidParameter.SignatureMethod",
                   "Specified signature method is not supported; use " VD_SIGNATURE_V1_METHOD
                   ".");
  if (strcmp (vd_params_get (params, "SignatureVersion"), VD_SIGNATURE_V1_VERSION) != 0)
    return reject (rejection, SOUP_STATUS_BAD_REQUEST, "InvalidParameter.SignatureVersion",
                   "Specified signature version is not supported; use " VD_SIGNATURE_V1_VERSION
                   ".");
  if (!check_timestamp (request, vd_params_get (params, "Timestamp"), rejection))
    return FALSE;

  request->access_key_id = vd_params_get (params, "AccessKeyId");
  request->nonce = vd_params_get (params, "SignatureNonce");
  return TRUE;
}

static gboolean
signed_headers_contain (char       **names,
                        const char  *name)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (g_ascii_strcasecmp (names[i], name) == 0)
      return TRUE;

  return FALSE;
}

/* Every x-acs-* header sent must be signed, and host too; every header named must be there. */
static gboolean
check_signed_headers (Request   *request,
                      Rejection *rejection)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  g_auto(GStrv) names = g_strsplit (request->v3_signed_headers, ";", -1);
  SoupMessageHeadersIter iter;
  const char *name;
  const char *value;

  if (!signed_headers_contain (names, "host"))
    return reject (rejection, SOUP_STATUS_BAD_REQUEST, "IncompleteSignature",
                   "The request signature does not conform to Aliyun standards: the header "
                   "\"host\" must be signed.");

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strncasecmp (name, "x-acs-", 6) == 0 && !signed_headers_contain (names, name))
      return reject (rejection, SOUP_STATUS_BAD_REQUEST, "IncompleteSignature",
                     "The request signature does not conform to Aliyun standards: the header "
                     "\"%s\" is sent but not signed.", name);

  for (guint i = 0; names[i] != NULL; i++)
    if (soup_message_headers_get_one (headers, names[i]) == NULL)
      return reject (rejection, SOUP_STATUS_BAD_REQUEST, "IncompleteSignature",
                     "The request signature does not conform to Aliyun standards: the signed "
                     "header \"%s\" is not in the request.", names[i]);

  return TRUE;
}

static gboolean
check_v3_protocol (Request   *request,
                   Rejection *rejection)
{
  static const struct {
    const char *header;
    const char *code;
  } required[] = {
    { "x-acs-date", "MissingXAcsDate" },
    { "x-acs-signature-nonce", "MissingXAcsSignatureNonce" },
    { "x-acs-content-sha256", "MissingXAcsContentSha256" },
  };
  g_autofree char *body_hash = NULL;

  if (!vd_sign_v3_parse_authorization (request_header (request, "Authorization"),
                                       &request->v3_key_id, &request->v3_signed_headers,
                                       &request->v3_signature))
    return reject (rejection, SOUP_STATUS_BAD_REQUEST, "IncompleteSignature",
                   "The request signature does not conform to Aliyun standards: the "
                   "Authorization header is malformed.");

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    if (!is_set (request_header (request, required[i].header)))
      return reject (rejection, SOUP_STATUS_BAD_REQUEST, required[i].code,
                     "The header %s is mandatory for this request.", required[i].header);

  if (!check_signed_headers (request, rejection))
    return FALSE;

  body_hash = vd_sign_payload_hash (request->body);
  if (g_ascii_strcasecmp (body_hash, request_header (request, "x-acs-content-sha256")) != 0)
    return reject (rejection, SOUP_STATUS_BAD_REQUEST, "ContentSHA256NotMatched",
                   "The x-acs-content-sha256 header does not match the SHA-256 of the "
                   "request body.");

  if (!check_timestamp (request, request_header (request, "x-acs-date"), rejection))
    return FALSE;

  request->access_key_id = request->v3_key_id;
  request->nonce = request_header (request, "x-acs-signature-nonce");
  return TRUE;
}

/* --- step 3: the key and its STS token --- */

static gboolean
check_key (VdSimulator     *self,
           Request         *request,
           VdCredentials  **credentials,
           Rejection       *rejection)
{
  const char *expected;
  const char *sent = request->scheme == VD_SIGNATURE_V3
                     ? request_header (request, "x-acs-security-token")
                     : vd_params_get (request->params, "SecurityToken");

  *credentials = g_hash_table_lookup (self->keys, request->access_key_id);
  if (*credentials == NULL)
    return reject (rejection, SOUP_STATUS_NOT_FOUND, "InvalidAccessKeyId.NotFound",
                   "Specified access key is not found.");

  expected = vd_credentials_get_security_token (*credentials);
  if (expected == NULL && sent != NULL)
    return reject (rejection, SOUP_STATUS_BAD_REQUEST, "InvalidSecurityToken.Malformed",
                   "Specified SecurityToken is malformed: this access key takes none.");
  if (expected != NULL && !is_set (sent))
    return reject (rejection, SOUP_STATUS_BAD_REQUEST, "MissingSecurityToken",
                   "SecurityToken is mandatory for this access key.");
  if (expected != NULL && !constant_time_equal (sent, expected))
    return reject (rejection, SOUP_STATUS_BAD_REQUEST, "InvalidSecurityToken.Mismatch",
                   "Specified SecurityToken does not match the access key.");

  return TRUE;
}

/* --- step 4: the signature, recomputed from what was received --- */

static char *
v1_string_to_sign (Request *request)
{
  g_autoptr(VdParams) signed_params = vd_params_copy (request->params);

  vd_params_remove (signed_params, "Signature");
  return vd_sign_v1_string_to_sign (soup_server_message_get_method (request->msg),
                                    signed_params);
}

static char *
v3_string_to_sign (Request *request)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  g_auto(GStrv) names = g_strsplit (request->v3_signed_headers, ";", -1);
  g_autoptr(VdParams) signed_headers = vd_params_new ();
  g_autofree char *canonical = NULL;
  g_autofree char *signed_names = NULL;

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *lower = g_ascii_strdown (names[i], -1);
      const char *value = soup_message_headers_get_list (headers, names[i]);

      vd_params_set (signed_headers, lower, value != NULL ? value : "");
    }

  canonical = vd_sign_v3_canonical_request (soup_server_message_get_method (request->msg), "/",
                                            request->query, signed_headers,
                                            request_header (request, "x-acs-content-sha256"),
                                            &signed_names);
  return vd_sign_v3_string_to_sign (canonical);
}

static gboolean
check_signature (Request             *request,
                 const VdCredentials *credentials,
                 Rejection           *rejection)
{
  const char *secret = vd_credentials_get_access_key_secret (credentials);
  g_autofree char *string_to_sign = NULL;
  g_autofree char *expected = NULL;
  const char *sent;

  if (request->scheme == VD_SIGNATURE_V3)
    {
      string_to_sign = v3_string_to_sign (request);
      expected = vd_sign_v3_signature (secret, string_to_sign);
      sent = request->v3_signature;
    }
  else
    {
      string_to_sign = v1_string_to_sign (request);
      expected = vd_sign_v1_signature (secret, string_to_sign);
      sent = vd_params_get (request->params, "Signature");
    }

  if (sent == NULL || !constant_time_equal (sent, expected))
    return reject (rejection, SOUP_STATUS_BAD_REQUEST, "SignatureDoesNotMatch",
                   "Specified signature is not matched with our calculation. server string to "
                   "sign is:%s", string_to_sign);

  return TRUE;
}

/* --- step 5: the nonce --- */

static void
prune_nonces (VdSimulator *self,
              gint64       now_us)
{
  GHashTableIter iter;
  gpointer expiry;

  if (now_us < self->next_prune_us)
    return;

  g_hash_table_iter_init (&iter, self->nonces);
  while (g_hash_table_iter_next (&iter, NULL, &expiry))
    if (*(gint64 *) expiry <= now_us)
      g_hash_table_iter_remove (&iter);

  self->next_prune_us = now_us + NONCE_PRUNE_EVERY_US;
}

static gboolean
check_and_record_nonce (VdSimulator *self,
                        Request     *request,
                        Rejection   *rejection)
{
  gint64 now_us = g_get_monotonic_time ();
  g_autofree char *key = g_strconcat (request->access_key_id, "\n", request->nonce, NULL);
  gint64 *expiry;

  prune_nonces (self, now_us);

  expiry = g_hash_table_lookup (self->nonces, key);
  if (expiry != NULL && *expiry > now_us)
    return reject (rejection, SOUP_STATUS_BAD_REQUEST, "SignatureNonceUsed",
                   "Specified signature nonce was used already.");

  expiry = g_new (gint64, 1);
  *expiry = now_us + (gint64) VD_SIMULATOR_TIMESTAMP_WINDOW_S * G_USEC_PER_SEC;
  g_hash_table_replace (self->nonces, g_steal_pointer (&key), expiry);
  return TRUE;
}

/* --- step 6: the business parameters --- */

static gboolean
is_fetchable_url (const char *text)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  const char *scheme;

  if (uri == NULL)
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  return (g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0)
         && is_set (g_uri_get_host (uri));
}

static gboolean
check_business (Request   *request,
                Rejection *rejection)
{
  const VdParams *params = request->params;
  const char *region;

  for (guint i = 0; i < G_N_ELEMENTS (required_business_params); i++)
    if (!is_set (vd_params_get (params, required_business_params[i])))
      return reject (rejection, SOUP_STATUS_BAD_REQUEST, "MissingParameter",
                     "The input parameter \"%s\" that is mandatory for processing this request "
                     "is not supplied.", required_business_params[i]);

  for (guint i = 0; i < G_N_ELEMENTS (length_limits); i++)
    {
      const char *value = vd_params_get (params, length_limits[i].name);

      if (value != NULL && g_utf8_strlen (value, -1) > (glong) length_limits[i].max_length)
        return reject (rejection, SOUP_STATUS_BAD_REQUEST, "InvalidParameter",
                       "Specified parameter \"%s\" is not valid: at most %u characters are "
                       "allowed.", length_limits[i].name, length_limits[i].max_length);
    }

  for (guint i = 0; i < G_N_ELEMENTS (url_params); i++)
    {
      const char *value = vd_params_get (params, url_params[i]);

      if (is_set (value) && !is_fetchable_url (value))
        return reject (rejection, SOUP_STATUS_BAD_REQUEST, "InvalidParameter",
                       "Specified parameter \"%s\" is not valid: only public HTTP or HTTPS "
                       "image URLs are accepted, not local paths.", url_params[i]);
    }

  region = vd_params_get (params, "RegionId");
  if (region != NULL && !g_strv_contains ((const char * const *) known_regions, region))
    return reject (rejection, SOUP_STATUS_BAD_REQUEST, "InvalidRegionId",
                   "The specified region does not exist.");

  return TRUE;
}

/* --- one request, checked in order --- */

static gboolean
accept_request (VdSimulator     *self,
                Request         *request,
                const char      *path,
                const Rejection *params_problem,
                Rejection       *rejection)
{
  const char *method = soup_server_message_get_method (request->msg);
  VdCredentials *credentials = NULL;

  if (strcmp (path, "/") != 0)
    return reject (rejection, SOUP_STATUS_NOT_FOUND, "InvalidAction.NotFound",
                   "Specified api is not found, please check your url and method.");
  if (strcmp (method, SOUP_METHOD_GET) != 0 && strcmp (method, SOUP_METHOD_POST) != 0)
    return reject (rejection, SOUP_STATUS_METHOD_NOT_ALLOWED, "UnsupportedHTTPMethod",
                   "Specified HTTP method is not supported; use GET or POST.");
  if (params_problem->code != NULL)
    return reject (rejection, params_problem->status, params_problem->code, "%s",
                   params_problem->message);

  return check_action (request, rejection) &&
         (request->scheme == VD_SIGNATURE_V3 ? check_v3_protocol (request, rejection)
                                             : check_v1_protocol (request, rejection)) &&
         check_key (self, request, &credentials, rejection) &&
         check_signature (request, credentials, rejection) &&
         check_and_record_nonce (self, request, rejection) &&
         check_business (request, rejection);
}

static void
answer_request (VdSimulator     *self,
                Request         *request,
                const char      *path,
                const Rejection *params_problem,
                const char      *request_id,
                gboolean         xml,
                int              forced_status,
                Reply           *reply)
{
  Rejection rejection = { 0, };
  VdAnswerOptions options = { xml, forced_status, FALSE };

  if (!accept_request (self, request, path, params_problem, &rejection))
    {
      reply_set_error (reply, rejection.status, rejection.code, rejection.message, request_id,
                       xml);
      g_free (rejection.message);
      return;
    }

  reply->status = SOUP_STATUS_OK;
  reply->body = vd_simulator_answer_build_full (request->params, self->shape, &options,
                                                request_id, request->now, &reply->content_type);
  reply->length = strlen (reply->body);
  self->requests_answered++;
}

/* --- faults --- */

static gboolean
do_nothing (gpointer data)
{
  return G_SOURCE_REMOVE;
}

static void
pending_free (Pending  *pending,
              gboolean  in_emission)
{
  if (pending->source != NULL)
    {
      g_source_destroy (pending->source);
      g_source_unref (pending->source);
    }
  g_clear_signal_handler (&pending->finished_id, pending->msg);
  g_clear_signal_handler (&pending->disconnected_id, pending->msg);
  g_clear_pointer (&pending->body, g_bytes_unref);

  /* Inside one of the message's own signals its last reference must not go yet: an idle
   * drops it once the emission is over. */
  if (in_emission)
    {
      GSource *later = g_idle_source_new ();

      g_source_set_callback (later, do_nothing, g_steal_pointer (&pending->msg), g_object_unref);
      g_source_attach (later, pending->self->context);
      g_source_unref (later);
    }
  g_clear_object (&pending->msg);
  g_free (pending);
}

static void
pending_drop (Pending  *pending,
              gboolean  in_emission)
{
  VdSimulator *self = pending->self;

  self->pending = g_list_remove (self->pending, pending);
  pending_free (pending, in_emission);
}

/* The message finished or its client went away: nothing may touch it any more. */
static void
on_pending_message_gone (SoupServerMessage *msg,
                         gpointer           data)
{
  pending_drop (data, TRUE);
}

static Pending *
pending_new (VdSimulator       *self,
             SoupServerMessage *msg,
             GSource           *source,
             GSourceFunc        callback)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->self = self;
  pending->msg = g_object_ref (msg);
  pending->source = source;
  pending->finished_id = g_signal_connect (msg, "finished",
                                           G_CALLBACK (on_pending_message_gone), pending);
  pending->disconnected_id = g_signal_connect (msg, "disconnected",
                                               G_CALLBACK (on_pending_message_gone), pending);
  g_source_set_callback (source, callback, pending, NULL);
  g_source_attach (source, self->context);
  self->pending = g_list_prepend (self->pending, pending);

  return pending;
}

static gboolean
on_delay_elapsed (gpointer data)
{
  Pending *pending = data;

  g_clear_pointer (&pending->source, g_source_unref);
  soup_server_message_unpause (pending->msg);
  return G_SOURCE_REMOVE;
}

/* One more byte of the answer; the message stays ours until it has finished. */
static gboolean
on_drip_tick (gpointer data)
{
  Pending *pending = data;
  SoupMessageBody *body = soup_server_message_get_response_body (pending->msg);
  gsize size;
  const guint8 *bytes = g_bytes_get_data (pending->body, &size);

  if (pending->sent < size)
    soup_message_body_append (body, SOUP_MEMORY_COPY, bytes + pending->sent++, 1);
  if (pending->sent == size)
    soup_message_body_complete (body);
  soup_server_message_unpause (pending->msg);

  if (pending->sent < size)
    return G_SOURCE_CONTINUE;

  g_clear_pointer (&pending->source, g_source_unref);
  return G_SOURCE_REMOVE;
}

static gboolean
on_reset (gpointer data)
{
  Pending *pending = data;
  g_autoptr(SoupServerMessage) msg = g_object_ref (pending->msg);
  g_autoptr(GIOStream) stream = NULL;

  g_clear_pointer (&pending->source, g_source_unref);
  pending_drop (pending, FALSE);

  stream = soup_server_message_steal_connection (msg);
  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);

  return G_SOURCE_REMOVE;
}

static void
start_delay (VdSimulator       *self,
             SoupServerMessage *msg,
             guint              delay_ms)
{
  soup_server_message_pause (msg);
  pending_new (self, msg, g_timeout_source_new (delay_ms), on_delay_elapsed);
}

static void
start_drip (VdSimulator       *self,
            SoupServerMessage *msg,
            Reply             *reply,
            guint              interval_ms)
{
  Pending *pending = pending_new (self, msg, g_timeout_source_new (MAX (interval_ms, 1)), on_drip_tick);

  pending->body = g_bytes_new_take (g_steal_pointer (&reply->body), reply->length);
}

/* Read the whole request, then close the connection without a word. */
static void
start_reset (VdSimulator       *self,
             SoupServerMessage *msg)
{
  soup_server_message_pause (msg);
  pending_new (self, msg, g_idle_source_new (), on_reset);
}

/* @size bytes of well-formed JSON that is all padding (spaces when @size is too small even
 * for the braces). */
static char *
oversized_body (gsize size)
{
  static const char head[] = "{\"Padding\":\"";
  static const char tail[] = "\"}";
  char *body = g_malloc (size + 1);

  if (size < sizeof head + sizeof tail - 2)
    {
      memset (body, ' ', size);
    }
  else
    {
      memcpy (body, head, sizeof head - 1);
      memset (body + sizeof head - 1, 'A', size - (sizeof head - 1) - (sizeof tail - 1));
      memcpy (body + size - (sizeof tail - 1), tail, sizeof tail - 1);
    }
  body[size] = '\0';

  return body;
}

/* A 200 whose body is @body (taken) as it is. */
static void
reply_set_raw (Reply      *reply,
               const char *content_type,
               char       *body,
               gsize       length)
{
  reply->status = SOUP_STATUS_OK;
  reply->content_type = content_type;
  reply->body = body;
  reply->length = length;
}

/* The faults that replace the processing altogether. FALSE for the others (DELAY, DRIP and
 * STATUS shape the normal answer). */
static gboolean
apply_replacing_fault (VdSimulator       *self,
                       SoupServerMessage *msg,
                       const Fault       *fault,
                       Request           *request,
                       const char        *request_id,
                       gboolean           xml,
                       Reply             *reply)
{
  /* What a proxy in front of a gateway sends when the gateway is gone. */
  static const char garbage[] = "upstream connect error or disconnect/reset before headers. "
                                "reset reason: connection termination";
  /* A verdict whose name is "张" followed by bytes that are no UTF-8 at all. */
  static const char bad_utf8_format[] =
    "{\"RequestId\":\"%s\",\"VerifyToken\":\"c302c0797679457685410ee51a5ba375\","
    "\"VerifyStatus\":1,\"AuthorityComparisionScore\":97,"
    "\"Material\":{\"IdCardName\":\"\xe5\xbc\xa0\xff\xfe\xc3\"}}";
  VdAnswerOptions no_status = { xml, 0, TRUE };
  guint status;
  char *body;

  switch (fault->kind)
    {
    case VD_FAULT_SERVER_ERROR:
      status = fault->value != 0 ? fault->value : SOUP_STATUS_INTERNAL_SERVER_ERROR;
      if (status == SOUP_STATUS_SERVICE_UNAVAILABLE)
        reply_set_error (reply, status, "ServiceUnavailable",
                         "The request has failed due to a temporary failure of the server.",
                         request_id, xml);
      else
        reply_set_error (reply, status, "InternalError",
                         "The request processing has failed due to some unknown error, "
                         "exception or failure.", request_id, xml);
      return TRUE;
    case VD_FAULT_THROTTLING:
      reply_set_error (reply, SOUP_STATUS_BAD_REQUEST, "Throttling.User",
                       "Request was denied due to user flow control.", request_id, xml);
      reply->retry_after_ms = fault->value;
      return TRUE;
    case VD_FAULT_RESET:
      start_reset (self, msg);
      return TRUE;
    case VD_FAULT_GARBAGE:
      reply_set_raw (reply, "text/plain", g_strdup (garbage), strlen (garbage));
      return TRUE;
    case VD_FAULT_OVERSIZED:
      reply_set_raw (reply, JSON_CONTENT_TYPE, oversized_body (fault->value), fault->value);
      return TRUE;
    case VD_FAULT_EMPTY:
      reply_set_raw (reply, JSON_CONTENT_TYPE, g_strdup (""), 0);
      return TRUE;
    case VD_FAULT_NO_STATUS:
      reply->status = SOUP_STATUS_OK;
      reply->body = vd_simulator_answer_build_full (request->params, self->shape, &no_status,
                                                    request_id, request->now,
                                                    &reply->content_type);
      reply->length = strlen (reply->body);
      return TRUE;
    case VD_FAULT_BAD_UTF8:
      body = g_strdup_printf (bad_utf8_format, request_id);
      reply_set_raw (reply, JSON_CONTENT_TYPE, body, strlen (body));
      return TRUE;
    case VD_FAULT_DELAY:
    case VD_FAULT_DRIP:
    case VD_FAULT_STATUS:
    default:
      return FALSE;
    }
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
  Reply reply = { 0, };

  reply_set_error (&reply, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "RequestTooLarge",
                   "The request is too large: the query string may hold 32 KiB and the body "
                   "8 MiB.", request_id, xml);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                "close");
  send_reply (self, msg, &reply, request_id, FALSE);
  reply_clear (&reply);
}

/* Called once the headers are in: counts the request and refuses an oversized one before its
 * body is read into memory. */
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
  g_autofree Fault *fault = NULL;
  Request request = { 0, };
  Rejection params_problem = { 0, };
  Reply reply = { 0, };
  gboolean xml;

  request.msg = msg;
  request.scheme = scheme_of (msg);
  request.body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  request.now = simulator_now (self);
  xml = wants_xml (msg, read_params (&request, &params_problem) ? request.params : NULL);

  if (g_object_get_data (G_OBJECT (msg), TOO_LARGE_KEY) != NULL)
    {
      reply_too_large (self, msg, xml);
    }
  else
    {
      fault = g_queue_pop_head (&self->faults);
      if (fault == NULL ||
          !apply_replacing_fault (self, msg, fault, &request, request_id, xml, &reply))
        answer_request (self, &request, path, &params_problem, request_id, xml,
                        fault != NULL && fault->kind == VD_FAULT_STATUS ? (int) fault->value : 0,
                        &reply);

      if (reply.status != 0)
        send_reply (self, msg, &reply, request_id,
                    fault != NULL && fault->kind == VD_FAULT_DRIP);
      if (fault != NULL && fault->kind == VD_FAULT_DELAY)
        start_delay (self, msg, fault->value);
      else if (fault != NULL && fault->kind == VD_FAULT_DRIP)
        start_drip (self, msg, &reply, fault->value);
    }

  g_free (params_problem.message);
  reply_clear (&reply);
  request_clear (&request);
}

/* --- GObject --- */

static void
drop_all_pending (VdSimulator *self)
{
  while (self->pending != NULL)
    pending_drop (self->pending->data, FALSE);
}

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

  drop_all_pending (self);
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
  Fault *fault;

  g_return_if_fail (VD_IS_SIMULATOR (self));
  g_return_if_fail (kind <= VD_FAULT_STATUS);

  fault = g_new (Fault, 1);
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
