/* vd-history-pg.c: the history on a PostgreSQL server shared by many desks, with the desk's
 * own SQLite file as its queue while the server is out of reach
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vd-history"

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <libpq-fe.h>

#include "vd-history-backend.h"
#include "vd-keyring.h"

/* How long a connection attempt may take unless the URI says otherwise, in seconds: the
 * worker waits that long at most before it queues a record locally. */
#define DEFAULT_CONNECT_TIMEOUT_S "5"
/* After a failed attempt, the next one waits this long (the worker retries on its own). */
#define DEFAULT_RETRY_INTERVAL_US (10 * G_USEC_PER_SEC)
/* Any number: the advisory lock that serialises migrations between desks. */
#define MIGRATION_LOCK_KEY "4711200801"

typedef struct
{
  VdHistoryBackend  parent;

  VdHistoryBackend *local;        /* the SQLite queue */
  GPtrArray        *keywords;     /* libpq connection parameters, NULL-terminated… */
  GPtrArray        *values;       /* …and their values; the password is wiped at the end */
  char             *display;      /* the server as messages name it: never the password */
  char             *password;     /* to scrub from the server's messages */
  gint64            retry_interval_us;

  PGconn           *conn;
  gboolean          migrated;     /* this process brought the server's schema up to date */
  gint64            next_attempt_us;
  gboolean          lost;         /* the last call failed because the connection is gone */
} VdHistoryPg;

/* --- connection parameters --- */

static gboolean
is_loopback_host (const char *host)
{
  if (host == NULL || *host == '\0' || host[0] == '/')
    return TRUE;   /* a Unix socket */
  return g_str_equal (host, "localhost") || g_str_has_prefix (host, "127.") ||
         g_str_equal (host, "::1") || g_str_equal (host, "[::1]");
}

/* Every host of a (comma-separated) list is on this machine. */
static gboolean
all_loopback (const char *hosts)
{
  g_auto(GStrv) list = NULL;

  if (hosts == NULL || *hosts == '\0')
    return TRUE;
  list = g_strsplit (hosts, ",", -1);
  for (guint i = 0; list[i] != NULL; i++)
    {
      if (!is_loopback_host (g_strstrip (list[i])))
        return FALSE;
    }
  return TRUE;
}

static void
append_quoted (GString    *out,
               const char *value)
{
  gboolean plain = *value != '\0' && strpbrk (value, " '\\") == NULL;

  if (plain)
    {
      g_string_append (out, value);
      return;
    }
  g_string_append_c (out, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '\'' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
}

/* The parameters of @uri, less its password (returned in @password when it had one), with
 * what the store adds: sslmode=verify-full for a server on another machine unless the URI
 * chose a mode, a connection timeout, and the application's name when @for_connection. */
static gboolean
parse_uri (const char  *uri,
           gboolean     for_connection,
           GPtrArray   *keywords,
           GPtrArray   *values,
           char       **password,
           GError     **error)
{
  PQconninfoOption *options;
  char *parse_error = NULL;
  const char *host = NULL;
  const char *hostaddr = NULL;
  gboolean has_sslmode = FALSE;
  gboolean has_timeout = FALSE;

  options = PQconninfoParse (uri, &parse_error);
  if (options == NULL)
    {
      /* libpq's message may quote the URI, password and all: it is not passed on. */
      PQfreemem (parse_error);
      g_set_error_literal (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_OPEN,
                           _("The history server address is not a valid PostgreSQL URI (such "
                             "as postgresql://desk@db.example.com/verifydesk). Correct it in "
                             "Preferences."));
      return FALSE;
    }

  for (PQconninfoOption *option = options; option->keyword != NULL; option++)
    {
      if (option->val == NULL)
        continue;
      if (g_str_equal (option->keyword, "password"))
        {
          if (password != NULL)
            *password = g_strdup (option->val);
          continue;
        }
      if (g_str_equal (option->keyword, "host"))
        host = option->val;
      else if (g_str_equal (option->keyword, "hostaddr"))
        hostaddr = option->val;
      else if (g_str_equal (option->keyword, "sslmode"))
        has_sslmode = TRUE;
      else if (g_str_equal (option->keyword, "connect_timeout"))
        has_timeout = TRUE;
      g_ptr_array_add (keywords, g_strdup (option->keyword));
      g_ptr_array_add (values, g_strdup (option->val));
    }

  /* Records hold names and ID numbers: they cross a network only encrypted, to a server whose
   * certificate names it. A server on this machine may go without. */
  if (!has_sslmode && !(all_loopback (host) && all_loopback (hostaddr)))
    {
      g_ptr_array_add (keywords, g_strdup ("sslmode"));
      g_ptr_array_add (values, g_strdup ("verify-full"));
    }
  if (for_connection && !has_timeout)
    {
      g_ptr_array_add (keywords, g_strdup ("connect_timeout"));
      g_ptr_array_add (values, g_strdup (DEFAULT_CONNECT_TIMEOUT_S));
    }
  if (for_connection)
    {
      g_ptr_array_add (keywords, g_strdup ("application_name"));
      g_ptr_array_add (values, g_strdup ("verifydesk"));
    }

  PQconninfoFree (options);
  return TRUE;
}

static char *
params_to_string (GPtrArray *keywords,
                  GPtrArray *values)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < keywords->len; i++)
    {
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append_printf (out, "%s=", (const char *) g_ptr_array_index (keywords, i));
      append_quoted (out, g_ptr_array_index (values, i));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
vd_history_server_uri_display (const char  *uri,
                               GError     **error)
{
  g_autoptr(GPtrArray) keywords = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *password = NULL;
  char *display;

  g_return_val_if_fail (uri != NULL, NULL);

  if (!parse_uri (uri, FALSE, keywords, values, &password, error))
    return NULL;
  display = params_to_string (keywords, values);
  vd_history_forget_secret (&password);
  return display;
}

gboolean
vd_history_server_uri_split (const char  *uri,
                             char       **without_password,
                             char       **password,
                             GError     **error)
{
  PQconninfoOption *options;
  char *parse_error = NULL;
  g_autoptr(GPtrArray) keywords = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (uri != NULL, FALSE);
  g_return_val_if_fail (without_password != NULL && password != NULL, FALSE);

  *without_password = NULL;
  *password = NULL;
  if (*uri == '\0')
    {
      *without_password = g_strdup ("");
      return TRUE;
    }

  options = PQconninfoParse (uri, &parse_error);
  if (options == NULL)
    {
      PQfreemem (parse_error);
      g_set_error_literal (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_OPEN,
                           _("The history server address is not a valid PostgreSQL URI (such "
                             "as postgresql://desk@db.example.com/verifydesk). Correct it in "
                             "Preferences."));
      return FALSE;
    }

  /* Only what the user wrote: the store adds its defaults when it connects. */
  for (PQconninfoOption *option = options; option->keyword != NULL; option++)
    {
      if (option->val == NULL)
        continue;
      if (g_str_equal (option->keyword, "password"))
        {
          *password = g_strdup (option->val);
          continue;
        }
      g_ptr_array_add (keywords, g_strdup (option->keyword));
      g_ptr_array_add (values, g_strdup (option->val));
    }
  PQconninfoFree (options);

  *without_password = params_to_string (keywords, values);
  return TRUE;
}

/* --- errors --- */

/* The server's own message, without a trailing line feed and never with the password. */
static char *
server_message (VdHistoryPg *self,
                const char  *message)
{
  g_autofree char *text = g_strstrip (g_strdup (message != NULL ? message : ""));

  if (self->password != NULL && *self->password != '\0' && strstr (text, self->password) != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (text, self->password, -1);

      return g_strjoinv ("***", parts);
    }
  return g_steal_pointer (&text);
}

static GError *
pg_error (VdHistoryPg *self,
          const char  *message,
          const char  *what)
{
  g_autofree char *detail = server_message (self, message);

  return g_error_new (VD_HISTORY_ERROR, VD_HISTORY_ERROR_FAILED,
                      _("The history server (%s) failed while %s: %s."), self->display, what,
                      detail);
}

/* A failure that means the connection is gone: then the record goes to the local queue. */
static gboolean
connection_lost (PGconn   *conn,
                 PGresult *result)
{
  const char *state = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;

  if (PQstatus (conn) != CONNECTION_OK)
    return TRUE;
  /* 08: connection exceptions; 57P0x: the server is shutting down or restarting. */
  return state == NULL || g_str_has_prefix (state, "08") || g_str_has_prefix (state, "57P0");
}

static void
disconnect (VdHistoryPg *self)
{
  g_clear_pointer (&self->conn, PQfinish);
}

/* Runs @sql with @values (text, NULL for NULL). Returns the result on success (to be cleared),
 * or NULL with @error, and self->lost set when the connection went. */
static PGresult *
run (VdHistoryPg        *self,
     const char         *sql,
     int                 n_values,
     const char * const *values,
     const char         *what,
     GError            **error)
{
  PGresult *result;
  ExecStatusType status;

  self->lost = FALSE;
  if (self->conn == NULL)
    {
      self->lost = TRUE;
      g_set_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_FAILED,
                   _("The history server (%s) cannot be reached."), self->display);
      return NULL;
    }

  /* Without values, PQexec, which alone runs several statements (the migrations). Values are
   * never written into the SQL: they go as parameters. */
  if (n_values == 0)
    result = PQexec (self->conn, sql);
  else
    result = PQexecParams (self->conn, sql, n_values, NULL, values, NULL, NULL, 0);
  status = PQresultStatus (result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return result;

  if (connection_lost (self->conn, result))
    {
      self->lost = TRUE;
      g_message ("The history server %s went away: %s", self->display,
                 PQstatus (self->conn) != CONNECTION_OK ? "connection closed" : "shutting down");
      disconnect (self);
    }
  g_propagate_error (error, pg_error (self, PQresultErrorMessage (result), what));
  PQclear (result);
  return NULL;
}

/* run() for a query built by vd-history-query, with its own values. */
static PGresult *
run_query (VdHistoryPg     *self,
           VdHistoryQuery  *query,
           const char      *what,
           GError         **error)
{
  return run (self, vd_history_query_get_sql (query), vd_history_query_get_n_values (query),
              (const char * const *) vd_history_query_get_texts (query), what, error);
}

static gboolean
run_command (VdHistoryPg        *self,
             const char         *sql,
             int                 n_values,
             const char * const *values,
             const char         *what,
             GError            **error)
{
  PGresult *result = run (self, sql, n_values, values, what, error);

  if (result == NULL)
    return FALSE;
  PQclear (result);
  return TRUE;
}

static void
rollback (VdHistoryPg *self)
{
  if (self->conn != NULL && PQtransactionStatus (self->conn) != PQTRANS_IDLE)
    PQclear (PQexec (self->conn, "ROLLBACK"));
}

/* --- rows --- */

static gboolean
pg_is_null (const VdHistoryRow *row,
            int                 column)
{
  return PQgetisnull (row->source, row->index, column);
}

static const char *
pg_text (const VdHistoryRow *row,
         int                 column)
{
  if (PQgetisnull (row->source, row->index, column))
    return NULL;
  return PQgetvalue (row->source, row->index, column);
}

static gint64
pg_integer (const VdHistoryRow *row,
            int                 column)
{
  const char *text = pg_text (row, column);

  if (text == NULL)
    return 0;
  if (g_str_equal (text, "t") || g_str_equal (text, "f"))
    return text[0] == 't';
  return g_ascii_strtoll (text, NULL, 10);
}

static double
pg_real (const VdHistoryRow *row,
         int                 column)
{
  const char *text = pg_text (row, column);

  return text != NULL ? g_ascii_strtod (text, NULL) : 0.0;
}

static void
row_init_pg (VdHistoryRow *row,
             PGresult     *result,
             int           index)
{
  row->is_null = pg_is_null;
  row->text = pg_text;
  row->integer = pg_integer;
  row->real = pg_real;
  row->source = result;
  row->index = index;
}

/* --- schema --- */

/* The same numbered steps as vd-history-migrations.c, in PostgreSQL's words. Indexes end in
 * (time, id) so that a filtered page comes out newest first without sorting. */
static const char pg_schema_v1[] =
  "CREATE TABLE records ("
  "  id BIGSERIAL PRIMARY KEY,"
  "  time BIGINT NOT NULL,"
  "  finished_time BIGINT,"
  "  operator TEXT NOT NULL DEFAULT '',"
  "  desk TEXT NOT NULL DEFAULT '',"
  "  biz_type TEXT NOT NULL DEFAULT '',"
  "  biz_id TEXT NOT NULL DEFAULT '',"
  "  attempt INTEGER NOT NULL DEFAULT 1,"
  "  name TEXT NOT NULL DEFAULT '',"
  "  id_masked TEXT NOT NULL DEFAULT '',"
  "  id_hmac TEXT NOT NULL DEFAULT '',"
  "  id_full TEXT,"
  "  state TEXT NOT NULL DEFAULT 'sent',"
  "  outcome TEXT NOT NULL DEFAULT 'unknown',"
  "  verify_status INTEGER,"
  "  score DOUBLE PRECISION,"
  "  card_face_score DOUBLE PRECISION,"
  "  ocr TEXT,"
  "  error_code TEXT,"
  "  error_message TEXT,"
  "  request_id TEXT,"
  "  verify_token TEXT,"
  "  training INTEGER NOT NULL DEFAULT 0,"
  "  pid BIGINT NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX records_biz_id ON records (biz_id);"
  "CREATE INDEX records_time ON records (time, id);"
  "CREATE TABLE purge_log ("
  "  id BIGSERIAL PRIMARY KEY,"
  "  time BIGINT NOT NULL,"
  "  days INTEGER NOT NULL,"
  "  cutoff BIGINT NOT NULL,"
  "  removed BIGINT NOT NULL"
  ");";

static const char pg_schema_v2[] =
  "ALTER TABLE records ADD COLUMN uuid TEXT;"
  "UPDATE records SET uuid = gen_random_uuid ()::text;"
  "CREATE UNIQUE INDEX records_uuid ON records (uuid);"
  "ALTER TABLE records ADD COLUMN name_key TEXT NOT NULL DEFAULT '';"
  "CREATE TABLE name_grams ("
  "  gram TEXT NOT NULL,"
  "  time BIGINT NOT NULL,"
  "  record_id BIGINT NOT NULL,"
  "  PRIMARY KEY (gram, time, record_id)"
  ");"
  "CREATE INDEX records_hmac ON records (id_hmac, time, id);"
  "CREATE INDEX records_outcome ON records (outcome, time, id);"
  "CREATE INDEX records_operator ON records (operator, time, id);"
  "CREATE INDEX records_sent ON records (pid) WHERE state = 'sent';";

static const char pg_schema_v3[] =
  "ALTER TABLE records ADD COLUMN desk_id TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE records ADD COLUMN forwarded INTEGER NOT NULL DEFAULT 1;"
  "CREATE INDEX records_desk ON records (desk, time, id);"
  "CREATE INDEX records_waiting ON records (id) WHERE forwarded = 0;"
  "CREATE INDEX records_desk_id ON records (desk_id, time);";

static gboolean insert_grams (VdHistoryPg  *self,
                              const char   *name_key,
                              const char   *time,
                              const char   *id,
                              GError      **error);

/* Version 2 on a server that had version 1 rows: fold their names and cut them into pieces,
 * as the SQLite side does. */
static gboolean
pg_fill_name_grams (VdHistoryPg  *self,
                    GError      **error)
{
  const char *what = _("indexing names for search");
  PGresult *rows = run (self, "SELECT id, time, name FROM records", 0, NULL, what, error);
  gboolean ok = rows != NULL;

  for (int i = 0; ok && rows != NULL && i < PQntuples (rows); i++)
    {
      g_autofree char *key = vd_history_name_key (PQgetvalue (rows, i, 2));
      const char *values[] = { key, PQgetvalue (rows, i, 0) };

      ok = run_command (self, "UPDATE records SET name_key = $1 WHERE id = $2", 2, values, what,
                        error) &&
           insert_grams (self, key, PQgetvalue (rows, i, 1), PQgetvalue (rows, i, 0), error);
    }
  g_clear_pointer (&rows, PQclear);
  return ok;
}

typedef struct {
  const char *sql;
  gboolean  (*fill) (VdHistoryPg *self, GError **error);
} PgMigration;

static const PgMigration pg_migrations[] = {
  { pg_schema_v1, NULL },
  { pg_schema_v2, pg_fill_name_grams },
  { pg_schema_v3, NULL },
};

G_STATIC_ASSERT (G_N_ELEMENTS (pg_migrations) == VD_HISTORY_SCHEMA_VERSION);

static gboolean
read_version (VdHistoryPg  *self,
              int          *version,
              GError      **error)
{
  PGresult *result = run (self, "SELECT max (version) FROM schema_version", 0, NULL,
                          _("reading the history’s layout"), error);

  if (result == NULL)
    return FALSE;
  *version = PQgetisnull (result, 0, 0) ? 0 : atoi (PQgetvalue (result, 0, 0));
  PQclear (result);
  return TRUE;
}

/* One step in one transaction, under a lock that other desks migrating at the same moment
 * wait for; the version is read inside it. */
static gboolean
pg_run_step (VdHistoryPg  *self,
             int          *version,
             GError      **error)
{
  const char *what = _("updating the history’s layout");
  char next[16];
  const char *values[1] = { next };

  if (!run_command (self, "BEGIN", 0, NULL, what, error) ||
      !run_command (self, "SELECT pg_advisory_xact_lock (" MIGRATION_LOCK_KEY ")", 0, NULL,
                    what, error) ||
      !run_command (self, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
                    0, NULL, what, error) ||
      !read_version (self, version, error))
    goto failed;

  if (*version >= VD_HISTORY_SCHEMA_VERSION)
    {
      rollback (self);
      if (*version == VD_HISTORY_SCHEMA_VERSION)
        return TRUE;
      g_set_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_TOO_NEW,
                   _("The history server was set up by a newer VerifyDesk (schema version %d; "
                     "this one knows up to %d). Update VerifyDesk to use it."),
                   *version, VD_HISTORY_SCHEMA_VERSION);
      return FALSE;
    }

  g_snprintf (next, sizeof next, "%d", *version + 1);
  if (!run_command (self, pg_migrations[*version].sql, 0, NULL, what, error) ||
      (pg_migrations[*version].fill != NULL && !pg_migrations[*version].fill (self, error)) ||
      !run_command (self, "DELETE FROM schema_version", 0, NULL, what, error) ||
      !run_command (self, "INSERT INTO schema_version (version) VALUES ($1)", 1, values, what,
                    error) ||
      !run_command (self, "COMMIT", 0, NULL, what, error))
    goto failed;

  *version += 1;
  return TRUE;

failed:
  rollback (self);
  return FALSE;
}

static gboolean
pg_migrate (VdHistoryPg  *self,
            GError      **error)
{
  int version = 0;
  int from = -1;

  do
    {
      if (!pg_run_step (self, &version, error))
        return FALSE;
      if (from < 0)
        from = version - 1;
    }
  while (version < VD_HISTORY_SCHEMA_VERSION);

  if (from >= 0 && from < VD_HISTORY_SCHEMA_VERSION - 1)
    g_message ("The history server %s was updated to schema version %d", self->display,
               VD_HISTORY_SCHEMA_VERSION);
  return TRUE;
}

/* This desk's records left "sent" by its processes that have ended. */
static gboolean
pg_mark_interrupted (VdHistoryPg  *self,
                     GError      **error)
{
  const char *what = _("marking interrupted verifications");
  const char *desk_id = vd_history_sqlite_get_desk_id (self->local);
  const char *values[1] = { desk_id };
  PGresult *pids;
  gboolean ok = TRUE;

  pids = run (self, "SELECT DISTINCT pid FROM records WHERE state = 'sent' AND desk_id = $1",
              1, values, what, error);
  if (pids == NULL)
    return FALSE;

  for (int i = 0; ok && i < PQntuples (pids); i++)
    {
      gint64 pid = g_ascii_strtoll (PQgetvalue (pids, i, 0), NULL, 10);
      const char *update_values[2] = { desk_id, PQgetvalue (pids, i, 0) };

      if (pid == getpid () || (pid > 0 && pid <= G_MAXINT && kill ((pid_t) pid, 0) == 0))
        continue;
      ok = run_command (self, "UPDATE records SET state = 'interrupted', outcome = 'unknown' "
                              "WHERE state = 'sent' AND desk_id = $1 AND pid = $2",
                        2, update_values, what, error);
    }
  PQclear (pids);
  return ok;
}

/* --- writing --- */

/* A PostgreSQL array literal of @items: each quoted, quotes and backslashes escaped. */
static char *
array_literal (const char * const *items)
{
  g_autoptr(GString) out = g_string_new ("{");

  for (guint i = 0; items[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, '"');
      for (const char *p = items[i]; *p != '\0'; p++)
        {
          if (*p == '"' || *p == '\\')
            g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
    }
  g_string_append_c (out, '}');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
insert_grams (VdHistoryPg  *self,
              const char   *name_key,
              const char   *time,
              const char   *id,
              GError      **error)
{
  g_auto(GStrv) grams = vd_history_name_grams (name_key);
  g_autofree char *array = array_literal ((const char * const *) grams);
  const char *values[3] = { array, time, id };

  if (grams[0] == NULL)
    return TRUE;
  return run_command (self, "INSERT INTO name_grams (gram, time, record_id) "
                            "SELECT unnest ($1::text[]), $2, $3 ON CONFLICT DO NOTHING",
                      3, values, _("recording the verification"), error);
}

/* The values of a record for INSERT_SQL, as text; freed with the array. */
typedef struct {
  char *texts[27];
} RecordValues;

static void
record_values_clear (RecordValues *values)
{
  for (guint i = 0; i < G_N_ELEMENTS (values->texts); i++)
    g_free (values->texts[i]);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RecordValues, record_values_clear)

static char *
optional_number (gboolean has,
                 double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return has ? g_strdup (g_ascii_dtostr (buffer, sizeof buffer, value)) : NULL;
}

static char *
text_or_empty (const char *text)
{
  return g_strdup (text != NULL ? text : "");
}

static void
fill_values (RecordValues          *values,
             const VdHistoryRecord *record,
             const char            *desk_id,
             gint64                 pid)
{
  char **t = values->texts;

  t[0] = record->uuid != NULL && *record->uuid != '\0' ? g_strdup (record->uuid)
                                                        : g_uuid_string_random ();
  t[1] = g_strdup_printf ("%" G_GINT64_FORMAT, record->time != NULL
                          ? vd_history_time_to_usec (record->time) : g_get_real_time ());
  t[2] = text_or_empty (record->operator_name);
  t[3] = text_or_empty (record->desk);
  t[4] = text_or_empty (record->biz_type);
  t[5] = text_or_empty (record->biz_id);
  t[6] = text_or_empty (record->name);
  t[7] = text_or_empty (record->id_number_masked);
  t[8] = text_or_empty (record->id_number_hmac);
  t[9] = g_strdup (record->id_number_full);
  t[10] = g_strdup (vd_history_state_to_string (record->state));
  t[11] = g_strdup (vd_outcome_to_string (vd_history_record_get_outcome (record)));
  t[12] = record->finished_time != NULL
          ? g_strdup_printf ("%" G_GINT64_FORMAT, vd_history_time_to_usec (record->finished_time))
          : NULL;
  t[13] = record->has_verify_status ? g_strdup_printf ("%d", record->verify_status) : NULL;
  t[14] = optional_number (record->has_score, record->score);
  t[15] = optional_number (record->has_card_face_score, record->card_face_score);
  t[16] = vd_history_ocr_to_json (record->ocr);
  t[17] = g_strdup (record->error_code);
  t[18] = g_strdup (record->error_message);
  t[19] = g_strdup (record->request_id);
  t[20] = g_strdup (record->verify_token);
  t[21] = g_strdup (record->training ? "1" : "0");
  t[22] = g_strdup_printf ("%" G_GINT64_FORMAT, pid);
  t[23] = vd_history_name_key (record->name);
  t[24] = g_strdup (record->desk_id != NULL && *record->desk_id != '\0' ? record->desk_id
                                                                        : desk_id);
}

#define PG_INSERT_SQL \
  "INSERT INTO records (uuid, time, operator, desk, biz_type, biz_id, name, id_masked, " \
  "id_hmac, id_full, state, outcome, finished_time, verify_status, score, card_face_score, " \
  "ocr, error_code, error_message, request_id, verify_token, training, pid, name_key, " \
  "desk_id, attempt) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, " \
  "$15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, " \
  "(SELECT count(*) + 1 FROM records WHERE biz_id = $6))"

#define PG_ANSWER_SQL \
  "state = $2, outcome = $3, finished_time = $4, verify_status = $5, score = $6, " \
  "card_face_score = $7, ocr = $8, error_code = $9, error_message = $10, request_id = $11, " \
  "verify_token = $12"

/* A record from the queue: inserted, or, when the server has its uuid already (an earlier
 * forward that was not marked, or a completion of a record sent while the server was there),
 * completed — never inserted twice. A "sent" copy never undoes a recorded answer. */
#define PG_FORWARD_SQL \
  PG_INSERT_SQL " ON CONFLICT (uuid) DO UPDATE SET " \
  "state = EXCLUDED.state, outcome = EXCLUDED.outcome, finished_time = EXCLUDED.finished_time, " \
  "verify_status = EXCLUDED.verify_status, score = EXCLUDED.score, " \
  "card_face_score = EXCLUDED.card_face_score, ocr = EXCLUDED.ocr, " \
  "error_code = EXCLUDED.error_code, error_message = EXCLUDED.error_message, " \
  "request_id = EXCLUDED.request_id, verify_token = EXCLUDED.verify_token " \
  "WHERE records.state = 'sent' AND EXCLUDED.state <> 'sent' " \
  "RETURNING id, attempt, (xmax = 0) AS inserted"

/* A new record and its name pieces in one statement, so one round trip. */
#define PG_INSERT_WITH_GRAMS_SQL \
  "WITH r AS (" PG_INSERT_SQL " RETURNING id, time, attempt), " \
  "g AS (INSERT INTO name_grams (gram, time, record_id) " \
  "SELECT unnest ($26::text[]), r.time, r.id FROM r ON CONFLICT DO NOTHING) " \
  "SELECT id, attempt, TRUE FROM r"

static void
fill_insert_values (VdHistoryPg           *self,
                    RecordValues          *values,
                    const VdHistoryRecord *record,
                    gint64                 pid)
{
  g_auto(GStrv) grams = NULL;

  fill_values (values, record, vd_history_sqlite_get_desk_id (self->local), pid);
  grams = vd_history_name_grams (values->texts[23]);
  values->texts[25] = array_literal ((const char * const *) grams);
}

/* Inserts @record (in the caller's transaction); @forward: as PG_FORWARD_SQL does. */
static gboolean
pg_insert_record (VdHistoryPg            *self,
                  gboolean                forward,
                  const VdHistoryRecord  *record,
                  gint64                  pid,
                  gint64                 *id,
                  guint                  *attempt,
                  GError                **error)
{
  const char *what = _("recording the verification");
  g_auto(RecordValues) values = { { NULL, } };
  PGresult *result;
  gboolean inserted;
  gboolean ok = TRUE;

  fill_insert_values (self, &values, record, pid);
  result = run (self, forward ? PG_FORWARD_SQL : PG_INSERT_WITH_GRAMS_SQL, forward ? 25 : 26,
                (const char * const *) values.texts, what, error);
  if (result == NULL)
    return FALSE;

  /* A forward that met a finished record on the server changes nothing and returns no row. */
  if (PQntuples (result) == 0)
    {
      PQclear (result);
      return TRUE;
    }

  *id = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  if (attempt != NULL)
    *attempt = (guint) g_ascii_strtoull (PQgetvalue (result, 0, 1), NULL, 10);
  inserted = PQgetvalue (result, 0, 2)[0] == 't';
  if (forward && inserted)
    ok = insert_grams (self, values.texts[23], values.texts[1], PQgetvalue (result, 0, 0), error);
  PQclear (result);
  return ok;
}

/* How many inserts go to the server before their answers are read: their answers (a few dozen
 * bytes each) must fit the socket's buffers, or the server would wait for the client to read
 * while the client waits for the server to take more. */
#define PIPELINE_CHUNK 256

/* Reads the answers of one pipelined chunk up to its sync; FALSE with @error at the first
 * failure. */
static gboolean
read_pipeline_chunk (VdHistoryPg  *self,
                     const char   *what,
                     GError      **error)
{
  gboolean ok = TRUE;

  for (;;)
    {
      PGresult *result = PQgetResult (self->conn);
      ExecStatusType status;

      if (result == NULL)
        {
          if (PQstatus (self->conn) != CONNECTION_OK)
            break;
          continue;   /* the end of one query's answers */
        }
      status = PQresultStatus (result);
      if (status == PGRES_PIPELINE_SYNC)
        {
          PQclear (result);
          return ok;
        }
      if (ok && status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
        {
          if (connection_lost (self->conn, result))
            self->lost = TRUE;
          g_propagate_error (error, pg_error (self, PQresultErrorMessage (result), what));
          ok = FALSE;
        }
      PQclear (result);
    }

  self->lost = TRUE;
  if (ok)
    g_propagate_error (error, pg_error (self, PQerrorMessage (self->conn), what));
  return FALSE;
}

/* Many records in the caller's transaction, sent in pipelined chunks: an import or the
 * benchmark's fill does not wait a round trip per record. */
static gboolean
pg_insert_many (VdHistoryPg  *self,
                GPtrArray    *records,
                GError      **error)
{
  const char *what = _("importing records");
  gboolean ok = TRUE;

  if (!PQenterPipelineMode (self->conn))
    {
      g_propagate_error (error, pg_error (self, PQerrorMessage (self->conn), what));
      return FALSE;
    }

  for (guint first = 0; ok && first < records->len; first += PIPELINE_CHUNK)
    {
      for (guint i = first; ok && i < MIN (records->len, first + PIPELINE_CHUNK); i++)
        {
          g_auto(RecordValues) values = { { NULL, } };

          fill_insert_values (self, &values, g_ptr_array_index (records, i), 0);
          ok = PQsendQueryParams (self->conn, PG_INSERT_WITH_GRAMS_SQL, 26, NULL,
                                  (const char * const *) values.texts, NULL, NULL, 0);
        }
      if (!ok || !PQpipelineSync (self->conn))
        {
          self->lost = PQstatus (self->conn) != CONNECTION_OK;
          g_propagate_error (error, pg_error (self, PQerrorMessage (self->conn), what));
          ok = FALSE;
          break;
        }
      ok = read_pipeline_chunk (self, what, error);
    }

  if (self->lost)
    {
      disconnect (self);
      return FALSE;
    }
  PQexitPipelineMode (self->conn);
  return ok;
}

static gboolean
begin (VdHistoryPg  *self,
       const char   *what,
       GError      **error)
{
  return run_command (self, "BEGIN", 0, NULL, what, error);
}

static gboolean
end (VdHistoryPg  *self,
     gboolean      ok,
     const char   *what,
     GError      **error)
{
  if (ok && run_command (self, "COMMIT", 0, NULL, what, error))
    return TRUE;
  rollback (self);
  return FALSE;
}

/* Sends what the queue holds, oldest first, one record per transaction, each marked forwarded
 * once the server has committed it. A crash between the two sends it again, and its uuid makes
 * that second send change nothing. */
static gboolean
forward_waiting (VdHistoryPg  *self,
                 GError      **error)
{
  const char *what = _("forwarding records to the history server");

  for (;;)
    {
      g_autoptr(VdHistoryRecord) record = NULL;
      gint64 id = 0;
      gboolean ok;

      record = vd_history_sqlite_next_waiting (self->local, error);
      if (record == NULL)
        return error == NULL || *error == NULL;

      ok = begin (self, what, error) &&
           pg_insert_record (self, TRUE, record, 0, &id, NULL, error);
      if (!end (self, ok, what, error))
        return FALSE;
      if (!vd_history_sqlite_mark_forwarded (self->local, record->id, error))
        return FALSE;
    }
}

/* Whether to carry out a message on the server. Connects when not connected and it is time to
 * try; brings the schema up to date once, and sends what waits. FALSE when the server is out
 * of reach (@error is then not set: the local file takes the message) or failed (it is). */
static gboolean
ensure_online (VdHistoryPg  *self,
               GError      **error)
{
  g_autoptr(GError) local_error = NULL;

  if (self->conn == NULL)
    {
      gint64 now = g_get_monotonic_time ();

      if (now < self->next_attempt_us)
        return FALSE;

      self->conn = PQconnectdbParams ((const char * const *) self->keywords->pdata,
                                      (const char * const *) self->values->pdata, 0);
      if (PQstatus (self->conn) != CONNECTION_OK)
        {
          g_autofree char *reason = server_message (self, PQerrorMessage (self->conn));

          g_message ("The history server %s cannot be reached: %s", self->display, reason);
          disconnect (self);
          self->next_attempt_us = now + self->retry_interval_us;
          return FALSE;
        }
      PQsetErrorVerbosity (self->conn, PQERRORS_DEFAULT);
      PQclear (PQexec (self->conn, "SET client_min_messages = warning"));
    }

  if (!self->migrated)
    {
      if (!pg_migrate (self, &local_error) || !pg_mark_interrupted (self, &local_error))
        goto failed;
      self->migrated = TRUE;
    }

  /* A record the server refuses for another reason than its absence stays queued and is
   * tried again later; it must not keep the desk from recording the next ones. */
  if (!forward_waiting (self, &local_error) && !self->lost)
    {
      g_warning ("A record could not be forwarded to the history server; it stays queued: %s",
                 local_error->message);
      return TRUE;
    }
  if (self->lost)
    goto failed;
  return TRUE;

failed:
  if (self->lost)
    {
      self->next_attempt_us = g_get_monotonic_time () + self->retry_interval_us;
      return FALSE;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* --- handlers --- */

static gboolean
pg_open (VdHistoryBackend  *backend,
         VdHistoryMessage  *message,
         GError           **error)
{
  VdHistoryPg *self = (VdHistoryPg *) backend;
  GError *server_error = NULL;

  if (!self->local->klass->open (self->local, message, error))
    return FALSE;

  /* Out of reach is not a failure: the desk records locally until the server returns. A server
   * that answers but refuses (a schema too new, a broken table) is one. */
  self->next_attempt_us = 0;
  if (!ensure_online (self, &server_error) && server_error != NULL)
    {
      g_propagate_error (error, server_error);
      return FALSE;
    }
  return TRUE;
}

/* How a handler ends when the server did not take the message: a server that answered with an
 * error gives that error; otherwise (out of reach, or the connection went) the local handler's
 * answer. */
static gboolean
server_error_or_local (VdHistoryPg       *self,
                       GError           **server_error,
                       VdHistoryHandler   local_handler,
                       VdHistoryMessage  *message,
                       GError           **error)
{
  if (*server_error != NULL && !self->lost)
    {
      g_propagate_error (error, g_steal_pointer (server_error));
      return FALSE;
    }
  return local_handler (self->local, message, error);
}

static gboolean
pg_record_sent (VdHistoryBackend  *backend,
                VdHistoryMessage  *message,
                GError           **error)
{
  VdHistoryPg *self = (VdHistoryPg *) backend;
  const char *what = _("recording the verification");
  g_autoptr(GError) server_error = NULL;
  gboolean ok;

  message->record->state = VD_HISTORY_STATE_SENT;
  message->record->outcome = VD_OUTCOME_UNKNOWN;
  g_clear_pointer (&message->record->finished_time, g_date_time_unref);

  if (ensure_online (self, &server_error))
    {
      ok = begin (self, what, &server_error) &&
           pg_insert_record (self, FALSE, message->record, getpid (),
                             &message->result_id, &message->result_attempt, &server_error);
      if (end (self, ok, what, &server_error))
        return TRUE;
    }
  return server_error_or_local (self, &server_error, self->local->klass->record_sent,
                                message, error);
}

static gboolean
pg_record_finished (VdHistoryBackend  *backend,
                    VdHistoryMessage  *message,
                    GError           **error)
{
  VdHistoryPg *self = (VdHistoryPg *) backend;
  const char *what = _("recording the answer");
  g_autoptr(GError) server_error = NULL;
  g_auto(RecordValues) values = { { NULL, } };
  const VdHistoryRecord *record = message->record;
  gboolean by_uuid = record->uuid != NULL && *record->uuid != '\0';
  const char *answer[12];
  PGresult *result;

  if (ensure_online (self, &server_error))
    {
      /* The record's key, then the answer's eleven values. */
      fill_values (&values, record, vd_history_sqlite_get_desk_id (self->local), 0);
      if (!by_uuid)
        {
          g_free (values.texts[0]);
          values.texts[0] = g_strdup_printf ("%" G_GINT64_FORMAT, message->id);
        }
      answer[0] = values.texts[0];
      memcpy (&answer[1], &values.texts[10], 11 * sizeof (char *));
      result = run (self, by_uuid ? "UPDATE records SET " PG_ANSWER_SQL " WHERE uuid = $1"
                                  : "UPDATE records SET " PG_ANSWER_SQL " WHERE id = $1::bigint",
                    12, answer, what, &server_error);
      if (result != NULL)
        {
          gboolean found = g_strcmp0 (PQcmdTuples (result), "0") != 0;

          PQclear (result);
          if (found)
            return TRUE;
          g_set_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_NOT_FOUND,
                       _("The history has no record %lld to complete: it may have "
                         "been purged."), (long long) message->id);
          return FALSE;
        }
    }
  return server_error_or_local (self, &server_error, self->local->klass->record_finished,
                                message, error);
}

static gboolean
pg_insert (VdHistoryBackend  *backend,
           VdHistoryMessage  *message,
           GError           **error)
{
  VdHistoryPg *self = (VdHistoryPg *) backend;
  const char *what = _("importing records");
  g_autoptr(GError) server_error = NULL;
  gboolean ok;

  if (ensure_online (self, &server_error))
    {
      ok = begin (self, what, &server_error) &&
           pg_insert_many (self, message->records, &server_error);
      if (end (self, ok, what, &server_error))
        return TRUE;
    }
  return server_error_or_local (self, &server_error, self->local->klass->insert,
                                message, error);
}

static gboolean
pg_purge (VdHistoryBackend  *backend,
          VdHistoryMessage  *message,
          GError           **error)
{
  VdHistoryPg *self = (VdHistoryPg *) backend;
  const char *what = _("purging old records");
  g_autoptr(GError) server_error = NULL;
  gint64 now = g_get_real_time ();
  gint64 cutoff = now - (gint64) message->days * G_USEC_PER_SEC * 24 * 3600;
  g_autofree char *cutoff_text = g_strdup_printf ("%" G_GINT64_FORMAT, cutoff);
  g_autofree char *now_text = g_strdup_printf ("%" G_GINT64_FORMAT, now);
  g_autofree char *days_text = g_strdup_printf ("%u", message->days);
  g_autofree char *removed_text = NULL;
  const char *desk_values[2] = { cutoff_text, vd_history_sqlite_get_desk_id (self->local) };
  PGresult *result = NULL;
  gboolean ok;

  /* Each desk purges its own records on the server: its retention is its own setting. */
  if (ensure_online (self, &server_error))
    {
      ok = begin (self, what, &server_error) &&
           run_command (self, "DELETE FROM name_grams AS g USING records AS r "
                              "WHERE r.id = g.record_id AND r.time < $1 AND r.desk_id = $2",
                        2, desk_values, what, &server_error) &&
           (result = run (self, "DELETE FROM records WHERE time < $1 AND desk_id = $2", 2,
                          desk_values, what, &server_error)) != NULL;
      if (ok)
        {
          const char *log_values[4] = { now_text, days_text, cutoff_text, NULL };

          message->result_count = g_ascii_strtoull (PQcmdTuples (result), NULL, 10);
          removed_text = g_strdup_printf ("%" G_GUINT64_FORMAT, message->result_count);
          log_values[3] = removed_text;
          ok = run_command (self, "INSERT INTO purge_log (time, days, cutoff, removed) "
                                  "VALUES ($1, $2, $3, $4)", 4, log_values, what, &server_error);
        }
      g_clear_pointer (&result, PQclear);
      if (end (self, ok, what, &server_error))
        return TRUE;
    }
  return server_error_or_local (self, &server_error, self->local->klass->purge,
                                message, error);
}

static gboolean
pg_get (VdHistoryBackend  *backend,
        VdHistoryMessage  *message,
        GError           **error)
{
  VdHistoryPg *self = (VdHistoryPg *) backend;
  g_autoptr(GError) server_error = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, message->id);
  const char *values[1] = { id };
  PGresult *result;

  if (ensure_online (self, &server_error))
    {
      result = run (self, "SELECT " VD_HISTORY_RECORD_COLUMNS " FROM records AS r "
                          "WHERE r.id = $1", 1, values, _("reading a record"), &server_error);
      if (result != NULL)
        {
          VdHistoryRow row;

          if (PQntuples (result) > 0)
            {
              row_init_pg (&row, result, 0);
              message->result_record = vd_history_record_from_reader (&row);
            }
          PQclear (result);
          if (message->result_record != NULL)
            return TRUE;
          g_set_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_NOT_FOUND,
                       _("The history has no record %lld."), (long long) message->id);
          return FALSE;
        }
    }
  return server_error_or_local (self, &server_error, self->local->klass->get,
                                message, error);
}

static gboolean
pg_list (VdHistoryBackend  *backend,
         VdHistoryMessage  *message,
         GError           **error)
{
  VdHistoryPg *self = (VdHistoryPg *) backend;
  g_autoptr(GError) server_error = NULL;
  g_autoptr(VdHistoryQuery) query = NULL;
  PGresult *result;

  if (ensure_online (self, &server_error))
    {
      query = vd_history_query_new_list_for (VD_HISTORY_DIALECT_POSTGRESQL, message->filter,
                                             message->id_hmac,
                                             message->has_cursor ? &message->cursor : NULL,
                                             message->offset, message->limit);
      result = run_query (self, query, _("listing records"), &server_error);
      if (result != NULL)
        {
          message->result_records =
            g_ptr_array_new_with_free_func ((GDestroyNotify) vd_history_record_free);
          for (int i = 0; i < PQntuples (result); i++)
            {
              VdHistoryRow row;

              row_init_pg (&row, result, i);
              g_ptr_array_add (message->result_records, vd_history_record_from_reader (&row));
            }
          PQclear (result);
          return TRUE;
        }
    }
  return server_error_or_local (self, &server_error, self->local->klass->list,
                                message, error);
}

static gboolean
pg_count (VdHistoryBackend  *backend,
          VdHistoryMessage  *message,
          GError           **error)
{
  VdHistoryPg *self = (VdHistoryPg *) backend;
  g_autoptr(GError) server_error = NULL;
  g_autoptr(VdHistoryQuery) query = NULL;
  PGresult *result;

  if (ensure_online (self, &server_error))
    {
      query = vd_history_query_new_count_for (VD_HISTORY_DIALECT_POSTGRESQL, message->filter,
                                              message->id_hmac);
      result = run_query (self, query, _("counting records"), &server_error);
      if (result != NULL)
        {
          message->result_count = g_ascii_strtoull (PQgetvalue (result, 0, 0), NULL, 10);
          PQclear (result);
          return TRUE;
        }
    }
  return server_error_or_local (self, &server_error, self->local->klass->count,
                                message, error);
}

static gboolean
pg_is_open (VdHistoryBackend *backend)
{
  VdHistoryPg *self = (VdHistoryPg *) backend;

  return self->local->klass->is_open (self->local);
}

static void
pg_idle (VdHistoryBackend *backend)
{
  VdHistoryPg *self = (VdHistoryPg *) backend;
  g_autoptr(GError) error = NULL;

  if (self->conn != NULL || vd_history_sqlite_count_waiting (self->local) == 0)
    return;
  if (!ensure_online (self, &error) && error != NULL)
    g_warning ("Records could not be forwarded to the history server: %s", error->message);
}

static void
pg_get_state (VdHistoryBackend *backend,
              guint            *n_waiting,
              gboolean         *offline)
{
  VdHistoryPg *self = (VdHistoryPg *) backend;

  *n_waiting = vd_history_sqlite_count_waiting (self->local);
  *offline = self->conn == NULL;
}

static const char *
pg_get_desk_id (VdHistoryBackend *backend)
{
  return vd_history_sqlite_get_desk_id (((VdHistoryPg *) backend)->local);
}

static void
wipe_values (GPtrArray *keywords,
             GPtrArray *values)
{
  for (guint i = 0; i < keywords->len; i++)
    {
      if (g_strcmp0 (g_ptr_array_index (keywords, i), "password") == 0)
        {
          char *value = g_ptr_array_index (values, i);

          vd_history_forget_secret (&value);
          g_ptr_array_index (values, i) = NULL;
        }
    }
}

static void
pg_free (VdHistoryBackend *backend)
{
  VdHistoryPg *self = (VdHistoryPg *) backend;

  disconnect (self);
  vd_history_backend_free (self->local);
  wipe_values (self->keywords, self->values);
  g_ptr_array_unref (self->keywords);
  g_ptr_array_unref (self->values);
  g_free (self->display);
  vd_history_forget_secret (&self->password);
  g_free (self);
}

static const VdHistoryBackendClass pg_class = {
  .open = pg_open,
  .record_sent = pg_record_sent,
  .record_finished = pg_record_finished,
  .insert = pg_insert,
  .purge = pg_purge,
  .get = pg_get,
  .list = pg_list,
  .count = pg_count,
  .is_open = pg_is_open,
  .idle = pg_idle,
  .get_state = pg_get_state,
  .get_desk_id = pg_get_desk_id,
  .free = pg_free,
};

/* The connection parameters of @uri with the password to use: @password, else the URI's own,
 * else the keyring's. */
static gboolean
connection_params (const char  *uri,
                   const char  *password,
                   GPtrArray   *keywords,
                   GPtrArray   *values,
                   char       **password_used,
                   char       **display,
                   GError     **error)
{
  g_autofree char *uri_password = NULL;

  if (!parse_uri (uri, FALSE, keywords, values, NULL, error))
    return FALSE;
  *display = params_to_string (keywords, values);
  g_ptr_array_set_size (keywords, 0);
  g_ptr_array_set_size (values, 0);
  parse_uri (uri, TRUE, keywords, values, &uri_password, NULL);

  if (password != NULL)
    *password_used = g_strdup (password);
  else if (uri_password != NULL)
    *password_used = g_strdup (uri_password);
  else
    {
      g_autoptr(GError) keyring_error = NULL;

      *password_used = vd_keyring_lookup_history_password_sync (NULL, &keyring_error);
      if (keyring_error != NULL)
        g_message ("The history server's password could not be read from the keyring: %s",
                   keyring_error->message);
    }
  vd_history_forget_secret (&uri_password);

  if (*password_used != NULL)
    {
      g_ptr_array_add (keywords, g_strdup ("password"));
      g_ptr_array_add (values, g_strdup (*password_used));
    }
  g_ptr_array_add (keywords, NULL);
  g_ptr_array_add (values, NULL);
  return TRUE;
}

VdHistoryBackend *
vd_history_pg_new (const char        *uri,
                   const char        *password,
                   guint              retry_interval_ms,
                   VdHistoryBackend  *local)
{
  VdHistoryPg *self = g_new0 (VdHistoryPg, 1);
  g_autoptr(GError) error = NULL;

  self->parent.klass = &pg_class;
  self->local = local;
  self->keywords = g_ptr_array_new_with_free_func (g_free);
  self->values = g_ptr_array_new_with_free_func (g_free);
  self->retry_interval_us = retry_interval_ms > 0
                            ? (gint64) retry_interval_ms * 1000 : DEFAULT_RETRY_INTERVAL_US;
  if (!connection_params (uri, password, self->keywords, self->values, &self->password,
                          &self->display, &error))
    {
      /* An address libpq cannot read: the desk works from its own file, and says why. */
      g_warning ("%s", error->message);
      self->display = g_strdup ("?");
      g_ptr_array_set_size (self->keywords, 0);
      g_ptr_array_set_size (self->values, 0);
      g_ptr_array_add (self->keywords, g_strdup ("host"));
      g_ptr_array_add (self->values, g_strdup ("invalid.invalid"));
      g_ptr_array_add (self->keywords, NULL);
      g_ptr_array_add (self->values, NULL);
    }
  return &self->parent;
}

/* --- export --- */

static gboolean
export_count (VdHistoryExportSource  *source,
              VdHistoryExport        *export,
              guint64                *total,
              GError                **error)
{
  VdHistoryPg *self = source->data;
  g_autoptr(VdHistoryQuery) query = NULL;
  PGresult *result;

  query = vd_history_query_new_count_for (VD_HISTORY_DIALECT_POSTGRESQL, export->filter,
                                          export->id_hmac);
  result = run_query (self, query, _("counting records to export"), error);
  if (result == NULL)
    return FALSE;
  *total = g_ascii_strtoull (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);
  return TRUE;
}

/* How many rows each FETCH of an export brings: enough that a round trip per batch costs
 * nothing, few enough that a batch is a few megabytes. */
#define EXPORT_BATCH_ROWS "5000"

/* Reads the rows through a cursor, a batch at a time, so that a million records never sit in
 * memory at once and each row costs no allocation of its own. */
static gboolean
export_each_row (VdHistoryExportSource  *source,
                 VdHistoryExport        *export,
                 VdHistoryRowFunc        func,
                 gpointer                user_data,
                 GError                **error)
{
  VdHistoryPg *self = source->data;
  g_autoptr(VdHistoryQuery) query = NULL;
  g_autofree char *declare = NULL;
  const char *what = _("reading records to export");
  gboolean ok = TRUE;
  int n_rows;

  query = vd_history_query_new_list_for (VD_HISTORY_DIALECT_POSTGRESQL, export->filter,
                                         export->id_hmac, NULL, 0, 0);
  declare = g_strconcat ("DECLARE export_rows NO SCROLL CURSOR FOR ",
                         vd_history_query_get_sql (query), NULL);
  if (!run_command (self, declare, vd_history_query_get_n_values (query),
                    (const char * const *) vd_history_query_get_texts (query), what, error))
    return FALSE;

  do
    {
      PGresult *batch = run (self, "FETCH FORWARD " EXPORT_BATCH_ROWS " FROM export_rows", 0,
                             NULL, what, error);
      VdHistoryRow row;

      if (batch == NULL)
        return FALSE;
      n_rows = PQntuples (batch);
      for (int i = 0; ok && i < n_rows; i++)
        {
          row_init_pg (&row, batch, i);
          ok = func (&row, user_data, error);
        }
      PQclear (batch);
    }
  while (ok && n_rows > 0);

  return ok;
}

gboolean
vd_history_pg_export (GTask         *task,
                      guint64       *written,
                      gboolean      *unreachable,
                      GCancellable  *cancellable,
                      GError       **error)
{
  VdHistoryExport *export = g_task_get_task_data (task);
  VdHistoryExportSource source = { export_count, export_each_row, NULL };
  VdHistoryPg *self;
  gboolean ok;

  *unreachable = FALSE;
  self = (VdHistoryPg *) vd_history_pg_new (export->server_uri, export->server_password, 0,
                                            NULL);
  self->conn = PQconnectdbParams ((const char * const *) self->keywords->pdata,
                                  (const char * const *) self->values->pdata, 0);
  if (PQstatus (self->conn) != CONNECTION_OK)
    {
      *unreachable = TRUE;
      g_set_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_FAILED,
                   _("The history server (%s) cannot be reached."), self->display);
      pg_free (&self->parent);
      return FALSE;
    }

  /* One snapshot: the count and the rows see the same records. */
  source.data = self;
  ok = run_command (self, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL,
                    _("exporting"), error) &&
       vd_history_export_write (&source, task, written, cancellable, error);
  rollback (self);
  *unreachable = !ok && self->lost;
  pg_free (&self->parent);
  return ok;
}
