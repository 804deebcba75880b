/* The one verification workflow: every path ends in a verification with a verdict, training
 * never touches the real client, and cancellation is the only error. */

#include <string.h>

#include "vd-desk.h"
#include "vd-env-credentials.h"
#include "vd-sample-customers.h"
#include "vd-test-util.h"

typedef struct {
  gboolean        done;
  VdVerification *verification;
  GError         *error;
} Wait;

static void
on_verified (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Wait *wait = user_data;

  wait->verification = vd_desk_verify_finish (VD_DESK (source), result, &wait->error);
  wait->done = TRUE;
}

static VdVerification *
verify (VdDesk          *desk,
        VdVerifyRequest *request,
        GCancellable    *cancellable,
        GError         **error)
{
  Wait wait = { 0 };

  vd_desk_verify_async (desk, request, cancellable, on_verified, &wait);
  vd_test_wait_for_flag (&wait.done, 10000);
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);
  return wait.verification;
}

static VdVerifyRequest *
request_for (const char *name,
             const char *id_number)
{
  VdVerifyRequest *request = vd_verify_request_new_task (NULL);

  request->name = g_strdup (name);
  request->id_number = g_strdup (id_number);
  request->face_url = g_strdup ("https://example.com/face.jpg");
  request->front_url = g_strdup ("https://example.com/front.jpg");
  request->back_url = g_strdup ("https://example.com/back.jpg");
  return request;
}

static const VdSampleCustomer *
sample_with_status (int status)
{
  guint n;
  const VdSampleCustomer *customers = vd_sample_customers (&n);

  for (guint i = 0; i < n; i++)
    if (customers[i].status == status)
      return &customers[i];

  g_error ("no sample customer with status %d", status);
  return NULL;
}

static VdDesk *
training_desk (void)
{
  g_autoptr(GError) error = NULL;
  VdDesk *desk = vd_desk_new (NULL);

  g_assert_true (vd_desk_set_training (desk, TRUE, &error));
  g_assert_no_error (error);
  return desk;
}

static void
test_desk_training_pass (void)
{
  g_autoptr(VdDesk) desk = training_desk ();
  g_autoptr(VdVerifyRequest) request = request_for ("张三", "11010519491231002x");
  g_autoptr(VdVerification) verification = NULL;
  g_autoptr(GError) error = NULL;

  verification = verify (desk, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_PASSED);
  g_assert_true (verification->training);
  g_assert_cmpuint (verification->attempts, ==, 1);
  g_assert_nonnull (verification->result);
  g_assert_null (verification->error);
  g_assert_cmpint (verification->result->verify_status, ==, 1);
  g_assert_cmpint (verification->verdict->severity, ==, VD_SEVERITY_PASSED);
  /* The request kept is the validated one: the typed lower-case x is normalised. */
  g_assert_cmpstr (verification->request->id_number, ==, "11010519491231002X");
  g_assert_cmpstr (verification->request->biz_id, ==, request->biz_id);
  g_assert_nonnull (verification->started);
  g_assert_nonnull (verification->finished);
  g_assert_cmpint (g_date_time_compare (verification->started, verification->finished), <=, 0);
}

static void
test_desk_training_not_passed (void)
{
  g_autoptr(VdDesk) desk = training_desk ();
  const VdSampleCustomer *customer = sample_with_status (7);
  g_autoptr(VdVerifyRequest) request = request_for (customer->name, customer->id_number);
  g_autoptr(VdVerification) verification = NULL;
  g_autoptr(GError) error = NULL;

  verification = verify (desk, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_NOT_PASSED);
  g_assert_cmpint (verification->result->verify_status, ==, 7);
  g_assert_cmpint (verification->verdict->severity, ==, VD_SEVERITY_NOT_PASSED);
}

static void
test_desk_bad_input_sends_nothing (void)
{
  g_autoptr(VdDesk) desk = training_desk ();
  g_autoptr(VdVerifyRequest) request = request_for ("张三", "110105194912310021");
  g_autoptr(VdVerification) verification = NULL;
  g_autoptr(GError) error = NULL;

  verification = verify (desk, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_ERROR);
  g_assert_cmpuint (verification->attempts, ==, 0);
  g_assert_null (verification->result);
  g_assert_error (verification->error, VD_REQUEST_ERROR, VD_REQUEST_ERROR_ID_NUMBER);
  g_assert_cmpuint (vd_simulator_get_requests_received (vd_desk_get_simulator (desk)), ==, 0);
}

static void
test_desk_without_credentials (void)
{
  g_autoptr(VdDesk) desk = vd_desk_new (NULL);
  g_autoptr(VdVerifyRequest) request = request_for ("张三", "11010519491231002X");
  g_autoptr(VdVerification) verification = NULL;
  g_autoptr(GError) error = NULL;

  g_unsetenv (VD_ENV_ACCESS_KEY_ID);
  g_unsetenv (VD_ENV_ACCESS_KEY_SECRET);
  verification = verify (desk, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_ERROR);
  g_assert_error (verification->error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_NO_CREDENTIALS);
  g_assert_true (verification->verdict->open_preferences);
  g_assert_cmpuint (verification->attempts, ==, 0);
}

static void
test_desk_configured_credentials (void)
{
  g_autoptr(VdSimulator) simulator = vd_simulator_new ();
  g_autoptr(VdCloudauthClient) client = vd_cloudauth_client_new ();
  g_autoptr(VdDesk) desk = NULL;
  g_autoptr(VdCredentials) wrong = vd_credentials_new (VD_TRAINING_ACCESS_KEY_ID, "Secret-Not-To-Be-Echoed-42", NULL);
  g_autoptr(VdVerifyRequest) request = request_for ("张三", "11010519491231002X");
  g_autoptr(VdVerification) verification = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (vd_simulator_listen (simulator, 0, NULL, &error));
  g_assert_true (vd_cloudauth_client_set_endpoint (client, vd_simulator_get_url (simulator), &error));
  desk = vd_desk_new (client);
  vd_desk_set_credentials (desk, wrong);

  verification = verify (desk, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (verification->training);
  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_ERROR);
  g_assert_cmpint (verification->result->kind, ==, VD_ANSWER_GATEWAY_ERROR);
  g_assert_cmpstr (verification->result->code, ==, "SignatureDoesNotMatch");
  g_assert_true (verification->verdict->open_preferences);
  g_assert_null (strstr (verification->verdict->explanation, "Secret-Not-To-Be-Echoed-42"));
  g_assert_null (strstr (verification->verdict->next_step, "Secret-Not-To-Be-Echoed-42"));
  vd_simulator_disconnect (simulator);
}

static void
test_desk_training_leaves_real_client_alone (void)
{
  g_autoptr(VdCloudauthClient) client = vd_cloudauth_client_new ();
  g_autoptr(VdDesk) desk = vd_desk_new (client);
  g_autoptr(GError) error = NULL;

  g_assert_true (vd_desk_set_training (desk, TRUE, &error));
  g_assert_true (vd_desk_get_training (desk));
  g_assert_nonnull (vd_desk_get_simulator (desk));
  g_assert_cmpstr (vd_cloudauth_client_get_endpoint (client), ==, VD_DEFAULT_ENDPOINT);

  g_assert_true (vd_desk_set_training (desk, FALSE, &error));
  g_assert_false (vd_desk_get_training (desk));
  g_assert_null (vd_desk_get_simulator (desk));
  g_assert_cmpstr (vd_cloudauth_client_get_endpoint (client), ==, VD_DEFAULT_ENDPOINT);
}

static void
test_desk_cancel (void)
{
  g_autoptr(VdDesk) desk = training_desk ();
  g_autoptr(VdVerifyRequest) request = request_for ("张三", "11010519491231002X");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(VdVerification) verification = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  vd_simulator_push_fault (vd_desk_get_simulator (desk), VD_FAULT_DELAY, 5000);
  g_timeout_add_once (50, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
  start = g_get_monotonic_time ();
  verification = verify (desk, request, cancellable, &error);
  g_assert_null (verification);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1000 * 1000);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/desk/training-pass", test_desk_training_pass);
  g_test_add_func ("/desk/training-not-passed", test_desk_training_not_passed);
  g_test_add_func ("/desk/bad-input-sends-nothing", test_desk_bad_input_sends_nothing);
  g_test_add_func ("/desk/without-credentials", test_desk_without_credentials);
  g_test_add_func ("/desk/configured-credentials", test_desk_configured_credentials);
  g_test_add_func ("/desk/training-leaves-real-client-alone",
                   test_desk_training_leaves_real_client_alone);
  g_test_add_func ("/desk/cancel", test_desk_cancel);

  return g_test_run ();
}
