#pragma once

#include <sqlite3.h>

#include "vd-history.h"

G_BEGIN_DECLS

/* The pieces of the store shared by its files; nothing outside src/store includes this. */

/* How long a connection waits for another process's lock before giving up. */
#define VD_HISTORY_BUSY_TIMEOUT_MS 10000

/* The worker connection's page cache, in KiB: SQLite's own default. The app keeps the history
 * open for weeks, and a larger cache fills with every page a verification or a scroll through
 * the window touches, so the process grew with the store (32 MiB here made 10,000
 * verifications grow the resident set by 12 MB: tests/bench/bench-load). */
#define VD_HISTORY_CACHE_KIB 2048
/* The cache during an import (vd_history_insert_records): one transaction inserting into ten
 * indexes of up to a million rows touches pages all over the file, and a cache that keeps the
 * upper levels of every index in memory keeps it fast (bench-history's fill). Given back at
 * the end of the import. */
#define VD_HISTORY_BULK_CACHE_KIB 32768

/* Names are searched by 1- and 2-character pieces of their folded form ("grams"); only the
 * first this many characters of a name are cut into pieces. */
#define VD_HISTORY_MAX_GRAM_CHARS 64

/* --- errors (vd-history-worker.c) --- */

/* A GError in VD_HISTORY_ERROR for the last failure on @db, in words: what happened, what to
 * do. @what says what was being done ("recording the verification"). */
GError     *vd_history_sqlite_error      (sqlite3    *db,
                                          int         rc,
                                          const char *what);

/* --- schema (vd-history-migrations.c) --- */

/* Registers the SQL functions the migrations use (vd_fold, vd_uuid) on @db. */
void        vd_history_register_functions (sqlite3 *db);
/* Brings @db to VD_HISTORY_SCHEMA_VERSION, one transaction per step. @from receives the
 * version found (0 for a new file). */
gboolean    vd_history_migrate            (sqlite3  *db,
                                           int      *from,
                                           GError  **error);
/* The number of migrations; equals VD_HISTORY_SCHEMA_VERSION (checked at start). */
guint       vd_history_n_migrations       (void);

/* The folded form of a name used for search: NFKC, case-folded. */
char       *vd_history_name_key           (const char *name);
/* The distinct 1- and 2-character pieces of @name_key (a NULL-terminated array). */
GStrv       vd_history_name_grams         (const char *name_key);
/* The piece of a folded query to look up: the query itself when 1 or 2 characters, else its
 * last 2 characters (given names tell people apart better than family names). */
char       *vd_history_query_gram         (const char *query_key);

/* --- reading and writing rows (vd-history-worker.c) --- */

/* The columns every query selects, in the order vd_history_record_from_row reads them, with
 * the table alias "r". */
#define VD_HISTORY_RECORD_COLUMNS \
  "r.id, r.uuid, r.time, r.finished_time, r.operator, r.desk, r.biz_type, r.biz_id, " \
  "r.attempt, r.name, r.id_masked, r.id_hmac, r.id_full, r.state, r.outcome, " \
  "r.verify_status, r.score, r.card_face_score, r.ocr, r.error_code, r.error_message, " \
  "r.request_id, r.verify_token, r.training, r.desk_id"

/* One row of a result, whichever engine produced it: the record and CSV code read rows through
 * these, so that both backends share them. Columns are 0-based. */
typedef struct _VdHistoryRow VdHistoryRow;
struct _VdHistoryRow
{
  gboolean    (*is_null) (const VdHistoryRow *row,
                          int                 column);
  /* NULL for a NULL value */
  const char *(*text)    (const VdHistoryRow *row,
                          int                 column);
  gint64      (*integer) (const VdHistoryRow *row,
                          int                 column);
  double      (*real)    (const VdHistoryRow *row,
                          int                 column);
  gpointer      source;  /* the sqlite3_stmt, or the PGresult */
  int           index;   /* the row within a PGresult */
};

void             vd_history_row_init_sqlite (VdHistoryRow *row,
                                             sqlite3_stmt *stmt);

VdHistoryRecord *vd_history_record_from_row    (sqlite3_stmt *stmt);
VdHistoryRecord *vd_history_record_from_reader (const VdHistoryRow *row);

/* Microseconds since 1970 UTC, and back. */
gint64           vd_history_time_to_usec    (GDateTime *time);
GDateTime       *vd_history_time_from_usec  (gint64     usec);

/* This installation's desk identity: a random UUID kept in the file "desk-id" of @folder,
 * created on first use. NULL with @error when the folder cannot hold it. */
char            *vd_history_load_desk_id    (const char  *folder,
                                             GError     **error);

char            *vd_history_ocr_to_json     (const VdIdCardInfo *info);
VdIdCardInfo    *vd_history_ocr_from_json   (const char *json);

/* A query built from a filter: SQL with ?NNN parameters and the values to bind. */
typedef struct _VdHistoryQuery VdHistoryQuery;

/* The SQL the builder writes: SQLite's ?NNN parameters, or PostgreSQL's $N. */
typedef enum {
  VD_HISTORY_DIALECT_SQLITE,
  VD_HISTORY_DIALECT_POSTGRESQL,
} VdHistoryDialect;

VdHistoryQuery  *vd_history_query_new_list_for  (VdHistoryDialect       dialect,
                                                 const VdHistoryFilter *filter,
                                                 const char            *id_hmac,
                                                 const VdHistoryCursor *cursor,
                                                 guint                  offset,
                                                 guint                  limit);
VdHistoryQuery  *vd_history_query_new_count_for (VdHistoryDialect       dialect,
                                                 const VdHistoryFilter *filter,
                                                 const char            *id_hmac);
/* The values as text, in parameter order, for PQexecParams. */
guint            vd_history_query_get_n_values  (VdHistoryQuery *query);
const char     **vd_history_query_get_texts     (VdHistoryQuery *query);

/* SELECT of the matching records, newest first; @limit 0: no limit. @id_hmac: the filter's
 * ID number as HMAC (NULL when it has none). SQLite's dialect. */
VdHistoryQuery  *vd_history_query_new_list  (const VdHistoryFilter *filter,
                                             const char            *id_hmac,
                                             const VdHistoryCursor *cursor,
                                             guint                  offset,
                                             guint                  limit);
VdHistoryQuery  *vd_history_query_new_count (const VdHistoryFilter *filter,
                                             const char            *id_hmac);
const char      *vd_history_query_get_sql   (VdHistoryQuery *query);
/* Binds the values to @stmt (prepared from the SQL above). */
int              vd_history_query_bind      (VdHistoryQuery *query,
                                             sqlite3_stmt   *stmt);
void             vd_history_query_free      (VdHistoryQuery *query);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdHistoryQuery, vd_history_query_free)

/* Opens @path as a second, read-only connection (for export). */
sqlite3         *vd_history_open_reader     (const char  *path,
                                             GError     **error);

/* --- the worker (vd-history-worker.c) --- */

typedef struct _VdHistoryWorker VdHistoryWorker;

typedef enum {
  VD_HISTORY_MESSAGE_QUIT,
  VD_HISTORY_MESSAGE_OPEN,
  VD_HISTORY_MESSAGE_RECORD_SENT,
  VD_HISTORY_MESSAGE_RECORD_FINISHED,
  VD_HISTORY_MESSAGE_INSERT,
  VD_HISTORY_MESSAGE_PURGE,
  VD_HISTORY_MESSAGE_GET,
  VD_HISTORY_MESSAGE_LIST,
  VD_HISTORY_MESSAGE_COUNT,
} VdHistoryMessageKind;

/* One request to the worker and, once handled, its answer. */
typedef struct {
  VdHistoryMessageKind  kind;
  guint64               serial;     /* order of arrival, within a priority */
  GTask                *task;       /* NULL for QUIT */

  /* what was asked */
  VdHistoryRecord      *record;
  GPtrArray            *records;
  gint64                id;
  VdHistoryFilter      *filter;
  char                 *id_hmac;
  gboolean              has_cursor;
  VdHistoryCursor       cursor;
  guint                 offset;
  guint                 limit;
  guint                 days;

  /* the answer */
  GError               *error;
  gint64                result_id;
  guint                 result_attempt;
  guint64               result_count;
  VdHistoryRecord      *result_record;
  GPtrArray            *result_records;
  char                 *moved_aside_path;
  guint                 n_interrupted;
  char                 *desk_id;          /* OPEN: this installation's desk identity */

  /* OPEN: the history server, when one is chosen (NULL: the SQLite file alone), and its
   * password (NULL: the keyring's). The password is wiped when the message is freed. */
  char                 *server_uri;
  char                 *server_password;
} VdHistoryMessage;

VdHistoryMessage *vd_history_message_new   (VdHistoryMessageKind kind,
                                            GTask               *task);
void              vd_history_message_free  (VdHistoryMessage *message);

/* Starts the thread that owns the database at @path. */
VdHistoryWorker  *vd_history_worker_new    (const char *path);
/* Queues @message (taking it): writes ahead of reads, then in order of arrival. When handled,
 * the message goes back to its task's main context and vd_history_message_deliver runs there. */
void              vd_history_worker_push   (VdHistoryWorker  *worker,
                                            VdHistoryMessage *message);
/* Leaves queued messages unhandled for at most @max_ms, or until released: see vd_history_hold. */
void              vd_history_worker_hold    (VdHistoryWorker *worker,
                                             guint            max_ms);
void              vd_history_worker_release (VdHistoryWorker *worker);
/* For the tests: caps the database at @pages pages (PRAGMA max_page_count) from the next open
 * on, so that "disk full" can be produced without filling a disk. 0: no cap. */
void              vd_history_worker_set_page_limit (VdHistoryWorker *worker,
                                                    guint            pages);
/* The same through the object. */
void              vd_history_set_page_limit (VdHistory *self,
                                             guint      pages);
/* For the tests: how long the server backend waits after a failed connection before it tries
 * again (0: its default). Before open. */
void              vd_history_worker_set_retry_interval (VdHistoryWorker *worker,
                                                        guint            interval_ms);
void              vd_history_set_server_retry_interval (VdHistory *self,
                                                        guint      interval_ms);
/* Where the thread reports the number of records waiting for the server and whether it is
 * out of reach: vd_history_update_state runs in @context while @owner lives. Call before the
 * first open. */
void              vd_history_worker_set_owner (VdHistoryWorker *worker,
                                               GObject         *owner,
                                               GMainContext    *context);
/* In the owner's context (vd-history.c). */
void              vd_history_update_state     (VdHistory *self,
                                               guint      n_waiting,
                                               gboolean   offline);
/* Overwrites the secret in *@secret with zeros, frees it and sets it to NULL. */
void              vd_history_forget_secret    (char **secret);

/* Stops the thread after what is queued, and closes the database. */
void              vd_history_worker_free   (VdHistoryWorker *worker);

/* In the caller's context: completes the message's task (vd-history.c). */
void              vd_history_message_deliver (VdHistoryMessage *message);

/* --- export (vd-history-csv.c) --- */

/* The header line, and one row of a query selecting VD_HISTORY_RECORD_COLUMNS as a CSV line
 * with its time in @zone (CRLF-terminated), appended to @out. */
void        vd_history_csv_append_header (GString      *out);
void        vd_history_csv_append_row    (GString      *out,
                                          sqlite3_stmt *stmt,
                                          GTimeZone    *zone);

/* Runs in a thread of its own: writes the rows of @query on a reader connection of @path. */
typedef struct {
  char                  *path;
  VdHistoryFilter       *filter;
  char                  *id_hmac;
  GFile                 *file;
  VdHistoryProgressFunc  progress;
  gpointer               progress_data;
  GDestroyNotify         progress_data_free;
  GMainContext          *context;
  char                  *server_uri;       /* the history server, or NULL */
  char                  *server_password;  /* wiped when the export is freed */
} VdHistoryExport;

/* Where an export reads its rows: a SQLite reader, or a PostgreSQL connection. */
typedef gboolean (*VdHistoryRowFunc) (const VdHistoryRow  *row,
                                      gpointer             user_data,
                                      GError             **error);

typedef struct _VdHistoryExportSource VdHistoryExportSource;
struct _VdHistoryExportSource
{
  gboolean (*count)    (VdHistoryExportSource  *source,
                        VdHistoryExport        *export,
                        guint64                *total,
                        GError                **error);
  /* Calls @func for each row, newest first, until it returns FALSE. */
  gboolean (*each_row) (VdHistoryExportSource  *source,
                        VdHistoryExport        *export,
                        VdHistoryRowFunc        func,
                        gpointer                user_data,
                        GError                **error);
  gpointer   data;
};

/* One CSV line from any row (vd_history_csv_append_row reads a SQLite statement). */
void        vd_history_csv_append_reader (GString            *out,
                                          const VdHistoryRow *row,
                                          GTimeZone          *zone);
/* Writes the export of @task (its task data) from @source to FILE.part, then renames it. */
gboolean    vd_history_export_write      (VdHistoryExportSource  *source,
                                          GTask                  *task,
                                          guint64                *written,
                                          GCancellable           *cancellable,
                                          GError                **error);
/* The same from the history server (vd-history-pg.c), on a connection of its own. FALSE with
 * *@unreachable set when the server cannot be reached. */
gboolean    vd_history_pg_export         (GTask         *task,
                                          guint64       *written,
                                          gboolean      *unreachable,
                                          GCancellable  *cancellable,
                                          GError       **error);

void        vd_history_export_free       (VdHistoryExport *export);
void        vd_history_export_thread     (GTask        *task,
                                          gpointer      source_object,
                                          gpointer      task_data,
                                          GCancellable *cancellable);

G_END_DECLS
