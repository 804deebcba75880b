/* The non-billed check of an AccessKey against the built-in simulator: good keys, a wrong
 * secret, an unknown ID, STS tokens, nothing listening, a gateway in trouble — and that the
 * simulator checks authentication before the business parameters, as the check relies on. */

#include <string.h>

#include "vd-credential-check.h"
#include "vd-simulator.h"
#include "vd-test-util.h"

#define STS_ID     "STS.CheckTest0001"
#define STS_SECRET "StsCheckSecret0123456789abcdef"
#define STS_TOKEN  "CAIS+CheckToken/0123456789=="

typedef struct {
  VdSimulator       *simulator;
  VdCloudauthClient *client;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->simulator = vd_simulator_new ();
  vd_simulator_add_key (fixture->simulator, STS_ID, STS_SECRET, STS_TOKEN);
  g_assert_true (vd_simulator_listen (fixture->simulator, 0, NULL, &error));
  fixture->client = vd_cloudauth_client_new ();
  g_assert_true (vd_cloudauth_client_set_endpoint (fixture->client,
                                                   vd_simulator_get_url (fixture->simulator),
                                                   &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  vd_simulator_disconnect (fixture->simulator);
  g_clear_object (&fixture->simulator);
  g_clear_object (&fixture->client);
}

static VdCredentialCheck
check (VdCloudauthClient  *client,
       const char         *id,
       const char         *secret,
       const char         *token,
       GCancellable       *cancellable,
       char              **message,
       GError            **error)
{
  g_autoptr(VdCredentials) credentials = vd_credentials_new (id, secret, token);
  VdTestWait wait = { 0 };
  VdCredentialCheck result;

  vd_credential_check_async (client, credentials, cancellable, vd_test_on_done, &wait);
  vd_test_wait_for_flag (&wait.done, 30000);
  result = vd_credential_check_finish (wait.result, message, error);
  g_object_unref (wait.result);
  return result;
}

static void
test_check_good (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (check (fixture->client, VD_TRAINING_ACCESS_KEY_ID,
                          VD_TRAINING_ACCESS_KEY_SECRET, NULL, NULL, &message, &error),
                   ==, VD_CREDENTIAL_CHECK_GOOD);
  g_assert_no_error (error);
  g_assert_cmpstr (message, ==, "The AccessKey works: the service accepted it.");
  /* Refused for the missing BizType, after authentication: nothing was verified or billed. */
  g_assert_cmpstr (vd_simulator_get_last_error_code (fixture->simulator), ==, "MissingParameter");
  g_assert_cmpuint (vd_simulator_get_requests_received (fixture->simulator), ==, 1);
  g_assert_cmpuint (vd_simulator_get_requests_answered (fixture->simulator), ==, 0);
}

static void
test_check_good_v1 (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  vd_cloudauth_client_set_signature (fixture->client, VD_SIGNATURE_V1);
  g_assert_cmpint (check (fixture->client, VD_TRAINING_ACCESS_KEY_ID,
                          VD_TRAINING_ACCESS_KEY_SECRET, NULL, NULL, NULL, &error),
                   ==, VD_CREDENTIAL_CHECK_GOOD);
  g_assert_no_error (error);
  g_assert_cmpstr (vd_simulator_get_last_error_code (fixture->simulator), ==, "MissingParameter");
}

static void
test_check_wrong_secret (Fixture       *fixture,
                         gconstpointer  data)
{
  const char *wrong = "WrongSecretThatMustNotBeEchoed9";
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (check (fixture->client, VD_TRAINING_ACCESS_KEY_ID, wrong, NULL, NULL,
                          &message, &error),
                   ==, VD_CREDENTIAL_CHECK_REJECTED);
  g_assert_no_error (error);
  g_assert_cmpstr (vd_simulator_get_last_error_code (fixture->simulator), ==,
                   "SignatureDoesNotMatch");
  g_assert_true (strstr (message, "secret") != NULL);
  g_assert_null (strstr (message, wrong));
  /* The gateway's message quotes its string to sign: it is never passed on. */
  g_assert_null (strstr (message, "string to sign"));
  g_assert_null (strstr (message, "StringToSign"));
}

static void
test_check_unknown_id (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (check (fixture->client, "LTAI5tNobodyKnowsThis01", VD_TRAINING_ACCESS_KEY_SECRET,
                          NULL, NULL, &message, &error),
                   ==, VD_CREDENTIAL_CHECK_REJECTED);
  g_assert_no_error (error);
  g_assert_cmpstr (vd_simulator_get_last_error_code (fixture->simulator), ==,
                   "InvalidAccessKeyId.NotFound");
  g_assert_true (strstr (message, "InvalidAccessKeyId.NotFound") != NULL);
  g_assert_true (strstr (message, "AccessKey ID") != NULL);
}

static void
test_check_sts (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *missing = NULL;
  g_autofree char *wrong = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (check (fixture->client, STS_ID, STS_SECRET, STS_TOKEN, NULL, NULL, &error),
                   ==, VD_CREDENTIAL_CHECK_GOOD);
  g_assert_cmpint (check (fixture->client, STS_ID, STS_SECRET, NULL, NULL, &missing, &error),
                   ==, VD_CREDENTIAL_CHECK_REJECTED);
  g_assert_cmpstr (vd_simulator_get_last_error_code (fixture->simulator), ==,
                   "MissingSecurityToken");
  g_assert_true (strstr (missing, "STS token") != NULL);
  g_assert_cmpint (check (fixture->client, STS_ID, STS_SECRET, "CAIS+SomeOtherToken==", NULL,
                          &wrong, &error),
                   ==, VD_CREDENTIAL_CHECK_REJECTED);
  g_assert_true (g_str_has_prefix (vd_simulator_get_last_error_code (fixture->simulator),
                                   "InvalidSecurityToken."));
  g_assert_true (strstr (wrong, "STS token") != NULL);
  g_assert_no_error (error);
}

static void
test_check_nothing_listening (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  vd_simulator_disconnect (fixture->simulator);
  g_assert_cmpint (check (fixture->client, VD_TRAINING_ACCESS_KEY_ID,
                          VD_TRAINING_ACCESS_KEY_SECRET, NULL, NULL, &message, &error),
                   ==, VD_CREDENTIAL_CHECK_UNCHECKED);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (message, "The AccessKey could not be checked: "));
  g_assert_true (strstr (message, "nothing was sent") != NULL);
}

static void
test_check_server_error (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 3; i++)
    vd_simulator_push_fault (fixture->simulator, VD_FAULT_SERVER_ERROR, 503);
  g_assert_cmpint (check (fixture->client, VD_TRAINING_ACCESS_KEY_ID,
                          VD_TRAINING_ACCESS_KEY_SECRET, NULL, NULL, &message, &error),
                   ==, VD_CREDENTIAL_CHECK_UNCHECKED);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (message, "The AccessKey could not be checked: "));
  g_assert_true (strstr (message, "ServiceUnavailable") != NULL);
}

static void
test_check_clock_off (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  /* A wrong clock says nothing about the key. */
  vd_simulator_set_clock_offset (fixture->simulator, 3600);
  g_assert_cmpint (check (fixture->client, VD_TRAINING_ACCESS_KEY_ID,
                          VD_TRAINING_ACCESS_KEY_SECRET, NULL, NULL, &message, &error),
                   ==, VD_CREDENTIAL_CHECK_UNCHECKED);
  g_assert_cmpstr (vd_simulator_get_last_error_code (fixture->simulator), ==,
                   "InvalidTimeStamp.Expired");
}

static void
test_check_cancel (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  vd_simulator_push_fault (fixture->simulator, VD_FAULT_DELAY, 5000);
  g_timeout_add_once (50, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
  check (fixture->client, VD_TRAINING_ACCESS_KEY_ID, VD_TRAINING_ACCESS_KEY_SECRET, NULL,
         cancellable, &message, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (message);
}

/* What the check relies on, seen directly: the simulator authenticates first, and only then
 * names the missing BizType. */
static void
test_simulator_authenticates_before_business (Fixture       *fixture,
                                              gconstpointer  data)
{
  g_autoptr(VdVerifyRequest) request = g_new0 (VdVerifyRequest, 1);
  g_autoptr(VdCredentials) good = vd_credentials_new (VD_TRAINING_ACCESS_KEY_ID,
                                                      VD_TRAINING_ACCESS_KEY_SECRET, NULL);
  g_autoptr(VdCredentials) unknown = vd_credentials_new ("LTAI5tNobodyKnowsThis01",
                                                         VD_TRAINING_ACCESS_KEY_SECRET, NULL);
  g_autoptr(VdVerifyResult) good_result = NULL;
  g_autoptr(VdVerifyResult) unknown_result = NULL;
  g_autoptr(GError) error = NULL;
  VdTestWait first = { 0 };
  VdTestWait second = { 0 };

  vd_cloudauth_client_verify_async (fixture->client, request, good, NULL, vd_test_on_done, &first);
  vd_test_wait_for_flag (&first.done, 10000);
  good_result = vd_cloudauth_client_verify_finish (fixture->client, first.result, &error);
  g_object_unref (first.result);
  g_assert_no_error (error);
  g_assert_cmpint (good_result->kind, ==, VD_ANSWER_GATEWAY_ERROR);
  g_assert_cmpuint (good_result->http_status, ==, 400);
  g_assert_cmpstr (good_result->code, ==, "MissingParameter");
  g_assert_true (strstr (good_result->message, "\"BizType\"") != NULL);

  vd_cloudauth_client_verify_async (fixture->client, request, unknown, NULL, vd_test_on_done,
                                    &second);
  vd_test_wait_for_flag (&second.done, 10000);
  unknown_result = vd_cloudauth_client_verify_finish (fixture->client, second.result, &error);
  g_object_unref (second.result);
  g_assert_no_error (error);
  g_assert_cmpstr (unknown_result->code, ==, "InvalidAccessKeyId.NotFound");
  g_assert_cmpuint (unknown_result->http_status, ==, 404);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, function) \
  g_test_add (path, Fixture, NULL, fixture_set_up, function, fixture_tear_down)

  ADD ("/credential-check/good", test_check_good);
  ADD ("/credential-check/good-v1", test_check_good_v1);
  ADD ("/credential-check/wrong-secret", test_check_wrong_secret);
  ADD ("/credential-check/unknown-id", test_check_unknown_id);
  ADD ("/credential-check/sts", test_check_sts);
  ADD ("/credential-check/nothing-listening", test_check_nothing_listening);
  ADD ("/credential-check/server-error", test_check_server_error);
  ADD ("/credential-check/clock-off", test_check_clock_off);
  ADD ("/credential-check/cancel", test_check_cancel);
  ADD ("/credential-check/simulator-authenticates-first",
       test_simulator_authenticates_before_business);

#undef ADD

  return g_test_run ();
}
