/* test-history-pg.c: the history on a real PostgreSQL server, shared by several desks, with
 * the desk's own file as its queue while the server is away
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "vd-history.h"
#include "vd-history-private.h"
#include "vd-pg-test-util.h"
#include "vd-test-util.h"

#define PASSWORD   "Pg-t3st-s3cret-7781"
#define KEY_BYTES  "0123456789abcdef0123456789abcdef"
#define WAIT_MS    60000
#define RETRY_MS   200

static VdPgServer *server;
static GString *log_text;  /* every message logged while the tests ran */

/* --- waiting --- */

static GAsyncResult *
wait_for (VdTestWait *wait)
{
  vd_test_wait_for_flag (&wait->done, WAIT_MS);
  return wait->result;
}

/* --- a desk --- */

typedef struct {
  char      *folder;
  VdHistory *history;
  char      *database;
} Desk;

static char *
new_database (void)
{
  static guint counter;
  char *name = g_strdup_printf ("vd_test_%u", ++counter);

  vd_pg_server_create_database (server, name);
  return name;
}

static Desk *
desk_new (const char *database,
          const char *password)
{
  Desk *desk = g_new0 (Desk, 1);
  g_autofree char *path = NULL;
  g_autofree char *uri = vd_pg_server_uri (server, database);
  g_autoptr(GBytes) key = g_bytes_new_static (KEY_BYTES, VD_HISTORY_KEY_LENGTH);

  /* Inside the server's folder, so that a failed test leaves nothing behind either. */
  desk->folder = g_build_filename (vd_pg_server_get_folder (server), "desk-XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp_full (desk->folder, 0700));
  desk->database = g_strdup (database);
  path = g_build_filename (desk->folder, VD_HISTORY_FILE_NAME, NULL);
  desk->history = vd_history_new (path);
  vd_history_set_id_number_key (desk->history, key);
  vd_history_set_server (desk->history, uri, password);
  vd_history_set_server_retry_interval (desk->history, RETRY_MS);
  return desk;
}

static gboolean
desk_open (Desk    *desk,
           GError **error)
{
  VdTestWait wait = { 0 };
  gboolean ok;

  vd_history_open_async (desk->history, NULL, vd_test_on_done, &wait);
  ok = vd_history_open_finish (desk->history, wait_for (&wait), error);
  g_object_unref (wait.result);
  return ok;
}

static void
on_history_finalized (gpointer  user_data,
                      GObject  *where_the_object_was)
{
  g_atomic_int_set ((gint *) user_data, TRUE);
}

/* An export's thread may hold the history a moment after its answer came back, and then drop
 * it in that thread, where the main loop cannot see it: polled, within a time limit. */
static void
desk_free (Desk *desk)
{
  gint finalized = FALSE;
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;

  g_object_weak_ref (G_OBJECT (desk->history), on_history_finalized, &finalized);
  g_object_unref (desk->history);
  while (!g_atomic_int_get (&finalized))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5 * 1000);
    }
  vd_test_remove_folder (desk->folder);
  g_free (desk->folder);
  g_free (desk->database);
  g_free (desk);
}

static VdHistoryRecord *
make_record (const char *desk_name,
             const char *name,
             guint       n)
{
  VdHistoryRecord *record = vd_history_record_new ();

  g_free (record->desk);
  record->desk = g_strdup (desk_name);
  g_free (record->operator_name);
  record->operator_name = g_strdup ("alice");
  record->biz_type = g_strdup ("test");
  record->biz_id = g_strdup_printf ("%s-%u", desk_name, n);
  record->name = g_strdup (name);
  record->id_number_masked = g_strdup ("1101**********0011");
  record->id_number_hmac = g_strdup_printf ("%064u", n);
  return record;
}

static gint64
record_sent (Desk            *desk,
             VdHistoryRecord *record)
{
  VdTestWait wait = { 0 };
  g_autoptr(GError) error = NULL;
  gint64 id;

  vd_history_record_sent_async (desk->history, record, NULL, vd_test_on_done, &wait);
  id = vd_history_record_sent_finish (desk->history, wait_for (&wait), NULL, &error);
  g_assert_no_error (error);
  g_object_unref (wait.result);
  record->id = id;
  return id;
}

static void
record_finished (Desk            *desk,
                 VdHistoryRecord *record)
{
  VdTestWait wait = { 0 };
  g_autoptr(GError) error = NULL;

  record->state = VD_HISTORY_STATE_FINISHED;
  record->outcome = VD_OUTCOME_PASSED;
  record->finished_time = g_date_time_new_now_utc ();
  record->request_id = g_strdup_printf ("req-%s", record->uuid);
  vd_history_record_finished_async (desk->history, record->id, record, NULL, vd_test_on_done,
                                    &wait);
  vd_history_record_finished_finish (desk->history, wait_for (&wait), &error);
  g_assert_no_error (error);
  g_object_unref (wait.result);
}

static guint64
count (Desk                  *desk,
       const VdHistoryFilter *filter)
{
  VdTestWait wait = { 0 };
  g_autoptr(GError) error = NULL;
  guint64 n = 0;

  vd_history_count_async (desk->history, filter, NULL, vd_test_on_done, &wait);
  vd_history_count_finish (desk->history, wait_for (&wait), &n, &error);
  g_assert_no_error (error);
  g_object_unref (wait.result);
  return n;
}

static GPtrArray *
list (Desk                  *desk,
      const VdHistoryFilter *filter)
{
  VdTestWait wait = { 0 };
  g_autoptr(GError) error = NULL;
  GPtrArray *records;

  vd_history_list_async (desk->history, filter, NULL, 0, 0, NULL, vd_test_on_done, &wait);
  records = vd_history_list_finish (desk->history, wait_for (&wait), &error);
  g_assert_no_error (error);
  g_object_unref (wait.result);
  return records;
}

static char *
query (const char *database,
       const char *sql)
{
  return vd_pg_server_query (server, database, sql);
}

/* --- connection parameters --- */

static void
test_verify_full_for_remote_hosts (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *remote = NULL;
  g_autofree char *loopback = NULL;
  g_autofree char *chosen = NULL;
  g_autofree char *several = NULL;

  remote = vd_history_server_uri_display ("postgresql://desk:" PASSWORD "@db.example.com/vd",
                                          &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (remote, "host=db.example.com"));
  g_assert_nonnull (strstr (remote, "sslmode=verify-full"));
  g_assert_null (strstr (remote, PASSWORD));

  loopback = vd_history_server_uri_display ("postgresql://desk@127.0.0.1:5432/vd", &error);
  g_assert_no_error (error);
  g_assert_null (strstr (loopback, "sslmode"));

  chosen = vd_history_server_uri_display ("postgresql://desk@db.example.com/vd?sslmode=require",
                                          &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (chosen, "sslmode=require"));
  g_assert_null (strstr (chosen, "verify-full"));

  /* One remote host among loopback ones is enough to need TLS. */
  several = vd_history_server_uri_display ("postgresql://desk@localhost,db2.example.com/vd",
                                           &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (several, "sslmode=verify-full"));
}

static void
test_uri_split_keeps_password_out (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *without = NULL;
  g_autofree char *password = NULL;
  g_autofree char *display = NULL;

  g_assert_true (vd_history_server_uri_split ("postgresql://desk:" PASSWORD "@db.example.com:"
                                              "5433/vd", &without, &password, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, PASSWORD);
  g_assert_null (strstr (without, PASSWORD));
  g_assert_nonnull (strstr (without, "host=db.example.com"));
  g_assert_nonnull (strstr (without, "port=5433"));
  g_assert_nonnull (strstr (without, "user=desk"));

  /* What is kept in settings reads back to the same server, without a password. */
  display = vd_history_server_uri_display (without, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (display, "dbname=vd"));

  g_clear_pointer (&without, g_free);
  g_clear_pointer (&password, g_free);
  g_assert_true (vd_history_server_uri_split ("", &without, &password, &error));
  g_assert_cmpstr (without, ==, "");
  g_assert_null (password);

  g_clear_pointer (&without, g_free);
  g_assert_false (vd_history_server_uri_split ("postgresql://desk:" PASSWORD "@[bad",
                                               &without, &password, &error));
  g_assert_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_OPEN);
  g_assert_null (strstr (error->message, PASSWORD));
}

/* --- migrations --- */

static void
test_migrates_empty_server (void)
{
  g_autofree char *database = new_database ();
  Desk *desk = desk_new (database, PASSWORD);
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;
  g_autofree char *tables = NULL;

  g_assert_true (desk_open (desk, &error));
  g_assert_no_error (error);
  g_assert_false (vd_history_get_offline (desk->history));

  version = query (database, "SELECT version FROM schema_version");
  g_assert_cmpstr (version, ==, G_STRINGIFY (VD_HISTORY_SCHEMA_VERSION));
  tables = query (database, "SELECT string_agg (table_name, ',' ORDER BY table_name) FROM "
                            "information_schema.tables WHERE table_schema = 'public'");
  g_assert_cmpstr (tables, ==, "name_grams,purge_log,records,schema_version");

  /* A second desk opening the same server finds it up to date and changes nothing. */
  {
    Desk *second = desk_new (database, PASSWORD);

    g_assert_true (desk_open (second, &error));
    g_assert_no_error (error);
    g_free (version);
    version = query (database, "SELECT string_agg (version::text, ',') FROM schema_version");
    g_assert_cmpstr (version, ==, G_STRINGIFY (VD_HISTORY_SCHEMA_VERSION));
    desk_free (second);
  }

  desk_free (desk);
}

static void
test_migrates_server_from_version_1 (void)
{
  g_autofree char *database = new_database ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VdHistoryFilter) filter = vd_history_filter_new ();
  g_autofree char *version = NULL;
  g_autofree char *uuid = NULL;
  Desk *desk;

  /* The server as VerifyDesk's schema version 1 left it, with one record. */
  g_free (query (database,
                 "CREATE TABLE schema_version (version INTEGER NOT NULL);"
                 "INSERT INTO schema_version VALUES (1);"
                 "CREATE TABLE records (id BIGSERIAL PRIMARY KEY, time BIGINT NOT NULL, "
                 "finished_time BIGINT, operator TEXT NOT NULL DEFAULT '', desk TEXT NOT NULL "
                 "DEFAULT '', biz_type TEXT NOT NULL DEFAULT '', biz_id TEXT NOT NULL DEFAULT "
                 "'', attempt INTEGER NOT NULL DEFAULT 1, name TEXT NOT NULL DEFAULT '', "
                 "id_masked TEXT NOT NULL DEFAULT '', id_hmac TEXT NOT NULL DEFAULT '', "
                 "id_full TEXT, state TEXT NOT NULL DEFAULT 'sent', outcome TEXT NOT NULL "
                 "DEFAULT 'unknown', verify_status INTEGER, score DOUBLE PRECISION, "
                 "card_face_score DOUBLE PRECISION, ocr TEXT, error_code TEXT, error_message "
                 "TEXT, request_id TEXT, verify_token TEXT, training INTEGER NOT NULL DEFAULT 0, "
                 "pid BIGINT NOT NULL DEFAULT 0);"
                 "CREATE INDEX records_biz_id ON records (biz_id);"
                 "CREATE INDEX records_time ON records (time, id);"
                 "CREATE TABLE purge_log (id BIGSERIAL PRIMARY KEY, time BIGINT NOT NULL, days "
                 "INTEGER NOT NULL, cutoff BIGINT NOT NULL, removed BIGINT NOT NULL);"
                 "INSERT INTO records (time, desk, biz_id, name, state, outcome) VALUES "
                 "(1700000000000000, 'old-desk', 'B1', '欧阳娜娜', 'finished', 'pass');"));

  desk = desk_new (database, PASSWORD);
  g_assert_true (desk_open (desk, &error));
  g_assert_no_error (error);

  version = query (database, "SELECT version FROM schema_version");
  g_assert_cmpstr (version, ==, G_STRINGIFY (VD_HISTORY_SCHEMA_VERSION));
  uuid = query (database, "SELECT uuid FROM records");
  g_assert_true (g_uuid_string_is_valid (uuid));

  /* Its name was cut into pieces: a search finds it by part of it. */
  filter->name = g_strdup ("娜娜");
  g_assert_cmpuint (count (desk, filter), ==, 1);
  g_free (filter->name);
  filter->name = g_strdup ("欧阳");
  g_assert_cmpuint (count (desk, filter), ==, 1);

  desk_free (desk);
}

static void
test_refuses_newer_server (void)
{
  g_autofree char *database = new_database ();
  g_autoptr(GError) error = NULL;
  Desk *desk;

  g_free (query (database, "CREATE TABLE schema_version (version INTEGER NOT NULL);"
                           "INSERT INTO schema_version VALUES (99);"));
  desk = desk_new (database, PASSWORD);
  g_assert_false (desk_open (desk, &error));
  g_assert_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_TOO_NEW);
  desk_free (desk);
}

/* --- many desks --- */

static void
test_two_desks_write_at_once (void)
{
  g_autofree char *database = new_database ();
  Desk *east = desk_new (database, PASSWORD);
  Desk *west = desk_new (database, PASSWORD);
  g_autoptr(GError) error = NULL;
  g_autoptr(VdHistoryFilter) filter = vd_history_filter_new ();
  g_autoptr(GPtrArray) found = NULL;
  g_autofree char *desk_ids = NULL;
  g_autofree char *duplicates = NULL;
  VdTestWait waits[80] = { { 0 } };
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (
                                   (GDestroyNotify) vd_history_record_free);

  g_assert_true (desk_open (east, &error));
  g_assert_true (desk_open (west, &error));
  g_assert_cmpstr (vd_history_get_desk_id (east->history), !=,
                   vd_history_get_desk_id (west->history));

  /* Both desks' workers write at the same time: every call is queued before any completes. */
  for (guint i = 0; i < G_N_ELEMENTS (waits); i++)
    {
      Desk *desk = i % 2 == 0 ? east : west;
      VdHistoryRecord *record = make_record (i % 2 == 0 ? "east" : "west",
                                             i % 4 < 2 ? "张伟" : "李娜", i);

      g_ptr_array_add (records, record);
      vd_history_record_sent_async (desk->history, record, NULL, vd_test_on_done, &waits[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (waits); i++)
    {
      Desk *desk = i % 2 == 0 ? east : west;

      vd_history_record_sent_finish (desk->history, wait_for (&waits[i]), NULL, &error);
      g_assert_no_error (error);
      g_object_unref (waits[i].result);
    }

  g_assert_cmpuint (count (east, NULL), ==, 80);
  g_assert_cmpuint (count (west, NULL), ==, 80);
  filter->desk = g_strdup ("east");
  g_assert_cmpuint (count (west, filter), ==, 40);
  found = list (west, filter);
  g_assert_cmpuint (found->len, ==, 40);
  for (guint i = 0; i < found->len; i++)
    {
      VdHistoryRecord *record = g_ptr_array_index (found, i);

      g_assert_cmpstr (record->desk, ==, "east");
      g_assert_cmpstr (record->desk_id, ==, vd_history_get_desk_id (east->history));
    }

  /* A name search across desks. */
  g_clear_pointer (&filter->desk, g_free);
  filter->name = g_strdup ("娜");
  g_assert_cmpuint (count (east, filter), ==, 40);

  desk_ids = query (database, "SELECT count (DISTINCT desk_id) FROM records");
  g_assert_cmpstr (desk_ids, ==, "2");
  duplicates = query (database, "SELECT count (*) - count (DISTINCT uuid) FROM records");
  g_assert_cmpstr (duplicates, ==, "0");

  desk_free (east);
  desk_free (west);
}

static guint
count_lines (const char *path)
{
  g_autofree char *contents = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  for (const char *p = contents; *p != '\0'; p++)
    n += *p == '\n';
  return n;
}

static void
test_export_across_desks (void)
{
  g_autofree char *database = new_database ();
  Desk *east = desk_new (database, PASSWORD);
  Desk *west = desk_new (database, PASSWORD);
  g_autoptr(GError) error = NULL;
  g_autoptr(VdHistoryFilter) filter = vd_history_filter_new ();
  g_autofree char *path = g_build_filename (east->folder, "export.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *contents = NULL;
  VdTestWait wait = { 0 };
  guint64 rows = 0;

  g_assert_true (desk_open (east, &error));
  g_assert_true (desk_open (west, &error));
  for (guint i = 0; i < 6; i++)
    {
      g_autoptr(VdHistoryRecord) record = make_record (i < 4 ? "east" : "west", "王芳", i);

      record_sent (i < 4 ? east : west, record);
    }

  vd_history_export_async (west->history, NULL, file, NULL, NULL, NULL, NULL, vd_test_on_done,
                           &wait);
  g_assert_true (vd_history_export_finish (west->history, wait_for (&wait), &rows, &error));
  g_assert_no_error (error);
  g_clear_object (&wait.result);
  g_assert_cmpuint (rows, ==, 6);
  g_assert_cmpuint (count_lines (path), ==, 7);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, ",east,"));
  g_assert_nonnull (strstr (contents, ",west,"));

  wait.done = FALSE;
  filter->desk = g_strdup ("west");
  vd_history_export_async (east->history, filter, file, NULL, NULL, NULL, NULL, vd_test_on_done,
                           &wait);
  g_assert_true (vd_history_export_finish (east->history, wait_for (&wait), &rows, &error));
  g_assert_no_error (error);
  g_clear_object (&wait.result);
  g_assert_cmpuint (rows, ==, 2);

  desk_free (east);
  desk_free (west);
}

/* --- paging, as the history window's model does it --- */

static GPtrArray *
list_page (Desk                  *desk,
           const VdHistoryCursor *cursor,
           guint                  offset,
           guint                  limit)
{
  VdTestWait wait = { 0 };
  g_autoptr(GError) error = NULL;
  GPtrArray *records;

  vd_history_list_async (desk->history, NULL, cursor, offset, limit, NULL, vd_test_on_done, &wait);
  records = vd_history_list_finish (desk->history, wait_for (&wait), &error);
  g_assert_no_error (error);
  g_object_unref (wait.result);
  return records;
}

static void
test_keyset_paging (void)
{
  g_autofree char *database = new_database ();
  Desk *desk = desk_new (database, PASSWORD);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (
                                 (GDestroyNotify) vd_history_record_free);
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GPtrArray) third = NULL;
  g_autoptr(GPtrArray) first = NULL;
  VdHistoryCursor cursor;
  VdTestWait wait = { 0 };

  g_assert_true (desk_open (desk, &error));
  /* 120 records, two at each second, so that the id breaks ties in time. */
  for (guint i = 0; i < 120; i++)
    {
      VdHistoryRecord *record = make_record ("east", "周杰", i);

      g_date_time_unref (record->time);
      record->time = g_date_time_new_from_unix_utc (1700000000 + i / 2);
      g_ptr_array_add (batch, record);
    }
  vd_history_insert_records_async (desk->history, batch, NULL, vd_test_on_done, &wait);
  g_assert_true (vd_history_insert_records_finish (desk->history, wait_for (&wait), &error));
  g_assert_no_error (error);
  g_clear_object (&wait.result);

  all = list_page (desk, NULL, 0, 0);
  g_assert_cmpuint (all->len, ==, 120);
  first = list_page (desk, NULL, 0, 50);
  g_assert_cmpuint (first->len, ==, 50);
  cursor = vd_history_cursor_for_record (g_ptr_array_index (first, 49));
  second = list_page (desk, &cursor, 0, 50);
  third = list_page (desk, &cursor, 50, 50);
  g_assert_cmpuint (second->len, ==, 50);
  g_assert_cmpuint (third->len, ==, 20);
  for (guint i = 0; i < 50; i++)
    {
      VdHistoryRecord *expected = g_ptr_array_index (all, 50 + i);

      g_assert_cmpint (((VdHistoryRecord *) g_ptr_array_index (second, i))->id, ==,
                       expected->id);
    }
  for (guint i = 0; i < 20; i++)
    g_assert_cmpint (((VdHistoryRecord *) g_ptr_array_index (third, i))->id, ==,
                     ((VdHistoryRecord *) g_ptr_array_index (all, 100 + i))->id);

  desk_free (desk);
}

/* --- offline --- */

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  gboolean *flag = user_data;

  if (vd_history_get_n_waiting (VD_HISTORY (object)) == 0 &&
      !vd_history_get_offline (VD_HISTORY (object)))
    *flag = TRUE;
}

static void
test_server_stopped_and_restarted (void)
{
  g_autofree char *database = new_database ();
  Desk *desk = desk_new (database, PASSWORD);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (
                                (GDestroyNotify) vd_history_record_free);
  g_autoptr(GPtrArray) local = NULL;
  g_autofree char *total = NULL;
  g_autofree char *duplicates = NULL;
  g_autofree char *unfinished = NULL;
  g_autofree char *order = NULL;
  g_autofree char *expected_order = NULL;
  g_autoptr(GString) expected = g_string_new (NULL);
  gboolean forwarded = FALSE;
  gulong handler;

  g_assert_true (desk_open (desk, &error));
  g_assert_no_error (error);

  /* Five records reach the server; four of them are answered there. */
  for (guint i = 0; i < 5; i++)
    {
      VdHistoryRecord *record = make_record ("east", "赵敏", i);

      record_sent (desk, record);
      if (i < 4)
        record_finished (desk, record);
      g_ptr_array_add (sent, record);
    }
  g_assert_cmpuint (vd_history_get_n_waiting (desk->history), ==, 0);

  vd_pg_server_stop (server);

  /* The fifth is answered while the server is away: its completion waits. */
  record_finished (desk, g_ptr_array_index (sent, 4));
  g_assert_true (vd_history_get_offline (desk->history));
  g_assert_cmpuint (vd_history_get_n_waiting (desk->history), ==, 1);

  /* Five more are sent while it is away; three of them are answered meanwhile. */
  for (guint i = 5; i < 10; i++)
    {
      VdHistoryRecord *record = make_record ("east", "赵敏", i);

      record_sent (desk, record);
      if (i < 8)
        record_finished (desk, record);
      g_ptr_array_add (sent, record);
    }
  g_assert_cmpuint (vd_history_get_n_waiting (desk->history), ==, 6);

  /* A search while it is away covers what this desk holds. */
  local = list (desk, NULL);
  g_assert_true (vd_history_get_offline (desk->history));
  g_assert_cmpuint (local->len, ==, 6);
  /* An export too: from what this desk holds, rather than failing. */
  {
    g_autofree char *path = g_build_filename (desk->folder, "offline.csv", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    VdTestWait wait = { 0 };
    guint64 rows = 0;

    vd_history_export_async (desk->history, NULL, file, NULL, NULL, NULL, NULL, vd_test_on_done,
                             &wait);
    g_assert_true (vd_history_export_finish (desk->history, wait_for (&wait), &rows, &error));
    g_assert_no_error (error);
    g_clear_object (&wait.result);
    g_assert_cmpuint (rows, ==, 6);
  }

  vd_pg_server_restart (server);

  /* The worker forwards on its own, without another call. */
  handler = g_signal_connect (desk->history, "notify", G_CALLBACK (on_notify),
                              &forwarded);
  vd_test_wait_for_flag (&forwarded, WAIT_MS);
  g_signal_handler_disconnect (desk->history, handler);

  total = query (database, "SELECT count (*) FROM records");
  g_assert_cmpstr (total, ==, "10");
  duplicates = query (database, "SELECT count (*) - count (DISTINCT uuid) FROM records");
  g_assert_cmpstr (duplicates, ==, "0");
  unfinished = query (database, "SELECT string_agg (biz_id, ',' ORDER BY biz_id) FROM records "
                                "WHERE state <> 'finished'");
  g_assert_cmpstr (unfinished, ==, "east-8,east-9");

  /* In order: the server's ids follow the order in which the desk sent them. */
  order = query (database, "SELECT string_agg (biz_id, ',' ORDER BY id) FROM records");
  for (guint i = 0; i < 10; i++)
    g_string_append_printf (expected, "%seast-%u", i > 0 ? "," : "", i);
  g_assert_cmpstr (order, ==, expected->str);
  g_free (total);
  total = query (database, "SELECT count (*) FROM records WHERE request_id = 'req-' || uuid");
  g_assert_cmpstr (total, ==, "8");

  /* A later completion of a forwarded record goes to the server, and nothing is sent twice. */
  record_finished (desk, g_ptr_array_index (sent, 9));
  g_free (total);
  total = query (database, "SELECT count (*) FROM records WHERE state = 'finished'");
  g_assert_cmpstr (total, ==, "9");
  g_free (total);
  total = query (database, "SELECT count (*) FROM records");
  g_assert_cmpstr (total, ==, "10");

  desk_free (desk);
}

/* --- the password --- */

static void
test_wrong_password_never_shown (void)
{
  g_autofree char *database = new_database ();
  Desk *desk = desk_new (database, "Wr0ng-pa55word-991");
  g_autoptr(GError) error = NULL;
  g_autoptr(VdHistoryRecord) record = make_record ("east", "孙丽", 1);

  /* Refused by the server: the desk keeps working from its own file and says so. */
  g_assert_true (desk_open (desk, &error));
  g_assert_no_error (error);
  g_assert_true (vd_history_get_offline (desk->history));
  record_sent (desk, record);
  g_assert_cmpuint (vd_history_get_n_waiting (desk->history), ==, 1);

  g_assert_nonnull (strstr (log_text->str, "password authentication failed"));
  g_assert_null (strstr (log_text->str, "Wr0ng-pa55word-991"));
  desk_free (desk);
}

static void
test_password_in_uri_never_shown (void)
{
  g_autofree char *database = new_database ();
  g_autofree char *uri = vd_pg_server_uri (server, database);
  g_autofree char *with_password = NULL;
  g_autoptr(GError) error = NULL;
  Desk *desk;

  /* The password given inside the URI is used, and appears nowhere. */
  with_password = g_strdup_printf ("postgresql://verifydesk:%s@%s", PASSWORD,
                                   uri + strlen ("postgresql://verifydesk@"));
  desk = desk_new (database, NULL);
  vd_history_set_server (desk->history, with_password, NULL);
  g_assert_true (desk_open (desk, &error));
  g_assert_no_error (error);
  g_assert_false (vd_history_get_offline (desk->history));
  desk_free (desk);

  g_assert_null (strstr (log_text->str, PASSWORD));
}

static GLogWriterOutput
capture_log (GLogLevelFlags   level,
             const GLogField *fields,
             gsize            n_fields,
             gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
        {
          g_string_append (log_text, fields[i].value);
          g_string_append_c (log_text, '\n');
        }
    }
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    return g_log_writer_default (level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  log_text = g_string_new (NULL);
  g_log_set_writer_func (capture_log, NULL, NULL);

  g_test_add_func ("/history-pg/uri/verify-full-for-remote-hosts",
                   test_verify_full_for_remote_hosts);
  g_test_add_func ("/history-pg/uri/split-keeps-password-out", test_uri_split_keeps_password_out);
  g_test_add_func ("/history-pg/migrations/empty-server", test_migrates_empty_server);
  g_test_add_func ("/history-pg/migrations/from-version-1", test_migrates_server_from_version_1);
  g_test_add_func ("/history-pg/migrations/refuses-newer", test_refuses_newer_server);
  g_test_add_func ("/history-pg/desks/two-write-at-once", test_two_desks_write_at_once);
  g_test_add_func ("/history-pg/desks/export-across", test_export_across_desks);
  g_test_add_func ("/history-pg/desks/keyset-paging", test_keyset_paging);
  g_test_add_func ("/history-pg/offline/stopped-and-restarted",
                   test_server_stopped_and_restarted);
  g_test_add_func ("/history-pg/password/wrong-never-shown", test_wrong_password_never_shown);
  g_test_add_func ("/history-pg/password/in-uri-never-shown", test_password_in_uri_never_shown);

  server = vd_pg_server_start (PASSWORD);
  status = g_test_run ();
  vd_pg_server_free (server);

  /* Whatever ran, no message ever held a password. */
  g_assert_null (strstr (log_text->str, PASSWORD));
  g_string_free (log_text, TRUE);
  return status;
}
