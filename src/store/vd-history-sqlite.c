/* vd-history-sqlite.c: the history's SQLite backend, and the offline queue of the server one
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

#include "vd-history-backend.h"

typedef struct
{
  VdHistoryBackend  parent;

  char             *path;
  guint             page_limit;
  gboolean          queue;
  char             *desk_id;
  sqlite3          *db;
  GHashTable       *statements;  /* SQL text → sqlite3_stmt, prepared once */
} VdHistorySqlite;

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
        *value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
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
open_connection (VdHistorySqlite  *store,
                 gboolean         *corrupt,
                 GError          **error)
{
  g_autofree char *journal_mode = NULL;
  g_autofree char *check = NULL;
  int rc;

  *corrupt = FALSE;
  rc = sqlite3_open_v2 (store->path, &store->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_extended_result_codes (store->db, 1);
      sqlite3_busy_timeout (store->db, VD_HISTORY_BUSY_TIMEOUT_MS);
      vd_history_register_functions (store->db);
      rc = exec_pragma_text (store->db, "PRAGMA journal_mode = WAL", &journal_mode);
    }
  if (rc == SQLITE_OK)
    rc = exec_pragma_text (store->db, "PRAGMA synchronous = FULL", NULL);
  /* Deleted rows are overwritten with zeros, so that a purged record does not stay readable in
   * the file's free space (handle_purge). */
  if (rc == SQLITE_OK)
    rc = exec_pragma_text (store->db, "PRAGMA secure_delete = ON", NULL);
  /* Small between imports (VD_HISTORY_CACHE_KIB), so that memory stays flat whatever the
   * size of the store; handle_insert raises it for its one transaction. */
  if (rc == SQLITE_OK)
    rc = set_cache_size (store->db, VD_HISTORY_CACHE_KIB);
  if (rc == SQLITE_OK)
    rc = exec_pragma_text (store->db, "PRAGMA quick_check", &check);
  if (rc == SQLITE_OK && store->page_limit > 0)
    {
      g_autofree char *limit = g_strdup_printf ("PRAGMA max_page_count = %u", store->page_limit);

      rc = exec_pragma_text (store->db, limit, NULL);
    }

  if (rc == SQLITE_OK && g_strcmp0 (check, "ok") != 0)
    {
      *corrupt = TRUE;
      g_set_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_CORRUPT,
                   _("The history file %s failed its integrity check: %s"), store->path,
                   check != NULL ? check : "");
      return FALSE;
    }
  if (rc == SQLITE_OK && g_ascii_strcasecmp (journal_mode, "wal") != 0)
    {
      g_set_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_OPEN,
                   _("The history at %s cannot use write-ahead logging (journal mode “%s”): "
                     "keep it on a local disk."), store->path, journal_mode);
      return FALSE;
    }

  if (rc == SQLITE_OK)
    return TRUE;

  *corrupt = is_corruption (rc);
  g_propagate_error (error, vd_history_sqlite_error (store->db, rc, _("opening the history")));
  return FALSE;
}

static void
close_connection (VdHistorySqlite *store)
{
  g_hash_table_remove_all (store->statements);
  if (store->db != NULL)
    {
      /* Lets SQLite refresh its query statistics, as its documentation advises at close. */
      sqlite3_exec (store->db, "PRAGMA optimize", NULL, NULL, NULL);
      sqlite3_close (store->db);
    }
  store->db = NULL;
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
get_statement (VdHistorySqlite  *store,
               const char       *sql,
               GError          **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (store->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      g_propagate_error (error, vd_history_sqlite_error (store->db, rc,
                                                         _("preparing a query")));
      return NULL;
    }

  g_hash_table_insert (store->statements, g_strdup (sql), stmt);
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
begin (VdHistorySqlite  *store,
       const char       *what,
       GError          **error)
{
  int rc = sqlite3_exec (store->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

  if (rc == SQLITE_OK)
    return TRUE;
  g_propagate_error (error, vd_history_sqlite_error (store->db, rc, what));
  return FALSE;
}

/* Commits when @ok, else rolls back what the transaction did. */
static gboolean
end (VdHistorySqlite  *store,
     gboolean          ok,
     const char       *what,
     GError          **error)
{
  int rc;

  if (!ok)
    {
      if (!sqlite3_get_autocommit (store->db))
        sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }

  rc = sqlite3_exec (store->db, "COMMIT", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    return TRUE;

  g_propagate_error (error, vd_history_sqlite_error (store->db, rc, what));
  if (!sqlite3_get_autocommit (store->db))
    sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
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
mark_interrupted (VdHistorySqlite  *store,
                  guint            *n_interrupted,
                  GError          **error)
{
  const char *what = _("marking interrupted verifications");
  g_autoptr(GArray) ended = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *select;
  sqlite3_stmt *update;
  int rc = SQLITE_OK;

  *n_interrupted = 0;
  if (!begin (store, what, error))
    return FALSE;

  select = get_statement (store, "SELECT DISTINCT pid FROM records WHERE state = 'sent'", error);
  if (select == NULL)
    return end (store, FALSE, what, error);
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      gint64 pid = sqlite3_column_int64 (select, 0);

      if (process_has_ended (pid))
        g_array_append_val (ended, pid);
    }
  sqlite3_reset (select);
  if (rc != SQLITE_DONE)
    {
      g_propagate_error (error, vd_history_sqlite_error (store->db, rc, what));
      return end (store, FALSE, what, error);
    }

  update = get_statement (store,
                          "UPDATE records SET state = 'interrupted', outcome = 'unknown' "
                          "WHERE state = 'sent' AND pid = ?1", error);
  if (update == NULL)
    return end (store, FALSE, what, error);
  for (guint i = 0; i < ended->len; i++)
    {
      sqlite3_bind_int64 (update, 1, g_array_index (ended, gint64, i));
      rc = step_done (update);
      if (rc != SQLITE_OK)
        {
          g_propagate_error (error, vd_history_sqlite_error (store->db, rc, what));
          return end (store, FALSE, what, error);
        }
      *n_interrupted += sqlite3_changes (store->db);
    }

  return end (store, TRUE, what, error);
}

static gboolean
handle_open (VdHistoryBackend  *backend,
             VdHistoryMessage  *message,
             GError           **error)
{
  VdHistorySqlite *store = (VdHistorySqlite *) backend;
  g_autoptr(GError) local_error = NULL;
  gboolean corrupt = FALSE;
  int from = 0;

  if (store->db != NULL)
    return TRUE;

  if (!prepare_file (store->path, error))
    return FALSE;

  if (!open_connection (store, &corrupt, &local_error))
    {
      close_connection (store);
      if (!corrupt)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      g_message ("The history file %s is damaged (%s); moving it aside",
                 store->path, local_error->message);
      message->moved_aside_path = move_aside (store->path, error);
      if (message->moved_aside_path == NULL || !prepare_file (store->path, error))
        return FALSE;
      if (!open_connection (store, &corrupt, error))
        {
          close_connection (store);
          return FALSE;
        }
    }

  if (store->desk_id == NULL)
    {
      g_autofree char *folder = g_path_get_dirname (store->path);

      store->desk_id = vd_history_load_desk_id (folder, error);
      if (store->desk_id == NULL)
        {
          close_connection (store);
          return FALSE;
        }
    }

  if (!vd_history_migrate (store->db, &from, error) ||
      !mark_interrupted (store, &message->n_interrupted, error))
    {
      close_connection (store);
      return FALSE;
    }

  if (from != 0 && from < VD_HISTORY_SCHEMA_VERSION)
    g_message ("The history at %s was updated from schema version %d to %d",
               store->path, from, VD_HISTORY_SCHEMA_VERSION);
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
    sqlite3_bind_int64 (stmt, 13, vd_history_time_to_usec (record->finished_time));
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
  "desk_id, forwarded, attempt) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, " \
  "?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, " \
  "(SELECT count(*) + 1 FROM records WHERE biz_id = ?6))"

/* The answer's columns, set again when a completion meets a record already there. */
#define UPDATE_ANSWER_SQL \
  "state = ?11, outcome = ?12, finished_time = ?13, verify_status = ?14, score = ?15, " \
  "card_face_score = ?16, ocr = ?17, error_code = ?18, error_message = ?19, request_id = ?20, " \
  "verify_token = ?21"


static gboolean
write_record (VdHistorySqlite        *store,
              const char             *sql,
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

  insert = get_statement (store, sql, error);
  insert_gram = get_statement (store, "INSERT OR IGNORE INTO name_grams (gram, time, record_id) "
                                       "VALUES (?1, ?2, ?3)", error);
  read_attempt = get_statement (store, "SELECT attempt FROM records WHERE id = ?1", error);
  if (insert == NULL || insert_gram == NULL || read_attempt == NULL)
    return FALSE;

  time = record->time != NULL ? vd_history_time_to_usec (record->time) : g_get_real_time ();
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
  bind_text (insert, 25, record->desk_id != NULL && *record->desk_id != '\0'
                         ? record->desk_id : store->desk_id);
  sqlite3_bind_int (insert, 26, store->queue ? 0 : 1);
  rc = step_done (insert);
  if (rc != SQLITE_OK)
    goto failed;

  *id = sqlite3_last_insert_rowid (store->db);

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
  g_propagate_error (error, vd_history_sqlite_error (store->db, rc, what));
  return FALSE;
}

static gboolean
insert_record (VdHistorySqlite        *store,
               const VdHistoryRecord  *record,
               gint64                 *id,
               guint                  *attempt,
               GError                **error)
{
  return write_record (store, INSERT_SQL, record, id, attempt, error);
}

static gboolean
handle_record_sent (VdHistoryBackend  *backend,
                    VdHistoryMessage  *message,
                    GError           **error)
{
  VdHistorySqlite *store = (VdHistorySqlite *) backend;
  const char *what = _("recording the verification");
  gboolean ok;

  /* Whatever the caller filled in, a record written before the request leaves is "sent". */
  message->record->state = VD_HISTORY_STATE_SENT;
  message->record->outcome = VD_OUTCOME_UNKNOWN;
  g_clear_pointer (&message->record->finished_time, g_date_time_unref);

  if (!begin (store, what, error))
    return FALSE;
  ok = insert_record (store, message->record, &message->result_id, &message->result_attempt,
                      error);
  return end (store, ok, what, error);
}

static gboolean
handle_insert (VdHistoryBackend  *backend,
               VdHistoryMessage  *message,
               GError           **error)
{
  VdHistorySqlite *store = (VdHistorySqlite *) backend;
  const char *what = _("importing records");
  gboolean ok = TRUE;
  gint64 id;

  /* A large cache for the import's one transaction only: lowering it again frees the pages
   * above the limit, so the import leaves no lasting growth behind. */
  set_cache_size (store->db, VD_HISTORY_BULK_CACHE_KIB);
  if (begin (store, what, error))
    {
      for (guint i = 0; ok && i < message->records->len; i++)
        ok = insert_record (store, g_ptr_array_index (message->records, i), &id, NULL, error);
      ok = end (store, ok, what, error);
    }
  else
    {
      ok = FALSE;
    }
  set_cache_size (store->db, VD_HISTORY_CACHE_KIB);
  sqlite3_db_release_memory (store->db);
  return ok;
}

/* The id of the record with @uuid, or 0 when there is none. */
static gint64
find_by_uuid (VdHistorySqlite  *store,
              const char       *uuid,
              GError          **error)
{
  sqlite3_stmt *select = get_statement (store, "SELECT id FROM records WHERE uuid = ?1", error);
  gint64 id = 0;
  int rc;

  if (select == NULL)
    return -1;
  sqlite3_bind_text (select, 1, uuid, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (select);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (select, 0);
  sqlite3_reset (select);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      g_propagate_error (error, vd_history_sqlite_error (store->db, rc, _("finding a record")));
      return -1;
    }
  return id;
}

static gboolean
complete_record (VdHistorySqlite        *store,
                 gint64                  id,
                 const VdHistoryRecord  *record,
                 const char             *what,
                 GError                **error)
{
  sqlite3_stmt *update;
  int rc;

  update = get_statement (store, "UPDATE records SET " UPDATE_ANSWER_SQL ", "
                                 "forwarded = ?2 WHERE id = ?1", error);
  if (update == NULL)
    return FALSE;

  sqlite3_bind_int64 (update, 1, id);
  sqlite3_bind_int (update, 2, store->queue ? 0 : 1);
  bind_answer (update, record);
  rc = step_done (update);
  if (rc != SQLITE_OK)
    {
      g_propagate_error (error, vd_history_sqlite_error (store->db, rc, what));
      return FALSE;
    }
  if (sqlite3_changes (store->db) == 0)
    {
      g_set_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_NOT_FOUND,
                   _("The history has no record %lld to complete: it may have "
                     "been purged."), (long long) id);
      return FALSE;
    }
  return TRUE;
}

static gboolean
handle_record_finished (VdHistoryBackend  *backend,
                        VdHistoryMessage  *message,
                        GError           **error)
{
  VdHistorySqlite *store = (VdHistorySqlite *) backend;
  const char *what = _("recording the answer");
  const VdHistoryRecord *record = message->record;
  gint64 id = message->id;
  gboolean ok;

  if (!begin (store, what, error))
    return FALSE;

  /* The queue finds the record by its uuid: its id may be the server's. One it does not hold
   * was sent while the server was there, and is kept whole until it can be forwarded. */
  if (store->queue && record->uuid != NULL && *record->uuid != '\0')
    {
      id = find_by_uuid (store, record->uuid, error);
      if (id < 0)
        return end (store, FALSE, what, error);
      if (id == 0)
        {
          ok = insert_record (store, record, &id, NULL, error);
          return end (store, ok, what, error);
        }
    }

  ok = complete_record (store, id, record, what, error);
  return end (store, ok, what, error);
}

/* Removes the name pieces of the records about to be purged: looked up by their full key, so
 * that the purge never scans the whole piece table. */
static int
purge_name_grams (VdHistorySqlite *store,
                  gint64           cutoff,
                  GError         **error)
{
  sqlite3_stmt *select;
  sqlite3_stmt *delete;
  int rc;

  /* A record waiting for the server stays until it is forwarded, however old. */
  select = get_statement (store, "SELECT id, time, name_key FROM records WHERE time < ?1 "
                                 "AND forwarded = 1", error);
  delete = get_statement (store, "DELETE FROM name_grams WHERE gram = ?1 AND time = ?2 AND "
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
truncate_wal (VdHistorySqlite *store)
{
  int rc;

  sqlite3_busy_timeout (store->db, 0);
  rc = sqlite3_wal_checkpoint_v2 (store->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
  sqlite3_busy_timeout (store->db, VD_HISTORY_BUSY_TIMEOUT_MS);
  if (rc != SQLITE_OK)
    g_debug ("The WAL could not be emptied after a purge (SQLite %d): another connection is "
             "reading", rc);
}

static gboolean
handle_purge (VdHistoryBackend  *backend,
              VdHistoryMessage  *message,
              GError           **error)
{
  VdHistorySqlite *store = (VdHistorySqlite *) backend;
  const char *what = _("purging old records");
  gint64 now = g_get_real_time ();
  gint64 cutoff = now - (gint64) message->days * G_USEC_PER_SEC * 24 * 3600;
  sqlite3_stmt *delete;
  sqlite3_stmt *log;
  int rc;

  if (!begin (store, what, error))
    return FALSE;

  delete = get_statement (store, "DELETE FROM records WHERE time < ?1 AND forwarded = 1", error);
  log = get_statement (store, "INSERT INTO purge_log (time, days, cutoff, removed) "
                               "VALUES (?1, ?2, ?3, ?4)", error);
  if (delete == NULL || log == NULL)
    return end (store, FALSE, what, error);

  rc = purge_name_grams (store, cutoff, error);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (delete, 1, cutoff);
      rc = step_done (delete);
    }
  if (rc == SQLITE_OK)
    {
      message->result_count = sqlite3_changes64 (store->db);
      sqlite3_bind_int64 (log, 1, now);
      sqlite3_bind_int64 (log, 2, message->days);
      sqlite3_bind_int64 (log, 3, cutoff);
      sqlite3_bind_int64 (log, 4, message->result_count);
      rc = step_done (log);
    }
  if (rc != SQLITE_OK)
    {
      if (error == NULL || *error == NULL)
        g_propagate_error (error, vd_history_sqlite_error (store->db, rc, what));
      return end (store, FALSE, what, error);
    }

  if (!end (store, TRUE, what, error))
    return FALSE;
  if (message->result_count > 0)
    truncate_wal (store);
  return TRUE;
}

/* --- reading --- */

static gboolean
handle_get (VdHistoryBackend  *backend,
            VdHistoryMessage  *message,
            GError           **error)
{
  VdHistorySqlite *store = (VdHistorySqlite *) backend;
  sqlite3_stmt *stmt;
  int rc;

  stmt = get_statement (store, "SELECT " VD_HISTORY_RECORD_COLUMNS " FROM records AS r "
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
    g_propagate_error (error, vd_history_sqlite_error (store->db, rc, _("reading a record")));
  return FALSE;
}

static gboolean
handle_list (VdHistoryBackend  *backend,
             VdHistoryMessage  *message,
             GError           **error)
{
  VdHistorySqlite *store = (VdHistorySqlite *) backend;
  g_autoptr(VdHistoryQuery) query = NULL;
  g_autoptr(GPtrArray) records = NULL;
  sqlite3_stmt *stmt;
  int rc;

  query = vd_history_query_new_list (message->filter, message->id_hmac,
                                     message->has_cursor ? &message->cursor : NULL,
                                     message->offset, message->limit);
  stmt = get_statement (store, vd_history_query_get_sql (query), error);
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
      g_propagate_error (error, vd_history_sqlite_error (store->db, rc,
                                                         _("listing records")));
      return FALSE;
    }

  message->result_records = g_steal_pointer (&records);
  return TRUE;
}

static gboolean
handle_count (VdHistoryBackend  *backend,
              VdHistoryMessage  *message,
              GError           **error)
{
  VdHistorySqlite *store = (VdHistorySqlite *) backend;
  g_autoptr(VdHistoryQuery) query = NULL;
  sqlite3_stmt *stmt;
  int rc;

  query = vd_history_query_new_count (message->filter, message->id_hmac);
  stmt = get_statement (store, vd_history_query_get_sql (query), error);
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
  g_propagate_error (error, vd_history_sqlite_error (store->db, rc, _("counting records")));
  return FALSE;
}


/* --- the offline queue of the server backend --- */

const char *
vd_history_sqlite_get_desk_id (VdHistoryBackend *backend)
{
  return ((VdHistorySqlite *) backend)->desk_id;
}

VdHistoryRecord *
vd_history_sqlite_next_waiting (VdHistoryBackend  *backend,
                                GError           **error)
{
  VdHistorySqlite *store = (VdHistorySqlite *) backend;
  VdHistoryRecord *record = NULL;
  sqlite3_stmt *select;
  int rc;

  select = get_statement (store, "SELECT " VD_HISTORY_RECORD_COLUMNS " FROM records AS r "
                                 "WHERE r.forwarded = 0 ORDER BY r.id LIMIT 1", error);
  if (select == NULL)
    return NULL;

  rc = sqlite3_step (select);
  if (rc == SQLITE_ROW)
    record = vd_history_record_from_row (select);
  sqlite3_reset (select);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    g_propagate_error (error, vd_history_sqlite_error (store->db, rc,
                                                       _("reading the records to forward")));
  return record;
}

gboolean
vd_history_sqlite_mark_forwarded (VdHistoryBackend  *backend,
                                  gint64             id,
                                  GError           **error)
{
  VdHistorySqlite *store = (VdHistorySqlite *) backend;
  sqlite3_stmt *update;
  int rc;

  update = get_statement (store, "UPDATE records SET forwarded = 1 WHERE id = ?1", error);
  if (update == NULL)
    return FALSE;

  sqlite3_bind_int64 (update, 1, id);
  rc = step_done (update);
  if (rc == SQLITE_OK)
    return TRUE;
  g_propagate_error (error, vd_history_sqlite_error (store->db, rc,
                                                     _("marking a record as forwarded")));
  return FALSE;
}

guint
vd_history_sqlite_count_waiting (VdHistoryBackend *backend)
{
  VdHistorySqlite *store = (VdHistorySqlite *) backend;
  sqlite3_stmt *select;
  guint n = 0;

  if (store->db == NULL)
    return 0;
  select = get_statement (store, "SELECT count(*) FROM records WHERE forwarded = 0", NULL);
  if (select == NULL)
    return 0;
  if (sqlite3_step (select) == SQLITE_ROW)
    n = (guint) sqlite3_column_int64 (select, 0);
  sqlite3_reset (select);
  return n;
}

/* --- the backend --- */

static gboolean
is_open (VdHistoryBackend *backend)
{
  return ((VdHistorySqlite *) backend)->db != NULL;
}

static void
get_state (VdHistoryBackend *backend,
           guint            *n_waiting,
           gboolean         *offline)
{
  *n_waiting = 0;
  *offline = FALSE;
}

static void
sqlite_free (VdHistoryBackend *backend)
{
  VdHistorySqlite *store = (VdHistorySqlite *) backend;

  close_connection (store);
  g_hash_table_unref (store->statements);
  g_free (store->path);
  g_free (store->desk_id);
  g_free (store);
}

static const VdHistoryBackendClass sqlite_class = {
  .open = handle_open,
  .record_sent = handle_record_sent,
  .record_finished = handle_record_finished,
  .insert = handle_insert,
  .purge = handle_purge,
  .get = handle_get,
  .list = handle_list,
  .count = handle_count,
  .is_open = is_open,
  .idle = NULL,
  .get_state = get_state,
  .get_desk_id = vd_history_sqlite_get_desk_id,
  .free = sqlite_free,
};

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

VdHistoryBackend *
vd_history_sqlite_new (const char *path,
                       guint       page_limit,
                       gboolean    queue)
{
  VdHistorySqlite *store = g_new0 (VdHistorySqlite, 1);

  store->parent.klass = &sqlite_class;
  store->path = g_strdup (path);
  store->page_limit = page_limit;
  store->queue = queue;
  store->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             finalize_statement);
  return &store->parent;
}

void
vd_history_backend_free (VdHistoryBackend *backend)
{
  if (backend != NULL)
    backend->klass->free (backend);
}
