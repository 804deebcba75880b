/* vd-verify-result.c: one parsed answer of the Cloudauth service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vd-verify-result"

#include "config.h"

#include "vd-verify-result.h"

G_DEFINE_BOXED_TYPE (VdVerifyResult, vd_verify_result, vd_verify_result_ref, vd_verify_result_unref)

/**
 * vd_verify_result_new:
 * @kind: what kind of answer this is
 *
 * Returns: (transfer full): an empty result of @kind with one reference
 */
VdVerifyResult *
vd_verify_result_new (VdAnswerKind kind)
{
  VdVerifyResult *self = g_atomic_rc_box_new0 (VdVerifyResult);

  self->kind = kind;
  return self;
}

VdVerifyResult *
vd_verify_result_ref (VdVerifyResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
vd_verify_result_clear (gpointer data)
{
  VdVerifyResult *self = data;

  g_clear_pointer (&self->request_id, g_free);
  g_clear_pointer (&self->verify_token, g_free);
  g_clear_pointer (&self->face_image_url, g_free);
  g_clear_pointer (&self->material_name, g_free);
  g_clear_pointer (&self->material_number, g_free);
  g_clear_pointer (&self->face_quality, g_free);
  g_clear_pointer (&self->face_mask, g_free);
  g_clear_pointer (&self->id_card, vd_id_card_info_free);
  g_clear_pointer (&self->code, g_free);
  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->recommend, g_free);
  g_clear_pointer (&self->host_id, g_free);
}

void
vd_verify_result_unref (VdVerifyResult *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, vd_verify_result_clear);
}

/**
 * vd_id_card_info_new:
 *
 * Returns: (transfer full): an ID card OCR record with every field unset
 */
VdIdCardInfo *
vd_id_card_info_new (void)
{
  return g_new0 (VdIdCardInfo, 1);
}

void
vd_id_card_info_free (VdIdCardInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->name);
  g_free (info->number);
  g_free (info->sex);
  g_free (info->nationality);
  g_free (info->birth);
  g_free (info->address);
  g_free (info->authority);
  g_free (info->start_date);
  g_free (info->end_date);
  g_free (info->front_image_url);
  g_free (info->back_image_url);
  g_free (info);
}
