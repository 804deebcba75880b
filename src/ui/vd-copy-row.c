#define G_LOG_DOMAIN "vd-copy-row"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vd-copy-row.h"

/* How long the button's tooltip says "Copied" when there is no toast overlay to say it. */
#define COPIED_TOOLTIP_MS 3000

struct _VdCopyRow
{
  AdwActionRow  parent_instance;

  GtkLabel     *value_label;
  GtkWidget    *copy_button;

  char         *value;
  guint         tooltip_reset_id;
};

G_DEFINE_FINAL_TYPE (VdCopyRow, vd_copy_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_VALUE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
has_value (VdCopyRow *self)
{
  return self->value != NULL && *self->value != '\0';
}

static void
reset_tooltip (gpointer user_data)
{
  VdCopyRow *self = user_data;

  self->tooltip_reset_id = 0;
  gtk_widget_set_tooltip_text (self->copy_button, _("Copy"));
}

static void
confirm_copied (VdCopyRow *self)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self));

  if (overlay != NULL)
    {
      g_autofree char *text = NULL;
      AdwToast *toast;

      /* Translators: %s names what was copied: VerifyToken, RequestId or BizId. */
      text = g_strdup_printf (_("Copied %s"), title != NULL ? title : "");
      toast = adw_toast_new (text);
      adw_toast_set_timeout (toast, 2);
      adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
      return;
    }

  gtk_widget_set_tooltip_text (self->copy_button, _("Copied"));
  g_clear_handle_id (&self->tooltip_reset_id, g_source_remove);
  self->tooltip_reset_id = g_timeout_add_once (COPIED_TOOLTIP_MS, reset_tooltip, self);
}

void
vd_copy_row_copy (VdCopyRow *self)
{
  g_return_if_fail (VD_IS_COPY_ROW (self));

  if (!has_value (self))
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->value);
  confirm_copied (self);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  vd_copy_row_copy (VD_COPY_ROW (widget));
}

static void
update_button_label (VdCopyRow *self)
{
  const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self));
  /* Translators: the copy button's name for screen readers; %s is VerifyToken, RequestId… */
  g_autofree char *label = g_strdup_printf (_("Copy %s"), title != NULL ? title : "");

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->copy_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
on_title_changed (VdCopyRow  *self,
                  GParamSpec *pspec,
                  gpointer    user_data)
{
  update_button_label (self);
}

static void
vd_copy_row_dispose (GObject *object)
{
  VdCopyRow *self = VD_COPY_ROW (object);

  g_clear_handle_id (&self->tooltip_reset_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (object), VD_TYPE_COPY_ROW);

  G_OBJECT_CLASS (vd_copy_row_parent_class)->dispose (object);
}

static void
vd_copy_row_finalize (GObject *object)
{
  VdCopyRow *self = VD_COPY_ROW (object);

  g_free (self->value);

  G_OBJECT_CLASS (vd_copy_row_parent_class)->finalize (object);
}

static void
vd_copy_row_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  VdCopyRow *self = VD_COPY_ROW (object);

  switch (prop_id)
    {
    case PROP_VALUE:
      g_value_set_string (value, self->value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vd_copy_row_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  VdCopyRow *self = VD_COPY_ROW (object);

  switch (prop_id)
    {
    case PROP_VALUE:
      vd_copy_row_set_value (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vd_copy_row_class_init (VdCopyRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vd_copy_row_dispose;
  object_class->finalize = vd_copy_row_finalize;
  object_class->get_property = vd_copy_row_get_property;
  object_class->set_property = vd_copy_row_set_property;

  properties[PROP_VALUE] =
    g_param_spec_string ("value", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/verifydesk/VerifyDesk/vd-copy-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VdCopyRow, value_label);
  gtk_widget_class_bind_template_child (widget_class, VdCopyRow, copy_button);

  gtk_widget_class_install_action (widget_class, "copy-row.copy", NULL, copy_action);
}

static void
vd_copy_row_init (VdCopyRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (self, "notify::title", G_CALLBACK (on_title_changed), NULL);
  update_button_label (self);
  vd_copy_row_set_value (self, NULL);
}

GtkWidget *
vd_copy_row_new (const char *title)
{
  return g_object_new (VD_TYPE_COPY_ROW, "title", title, NULL);
}

void
vd_copy_row_set_value (VdCopyRow  *self,
                       const char *value)
{
  gboolean changed;

  g_return_if_fail (VD_IS_COPY_ROW (self));

  changed = g_strcmp0 (self->value, value) != 0;
  g_free (self->value);
  self->value = g_strdup (value);

  if (has_value (self))
    {
      gtk_label_set_text (self->value_label, self->value);
      gtk_widget_remove_css_class (GTK_WIDGET (self->value_label), "dim-label");
    }
  else
    {
      gtk_label_set_text (self->value_label, _("None"));
      gtk_widget_add_css_class (GTK_WIDGET (self->value_label), "dim-label");
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "copy-row.copy", has_value (self));

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE]);
}

const char *
vd_copy_row_get_value (VdCopyRow *self)
{
  g_return_val_if_fail (VD_IS_COPY_ROW (self), NULL);

  return self->value;
}

GtkWidget *
vd_copy_row_get_copy_button (VdCopyRow *self)
{
  g_return_val_if_fail (VD_IS_COPY_ROW (self), NULL);

  return self->copy_button;
}
