/* fuzz-history-csv.c: libFuzzer target for the CSV export's rows
 *
 * The input is cut at NUL bytes into the values of one history row: the text columns first,
 * then the numbers (as text, read leniently; an empty number is NULL where the column may be
 * NULL). The row goes through vd_history_csv_append_row as the export writes it, and the line
 * that comes out must parse back (RFC 4180) into the same cells, except that every cell a
 * spreadsheet would run as a formula — one that begins with = + - @, a tab or a CR — has a
 * ' in front. No cell of the output may begin with one of those.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "vd-fuzz.h"
#include "vd-history-private.h"
#include "vd-outcome.h"

#define N_COLUMNS 24
#define N_CELLS   20

/* The columns of VD_HISTORY_RECORD_COLUMNS that hold text, in the order the fields fill them. */
static const int text_columns[] = { 1, 4, 5, 6, 7, 9, 10, 12, 13, 14, 19, 20, 21, 22 };

static sqlite3 *db;
static sqlite3_stmt *row;
static GTimeZone *zone;

static gboolean
is_formula_start (char c)
{
  return c != '\0' && strchr ("=+-@\t\r", c) != NULL;
}

static char *
neutralised (const char *text)
{
  if (text == NULL)
    return g_strdup ("");
  return is_formula_start (text[0]) ? g_strconcat ("'", text, NULL) : g_strdup (text);
}

/* One line of RFC 4180 CSV ending in CRLF, from *@p; NULL when it is not well-formed. */
static GPtrArray *
parse_csv_line (const char **p)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  const char *s = *p;

  for (;;)
    {
      g_autoptr(GString) cell = g_string_new (NULL);

      if (*s == '"')
        {
          s++;
          for (;;)
            {
              if (*s == '\0')
                return NULL;
              if (*s == '"' && s[1] == '"')
                {
                  g_string_append_c (cell, '"');
                  s += 2;
                }
              else if (*s == '"')
                {
                  s++;
                  break;
                }
              else
                {
                  g_string_append_c (cell, *s++);
                }
            }
        }
      else
        {
          while (*s != '\0' && *s != ',' && *s != '\r' && *s != '\n')
            {
              if (*s == '"')
                return NULL;
              g_string_append_c (cell, *s++);
            }
        }

      g_ptr_array_add (cells, g_string_free (g_steal_pointer (&cell), FALSE));
      if (*s == ',')
        {
          s++;
          continue;
        }
      if (s[0] == '\r' && s[1] == '\n')
        {
          *p = s + 2;
          return g_steal_pointer (&cells);
        }
      return NULL;
    }
}

static gint64
number_field (GPtrArray *fields,
              guint      index,
              gboolean  *present)
{
  const char *text = index < fields->len ? g_ptr_array_index (fields, index) : "";

  *present = text[0] != '\0';
  return g_ascii_strtoll (text, NULL, 10);
}

static double
double_field (GPtrArray *fields,
              guint      index,
              gboolean  *present)
{
  const char *text = index < fields->len ? g_ptr_array_index (fields, index) : "";

  *present = text[0] != '\0';
  return g_ascii_strtod (text, NULL);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  char sql[N_COLUMNS * 6 + 16] = "SELECT ?1";

  vd_fuzz_init ();
  for (int i = 2; i <= N_COLUMNS; i++)
    g_snprintf (sql + strlen (sql), sizeof sql - strlen (sql), ",?%d", i);

  if (sqlite3_open (":memory:", &db) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, sql, -1, &row, NULL) != SQLITE_OK)
    {
      fprintf (stderr, "could not prepare the row: %s\n", sqlite3_errmsg (db));
      abort ();
    }
  zone = g_time_zone_new_identifier ("Asia/Shanghai");
  if (zone == NULL)
    zone = g_time_zone_new_utc ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) fields = vd_fuzz_split (data, size, '\0');
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) cells = NULL;
  char *expected[N_CELLS] = { NULL, };
  const char *text[N_COLUMNS] = { NULL, };
  guint next = 0;
  gboolean present;
  gint64 time_usec, attempt, status;
  double score, card_face_score;
  gboolean has_status, has_score, has_card_face_score, training;
  const char *p;

  for (guint i = 0; i < G_N_ELEMENTS (text_columns); i++, next++)
    if (next < fields->len)
      text[text_columns[i]] = g_ptr_array_index (fields, next);

  time_usec = number_field (fields, next++, &present);
  attempt = number_field (fields, next++, &present);
  status = number_field (fields, next++, &has_status);
  score = double_field (fields, next++, &has_score);
  card_face_score = double_field (fields, next++, &has_card_face_score);
  training = number_field (fields, next++, &present) != 0;

  sqlite3_reset (row);
  sqlite3_clear_bindings (row);
  for (int column = 0; column < N_COLUMNS; column++)
    if (text[column] != NULL)
      sqlite3_bind_text (row, column + 1, text[column], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (row, 1, 1);
  sqlite3_bind_int64 (row, 3, time_usec);
  sqlite3_bind_int64 (row, 9, attempt);
  if (has_status)
    sqlite3_bind_int64 (row, 16, status);
  if (has_score)
    sqlite3_bind_double (row, 17, score);
  if (has_card_face_score)
    sqlite3_bind_double (row, 18, card_face_score);
  sqlite3_bind_int (row, 24, training);
  VD_FUZZ_CHECK (sqlite3_step (row) == SQLITE_ROW);

  vd_history_csv_append_header (out);
  vd_history_csv_append_row (out, row, zone);
  VD_FUZZ_CHECK (g_str_has_suffix (out->str, "\r\n"));

  /* What each cell must read back as, from what SQLite hands over (it may turn a double it
   * cannot store, such as NaN, into NULL). */
  expected[1] = neutralised (text[4]);
  expected[2] = neutralised (text[5]);
  expected[3] = neutralised (text[6]);
  expected[4] = neutralised (text[7]);
  {
    g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, attempt);

    expected[5] = neutralised (number);
  }
  expected[6] = neutralised (text[9]);
  expected[7] = neutralised (text[10]);
  expected[8] = neutralised (text[12]);
  expected[9] = neutralised (text[13]);
  expected[10] = neutralised (g_strcmp0 (text[13], "finished") == 0
                              ? text[14] : vd_outcome_to_string (VD_OUTCOME_UNKNOWN));
  if (sqlite3_column_type (row, 15) != SQLITE_NULL)
    {
      g_autofree char *number = g_strdup_printf ("%d", sqlite3_column_int (row, 15));

      expected[11] = neutralised (number);
    }
  for (int cell = 12, column = 16; cell <= 13; cell++, column++)
    if (sqlite3_column_type (row, column) != SQLITE_NULL)
      {
        char buffer[G_ASCII_DTOSTR_BUF_SIZE];

        expected[cell] = neutralised (g_ascii_formatd (buffer, sizeof buffer, "%.10g",
                                                       sqlite3_column_double (row, column)));
      }
  expected[14] = neutralised (text[19]);
  expected[15] = neutralised (text[20]);
  expected[16] = neutralised (text[21]);
  expected[17] = neutralised (text[22]);
  expected[18] = g_strdup (training ? "true" : "false");
  expected[19] = neutralised (text[1]);

  p = out->str;
  cells = parse_csv_line (&p);
  VD_FUZZ_CHECK (cells != NULL && cells->len == N_CELLS);
  g_clear_pointer (&cells, g_ptr_array_unref);
  cells = parse_csv_line (&p);
  VD_FUZZ_CHECK (cells != NULL);
  VD_FUZZ_CHECK (*p == '\0');
  VD_FUZZ_CHECK (cells->len == N_CELLS);

  for (guint i = 0; i < N_CELLS; i++)
    {
      const char *cell = g_ptr_array_index (cells, i);

      VD_FUZZ_CHECK (!is_formula_start (cell[0]));
      if (i > 0)
        VD_FUZZ_CHECK (strcmp (cell, expected[i] != NULL ? expected[i] : "") == 0);
    }

  for (guint i = 0; i < N_CELLS; i++)
    g_free (expected[i]);

  sqlite3_reset (row);
  return 0;
}
