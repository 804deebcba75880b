/* vd-answer-parser.c: reads the answer of the Cloudauth service, whatever its shape
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vd-answer-parser"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "vd-answer-parser.h"

/* Limits on what a hostile or broken server can make us build. A real answer nests four levels
 * deep and has about thirty elements. */
#define MAX_NESTING_DEPTH  32
#define MAX_XML_ELEMENTS   10000
/* Any field longer than this is cut (at a character boundary): nothing the service sends is
 * legitimately longer, and the texts end up in the history and on screen. */
#define MAX_FIELD_BYTES    4096
/* How much of a bad value an error message quotes. */
#define MAX_QUOTED_CHARS   40

#define UTF8_BOM "\xEF\xBB\xBF"

G_DEFINE_QUARK (vd-answer-error-quark, vd_answer_error)

typedef enum {
  TRISTATE_UNSET,
  TRISTATE_FALSE,
  TRISTATE_TRUE,
} Tristate;

/* Where the fields of an answer may be: the Data object, the seed's wrapper object
 * ({"VerifyMaterials": …} or the XML root), and the top level, searched in this order so that
 * the flat shape, the wrapped one and both with or without Data read alike. */
typedef struct {
  JsonObject *scopes[3];
  guint       n_scopes;
} AnswerScopes;

/* --- texts --- */

/* At most @max_bytes of @text, never cut inside a character; invalid UTF-8 is repaired. */
static char *
dup_utf8_prefix (const char *text,
                 gsize       length,
                 gsize       max_bytes)
{
  if (length > max_bytes)
    {
      length = max_bytes;
      /* Cut before the character that straddles the limit, never inside it. */
      while (length > 0 && ((guchar) text[length] & 0xC0) == 0x80)
        length--;
    }

  if (!g_utf8_validate_len (text, length, NULL))
    return g_utf8_make_valid (text, length);

  return g_strndup (text, length);
}

static char *
dup_field_text (const char *text,
                gsize       length)
{
  return dup_utf8_prefix (text, length, MAX_FIELD_BYTES);
}

/* @text (valid UTF-8) as an error message may quote it: at most MAX_QUOTED_CHARS characters,
 * control characters blanked so that a message stays on one line. */
static char *
quote_value (const char *text)
{
  GString *quoted = g_string_new (NULL);
  const char *p = text;
  guint n_chars = 0;

  while (*p != '\0' && n_chars < MAX_QUOTED_CHARS)
    {
      const char *next = g_utf8_next_char (p);

      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        g_string_append_c (quoted, ' ');
      else
        g_string_append_len (quoted, p, next - p);

      p = next;
      n_chars++;
    }

  if (*p != '\0')
    g_string_append (quoted, "…");

  return g_string_free (quoted, FALSE);
}

static gboolean
is_blank (const char *text)
{
  for (; *text != '\0'; text++)
    {
      if (!g_ascii_isspace (*text))
        return FALSE;
    }

  return TRUE;
}

static char *
format_number (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.15g", value));
}

/* --- reading members --- */

static JsonNode *
scopes_lookup (const AnswerScopes *scopes,
               const char         *key)
{
  for (guint i = 0; i < scopes->n_scopes; i++)
    {
      JsonNode *node = json_object_get_member (scopes->scopes[i], key);

      if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
        return node;
    }

  return NULL;
}

static JsonNode *
object_lookup (JsonObject *object,
               const char *key)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;

  node = json_object_get_member (object, key);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;

  return node;
}

static void
set_not_single_value_error (const char  *field,
                            GError     **error)
{
  g_set_error (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_BAD_VALUE,
               _("The answer's %s is a structure where a single value belongs."), field);
}

/* The text of a scalar: strings as sent (cut to MAX_FIELD_BYTES), numbers and booleans spelled
 * out. A missing node gives NULL; an object or array is an error naming @field. */
static gboolean
node_to_text (JsonNode    *node,
              const char  *field,
              char       **text,
              GError     **error)
{
  *text = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node))
    {
      set_not_single_value_error (field, error);
      return FALSE;
    }

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      {
        const char *value = json_node_get_string (node);

        *text = dup_field_text (value, strlen (value));
      }
      break;

    case G_TYPE_INT64:
      *text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      break;

    case G_TYPE_DOUBLE:
      *text = format_number (json_node_get_double (node));
      break;

    case G_TYPE_BOOLEAN:
      *text = g_strdup (json_node_get_boolean (node) ? "true" : "false");
      break;

    default:
      set_not_single_value_error (field, error);
      return FALSE;
    }

  return TRUE;
}

/* Like node_to_text, without surrounding spaces, and NULL for an empty value: for codes and
 * numbers, where " 3101 " and "3101" mean the same. */
static gboolean
node_to_token (JsonNode    *node,
               const char  *field,
               char       **token,
               GError     **error)
{
  g_autofree char *text = NULL;

  *token = NULL;

  if (!node_to_text (node, field, &text, error))
    return FALSE;

  if (text != NULL && !is_blank (text))
    *token = g_strdup (g_strstrip (text));

  return TRUE;
}

static gboolean
read_text (JsonObject  *object,
           const char  *key,
           const char  *field,
           char       **text,
           GError     **error)
{
  return node_to_text (object_lookup (object, key), field, text, error);
}

/* A boolean sent as true/false or as the strings "true"/"false" (any case). */
static Tristate
node_to_tristate (JsonNode *node)
{
  const char *text;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return TRISTATE_UNSET;

  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node) ? TRISTATE_TRUE : TRISTATE_FALSE;

  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return TRISTATE_UNSET;

  text = json_node_get_string (node);
  while (g_ascii_isspace (*text))
    text++;

  if (g_ascii_strncasecmp (text, "true", 4) == 0 && is_blank (text + 4))
    return TRISTATE_TRUE;
  if (g_ascii_strncasecmp (text, "false", 5) == 0 && is_blank (text + 5))
    return TRISTATE_FALSE;

  return TRISTATE_UNSET;
}

/* --- numbers --- */

static gboolean
parse_verify_status (JsonNode  *node,
                     int       *status,
                     GError   **error)
{
  g_autofree char *text = NULL;
  g_autofree char *quoted = NULL;
  g_autoptr(GError) number_error = NULL;
  gint64 value = 0;

  if (!node_to_text (node, "VerifyStatus", &text, error))
    return FALSE;

  g_assert (text != NULL);
  g_strstrip (text);

  if (json_node_get_value_type (node) != G_TYPE_BOOLEAN
      && g_ascii_string_to_signed (text, 10, G_MININT, G_MAXINT, &value, &number_error))
    {
      *status = (int) value;
      return TRUE;
    }

  /* A whole number sent as 1.0 is still a whole number. */
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      double number = json_node_get_double (node);

      if (number == floor (number) && number >= G_MININT && number <= G_MAXINT)
        {
          *status = (int) number;
          return TRUE;
        }
    }

  quoted = quote_value (text);
  if (number_error != NULL
      && g_error_matches (number_error, G_NUMBER_PARSER_ERROR,
                          G_NUMBER_PARSER_ERROR_OUT_OF_BOUNDS))
    g_set_error (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_BAD_VALUE,
                 _("The answer's VerifyStatus is \"%s\", which is out of range."), quoted);
  else
    g_set_error (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_BAD_VALUE,
                 _("The answer's VerifyStatus is \"%s\", which is not a whole number."), quoted);

  return FALSE;
}

/* Only plain decimal notation: strtod alone would also take "nan", "inf" and hex. */
static gboolean
is_decimal_number (const char *text)
{
  char *end = NULL;

  if (*text == '\0' || strspn (text, "0123456789+-.eE") != strlen (text))
    return FALSE;

  g_ascii_strtod (text, &end);
  return end != text && *end == '\0';
}

/* A score: a number or a numeric string in [0, 100]. An empty value counts as absent: the
 * score is a reference only, and the service leaves it out when it compared nothing. */
static gboolean
parse_score (JsonNode    *node,
             const char  *field,
             gboolean    *has_score,
             double      *score,
             GError     **error)
{
  g_autofree char *text = NULL;
  g_autofree char *quoted = NULL;
  double value;

  *has_score = FALSE;

  if (!node_to_token (node, field, &text, error))
    return FALSE;

  if (text == NULL)
    return TRUE;

  quoted = quote_value (text);

  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN || !is_decimal_number (text))
    {
      g_set_error (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_BAD_VALUE,
                   _("The answer's %s is \"%s\", which is not a number."), field, quoted);
      return FALSE;
    }

  value = g_ascii_strtod (text, NULL);
  if (!isfinite (value) || value < 0.0 || value > 100.0)
    {
      g_set_error (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_BAD_VALUE,
                   _("The answer's %s is \"%s\", which is outside 0–100."), field, quoted);
      return FALSE;
    }

  *has_score = TRUE;
  *score = value;
  return TRUE;
}

/* --- dates --- */

static gboolean
is_ascii_digits (const char *text,
                 gsize       n_digits)
{
  for (gsize i = 0; i < n_digits; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
    }

  return text[n_digits] == '\0';
}

/* yyyyMMdd (the real service) becomes yyyy-MM-dd (the seed); anything else is kept as sent:
 * OCR is display data, and a half-read date is still worth showing. */
static char *
normalise_date (const char *text)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));

  if (is_ascii_digits (trimmed, 8))
    {
      guint year = (trimmed[0] - '0') * 1000 + (trimmed[1] - '0') * 100
                   + (trimmed[2] - '0') * 10 + (trimmed[3] - '0');
      guint month = (trimmed[4] - '0') * 10 + (trimmed[5] - '0');
      guint day = (trimmed[6] - '0') * 10 + (trimmed[7] - '0');

      if (year >= 1 && g_date_valid_dmy (day, month, year))
        return g_strdup_printf ("%04u-%02u-%02u", year, month, day);
    }

  return g_strdup (text);
}

static gboolean
read_date (JsonObject  *object,
           const char  *key,
           const char  *field,
           char       **date,
           GError     **error)
{
  g_autofree char *text = NULL;

  *date = NULL;

  if (!read_text (object, key, field, &text, error))
    return FALSE;

  if (text != NULL && !is_blank (text))
    *date = normalise_date (text);

  return TRUE;
}

/* An end date of 长期 (long-term), 00000000 or empty means the card does not expire. */
static gboolean
read_end_date (JsonObject    *id_card_info,
               VdIdCardInfo  *info,
               GError       **error)
{
  g_autofree char *text = NULL;

  if (!read_text (id_card_info, "EndDate", "IdCardInfo.EndDate", &text, error))
    return FALSE;

  if (text == NULL)
    return TRUE;

  g_strstrip (text);
  if (*text == '\0' || g_str_has_prefix (text, "长期") || strcmp (text, "00000000") == 0)
    info->no_expiry = TRUE;
  else
    info->end_date = normalise_date (text);

  return TRUE;
}

/* --- Material --- */

/* A member that should be an object. An empty value (the XML <Material/>) counts as absent. */
static gboolean
read_object (JsonNode     *node,
             const char   *field,
             JsonObject  **object,
             GError      **error)
{
  *object = NULL;

  if (node == NULL)
    return TRUE;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      *object = json_node_get_object (node);
      return TRUE;
    }

  if (JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == G_TYPE_STRING
      && is_blank (json_node_get_string (node)))
    return TRUE;

  g_set_error (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_BAD_VALUE,
               _("The answer's %s is not a structure of fields."), field);
  return FALSE;
}

static gboolean
id_card_info_is_empty (const VdIdCardInfo *info)
{
  return info->name == NULL && info->number == NULL && info->sex == NULL
         && info->nationality == NULL && info->birth == NULL && info->address == NULL
         && info->authority == NULL && info->start_date == NULL && info->end_date == NULL
         && !info->no_expiry && info->front_image_url == NULL && info->back_image_url == NULL;
}

static gboolean
read_id_card_info (JsonObject     *object,
                   VdIdCardInfo  **info_out,
                   GError        **error)
{
  g_autoptr(VdIdCardInfo) info = vd_id_card_info_new ();

  if (!read_text (object, "Name", "IdCardInfo.Name", &info->name, error)
      || !read_text (object, "Number", "IdCardInfo.Number", &info->number, error)
      || !read_text (object, "Sex", "IdCardInfo.Sex", &info->sex, error)
      || !read_text (object, "Nationality", "IdCardInfo.Nationality", &info->nationality, error)
      || !read_date (object, "Birth", "IdCardInfo.Birth", &info->birth, error)
      || !read_text (object, "Address", "IdCardInfo.Address", &info->address, error)
      || !read_text (object, "Authority", "IdCardInfo.Authority", &info->authority, error)
      || !read_date (object, "StartDate", "IdCardInfo.StartDate", &info->start_date, error)
      || !read_end_date (object, info, error)
      || !read_text (object, "FrontImageUrl", "IdCardInfo.FrontImageUrl",
                     &info->front_image_url, error)
      || !read_text (object, "BackImageUrl", "IdCardInfo.BackImageUrl",
                     &info->back_image_url, error))
    return FALSE;

  if (!id_card_info_is_empty (info))
    *info_out = g_steal_pointer (&info);

  return TRUE;
}

/* "true"/"false" for a recognisable boolean; anything else is kept as sent, for display. */
static gboolean
read_face_mask (JsonNode  *node,
                char     **face_mask,
                GError   **error)
{
  switch (node_to_tristate (node))
    {
    case TRISTATE_TRUE:
      *face_mask = g_strdup ("true");
      return TRUE;

    case TRISTATE_FALSE:
      *face_mask = g_strdup ("false");
      return TRUE;

    case TRISTATE_UNSET:
    default:
      return node_to_token (node, "Material.FaceMask", face_mask, error);
    }
}

static gboolean
read_material (const AnswerScopes  *scopes,
               VdVerifyResult      *result,
               GError             **error)
{
  JsonObject *material = NULL;
  JsonObject *id_card_info = NULL;
  JsonNode *node;

  if (!read_object (scopes_lookup (scopes, "Material"), "Material", &material, error))
    return FALSE;

  if (!read_text (material, "FaceImageUrl", "Material.FaceImageUrl",
                  &result->face_image_url, error)
      || !read_text (material, "IdCardName", "Material.IdCardName",
                     &result->material_name, error)
      || !read_text (material, "IdCardNumber", "Material.IdCardNumber",
                     &result->material_number, error))
    return FALSE;

  /* The real service puts FaceQuality and FaceMask in Material; accept them next to it too. */
  node = object_lookup (material, "FaceQuality");
  if (!node_to_token (node != NULL ? node : scopes_lookup (scopes, "FaceQuality"),
                      "Material.FaceQuality", &result->face_quality, error))
    return FALSE;

  node = object_lookup (material, "FaceMask");
  if (!read_face_mask (node != NULL ? node : scopes_lookup (scopes, "FaceMask"),
                       &result->face_mask, error))
    return FALSE;

  if (!read_object (object_lookup (material, "IdCardInfo"), "Material.IdCardInfo",
                    &id_card_info, error))
    return FALSE;

  if (id_card_info != NULL)
    return read_id_card_info (id_card_info, &result->id_card, error);

  return TRUE;
}

/* --- the kinds of answer --- */

static gboolean
is_identity_code (const char *code)
{
  return g_strcmp0 (code, "3101") == 0
         || g_strcmp0 (code, "3102") == 0
         || g_strcmp0 (code, "3103") == 0;
}

/* The Code the seed's wrapper sends along with a result. */
static gboolean
is_success_code (const char *code)
{
  return g_strcmp0 (code, "200") == 0 || g_ascii_strcasecmp (code, "OK") == 0;
}

static VdVerifyResult *
read_error_answer (guint                http_status,
                   const AnswerScopes  *scopes,
                   char                *code,
                   GError             **error)
{
  VdAnswerKind kind = is_identity_code (code) ? VD_ANSWER_IDENTITY_ERROR
                                              : VD_ANSWER_GATEWAY_ERROR;
  g_autoptr(VdVerifyResult) result = vd_verify_result_new (kind);

  result->http_status = http_status;
  result->code = code;

  if (!node_to_text (scopes_lookup (scopes, "Message"), "Message", &result->message, error)
      || !node_to_text (scopes_lookup (scopes, "Recommend"), "Recommend",
                        &result->recommend, error)
      || !node_to_token (scopes_lookup (scopes, "HostId"), "HostId", &result->host_id, error)
      || !node_to_token (scopes_lookup (scopes, "RequestId"), "RequestId",
                         &result->request_id, error))
    return NULL;

  return g_steal_pointer (&result);
}

static gboolean
read_scores (const AnswerScopes  *scopes,
             VdVerifyResult      *result,
             GError             **error)
{
  /* The seed spells it Comparison, the real service Comparision. */
  static const char * const score_keys[] = {
    "AuthorityComparisonScore",
    "AuthorityComparisionScore",
  };

  for (guint i = 0; i < G_N_ELEMENTS (score_keys); i++)
    {
      gboolean has_score = FALSE;
      double score = 0.0;

      if (!parse_score (scopes_lookup (scopes, score_keys[i]), score_keys[i],
                        &has_score, &score, error))
        return FALSE;

      if (has_score && !result->has_score)
        {
          result->has_score = TRUE;
          result->score = score;
        }
    }

  return parse_score (scopes_lookup (scopes, "IdCardFaceComparisonScore"),
                      "IdCardFaceComparisonScore", &result->has_card_face_score,
                      &result->card_face_score, error);
}

static VdVerifyResult *
read_verdict_answer (guint                http_status,
                     const AnswerScopes  *scopes,
                     JsonNode            *status_node,
                     GError             **error)
{
  g_autoptr(VdVerifyResult) result = vd_verify_result_new (VD_ANSWER_VERDICT);

  result->http_status = http_status;

  if (!parse_verify_status (status_node, &result->verify_status, error)
      || !read_scores (scopes, result, error)
      || !node_to_token (scopes_lookup (scopes, "VerifyToken"), "VerifyToken",
                         &result->verify_token, error)
      || !node_to_token (scopes_lookup (scopes, "RequestId"), "RequestId",
                         &result->request_id, error)
      || !read_material (scopes, result, error))
    return NULL;

  return g_steal_pointer (&result);
}

static void
add_scope (AnswerScopes *scopes,
           JsonObject   *object)
{
  for (guint i = 0; i < scopes->n_scopes; i++)
    {
      if (scopes->scopes[i] == object)
        return;
    }

  g_assert (scopes->n_scopes < G_N_ELEMENTS (scopes->scopes));
  scopes->scopes[scopes->n_scopes++] = object;
}

static JsonObject *
member_object (JsonObject *object,
               const char *key)
{
  JsonNode *node = object_lookup (object, key);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static void
find_scopes (JsonObject   *top,
             AnswerScopes *scopes)
{
  JsonObject *wrapper = member_object (top, "VerifyMaterials");
  JsonObject *data;

  if (wrapper == NULL)
    wrapper = member_object (top, "VerifyMaterial");
  if (wrapper == NULL)
    wrapper = top;

  data = member_object (wrapper, "Data");

  scopes->n_scopes = 0;
  if (data != NULL)
    add_scope (scopes, data);
  add_scope (scopes, wrapper);
  add_scope (scopes, top);
}

static void
set_no_error_code_error (guint    http_status,
                         GError **error)
{
  g_set_error (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_SYNTAX,
               _("The service answered HTTP %u without an error code, so its body is not an "
                 "error report."),
               http_status);
}

/* Decides what a well-formed answer is. Business outcomes come as HTTP 200 with a
 * VerifyStatus; an HTTP error or a refusal in the body carries a Code instead. */
static VdVerifyResult *
interpret_answer (guint        http_status,
                  JsonObject  *top,
                  GError     **error)
{
  AnswerScopes scopes = { { NULL }, 0 };
  g_autofree char *code = NULL;
  JsonNode *status_node;
  Tristate success;

  if (top == NULL)
    {
      if (http_status >= 400)
        set_no_error_code_error (http_status, error);
      else
        g_set_error_literal (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_MISSING_FIELD,
                             _("The answer has no VerifyStatus: it is not a verification result."));
      return NULL;
    }

  find_scopes (top, &scopes);

  if (!node_to_token (scopes_lookup (&scopes, "Code"), "Code", &code, error))
    return NULL;

  status_node = scopes_lookup (&scopes, "VerifyStatus");
  success = node_to_tristate (scopes_lookup (&scopes, "Success"));

  if (http_status >= 400)
    {
      if (code != NULL)
        return read_error_answer (http_status, &scopes, g_steal_pointer (&code), error);

      set_no_error_code_error (http_status, error);
      return NULL;
    }

  if (code != NULL && success == TRISTATE_FALSE)
    return read_error_answer (http_status, &scopes, g_steal_pointer (&code), error);

  if (success == TRISTATE_FALSE)
    {
      g_set_error_literal (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_MISSING_FIELD,
                           _("The answer says the call failed (Success is false) but gives no "
                             "error Code."));
      return NULL;
    }

  if (status_node != NULL)
    return read_verdict_answer (http_status, &scopes, status_node, error);

  if (code != NULL && !is_success_code (code))
    return read_error_answer (http_status, &scopes, g_steal_pointer (&code), error);

  g_set_error_literal (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_MISSING_FIELD,
                       _("The answer has no VerifyStatus: it is not a verification result."));
  return NULL;
}

/* --- JSON --- */

/* The UTF-16 unit of a "\uXXXX" escape at @text (just after the backslash), or -1 when the
 * @length bytes there hold no such escape. */
static int
unicode_escape_at (const char *text,
                   gsize       length)
{
  int unit = 0;

  if (length < 5 || text[0] != 'u')
    return -1;

  for (guint i = 1; i < 5; i++)
    {
      if (!g_ascii_isxdigit (text[i]))
        return -1;
      unit = unit * 16 + g_ascii_xdigit_value (text[i]);
    }

  return unit;
}

#define IS_HIGH_SURROGATE(unit) ((unit) >= 0xD800 && (unit) <= 0xDBFF)
#define IS_LOW_SURROGATE(unit)  ((unit) >= 0xDC00 && (unit) <= 0xDFFF)

/* How many bytes after a backslash in a string its "\\u" escape takes: 5 for a character, 11
 * for a UTF-16 surrogate pair (both escapes); 0 when it is broken: not four hexadecimal digits,
 * or half a surrogate pair without the other half; -1 for an escape other than "\\u". json-glib
 * 1.6.6 reads the four digits unchecked and leaks its string buffer on the surrogate error this
 * can produce (found by fuzz-answer-parser). */
static int
unicode_escape_length (const char *text,
                       gsize       length)
{
  int unit;

  if (length == 0 || text[0] != 'u')
    return -1;

  unit = unicode_escape_at (text, length);
  if (unit < 0 || IS_LOW_SURROGATE (unit))
    return 0;
  if (!IS_HIGH_SURROGATE (unit))
    return 5;
  if (length < 11 || text[5] != '\\' || !IS_LOW_SURROGATE (unicode_escape_at (text + 6,
                                                                              length - 6)))
    return 0;

  return 11;
}

/* json-glib parses recursively: refuse deep nesting before it sees the text. It also reads
 * "{…}{…}" without complaint, so refuse anything after the first value closes. */
static gboolean
check_json_structure (const char  *text,
                      gsize        length,
                      GError     **error)
{
  gboolean in_string = FALSE;
  gboolean escaped = FALSE;
  gboolean closed = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (closed)
        {
          if (g_ascii_isspace (c))
            continue;

          g_set_error_literal (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_SYNTAX,
                               _("The answer is not valid JSON: something follows the end of "
                                 "the object."));
          return FALSE;
        }

      if (in_string)
        {
          if (escaped)
            {
              int escape_length = unicode_escape_length (text + i, length - i);

              escaped = FALSE;
              if (escape_length == 0)
                {
                  g_set_error_literal (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_SYNTAX,
                                       _("The answer is not valid JSON: a \\u escape in a text "
                                         "is not a character (not four hexadecimal digits, or "
                                         "half a UTF-16 surrogate pair)."));
                  return FALSE;
                }
              if (escape_length > 0)
                i += escape_length - 1;
            }
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        {
          in_string = TRUE;
        }
      else if (c == '{' || c == '[')
        {
          if (++depth > MAX_NESTING_DEPTH)
            {
              g_set_error (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_SYNTAX,
                           _("The answer nests deeper than %u levels, which no Cloudauth answer "
                             "does."),
                           MAX_NESTING_DEPTH);
              return FALSE;
            }
        }
      else if ((c == '}' || c == ']') && depth > 0)
        {
          closed = --depth == 0;
        }
    }

  return TRUE;
}

static JsonNode *
parse_json (const char  *text,
            gsize        length,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) json_error = NULL;
  JsonNode *root;

  if (!check_json_structure (text, length, error))
    return NULL;

  if (!json_parser_load_from_data (parser, text, length, &json_error))
    {
      /* json-glib quotes the answer and may cut it inside a character: the message is shown
       * and logged, so it must be valid UTF-8. */
      g_autofree char *reason = g_utf8_make_valid (json_error->message, -1);

      g_set_error (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_SYNTAX,
                   _("The answer is not valid JSON: %s"), reason);
      return NULL;
    }

  root = json_parser_steal_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_clear_pointer (&root, json_node_unref);
      g_set_error_literal (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_SYNTAX,
                           _("The answer is JSON, but not a JSON object."));
      return NULL;
    }

  return root;
}

/* --- XML --- */

/* One open element while the XML is read: its text, or the object of its child elements. */
typedef struct {
  char       *name;
  GString    *text;
  JsonObject *children;
} XmlFrame;

typedef struct {
  GPtrArray *stack;
  guint      n_elements;
  JsonNode  *root;
} XmlBuilder;

static void
xml_frame_free (gpointer data)
{
  XmlFrame *frame = data;

  g_free (frame->name);
  g_string_free (frame->text, TRUE);
  g_clear_pointer (&frame->children, json_object_unref);
  g_free (frame);
}

static void
xml_start_element (GMarkupParseContext  *context,
                   const char           *element_name,
                   const char          **attribute_names,
                   const char          **attribute_values,
                   gpointer              user_data,
                   GError              **error)
{
  XmlBuilder *builder = user_data;
  XmlFrame *frame;

  if (builder->root != NULL)
    {
      g_set_error_literal (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_SYNTAX,
                           _("The answer's XML has more than one root element."));
      return;
    }

  if (++builder->n_elements > MAX_XML_ELEMENTS)
    {
      g_set_error (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_SYNTAX,
                   _("The answer has more than %u XML elements, which no Cloudauth answer has."),
                   MAX_XML_ELEMENTS);
      return;
    }

  if (builder->stack->len >= MAX_NESTING_DEPTH)
    {
      g_set_error (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_SYNTAX,
                   _("The answer nests deeper than %u levels, which no Cloudauth answer does."),
                   MAX_NESTING_DEPTH);
      return;
    }

  frame = g_new0 (XmlFrame, 1);
  frame->name = g_strdup (element_name);
  frame->text = g_string_new (NULL);
  g_ptr_array_add (builder->stack, frame);
}

static void
xml_end_element (GMarkupParseContext  *context,
                 const char           *element_name,
                 gpointer              user_data,
                 GError              **error)
{
  XmlBuilder *builder = user_data;
  XmlFrame *frame = g_ptr_array_steal_index (builder->stack, builder->stack->len - 1);
  JsonNode *node = json_node_alloc ();

  /* An element with children is an object (its own whitespace between them is layout); an
   * element without is a text value. */
  if (frame->children != NULL)
    {
      json_node_init_object (node, frame->children);
    }
  else
    {
      g_strstrip (frame->text->str);
      json_node_init_string (node, frame->text->str);
    }

  if (builder->stack->len == 0)
    {
      builder->root = node;
    }
  else
    {
      XmlFrame *parent = g_ptr_array_index (builder->stack, builder->stack->len - 1);

      if (parent->children == NULL)
        parent->children = json_object_new ();
      json_object_set_member (parent->children, frame->name, node);
    }

  xml_frame_free (frame);
}

static void
xml_text (GMarkupParseContext  *context,
          const char           *text,
          gsize                 text_len,
          gpointer              user_data,
          GError              **error)
{
  XmlBuilder *builder = user_data;
  XmlFrame *frame;

  if (builder->stack->len == 0)
    return;

  frame = g_ptr_array_index (builder->stack, builder->stack->len - 1);
  g_string_append_len (frame->text, text, text_len);
}

static gboolean
has_prefix_ignoring_case (const char *text,
                          gsize       length,
                          const char *prefix)
{
  gsize prefix_length = strlen (prefix);

  return length >= prefix_length && g_ascii_strncasecmp (text, prefix, prefix_length) == 0;
}

/* Comments and <?xml …?> pass; a document type could declare entities, and an answer has
 * no reason to carry one (HTML error pages do). */
static void
xml_passthrough (GMarkupParseContext  *context,
                 const char           *text,
                 gsize                 text_len,
                 gpointer              user_data,
                 GError              **error)
{
  if (has_prefix_ignoring_case (text, text_len, "<!DOCTYPE")
      || has_prefix_ignoring_case (text, text_len, "<!ENTITY"))
    g_set_error_literal (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_SYNTAX,
                         _("The answer's XML declares a document type, which no Cloudauth "
                           "answer does."));
}

static const GMarkupParser xml_parser = {
  xml_start_element,
  xml_end_element,
  xml_text,
  xml_passthrough,
  NULL,
};

static JsonNode *
parse_xml (const char  *text,
           gsize        length,
           GError     **error)
{
  XmlBuilder builder = { g_ptr_array_new_with_free_func (xml_frame_free), 0, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) xml_error = NULL;

  context = g_markup_parse_context_new (&xml_parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &builder, NULL);

  if (g_markup_parse_context_parse (context, text, length, &xml_error))
    g_markup_parse_context_end_parse (context, &xml_error);

  g_ptr_array_unref (builder.stack);

  if (xml_error == NULL && builder.root == NULL)
    {
      g_set_error_literal (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_SYNTAX,
                           _("The answer's XML has no element, only a declaration or comments."));
      return NULL;
    }

  if (xml_error == NULL)
    return builder.root;

  g_clear_pointer (&builder.root, json_node_unref);

  if (xml_error->domain == VD_ANSWER_ERROR)
    g_propagate_error (error, g_steal_pointer (&xml_error));
  else
    {
      /* As for JSON: GMarkup may quote a piece of the answer cut inside a character. */
      g_autofree char *reason = g_utf8_make_valid (xml_error->message, -1);

      g_set_error (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_SYNTAX,
                   _("The answer is not valid XML: %s"), reason);
    }

  return NULL;
}

/* --- the body --- */

static gboolean
check_encoding (const char  *body,
                gsize        length,
                GError     **error)
{
  const char *end = NULL;

  if (memchr (body, '\0', length) != NULL)
    {
      g_set_error_literal (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_ENCODING,
                           _("The answer contains a NUL byte, so it is not text."));
      return FALSE;
    }

  if (!g_utf8_validate_len (body, length, &end))
    {
      g_set_error (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_ENCODING,
                   _("The answer is not valid UTF-8 text (at byte %lu)."),
                   (unsigned long) (end - body));
      return FALSE;
    }

  return TRUE;
}

static JsonNode *
parse_document (const char  *text,
                gsize        length,
                GError     **error)
{
  g_autofree char *start = NULL;
  g_autofree char *quoted = NULL;

  if (text[0] == '{')
    return parse_json (text, length, error);

  if (text[0] == '<')
    return parse_xml (text, length, error);

  start = dup_utf8_prefix (text, length, 4 * MAX_QUOTED_CHARS);
  quoted = quote_value (start);
  g_set_error (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_SYNTAX,
               _("The answer is neither JSON nor XML: it begins with \"%s\"."), quoted);
  return NULL;
}

/* An HTTP error whose body cannot be read: say so with the status, which is then the most
 * useful fact there is. */
static void
prefix_http_status (guint    http_status,
                    GError **error)
{
  if (http_status >= 400 && error != NULL && *error != NULL)
    g_prefix_error (error, _("The service answered HTTP %u, and its body is not an error "
                             "report. "),
                    http_status);
}

VdVerifyResult *
vd_answer_parse (guint         http_status,
                 const char   *body,
                 gsize         length,
                 GError      **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  gsize skipped = 0;

  g_return_val_if_fail (body != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length > 0 && !check_encoding (body, length, error))
    {
      prefix_http_status (http_status, error);
      return NULL;
    }

  if (length >= strlen (UTF8_BOM) && memcmp (body, UTF8_BOM, strlen (UTF8_BOM)) == 0)
    skipped = strlen (UTF8_BOM);
  while (skipped < length && g_ascii_isspace (body[skipped]))
    skipped++;

  if (skipped == length)
    {
      if (http_status >= 400)
        g_set_error (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_EMPTY,
                     _("The service answered HTTP %u with an empty body."), http_status);
      else
        g_set_error_literal (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_EMPTY,
                             _("The answer is empty: the service sent no result."));
      return NULL;
    }

  /* A NUL-terminated copy: the body need not be, and neither parser may read past it. */
  text = g_strndup (body + skipped, length - skipped);
  root = parse_document (text, length - skipped, error);
  if (root == NULL)
    {
      prefix_http_status (http_status, error);
      return NULL;
    }

  return interpret_answer (http_status,
                           JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL,
                           error);
}
