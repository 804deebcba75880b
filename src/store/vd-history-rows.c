/* vd-history-rows.c: what both backends share: times, OCR as JSON, reading a row into a record,
 * and the SQL built from a filter
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vd-history"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "vd-history-private.h"

/* --- times --- */

gint64
vd_history_time_to_usec (GDateTime *time)
{
  return g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);
}

GDateTime *
vd_history_time_from_usec (gint64 usec)
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

  cursor.time_us = record->time != NULL ? vd_history_time_to_usec (record->time) : 0;
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

static gboolean
sqlite_is_null (const VdHistoryRow *row,
                int                 column)
{
  return sqlite3_column_type (row->source, column) == SQLITE_NULL;
}

static const char *
sqlite_text (const VdHistoryRow *row,
             int                 column)
{
  return (const char *) sqlite3_column_text (row->source, column);
}

static gint64
sqlite_integer (const VdHistoryRow *row,
                int                 column)
{
  return sqlite3_column_int64 (row->source, column);
}

static double
sqlite_real (const VdHistoryRow *row,
             int                 column)
{
  return sqlite3_column_double (row->source, column);
}

void
vd_history_row_init_sqlite (VdHistoryRow *row,
                            sqlite3_stmt *stmt)
{
  row->is_null = sqlite_is_null;
  row->text = sqlite_text;
  row->integer = sqlite_integer;
  row->real = sqlite_real;
  row->source = stmt;
  row->index = 0;
}

static char *
column_text (const VdHistoryRow *row,
             int                 column)
{
  return g_strdup (row->text (row, column));
}

/* An empty string for what older rows lack and newer code always writes. */
static char *
column_text_or_empty (const VdHistoryRow *row,
                      int                 column)
{
  const char *text = row->text (row, column);

  return g_strdup (text != NULL ? text : "");
}

VdHistoryRecord *
vd_history_record_from_reader (const VdHistoryRow *row)
{
  VdHistoryRecord *record = g_new0 (VdHistoryRecord, 1);
  g_autofree char *ocr = NULL;
  const char *state = row->text (row, 13);
  const char *outcome = row->text (row, 14);

  record->id = row->integer (row, 0);
  record->uuid = column_text_or_empty (row, 1);
  record->time = vd_history_time_from_usec (row->integer (row, 2));
  if (!row->is_null (row, 3))
    record->finished_time = vd_history_time_from_usec (row->integer (row, 3));
  record->operator_name = column_text_or_empty (row, 4);
  record->desk = column_text_or_empty (row, 5);
  record->biz_type = column_text (row, 6);
  record->biz_id = column_text (row, 7);
  record->attempt = (guint) MAX (row->integer (row, 8), 0);
  record->name = column_text (row, 9);
  record->id_number_masked = column_text (row, 10);
  record->id_number_hmac = column_text (row, 11);
  record->id_number_full = column_text (row, 12);
  if (!vd_history_state_from_string (state, &record->state))
    record->state = VD_HISTORY_STATE_INTERRUPTED;
  if (!vd_outcome_from_string (outcome, &record->outcome))
    record->outcome = VD_OUTCOME_UNKNOWN;
  record->has_verify_status = !row->is_null (row, 15);
  record->verify_status = (int) row->integer (row, 15);
  record->has_score = !row->is_null (row, 16);
  record->score = row->real (row, 16);
  record->has_card_face_score = !row->is_null (row, 17);
  record->card_face_score = row->real (row, 17);
  ocr = column_text (row, 18);
  record->ocr = vd_history_ocr_from_json (ocr);
  record->error_code = column_text (row, 19);
  record->error_message = column_text (row, 20);
  record->request_id = column_text (row, 21);
  record->verify_token = column_text (row, 22);
  record->training = row->integer (row, 23) != 0;
  record->desk_id = column_text_or_empty (row, 24);
  return record;
}

VdHistoryRecord *
vd_history_record_from_row (sqlite3_stmt *stmt)
{
  VdHistoryRow row;

  vd_history_row_init_sqlite (&row, stmt);
  return vd_history_record_from_reader (&row);
}

/* --- the desk's identity --- */

#define DESK_ID_FILE_NAME "desk-id"

char *
vd_history_load_desk_id (const char  *folder,
                         GError     **error)
{
  g_autofree char *path = g_build_filename (folder, DESK_ID_FILE_NAME, NULL);
  g_autofree char *contents = NULL;
  g_autofree char *fresh = NULL;
  g_autoptr(GError) local_error = NULL;

  if (g_file_get_contents (path, &contents, NULL, NULL))
    {
      g_strstrip (contents);
      if (g_uuid_string_is_valid (contents))
        return g_steal_pointer (&contents);
      g_message ("The desk identity in %s is not a UUID; a new one replaces it", path);
    }

  fresh = g_uuid_string_random ();
  if (g_mkdir_with_parents (folder, 0700) != 0 ||
      !g_file_set_contents_full (path, fresh, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 &local_error))
    {
      g_set_error (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_OPEN,
                   _("This desk’s identity cannot be kept in %s (%s). Check that the folder "
                     "can be written."), folder,
                   local_error != NULL ? local_error->message : g_strerror (errno));
      return NULL;
    }

  return g_steal_pointer (&fresh);
}

/* --- queries built from a filter --- */

typedef struct {
  gboolean  is_text;
  gint64    number;
  char     *text;
} QueryValue;

struct _VdHistoryQuery
{
  VdHistoryDialect   dialect;
  GString           *sql;
  GArray            *values;
  GPtrArray         *texts;   /* the values as text, built on demand for PostgreSQL */
};

static void
query_value_clear (QueryValue *value)
{
  g_free (value->text);
}

static VdHistoryQuery *
query_new (VdHistoryDialect dialect)
{
  VdHistoryQuery *query = g_new0 (VdHistoryQuery, 1);

  query->dialect = dialect;
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
  g_clear_pointer (&query->texts, g_ptr_array_unref);
  g_free (query);
}

const char *
vd_history_query_get_sql (VdHistoryQuery *query)
{
  return query->sql->str;
}

/* Appends "?N" (or "$N") for a new value. */
static void
query_add_value (VdHistoryQuery *query,
                 QueryValue     *value)
{
  g_array_append_val (query->values, *value);
  g_string_append_printf (query->sql,
                          query->dialect == VD_HISTORY_DIALECT_SQLITE ? "?%u" : "$%u",
                          query->values->len);
}

static void
query_add_number (VdHistoryQuery *query,
                  gint64          number)
{
  QueryValue value = { FALSE, number, NULL };

  query_add_value (query, &value);
}

static void
query_add_text (VdHistoryQuery *query,
                const char     *text)
{
  QueryValue value = { TRUE, 0, g_strdup (text) };

  query_add_value (query, &value);
}

guint
vd_history_query_get_n_values (VdHistoryQuery *query)
{
  return query->values->len;
}

const char **
vd_history_query_get_texts (VdHistoryQuery *query)
{
  if (query->texts == NULL)
    {
      query->texts = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < query->values->len; i++)
        {
          const QueryValue *value = &g_array_index (query->values, QueryValue, i);

          g_ptr_array_add (query->texts,
                           value->is_text ? g_strdup (value->text)
                                          : g_strdup_printf ("%" G_GINT64_FORMAT, value->number));
        }
    }
  return (const char **) query->texts->pdata;
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
  /* CROSS JOIN tells SQLite to start from the pieces; PostgreSQL plans the join itself. */
  if (plan->gram != NULL && query->dialect == VD_HISTORY_DIALECT_SQLITE)
    g_string_append (query->sql,
                     " FROM name_grams AS g CROSS JOIN records AS r ON r.id = g.record_id");
  else if (plan->gram != NULL)
    g_string_append (query->sql, " FROM name_grams AS g JOIN records AS r ON r.id = g.record_id");
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
  g_string_append (query->sql,
                   query->dialect == VD_HISTORY_DIALECT_SQLITE ? " WHERE 1" : " WHERE TRUE");

  if (plan->gram != NULL)
    {
      g_string_append (query->sql, " AND g.gram = ");
      query_add_text (query, plan->gram);
    }
  if (plan->name_key != NULL)
    {
      g_string_append (query->sql, query->dialect == VD_HISTORY_DIALECT_SQLITE
                                   ? " AND instr (r.name_key, " : " AND strpos (r.name_key, ");
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
          query_add_number (query, vd_history_time_to_usec (filter->since));
        }
      if (filter->until != NULL)
        {
          g_string_append_printf (query->sql, " AND %s < ", plan->time_column);
          query_add_number (query, vd_history_time_to_usec (filter->until));
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
  if (cursor != NULL && query->dialect == VD_HISTORY_DIALECT_POSTGRESQL)
    {
      /* A row comparison, which PostgreSQL serves straight from a (time, id) index. */
      g_string_append_printf (query->sql, " AND (%s, %s) < (", plan->time_column,
                              plan->id_column);
      query_add_number (query, cursor->time_us);
      g_string_append (query->sql, "::bigint, ");
      query_add_number (query, cursor->id);
      g_string_append (query->sql, "::bigint)");
    }
  else if (cursor != NULL)
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
  return vd_history_query_new_list_for (VD_HISTORY_DIALECT_SQLITE, filter, id_hmac, cursor,
                                        offset, limit);
}

VdHistoryQuery *
vd_history_query_new_list_for (VdHistoryDialect       dialect,
                               const VdHistoryFilter *filter,
                               const char            *id_hmac,
                               const VdHistoryCursor *cursor,
                               guint                  offset,
                               guint                  limit)
{
  VdHistoryQuery *query = query_new (dialect);
  g_auto(QueryPlan) plan = { NULL, };

  plan_query (&plan, filter, id_hmac);

  g_string_append (query->sql, "SELECT " VD_HISTORY_RECORD_COLUMNS);
  append_from (query, &plan);
  append_where (query, &plan, filter, id_hmac, cursor);
  g_string_append_printf (query->sql, " ORDER BY %s DESC, %s DESC",
                          plan.time_column, plan.id_column);
  if ((limit > 0 || offset > 0) && dialect == VD_HISTORY_DIALECT_SQLITE)
    {
      g_string_append (query->sql, " LIMIT ");
      query_add_number (query, limit > 0 ? (gint64) limit : -1);
      g_string_append (query->sql, " OFFSET ");
      query_add_number (query, offset);
    }
  else if (limit > 0 || offset > 0)
    {
      if (limit > 0)
        {
          g_string_append (query->sql, " LIMIT ");
          query_add_number (query, limit);
        }
      g_string_append (query->sql, " OFFSET ");
      query_add_number (query, offset);
    }

  return query;
}

VdHistoryQuery *
vd_history_query_new_count (const VdHistoryFilter *filter,
                            const char            *id_hmac)
{
  return vd_history_query_new_count_for (VD_HISTORY_DIALECT_SQLITE, filter, id_hmac);
}

VdHistoryQuery *
vd_history_query_new_count_for (VdHistoryDialect       dialect,
                                const VdHistoryFilter *filter,
                                const char            *id_hmac)
{
  VdHistoryQuery *query = query_new (dialect);
  g_auto(QueryPlan) plan = { NULL, };

  plan_query (&plan, filter, id_hmac);

  g_string_append (query->sql, "SELECT count(*)");
  append_from (query, &plan);
  append_where (query, &plan, filter, id_hmac, NULL);
  return query;
}

