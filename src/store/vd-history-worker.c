/* vd-history-worker.c: the thread that owns the history's database connection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vd-history"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "vd-history-private.h"

struct _VdHistoryWorker
{
  char        *path;
  GThread     *thread;
  GAsyncQueue *queue;
  guint64      next_serial;
  guint        page_limit;

  /* Touched only by the thread. */
  sqlite3     *db;
  GHashTable  *statements;  /* SQL text → sqlite3_stmt, prepared once */
  GError      *open_error;  /* why the last open failed: every later call says so */
};

/* --- errors --- */

GError *
vd_history_sqlite_error (sqlite3    *db,
                         int         rc,
                         const char *what)
{
  const char *detail = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      return g_error_new (VD_HISTORY_ERROR, VD_HISTORY_ERROR_FULL,
                          _("The disk is full (or the history reached its size limit) while "
                            "%s. Free some disk space and try again; the records already kept "
                            "are intact."), what);
    case SQLITE_READONLY:
      return g_error_new (VD_HISTORY_ERROR, VD_HISTORY_ERROR_READ_ONLY,
                          _("The history cannot be written while %s: the file or its disk is "
                            "read-only (%s). Check the permissions of the history file and its "
                            "folder."), what, detail);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return g_error_new (VD_HISTORY_ERROR, VD_HISTORY_ERROR_BUSY,
                          _("Another program kept the history locked for too long while %s. "
                            "Try again in a moment."), what);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return g_error_new (VD_HISTORY_ERROR, VD_HISTORY_ERROR_CORRUPT,
                          _("The history file is damaged (%s) while %s. Restart VerifyDesk: it "
                            "moves a damaged file aside and starts a new one."), detail, what);
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      return g_error_new (VD_HISTORY_ERROR, VD_HISTORY_ERROR_OPEN,
                          _("The history file cannot be opened while %s (%s). Check that its "
                            "folder exists and can be written."), what, detail);
    case SQLITE_IOERR:
      return g_error_new (VD_HISTORY_ERROR, VD_HISTORY_ERROR_FAILED,
                          _("The disk failed while %s (%s). Check the disk and free space; the "
                            "records already kept are intact."), what, detail);
    default:
      return g_error_new (VD_HISTORY_ERROR, VD_HISTORY_ERROR_FAILED,
                          _("The history failed while %s: %s."), what, detail);
    }
}

static gboolean
is_corruption (int rc)
{
  return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;
}

/* --- times --- */

static gint64
time_to_usec (GDateTime *time)
{
  return g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);
}

static GDateTime *
time_from_usec (gint64 usec)
{
  g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  if (seconds == NULL)
    return g_date_time_new_from_unix_utc (0);
  return g_date_time_add (seconds, usec % G_USEC_PER_SEC);
}

VdHistoryCursor
vd_history_cursor_for_record (const VdHistoryRecord *record)
{
  VdHistoryCursor cursor = { 0, 0 };

  g_return_val_if_fail (record != NULL, cursor);

  cursor.time_us = record->time != NULL ? time_to_usec (record->time) : 0;
  cursor.id = record->id;
  return cursor;
}

/* --- OCR as JSON --- */

static const struct {
  const char *key;
  gsize       offset;
} ocr_fields[] = {
  { "name", G_STRUCT_OFFSET (VdIdCardInfo, name) },
  { "number", G_STRUCT_OFFSET (VdIdCardInfo, number) },
  { "sex", G_STRUCT_OFFSET (VdIdCardInfo, sex) },
  { "nationality", G_STRUCT_OFFSET (VdIdCardInfo, nationality) },
  { "birth", G_STRUCT_OFFSET (VdIdCardInfo, birth) },
  { "address", G_STRUCT_OFFSET (VdIdCardInfo, address) },
  { "authority", G_STRUCT_OFFSET (VdIdCardInfo, authority) },
  { "start_date", G_STRUCT_OFFSET (VdIdCardInfo, start_date) },
  { "end_date", G_STRUCT_OFFSET (VdIdCardInfo, end_date) },
  { "front_image_url", G_STRUCT_OFFSET (VdIdCardInfo, front_image_url) },
  { "back_image_url", G_STRUCT_OFFSET (VdIdCardInfo, back_image_url) },
};

#define OCR_FIELD(info, i) (G_STRUCT_MEMBER (char *, (info), ocr_fields[i].offset))

char *
vd_history_ocr_to_json (const VdIdCardInfo *info)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (info == NULL)
    return NULL;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (ocr_fields); i++)
    {
      const char *value = OCR_FIELD (info, i);

      if (value == NULL)
        continue;
      json_builder_set_member_name (builder, ocr_fields[i].key);
      json_builder_add_string_value (builder, value);
    }
  json_builder_set_member_name (builder, "no_expiry");
  json_builder_add_boolean_value (builder, info->no_expiry);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

VdIdCardInfo *
vd_history_ocr_from_json (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(VdIdCardInfo) info = NULL;
  JsonObject *object;

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;

  object = json_node_get_object (json_parser_get_root (parser));
  info = vd_id_card_info_new ();
  for (guint i = 0; i < G_N_ELEMENTS (ocr_fields); i++)
    {
      JsonNode *node = json_object_get_member (object, ocr_fields[i].key);

      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_STRING)
        OCR_FIELD (info, i) = g_strdup (json_node_get_string (node));
    }
  info->no_expiry = json_object_get_boolean_member_with_default (object, "no_expiry", FALSE);
  return g_steal_pointer (&info);
}

/* --- rows --- */

static char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

VdHistoryRecord *
vd_history_record_from_row (sqlite3_stmt *stmt)
{
  VdHistoryRecord *record = g_new0 (VdHistoryRecord, 1);
  g_autofree char *ocr = NULL;
  const char *state = (const char *) sqlite3_column_text (stmt, 13);
  const char *outcome = (const char *) sqlite3_column_text (stmt, 14);

  record->id = sqlite3_column_int64 (stmt, 0);
  record->uuid = column_text (stmt, 1);
  record->time = time_from_usec (sqlite3_column_int64 (stmt, 2));
  if (sqlite3_column_type (stmt, 3) != SQLITE_NULL)
    record->finished_time = time_from_usec (sqlite3_column_int64 (stmt, 3));
  record->operator_name = column_text (stmt, 4);
  record->desk = column_text (stmt, 5);
  record->biz_type = column_text (stmt, 6);
  record->biz_id = column_text (stmt, 7);
  record->attempt = (guint) MAX (sqlite3_column_int64 (stmt, 8), 0);
  record->name = column_text (stmt, 9);
  record->id_number_masked = column_text (stmt, 10);
  record->id_number_hmac = column_text (stmt, 11);
  record->id_number_full = column_text (stmt, 12);
  if (!vd_history_state_from_string (state, &record->state))
    record->state = VD_HISTORY_STATE_INTERRUPTED;
  if (!vd_outcome_from_string (outcome, &record->outcome))
    record->outcome = VD_OUTCOME_UNKNOWN;
  record->has_verify_status = sqlite3_column_type (stmt, 15) != SQLITE_NULL;
  record->verify_status = sqlite3_column_int (stmt, 15);
  record->has_score = sqlite3_column_type (stmt, 16) != SQLITE_NULL;
  record->score = sqlite3_column_double (stmt, 16);
  record->has_card_face_score = sqlite3_column_type (stmt, 17) != SQLITE_NULL;
  record->card_face_score = sqlite3_column_double (stmt, 17);
  ocr = column_text (stmt, 18);
  record->ocr = vd_history_ocr_from_json (ocr);
  record->error_code = column_text (stmt, 19);
  record->error_message = column_text (stmt, 20);
  record->request_id = column_text (stmt, 21);
  record->verify_token = column_text (stmt, 22);
  record->training = sqlite3_column_int (stmt, 23) != 0;

  /* Older rows may lack what newer code always writes. */
  if (record->uuid == NULL)
    record->uuid = g_strdup ("");
  if (record->operator_name == NULL)
    record->operator_name = g_strdup ("");
  if (record->desk == NULL)
    record->desk = g_strdup ("");
  return record;
}

/* --- queries built from a filter --- */

typedef struct {
  gboolean  is_text;
  gint64    number;
  char     *text;
} QueryValue;

struct _VdHistoryQuery
{
  GString *sql;
  GArray  *values;
};

static void
query_value_clear (QueryValue *value)
{
  g_free (value->text);
}

static VdHistoryQuery *
query_new (void)
{
  VdHistoryQuery *query = g_new0 (VdHistoryQuery, 1);

  query->sql = g_string_new (NULL);
  query->values = g_array_new (FALSE, TRUE, sizeof (QueryValue));
  g_array_set_clear_func (query->values, (GDestroyNotify) query_value_clear);
  return query;
}

void
vd_history_query_free (VdHistoryQuery *query)
{
  if (query == NULL)
    return;

  g_string_free (query->sql, TRUE);
  g_array_unref (query->values);
  g_free (query);
}

const char *
vd_history_query_get_sql (VdHistoryQuery *query)
{
  return query->sql->str;
}

/* Appends "?N" for a new value. */
static void
query_add_number (VdHistoryQuery *query,
                  gint64          number)
{
  QueryValue value = { FALSE, number, NULL };

  g_array_append_val (query->values, value);
  g_string_append_printf (query->sql, "?%u", query->values->len);
}

static void
query_add_text (VdHistoryQuery *query,
                const char     *text)
{
  QueryValue value = { TRUE, 0, g_strdup (text) };

  g_array_append_val (query->values, value);
  g_string_append_printf (query->sql, "?%u", query->values->len);
}

int
vd_history_query_bind (VdHistoryQuery *query,
                       sqlite3_stmt   *stmt)
{
  for (guint i = 0; i < query->values->len; i++)
    {
      const QueryValue *value = &g_array_index (query->values, QueryValue, i);
      int rc;

      if (value->is_text)
        rc = sqlite3_bind_text (stmt, i + 1, value->text, -1, SQLITE_TRANSIENT);
      else
        rc = sqlite3_bind_int64 (stmt, i + 1, value->number);
      if (rc != SQLITE_OK)
        return rc;
    }

  return SQLITE_OK;
}

/* How a query reaches its rows: through the name pieces, or through the records' indexes. */
typedef struct {
  char       *name_key;   /* the folded name searched for, or NULL */
  char       *gram;       /* the piece looked up, or NULL: no name search through the pieces */
  const char *time_column;
  const char *id_column;
} QueryPlan;

static void
query_plan_clear (QueryPlan *plan)
{
  g_free (plan->name_key);
  g_free (plan->gram);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (QueryPlan, query_plan_clear)

static void
plan_query (QueryPlan             *plan,
            const VdHistoryFilter *filter,
            const char            *id_hmac)
{
  plan->time_column = "r.time";
  plan->id_column = "r.id";

  if (filter != NULL && filter->name != NULL)
    {
      plan->name_key = vd_history_name_key (filter->name);
      if (*plan->name_key == '\0')
        g_clear_pointer (&plan->name_key, g_free);
    }

  /* An ID number is the most selective criterion: then the name is only checked. */
  if (plan->name_key != NULL && id_hmac == NULL)
    {
      plan->gram = vd_history_query_gram (plan->name_key);
      plan->time_column = "g.time";
      plan->id_column = "g.record_id";
    }
}

static void
append_from (VdHistoryQuery  *query,
             const QueryPlan *plan)
{
  if (plan->gram != NULL)
    g_string_append (query->sql,
                     " FROM name_grams AS g CROSS JOIN records AS r ON r.id = g.record_id");
  else
    g_string_append (query->sql, " FROM records AS r");
}

static void
append_where (VdHistoryQuery        *query,
              const QueryPlan       *plan,
              const VdHistoryFilter *filter,
              const char            *id_hmac,
              const VdHistoryCursor *cursor)
{
  g_string_append (query->sql, " WHERE 1");

  if (plan->gram != NULL)
    {
      g_string_append (query->sql, " AND g.gram = ");
      query_add_text (query, plan->gram);
    }
  if (plan->name_key != NULL)
    {
      g_string_append (query->sql, " AND instr (r.name_key, ");
      query_add_text (query, plan->name_key);
      g_string_append (query->sql, ") > 0");
    }
  if (id_hmac != NULL)
    {
      g_string_append (query->sql, " AND r.id_hmac = ");
      query_add_text (query, id_hmac);
    }

  if (filter != NULL)
    {
      if (filter->since != NULL)
        {
          g_string_append_printf (query->sql, " AND %s >= ", plan->time_column);
          query_add_number (query, time_to_usec (filter->since));
        }
      if (filter->until != NULL)
        {
          g_string_append_printf (query->sql, " AND %s < ", plan->time_column);
          query_add_number (query, time_to_usec (filter->until));
        }
      if (filter->has_outcome)
        {
          g_string_append (query->sql, " AND r.outcome = ");
          query_add_text (query, vd_outcome_to_string (filter->outcome));
        }
      if (filter->operator_name != NULL)
        {
          g_string_append (query->sql, " AND r.operator = ");
          query_add_text (query, filter->operator_name);
        }
      if (filter->desk != NULL)
        {
          g_string_append (query->sql, " AND r.desk = ");
          query_add_text (query, filter->desk);
        }
      if (filter->training == VD_HISTORY_TRAINING_ONLY)
        g_string_append (query->sql, " AND r.training = 1");
      else if (filter->training == VD_HISTORY_TRAINING_EXCLUDE)
        g_string_append (query->sql, " AND r.training = 0");
    }

  /* Keyset paging: strictly after the cursor in (time, id) descending order. The first
   * comparison alone is what lets SQLite start inside the index. */
  if (cursor != NULL)
    {
      g_string_append_printf (query->sql, " AND %s <= ", plan->time_column);
      query_add_number (query, cursor->time_us);
      g_string_append_printf (query->sql, " AND (%s < ", plan->time_column);
      query_add_number (query, cursor->time_us);
      g_string_append_printf (query->sql, " OR %s < ", plan->id_column);
      query_add_number (query, cursor->id);
      g_string_append (query->sql, ")");
    }
}

VdHistoryQuery *
vd_history_query_new_list (const VdHistoryFilter *filter,
                           const char            *id_hmac,
                           const VdHistoryCursor *cursor,
                           guint                  offset,
                           guint                  limit)
{
  VdHistoryQuery *query = query_new ();
  g_auto(QueryPlan) plan = { NULL, };

  plan_query (&plan, filter, id_hmac);

  g_string_append (query->sql, "SELECT " VD_HISTORY_RECORD_COLUMNS);
  append_from (query, &plan);
  append_where (query, &plan, filter, id_hmac, cursor);
  g_string_append_printf (query->sql, " ORDER BY %s DESC, %s DESC",
                          plan.time_column, plan.id_column);
  if (limit > 0 || offset > 0)
    {
      g_string_append (query->sql, " LIMIT ");
      query_add_number (query, limit > 0 ? (gint64) limit : -1);
      g_string_append (query->sql, " OFFSET ");
      query_add_number (query, offset);
    }

  return query;
}

VdHistoryQuery *
vd_history_query_new_count (const VdHistoryFilter *filter,
                            const char            *id_hmac)
{
  VdHistoryQuery *query = query_new ();
  g_auto(QueryPlan) plan = { NULL, };

  plan_query (&plan, filter, id_hmac);

  g_string_append (query->sql, "SELECT count(*)");
  append_from (query, &plan);
  append_where (query, &plan, filter, id_hmac, NULL);
  return query;
}

/* --- connections --- */

static int
exec_pragma_text (sqlite3     *db,
                  const char  *sql,
                  char       **value)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (value != NULL)
        *value = column_text (stmt, 0);
      rc = SQLITE_OK;
    }
  else if (rc == SQLITE_DONE)
    rc = SQLITE_OK;
  sqlite3_finalize (stmt);
  return rc;
}

sqlite3 *
vd_history_open_reader (const char  *path,
                        GError     **error)
{
  sqlite3 *db = NULL;
  int rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_extended_result_codes (db, 1);
      sqlite3_busy_timeout (db, VD_HISTORY_BUSY_TIMEOUT_MS);
      vd_history_register_functions (db);
      return db;
    }

  g_propagate_error (error, vd_history_sqlite_error (db, rc, _("opening the history")));
  sqlite3_close (db);
  return NULL;
}

static int
set_cache_size (sqlite3 *db,
                int      kib)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA cache_size = -%d", kib);

  return exec_pragma_text (db, sql, NULL);
}

/* Opens the file and checks it. FALSE with *@corrupt set when the file is damaged. */
static gboolean
open_connection (VdHistoryWorker  *worker,
                 gboolean         *corrupt,
                 GError          **error)
{
  g_autofree char *journal_mode = NULL;
  g_autofree char *check = NULL;
  int rc;

  *corrupt = FALSE;
  rc = sqlite3_open_v2 (worker->path, &worker->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_extended_result_codes (worker->db, 1);
      sqlite3_busy_timeout (worker->db, VD_HISTORY_BUSY_TIMEOUT_MS);
      vd_history_register_functions (worker->db);
      rc = exec_pragma_text (worker->db, "PRAGMA journal_mode = WAL", &journal_mode);
    }
  if (rc == SQLITE_OK)
    rc = exec_pragma_text (worker->db, "PRAGMA synchronous = FULL", NULL);
  /* Deleted rows are overwritten with zeros, so that a purged record does not stay readable in
   * the file's free space (handle_purge). */
  if (rc == SQLITE_OK)
    rc = exec_pragma_text (worker->db, "PRAGMA secure_delete = ON", NULL);
  /* Small between imports (VD_HISTORY_CACHE_KIB), so that memory stays flat whatever the
   * size of the store; handle_insert raises it for its one transaction. */
  if (rc == SQLITE_OK)
    rc = set_cache_size (worker->db, VD_HISTORY_CACHE_KIB);
  if (rc == SQLITE_OK)
    rc = exec_pragma_text (worker->db, "PRAGMA quick_check", &check);
  if (rc == SQLITE_OK && worker->page_limit > 0)
    {
      g_autofree char *limit = g_strdup_printf ("PRAGMA max_page_count = %u", worker->page_limit);

      rc = exec_pragma_text (worker->db, limit, NULL);
    }

  if (rc == SQLITE_OK && g_strcmp0 (check, "ok") != 0)
    {
      *corrupt = TRUE;
      g_set_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_CORRUPT,
                   _("The history file %s failed its integrity check: %s"), worker->path,
                   check != NULL ? check : "");
      return FALSE;
    }
  if (rc == SQLITE_OK && g_ascii_strcasecmp (journal_mode, "wal") != 0)
    {
      g_set_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_OPEN,
                   _("The history at %s cannot use write-ahead logging (journal mode “%s”): "
                     "keep it on a local disk."), worker->path, journal_mode);
      return FALSE;
    }

  if (rc == SQLITE_OK)
    return TRUE;

  *corrupt = is_corruption (rc);
  g_propagate_error (error, vd_history_sqlite_error (worker->db, rc, _("opening the history")));
  return FALSE;
}

static void
close_connection (VdHistoryWorker *worker)
{
  g_hash_table_remove_all (worker->statements);
  if (worker->db != NULL)
    {
      /* Lets SQLite refresh its query statistics, as its documentation advises at close. */
      sqlite3_exec (worker->db, "PRAGMA optimize", NULL, NULL, NULL);
      sqlite3_close (worker->db);
    }
  worker->db = NULL;
}

/* Moves @path aside as history-YYYYMMDD-HHMMSS.corrupt (and its -wal and -shm with it).
 * Returns the new path. */
static char *
move_aside (const char  *path,
            GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *target = NULL;
  static const char * const companions[] = { "-wal", "-shm" };

  for (guint i = 0; target == NULL || g_file_test (target, G_FILE_TEST_EXISTS); i++)
    {
      g_autofree char *base = i == 0 ? g_strdup_printf ("history-%s.corrupt", stamp)
                                     : g_strdup_printf ("history-%s-%u.corrupt", stamp, i);

      g_free (target);
      target = g_build_filename (folder, base, NULL);
    }

  if (g_rename (path, target) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_OPEN,
                   _("The history file %s is damaged and cannot be moved aside (%s). Move it "
                     "away by hand, then start VerifyDesk again."),
                   path, g_strerror (saved_errno));
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
    {
      g_autofree char *from = g_strconcat (path, companions[i], NULL);
      g_autofree char *to = g_strconcat (target, companions[i], NULL);

      if (g_file_test (from, G_FILE_TEST_EXISTS))
        g_rename (from, to);
    }

  return g_steal_pointer (&target);
}

/* Creates the folder (0700) and an empty file (0600) so that SQLite never creates it with the
 * process's umask. */
static gboolean
prepare_file (const char  *path,
              GError     **error)
{
  g_autofree char *folder = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_OPEN,
                   _("The history folder %s cannot be created (%s). Check its permissions, or "
                     "set VERIFYDESK_DATA_DIR to a folder that can be written."),
                   folder, g_strerror (saved_errno));
      return FALSE;
    }

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 || fchmod (fd, 0600) != 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, VD_HISTORY_ERROR,
                   saved_errno == EROFS || saved_errno == EACCES
                   ? VD_HISTORY_ERROR_READ_ONLY : VD_HISTORY_ERROR_OPEN,
                   _("The history file %s cannot be opened for writing (%s). Check its "
                     "permissions and the free space on its disk."),
                   path, g_strerror (saved_errno));
      return FALSE;
    }

  close (fd);
  return TRUE;
}

/* --- statements --- */

static sqlite3_stmt *
get_statement (VdHistoryWorker  *worker,
               const char       *sql,
               GError          **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (worker->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (worker->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      g_propagate_error (error, vd_history_sqlite_error (worker->db, rc,
                                                         _("preparing a query")));
      return NULL;
    }

  g_hash_table_insert (worker->statements, g_strdup (sql), stmt);
  return stmt;
}

/* Steps @stmt to its end; SQLITE_DONE becomes SQLITE_OK. */
static int
step_done (sqlite3_stmt *stmt)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static gboolean
begin (VdHistoryWorker  *worker,
       const char       *what,
       GError          **error)
{
  int rc = sqlite3_exec (worker->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

  if (rc == SQLITE_OK)
    return TRUE;
  g_propagate_error (error, vd_history_sqlite_error (worker->db, rc, what));
  return FALSE;
}

/* Commits when @ok, else rolls back what the transaction did. */
static gboolean
end (VdHistoryWorker  *worker,
     gboolean          ok,
     const char       *what,
     GError          **error)
{
  int rc;

  if (!ok)
    {
      if (!sqlite3_get_autocommit (worker->db))
        sqlite3_exec (worker->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }

  rc = sqlite3_exec (worker->db, "COMMIT", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    return TRUE;

  g_propagate_error (error, vd_history_sqlite_error (worker->db, rc, what));
  if (!sqlite3_get_autocommit (worker->db))
    sqlite3_exec (worker->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

/* --- open --- */

/* A pid of a process that has ended (or no pid: rows from before pids were kept). */
static gboolean
process_has_ended (gint64 pid)
{
  if (pid <= 0 || pid > G_MAXINT)
    return TRUE;
  if (pid == getpid ())
    return FALSE;
  return kill ((pid_t) pid, 0) != 0 && errno == ESRCH;
}

static gboolean
mark_interrupted (VdHistoryWorker  *worker,
                  guint            *n_interrupted,
                  GError          **error)
{
  const char *what = _("marking interrupted verifications");
  g_autoptr(GArray) ended = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *select;
  sqlite3_stmt *update;
  int rc = SQLITE_OK;

  *n_interrupted = 0;
  if (!begin (worker, what, error))
    return FALSE;

  select = get_statement (worker, "SELECT DISTINCT pid FROM records WHERE state = 'sent'", error);
  if (select == NULL)
    return end (worker, FALSE, what, error);
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      gint64 pid = sqlite3_column_int64 (select, 0);

      if (process_has_ended (pid))
        g_array_append_val (ended, pid);
    }
  sqlite3_reset (select);
  if (rc != SQLITE_DONE)
    {
      g_propagate_error (error, vd_history_sqlite_error (worker->db, rc, what));
      return end (worker, FALSE, what, error);
    }

  update = get_statement (worker,
                          "UPDATE records SET state = 'interrupted', outcome = 'unknown' "
                          "WHERE state = 'sent' AND pid = ?1", error);
  if (update == NULL)
    return end (worker, FALSE, what, error);
  for (guint i = 0; i < ended->len; i++)
    {
      sqlite3_bind_int64 (update, 1, g_array_index (ended, gint64, i));
      rc = step_done (update);
      if (rc != SQLITE_OK)
        {
          g_propagate_error (error, vd_history_sqlite_error (worker->db, rc, what));
          return end (worker, FALSE, what, error);
        }
      *n_interrupted += sqlite3_changes (worker->db);
    }

  return end (worker, TRUE, what, error);
}

static gboolean
handle_open (VdHistoryWorker  *worker,
             VdHistoryMessage *message,
             GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean corrupt = FALSE;
  int from = 0;

  if (worker->db != NULL)
    return TRUE;

  if (!prepare_file (worker->path, error))
    return FALSE;

  if (!open_connection (worker, &corrupt, &local_error))
    {
      close_connection (worker);
      if (!corrupt)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      g_message ("The history file %s is damaged (%s); moving it aside",
                 worker->path, local_error->message);
      message->moved_aside_path = move_aside (worker->path, error);
      if (message->moved_aside_path == NULL || !prepare_file (worker->path, error))
        return FALSE;
      if (!open_connection (worker, &corrupt, error))
        {
          close_connection (worker);
          return FALSE;
        }
    }

  if (!vd_history_migrate (worker->db, &from, error) ||
      !mark_interrupted (worker, &message->n_interrupted, error))
    {
      close_connection (worker);
      return FALSE;
    }

  if (from != 0 && from < VD_HISTORY_SCHEMA_VERSION)
    g_message ("The history at %s was updated from schema version %d to %d",
               worker->path, from, VD_HISTORY_SCHEMA_VERSION);
  return TRUE;
}

/* --- writing --- */

static void
bind_optional_text (sqlite3_stmt *stmt,
                    int           index,
                    const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  sqlite3_bind_text (stmt, index, text != NULL ? text : "", -1, SQLITE_TRANSIENT);
}

/* The answer's columns, shared by INSERT (?11–?21) and UPDATE. */
static void
bind_answer (sqlite3_stmt          *stmt,
             const VdHistoryRecord *record)
{
  g_autofree char *ocr = vd_history_ocr_to_json (record->ocr);

  bind_text (stmt, 11, vd_history_state_to_string (record->state));
  bind_text (stmt, 12, vd_outcome_to_string (vd_history_record_get_outcome (record)));
  if (record->finished_time != NULL)
    sqlite3_bind_int64 (stmt, 13, time_to_usec (record->finished_time));
  else
    sqlite3_bind_null (stmt, 13);
  if (record->has_verify_status)
    sqlite3_bind_int (stmt, 14, record->verify_status);
  else
    sqlite3_bind_null (stmt, 14);
  if (record->has_score)
    sqlite3_bind_double (stmt, 15, record->score);
  else
    sqlite3_bind_null (stmt, 15);
  if (record->has_card_face_score)
    sqlite3_bind_double (stmt, 16, record->card_face_score);
  else
    sqlite3_bind_null (stmt, 16);
  bind_optional_text (stmt, 17, ocr);
  bind_optional_text (stmt, 18, record->error_code);
  bind_optional_text (stmt, 19, record->error_message);
  bind_optional_text (stmt, 20, record->request_id);
  bind_optional_text (stmt, 21, record->verify_token);
}

#define INSERT_SQL \
  "INSERT INTO records (uuid, time, operator, desk, biz_type, biz_id, name, id_masked, " \
  "id_hmac, id_full, state, outcome, finished_time, verify_status, score, card_face_score, " \
  "ocr, error_code, error_message, request_id, verify_token, training, pid, name_key, " \
  "attempt) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, " \
  "?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, " \
  "(SELECT count(*) + 1 FROM records WHERE biz_id = ?6))"

static gboolean
insert_record (VdHistoryWorker        *worker,
               const VdHistoryRecord  *record,
               gint64                 *id,
               guint                  *attempt,
               GError                **error)
{
  const char *what = _("recording the verification");
  g_autofree char *name_key = vd_history_name_key (record->name);
  g_auto(GStrv) grams = NULL;
  g_autofree char *uuid = NULL;
  sqlite3_stmt *insert;
  sqlite3_stmt *insert_gram;
  sqlite3_stmt *read_attempt;
  gint64 time;
  int rc;

  insert = get_statement (worker, INSERT_SQL, error);
  insert_gram = get_statement (worker, "INSERT OR IGNORE INTO name_grams (gram, time, record_id) "
                                       "VALUES (?1, ?2, ?3)", error);
  read_attempt = get_statement (worker, "SELECT attempt FROM records WHERE id = ?1", error);
  if (insert == NULL || insert_gram == NULL || read_attempt == NULL)
    return FALSE;

  time = record->time != NULL ? time_to_usec (record->time) : g_get_real_time ();
  uuid = record->uuid != NULL && *record->uuid != '\0' ? g_strdup (record->uuid)
                                                        : g_uuid_string_random ();
  sqlite3_bind_text (insert, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (insert, 2, time);
  bind_text (insert, 3, record->operator_name);
  bind_text (insert, 4, record->desk);
  bind_text (insert, 5, record->biz_type);
  bind_text (insert, 6, record->biz_id);
  bind_text (insert, 7, record->name);
  bind_text (insert, 8, record->id_number_masked);
  bind_text (insert, 9, record->id_number_hmac);
  bind_optional_text (insert, 10, record->id_number_full);
  bind_answer (insert, record);
  sqlite3_bind_int (insert, 22, record->training ? 1 : 0);
  sqlite3_bind_int64 (insert, 23, record->state == VD_HISTORY_STATE_SENT ? getpid () : 0);
  sqlite3_bind_text (insert, 24, name_key, -1, SQLITE_TRANSIENT);
  rc = step_done (insert);
  if (rc != SQLITE_OK)
    goto failed;

  *id = sqlite3_last_insert_rowid (worker->db);

  grams = vd_history_name_grams (name_key);
  for (guint i = 0; grams[i] != NULL; i++)
    {
      sqlite3_bind_text (insert_gram, 1, grams[i], -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (insert_gram, 2, time);
      sqlite3_bind_int64 (insert_gram, 3, *id);
      rc = step_done (insert_gram);
      if (rc != SQLITE_OK)
        goto failed;
    }

  if (attempt != NULL)
    {
      sqlite3_bind_int64 (read_attempt, 1, *id);
      rc = sqlite3_step (read_attempt);
      *attempt = rc == SQLITE_ROW ? (guint) sqlite3_column_int64 (read_attempt, 0) : 1;
      sqlite3_reset (read_attempt);
    }
  return TRUE;

failed:
  g_propagate_error (error, vd_history_sqlite_error (worker->db, rc, what));
  return FALSE;
}

static gboolean
handle_record_sent (VdHistoryWorker  *worker,
                    VdHistoryMessage *message,
                    GError          **error)
{
  const char *what = _("recording the verification");
  gboolean ok;

  /* Whatever the caller filled in, a record written before the request leaves is "sent". */
  message->record->state = VD_HISTORY_STATE_SENT;
  message->record->outcome = VD_OUTCOME_UNKNOWN;
  g_clear_pointer (&message->record->finished_time, g_date_time_unref);

  if (!begin (worker, what, error))
    return FALSE;
  ok = insert_record (worker, message->record, &message->result_id, &message->result_attempt,
                      error);
  return end (worker, ok, what, error);
}

static gboolean
handle_insert (VdHistoryWorker  *worker,
               VdHistoryMessage *message,
               GError          **error)
{
  const char *what = _("importing records");
  gboolean ok = TRUE;
  gint64 id;

  /* A large cache for the import's one transaction only: lowering it again frees the pages
   * above the limit, so the import leaves no lasting growth behind. */
  set_cache_size (worker->db, VD_HISTORY_BULK_CACHE_KIB);
  if (begin (worker, what, error))
    {
      for (guint i = 0; ok && i < message->records->len; i++)
        ok = insert_record (worker, g_ptr_array_index (message->records, i), &id, NULL, error);
      ok = end (worker, ok, what, error);
    }
  else
    {
      ok = FALSE;
    }
  set_cache_size (worker->db, VD_HISTORY_CACHE_KIB);
  sqlite3_db_release_memory (worker->db);
  return ok;
}

static gboolean
handle_record_finished (VdHistoryWorker  *worker,
                        VdHistoryMessage *message,
                        GError          **error)
{
  const char *what = _("recording the answer");
  sqlite3_stmt *update;
  int rc;

  if (!begin (worker, what, error))
    return FALSE;

  update = get_statement (worker,
                          "UPDATE records SET state = ?11, outcome = ?12, finished_time = ?13, "
                          "verify_status = ?14, score = ?15, card_face_score = ?16, ocr = ?17, "
                          "error_code = ?18, error_message = ?19, request_id = ?20, "
                          "verify_token = ?21 WHERE id = ?1", error);
  if (update == NULL)
    return end (worker, FALSE, what, error);

  sqlite3_bind_int64 (update, 1, message->id);
  bind_answer (update, message->record);
  rc = step_done (update);
  if (rc != SQLITE_OK)
    {
      g_propagate_error (error, vd_history_sqlite_error (worker->db, rc, what));
      return end (worker, FALSE, what, error);
    }
  if (sqlite3_changes (worker->db) == 0)
    {
      g_set_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_NOT_FOUND,
                   _("The history has no record %lld to complete: it may have "
                     "been purged."), (long long) message->id);
      return end (worker, FALSE, what, error);
    }

  return end (worker, TRUE, what, error);
}

/* Removes the name pieces of the records about to be purged: looked up by their full key, so
 * that the purge never scans the whole piece table. */
static int
purge_name_grams (VdHistoryWorker *worker,
                  gint64           cutoff,
                  GError         **error)
{
  sqlite3_stmt *select;
  sqlite3_stmt *delete;
  int rc;

  select = get_statement (worker, "SELECT id, time, name_key FROM records WHERE time < ?1", error);
  delete = get_statement (worker, "DELETE FROM name_grams WHERE gram = ?1 AND time = ?2 AND "
                                  "record_id = ?3", error);
  if (select == NULL || delete == NULL)
    return SQLITE_ERROR;

  sqlite3_bind_int64 (select, 1, cutoff);
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      g_auto(GStrv) grams = vd_history_name_grams ((const char *) sqlite3_column_text (select, 2));

      for (guint i = 0; grams[i] != NULL; i++)
        {
          sqlite3_bind_text (delete, 1, grams[i], -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (delete, 2, sqlite3_column_int64 (select, 1));
          sqlite3_bind_int64 (delete, 3, sqlite3_column_int64 (select, 0));
          rc = step_done (delete);
          if (rc != SQLITE_OK)
            {
              sqlite3_reset (select);
              return rc;
            }
        }
    }
  sqlite3_reset (select);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The WAL still holds the pages of a purged record as they were before the purge: copies them
 * back into the database (where secure_delete has zeroed the record) and empties it. Only when
 * no other connection is reading — waiting for one would hold up the next "record sent" — so
 * a WAL that is in use keeps them until its next reset: the purge has done its part. */
static void
truncate_wal (VdHistoryWorker *worker)
{
  int rc;

  sqlite3_busy_timeout (worker->db, 0);
  rc = sqlite3_wal_checkpoint_v2 (worker->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
  sqlite3_busy_timeout (worker->db, VD_HISTORY_BUSY_TIMEOUT_MS);
  if (rc != SQLITE_OK)
    g_debug ("The WAL could not be emptied after a purge (SQLite %d): another connection is "
             "reading", rc);
}

static gboolean
handle_purge (VdHistoryWorker  *worker,
              VdHistoryMessage *message,
              GError          **error)
{
  const char *what = _("purging old records");
  gint64 now = g_get_real_time ();
  gint64 cutoff = now - (gint64) message->days * G_USEC_PER_SEC * 24 * 3600;
  sqlite3_stmt *delete;
  sqlite3_stmt *log;
  int rc;

  if (!begin (worker, what, error))
    return FALSE;

  delete = get_statement (worker, "DELETE FROM records WHERE time < ?1", error);
  log = get_statement (worker, "INSERT INTO purge_log (time, days, cutoff, removed) "
                               "VALUES (?1, ?2, ?3, ?4)", error);
  if (delete == NULL || log == NULL)
    return end (worker, FALSE, what, error);

  rc = purge_name_grams (worker, cutoff, error);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (delete, 1, cutoff);
      rc = step_done (delete);
    }
  if (rc == SQLITE_OK)
    {
      message->result_count = sqlite3_changes64 (worker->db);
      sqlite3_bind_int64 (log, 1, now);
      sqlite3_bind_int64 (log, 2, message->days);
      sqlite3_bind_int64 (log, 3, cutoff);
      sqlite3_bind_int64 (log, 4, message->result_count);
      rc = step_done (log);
    }
  if (rc != SQLITE_OK)
    {
      if (error == NULL || *error == NULL)
        g_propagate_error (error, vd_history_sqlite_error (worker->db, rc, what));
      return end (worker, FALSE, what, error);
    }

  if (!end (worker, TRUE, what, error))
    return FALSE;
  if (message->result_count > 0)
    truncate_wal (worker);
  return TRUE;
}

/* --- reading --- */

static gboolean
handle_get (VdHistoryWorker  *worker,
            VdHistoryMessage *message,
            GError          **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = get_statement (worker, "SELECT " VD_HISTORY_RECORD_COLUMNS " FROM records AS r "
                                "WHERE r.id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, message->id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    message->result_record = vd_history_record_from_row (stmt);
  sqlite3_reset (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc == SQLITE_DONE)
    g_set_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_NOT_FOUND,
                 _("The history has no record %lld."), (long long) message->id);
  else
    g_propagate_error (error, vd_history_sqlite_error (worker->db, rc, _("reading a record")));
  return FALSE;
}

static gboolean
handle_list (VdHistoryWorker  *worker,
             VdHistoryMessage *message,
             GError          **error)
{
  g_autoptr(VdHistoryQuery) query = NULL;
  g_autoptr(GPtrArray) records = NULL;
  sqlite3_stmt *stmt;
  int rc;

  query = vd_history_query_new_list (message->filter, message->id_hmac,
                                     message->has_cursor ? &message->cursor : NULL,
                                     message->offset, message->limit);
  stmt = get_statement (worker, vd_history_query_get_sql (query), error);
  if (stmt == NULL)
    return FALSE;

  records = g_ptr_array_new_with_free_func ((GDestroyNotify) vd_history_record_free);
  rc = vd_history_query_bind (query, stmt);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (records, vd_history_record_from_row (stmt));
      rc = SQLITE_OK;
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_OK)
    {
      g_propagate_error (error, vd_history_sqlite_error (worker->db, rc,
                                                         _("listing records")));
      return FALSE;
    }

  message->result_records = g_steal_pointer (&records);
  return TRUE;
}

static gboolean
handle_count (VdHistoryWorker  *worker,
              VdHistoryMessage *message,
              GError          **error)
{
  g_autoptr(VdHistoryQuery) query = NULL;
  sqlite3_stmt *stmt;
  int rc;

  query = vd_history_query_new_count (message->filter, message->id_hmac);
  stmt = get_statement (worker, vd_history_query_get_sql (query), error);
  if (stmt == NULL)
    return FALSE;

  rc = vd_history_query_bind (query, stmt);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    message->result_count = (guint64) sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  g_propagate_error (error, vd_history_sqlite_error (worker->db, rc, _("counting records")));
  return FALSE;
}

/* --- the thread --- */

static gboolean
handle_message (VdHistoryWorker  *worker,
                VdHistoryMessage *message,
                GError          **error)
{
  GCancellable *cancellable = g_task_get_cancellable (message->task);

  if (message->kind == VD_HISTORY_MESSAGE_OPEN)
    {
      g_autoptr(GError) open_error = NULL;

      g_clear_error (&worker->open_error);
      if (handle_open (worker, message, &open_error))
        return TRUE;
      worker->open_error = g_error_copy (open_error);
      g_propagate_error (error, g_steal_pointer (&open_error));
      return FALSE;
    }

  /* A read nobody waits for any more, or a "sent" whose request will not leave, is skipped;
   * an answer is always recorded. */
  if (message->kind != VD_HISTORY_MESSAGE_RECORD_FINISHED &&
      g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* After a failed open the reason stands, with its advice: "not open" would not help. */
  if (worker->db == NULL && worker->open_error != NULL)
    {
      g_propagate_error (error, g_error_copy (worker->open_error));
      return FALSE;
    }
  if (worker->db == NULL)
    {
      g_set_error_literal (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_NOT_OPEN,
                           _("The history is not open."));
      return FALSE;
    }

  switch (message->kind)
    {
    case VD_HISTORY_MESSAGE_RECORD_SENT:
      return handle_record_sent (worker, message, error);
    case VD_HISTORY_MESSAGE_RECORD_FINISHED:
      return handle_record_finished (worker, message, error);
    case VD_HISTORY_MESSAGE_INSERT:
      return handle_insert (worker, message, error);
    case VD_HISTORY_MESSAGE_PURGE:
      return handle_purge (worker, message, error);
    case VD_HISTORY_MESSAGE_GET:
      return handle_get (worker, message, error);
    case VD_HISTORY_MESSAGE_LIST:
      return handle_list (worker, message, error);
    case VD_HISTORY_MESSAGE_COUNT:
      return handle_count (worker, message, error);
    case VD_HISTORY_MESSAGE_OPEN:
    case VD_HISTORY_MESSAGE_QUIT:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
deliver_in_context (gpointer user_data)
{
  vd_history_message_deliver (user_data);
  return G_SOURCE_REMOVE;
}

static gpointer
worker_thread (gpointer user_data)
{
  VdHistoryWorker *worker = user_data;

  for (;;)
    {
      VdHistoryMessage *message = g_async_queue_pop (worker->queue);
      GMainContext *context;

      if (message->kind == VD_HISTORY_MESSAGE_QUIT)
        {
          vd_history_message_free (message);
          break;
        }

      handle_message (worker, message, &message->error);

      /* The message, and the task in it, are freed in the caller's context. */
      context = g_task_get_context (message->task);
      g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, deliver_in_context, message, NULL);
    }

  close_connection (worker);
  return NULL;
}

/* Open first, then writes, then reads; QUIT after everything. Within one rank, in order. */
static int
message_rank (VdHistoryMessageKind kind)
{
  switch (kind)
    {
    case VD_HISTORY_MESSAGE_OPEN:
      return 0;
    case VD_HISTORY_MESSAGE_RECORD_SENT:
    case VD_HISTORY_MESSAGE_RECORD_FINISHED:
    case VD_HISTORY_MESSAGE_INSERT:
    case VD_HISTORY_MESSAGE_PURGE:
      return 1;
    case VD_HISTORY_MESSAGE_GET:
    case VD_HISTORY_MESSAGE_LIST:
    case VD_HISTORY_MESSAGE_COUNT:
      return 2;
    case VD_HISTORY_MESSAGE_QUIT:
    default:
      return 3;
    }
}

static int
compare_messages (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  const VdHistoryMessage *first = a;
  const VdHistoryMessage *second = b;
  int rank_a = message_rank (first->kind);
  int rank_b = message_rank (second->kind);

  if (rank_a != rank_b)
    return rank_a < rank_b ? -1 : 1;
  return first->serial < second->serial ? -1 : (first->serial > second->serial ? 1 : 0);
}

VdHistoryMessage *
vd_history_message_new (VdHistoryMessageKind  kind,
                        GTask                *task)
{
  VdHistoryMessage *message = g_new0 (VdHistoryMessage, 1);

  message->kind = kind;
  message->task = task != NULL ? g_object_ref (task) : NULL;
  return message;
}

void
vd_history_message_free (VdHistoryMessage *message)
{
  g_clear_object (&message->task);
  g_clear_pointer (&message->record, vd_history_record_free);
  g_clear_pointer (&message->records, g_ptr_array_unref);
  g_clear_pointer (&message->filter, vd_history_filter_free);
  g_free (message->id_hmac);
  g_clear_error (&message->error);
  g_clear_pointer (&message->result_record, vd_history_record_free);
  g_clear_pointer (&message->result_records, g_ptr_array_unref);
  g_free (message->moved_aside_path);
  g_free (message);
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

VdHistoryWorker *
vd_history_worker_new (const char *path)
{
  VdHistoryWorker *worker = g_new0 (VdHistoryWorker, 1);

  worker->path = g_strdup (path);
  worker->queue = g_async_queue_new ();
  worker->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              finalize_statement);
  worker->thread = g_thread_new ("vd-history", worker_thread, worker);
  return worker;
}

void
vd_history_worker_push (VdHistoryWorker  *worker,
                        VdHistoryMessage *message)
{
  message->serial = worker->next_serial++;
  g_async_queue_push_sorted (worker->queue, message, compare_messages, NULL);
}

void
vd_history_worker_set_page_limit (VdHistoryWorker *worker,
                                  guint            pages)
{
  /* Read by the thread only while it handles the open that the caller queues after this. */
  worker->page_limit = pages;
}

void
vd_history_worker_free (VdHistoryWorker *worker)
{
  if (worker == NULL)
    return;

  vd_history_worker_push (worker, vd_history_message_new (VD_HISTORY_MESSAGE_QUIT, NULL));
  g_thread_join (worker->thread);
  g_async_queue_unref (worker->queue);
  g_hash_table_unref (worker->statements);
  g_clear_error (&worker->open_error);
  g_free (worker->path);
  g_free (worker);
}
