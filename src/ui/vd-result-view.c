#define G_LOG_DOMAIN "vd-result-view"

#include "config.h"

#include <adwaita.h>

#include "vd-result-page.h"
#include "vd-result-view.h"
#include "vd-width-first-layout.h"

struct _VdResultView
{
  GtkWidget       parent_instance;

  GtkStack       *stack;
  /* Built on first use: most windows open on the empty state (vd-result-page.h). */
  VdResultPage   *page;

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

  g_type_ensure (VD_TYPE_WIDTH_FIRST_LAYOUT);

  properties[PROP_VERIFICATION] =
    g_param_spec_boxed ("verification", NULL, NULL,
                        VD_TYPE_VERIFICATION,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/verifydesk/VerifyDesk/vd-result-view.ui");
  gtk_widget_class_bind_template_child (widget_class, VdResultView, stack);

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

/* The result page is added to the stack the first time anything needs it: showing a
 * verification, or a caller asking for one of its parts. */
static VdResultPage *
ensure_page (VdResultView *self)
{
  if (self->page == NULL)
    {
      self->page = VD_RESULT_PAGE (vd_result_page_new ());
      gtk_stack_add_named (self->stack, GTK_WIDGET (self->page), "result");
    }

  return self->page;
}

static void
show_verification (VdResultView   *self,
                   VdVerification *verification)
{
  vd_result_page_show (ensure_page (self), verification);
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

/* The result page's parts exist only once it is built, and are shown only while it is the
 * visible page. */
static gboolean
page_is_shown (VdResultView *self)
{
  return self->page != NULL && !vd_result_view_get_is_empty (self);
}

gboolean
vd_result_view_get_shows_simulated_tag (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), FALSE);

  return page_is_shown (self) && vd_result_page_get_shows_simulated_tag (self->page);
}

VdStatusBanner *
vd_result_view_get_banner (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), NULL);

  return vd_result_page_get_banner (ensure_page (self));
}

gboolean
vd_result_view_get_shows_scores (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), FALSE);

  return page_is_shown (self) && vd_result_page_get_shows_scores (self->page);
}

VdScoreMeter *
vd_result_view_get_score_meter (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), NULL);

  return vd_result_page_get_score_meter (ensure_page (self));
}

const char *
vd_result_view_get_score_text (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), NULL);

  return vd_result_page_get_score_text (ensure_page (self));
}

gboolean
vd_result_view_get_shows_card_face_score (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), FALSE);

  return page_is_shown (self) && vd_result_page_get_shows_card_face_score (self->page);
}

VdScoreMeter *
vd_result_view_get_card_face_meter (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), NULL);

  return vd_result_page_get_card_face_meter (ensure_page (self));
}

const char *
vd_result_view_get_card_face_score_text (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), NULL);

  return vd_result_page_get_card_face_score_text (ensure_page (self));
}

gboolean
vd_result_view_get_shows_ocr (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), FALSE);

  return page_is_shown (self) && vd_result_page_get_shows_ocr (self->page);
}

VdOcrCard *
vd_result_view_get_ocr_card (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), NULL);

  return vd_result_page_get_ocr_card (ensure_page (self));
}

VdCopyRow *
vd_result_view_get_verify_token_row (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), NULL);

  return vd_result_page_get_verify_token_row (ensure_page (self));
}

VdCopyRow *
vd_result_view_get_request_id_row (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), NULL);

  return vd_result_page_get_request_id_row (ensure_page (self));
}

VdCopyRow *
vd_result_view_get_biz_id_row (VdResultView *self)
{
  g_return_val_if_fail (VD_IS_RESULT_VIEW (self), NULL);

  return vd_result_page_get_biz_id_row (ensure_page (self));
}
