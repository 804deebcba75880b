/* The desk's journal: "sent" before the request, "finished" after, and the ID-number key. */

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "vd-client-error.h"
#include "vd-desk.h"
#include "vd-desk-journal.h"
#include "vd-sample-customers.h"
#include "vd-test-util.h"

#define NUMBER "11010519491231002X"

static GAsyncResult *
wait_for (VdTestWait *wait)
{
  vd_test_wait_for_flag (&wait->done, 20000);
  return wait->result;
}

typedef struct {
  char          *folder;
  VdHistory     *history;
  VdDeskJournal *journal;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *path = NULL;
  VdTestWait wait = { 0 };

  fixture->folder = g_dir_make_tmp ("vd-journal-XXXXXX", NULL);
  path = g_build_filename (fixture->folder, "history.db", NULL);
  fixture->history = vd_history_new (path);
  if (data == NULL)
    {
      vd_history_open_async (fixture->history, NULL, vd_test_on_done, &wait);
      g_assert_true (vd_history_open_finish (fixture->history, wait_for (&wait), NULL));
      g_object_unref (wait.result);
    }
  fixture->journal = vd_desk_journal_new (fixture->history, "alice", "desk-7");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->journal);
  g_clear_object (&fixture->history);
  vd_test_remove_folder (fixture->folder);
  g_free (fixture->folder);
}

static VdVerifyRequest *
test_request (void)
{
  VdVerifyRequest *request = vd_verify_request_new_task (NULL);

  request->name = g_strdup ("张三");
  request->id_number = g_strdup (NUMBER);
  request->face_url = g_strdup ("https://example.com/face.jpg");
  return request;
}

static VdHistoryRecord *
record_sent (VdDeskJournal    *journal,
             VdVerifyRequest  *request,
             GError          **error)
{
  VdTestWait wait = { 0 };
  VdHistoryRecord *record;

  vd_desk_journal_record_sent_async (journal, request, FALSE, NULL, vd_test_on_done, &wait);
  record = vd_desk_journal_record_sent_finish (journal, wait_for (&wait), error);
  g_object_unref (wait.result);
  return record;
}

static VdHistoryRecord *
stored (VdHistory *history,
        gint64     id)
{
  VdTestWait wait = { 0 };
  g_autoptr(GError) error = NULL;
  VdHistoryRecord *record;

  vd_history_get_async (history, id, NULL, vd_test_on_done, &wait);
  record = vd_history_get_finish (history, wait_for (&wait), &error);
  g_assert_no_error (error);
  g_object_unref (wait.result);
  return record;
}

static GBytes *
load_key (const char  *folder,
          char       **where,
          GError     **error)
{
  VdTestWait wait = { 0 };
  GBytes *key;

  vd_desk_journal_load_key_async (folder, NULL, vd_test_on_done, &wait);
  key = vd_desk_journal_load_key_finish (wait_for (&wait), where, error);
  g_object_unref (wait.result);
  return key;
}

static void
test_defaults (void)
{
  g_autoptr(VdHistory) history = vd_history_new ("/nonexistent/history.db");
  g_autoptr(VdDeskJournal) journal = vd_desk_journal_new (history, NULL, NULL);

  g_assert_cmpstr (vd_desk_journal_get_operator (journal), ==, g_get_user_name ());
  g_assert_cmpstr (vd_desk_journal_get_desk_name (journal), ==, g_get_host_name ());
  g_assert_true (vd_desk_journal_get_history (journal) == history);
}

static void
test_sent_then_finished (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(VdVerifyRequest) request = test_request ();
  g_autoptr(VdHistoryRecord) sent = NULL;
  g_autoptr(VdHistoryRecord) again = NULL;
  g_autoptr(VdHistoryRecord) before = NULL;
  g_autoptr(VdHistoryRecord) after = NULL;
  g_autoptr(VdVerifyResult) result = vd_verify_result_new (VD_ANSWER_VERDICT);
  g_autoptr(GError) error = NULL;
  VdTestWait wait = { 0 };

  sent = record_sent (fixture->journal, request, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sent->id, >, 0);
  g_assert_cmpuint (sent->attempt, ==, 1);

  before = stored (fixture->history, sent->id);
  g_assert_cmpint (before->state, ==, VD_HISTORY_STATE_SENT);
  g_assert_cmpstr (before->operator_name, ==, "alice");
  g_assert_cmpstr (before->desk, ==, "desk-7");
  g_assert_cmpstr (before->id_number_masked, ==, "110105********002X");
  g_assert_null (before->id_number_full);

  result->verify_status = 1;
  result->has_score = TRUE;
  result->score = 93;
  vd_desk_journal_record_finished_async (fixture->journal, sent, result, NULL, NULL,
                                         vd_test_on_done, &wait);
  g_assert_true (vd_desk_journal_record_finished_finish (fixture->journal, wait_for (&wait),
                                                         &error));
  g_assert_no_error (error);
  g_object_unref (wait.result);

  after = stored (fixture->history, sent->id);
  g_assert_cmpint (after->state, ==, VD_HISTORY_STATE_FINISHED);
  g_assert_cmpint (vd_history_record_get_outcome (after), ==, VD_OUTCOME_PASSED);
  g_assert_cmpfloat (after->score, ==, 93);

  /* The same task again is its second attempt. */
  again = record_sent (fixture->journal, request, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->attempt, ==, 2);
}

static void
test_finished_with_error (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(VdVerifyRequest) request = test_request ();
  g_autoptr(VdHistoryRecord) sent = record_sent (fixture->journal, request, NULL);
  g_autoptr(VdHistoryRecord) after = NULL;
  g_autoptr(GError) lost = g_error_new_literal (VD_CLIENT_ERROR, VD_CLIENT_ERROR_OUTCOME_UNKNOWN,
                                                "no answer");
  VdTestWait wait = { 0 };

  vd_desk_journal_record_finished_async (fixture->journal, sent, NULL, lost, NULL, vd_test_on_done,
                                         &wait);
  g_assert_true (vd_desk_journal_record_finished_finish (fixture->journal, wait_for (&wait),
                                                         NULL));
  g_object_unref (wait.result);

  after = stored (fixture->history, sent->id);
  g_assert_cmpint (after->state, ==, VD_HISTORY_STATE_FINISHED);
  g_assert_cmpint (vd_history_record_get_outcome (after), ==, VD_OUTCOME_UNKNOWN);
  g_assert_cmpstr (after->error_message, ==, "no answer");
}

static void
test_keep_full_numbers (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(VdVerifyRequest) request = test_request ();
  g_autoptr(VdHistoryRecord) sent = NULL;
  g_autoptr(VdHistoryRecord) kept = NULL;

  vd_desk_journal_set_keep_full_id_numbers (fixture->journal, TRUE);
  sent = record_sent (fixture->journal, request, NULL);
  kept = stored (fixture->history, sent->id);
  g_assert_cmpstr (kept->id_number_full, ==, NUMBER);
}

static void
test_sent_fails_when_history_cannot_write (Fixture       *fixture,
                                           gconstpointer  data)
{
  g_autoptr(VdVerifyRequest) request = test_request ();
  g_autoptr(VdHistoryRecord) sent = NULL;
  g_autoptr(GError) error = NULL;

  /* This fixture never opened the history. */
  sent = record_sent (fixture->journal, request, &error);
  g_assert_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_NOT_OPEN);
  g_assert_null (sent);
}

static void
test_key_file_when_no_keyring (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->folder, VD_HISTORY_KEY_FILE_NAME, NULL);
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *where = NULL;
  GStatBuf st;

  first = load_key (fixture->folder, &where, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (first), ==, VD_HISTORY_KEY_LENGTH);
  g_assert_cmpstr (where, ==, path);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  second = load_key (fixture->folder, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (first, second));
}

static void
test_damaged_key_file_refused (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->folder, VD_HISTORY_KEY_FILE_NAME, NULL);
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "short", 5, NULL));
  key = load_key (fixture->folder, NULL, &error);
  g_assert_null (key);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, path));
}

static void
test_journal_loads_key_for_search (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(VdVerifyRequest) request = test_request ();
  g_autoptr(VdHistoryRecord) sent = NULL;
  g_autoptr(VdHistoryFilter) filter = vd_history_filter_new ();
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->folder, VD_HISTORY_KEY_FILE_NAME, NULL);
  VdTestWait wait = { 0 };

  sent = record_sent (fixture->journal, request, &error);
  g_assert_no_error (error);
  /* The key was made beside the database, and the store was given it. */
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  filter->id_number = g_strdup (NUMBER);
  vd_history_list_async (fixture->history, filter, NULL, 0, 10, NULL, vd_test_on_done, &wait);
  found = vd_history_list_finish (fixture->history, wait_for (&wait), &error);
  g_assert_no_error (error);
  g_object_unref (wait.result);
  g_assert_cmpuint (found->len, ==, 1);
}

/* --- through the desk --- */

typedef struct {
  gboolean        done;
  VdVerification *verification;
  GError         *error;
} VerifyWait;

static void
on_verified (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  VerifyWait *wait = user_data;

  wait->verification = vd_desk_verify_finish (VD_DESK (source), result, &wait->error);
  wait->done = TRUE;
}

static VdDesk *
training_desk (VdHistory *history)
{
  VdDesk *desk = vd_desk_new (NULL);
  g_autoptr(GBytes) key = NULL;
  guint8 key_bytes[VD_HISTORY_KEY_LENGTH] = { 1, 2, 3 };

  g_assert_true (vd_desk_set_training (desk, TRUE, NULL));
  vd_desk_set_history (desk, history, "carol");
  key = g_bytes_new (key_bytes, sizeof key_bytes);
  vd_desk_journal_set_key (vd_desk_get_journal (desk), key);
  return desk;
}

static VdVerifyRequest *
passing_request (void)
{
  VdVerifyRequest *request = test_request ();
  const VdSampleCustomer *customers;
  guint n = 0;

  customers = vd_sample_customers (&n);
  for (guint i = 0; i < n; i++)
    {
      if (customers[i].status == 1)
        {
          g_free (request->name);
          g_free (request->id_number);
          request->name = g_strdup (customers[i].name);
          request->id_number = g_strdup (customers[i].id_number);
          break;
        }
    }
  return request;
}

static GPtrArray *
all_records (VdHistory *history)
{
  VdTestWait wait = { 0 };
  g_autoptr(GError) error = NULL;
  GPtrArray *records;

  vd_history_list_async (history, NULL, NULL, 0, 0, NULL, vd_test_on_done, &wait);
  records = vd_history_list_finish (history, wait_for (&wait), &error);
  g_assert_no_error (error);
  g_object_unref (wait.result);
  return records;
}

/* The simulator holds its answer; when the request has arrived, the store already has the
 * record as "sent". */
static void
test_desk_records_before_request_leaves (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(VdDesk) desk = training_desk (fixture->history);
  g_autoptr(VdVerifyRequest) request = passing_request ();
  g_autoptr(GPtrArray) while_waiting = NULL;
  g_autoptr(GPtrArray) after = NULL;
  VdSimulator *simulator = vd_desk_get_simulator (desk);
  VdHistoryRecord *record;
  VerifyWait wait = { 0 };
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  vd_simulator_push_fault (simulator, VD_FAULT_DELAY, 1500);
  vd_desk_verify_async (desk, request, NULL, on_verified, &wait);
  while (vd_simulator_get_requests_received (simulator) == 0 &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (vd_simulator_get_requests_received (simulator), ==, 1);
  g_assert_false (wait.done);

  while_waiting = all_records (fixture->history);
  g_assert_cmpuint (while_waiting->len, ==, 1);
  record = g_ptr_array_index (while_waiting, 0);
  g_assert_cmpint (record->state, ==, VD_HISTORY_STATE_SENT);
  g_assert_cmpstr (record->name, ==, request->name);
  g_assert_cmpstr (record->biz_id, ==, request->biz_id);
  g_assert_cmpstr (record->operator_name, ==, "carol");
  g_assert_true (record->training);

  vd_test_wait_for_flag (&wait.done, 20000);
  g_assert_no_error (wait.error);
  g_assert_cmpint (wait.verification->outcome, ==, VD_OUTCOME_PASSED);
  g_assert_cmpint (wait.verification->history_id, ==, record->id);
  g_assert_null (wait.verification->history_note);

  after = all_records (fixture->history);
  record = g_ptr_array_index (after, 0);
  g_assert_cmpint (record->state, ==, VD_HISTORY_STATE_FINISHED);
  g_assert_cmpint (vd_history_record_get_outcome (record), ==, VD_OUTCOME_PASSED);
  g_assert_cmpstr (record->request_id, ==, wait.verification->result->request_id);
  g_clear_pointer (&wait.verification, vd_verification_unref);
}

/* A history that cannot write: the verification is not sent, and the verdict says why. */
static void
test_desk_does_not_send_without_record (Fixture       *fixture,
                                        gconstpointer  data)
{
  g_autoptr(VdDesk) desk = training_desk (fixture->history);
  g_autoptr(VdVerifyRequest) request = passing_request ();
  VerifyWait wait = { 0 };

  vd_desk_verify_async (desk, request, NULL, on_verified, &wait);
  vd_test_wait_for_flag (&wait.done, 20000);

  g_assert_no_error (wait.error);
  g_assert_cmpuint (vd_simulator_get_requests_received (vd_desk_get_simulator (desk)), ==, 0);
  g_assert_cmpint (wait.verification->outcome, ==, VD_OUTCOME_ERROR);
  g_assert_error (wait.verification->error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_NOT_RECORDED);
  g_assert_cmpstr (wait.verification->error->message, ==,
                   "Not sent: the history cannot record this verification. The history is not "
                   "open.");
  g_assert_cmpstr (wait.verification->verdict->explanation, ==, wait.verification->error->message);
  g_assert_cmpint (wait.verification->history_id, ==, 0);
  g_clear_pointer (&wait.verification, vd_verification_unref);
}

/* The answer came but its record is gone: the verdict stands, with a note and a warning. */
static void
test_desk_keeps_verdict_when_answer_not_recorded (Fixture       *fixture,
                                                  gconstpointer  data)
{
  g_autoptr(VdDesk) desk = training_desk (fixture->history);
  g_autoptr(VdVerifyRequest) request = passing_request ();
  VdSimulator *simulator = vd_desk_get_simulator (desk);
  VerifyWait wait = { 0 };
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  sqlite3 *db = NULL;

  vd_simulator_push_fault (simulator, VD_FAULT_DELAY, 1000);
  vd_desk_verify_async (desk, request, NULL, on_verified, &wait);
  while (vd_simulator_get_requests_received (simulator) == 0 &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  /* Someone removes the record behind the desk's back while the answer is on its way. */
  g_assert_cmpint (sqlite3_open (vd_history_get_path (fixture->history), &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM records", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_test_expect_message ("vd-desk", G_LOG_LEVEL_WARNING, "*could not be recorded*");
  vd_test_wait_for_flag (&wait.done, 20000);
  g_test_assert_expected_messages ();

  g_assert_cmpint (wait.verification->outcome, ==, VD_OUTCOME_PASSED);
  g_assert_nonnull (wait.verification->history_note);
  g_assert_nonnull (strstr (wait.verification->history_note, "could not record"));
  g_clear_pointer (&wait.verification, vd_verification_unref);
}

int
main (int    argc,
      char **argv)
{
  /* No keyring here, ever: the key must go to the file beside the database, and the tests must
   * not touch the developer's keyring. Set before any thread starts. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/vd-test-bus", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, unopened) \
  g_test_add ("/desk-journal/" path, Fixture, unopened, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/desk-journal/defaults", test_defaults);
  ADD ("sent-then-finished", test_sent_then_finished, NULL);
  ADD ("finished-with-error", test_finished_with_error, NULL);
  ADD ("keep-full-numbers", test_keep_full_numbers, NULL);
  ADD ("sent-fails-when-history-cannot-write", test_sent_fails_when_history_cannot_write,
       "unopened");
  ADD ("key/file-when-no-keyring", test_key_file_when_no_keyring, NULL);
  ADD ("key/damaged-file-refused", test_damaged_key_file_refused, NULL);
  ADD ("key/loaded-for-search", test_journal_loads_key_for_search, NULL);
  ADD ("desk/records-before-request-leaves", test_desk_records_before_request_leaves, NULL);
  ADD ("desk/does-not-send-without-record", test_desk_does_not_send_without_record, "unopened");
  ADD ("desk/keeps-verdict-when-answer-not-recorded",
       test_desk_keeps_verdict_when_answer_not_recorded, NULL);

  return g_test_run ();
}
