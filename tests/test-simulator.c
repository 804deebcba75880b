/* test-simulator.c: the built-in gateway, driven over 127.0.0.1 by a plain SoupSession with
 * requests signed by src/core (and hand-made bad ones). The answers are read with json-glib and
 * GMarkup directly, not with the app's answer parser. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "vd-sample-customers.h"
#include "vd-signer.h"
#include "vd-simulator.h"
#include "vd-verify-request.h"
#include "vd-test-util.h"

#define WAIT_LIMIT_MS   15000
#define PASS_NAME       "李娜"
#define PASS_NUMBER     "330106198803150421"
#define FACE_URL        "https://images.example.com/face.jpg"
#define FRONT_URL       "https://images.example.com/front.jpg"
#define BACK_URL        "https://images.example.com/back.jpg"
#define STS_KEY_ID      "STS.NSimulatorTestKey01"
#define STS_SECRET      "StsSecretForTheSimulatorTest01"
#define STS_TOKEN       "CAIS8gF1q6Ft5B2yfSjIr5bSSimulatorTestToken"
#define EMPTY_SHA256    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* A self-signed certificate for 127.0.0.1 (EC P-256, valid 2026–2126), made for these tests
 * with openssl req -x509 -addext subjectAltName=IP:127.0.0.1. */
static const char certificate_pem[] =
  "-----BEGIN CERTIFICATE-----\n"
  "MIIB2TCCAYCgAwIBAgIUcRAXCbm5mdoM9OTlkP1Sh0DPiSIwCgYIKoZIzj0EAwIw\n"
  "OTESMBAGA1UEAwwJMTI3LjAuMC4xMSMwIQYDVQQKDBpWZXJpZnlEZXNrIHNpbXVs\n"
  "YXRvciB0ZXN0czAgFw0yNjExMjgxMDAwMDNaGA8yMTI2MTEwNDEwMDAwM1owOTES\n"
  "MBAGA1UEAwwJMTI3LjAuMC4xMSMwIQYDVQQKDBpWZXJpZnlEZXNrIHNpbXVsYXRv\n"
  "ciB0ZXN0czBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABOVqGV9vPbXFHP68+SZ2\n"
  "tpFzrlmFr7ukgjaJh66CczXHIX4AKx3MsWeC2aJKIh+UBgHMmTd0aFFlYS21e7/q\n"
  "zaOjZDBiMB0GA1UdDgQWBBQS9K2wM9p56T/uJB1j6igiiqWJqDAfBgNVHSMEGDAW\n"
  "gBQS9K2wM9p56T/uJB1j6igiiqWJqDAPBgNVHRMBAf8EBTADAQH/MA8GA1UdEQQI\n"
  "MAaHBH8AAAEwCgYIKoZIzj0EAwIDRwAwRAIgcELjrG2eWDcqX7Yed5HqbxRVu4dZ\n"
  "RiYbHNdu9sPKCd0CIC4GwWQO99X0ZhWwtx4fe4gz4P8nEAtOCLuspMFcE/G7\n"
  "-----END CERTIFICATE-----\n";

static const char private_key_pem[] =
  "-----BEGIN PRIVATE KEY-----\n"
  "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgkGvi1zzUnf4DeoM5\n"
  "nAbiSYqsy08VKueLCkmPCY4I7d6hRANCAATlahlfbz21xRz+vPkmdraRc65Zha+7\n"
  "pII2iYeugnM1xyF+ACsdzLFngtmiSiIflAYBzJk3dGhRZWEttXu/6s2j\n"
  "-----END PRIVATE KEY-----\n";

typedef struct {
  VdSimulator   *simulator;
  SoupSession   *session;
  char          *host;         /* "127.0.0.1:PORT", as the session sends it */
  char          *base;         /* the URL without its final "/" */
  VdCredentials *training;
} Fixture;

/* One request and what came back. */
typedef struct {
  gboolean     done;
  SoupMessage *msg;
  GBytes      *body;
  GError      *error;
  gint64       started_us;
  gint64       elapsed_us;
  JsonParser  *parser;
  GHashTable  *xml;            /* "Root/Child/Leaf" → text */
} Exchange;

static void
exchange_free (Exchange *exchange)
{
  g_clear_object (&exchange->msg);
  g_clear_pointer (&exchange->body, g_bytes_unref);
  g_clear_error (&exchange->error);
  g_clear_object (&exchange->parser);
  g_clear_pointer (&exchange->xml, g_hash_table_unref);
  g_free (exchange);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Exchange, exchange_free)

/* --- fixture --- */

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;

  f->simulator = vd_simulator_new ();
  g_assert_true (vd_simulator_listen (f->simulator, 0, NULL, &error));
  g_assert_no_error (error);
  uri = g_uri_parse (vd_simulator_get_url (f->simulator), G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_uri_get_host (uri), ==, "127.0.0.1");
  f->host = g_strdup_printf ("127.0.0.1:%d", g_uri_get_port (uri));
  f->base = g_strdup_printf ("http://%s", f->host);
  f->session = soup_session_new ();
  /* Straight to 127.0.0.1, whatever proxy the environment names. */
  soup_session_set_proxy_resolver (f->session, NULL);
  f->training = vd_credentials_new (VD_TRAINING_ACCESS_KEY_ID, VD_TRAINING_ACCESS_KEY_SECRET,
                                    NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->session);
  g_assert_finalize_object (f->simulator);
  g_clear_pointer (&f->host, g_free);
  g_clear_pointer (&f->base, g_free);
  g_clear_pointer (&f->training, vd_credentials_unref);
}

/* --- requests --- */

static VdParams *
customer_params (const char *name,
                 const char *id_number,
                 gboolean    card_images)
{
  VdParams *params = vd_params_new ();
  g_autofree char *biz_id = g_uuid_string_random ();

  vd_params_set (params, "RegionId", "cn-hangzhou");
  vd_params_set (params, "BizType", "RPMinTest");
  vd_params_set (params, "BizId", biz_id);
  vd_params_set (params, "UserId", "user-42");
  vd_params_set (params, "Name", name);
  vd_params_set (params, "IdCardNumber", id_number);
  vd_params_set (params, "FaceImageUrl", FACE_URL);
  if (card_images)
    {
      vd_params_set (params, "IdCardFrontImageUrl", FRONT_URL);
      vd_params_set (params, "IdCardBackImageUrl", BACK_URL);
    }

  return params;
}

static VdParams *
pass_params (void)
{
  return customer_params (PASS_NAME, PASS_NUMBER, FALSE);
}

static VdSignedRequest *
sign_full (Fixture             *f,
           VdSignatureScheme    scheme,
           const char          *method,
           const char          *action,
           const char          *version,
           const char          *format,
           const VdParams      *params,
           GBytes              *body,
           const VdCredentials *credentials)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *nonce = g_uuid_string_random ();

  return vd_sign_request (scheme, method, f->host, action, version, format, params, body,
                          credentials, now, nonce);
}

static VdSignedRequest *
sign (Fixture           *f,
      VdSignatureScheme  scheme,
      const VdParams    *params)
{
  return sign_full (f, scheme, "POST", VD_CLOUDAUTH_ACTION, VD_CLOUDAUTH_VERSION, "JSON", params,
                    NULL, f->training);
}

/* A v1 query changed by hand gets a correct signature again. */
static void
resign_v1 (VdParams   *query,
           const char *method,
           const char *secret)
{
  g_autoptr(VdParams) unsigned_query = vd_params_copy (query);
  g_autofree char *string_to_sign = NULL;
  g_autofree char *signature = NULL;

  vd_params_remove (unsigned_query, "Signature");
  string_to_sign = vd_sign_v1_string_to_sign (method, unsigned_query);
  signature = vd_sign_v1_signature (secret, string_to_sign);
  vd_params_set (query, "Signature", signature);
}

/* v3 headers changed by hand get a correct Authorization again: every header in the set but
 * Authorization is signed. */
static void
resign_v3 (VdSignedRequest *request,
           const char      *method,
           const char      *access_key_id,
           const char      *secret,
           GBytes          *body)
{
  g_autoptr(VdParams) headers = vd_params_copy (request->headers);
  g_autofree char *body_hash = vd_sign_payload_hash (body);
  const char *payload_hash = vd_params_get (headers, "x-acs-content-sha256");
  g_autofree char *canonical = NULL;
  g_autofree char *signed_headers = NULL;
  g_autofree char *string_to_sign = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *authorization = NULL;

  vd_params_remove (headers, "Authorization");
  canonical = vd_sign_v3_canonical_request (method, "/", request->query, headers,
                                            payload_hash != NULL ? payload_hash : body_hash,
                                            &signed_headers);
  string_to_sign = vd_sign_v3_string_to_sign (canonical);
  signature = vd_sign_v3_signature (secret, string_to_sign);
  authorization = g_strdup_printf ("ACS3-HMAC-SHA256 Credential=%s,SignedHeaders=%s,"
                                   "Signature=%s", access_key_id, signed_headers, signature);
  vd_params_set (request->headers, "Authorization", authorization);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Exchange *exchange = data;

  exchange->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                      &exchange->error);
  exchange->elapsed_us = g_get_monotonic_time () - exchange->started_us;
  exchange->done = TRUE;
}

static Exchange *
exchange_message (Fixture     *f,
                  SoupMessage *msg)
{
  Exchange *exchange = g_new0 (Exchange, 1);

  exchange->msg = msg;
  exchange->started_us = g_get_monotonic_time ();
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, on_sent,
                                    exchange);
  vd_test_wait_for_flag (&exchange->done, WAIT_LIMIT_MS);

  return exchange;
}

/* @query is sent as it is (already encoded); @headers are added, except host, which the
 * session writes itself. */
static SoupMessage *
new_message (Fixture        *f,
             const char     *method,
             const char     *path_and_query,
             const VdParams *headers,
             GBytes         *body,
             const char     *content_type)
{
  g_autofree char *url = g_strconcat (f->base, path_and_query, NULL);
  SoupMessage *msg = soup_message_new (method, url);

  g_assert_nonnull (msg);
  for (guint i = 0; headers != NULL && i < vd_params_get_length (headers); i++)
    if (g_ascii_strcasecmp (vd_params_get_name (headers, i), "host") != 0)
      soup_message_headers_append (soup_message_get_request_headers (msg),
                                   vd_params_get_name (headers, i),
                                   vd_params_get_value (headers, i));
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);

  return msg;
}

static SoupMessage *
new_signed_message (Fixture               *f,
                    const char            *method,
                    const VdSignedRequest *request,
                    GBytes                *body,
                    const char            *content_type)
{
  g_autofree char *query = vd_params_to_canonical (request->query);
  g_autofree char *path = g_strconcat ("/?", query, NULL);

  return new_message (f, method, path, request->headers, body, content_type);
}

static Exchange *
send_signed (Fixture               *f,
             const VdSignedRequest *request)
{
  return exchange_message (f, new_signed_message (f, "POST", request, NULL, NULL));
}

/* --- reading answers --- */

static JsonObject *
exchange_json (Exchange *exchange)
{
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *data;

  g_assert_no_error (exchange->error);
  g_assert_nonnull (exchange->body);
  if (exchange->parser == NULL)
    {
      data = g_bytes_get_data (exchange->body, &size);
      exchange->parser = json_parser_new ();
      g_assert_true (json_parser_load_from_data (exchange->parser, data, (gssize) size, &error));
      g_assert_no_error (error);
    }
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (exchange->parser)));

  return json_node_get_object (json_parser_get_root (exchange->parser));
}

typedef struct {
  GHashTable *values;
  GPtrArray  *path;
} XmlCollector;

static char *
xml_path (XmlCollector *collector)
{
  char *path;

  g_ptr_array_add (collector->path, NULL);
  path = g_strjoinv ("/", (char **) collector->path->pdata);
  g_ptr_array_remove_index (collector->path, collector->path->len - 1);

  return path;
}

static void
xml_start (GMarkupParseContext  *context,
           const char           *element,
           const char          **attribute_names,
           const char          **attribute_values,
           gpointer              data,
           GError              **error)
{
  XmlCollector *collector = data;

  g_ptr_array_add (collector->path, g_strdup (element));
  g_hash_table_insert (collector->values, xml_path (collector), g_strdup (""));
}

static void
xml_end (GMarkupParseContext  *context,
         const char           *element,
         gpointer              data,
         GError              **error)
{
  XmlCollector *collector = data;

  g_ptr_array_remove_index (collector->path, collector->path->len - 1);
}

static void
xml_text (GMarkupParseContext  *context,
          const char           *text,
          gsize                 length,
          gpointer              data,
          GError              **error)
{
  XmlCollector *collector = data;
  char *path = xml_path (collector);
  const char *before = g_hash_table_lookup (collector->values, path);

  g_hash_table_insert (collector->values, path,
                       g_strconcat (before != NULL ? before : "", text, NULL));
}

/* Element texts by path; fails the test unless the body is well-formed XML. */
static GHashTable *
exchange_xml (Exchange *exchange)
{
  static const GMarkupParser parser = { xml_start, xml_end, xml_text, NULL, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GPtrArray) path = g_ptr_array_new_with_free_func (g_free);
  XmlCollector collector;
  gsize size;
  const char *data;

  g_assert_no_error (exchange->error);
  if (exchange->xml != NULL)
    return exchange->xml;

  data = g_bytes_get_data (exchange->body, &size);
  g_assert_true (g_str_has_prefix (data, "<?xml "));
  collector.values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  collector.path = path;
  context = g_markup_parse_context_new (&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &collector, NULL);
  g_assert_true (g_markup_parse_context_parse (context, data, (gssize) size, &error));
  g_assert_true (g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
  exchange->xml = collector.values;

  return exchange->xml;
}

static guint
exchange_status (Exchange *exchange)
{
  g_assert_no_error (exchange->error);
  return soup_message_get_status (exchange->msg);
}

static const char *
response_header (Exchange   *exchange,
                 const char *name)
{
  return soup_message_headers_get_one (soup_message_get_response_headers (exchange->msg), name);
}

static void
assert_request_id (const char *request_id)
{
  g_assert_nonnull (request_id);
  g_assert_cmpuint (strlen (request_id), ==, 36);
  g_assert_true (g_uuid_string_is_valid (request_id));
  for (const char *p = request_id; *p != '\0'; p++)
    g_assert_false (g_ascii_islower (*p));
}

/* A JSON gateway error: its HTTP status, code, and every member of the real error body. */
static void
assert_error (Exchange   *exchange,
              guint       status,
              const char *code)
{
  JsonObject *object;
  g_autofree char *recommend = NULL;

  g_assert_cmpuint (exchange_status (exchange), ==, status);
  g_assert_true (g_str_has_prefix (response_header (exchange, "Content-Type"),
                                   "application/json"));
  object = exchange_json (exchange);
  g_assert_cmpstr (json_object_get_string_member (object, "Code"), ==, code);
  g_assert_cmpstr (json_object_get_string_member (object, "HostId"), ==,
                   "cloudauth.aliyuncs.com");
  assert_request_id (json_object_get_string_member (object, "RequestId"));
  g_assert_cmpstr (json_object_get_string_member (object, "RequestId"), ==,
                   response_header (exchange, "x-acs-request-id"));
  g_assert_cmpstr (json_object_get_string_member (object, "Message"), !=, "");
  recommend = g_strdup_printf ("https://api.aliyun.com/troubleshoot?q=%s&product=Cloudauth",
                               code);
  g_assert_cmpstr (json_object_get_string_member (object, "Recommend"), ==, recommend);
}

static const char *
error_message (Exchange *exchange)
{
  return json_object_get_string_member (exchange_json (exchange), "Message");
}

static void
assert_verdict (Exchange *exchange,
                gint64    status)
{
  JsonObject *object;

  g_assert_cmpuint (exchange_status (exchange), ==, SOUP_STATUS_OK);
  object = exchange_json (exchange);
  g_assert_true (json_object_has_member (object, "VerifyStatus"));
  g_assert_cmpint (json_object_get_int_member (object, "VerifyStatus"), ==, status);
}

static Exchange *
send_v1_query (Fixture  *f,
               VdParams *query)
{
  g_autofree char *encoded = vd_params_to_canonical (query);
  g_autofree char *path = g_strconcat ("/?", encoded, NULL);

  return exchange_message (f, new_message (f, "POST", path, NULL, NULL, NULL));
}

/* --- valid requests --- */

static void
test_v1_valid (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V1, params);
  g_autoptr(Exchange) exchange = send_signed (f, request);
  JsonObject *object;
  JsonObject *material;
  const char *token;

  assert_verdict (exchange, 1);
  g_assert_true (g_str_has_prefix (response_header (exchange, "Content-Type"),
                                   "application/json"));
  object = exchange_json (exchange);
  assert_request_id (json_object_get_string_member (object, "RequestId"));
  g_assert_cmpstr (json_object_get_string_member (object, "RequestId"), ==,
                   response_header (exchange, "x-acs-request-id"));
  token = json_object_get_string_member (object, "VerifyToken");
  g_assert_cmpuint (strlen (token), ==, 32);
  for (const char *p = token; *p != '\0'; p++)
    g_assert_true (g_ascii_isxdigit (*p));
  g_assert_cmpint (json_object_get_int_member (object, "AuthorityComparisionScore"), ==, 97);
  /* No card images: no card comparison and no OCR. */
  g_assert_false (json_object_has_member (object, "IdCardFaceComparisonScore"));
  material = json_object_get_object_member (object, "Material");
  g_assert_cmpstr (json_object_get_string_member (material, "FaceImageUrl"), ==, FACE_URL);
  g_assert_cmpstr (json_object_get_string_member (material, "IdCardName"), ==, PASS_NAME);
  g_assert_cmpstr (json_object_get_string_member (material, "IdCardNumber"), ==, PASS_NUMBER);
  g_assert_false (json_object_has_member (material, "IdCardInfo"));

  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 1);
  g_assert_cmpuint (vd_simulator_get_requests_answered (f->simulator), ==, 1);
  g_assert_null (vd_simulator_get_last_error_code (f->simulator));
}

static void
test_v3_valid (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V3, params);
  g_autoptr(Exchange) exchange = send_signed (f, request);

  assert_verdict (exchange, 1);
  g_assert_cmpstr (json_object_get_string_member (exchange_json (exchange), "RequestId"), ==,
                   response_header (exchange, "x-acs-request-id"));
  g_assert_cmpuint (vd_simulator_get_requests_answered (f->simulator), ==, 1);
}

static void
test_v3_get (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) request = sign_full (f, VD_SIGNATURE_V3, "GET", VD_CLOUDAUTH_ACTION,
                                                  VD_CLOUDAUTH_VERSION, NULL, params, NULL,
                                                  f->training);
  g_autoptr(Exchange) exchange =
    exchange_message (f, new_signed_message (f, "GET", request, NULL, NULL));

  assert_verdict (exchange, 1);
}

/* A body is covered by x-acs-content-sha256; its form parameters count as parameters. */
static void
test_v3_form_body (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdParams) body_params = vd_params_new ();
  g_autoptr(VdSignedRequest) request = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(Exchange) exchange = NULL;
  g_autofree char *body_text = NULL;

  vd_params_set (body_params, "FaceImageUrl", FACE_URL);
  vd_params_remove (params, "FaceImageUrl");
  body_text = vd_params_to_canonical (body_params);
  body = g_bytes_new (body_text, strlen (body_text));
  request = sign_full (f, VD_SIGNATURE_V3, "POST", VD_CLOUDAUTH_ACTION, VD_CLOUDAUTH_VERSION,
                       NULL, params, body, f->training);
  exchange = exchange_message (f, new_signed_message (f, "POST", request, body,
                                                      "application/x-www-form-urlencoded"));

  assert_verdict (exchange, 1);
}

/* v1 signs the query and the form body together. */
static void
test_v1_form_body (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V1, params);
  g_autoptr(VdParams) body_params = vd_params_new ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(Exchange) exchange = NULL;
  g_autofree char *body_text = NULL;
  g_autofree char *query = NULL;
  g_autofree char *path = NULL;

  for (guint i = 0; i < vd_params_get_length (params); i++)
    {
      vd_params_set (body_params, vd_params_get_name (params, i),
                     vd_params_get_value (params, i));
      vd_params_remove (request->query, vd_params_get_name (params, i));
    }
  body_text = vd_params_to_canonical (body_params);
  body = g_bytes_new (body_text, strlen (body_text));
  query = vd_params_to_canonical (request->query);
  path = g_strconcat ("/?", query, NULL);
  exchange = exchange_message (f, new_message (f, "POST", path, NULL, body,
                                               "application/x-www-form-urlencoded"));

  assert_verdict (exchange, 1);
}

/* A name with a space, signed correctly, is accepted. */
static void
test_v1_space_in_name (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(VdParams) params = customer_params ("Li Lei", "11010519491231002X", FALSE);
  g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V1, params);
  g_autoptr(Exchange) exchange = send_signed (f, request);

  assert_verdict (exchange, 1);
}

static void
test_date_header (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) request = NULL;
  g_autoptr(Exchange) exchange = NULL;
  g_autoptr(GDateTime) expected = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) date = NULL;

  vd_simulator_set_clock_offset (f->simulator, 600);
  request = sign (f, VD_SIGNATURE_V1, params);
  exchange = send_signed (f, request);
  assert_verdict (exchange, 1);

  date = soup_date_time_new_from_http_string (response_header (exchange, "Date"));
  g_assert_nonnull (date);
  expected = g_date_time_add_seconds (now, 600);
  g_assert_cmpint (ABS (g_date_time_difference (date, expected)), <=, 5 * G_TIME_SPAN_SECOND);
}

/* --- step 1: action and version --- */

static void
test_wrong_action (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();

  for (VdSignatureScheme scheme = VD_SIGNATURE_V3; scheme <= VD_SIGNATURE_V1; scheme++)
    {
      g_autoptr(VdSignedRequest) request = sign_full (f, scheme, "POST", "DescribeRegions",
                                                      VD_CLOUDAUTH_VERSION, "JSON", params, NULL,
                                                      f->training);
      g_autoptr(Exchange) exchange = send_signed (f, request);

      assert_error (exchange, SOUP_STATUS_NOT_FOUND, "InvalidAction.NotFound");
      g_assert_cmpstr (error_message (exchange), ==,
                       "Specified api is not found, please check your url and method.");
    }
  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 2);
  g_assert_cmpuint (vd_simulator_get_requests_answered (f->simulator), ==, 0);
  g_assert_cmpstr (vd_simulator_get_last_error_code (f->simulator), ==,
                   "InvalidAction.NotFound");
}

static void
test_missing_action (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) v1 = sign (f, VD_SIGNATURE_V1, params);
  g_autoptr(VdSignedRequest) v3 = sign (f, VD_SIGNATURE_V3, params);
  g_autoptr(Exchange) v1_exchange = NULL;
  g_autoptr(Exchange) v3_exchange = NULL;
  g_autoptr(Exchange) v3_version = NULL;

  vd_params_remove (v1->query, "Action");
  resign_v1 (v1->query, "POST", VD_TRAINING_ACCESS_KEY_SECRET);
  v1_exchange = send_v1_query (f, v1->query);
  assert_error (v1_exchange, SOUP_STATUS_BAD_REQUEST, "MissingAction");

  vd_params_remove (v3->headers, "x-acs-action");
  resign_v3 (v3, "POST", VD_TRAINING_ACCESS_KEY_ID, VD_TRAINING_ACCESS_KEY_SECRET, NULL);
  v3_exchange = send_signed (f, v3);
  assert_error (v3_exchange, SOUP_STATUS_BAD_REQUEST, "MissingAction");

  vd_params_set (v3->headers, "x-acs-action", VD_CLOUDAUTH_ACTION);
  vd_params_remove (v3->headers, "x-acs-version");
  resign_v3 (v3, "POST", VD_TRAINING_ACCESS_KEY_ID, VD_TRAINING_ACCESS_KEY_SECRET, NULL);
  v3_version = send_signed (f, v3);
  assert_error (v3_version, SOUP_STATUS_BAD_REQUEST, "MissingVersion");
}

static void
test_wrong_version (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();

  for (VdSignatureScheme scheme = VD_SIGNATURE_V3; scheme <= VD_SIGNATURE_V1; scheme++)
    {
      g_autoptr(VdSignedRequest) request = sign_full (f, scheme, "POST", VD_CLOUDAUTH_ACTION,
                                                      "2017-11-17", "JSON", params, NULL,
                                                      f->training);
      g_autoptr(Exchange) exchange = send_signed (f, request);

      assert_error (exchange, SOUP_STATUS_BAD_REQUEST, "InvalidVersion");
    }
}

static void
test_seed_action (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();

  for (VdSignatureScheme scheme = VD_SIGNATURE_V3; scheme <= VD_SIGNATURE_V1; scheme++)
    {
      g_autoptr(VdSignedRequest) request = sign_full (f, scheme, "POST", VD_CLOUDAUTH_SEED_ACTION,
                                                      VD_CLOUDAUTH_VERSION, "JSON", params, NULL,
                                                      f->training);
      g_autoptr(Exchange) exchange = send_signed (f, request);

      assert_verdict (exchange, 1);
    }
}

/* --- step 2: v1 protocol parameters --- */

static void
test_v1_missing_protocol_params (Fixture       *f,
                                 gconstpointer  data)
{
  static const char * const names[] = {
    "AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion", "SignatureNonce",
    "Timestamp",
  };
  g_autoptr(VdParams) params = pass_params ();

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V1, params);
      g_autoptr(Exchange) exchange = NULL;
      g_autofree char *code = g_strconcat ("Missing", names[i], NULL);

      vd_params_remove (request->query, names[i]);
      if (strcmp (names[i], "Signature") != 0)
        resign_v1 (request->query, "POST", VD_TRAINING_ACCESS_KEY_SECRET);
      exchange = send_v1_query (f, request->query);
      assert_error (exchange, SOUP_STATUS_BAD_REQUEST, code);
      g_assert_nonnull (strstr (error_message (exchange), names[i]));
    }
  g_assert_cmpuint (vd_simulator_get_requests_answered (f->simulator), ==, 0);
}

static void
test_v1_signature_method (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) method = sign (f, VD_SIGNATURE_V1, params);
  g_autoptr(VdSignedRequest) version = sign (f, VD_SIGNATURE_V1, params);
  g_autoptr(Exchange) method_exchange = NULL;
  g_autoptr(Exchange) version_exchange = NULL;

  vd_params_set (method->query, "SignatureMethod", "HMAC-SHA256");
  resign_v1 (method->query, "POST", VD_TRAINING_ACCESS_KEY_SECRET);
  method_exchange = send_v1_query (f, method->query);
  assert_error (method_exchange, SOUP_STATUS_BAD_REQUEST, "InvalidParameter.SignatureMethod");

  vd_params_set (version->query, "SignatureVersion", "2.0");
  resign_v1 (version->query, "POST", VD_TRAINING_ACCESS_KEY_SECRET);
  version_exchange = send_v1_query (f, version->query);
  assert_error (version_exchange, SOUP_STATUS_BAD_REQUEST, "InvalidParameter.SignatureVersion");
}

static void
test_v1_malformed_timestamp (Fixture       *f,
                             gconstpointer  data)
{
  static const char * const timestamps[] = {
    "2026-11-28 12:00:00", "2026-11-28T12:00:00", "2026-11-28T12:00:00+08:00",
    "2026-11-28T12:00:00.000Z", "1764331200",
  };
  g_autoptr(VdParams) params = pass_params ();

  for (guint i = 0; i < G_N_ELEMENTS (timestamps); i++)
    {
      g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V1, params);
      g_autoptr(Exchange) exchange = NULL;

      vd_params_set (request->query, "Timestamp", timestamps[i]);
      resign_v1 (request->query, "POST", VD_TRAINING_ACCESS_KEY_SECRET);
      exchange = send_v1_query (f, request->query);
      assert_error (exchange, SOUP_STATUS_BAD_REQUEST, "InvalidTimeStamp.Format");
    }
}

static void
assert_clock_offset (Fixture           *f,
                     VdSignatureScheme  scheme,
                     gint64             offset_s,
                     gboolean           accepted)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) request = NULL;
  g_autoptr(Exchange) exchange = NULL;

  vd_simulator_set_clock_offset (f->simulator, offset_s);
  request = sign (f, scheme, params);
  exchange = send_signed (f, request);
  if (accepted)
    {
      assert_verdict (exchange, 1);
    }
  else
    {
      assert_error (exchange, SOUP_STATUS_BAD_REQUEST, "InvalidTimeStamp.Expired");
      g_assert_cmpstr (error_message (exchange), ==,
                       "Specified time stamp or date value is expired.");
    }
}

static void
test_stale_timestamp (Fixture       *f,
                      gconstpointer  data)
{
  for (VdSignatureScheme scheme = VD_SIGNATURE_V3; scheme <= VD_SIGNATURE_V1; scheme++)
    {
      assert_clock_offset (f, scheme, 16 * 60, FALSE);
      assert_clock_offset (f, scheme, -16 * 60, FALSE);
      assert_clock_offset (f, scheme, 14 * 60, TRUE);
      assert_clock_offset (f, scheme, -14 * 60, TRUE);
    }
  g_assert_cmpuint (vd_simulator_get_requests_answered (f->simulator), ==, 4);
}

/* --- step 2: v3 headers --- */

static void
test_v3_missing_headers (Fixture       *f,
                         gconstpointer  data)
{
  static const struct {
    const char *header;
    const char *code;
  } cases[] = {
    { "x-acs-date", "MissingXAcsDate" },
    { "x-acs-signature-nonce", "MissingXAcsSignatureNonce" },
    { "x-acs-content-sha256", "MissingXAcsContentSha256" },
  };
  g_autoptr(VdParams) params = pass_params ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V3, params);
      g_autoptr(Exchange) exchange = NULL;

      vd_params_remove (request->headers, cases[i].header);
      resign_v3 (request, "POST", VD_TRAINING_ACCESS_KEY_ID, VD_TRAINING_ACCESS_KEY_SECRET, NULL);
      exchange = send_signed (f, request);
      assert_error (exchange, SOUP_STATUS_BAD_REQUEST, cases[i].code);
      g_assert_nonnull (strstr (error_message (exchange), cases[i].header));
    }
}

static void
test_v3_malformed_authorization (Fixture       *f,
                                 gconstpointer  data)
{
  static const char * const authorizations[] = {
    "ACS3-HMAC-SHA256 Credential=" VD_TRAINING_ACCESS_KEY_ID,
    "ACS3-HMAC-SHA256 Credential=" VD_TRAINING_ACCESS_KEY_ID ",Signature=00",
    "ACS3-HMAC-SHA256",
    "ACS3-HMAC-SHA256 garbage",
  };
  g_autoptr(VdParams) params = pass_params ();

  for (guint i = 0; i < G_N_ELEMENTS (authorizations); i++)
    {
      g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V3, params);
      g_autoptr(Exchange) exchange = NULL;

      vd_params_set (request->headers, "Authorization", authorizations[i]);
      exchange = send_signed (f, request);
      assert_error (exchange, SOUP_STATUS_BAD_REQUEST, "IncompleteSignature");
    }
}

static void
test_v3_malformed_date (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V3, params);
  g_autoptr(Exchange) exchange = NULL;

  vd_params_set (request->headers, "x-acs-date", "Sat, 28 Nov 2026 12:00:00 GMT");
  resign_v3 (request, "POST", VD_TRAINING_ACCESS_KEY_ID, VD_TRAINING_ACCESS_KEY_SECRET, NULL);
  exchange = send_signed (f, request);
  assert_error (exchange, SOUP_STATUS_BAD_REQUEST, "InvalidTimeStamp.Format");
}

/* An x-acs-* header that is sent but not signed could be changed on the way. */
static void
test_v3_unsigned_header (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V3, params);
  g_autoptr(Exchange) exchange = NULL;

  vd_params_set (request->headers, "x-acs-extra", "changed-on-the-way");
  exchange = send_signed (f, request);
  assert_error (exchange, SOUP_STATUS_BAD_REQUEST, "IncompleteSignature");
  g_assert_nonnull (strstr (error_message (exchange), "x-acs-extra"));
}

static void
test_v3_host_unsigned (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V3, params);
  g_autoptr(Exchange) exchange = NULL;

  vd_params_remove (request->headers, "host");
  resign_v3 (request, "POST", VD_TRAINING_ACCESS_KEY_ID, VD_TRAINING_ACCESS_KEY_SECRET, NULL);
  exchange = send_signed (f, request);
  assert_error (exchange, SOUP_STATUS_BAD_REQUEST, "IncompleteSignature");
  g_assert_nonnull (strstr (error_message (exchange), "host"));
}

/* The signature covers x-acs-content-sha256; that header must be the body's real hash. */
static void
test_v3_content_sha_mismatch (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V3, params);
  g_autoptr(GBytes) body = g_bytes_new_static ("Extra=1", 7);
  g_autoptr(Exchange) exchange = NULL;

  g_assert_cmpstr (vd_params_get (request->headers, "x-acs-content-sha256"), ==, EMPTY_SHA256);
  exchange = exchange_message (f, new_signed_message (f, "POST", request, body,
                                                      "application/x-www-form-urlencoded"));
  assert_error (exchange, SOUP_STATUS_BAD_REQUEST, "ContentSHA256NotMatched");
}

/* --- step 3: keys --- */

static void
test_unknown_key (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdCredentials) stranger = vd_credentials_new ("LTAI5tUnknownKeyId000001",
                                                          "SomeSecretTheGatewayNeverSaw01", NULL);

  for (VdSignatureScheme scheme = VD_SIGNATURE_V3; scheme <= VD_SIGNATURE_V1; scheme++)
    {
      g_autoptr(VdSignedRequest) request = sign_full (f, scheme, "POST", VD_CLOUDAUTH_ACTION,
                                                      VD_CLOUDAUTH_VERSION, "JSON", params, NULL,
                                                      stranger);
      g_autoptr(Exchange) exchange = send_signed (f, request);

      assert_error (exchange, SOUP_STATUS_NOT_FOUND, "InvalidAccessKeyId.NotFound");
      g_assert_cmpstr (error_message (exchange), ==, "Specified access key is not found.");
    }
}

static void
test_removed_key (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V3, params);
  g_autoptr(Exchange) exchange = NULL;

  vd_simulator_remove_key (f->simulator, VD_TRAINING_ACCESS_KEY_ID);
  exchange = send_signed (f, request);
  assert_error (exchange, SOUP_STATUS_NOT_FOUND, "InvalidAccessKeyId.NotFound");
}

static Exchange *
send_sts (Fixture           *f,
          VdSignatureScheme  scheme,
          const char        *key_id,
          const char        *secret,
          const char        *token)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdCredentials) credentials = vd_credentials_new (key_id, secret, token);
  g_autoptr(VdSignedRequest) request = sign_full (f, scheme, "POST", VD_CLOUDAUTH_ACTION,
                                                  VD_CLOUDAUTH_VERSION, "JSON", params, NULL,
                                                  credentials);

  return send_signed (f, request);
}

static void
test_sts (Fixture       *f,
          gconstpointer  data)
{
  vd_simulator_add_key (f->simulator, STS_KEY_ID, STS_SECRET, STS_TOKEN);

  for (VdSignatureScheme scheme = VD_SIGNATURE_V3; scheme <= VD_SIGNATURE_V1; scheme++)
    {
      g_autoptr(Exchange) right = send_sts (f, scheme, STS_KEY_ID, STS_SECRET, STS_TOKEN);
      g_autoptr(Exchange) missing = send_sts (f, scheme, STS_KEY_ID, STS_SECRET, NULL);
      g_autoptr(Exchange) wrong = send_sts (f, scheme, STS_KEY_ID, STS_SECRET,
                                            STS_TOKEN "Tampered");
      g_autoptr(Exchange) unexpected = send_sts (f, scheme, VD_TRAINING_ACCESS_KEY_ID,
                                                 VD_TRAINING_ACCESS_KEY_SECRET, STS_TOKEN);

      assert_verdict (right, 1);
      assert_error (missing, SOUP_STATUS_BAD_REQUEST, "MissingSecurityToken");
      assert_error (wrong, SOUP_STATUS_BAD_REQUEST, "InvalidSecurityToken.Mismatch");
      assert_error (unexpected, SOUP_STATUS_BAD_REQUEST, "InvalidSecurityToken.Malformed");
    }
}

/* --- step 4: signatures --- */

static void
test_wrong_secret (Fixture       *f,
                   gconstpointer  data)
{
  static const char wrong_secret[] = VD_TRAINING_ACCESS_KEY_SECRET " ";
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdCredentials) pasted = vd_credentials_new (VD_TRAINING_ACCESS_KEY_ID, wrong_secret,
                                                        NULL);

  for (VdSignatureScheme scheme = VD_SIGNATURE_V3; scheme <= VD_SIGNATURE_V1; scheme++)
    {
      g_autoptr(VdSignedRequest) request = sign_full (f, scheme, "POST", VD_CLOUDAUTH_ACTION,
                                                      VD_CLOUDAUTH_VERSION, "JSON", params, NULL,
                                                      pasted);
      g_autoptr(Exchange) exchange = send_signed (f, request);
      const char *message;

      assert_error (exchange, SOUP_STATUS_BAD_REQUEST, "SignatureDoesNotMatch");
      message = error_message (exchange);
      g_assert_true (g_str_has_prefix (message, "Specified signature is not matched with our "
                                       "calculation. server string to sign is:"));
      g_assert_null (strstr (message, VD_TRAINING_ACCESS_KEY_SECRET));
      g_assert_null (strstr ((const char *) g_bytes_get_data (exchange->body, NULL),
                             VD_TRAINING_ACCESS_KEY_SECRET));
    }
  g_assert_cmpuint (vd_simulator_get_requests_answered (f->simulator), ==, 0);
}

/* A client that form-encodes (a space as '+') before signing signs another string than the
 * gateway computes (a space as %20): the gateway says so and quotes its own string. */
static void
test_v1_plus_for_space (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(VdParams) params = customer_params ("Li Lei", "11010519491231002X", FALSE);
  g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V1, params);
  g_autoptr(VdParams) unsigned_query = vd_params_copy (request->query);
  g_autoptr(GString) client_string = NULL;
  g_autoptr(GString) wire_query = NULL;
  g_autofree char *gateway_string = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *query = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected_message = NULL;
  g_autoptr(Exchange) exchange = NULL;

  vd_params_remove (unsigned_query, "Signature");
  gateway_string = vd_sign_v1_string_to_sign ("POST", unsigned_query);
  g_assert_nonnull (strstr (gateway_string, "Li%2520Lei"));
  client_string = g_string_new (gateway_string);
  g_assert_cmpuint (g_string_replace (client_string, "Li%2520Lei", "Li%2BLei", 0), ==, 1);
  signature = vd_sign_v1_signature (VD_TRAINING_ACCESS_KEY_SECRET, client_string->str);
  vd_params_set (request->query, "Signature", signature);

  /* …and puts the same form encoding on the wire, which decodes to the same name. */
  query = vd_params_to_canonical (request->query);
  wire_query = g_string_new (query);
  g_assert_cmpuint (g_string_replace (wire_query, "Li%20Lei", "Li+Lei", 0), ==, 1);
  path = g_strconcat ("/?", wire_query->str, NULL);
  exchange = exchange_message (f, new_message (f, "POST", path, NULL, NULL, NULL));

  assert_error (exchange, SOUP_STATUS_BAD_REQUEST, "SignatureDoesNotMatch");
  expected_message = g_strconcat ("Specified signature is not matched with our calculation. "
                                  "server string to sign is:", gateway_string, NULL);
  g_assert_cmpstr (error_message (exchange), ==, expected_message);
}

static void
test_v3_tampered_query (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V3, params);
  g_autoptr(Exchange) exchange = NULL;

  vd_params_set (request->query, "Name", "王五");
  exchange = send_signed (f, request);
  assert_error (exchange, SOUP_STATUS_BAD_REQUEST, "SignatureDoesNotMatch");
  g_assert_nonnull (strstr (error_message (exchange),
                            "server string to sign is:ACS3-HMAC-SHA256\n"));
}

/* --- step 5: nonces --- */

static void
test_nonce_reused (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();

  for (VdSignatureScheme scheme = VD_SIGNATURE_V3; scheme <= VD_SIGNATURE_V1; scheme++)
    {
      g_autoptr(VdSignedRequest) request = sign (f, scheme, params);
      g_autoptr(Exchange) first = send_signed (f, request);
      g_autoptr(Exchange) second = send_signed (f, request);

      assert_verdict (first, 1);
      assert_error (second, SOUP_STATUS_BAD_REQUEST, "SignatureNonceUsed");
      g_assert_cmpstr (error_message (second), ==, "Specified signature nonce was used already.");
    }
  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 4);
  g_assert_cmpuint (vd_simulator_get_requests_answered (f->simulator), ==, 2);
}

/* A nonce counts only once its request was accepted: a refused attempt does not burn it. */
static void
test_nonce_recorded_after_signature (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V1, params);
  g_autofree char *good_signature = g_strdup (vd_params_get (request->query, "Signature"));
  g_autoptr(Exchange) refused = NULL;
  g_autoptr(Exchange) accepted = NULL;

  resign_v1 (request->query, "POST", "NotTheSecret");
  refused = send_v1_query (f, request->query);
  assert_error (refused, SOUP_STATUS_BAD_REQUEST, "SignatureDoesNotMatch");

  vd_params_set (request->query, "Signature", good_signature);
  accepted = send_v1_query (f, request->query);
  assert_verdict (accepted, 1);
}

/* The same nonce under another key is another nonce. */
static void
test_nonce_per_key (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdCredentials) other = vd_credentials_new ("LTAI5tSecondTestKey00001",
                                                       "SecondSecretForTheNonceTest01", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(VdSignedRequest) first = NULL;
  g_autoptr(VdSignedRequest) second = NULL;
  g_autoptr(Exchange) first_exchange = NULL;
  g_autoptr(Exchange) second_exchange = NULL;

  vd_simulator_add_key (f->simulator, "LTAI5tSecondTestKey00001",
                        "SecondSecretForTheNonceTest01", NULL);
  first = vd_sign_request (VD_SIGNATURE_V3, "POST", f->host, VD_CLOUDAUTH_ACTION,
                           VD_CLOUDAUTH_VERSION, NULL, params, NULL, f->training, now,
                           "shared-nonce-0001");
  second = vd_sign_request (VD_SIGNATURE_V3, "POST", f->host, VD_CLOUDAUTH_ACTION,
                            VD_CLOUDAUTH_VERSION, NULL, params, NULL, other, now,
                            "shared-nonce-0001");
  first_exchange = send_signed (f, first);
  second_exchange = send_signed (f, second);
  assert_verdict (first_exchange, 1);
  assert_verdict (second_exchange, 1);
}

/* --- step 6: business parameters --- */

static void
test_missing_business_params (Fixture       *f,
                              gconstpointer  data)
{
  static const char * const names[] = {
    "BizType", "BizId", "Name", "IdCardNumber", "FaceImageUrl",
  };

  for (VdSignatureScheme scheme = VD_SIGNATURE_V3; scheme <= VD_SIGNATURE_V1; scheme++)
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autoptr(VdParams) params = pass_params ();
        g_autoptr(VdSignedRequest) request = NULL;
        g_autoptr(Exchange) exchange = NULL;
        g_autofree char *message = NULL;

        vd_params_remove (params, names[i]);
        request = sign (f, scheme, params);
        exchange = send_signed (f, request);
        assert_error (exchange, SOUP_STATUS_BAD_REQUEST, "MissingParameter");
        message = g_strdup_printf ("The input parameter \"%s\" that is mandatory for "
                                   "processing this request is not supplied.", names[i]);
        g_assert_cmpstr (error_message (exchange), ==, message);
      }
  g_assert_cmpuint (vd_simulator_get_requests_answered (f->simulator), ==, 0);
}

static Exchange *
send_with (Fixture    *f,
           const char *name,
           const char *value)
{
  /* A number outside the table passes whatever the name (rule 5). */
  g_autoptr(VdParams) params = customer_params ("张三", "11010519491231002X", FALSE);
  g_autoptr(VdSignedRequest) request = NULL;

  vd_params_set (params, name, value);
  request = sign (f, VD_SIGNATURE_V3, params);
  return send_signed (f, request);
}

static void
test_oversized_params (Fixture       *f,
                       gconstpointer  data)
{
  static const struct {
    const char *name;
    guint       limit;
  } limits[] = {
    { "BizId", 64 }, { "BizType", 64 }, { "UserId", 64 }, { "Name", 64 },
    { "IdCardNumber", 32 },
  };
  g_autofree char *padding = g_strnfill (2030, 'x');
  g_autofree char *long_url = g_strdup_printf ("https://images.example.com/%s.jpg", padding);
  g_autoptr(Exchange) url_exchange = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
    {
      g_autofree char *at_limit = g_strnfill (limits[i].limit, 'a');
      g_autofree char *over = g_strnfill (limits[i].limit + 1, 'a');
      g_autoptr(Exchange) exchange = send_with (f, limits[i].name, over);

      assert_error (exchange, SOUP_STATUS_BAD_REQUEST, "InvalidParameter");
      g_assert_nonnull (strstr (error_message (exchange), limits[i].name));

      /* At the limit the length is fine (the ID number then fails as an identity, 3103). */
      if (strcmp (limits[i].name, "IdCardNumber") != 0)
        {
          g_autoptr(Exchange) fine = send_with (f, limits[i].name, at_limit);

          assert_verdict (fine, 1);
        }
    }

  url_exchange = send_with (f, "IdCardFrontImageUrl", long_url);
  assert_error (url_exchange, SOUP_STATUS_BAD_REQUEST, "InvalidParameter");
  g_assert_nonnull (strstr (error_message (url_exchange), "IdCardFrontImageUrl"));
}

/* Lengths count characters, not bytes: 64 Chinese characters are 192 bytes and still fit. */
static void
test_length_in_characters (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GString) name = g_string_new (NULL);
  g_autoptr(Exchange) fits = NULL;
  g_autoptr(Exchange) over = NULL;

  for (guint i = 0; i < 64; i++)
    g_string_append (name, "张");
  fits = send_with (f, "Name", name->str);
  assert_verdict (fits, 1);

  g_string_append (name, "张");
  over = send_with (f, "Name", name->str);
  assert_error (over, SOUP_STATUS_BAD_REQUEST, "InvalidParameter");
}

static void
test_biz_id_65 (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *biz_id = g_strnfill (65, '7');
  g_autoptr(Exchange) exchange = send_with (f, "BizId", biz_id);

  assert_error (exchange, SOUP_STATUS_BAD_REQUEST, "InvalidParameter");
  g_assert_nonnull (strstr (error_message (exchange), "BizId"));
}

static void
test_local_path_url (Fixture       *f,
                     gconstpointer  data)
{
  static const struct {
    const char *name;
    const char *value;
  } cases[] = {
    { "FaceImageUrl", "/home/operator/Pictures/face.jpg" },
    { "FaceImageUrl", "C:\\Users\\operator\\face.jpg" },
    { "FaceImageUrl", "file:///home/operator/face.jpg" },
    { "IdCardFrontImageUrl", "ftp://images.example.com/front.jpg" },
    { "IdCardBackImageUrl", "back.jpg" },
    { "FaceImageUrl", "https:///face.jpg" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Exchange) exchange = send_with (f, cases[i].name, cases[i].value);

      assert_error (exchange, SOUP_STATUS_BAD_REQUEST, "InvalidParameter");
      g_assert_nonnull (strstr (error_message (exchange), cases[i].name));
    }
}

static void
test_region (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(Exchange) unknown = send_with (f, "RegionId", "us-west-1");
  g_autoptr(Exchange) beijing = send_with (f, "RegionId", "cn-beijing");

  assert_error (unknown, SOUP_STATUS_BAD_REQUEST, "InvalidRegionId");
  assert_verdict (beijing, 1);
}

/* --- business answers --- */

static Exchange *
send_customer (Fixture    *f,
               const char *name,
               const char *id_number,
               gboolean    card_images)
{
  g_autoptr(VdParams) params = customer_params (name, id_number, card_images);
  g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V3, params);

  return send_signed (f, request);
}

static void
test_every_sample_customer (Fixture       *f,
                            gconstpointer  data)
{
  guint n_customers;
  const VdSampleCustomer *customers = vd_sample_customers (&n_customers);

  g_assert_cmpuint (n_customers, >, 0);
  for (guint i = 0; i < n_customers; i++)
    {
      g_autoptr(Exchange) exchange = send_customer (f, customers[i].name,
                                                    customers[i].id_number, TRUE);
      JsonObject *object;

      g_test_message ("%s %s → %d", customers[i].name, customers[i].id_number,
                      customers[i].status);
      g_assert_cmpuint (exchange_status (exchange), ==, SOUP_STATUS_OK);
      object = exchange_json (exchange);
      assert_request_id (json_object_get_string_member (object, "RequestId"));

      if (customers[i].status >= 3101)
        {
          g_autofree char *code = g_strdup_printf ("%d", customers[i].status);

          g_assert_cmpstr (json_object_get_string_member (object, "Code"), ==, code);
          g_assert_false (json_object_has_member (object, "VerifyStatus"));
          g_assert_cmpstr (json_object_get_string_member (object, "Message"), ==,
                           customers[i].status == 3101 ? "name not match with identity number."
                           : customers[i].status == 3102 ? "identity number not exist."
                           : "identity number invalid.");
          continue;
        }

      g_assert_cmpint (json_object_get_int_member (object, "VerifyStatus"), ==,
                       customers[i].status);
      if (customers[i].score >= 0)
        g_assert_cmpfloat (json_node_get_double (json_object_get_member (
                             object, "AuthorityComparisionScore")), ==, customers[i].score);
      else
        g_assert_false (json_object_has_member (object, "AuthorityComparisionScore"));
      g_assert_true (json_object_has_member (object, "IdCardFaceComparisonScore"));
    }
  g_assert_cmpuint (vd_simulator_get_requests_answered (f->simulator), ==, n_customers);
}

/* The rules for inputs outside the table: a wrong number, a known number with another name,
 * sequence 999. */
static void
test_identity_errors (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(Exchange) invalid = send_customer (f, "张三", "023432189011233490", FALSE);
  g_autoptr(Exchange) mismatch = send_customer (f, "张三", PASS_NUMBER, FALSE);
  g_autoptr(Exchange) nobody = send_customer (f, "张三", "110105194912319999", FALSE);

  g_assert_cmpuint (exchange_status (invalid), ==, SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (exchange_json (invalid), "Code"), ==, "3103");
  g_assert_cmpstr (json_object_get_string_member (exchange_json (mismatch), "Code"), ==,
                   "3101");
  g_assert_cmpstr (json_object_get_string_member (exchange_json (nobody), "Code"), ==, "3102");
}

static const VdSampleCustomer *
customer_with_status (int status)
{
  guint n_customers;
  const VdSampleCustomer *customers = vd_sample_customers (&n_customers);

  for (guint i = 0; i < n_customers; i++)
    if (customers[i].status == status)
      return &customers[i];

  g_assert_not_reached ();
}

static JsonObject *
id_card_info (Exchange *exchange)
{
  JsonObject *material = json_object_get_object_member (exchange_json (exchange), "Material");

  g_assert_nonnull (material);
  g_assert_true (json_object_has_member (material, "IdCardInfo"));
  return json_object_get_object_member (material, "IdCardInfo");
}

static char *
today_compact (void)
{
  g_autoptr(GTimeZone) china = g_time_zone_new_offset (8 * 3600);
  g_autoptr(GDateTime) today = g_date_time_new_now (china);

  return g_date_time_format (today, "%Y%m%d");
}

static void
test_ocr_pass (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(Exchange) exchange = send_customer (f, PASS_NAME, PASS_NUMBER, TRUE);
  g_autofree char *today = today_compact ();
  JsonObject *info;
  const char *start;
  const char *end;
  int age;
  int years;

  assert_verdict (exchange, 1);
  info = id_card_info (exchange);
  g_assert_cmpstr (json_object_get_string_member (info, "FrontImageUrl"), ==, FRONT_URL);
  g_assert_cmpstr (json_object_get_string_member (info, "BackImageUrl"), ==, BACK_URL);
  g_assert_cmpstr (json_object_get_string_member (info, "Name"), ==, PASS_NAME);
  g_assert_cmpstr (json_object_get_string_member (info, "Number"), ==, PASS_NUMBER);
  /* Sequence 042: even, a woman. */
  g_assert_cmpstr (json_object_get_string_member (info, "Sex"), ==, "女");
  g_assert_cmpstr (json_object_get_string_member (info, "Nationality"), ==, "汉");
  g_assert_cmpstr (json_object_get_string_member (info, "Birth"), ==, "19880315");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (info, "Address"),
                                   "浙江省杭州市"));
  g_assert_cmpstr (json_object_get_string_member (info, "Authority"), ==, "杭州市公安局");

  /* Issued in the past, valid today, for as long as the holder's age at issue gives
   * (yyyyMMdd arithmetic: the difference / 10000 is the age in whole years). */
  start = json_object_get_string_member (info, "StartDate");
  end = json_object_get_string_member (info, "EndDate");
  g_assert_cmpuint (strlen (start), ==, 8);
  g_assert_cmpstr (start, <=, today);
  age = (atoi (start) - 19880315) / 10000;
  years = age < 16 ? 5 : age <= 25 ? 10 : age <= 45 ? 20 : 0;
  if (years == 0)
    {
      g_assert_cmpstr (end, ==, "长期");
    }
  else
    {
      g_assert_cmpuint (strlen (end), ==, 8);
      g_assert_cmpstr (end, >, today);
      g_assert_cmpint (atoi (end) / 10000 - atoi (start) / 10000, ==, years);
      /* The same day of the year, but for 29 February, which ends on the 28th. */
      g_assert_cmpstr (end + 4, ==, strcmp (start + 4, "0229") == 0 ? "0228" : start + 4);
    }
}

static void
test_ocr_long_term (Fixture       *f,
                    gconstpointer  data)
{
  /* Born 1949: over 45 at any issue date in the last five years. */
  g_autoptr(Exchange) exchange = send_customer (f, "张三", "11010519491231002X", TRUE);
  JsonObject *info;

  assert_verdict (exchange, 1);
  info = id_card_info (exchange);
  g_assert_cmpstr (json_object_get_string_member (info, "EndDate"), ==, "长期");
  g_assert_cmpstr (json_object_get_string_member (info, "Sex"), ==, "女");
  g_assert_cmpstr (json_object_get_string_member (info, "Authority"), ==, "北京市公安局");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (info, "Address"), "北京市"));
  g_assert_false (g_str_has_prefix (json_object_get_string_member (info, "Address"),
                                    "北京市北京市"));
}

static void
test_ocr_front_only (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) request = NULL;
  g_autoptr(Exchange) exchange = NULL;
  JsonObject *info;

  vd_params_set (params, "IdCardFrontImageUrl", FRONT_URL);
  request = sign (f, VD_SIGNATURE_V3, params);
  exchange = send_signed (f, request);
  assert_verdict (exchange, 1);
  g_assert_true (json_object_has_member (exchange_json (exchange), "IdCardFaceComparisonScore"));
  info = id_card_info (exchange);
  g_assert_cmpstr (json_object_get_string_member (info, "Name"), ==, PASS_NAME);
  g_assert_false (json_object_has_member (info, "BackImageUrl"));
  g_assert_false (json_object_has_member (info, "EndDate"));
  g_assert_false (json_object_has_member (info, "Authority"));
}

static void
test_ocr_name_misread (Fixture       *f,
                       gconstpointer  data)
{
  const VdSampleCustomer *customer = customer_with_status (3);
  g_autoptr(Exchange) exchange = send_customer (f, customer->name, customer->id_number, TRUE);
  JsonObject *info;
  const char *read_name;
  gsize stem_length;

  assert_verdict (exchange, 3);
  info = id_card_info (exchange);
  read_name = json_object_get_string_member (info, "Name");
  g_assert_cmpstr (read_name, !=, customer->name);
  /* Only the last character differs. */
  g_assert_cmpuint (g_utf8_strlen (read_name, -1), ==, g_utf8_strlen (customer->name, -1));
  stem_length = g_utf8_find_prev_char (customer->name, customer->name + strlen (customer->name))
                - customer->name;
  g_assert_cmpint (strncmp (read_name, customer->name, stem_length), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (info, "Number"), ==, customer->id_number);
}

static void
test_ocr_number_misread (Fixture       *f,
                         gconstpointer  data)
{
  const VdSampleCustomer *customer = customer_with_status (4);
  g_autoptr(Exchange) exchange = send_customer (f, customer->name, customer->id_number, TRUE);
  JsonObject *info;
  const char *read_number;
  guint differences = 0;

  assert_verdict (exchange, 4);
  info = id_card_info (exchange);
  read_number = json_object_get_string_member (info, "Number");
  g_assert_cmpuint (strlen (read_number), ==, 18);
  for (guint i = 0; i < 18; i++)
    if (read_number[i] != customer->id_number[i])
      {
        differences++;
        g_assert_true (g_ascii_isdigit (read_number[i]));
      }
  g_assert_cmpuint (differences, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (info, "Name"), ==, customer->name);
}

static void
test_ocr_expired (Fixture       *f,
                  gconstpointer  data)
{
  const VdSampleCustomer *customer = customer_with_status (5);
  g_autoptr(Exchange) exchange = send_customer (f, customer->name, customer->id_number, TRUE);
  g_autoptr(GTimeZone) china = g_time_zone_new_offset (8 * 3600);
  g_autoptr(GDateTime) now = g_date_time_new_now (china);
  g_autoptr(GDateTime) month_ago = g_date_time_add_months (now, -1);
  g_autofree char *last_month = g_date_time_format (month_ago, "%Y%m");
  JsonObject *info;
  const char *end;

  assert_verdict (exchange, 5);
  info = id_card_info (exchange);
  end = json_object_get_string_member (info, "EndDate");
  g_assert_cmpuint (strlen (end), ==, 8);
  g_assert_true (g_str_has_prefix (end, last_month));
  g_assert_cmpstr (json_object_get_string_member (info, "StartDate"), <, end);
}

/* --- shapes and formats --- */

static void
assert_xml_error (Exchange   *exchange,
                  guint       status,
                  const char *code)
{
  GHashTable *xml;
  g_autofree char *recommend = NULL;

  g_assert_cmpuint (exchange_status (exchange), ==, status);
  g_assert_true (g_str_has_prefix (response_header (exchange, "Content-Type"), "text/xml"));
  xml = exchange_xml (exchange);
  g_assert_cmpstr (g_hash_table_lookup (xml, "Error/Code"), ==, code);
  g_assert_cmpstr (g_hash_table_lookup (xml, "Error/HostId"), ==, "cloudauth.aliyuncs.com");
  g_assert_cmpstr (g_hash_table_lookup (xml, "Error/RequestId"), ==,
                   response_header (exchange, "x-acs-request-id"));
  g_assert_nonnull (g_hash_table_lookup (xml, "Error/Message"));
  recommend = g_strdup_printf ("https://api.aliyun.com/troubleshoot?q=%s&product=Cloudauth",
                               code);
  g_assert_cmpstr (g_hash_table_lookup (xml, "Error/Recommend"), ==, recommend);
}

/* A v1 request signed without Format (or with another value than JSON). */
static Exchange *
send_v1_format (Fixture    *f,
                const char *format,
                const char *name,
                const char *id_number,
                gboolean    card_images)
{
  g_autoptr(VdParams) params = customer_params (name, id_number, card_images);
  g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V1, params);

  if (format != NULL)
    vd_params_set (request->query, "Format", format);
  else
    vd_params_remove (request->query, "Format");
  resign_v1 (request->query, "POST", VD_TRAINING_ACCESS_KEY_SECRET);

  return send_v1_query (f, request->query);
}

static void
test_v1_xml_default (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(Exchange) absent = send_v1_format (f, NULL, PASS_NAME, PASS_NUMBER, TRUE);
  g_autoptr(Exchange) explicit = send_v1_format (f, "XML", PASS_NAME, PASS_NUMBER, FALSE);
  g_autoptr(Exchange) lower_json = send_v1_format (f, "json", PASS_NAME, PASS_NUMBER, FALSE);
  GHashTable *xml;

  g_assert_cmpuint (exchange_status (absent), ==, SOUP_STATUS_OK);
  g_assert_true (g_str_has_prefix (response_header (absent, "Content-Type"), "text/xml"));
  xml = exchange_xml (absent);
  g_assert_cmpstr (g_hash_table_lookup (xml, "VerifyMaterialResponse/RequestId"), ==,
                   response_header (absent, "x-acs-request-id"));
  g_assert_cmpstr (g_hash_table_lookup (xml, "VerifyMaterialResponse/VerifyStatus"), ==, "1");
  g_assert_cmpstr (g_hash_table_lookup (xml,
                                        "VerifyMaterialResponse/AuthorityComparisionScore"),
                   ==, "97");
  g_assert_cmpstr (g_hash_table_lookup (xml, "VerifyMaterialResponse/Material/IdCardName"), ==,
                   PASS_NAME);
  g_assert_cmpstr (g_hash_table_lookup (xml,
                                        "VerifyMaterialResponse/Material/IdCardInfo/Authority"),
                   ==, "杭州市公安局");
  g_assert_cmpuint (strlen (g_hash_table_lookup (xml, "VerifyMaterialResponse/VerifyToken")),
                    ==, 32);

  g_assert_cmpstr (g_hash_table_lookup (exchange_xml (explicit),
                                        "VerifyMaterialResponse/VerifyStatus"), ==, "1");
  assert_verdict (lower_json, 1);
}

static void
test_v1_xml_errors (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(Exchange) identity = send_v1_format (f, NULL, "张三", PASS_NUMBER, FALSE);
  g_autoptr(Exchange) missing = send_v1_format (f, NULL, PASS_NAME, "", FALSE);
  g_autoptr(Exchange) bad_path = exchange_message (f, new_message (f, "GET", "/v2/verify", NULL,
                                                                   NULL, NULL));
  GHashTable *xml = exchange_xml (identity);

  g_assert_cmpuint (exchange_status (identity), ==, SOUP_STATUS_OK);
  g_assert_cmpstr (g_hash_table_lookup (xml, "VerifyMaterialResponse/Code"), ==, "3101");
  g_assert_cmpstr (g_hash_table_lookup (xml, "VerifyMaterialResponse/Message"), ==,
                   "name not match with identity number.");
  g_assert_null (g_hash_table_lookup (xml, "VerifyMaterialResponse/VerifyStatus"));

  assert_xml_error (missing, SOUP_STATUS_BAD_REQUEST, "MissingParameter");
  assert_xml_error (bad_path, SOUP_STATUS_NOT_FOUND, "InvalidAction.NotFound");
}

static void
test_seed_json (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(Exchange) pass = NULL;
  g_autoptr(Exchange) identity = NULL;
  JsonObject *wrapper;
  JsonObject *answer;
  JsonObject *info;

  vd_simulator_set_answer_shape (f->simulator, VD_ANSWER_SHAPE_SEED_JSON);
  pass = send_customer (f, PASS_NAME, PASS_NUMBER, TRUE);
  g_assert_cmpuint (exchange_status (pass), ==, SOUP_STATUS_OK);
  wrapper = json_object_get_object_member (exchange_json (pass), "VerifyMaterials");
  g_assert_nonnull (wrapper);
  g_assert_cmpstr (json_object_get_string_member (wrapper, "Success"), ==, "true");
  g_assert_cmpstr (json_object_get_string_member (wrapper, "Code"), ==, "200");
  g_assert_cmpstr (json_object_get_string_member (wrapper, "RequestId"), ==,
                   response_header (pass, "x-acs-request-id"));
  answer = json_object_get_object_member (wrapper, "Data");
  g_assert_cmpstr (json_object_get_string_member (answer, "VerifyStatus"), ==, "1");
  g_assert_cmpstr (json_object_get_string_member (answer, "AuthorityComparisonScore"), ==, "97");
  g_assert_false (json_object_has_member (answer, "AuthorityComparisionScore"));
  g_assert_cmpuint (json_node_get_value_type (json_object_get_member (
                      answer, "IdCardFaceComparisonScore")), ==, G_TYPE_STRING);
  info = json_object_get_object_member (json_object_get_object_member (answer, "Material"),
                                        "IdCardInfo");
  g_assert_cmpstr (json_object_get_string_member (info, "Name"), ==, PASS_NAME);
  g_assert_true (g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                                       json_object_get_string_member (info, "StartDate"), 0, 0));
  g_assert_true (g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                                       json_object_get_string_member (info, "EndDate"), 0, 0));

  identity = send_customer (f, "张三", PASS_NUMBER, FALSE);
  wrapper = json_object_get_object_member (exchange_json (identity), "VerifyMaterials");
  g_assert_cmpstr (json_object_get_string_member (wrapper, "Success"), ==, "false");
  g_assert_cmpstr (json_object_get_string_member (wrapper, "Code"), ==, "3101");
  g_assert_cmpstr (json_object_get_string_member (wrapper, "Message"), ==,
                   "name not match with identity number.");
  g_assert_false (json_object_has_member (wrapper, "Data"));
}

static void
test_seed_xml (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(Exchange) v3 = NULL;
  g_autoptr(Exchange) v1_seed_json = NULL;
  GHashTable *xml;

  vd_simulator_set_answer_shape (f->simulator, VD_ANSWER_SHAPE_SEED_XML);
  v3 = send_customer (f, PASS_NAME, PASS_NUMBER, TRUE);
  g_assert_cmpuint (exchange_status (v3), ==, SOUP_STATUS_OK);
  g_assert_true (g_str_has_prefix (response_header (v3, "Content-Type"), "text/xml"));
  xml = exchange_xml (v3);
  g_assert_cmpstr (g_hash_table_lookup (xml, "VerifyMaterialsResponse/Data/VerifyStatus"), ==,
                   "1");
  g_assert_cmpstr (g_hash_table_lookup (xml,
                                        "VerifyMaterialsResponse/Data/AuthorityComparisonScore"),
                   ==, "97");
  g_assert_cmpstr (g_hash_table_lookup (xml, "VerifyMaterialsResponse/Success"), ==, "true");
  g_assert_cmpstr (g_hash_table_lookup (xml, "VerifyMaterialsResponse/Code"), ==, "200");
  g_assert_cmpstr (g_hash_table_lookup (
                     xml, "VerifyMaterialsResponse/Data/Material/IdCardInfo/FrontImageUrl"),
                   ==, FRONT_URL);

  /* The seed JSON shape, asked for in XML by a v1 request without Format, is the seed XML. */
  vd_simulator_set_answer_shape (f->simulator, VD_ANSWER_SHAPE_SEED_JSON);
  v1_seed_json = send_v1_format (f, NULL, PASS_NAME, PASS_NUMBER, FALSE);
  g_assert_cmpstr (g_hash_table_lookup (exchange_xml (v1_seed_json),
                                        "VerifyMaterialsResponse/Data/VerifyStatus"), ==, "1");
}

/* --- HTTP-level refusals --- */

static void
test_wrong_path_and_method (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V3, params);
  g_autoptr(Exchange) put = exchange_message (f, new_signed_message (f, "PUT", request, NULL,
                                                                     NULL));
  g_autoptr(Exchange) path = exchange_message (f, new_message (f, "POST", "/api/?Format=JSON",
                                                               NULL, NULL, NULL));

  assert_error (put, SOUP_STATUS_METHOD_NOT_ALLOWED, "UnsupportedHTTPMethod");
  assert_error (path, SOUP_STATUS_NOT_FOUND, "InvalidAction.NotFound");
}

static void
test_duplicate_params (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V1, params);
  g_autofree char *query = vd_params_to_canonical (request->query);
  g_autofree char *twice = g_strconcat ("/?", query, "&Name=%E7%8E%8B%E4%BA%94", NULL);
  g_autofree char *once = g_strconcat ("/?", query, NULL);
  g_autofree char *not_utf8 = g_strconcat ("/?", query, "&Extra=%FF%FE", NULL);
  g_autoptr(GBytes) same_name = g_bytes_new_static ("Name=%E7%8E%8B%E4%BA%94", 23);
  g_autoptr(GBytes) bad_escape = g_bytes_new_static ("Extra=%ZZ", 9);
  g_autoptr(Exchange) in_query = exchange_message (f, new_message (f, "POST", twice, NULL, NULL,
                                                                   NULL));
  g_autoptr(Exchange) in_both = exchange_message (f, new_message (
                                                    f, "POST", once, NULL, same_name,
                                                    "application/x-www-form-urlencoded"));
  g_autoptr(Exchange) escape = exchange_message (f, new_message (
                                                   f, "POST", once, NULL, bad_escape,
                                                   "application/x-www-form-urlencoded"));
  g_autoptr(Exchange) encoding = exchange_message (f, new_message (f, "POST", not_utf8, NULL,
                                                                   NULL, NULL));

  assert_error (in_query, SOUP_STATUS_BAD_REQUEST, "InvalidParameter");
  assert_error (in_both, SOUP_STATUS_BAD_REQUEST, "InvalidParameter");
  g_assert_nonnull (strstr (error_message (in_both), "\"Name\""));
  assert_error (escape, SOUP_STATUS_BAD_REQUEST, "InvalidParameter");
  assert_error (encoding, SOUP_STATUS_BAD_REQUEST, "InvalidParameter");
  g_assert_cmpuint (vd_simulator_get_requests_answered (f->simulator), ==, 0);
}

static void
test_request_too_large (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *padding = g_strnfill (33 * 1024, 'p');
  g_autofree char *long_query = g_strconcat ("/?Format=JSON&Padding=", padding, NULL);
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V1, params);
  g_autoptr(GBytes) big_body = g_bytes_new_take (g_strnfill (8 * 1024 * 1024 + 1, 'b'),
                                                 8 * 1024 * 1024 + 1);
  g_autoptr(Exchange) query = exchange_message (f, new_message (f, "GET", long_query, NULL, NULL,
                                                                NULL));
  g_autoptr(Exchange) body = exchange_message (f, new_signed_message (
                                                 f, "POST", request, big_body,
                                                 "application/x-www-form-urlencoded"));

  assert_error (query, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "RequestTooLarge");
  assert_error (body, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "RequestTooLarge");
  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 2);
  g_assert_cmpuint (vd_simulator_get_requests_answered (f->simulator), ==, 0);
}

/* --- faults --- */

static Exchange *
send_pass (Fixture *f)
{
  return send_customer (f, PASS_NAME, PASS_NUMBER, FALSE);
}

static void
test_fault_delay (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(Exchange) delayed = NULL;
  g_autoptr(Exchange) prompt = NULL;

  vd_simulator_push_fault (f->simulator, VD_FAULT_DELAY, 300);
  delayed = send_pass (f);
  assert_verdict (delayed, 1);
  g_assert_cmpint (delayed->elapsed_us, >=, 300 * G_TIME_SPAN_MILLISECOND);

  prompt = send_pass (f);
  assert_verdict (prompt, 1);
  g_assert_cmpint (prompt->elapsed_us, <, 300 * G_TIME_SPAN_MILLISECOND);
}

/* Authentication still runs under DELAY: a refusal is what gets delayed. */
static void
test_fault_delay_keeps_checks (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) request = NULL;
  g_autoptr(Exchange) exchange = NULL;

  vd_params_remove (params, "BizType");
  request = sign (f, VD_SIGNATURE_V3, params);
  vd_simulator_push_fault (f->simulator, VD_FAULT_DELAY, 100);
  exchange = send_signed (f, request);
  assert_error (exchange, SOUP_STATUS_BAD_REQUEST, "MissingParameter");
  g_assert_cmpint (exchange->elapsed_us, >=, 100 * G_TIME_SPAN_MILLISECOND);
}

static void
test_fault_drip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(Exchange) exchange = NULL;

  vd_simulator_push_fault (f->simulator, VD_FAULT_DRIP, 2);
  exchange = send_pass (f);
  assert_verdict (exchange, 1);
  g_assert_cmpint (soup_message_headers_get_encoding (
                     soup_message_get_response_headers (exchange->msg)), ==,
                   SOUP_ENCODING_CHUNKED);
  /* One byte per tick, each tick at least 2 ms after the one before. */
  g_assert_cmpint (exchange->elapsed_us, >=,
                   (gint64) g_bytes_get_size (exchange->body) * 2 * G_TIME_SPAN_MILLISECOND);
}

static gboolean
cancel_later (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
spin_for (guint ms)
{
  gboolean elapsed = FALSE;

  g_timeout_add (ms, set_flag, &elapsed);
  vd_test_wait_for_flag (&elapsed, ms + WAIT_LIMIT_MS);
}

/* The client leaves in the middle of a drip: the simulator stops, keeps working, and nothing
 * touches the message afterwards (valgrind checks that). */
static void
test_fault_drip_client_gone (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(Exchange) gone = g_new0 (Exchange, 1);
  g_autoptr(Exchange) next = NULL;
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V3, params);

  vd_simulator_push_fault (f->simulator, VD_FAULT_DRIP, 20);
  gone->msg = new_signed_message (f, "POST", request, NULL, NULL);
  gone->started_us = g_get_monotonic_time ();
  soup_session_send_and_read_async (f->session, gone->msg, G_PRIORITY_DEFAULT, cancellable,
                                    on_sent, gone);
  g_timeout_add (200, cancel_later, cancellable);
  vd_test_wait_for_flag (&gone->done, WAIT_LIMIT_MS);
  g_assert_error (gone->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Long enough for several more ticks to find the client gone. */
  spin_for (200);

  next = send_pass (f);
  assert_verdict (next, 1);
  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 2);
}

static void
test_fault_reset (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V3, params);
  SoupMessage *msg = new_signed_message (f, "POST", request, NULL, NULL);
  g_autoptr(Exchange) reset = NULL;
  g_autoptr(Exchange) next = NULL;

  /* On a fresh connection the session has no reason to retry by itself. */
  soup_message_add_flags (msg, SOUP_MESSAGE_NEW_CONNECTION);
  vd_simulator_push_fault (f->simulator, VD_FAULT_RESET, 0);
  reset = exchange_message (f, msg);
  g_assert_nonnull (reset->error);
  g_assert_null (reset->body);
  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 1);
  g_assert_cmpuint (vd_simulator_get_requests_answered (f->simulator), ==, 0);

  next = send_pass (f);
  assert_verdict (next, 1);
}

/* The headers go out with the whole answer's length, then part of the body, then the
 * connection closes: the client sees an answer cut short, never a complete one. */
static void
test_fault_reset_mid_answer (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V3, params);
  SoupMessage *msg = new_signed_message (f, "POST", request, NULL, NULL);
  g_autoptr(Exchange) cut = NULL;
  g_autoptr(Exchange) next = NULL;
  SoupMessageHeaders *headers;

  soup_message_add_flags (msg, SOUP_MESSAGE_NEW_CONNECTION);
  vd_simulator_push_fault (f->simulator, VD_FAULT_RESET_MID_ANSWER, 20);
  cut = exchange_message (f, msg);
  g_assert_nonnull (cut->error);
  g_assert_true (g_error_matches (cut->error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT));
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  headers = soup_message_get_response_headers (msg);
  g_assert_cmpint (soup_message_headers_get_content_length (headers), >, 20);
  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 1);

  next = send_pass (f);
  assert_verdict (next, 1);
}

static void
test_fault_server_error (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(Exchange) unavailable = NULL;
  g_autoptr(Exchange) internal = NULL;

  vd_simulator_push_fault (f->simulator, VD_FAULT_SERVER_ERROR, 503);
  vd_simulator_push_fault (f->simulator, VD_FAULT_SERVER_ERROR, 500);
  unavailable = send_pass (f);
  internal = send_pass (f);
  assert_error (unavailable, SOUP_STATUS_SERVICE_UNAVAILABLE, "ServiceUnavailable");
  assert_error (internal, SOUP_STATUS_INTERNAL_SERVER_ERROR, "InternalError");
  g_assert_cmpstr (vd_simulator_get_last_error_code (f->simulator), ==, "InternalError");
  g_assert_cmpuint (vd_simulator_get_requests_answered (f->simulator), ==, 0);
}

static void
test_fault_throttling (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(Exchange) exchange = NULL;

  vd_simulator_push_fault (f->simulator, VD_FAULT_THROTTLING, 1500);
  exchange = send_pass (f);
  assert_error (exchange, SOUP_STATUS_BAD_REQUEST, "Throttling.User");
  g_assert_cmpstr (error_message (exchange), ==, "Request was denied due to user flow control.");
  g_assert_cmpstr (response_header (exchange, "x-acs-retry-after"), ==, "1500");
}

static void
test_fault_garbage (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(Exchange) exchange = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size;
  const char *body;

  vd_simulator_push_fault (f->simulator, VD_FAULT_GARBAGE, 0);
  exchange = send_pass (f);
  g_assert_cmpuint (exchange_status (exchange), ==, SOUP_STATUS_OK);
  body = g_bytes_get_data (exchange->body, &size);
  g_assert_cmpuint (size, >, 0);
  g_assert_false (json_parser_load_from_data (parser, body, (gssize) size, NULL));
  g_assert_cmpint (body[0], !=, '<');
}

static void
test_fault_oversized (Fixture       *f,
                      gconstpointer  data)
{
  const gsize size = 2 * 1024 * 1024;
  g_autoptr(Exchange) big = NULL;
  g_autoptr(Exchange) tiny = NULL;

  vd_simulator_push_fault (f->simulator, VD_FAULT_OVERSIZED, size);
  vd_simulator_push_fault (f->simulator, VD_FAULT_OVERSIZED, 5);
  big = send_pass (f);
  tiny = send_pass (f);

  g_assert_cmpuint (exchange_status (big), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (g_bytes_get_size (big->body), ==, size);
  g_assert_cmpint (soup_message_headers_get_content_length (
                     soup_message_get_response_headers (big->msg)), ==, (goffset) size);
  /* Well-formed JSON, all padding. */
  g_assert_true (json_object_has_member (exchange_json (big), "Padding"));
  g_assert_cmpuint (g_bytes_get_size (tiny->body), ==, 5);
}

static void
test_fault_empty (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(Exchange) exchange = NULL;

  vd_simulator_push_fault (f->simulator, VD_FAULT_EMPTY, 0);
  exchange = send_pass (f);
  g_assert_cmpuint (exchange_status (exchange), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (g_bytes_get_size (exchange->body), ==, 0);
  g_assert_cmpint (soup_message_headers_get_content_length (
                     soup_message_get_response_headers (exchange->msg)), ==, 0);
}

static void
test_fault_no_status (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(Exchange) exchange = NULL;
  JsonObject *object;

  vd_simulator_push_fault (f->simulator, VD_FAULT_NO_STATUS, 0);
  exchange = send_pass (f);
  g_assert_cmpuint (exchange_status (exchange), ==, SOUP_STATUS_OK);
  object = exchange_json (exchange);
  g_assert_false (json_object_has_member (object, "VerifyStatus"));
  g_assert_true (json_object_has_member (object, "VerifyToken"));
  g_assert_false (json_object_has_member (object, "Code"));
}

static void
test_fault_bad_utf8 (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(Exchange) exchange = NULL;
  gsize size;
  const char *body;

  vd_simulator_push_fault (f->simulator, VD_FAULT_BAD_UTF8, 0);
  exchange = send_pass (f);
  g_assert_cmpuint (exchange_status (exchange), ==, SOUP_STATUS_OK);
  body = g_bytes_get_data (exchange->body, &size);
  g_assert_cmpint (body[0], ==, '{');
  g_assert_false (g_utf8_validate (body, (gssize) size, NULL));
}

static void
test_fault_status (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(Exchange) forced = NULL;
  g_autoptr(Exchange) refused = NULL;
  g_autoptr(Exchange) normal = NULL;
  g_autoptr(VdCredentials) stranger = vd_credentials_new ("LTAI5tUnknownKeyId000001",
                                                          "SomeSecretTheGatewayNeverSaw01", NULL);
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) request = NULL;

  vd_simulator_push_fault (f->simulator, VD_FAULT_STATUS, 42);
  forced = send_pass (f);
  assert_verdict (forced, 42);
  g_assert_cmpuint (vd_simulator_get_requests_answered (f->simulator), ==, 1);

  /* STATUS comes after authentication: an unknown key is still refused, and uses it up. */
  vd_simulator_push_fault (f->simulator, VD_FAULT_STATUS, 42);
  request = sign_full (f, VD_SIGNATURE_V3, "POST", VD_CLOUDAUTH_ACTION, VD_CLOUDAUTH_VERSION,
                       NULL, params, NULL, stranger);
  refused = send_signed (f, request);
  assert_error (refused, SOUP_STATUS_NOT_FOUND, "InvalidAccessKeyId.NotFound");
  normal = send_pass (f);
  assert_verdict (normal, 1);
}

static void
test_fault_order (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(Exchange) first = NULL;
  g_autoptr(Exchange) second = NULL;
  g_autoptr(Exchange) third = NULL;
  g_autoptr(Exchange) after_clear = NULL;

  vd_simulator_push_fault (f->simulator, VD_FAULT_SERVER_ERROR, 503);
  vd_simulator_push_fault (f->simulator, VD_FAULT_EMPTY, 0);
  first = send_pass (f);
  second = send_pass (f);
  third = send_pass (f);
  assert_error (first, SOUP_STATUS_SERVICE_UNAVAILABLE, "ServiceUnavailable");
  g_assert_cmpuint (g_bytes_get_size (second->body), ==, 0);
  assert_verdict (third, 1);

  vd_simulator_push_fault (f->simulator, VD_FAULT_SERVER_ERROR, 503);
  vd_simulator_push_fault (f->simulator, VD_FAULT_GARBAGE, 0);
  vd_simulator_clear_faults (f->simulator);
  after_clear = send_pass (f);
  assert_verdict (after_clear, 1);
}

/* Stopping the simulator with an answer still held back: the client gets an error, the timer
 * never fires on a freed message. */
static void
test_disconnect_with_pending_delay (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(Exchange) held = g_new0 (Exchange, 1);
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) request = sign (f, VD_SIGNATURE_V3, params);

  vd_simulator_push_fault (f->simulator, VD_FAULT_DELAY, 1000);
  held->msg = new_signed_message (f, "POST", request, NULL, NULL);
  held->started_us = g_get_monotonic_time ();
  soup_session_send_and_read_async (f->session, held->msg, G_PRIORITY_DEFAULT, NULL, on_sent,
                                    held);
  while (vd_simulator_get_requests_received (f->simulator) == 0)
    spin_for (10);
  spin_for (50);

  vd_simulator_disconnect (f->simulator);
  g_assert_null (vd_simulator_get_url (f->simulator));
  vd_test_wait_for_flag (&held->done, WAIT_LIMIT_MS);
  g_assert_nonnull (held->error);
  g_assert_cmpint (held->elapsed_us, <, 1000 * G_TIME_SPAN_MILLISECOND);

  /* Past the delay: nothing fires any more. */
  spin_for (1100);
}

/* --- HTTPS --- */

static gboolean
accept_test_certificate (SoupMessage          *msg,
                         GTlsCertificate      *certificate,
                         GTlsCertificateFlags  errors,
                         gpointer              data)
{
  return g_tls_certificate_is_same (certificate, data);
}

static void
test_https (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *pem = g_strconcat (certificate_pem, private_key_pem, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_pem (pem, -1, &error);
  g_autoptr(GUri) uri = NULL;
  g_autoptr(VdParams) params = pass_params ();
  g_autoptr(VdSignedRequest) request = NULL;
  g_autoptr(Exchange) exchange = NULL;
  SoupMessage *msg;

  g_assert_no_error (error);
  g_assert_true (vd_simulator_listen (f->simulator, 0, certificate, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (vd_simulator_get_url (f->simulator), "https://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (vd_simulator_get_url (f->simulator), "/"));

  uri = g_uri_parse (vd_simulator_get_url (f->simulator), G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_free (f->host);
  g_free (f->base);
  f->host = g_strdup_printf ("127.0.0.1:%d", g_uri_get_port (uri));
  f->base = g_strdup_printf ("https://%s", f->host);

  request = sign (f, VD_SIGNATURE_V3, params);
  msg = new_signed_message (f, "POST", request, NULL, NULL);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_test_certificate),
                    certificate);
  exchange = exchange_message (f, msg);
  assert_verdict (exchange, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, function) \
  g_test_add ("/simulator/" path, Fixture, NULL, fixture_set_up, function, fixture_tear_down)

  ADD ("v1/valid", test_v1_valid);
  ADD ("v3/valid", test_v3_valid);
  ADD ("v3/get", test_v3_get);
  ADD ("v3/form-body", test_v3_form_body);
  ADD ("v1/form-body", test_v1_form_body);
  ADD ("v1/space-in-name", test_v1_space_in_name);
  ADD ("date-header", test_date_header);
  ADD ("action/wrong", test_wrong_action);
  ADD ("action/missing", test_missing_action);
  ADD ("action/wrong-version", test_wrong_version);
  ADD ("action/seed", test_seed_action);
  ADD ("v1/missing-protocol-params", test_v1_missing_protocol_params);
  ADD ("v1/signature-method", test_v1_signature_method);
  ADD ("v1/malformed-timestamp", test_v1_malformed_timestamp);
  ADD ("timestamp/stale", test_stale_timestamp);
  ADD ("v3/missing-headers", test_v3_missing_headers);
  ADD ("v3/malformed-authorization", test_v3_malformed_authorization);
  ADD ("v3/malformed-date", test_v3_malformed_date);
  ADD ("v3/unsigned-header", test_v3_unsigned_header);
  ADD ("v3/host-unsigned", test_v3_host_unsigned);
  ADD ("v3/content-sha-mismatch", test_v3_content_sha_mismatch);
  ADD ("key/unknown", test_unknown_key);
  ADD ("key/removed", test_removed_key);
  ADD ("key/sts", test_sts);
  ADD ("signature/wrong-secret", test_wrong_secret);
  ADD ("signature/plus-for-space", test_v1_plus_for_space);
  ADD ("signature/v3-tampered-query", test_v3_tampered_query);
  ADD ("nonce/reused", test_nonce_reused);
  ADD ("nonce/recorded-after-signature", test_nonce_recorded_after_signature);
  ADD ("nonce/per-key", test_nonce_per_key);
  ADD ("business/missing", test_missing_business_params);
  ADD ("business/oversized", test_oversized_params);
  ADD ("business/length-in-characters", test_length_in_characters);
  ADD ("business/biz-id-65", test_biz_id_65);
  ADD ("business/local-path-url", test_local_path_url);
  ADD ("business/region", test_region);
  ADD ("answer/every-sample-customer", test_every_sample_customer);
  ADD ("answer/identity-errors", test_identity_errors);
  ADD ("answer/ocr-pass", test_ocr_pass);
  ADD ("answer/ocr-long-term", test_ocr_long_term);
  ADD ("answer/ocr-front-only", test_ocr_front_only);
  ADD ("answer/ocr-name-misread", test_ocr_name_misread);
  ADD ("answer/ocr-number-misread", test_ocr_number_misread);
  ADD ("answer/ocr-expired", test_ocr_expired);
  ADD ("format/v1-xml-default", test_v1_xml_default);
  ADD ("format/v1-xml-errors", test_v1_xml_errors);
  ADD ("shape/seed-json", test_seed_json);
  ADD ("shape/seed-xml", test_seed_xml);
  ADD ("http/wrong-path-and-method", test_wrong_path_and_method);
  ADD ("http/duplicate-params", test_duplicate_params);
  ADD ("http/request-too-large", test_request_too_large);
  ADD ("fault/delay", test_fault_delay);
  ADD ("fault/delay-keeps-checks", test_fault_delay_keeps_checks);
  ADD ("fault/drip", test_fault_drip);
  ADD ("fault/drip-client-gone", test_fault_drip_client_gone);
  ADD ("fault/reset", test_fault_reset);
  ADD ("fault/reset-mid-answer", test_fault_reset_mid_answer);
  ADD ("fault/server-error", test_fault_server_error);
  ADD ("fault/throttling", test_fault_throttling);
  ADD ("fault/garbage", test_fault_garbage);
  ADD ("fault/oversized", test_fault_oversized);
  ADD ("fault/empty", test_fault_empty);
  ADD ("fault/no-status", test_fault_no_status);
  ADD ("fault/bad-utf8", test_fault_bad_utf8);
  ADD ("fault/status", test_fault_status);
  ADD ("fault/order", test_fault_order);
  ADD ("fault/disconnect-with-pending-delay", test_disconnect_with_pending_delay);
  ADD ("https", test_https);

#undef ADD

  return g_test_run ();
}
