/* vd-history-record.c: one verification as the history keeps it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vd-history-record"

#include "config.h"

#include <string.h>

#include "vd-history-record.h"
#include "vd-id-number.h"

G_DEFINE_BOXED_TYPE (VdHistoryRecord, vd_history_record,
                     vd_history_record_copy, vd_history_record_free)

static const char * const state_names[] = {
  [VD_HISTORY_STATE_SENT] = "sent",
  [VD_HISTORY_STATE_FINISHED] = "finished",
  [VD_HISTORY_STATE_INTERRUPTED] = "interrupted",
};

const char *
vd_history_state_to_string (VdHistoryState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (state_names), NULL);

  return state_names[state];
}

gboolean
vd_history_state_from_string (const char     *text,
                              VdHistoryState *state)
{
  g_return_val_if_fail (state != NULL, FALSE);

  if (text == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    {
      if (strcmp (text, state_names[i]) == 0)
        {
          *state = (VdHistoryState) i;
          return TRUE;
        }
    }

  return FALSE;
}

VdHistoryRecord *
vd_history_record_new (void)
{
  VdHistoryRecord *self = g_new0 (VdHistoryRecord, 1);

  self->uuid = g_uuid_string_random ();
  self->time = g_date_time_new_now_utc ();
  self->operator_name = g_strdup ("");
  self->desk = g_strdup ("");
  self->state = VD_HISTORY_STATE_SENT;
  self->outcome = VD_OUTCOME_UNKNOWN;
  return self;
}

VdIdCardInfo *
vd_history_ocr_copy_masked (const VdIdCardInfo *info)
{
  VdIdCardInfo *copy;

  if (info == NULL)
    return NULL;

  copy = vd_id_card_info_new ();
  copy->name = g_strdup (info->name);
  copy->number = info->number != NULL ? vd_id_number_mask (info->number) : NULL;
  copy->sex = g_strdup (info->sex);
  copy->nationality = g_strdup (info->nationality);
  copy->birth = g_strdup (info->birth);
  copy->address = g_strdup (info->address);
  copy->authority = g_strdup (info->authority);
  copy->start_date = g_strdup (info->start_date);
  copy->end_date = g_strdup (info->end_date);
  copy->no_expiry = info->no_expiry;
  copy->front_image_url = g_strdup (info->front_image_url);
  copy->back_image_url = g_strdup (info->back_image_url);
  return copy;
}

/* A plain copy: the number in a record's OCR is already masked. */
static VdIdCardInfo *
ocr_copy (const VdIdCardInfo *info)
{
  VdIdCardInfo *copy;

  if (info == NULL)
    return NULL;

  copy = vd_history_ocr_copy_masked (info);
  g_free (copy->number);
  copy->number = g_strdup (info->number);
  return copy;
}

VdHistoryRecord *
vd_history_record_copy (const VdHistoryRecord *self)
{
  VdHistoryRecord *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (VdHistoryRecord, 1);
  *copy = *self;
  copy->uuid = g_strdup (self->uuid);
  copy->time = self->time != NULL ? g_date_time_ref (self->time) : NULL;
  copy->finished_time = self->finished_time != NULL ? g_date_time_ref (self->finished_time) : NULL;
  copy->operator_name = g_strdup (self->operator_name);
  copy->desk = g_strdup (self->desk);
  copy->biz_type = g_strdup (self->biz_type);
  copy->biz_id = g_strdup (self->biz_id);
  copy->name = g_strdup (self->name);
  copy->id_number_masked = g_strdup (self->id_number_masked);
  copy->id_number_hmac = g_strdup (self->id_number_hmac);
  copy->id_number_full = g_strdup (self->id_number_full);
  copy->ocr = ocr_copy (self->ocr);
  copy->error_code = g_strdup (self->error_code);
  copy->error_message = g_strdup (self->error_message);
  copy->request_id = g_strdup (self->request_id);
  copy->verify_token = g_strdup (self->verify_token);
  return copy;
}

/* Clears what an answer fills in, so that set_answer can be called on any record. */
static void
clear_answer (VdHistoryRecord *self)
{
  self->has_verify_status = FALSE;
  self->verify_status = 0;
  self->has_score = FALSE;
  self->score = 0;
  self->has_card_face_score = FALSE;
  self->card_face_score = 0;
  g_clear_pointer (&self->ocr, vd_id_card_info_free);
  g_clear_pointer (&self->error_code, g_free);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->request_id, g_free);
  g_clear_pointer (&self->verify_token, g_free);
  g_clear_pointer (&self->finished_time, g_date_time_unref);
}

void
vd_history_record_free (VdHistoryRecord *self)
{
  if (self == NULL)
    return;

  clear_answer (self);
  g_free (self->uuid);
  g_clear_pointer (&self->time, g_date_time_unref);
  g_free (self->operator_name);
  g_free (self->desk);
  g_free (self->biz_type);
  g_free (self->biz_id);
  g_free (self->name);
  g_free (self->id_number_masked);
  g_free (self->id_number_hmac);
  g_free (self->id_number_full);
  g_free (self);
}

char *
vd_history_id_number_hmac (GBytes     *key,
                           const char *id_number)
{
  g_autofree char *normalized = NULL;
  gsize key_length = 0;
  const guint8 *key_data;

  g_return_val_if_fail (id_number != NULL, NULL);

  if (key == NULL)
    return NULL;
  key_data = g_bytes_get_data (key, &key_length);
  if (key_length != VD_HISTORY_KEY_LENGTH)
    return NULL;

  normalized = vd_id_number_normalize (id_number);
  return g_compute_hmac_for_data (G_CHECKSUM_SHA256, key_data, key_length,
                                  (const guchar *) normalized, strlen (normalized));
}

VdHistoryRecord *
vd_history_record_new_sent (const VdVerifyRequest *request,
                            GBytes                *key,
                            gboolean               keep_full_id_number,
                            gboolean               training,
                            const char            *operator_name,
                            const char            *desk)
{
  VdHistoryRecord *self;
  g_autofree char *normalized = NULL;

  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (key != NULL && g_bytes_get_size (key) == VD_HISTORY_KEY_LENGTH, NULL);

  normalized = vd_id_number_normalize (request->id_number != NULL ? request->id_number : "");

  self = vd_history_record_new ();
  g_free (self->operator_name);
  self->operator_name = g_strdup (operator_name != NULL ? operator_name : "");
  g_free (self->desk);
  self->desk = g_strdup (desk != NULL ? desk : "");
  self->biz_type = g_strdup (request->biz_type != NULL ? request->biz_type : "");
  self->biz_id = g_strdup (request->biz_id != NULL ? request->biz_id : "");
  self->attempt = 1;
  self->name = g_strdup (request->name != NULL ? request->name : "");
  self->id_number_masked = vd_id_number_mask (normalized);
  self->id_number_hmac = vd_history_id_number_hmac (key, normalized);
  if (keep_full_id_number)
    self->id_number_full = g_strdup (normalized);
  self->training = training;
  return self;
}

static void
set_result (VdHistoryRecord      *self,
            const VdVerifyResult *result)
{
  self->outcome = vd_outcome_for_result (result);
  self->request_id = g_strdup (result->request_id);

  if (result->kind == VD_ANSWER_VERDICT)
    {
      self->has_verify_status = TRUE;
      self->verify_status = result->verify_status;
      self->verify_token = g_strdup (result->verify_token);
      self->has_score = result->has_score;
      self->score = result->score;
      self->has_card_face_score = result->has_card_face_score;
      self->card_face_score = result->card_face_score;
      self->ocr = vd_history_ocr_copy_masked (result->id_card);
    }
  else
    {
      self->error_code = g_strdup (result->code);
      /* A message quoting the string to sign would put the full ID number in the history. */
      if (vd_gateway_message_is_quotable (result->message))
        self->error_message = g_strdup (result->message);
    }
}

static void
set_error (VdHistoryRecord *self,
           const GError    *error)
{
  g_autoptr(VdVerdict) verdict = vd_verdict_for_error (error);

  self->outcome = verdict->outcome;
  self->error_code = g_strdup_printf ("%s:%d", g_quark_to_string (error->domain), error->code);
  self->error_message = g_strdup (error->message);
}

void
vd_history_record_set_answer (VdHistoryRecord      *self,
                              const VdVerifyResult *result,
                              const GError         *error)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (result != NULL || error != NULL);

  clear_answer (self);
  self->state = VD_HISTORY_STATE_FINISHED;
  self->finished_time = g_date_time_new_now_utc ();

  if (result != NULL)
    set_result (self, result);
  else
    set_error (self, error);
}

VdOutcome
vd_history_record_get_outcome (const VdHistoryRecord *self)
{
  g_return_val_if_fail (self != NULL, VD_OUTCOME_UNKNOWN);

  if (self->state != VD_HISTORY_STATE_FINISHED)
    return VD_OUTCOME_UNKNOWN;
  return self->outcome;
}
