/* The history store: its file, its schema and migrations, what survives a kill, a damaged file
 * or a full disk, searching and paging, CSV export and retention. */

#define _GNU_SOURCE  /* memmem */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "vd-history.h"
#include "vd-history-private.h"
#include "vd-test-util.h"

#define NUMBER       "11010519491231002X"
#define OTHER_NUMBER "440524188001010014"
#define WAIT_MS      30000

static char *self_exe;

/* --- waiting for async calls --- */

static GAsyncResult *
wait_for (VdTestWait *wait)
{
  vd_test_wait_for_flag (&wait->done, WAIT_MS);
  return wait->result;
}

static gboolean
history_open (VdHistory  *history,
              GError    **error)
{
  VdTestWait wait = { 0 };
  gboolean ok;

  vd_history_open_async (history, NULL, vd_test_on_done, &wait);
  ok = vd_history_open_finish (history, wait_for (&wait), error);
  g_object_unref (wait.result);
  return ok;
}

static gint64
record_sent (VdHistory        *history,
             VdHistoryRecord  *record,
             guint            *attempt,
             GError          **error)
{
  VdTestWait wait = { 0 };
  gint64 id;

  vd_history_record_sent_async (history, record, NULL, vd_test_on_done, &wait);
  id = vd_history_record_sent_finish (history, wait_for (&wait), attempt, error);
  g_object_unref (wait.result);
  return id;
}

static gboolean
record_finished (VdHistory        *history,
                 gint64            id,
                 VdHistoryRecord  *record,
                 GError          **error)
{
  VdTestWait wait = { 0 };
  gboolean ok;

  vd_history_record_finished_async (history, id, record, NULL, vd_test_on_done, &wait);
  ok = vd_history_record_finished_finish (history, wait_for (&wait), error);
  g_object_unref (wait.result);
  return ok;
}

static gboolean
insert_records (VdHistory  *history,
                GPtrArray  *records,
                GError    **error)
{
  VdTestWait wait = { 0 };
  gboolean ok;

  vd_history_insert_records_async (history, records, NULL, vd_test_on_done, &wait);
  ok = vd_history_insert_records_finish (history, wait_for (&wait), error);
  g_object_unref (wait.result);
  return ok;
}

static VdHistoryRecord *
get_record (VdHistory  *history,
            gint64      id,
            GError    **error)
{
  VdTestWait wait = { 0 };
  VdHistoryRecord *record;

  vd_history_get_async (history, id, NULL, vd_test_on_done, &wait);
  record = vd_history_get_finish (history, wait_for (&wait), error);
  g_object_unref (wait.result);
  return record;
}

static GPtrArray *
list (VdHistory             *history,
      const VdHistoryFilter *filter,
      const VdHistoryCursor *cursor,
      guint                  offset,
      guint                  limit,
      GError               **error)
{
  VdTestWait wait = { 0 };
  GPtrArray *records;

  vd_history_list_async (history, filter, cursor, offset, limit, NULL, vd_test_on_done, &wait);
  records = vd_history_list_finish (history, wait_for (&wait), error);
  g_object_unref (wait.result);
  return records;
}

static guint64
count (VdHistory             *history,
       const VdHistoryFilter *filter)
{
  VdTestWait wait = { 0 };
  g_autoptr(GError) error = NULL;
  guint64 n = G_MAXUINT64;

  vd_history_count_async (history, filter, NULL, vd_test_on_done, &wait);
  g_assert_true (vd_history_count_finish (history, wait_for (&wait), &n, &error));
  g_assert_no_error (error);
  g_object_unref (wait.result);
  return n;
}

static guint64
purge (VdHistory *history,
       guint      days)
{
  VdTestWait wait = { 0 };
  g_autoptr(GError) error = NULL;
  guint64 removed = G_MAXUINT64;

  vd_history_purge_async (history, days, NULL, vd_test_on_done, &wait);
  g_assert_true (vd_history_purge_finish (history, wait_for (&wait), &removed, &error));
  g_assert_no_error (error);
  g_object_unref (wait.result);
  return removed;
}

/* --- fixtures --- */

static GPtrArray *
new_record_array (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) vd_history_record_free);
}

typedef struct {
  char      *folder;
  char      *path;
  GBytes    *key;
  VdHistory *history;
} Fixture;

static GBytes *
test_key (void)
{
  guint8 key[VD_HISTORY_KEY_LENGTH];

  for (guint i = 0; i < sizeof key; i++)
    key[i] = (guint8) (i * 7 + 1);
  return g_bytes_new (key, sizeof key);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->folder = g_dir_make_tmp ("vd-history-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->folder, "history.db", NULL);
  fixture->key = test_key ();
  fixture->history = vd_history_new (fixture->path);
  vd_history_set_id_number_key (fixture->history, fixture->key);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->history);
  vd_test_remove_folder (fixture->folder);
  g_free (fixture->folder);
  g_free (fixture->path);
  g_bytes_unref (fixture->key);
}

static void
fixture_open (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (history_open (fixture->history, &error));
  g_assert_no_error (error);
}

static VdHistoryRecord *
make_record (GBytes     *key,
             const char *name,
             const char *number)
{
  g_autoptr(VdVerifyRequest) request = vd_verify_request_new_task (NULL);

  request->name = g_strdup (name);
  request->id_number = g_strdup (number);
  return vd_history_record_new_sent (request, key, FALSE, FALSE, "operator", "desk-1");
}

/* A finished record at @days_ago days before now (plus @seconds). */
static VdHistoryRecord *
make_finished (GBytes     *key,
               const char *name,
               VdOutcome   outcome,
               double      days_ago,
               gint64      seconds)
{
  VdHistoryRecord *record = make_record (key, name, NUMBER);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_date_time_unref (record->time);
  record->time = g_date_time_add_seconds (now, -days_ago * 86400.0 + seconds);
  record->state = VD_HISTORY_STATE_FINISHED;
  record->outcome = outcome;
  record->finished_time = g_date_time_ref (record->time);
  return record;
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  return memmem (contents, length, needle, strlen (needle)) != NULL;
}

static int
user_version (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int version = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return version;
}

static gint64
query_int (const char *path,
           const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* --- the file --- */

static void
test_default_folder (void)
{
  g_autofree char *with_env = NULL;
  g_autofree char *without_env = NULL;
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "verifydesk", NULL);
  g_autofree char *saved = g_strdup (g_getenv ("VERIFYDESK_DATA_DIR"));

  g_setenv ("VERIFYDESK_DATA_DIR", "/tmp/some-desk", TRUE);
  with_env = vd_history_default_folder ();
  g_setenv ("VERIFYDESK_DATA_DIR", "", TRUE);
  without_env = vd_history_default_folder ();
  if (saved != NULL)
    g_setenv ("VERIFYDESK_DATA_DIR", saved, TRUE);
  else
    g_unsetenv ("VERIFYDESK_DATA_DIR");

  g_assert_cmpstr (with_env, ==, "/tmp/some-desk");
  g_assert_cmpstr (without_env, ==, expected);
}

static void
test_open_creates_private_file (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *nested = g_build_filename (fixture->folder, "a", "b", "history.db", NULL);
  g_autofree char *nested_folder = g_path_get_dirname (nested);
  g_autoptr(VdHistory) history = vd_history_new (nested);
  g_autoptr(GError) error = NULL;
  GStatBuf file_stat;
  GStatBuf folder_stat;

  g_assert_cmpstr (vd_history_get_path (history), ==, nested);
  g_assert_true (history_open (history, &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_stat (nested, &file_stat), ==, 0);
  g_assert_cmpint (g_stat (nested_folder, &folder_stat), ==, 0);
  g_assert_cmpint (file_stat.st_mode & 0777, ==, 0600);
  g_assert_cmpint (folder_stat.st_mode & 0777, ==, 0700);
  g_assert_cmpint (user_version (nested), ==, VD_HISTORY_SCHEMA_VERSION);
  g_assert_cmpint (query_int (nested, "SELECT count(*) FROM pragma_journal_mode WHERE "
                                      "journal_mode = 'wal'"), ==, 1);
  g_assert_null (vd_history_get_moved_aside_path (history));
  g_assert_null (vd_history_get_open_message (history));
  g_assert_cmpuint (vd_history_get_n_interrupted (history), ==, 0);
}

static void
test_open_tightens_mode_of_existing_file (Fixture       *fixture,
                                          gconstpointer  data)
{
  GStatBuf file_stat;

  g_assert_true (g_file_set_contents (fixture->path, "", 0, NULL));
  g_assert_cmpint (g_chmod (fixture->path, 0644), ==, 0);

  fixture_open (fixture);

  g_assert_cmpint (g_stat (fixture->path, &file_stat), ==, 0);
  g_assert_cmpint (file_stat.st_mode & 0777, ==, 0600);
}

static void
test_calls_before_open_fail (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = list (fixture->history, NULL, NULL, 0, 10, &error);

  g_assert_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_NOT_OPEN);
  g_assert_null (records);
}

/* Iterates the default main context for @ms. */
static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* A held store (the app's start-up) leaves the open and the calls behind it queued: nothing
 * touches the disk, nothing answers; once released they run in order and the record is kept. */
static void
test_hold_queues_until_released (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(VdHistoryRecord) record = make_record (fixture->key, "张三", NUMBER);
  g_autoptr(GError) error = NULL;
  VdTestWait opened = { 0 };
  VdTestWait recorded = { 0 };
  gint64 id;

  vd_history_hold (fixture->history, 60000);
  vd_history_open_async (fixture->history, NULL, vd_test_on_done, &opened);
  vd_history_record_sent_async (fixture->history, record, NULL, vd_test_on_done, &recorded);
  spin (300);
  g_assert_false (opened.done);
  g_assert_false (recorded.done);
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));

  vd_history_release (fixture->history);
  g_assert_true (vd_history_open_finish (fixture->history, wait_for (&opened), &error));
  g_assert_no_error (error);
  id = vd_history_record_sent_finish (fixture->history, wait_for (&recorded), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM records"), ==, 1);
  g_object_unref (opened.result);
  g_object_unref (recorded.result);
}

/* A hold nobody releases ends by itself at its limit. */
static void
test_hold_ends_at_its_limit (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VdTestWait opened = { 0 };
  gint64 started = g_get_monotonic_time ();

  vd_history_hold (fixture->history, 400);
  vd_history_open_async (fixture->history, NULL, vd_test_on_done, &opened);
  g_assert_true (vd_history_open_finish (fixture->history, wait_for (&opened), &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 400 * G_TIME_SPAN_MILLISECOND);
  g_object_unref (opened.result);
}

/* After an open that failed, a call says why the history could not open (which file, what to
 * do) rather than only that it is not open. A file in the way of the folder fails the open for
 * root too. */
static void
test_calls_after_failed_open_say_why (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autofree char *blocker = g_build_filename (fixture->folder, "not-a-folder", NULL);
  g_autofree char *path = g_build_filename (blocker, "history.db", NULL);
  g_autoptr(VdHistory) history = vd_history_new (path);
  g_autoptr(VdHistoryRecord) record = make_record (fixture->key, "张三", "11010519491231002X");
  g_autoptr(GError) open_error = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (blocker, "", 0, NULL));
  g_assert_false (history_open (history, &open_error));
  g_assert_error (open_error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_OPEN);

  g_assert_cmpint (record_sent (history, record, NULL, &error), ==, 0);
  g_assert_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_OPEN);
  g_assert_cmpstr (error->message, ==, open_error->message);
  g_remove (blocker);
}

/* --- records --- */

static void
test_sent_then_finished (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(VdHistoryRecord) record = make_record (fixture->key, "张三", NUMBER);
  g_autoptr(VdHistoryRecord) stored = NULL;
  g_autoptr(VdHistoryRecord) finished = NULL;
  g_autoptr(VdVerifyResult) result = vd_verify_result_new (VD_ANSWER_VERDICT);
  g_autoptr(GError) error = NULL;
  guint attempt = 0;
  gint64 id;

  fixture_open (fixture);
  record->training = TRUE;
  id = record_sent (fixture->history, record, &attempt, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpuint (attempt, ==, 1);

  stored = get_record (fixture->history, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stored->id, ==, id);
  g_assert_cmpint (stored->state, ==, VD_HISTORY_STATE_SENT);
  g_assert_cmpint (vd_history_record_get_outcome (stored), ==, VD_OUTCOME_UNKNOWN);
  g_assert_cmpstr (stored->uuid, ==, record->uuid);
  g_assert_true (g_date_time_equal (stored->time, record->time));
  g_assert_cmpstr (stored->name, ==, "张三");
  g_assert_cmpstr (stored->id_number_masked, ==, "110105********002X");
  g_assert_cmpstr (stored->id_number_hmac, ==, record->id_number_hmac);
  g_assert_null (stored->id_number_full);
  g_assert_cmpstr (stored->operator_name, ==, "operator");
  g_assert_cmpstr (stored->desk, ==, "desk-1");
  g_assert_cmpstr (stored->biz_id, ==, record->biz_id);
  g_assert_cmpuint (stored->attempt, ==, 1);
  g_assert_true (stored->training);

  result->verify_status = 1;
  result->request_id = g_strdup ("REQ");
  result->verify_token = g_strdup ("TOKEN");
  result->has_score = TRUE;
  result->score = 96.25;
  result->id_card = vd_id_card_info_new ();
  result->id_card->number = g_strdup (NUMBER);
  result->id_card->address = g_strdup ("北京市东城区");
  vd_history_record_set_answer (stored, result, NULL);
  g_assert_true (record_finished (fixture->history, id, stored, &error));
  g_assert_no_error (error);

  finished = get_record (fixture->history, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (finished->state, ==, VD_HISTORY_STATE_FINISHED);
  g_assert_cmpint (vd_history_record_get_outcome (finished), ==, VD_OUTCOME_PASSED);
  g_assert_cmpint (finished->verify_status, ==, 1);
  g_assert_cmpfloat (finished->score, ==, 96.25);
  g_assert_false (finished->has_card_face_score);
  g_assert_cmpstr (finished->request_id, ==, "REQ");
  g_assert_cmpstr (finished->verify_token, ==, "TOKEN");
  g_assert_cmpstr (finished->ocr->number, ==, "110105********002X");
  g_assert_cmpstr (finished->ocr->address, ==, "北京市东城区");
  g_assert_nonnull (finished->finished_time);
  g_assert_cmpstr (finished->name, ==, "张三");
}

static void
test_attempts_count_per_biz_id (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(VdHistoryRecord) first = make_record (fixture->key, "张三", NUMBER);
  g_autoptr(VdHistoryRecord) again = vd_history_record_copy (first);
  g_autoptr(VdHistoryRecord) other = make_record (fixture->key, "李四", NUMBER);
  g_autoptr(GError) error = NULL;
  guint attempt = 0;

  fixture_open (fixture);
  g_free (again->uuid);
  again->uuid = g_uuid_string_random ();

  record_sent (fixture->history, first, &attempt, &error);
  g_assert_cmpuint (attempt, ==, 1);
  record_sent (fixture->history, again, &attempt, &error);
  g_assert_cmpuint (attempt, ==, 2);
  record_sent (fixture->history, other, &attempt, &error);
  g_assert_cmpuint (attempt, ==, 1);
  g_assert_no_error (error);
}

static void
test_finishing_unknown_record_fails (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(VdHistoryRecord) record = make_record (fixture->key, "张三", NUMBER);
  g_autoptr(GError) error = NULL;

  fixture_open (fixture);
  vd_history_record_set_answer (record, NULL, &(GError) { G_IO_ERROR, G_IO_ERROR_FAILED,
                                                          (char *) "x" });
  g_assert_false (record_finished (fixture->history, 999, record, &error));
  g_assert_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_NOT_FOUND);
}

/* --- migrations --- */

/* Version 1 as it shipped, written out here by hand so that the test does not depend on the
 * code it checks. */
static const char v1_schema[] =
  "CREATE TABLE records (id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, "
  "finished_time INTEGER, operator TEXT NOT NULL DEFAULT '', desk TEXT NOT NULL DEFAULT '', "
  "biz_type TEXT NOT NULL DEFAULT '', biz_id TEXT NOT NULL DEFAULT '', "
  "attempt INTEGER NOT NULL DEFAULT 1, name TEXT NOT NULL DEFAULT '', "
  "id_masked TEXT NOT NULL DEFAULT '', id_hmac TEXT NOT NULL DEFAULT '', id_full TEXT, "
  "state TEXT NOT NULL DEFAULT 'sent', outcome TEXT NOT NULL DEFAULT 'unknown', "
  "verify_status INTEGER, score REAL, card_face_score REAL, ocr TEXT, error_code TEXT, "
  "error_message TEXT, request_id TEXT, verify_token TEXT, "
  "training INTEGER NOT NULL DEFAULT 0, pid INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX records_biz_id ON records (biz_id);"
  "CREATE INDEX records_time ON records (time);"
  "CREATE TABLE purge_log (id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, "
  "days INTEGER NOT NULL, cutoff INTEGER NOT NULL, removed INTEGER NOT NULL);"
  "PRAGMA user_version = 1;";

static void
test_migrates_from_version_1 (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *hmac = vd_history_id_number_hmac (fixture->key, NUMBER);
  g_autofree char *insert = NULL;
  g_autoptr(VdHistoryFilter) by_name = vd_history_filter_new ();
  g_autoptr(VdHistoryFilter) by_number = vd_history_filter_new ();
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) named = NULL;
  g_autoptr(GPtrArray) numbered = NULL;
  g_autoptr(VdHistoryRecord) again = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time ();
  sqlite3 *db = NULL;
  guint attempt = 0;

  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, v1_schema, NULL, NULL, NULL), ==, SQLITE_OK);
  insert = g_strdup_printf ("INSERT INTO records (time, biz_type, biz_id, name, id_masked, "
                            "id_hmac, state, outcome, verify_status, score) VALUES "
                            "(%" G_GINT64_FORMAT ", 'RPMinTest', 'task-1', '张三丰', "
                            "'110105********002X', '%s', 'finished', 'passed', 1, 97.0);"
                            "INSERT INTO records (time, biz_type, biz_id, name, state) VALUES "
                            "(%" G_GINT64_FORMAT ", 'RPMinTest', 'task-2', '李四', 'sent');",
                            now - 1000, hmac, now);
  g_assert_cmpint (sqlite3_exec (db, insert, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_cmpint (user_version (fixture->path), ==, 1);

  fixture_open (fixture);

  g_assert_cmpint (user_version (fixture->path), ==, VD_HISTORY_SCHEMA_VERSION);
  /* Version 3: old rows name no desk installation, and were never meant for a server. */
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM records WHERE desk_id = '' "
                                             "AND forwarded = 1"), ==, 2);
  /* The "sent" row has no pid (version 1 files from before pids): its run has ended. */
  g_assert_cmpuint (vd_history_get_n_interrupted (fixture->history), ==, 1);

  all = list (fixture->history, NULL, NULL, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 2);
  {
    VdHistoryRecord *newest = g_ptr_array_index (all, 0);
    VdHistoryRecord *oldest = g_ptr_array_index (all, 1);

    g_assert_cmpstr (newest->name, ==, "李四");
    g_assert_cmpint (newest->state, ==, VD_HISTORY_STATE_INTERRUPTED);
    g_assert_cmpstr (oldest->name, ==, "张三丰");
    g_assert_cmpint (vd_history_record_get_outcome (oldest), ==, VD_OUTCOME_PASSED);
    g_assert_true (g_uuid_string_is_valid (newest->uuid));
    g_assert_true (g_uuid_string_is_valid (oldest->uuid));
    g_assert_cmpstr (newest->uuid, !=, oldest->uuid);
  }

  /* Version 2 indexed the old names and ID numbers. */
  by_name->name = g_strdup ("三丰");
  named = list (fixture->history, by_name, NULL, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (named->len, ==, 1);
  by_number->id_number = g_strdup (NUMBER);
  numbered = list (fixture->history, by_number, NULL, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (numbered->len, ==, 1);

  /* Attempts go on counting the old rows. */
  again = make_record (fixture->key, "张三丰", NUMBER);
  g_free (again->biz_id);
  again->biz_id = g_strdup ("task-1");
  record_sent (fixture->history, again, &attempt, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (attempt, ==, 2);
}

static void
test_desk_identity (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(VdHistoryRecord) record = make_record (fixture->key, "王五", NUMBER);
  g_autoptr(VdHistoryRecord) stored = NULL;
  g_autoptr(VdHistory) reopened = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *desk_id = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *kept_path = g_build_filename (fixture->folder, "desk-id", NULL);
  gint64 id;

  fixture_open (fixture);
  desk_id = g_strdup (vd_history_get_desk_id (fixture->history));
  g_assert_true (g_uuid_string_is_valid (desk_id));
  g_assert_true (g_file_get_contents (kept_path, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, desk_id);

  id = record_sent (fixture->history, record, NULL, &error);
  g_assert_no_error (error);
  stored = get_record (fixture->history, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->desk_id, ==, desk_id);
  g_assert_cmpstr (stored->desk, ==, "desk-1");
  /* Without a server, nothing waits to be forwarded. */
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM records WHERE forwarded = 0"),
                   ==, 0);
  g_assert_cmpuint (vd_history_get_n_waiting (fixture->history), ==, 0);
  g_assert_false (vd_history_get_offline (fixture->history));

  /* Stable: the next run of the same installation has the same identity. */
  g_clear_object (&fixture->history);
  reopened = vd_history_new (fixture->path);
  g_assert_true (history_open (reopened, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (vd_history_get_desk_id (reopened), ==, desk_id);
}

static void
test_migrates_from_empty_file (Fixture       *fixture,
                               gconstpointer  data)
{
  g_assert_true (g_file_set_contents (fixture->path, "", 0, NULL));
  g_assert_cmpint (user_version (fixture->path), ==, 0);

  fixture_open (fixture);

  g_assert_cmpint (user_version (fixture->path), ==, VD_HISTORY_SCHEMA_VERSION);
  g_assert_cmpint (count (fixture->history, NULL), ==, 0);
}

static void
test_refuses_newer_schema (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE future (x); PRAGMA user_version = 99;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_false (history_open (fixture->history, &error));
  g_assert_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "99"));
  /* Never moved aside nor replaced: it is not damaged, only newer. */
  g_assert_cmpint (user_version (fixture->path), ==, 99);
  g_assert_null (vd_history_get_moved_aside_path (fixture->history));
}

/* --- interruption --- */

/* The child records a verification as sent, then dies by SIGKILL before any answer. */
static void
test_killed_before_answer_reads_unknown (void)
{
  Fixture fixture = { 0 };
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  VdHistoryRecord *record;

  if (g_test_subprocess ())
    {
      g_autoptr(VdHistoryRecord) sent = NULL;
      g_autoptr(GBytes) key = test_key ();
      VdHistory *history = vd_history_new (g_getenv ("VD_TEST_HISTORY_PATH"));

      g_assert_true (history_open (history, NULL));
      sent = make_record (key, "王五", NUMBER);
      g_assert_cmpint (record_sent (history, sent, NULL, NULL), >, 0);
      /* The request has left; the process dies before its answer. */
      kill (getpid (), SIGKILL);
      g_assert_not_reached ();
    }

  /* The folder was made in main (), before any thread: the child inherits its name. */
  fixture.folder = g_path_get_dirname (g_getenv ("VD_TEST_HISTORY_PATH"));
  fixture.path = g_strdup (g_getenv ("VD_TEST_HISTORY_PATH"));
  fixture.key = test_key ();
  fixture.history = vd_history_new (fixture.path);
  vd_history_set_id_number_key (fixture.history, fixture.key);
  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_assert_cmpint (query_int (fixture.path, "SELECT count(*) FROM records WHERE state = 'sent'"),
                   ==, 1);

  fixture_open (&fixture);

  g_assert_cmpuint (vd_history_get_n_interrupted (fixture.history), ==, 1);
  g_assert_nonnull (vd_history_get_open_message (fixture.history));
  g_assert_nonnull (strstr (vd_history_get_open_message (fixture.history), "unknown"));
  records = list (fixture.history, NULL, NULL, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 1);
  record = g_ptr_array_index (records, 0);
  g_assert_cmpstr (record->name, ==, "王五");
  g_assert_cmpint (record->state, ==, VD_HISTORY_STATE_INTERRUPTED);
  g_assert_cmpint (vd_history_record_get_outcome (record), ==, VD_OUTCOME_UNKNOWN);

  g_clear_pointer (&records, g_ptr_array_unref);
  fixture_tear_down (&fixture, NULL);
}

static void
test_live_sent_record_not_interrupted (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autoptr(VdHistoryRecord) record = make_record (fixture->key, "赵六", NUMBER);
  g_autoptr(VdHistory) second = vd_history_new (fixture->path);
  g_autoptr(VdHistoryRecord) seen = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  fixture_open (fixture);
  id = record_sent (fixture->history, record, NULL, &error);
  g_assert_no_error (error);

  /* Another window on the same file while this process still waits for the answer. */
  g_assert_true (history_open (second, &error));
  g_assert_cmpuint (vd_history_get_n_interrupted (second), ==, 0);
  seen = get_record (second, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (seen->state, ==, VD_HISTORY_STATE_SENT);
  g_assert_cmpint (vd_history_record_get_outcome (seen), ==, VD_OUTCOME_UNKNOWN);
}

/* --- damage --- */

static void
assert_moved_aside_name (const char *moved,
                         const char *folder)
{
  g_autofree char *dir = g_path_get_dirname (moved);
  g_autofree char *base = g_path_get_basename (moved);

  g_assert_cmpstr (dir, ==, folder);
  g_assert_true (g_regex_match_simple ("^history-[0-9]{8}-[0-9]{6}(-[0-9]+)?\\.corrupt$", base,
                                       0, 0));
}

static void
test_garbage_file_moved_aside (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GString) garbage = g_string_new (NULL);
  g_autoptr(VdHistoryRecord) record = make_record (fixture->key, "张三", NUMBER);
  g_autoptr(GError) error = NULL;
  g_autofree char *moved_contents = NULL;
  const char *moved;
  gsize length = 0;

  for (guint i = 0; i < 512; i++)
    g_string_append (garbage, "this is not a database! ");
  g_assert_true (g_file_set_contents (fixture->path, garbage->str, garbage->len, NULL));

  fixture_open (fixture);

  moved = vd_history_get_moved_aside_path (fixture->history);
  g_assert_nonnull (moved);
  assert_moved_aside_name (moved, fixture->folder);
  g_assert_true (g_file_get_contents (moved, &moved_contents, &length, NULL));
  g_assert_cmpmem (moved_contents, length, garbage->str, garbage->len);
  g_assert_nonnull (strstr (vd_history_get_open_message (fixture->history), moved));

  /* A fresh history in its place, which works. */
  g_assert_cmpint (user_version (fixture->path), ==, VD_HISTORY_SCHEMA_VERSION);
  g_assert_cmpint (record_sent (fixture->history, record, NULL, &error), >, 0);
  g_assert_no_error (error);
}

static void
test_damaged_pages_moved_aside (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GPtrArray) records = new_record_array ();
  g_autoptr(VdHistory) reopened = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  fixture_open (fixture);
  for (guint i = 0; i < 400; i++)
    g_ptr_array_add (records, make_finished (fixture->key, "张三", VD_OUTCOME_PASSED, 1, i));
  g_assert_true (insert_records (fixture->history, records, &error));
  g_clear_object (&fixture->history);

  /* Overwrite the middle of the file (checkpointed at close) with noise. */
  g_assert_true (g_file_get_contents (fixture->path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 16 * 4096);
  memset (contents + 8 * 4096, 0xA5, 4 * 4096);
  g_assert_true (g_file_set_contents (fixture->path, contents, length, NULL));

  reopened = vd_history_new (fixture->path);
  g_assert_true (history_open (reopened, &error));
  g_assert_no_error (error);
  g_assert_nonnull (vd_history_get_moved_aside_path (reopened));
  assert_moved_aside_name (vd_history_get_moved_aside_path (reopened), fixture->folder);
  g_assert_cmpint (count (reopened, NULL), ==, 0);
}

/* --- a full disk --- */

static void
test_full_disk_reported_and_earlier_records_intact (Fixture       *fixture,
                                                    gconstpointer  data)
{
  g_autoptr(VdHistory) reopened = NULL;
  g_autoptr(GPtrArray) kept = NULL;
  g_autoptr(GError) error = NULL;
  guint written = 0;

  vd_history_set_page_limit (fixture->history, 40);
  fixture_open (fixture);

  while (error == NULL && written < 100000)
    {
      g_autoptr(VdHistoryRecord) record = make_record (fixture->key, "欧阳娜娜", NUMBER);

      g_free (record->error_message);
      record->error_message = g_strnfill (300, 'x');
      if (record_sent (fixture->history, record, NULL, &error) > 0)
        written++;
    }

  g_assert_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_FULL);
  g_assert_nonnull (strstr (error->message, "full"));
  g_assert_nonnull (strstr (error->message, "intact"));
  g_assert_cmpuint (written, >, 0);

  /* Reading still works, and nothing written before is lost. */
  g_assert_cmpint (count (fixture->history, NULL), ==, written);
  g_clear_object (&fixture->history);

  reopened = vd_history_new (fixture->path);
  g_assert_true (history_open (reopened, NULL));
  g_assert_null (vd_history_get_moved_aside_path (reopened));
  kept = list (reopened, NULL, NULL, 0, 0, &error);
  g_assert_cmpuint (kept->len, ==, written);
}

/* --- two processes --- */

static int
write_records_in_child (const char *path,
                        guint       n)
{
  g_autoptr(VdHistory) history = vd_history_new (path);
  g_autoptr(GBytes) key = test_key ();
  g_autoptr(GError) error = NULL;

  if (!history_open (history, &error))
    {
      g_printerr ("child: %s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VdHistoryRecord) record = make_record (key, "子进程", NUMBER);

      if (record_sent (history, record, NULL, &error) <= 0)
        {
          g_printerr ("child: %s\n", error->message);
          return 1;
        }
    }
  return 0;
}

static void
test_two_processes_write_at_once (Fixture       *fixture,
                                  gconstpointer  data)
{
  const guint n = 60;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(VdHistoryFilter) from_child = vd_history_filter_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *n_text = g_strdup_printf ("%u", n);
  VdTestWait child_wait = { 0 };

  fixture_open (fixture);
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, self_exe, "--write-records",
                            fixture->path, n_text, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check_async (child, NULL, vd_test_on_done, &child_wait);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VdHistoryRecord) record = make_record (fixture->key, "父进程", NUMBER);

      g_assert_cmpint (record_sent (fixture->history, record, NULL, &error), >, 0);
      g_assert_no_error (error);
    }

  vd_test_wait_for_flag (&child_wait.done, WAIT_MS);
  g_assert_true (g_subprocess_wait_check_finish (child, child_wait.result, &error));
  g_assert_no_error (error);
  g_object_unref (child_wait.result);

  g_assert_cmpint (count (fixture->history, NULL), ==, 2 * n);
  from_child->name = g_strdup ("子进程");
  g_assert_cmpint (count (fixture->history, from_child), ==, n);
}

/* --- search --- */

static void
test_id_number_search_through_hmac (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(VdHistoryRecord) record = make_record (fixture->key, "张三", NUMBER);
  g_autoptr(VdHistoryRecord) other = make_record (fixture->key, "李四", OTHER_NUMBER);
  g_autoptr(VdHistoryFilter) filter = vd_history_filter_new ();
  g_autoptr(VdHistory) keyless = vd_history_new (fixture->path);
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);

  fixture_open (fixture);
  record_sent (fixture->history, record, NULL, &error);
  record_sent (fixture->history, other, NULL, &error);
  g_assert_no_error (error);

  /* Typed with spaces and a lower-case x: the same person. */
  filter->id_number = g_strdup ("110105 19491231 002x");
  found = list (fixture->history, filter, NULL, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((VdHistoryRecord *) g_ptr_array_index (found, 0))->name, ==, "张三");
  g_assert_cmpint (count (fixture->history, filter), ==, 1);

  g_free (filter->id_number);
  filter->id_number = g_strdup ("110101199003070011");
  none = list (fixture->history, filter, NULL, 0, 10, &error);
  g_assert_cmpuint (none->len, ==, 0);

  /* Neither the file nor its log holds a full number; the masked one is there. */
  g_assert_false (file_contains (fixture->path, NUMBER) || file_contains (wal, NUMBER));
  g_assert_false (file_contains (fixture->path, OTHER_NUMBER) ||
                  file_contains (wal, OTHER_NUMBER));
  g_assert_true (file_contains (fixture->path, "110105********002X") ||
                 file_contains (wal, "110105********002X"));

  /* Without the key there is no way to search by number. */
  g_assert_true (history_open (keyless, NULL));
  g_clear_pointer (&found, g_ptr_array_unref);
  found = list (keyless, filter, NULL, 0, 10, &error);
  g_assert_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_NO_KEY);
  g_assert_null (found);
}

static void
test_full_number_kept_only_when_asked (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autoptr(VdVerifyRequest) request = vd_verify_request_new_task (NULL);
  g_autoptr(VdHistoryRecord) record = NULL;
  g_autoptr(VdHistoryRecord) stored = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  fixture_open (fixture);
  request->name = g_strdup ("张三");
  request->id_number = g_strdup (NUMBER);
  record = vd_history_record_new_sent (request, fixture->key, TRUE, FALSE, NULL, NULL);
  id = record_sent (fixture->history, record, NULL, &error);
  stored = get_record (fixture->history, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->id_number_full, ==, NUMBER);
}

static guint
count_named (VdHistory  *history,
             const char *name)
{
  g_autoptr(VdHistoryFilter) filter = vd_history_filter_new ();
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;

  filter->name = g_strdup (name);
  found = list (history, filter, NULL, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count (history, filter), ==, found->len);
  return found->len;
}

static void
test_name_search (Fixture       *fixture,
                  gconstpointer  data)
{
  static const char * const names[] = {
    "张三", "张三丰", "李四", "王小明", "Zoë Smith", "ZOE SMITHERS", "阿卜杜热合曼·买买提",
  };
  g_autoptr(GError) error = NULL;

  fixture_open (fixture);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(VdHistoryRecord) record = make_record (fixture->key, names[i], NUMBER);

      record_sent (fixture->history, record, NULL, &error);
      g_assert_no_error (error);
    }

  g_assert_cmpuint (count_named (fixture->history, "三"), ==, 2);
  g_assert_cmpuint (count_named (fixture->history, "张三"), ==, 2);
  g_assert_cmpuint (count_named (fixture->history, "张三丰"), ==, 1);
  g_assert_cmpuint (count_named (fixture->history, "小明"), ==, 1);
  g_assert_cmpuint (count_named (fixture->history, "王小明"), ==, 1);
  g_assert_cmpuint (count_named (fixture->history, "smith"), ==, 2);
  g_assert_cmpuint (count_named (fixture->history, "SMITHERS"), ==, 1);
  g_assert_cmpuint (count_named (fixture->history, "zoë"), ==, 1);
  g_assert_cmpuint (count_named (fixture->history, "买买提"), ==, 1);
  g_assert_cmpuint (count_named (fixture->history, "赵"), ==, 0);
  g_assert_cmpuint (count_named (fixture->history, "三张"), ==, 0);
  /* An empty name is no criterion. */
  g_assert_cmpuint (count_named (fixture->history, ""), ==, G_N_ELEMENTS (names));
}

/* Pages through everything matching @filter with keyset paging and checks the order. */
static GPtrArray *
page_through (VdHistory             *history,
              const VdHistoryFilter *filter,
              guint                  page_size)
{
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) vd_history_record_free);
  VdHistoryCursor cursor;
  gboolean has_cursor = FALSE;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) page = list (history, filter, has_cursor ? &cursor : NULL, 0,
                                        page_size, &error);

      g_assert_no_error (error);
      if (page->len == 0)
        break;
      g_assert_cmpuint (page->len, <=, page_size);
      cursor = vd_history_cursor_for_record (g_ptr_array_index (page, page->len - 1));
      has_cursor = TRUE;
      for (guint i = 0; i < page->len; i++)
        g_ptr_array_add (all, vd_history_record_copy (g_ptr_array_index (page, i)));
    }

  for (guint i = 1; i < all->len; i++)
    {
      VdHistoryRecord *before = g_ptr_array_index (all, i - 1);
      VdHistoryRecord *after = g_ptr_array_index (all, i);
      int order = g_date_time_compare (before->time, after->time);

      g_assert_true (order > 0 || (order == 0 && before->id > after->id));
    }
  return all;
}

static void
test_keyset_paging (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) records = new_record_array ();
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) wang = NULL;
  g_autoptr(GPtrArray) second_page = NULL;
  g_autoptr(VdHistoryFilter) filter = vd_history_filter_new ();
  g_autoptr(GError) error = NULL;

  fixture_open (fixture);
  for (guint i = 0; i < 130; i++)
    {
      /* Ten records share each second: the id breaks the tie. */
      g_autofree char *name = g_strdup_printf ("%s%u", i % 2 == 0 ? "王" : "李", i);

      g_ptr_array_add (records, make_finished (fixture->key, name, VD_OUTCOME_PASSED, 1,
                                               i / 10));
    }
  g_assert_true (insert_records (fixture->history, records, &error));

  all = page_through (fixture->history, NULL, 50);
  g_assert_cmpuint (all->len, ==, 130);
  filter->name = g_strdup ("王");
  wang = page_through (fixture->history, filter, 20);
  g_assert_cmpuint (wang->len, ==, 65);

  /* An offset jumps to the same rows as the cursor reaches. */
  second_page = list (fixture->history, NULL, NULL, 50, 50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second_page->len, ==, 50);
  for (guint i = 0; i < 50; i++)
    g_assert_cmpint (((VdHistoryRecord *) g_ptr_array_index (second_page, i))->id, ==,
                     ((VdHistoryRecord *) g_ptr_array_index (all, 50 + i))->id);
}

static void
test_filters (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) records = new_record_array ();
  g_autoptr(VdHistoryFilter) filter = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  VdHistoryRecord *record;

  fixture_open (fixture);
  /* 10 days ago: passed at desk-1 by alice; 5 days ago: not passed, training, by bob at
   * desk-2; today: an error and a still-sent one. */
  record = make_finished (fixture->key, "甲", VD_OUTCOME_PASSED, 10, 0);
  g_free (record->operator_name);
  record->operator_name = g_strdup ("alice");
  g_ptr_array_add (records, record);
  record = make_finished (fixture->key, "乙", VD_OUTCOME_NOT_PASSED, 5, 0);
  g_free (record->operator_name);
  record->operator_name = g_strdup ("bob");
  g_free (record->desk);
  record->desk = g_strdup ("desk-2");
  record->training = TRUE;
  g_ptr_array_add (records, record);
  g_ptr_array_add (records, make_finished (fixture->key, "丙", VD_OUTCOME_ERROR, 0, -60));
  record = make_finished (fixture->key, "丁", VD_OUTCOME_PASSED, 0, -30);
  record->state = VD_HISTORY_STATE_SENT;
  g_ptr_array_add (records, record);
  g_assert_true (insert_records (fixture->history, records, &error));
  g_assert_no_error (error);

  filter = vd_history_filter_new ();
  g_assert_cmpint (count (fixture->history, filter), ==, 4);

  filter->has_outcome = TRUE;
  filter->outcome = VD_OUTCOME_PASSED;
  g_assert_cmpint (count (fixture->history, filter), ==, 1);
  filter->outcome = VD_OUTCOME_UNKNOWN;   /* the one still "sent" */
  g_assert_cmpint (count (fixture->history, filter), ==, 1);
  filter->outcome = VD_OUTCOME_ERROR;
  g_assert_cmpint (count (fixture->history, filter), ==, 1);
  filter->has_outcome = FALSE;

  filter->since = g_date_time_add_days (now, -7);
  g_assert_cmpint (count (fixture->history, filter), ==, 3);
  filter->until = g_date_time_add_days (now, -1);
  g_assert_cmpint (count (fixture->history, filter), ==, 1);
  g_clear_pointer (&filter->since, g_date_time_unref);
  g_clear_pointer (&filter->until, g_date_time_unref);

  filter->operator_name = g_strdup ("alice");
  g_assert_cmpint (count (fixture->history, filter), ==, 1);
  g_clear_pointer (&filter->operator_name, g_free);

  filter->desk = g_strdup ("desk-2");
  g_assert_cmpint (count (fixture->history, filter), ==, 1);
  g_clear_pointer (&filter->desk, g_free);

  filter->training = VD_HISTORY_TRAINING_ONLY;
  g_assert_cmpint (count (fixture->history, filter), ==, 1);
  filter->training = VD_HISTORY_TRAINING_EXCLUDE;
  g_assert_cmpint (count (fixture->history, filter), ==, 3);

  /* Criteria combine. */
  filter->name = g_strdup ("丙");
  filter->has_outcome = TRUE;
  filter->outcome = VD_OUTCOME_ERROR;
  g_assert_cmpint (count (fixture->history, filter), ==, 1);
  filter->outcome = VD_OUTCOME_PASSED;
  g_assert_cmpint (count (fixture->history, filter), ==, 0);
}

/* --- CSV --- */

static void
assert_cell (const char *text,
             const char *expected)
{
  g_autofree char *cell = vd_history_csv_cell (text);

  g_assert_cmpstr (cell, ==, expected);
}

static void
test_csv_cells (void)
{
  assert_cell (NULL, "");
  assert_cell ("", "");
  assert_cell ("plain", "plain");
  assert_cell ("张三", "张三");
  assert_cell ("a,b", "\"a,b\"");
  assert_cell ("say \"hi\"", "\"say \"\"hi\"\"\"");
  assert_cell ("line\nbreak", "\"line\nbreak\"");
  assert_cell ("=1+2", "'=1+2");
  assert_cell ("+86 10", "'+86 10");
  assert_cell ("-5", "'-5");
  assert_cell ("@SUM(A1)", "'@SUM(A1)");
  assert_cell ("\tx", "'\tx");
  assert_cell ("\rx", "\"'\rx\"");
  assert_cell ("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  assert_cell ("a=b", "a=b");
}

typedef struct {
  guint    calls;
  guint64  last_written;
  guint64  last_total;
  GCancellable *cancel_after_first;
} ProgressLog;

static void
on_progress (guint64  written,
             guint64  total,
             gpointer user_data)
{
  ProgressLog *log = user_data;

  g_assert_cmpuint (written, >=, log->last_written);
  log->calls++;
  log->last_written = written;
  log->last_total = total;
  if (log->cancel_after_first != NULL && written > 0)
    g_cancellable_cancel (log->cancel_after_first);
}

static gboolean
export (VdHistory              *history,
        const VdHistoryFilter  *filter,
        const char             *path,
        ProgressLog            *log,
        GCancellable           *cancellable,
        guint64                *rows,
        GError                **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  VdTestWait wait = { 0 };
  gboolean ok;

  vd_history_export_async (history, filter, file, log != NULL ? on_progress : NULL, log, NULL,
                           cancellable, vd_test_on_done, &wait);
  ok = vd_history_export_finish (history, wait_for (&wait), rows, error);
  g_object_unref (wait.result);
  return ok;
}

static void
test_csv_export (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) records = new_record_array ();
  g_autofree char *path = g_build_filename (fixture->folder, "export.csv", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  ProgressLog log = { 0 };
  VdHistoryRecord *record;
  guint64 rows = 0;
  gsize length;

  fixture_open (fixture);
  record = make_finished (fixture->key, "=HYPERLINK(\"http://evil\")", VD_OUTCOME_ERROR, 0, -20);
  g_free (record->operator_name);
  record->operator_name = g_strdup ("@admin");
  record->error_message = g_strdup ("line one\nline two, \"quoted\"");
  record->error_code = g_strdup ("-1");
  g_ptr_array_add (records, record);
  record = make_finished (fixture->key, "欧阳娜娜", VD_OUTCOME_PASSED, 0, -10);
  record->has_score = TRUE;
  record->score = 97.5;
  record->has_verify_status = TRUE;
  record->verify_status = 1;
  g_ptr_array_add (records, record);
  g_assert_true (insert_records (fixture->history, records, &error));

  g_assert_true (export (fixture->history, NULL, path, &log, NULL, &rows, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rows, ==, 2);
  g_assert_cmpuint (log.calls, >=, 1);
  g_assert_cmpuint (log.last_written, ==, 2);
  g_assert_cmpuint (log.last_total, ==, 2);

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpmem (contents, 3, "\xEF\xBB\xBF", 3);
  g_assert_true (g_str_has_prefix (contents + 3, "time,operator,desk,biz_type,biz_id,attempt,"
                                                 "name,id_number_masked,"));
  lines = g_strsplit (contents + 3, "\r\n", -1);
  /* The header, two rows (one spans two physical lines inside its quotes), and "" after the
   * last CRLF. */
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_nonnull (strstr (lines[1], ",欧阳娜娜,110105********002X,,finished,passed,1,97.5,"));
  g_assert_nonnull (strstr (lines[2], ",'@admin,"));
  g_assert_nonnull (strstr (lines[2], ",\"'=HYPERLINK(\"\"http://evil\"\")\","));
  g_assert_nonnull (strstr (lines[2], ",'-1,\"line one\nline two, \"\"quoted\"\"\","));
  g_assert_false (file_contains (path, NUMBER));
}

static void
test_csv_export_filtered (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) records = new_record_array ();
  g_autofree char *path = g_build_filename (fixture->folder, "passed.csv", NULL);
  g_autoptr(VdHistoryFilter) filter = vd_history_filter_new ();
  g_autoptr(GError) error = NULL;
  guint64 rows = 0;

  fixture_open (fixture);
  g_ptr_array_add (records, make_finished (fixture->key, "甲", VD_OUTCOME_PASSED, 0, -3));
  g_ptr_array_add (records, make_finished (fixture->key, "乙", VD_OUTCOME_NOT_PASSED, 0, -2));
  g_ptr_array_add (records, make_finished (fixture->key, "丙", VD_OUTCOME_PASSED, 0, -1));
  g_assert_true (insert_records (fixture->history, records, &error));

  filter->has_outcome = TRUE;
  filter->outcome = VD_OUTCOME_PASSED;
  g_assert_true (export (fixture->history, filter, path, NULL, NULL, &rows, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rows, ==, 2);
  g_assert_true (file_contains (path, "甲"));
  g_assert_false (file_contains (path, "乙"));
}

static void
test_csv_export_cancelled_midway (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) records = new_record_array ();
  g_autofree char *path = g_build_filename (fixture->folder, "cancelled.csv", NULL);
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  ProgressLog log = { 0 };

  fixture_open (fixture);
  for (guint i = 0; i < 12000; i++)
    g_ptr_array_add (records, make_finished (fixture->key, "张三", VD_OUTCOME_PASSED, 1, i));
  g_assert_true (insert_records (fixture->history, records, &error));

  log.cancel_after_first = cancellable;
  g_assert_false (export (fixture->history, NULL, path, &log, cancellable, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (log.last_written, >, 0);
  g_assert_cmpuint (log.last_written, <, 12000);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
}

/* --- retention --- */

static void
test_purge_removes_old_records_and_logs (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(GPtrArray) records = new_record_array ();
  g_autoptr(GError) error = NULL;

  fixture_open (fixture);
  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (records, make_finished (fixture->key, "古人", VD_OUTCOME_PASSED, 200, i));
  for (guint i = 0; i < 2; i++)
    g_ptr_array_add (records, make_finished (fixture->key, "旧人", VD_OUTCOME_PASSED, 100, i));
  g_ptr_array_add (records, make_finished (fixture->key, "新人", VD_OUTCOME_PASSED, 0, -1));
  g_assert_true (insert_records (fixture->history, records, &error));

  g_assert_cmpuint (purge (fixture->history, 0), ==, 3);   /* the default, 180 days */
  g_assert_cmpint (count (fixture->history, NULL), ==, 3);
  g_assert_cmpuint (count_named (fixture->history, "古"), ==, 0);
  g_assert_cmpuint (count_named (fixture->history, "旧人"), ==, 2);
  g_assert_cmpuint (purge (fixture->history, 180), ==, 0);
  g_assert_cmpuint (purge (fixture->history, 30), ==, 2);
  g_assert_cmpint (count (fixture->history, NULL), ==, 1);

  /* Each purge is logged, even one that removed nothing; no name pieces are left behind. */
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM purge_log"), ==, 3);
  g_assert_cmpint (query_int (fixture->path, "SELECT removed FROM purge_log WHERE id = 1"),
                   ==, 3);
  g_assert_cmpint (query_int (fixture->path, "SELECT days FROM purge_log WHERE id = 1"),
                   ==, VD_HISTORY_DEFAULT_RETENTION_DAYS);
  g_assert_cmpint (query_int (fixture->path, "SELECT removed FROM purge_log WHERE id = 2"),
                   ==, 0);
  g_assert_cmpint (query_int (fixture->path, "SELECT days FROM purge_log WHERE id = 3"), ==, 30);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM name_grams WHERE record_id "
                                             "NOT IN (SELECT id FROM records)"), ==, 0);
}

/* A purged record is gone from the disk, not only from the queries: its bytes are neither in the
 * database's free space nor in the WAL, while the history is still open (the app keeps it open
 * for weeks). */
static void
test_purge_leaves_no_trace_on_disk (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GPtrArray) records = new_record_array ();
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  VdHistoryRecord *old;

  fixture_open (fixture);
  for (guint i = 0; i < 20; i++)
    {
      old = make_finished (fixture->key, "遗忘者", VD_OUTCOME_PASSED, 200, i);
      g_free (old->request_id);
      old->request_id = g_strdup ("PURGED-REQUEST-0001");
      g_ptr_array_add (records, old);
    }
  g_ptr_array_add (records, make_finished (fixture->key, "新人", VD_OUTCOME_PASSED, 0, -1));
  g_assert_true (insert_records (fixture->history, records, &error));
  g_assert_no_error (error);
  /* The control: before the purge the search finds them. */
  g_assert_true (file_contains (fixture->path, "PURGED-REQUEST-0001") ||
                 file_contains (wal, "PURGED-REQUEST-0001"));

  g_assert_cmpuint (purge (fixture->history, 0), ==, 20);

  g_assert_false (file_contains (fixture->path, "PURGED-REQUEST-0001"));
  g_assert_false (file_contains (wal, "PURGED-REQUEST-0001"));
  g_assert_false (file_contains (fixture->path, "遗忘者"));
  g_assert_false (file_contains (wal, "遗忘者"));
  g_assert_true (file_contains (fixture->path, "新人") || file_contains (wal, "新人"));
}

/* --- the internals the searches rest on --- */

static void
test_name_grams (void)
{
  g_auto(GStrv) grams = vd_history_name_grams ("张三张");
  g_autofree char *key = vd_history_name_key ("ZOË Ｓmith");
  g_autofree char *gram_short = vd_history_query_gram ("三丰");
  g_autofree char *gram_long = vd_history_query_gram ("张三丰");
  const char * const expected[] = { "张", "张三", "三", "三张", NULL };

  g_assert_cmpstrv (grams, expected);
  g_assert_cmpstr (key, ==, "zoë smith");
  g_assert_cmpstr (gram_short, ==, "三丰");
  g_assert_cmpstr (gram_long, ==, "三丰");
}

int
main (int    argc,
      char **argv)
{
  if (argc == 4 && g_str_equal (argv[1], "--write-records"))
    return write_records_in_child (argv[2], (guint) g_ascii_strtoull (argv[3], NULL, 10));

  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  if (g_getenv ("VD_TEST_HISTORY_PATH") == NULL)
    {
      /* A fresh name only: the history makes the folder when it opens, and the test that uses
       * it removes it, so that running other tests alone leaves nothing behind. */
      g_autofree char *folder = g_dir_make_tmp ("vd-history-kill-XXXXXX", NULL);
      g_autofree char *path = g_build_filename (folder, "history.db", NULL);

      g_rmdir (folder);
      g_setenv ("VD_TEST_HISTORY_PATH", path, TRUE);
    }
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/history/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/history/default-folder", test_default_folder);
  ADD ("open/creates-private-file", test_open_creates_private_file);
  ADD ("open/tightens-mode", test_open_tightens_mode_of_existing_file);
  ADD ("open/calls-before-open-fail", test_calls_before_open_fail);
  ADD ("open/calls-after-failed-open-say-why", test_calls_after_failed_open_say_why);
  ADD ("open/hold-queues-until-released", test_hold_queues_until_released);
  ADD ("open/hold-ends-at-its-limit", test_hold_ends_at_its_limit);
  ADD ("record/sent-then-finished", test_sent_then_finished);
  ADD ("record/attempts", test_attempts_count_per_biz_id);
  ADD ("record/finishing-unknown-fails", test_finishing_unknown_record_fails);
  ADD ("migrations/from-version-1", test_migrates_from_version_1);
  ADD ("migrations/from-empty-file", test_migrates_from_empty_file);
  ADD ("desk/identity", test_desk_identity);
  ADD ("migrations/refuses-newer", test_refuses_newer_schema);
  g_test_add_func ("/history/interrupted/killed-before-answer",
                   test_killed_before_answer_reads_unknown);
  ADD ("interrupted/live-process-not-interrupted", test_live_sent_record_not_interrupted);
  ADD ("damage/garbage-file", test_garbage_file_moved_aside);
  ADD ("damage/damaged-pages", test_damaged_pages_moved_aside);
  ADD ("full/reported-and-intact", test_full_disk_reported_and_earlier_records_intact);
  ADD ("processes/two-writers", test_two_processes_write_at_once);
  ADD ("search/id-number-through-hmac", test_id_number_search_through_hmac);
  ADD ("search/full-number-kept-when-asked", test_full_number_kept_only_when_asked);
  ADD ("search/name", test_name_search);
  ADD ("search/keyset-paging", test_keyset_paging);
  ADD ("search/filters", test_filters);
  g_test_add_func ("/history/search/name-grams", test_name_grams);
  g_test_add_func ("/history/csv/cells", test_csv_cells);
  ADD ("csv/export", test_csv_export);
  ADD ("csv/export-filtered", test_csv_export_filtered);
  ADD ("csv/export-cancelled-midway", test_csv_export_cancelled_midway);
  ADD ("retention/purge", test_purge_removes_old_records_and_logs);
  ADD ("retention/purge-leaves-no-trace", test_purge_leaves_no_trace_on_disk);

  return g_test_run ();
}
