#pragma once

#include <gio/gio.h>

#include "vd-history-record.h"

G_BEGIN_DECLS

/* The history of verifications: an SQLite database in the user data folder
 * ($VERIFYDESK_DATA_DIR when set, else ~/.local/share/verifydesk/history.db), mode 0600, WAL,
 * synchronous=FULL, a busy timeout so that the CLI and the app can use it at once.
 *
 * One worker thread owns the connection (after Epiphany's history service): every call below
 * is a message to it, writes go ahead of reads, each message is one transaction, and the
 * result comes back in the thread-default main context of the caller. Export runs on a
 * connection of its own so that a long export never holds up "record sent".
 *
 * Records are listed newest first: by time, then by id, both descending. */

#define VD_HISTORY_ERROR (vd_history_error_quark ())

typedef enum {
  VD_HISTORY_ERROR_OPEN,       /* the folder or the file cannot be created or opened */
  VD_HISTORY_ERROR_NOT_OPEN,   /* a call before vd_history_open_finish succeeded */
  VD_HISTORY_ERROR_FULL,       /* the disk (or the database's size limit) is full */
  VD_HISTORY_ERROR_READ_ONLY,  /* the file or the file system is read-only */
  VD_HISTORY_ERROR_BUSY,       /* another process held the database past the busy timeout */
  VD_HISTORY_ERROR_CORRUPT,    /* found damaged while in use (at open it is moved aside) */
  VD_HISTORY_ERROR_TOO_NEW,    /* written by a newer VerifyDesk: schema version unknown */
  VD_HISTORY_ERROR_NOT_FOUND,  /* no record with that id */
  VD_HISTORY_ERROR_NO_KEY,     /* an ID-number search without vd_history_set_id_number_key */
  VD_HISTORY_ERROR_FAILED,     /* anything else SQLite or the file system said */
} VdHistoryError;

/* The schema version this build writes (PRAGMA user_version). */
#define VD_HISTORY_SCHEMA_VERSION 3
/* Purge default: records older than this many days. */
#define VD_HISTORY_DEFAULT_RETENTION_DAYS 180
#define VD_HISTORY_FILE_NAME "history.db"

typedef enum {
  VD_HISTORY_TRAINING_ANY,
  VD_HISTORY_TRAINING_ONLY,
  VD_HISTORY_TRAINING_EXCLUDE,
} VdHistoryTrainingFilter;

/* Which records a list, count or export covers. Every criterion is optional; all set ones must
 * hold. Plain data: set the fields directly. */
typedef struct {
  GDateTime               *since;          /* recorded at or after; NULL: no lower bound */
  GDateTime               *until;          /* recorded before; NULL: no upper bound */
  gboolean                 has_outcome;
  VdOutcome                outcome;        /* as vd_history_record_get_outcome reports it */
  char                    *operator_name;  /* exact */
  char                    *desk;           /* exact */
  VdHistoryTrainingFilter  training;
  char                    *name;           /* substring, case-insensitive */
  char                    *id_number;      /* a full ID number, matched through the HMAC */
} VdHistoryFilter;

#define VD_TYPE_HISTORY_FILTER (vd_history_filter_get_type ())

GType            vd_history_filter_get_type (void) G_GNUC_CONST;
VdHistoryFilter *vd_history_filter_new      (void);
VdHistoryFilter *vd_history_filter_copy     (const VdHistoryFilter *self);
void             vd_history_filter_free     (VdHistoryFilter *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdHistoryFilter, vd_history_filter_free)

/* Where a page starts. A GListModel pages through the store by keyset: the first page with
 * NULL, each following one with vd_history_cursor_for_record of the last record it holds, so
 * that page N costs as little as page 1. @offset skips that many more rows after the cursor,
 * for a jump into the middle (a scroll bar dragged): it costs in proportion to the offset. */
typedef struct {
  gint64 time_us;   /* the record's time, microseconds since 1970 UTC */
  gint64 id;
} VdHistoryCursor;

VdHistoryCursor  vd_history_cursor_for_record (const VdHistoryRecord *record);

/* Called in the caller's main context while an export runs. */
typedef void (*VdHistoryProgressFunc) (guint64  rows_written,
                                       guint64  rows_total,
                                       gpointer user_data);

#define VD_TYPE_HISTORY (vd_history_get_type ())
G_DECLARE_FINAL_TYPE (VdHistory, vd_history, VD, HISTORY, GObject)

GQuark      vd_history_error_quark      (void);

/* $VERIFYDESK_DATA_DIR when set and not empty, else g_get_user_data_dir()/verifydesk. */
char       *vd_history_default_folder   (void);
/* @path: the database file; NULL: VD_HISTORY_FILE_NAME in vd_history_default_folder. Starts
 * the worker; nothing touches the file before vd_history_open_async. */
VdHistory  *vd_history_new              (const char *path);
const char *vd_history_get_path         (VdHistory *self);

/* --- a history server shared by many desks --- */

/* Chooses a PostgreSQL server (@uri: a libpq URI or key=value string; NULL or "": none, the
 * SQLite file alone) before vd_history_open_async. The password is @password when not NULL,
 * else the URI's own, else the keyring's (VD_KEYRING_KIND_HISTORY_SERVER); it never appears
 * in a message, a log or an error. A server on another machine is reached with
 * sslmode=verify-full unless the URI sets a mode.
 *
 * The SQLite file at the history's path is then the desk's queue: while the server cannot be
 * reached, records are written there, marked as waiting, and reads (lists, counts, exports)
 * cover the records kept there; once it returns, the waiting records are forwarded in order,
 * each exactly once (by its uuid), by the next call or within seconds by the worker itself. */
void        vd_history_set_server        (VdHistory  *self,
                                          const char *uri,
                                          const char *password);
gboolean    vd_history_has_server        (VdHistory  *self);
/* Holds the store's work — the open, its integrity check and the start-up purge included —
 * for at most @max_ms, or until vd_history_release (): calls queue as usual and are answered
 * once it ends, in order, nothing lost. For an app's start-up, so that the worker does not take
 * a core from the first frame. */
void        vd_history_hold              (VdHistory  *self,
                                          guint       max_ms);
void        vd_history_release           (VdHistory  *self);
/* After open: this installation's identity (a UUID kept in the history's folder), written
 * into every record it makes beside the desk's name. */
const char *vd_history_get_desk_id       (VdHistory  *self);
/* The "n-waiting" property: records waiting to be sent to the server. */
guint       vd_history_get_n_waiting     (VdHistory  *self);
/* The "offline" property: a server is chosen and cannot be reached now, so that reads cover
 * only this desk's own records. */
gboolean    vd_history_get_offline       (VdHistory  *self);

/* @uri as messages show it: key=value pairs without the password, with the sslmode the store
 * will use. NULL with @error when libpq cannot read it. */
char       *vd_history_server_uri_display (const char  *uri,
                                           GError     **error);
/* Splits what the user typed into what Preferences keeps in settings (the same parameters
 * without the password, as key=value pairs; "" for "") and the password for the keyring
 * (NULL when it had none). */
gboolean    vd_history_server_uri_split   (const char  *uri,
                                           char       **without_password,
                                           char       **password,
                                           GError     **error);

/* The key that turns a full ID number in a filter into its HMAC (VD_HISTORY_KEY_LENGTH bytes).
 * Without it, a filter with an ID number fails with VD_HISTORY_ERROR_NO_KEY. */
void        vd_history_set_id_number_key (VdHistory *self,
                                          GBytes    *key);

/* Creates the folder (0700) and the file (0600) when missing, checks integrity, migrates the
 * schema, and marks records left "sent" by processes that have ended as INTERRUPTED. A damaged
 * file is moved aside as history-YYYYMMDD-HHMMSS.corrupt beside it (with its -wal and -shm)
 * and a fresh one started: the finish function still succeeds, and
 * vd_history_get_moved_aside_path tells where the old one went. */
void        vd_history_open_async       (VdHistory           *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean    vd_history_open_finish      (VdHistory     *self,
                                         GAsyncResult  *result,
                                         GError       **error);
/* After open: where a damaged file was moved, or NULL. */
const char *vd_history_get_moved_aside_path (VdHistory *self);
/* After open: how many records this open found interrupted (left "sent" by an ended run). */
guint       vd_history_get_n_interrupted    (VdHistory *self);
/* After open: one or two sentences for the operator about what open had to do (a damaged
 * file moved aside, interrupted records), or NULL when there is nothing to say. */
const char *vd_history_get_open_message     (VdHistory *self);

/* Writes @record (state SENT, outcome UNKNOWN) and returns its id, with the attempt number it
 * got (submissions of its BizId so far, this one included) in @attempt (may be NULL). Call it
 * before the request leaves: when it fails (disk full, read-only…) the request must not be
 * sent. */
void        vd_history_record_sent_async   (VdHistory             *self,
                                            const VdHistoryRecord *record,
                                            GCancellable          *cancellable,
                                            GAsyncReadyCallback    callback,
                                            gpointer               user_data);
gint64      vd_history_record_sent_finish  (VdHistory     *self,
                                            GAsyncResult  *result,
                                            guint         *attempt,
                                            GError       **error);

/* Completes record @id with the answer held in @record (its state, outcome, status, scores,
 * OCR, codes, RequestId, VerifyToken and finished_time; the rest is not changed). */
void        vd_history_record_finished_async  (VdHistory             *self,
                                               gint64                 id,
                                               const VdHistoryRecord *record,
                                               GCancellable          *cancellable,
                                               GAsyncReadyCallback    callback,
                                               gpointer               user_data);
gboolean    vd_history_record_finished_finish (VdHistory     *self,
                                               GAsyncResult  *result,
                                               GError       **error);

/* Writes @records (VdHistoryRecord, any state) as they are, in one transaction: an import, and
 * the benchmark's fill. Each gets its attempt number as record_sent would give it. */
void        vd_history_insert_records_async  (VdHistory           *self,
                                              GPtrArray           *records,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean    vd_history_insert_records_finish (VdHistory     *self,
                                              GAsyncResult  *result,
                                              GError       **error);

/* One record. */
void             vd_history_get_async   (VdHistory           *self,
                                         gint64               id,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
VdHistoryRecord *vd_history_get_finish  (VdHistory     *self,
                                         GAsyncResult  *result,
                                         GError       **error);

/* Up to @limit records (0: no limit) matching @filter (NULL: all), newest first, starting after
 * @cursor (NULL: from the newest) and @offset more rows. Returns a GPtrArray of VdHistoryRecord
 * (freed with the array); an empty array past the end. At a million records a page of 50
 * takes well under a millisecond in the worker, whatever the filter. */
void        vd_history_list_async       (VdHistory             *self,
                                         const VdHistoryFilter *filter,
                                         const VdHistoryCursor *cursor,
                                         guint                  offset,
                                         guint                  limit,
                                         GCancellable          *cancellable,
                                         GAsyncReadyCallback    callback,
                                         gpointer               user_data);
GPtrArray  *vd_history_list_finish      (VdHistory     *self,
                                         GAsyncResult  *result,
                                         GError       **error);

/* How many records match @filter (NULL: all). It visits every match: at a million records
 * about 30 ms for all, up to 150 ms for a broad name or outcome filter. */
void        vd_history_count_async      (VdHistory             *self,
                                         const VdHistoryFilter *filter,
                                         GCancellable          *cancellable,
                                         GAsyncReadyCallback    callback,
                                         gpointer               user_data);
gboolean    vd_history_count_finish     (VdHistory     *self,
                                         GAsyncResult  *result,
                                         guint64       *count,
                                         GError       **error);

/* Writes every record matching @filter, newest first, to @file as CSV: UTF-8 with a BOM so
 * that spreadsheets read Chinese names, RFC 4180 quoting, and cells that begin with = + - @,
 * a tab or a carriage return prefixed with ' so that no spreadsheet runs them as formulas.
 * @progress (may be NULL) is called in the caller's context now and then. Cancelling removes
 * the partial file. Returns the number of rows written in @rows (may be NULL). */
void        vd_history_export_async     (VdHistory             *self,
                                         const VdHistoryFilter *filter,
                                         GFile                 *file,
                                         VdHistoryProgressFunc  progress,
                                         gpointer               progress_data,
                                         GDestroyNotify         progress_data_free,
                                         GCancellable          *cancellable,
                                         GAsyncReadyCallback    callback,
                                         gpointer               user_data);
gboolean    vd_history_export_finish    (VdHistory     *self,
                                         GAsyncResult  *result,
                                         guint64       *rows,
                                         GError       **error);

/* Removes records recorded more than @days days before now (0: VD_HISTORY_DEFAULT_RETENTION_DAYS)
 * and logs the purge (time, days, cutoff, rows removed) in the purge_log table, even when it
 * removed nothing. */
void        vd_history_purge_async      (VdHistory           *self,
                                         guint                days,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean    vd_history_purge_finish     (VdHistory     *self,
                                         GAsyncResult  *result,
                                         guint64       *removed,
                                         GError       **error);

/* --- CSV (vd-history-csv.c), public for the tests --- */

/* One cell as the export writes it: neutralised, then quoted when it holds a comma, a quote,
 * a CR or a LF. */
char       *vd_history_csv_cell         (const char *text);

G_END_DECLS
