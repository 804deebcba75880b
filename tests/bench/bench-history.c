/* bench-history: fills a history with synthetic records through the store's own insert path,
 * then times what the history window and the CLI do against it, each beside the same query
 * run straight through SQLite on the same file (the floor the store's worker adds to).
 *
 *   bench-history --rows N [--db PATH]
 *   bench-history --backend postgresql --uri URI --rows N
 *
 * With PostgreSQL (a throwaway server: tests/bench/pg-bench-server.sh), the store works on the
 * server at URI (the password from the URI or $PGPASSWORD), and the floor is the same query
 * through libpq on a connection of its own.
 *
 * Prints one "name: value unit" line per figure. Medians of several runs. With a display (run
 * it under xvfb-run) it also opens the history window on the store, scrolls it end to end and
 * reports how much the resident set grew, beside the same window on an empty store. */

#define G_LOG_DOMAIN "bench-history"

#include "config.h"

#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <adwaita.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "vd-desk-journal.h"
#include "vd-history.h"
#include "vd-history-private.h"
#include "vd-history-window.h"
#include "vd-id-number.h"

#define BATCH_ROWS  20000
#define PAGE_SIZE   50
#define RUNS        7
#define SPAN_DAYS   170
/* The window's figure: its size as the tests use it, and how long one scroll step may wait for
 * its page. */
#define WINDOW_WIDTH   1180
#define WINDOW_HEIGHT  720
#define STEP_WAIT_US   (10 * G_USEC_PER_SEC)
/* Steps of one model page, or more at a large store: each step costs the view a few frames. */
#define MAX_STEPS      1000

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

/* Where the floor queries run: the same file through SQLite, or the same server through
 * libpq. */
typedef struct {
  sqlite3 *db;
  PGconn  *pg;
} Floor;

static VdHistoryQuery *
floor_list_query (Floor                 *floor_,
                  const VdHistoryFilter *filter,
                  const char            *id_hmac,
                  guint                  limit)
{
  return vd_history_query_new_list_for (floor_->pg != NULL ? VD_HISTORY_DIALECT_POSTGRESQL
                                                           : VD_HISTORY_DIALECT_SQLITE,
                                        filter, id_hmac, NULL, 0, limit);
}

/* The same query through libpq, one row at a time (as an export reads), every value read. */
static double
time_floor_pg (PGconn         *pg,
               VdHistoryQuery *query,
               guint           n_runs,
               guint64        *n_rows)
{
  double runs[RUNS];

  for (guint run = 0; run < n_runs; run++)
    {
      gint64 began = g_get_monotonic_time ();
      guint64 rows = 0;
      gsize bytes = 0;
      PGresult *result;

      if (!PQsendQueryParams (pg, vd_history_query_get_sql (query),
                              vd_history_query_get_n_values (query), NULL,
                              (const char * const *) vd_history_query_get_texts (query), NULL,
                              NULL, 0) ||
          !PQsetSingleRowMode (pg))
        {
          g_printerr ("bench-history: %s\n", PQerrorMessage (pg));
          exit (1);
        }
      while ((result = PQgetResult (pg)) != NULL)
        {
          if (PQresultStatus (result) == PGRES_SINGLE_TUPLE)
            {
              for (int c = 0; c < PQnfields (result); c++)
                bytes += strlen (PQgetvalue (result, 0, c));
              rows++;
            }
          else if (PQresultStatus (result) != PGRES_TUPLES_OK)
            {
              g_printerr ("bench-history: %s\n", PQresultErrorMessage (result));
              exit (1);
            }
          PQclear (result);
        }
      runs[run] = (g_get_monotonic_time () - began) / 1000.0;
      *n_rows = rows + (bytes == 0 ? 0 : 0);
    }

  return median (runs, n_runs);
}

/* The same query straight through SQLite: prepare, bind, step, read every column. */
static double
time_floor_query (Floor          *floor_,
                  VdHistoryQuery *query,
                  guint           n_runs,
                  guint64        *n_rows)
{
  sqlite3 *db = floor_->db;
  double runs[RUNS];

  if (floor_->pg != NULL)
    return time_floor_pg (floor_->pg, query, n_runs, n_rows);

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
             Floor                 *db,
             const VdHistoryFilter *filter,
             GBytes                *key)
{
  g_autofree char *id_hmac = filter != NULL && filter->id_number != NULL
                             ? vd_history_id_number_hmac (key, filter->id_number) : NULL;
  g_autoptr(VdHistoryQuery) query = floor_list_query (db, filter, id_hmac, PAGE_SIZE);
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
               Floor      *db,
               const char *folder)
{
  g_autofree char *path = g_build_filename (folder, "bench-export.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(VdHistoryQuery) query = floor_list_query (db, NULL, NULL, 0);
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

/* --- the history window --- */

/* The resident set in kB, from /proc/self/statm (its second field, in pages). */
static guint64
rss_kb (void)
{
  g_autofree char *statm = NULL;
  g_auto(GStrv) fields = NULL;
  guint64 pages = 0;

  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL))
    return 0;
  fields = g_strsplit (statm, " ", 3);
  if (g_strv_length (fields) < 2 ||
      !g_ascii_string_to_unsigned (fields[1], 10, 0, G_MAXUINT64, &pages, NULL))
    return 0;
  return pages * (guint64) sysconf (_SC_PAGESIZE) / 1024;
}

/* Runs the main loop until @done (polled) or the deadline; FALSE on the deadline. */
static gboolean
iterate_until (gboolean (*done) (gpointer data),
               gpointer   data,
               gint64     timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      if (!g_main_context_pending (NULL))
        g_usleep (200);
    }
  return TRUE;
}

static void
settle (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
window_is_counted (gpointer data)
{
  VdHistoryWindow *window = data;

  return gtk_widget_get_mapped (GTK_WIDGET (window)) &&
         vd_history_model_get_counted (vd_history_window_get_model (window));
}

typedef struct {
  VdHistoryModel *model;
  GtkAdjustment  *adjustment;
  GtkWidget      *window;
  guint           position;
  guint           frames;        /* painted so far */
  guint           frames_wanted; /* a step is done from this many frames on */
} ScrollWait;

static void
on_after_paint (GdkFrameClock *clock,
                ScrollWait    *wait)
{
  wait->frames++;
  /* A step that does not move the view (the first, at the top) changes nothing to paint:
   * the frames it waits for are asked for, so that it cannot wait forever for them. */
  if (wait->frames < wait->frames_wanted)
    gtk_widget_queue_draw (wait->window);
}

/* The view has drawn the new position (and so asked for its rows), and every page it asked
 * for has arrived. */
static gboolean
step_is_done (gpointer data)
{
  ScrollWait *wait = data;

  return wait->frames >= wait->frames_wanted && !vd_history_model_get_loading (wait->model);
}

static gboolean
is_laid_out (gpointer data)
{
  ScrollWait *wait = data;

  return gtk_adjustment_get_upper (wait->adjustment) >
         gtk_adjustment_get_page_size (wait->adjustment);
}

static gboolean
row_is_loaded (gpointer data)
{
  ScrollWait *wait = data;

  return vd_history_model_peek_record (wait->model, wait->position) != NULL;
}

typedef struct {
  guint64 growth_kb;
  guint64 open_growth_kb;   /* opened, first rows shown, not scrolled yet */
  gint64  sqlite_growth_kb;
  guint   n_steps;
  guint   n_items;
  guint   page_loads;
  guint   peak_pages;
  double  scroll_s;
} WindowFigures;

/* Opens the window on @history (unlocked: every record), scrolls from the first row to the
 * last a model page at a time, waiting at each step for the row at the top, and measures the
 * resident set before opening and after the last row. */
static WindowFigures
measure_window (VdHistory *history)
{
  g_autoptr(VdDeskJournal) journal = vd_desk_journal_new (history, "bench", "desk-0");
  WindowFigures figures = { 0 };
  VdHistoryWindow *window;
  VdHistoryModel *model;
  ScrollWait wait = { 0 };
  GdkFrameClock *clock;
  guint64 before;
  guint64 after;
  sqlite3_int64 sqlite_before;
  gint64 began;
  guint n_items;

  settle (300);
  /* Heap that earlier figures (the export) freed goes back to the system first: reused, it
   * would hide what the window allocates. */
  malloc_trim (0);
  before = rss_kb ();
  sqlite_before = sqlite3_memory_used ();

  window = VD_HISTORY_WINDOW (vd_history_window_new (NULL, journal));
  gtk_window_set_default_size (GTK_WINDOW (window), WINDOW_WIDTH, WINDOW_HEIGHT);
  vd_history_window_set_unlocked (window);
  gtk_window_present (GTK_WINDOW (window));
  if (!iterate_until (window_is_counted, window, 60 * G_USEC_PER_SEC))
    die ("the history window did not count its records in time", NULL);

  model = vd_history_window_get_model (window);
  n_items = g_list_model_get_n_items (G_LIST_MODEL (model));
  wait.model = model;
  wait.window = GTK_WIDGET (window);
  wait.adjustment = gtk_scrolled_window_get_vadjustment (
    GTK_SCROLLED_WINDOW (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                        VD_TYPE_HISTORY_WINDOW, "scroller")));
  settle (300);
  figures.open_growth_kb = rss_kb () - MIN (rss_kb (), before);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &wait);

  began = g_get_monotonic_time ();
  if (n_items > 0)
    {
      double row_height;
      double step;

      if (!iterate_until (is_laid_out, &wait, STEP_WAIT_US) &&
          n_items * 40.0 > WINDOW_HEIGHT)
        die ("the history window did not lay out its list", NULL);
      row_height = gtk_adjustment_get_upper (wait.adjustment) / n_items;
      step = row_height * MAX (vd_history_model_get_page_size (model),
                               (double) n_items / MAX_STEPS);

      for (double value = 0; ; value += step)
        {
          double last = gtk_adjustment_get_upper (wait.adjustment) -
                        gtk_adjustment_get_page_size (wait.adjustment);

          gtk_adjustment_set_value (wait.adjustment, MIN (value, last));
          /* Two frames: the one that lays the rows out, and one with their pages in. */
          wait.frames_wanted = wait.frames + 2;
          gtk_widget_queue_draw (wait.window);
          if (!iterate_until (step_is_done, &wait, STEP_WAIT_US))
            die ("a page of the history window did not arrive in time", NULL);
          figures.n_steps++;
          if (value >= last)
            break;
        }
      wait.position = n_items - 1;
      if (!iterate_until (row_is_loaded, &wait, STEP_WAIT_US))
        die ("the last row of the history window did not arrive in time", NULL);
    }
  figures.scroll_s = (g_get_monotonic_time () - began) / (double) G_USEC_PER_SEC;
  g_signal_handlers_disconnect_by_func (clock, on_after_paint, &wait);

  /* At rest: the app hands freed heap back to the system half a second after the last page
   * it evicted (vd-memory-trim.c), as it would for an operator who stopped scrolling. */
  settle (1000);
  after = rss_kb ();
  figures.growth_kb = after > before ? after - before : 0;
  figures.sqlite_growth_kb = (sqlite3_memory_used () - sqlite_before) / 1024;
  figures.n_items = n_items;
  figures.page_loads = vd_history_model_get_n_page_loads (model);
  figures.peak_pages = vd_history_model_get_peak_loaded_pages (model);

  gtk_window_destroy (GTK_WINDOW (window));
  settle (200);
  return figures;
}

/* Shows a Chinese name once, so that the CJK font and its caches, loaded by the first text
 * of that script in the process, count in neither figure. */
static void
warm_fonts (void)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_child (GTK_WINDOW (window), gtk_label_new ("王建国 欧阳娜娜 110105********0017"));
  gtk_window_present (GTK_WINDOW (window));
  settle (300);
  gtk_window_destroy (GTK_WINDOW (window));
  settle (100);
}

static VdHistory *
open_empty_history (Wait       *wait,
                    const char *folder)
{
  g_autofree char *path = g_build_filename (folder, "empty-history.db", NULL);
  g_autoptr(GError) error = NULL;
  VdHistory *empty = vd_history_new (path);

  vd_history_open_async (empty, NULL, on_done, wait);
  if (!vd_history_open_finish (empty, wait_for (wait), &error))
    die ("open the empty history", error);
  return empty;
}

/* The empty store, and the ID-number key file the window made beside it. */
static void
remove_empty_history (const char *folder)
{
  static const char * const names[] = {
    "empty-history.db", "empty-history.db-wal", "empty-history.db-shm", VD_HISTORY_KEY_FILE_NAME,
    "desk-id",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (folder, names[i], NULL);

      g_unlink (path);
    }
  g_rmdir (folder);
}

/* --- GTK's own share: a bare column view --- */

/* A list of @n_items plain objects, made when asked for: as long as the history, holding
 * nothing. */
#define BENCH_TYPE_PLAIN_LIST (bench_plain_list_get_type ())
G_DECLARE_FINAL_TYPE (BenchPlainList, bench_plain_list, BENCH, PLAIN_LIST, GObject)

struct _BenchPlainList
{
  GObject parent_instance;
  guint   n_items;
};

static GType
bench_plain_list_get_item_type (GListModel *model)
{
  return G_TYPE_OBJECT;
}

static guint
bench_plain_list_get_n_items (GListModel *model)
{
  return BENCH_PLAIN_LIST (model)->n_items;
}

static gpointer
bench_plain_list_get_item (GListModel *model,
                           guint       position)
{
  return position < BENCH_PLAIN_LIST (model)->n_items ? g_object_new (G_TYPE_OBJECT, NULL)
                                                       : NULL;
}

static void
bench_plain_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = bench_plain_list_get_item_type;
  iface->get_n_items = bench_plain_list_get_n_items;
  iface->get_item = bench_plain_list_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (BenchPlainList, bench_plain_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      bench_plain_list_model_init))

static void
bench_plain_list_class_init (BenchPlainListClass *klass)
{
}

static void
bench_plain_list_init (BenchPlainList *self)
{
}

static void
setup_plain_cell (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  user_data)
{
  gtk_list_item_set_child (list_item, gtk_inscription_new ("—"));
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* The growth of a window of the same size holding only a GtkColumnView with the history
 * window's seven columns, each cell a one-character GtkInscription, over @n_items plain
 * objects: what GTK 4.8 itself keeps for a list that long (about 200 rows of eight list-item
 * widgets, whatever the height), with nothing of VerifyDesk in it. */
static guint64
measure_bare_column_view (guint n_items)
{
  g_autoptr(BenchPlainList) list = g_object_new (BENCH_TYPE_PLAIN_LIST, NULL);
  GtkNoSelection *selection;
  GtkWidget *column_view;
  GtkWidget *scroller;
  GtkWidget *window;
  guint64 before;
  guint64 after;

  list->n_items = n_items;
  settle (300);
  malloc_trim (0);
  before = rss_kb ();

  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (list)));
  column_view = gtk_column_view_new (GTK_SELECTION_MODEL (selection));
  for (guint i = 0; i < 7; i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_plain_cell), NULL);
      column = gtk_column_view_column_new ("Column", factory);
      gtk_column_view_column_set_expand (column, TRUE);
      gtk_column_view_append_column (GTK_COLUMN_VIEW (column_view), column);
      g_object_unref (column);
    }
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), column_view);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), WINDOW_WIDTH, WINDOW_HEIGHT);
  gtk_window_set_child (GTK_WINDOW (window), scroller);
  gtk_window_present (GTK_WINDOW (window));
  if (!iterate_until (is_mapped, window, 60 * G_USEC_PER_SEC))
    die ("the bare column view did not show in time", NULL);
  settle (300);
  after = rss_kb ();

  gtk_window_destroy (GTK_WINDOW (window));
  settle (300);
  return after > before ? after - before : 0;
}

/* Run in a process of its own (this program with --bare-column-view N): after the history
 * window, freed heap would be reused and hide what the bare view needs. */
static int
run_bare_column_view (guint n_items)
{
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/verifydesk-bench", TRUE);
  if (!gtk_init_check ())
    die ("no display for the bare column view", NULL);
  adw_init ();
  warm_fonts ();
  /* A one-row view first loads what any column view loads (its style, its icons) without
   * leaving rows' worth of freed heap for the measured one to reuse. */
  measure_bare_column_view (1);
  printf ("%" G_GUINT64_FORMAT "\n", measure_bare_column_view (n_items));
  return 0;
}

static void
print_bare_column_view (guint n_items)
{
  g_autofree char *n = g_strdup_printf ("%u", n_items);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "/proc/self/exe", "--bare-column-view", n, NULL };
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL,
                     &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    die ("the bare column view", error);
  printf ("floor_bare_column_view_growth_kb: %s kB\n", g_strstrip (out));
}

static void
report_window (VdHistory  *history,
               Wait       *wait,
               const char *folder)
{
  g_autoptr(VdHistory) empty = NULL;
  g_autofree char *empty_folder = NULL;
  g_autoptr(GError) error = NULL;
  WindowFigures floor_figures;
  WindowFigures figures;

  /* The renderer the tests use: the GL one adds a shader cache that is not the window's. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  /* No session bus: the window must not touch the keyring of whoever runs the benchmark
   * (without one it takes the ID-number key from the file beside the database). */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/verifydesk-bench", TRUE);
  if (!gtk_init_check ())
    {
      printf ("window_rss_growth_kb: not measured (no display: run under xvfb-run)\n");
      fflush (stdout);
      return;
    }
  adw_init ();

  empty_folder = g_dir_make_tmp ("bench-history-empty-XXXXXX", &error);
  if (empty_folder == NULL)
    die ("temporary folder", error);
  empty = open_empty_history (wait, empty_folder);

  /* Once first, thrown away: the theme, the fonts and the icons are loaded by whichever
   * window opens first, and belong to neither figure — the Chinese font of the names too. */
  warm_fonts ();
  measure_window (empty);
  floor_figures = measure_window (empty);
  figures = measure_window (history);

  printf ("window_rss_growth_kb: %" G_GUINT64_FORMAT " kB\n", figures.growth_kb);
  printf ("floor_window_rss_growth_kb: %" G_GUINT64_FORMAT " kB\n", floor_figures.growth_kb);
  /* The two parts: opening with the first rows shown, and scrolling from there to the end. */
  printf ("window_open_growth_kb: %" G_GUINT64_FORMAT " kB\n", figures.open_growth_kb);
  printf ("window_scroll_growth_kb: %" G_GUINT64_FORMAT " kB\n",
          figures.growth_kb - MIN (figures.growth_kb, figures.open_growth_kb));
  /* How much of the growth is the store's own SQLite page cache (VD_HISTORY_CACHE_KIB at
   * most), which any reader of the whole history fills. */
  printf ("window_sqlite_growth_kb: %" G_GINT64_FORMAT " kB\n", figures.sqlite_growth_kb);
  printf ("window_rows: %u records\n", figures.n_items);
  printf ("window_scroll_steps: %u steps\n", figures.n_steps);
  printf ("window_scroll_s: %.1f s\n", figures.scroll_s);
  printf ("window_page_loads: %u pages\n", figures.page_loads);
  printf ("window_peak_pages_held: %u pages\n", figures.peak_pages);
  print_bare_column_view (figures.n_items);
  fflush (stdout);

  g_clear_object (&empty);
  remove_empty_history (empty_folder);
}

int
main (int    argc,
      char **argv)
{
  gint64 rows = 0;
  int bare_items = -1;
  g_autofree char *db_path = NULL;
  g_autofree char *backend = NULL;
  g_autofree char *uri = NULL;
  const GOptionEntry entries[] = {
    { "rows", 0, 0, G_OPTION_ARG_INT64, &rows, "Synthetic records to insert first", "N" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "The database file (default: a new one in "
      "a temporary folder, removed at the end); with PostgreSQL, the local queue", "PATH" },
    { "backend", 0, 0, G_OPTION_ARG_STRING, &backend, "sqlite (default) or postgresql",
      "NAME" },
    { "uri", 0, 0, G_OPTION_ARG_STRING, &uri, "The PostgreSQL server (with --backend "
      "postgresql); the password from the URI or $PGPASSWORD", "URI" },
    { "bare-column-view", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &bare_items,
      "Measure only a bare column view of N plain items (run by the benchmark itself)", "N" },
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
  gboolean postgresql = FALSE;
  Wait wait = { loop, NULL };
  gint64 began;
  Floor db = { NULL, NULL };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("options", error);
  if (bare_items >= 0)
    return run_bare_column_view ((guint) bare_items);
  if (rows < 0)
    die ("--rows must be 0 or more", NULL);
  if (backend != NULL && !g_str_equal (backend, "sqlite") && !g_str_equal (backend, "postgresql"))
    die ("--backend must be sqlite or postgresql", NULL);
  postgresql = g_strcmp0 (backend, "postgresql") == 0;
  if (postgresql && uri == NULL)
    die ("--backend postgresql needs --uri", NULL);

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
  if (postgresql)
    vd_history_set_server (history, uri, g_getenv ("PGPASSWORD"));
  began = g_get_monotonic_time ();
  vd_history_open_async (history, NULL, on_done, &wait);
  if (!vd_history_open_finish (history, wait_for (&wait), &error))
    die ("open", error);
  printf ("open_ms: %.1f ms\n", (g_get_monotonic_time () - began) / 1000.0);
  fflush (stdout);

  if (rows > 0)
    fill (history, &wait, (guint64) rows, key);

  if (postgresql && vd_history_get_offline (history))
    die ("the server cannot be reached", NULL);
  if (postgresql)
    {
      /* libpq reads $PGPASSWORD itself. */
      db.pg = PQconnectdb (uri);
      if (PQstatus (db.pg) != CONNECTION_OK)
        {
          g_printerr ("bench-history: %s\n", PQerrorMessage (db.pg));
          return 1;
        }
      PQclear (PQexec (db.pg, "ANALYZE"));
    }
  else
    {
      db.db = vd_history_open_reader (db_path, &error);
      if (db.db == NULL)
        die ("reader", error);
    }

  report_page ("first_page", history, &wait, &db, NULL, key);

  /* Someone from the middle of the history. */
  by_id->id_number = synthetic_number ((guint64) rows / 2 + 3);
  report_page ("id_search", history, &wait, &db, by_id, key);

  by_name->name = g_strdup ("建国");
  report_page ("name_search", history, &wait, &db, by_name, key);

  filtered->since = g_date_time_add_days (now, -30);
  filtered->has_outcome = TRUE;
  filtered->outcome = VD_OUTCOME_NOT_PASSED;
  filtered->training = VD_HISTORY_TRAINING_EXCLUDE;
  report_page ("filtered_page", history, &wait, &db, filtered, key);

  report_count ("count_all", history, &wait, NULL);
  report_count ("count_filtered", history, &wait, filtered);
  report_count ("count_name", history, &wait, by_name);

  report_export (history, &wait, &db, folder);
  report_window (history, &wait, folder);

  g_clear_pointer (&db.db, sqlite3_close);
  g_clear_pointer (&db.pg, PQfinish);
  g_clear_object (&history);
  g_clear_object (&wait.result);

  if (temporary)
    {
      g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);

      g_autofree char *key_file = g_build_filename (folder, VD_HISTORY_KEY_FILE_NAME, NULL);
      g_autofree char *desk_id = g_build_filename (folder, "desk-id", NULL);

      g_unlink (db_path);
      g_unlink (wal);
      g_unlink (shm);
      g_unlink (key_file);
      g_unlink (desk_id);
      g_rmdir (folder);
    }
  return 0;
}
