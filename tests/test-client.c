/* test-client.c: VdCloudauthClient against the in-process simulator on 127.0.0.1 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <libsoup/soup.h>

#include "vd-answer-parser.h"
#include "vd-cloudauth-client.h"
#include "vd-sample-customers.h"
#include "vd-simulator.h"
#include "vd-test-util.h"

/* Roomy enough for a run under valgrind; the tests of the timers set short ones. */
/* Budgets for exchanges meant to succeed: a TLS handshake takes seconds under the sanitizer
 * build's slow unwinder. */
#define TEST_CONNECT_TIMEOUT_MS (2000 * vd_test_slowdown ())
#define TEST_READ_TIMEOUT_MS    (2000 * vd_test_slowdown ())
#define SHORT_CONNECT_TIMEOUT_MS 200
#define SHORT_READ_TIMEOUT_MS   300
#define TEST_BACKOFF_MS         10
#define WAIT_LIMIT_MS           10000
#define PROMPT_US               (200 * G_TIME_SPAN_MILLISECOND)

#define PASSING_NAME      "张三"
#define PASSING_ID_NUMBER "11010519491231002X"
#define FACE_URL          "https://images.example.com/face.jpg"

/* A self-signed certificate for 127.0.0.1 (EC P-256, valid 2026–2126), made for these tests
 * with openssl req -x509 -addext subjectAltName=IP:127.0.0.1. */
static const char test_certificate_pem[] =
  "-----BEGIN CERTIFICATE-----\n"
  "MIIBxjCCAWygAwIBAgIUYXHRjFWolZA/WIIt3J9JFhR8rBEwCgYIKoZIzj0EAwIw\n"
  "LzESMBAGA1UEAwwJMTI3LjAuMC4xMRkwFwYDVQQKDBBWZXJpZnlEZXNrIHRlc3Rz\n"
  "MCAXDTI2MTEyODA5NTcxMVoYDzIxMjYxMTA0MDk1NzExWjAvMRIwEAYDVQQDDAkx\n"
  "MjcuMC4wLjExGTAXBgNVBAoMEFZlcmlmeURlc2sgdGVzdHMwWTATBgcqhkjOPQIB\n"
  "BggqhkjOPQMBBwNCAAQ87K3GqIZd33j5xWW916x5yQrBcmZ0FEi8KtCs1DF3MckD\n"
  "e4x1DTN2LYF3st2pCRgtyOiOolvcySwocxENvL4Eo2QwYjAdBgNVHQ4EFgQU3Ebk\n"
  "7k2OqhUMLJpTo6j1y4R7Cc4wHwYDVR0jBBgwFoAU3Ebk7k2OqhUMLJpTo6j1y4R7\n"
  "Cc4wDwYDVR0RBAgwBocEfwAAATAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMC\n"
  "A0gAMEUCIC9bpXWGzM0tlJwyWNfMHLkR6GMUn89fnDjQAVjNTC7PAiEA0aHV/fpA\n"
  "dGDx7NUa3W5T1M7/9Dj5xa4Nxm+paPP6cAo=\n"
  "-----END CERTIFICATE-----\n";

static const char test_private_key_pem[] =
  "-----BEGIN PRIVATE KEY-----\n"
  "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgnu2Td/iHCZLhjlnq\n"
  "JO45tFF59LRteObSivtd9jPB2T6hRANCAAQ87K3GqIZd33j5xWW916x5yQrBcmZ0\n"
  "FEi8KtCs1DF3MckDe4x1DTN2LYF3st2pCRgtyOiOolvcySwocxENvL4E\n"
  "-----END PRIVATE KEY-----\n";

typedef struct {
  VdSimulator       *simulator;
  VdCloudauthClient *client;
  VdCredentials     *credentials;
} Fixture;

/* What one verification ended with. */
typedef struct {
  gboolean        done;
  guint           calls;
  VdVerifyResult *result;
  GError         *error;
  gint64          started_at;
  gint64          finished_at;
} Outcome;

/* Every message logged while the tests run, checked for the secrets the tests use. */
static guint    debug_messages_from_client;
static gboolean secret_was_logged;

static const char *const test_secrets[] = {
  VD_TRAINING_ACCESS_KEY_SECRET,
  "StsSecretForTheClientTest01",
  "WrongSecretForTheClientTest",
};

static GLogWriterOutput
capture_log (GLogLevelFlags   level,
             const GLogField *fields,
             gsize            n_fields,
             gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;
  gsize i;

  for (i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }

  for (i = 0; message != NULL && i < G_N_ELEMENTS (test_secrets); i++)
    {
      if (strstr (message, test_secrets[i]) != NULL)
        secret_was_logged = TRUE;
    }

  if (level & G_LOG_LEVEL_DEBUG)
    {
      if (g_strcmp0 (domain, "vd-cloudauth-client") == 0)
        debug_messages_from_client++;
      /* Kept out of stdout, where the TAP stream goes. */
      return G_LOG_WRITER_HANDLED;
    }

  return g_log_writer_default (level, fields, n_fields, user_data);
}

static VdVerifyRequest *
request_for (const char *name,
             const char *id_number)
{
  VdVerifyRequest *request = vd_verify_request_new_task (NULL);

  request->name = g_strdup (name);
  request->id_number = g_strdup (id_number);
  request->face_url = g_strdup (FACE_URL);
  return request;
}

static VdVerifyRequest *
passing_request (void)
{
  return request_for (PASSING_NAME, PASSING_ID_NUMBER);
}

static void
outcome_clear (Outcome *outcome)
{
  g_clear_pointer (&outcome->result, vd_verify_result_unref);
  g_clear_error (&outcome->error);
}

static void
on_verified (GObject      *source,
             GAsyncResult *res,
             gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->calls++;
  outcome->result = vd_cloudauth_client_verify_finish (VD_CLOUDAUTH_CLIENT (source), res,
                                                       &outcome->error);
  outcome->finished_at = g_get_monotonic_time ();
  outcome->done = TRUE;
}

static void
start_verify (VdCloudauthClient *client,
              VdCredentials     *credentials,
              GCancellable      *cancellable,
              Outcome           *outcome)
{
  g_autoptr(VdVerifyRequest) request = passing_request ();

  outcome->started_at = g_get_monotonic_time ();
  vd_cloudauth_client_verify_async (client, request, credentials, cancellable, on_verified,
                                    outcome);
}

static void
run_request (Fixture         *f,
             VdVerifyRequest *request,
             Outcome         *outcome)
{
  outcome->started_at = g_get_monotonic_time ();
  vd_cloudauth_client_verify_async (f->client, request, f->credentials, NULL, on_verified,
                                    outcome);
  vd_test_wait_for_flag (&outcome->done, WAIT_LIMIT_MS);
  g_assert_cmpuint (outcome->calls, ==, 1);
  g_assert_true ((outcome->result == NULL) != (outcome->error == NULL));
}

static void
run_passing (Fixture *f,
             Outcome *outcome)
{
  g_autoptr(VdVerifyRequest) request = passing_request ();

  run_request (f, request, outcome);
}

/* Lets the main loop run for @ms, for things that must NOT happen (a late retry). */
static void
spin_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

static void
assert_pass (const Outcome *outcome)
{
  g_assert_no_error (outcome->error);
  g_assert_nonnull (outcome->result);
  g_assert_cmpint (outcome->result->kind, ==, VD_ANSWER_VERDICT);
  g_assert_cmpint (outcome->result->verify_status, ==, 1);
  g_assert_true (outcome->result->has_score);
  g_assert_cmpfloat (outcome->result->score, >=, 90.0);
  g_assert_cmpfloat (outcome->result->score, <=, 99.0);
}

static void
assert_gateway_error (const Outcome *outcome,
                      const char    *code)
{
  g_assert_no_error (outcome->error);
  g_assert_nonnull (outcome->result);
  g_assert_cmpint (outcome->result->kind, ==, VD_ANSWER_GATEWAY_ERROR);
  g_assert_cmpstr (outcome->result->code, ==, code);
}

static gint64
elapsed_ms (const Outcome *outcome)
{
  return (outcome->finished_at - outcome->started_at) / G_TIME_SPAN_MILLISECOND;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->simulator = vd_simulator_new ();
  g_assert_true (vd_simulator_listen (f->simulator, 0, NULL, &error));
  g_assert_no_error (error);

  f->client = vd_cloudauth_client_new ();
  g_assert_true (vd_cloudauth_client_set_endpoint (f->client,
                                                   vd_simulator_get_url (f->simulator),
                                                   &error));
  g_assert_no_error (error);
  vd_cloudauth_client_set_timeouts (f->client, TEST_CONNECT_TIMEOUT_MS, TEST_READ_TIMEOUT_MS);
  g_object_set (f->client, "backoff-ms", TEST_BACKOFF_MS, NULL);

  f->credentials = vd_credentials_new (VD_TRAINING_ACCESS_KEY_ID, VD_TRAINING_ACCESS_KEY_SECRET,
                                       NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->client != NULL)
    g_assert_finalize_object (f->client);
  vd_simulator_disconnect (f->simulator);
  g_clear_object (&f->simulator);
  g_clear_pointer (&f->credentials, vd_credentials_unref);
}

static void
set_scheme_from_data (Fixture       *f,
                      gconstpointer  data)
{
  vd_cloudauth_client_set_signature (f->client, GPOINTER_TO_INT (data));
}

/* --- properties and endpoint --- */

static void
test_properties_defaults (void)
{
  g_autoptr(VdCloudauthClient) client = vd_cloudauth_client_new ();
  g_autofree char *endpoint = NULL;
  g_autofree char *region = NULL;
  g_autofree char *action = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  int signature;
  guint connect_timeout, read_timeout, max_attempts, backoff;

  g_object_get (client,
                "endpoint", &endpoint,
                "region", &region,
                "action", &action,
                "signature", &signature,
                "connect-timeout-ms", &connect_timeout,
                "read-timeout-ms", &read_timeout,
                "max-attempts", &max_attempts,
                "backoff-ms", &backoff,
                "tls-database", &database,
                NULL);

  g_assert_cmpstr (endpoint, ==, VD_DEFAULT_ENDPOINT);
  g_assert_cmpstr (vd_cloudauth_client_get_endpoint (client), ==, VD_DEFAULT_ENDPOINT);
  g_assert_cmpstr (region, ==, "cn-hangzhou");
  g_assert_cmpstr (action, ==, VD_CLOUDAUTH_ACTION);
  g_assert_cmpint (signature, ==, VD_SIGNATURE_V3);
  g_assert_cmpint (vd_cloudauth_client_get_signature (client), ==, VD_SIGNATURE_V3);
  g_assert_cmpuint (connect_timeout, ==, VD_DEFAULT_CONNECT_TIMEOUT_MS);
  g_assert_cmpuint (read_timeout, ==, VD_DEFAULT_READ_TIMEOUT_MS);
  g_assert_cmpuint (max_attempts, ==, VD_MAX_ATTEMPTS);
  g_assert_cmpuint (backoff, ==, 400);
  g_assert_null (database);
  g_assert_cmpuint (vd_cloudauth_client_get_last_attempts (client), ==, 0);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
test_properties_notify_on_change (void)
{
  g_autoptr(VdCloudauthClient) client = vd_cloudauth_client_new ();
  g_autoptr(GError) error = NULL;
  const char *names[] = {
    "endpoint", "region", "signature", "connect-timeout-ms", "read-timeout-ms",
    "max-attempts", "backoff-ms", "action", "tls-database",
  };
  guint counts[G_N_ELEMENTS (names)] = { 0 };
  g_autoptr(GTlsDatabase) database = NULL;
  g_autofree char *pem_path = NULL;
  int fd;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *signal = g_strconcat ("notify::", names[i], NULL);

      g_signal_connect (client, signal, G_CALLBACK (count_notify), &counts[i]);
    }

  /* The same values again: no notification. */
  g_assert_true (vd_cloudauth_client_set_endpoint (client, VD_DEFAULT_ENDPOINT, &error));
  g_assert_no_error (error);
  vd_cloudauth_client_set_signature (client, VD_SIGNATURE_V3);
  vd_cloudauth_client_set_timeouts (client, VD_DEFAULT_CONNECT_TIMEOUT_MS,
                                    VD_DEFAULT_READ_TIMEOUT_MS);
  vd_cloudauth_client_set_action (client, VD_CLOUDAUTH_ACTION);
  g_object_set (client, "region", "cn-hangzhou", "max-attempts", 3, "backoff-ms", 400,
                "tls-database", NULL, NULL);
  for (i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpuint (counts[i], ==, 0);

  /* New values: one notification each. */
  fd = g_file_open_tmp ("vd-client-ca-XXXXXX.pem", &pem_path, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (pem_path, test_certificate_pem, -1, &error));
  g_assert_no_error (error);
  close (fd);
  database = g_tls_file_database_new (pem_path, &error);
  g_assert_no_error (error);

  g_assert_true (vd_cloudauth_client_set_endpoint (client,
                                                   "https://cloudauth.cn-beijing.aliyuncs.com/",
                                                   &error));
  g_assert_no_error (error);
  vd_cloudauth_client_set_signature (client, VD_SIGNATURE_V1);
  vd_cloudauth_client_set_timeouts (client, 1500, 2500);
  vd_cloudauth_client_set_action (client, VD_CLOUDAUTH_SEED_ACTION);
  g_object_set (client, "region", "cn-shanghai", "max-attempts", 2, "backoff-ms", 50,
                "tls-database", database, NULL);
  for (i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpuint (counts[i], ==, 1);

  g_assert_cmpstr (vd_cloudauth_client_get_endpoint (client), ==,
                   "https://cloudauth.cn-beijing.aliyuncs.com/");
  g_assert_cmpint (vd_cloudauth_client_get_signature (client), ==, VD_SIGNATURE_V1);

  /* Only the timeout that changed is notified. */
  vd_cloudauth_client_set_timeouts (client, 1500, 3000);
  g_assert_cmpuint (counts[3], ==, 1);
  g_assert_cmpuint (counts[4], ==, 2);
  g_unlink (pem_path);
}

static void
test_endpoint_rules (void)
{
  const char *accepted[] = {
    "https://cloudauth.aliyuncs.com/",
    "https://cloudauth.cn-beijing.aliyuncs.com",
    "https://cloudauth.aliyuncs.com:8443/",
    "http://127.0.0.1/",
    "http://127.0.0.1:8080/",
    "http://127.45.6.7:9000",
    "http://localhost:8080/",
    "http://[::1]:8080/",
  };
  const char *refused[] = {
    "http://example.com/",
    "http://cloudauth.aliyuncs.com/",
    "http://10.0.0.1/",
    "http://127.0.0.1.example.com/",
    "http://128.0.0.1/",
    "ftp://127.0.0.1/",
    "ftp://cloudauth.aliyuncs.com/",
    "file:///etc/passwd",
    "https://cloudauth.aliyuncs.com/api",
    "https://cloudauth.aliyuncs.com/?Action=VerifyMaterial",
    "https://cloudauth.aliyuncs.com/#top",
    "https://user@cloudauth.aliyuncs.com/",
    "cloudauth.aliyuncs.com",
    "not a url",
    "",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr(VdCloudauthClient) client = vd_cloudauth_client_new ();
      g_autoptr(GError) error = NULL;

      g_test_message ("accepted: %s", accepted[i]);
      g_assert_true (vd_cloudauth_client_set_endpoint (client, accepted[i], &error));
      g_assert_no_error (error);
      g_assert_cmpstr (vd_cloudauth_client_get_endpoint (client), ==, accepted[i]);
    }

  for (i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(VdCloudauthClient) client = vd_cloudauth_client_new ();
      g_autoptr(GError) error = NULL;

      g_test_message ("refused: %s", refused[i]);
      g_assert_false (vd_cloudauth_client_set_endpoint (client, refused[i], &error));
      g_assert_error (error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_INVALID_ENDPOINT);
      g_assert_cmpstr (error->message, !=, "");
      /* A refused endpoint leaves the previous one in place. */
      g_assert_cmpstr (vd_cloudauth_client_get_endpoint (client), ==, VD_DEFAULT_ENDPOINT);
    }
}

static void
test_endpoint_messages_say_why (void)
{
  g_autoptr(VdCloudauthClient) client = vd_cloudauth_client_new ();
  g_autoptr(GError) plain = NULL;
  g_autoptr(GError) scheme = NULL;
  g_autoptr(GError) path = NULL;

  g_assert_false (vd_cloudauth_client_set_endpoint (client, "http://example.com/", &plain));
  g_assert_nonnull (strstr (plain->message, "https"));
  g_assert_false (vd_cloudauth_client_set_endpoint (client, "ftp://example.com/", &scheme));
  g_assert_nonnull (strstr (scheme->message, "ftp"));
  g_assert_false (vd_cloudauth_client_set_endpoint (client, "https://example.com/x", &path));
  g_assert_nonnull (strstr (path->message, "path"));
  g_assert_true (g_strcmp0 (plain->message, scheme->message) != 0);
  g_assert_true (g_strcmp0 (scheme->message, path->message) != 0);
}

/* --- answers --- */

static void
test_pass (Fixture       *f,
           gconstpointer  data)
{
  Outcome outcome = { 0 };

  set_scheme_from_data (f, data);
  run_passing (f, &outcome);

  assert_pass (&outcome);
  g_assert_cmpuint (outcome.result->http_status, ==, 200);
  g_assert_nonnull (outcome.result->request_id);
  /* The simulator's Date header: same clock as ours. */
  g_assert_true (outcome.result->has_clock_offset);
  g_assert_cmpint (ABS (outcome.result->clock_offset_seconds), <=, 2);
  g_assert_cmpuint (outcome.result->retry_after_ms, ==, 0);
  g_assert_cmpuint (vd_cloudauth_client_get_last_attempts (f->client), ==, 1);
  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 1);
  g_assert_cmpuint (vd_simulator_get_requests_answered (f->simulator), ==, 1);
  outcome_clear (&outcome);
}

static void
test_sample_customers (Fixture       *f,
                       gconstpointer  data)
{
  const VdSampleCustomer *customers;
  guint n_customers, i;

  set_scheme_from_data (f, data);
  customers = vd_sample_customers (&n_customers);
  g_assert_cmpuint (n_customers, >, 0);

  for (i = 0; i < n_customers; i++)
    {
      const VdSampleCustomer *customer = &customers[i];
      g_autoptr(VdVerifyRequest) request = request_for (customer->name, customer->id_number);
      Outcome outcome = { 0 };

      g_test_message ("customer %s: expected %d", customer->id_number, customer->status);
      run_request (f, request, &outcome);
      g_assert_no_error (outcome.error);

      if (customer->status >= 3101 && customer->status <= 3103)
        {
          g_autofree char *code = g_strdup_printf ("%d", customer->status);

          g_assert_cmpint (outcome.result->kind, ==, VD_ANSWER_IDENTITY_ERROR);
          g_assert_cmpstr (outcome.result->code, ==, code);
        }
      else
        {
          g_assert_cmpint (outcome.result->kind, ==, VD_ANSWER_VERDICT);
          g_assert_cmpint (outcome.result->verify_status, ==, customer->status);
          g_assert_cmpint (outcome.result->has_score, ==, customer->score >= 0);
          if (customer->score >= 0)
            g_assert_cmpfloat_with_epsilon (outcome.result->score, customer->score, 0.001);
        }

      g_assert_cmpuint (vd_cloudauth_client_get_last_attempts (f->client), ==, 1);
      outcome_clear (&outcome);
    }

  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, n_customers);
}

static void
test_sts_token (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(VdCredentials) good = NULL;
  g_autoptr(VdCredentials) wrong_token = NULL;
  Outcome pass = { 0 };
  Outcome refused = { 0 };

  set_scheme_from_data (f, data);
  vd_simulator_add_key (f->simulator, "STS.NTestClientKeyId01", "StsSecretForTheClientTest01",
                        "CAIS.test-security-token.1");

  good = vd_credentials_new ("STS.NTestClientKeyId01", "StsSecretForTheClientTest01",
                             "CAIS.test-security-token.1");
  g_clear_pointer (&f->credentials, vd_credentials_unref);
  f->credentials = vd_credentials_ref (good);
  run_passing (f, &pass);
  assert_pass (&pass);

  /* The same key pair with another token is refused by the gateway, not retried. */
  wrong_token = vd_credentials_new ("STS.NTestClientKeyId01", "StsSecretForTheClientTest01",
                                    "CAIS.another-token.2");
  g_clear_pointer (&f->credentials, vd_credentials_unref);
  f->credentials = vd_credentials_ref (wrong_token);
  run_passing (f, &refused);
  g_assert_no_error (refused.error);
  g_assert_cmpint (refused.result->kind, ==, VD_ANSWER_GATEWAY_ERROR);
  g_assert_nonnull (refused.result->code);
  g_assert_cmpuint (refused.result->http_status, >=, 400);
  g_assert_cmpuint (vd_cloudauth_client_get_last_attempts (f->client), ==, 1);
  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 2);

  outcome_clear (&pass);
  outcome_clear (&refused);
}

static void
test_seed_action (Fixture       *f,
                  gconstpointer  data)
{
  Outcome outcome = { 0 };

  set_scheme_from_data (f, data);
  vd_cloudauth_client_set_action (f->client, VD_CLOUDAUTH_SEED_ACTION);
  run_passing (f, &outcome);

  assert_pass (&outcome);
  g_assert_cmpuint (vd_simulator_get_requests_answered (f->simulator), ==, 1);
  outcome_clear (&outcome);
}

static void
test_answer_shapes (Fixture       *f,
                    gconstpointer  data)
{
  const VdAnswerShape shapes[] = {
    VD_ANSWER_SHAPE_FLAT, VD_ANSWER_SHAPE_SEED_JSON, VD_ANSWER_SHAPE_SEED_XML,
  };
  guint i;

  set_scheme_from_data (f, data);

  for (i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      g_autoptr(VdVerifyRequest) refused = request_for ("王建国", "320102196507081533");
      Outcome pass = { 0 };
      Outcome not_passed = { 0 };

      g_test_message ("shape %d", shapes[i]);
      vd_simulator_set_answer_shape (f->simulator, shapes[i]);

      run_passing (f, &pass);
      assert_pass (&pass);

      run_request (f, refused, &not_passed);
      g_assert_no_error (not_passed.error);
      g_assert_cmpint (not_passed.result->kind, ==, VD_ANSWER_VERDICT);
      g_assert_cmpint (not_passed.result->verify_status, ==, 2);
      g_assert_cmpfloat_with_epsilon (not_passed.result->score, 72, 0.001);

      outcome_clear (&pass);
      outcome_clear (&not_passed);
    }
}

static void
test_unknown_status_passes_through (Fixture       *f,
                                    gconstpointer  data)
{
  Outcome outcome = { 0 };

  vd_simulator_push_fault (f->simulator, VD_FAULT_STATUS, 42);
  run_passing (f, &outcome);

  g_assert_no_error (outcome.error);
  g_assert_cmpint (outcome.result->kind, ==, VD_ANSWER_VERDICT);
  g_assert_cmpint (outcome.result->verify_status, ==, 42);
  g_assert_cmpuint (vd_cloudauth_client_get_last_attempts (f->client), ==, 1);
  outcome_clear (&outcome);
}

/* --- gateway refusals --- */

static void
test_wrong_secret (Fixture       *f,
                   gconstpointer  data)
{
  Outcome outcome = { 0 };

  set_scheme_from_data (f, data);
  g_clear_pointer (&f->credentials, vd_credentials_unref);
  f->credentials = vd_credentials_new (VD_TRAINING_ACCESS_KEY_ID, "WrongSecretForTheClientTest",
                                       NULL);
  run_passing (f, &outcome);

  assert_gateway_error (&outcome, "SignatureDoesNotMatch");
  g_assert_cmpuint (outcome.result->http_status, >=, 400);
  g_assert_cmpuint (vd_cloudauth_client_get_last_attempts (f->client), ==, 1);
  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 1);
  g_assert_cmpuint (vd_simulator_get_requests_answered (f->simulator), ==, 0);
  outcome_clear (&outcome);
}

static void
test_unknown_key (Fixture       *f,
                  gconstpointer  data)
{
  Outcome outcome = { 0 };

  set_scheme_from_data (f, data);
  g_clear_pointer (&f->credentials, vd_credentials_unref);
  f->credentials = vd_credentials_new ("LTAI5tNoSuchKeyForTheTest", VD_TRAINING_ACCESS_KEY_SECRET,
                                       NULL);
  run_passing (f, &outcome);

  assert_gateway_error (&outcome, "InvalidAccessKeyId.NotFound");
  g_assert_cmpuint (vd_cloudauth_client_get_last_attempts (f->client), ==, 1);
  outcome_clear (&outcome);
}

static void
test_clock_ahead (Fixture       *f,
                  gconstpointer  data)
{
  Outcome outcome = { 0 };

  set_scheme_from_data (f, data);
  vd_simulator_set_clock_offset (f->simulator, 20 * 60);
  run_passing (f, &outcome);

  assert_gateway_error (&outcome, "InvalidTimeStamp.Expired");
  g_assert_true (outcome.result->has_clock_offset);
  g_assert_cmpint (outcome.result->clock_offset_seconds, >=, 1200 - 2);
  g_assert_cmpint (outcome.result->clock_offset_seconds, <=, 1200 + 2);
  g_assert_cmpuint (vd_cloudauth_client_get_last_attempts (f->client), ==, 1);
  outcome_clear (&outcome);
}

/* --- faults: after the request was sent --- */

static void
test_delay_under_read_timeout (Fixture       *f,
                               gconstpointer  data)
{
  Outcome outcome = { 0 };

  vd_simulator_push_fault (f->simulator, VD_FAULT_DELAY, TEST_READ_TIMEOUT_MS / 4);
  run_passing (f, &outcome);

  assert_pass (&outcome);
  g_assert_cmpint (elapsed_ms (&outcome), >=, TEST_READ_TIMEOUT_MS / 4);
  g_assert_cmpuint (vd_cloudauth_client_get_last_attempts (f->client), ==, 1);
  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 1);
  outcome_clear (&outcome);
}

static void
assert_outcome_unknown_once (Fixture *f,
                             Outcome *outcome)
{
  g_assert_error (outcome->error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_OUTCOME_UNKNOWN);
  g_assert_nonnull (strstr (outcome->error->message, "BizId"));
  g_assert_cmpuint (vd_cloudauth_client_get_last_attempts (f->client), ==, 1);
  /* Billed calls are not retried blindly: wait past any backoff, still one request. */
  spin_for (100);
  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 1);
}

static void
test_delay_over_read_timeout (Fixture       *f,
                              gconstpointer  data)
{
  Outcome outcome = { 0 };
  g_autofree char *within = g_strdup_printf ("within %.1f s", SHORT_READ_TIMEOUT_MS / 1000.0);

  vd_cloudauth_client_set_timeouts (f->client, TEST_CONNECT_TIMEOUT_MS, SHORT_READ_TIMEOUT_MS);
  vd_simulator_push_fault (f->simulator, VD_FAULT_DELAY, SHORT_READ_TIMEOUT_MS * 3);
  run_passing (f, &outcome);

  assert_outcome_unknown_once (f, &outcome);
  g_assert_nonnull (strstr (outcome.error->message, within));
  g_assert_cmpint (elapsed_ms (&outcome), >=, SHORT_READ_TIMEOUT_MS);
  g_assert_cmpint (elapsed_ms (&outcome), <, SHORT_READ_TIMEOUT_MS * 3);
  outcome_clear (&outcome);
}

static void
test_drip_past_read_timeout (Fixture       *f,
                             gconstpointer  data)
{
  Outcome outcome = { 0 };

  /* Every byte arrives well inside the timeout; the whole answer does not. */
  vd_cloudauth_client_set_timeouts (f->client, TEST_CONNECT_TIMEOUT_MS, SHORT_READ_TIMEOUT_MS);
  vd_simulator_push_fault (f->simulator, VD_FAULT_DRIP, 40);
  run_passing (f, &outcome);

  assert_outcome_unknown_once (f, &outcome);
  g_assert_cmpint (elapsed_ms (&outcome), >=, SHORT_READ_TIMEOUT_MS);
  g_assert_cmpint (elapsed_ms (&outcome), <, SHORT_READ_TIMEOUT_MS * 4);
  outcome_clear (&outcome);
}

static void
test_reset_after_sending (Fixture       *f,
                          gconstpointer  data)
{
  Outcome outcome = { 0 };

  vd_simulator_push_fault (f->simulator, VD_FAULT_RESET, 0);
  run_passing (f, &outcome);

  assert_outcome_unknown_once (f, &outcome);
  g_assert_null (strstr (outcome.error->message, "within"));
  outcome_clear (&outcome);
}

/* The second request goes over the connection the first one left open; a reset after it was
 * written must not make libsoup (or the client) send it again. */
static void
test_reset_on_kept_alive_connection (Fixture       *f,
                                     gconstpointer  data)
{
  Outcome first = { 0 };
  Outcome second = { 0 };

  run_passing (f, &first);
  assert_pass (&first);
  outcome_clear (&first);

  vd_simulator_push_fault (f->simulator, VD_FAULT_RESET, 0);
  run_passing (f, &second);

  g_assert_error (second.error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_OUTCOME_UNKNOWN);
  g_assert_nonnull (strstr (second.error->message, "BizId"));
  g_assert_cmpuint (vd_cloudauth_client_get_last_attempts (f->client), ==, 1);
  spin_for (100);
  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 2);
  g_assert_cmpuint (vd_simulator_get_connections_accepted (f->simulator), ==, 1);
  outcome_clear (&second);
}

/* Back-to-back verifications share one kept-alive connection (a new TCP and, in production,
 * TLS connection per request would cost more than the request itself). */
static void
test_connection_is_kept_alive (Fixture       *f,
                               gconstpointer  data)
{
  guint i;

  for (i = 0; i < 3; i++)
    {
      Outcome outcome = { 0 };

      run_passing (f, &outcome);
      assert_pass (&outcome);
      outcome_clear (&outcome);
    }

  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 3);
  g_assert_cmpuint (vd_simulator_get_connections_accepted (f->simulator), ==, 1);
}

static void
assert_answer_error (Fixture     *f,
                     VdFaultKind  fault,
                     guint        value,
                     int          code)
{
  Outcome outcome = { 0 };

  vd_simulator_push_fault (f->simulator, fault, value);
  run_passing (f, &outcome);

  g_assert_error (outcome.error, VD_ANSWER_ERROR, code);
  g_assert_cmpuint (vd_cloudauth_client_get_last_attempts (f->client), ==, 1);
  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 1);
  outcome_clear (&outcome);
}

static void
test_garbage_answer (Fixture       *f,
                     gconstpointer  data)
{
  assert_answer_error (f, VD_FAULT_GARBAGE, 0, VD_ANSWER_ERROR_SYNTAX);
}

static void
test_empty_answer (Fixture       *f,
                   gconstpointer  data)
{
  assert_answer_error (f, VD_FAULT_EMPTY, 0, VD_ANSWER_ERROR_EMPTY);
}

static void
test_answer_without_status (Fixture       *f,
                            gconstpointer  data)
{
  assert_answer_error (f, VD_FAULT_NO_STATUS, 0, VD_ANSWER_ERROR_MISSING_FIELD);
}

static void
test_answer_bad_utf8 (Fixture       *f,
                      gconstpointer  data)
{
  assert_answer_error (f, VD_FAULT_BAD_UTF8, 0, VD_ANSWER_ERROR_ENCODING);
}

static void
test_oversized_answer (Fixture       *f,
                       gconstpointer  data)
{
  /* Reading stops at the cap; the rest is never waited for. */
  vd_cloudauth_client_set_timeouts (f->client, TEST_CONNECT_TIMEOUT_MS, 5000);
  assert_answer_error (f, VD_FAULT_OVERSIZED, 2 * 1024 * 1024, VD_ANSWER_ERROR_TOO_LARGE);
}

static void
test_answer_at_cap_is_read (Fixture       *f,
                            gconstpointer  data)
{
  Outcome outcome = { 0 };

  /* Exactly the cap is not "too large": it is read whole and handed to the parser, which
   * finds no answer in it. */
  vd_cloudauth_client_set_timeouts (f->client, TEST_CONNECT_TIMEOUT_MS, 5000);
  vd_simulator_push_fault (f->simulator, VD_FAULT_OVERSIZED, VD_ANSWER_SIZE_CAP);
  run_passing (f, &outcome);

  g_assert_nonnull (outcome.error);
  g_assert_true (outcome.error->domain == VD_ANSWER_ERROR);
  g_assert_cmpint (outcome.error->code, !=, VD_ANSWER_ERROR_TOO_LARGE);
  g_assert_cmpuint (vd_cloudauth_client_get_last_attempts (f->client), ==, 1);
  outcome_clear (&outcome);
}

/* --- retries --- */

static void
test_retry_after_503 (Fixture       *f,
                      gconstpointer  data)
{
  Outcome outcome = { 0 };

  set_scheme_from_data (f, data);
  vd_simulator_push_fault (f->simulator, VD_FAULT_SERVER_ERROR, 503);
  run_passing (f, &outcome);

  /* The 503 is answered before authentication, so this shows the retry, not the fresh nonce:
   * test_retry_signs_afresh looks at that. */
  assert_pass (&outcome);
  g_assert_cmpuint (vd_cloudauth_client_get_last_attempts (f->client), ==, 2);
  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 2);
  g_assert_cmpuint (vd_simulator_get_requests_answered (f->simulator), ==, 1);
  outcome_clear (&outcome);
}

static void
test_three_500s (Fixture       *f,
                 gconstpointer  data)
{
  Outcome outcome = { 0 };

  vd_simulator_push_fault (f->simulator, VD_FAULT_SERVER_ERROR, 500);
  vd_simulator_push_fault (f->simulator, VD_FAULT_SERVER_ERROR, 500);
  vd_simulator_push_fault (f->simulator, VD_FAULT_SERVER_ERROR, 500);
  run_passing (f, &outcome);

  assert_gateway_error (&outcome, "InternalError");
  g_assert_cmpuint (outcome.result->http_status, ==, 500);
  g_assert_cmpuint (vd_cloudauth_client_get_last_attempts (f->client), ==, 3);
  spin_for (100);
  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 3);
  outcome_clear (&outcome);
}

static void
test_max_attempts_one (Fixture       *f,
                       gconstpointer  data)
{
  Outcome outcome = { 0 };

  g_object_set (f->client, "max-attempts", 1, NULL);
  vd_simulator_push_fault (f->simulator, VD_FAULT_SERVER_ERROR, 503);
  run_passing (f, &outcome);

  assert_gateway_error (&outcome, "ServiceUnavailable");
  g_assert_cmpuint (outcome.result->http_status, ==, 503);
  g_assert_cmpuint (vd_cloudauth_client_get_last_attempts (f->client), ==, 1);
  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 1);
  outcome_clear (&outcome);
}

static void
test_backoff_doubles (Fixture       *f,
                      gconstpointer  data)
{
  Outcome outcome = { 0 };

  /* Waits of 200 and 400 ms, each within ±20 %: at least 480 ms in all, well under the
   * 720 ms the upper bounds allow plus the requests themselves. */
  g_object_set (f->client, "backoff-ms", 200, NULL);
  vd_simulator_push_fault (f->simulator, VD_FAULT_SERVER_ERROR, 503);
  vd_simulator_push_fault (f->simulator, VD_FAULT_SERVER_ERROR, 503);
  run_passing (f, &outcome);

  assert_pass (&outcome);
  g_assert_cmpuint (vd_cloudauth_client_get_last_attempts (f->client), ==, 3);
  g_assert_cmpint (elapsed_ms (&outcome), >=, 480);
  g_assert_cmpint (elapsed_ms (&outcome), <, 720 + 500);
  outcome_clear (&outcome);
}

static void
test_throttling_honours_retry_after (Fixture       *f,
                                     gconstpointer  data)
{
  Outcome outcome = { 0 };

  vd_simulator_push_fault (f->simulator, VD_FAULT_THROTTLING, 300);
  run_passing (f, &outcome);

  assert_pass (&outcome);
  g_assert_cmpuint (vd_cloudauth_client_get_last_attempts (f->client), ==, 2);
  g_assert_cmpint (elapsed_ms (&outcome), >=, 300);
  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 2);
  outcome_clear (&outcome);
}

static void
test_throttling_exhausted (Fixture       *f,
                           gconstpointer  data)
{
  Outcome outcome = { 0 };

  vd_simulator_push_fault (f->simulator, VD_FAULT_THROTTLING, 20);
  vd_simulator_push_fault (f->simulator, VD_FAULT_THROTTLING, 20);
  vd_simulator_push_fault (f->simulator, VD_FAULT_THROTTLING, 20);
  run_passing (f, &outcome);

  g_assert_no_error (outcome.error);
  g_assert_cmpint (outcome.result->kind, ==, VD_ANSWER_GATEWAY_ERROR);
  g_assert_true (g_str_has_prefix (outcome.result->code, "Throttling"));
  g_assert_cmpuint (outcome.result->retry_after_ms, ==, 20);
  g_assert_cmpuint (vd_cloudauth_client_get_last_attempts (f->client), ==, 3);
  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 3);
  outcome_clear (&outcome);
}

static void
test_retry_after_is_capped (Fixture       *f,
                            gconstpointer  data)
{
  Outcome outcome = { 0 };

  g_object_set (f->client, "max-attempts", 1, NULL);
  vd_simulator_push_fault (f->simulator, VD_FAULT_THROTTLING, 600000);
  run_passing (f, &outcome);

  g_assert_no_error (outcome.error);
  g_assert_cmpuint (outcome.result->retry_after_ms, ==, 10000);
  outcome_clear (&outcome);
}

/* --- failures before sending --- */

/* A port on 127.0.0.1 with nothing listening: bound, then closed again. */
static guint
find_closed_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  guint port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any_port, FALSE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_assert_true (g_socket_close (socket, &error));
  g_assert_no_error (error);

  return port;
}

static void
test_connection_refused (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *endpoint = g_strdup_printf ("http://127.0.0.1:%u/", find_closed_port ());
  g_autoptr(GError) error = NULL;
  Outcome outcome = { 0 };

  g_assert_true (vd_cloudauth_client_set_endpoint (f->client, endpoint, &error));
  g_assert_no_error (error);
  run_passing (f, &outcome);

  g_assert_error (outcome.error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_CONNECTION_REFUSED);
  g_assert_nonnull (strstr (outcome.error->message, "127.0.0.1"));
  g_assert_nonnull (strstr (outcome.error->message, "refused"));
  g_assert_cmpuint (vd_cloudauth_client_get_last_attempts (f->client), ==, 3);
  outcome_clear (&outcome);
}

/* A connect timeout on loopback: a socket that listens but is never accepted from. The kernel
 * completes the TCP handshake for the backlog, but nobody ever answers the TLS ClientHello,
 * so the request is never written, which is what a connect timeout is to the client (DNS, TCP
 * and TLS all count). */
static void
test_connect_timeout (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GSocket) silent = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *endpoint = NULL;
  Outcome outcome = { 0 };

  silent = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (silent, any_port, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (g_socket_listen (silent, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (silent, &error);
  g_assert_no_error (error);
  endpoint = g_strdup_printf ("https://127.0.0.1:%u/",
                              g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  g_assert_true (vd_cloudauth_client_set_endpoint (f->client, endpoint, &error));
  g_assert_no_error (error);
  vd_cloudauth_client_set_timeouts (f->client, SHORT_CONNECT_TIMEOUT_MS, TEST_READ_TIMEOUT_MS);
  run_passing (f, &outcome);

  g_assert_error (outcome.error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_CONNECT_TIMEOUT);
  g_assert_nonnull (strstr (outcome.error->message, "0.2 s"));
  g_assert_cmpuint (vd_cloudauth_client_get_last_attempts (f->client), ==, 3);
  g_assert_cmpint (elapsed_ms (&outcome), >=, 3 * SHORT_CONNECT_TIMEOUT_MS);
  /* The slack covers loading the system's trust database, which takes seconds under the
   * sanitizer build's slow unwinder. */
  g_assert_cmpint (elapsed_ms (&outcome), <,
                   3 * SHORT_CONNECT_TIMEOUT_MS + 1000 * vd_test_slowdown ());
  outcome_clear (&outcome);
}

/* --- cancellation --- */

/* Cancels @delay_ms after the simulator has received the first request, so that the cancel
 * falls into the phase under test however slow the run (valgrind) is. */
typedef struct {
  GCancellable *cancellable;
  VdSimulator  *simulator;
  guint         delay_ms;
  gint64        received_at;
  gint64        cancelled_at;
  guint         received_at_cancel;
} CancelLater;

static gboolean
cancel_after_first_request (gpointer user_data)
{
  CancelLater *later = user_data;
  gint64 now = g_get_monotonic_time ();

  if (later->received_at == 0)
    {
      if (vd_simulator_get_requests_received (later->simulator) > 0)
        later->received_at = now;
      return G_SOURCE_CONTINUE;
    }

  if (now - later->received_at < later->delay_ms * G_TIME_SPAN_MILLISECOND)
    return G_SOURCE_CONTINUE;

  later->received_at_cancel = vd_simulator_get_requests_received (later->simulator);
  later->cancelled_at = now;
  g_cancellable_cancel (later->cancellable);
  return G_SOURCE_REMOVE;
}

static void
assert_cancelled_promptly (const Outcome *outcome,
                           gint64         cancelled_at)
{
  g_assert_cmpuint (outcome->calls, ==, 1);
  g_assert_error (outcome->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (outcome->result);
  g_assert_cmpint (outcome->finished_at - cancelled_at, <, PROMPT_US);
}

static void
test_cancel_before_call (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Outcome outcome = { 0 };
  gint64 cancelled_at;

  cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  start_verify (f->client, f->credentials, cancellable, &outcome);
  vd_test_wait_for_flag (&outcome.done, WAIT_LIMIT_MS);

  assert_cancelled_promptly (&outcome, cancelled_at);
  spin_for (100);
  g_assert_cmpuint (outcome.calls, ==, 1);
  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 0);
  outcome_clear (&outcome);
}

static void
test_cancel_before_sending (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Outcome outcome = { 0 };
  gint64 cancelled_at;

  start_verify (f->client, f->credentials, cancellable, &outcome);
  cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  vd_test_wait_for_flag (&outcome.done, WAIT_LIMIT_MS);

  assert_cancelled_promptly (&outcome, cancelled_at);
  spin_for (100);
  g_assert_cmpuint (outcome.calls, ==, 1);
  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 0);
  outcome_clear (&outcome);
}

static void
test_cancel_waiting_for_answer (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CancelLater later = { cancellable, f->simulator, 100, 0, 0, 0 };
  Outcome outcome = { 0 };

  vd_cloudauth_client_set_timeouts (f->client, TEST_CONNECT_TIMEOUT_MS, 5000);
  vd_simulator_push_fault (f->simulator, VD_FAULT_DELAY, 3000);
  start_verify (f->client, f->credentials, cancellable, &outcome);
  g_timeout_add (5, cancel_after_first_request, &later);
  vd_test_wait_for_flag (&outcome.done, WAIT_LIMIT_MS);

  g_assert_cmpuint (later.received_at_cancel, ==, 1);
  assert_cancelled_promptly (&outcome, later.cancelled_at);
  spin_for (100);
  g_assert_cmpuint (outcome.calls, ==, 1);
  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 1);
  outcome_clear (&outcome);
}

static void
test_cancel_during_backoff (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CancelLater later = { cancellable, f->simulator, 500, 0, 0, 0 };
  Outcome outcome = { 0 };

  /* The first wait is 4–6 s: a cancel 500 ms after the 503 falls inside it. */
  g_object_set (f->client, "backoff-ms", 5000, NULL);
  vd_simulator_push_fault (f->simulator, VD_FAULT_SERVER_ERROR, 503);
  start_verify (f->client, f->credentials, cancellable, &outcome);
  g_timeout_add (5, cancel_after_first_request, &later);
  vd_test_wait_for_flag (&outcome.done, WAIT_LIMIT_MS);

  g_assert_cmpuint (later.received_at_cancel, ==, 1);
  assert_cancelled_promptly (&outcome, later.cancelled_at);
  g_assert_cmpuint (vd_cloudauth_client_get_last_attempts (f->client), ==, 1);
  spin_for (100);
  g_assert_cmpuint (outcome.calls, ==, 1);
  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 1);
  outcome_clear (&outcome);
}

/* --- TLS --- */

static void
use_https_simulator (Fixture *f)
{
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autofree char *pem = g_strconcat (test_certificate_pem, test_private_key_pem, NULL);
  g_autoptr(GError) error = NULL;

  vd_simulator_disconnect (f->simulator);
  g_clear_object (&f->simulator);

  certificate = g_tls_certificate_new_from_pem (pem, -1, &error);
  g_assert_no_error (error);
  f->simulator = vd_simulator_new ();
  g_assert_true (vd_simulator_listen (f->simulator, 0, certificate, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (vd_simulator_get_url (f->simulator), "https://127.0.0.1:"));
  g_assert_true (vd_cloudauth_client_set_endpoint (f->client,
                                                   vd_simulator_get_url (f->simulator),
                                                   &error));
  g_assert_no_error (error);
}

static void
test_tls_untrusted_certificate (Fixture       *f,
                                gconstpointer  data)
{
  Outcome outcome = { 0 };

  use_https_simulator (f);
  run_passing (f, &outcome);

  g_assert_error (outcome.error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_TLS);
  g_assert_nonnull (strstr (outcome.error->message, "127.0.0.1"));
  g_assert_nonnull (strstr (outcome.error->message, "certificate authority"));
  /* Not retried, and nothing reached the service. */
  g_assert_cmpuint (vd_cloudauth_client_get_last_attempts (f->client), ==, 1);
  g_assert_cmpuint (vd_simulator_get_requests_received (f->simulator), ==, 0);
  outcome_clear (&outcome);
}

static void
test_tls_trusted_database (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pem_path = NULL;
  Outcome outcome = { 0 };
  int fd;

  use_https_simulator (f);

  /* g_tls_file_database_new needs an absolute path. */
  fd = g_file_open_tmp ("vd-client-ca-XXXXXX.pem", &pem_path, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_path_is_absolute (pem_path));
  g_assert_true (g_file_set_contents (pem_path, test_certificate_pem, -1, &error));
  g_assert_no_error (error);
  database = g_tls_file_database_new (pem_path, &error);
  g_assert_no_error (error);

  g_object_set (f->client, "tls-database", database, NULL);
  set_scheme_from_data (f, data);
  run_passing (f, &outcome);

  assert_pass (&outcome);
  g_assert_cmpuint (vd_simulator_get_requests_answered (f->simulator), ==, 1);
  outcome_clear (&outcome);
  /* Only now: the database reads the file again for each handshake. */
  g_unlink (pem_path);
}

/* --- lifetime --- */

static void
set_flag (gpointer  user_data,
          GObject  *where_the_object_was)
{
  gboolean *flag = user_data;

  *flag = TRUE;
}

static void
test_unref_in_flight (Fixture       *f,
                      gconstpointer  data)
{
  gboolean finalized = FALSE;
  Outcome outcome = { 0 };

  vd_simulator_push_fault (f->simulator, VD_FAULT_DELAY, 100);
  g_object_weak_ref (G_OBJECT (f->client), set_flag, &finalized);
  start_verify (f->client, f->credentials, NULL, &outcome);
  g_clear_object (&f->client);

  /* The request holds the client until it has finished. */
  g_assert_false (finalized);
  vd_test_wait_for_flag (&outcome.done, WAIT_LIMIT_MS);
  assert_pass (&outcome);
  vd_test_wait_for_flag (&finalized, WAIT_LIMIT_MS);
  outcome_clear (&outcome);
}

static void
test_dispose_in_flight (Fixture       *f,
                        gconstpointer  data)
{
  Outcome outcome = { 0 };

  vd_simulator_push_fault (f->simulator, VD_FAULT_DELAY, 100);
  start_verify (f->client, f->credentials, NULL, &outcome);
  g_object_run_dispose (G_OBJECT (f->client));

  vd_test_wait_for_flag (&outcome.done, WAIT_LIMIT_MS);
  assert_pass (&outcome);
  g_assert_cmpuint (outcome.calls, ==, 1);
  outcome_clear (&outcome);
}

static void
test_secret_never_logged (Fixture       *f,
                          gconstpointer  data)
{
  Outcome pass = { 0 };
  Outcome retried = { 0 };
  Outcome refused = { 0 };

  set_scheme_from_data (f, data);
  debug_messages_from_client = 0;
  secret_was_logged = FALSE;
  g_log_set_debug_enabled (TRUE);

  run_passing (f, &pass);
  vd_simulator_push_fault (f->simulator, VD_FAULT_SERVER_ERROR, 503);
  run_passing (f, &retried);
  g_clear_pointer (&f->credentials, vd_credentials_unref);
  f->credentials = vd_credentials_new (VD_TRAINING_ACCESS_KEY_ID, "WrongSecretForTheClientTest",
                                       NULL);
  run_passing (f, &refused);

  g_log_set_debug_enabled (FALSE);

  assert_pass (&pass);
  assert_pass (&retried);
  assert_gateway_error (&refused, "SignatureDoesNotMatch");
  /* The client did log (so the check below looked at something), and never a secret. */
  g_assert_cmpuint (debug_messages_from_client, >=, 4);
  g_assert_false (secret_was_logged);
  outcome_clear (&pass);
  outcome_clear (&retried);
  outcome_clear (&refused);
}

/* --- what goes on the wire --- */

/* A bare HTTP peer that records every request and answers from a script of statuses (200: a
 * flat pass, 503: ServiceUnavailable). It checks nothing, so the tests can look at exactly what
 * the client sent, which the simulator does not expose. */
typedef struct {
  SoupServer *server;
  char       *url;
  guint       script[VD_MAX_ATTEMPTS];
  guint       script_length;
  GPtrArray  *methods;
  GPtrArray  *paths;
  GPtrArray  *queries;      /* VdParams */
  GPtrArray  *headers;      /* SoupMessageHeaders */
  GArray     *body_lengths;
} Recorder;

static void
on_recorded_request (SoupServer        *server,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  Recorder *recorder = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *raw_query = g_uri_get_query (soup_server_message_get_uri (msg));
  guint index = recorder->methods->len;
  guint status = index < recorder->script_length ? recorder->script[index] : 200;
  g_autoptr(GError) error = NULL;
  VdParams *params;
  const char *answer;

  params = vd_params_parse_query (raw_query != NULL ? raw_query : "", &error);
  g_assert_no_error (error);
  g_ptr_array_add (recorder->methods, g_strdup (soup_server_message_get_method (msg)));
  g_ptr_array_add (recorder->paths, g_strdup (path));
  g_ptr_array_add (recorder->queries, params);
  g_ptr_array_add (recorder->headers,
                   soup_message_headers_ref (soup_server_message_get_request_headers (msg)));
  g_array_append_val (recorder->body_lengths, body->length);

  if (status == 200)
    answer = "{\"RequestId\":\"recorder\",\"VerifyToken\":\"token\",\"VerifyStatus\":1,"
             "\"AuthorityComparisionScore\":97}";
  else
    answer = "{\"RequestId\":\"recorder\",\"HostId\":\"cloudauth.aliyuncs.com\","
             "\"Code\":\"ServiceUnavailable\",\"Message\":\"The request has failed due to a "
             "temporary failure of the server.\"}";

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json;charset=utf-8", SOUP_MEMORY_STATIC,
                                    answer, strlen (answer));
}

static Recorder *
recorder_new (void)
{
  Recorder *recorder = g_new0 (Recorder, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  recorder->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (recorder->server, NULL, on_recorded_request, recorder, NULL);
  g_assert_true (soup_server_listen_local (recorder->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY,
                                           &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (recorder->server);
  g_assert_nonnull (uris);
  recorder->url = g_strdup_printf ("http://127.0.0.1:%d/", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  recorder->methods = g_ptr_array_new_with_free_func (g_free);
  recorder->paths = g_ptr_array_new_with_free_func (g_free);
  recorder->queries = g_ptr_array_new_with_free_func ((GDestroyNotify) vd_params_unref);
  recorder->headers =
    g_ptr_array_new_with_free_func ((GDestroyNotify) soup_message_headers_unref);
  recorder->body_lengths = g_array_new (FALSE, FALSE, sizeof (goffset));
  return recorder;
}

static void
recorder_free (Recorder *recorder)
{
  soup_server_disconnect (recorder->server);
  g_assert_finalize_object (recorder->server);
  g_free (recorder->url);
  g_ptr_array_unref (recorder->methods);
  g_ptr_array_unref (recorder->paths);
  g_ptr_array_unref (recorder->queries);
  g_ptr_array_unref (recorder->headers);
  g_array_unref (recorder->body_lengths);
  g_free (recorder);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Recorder, recorder_free)

static void
use_recorder (Fixture  *f,
              Recorder *recorder)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vd_cloudauth_client_set_endpoint (f->client, recorder->url, &error));
  g_assert_no_error (error);
}

static const char *
recorded_header (Recorder   *recorder,
                 guint       index,
                 const char *name)
{
  return soup_message_headers_get_one (g_ptr_array_index (recorder->headers, index), name);
}

static const char *
recorded_param (Recorder   *recorder,
                guint       index,
                const char *name)
{
  return vd_params_get (g_ptr_array_index (recorder->queries, index), name);
}

static void
test_request_on_the_wire (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(Recorder) recorder = recorder_new ();
  g_autofree char *user_agent = g_strdup_printf ("VerifyDesk/%s", PACKAGE_VERSION);
  Outcome outcome = { 0 };

  set_scheme_from_data (f, data);
  use_recorder (f, recorder);
  run_passing (f, &outcome);
  assert_pass (&outcome);

  g_assert_cmpuint (recorder->methods->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (recorder->methods, 0), ==, "POST");
  g_assert_cmpstr (g_ptr_array_index (recorder->paths, 0), ==, "/");
  g_assert_cmpint (g_array_index (recorder->body_lengths, goffset, 0), ==, 0);
  g_assert_cmpstr (recorded_header (recorder, 0, "User-Agent"), ==, user_agent);

  /* The business parameters travel in the query in both schemes. */
  g_assert_cmpstr (recorded_param (recorder, 0, "Name"), ==, PASSING_NAME);
  g_assert_cmpstr (recorded_param (recorder, 0, "IdCardNumber"), ==, PASSING_ID_NUMBER);
  g_assert_cmpstr (recorded_param (recorder, 0, "FaceImageUrl"), ==, FACE_URL);
  g_assert_cmpstr (recorded_param (recorder, 0, "BizType"), ==, VD_DEFAULT_BIZ_TYPE);
  g_assert_cmpstr (recorded_param (recorder, 0, "RegionId"), ==, "cn-hangzhou");

  if (GPOINTER_TO_INT (data) == VD_SIGNATURE_V1)
    {
      g_assert_cmpstr (recorded_param (recorder, 0, "Action"), ==, VD_CLOUDAUTH_ACTION);
      g_assert_cmpstr (recorded_param (recorder, 0, "Version"), ==, VD_CLOUDAUTH_VERSION);
      g_assert_cmpstr (recorded_param (recorder, 0, "Format"), ==, "JSON");
      g_assert_cmpstr (recorded_param (recorder, 0, "AccessKeyId"), ==,
                       VD_TRAINING_ACCESS_KEY_ID);
      g_assert_nonnull (recorded_param (recorder, 0, "Signature"));
      g_assert_null (recorded_header (recorder, 0, "Authorization"));
    }
  else
    {
      g_assert_cmpstr (recorded_header (recorder, 0, "x-acs-action"), ==, VD_CLOUDAUTH_ACTION);
      g_assert_cmpstr (recorded_header (recorder, 0, "x-acs-version"), ==,
                       VD_CLOUDAUTH_VERSION);
      g_assert_true (g_str_has_prefix (recorded_header (recorder, 0, "Authorization"),
                                       "ACS3-HMAC-SHA256 Credential=" VD_TRAINING_ACCESS_KEY_ID
                                       ","));
      g_assert_null (recorded_param (recorder, 0, "Signature"));
      g_assert_null (recorded_param (recorder, 0, "AccessKeyId"));
    }

  outcome_clear (&outcome);
}

static void
test_region_property (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(Recorder) recorder = recorder_new ();
  g_autoptr(VdVerifyRequest) own_region = passing_request ();
  g_autoptr(VdVerifyRequest) no_region = passing_request ();
  Outcome first = { 0 };
  Outcome second = { 0 };

  use_recorder (f, recorder);
  g_object_set (f->client, "region", "cn-shanghai", NULL);
  g_free (own_region->region_id);
  own_region->region_id = g_strdup ("cn-shenzhen");
  g_clear_pointer (&no_region->region_id, g_free);

  run_request (f, own_region, &first);
  run_request (f, no_region, &second);

  g_assert_cmpuint (recorder->queries->len, ==, 2);
  g_assert_cmpstr (recorded_param (recorder, 0, "RegionId"), ==, "cn-shenzhen");
  g_assert_cmpstr (recorded_param (recorder, 1, "RegionId"), ==, "cn-shanghai");
  outcome_clear (&first);
  outcome_clear (&second);
}

/* The simulator answers a 503 fault before it looks at the signature, so it cannot see a
 * reused nonce on a retry; this peer records both attempts instead. */
static void
test_retry_signs_afresh (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(Recorder) recorder = recorder_new ();
  gboolean v1 = GPOINTER_TO_INT (data) == VD_SIGNATURE_V1;
  const char *nonce_name = v1 ? "SignatureNonce" : "x-acs-signature-nonce";
  Outcome outcome = { 0 };
  const char *first_nonce, *second_nonce, *first_signature, *second_signature;

  set_scheme_from_data (f, data);
  use_recorder (f, recorder);
  recorder->script[0] = 503;
  recorder->script[1] = 503;
  recorder->script_length = 2;
  run_passing (f, &outcome);

  assert_pass (&outcome);
  g_assert_cmpuint (vd_cloudauth_client_get_last_attempts (f->client), ==, 3);
  g_assert_cmpuint (recorder->queries->len, ==, 3);

  for (guint i = 0; i < 3; i++)
    {
      for (guint j = i + 1; j < 3; j++)
        {
          first_nonce = v1 ? recorded_param (recorder, i, nonce_name)
                           : recorded_header (recorder, i, nonce_name);
          second_nonce = v1 ? recorded_param (recorder, j, nonce_name)
                            : recorded_header (recorder, j, nonce_name);
          first_signature = v1 ? recorded_param (recorder, i, "Signature")
                               : recorded_header (recorder, i, "Authorization");
          second_signature = v1 ? recorded_param (recorder, j, "Signature")
                                : recorded_header (recorder, j, "Authorization");

          g_assert_nonnull (first_nonce);
          g_assert_nonnull (second_nonce);
          g_assert_cmpstr (first_nonce, !=, second_nonce);
          g_assert_cmpstr (first_signature, !=, second_signature);
        }
    }

  outcome_clear (&outcome);
}

/* --- registration --- */

static void
add_test (const char    *path,
          gconstpointer  data,
          void         (*test) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, data, fixture_set_up, test, fixture_tear_down);
}

static void
add_for_both_schemes (const char  *name,
                      void       (*test) (Fixture *, gconstpointer))
{
  g_autofree char *v3 = g_strdup_printf ("/client/v3/%s", name);
  g_autofree char *v1 = g_strdup_printf ("/client/v1/%s", name);

  add_test (v3, GINT_TO_POINTER (VD_SIGNATURE_V3), test);
  add_test (v1, GINT_TO_POINTER (VD_SIGNATURE_V1), test);
}

int
main (int    argc,
      char **argv)
{
  g_log_set_writer_func (capture_log, NULL, NULL);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/client/properties/defaults", test_properties_defaults);
  g_test_add_func ("/client/properties/notify-only-on-change", test_properties_notify_on_change);
  g_test_add_func ("/client/endpoint/rules", test_endpoint_rules);
  g_test_add_func ("/client/endpoint/messages-say-why", test_endpoint_messages_say_why);

  add_for_both_schemes ("pass", test_pass);
  add_for_both_schemes ("sample-customers", test_sample_customers);
  add_for_both_schemes ("sts-token", test_sts_token);
  add_for_both_schemes ("seed-action", test_seed_action);
  add_for_both_schemes ("answer-shapes", test_answer_shapes);
  add_for_both_schemes ("wrong-secret", test_wrong_secret);
  add_for_both_schemes ("unknown-key", test_unknown_key);
  add_for_both_schemes ("clock-ahead", test_clock_ahead);
  add_for_both_schemes ("retry-after-503", test_retry_after_503);
  add_for_both_schemes ("tls-trusted-database", test_tls_trusted_database);
  add_for_both_schemes ("secret-never-logged", test_secret_never_logged);
  add_for_both_schemes ("request-on-the-wire", test_request_on_the_wire);
  add_for_both_schemes ("retry-signs-afresh", test_retry_signs_afresh);
  add_test ("/client/wire/region", NULL, test_region_property);
  add_test ("/client/answer/unknown-status", NULL, test_unknown_status_passes_through);

  add_test ("/client/fault/delay-under-read-timeout", NULL, test_delay_under_read_timeout);
  add_test ("/client/fault/delay-over-read-timeout", NULL, test_delay_over_read_timeout);
  add_test ("/client/fault/drip-past-read-timeout", NULL, test_drip_past_read_timeout);
  add_test ("/client/fault/reset-after-sending", NULL, test_reset_after_sending);
  add_test ("/client/fault/reset-on-kept-alive-connection", NULL,
            test_reset_on_kept_alive_connection);
  add_test ("/client/connection-is-kept-alive", NULL, test_connection_is_kept_alive);
  add_test ("/client/fault/garbage", NULL, test_garbage_answer);
  add_test ("/client/fault/empty", NULL, test_empty_answer);
  add_test ("/client/fault/no-status", NULL, test_answer_without_status);
  add_test ("/client/fault/bad-utf8", NULL, test_answer_bad_utf8);
  add_test ("/client/fault/oversized", NULL, test_oversized_answer);
  add_test ("/client/fault/at-cap", NULL, test_answer_at_cap_is_read);

  add_test ("/client/retry/three-500s", NULL, test_three_500s);
  add_test ("/client/retry/max-attempts-one", NULL, test_max_attempts_one);
  add_test ("/client/retry/backoff-doubles", NULL, test_backoff_doubles);
  add_test ("/client/retry/throttling-retry-after", NULL, test_throttling_honours_retry_after);
  add_test ("/client/retry/throttling-exhausted", NULL, test_throttling_exhausted);
  add_test ("/client/retry/retry-after-capped", NULL, test_retry_after_is_capped);

  add_test ("/client/not-sent/connection-refused", NULL, test_connection_refused);
  add_test ("/client/not-sent/connect-timeout", NULL, test_connect_timeout);
  add_test ("/client/tls/untrusted-certificate", NULL, test_tls_untrusted_certificate);

  add_test ("/client/cancel/before-call", NULL, test_cancel_before_call);
  add_test ("/client/cancel/before-sending", NULL, test_cancel_before_sending);
  add_test ("/client/cancel/waiting-for-answer", NULL, test_cancel_waiting_for_answer);
  add_test ("/client/cancel/during-backoff", NULL, test_cancel_during_backoff);

  add_test ("/client/lifetime/unref-in-flight", NULL, test_unref_in_flight);
  add_test ("/client/lifetime/dispose-in-flight", NULL, test_dispose_in_flight);

  return g_test_run ();
}
