/* bench-history: fills a history with synthetic records through the store's own insert path,
 * then times what the history window and the CLI do against it, each beside the same query
 * run straight through SQLite on the same file (the floor the store's worker adds to).
 *
 *   bench-history --rows N [--db PATH]
 *
 * Prints one "name: value unit" line per figure. Medians of several runs. */

#define G_LOG_DOMAIN "bench-history"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "vd-history.h"
#include "vd-history-private.h"
#include "vd-id-number.h"

#define BATCH_ROWS  20000
#define PAGE_SIZE   50
#define RUNS        7
#define SPAN_DAYS   170

static const char * const surnames[] = {
  "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
  "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
  "欧阳", "司马",
};
static const char * const given[] = {
  "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
  "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建国", "建华", "志强", "晓东", "海燕",
  "春梅", "国庆", "子涵", "雨桐", "浩然", "一诺", "梓萱", "宇轩", "思远", "嘉怡", "俊杰", "欣怡",
};
static const char * const operators[] = { "alice", "bob", "carol", "dave", "erin" };

typedef struct {
  GMainLoop    *loop;
  GAsyncResult *result;
} Wait;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static GAsyncResult *
wait_for (Wait *wait)
{
  g_clear_object (&wait->result);
  g_main_loop_run (wait->loop);
  return wait->result;
}

static void
die (const char *what,
     GError     *error)
{
  g_printerr ("bench-history: %s: %s\n", what, error != NULL ? error->message : "failed");
  exit (1);
}

/* A well-formed number for record @i (region 110105, a birth date, a sequence, the check). */
static char *
synthetic_number (guint64 i)
{
  char first17[18];
  char check;

  g_snprintf (first17, sizeof first17, "110105%04u%02u%02u%03u",
              (guint) (1950 + i % 50), (guint) (1 + i % 12), (guint) (1 + i % 28),
              (guint) ((i / 7) % 1000));
  check = vd_id_number_check_character (first17);
  return g_strdup_printf ("%s%c", first17, check);
}

static VdHistoryRecord *
synthetic_record (guint64  i,
                  guint64  rows,
                  GBytes  *key,
                  gint64   start_us)
{
  VdHistoryRecord *record = vd_history_record_new ();
  g_autofree char *number = synthetic_number (i);
  gint64 span_us = (gint64) SPAN_DAYS * 86400 * G_USEC_PER_SEC;
  guint32 r = g_random_int ();

  g_date_time_unref (record->time);
  record->time = g_date_time_new_from_unix_utc ((start_us + span_us / (gint64) rows * (gint64) i) /
                                                G_USEC_PER_SEC);
  record->finished_time = g_date_time_ref (record->time);
  g_free (record->operator_name);
  record->operator_name = g_strdup (operators[r % G_N_ELEMENTS (operators)]);
  g_free (record->desk);
  record->desk = g_strdup_printf ("desk-%u", (guint) (r >> 8) % 4);
  record->biz_type = g_strdup ("RPMinTest");
  record->biz_id = g_uuid_string_random ();
  record->name = g_strdup_printf ("%s%s", surnames[(r >> 4) % G_N_ELEMENTS (surnames)],
                                  given[(r >> 12) % G_N_ELEMENTS (given)]);
  record->id_number_masked = vd_id_number_mask (number);
  record->id_number_hmac = vd_history_id_number_hmac (key, number);
  record->state = VD_HISTORY_STATE_FINISHED;
  record->training = (r >> 20) % 10 == 0;

  switch ((r >> 24) % 10)
    {
    case 0:
      record->outcome = VD_OUTCOME_ERROR;
      record->error_code = g_strdup ("Throttling.User");
      record->error_message = g_strdup ("Request was denied due to user flow control.");
      break;
    case 1:
    case 2:
      record->outcome = VD_OUTCOME_NOT_PASSED;
      record->has_verify_status = TRUE;
      record->verify_status = 2 + (int) (r % 5);
      break;
    default:
      record->outcome = VD_OUTCOME_PASSED;
      record->has_verify_status = TRUE;
      record->verify_status = 1;
      record->has_score = TRUE;
      record->score = 90 + (r % 100) / 10.0;
      record->request_id = g_uuid_string_random ();
      record->verify_token = g_uuid_string_random ();
      break;
    }
  return record;
}

static GPtrArray *
synthetic_batch (guint64  first,
                 guint64  rows,
                 GBytes  *key,
                 gint64   start_us)
{
  GPtrArray *batch = g_ptr_array_new_with_free_func ((GDestroyNotify) vd_history_record_free);

  for (guint64 i = first; i < MIN (rows, first + BATCH_ROWS); i++)
    g_ptr_array_add (batch, synthetic_record (i, rows, key, start_us));
  return batch;
}

/* Inserts in batches; the next batch is made while the worker writes the last one. */
static void
fill (VdHistory *history,
      Wait      *wait,
      guint64    rows,
      GBytes    *key)
{
  gint64 start_us = g_get_real_time () - (gint64) SPAN_DAYS * 86400 * G_USEC_PER_SEC;
  gint64 began = g_get_monotonic_time ();
  g_autoptr(GPtrArray) batch = synthetic_batch (0, rows, key, start_us);
  double seconds;

  for (guint64 done = 0; done < rows; done += BATCH_ROWS)
    {
      g_autoptr(GPtrArray) next = NULL;
      g_autoptr(GError) error = NULL;

      g_clear_object (&wait->result);
      vd_history_insert_records_async (history, batch, NULL, on_done, wait);
      next = synthetic_batch (done + BATCH_ROWS, rows, key, start_us);
      if (wait->result == NULL)
        g_main_loop_run (wait->loop);
      if (!vd_history_insert_records_finish (history, wait->result, &error))
        die ("insert", error);
      g_ptr_array_unref (batch);
      batch = g_steal_pointer (&next);
    }

  seconds = (g_get_monotonic_time () - began) / (double) G_USEC_PER_SEC;
  printf ("rows: %" G_GUINT64_FORMAT " records\n", rows);
  printf ("insert_rate: %.0f records/s\n", rows / MAX (seconds, 1e-6));
  fflush (stdout);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : (x > y ? 1 : 0);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return values[n / 2];
}

/* One page through the store, in milliseconds. */
static double
time_store_list (VdHistory             *history,
                 Wait                  *wait,
                 const VdHistoryFilter *filter,
                 guint                 *n_rows)
{
  double runs[RUNS];

  for (guint run = 0; run < RUNS; run++)
    {
      g_autoptr(GPtrArray) page = NULL;
      g_autoptr(GError) error = NULL;
      gint64 began = g_get_monotonic_time ();

      vd_history_list_async (history, filter, NULL, 0, PAGE_SIZE, NULL, on_done, wait);
      page = vd_history_list_finish (history, wait_for (wait), &error);
      if (page == NULL)
        die ("list", error);
      runs[run] = (g_get_monotonic_time () - began) / 1000.0;
      *n_rows = page->len;
    }

  return median (runs, RUNS);
}

/* The same query straight through SQLite: prepare, bind, step, read every column. */
static double
time_floor_query (sqlite3        *db,
                  VdHistoryQuery *query,
                  guint           n_runs,
                  guint64        *n_rows)
{
  double runs[RUNS];

  for (guint run = 0; run < n_runs; run++)
    {
      sqlite3_stmt *stmt = NULL;
      gint64 began = g_get_monotonic_time ();
      guint64 rows = 0;
      gsize bytes = 0;

      if (sqlite3_prepare_v2 (db, vd_history_query_get_sql (query), -1, &stmt, NULL) != SQLITE_OK)
        {
          g_printerr ("bench-history: %s\n", sqlite3_errmsg (db));
          exit (1);
        }
      vd_history_query_bind (query, stmt);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            {
              const unsigned char *text = sqlite3_column_text (stmt, c);

              bytes += text != NULL ? (gsize) sqlite3_column_bytes (stmt, c) : 0;
            }
          rows++;
        }
      sqlite3_finalize (stmt);
      runs[run] = (g_get_monotonic_time () - began) / 1000.0;
      *n_rows = rows + (bytes == 0 ? 0 : 0);
    }

  return median (runs, n_runs);
}

static void
report_page (const char            *name,
             VdHistory             *history,
             Wait                  *wait,
             sqlite3               *db,
             const VdHistoryFilter *filter,
             GBytes                *key)
{
  g_autofree char *id_hmac = filter != NULL && filter->id_number != NULL
                             ? vd_history_id_number_hmac (key, filter->id_number) : NULL;
  g_autoptr(VdHistoryQuery) query = vd_history_query_new_list (filter, id_hmac, NULL, 0,
                                                               PAGE_SIZE);
  guint n_rows = 0;
  guint64 floor_rows = 0;
  double store_ms = time_store_list (history, wait, filter, &n_rows);
  double floor_ms = time_floor_query (db, query, RUNS, &floor_rows);

  printf ("%s_ms: %.2f ms\n", name, store_ms);
  printf ("floor_%s_ms: %.2f ms\n", name, floor_ms);
  printf ("%s_rows: %u records\n", name, n_rows);
  fflush (stdout);
}

/* What a list model asks first: how many rows there are. */
static void
report_count (const char            *name,
              VdHistory             *history,
              Wait                  *wait,
              const VdHistoryFilter *filter)
{
  double runs[RUNS];
  guint64 n = 0;

  for (guint run = 0; run < RUNS; run++)
    {
      g_autoptr(GError) error = NULL;
      gint64 began = g_get_monotonic_time ();

      vd_history_count_async (history, filter, NULL, on_done, wait);
      if (!vd_history_count_finish (history, wait_for (wait), &n, &error))
        die ("count", error);
      runs[run] = (g_get_monotonic_time () - began) / 1000.0;
    }

  printf ("%s_ms: %.2f ms\n", name, median (runs, RUNS));
  printf ("%s_rows: %" G_GUINT64_FORMAT " records\n", name, n);
  fflush (stdout);
}

static void
report_export (VdHistory  *history,
               Wait       *wait,
               sqlite3    *db,
               const char *folder)
{
  g_autofree char *path = g_build_filename (folder, "bench-export.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(VdHistoryQuery) query = vd_history_query_new_list (NULL, NULL, NULL, 0, 0);
  g_autoptr(GError) error = NULL;
  guint64 rows = 0;
  guint64 floor_rows = 0;
  gint64 began = g_get_monotonic_time ();
  double floor_ms;
  GStatBuf st;

  vd_history_export_async (history, NULL, file, NULL, NULL, NULL, NULL, on_done, wait);
  if (!vd_history_export_finish (history, wait_for (wait), &rows, &error))
    die ("export", error);
  printf ("export_all_s: %.2f s\n", (g_get_monotonic_time () - began) / (double) G_USEC_PER_SEC);
  floor_ms = time_floor_query (db, query, 1, &floor_rows);
  printf ("floor_export_all_s: %.2f s\n", floor_ms / 1000.0);
  printf ("export_rows: %" G_GUINT64_FORMAT " records\n", rows);
  if (g_stat (path, &st) == 0)
    printf ("export_size: %.1f MB\n", st.st_size / 1e6);
  g_unlink (path);
  fflush (stdout);
}

int
main (int    argc,
      char **argv)
{
  gint64 rows = 0;
  g_autofree char *db_path = NULL;
  const GOptionEntry entries[] = {
    { "rows", 0, 0, G_OPTION_ARG_INT64, &rows, "Synthetic records to insert first", "N" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "The database file (default: a new one in "
      "a temporary folder, removed at the end)", "PATH" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(VdHistory) history = NULL;
  g_autoptr(VdHistoryFilter) by_id = vd_history_filter_new ();
  g_autoptr(VdHistoryFilter) by_name = vd_history_filter_new ();
  g_autoptr(VdHistoryFilter) filtered = vd_history_filter_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GBytes) key = NULL;
  g_autofree char *folder = NULL;
  guint8 key_bytes[VD_HISTORY_KEY_LENGTH];
  gboolean temporary = FALSE;
  Wait wait = { loop, NULL };
  gint64 began;
  sqlite3 *db;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("options", error);
  if (rows < 0)
    die ("--rows must be 0 or more", NULL);

  if (db_path == NULL)
    {
      folder = g_dir_make_tmp ("bench-history-XXXXXX", &error);
      if (folder == NULL)
        die ("temporary folder", error);
      db_path = g_build_filename (folder, "history.db", NULL);
      temporary = TRUE;
    }
  else
    {
      folder = g_path_get_dirname (db_path);
    }

  for (guint i = 0; i < sizeof key_bytes; i++)
    key_bytes[i] = (guint8) (i * 31 + 5);
  key = g_bytes_new (key_bytes, sizeof key_bytes);

  history = vd_history_new (db_path);
  vd_history_set_id_number_key (history, key);
  began = g_get_monotonic_time ();
  vd_history_open_async (history, NULL, on_done, &wait);
  if (!vd_history_open_finish (history, wait_for (&wait), &error))
    die ("open", error);
  printf ("open_ms: %.1f ms\n", (g_get_monotonic_time () - began) / 1000.0);
  fflush (stdout);

  if (rows > 0)
    fill (history, &wait, (guint64) rows, key);

  db = vd_history_open_reader (db_path, &error);
  if (db == NULL)
    die ("reader", error);

  report_page ("first_page", history, &wait, db, NULL, key);

  /* Someone from the middle of the history. */
  by_id->id_number = synthetic_number ((guint64) rows / 2 + 3);
  report_page ("id_search", history, &wait, db, by_id, key);

  by_name->name = g_strdup ("建国");
  report_page ("name_search", history, &wait, db, by_name, key);

  filtered->since = g_date_time_add_days (now, -30);
  filtered->has_outcome = TRUE;
  filtered->outcome = VD_OUTCOME_NOT_PASSED;
  filtered->training = VD_HISTORY_TRAINING_EXCLUDE;
  report_page ("filtered_page", history, &wait, db, filtered, key);

  report_count ("count_all", history, &wait, NULL);
  report_count ("count_filtered", history, &wait, filtered);
  report_count ("count_name", history, &wait, by_name);

  report_export (history, &wait, db, folder);
  printf ("window_rss_growth_kb: not measured here (needs the history window)\n");

  sqlite3_close (db);
  g_clear_object (&history);
  g_clear_object (&wait.result);

  if (temporary)
    {
      g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);

      g_unlink (db_path);
      g_unlink (wal);
      g_unlink (shm);
      g_rmdir (folder);
    }
  return 0;
}
