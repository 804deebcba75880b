/* vd-history-csv.c: export of history records as CSV a spreadsheet opens safely
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vd-history"

#include "config.h"

#include <string.h>
#include <time.h>

#include <glib/gi18n-lib.h>

#include "vd-history-private.h"

/* Rows between two progress reports, and bytes gathered before each write. */
#define PROGRESS_EVERY_ROWS 5000
#define WRITE_CHUNK_BYTES   (256 * 1024)

static const char utf8_bom[] = "\xEF\xBB\xBF";

/* The column names are a file format, like JSON keys: not translated. */
static const char * const columns[] = {
  "time", "operator", "desk", "biz_type", "biz_id", "attempt", "name", "id_number_masked",
  "id_number", "state", "outcome", "verify_status", "score", "card_face_score", "error_code",
  "error_message", "request_id", "verify_token", "training", "uuid",
};

/* A spreadsheet runs a cell that begins with one of these as a formula (or, for tab and CR,
 * may shift it into one). */
static gboolean
needs_neutralising (const char *text)
{
  return text[0] != '\0' && strchr ("=+-@\t\r", text[0]) != NULL;
}

static void
append_cell (GString    *out,
             const char *text)
{
  gboolean quote;

  if (text == NULL)
    text = "";

  quote = strpbrk (text, ",\"\r\n") != NULL;
  if (quote)
    g_string_append_c (out, '"');
  if (needs_neutralising (text))
    g_string_append_c (out, '\'');

  /* Most cells need no quoting: copied whole, which a million-row export feels. */
  if (!quote)
    {
      g_string_append (out, text);
      return;
    }

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

char *
vd_history_csv_cell (const char *text)
{
  GString *out = g_string_new (NULL);

  append_cell (out, text);
  return g_string_free (out, FALSE);
}

void
vd_history_csv_append_header (GString *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_cell (out, columns[i]);
    }
  g_string_append (out, "\r\n");
}

/* Local time as "YYYY-MM-DD HH:MM:SS", which spreadsheets read as a date. The zone is looked
 * up once per export, not once per row. */
static void
format_local_time (char       *buffer,
                   gsize       size,
                   GTimeZone  *zone,
                   gint64      usec)
{
  gint64 seconds = usec / G_USEC_PER_SEC;
  int interval = g_time_zone_find_interval (zone, G_TIME_TYPE_UNIVERSAL, seconds);
  time_t local = (time_t) (seconds + (interval >= 0 ? g_time_zone_get_offset (zone, interval)
                                                    : 0));
  struct tm parts;

  if (gmtime_r (&local, &parts) == NULL)
    {
      buffer[0] = '\0';
      return;
    }
  g_snprintf (buffer, size, "%04d-%02d-%02d %02d:%02d:%02d", parts.tm_year + 1900,
              parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec);
}

/* A number column as text: NULL stays empty, 97.5 prints as 97.5 (not 97.500000). */
static const char *
column_number (const VdHistoryRow *row,
               int                 column,
               char               *buffer,
               gsize               size)
{
  if (row->is_null (row, column))
    return NULL;
  return g_ascii_formatd (buffer, size, "%.10g", row->real (row, column));
}

void
vd_history_csv_append_reader (GString            *out,
                              const VdHistoryRow *row,
                              GTimeZone          *zone)
{
  char time[32];
  char attempt[24];
  char status[24];
  char score[G_ASCII_DTOSTR_BUF_SIZE];
  char card_face_score[G_ASCII_DTOSTR_BUF_SIZE];
  const char *state = row->text (row, 13);
  gboolean finished = g_strcmp0 (state, "finished") == 0;
  const char *cells[G_N_ELEMENTS (columns)];

  G_STATIC_ASSERT (G_N_ELEMENTS (columns) == 20);

  format_local_time (time, sizeof time, zone, row->integer (row, 2));
  g_snprintf (attempt, sizeof attempt, "%" G_GINT64_FORMAT, row->integer (row, 8));
  if (!row->is_null (row, 15))
    g_snprintf (status, sizeof status, "%d", (int) row->integer (row, 15));

  cells[0] = time;
  cells[1] = row->text (row, 4);     /* operator */
  cells[2] = row->text (row, 5);     /* desk */
  cells[3] = row->text (row, 6);     /* biz_type */
  cells[4] = row->text (row, 7);     /* biz_id */
  cells[5] = attempt;
  cells[6] = row->text (row, 9);     /* name */
  cells[7] = row->text (row, 10);    /* id_masked */
  cells[8] = row->text (row, 12);    /* id_full, only when kept */
  cells[9] = state;
  cells[10] = finished ? row->text (row, 14) : vd_outcome_to_string (VD_OUTCOME_UNKNOWN);
  cells[11] = !row->is_null (row, 15) ? status : NULL;
  cells[12] = column_number (row, 16, score, sizeof score);
  cells[13] = column_number (row, 17, card_face_score, sizeof card_face_score);
  cells[14] = row->text (row, 19);   /* error_code */
  cells[15] = row->text (row, 20);   /* error_message */
  cells[16] = row->text (row, 21);   /* request_id */
  cells[17] = row->text (row, 22);   /* verify_token */
  cells[18] = row->integer (row, 23) != 0 ? "true" : "false";
  cells[19] = row->text (row, 1);    /* uuid */

  for (guint i = 0; i < G_N_ELEMENTS (cells); i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_cell (out, cells[i]);
    }
  g_string_append (out, "\r\n");
}

void
vd_history_csv_append_row (GString      *out,
                           sqlite3_stmt *stmt,
                           GTimeZone    *zone)
{
  VdHistoryRow row;

  vd_history_row_init_sqlite (&row, stmt);
  vd_history_csv_append_reader (out, &row, zone);
}

/* --- the export thread --- */

void
vd_history_export_free (VdHistoryExport *export)
{
  g_free (export->path);
  g_clear_pointer (&export->filter, vd_history_filter_free);
  g_free (export->id_hmac);
  g_clear_object (&export->file);
  if (export->progress_data_free != NULL)
    export->progress_data_free (export->progress_data);
  g_main_context_unref (export->context);
  g_free (export->server_uri);
  vd_history_forget_secret (&export->server_password);
  g_free (export);
}

typedef struct {
  GTask   *task;   /* keeps the export (its task data) alive until reported */
  guint64  written;
  guint64  total;
} Progress;

static gboolean
report_progress (gpointer user_data)
{
  Progress *progress = user_data;
  VdHistoryExport *export = g_task_get_task_data (progress->task);

  export->progress (progress->written, progress->total, export->progress_data);
  g_object_unref (progress->task);
  g_free (progress);
  return G_SOURCE_REMOVE;
}

static void
send_progress (GTask   *task,
               guint64  written,
               guint64  total)
{
  VdHistoryExport *export = g_task_get_task_data (task);
  Progress *progress;

  if (export->progress == NULL)
    return;

  progress = g_new0 (Progress, 1);
  progress->task = g_object_ref (task);
  progress->written = written;
  progress->total = total;
  g_main_context_invoke_full (export->context, G_PRIORITY_DEFAULT, report_progress, progress,
                              NULL);
}

static gboolean
write_chunk (GOutputStream  *stream,
             GString        *chunk,
             GCancellable   *cancellable,
             GError        **error)
{
  gboolean ok = g_output_stream_write_all (stream, chunk->str, chunk->len, NULL, cancellable,
                                           error);

  g_string_truncate (chunk, 0);
  return ok;
}

static gboolean
sqlite_count (VdHistoryExportSource  *source,
              VdHistoryExport        *export,
              guint64                *total,
              GError                **error)
{
  sqlite3 *db = source->data;
  g_autoptr(VdHistoryQuery) query = vd_history_query_new_count (export->filter, export->id_hmac);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, vd_history_query_get_sql (query), -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = vd_history_query_bind (query, stmt);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *total = (guint64) sqlite3_column_int64 (stmt, 0);
  else
    g_propagate_error (error, vd_history_sqlite_error (db, rc, _("counting records to export")));
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW;
}

static gboolean
sqlite_each_row (VdHistoryExportSource  *source,
                 VdHistoryExport        *export,
                 VdHistoryRowFunc        func,
                 gpointer                user_data,
                 GError                **error)
{
  sqlite3 *db = source->data;
  g_autoptr(VdHistoryQuery) query = NULL;
  sqlite3_stmt *stmt = NULL;
  VdHistoryRow row;
  gboolean ok = TRUE;
  int rc;

  query = vd_history_query_new_list (export->filter, export->id_hmac, NULL, 0, 0);
  rc = sqlite3_prepare_v2 (db, vd_history_query_get_sql (query), -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = vd_history_query_bind (query, stmt);

  vd_history_row_init_sqlite (&row, stmt);
  while (ok && rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      rc = SQLITE_OK;
      ok = func (&row, user_data, error);
    }

  if (ok && rc != SQLITE_DONE)
    {
      g_propagate_error (error, vd_history_sqlite_error (db, rc, _("reading records to export")));
      ok = FALSE;
    }
  sqlite3_finalize (stmt);
  return ok;
}

typedef struct {
  GTask         *task;
  GOutputStream *stream;
  GString       *chunk;
  GTimeZone     *zone;
  guint64        total;
  guint64       *written;
  GCancellable  *cancellable;
} RowWriter;

static gboolean
write_one_row (const VdHistoryRow  *row,
               gpointer             user_data,
               GError             **error)
{
  RowWriter *writer = user_data;
  gboolean ok = TRUE;

  vd_history_csv_append_reader (writer->chunk, row, writer->zone);
  *writer->written += 1;

  if (writer->chunk->len >= WRITE_CHUNK_BYTES)
    ok = write_chunk (writer->stream, writer->chunk, writer->cancellable, error);
  if (ok && *writer->written % PROGRESS_EVERY_ROWS == 0)
    {
      ok = !g_cancellable_set_error_if_cancelled (writer->cancellable, error);
      send_progress (writer->task, *writer->written, writer->total);
    }
  return ok;
}

/* Writes the rows to @stream; *@written counts them. */
static gboolean
write_rows (VdHistoryExportSource  *source,
            GTask                  *task,
            GOutputStream          *stream,
            guint64                 total,
            guint64                *written,
            GCancellable           *cancellable,
            GError                **error)
{
  VdHistoryExport *export = g_task_get_task_data (task);
  g_autoptr(GString) chunk = g_string_sized_new (WRITE_CHUNK_BYTES + 4096);
  g_autoptr(GTimeZone) zone = g_time_zone_new_local ();
  RowWriter writer = { task, stream, chunk, zone, total, written, cancellable };

  g_string_append (chunk, utf8_bom);
  vd_history_csv_append_header (chunk);

  return source->each_row (source, export, write_one_row, &writer, error) &&
         write_chunk (stream, chunk, cancellable, error);
}

/* Writes to FILE.part and renames it over FILE only when complete, so that a failed or
 * cancelled export never leaves half a file under the name the user chose. */
gboolean
vd_history_export_write (VdHistoryExportSource  *source,
                         GTask                  *task,
                         guint64                *written,
                         GCancellable           *cancellable,
                         GError                **error)
{
  VdHistoryExport *export = g_task_get_task_data (task);
  g_autofree char *target_path = g_file_get_path (export->file);
  g_autofree char *part_path = NULL;
  g_autoptr(GFile) part = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  guint64 total = 0;
  gboolean ok;

  if (target_path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("Export writes to a local file only: choose a folder on this "
                             "computer."));
      return FALSE;
    }

  if (!source->count (source, export, &total, error))
    return FALSE;

  part_path = g_strconcat (target_path, ".part", NULL);
  part = g_file_new_for_path (part_path);
  stream = g_file_replace (part, NULL, FALSE, G_FILE_CREATE_PRIVATE, cancellable, error);
  if (stream == NULL)
    return FALSE;

  send_progress (task, 0, total);
  ok = write_rows (source, task, G_OUTPUT_STREAM (stream), total, written, cancellable, error);
  if (ok)
    ok = g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, error);
  else
    g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, NULL);

  if (ok)
    ok = g_file_move (part, export->file, G_FILE_COPY_OVERWRITE, cancellable, NULL, NULL, error);
  if (!ok)
    {
      g_file_delete (part, NULL, NULL);
      return FALSE;
    }

  send_progress (task, *written, total);
  return TRUE;
}

static gboolean
export_local (GTask         *task,
              guint64       *written,
              GCancellable  *cancellable,
              GError       **error)
{
  VdHistoryExport *export = g_task_get_task_data (task);
  VdHistoryExportSource source = { sqlite_count, sqlite_each_row, NULL };
  sqlite3 *db;
  gboolean ok;

  db = vd_history_open_reader (export->path, error);
  if (db == NULL)
    return FALSE;

  /* One read transaction: the count and the rows see the same records. */
  source.data = db;
  sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
  ok = vd_history_export_write (&source, task, written, cancellable, error);
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (db);
  return ok;
}

void
vd_history_export_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  VdHistoryExport *export = task_data;
  GError *error = NULL;
  guint64 written = 0;
  gboolean unreachable = FALSE;
  gboolean ok;

  /* From the server when there is one; while it is out of reach, what this desk holds. */
  if (export->server_uri != NULL)
    {
      ok = vd_history_pg_export (task, &written, &unreachable, cancellable, &error);
      if (!ok && unreachable)
        {
          g_clear_error (&error);
          written = 0;
          ok = export_local (task, &written, cancellable, &error);
        }
    }
  else
    {
      ok = export_local (task, &written, cancellable, &error);
    }

  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_memdup2 (&written, sizeof written), g_free);
}
