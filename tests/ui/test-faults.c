/* The counter window against every fault an operator can meet: no listener, a name that does
 * not resolve, an untrusted certificate, an answer dripping past the read timeout, a connection
 * cut mid-answer, 5xx, bursts of throttling, a 50 MB body, invalid UTF-8, a VerifyStatus
 * outside the table, a read-only history and the keyring daemon dying. Each test asserts what
 * the banner says (its state, title and next step), that the form keeps the customer's details
 * and offers "Resubmit same task" where that is right, and what the history holds: a
 * verification that was sent is always recorded, one that cannot be recorded is not sent.
 * Every test writes a screenshot. */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>
#include <unistd.h>

#include "vd-answer-parser.h"
#include "vd-application.h"
#include "vd-desk.h"
#include "vd-form.h"
#include "vd-keyring.h"
#include "vd-keyring-test-util.h"
#include "vd-result-view.h"
#include "vd-test-util.h"
#include "vd-ui-test-util.h"
#include "vd-window.h"

#define RESULT_TIMEOUT_MS       30000
#define TEST_CONNECT_TIMEOUT_MS 3000
#define TEST_READ_TIMEOUT_MS    1000
#define TEST_BACKOFF_MS         20
/* An unprivileged user for the read-only history: root writes through permission bits. */
#define NOBODY_UID              65534

#define CUSTOMER_NAME      "张三"
#define CUSTOMER_ID_NUMBER "11010519491231002X"
#define CUSTOMER_FACE_URL  "https://example.com/face.jpg"

static VdApplication *application;
static VdTestKeyring *keyring;

/* --- a resolver that knows no name, as on a machine without DNS, without waiting for one --- */

#define TEST_TYPE_NO_DNS_RESOLVER (test_no_dns_resolver_get_type ())
G_DECLARE_FINAL_TYPE (TestNoDnsResolver, test_no_dns_resolver, TEST, NO_DNS_RESOLVER, GResolver)

struct _TestNoDnsResolver
{
  GResolver parent_instance;
};

G_DEFINE_FINAL_TYPE (TestNoDnsResolver, test_no_dns_resolver, G_TYPE_RESOLVER)

static GList *
no_dns_lookup_by_name (GResolver     *resolver,
                       const char    *hostname,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
               "No address for “%s”", hostname);
  return NULL;
}

static void
no_dns_lookup_by_name_with_flags_async (GResolver                *resolver,
                                        const char               *hostname,
                                        GResolverNameLookupFlags  flags,
                                        GCancellable             *cancellable,
                                        GAsyncReadyCallback       callback,
                                        gpointer                  user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);

  g_task_return_new_error (task, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                           "No address for “%s”", hostname);
}

static void
no_dns_lookup_by_name_async (GResolver           *resolver,
                             const char          *hostname,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  no_dns_lookup_by_name_with_flags_async (resolver, hostname, G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT,
                                          cancellable, callback, user_data);
}

static GList *
no_dns_lookup_by_name_finish (GResolver     *resolver,
                              GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_no_dns_resolver_class_init (TestNoDnsResolverClass *klass)
{
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  resolver_class->lookup_by_name = no_dns_lookup_by_name;
  resolver_class->lookup_by_name_async = no_dns_lookup_by_name_async;
  resolver_class->lookup_by_name_finish = no_dns_lookup_by_name_finish;
  resolver_class->lookup_by_name_with_flags_async = no_dns_lookup_by_name_with_flags_async;
  resolver_class->lookup_by_name_with_flags_finish = no_dns_lookup_by_name_finish;
}

static void
test_no_dns_resolver_init (TestNoDnsResolver *self)
{
}

/* --- the fixture: a desk of its own, with its own history, in a window --- */

typedef struct {
  char              *folder;       /* the history's folder */
  VdHistory         *history;
  VdSimulator       *simulator;    /* NULL when the endpoint is not one */
  VdCloudauthClient *client;
  VdDesk            *desk;
  GtkWidget         *window;
  VdForm            *form;
  VdResultView      *result_view;
  GtkWidget         *cancel_button;
  VdVerification    *previous;     /* the verdict shown before a resubmission, not owned */
} Fixture;

static gboolean
result_arrived (gpointer data)
{
  return ((VdTestWait *) data)->result != NULL;
}

static GAsyncResult *
wait_for_result (VdTestWait *wait)
{
  vd_ui_test_wait_until (result_arrived, wait, 10000);
  return wait->result;
}

static void
fixture_init_history (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->folder = g_dir_make_tmp ("verifydesk-faults-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->folder, VD_HISTORY_FILE_NAME, NULL);
  fixture->history = vd_history_new (path);
}

/* Opens the history; FALSE with @error when it cannot be opened. */
static gboolean
open_history (Fixture  *fixture,
              GError  **error)
{
  VdTestWait wait = { 0 };
  gboolean opened;

  vd_history_open_async (fixture->history, NULL, vd_test_on_done, &wait);
  opened = vd_history_open_finish (fixture->history, wait_for_result (&wait), error);
  g_object_unref (wait.result);
  return opened;
}

static void
fixture_init_desk (Fixture       *fixture,
                   const char    *endpoint,
                   VdCredentials *credentials)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdDeskJournal) journal = NULL;
  g_autoptr(GBytes) key = NULL;
  guint8 key_bytes[VD_HISTORY_KEY_LENGTH];

  fixture->client = vd_cloudauth_client_new ();
  g_assert_true (vd_cloudauth_client_set_endpoint (fixture->client, endpoint, &error));
  g_assert_no_error (error);
  vd_cloudauth_client_set_timeouts (fixture->client, TEST_CONNECT_TIMEOUT_MS,
                                    TEST_READ_TIMEOUT_MS);
  g_object_set (fixture->client, "backoff-ms", TEST_BACKOFF_MS, NULL);

  fixture->desk = vd_desk_new (fixture->client);
  vd_desk_set_credentials (fixture->desk, credentials);

  /* A fixed ID-number key: this desk's history never asks the keyring for one. */
  memset (key_bytes, 0x5a, sizeof key_bytes);
  key = g_bytes_new (key_bytes, sizeof key_bytes);
  journal = vd_desk_journal_new (fixture->history, "operator", "fault-desk");
  vd_desk_journal_set_key (journal, key);
  vd_desk_set_journal (fixture->desk, journal);
}

static GtkWidget *
template_child (GtkWidget  *widget,
                GType       type,
                const char *name)
{
  GObject *child = gtk_widget_get_template_child (widget, type, name);

  if (child == NULL)
    g_error ("no template child %s", name);
  return GTK_WIDGET (child);
}

static void
fixture_open_window (Fixture *fixture)
{
  fixture->window = vd_window_new (GTK_APPLICATION (application), fixture->desk);
  fixture->form = VD_FORM (template_child (fixture->window, VD_TYPE_WINDOW, "form"));
  fixture->result_view = VD_RESULT_VIEW (template_child (fixture->window, VD_TYPE_WINDOW,
                                                         "result_view"));
  fixture->cancel_button = template_child (fixture->window, VD_TYPE_WINDOW, "cancel_button");
  /* The photo previews would fetch the addresses from the internet: tests stay on 127.0.0.1. */
  vd_form_set_session (fixture->form, NULL);

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1100, 760);
  gtk_window_present (GTK_WINDOW (fixture->window));
  vd_ui_test_wait_drawn (fixture->window, 5000);
  vd_ui_test_spin (50);
}

/* A window whose desk talks to @endpoint with the training key pair (or, with @credentials
 * NULL, the keyring's), recording in a history of its own. */
static void
fixture_open (Fixture    *fixture,
              const char *endpoint)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdCredentials) credentials =
    vd_credentials_new (VD_TRAINING_ACCESS_KEY_ID, VD_TRAINING_ACCESS_KEY_SECRET, NULL);

  memset (fixture, 0, sizeof *fixture);
  fixture_init_history (fixture);
  g_assert_true (open_history (fixture, &error));
  g_assert_no_error (error);
  fixture_init_desk (fixture, endpoint, credentials);
  fixture_open_window (fixture);
}

/* The same against a simulator of its own (HTTPS with @certificate), with @faults queued:
 * pairs of VdFaultKind and value, ended by -1. */
static void
fixture_open_simulator (Fixture         *fixture,
                        GTlsCertificate *certificate,
                        ...)
{
  g_autoptr(VdSimulator) simulator = vd_simulator_new ();
  g_autoptr(GError) error = NULL;
  va_list faults;
  int kind;

  g_assert_true (vd_simulator_listen (simulator, 0, certificate, &error));
  g_assert_no_error (error);

  va_start (faults, certificate);
  while ((kind = va_arg (faults, int)) >= 0)
    vd_simulator_push_fault (simulator, (VdFaultKind) kind, va_arg (faults, guint));
  va_end (faults);

  fixture_open (fixture, vd_simulator_get_url (simulator));
  fixture->simulator = g_steal_pointer (&simulator);
}

/* Lets the window draw what it shows, then writes it as faults-@what-LANGUAGE.png. */
static void
screenshot (GtkWidget  *window,
            const char *what)
{
  g_autofree char *name = g_strdup_printf ("faults-%s-%s", what,
                                           g_getenv ("LANGUAGE") ? g_getenv ("LANGUAGE") : "C");
  g_autofree char *path = vd_ui_test_screenshot_drawn (window, name);

  g_test_message ("screenshot: %s", path);
}

static void
fixture_close (Fixture *fixture)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  vd_ui_test_spin (50);

  if (fixture->simulator != NULL)
    vd_simulator_disconnect (fixture->simulator);
  g_clear_object (&fixture->simulator);
  g_clear_object (&fixture->desk);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->history);
  vd_test_remove_folder (fixture->folder);
  g_free (fixture->folder);
}

/* --- driving and reading the window --- */

static GtkEditable *
row (Fixture    *fixture,
     const char *field)
{
  g_autofree char *name = g_strconcat (field, "_row", NULL);

  return GTK_EDITABLE (template_child (GTK_WIDGET (fixture->form), VD_TYPE_FORM, name));
}

static gboolean
verification_arrived (gpointer data)
{
  Fixture *fixture = data;

  VdVerification *shown = vd_result_view_get_verification (fixture->result_view);

  return shown != NULL && shown != fixture->previous
         && !gtk_widget_get_visible (fixture->cancel_button);
}

/* The verdict that came back, drawn and written as a screenshot named after @what before
 * anything is asserted about it (so that a failing run still shows it). */
static VdVerification *
wait_for_verification (Fixture    *fixture,
                       const char *what)
{
  vd_ui_test_wait_until (verification_arrived, fixture, RESULT_TIMEOUT_MS);
  screenshot (fixture->window, what);
  return vd_result_view_get_verification (fixture->result_view);
}

/* Fills in the customer and submits with the window's action; returns what came back. */
static VdVerification *
submit (Fixture    *fixture,
        const char *what)
{
  gtk_editable_set_text (row (fixture, "name"), CUSTOMER_NAME);
  gtk_editable_set_text (row (fixture, "id_number"), CUSTOMER_ID_NUMBER);
  gtk_editable_set_text (row (fixture, "face"), CUSTOMER_FACE_URL);
  g_assert_true (vd_form_get_valid (fixture->form));

  gtk_widget_activate_action (fixture->window, "win.submit", NULL);
  return wait_for_verification (fixture, what);
}

static void
assert_contains (const char *text,
                 const char *part)
{
  if (text == NULL || strstr (text, part) == NULL)
    g_error ("“%s” does not contain “%s”", text, part);
}

/* What the operator sees: the banner's state, title and next step, its buttons, and the form
 * still holding the customer for a resubmission. */
static void
assert_banner (Fixture    *fixture,
               const char *style_class,
               const char *title,
               const char *explanation,
               const char *next_step,
               gboolean    can_resubmit,
               gboolean    open_preferences)
{
  VdStatusBanner *banner = vd_result_view_get_banner (fixture->result_view);

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (banner)));
  g_assert_cmpstr (vd_status_banner_get_style_class (banner), ==, style_class);
  g_assert_cmpstr (vd_status_banner_get_title (banner), ==, title);
  assert_contains (vd_status_banner_get_explanation (banner), explanation);
  g_assert_cmpstr (vd_status_banner_get_next_step (banner), ==, next_step);
  g_assert_cmpint (gtk_widget_get_visible (vd_status_banner_get_resubmit_button (banner)), ==,
                   can_resubmit);
  g_assert_cmpint (gtk_widget_get_visible (vd_status_banner_get_preferences_button (banner)), ==,
                   open_preferences);

  g_assert_cmpstr (gtk_editable_get_text (row (fixture, "name")), ==, CUSTOMER_NAME);
  g_assert_cmpstr (gtk_editable_get_text (row (fixture, "id_number")), ==, CUSTOMER_ID_NUMBER);
  g_assert_cmpstr (gtk_editable_get_text (row (fixture, "face")), ==, CUSTOMER_FACE_URL);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (fixture->form)));
}

static VdHistoryRecord *
get_record (Fixture *fixture,
            gint64   id)
{
  g_autoptr(GError) error = NULL;
  VdTestWait wait = { 0 };
  VdHistoryRecord *record;

  vd_history_get_async (fixture->history, id, NULL, vd_test_on_done, &wait);
  record = vd_history_get_finish (fixture->history, wait_for_result (&wait), &error);
  g_object_unref (wait.result);
  g_assert_no_error (error);
  return record;
}

static guint64
count_records (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  VdTestWait wait = { 0 };
  guint64 count = 0;

  vd_history_count_async (fixture->history, NULL, NULL, vd_test_on_done, &wait);
  g_assert_true (vd_history_count_finish (fixture->history, wait_for_result (&wait), &count,
                                          &error));
  g_object_unref (wait.result);
  g_assert_no_error (error);
  return count;
}

/* Nothing is lost: the verification has its record, finished, with @outcome. */
static void
assert_recorded (Fixture        *fixture,
                 VdVerification *verification,
                 VdOutcome       outcome)
{
  g_autoptr(VdHistoryRecord) record = NULL;

  g_assert_cmpint (verification->history_id, >, 0);
  g_assert_null (verification->history_note);
  record = get_record (fixture, verification->history_id);
  g_assert_cmpint (record->state, ==, VD_HISTORY_STATE_FINISHED);
  g_assert_cmpint (record->outcome, ==, outcome);
  g_assert_cmpstr (record->biz_id, ==, verification->request->biz_id);
  g_assert_cmpstr (record->name, ==, CUSTOMER_NAME);
}

static guint16
closed_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any_port, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_close (socket, &error));
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* --- the faults --- */

static void
test_connection_refused (void)
{
  g_autofree char *endpoint = g_strdup_printf ("http://127.0.0.1:%u/", closed_port ());
  Fixture fixture;
  VdVerification *verification;

  fixture_open (&fixture, endpoint);
  verification = submit (&fixture, "connection-refused");

  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_ERROR);
  g_assert_error (verification->error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_CONNECTION_REFUSED);
  assert_banner (&fixture, "vd-service-problem", "Error",
                 "The service address refused the connection: nothing is listening there, so "
                 "nothing was sent.",
                 "Check the service address and port in Preferences, then submit again.",
                 TRUE, TRUE);
  assert_recorded (&fixture, verification, VD_OUTCOME_ERROR);
  fixture_close (&fixture);
}

static void
test_name_not_resolved (void)
{
  g_autoptr(GResolver) system_resolver = g_resolver_get_default ();
  g_autoptr(GResolver) no_dns = g_object_new (TEST_TYPE_NO_DNS_RESOLVER, NULL);
  Fixture fixture;
  VdVerification *verification;
  gint64 start;

  g_resolver_set_default (no_dns);
  fixture_open (&fixture, "https://verifydesk-fault-test.invalid/");
  start = g_get_monotonic_time ();
  verification = submit (&fixture, "name-not-resolved");
  g_resolver_set_default (system_resolver);

  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_ERROR);
  g_assert_error (verification->error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_HOST_NOT_FOUND);
  assert_contains (verification->error->message,
                   "The name verifydesk-fault-test.invalid cannot be found");
  assert_banner (&fixture, "vd-service-problem", "Error",
                 "The service's name cannot be found on this network (no DNS answer), so "
                 "nothing was sent.",
                 "Check the network connection and the service address in Preferences, then "
                 "submit again.",
                 TRUE, TRUE);
  assert_recorded (&fixture, verification, VD_OUTCOME_ERROR);
  fixture_close (&fixture);
}

static void
test_untrusted_certificate (void)
{
  g_autofree char *certificate_file = g_test_build_filename (G_TEST_DIST, "data",
                                                             "untrusted-cert.pem", NULL);
  g_autofree char *key_file = g_test_build_filename (G_TEST_DIST, "data", "untrusted-key.pem",
                                                     NULL);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  Fixture fixture;
  VdVerification *verification;

  certificate = g_tls_certificate_new_from_files (certificate_file, key_file, &error);
  g_assert_no_error (error);
  fixture_open_simulator (&fixture, certificate, -1);
  g_assert_true (g_str_has_prefix (vd_simulator_get_url (fixture.simulator), "https://"));
  verification = submit (&fixture, "untrusted-certificate");

  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_ERROR);
  g_assert_error (verification->error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_TLS);
  assert_contains (verification->error->message,
                   "The certificate of 127.0.0.1 is not trusted: it is not signed by a known "
                   "certificate authority.");
  g_assert_null (verification->result);
  /* Never accepted: no request crossed the handshake. */
  g_assert_cmpuint (vd_simulator_get_requests_received (fixture.simulator), ==, 0);
  assert_banner (&fixture, "vd-service-problem", "Error",
                 "The service's certificate is not trusted: nothing was sent.",
                 "Do not continue on this network; tell your administrator.",
                 FALSE, FALSE);
  assert_recorded (&fixture, verification, VD_OUTCOME_ERROR);
  fixture_close (&fixture);
}

static void
test_drip_past_read_timeout (void)
{
  Fixture fixture;
  VdVerification *verification;

  fixture_open_simulator (&fixture, NULL, VD_FAULT_DRIP, 100, -1);
  verification = submit (&fixture, "drip");

  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_UNKNOWN);
  g_assert_error (verification->error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_OUTCOME_UNKNOWN);
  assert_contains (verification->error->message, "no answer within 1 s");
  g_assert_cmpuint (verification->attempts, ==, 1);
  assert_banner (&fixture, "vd-unknown", "Outcome unknown",
                 "The request was sent but no answer came back, so the outcome is unknown.",
                 "Resubmit the same task: the service treats it as the same verification.",
                 TRUE, FALSE);
  assert_recorded (&fixture, verification, VD_OUTCOME_UNKNOWN);
  fixture_close (&fixture);
}

static void
test_reset_mid_answer (void)
{
  Fixture fixture;
  VdVerification *verification;
  g_autofree char *biz_id = NULL;

  fixture_open_simulator (&fixture, NULL, VD_FAULT_RESET_MID_ANSWER, 20, -1);
  verification = submit (&fixture, "reset-mid-answer");

  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_UNKNOWN);
  g_assert_error (verification->error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_OUTCOME_UNKNOWN);
  assert_contains (verification->error->message, "was lost before the answer");
  assert_banner (&fixture, "vd-unknown", "Outcome unknown",
                 "The request was sent but no answer came back, so the outcome is unknown.",
                 "Resubmit the same task: the service treats it as the same verification.",
                 TRUE, FALSE);
  assert_recorded (&fixture, verification, VD_OUTCOME_UNKNOWN);

  /* Resubmitting is the same task, and this time the answer comes whole. */
  biz_id = g_strdup (verification->request->biz_id);
  fixture.previous = verification;
  gtk_widget_activate (vd_status_banner_get_resubmit_button (vd_result_view_get_banner (
                         fixture.result_view)));
  verification = wait_for_verification (&fixture, "reset-mid-answer-resubmitted");
  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_PASSED);
  g_assert_cmpstr (verification->request->biz_id, ==, biz_id);
  assert_recorded (&fixture, verification, VD_OUTCOME_PASSED);
  g_assert_cmpuint (count_records (&fixture), ==, 2);
  fixture_close (&fixture);
}

static void
test_server_errors (void)
{
  Fixture fixture;
  VdVerification *verification;

  fixture_open_simulator (&fixture, NULL,
                          VD_FAULT_SERVER_ERROR, 503, VD_FAULT_SERVER_ERROR, 500,
                          VD_FAULT_SERVER_ERROR, 503, -1);
  verification = submit (&fixture, "5xx");

  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_ERROR);
  g_assert_cmpstr (verification->result->code, ==, "ServiceUnavailable");
  g_assert_cmpuint (verification->attempts, ==, 3);
  assert_banner (&fixture, "vd-service-problem", "Error",
                 "The service had a problem of its own (ServiceUnavailable).",
                 "Resubmit the same task in a few minutes.",
                 TRUE, FALSE);
  assert_recorded (&fixture, verification, VD_OUTCOME_ERROR);
  fixture_close (&fixture);
}

static void
test_throttling_burst (void)
{
  Fixture fixture;
  VdVerification *verification;

  fixture_open_simulator (&fixture, NULL,
                          VD_FAULT_THROTTLING, 400, VD_FAULT_THROTTLING, 400,
                          VD_FAULT_THROTTLING, 400, -1);
  verification = submit (&fixture, "throttling");

  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_ERROR);
  g_assert_cmpstr (verification->result->code, ==, "Throttling.User");
  g_assert_cmpuint (verification->attempts, ==, 3);
  g_assert_cmpuint (vd_simulator_get_requests_received (fixture.simulator), ==, 3);
  assert_banner (&fixture, "vd-service-problem", "Error",
                 "The service is receiving too many requests and turned this one away "
                 "(Throttling.User).",
                 "Wait 1 second, then resubmit the same task.",
                 TRUE, FALSE);
  assert_recorded (&fixture, verification, VD_OUTCOME_ERROR);
  fixture_close (&fixture);
}

static void
test_fifty_megabytes (void)
{
  Fixture fixture;
  VdVerification *verification;

  fixture_open_simulator (&fixture, NULL, VD_FAULT_OVERSIZED, 50 * 1024 * 1024, -1);
  verification = submit (&fixture, "50mb");

  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_UNKNOWN);
  g_assert_error (verification->error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_TOO_LARGE);
  assert_banner (&fixture, "vd-unknown", "Outcome unknown",
                 "The request was sent, but the answer cannot be used: The answer is larger "
                 "than 1024 KiB, far more than any real answer, so reading stopped.",
                 "Resubmit the same task: the service treats it as the same verification.",
                 TRUE, FALSE);
  assert_recorded (&fixture, verification, VD_OUTCOME_UNKNOWN);
  fixture_close (&fixture);
}

static void
test_invalid_utf8 (void)
{
  Fixture fixture;
  VdVerification *verification;
  const char *explanation;

  fixture_open_simulator (&fixture, NULL, VD_FAULT_BAD_UTF8, 0, -1);
  verification = submit (&fixture, "invalid-utf8");

  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_UNKNOWN);
  g_assert_nonnull (verification->error);
  g_assert_true (verification->error->domain == VD_ANSWER_ERROR);
  explanation = vd_status_banner_get_explanation (vd_result_view_get_banner (fixture.result_view));
  g_assert_true (g_utf8_validate (explanation, -1, NULL));
  assert_banner (&fixture, "vd-unknown", "Outcome unknown",
                 "The request was sent, but the answer cannot be used: The answer is not valid "
                 "UTF-8 text",
                 "Resubmit the same task: the service treats it as the same verification.",
                 TRUE, FALSE);
  assert_recorded (&fixture, verification, VD_OUTCOME_UNKNOWN);
  fixture_close (&fixture);
}

static void
test_status_outside_table (void)
{
  Fixture fixture;
  VdVerification *verification;

  fixture_open_simulator (&fixture, NULL, VD_FAULT_STATUS, 42, -1);
  verification = submit (&fixture, "status-42");

  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_NOT_PASSED);
  g_assert_cmpint (verification->result->verify_status, ==, 42);
  assert_banner (&fixture, "vd-unknown", "Unknown status",
                 "VerifyStatus 42: Unknown verification status 42",
                 "Do not proceed: ask a supervisor, and check whether a newer version of "
                 "VerifyDesk is available.",
                 FALSE, FALSE);
  assert_recorded (&fixture, verification, VD_OUTCOME_NOT_PASSED);
  fixture_close (&fixture);
}

/* The history file is made read-only before the desk opens it (an open database keeps writing
 * through the descriptor it has). As root the open runs under an unprivileged effective user,
 * whom the permission bits do bind; the folder stays root's and readable. */
static void
test_read_only_history (void)
{
  g_autoptr(GError) open_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(VdSimulator) simulator = vd_simulator_new ();
  g_autoptr(VdCredentials) credentials =
    vd_credentials_new (VD_TRAINING_ACCESS_KEY_ID, VD_TRAINING_ACCESS_KEY_SECRET, NULL);
  gboolean as_root = geteuid () == 0;
  Fixture fixture;
  VdVerification *verification;

  g_assert_true (vd_simulator_listen (simulator, 0, NULL, &error));
  g_assert_no_error (error);

  /* A history made by an earlier session, then made read-only. */
  memset (&fixture, 0, sizeof fixture);
  fixture_init_history (&fixture);
  g_assert_true (open_history (&fixture, &error));
  g_assert_no_error (error);
  path = g_strdup (vd_history_get_path (fixture.history));
  g_clear_object (&fixture.history);
  g_assert_cmpint (g_chmod (path, 0400), ==, 0);
  fixture.history = vd_history_new (path);

  if (as_root)
    {
      g_assert_cmpint (g_chmod (fixture.folder, 0755), ==, 0);
      g_assert_cmpint (seteuid (NOBODY_UID), ==, 0);
    }
  g_assert_false (open_history (&fixture, &open_error));
  if (as_root)
    g_assert_cmpint (seteuid (0), ==, 0);
  g_assert_error (open_error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_READ_ONLY);

  fixture_init_desk (&fixture, vd_simulator_get_url (simulator), credentials);
  fixture_open_window (&fixture);
  verification = submit (&fixture, "read-only-history");

  /* No record, no request. */
  g_assert_cmpuint (vd_simulator_get_requests_received (simulator), ==, 0);
  g_assert_cmpuint (verification->attempts, ==, 0);
  g_assert_cmpint (verification->history_id, ==, 0);
  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_ERROR);
  g_assert_error (verification->error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_NOT_RECORDED);
  assert_banner (&fixture, "vd-service-problem", "Error",
                 "Not sent: the history cannot record this verification. The history file ",
                 "Ask your administrator to make the history writable, then submit again.",
                 TRUE, FALSE);
  assert_contains (vd_status_banner_get_explanation (vd_result_view_get_banner (
                     fixture.result_view)), path);
  assert_contains (vd_status_banner_get_explanation (vd_result_view_get_banner (
                     fixture.result_view)), "cannot be opened for writing (Permission denied)");

  /* Made writable again, the same window records and sends. */
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  g_assert_true (open_history (&fixture, &error));
  g_assert_no_error (error);
  vd_result_view_set_verification (fixture.result_view, NULL);
  gtk_widget_activate_action (fixture.window, "win.resubmit", NULL);
  verification = wait_for_verification (&fixture, "read-only-history-writable-again");
  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_PASSED);
  assert_recorded (&fixture, verification, VD_OUTCOME_PASSED);
  g_assert_cmpuint (vd_simulator_get_requests_received (simulator), ==, 1);

  vd_simulator_disconnect (simulator);
  fixture_close (&fixture);
}

static void
store_in_keyring (VdCredentials *credentials)
{
  g_autoptr(GError) error = NULL;
  VdTestWait wait = { 0 };

  vd_keyring_store_credentials_async (credentials, NULL, vd_test_on_done, &wait);
  g_assert_true (vd_keyring_store_credentials_finish (wait_for_result (&wait), &error));
  g_assert_no_error (error);
  g_object_unref (wait.result);
}

/* The last test: the keyring that comes back is locked for the rest of the program. */
static void
test_keyring_daemon_dies (void)
{
  g_autoptr(VdCredentials) credentials =
    vd_credentials_new (VD_TRAINING_ACCESS_KEY_ID, VD_TRAINING_ACCESS_KEY_SECRET, NULL);
  g_autoptr(VdSimulator) simulator = vd_simulator_new ();
  g_autoptr(GError) error = NULL;
  Fixture fixture;
  VdVerification *verification;

  g_assert_true (vd_simulator_listen (simulator, 0, NULL, &error));
  g_assert_no_error (error);
  store_in_keyring (credentials);

  /* A desk with no key pair of its own asks the keyring at each verification. */
  memset (&fixture, 0, sizeof fixture);
  fixture_init_history (&fixture);
  g_assert_true (open_history (&fixture, &error));
  g_assert_no_error (error);
  fixture_init_desk (&fixture, vd_simulator_get_url (simulator), NULL);
  fixture_open_window (&fixture);
  verification = submit (&fixture, "keyring-before");
  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_PASSED);

  vd_test_keyring_kill_daemon (keyring);
  vd_result_view_set_verification (fixture.result_view, NULL);
  gtk_widget_activate_action (fixture.window, "win.resubmit", NULL);
  verification = wait_for_verification (&fixture, "keyring-daemon-died");

  /* Back by D-Bus activation, the keyring is locked: the operator is told so, not that no
   * AccessKey is stored, and nothing is sent or recorded. */
  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_ERROR);
  g_assert_error (verification->error, VD_KEYRING_ERROR, VD_KEYRING_ERROR_LOCKED);
  g_assert_cmpuint (verification->attempts, ==, 0);
  g_assert_cmpint (verification->history_id, ==, 0);
  assert_banner (&fixture, "vd-service-problem", "Error",
                 "The keyring is locked: unlock it with your login password (for example in "
                 "Passwords and Keys), then try again.",
                 "Try again; if it keeps happening, tell your administrator.",
                 FALSE, FALSE);
  g_assert_cmpuint (vd_simulator_get_requests_received (simulator), ==, 1);
  g_assert_cmpuint (count_records (&fixture), ==, 1);

  vd_simulator_disconnect (simulator);
  fixture_close (&fixture);
}

int
main (int    argc,
      char **argv)
{
  const char *localedir = g_getenv ("VERIFYDESK_LOCALEDIR");
  g_autoptr(GError) error = NULL;
  int status;

  /* The window in the test's language (the suite runs in English; LANGUAGE=zh_CN shows the
   * Chinese screenshots, whose English assertions then fail after the screenshot). */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_unsetenv ("ALIBABA_CLOUD_ACCESS_KEY_ID");
  g_unsetenv ("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
  g_unsetenv ("ALIBABA_CLOUD_SECURITY_TOKEN");
  /* The bus and the keyring first: GTK connects to the session bus as it starts. */
  keyring = vd_test_keyring_start ();
  vd_ui_test_init (&argc, &argv);

  application = vd_application_new ();
  g_application_set_flags (G_APPLICATION (application), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (application), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/faults/connection-refused", test_connection_refused);
  g_test_add_func ("/faults/name-not-resolved", test_name_not_resolved);
  g_test_add_func ("/faults/untrusted-certificate", test_untrusted_certificate);
  g_test_add_func ("/faults/drip-past-read-timeout", test_drip_past_read_timeout);
  g_test_add_func ("/faults/reset-mid-answer", test_reset_mid_answer);
  g_test_add_func ("/faults/5xx", test_server_errors);
  g_test_add_func ("/faults/throttling-burst", test_throttling_burst);
  g_test_add_func ("/faults/50-megabytes", test_fifty_megabytes);
  g_test_add_func ("/faults/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/faults/status-outside-table", test_status_outside_table);
  g_test_add_func ("/faults/read-only-history", test_read_only_history);
  g_test_add_func ("/faults/keyring-daemon-dies", test_keyring_daemon_dies);

  status = g_test_run ();

  g_clear_object (&application);
  vd_test_keyring_stop (keyring);
  return status;
}
