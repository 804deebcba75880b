/* vd-simulator-checks.c: the simulator's gateway checks, in the real gateway's order
 *
 * A request is checked in the order the real POP gateway checks it, and each failure is
 * answered with the real code, HTTP status and message, so that a client passing against the
 * simulator has been checked for real.
 *
 * The codes, in the order of the checks (the real gateway's where one is known; the names
 * marked * are this simulator's own, chosen in the real naming style). The size check and the
 * faults belong to the server (vd-simulator.c, vd-simulator-faults.c); the rest are here:
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
 * The gateway's messages are wire content, in English like the real ones, and are not
 * translated.
 */

#define G_LOG_DOMAIN "vd-simulator"

#include "config.h"

#include <string.h>

#include "vd-credentials.h"
#include "vd-simulator-checks.h"
#include "vd-verify-request.h"

#define MAX_URL_LENGTH       2048
#define NONCE_PRUNE_EVERY_US (60 * G_USEC_PER_SEC)
#define FORM_CONTENT_TYPE    "application/x-www-form-urlencoded"

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
reject (VdSimulatorRejection *rejection,
        guint                 status,
        const char           *code,
        const char           *format,
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
request_header (const VdSimulatorRequest *request,
                const char               *name)
{
  return soup_message_headers_get_one (request->headers, name);
}

/* --- reading the parameters --- */

void
vd_simulator_request_clear (VdSimulatorRequest *request)
{
  g_clear_pointer (&request->query, vd_params_unref);
  g_clear_pointer (&request->params, vd_params_unref);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_clear_pointer (&request->now, g_date_time_unref);
  g_clear_pointer (&request->v3_key_id, g_free);
  g_clear_pointer (&request->v3_signed_headers, g_free);
  g_clear_pointer (&request->v3_signature, g_free);
}

static gboolean
is_form_body (SoupMessageHeaders *headers)
{
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);

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
gboolean
vd_simulator_read_params (VdSimulatorRequest   *request,
                          VdSimulatorRejection *rejection)
{
  g_autoptr(VdParams) form = NULL;

  request->query = vd_params_parse_query (request->raw_query != NULL ? request->raw_query : "",
                                          NULL);
  if (request->query == NULL)
    return reject (rejection, SOUP_STATUS_BAD_REQUEST, "InvalidParameter",
                   "The query string is malformed: an escape is invalid, the text is not "
                   "UTF-8, or a parameter is given more than once.");

  request->params = vd_params_copy (request->query);
  if (!is_form_body (request->headers) || g_bytes_get_size (request->body) == 0)
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
check_action (VdSimulatorRequest   *request,
              VdSimulatorRejection *rejection)
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
check_timestamp (VdSimulatorRequest   *request,
                 const char           *timestamp,
                 VdSimulatorRejection *rejection)
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
check_v1_protocol (VdSimulatorRequest   *request,
                   VdSimulatorRejection *rejection)
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
check_signed_headers (VdSimulatorRequest   *request,
                      VdSimulatorRejection *rejection)
{
  SoupMessageHeaders *headers = request->headers;
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
check_v3_protocol (VdSimulatorRequest   *request,
                   VdSimulatorRejection *rejection)
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
check_key (VdSimulator           *self,
           VdSimulatorRequest    *request,
           VdCredentials        **credentials,
           VdSimulatorRejection  *rejection)
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
v1_string_to_sign (VdSimulatorRequest *request)
{
  g_autoptr(VdParams) signed_params = vd_params_copy (request->params);

  vd_params_remove (signed_params, "Signature");
  return vd_sign_v1_string_to_sign (request->method, signed_params);
}

static char *
v3_string_to_sign (VdSimulatorRequest *request)
{
  SoupMessageHeaders *headers = request->headers;
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

  canonical = vd_sign_v3_canonical_request (request->method, "/",
                                            request->query, signed_headers,
                                            request_header (request, "x-acs-content-sha256"),
                                            &signed_names);
  return vd_sign_v3_string_to_sign (canonical);
}

static gboolean
check_signature (VdSimulatorRequest   *request,
                 const VdCredentials  *credentials,
                 VdSimulatorRejection *rejection)
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
check_and_record_nonce (VdSimulator          *self,
                        VdSimulatorRequest   *request,
                        VdSimulatorRejection *rejection)
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
check_business (VdSimulatorRequest   *request,
                VdSimulatorRejection *rejection)
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

gboolean
vd_simulator_accept_request (VdSimulator                *self,
                             VdSimulatorRequest         *request,
                             const char                 *path,
                             const VdSimulatorRejection *params_problem,
                             VdSimulatorRejection       *rejection)
{
  const char *method = request->method;
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
