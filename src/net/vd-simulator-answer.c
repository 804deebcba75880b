/* vd-simulator-answer.c: the business answers and error bodies of the built-in gateway
 *
 * The answer is derived from the input alone, by the rules in vd-sample-customers.h, so the
 * same customer always gets the same verdict, scores and OCR. Every shape is first built as a
 * JsonNode (JsonBuilder); the XML shapes are written from that same tree, so the JSON and XML
 * answers cannot drift apart.
 *
 * Everything here is wire content that mimics the real service (English messages, Chinese OCR
 * values), so nothing is translated.
 */

#define G_LOG_DOMAIN "vd-simulator"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "vd-id-number.h"
#include "vd-sample-customers.h"
#include "vd-simulator-answer.h"

#define JSON_CONTENT_TYPE "application/json;charset=utf-8"
#define XML_CONTENT_TYPE  "text/xml;charset=utf-8"
#define XML_DECLARATION   "<?xml version='1.0' encoding='UTF-8'?>"
#define HOST_ID           "cloudauth.aliyuncs.com"

/* The capital of each province (by the first two digits of the region code): the card's
 * issuing authority and the city of the OCR address. */
static const struct {
  const char *prefix;
  const char *city;
} capitals[] = {
  { "11", "北京市" }, { "12", "天津市" }, { "13", "石家庄市" }, { "14", "太原市" },
  { "15", "呼和浩特市" }, { "21", "沈阳市" }, { "22", "长春市" }, { "23", "哈尔滨市" },
  { "31", "上海市" }, { "32", "南京市" }, { "33", "杭州市" }, { "34", "合肥市" },
  { "35", "福州市" }, { "36", "南昌市" }, { "37", "济南市" }, { "41", "郑州市" },
  { "42", "武汉市" }, { "43", "长沙市" }, { "44", "广州市" }, { "45", "南宁市" },
  { "46", "海口市" }, { "50", "重庆市" }, { "51", "成都市" }, { "52", "贵阳市" },
  { "53", "昆明市" }, { "54", "拉萨市" }, { "61", "西安市" }, { "62", "兰州市" },
  { "63", "西宁市" }, { "64", "银川市" }, { "65", "乌鲁木齐市" },
};

static const char * const districts[] = { "新城区", "高新区", "滨江区", "城南区", "经济开发区" };
static const char * const streets[] = {
  "文一西路969号", "人民路18号", "中山路102号", "解放大道356号", "建设路27号", "长江路8号",
};
/* Replacements for the last character of a name when the OCR must disagree (status 3). */
static const char * const misread_characters[] = { "明", "华", "伟" };

typedef struct {
  const VdParams *params;
  gboolean        seed;          /* the seed's shapes: strings for numbers, yyyy-MM-dd dates */
  int             status;        /* the verdict, or 3101/3102/3103 */
  double          score;         /* AuthorityComparisonScore, -1 for none */
  gboolean        omit_status;
  guint           hash;          /* from name and number: the same input, the same answer */
  GDateTime      *today;
} AnswerContext;

static const char *
param_or_empty (const VdParams *params,
                const char     *name)
{
  const char *value = vd_params_get (params, name);

  return value != NULL ? value : "";
}

static gboolean
param_is_set (const VdParams *params,
              const char     *name)
{
  const char *value = vd_params_get (params, name);

  return value != NULL && *value != '\0';
}

static char *
new_verify_token (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  GString *token = g_string_sized_new (32);

  for (const char *p = uuid; *p != '\0'; p++)
    if (*p != '-')
      g_string_append_c (token, *p);

  return g_string_free (token, FALSE);
}

static const char *
identity_error_message (int code)
{
  switch (code)
    {
    case 3101:
      return "name not match with identity number.";
    case 3102:
      return "identity number not exist.";
    default:
      return "identity number invalid.";
    }
}

static gboolean
is_identity_error (int status)
{
  return status == 3101 || status == 3102 || status == 3103;
}

/* --- dates on the card --- */

static int
age_on (GDateTime *birth,
        GDateTime *date)
{
  int age = g_date_time_get_year (date) - g_date_time_get_year (birth);

  if (g_date_time_get_month (date) < g_date_time_get_month (birth) ||
      (g_date_time_get_month (date) == g_date_time_get_month (birth) &&
       g_date_time_get_day_of_month (date) < g_date_time_get_day_of_month (birth)))
    age--;

  return age;
}

/* Years a card issued at @age is valid (cloudauth-api.md §6); 0 for long-term. */
static int
validity_years (int age)
{
  if (age < 16)
    return 5;
  if (age <= 25)
    return 10;
  if (age <= 45)
    return 20;
  return 0;
}

static char *
format_card_date (GDateTime *date,
                  gboolean   seed)
{
  return g_date_time_format (date, seed ? "%Y-%m-%d" : "%Y%m%d");
}

/* A card that is valid today: issued one to five years ago (never before birth), with the
 * validity its holder's age at issue gives. */
static void
current_card_dates (const AnswerContext *ctx,
                    GDateTime           *birth,
                    char               **start_date,
                    char               **end_date)
{
  g_autoptr(GDateTime) years_back = g_date_time_add_years (ctx->today,
                                                          -(int) (1 + ctx->hash % 4));
  g_autoptr(GDateTime) issued = g_date_time_add_days (years_back,
                                                     -(int) ((ctx->hash / 4) % 300));
  int years;

  if (g_date_time_compare (issued, birth) < 0)
    {
      g_date_time_unref (issued);
      issued = g_date_time_add_days (birth, 30);
      if (g_date_time_compare (issued, ctx->today) > 0)
        {
          g_date_time_unref (issued);
          issued = g_date_time_ref (ctx->today);
        }
    }

  years = validity_years (age_on (birth, issued));
  *start_date = format_card_date (issued, ctx->seed);
  if (years == 0)
    {
      *end_date = g_strdup ("长期");
    }
  else
    {
      g_autoptr(GDateTime) ends = g_date_time_add_years (issued, years);

      *end_date = format_card_date (ends, ctx->seed);
    }
}

/* A card that ended last month (VerifyStatus 5): the validity period that fits the holder's
 * age at its start. */
static void
expired_card_dates (const AnswerContext *ctx,
                    GDateTime           *birth,
                    char               **start_date,
                    char               **end_date)
{
  static const int periods[] = { 5, 10, 20 };
  g_autoptr(GDateTime) month_ago = g_date_time_add_months (ctx->today, -1);
  int day = g_date_time_get_day_of_month (month_ago);
  g_autoptr(GDateTime) first_of_month = g_date_time_add_days (month_ago, 1 - day);
  g_autoptr(GDateTime) ended = g_date_time_add_days (first_of_month, (int) (ctx->hash % 28));
  g_autoptr(GDateTime) started = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (periods) && started == NULL; i++)
    {
      g_autoptr(GDateTime) candidate = g_date_time_add_years (ended, -periods[i]);

      if (g_date_time_compare (candidate, birth) >= 0 &&
          validity_years (age_on (birth, candidate)) == periods[i])
        started = g_steal_pointer (&candidate);
    }

  /* Someone over 45 today got a long-term card only at 46; an expired one is their older,
   * 20-year card. */
  if (started == NULL)
    started = g_date_time_add_years (ended, -20);

  *start_date = format_card_date (started, ctx->seed);
  *end_date = format_card_date (ended, ctx->seed);
}

/* --- OCR --- */

static const char *
capital_of (const char *region_code)
{
  for (guint i = 0; i < G_N_ELEMENTS (capitals); i++)
    if (strncmp (region_code, capitals[i].prefix, 2) == 0)
      return capitals[i].city;

  return NULL;
}

static char *
ocr_address (const AnswerContext *ctx,
             const char          *region_code)
{
  g_autofree char *prefix = g_strndup (region_code, 2);
  const char *province = vd_id_number_province_name (prefix);
  const char *city = capital_of (region_code);
  const char *district = districts[ctx->hash % G_N_ELEMENTS (districts)];
  const char *street = streets[(ctx->hash / 7) % G_N_ELEMENTS (streets)];

  if (province == NULL)
    province = "";
  if (city == NULL || strcmp (city, province) == 0)
    city = "";

  return g_strconcat (province, city, district, street, NULL);
}

static char *
ocr_authority (const char *region_code)
{
  g_autofree char *prefix = g_strndup (region_code, 2);
  const char *city = capital_of (region_code);

  if (city == NULL)
    city = vd_id_number_province_name (prefix);

  return g_strconcat (city != NULL ? city : "", "公安局", NULL);
}

/* The name as read from the card; for VerifyStatus 3 it differs in its last character. */
static char *
ocr_name (const AnswerContext *ctx,
          const char          *name)
{
  g_autofree char *stem = NULL;
  const char *last;
  const char *replacement = misread_characters[0];

  if (ctx->status != 3 || *name == '\0')
    return g_strdup (name);

  last = g_utf8_find_prev_char (name, name + strlen (name));
  if (last == NULL)
    last = name;
  for (guint i = 0; i < G_N_ELEMENTS (misread_characters); i++)
    if (strcmp (last, misread_characters[i]) != 0)
      {
        replacement = misread_characters[i];
        break;
      }

  stem = g_strndup (name, last - name);
  return g_strconcat (stem, replacement, NULL);
}

/* The number as read from the card; for VerifyStatus 4 one digit of the sequence differs. */
static char *
ocr_number (const AnswerContext  *ctx,
            const VdIdNumberInfo *info)
{
  char *number = g_strdup (info->normalized);

  if (ctx->status == 4)
    number[14] = (char) ('0' + (number[14] - '0' + 1) % 10);

  return number;
}

/* --- building the tree --- */

static void
add_number (JsonBuilder *builder,
            const char  *member,
            double       value,
            gboolean     as_string)
{
  json_builder_set_member_name (builder, member);
  if (as_string)
    {
      char text[G_ASCII_DTOSTR_BUF_SIZE];

      json_builder_add_string_value (builder, g_ascii_dtostr (text, sizeof text, value));
    }
  else if (value == (double) (gint64) value)
    {
      json_builder_add_int_value (builder, (gint64) value);
    }
  else
    {
      json_builder_add_double_value (builder, value);
    }
}

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}

/* The face against the card's portrait: low when they differ (status 6), otherwise close to
 * the authority score. */
static double
id_card_face_score (const AnswerContext *ctx)
{
  if (ctx->status == 6)
    return 41 + ctx->hash % 15;
  if (ctx->score >= 0)
    return MAX (ctx->score - 1 - ctx->hash % 3, 0);
  return 90 + ctx->hash % 10;
}

/* IdCardInfo: the portrait side gives name, number, sex, nationality, birth and address; the
 * emblem side gives the authority and the validity. Only the sides that were sent. */
static void
add_id_card_info (JsonBuilder         *builder,
                  const AnswerContext *ctx)
{
  const char *front_url = param_is_set (ctx->params, "IdCardFrontImageUrl")
                          ? vd_params_get (ctx->params, "IdCardFrontImageUrl") : NULL;
  const char *back_url = param_is_set (ctx->params, "IdCardBackImageUrl")
                         ? vd_params_get (ctx->params, "IdCardBackImageUrl") : NULL;
  const char *name = param_or_empty (ctx->params, "Name");
  VdIdNumberInfo info;
  g_autoptr(GDateTime) birth = NULL;

  if (!vd_id_number_validate (param_or_empty (ctx->params, "IdCardNumber"), ctx->today, &info,
                              NULL))
    return;

  birth = g_date_time_new (g_date_time_get_timezone (ctx->today), (int) info.birth_year,
                           (int) info.birth_month, (int) info.birth_day, 0, 0, 0);

  json_builder_set_member_name (builder, "IdCardInfo");
  json_builder_begin_object (builder);

  if (front_url != NULL)
    add_string (builder, "FrontImageUrl", front_url);
  if (back_url != NULL)
    add_string (builder, "BackImageUrl", back_url);

  if (front_url != NULL)
    {
      g_autofree char *read_name = ocr_name (ctx, name);
      g_autofree char *read_number = ocr_number (ctx, &info);
      g_autofree char *address = ocr_address (ctx, info.region_code);

      add_string (builder, "Name", read_name);
      add_string (builder, "Number", read_number);
      add_string (builder, "Sex", info.sex == VD_SEX_MALE ? "男" : "女");
      add_string (builder, "Nationality", "汉");
      if (!ctx->seed)
        {
          g_autofree char *birth_text = format_card_date (birth, FALSE);

          add_string (builder, "Birth", birth_text);
        }
      add_string (builder, "Address", address);
    }

  if (back_url != NULL)
    {
      g_autofree char *start_date = NULL;
      g_autofree char *end_date = NULL;
      g_autofree char *authority = ocr_authority (info.region_code);

      if (ctx->status == 5)
        expired_card_dates (ctx, birth, &start_date, &end_date);
      else
        current_card_dates (ctx, birth, &start_date, &end_date);

      add_string (builder, "StartDate", start_date);
      add_string (builder, "EndDate", end_date);
      add_string (builder, "Authority", authority);
    }

  json_builder_end_object (builder);
}

static void
add_material (JsonBuilder         *builder,
              const AnswerContext *ctx)
{
  json_builder_set_member_name (builder, "Material");
  json_builder_begin_object (builder);
  add_string (builder, "FaceImageUrl", param_or_empty (ctx->params, "FaceImageUrl"));
  add_string (builder, "IdCardName", param_or_empty (ctx->params, "Name"));
  add_string (builder, "IdCardNumber", param_or_empty (ctx->params, "IdCardNumber"));
  if (!ctx->seed)
    {
      add_string (builder, "FaceQuality", "HIGH");
      add_string (builder, "FaceMask", "false");
    }
  if (param_is_set (ctx->params, "IdCardFrontImageUrl") ||
      param_is_set (ctx->params, "IdCardBackImageUrl"))
    add_id_card_info (builder, ctx);
  json_builder_end_object (builder);
}

/* The verdict's members, in the order the real service and the seed send them. */
static void
add_verdict (JsonBuilder         *builder,
             const AnswerContext *ctx)
{
  g_autofree char *token = new_verify_token ();

  add_string (builder, "VerifyToken", token);
  if (!ctx->omit_status)
    add_number (builder, "VerifyStatus", ctx->status, ctx->seed);

  if (ctx->seed)
    add_material (builder, ctx);

  if (ctx->score >= 0)
    add_number (builder, ctx->seed ? "AuthorityComparisonScore" : "AuthorityComparisionScore",
                ctx->score, ctx->seed);
  if (param_is_set (ctx->params, "IdCardFrontImageUrl"))
    add_number (builder, "IdCardFaceComparisonScore", id_card_face_score (ctx), ctx->seed);

  if (!ctx->seed)
    add_material (builder, ctx);
}

static JsonNode *
build_flat (const AnswerContext *ctx,
            const char          *request_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string (builder, "RequestId", request_id);
  if (is_identity_error (ctx->status) && !ctx->omit_status)
    {
      g_autofree char *code = g_strdup_printf ("%d", ctx->status);

      add_string (builder, "Code", code);
      add_string (builder, "Message", identity_error_message (ctx->status));
    }
  else
    {
      add_verdict (builder, ctx);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* {"VerifyMaterials": {"RequestId", "Data": {…}, "Success": "true", "Code": "200"}}, or with
 * Success "false" and the identity error's Code and Message. */
static JsonNode *
build_seed (const AnswerContext *ctx,
            const char          *request_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "VerifyMaterials");
  json_builder_begin_object (builder);
  add_string (builder, "RequestId", request_id);
  if (is_identity_error (ctx->status) && !ctx->omit_status)
    {
      g_autofree char *code = g_strdup_printf ("%d", ctx->status);

      add_string (builder, "Success", "false");
      add_string (builder, "Code", code);
      add_string (builder, "Message", identity_error_message (ctx->status));
    }
  else
    {
      json_builder_set_member_name (builder, "Data");
      json_builder_begin_object (builder);
      add_verdict (builder, ctx);
      json_builder_end_object (builder);
      add_string (builder, "Success", "true");
      add_string (builder, "Code", "200");
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* --- serialising --- */

static char *
to_json (JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static void
append_xml_value (GString  *xml,
                  JsonNode *node)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *escaped = NULL;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      g_string_append_printf (xml, "%" G_GINT64_FORMAT, json_node_get_int (node));
      break;
    case G_TYPE_DOUBLE:
      g_string_append (xml, g_ascii_dtostr (number, sizeof number, json_node_get_double (node)));
      break;
    case G_TYPE_BOOLEAN:
      g_string_append (xml, json_node_get_boolean (node) ? "true" : "false");
      break;
    default:
      escaped = g_markup_escape_text (json_node_get_string (node), -1);
      g_string_append (xml, escaped);
      break;
    }
}

/* Each member becomes an element of the same name, in the order it was built. */
static void
append_xml_members (GString    *xml,
                    JsonObject *object)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (object, name);

      g_string_append_printf (xml, "<%s>", name);
      if (JSON_NODE_HOLDS_OBJECT (node))
        append_xml_members (xml, json_node_get_object (node));
      else if (JSON_NODE_HOLDS_VALUE (node))
        append_xml_value (xml, node);
      g_string_append_printf (xml, "</%s>", name);
    }
}

static char *
to_xml (const char *root_element,
        JsonObject *members)
{
  GString *xml = g_string_new (XML_DECLARATION);

  g_string_append_printf (xml, "<%s>", root_element);
  append_xml_members (xml, members);
  g_string_append_printf (xml, "</%s>", root_element);

  return g_string_free (xml, FALSE);
}

/* --- public --- */

char *
vd_simulator_answer_build_full (const VdParams        *params,
                                VdAnswerShape          shape,
                                const VdAnswerOptions *options,
                                const char            *request_id,
                                GDateTime             *today,
                                const char           **content_type)
{
  static const VdAnswerOptions no_options = { FALSE, 0, FALSE };
  const char *name = param_or_empty (params, "Name");
  const char *id_number = param_or_empty (params, "IdCardNumber");
  g_autoptr(GTimeZone) china = g_time_zone_new_offset (8 * 3600);
  g_autoptr(GDateTime) local_today = NULL;
  g_autoptr(JsonNode) root = NULL;
  gboolean xml;
  AnswerContext ctx = { 0, };

  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (request_id != NULL, NULL);

  if (options == NULL)
    options = &no_options;

  local_today = today != NULL ? g_date_time_to_timezone (today, china)
                              : g_date_time_new_now (china);

  ctx.params = params;
  ctx.seed = shape != VD_ANSWER_SHAPE_FLAT;
  ctx.today = local_today;
  ctx.hash = g_str_hash (name) * 31 + g_str_hash (id_number);
  ctx.omit_status = options->omit_status;
  ctx.status = vd_sample_rules_outcome (name, id_number, local_today, &ctx.score);
  if (options->forced_status != 0 || options->omit_status)
    {
      ctx.status = options->forced_status != 0 ? options->forced_status : 1;
      if (ctx.score < 0)
        ctx.score = 90 + ctx.hash % 10;
    }

  xml = shape == VD_ANSWER_SHAPE_SEED_XML || options->xml;
  root = ctx.seed ? build_seed (&ctx, request_id) : build_flat (&ctx, request_id);

  if (content_type != NULL)
    *content_type = xml ? XML_CONTENT_TYPE : JSON_CONTENT_TYPE;

  if (!xml)
    return to_json (root);
  if (ctx.seed)
    return to_xml ("VerifyMaterialsResponse",
                   json_object_get_object_member (json_node_get_object (root),
                                                  "VerifyMaterials"));
  return to_xml ("VerifyMaterialResponse", json_node_get_object (root));
}

char *
vd_simulator_answer_build (const VdParams *params,
                           VdAnswerShape   shape,
                           const char     *request_id,
                           GDateTime      *today,
                           const char    **content_type)
{
  return vd_simulator_answer_build_full (params, shape, NULL, request_id, today, content_type);
}

char *
vd_simulator_error_build (const char  *code,
                          const char  *message,
                          const char  *request_id,
                          gboolean     xml,
                          const char **content_type)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *recommend = NULL;

  g_return_val_if_fail (code != NULL, NULL);
  g_return_val_if_fail (message != NULL, NULL);
  g_return_val_if_fail (request_id != NULL, NULL);

  recommend = g_strdup_printf ("https://api.aliyun.com/troubleshoot?q=%s&product=Cloudauth", code);

  json_builder_begin_object (builder);
  add_string (builder, "RequestId", request_id);
  add_string (builder, "HostId", HOST_ID);
  add_string (builder, "Code", code);
  add_string (builder, "Message", message);
  add_string (builder, "Recommend", recommend);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  if (content_type != NULL)
    *content_type = xml ? XML_CONTENT_TYPE : JSON_CONTENT_TYPE;

  return xml ? to_xml ("Error", json_node_get_object (root)) : to_json (root);
}
