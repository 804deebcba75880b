/* vd-history-migrations.c: the history's schema, one numbered step at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vd-history"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vd-history-private.h"

/* Version 1: the records and the purge log. */
static const char schema_v1[] =
  "CREATE TABLE records ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  time INTEGER NOT NULL,"                     /* microseconds since 1970, UTC */
  "  finished_time INTEGER,"
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
  "  score REAL,"
  "  card_face_score REAL,"
  "  ocr TEXT,"
  "  error_code TEXT,"
  "  error_message TEXT,"
  "  request_id TEXT,"
  "  verify_token TEXT,"
  "  training INTEGER NOT NULL DEFAULT 0,"
  "  pid INTEGER NOT NULL DEFAULT 0"             /* the process that recorded it as sent */
  ");"
  "CREATE INDEX records_biz_id ON records (biz_id);"
  "CREATE INDEX records_time ON records (time);"
  "CREATE TABLE purge_log ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  time INTEGER NOT NULL,"
  "  days INTEGER NOT NULL,"
  "  cutoff INTEGER NOT NULL,"
  "  removed INTEGER NOT NULL"
  ");";

/* Version 2: a uuid per record (for forwarding records elsewhere exactly once), a folded name
 * cut into pieces for substring search, and the indexes that keep every filter fast at a
 * million records: each ends in time so that a filtered page comes out newest first without
 * sorting. The desk and training filters have no index of their own: they are used with a date
 * range (today, at this desk), which the time index serves, and every index costs each insert. */
static const char schema_v2[] =
  "ALTER TABLE records ADD COLUMN uuid TEXT;"
  "UPDATE records SET uuid = vd_uuid ();"
  "CREATE UNIQUE INDEX records_uuid ON records (uuid);"
  "ALTER TABLE records ADD COLUMN name_key TEXT NOT NULL DEFAULT '';"
  "UPDATE records SET name_key = vd_fold (name);"
  "CREATE TABLE name_grams ("
  "  gram TEXT NOT NULL,"
  "  time INTEGER NOT NULL,"
  "  record_id INTEGER NOT NULL,"
  "  PRIMARY KEY (gram, time, record_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX records_hmac ON records (id_hmac, time);"
  "CREATE INDEX records_outcome ON records (outcome, time);"
  "CREATE INDEX records_operator ON records (operator, time);"
  "CREATE INDEX records_sent ON records (pid) WHERE state = 'sent';";

/* Version 3: one history for many desks. Each record names the installation that made it (a
 * UUID, beside the desk's name, which operators may change), and, in a desk's own file used as
 * the queue of a history server, whether it has reached the server yet. Records written before
 * were never meant for a server: they count as forwarded. With many desks in one history, a
 * desk filter without a date range is common enough for an index of its own. */
static const char schema_v3[] =
  "ALTER TABLE records ADD COLUMN desk_id TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE records ADD COLUMN forwarded INTEGER NOT NULL DEFAULT 1;"
  "CREATE INDEX records_desk ON records (desk, time);"
  "CREATE INDEX records_waiting ON records (id) WHERE forwarded = 0;";

/* Cuts the names of the records already there into pieces. */
static gboolean
fill_name_grams (sqlite3  *db,
                 GError  **error)
{
  sqlite3_stmt *select = NULL;
  sqlite3_stmt *insert = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "SELECT id, time, name_key FROM records", -1, &select, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "INSERT OR IGNORE INTO name_grams (gram, time, record_id) "
                                 "VALUES (?1, ?2, ?3)", -1, &insert, NULL);

  while (rc == SQLITE_OK && (rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      g_auto(GStrv) grams = vd_history_name_grams ((const char *) sqlite3_column_text (select, 2));

      rc = SQLITE_OK;
      for (guint i = 0; grams[i] != NULL && rc == SQLITE_OK; i++)
        {
          sqlite3_bind_text (insert, 1, grams[i], -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (insert, 2, sqlite3_column_int64 (select, 1));
          sqlite3_bind_int64 (insert, 3, sqlite3_column_int64 (select, 0));
          rc = sqlite3_step (insert);
          rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
          sqlite3_reset (insert);
        }
    }
  if (rc == SQLITE_DONE)
    rc = SQLITE_OK;
  if (rc != SQLITE_OK)
    g_propagate_error (error, vd_history_sqlite_error (db, rc, _("indexing names for search")));

  sqlite3_finalize (select);
  sqlite3_finalize (insert);
  return rc == SQLITE_OK;
}

typedef struct {
  const char *sql;
  gboolean  (*fill) (sqlite3 *db, GError **error);  /* what SQL alone cannot do, or NULL */
} Migration;

/* Migration i brings the schema from version i to version i + 1. Never change one that has
 * shipped: add the next. */
static const Migration migrations[] = {
  { schema_v1, NULL },
  { schema_v2, fill_name_grams },
  { schema_v3, NULL },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == VD_HISTORY_SCHEMA_VERSION);

guint
vd_history_n_migrations (void)
{
  return G_N_ELEMENTS (migrations);
}

/* --- names --- */

char *
vd_history_name_key (const char *name)
{
  g_autofree char *normalized = NULL;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    return g_strdup ("");

  normalized = g_utf8_normalize (name, -1, G_NORMALIZE_NFKC);
  if (normalized == NULL)
    return g_strdup ("");
  return g_utf8_casefold (normalized, -1);
}

GStrv
vd_history_name_grams (const char *name_key)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) grams = g_ptr_array_new_with_free_func (g_free);
  const char *p;
  guint n_chars = 0;

  if (name_key == NULL)
    name_key = "";

  for (p = name_key; *p != '\0' && n_chars < VD_HISTORY_MAX_GRAM_CHARS; p = g_utf8_next_char (p))
    {
      const char *next = g_utf8_next_char (p);
      char *one = g_strndup (p, next - p);
      char *two = *next != '\0' && n_chars + 1 < VD_HISTORY_MAX_GRAM_CHARS
                  ? g_strndup (p, g_utf8_next_char (next) - p) : NULL;

      n_chars++;
      if (!g_hash_table_contains (seen, one))
        {
          g_hash_table_add (seen, one);
          g_ptr_array_add (grams, one);
        }
      else
        g_free (one);

      if (two != NULL && !g_hash_table_contains (seen, two))
        {
          g_hash_table_add (seen, two);
          g_ptr_array_add (grams, two);
        }
      else
        g_free (two);
    }

  g_ptr_array_add (grams, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&grams), FALSE);
}

char *
vd_history_query_gram (const char *query_key)
{
  glong n_chars;
  const char *start;

  g_return_val_if_fail (query_key != NULL, NULL);

  n_chars = g_utf8_strlen (query_key, -1);
  if (n_chars <= 2)
    return g_strdup (query_key);

  /* Within the part of a name that was cut into pieces. */
  start = g_utf8_offset_to_pointer (query_key, MIN (n_chars, VD_HISTORY_MAX_GRAM_CHARS) - 2);
  return g_strndup (start, g_utf8_next_char (g_utf8_next_char (start)) - start);
}

/* --- SQL functions --- */

static void
sql_fold (sqlite3_context  *context,
          int               argc,
          sqlite3_value   **argv)
{
  char *key = vd_history_name_key ((const char *) sqlite3_value_text (argv[0]));

  sqlite3_result_text (context, key, -1, g_free);
}

static void
sql_uuid (sqlite3_context  *context,
          int               argc,
          sqlite3_value   **argv)
{
  sqlite3_result_text (context, g_uuid_string_random (), -1, g_free);
}

void
vd_history_register_functions (sqlite3 *db)
{
  sqlite3_create_function_v2 (db, "vd_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                              sql_fold, NULL, NULL, NULL);
  sqlite3_create_function_v2 (db, "vd_uuid", 0, SQLITE_UTF8, NULL, sql_uuid, NULL, NULL, NULL);
}

/* --- running them --- */

static int
read_user_version (sqlite3 *db,
                   int     *version)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *version = sqlite3_column_int (stmt, 0);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  return rc;
}

static gboolean
too_new (int       version,
         GError  **error)
{
  g_set_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_TOO_NEW,
               _("The history was written by a newer VerifyDesk (schema version %d; this one "
                 "knows up to %d). Update VerifyDesk to read it."),
               version, VD_HISTORY_SCHEMA_VERSION);
  return FALSE;
}

/* One step in one transaction. Another process may have migrated meanwhile: the version is
 * read again inside the transaction, and *@version says where it now stands. */
static gboolean
run_step (sqlite3  *db,
          int      *version,
          GError  **error)
{
  const Migration *migration;
  g_autofree char *set_version = NULL;
  int rc;

  rc = sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = read_user_version (db, version);
  if (rc != SQLITE_OK)
    goto failed;

  if (*version >= VD_HISTORY_SCHEMA_VERSION)
    {
      sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
      return *version == VD_HISTORY_SCHEMA_VERSION || too_new (*version, error);
    }
  if (*version < 0)
    {
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return too_new (*version, error);
    }

  migration = &migrations[*version];
  rc = sqlite3_exec (db, migration->sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    goto failed;
  if (migration->fill != NULL && !migration->fill (db, error))
    {
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }

  set_version = g_strdup_printf ("PRAGMA user_version = %d", *version + 1);
  rc = sqlite3_exec (db, set_version, NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    goto failed;

  *version += 1;
  return TRUE;

failed:
  g_propagate_error (error, vd_history_sqlite_error (db, rc, _("updating the history’s layout")));
  if (!sqlite3_get_autocommit (db))
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

gboolean
vd_history_migrate (sqlite3  *db,
                    int      *from,
                    GError  **error)
{
  int version = 0;
  int rc;

  rc = read_user_version (db, &version);
  if (rc != SQLITE_OK)
    {
      g_propagate_error (error, vd_history_sqlite_error (db, rc, _("reading the history")));
      return FALSE;
    }
  *from = version;
  if (version > VD_HISTORY_SCHEMA_VERSION || version < 0)
    return too_new (version, error);

  while (version < VD_HISTORY_SCHEMA_VERSION)
    {
      if (!run_step (db, &version, error))
        return FALSE;
    }

  return TRUE;
}
