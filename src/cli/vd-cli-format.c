#define G_LOG_DOMAIN "verifydesk-cli"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "vd-cli.h"
#include "vd-id-number.h"
#include "vd-verify-status.h"

#define METER_WIDTH 50

/* Column of @value on a scale METER_WIDTH columns wide. */
static int
meter_column (double value)
{
  return (int) lround (CLAMP (value, 0, 100) * METER_WIDTH / 100.0);
}

char *
vd_cli_format_meter (double score)
{
  g_autofree gunichar *scale = g_new (gunichar, METER_WIDTH + 1);
  GString *meter = g_string_new ("0 ");
  guint n_bands;
  const VdScoreBand *bands = vd_score_thresholds (&n_bands);

  /* The scale line: rules with each threshold's number written where it stands. */
  for (int column = 0; column <= METER_WIDTH; column++)
    scale[column] = 0x2500; /* ─ */
  for (guint i = 0; i < n_bands; i++)
    {
      int column = meter_column (bands[i].threshold);
      char digits[8];

      g_snprintf (digits, sizeof digits, "%.0f", bands[i].threshold);
      for (int d = 0; digits[d] != '\0' && column + d <= METER_WIDTH; d++)
        scale[column + d] = (gunichar) digits[d];
    }
  for (int column = 0; column <= METER_WIDTH; column++)
    g_string_append_unichar (meter, scale[column]);
  g_string_append (meter, " 100\n  ");

  /* The marker line: an arrow under the score, the same two-column indent as "0 ". */
  for (int column = 0; column < meter_column (score); column++)
    g_string_append_c (meter, ' ');
  g_string_append (meter, "\u25b2 ");
  if (score == floor (score))
    g_string_append_printf (meter, "%.0f", score);
  else
    g_string_append_printf (meter, "%.1f", floor (score * 10) / 10);

  return g_string_free (meter, FALSE);
}

char *
vd_cli_pad_to_width (const char *text,
                     guint       width)
{
  GString *padded = g_string_new (text);
  guint columns = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    columns += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  while (columns++ < width)
    g_string_append_c (padded, ' ');

  return g_string_free (padded, FALSE);
}

static void
append_field (GString    *text,
              const char *label,
              const char *value)
{
  g_autofree char *padded = NULL;

  if (value == NULL || *value == '\0')
    return;

  padded = vd_cli_pad_to_width (label, 16);
  g_string_append_printf (text, "  %s %s\n", padded, value);
}

static void
append_scores (GString              *text,
               const VdVerifyResult *result)
{
  g_autofree char *description = NULL;
  g_autofree char *meter = NULL;
  g_auto(GStrv) meter_lines = NULL;
  g_autoptr(GString) thresholds = g_string_new (NULL);
  guint n_bands;
  const VdScoreBand *bands = vd_score_thresholds (&n_bands);

  if (!result->has_score)
    {
      g_string_append_printf (text, "%s\n", _("Score: the service sent no face-comparison score."));
      return;
    }

  description = vd_score_describe (result->score);
  meter = vd_cli_format_meter (result->score);
  meter_lines = g_strsplit (meter, "\n", -1);
  for (guint i = 0; i < n_bands; i++)
    g_string_append_printf (thresholds, "%s%.0f → %s", i > 0 ? ", " : "",
                            bands[i].threshold, bands[i].far_text);

  g_string_append_printf (text, _("Score: %s"), description);
  g_string_append_c (text, '\n');
  for (char **line = meter_lines; *line != NULL; line++)
    g_string_append_printf (text, "  %s\n", *line);
  g_string_append (text, "  ");
  /* TRANSLATORS: %s lists the thresholds and their false-accept rates. */
  g_string_append_printf (text, _("Thresholds (false-accept rate): %s"), thresholds->str);
  g_string_append_c (text, '\n');
  if (result->has_card_face_score)
    {
      g_autofree char *card = vd_score_describe (result->card_face_score);

      g_string_append_printf (text, _("Face vs card portrait: %s"), card);
      g_string_append_c (text, '\n');
    }
  g_string_append_printf (text, "  %s\n",
                          _("The score is a reference only: the VerifyStatus is the verdict."));
}

static void
append_ocr (GString            *text,
            const VdIdCardInfo *card)
{
  g_autofree char *masked = NULL;
  g_autofree char *validity = NULL;

  if (card == NULL)
    {
      g_string_append_printf (text, "%s\n",
                              _("ID card (OCR): none — the card photos were not sent or not read."));
      return;
    }

  masked = card->number != NULL ? vd_id_number_mask (card->number) : NULL;
  if (card->start_date != NULL || card->end_date != NULL || card->no_expiry)
    validity = g_strdup_printf ("%s – %s",
                                card->start_date != NULL ? card->start_date : "?",
                                card->no_expiry ? _("no expiry (长期)")
                                                : (card->end_date != NULL ? card->end_date : "?"));

  g_string_append_printf (text, "%s\n", _("ID card (OCR):"));
  append_field (text, _("Name"), card->name);
  append_field (text, _("ID number"), masked);
  append_field (text, _("Sex"), card->sex);
  append_field (text, _("Ethnicity"), card->nationality);
  append_field (text, _("Birth date"), card->birth);
  append_field (text, _("Address"), card->address);
  append_field (text, _("Issued by"), card->authority);
  append_field (text, C_("ID card", "Valid"), validity);
}

/* The error's own words say more than the verdict (the address, the cause) unless the verdict
 * already quotes them. */
static gboolean
error_adds_detail (const VdVerification *verification)
{
  const char *message = verification->error != NULL ? verification->error->message : NULL;

  return message != NULL && *message != '\0'
         && strstr (verification->verdict->explanation, message) == NULL;
}

char *
vd_cli_format_text (const VdVerification *verification)
{
  GString *text = g_string_new (NULL);
  const VdVerdict *verdict = verification->verdict;
  const VdVerifyResult *result = verification->result;
  g_autofree char *masked = vd_id_number_mask (verification->request->id_number);

  if (verification->training)
    g_string_append_printf (text, "%s\n", _("Training mode: results are simulated."));

  g_string_append_printf (text, "%s — %s\n", verdict->title, verification->request->name);
  g_string_append_printf (text, "  %s\n", verdict->explanation);
  if (error_adds_detail (verification))
    {
      g_string_append (text, "  ");
      /* TRANSLATORS: %s is the failure in full: which address, what went wrong. */
      g_string_append_printf (text, _("Details: %s"), verification->error->message);
      g_string_append_c (text, '\n');
    }
  g_string_append (text, "  ");
  g_string_append_printf (text, _("Next step: %s"), verdict->next_step);
  g_string_append_c (text, '\n');

  if (result != NULL && result->kind == VD_ANSWER_VERDICT)
    {
      append_scores (text, result);
      append_ocr (text, result->id_card);
    }

  g_string_append_printf (text, "%s\n", _("Task:"));
  append_field (text, _("ID number"), masked);
  append_field (text, "BizId", verification->request->biz_id);
  if (result != NULL)
    {
      append_field (text, "RequestId", result->request_id);
      append_field (text, "VerifyToken", result->verify_token);
    }

  return g_string_free (text, FALSE);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_score (JsonBuilder *builder,
           const char  *name,
           gboolean     present,
           double       value)
{
  json_builder_set_member_name (builder, name);
  if (present)
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_ocr (JsonBuilder        *builder,
         const VdIdCardInfo *card)
{
  g_autofree char *masked = NULL;

  json_builder_set_member_name (builder, "ocr");
  if (card == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }

  masked = card->number != NULL ? vd_id_number_mask (card->number) : NULL;
  json_builder_begin_object (builder);
  add_string (builder, "name", card->name);
  add_string (builder, "id_number_masked", masked);
  add_string (builder, "sex", card->sex);
  add_string (builder, "ethnicity", card->nationality);
  add_string (builder, "birth", card->birth);
  add_string (builder, "address", card->address);
  add_string (builder, "authority", card->authority);
  add_string (builder, "start_date", card->start_date);
  add_string (builder, "end_date", card->end_date);
  json_builder_set_member_name (builder, "no_expiry");
  json_builder_add_boolean_value (builder, card->no_expiry);
  json_builder_end_object (builder);
}

char *
vd_cli_format_json (const VdVerification *verification)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  const VdVerifyResult *result = verification->result;
  const VdVerdict *verdict = verification->verdict;
  gboolean verdict_answer = result != NULL && result->kind == VD_ANSWER_VERDICT;
  g_autofree char *masked = vd_id_number_mask (verification->request->id_number);
  g_autofree char *json = NULL;

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "outcome");
  json_builder_add_string_value (builder, vd_outcome_to_string (verification->outcome));
  json_builder_set_member_name (builder, "status");
  if (verdict_answer)
    json_builder_add_int_value (builder, result->verify_status);
  else
    json_builder_add_null_value (builder);
  add_string (builder, "code", result != NULL ? result->code : NULL);
  add_string (builder, "message",
              result != NULL ? result->message
                             : (verification->error != NULL ? verification->error->message : NULL));
  add_score (builder, "score", verdict_answer && result->has_score,
             verdict_answer ? result->score : 0);
  if (verdict_answer && result->has_score)
    {
      const VdScoreBand *band = vd_score_band (result->score);

      json_builder_set_member_name (builder, "score_band");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "threshold");
      json_builder_add_double_value (builder, band->threshold);
      add_string (builder, "false_accept_rate", band->far_text);
      json_builder_end_object (builder);
    }
  add_score (builder, "card_face_score", verdict_answer && result->has_card_face_score,
             verdict_answer ? result->card_face_score : 0);
  add_string (builder, "severity", vd_severity_to_string (verdict->severity));
  add_string (builder, "title", verdict->title);
  add_string (builder, "explanation", verdict->explanation);
  add_string (builder, "next_step", verdict->next_step);
  json_builder_set_member_name (builder, "can_resubmit");
  json_builder_add_boolean_value (builder, verdict->can_resubmit);
  add_string (builder, "biz_id", verification->request->biz_id);
  add_string (builder, "request_id", result != NULL ? result->request_id : NULL);
  add_string (builder, "verify_token", verdict_answer ? result->verify_token : NULL);
  add_string (builder, "name", verification->request->name);
  add_string (builder, "id_number_masked", masked);
  json_builder_set_member_name (builder, "attempts");
  json_builder_add_int_value (builder, verification->attempts);
  json_builder_set_member_name (builder, "training");
  json_builder_add_boolean_value (builder, verification->training);
  if (verdict_answer)
    add_ocr (builder, result->id_card);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, FALSE);
  json = json_generator_to_data (generator, NULL);
  return g_strconcat (json, "\n", NULL);
}
