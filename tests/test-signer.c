#include "config.h"

#include <string.h>

#include <glib.h>

#include "vd-signer.h"

/* The official v1 example (ECS DescribeRegions, GET). */
#define V1_ID        "testid"
#define V1_SECRET    "testsecret"
#define V1_NONCE     "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"
#define V1_VERSION   "2014-05-26"
#define V1_STRING_TO_SIGN \
  "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML" \
  "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf" \
  "%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z" \
  "%26Version%3D2014-05-26"
#define V1_SIGNATURE "OLeaidS1JvxuMvnyHOwuJ+uX5qY="

/* The official v3 example (ECS RunInstances, POST, empty body). */
#define V3_ID        "YourAccessKeyId"
#define V3_SECRET    "YourAccessKeySecret"
#define V3_HOST      "ecs.cn-shanghai.aliyuncs.com"
#define V3_NONCE     "3156853299f313e23d1673dc12e1703d"
#define V3_IMAGE_ID  "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"
#define ABC_SHA256   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define V3_SIGNED_HEADERS \
  "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version"
#define V3_CANONICAL_REQUEST \
  "POST\n" \
  "/\n" \
  "ImageId=" V3_IMAGE_ID "&RegionId=cn-shanghai\n" \
  "host:" V3_HOST "\n" \
  "x-acs-action:RunInstances\n" \
  "x-acs-content-sha256:" EMPTY_SHA256 "\n" \
  "x-acs-date:2023-10-26T10:22:32Z\n" \
  "x-acs-signature-nonce:" V3_NONCE "\n" \
  "x-acs-version:2014-05-26\n" \
  "\n" \
  V3_SIGNED_HEADERS "\n" \
  EMPTY_SHA256
#define V3_HASHED_REQUEST "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
#define V3_SIGNATURE "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
#define V3_AUTHORIZATION \
  "ACS3-HMAC-SHA256 Credential=" V3_ID ",SignedHeaders=" V3_SIGNED_HEADERS \
  ",Signature=" V3_SIGNATURE

#define STS_TOKEN "CAISsts-token/with+odd=chars"

/* "name=value&…" in iteration order, raw, for comparing whole contents. */
static char *
describe (const VdParams *params)
{
  GString *text = g_string_new (NULL);
  guint i;

  for (i = 0; i < vd_params_get_length (params); i++)
    {
      if (i > 0)
        g_string_append_c (text, '&');
      g_string_append_printf (text, "%s=%s",
                              vd_params_get_name (params, i), vd_params_get_value (params, i));
    }

  return g_string_free (text, FALSE);
}

static void
assert_params (const VdParams *params,
               const char     *expected)
{
  g_autofree char *described = describe (params);

  g_assert_cmpstr (described, ==, expected);
}

static GDateTime *
v1_time (void)
{
  return g_date_time_new_utc (2016, 2, 23, 12, 46, 24);
}

static GDateTime *
v3_time (void)
{
  return g_date_time_new_utc (2023, 10, 26, 10, 22, 32);
}

static VdParams *
v3_query (void)
{
  VdParams *query = vd_params_new ();

  vd_params_set (query, "ImageId", V3_IMAGE_ID);
  vd_params_set (query, "RegionId", "cn-shanghai");
  return query;
}

static VdSignedRequest *
sign_v1_example (const VdParams      *params,
                 const VdCredentials *credentials,
                 const char          *nonce)
{
  g_autoptr(GDateTime) now = v1_time ();

  return vd_sign_request (VD_SIGNATURE_V1, "GET", "ecs.aliyuncs.com", "DescribeRegions",
                          V1_VERSION, "XML", params, NULL, credentials, now, nonce);
}

static VdSignedRequest *
sign_v3_example (const VdParams      *params,
                 GBytes              *body,
                 const VdCredentials *credentials,
                 const char          *nonce)
{
  g_autoptr(GDateTime) now = v3_time ();

  return vd_sign_request (VD_SIGNATURE_V3, "POST", V3_HOST, "RunInstances", "2014-05-26",
                          NULL, params, body, credentials, now, nonce);
}

/* What a receiver does with a v3 request: rebuild the canonical request from what arrived. */
static char *
v3_canonical_of (const VdSignedRequest *request)
{
  g_autoptr(VdParams) signed_headers = vd_params_copy (request->headers);

  vd_params_remove (signed_headers, "Authorization");
  return vd_sign_v3_canonical_request ("POST", "/", request->query, signed_headers,
                                       vd_params_get (request->headers, "x-acs-content-sha256"),
                                       NULL);
}

static char *
v3_signature_of (const VdSignedRequest *request)
{
  g_autofree char *signature = NULL;

  g_assert_true (vd_sign_v3_parse_authorization (vd_params_get (request->headers, "Authorization"),
                                                 NULL, NULL, &signature));
  return g_steal_pointer (&signature);
}

/* --- schemes and timestamps --- */

static void
test_scheme_strings (void)
{
  VdSignatureScheme scheme = VD_SIGNATURE_V1;

  g_assert_cmpstr (vd_signature_scheme_to_string (VD_SIGNATURE_V1), ==, "v1");
  g_assert_cmpstr (vd_signature_scheme_to_string (VD_SIGNATURE_V3), ==, "v3");

  g_assert_true (vd_signature_scheme_parse ("v3", &scheme));
  g_assert_cmpint (scheme, ==, VD_SIGNATURE_V3);
  g_assert_true (vd_signature_scheme_parse ("v1", &scheme));
  g_assert_cmpint (scheme, ==, VD_SIGNATURE_V1);

  g_assert_false (vd_signature_scheme_parse ("v2", &scheme));
  g_assert_false (vd_signature_scheme_parse ("V3", &scheme));
  g_assert_false (vd_signature_scheme_parse ("v3 ", &scheme));
  g_assert_false (vd_signature_scheme_parse ("", &scheme));
  g_assert_false (vd_signature_scheme_parse (NULL, &scheme));
  g_assert_cmpint (scheme, ==, VD_SIGNATURE_V1);
}

static void
test_timestamp_format_utc (void)
{
  g_autoptr(GTimeZone) beijing = g_time_zone_new_offset (8 * 3600);
  g_autoptr(GTimeZone) west = g_time_zone_new_offset (-(5 * 3600 + 30 * 60));
  g_autoptr(GDateTime) local = g_date_time_new (beijing, 2016, 2, 23, 20, 46, 24);
  g_autoptr(GDateTime) late = g_date_time_new (west, 2023, 12, 31, 23, 59, 59.75);
  g_autoptr(GDateTime) early = g_date_time_new_utc (1, 1, 1, 0, 0, 0);
  g_autofree char *local_text = vd_sign_format_timestamp (local);
  g_autofree char *late_text = vd_sign_format_timestamp (late);
  g_autofree char *early_text = vd_sign_format_timestamp (early);

  g_assert_cmpstr (local_text, ==, "2016-02-23T12:46:24Z");
  g_assert_cmpstr (late_text, ==, "2024-01-01T05:29:59Z");
  g_assert_cmpstr (early_text, ==, "0001-01-01T00:00:00Z");
}

static void
test_timestamp_parse_valid (void)
{
  g_autoptr(GDateTime) parsed = vd_sign_parse_timestamp ("2016-02-29T23:59:59Z");
  g_autoptr(GDateTime) expected = g_date_time_new_utc (2016, 2, 29, 23, 59, 59);
  g_autofree char *formatted = NULL;

  g_assert_nonnull (parsed);
  g_assert_true (g_date_time_equal (parsed, expected));
  g_assert_cmpint (g_date_time_get_utc_offset (parsed), ==, 0);
  formatted = vd_sign_format_timestamp (parsed);
  g_assert_cmpstr (formatted, ==, "2016-02-29T23:59:59Z");
}

static void
test_timestamp_parse_rejects (void)
{
  const char *invalid[] = {
    "",
    "2016-02-23T12:46:24",
    "2016-02-23T12:46:24z",
    "2016-02-23 12:46:24Z",
    "2016-02-23t12:46:24Z",
    "2016-02-23T12:46:24+08:00",
    "2016-02-23T12:46:24.000Z",
    "2016-02-23T12:46:24ZZ",
    " 2016-02-23T12:46:24Z",
    "2016-2-23T12:46:24Z",
    "2016/02/23T12:46:24Z",
    "+016-02-23T12:46:24Z",
    "2016-02-23T12:4a:24Z",
    "2015-02-29T00:00:00Z",
    "2016-02-30T00:00:00Z",
    "2016-13-01T00:00:00Z",
    "2016-00-01T00:00:00Z",
    "2016-01-00T00:00:00Z",
    "2016-01-01T24:00:00Z",
    "2016-01-01T00:60:00Z",
    "2016-01-01T00:00:60Z",
    "0000-01-01T00:00:00Z",
    "1456231584",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GDateTime) parsed = vd_sign_parse_timestamp (invalid[i]);

      if (parsed != NULL)
        g_error ("“%s” parsed as a timestamp", invalid[i]);
    }

  g_assert_null (vd_sign_parse_timestamp (NULL));
}

static void
test_payload_hash (void)
{
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) abc = g_bytes_new_static ("abc", 3);
  g_autofree char *of_null = vd_sign_payload_hash (NULL);
  g_autofree char *of_empty = vd_sign_payload_hash (empty);
  g_autofree char *of_abc = vd_sign_payload_hash (abc);

  g_assert_cmpstr (of_null, ==, EMPTY_SHA256);
  g_assert_cmpstr (of_empty, ==, EMPTY_SHA256);
  g_assert_cmpstr (of_abc, ==, ABC_SHA256);
}

/* --- v1 --- */

static void
test_v1_official_example (void)
{
  g_autoptr(VdParams) params = vd_params_new ();
  g_autofree char *string_to_sign = NULL;
  g_autofree char *signature = NULL;

  vd_params_set (params, "Timestamp", "2016-02-23T12:46:24Z");
  vd_params_set (params, "Format", "XML");
  vd_params_set (params, "AccessKeyId", V1_ID);
  vd_params_set (params, "Action", "DescribeRegions");
  vd_params_set (params, "SignatureMethod", "HMAC-SHA1");
  vd_params_set (params, "SignatureNonce", V1_NONCE);
  vd_params_set (params, "SignatureVersion", "1.0");
  vd_params_set (params, "Version", V1_VERSION);

  string_to_sign = vd_sign_v1_string_to_sign ("GET", params);
  g_assert_cmpstr (string_to_sign, ==, V1_STRING_TO_SIGN);

  signature = vd_sign_v1_signature (V1_SECRET, string_to_sign);
  g_assert_cmpstr (signature, ==, V1_SIGNATURE);
}

static void
test_v1_official_example_request (void)
{
  g_autoptr(VdCredentials) credentials = vd_credentials_new (V1_ID, V1_SECRET, NULL);
  g_autoptr(VdSignedRequest) request = sign_v1_example (NULL, credentials, V1_NONCE);
  g_autofree char *string_to_sign = NULL;

  g_assert_nonnull (request);
  assert_params (request->query,
                 "AccessKeyId=testid&Action=DescribeRegions&Format=XML"
                 "&Signature=" V1_SIGNATURE "&SignatureMethod=HMAC-SHA1"
                 "&SignatureNonce=" V1_NONCE "&SignatureVersion=1.0"
                 "&Timestamp=2016-02-23T12:46:24Z&Version=2014-05-26");
  g_assert_cmpuint (vd_params_get_length (request->headers), ==, 0);

  /* The query as sent, Signature included, gives the official string to sign back. */
  string_to_sign = vd_sign_v1_string_to_sign ("GET", request->query);
  g_assert_cmpstr (string_to_sign, ==, V1_STRING_TO_SIGN);
}

static void
test_v1_method_is_signed (void)
{
  g_autoptr(VdParams) params = vd_params_new ();
  g_autofree char *get = NULL;
  g_autofree char *post = NULL;
  g_autofree char *get_signature = NULL;
  g_autofree char *post_signature = NULL;

  vd_params_set (params, "Action", "VerifyMaterial");
  get = vd_sign_v1_string_to_sign ("GET", params);
  post = vd_sign_v1_string_to_sign ("POST", params);
  get_signature = vd_sign_v1_signature (V1_SECRET, get);
  post_signature = vd_sign_v1_signature (V1_SECRET, post);

  g_assert_cmpstr (get, ==, "GET&%2F&Action%3DVerifyMaterial");
  g_assert_cmpstr (post, ==, "POST&%2F&Action%3DVerifyMaterial");
  g_assert_cmpstr (get_signature, !=, post_signature);
}

static void
test_v1_format_defaults_to_json (void)
{
  g_autoptr(VdCredentials) credentials = vd_credentials_new (V1_ID, V1_SECRET, NULL);
  g_autoptr(GDateTime) now = v1_time ();
  g_autoptr(VdSignedRequest) request =
    vd_sign_request (VD_SIGNATURE_V1, "POST", "cloudauth.aliyuncs.com", "VerifyMaterial",
                     "2019-03-07", NULL, NULL, NULL, credentials, now, V1_NONCE);

  g_assert_cmpstr (vd_params_get (request->query, "Format"), ==, "JSON");
  g_assert_cmpstr (vd_params_get (request->query, "Action"), ==, "VerifyMaterial");
  g_assert_cmpstr (vd_params_get (request->query, "Version"), ==, "2019-03-07");
}

static void
test_v1_common_params_win (void)
{
  g_autoptr(VdCredentials) credentials = vd_credentials_new (V1_ID, V1_SECRET, NULL);
  g_autoptr(VdParams) params = vd_params_new ();
  g_autoptr(VdSignedRequest) request = NULL;

  /* Business parameters cannot replace what the signature vouches for. */
  vd_params_set (params, "AccessKeyId", "someone-else");
  vd_params_set (params, "Timestamp", "1999-01-01T00:00:00Z");
  vd_params_set (params, "Signature", "forged");
  vd_params_set (params, "SecurityToken", "stale");
  request = sign_v1_example (params, credentials, V1_NONCE);

  g_assert_cmpstr (vd_params_get (request->query, "AccessKeyId"), ==, V1_ID);
  g_assert_cmpstr (vd_params_get (request->query, "Timestamp"), ==, "2016-02-23T12:46:24Z");
  g_assert_cmpstr (vd_params_get (request->query, "Signature"), ==, V1_SIGNATURE);
  g_assert_null (vd_params_get (request->query, "SecurityToken"));
}

static void
test_v1_business_params_signed (void)
{
  g_autoptr(VdCredentials) credentials = vd_credentials_new (V1_ID, V1_SECRET, NULL);
  g_autoptr(VdParams) params = vd_params_new ();
  g_autoptr(VdSignedRequest) request = NULL;
  g_autofree char *string_to_sign = NULL;
  g_autofree char *signature = NULL;

  vd_params_set (params, "RegionId", "cn-hangzhou");
  vd_params_set (params, "BizId", "task-1");
  request = sign_v1_example (params, credentials, V1_NONCE);
  string_to_sign = vd_sign_v1_string_to_sign ("GET", request->query);
  signature = vd_sign_v1_signature (V1_SECRET, string_to_sign);

  g_assert_cmpstr (vd_params_get (request->query, "RegionId"), ==, "cn-hangzhou");
  g_assert_cmpstr (vd_params_get (request->query, "BizId"), ==, "task-1");
  g_assert_true (g_str_has_prefix (string_to_sign,
                                   "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions"
                                   "%26BizId%3Dtask-1%26Format%3DXML"));
  g_assert_cmpstr (vd_params_get (request->query, "Signature"), ==, signature);
  g_assert_cmpstr (signature, !=, V1_SIGNATURE);
}

/* --- v3 --- */

static void
test_v3_official_example (void)
{
  g_autoptr(VdParams) query = v3_query ();
  g_autoptr(VdParams) headers = vd_params_new ();
  g_autofree char *signed_headers = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *string_to_sign = NULL;
  g_autofree char *signature = NULL;

  vd_params_set (headers, "host", V3_HOST);
  vd_params_set (headers, "x-acs-action", "RunInstances");
  vd_params_set (headers, "x-acs-version", "2014-05-26");
  vd_params_set (headers, "x-acs-date", "2023-10-26T10:22:32Z");
  vd_params_set (headers, "x-acs-signature-nonce", V3_NONCE);
  vd_params_set (headers, "x-acs-content-sha256", EMPTY_SHA256);

  canonical = vd_sign_v3_canonical_request ("POST", "/", query, headers, EMPTY_SHA256,
                                            &signed_headers);
  g_assert_cmpstr (canonical, ==, V3_CANONICAL_REQUEST);
  g_assert_cmpstr (signed_headers, ==, V3_SIGNED_HEADERS);

  string_to_sign = vd_sign_v3_string_to_sign (canonical);
  g_assert_cmpstr (string_to_sign, ==, "ACS3-HMAC-SHA256\n" V3_HASHED_REQUEST);

  signature = vd_sign_v3_signature (V3_SECRET, string_to_sign);
  g_assert_cmpstr (signature, ==, V3_SIGNATURE);
}

static void
test_v3_official_example_request (void)
{
  g_autoptr(VdCredentials) credentials = vd_credentials_new (V3_ID, V3_SECRET, NULL);
  g_autoptr(VdParams) query = v3_query ();
  g_autoptr(VdSignedRequest) request = sign_v3_example (query, NULL, credentials, V3_NONCE);
  g_autofree char *canonical = NULL;

  g_assert_nonnull (request);
  assert_params (request->query,
                 "ImageId=" V3_IMAGE_ID "&RegionId=cn-shanghai");
  assert_params (request->headers,
                 "Authorization=" V3_AUTHORIZATION
                 "&host=" V3_HOST
                 "&x-acs-action=RunInstances"
                 "&x-acs-content-sha256=" EMPTY_SHA256
                 "&x-acs-date=2023-10-26T10:22:32Z"
                 "&x-acs-signature-nonce=" V3_NONCE
                 "&x-acs-version=2014-05-26");

  canonical = v3_canonical_of (request);
  g_assert_cmpstr (canonical, ==, V3_CANONICAL_REQUEST);
}

static void
test_v3_headers_normalised (void)
{
  g_autoptr(VdParams) headers = vd_params_new ();
  g_autofree char *signed_headers = NULL;
  g_autofree char *canonical = NULL;

  vd_params_set (headers, "Host", "  example.com\t");
  vd_params_set (headers, "X-Acs-Action", " VerifyMaterial ");
  vd_params_set (headers, "content-type", "application/x-www-form-urlencoded");

  canonical = vd_sign_v3_canonical_request ("GET", NULL, NULL, headers, EMPTY_SHA256,
                                            &signed_headers);

  g_assert_cmpstr (canonical, ==,
                   "GET\n/\n\n"
                   "content-type:application/x-www-form-urlencoded\n"
                   "host:example.com\n"
                   "x-acs-action:VerifyMaterial\n"
                   "\n"
                   "content-type;host;x-acs-action\n"
                   EMPTY_SHA256);
  g_assert_cmpstr (signed_headers, ==, "content-type;host;x-acs-action");
}

static void
test_v3_body_is_hashed (void)
{
  g_autoptr(VdCredentials) credentials = vd_credentials_new (V3_ID, V3_SECRET, NULL);
  g_autoptr(VdParams) query = v3_query ();
  g_autoptr(GBytes) body = g_bytes_new_static ("abc", 3);
  g_autoptr(VdSignedRequest) request = sign_v3_example (query, body, credentials, V3_NONCE);
  g_autofree char *signature = v3_signature_of (request);
  g_autofree char *canonical = v3_canonical_of (request);
  g_autofree char *string_to_sign = vd_sign_v3_string_to_sign (canonical);
  g_autofree char *expected = vd_sign_v3_signature (V3_SECRET, string_to_sign);

  g_assert_cmpstr (vd_params_get (request->headers, "x-acs-content-sha256"), ==, ABC_SHA256);
  g_assert_true (g_str_has_suffix (canonical, "\n" ABC_SHA256));
  g_assert_cmpstr (signature, ==, expected);
  g_assert_cmpstr (signature, !=, V3_SIGNATURE);
}

static void
test_v3_parse_authorization (void)
{
  g_autofree char *id = NULL;
  g_autofree char *names = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *spaced_id = NULL;
  g_autofree char *spaced_signature = NULL;

  g_assert_true (vd_sign_v3_parse_authorization (V3_AUTHORIZATION, &id, &names, &signature));
  g_assert_cmpstr (id, ==, V3_ID);
  g_assert_cmpstr (names, ==, V3_SIGNED_HEADERS);
  g_assert_cmpstr (signature, ==, V3_SIGNATURE);

  g_assert_true (vd_sign_v3_parse_authorization ("ACS3-HMAC-SHA256 Credential=LTAIabc, "
                                                 "SignedHeaders=host,  Signature=ABCdef01",
                                                 &spaced_id, NULL, &spaced_signature));
  g_assert_cmpstr (spaced_id, ==, "LTAIabc");
  g_assert_cmpstr (spaced_signature, ==, "ABCdef01");
}

static void
test_v3_parse_authorization_rejects (void)
{
  const char *invalid[] = {
    "",
    "ACS3-HMAC-SHA256",
    "ACS3-HMAC-SHA256 ",
    "ACS3-HMAC-SHA1 Credential=a,SignedHeaders=host,Signature=00",
    "acs3-hmac-sha256 Credential=a,SignedHeaders=host,Signature=00",
    "ACS3-HMAC-SHA256Credential=a,SignedHeaders=host,Signature=00",
    "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host",
    "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host,Signature=00,",
    "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host,Signature=00,Extra=1",
    "ACS3-HMAC-SHA256 Credential=a,Credential=b,Signature=00",
    "ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=00",
    "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=,Signature=00",
    "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host;;x-acs-date,Signature=00",
    "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host,Signature=",
    "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host,Signature=xyz",
    "ACS3-HMAC-SHA256 Credential=a b,SignedHeaders=host,Signature=00",
    "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host,Signature=00 ",
    "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host,Signature",
    "ACS3-HMAC-SHA256 credential=a,SignedHeaders=host,Signature=00",
    "Credential=a,SignedHeaders=host,Signature=00",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      char *id = (char *) "untouched";
      char *names = (char *) "untouched";
      char *signature = (char *) "untouched";

      if (vd_sign_v3_parse_authorization (invalid[i], &id, &names, &signature))
        g_error ("“%s” parsed as an Authorization header", invalid[i]);
      g_assert_null (id);
      g_assert_null (names);
      g_assert_null (signature);
    }

  g_assert_false (vd_sign_v3_parse_authorization (NULL, NULL, NULL, NULL));
}

/* --- encoding through both schemes --- */

static void
test_chinese_name_encoded (void)
{
  g_autoptr(VdCredentials) credentials = vd_credentials_new (V1_ID, V1_SECRET, NULL);
  g_autoptr(VdParams) params = vd_params_new ();
  g_autoptr(VdSignedRequest) v1 = NULL;
  g_autoptr(VdSignedRequest) v3 = NULL;
  g_autofree char *string_to_sign = NULL;
  g_autofree char *canonical = NULL;

  vd_params_set (params, "Name", "张三");
  v1 = sign_v1_example (params, credentials, V1_NONCE);
  v3 = sign_v3_example (params, NULL, credentials, V3_NONCE);
  string_to_sign = vd_sign_v1_string_to_sign ("GET", v1->query);
  canonical = v3_canonical_of (v3);

  /* v1 encodes the canonical query a second time, so each '%' becomes %25. */
  g_assert_nonnull (strstr (string_to_sign, "%26Name%3D%25E5%25BC%25A0%25E4%25B8%2589%26"));
  g_assert_nonnull (strstr (canonical, "\nName=%E5%BC%A0%E4%B8%89\n"));
  g_assert_cmpstr (vd_params_get (v3->query, "Name"), ==, "张三");
}

static void
test_space_and_plus_differ (void)
{
  g_autoptr(VdCredentials) credentials = vd_credentials_new (V1_ID, V1_SECRET, NULL);
  g_autoptr(VdParams) spaced = vd_params_new ();
  g_autoptr(VdParams) plussed = vd_params_new ();
  g_autoptr(VdSignedRequest) v1_spaced = NULL;
  g_autoptr(VdSignedRequest) v1_plussed = NULL;
  g_autoptr(VdSignedRequest) v3_spaced = NULL;
  g_autoptr(VdSignedRequest) v3_plussed = NULL;
  g_autofree char *v1_spaced_text = NULL;
  g_autofree char *v1_plussed_text = NULL;
  g_autofree char *v3_spaced_canonical = NULL;
  g_autofree char *v3_plussed_canonical = NULL;
  g_autofree char *v3_spaced_signature = NULL;
  g_autofree char *v3_plussed_signature = NULL;

  vd_params_set (spaced, "Name", "Li Si");
  vd_params_set (plussed, "Name", "Li+Si");
  v1_spaced = sign_v1_example (spaced, credentials, V1_NONCE);
  v1_plussed = sign_v1_example (plussed, credentials, V1_NONCE);
  v3_spaced = sign_v3_example (spaced, NULL, credentials, V3_NONCE);
  v3_plussed = sign_v3_example (plussed, NULL, credentials, V3_NONCE);

  v1_spaced_text = vd_sign_v1_string_to_sign ("GET", v1_spaced->query);
  v1_plussed_text = vd_sign_v1_string_to_sign ("GET", v1_plussed->query);
  g_assert_nonnull (strstr (v1_spaced_text, "%26Name%3DLi%2520Si%26"));
  g_assert_nonnull (strstr (v1_plussed_text, "%26Name%3DLi%252BSi%26"));
  g_assert_cmpstr (vd_params_get (v1_spaced->query, "Signature"), !=,
                   vd_params_get (v1_plussed->query, "Signature"));

  v3_spaced_canonical = v3_canonical_of (v3_spaced);
  v3_plussed_canonical = v3_canonical_of (v3_plussed);
  g_assert_nonnull (strstr (v3_spaced_canonical, "\nName=Li%20Si\n"));
  g_assert_nonnull (strstr (v3_plussed_canonical, "\nName=Li%2BSi\n"));
  v3_spaced_signature = v3_signature_of (v3_spaced);
  v3_plussed_signature = v3_signature_of (v3_plussed);
  g_assert_cmpstr (v3_spaced_signature, !=, v3_plussed_signature);
}

/* --- STS tokens --- */

static void
test_sts_v1 (void)
{
  g_autoptr(VdCredentials) plain = vd_credentials_new (V1_ID, V1_SECRET, NULL);
  g_autoptr(VdCredentials) sts = vd_credentials_new (V1_ID, V1_SECRET, STS_TOKEN);
  g_autoptr(VdSignedRequest) without = sign_v1_example (NULL, plain, V1_NONCE);
  g_autoptr(VdSignedRequest) with = sign_v1_example (NULL, sts, V1_NONCE);
  g_autofree char *string_to_sign = vd_sign_v1_string_to_sign ("GET", with->query);
  g_autofree char *expected = vd_sign_v1_signature (V1_SECRET, string_to_sign);

  g_assert_null (vd_params_get (without->query, "SecurityToken"));
  g_assert_cmpstr (vd_params_get (without->query, "Signature"), ==, V1_SIGNATURE);

  g_assert_cmpstr (vd_params_get (with->query, "SecurityToken"), ==, STS_TOKEN);
  g_assert_nonnull (strstr (string_to_sign,
                            "%26SecurityToken%3DCAISsts-token%252Fwith%252Bodd%253Dchars%26"));
  g_assert_cmpstr (vd_params_get (with->query, "Signature"), ==, expected);
  g_assert_cmpstr (expected, !=, V1_SIGNATURE);
}

static void
test_sts_v3 (void)
{
  g_autoptr(VdCredentials) plain = vd_credentials_new (V3_ID, V3_SECRET, NULL);
  g_autoptr(VdCredentials) sts = vd_credentials_new (V3_ID, V3_SECRET, STS_TOKEN);
  g_autoptr(VdParams) query = v3_query ();
  g_autoptr(VdSignedRequest) without = sign_v3_example (query, NULL, plain, V3_NONCE);
  g_autoptr(VdSignedRequest) with = sign_v3_example (query, NULL, sts, V3_NONCE);
  g_autofree char *id = NULL;
  g_autofree char *names = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *canonical = v3_canonical_of (with);
  g_autofree char *string_to_sign = vd_sign_v3_string_to_sign (canonical);
  g_autofree char *expected = vd_sign_v3_signature (V3_SECRET, string_to_sign);

  g_assert_null (vd_params_get (without->headers, "x-acs-security-token"));
  g_assert_cmpstr (vd_params_get (without->headers, "Authorization"), ==, V3_AUTHORIZATION);

  g_assert_cmpstr (vd_params_get (with->headers, "x-acs-security-token"), ==, STS_TOKEN);
  g_assert_null (vd_params_get (with->query, "SecurityToken"));
  g_assert_true (vd_sign_v3_parse_authorization (vd_params_get (with->headers, "Authorization"),
                                                 &id, &names, &signature));
  g_assert_cmpstr (id, ==, V3_ID);
  g_assert_cmpstr (names, ==,
                   "host;x-acs-action;x-acs-content-sha256;x-acs-date;"
                   "x-acs-security-token;x-acs-signature-nonce;x-acs-version");
  g_assert_nonnull (strstr (canonical, "\nx-acs-security-token:" STS_TOKEN "\n"));
  g_assert_cmpstr (signature, ==, expected);
  g_assert_cmpstr (signature, !=, V3_SIGNATURE);
}

/* --- one attempt, one nonce, UTC --- */

static void
test_fresh_nonce_changes_signature (void)
{
  g_autoptr(VdCredentials) credentials = vd_credentials_new (V3_ID, V3_SECRET, NULL);
  g_autoptr(VdParams) query = v3_query ();
  g_autoptr(VdSignedRequest) v1_retry = sign_v1_example (NULL, credentials, "another-nonce");
  g_autoptr(VdSignedRequest) v3_first = sign_v3_example (query, NULL, credentials, V3_NONCE);
  g_autoptr(VdSignedRequest) v3_retry = sign_v3_example (query, NULL, credentials, "n2");
  g_autoptr(VdSignedRequest) v1_first = sign_v1_example (NULL, credentials, V1_NONCE);
  g_autofree char *v3_first_signature = v3_signature_of (v3_first);
  g_autofree char *v3_retry_signature = v3_signature_of (v3_retry);

  g_assert_cmpstr (vd_params_get (v1_retry->query, "SignatureNonce"), ==, "another-nonce");
  g_assert_cmpstr (vd_params_get (v1_retry->query, "Signature"), !=,
                   vd_params_get (v1_first->query, "Signature"));
  g_assert_cmpstr (vd_params_get (v3_retry->headers, "x-acs-signature-nonce"), ==, "n2");
  g_assert_cmpstr (v3_first_signature, !=, v3_retry_signature);
}

static void
test_non_utc_now (void)
{
  g_autoptr(VdCredentials) credentials = vd_credentials_new (V1_ID, V1_SECRET, NULL);
  g_autoptr(GTimeZone) beijing = g_time_zone_new_offset (8 * 3600);
  g_autoptr(GDateTime) v1_now = g_date_time_new (beijing, 2016, 2, 23, 20, 46, 24);
  g_autoptr(GDateTime) v3_now = g_date_time_new (beijing, 2023, 10, 26, 18, 22, 32);
  g_autoptr(VdCredentials) v3_credentials = vd_credentials_new (V3_ID, V3_SECRET, NULL);
  g_autoptr(VdParams) query = v3_query ();
  g_autoptr(VdSignedRequest) v1 = NULL;
  g_autoptr(VdSignedRequest) v3 = NULL;

  v1 = vd_sign_request (VD_SIGNATURE_V1, "GET", "ecs.aliyuncs.com", "DescribeRegions",
                        V1_VERSION, "XML", NULL, NULL, credentials, v1_now, V1_NONCE);
  v3 = vd_sign_request (VD_SIGNATURE_V3, "POST", V3_HOST, "RunInstances", "2014-05-26",
                        NULL, query, NULL, v3_credentials, v3_now, V3_NONCE);

  g_assert_cmpstr (vd_params_get (v1->query, "Timestamp"), ==, "2016-02-23T12:46:24Z");
  g_assert_cmpstr (vd_params_get (v1->query, "Signature"), ==, V1_SIGNATURE);
  g_assert_cmpstr (vd_params_get (v3->headers, "x-acs-date"), ==, "2023-10-26T10:22:32Z");
  g_assert_cmpstr (vd_params_get (v3->headers, "Authorization"), ==, V3_AUTHORIZATION);
}

/* --- credentials --- */

static void
test_credentials_mask_id (void)
{
  const struct {
    const char *id;
    const char *masked;
  } cases[] = {
    { "LTAI5tAbCdEfGhIjKlMnwxyz", "LTAI****************wxyz" },
    { "ABCDEFGHIJKL", "ABCD****IJKL" },
    { "ABCDEFGHIJK", "AB*********" },
    { "abc", "ab*" },
    { "ab", "ab" },
    { "a", "a" },
    { "", "" },
    { "张三李四王五赵六钱七孙八", "张三李四****钱七孙八" },
  };
  g_autofree char *of_null = vd_credentials_mask_id (NULL);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *masked = vd_credentials_mask_id (cases[i].id);

      g_assert_cmpstr (masked, ==, cases[i].masked);
    }
  g_assert_cmpstr (of_null, ==, "");
}

static void
test_credentials_getters (void)
{
  g_autoptr(VdCredentials) credentials = vd_credentials_new ("LTAIid", "s3cret ", STS_TOKEN);

  g_assert_cmpstr (vd_credentials_get_access_key_id (credentials), ==, "LTAIid");
  /* Kept exactly as given: a pasted trailing space is the caller's to refuse, not ours to
   * hide by signing with a different secret than the one stored. */
  g_assert_cmpstr (vd_credentials_get_access_key_secret (credentials), ==, "s3cret ");
  g_assert_cmpstr (vd_credentials_get_security_token (credentials), ==, STS_TOKEN);
}

static void
test_credentials_empty_token_is_none (void)
{
  g_autoptr(VdCredentials) empty = vd_credentials_new (V1_ID, V1_SECRET, "");
  g_autoptr(VdCredentials) none = vd_credentials_new (V1_ID, V1_SECRET, NULL);
  g_autoptr(VdSignedRequest) v1 = sign_v1_example (NULL, empty, V1_NONCE);
  g_autoptr(VdSignedRequest) v3 = sign_v3_example (NULL, NULL, empty, V3_NONCE);

  g_assert_null (vd_credentials_get_security_token (empty));
  g_assert_null (vd_credentials_get_security_token (none));
  g_assert_null (vd_params_get (v1->query, "SecurityToken"));
  g_assert_null (vd_params_get (v3->headers, "x-acs-security-token"));
  g_assert_cmpstr (vd_params_get (v1->query, "Signature"), ==, V1_SIGNATURE);
}

static void
test_credentials_boxed_ref (void)
{
  g_autoptr(VdCredentials) credentials = vd_credentials_new (V1_ID, V1_SECRET, NULL);
  VdCredentials *boxed = g_boxed_copy (VD_TYPE_CREDENTIALS, credentials);

  g_assert_true (boxed == credentials);
  g_boxed_free (VD_TYPE_CREDENTIALS, boxed);
  g_assert_cmpstr (vd_credentials_get_access_key_secret (credentials), ==, V1_SECRET);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/signer/scheme-strings", test_scheme_strings);
  g_test_add_func ("/signer/timestamp/format-utc", test_timestamp_format_utc);
  g_test_add_func ("/signer/timestamp/parse-valid", test_timestamp_parse_valid);
  g_test_add_func ("/signer/timestamp/parse-rejects", test_timestamp_parse_rejects);
  g_test_add_func ("/signer/payload-hash", test_payload_hash);
  g_test_add_func ("/signer/v1/official-example", test_v1_official_example);
  g_test_add_func ("/signer/v1/official-example-request", test_v1_official_example_request);
  g_test_add_func ("/signer/v1/method-is-signed", test_v1_method_is_signed);
  g_test_add_func ("/signer/v1/format-defaults-to-json", test_v1_format_defaults_to_json);
  g_test_add_func ("/signer/v1/common-params-win", test_v1_common_params_win);
  g_test_add_func ("/signer/v1/business-params-signed", test_v1_business_params_signed);
  g_test_add_func ("/signer/v3/official-example", test_v3_official_example);
  g_test_add_func ("/signer/v3/official-example-request", test_v3_official_example_request);
  g_test_add_func ("/signer/v3/headers-normalised", test_v3_headers_normalised);
  g_test_add_func ("/signer/v3/body-is-hashed", test_v3_body_is_hashed);
  g_test_add_func ("/signer/v3/parse-authorization", test_v3_parse_authorization);
  g_test_add_func ("/signer/v3/parse-authorization-rejects", test_v3_parse_authorization_rejects);
  g_test_add_func ("/signer/encoding/chinese-name", test_chinese_name_encoded);
  g_test_add_func ("/signer/encoding/space-and-plus-differ", test_space_and_plus_differ);
  g_test_add_func ("/signer/sts/v1", test_sts_v1);
  g_test_add_func ("/signer/sts/v3", test_sts_v3);
  g_test_add_func ("/signer/fresh-nonce-changes-signature", test_fresh_nonce_changes_signature);
  g_test_add_func ("/signer/non-utc-now", test_non_utc_now);
  g_test_add_func ("/signer/credentials/mask-id", test_credentials_mask_id);
  g_test_add_func ("/signer/credentials/getters", test_credentials_getters);
  g_test_add_func ("/signer/credentials/empty-token-is-none", test_credentials_empty_token_is_none);
  g_test_add_func ("/signer/credentials/boxed-ref", test_credentials_boxed_ref);

  return g_test_run ();
}
