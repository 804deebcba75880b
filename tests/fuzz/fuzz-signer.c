/* fuzz-signer.c: libFuzzer target for the signature canonicalisation (v1 and v3)
 *
 * The input is cut at NUL bytes into fields: the method, then name and value in turn. A name
 * that begins with "h:" is a header to sign (the rest is its name, in any case, its value
 * with any white space around it); every other name is a query parameter. The same request is
 * then canonicalised and signed in both schemes, and these must hold:
 *
 *  - canonicalisation is deterministic and does not depend on the order the parameters were
 *    set in;
 *  - every name and value percent-encodes to unreserved characters and %XY only, and
 *    decodes back to itself;
 *  - the canonical query parses back into the same parameters;
 *  - the v1 string to sign is METHOD&%2F&enc(canonical query);
 *  - the v3 canonical request has the shape of cloudauth-api.md §4 and its signed headers
 *    are the lower-cased names in byte order;
 *  - a whole signed request is the same when signed twice with the same clock and nonce, and
 *    its Authorization header splits back into the key, the signed headers and the signature.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "vd-fuzz.h"
#include "vd-params.h"
#include "vd-percent.h"
#include "vd-signer.h"

#define HEADER_PREFIX "h:"

static gboolean
is_encoded (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p) || strchr ("-_.~", *p) != NULL)
        continue;
      if (*p != '%' || !g_ascii_isxdigit (p[1]) || !g_ascii_isxdigit (p[2]) ||
          g_ascii_islower (p[1]) || g_ascii_islower (p[2]))
        return FALSE;
      p += 2;
    }

  return TRUE;
}

/* Encoding is total; decoding gives the text back whenever the text is valid UTF-8 (the only
 * text a decoder may return). */
static void
check_percent_round_trip (const char *text)
{
  g_autofree char *encoded = vd_percent_encode (text);
  g_autofree char *again = vd_percent_encode (text);
  g_autofree char *decoded = vd_percent_decode (encoded, -1, FALSE);
  g_autofree char *decoded_form = vd_percent_decode (encoded, -1, TRUE);
  g_autoptr(GString) appended = g_string_new ("prefix");

  VD_FUZZ_CHECK (strcmp (encoded, again) == 0);
  VD_FUZZ_CHECK (is_encoded (encoded));
  vd_percent_encode_append (appended, text);
  VD_FUZZ_CHECK (strcmp (appended->str + strlen ("prefix"), encoded) == 0);

  if (g_utf8_validate (text, -1, NULL))
    {
      VD_FUZZ_CHECK (decoded != NULL && strcmp (decoded, text) == 0);
      VD_FUZZ_CHECK (decoded_form != NULL && strcmp (decoded_form, text) == 0);
    }
  else
    {
      VD_FUZZ_CHECK (decoded == NULL && decoded_form == NULL);
    }
}

/* A header name is an HTTP token (RFC 9110 §5.6.2): the signer is only ever given those, and
 * a name holding ';' could not be told apart in SignedHeaders. */
static gboolean
is_token (const char *name)
{
  if (name[0] == '\0')
    return FALSE;

  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("!#$%&'*+-.^_`|~", *p) == NULL)
      return FALSE;

  return TRUE;
}

static gboolean
params_equal (const VdParams *a,
              const VdParams *b)
{
  if (vd_params_get_length (a) != vd_params_get_length (b))
    return FALSE;

  for (guint i = 0; i < vd_params_get_length (a); i++)
    if (strcmp (vd_params_get_name (a, i), vd_params_get_name (b, i)) != 0 ||
        strcmp (vd_params_get_value (a, i), vd_params_get_value (b, i)) != 0)
      return FALSE;

  return TRUE;
}

static gboolean
params_are_utf8_with_names (const VdParams *params)
{
  for (guint i = 0; i < vd_params_get_length (params); i++)
    if (vd_params_get_name (params, i)[0] == '\0' ||
        !g_utf8_validate (vd_params_get_name (params, i), -1, NULL) ||
        !g_utf8_validate (vd_params_get_value (params, i), -1, NULL))
      return FALSE;

  return TRUE;
}

static void
check_params_sorted (const VdParams *params)
{
  for (guint i = 1; i < vd_params_get_length (params); i++)
    VD_FUZZ_CHECK (strcmp (vd_params_get_name (params, i - 1),
                           vd_params_get_name (params, i)) < 0);
}

static void
check_query (const VdParams *query,
             const VdParams *reversed)
{
  g_autofree char *canonical = vd_params_to_canonical (query);
  g_autofree char *again = vd_params_to_canonical (query);
  g_autofree char *from_reversed = vd_params_to_canonical (reversed);
  g_autoptr(VdParams) parsed = NULL;
  g_autoptr(GError) error = NULL;

  check_params_sorted (query);
  VD_FUZZ_CHECK (strcmp (canonical, again) == 0);
  VD_FUZZ_CHECK (strcmp (canonical, from_reversed) == 0);

  parsed = vd_params_parse_query (canonical, &error);
  if (params_are_utf8_with_names (query))
    VD_FUZZ_CHECK (parsed != NULL && params_equal (parsed, query));
  else
    VD_FUZZ_CHECK (parsed == NULL && error != NULL);
}

static void
check_v1 (const char     *method,
          const VdParams *query)
{
  g_autoptr(VdParams) without_signature = vd_params_copy (query);
  g_autofree char *to_sign = NULL;
  g_autofree char *again = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *signature = NULL;

  vd_params_remove (without_signature, "Signature");
  to_sign = vd_sign_v1_string_to_sign (method, without_signature);
  again = vd_sign_v1_string_to_sign (method, without_signature);
  canonical = vd_params_to_canonical (without_signature);
  expected = g_strconcat (method, "&%2F&", NULL);
  VD_FUZZ_CHECK (strcmp (to_sign, again) == 0);
  VD_FUZZ_CHECK (g_str_has_prefix (to_sign, expected));
  g_free (expected);
  expected = vd_percent_encode (canonical);
  VD_FUZZ_CHECK (strcmp (to_sign + strlen (method) + strlen ("&%2F&"), expected) == 0);

  signature = vd_sign_v1_signature ("secret", to_sign);
  VD_FUZZ_CHECK (strlen (signature) == 28);
}

/* method \n path \n query \n (name:value \n)* \n signed-names \n hash */
static void
check_v3 (const char     *method,
          const VdParams *query,
          const VdParams *headers,
          const VdParams *reversed_headers)
{
  static const char hash[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  g_autofree char *names = NULL;
  g_autofree char *names_again = NULL;
  g_autofree char *canonical =
    vd_sign_v3_canonical_request (method, "/", query, headers, hash, &names);
  g_autofree char *again =
    vd_sign_v3_canonical_request (method, "/", query, reversed_headers, hash, &names_again);
  g_autofree char *canonical_query = vd_params_to_canonical (query);
  g_autofree char *head = g_strconcat (method, "\n/\n", canonical_query, "\n", NULL);
  g_autofree char *tail = g_strconcat ("\n", names, "\n", hash, NULL);
  g_autofree char *to_sign = NULL;
  g_autofree char *signature = NULL;
  g_auto(GStrv) split = g_strsplit (names, ";", -1);

  VD_FUZZ_CHECK (strcmp (canonical, again) == 0);
  VD_FUZZ_CHECK (strcmp (names, names_again) == 0);
  VD_FUZZ_CHECK (g_str_has_prefix (canonical, head));
  VD_FUZZ_CHECK (g_str_has_suffix (canonical, tail));

  for (guint i = 0; split[i] != NULL && names[0] != '\0'; i++)
    {
      g_autofree char *lower = g_ascii_strdown (split[i], -1);

      VD_FUZZ_CHECK (strcmp (lower, split[i]) == 0);
      if (i > 0)
        VD_FUZZ_CHECK (strcmp (split[i - 1], split[i]) < 0);
    }

  to_sign = vd_sign_v3_string_to_sign (canonical);
  VD_FUZZ_CHECK (g_str_has_prefix (to_sign, VD_SIGNATURE_V3_ALGORITHM "\n"));
  VD_FUZZ_CHECK (strlen (to_sign) == strlen (VD_SIGNATURE_V3_ALGORITHM "\n") + 64);
  signature = vd_sign_v3_signature ("secret", to_sign);
  VD_FUZZ_CHECK (strlen (signature) == 64);
}

static char *
signed_request_text (const VdSignedRequest *request)
{
  g_autofree char *query = vd_params_to_canonical (request->query);
  g_autofree char *headers = vd_params_to_canonical (request->headers);

  return g_strconcat (query, "\n", headers, NULL);
}

/* A whole request for the business parameters in @query, as the client signs it. */
static void
check_whole_request (VdSignatureScheme  scheme,
                     const char        *method,
                     const VdParams    *query)
{
  g_autoptr(VdCredentials) credentials =
    vd_credentials_new ("LTAI5tFuzzKey", "FuzzSecret", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 28, 12, 0, 0);
  g_autoptr(VdParams) business = vd_params_copy (query);
  g_autoptr(VdSignedRequest) first = NULL;
  g_autoptr(VdSignedRequest) second = NULL;
  g_autofree char *first_text = NULL;
  g_autofree char *second_text = NULL;

  /* v1 signs every parameter but Signature itself; a business parameter of that name would
   * be the caller's mistake, which vd_sign_request's contract excludes. */
  vd_params_remove (business, "Signature");
  first = vd_sign_request (scheme, method, "cloudauth.aliyuncs.com", "VerifyMaterial",
                           "2019-03-07", "JSON", business, NULL, credentials, now, "nonce-1");
  second = vd_sign_request (scheme, method, "cloudauth.aliyuncs.com", "VerifyMaterial",
                            "2019-03-07", "JSON", business, NULL, credentials, now, "nonce-1");
  first_text = signed_request_text (first);
  second_text = signed_request_text (second);
  VD_FUZZ_CHECK (strcmp (first_text, second_text) == 0);

  if (scheme == VD_SIGNATURE_V3)
    {
      g_autofree char *key_id = NULL;
      g_autofree char *signed_headers = NULL;
      g_autofree char *signature = NULL;
      const char *authorization = vd_params_get (first->headers, "Authorization");

      VD_FUZZ_CHECK (authorization != NULL);
      VD_FUZZ_CHECK (vd_sign_v3_parse_authorization (authorization, &key_id, &signed_headers,
                                                     &signature));
      VD_FUZZ_CHECK (strcmp (key_id, "LTAI5tFuzzKey") == 0);
      VD_FUZZ_CHECK (strlen (signature) == 64);
    }
  else
    {
      VD_FUZZ_CHECK (vd_params_get (first->query, "Signature") != NULL);
    }
}

/* Text that arrives in an Authorization header or a Timestamp must never crash the parsers. */
static void
check_parsers (const char *text)
{
  g_autofree char *key_id = NULL;
  g_autofree char *signed_headers = NULL;
  g_autofree char *signature = NULL;
  g_autoptr(GDateTime) time = vd_sign_parse_timestamp (text);

  if (vd_sign_v3_parse_authorization (text, &key_id, &signed_headers, &signature))
    VD_FUZZ_CHECK (key_id != NULL && signed_headers != NULL && signature != NULL);
  else
    VD_FUZZ_CHECK (key_id == NULL && signed_headers == NULL && signature == NULL);

  if (time != NULL)
    {
      g_autofree char *formatted = vd_sign_format_timestamp (time);

      VD_FUZZ_CHECK (strcmp (formatted, text) == 0);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) fields = vd_fuzz_split (data, size, '\0');
  g_autoptr(VdParams) query = vd_params_new ();
  g_autoptr(VdParams) reversed_query = vd_params_new ();
  g_autoptr(VdParams) headers = vd_params_new ();
  g_autoptr(VdParams) reversed_headers = vd_params_new ();
  const char *method = g_ptr_array_index (fields, 0);

  if (method[0] == '\0')
    method = "POST";

  for (guint i = 1; i + 1 < fields->len; i += 2)
    {
      const char *name = g_ptr_array_index (fields, i);
      const char *value = g_ptr_array_index (fields, i + 1);

      check_percent_round_trip (name);
      check_percent_round_trip (value);
      check_parsers (value);

      if (g_str_has_prefix (name, HEADER_PREFIX))
        {
          g_autofree char *lower = g_ascii_strdown (name + strlen (HEADER_PREFIX), -1);

          /* Header names are case-insensitive: one name in two cases is one header. */
          if (is_token (lower) && vd_params_get (headers, lower) == NULL)
            vd_params_set (headers, lower, value);
        }
      else
        {
          vd_params_set (query, name, value);
        }
    }

  /* The same parameters set in the opposite order. */
  for (guint i = vd_params_get_length (query); i-- > 0;)
    vd_params_set (reversed_query, vd_params_get_name (query, i), vd_params_get_value (query, i));
  for (guint i = vd_params_get_length (headers); i-- > 0;)
    vd_params_set (reversed_headers, vd_params_get_name (headers, i),
                   vd_params_get_value (headers, i));

  check_query (query, reversed_query);
  check_v1 (method, query);
  check_v3 (method, query, headers, reversed_headers);
  check_whole_request (VD_SIGNATURE_V1, method, query);
  check_whole_request (VD_SIGNATURE_V3, method, query);

  return 0;
}
