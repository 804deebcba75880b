#define G_LOG_DOMAIN "vd-history-verification"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vd-answer-parser.h"
#include "vd-client-error.h"
#include "vd-history-verification.h"
#include "vd-verification-private.h"

static VdVerifyRequest *
request_for_record (const VdHistoryRecord *record)
{
  VdVerifyRequest *request = vd_verify_request_new_task (record->biz_type);

  g_free (request->biz_id);
  request->biz_id = g_strdup (record->biz_id);
  request->name = g_strdup (record->name);
  /* The masked number, also when the full one is kept: the OCR card compares it with the
   * OCR's number, which the history always keeps masked. */
  request->id_number = g_strdup (record->id_number_masked);
  return request;
}

static VdVerifyResult *
verdict_result_for_record (const VdHistoryRecord *record)
{
  VdVerifyResult *result = vd_verify_result_new (VD_ANSWER_VERDICT);

  result->request_id = g_strdup (record->request_id);
  result->verify_status = record->verify_status;
  result->verify_token = g_strdup (record->verify_token);
  result->has_score = record->has_score;
  result->score = record->score;
  result->has_card_face_score = record->has_card_face_score;
  result->card_face_score = record->card_face_score;
  result->id_card = vd_history_ocr_copy_masked (record->ocr);
  return result;
}

/* A local error is kept as "domain:code" (vd_history_record_set_answer): make it a GError of
 * that domain again, so that its verdict is the one the operator saw. */
static GError *
local_error_for_record (const VdHistoryRecord *record)
{
  const char *colon = strrchr (record->error_code, ':');
  g_autofree char *domain = NULL;
  gint64 code = 0;

  if (colon == NULL || colon == record->error_code ||
      !g_ascii_string_to_signed (colon + 1, 10, G_MININT, G_MAXINT, &code, NULL))
    return NULL;

  domain = g_strndup (record->error_code, (gsize) (colon - record->error_code));
  return g_error_new_literal (g_quark_from_string (domain), (int) code,
                              record->error_message != NULL ? record->error_message
                                                            : record->error_code);
}

static VdVerifyResult *
service_error_result_for_record (const VdHistoryRecord *record)
{
  /* 3101–3103 are "not passed"; the gateway's refusals are errors (vd_outcome_for_result). */
  VdAnswerKind kind = record->outcome == VD_OUTCOME_NOT_PASSED ? VD_ANSWER_IDENTITY_ERROR
                                                               : VD_ANSWER_GATEWAY_ERROR;
  VdVerifyResult *result = vd_verify_result_new (kind);

  result->request_id = g_strdup (record->request_id);
  result->code = g_strdup (record->error_code);
  result->message = g_strdup (record->error_message);
  return result;
}

static GError *
unanswered_error_for_record (const VdHistoryRecord *record)
{
  const char *message = record->state == VD_HISTORY_STATE_INTERRUPTED
                        ? _("VerifyDesk ended before the answer was recorded, so the outcome is "
                            "unknown.")
                        : _("No answer has been recorded yet.");

  return g_error_new_literal (VD_CLIENT_ERROR, VD_CLIENT_ERROR_OUTCOME_UNKNOWN, message);
}

VdVerification *
vd_history_verification_for_record (const VdHistoryRecord *record)
{
  VdVerification *verification;

  g_return_val_if_fail (record != NULL, NULL);

  verification = vd_verification_new ();
  verification->request = request_for_record (record);

  if (record->state != VD_HISTORY_STATE_FINISHED)
    verification->error = unanswered_error_for_record (record);
  else if (record->has_verify_status)
    verification->result = verdict_result_for_record (record);
  else if (record->error_code != NULL)
    {
      verification->error = local_error_for_record (record);
      if (verification->error == NULL)
        verification->result = service_error_result_for_record (record);
    }
  else
    verification->error = unanswered_error_for_record (record);

  verification->verdict = verification->result != NULL
                          ? vd_verdict_for_result (verification->result)
                          : vd_verdict_for_error (verification->error);
  verification->verdict->can_resubmit = FALSE;
  verification->verdict->open_preferences = FALSE;
  verification->outcome = vd_history_record_get_outcome (record);
  verification->training = record->training;
  verification->started = record->time != NULL ? g_date_time_ref (record->time) : NULL;
  verification->finished = record->finished_time != NULL
                           ? g_date_time_ref (record->finished_time) : NULL;
  verification->history_id = record->id;
  return verification;
}
