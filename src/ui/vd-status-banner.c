#define G_LOG_DOMAIN "vd-status-banner"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vd-status-banner.h"

struct _VdStatusBanner
{
  GtkWidget   parent_instance;

  GtkWidget  *band;
  GtkImage   *icon;
  GtkLabel   *title_label;
  GtkLabel   *explanation_label;
  GtkLabel   *next_step_label;
  GtkWidget  *button_box;
  GtkWidget  *resubmit_button;
  GtkWidget  *preferences_button;

  VdSeverity  severity;
  char       *next_step;
};

G_DEFINE_FINAL_TYPE (VdStatusBanner, vd_status_banner, GTK_TYPE_WIDGET)

/* Each severity has a colour family (style.css), an icon and the verdict's title in words, so
 * that no one needs the colour to read the banner. */
typedef struct {
  VdSeverity  severity;
  const char *style_class;
  const char *icon_name;
} SeverityLook;

static const SeverityLook looks[] = {
  { VD_SEVERITY_PASSED, "vd-passed", "emblem-ok-symbolic" },
  { VD_SEVERITY_FIX_AND_RESUBMIT, "vd-fix-and-resubmit", "dialog-warning-symbolic" },
  { VD_SEVERITY_NOT_PASSED, "vd-not-passed", "dialog-error-symbolic" },
  { VD_SEVERITY_SERVICE_PROBLEM, "vd-service-problem", "computer-fail-symbolic" },
  { VD_SEVERITY_UNKNOWN, "vd-unknown", "dialog-question-symbolic" },
};

static const SeverityLook *
look_for_severity (VdSeverity severity)
{
  for (guint i = 0; i < G_N_ELEMENTS (looks); i++)
    {
      if (looks[i].severity == severity)
        return &looks[i];
    }

  /* A severity added to core later reads as unknown rather than as a pass. */
  return &looks[G_N_ELEMENTS (looks) - 1];
}

static void
vd_status_banner_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VD_TYPE_STATUS_BANNER);

  G_OBJECT_CLASS (vd_status_banner_parent_class)->dispose (object);
}

static void
vd_status_banner_finalize (GObject *object)
{
  VdStatusBanner *self = VD_STATUS_BANNER (object);

  g_free (self->next_step);

  G_OBJECT_CLASS (vd_status_banner_parent_class)->finalize (object);
}

static void
vd_status_banner_class_init (VdStatusBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vd_status_banner_dispose;
  object_class->finalize = vd_status_banner_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/verifydesk/VerifyDesk/vd-status-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, VdStatusBanner, band);
  gtk_widget_class_bind_template_child (widget_class, VdStatusBanner, icon);
  gtk_widget_class_bind_template_child (widget_class, VdStatusBanner, title_label);
  gtk_widget_class_bind_template_child (widget_class, VdStatusBanner, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, VdStatusBanner, next_step_label);
  gtk_widget_class_bind_template_child (widget_class, VdStatusBanner, button_box);
  gtk_widget_class_bind_template_child (widget_class, VdStatusBanner, resubmit_button);
  gtk_widget_class_bind_template_child (widget_class, VdStatusBanner, preferences_button);

  gtk_widget_class_set_css_name (widget_class, "vdstatusbanner");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
vd_status_banner_init (VdStatusBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->severity = VD_SEVERITY_UNKNOWN;
  vd_status_banner_set_verdict (self, NULL);
}

GtkWidget *
vd_status_banner_new (void)
{
  return g_object_new (VD_TYPE_STATUS_BANNER, NULL);
}

static void
set_severity_class (VdStatusBanner *self,
                    const char     *style_class)
{
  for (guint i = 0; i < G_N_ELEMENTS (looks); i++)
    gtk_widget_remove_css_class (self->band, looks[i].style_class);

  if (style_class != NULL)
    gtk_widget_add_css_class (self->band, style_class);
}

static void
show_next_step (VdStatusBanner *self,
                const char     *next_step)
{
  g_autofree char *markup = NULL;

  g_free (self->next_step);
  self->next_step = g_strdup (next_step);

  if (next_step == NULL || *next_step == '\0')
    {
      gtk_label_set_markup (self->next_step_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->next_step_label), FALSE);
      return;
    }

  /* Translators: the heading before the one line that says what the operator does now. */
  markup = g_markup_printf_escaped ("<b>%s</b> %s", _("Next step:"), next_step);
  gtk_label_set_markup (self->next_step_label, markup);
  gtk_widget_set_visible (GTK_WIDGET (self->next_step_label), TRUE);
}

void
vd_status_banner_set_verdict (VdStatusBanner  *self,
                              const VdVerdict *verdict)
{
  const SeverityLook *look;
  gboolean can_resubmit;
  gboolean open_preferences;

  g_return_if_fail (VD_IS_STATUS_BANNER (self));

  gtk_widget_set_visible (GTK_WIDGET (self), verdict != NULL);

  if (verdict == NULL)
    {
      self->severity = VD_SEVERITY_UNKNOWN;
      set_severity_class (self, NULL);
      gtk_image_clear (self->icon);
      gtk_label_set_text (self->title_label, "");
      gtk_label_set_text (self->explanation_label, "");
      show_next_step (self, NULL);
      gtk_widget_set_visible (self->button_box, FALSE);
      return;
    }

  look = look_for_severity (verdict->severity);
  self->severity = look->severity;
  set_severity_class (self, look->style_class);
  gtk_image_set_from_icon_name (self->icon, look->icon_name);
  gtk_label_set_text (self->title_label, verdict->title != NULL ? verdict->title : "");
  gtk_label_set_text (self->explanation_label,
                      verdict->explanation != NULL ? verdict->explanation : "");
  gtk_widget_set_visible (GTK_WIDGET (self->explanation_label),
                          verdict->explanation != NULL && *verdict->explanation != '\0');
  show_next_step (self, verdict->next_step);

  can_resubmit = verdict->can_resubmit;
  open_preferences = verdict->open_preferences;
  gtk_widget_set_visible (self->resubmit_button, can_resubmit);
  gtk_widget_set_visible (self->preferences_button, open_preferences);
  gtk_widget_set_visible (self->button_box, can_resubmit || open_preferences);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  gtk_label_get_text (self->title_label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  gtk_label_get_text (self->explanation_label),
                                  -1);
}

VdSeverity
vd_status_banner_get_severity (VdStatusBanner *self)
{
  g_return_val_if_fail (VD_IS_STATUS_BANNER (self), VD_SEVERITY_UNKNOWN);

  return self->severity;
}

const char *
vd_status_banner_get_style_class (VdStatusBanner *self)
{
  g_return_val_if_fail (VD_IS_STATUS_BANNER (self), NULL);

  /* Read from the widget itself, so the test sees what the stylesheet sees. */
  for (guint i = 0; i < G_N_ELEMENTS (looks); i++)
    {
      if (gtk_widget_has_css_class (self->band, looks[i].style_class))
        return looks[i].style_class;
    }

  return NULL;
}

const char *
vd_status_banner_get_icon_name (VdStatusBanner *self)
{
  g_return_val_if_fail (VD_IS_STATUS_BANNER (self), NULL);

  return gtk_image_get_icon_name (self->icon);
}

const char *
vd_status_banner_get_title (VdStatusBanner *self)
{
  g_return_val_if_fail (VD_IS_STATUS_BANNER (self), NULL);

  return gtk_label_get_text (self->title_label);
}

const char *
vd_status_banner_get_explanation (VdStatusBanner *self)
{
  g_return_val_if_fail (VD_IS_STATUS_BANNER (self), NULL);

  return gtk_label_get_text (self->explanation_label);
}

const char *
vd_status_banner_get_next_step (VdStatusBanner *self)
{
  g_return_val_if_fail (VD_IS_STATUS_BANNER (self), NULL);

  return self->next_step;
}

GtkWidget *
vd_status_banner_get_resubmit_button (VdStatusBanner *self)
{
  g_return_val_if_fail (VD_IS_STATUS_BANNER (self), NULL);

  return self->resubmit_button;
}

GtkWidget *
vd_status_banner_get_preferences_button (VdStatusBanner *self)
{
  g_return_val_if_fail (VD_IS_STATUS_BANNER (self), NULL);

  return self->preferences_button;
}
