#define G_LOG_DOMAIN "vd-signer"

#include "config.h"

#include <string.h>

#include "vd-percent.h"
#include "vd-sha256.h"
#include "vd-signer.h"

#define TIMESTAMP_PATTERN "dddd-dd-ddTdd:dd:ddZ"
#define V1_SIGNATURE_PARAM "Signature"
#define V3_AUTHORIZATION_HEADER "Authorization"

const char *
vd_signature_scheme_to_string (VdSignatureScheme scheme)
{
  switch (scheme)
    {
    case VD_SIGNATURE_V3:
      return "v3";
    case VD_SIGNATURE_V1:
      return "v1";
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
vd_signature_scheme_parse (const char        *text,
                           VdSignatureScheme *scheme)
{
  VdSignatureScheme parsed;

  if (g_strcmp0 (text, "v3") == 0)
    parsed = VD_SIGNATURE_V3;
  else if (g_strcmp0 (text, "v1") == 0)
    parsed = VD_SIGNATURE_V1;
  else
    return FALSE;

  if (scheme != NULL)
    *scheme = parsed;
  return TRUE;
}

char *
vd_sign_format_timestamp (GDateTime *time)
{
  g_autoptr(GDateTime) utc = NULL;

  g_return_val_if_fail (time != NULL, NULL);

  /* The gateway compares with its own UTC clock; local time is the classic
   * InvalidTimeStamp.Expired. */
  utc = g_date_time_to_utc (time);
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ",
                          g_date_time_get_year (utc),
                          g_date_time_get_month (utc),
                          g_date_time_get_day_of_month (utc),
                          g_date_time_get_hour (utc),
                          g_date_time_get_minute (utc),
                          g_date_time_get_second (utc));
}

/* The digits of @text[@start..@start+@count), which the pattern check has already vetted. */
static int
read_digits (const char *text,
             gsize       start,
             gsize       count)
{
  int number = 0;
  gsize i;

  for (i = start; i < start + count; i++)
    number = number * 10 + (text[i] - '0');

  return number;
}

GDateTime *
vd_sign_parse_timestamp (const char *text)
{
  gsize i;

  if (text == NULL || strlen (text) != strlen (TIMESTAMP_PATTERN))
    return NULL;

  for (i = 0; TIMESTAMP_PATTERN[i] != '\0'; i++)
    {
      if (TIMESTAMP_PATTERN[i] == 'd' ? !g_ascii_isdigit (text[i])
                                      : text[i] != TIMESTAMP_PATTERN[i])
        return NULL;
    }

  /* g_date_time_new_utc refuses 2016-02-30, 24:00:00 or a leap second: NULL then. */
  return g_date_time_new_utc (read_digits (text, 0, 4),
                              read_digits (text, 5, 2),
                              read_digits (text, 8, 2),
                              read_digits (text, 11, 2),
                              read_digits (text, 14, 2),
                              read_digits (text, 17, 2));
}

char *
vd_sign_payload_hash (GBytes *body)
{
  char hex[VD_SHA256_HEX_SIZE];
  gconstpointer data = NULL;
  gsize size = 0;

  if (body != NULL)
    data = g_bytes_get_data (body, &size);

  vd_sha256_hex (size > 0 ? data : "", size, hex);
  return g_strdup (hex);
}

/* Overwrites a copy of key material before it is freed. */
static void
wipe_and_free (char *text)
{
  volatile char *p;

  if (text == NULL)
    return;

  for (p = text; *p != '\0'; p++)
    *p = '\0';
  g_free (text);
}

/* --- v1 --- */

char *
vd_sign_v1_string_to_sign (const char     *method,
                           const VdParams *params)
{
  g_autoptr(GString) canonical = g_string_sized_new (512);
  GString *to_sign;

  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (params != NULL, NULL);

  /* The signature never signs itself; leaving it out here also lets a receiver check the
   * parameters exactly as they arrived. */
  vd_params_append_canonical (params, V1_SIGNATURE_PARAM, canonical);

  to_sign = g_string_sized_new (canonical->len * 3 / 2 + 16);
  g_string_append (to_sign, method);
  g_string_append (to_sign, "&%2F&");
  vd_percent_encode_append (to_sign, canonical->str);
  return g_string_free (to_sign, FALSE);
}

char *
vd_sign_v1_signature (const char *access_key_secret,
                      const char *string_to_sign)
{
  g_autoptr(GHmac) hmac = NULL;
  char *key;
  guint8 digest[20];
  gsize digest_length = sizeof digest;

  g_return_val_if_fail (access_key_secret != NULL, NULL);
  g_return_val_if_fail (string_to_sign != NULL, NULL);

  key = g_strconcat (access_key_secret, "&", NULL);
  hmac = g_hmac_new (G_CHECKSUM_SHA1, (const guchar *) key, strlen (key));
  wipe_and_free (key);

  g_hmac_update (hmac, (const guchar *) string_to_sign, -1);
  g_hmac_get_digest (hmac, digest, &digest_length);

  return g_base64_encode (digest, digest_length);
}

/* --- v3 --- */

/* TRUE when every name is already lower-case and no value has white space around it: then the
 * headers are their own canonical form, as they are when this program signs. */
static gboolean
headers_are_normal (const VdParams *headers)
{
  guint i;

  for (i = 0; i < vd_params_get_length (headers); i++)
    {
      const char *name = vd_params_get_name (headers, i);
      const char *value = vd_params_get_value (headers, i);
      gsize length = strlen (value);
      const char *p;

      for (p = name; *p != '\0'; p++)
        if (g_ascii_isupper (*p))
          return FALSE;
      if (length > 0 && (g_ascii_isspace (value[0]) || g_ascii_isspace (value[length - 1])))
        return FALSE;
    }

  return TRUE;
}

/* Lower-cased names and trimmed values, in name order: what the canonical form is built of. */
static VdParams *
normalise_headers (const VdParams *headers)
{
  VdParams *normalised;
  guint i;

  if (headers_are_normal (headers))
    return vd_params_ref ((VdParams *) headers);

  normalised = vd_params_new ();
  for (i = 0; i < vd_params_get_length (headers); i++)
    {
      g_autofree char *name = g_ascii_strdown (vd_params_get_name (headers, i), -1);
      g_autofree char *value = g_strdup (vd_params_get_value (headers, i));

      vd_params_set (normalised, name, g_strstrip (value));
    }

  return normalised;
}

char *
vd_sign_v3_canonical_request (const char     *method,
                              const char     *path,
                              const VdParams *query,
                              const VdParams *headers,
                              const char     *payload_hash,
                              char          **signed_headers)
{
  g_autoptr(VdParams) normalised = NULL;
  g_autoptr(GString) names = g_string_sized_new (128);
  GString *canonical = g_string_sized_new (1024);
  guint i;

  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (headers != NULL, NULL);
  g_return_val_if_fail (payload_hash != NULL, NULL);

  normalised = normalise_headers (headers);

  g_string_append (canonical, method);
  g_string_append_c (canonical, '\n');
  g_string_append (canonical, path != NULL && path[0] != '\0' ? path : "/");
  g_string_append_c (canonical, '\n');
  if (query != NULL)
    vd_params_append_canonical (query, NULL, canonical);
  g_string_append_c (canonical, '\n');

  for (i = 0; i < vd_params_get_length (normalised); i++)
    {
      const char *name = vd_params_get_name (normalised, i);

      g_string_append (canonical, name);
      g_string_append_c (canonical, ':');
      g_string_append (canonical, vd_params_get_value (normalised, i));
      g_string_append_c (canonical, '\n');
      if (i > 0)
        g_string_append_c (names, ';');
      g_string_append (names, name);
    }

  g_string_append_c (canonical, '\n');
  g_string_append_len (canonical, names->str, names->len);
  g_string_append_c (canonical, '\n');
  g_string_append (canonical, payload_hash);

  if (signed_headers != NULL)
    *signed_headers = g_strdup (names->str);

  return g_string_free (canonical, FALSE);
}

char *
vd_sign_v3_string_to_sign (const char *canonical_request)
{
  char hash[VD_SHA256_HEX_SIZE];

  g_return_val_if_fail (canonical_request != NULL, NULL);

  vd_sha256_hex (canonical_request, strlen (canonical_request), hash);
  return g_strconcat (VD_SIGNATURE_V3_ALGORITHM "\n", hash, NULL);
}

char *
vd_sign_v3_signature (const char *access_key_secret,
                      const char *string_to_sign)
{
  char signature[VD_SHA256_HEX_SIZE];

  g_return_val_if_fail (access_key_secret != NULL, NULL);
  g_return_val_if_fail (string_to_sign != NULL, NULL);

  vd_hmac_sha256_hex (access_key_secret, strlen (access_key_secret),
                      string_to_sign, strlen (string_to_sign), signature);
  return g_strdup (signature);
}

static gboolean
has_no_space_or_control (const char *value)
{
  const guchar *p;

  for (p = (const guchar *) value; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p))
        return FALSE;
    }

  return TRUE;
}

static gboolean
is_header_name_list (const char *value)
{
  g_auto(GStrv) names = g_strsplit (value, ";", -1);
  guint i;

  for (i = 0; names[i] != NULL; i++)
    {
      if (names[i][0] == '\0')
        return FALSE;
    }

  return TRUE;
}

static gboolean
is_hex (const char *value)
{
  const char *p;

  for (p = value; *p != '\0'; p++)
    {
      if (!g_ascii_isxdigit (*p))
        return FALSE;
    }

  return TRUE;
}

/* Stores one "Key=value" item of the Authorization header in the matching slot of @values
 * (Credential, SignedHeaders, Signature); FALSE for an unknown, repeated or empty item. */
static gboolean
take_authorization_item (const char *item,
                         char       *values[3])
{
  static const char * const keys[3] = { "Credential", "SignedHeaders", "Signature" };
  const char *equals = strchr (item, '=');
  const char *value;
  gsize key_length;
  guint slot;

  if (equals == NULL)
    return FALSE;

  key_length = (gsize) (equals - item);
  value = equals + 1;
  if (value[0] == '\0' || !has_no_space_or_control (value))
    return FALSE;

  for (slot = 0; slot < G_N_ELEMENTS (keys); slot++)
    {
      if (strlen (keys[slot]) == key_length && strncmp (item, keys[slot], key_length) == 0)
        break;
    }

  if (slot == G_N_ELEMENTS (keys) || values[slot] != NULL)
    return FALSE;
  if (slot == 1 && !is_header_name_list (value))
    return FALSE;
  if (slot == 2 && !is_hex (value))
    return FALSE;

  values[slot] = g_strdup (value);
  return TRUE;
}

gboolean
vd_sign_v3_parse_authorization (const char  *authorization,
                                char       **access_key_id,
                                char       **signed_headers,
                                char       **signature)
{
  g_auto(GStrv) items = NULL;
  char *values[3] = { NULL, NULL, NULL };
  const char *rest;
  gboolean ok = TRUE;
  guint i;

  if (access_key_id != NULL)
    *access_key_id = NULL;
  if (signed_headers != NULL)
    *signed_headers = NULL;
  if (signature != NULL)
    *signature = NULL;

  if (authorization == NULL || !g_str_has_prefix (authorization, VD_SIGNATURE_V3_ALGORITHM " "))
    return FALSE;

  rest = authorization + strlen (VD_SIGNATURE_V3_ALGORITHM);
  while (*rest == ' ')
    rest++;

  items = g_strsplit (rest, ",", -1);
  if (g_strv_length (items) != G_N_ELEMENTS (values))
    return FALSE;

  for (i = 0; items[i] != NULL && ok; i++)
    {
      const char *item = items[i];

      /* Some clients write ", " between the items. */
      while (*item == ' ')
        item++;
      ok = take_authorization_item (item, values);
    }

  if (!ok)
    {
      for (i = 0; i < G_N_ELEMENTS (values); i++)
        g_free (values[i]);
      return FALSE;
    }

  if (access_key_id != NULL)
    *access_key_id = values[0];
  else
    g_free (values[0]);
  if (signed_headers != NULL)
    *signed_headers = values[1];
  else
    g_free (values[1]);
  if (signature != NULL)
    *signature = values[2];
  else
    g_free (values[2]);

  return TRUE;
}

/* --- a whole request --- */

void
vd_signed_request_free (VdSignedRequest *request)
{
  if (request == NULL)
    return;

  g_clear_pointer (&request->query, vd_params_unref);
  g_clear_pointer (&request->headers, vd_params_unref);
  g_free (request);
}

static VdSignedRequest *
sign_v1 (const char          *method,
         const char          *action,
         const char          *version,
         const char          *format,
         const VdParams      *params,
         const VdCredentials *credentials,
         GDateTime           *now,
         const char          *nonce)
{
  VdSignedRequest *request = g_new0 (VdSignedRequest, 1);
  const char *token = vd_credentials_get_security_token (credentials);
  g_autofree char *timestamp = vd_sign_format_timestamp (now);
  g_autofree char *string_to_sign = NULL;
  g_autofree char *signature = NULL;

  request->query = params != NULL ? vd_params_copy (params) : vd_params_new ();
  request->headers = vd_params_new ();

  /* Set after the business parameters, so that none of them can replace a common one. */
  vd_params_set (request->query, "Format", format != NULL ? format : "JSON");
  vd_params_set (request->query, "Version", version);
  vd_params_set (request->query, "AccessKeyId", vd_credentials_get_access_key_id (credentials));
  vd_params_set (request->query, "SignatureMethod", VD_SIGNATURE_V1_METHOD);
  vd_params_set (request->query, "SignatureVersion", VD_SIGNATURE_V1_VERSION);
  vd_params_set (request->query, "SignatureNonce", nonce);
  vd_params_set (request->query, "Timestamp", timestamp);
  vd_params_set (request->query, "Action", action);
  if (token != NULL)
    vd_params_set (request->query, "SecurityToken", token);
  else
    vd_params_remove (request->query, "SecurityToken");

  string_to_sign = vd_sign_v1_string_to_sign (method, request->query);
  signature = vd_sign_v1_signature (vd_credentials_get_access_key_secret (credentials),
                                    string_to_sign);
  vd_params_set (request->query, V1_SIGNATURE_PARAM, signature);

  return request;
}

static VdSignedRequest *
sign_v3 (const char          *method,
         const char          *host,
         const char          *action,
         const char          *version,
         const VdParams      *params,
         GBytes              *body,
         const VdCredentials *credentials,
         GDateTime           *now,
         const char          *nonce)
{
  VdSignedRequest *request = g_new0 (VdSignedRequest, 1);
  const char *token = vd_credentials_get_security_token (credentials);
  const char *access_key_id = vd_credentials_get_access_key_id (credentials);
  g_autofree char *date = vd_sign_format_timestamp (now);
  g_autofree char *payload_hash = vd_sign_payload_hash (body);
  g_autofree char *canonical_request = NULL;
  g_autofree char *signed_headers = NULL;
  g_autofree char *string_to_sign = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *authorization = NULL;

  request->query = params != NULL ? vd_params_copy (params) : vd_params_new ();
  request->headers = vd_params_new ();

  vd_params_set (request->headers, "host", host);
  vd_params_set (request->headers, "x-acs-action", action);
  vd_params_set (request->headers, "x-acs-version", version);
  vd_params_set (request->headers, "x-acs-date", date);
  vd_params_set (request->headers, "x-acs-signature-nonce", nonce);
  vd_params_set (request->headers, "x-acs-content-sha256", payload_hash);
  if (token != NULL)
    vd_params_set (request->headers, "x-acs-security-token", token);

  canonical_request = vd_sign_v3_canonical_request (method, "/", request->query,
                                                    request->headers, payload_hash,
                                                    &signed_headers);
  string_to_sign = vd_sign_v3_string_to_sign (canonical_request);
  signature = vd_sign_v3_signature (vd_credentials_get_access_key_secret (credentials),
                                    string_to_sign);
  authorization = g_strdup_printf (VD_SIGNATURE_V3_ALGORITHM
                                   " Credential=%s,SignedHeaders=%s,Signature=%s",
                                   access_key_id, signed_headers, signature);

  /* Added after signing: the Authorization header carries the signature, it is not signed. */
  vd_params_set (request->headers, V3_AUTHORIZATION_HEADER, authorization);

  return request;
}

VdSignedRequest *
vd_sign_request (VdSignatureScheme    scheme,
                 const char          *method,
                 const char          *host,
                 const char          *action,
                 const char          *version,
                 const char          *format,
                 const VdParams      *params,
                 GBytes              *body,
                 const VdCredentials *credentials,
                 GDateTime           *now,
                 const char          *nonce)
{
  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (action != NULL, NULL);
  g_return_val_if_fail (version != NULL, NULL);
  g_return_val_if_fail (credentials != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);
  g_return_val_if_fail (nonce != NULL && nonce[0] != '\0', NULL);

  switch (scheme)
    {
    case VD_SIGNATURE_V1:
      /* v1 signs parameters, not the body: this app sends every parameter in the query with
       * an empty body, as the official SDK does, so @body has nothing to add. */
      return sign_v1 (method, action, version, format, params, credentials, now, nonce);
    case VD_SIGNATURE_V3:
      g_return_val_if_fail (host != NULL && host[0] != '\0', NULL);
      return sign_v3 (method, host, action, version, params, body, credentials, now, nonce);
    default:
      g_return_val_if_reached (NULL);
    }
}
