#define G_LOG_DOMAIN "vd-result-view"

#include "config.h"

#include <adwaita.h>

#include "vd-result-view.h"
#include "vd-verify-status.h"

struct _VdResultView
{
  GtkWidget       parent_instance;

  GtkStack       *stack;
  GtkScrolledWindow *scroller;
  GtkWidget      *simulated_tag;
  VdStatusBanner *banner;
  GtkWidget      *scores_box;
  VdScoreMeter   *score_meter;
  GtkLabel       *score_label;
  GtkWidget      *card_face_box;
  VdScoreMeter   *card_face_meter;
  GtkLabel       *card_face_label;
  VdOcrCard      *ocr_card;
  VdCopyRow      *verify_token_row;
  VdCopyRow      *request_id_row;
  VdCopyRow      *biz_id_row;

  VdVerification *verification;
};

G_DEFINE_FINAL_TYPE (VdResultView, vd_result_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_VERIFICATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
vd_result_view_dispose (GObject *object)
{
  VdResultView *self = VD_RESULT_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), VD_TYPE_RESULT_VIEW);
  g_clear_pointer (&self->verification, vd_verification_unref);

  G_OBJECT_CLASS (vd_result_view_parent_class)->dispose (object);
}

static void
vd_result_view_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VdResultView *self = VD_RESULT_VIEW (object);

  switch (prop_id)
    {
    case PROP_VERIFICATION:
      g_value_set_boxed (value, self->verification);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vd_result_view_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  VdResultView *self = VD_RESULT_VIEW (object);

  switch (prop_id)
    {
    case PROP_VERIFICATION:
      vd_result_view_set_verification (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vd_result_view_class_init (VdResultViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vd_result_view_dispose;
  object_class->get_property = vd_result_view_get_property;
  object_class->set_property = vd_result_view_set_property;

  properties[PROP_VERIFICATION] =
    g_param_spec_boxed ("verification", NULL, NULL,
                        VD_TYPE_VERIFICATION,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VD_TYPE_STATUS_BANNER);
  g_type_ensure (VD_TYPE_SCORE_METER);
  g_type_ensure (VD_TYPE_OCR_CARD);
  g_type_ensure (VD_TYPE_COPY_ROW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/verifydesk/VerifyDesk/vd-result-view.ui");
  gtk_widget_class_bind_template_child (widget_class, VdResultView, stack);
  gtk_widget_class_bind_template_child (widget_class, VdResultView, scroller);
  gtk_widget_class_bind_template_child (widget_class, VdResultView, simulated_tag);
  gtk_widget_class_bind_template_child (widget_class, VdResultView, banner);
  gtk_widget_class_bind_template_child (widget_class, VdResultView, scores_box);
  gtk_widget_class_bind_template_child (widget_class, VdResultView, score_meter);
  gtk_widget_class_bind_template_child (widget_class, VdResultView, score_label);
  gtk_widget_class_bind_template_child (widget_class, VdResultView, card_face_box);
  gtk_widget_class_bind_template_child (widget_class, VdResultView, card_face_meter);
  gtk_widget_class_bind_template_child (widget_class, VdResultView, card_face_label);
  gtk_widget_class_bind_template_child (widget_class, VdResultView, ocr_card);
  gtk_widget_class_bind_template_child (widget_class, VdResultView, verify_token_row);
  gtk_widget_class_bind_template_child (widget_class, VdResultView, request_id_row);
  gtk_widget_class_bind_template_child (widget_class, VdResultView, biz_id_row);

  gtk_widget_class_set_css_name (widget_class, "vdresultview");
}

static void
vd_result_view_init (VdResultView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
vd_result_view_new (void)
{
  return g_object_new (VD_TYPE_RESULT_VIEW, NULL);
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
show_scores (VdResultView         *self,
             const VdVerifyResult *result)
{
  show_score (self->score_meter, self->score_label, result->has_score, result->score);

  gtk_widget_set_visible (self->card_face_box, result->has_card_face_score);
  show_score (self->card_face_meter, self->card_face_label,
              result->has_card_face_score, result->card_face_score);
}

static void
show_verification (VdResultView   *self,
                   VdVerification *verification)
{
  const VdVerifyResult *result = verification->result;
  const VdVerifyRequest *request = verification->request;
  /* Only a VerifyStatus answer has a score, OCR and a VerifyToken; 3101/3102/3103 and gateway
   * errors have a RequestId; a failure before any answer has only the task's BizId. */
  gboolean is_verdict = result != NULL && result->kind == VD_ANSWER_VERDICT;

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
  gtk_stack_set_visible_child_name (self->stack, "result");
}

void
vd_result_view_set_verification (VdResultView   *self,
                                 VdVerification *verification)
{
  g_return_if_fail (VD_IS_RESULT_VIEW (self));
  g_return_if_fail (verification == NULL || verification->verdict != NULL);

  if (self->verification == verification)
    return;

  if (verification != NULL)
    vd_verification_ref (verification);
  g_clear_pointer (&self->verification, vd_verification_unref);
  self->verification = verification;

  if (verification != NULL)
    show_verification (self, verification);
  else
    gtk_stack_set_visible_child_name (self->stack, "empty");

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERIFICATION]);
}

VdVerification *
vd_result_view_get_verification (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), NULL);

  return self->verification;
}

gboolean
vd_result_view_get_is_empty (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), FALSE);

  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "empty") == 0;
}

gboolean
vd_result_view_get_shows_simulated_tag (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), FALSE);

  return !vd_result_view_get_is_empty (self) && gtk_widget_get_visible (self->simulated_tag);
}

VdStatusBanner *
vd_result_view_get_banner (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), NULL);

  return self->banner;
}

gboolean
vd_result_view_get_shows_scores (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), FALSE);

  return !vd_result_view_get_is_empty (self) && gtk_widget_get_visible (self->scores_box);
}

VdScoreMeter *
vd_result_view_get_score_meter (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), NULL);

  return self->score_meter;
}

const char *
vd_result_view_get_score_text (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), NULL);

  return gtk_label_get_text (self->score_label);
}

gboolean
vd_result_view_get_shows_card_face_score (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), FALSE);

  return vd_result_view_get_shows_scores (self) && gtk_widget_get_visible (self->card_face_box);
}

VdScoreMeter *
vd_result_view_get_card_face_meter (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), NULL);

  return self->card_face_meter;
}

const char *
vd_result_view_get_card_face_score_text (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), NULL);

  return gtk_label_get_text (self->card_face_label);
}

gboolean
vd_result_view_get_shows_ocr (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), FALSE);

  return !vd_result_view_get_is_empty (self) &&
         gtk_widget_get_visible (GTK_WIDGET (self->ocr_card));
}

VdOcrCard *
vd_result_view_get_ocr_card (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), NULL);

  return self->ocr_card;
}

VdCopyRow *
vd_result_view_get_verify_token_row (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), NULL);

  return self->verify_token_row;
}

VdCopyRow *
vd_result_view_get_request_id_row (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), NULL);

  return self->request_id_row;
}

VdCopyRow *
vd_result_view_get_biz_id_row (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), NULL);

  return self->biz_id_row;
}
