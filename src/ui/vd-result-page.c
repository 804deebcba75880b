#define G_LOG_DOMAIN "vd-result-page"

#include "config.h"

#include <adwaita.h>

#include "vd-result-page.h"
#include "vd-verify-status.h"

struct _VdResultPage
{
  GtkWidget          parent_instance;

  GtkScrolledWindow *scroller;
  GtkWidget         *simulated_tag;
  VdStatusBanner    *banner;
  GtkWidget         *scores_box;
  VdScoreMeter      *score_meter;
  GtkLabel          *score_label;
  GtkWidget         *card_face_box;
  VdScoreMeter      *card_face_meter;
  GtkLabel          *card_face_label;
  VdOcrCard         *ocr_card;
  VdCopyRow         *verify_token_row;
  VdCopyRow         *request_id_row;
  VdCopyRow         *biz_id_row;
};

G_DEFINE_FINAL_TYPE (VdResultPage, vd_result_page, GTK_TYPE_WIDGET)

static void
vd_result_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VD_TYPE_RESULT_PAGE);

  G_OBJECT_CLASS (vd_result_page_parent_class)->dispose (object);
}

static void
vd_result_page_class_init (VdResultPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vd_result_page_dispose;

  g_type_ensure (VD_TYPE_STATUS_BANNER);
  g_type_ensure (VD_TYPE_SCORE_METER);
  g_type_ensure (VD_TYPE_OCR_CARD);
  g_type_ensure (VD_TYPE_COPY_ROW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/verifydesk/VerifyDesk/vd-result-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VdResultPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, VdResultPage, simulated_tag);
  gtk_widget_class_bind_template_child (widget_class, VdResultPage, banner);
  gtk_widget_class_bind_template_child (widget_class, VdResultPage, scores_box);
  gtk_widget_class_bind_template_child (widget_class, VdResultPage, score_meter);
  gtk_widget_class_bind_template_child (widget_class, VdResultPage, score_label);
  gtk_widget_class_bind_template_child (widget_class, VdResultPage, card_face_box);
  gtk_widget_class_bind_template_child (widget_class, VdResultPage, card_face_meter);
  gtk_widget_class_bind_template_child (widget_class, VdResultPage, card_face_label);
  gtk_widget_class_bind_template_child (widget_class, VdResultPage, ocr_card);
  gtk_widget_class_bind_template_child (widget_class, VdResultPage, verify_token_row);
  gtk_widget_class_bind_template_child (widget_class, VdResultPage, request_id_row);
  gtk_widget_class_bind_template_child (widget_class, VdResultPage, biz_id_row);

  gtk_widget_class_set_css_name (widget_class, "vdresultpage");
}

static void
vd_result_page_init (VdResultPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
vd_result_page_new (void)
{
  return g_object_new (VD_TYPE_RESULT_PAGE, NULL);
}

/* One score on its meter, and the words beside it. A score outside 0–100 (a service that
 * misbehaves) is not placed on the scale: the words say it is not valid. */
static void
show_score (VdScoreMeter *meter,
            GtkLabel     *label,
            gboolean      has_score,
            double        score)
{
  if (has_score && vd_score_is_valid (score))
    {
      vd_score_meter_set_value (meter, score);
      vd_score_meter_set_has_value (meter, TRUE);
      gtk_label_set_text (label, vd_score_meter_get_text (meter));
    }
  else if (has_score)
    {
      g_autofree char *text = vd_score_describe (score);

      vd_score_meter_set_has_value (meter, FALSE);
      gtk_label_set_text (label, text);
    }
  else
    {
      vd_score_meter_set_has_value (meter, FALSE);
      gtk_label_set_text (label, vd_score_meter_get_text (meter));
    }
}

static void
show_scores (VdResultPage         *self,
             const VdVerifyResult *result)
{
  show_score (self->score_meter, self->score_label, result->has_score, result->score);

  gtk_widget_set_visible (self->card_face_box, result->has_card_face_score);
  show_score (self->card_face_meter, self->card_face_label,
              result->has_card_face_score, result->card_face_score);
}

void
vd_result_page_show (VdResultPage   *self,
                     VdVerification *verification)
{
  const VdVerifyResult *result;
  const VdVerifyRequest *request;
  gboolean is_verdict;

  g_return_if_fail (VD_IS_RESULT_PAGE (self));
  g_return_if_fail (verification != NULL && verification->verdict != NULL);

  result = verification->result;
  request = verification->request;
  /* Only a VerifyStatus answer has a score, OCR and a VerifyToken; 3101/3102/3103 and gateway
   * errors have a RequestId; a failure before any answer has only the task's BizId. */
  is_verdict = result != NULL && result->kind == VD_ANSWER_VERDICT;

  gtk_widget_set_visible (self->simulated_tag, verification->training);
  vd_status_banner_set_verdict (self->banner, verification->verdict);

  gtk_widget_set_visible (self->scores_box, is_verdict);
  if (is_verdict)
    show_scores (self, result);

  gtk_widget_set_visible (GTK_WIDGET (self->ocr_card), is_verdict);
  vd_ocr_card_set_card (self->ocr_card,
                        is_verdict ? result->id_card : NULL,
                        request != NULL ? request->name : NULL,
                        request != NULL ? request->id_number : NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->verify_token_row), is_verdict);
  vd_copy_row_set_value (self->verify_token_row, is_verdict ? result->verify_token : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->request_id_row), result != NULL);
  vd_copy_row_set_value (self->request_id_row, result != NULL ? result->request_id : NULL);
  vd_copy_row_set_value (self->biz_id_row, request != NULL ? request->biz_id : NULL);

  /* A new verification is read from its top. */
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

gboolean
vd_result_page_get_shows_simulated_tag (VdResultPage *self)
{
  g_return_val_if_fail (VD_IS_RESULT_PAGE (self), FALSE);

  return gtk_widget_get_visible (self->simulated_tag);
}

VdStatusBanner *
vd_result_page_get_banner (VdResultPage *self)
{
  g_return_val_if_fail (VD_IS_RESULT_PAGE (self), NULL);

  return self->banner;
}

gboolean
vd_result_page_get_shows_scores (VdResultPage *self)
{
  g_return_val_if_fail (VD_IS_RESULT_PAGE (self), FALSE);

  return gtk_widget_get_visible (self->scores_box);
}

VdScoreMeter *
vd_result_page_get_score_meter (VdResultPage *self)
{
  g_return_val_if_fail (VD_IS_RESULT_PAGE (self), NULL);

  return self->score_meter;
}

const char *
vd_result_page_get_score_text (VdResultPage *self)
{
  g_return_val_if_fail (VD_IS_RESULT_PAGE (self), NULL);

  return gtk_label_get_text (self->score_label);
}

gboolean
vd_result_page_get_shows_card_face_score (VdResultPage *self)
{
  g_return_val_if_fail (VD_IS_RESULT_PAGE (self), FALSE);

  return gtk_widget_get_visible (self->scores_box) && gtk_widget_get_visible (self->card_face_box);
}

VdScoreMeter *
vd_result_page_get_card_face_meter (VdResultPage *self)
{
  g_return_val_if_fail (VD_IS_RESULT_PAGE (self), NULL);

  return self->card_face_meter;
}

const char *
vd_result_page_get_card_face_score_text (VdResultPage *self)
{
  g_return_val_if_fail (VD_IS_RESULT_PAGE (self), NULL);

  return gtk_label_get_text (self->card_face_label);
}

gboolean
vd_result_page_get_shows_ocr (VdResultPage *self)
{
  g_return_val_if_fail (VD_IS_RESULT_PAGE (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->ocr_card));
}

VdOcrCard *
vd_result_page_get_ocr_card (VdResultPage *self)
{
  g_return_val_if_fail (VD_IS_RESULT_PAGE (self), NULL);

  return self->ocr_card;
}

VdCopyRow *
vd_result_page_get_verify_token_row (VdResultPage *self)
{
  g_return_val_if_fail (VD_IS_RESULT_PAGE (self), NULL);

  return self->verify_token_row;
}

VdCopyRow *
vd_result_page_get_request_id_row (VdResultPage *self)
{
  g_return_val_if_fail (VD_IS_RESULT_PAGE (self), NULL);

  return self->request_id_row;
}

VdCopyRow *
vd_result_page_get_biz_id_row (VdResultPage *self)
{
  g_return_val_if_fail (VD_IS_RESULT_PAGE (self), NULL);

  return self->biz_id_row;
}
