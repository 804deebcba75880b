#define G_LOG_DOMAIN "vd-outcome-badge"

#include "config.h"

#include "vd-outcome-badge.h"

#define ICON_SIZE 16
#define SPACING   6

struct _VdOutcomeBadge
{
  GtkWidget         parent_instance;

  char             *icon_name;
  char             *text;
  GtkIconPaintable *icon;   /* looked up when first drawn: the theme's cache shares it */
  PangoLayout      *layout; /* made when first measured */
};

G_DEFINE_FINAL_TYPE (VdOutcomeBadge, vd_outcome_badge, GTK_TYPE_WIDGET)

static PangoLayout *
ensure_layout (VdOutcomeBadge *self)
{
  if (self->layout == NULL)
    {
      self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), self->text);
      pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_single_paragraph_mode (self->layout, TRUE);
    }
  return self->layout;
}

static GtkIconPaintable *
ensure_icon (VdOutcomeBadge *self)
{
  if (self->icon == NULL && self->icon_name != NULL)
    {
      GtkWidget *widget = GTK_WIDGET (self);
      GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (widget));

      self->icon = gtk_icon_theme_lookup_icon (theme, self->icon_name, NULL, ICON_SIZE,
                                               gtk_widget_get_scale_factor (widget),
                                               gtk_widget_get_direction (widget), 0);
    }
  return self->icon;
}

static void
vd_outcome_badge_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  VdOutcomeBadge *self = VD_OUTCOME_BADGE (widget);
  PangoLayout *layout = ensure_layout (self);
  int width;
  int height;

  /* Measured unconstrained: the allocation, not the measure, ellipsizes. */
  pango_layout_set_width (layout, -1);
  pango_layout_get_pixel_size (layout, &width, &height);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* At its narrowest the icon stays whole: it and the words say the same. */
      *minimum = ICON_SIZE;
      *natural = ICON_SIZE + SPACING + width;
    }
  else
    {
      *minimum = MAX (ICON_SIZE, height);
      *natural = *minimum;
    }
}

static void
vd_outcome_badge_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  VdOutcomeBadge *self = VD_OUTCOME_BADGE (widget);
  int text_width = MAX (0, width - ICON_SIZE - SPACING);

  pango_layout_set_width (ensure_layout (self), text_width * PANGO_SCALE);
}

static void
vd_outcome_badge_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  VdOutcomeBadge *self = VD_OUTCOME_BADGE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  GtkIconPaintable *icon = ensure_icon (self);
  GtkStyleContext *style;
  GdkRGBA colors[4];
  int text_width;
  int text_height;
  double icon_x;
  double text_x;

  if (self->text == NULL)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  style = gtk_widget_get_style_context (widget);
  gtk_style_context_get_color (style, &colors[0]);
  G_GNUC_END_IGNORE_DEPRECATIONS
  /* Symbolic icons take the foreground for all four of their colours: the badge's class
   * (success, error, warning, dim-label) sets it. */
  colors[1] = colors[2] = colors[3] = colors[0];

  pango_layout_get_pixel_size (ensure_layout (self), &text_width, &text_height);
  icon_x = rtl ? width - ICON_SIZE : 0;
  text_x = rtl ? width - ICON_SIZE - SPACING - text_width : ICON_SIZE + SPACING;

  if (icon != NULL)
    {
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot,
                              &GRAPHENE_POINT_INIT (icon_x, (height - ICON_SIZE) / 2.0));
      gtk_symbolic_paintable_snapshot_symbolic (GTK_SYMBOLIC_PAINTABLE (icon), snapshot,
                                                ICON_SIZE, ICON_SIZE, colors, 4);
      gtk_snapshot_restore (snapshot);
    }

  if (width > ICON_SIZE + SPACING)
    {
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot,
                              &GRAPHENE_POINT_INIT (text_x, (height - text_height) / 2.0));
      gtk_snapshot_append_layout (snapshot, self->layout, &colors[0]);
      gtk_snapshot_restore (snapshot);
    }
}

/* The layout and the icon follow the font, the scale and the theme. */
static void
forget_rendering (VdOutcomeBadge *self)
{
  g_clear_object (&self->layout);
  g_clear_object (&self->icon);
}

static void
vd_outcome_badge_css_changed (GtkWidget         *widget,
                              GtkCssStyleChange *change)
{
  VdOutcomeBadge *self = VD_OUTCOME_BADGE (widget);

  GTK_WIDGET_CLASS (vd_outcome_badge_parent_class)->css_changed (widget, change);
  /* The widget's Pango context already has the new font; the layout only re-reads it. */
  if (self->layout != NULL)
    pango_layout_context_changed (self->layout);
  g_clear_object (&self->icon);
  gtk_widget_queue_resize (widget);
}

static void
vd_outcome_badge_direction_changed (GtkWidget        *widget,
                                    GtkTextDirection  previous)
{
  forget_rendering (VD_OUTCOME_BADGE (widget));
  gtk_widget_queue_resize (widget);
}

static void
vd_outcome_badge_finalize (GObject *object)
{
  VdOutcomeBadge *self = VD_OUTCOME_BADGE (object);

  forget_rendering (self);
  g_free (self->icon_name);
  g_free (self->text);
  G_OBJECT_CLASS (vd_outcome_badge_parent_class)->finalize (object);
}

static void
vd_outcome_badge_class_init (VdOutcomeBadgeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = vd_outcome_badge_finalize;
  widget_class->measure = vd_outcome_badge_measure;
  widget_class->size_allocate = vd_outcome_badge_size_allocate;
  widget_class->snapshot = vd_outcome_badge_snapshot;
  widget_class->css_changed = vd_outcome_badge_css_changed;
  widget_class->direction_changed = vd_outcome_badge_direction_changed;
  gtk_widget_class_set_css_name (widget_class, "outcome-badge");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
vd_outcome_badge_init (VdOutcomeBadge *self)
{
}

GtkWidget *
vd_outcome_badge_new (void)
{
  return g_object_new (VD_TYPE_OUTCOME_BADGE, NULL);
}

void
vd_outcome_badge_set (VdOutcomeBadge *self,
                      const char     *icon_name,
                      const char     *words)
{
  g_return_if_fail (VD_IS_OUTCOME_BADGE (self));

  if (g_strcmp0 (self->icon_name, icon_name) != 0)
    {
      g_free (self->icon_name);
      self->icon_name = g_strdup (icon_name);
      g_clear_object (&self->icon);
    }
  if (g_strcmp0 (self->text, words) != 0)
    {
      g_free (self->text);
      self->text = g_strdup (words);
      if (self->layout != NULL)
        pango_layout_set_text (self->layout, words != NULL ? words : "", -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, words != NULL ? words : "",
                                      -1);
      gtk_widget_queue_resize (GTK_WIDGET (self));
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
vd_outcome_badge_get_text (VdOutcomeBadge *self)
{
  g_return_val_if_fail (VD_IS_OUTCOME_BADGE (self), NULL);

  return self->text;
}
