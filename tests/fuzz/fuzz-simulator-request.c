/* fuzz-simulator-request.c: libFuzzer target for the simulator's request parser and checks
 *
 * Two kinds of input, chosen by the first byte:
 *
 *  - 'S': business parameters (the rest, cut at NUL bytes into name and value in turn; the
 *    byte after 'S' picks v1 or v3) that this target signs as the client does and hands to
 *    the gateway's checks. The checks must accept the request, or refuse it only for its
 *    business parameters: the signer and the gateway must never disagree. The same request
 *    a second time must be refused as a replay.
 *  - anything else: a raw HTTP request (request line, headers, blank line, body) read by
 *    libsoup's own header parser, as the server reads it, then checked. Whatever it holds,
 *    the checks must answer with a real-style refusal (a code, a 4xx status, a message) or
 *    accept parameters that hold every mandatory business parameter.
 *
 * No socket: vd_simulator_read_params and vd_simulator_accept_request read the request from
 * memory (vd-simulator-checks.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "vd-credentials.h"
#include "vd-fuzz.h"
#include "vd-simulator-checks.h"
#include "vd-verify-request.h"

#define SIGNED_MODE 'S'

/* Names the signer owns: a business parameter of one of these names is the caller's mistake
 * (vd_sign_request's contract), not something the gateway must accept. */
static const char * const protocol_names[] = {
  "AccessKeyId", "Action", "Format", "SecurityToken", "Signature", "SignatureMethod",
  "SignatureNonce", "SignatureType", "SignatureVersion", "Timestamp", "Version", NULL,
};

/* What only the business parameters can be refused with (vd-simulator-checks.c, step 6). */
static const char * const business_codes[] = {
  "MissingParameter", "InvalidParameter", "InvalidRegionId", NULL,
};

static const char * const required_business_params[] = {
  "BizType", "BizId", "Name", "IdCardNumber", "FaceImageUrl", NULL,
};

static GDateTime *
simulator_clock (void)
{
  return g_date_time_new_utc (2026, 11, 28, 12, 0, 0);
}

static VdSignatureScheme
scheme_of (SoupMessageHeaders *headers)
{
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");

  if (authorization != NULL && g_str_has_prefix (authorization, VD_SIGNATURE_V3_ALGORITHM))
    return VD_SIGNATURE_V3;
  return VD_SIGNATURE_V1;
}

/* Reads and checks one request the way the dispatcher does (vd-simulator.c). TRUE when
 * accepted; otherwise @rejection is filled in (its message is the caller's to free). */
static gboolean
check_request (VdSimulator          *simulator,
               const char           *method,
               const char           *path,
               const char           *raw_query,
               SoupMessageHeaders   *headers,
               GBytes               *body,
               VdParams            **accepted,
               VdSimulatorRejection *rejection)
{
  VdSimulatorRequest request = { 0, };
  VdSimulatorRejection params_problem = { 0, };
  gboolean ok;

  request.method = method;
  request.raw_query = raw_query;
  request.headers = headers;
  request.scheme = scheme_of (headers);
  request.body = g_bytes_ref (body);
  request.now = simulator_clock ();

  if (!vd_simulator_read_params (&request, &params_problem))
    VD_FUZZ_CHECK (params_problem.code != NULL && params_problem.message != NULL);

  ok = vd_simulator_accept_request (simulator, &request, path, &params_problem, rejection);
  if (ok && accepted != NULL)
    *accepted = vd_params_ref (request.params);

  g_free (params_problem.message);
  vd_simulator_request_clear (&request);
  return ok;
}

static void
check_refusal (const VdSimulatorRejection *rejection)
{
  VD_FUZZ_CHECK (rejection->code != NULL && rejection->code[0] != '\0');
  VD_FUZZ_CHECK (rejection->status >= 400 && rejection->status < 500);
  VD_FUZZ_CHECK (rejection->message != NULL && rejection->message[0] != '\0');
}

static void
check_accepted (const VdParams *params)
{
  for (guint i = 0; required_business_params[i] != NULL; i++)
    {
      const char *value = vd_params_get (params, required_business_params[i]);

      VD_FUZZ_CHECK (value != NULL && value[0] != '\0');
    }
}

/* --- raw HTTP --- */

/* Where the blank line that ends the head begins, or NULL (the input may hold NUL bytes). */
static const uint8_t *
find_end_of_head (const uint8_t *data,
                  size_t         size)
{
  for (size_t i = 0; i + 4 <= size; i++)
    if (memcmp (data + i, "\r\n\r\n", 4) == 0)
      return data + i;

  return NULL;
}

static void
fuzz_raw_request (const uint8_t *data,
                  size_t         size)
{
  g_autoptr(VdSimulator) simulator = vd_simulator_new ();
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  const uint8_t *end = find_end_of_head (data, size);
  gsize head_length = end != NULL ? (gsize) (end - data) + 2 : size;
  g_autofree char *head = g_strndup ((const char *) data, head_length);
  g_autoptr(GBytes) body = NULL;
  g_autofree char *method = NULL;
  g_autofree char *target = NULL;
  g_autofree char *path = NULL;
  g_autoptr(VdParams) accepted = NULL;
  VdSimulatorRejection rejection = { 0, };
  SoupHTTPVersion version;
  const char *query;

  if (head_length == 0 || strlen (head) != head_length)
    return;
  if (soup_headers_parse_request (head, (int) head_length, headers, &method, &target,
                                  &version) != SOUP_STATUS_OK)
    return;

  body = end != NULL ? g_bytes_new (end + 4, size - head_length - 2) : g_bytes_new (NULL, 0);
  query = strchr (target, '?');
  path = query != NULL ? g_strndup (target, (gsize) (query - target)) : g_strdup (target);

  if (check_request (simulator, method, path, query != NULL ? query + 1 : NULL, headers, body,
                     &accepted, &rejection))
    {
      check_accepted (accepted);
    }
  else
    {
      check_refusal (&rejection);
      g_free (rejection.message);
    }
}

/* --- signed by the client's signer --- */

static gboolean
is_usable_business_param (const char *name,
                          const char *value)
{
  return name[0] != '\0' && g_utf8_validate (name, -1, NULL) && g_utf8_validate (value, -1, NULL)
         && !g_strv_contains (protocol_names, name);
}

static void
fuzz_signed_request (const uint8_t *data,
                     size_t         size)
{
  g_autoptr(GPtrArray) fields = vd_fuzz_split (data, size, '\0');
  g_autoptr(VdSimulator) simulator = vd_simulator_new ();
  g_autoptr(VdCredentials) credentials =
    vd_credentials_new (VD_TRAINING_ACCESS_KEY_ID, VD_TRAINING_ACCESS_KEY_SECRET, NULL);
  g_autoptr(GDateTime) now = simulator_clock ();
  g_autoptr(VdParams) business = vd_params_new ();
  g_autoptr(VdSignedRequest) signed_request = NULL;
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(GBytes) body = g_bytes_new (NULL, 0);
  g_autofree char *query = NULL;
  const char *selector = g_ptr_array_index (fields, 0);
  VdSignatureScheme scheme = selector[0] % 2 == 0 ? VD_SIGNATURE_V3 : VD_SIGNATURE_V1;
  VdSimulatorRejection rejection = { 0, };
  g_autoptr(VdParams) accepted = NULL;

  for (guint i = 1; i + 1 < fields->len; i += 2)
    {
      const char *name = g_ptr_array_index (fields, i);
      const char *value = g_ptr_array_index (fields, i + 1);

      if (!is_usable_business_param (name, value))
        return;
      vd_params_set (business, name, value);
    }

  signed_request = vd_sign_request (scheme, SOUP_METHOD_POST, "127.0.0.1", VD_CLOUDAUTH_ACTION,
                                    VD_CLOUDAUTH_VERSION, "JSON", business, NULL, credentials,
                                    now, "fuzz-nonce");
  query = vd_params_to_canonical (signed_request->query);
  soup_message_headers_append (headers, "Host", "127.0.0.1");
  for (guint i = 0; i < vd_params_get_length (signed_request->headers); i++)
    soup_message_headers_replace (headers, vd_params_get_name (signed_request->headers, i),
                                  vd_params_get_value (signed_request->headers, i));

  if (check_request (simulator, SOUP_METHOD_POST, "/", query, headers, body, &accepted,
                     &rejection))
    {
      check_accepted (accepted);
      for (guint i = 0; i < vd_params_get_length (business); i++)
        VD_FUZZ_CHECK (g_strcmp0 (vd_params_get (accepted, vd_params_get_name (business, i)),
                                  vd_params_get_value (business, i)) == 0);

      /* The same request again is a replay. */
      VD_FUZZ_CHECK (!check_request (simulator, SOUP_METHOD_POST, "/", query, headers, body,
                                     NULL, &rejection));
      VD_FUZZ_CHECK (g_strcmp0 (rejection.code, "SignatureNonceUsed") == 0);
      g_free (rejection.message);
    }
  else
    {
      check_refusal (&rejection);
      if (!g_strv_contains (business_codes, rejection.code))
        fprintf (stderr, "refused: %s: %s\n", rejection.code, rejection.message);
      VD_FUZZ_CHECK (g_strv_contains (business_codes, rejection.code));
      g_free (rejection.message);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (size > 0 && data[0] == SIGNED_MODE)
    fuzz_signed_request (data + 1, size - 1);
  else
    fuzz_raw_request (data, size);

  return 0;
}
