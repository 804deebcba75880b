#define G_LOG_DOMAIN "vd-score-meter"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "vd-score-meter.h"
#include "vd-verify-status.h"

/* Geometry, in pixels. The marker's radius is also the margin at both ends of the track, so a
 * score of 0 or 100 is drawn whole. */
#define TRACK_HEIGHT    8.0
#define MARKER_RADIUS   8.0
#define TICK_OVERHANG   4.0
#define ROW_GAP         4
#define LABEL_SPACING   10.0
#define MAX_LEGEND_ROWS 6
#define MIN_WIDTH       240
#define NATURAL_WIDTH   360

struct _VdScoreMeter
{
  GtkWidget  parent_instance;

  double     value;
  gboolean   has_value;
  char      *text;
};

G_DEFINE_FINAL_TYPE (VdScoreMeter, vd_score_meter, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_VALUE,
  PROP_HAS_VALUE,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One label under the scale: a threshold with its false-accept rate, or an end of the scale. */
typedef struct {
  PangoLayout *layout;
  double       anchor_x;
  double       x;
  int          width;
  int          row;
  gboolean     is_threshold;
} LegendLabel;

/* The legend for a given width: labels placed left to right, each in the first row where it
 * does not overlap another, so that 90 and 95 (5 % of the width apart) never collide. */
typedef struct {
  LegendLabel labels[2 + 8];
  guint       n_labels;
  int         n_rows;
  int         line_height;
} Legend;

static double
track_start (void)
{
  return MARKER_RADIUS;
}

static double
position_for_score (double score,
                    int    width)
{
  double usable = MAX (width - 2 * MARKER_RADIUS, 1);

  return track_start () + usable * CLAMP (score, 0, 100) / 100.0;
}

/* An integer prints as one, anything else with one decimal cut rather than rounded, as
 * vd_score_describe does, so the number on the marker matches the words beside it. */
static char *
format_score (double score)
{
  if (score == floor (score))
    return g_strdup_printf ("%.0f", score);

  return g_strdup_printf ("%.1f", floor (score * 10 + 1e-9) / 10);
}

static int
line_height (GtkWidget *widget)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, "0");
  int height;

  pango_layout_get_pixel_size (layout, NULL, &height);
  return height;
}

static void
legend_add (Legend      *legend,
            PangoLayout *layout,
            double       anchor_x,
            gboolean     is_threshold)
{
  LegendLabel *label = &legend->labels[legend->n_labels++];

  g_assert (legend->n_labels <= G_N_ELEMENTS (legend->labels));

  label->layout = layout;
  label->anchor_x = anchor_x;
  label->is_threshold = is_threshold;
  pango_layout_get_pixel_size (layout, &label->width, NULL);
}

static gboolean
overlaps_row (const Legend *legend,
              guint         upto,
              int           row,
              double        x,
              int           width)
{
  for (guint i = 0; i < upto; i++)
    {
      const LegendLabel *other = &legend->labels[i];

      if (other->row == row &&
          x < other->x + other->width + LABEL_SPACING &&
          other->x < x + width + LABEL_SPACING)
        return TRUE;
    }

  return FALSE;
}

static void
legend_place (Legend *legend,
              int     width)
{
  legend->n_rows = 1;

  for (guint i = 0; i < legend->n_labels; i++)
    {
      LegendLabel *label = &legend->labels[i];
      double x = label->anchor_x - label->width / 2.0;
      int row = 0;

      x = CLAMP (x, 0, MAX (width - label->width, 0));
      while (row < MAX_LEGEND_ROWS - 1 && overlaps_row (legend, i, row, x, label->width))
        row++;

      label->x = x;
      label->row = row;
      legend->n_rows = MAX (legend->n_rows, row + 1);
    }
}

static void
legend_build (Legend    *legend,
              GtkWidget *widget,
              int        width)
{
  const VdScoreBand *bands;
  guint n_bands;
  PangoLayout *layout;

  memset (legend, 0, sizeof *legend);
  legend->line_height = line_height (widget);

  layout = gtk_widget_create_pango_layout (widget, "0");
  legend_add (legend, layout, track_start (), FALSE);
  layout = gtk_widget_create_pango_layout (widget, "100");
  legend_add (legend, layout, position_for_score (100, width), FALSE);

  /* From the lowest threshold up, so the crowded high end is what moves to a lower row. */
  bands = vd_score_thresholds (&n_bands);
  for (guint i = n_bands; i > 0; i--)
    {
      const VdScoreBand *band = &bands[i - 1];
      g_autofree char *markup = NULL;

      /* The threshold in bold, then its false-accept rate: "<b>95</b> 0.001 %". */
      markup = g_markup_printf_escaped ("<b>%d</b> %s", (int) band->threshold, band->far_text);
      layout = gtk_widget_create_pango_layout (widget, NULL);
      pango_layout_set_markup (layout, markup, -1);
      legend_add (legend, layout, position_for_score (band->threshold, width), TRUE);
    }

  legend_place (legend, width);
}

static void
legend_clear (Legend *legend)
{
  for (guint i = 0; i < legend->n_labels; i++)
    g_clear_object (&legend->labels[i].layout);
}

/* The vertical layout: the score's number, the track, then the legend rows. */
static int
track_top (int text_height)
{
  return text_height + ROW_GAP;
}

static int
legend_top (int text_height)
{
  return track_top (text_height) + 2 * MARKER_RADIUS + ROW_GAP;
}

static int
height_for_width (GtkWidget *widget,
                  int        width)
{
  Legend legend;
  int height;

  legend_build (&legend, widget, width);
  height = legend_top (legend.line_height) + legend.n_rows * (legend.line_height + ROW_GAP);
  legend_clear (&legend);
  return height;
}

static void
vd_score_meter_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MIN_WIDTH;
      *natural = NATURAL_WIDTH;
      return;
    }

  /* The narrower the meter, the more legend rows it needs. */
  *minimum = *natural = height_for_width (widget, for_size > 0 ? for_size : NATURAL_WIDTH);
}

static GtkSizeRequestMode
vd_score_meter_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
append_rect (GtkSnapshot   *snapshot,
             const GdkRGBA *color,
             double         x,
             double         y,
             double         width,
             double         height)
{
  gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (x, y, width, height));
}

static void
append_rounded (GtkSnapshot   *snapshot,
                const GdkRGBA *color,
                double         x,
                double         y,
                double         width,
                double         height,
                double         radius)
{
  GskRoundedRect rect;

  gsk_rounded_rect_init_from_rect (&rect, &GRAPHENE_RECT_INIT (x, y, width, height), radius);
  gtk_snapshot_push_rounded_clip (snapshot, &rect);
  append_rect (snapshot, color, x, y, width, height);
  gtk_snapshot_pop (snapshot);
}

static void
append_layout (GtkSnapshot   *snapshot,
               PangoLayout   *layout,
               const GdkRGBA *color,
               double         x,
               double         y)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static GdkRGBA
with_alpha (const GdkRGBA *color,
            double         alpha)
{
  GdkRGBA result = *color;

  result.alpha *= alpha;
  return result;
}

/* The colours come from the theme, so the meter follows the dark and high-contrast styles:
 * the text colour for the scale and the accent colour for the score. */
static void
theme_colors (GtkWidget *widget,
              GdkRGBA   *foreground,
              GdkRGBA   *accent,
              GdkRGBA   *background)
{
  GtkStyleContext *context = gtk_widget_get_style_context (widget);

  gtk_style_context_get_color (context, foreground);
  if (!gtk_style_context_lookup_color (context, "accent_color", accent))
    *accent = *foreground;
  if (!gtk_style_context_lookup_color (context, "card_bg_color", background))
    gdk_rgba_parse (background, "white");
}

static void
snapshot_legend (GtkSnapshot   *snapshot,
                 const Legend  *legend,
                 const GdkRGBA *foreground,
                 int            text_height)
{
  GdkRGBA leader = with_alpha (foreground, 0.45);
  GdkRGBA dim = with_alpha (foreground, 0.7);
  double scale_bottom = track_top (text_height) + MARKER_RADIUS + TRACK_HEIGHT / 2 + TICK_OVERHANG;

  for (guint i = 0; i < legend->n_labels; i++)
    {
      const LegendLabel *label = &legend->labels[i];
      double y = legend_top (text_height) + label->row * (legend->line_height + ROW_GAP);

      if (label->is_threshold && y > scale_bottom)
        append_rect (snapshot, &leader, round (label->anchor_x) - 0.5, scale_bottom,
                     1, y - scale_bottom);

      append_layout (snapshot, label->layout, label->is_threshold ? foreground : &dim,
                     label->x, y);
    }
}

static void
snapshot_marker (VdScoreMeter  *self,
                 GtkSnapshot   *snapshot,
                 const GdkRGBA *foreground,
                 const GdkRGBA *accent,
                 const GdkRGBA *background,
                 int            text_height)
{
  GtkWidget *widget = GTK_WIDGET (self);
  int width = gtk_widget_get_width (widget);
  double x = position_for_score (self->value, width);
  double centre_y = track_top (text_height) + MARKER_RADIUS;
  g_autofree char *number = format_score (self->value);
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
  g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>", number);
  int number_width;
  double number_x;

  append_rounded (snapshot, accent, track_start (), centre_y - TRACK_HEIGHT / 2,
                  x - track_start (), TRACK_HEIGHT, TRACK_HEIGHT / 2);

  /* A ring in the card's background keeps the marker distinct from a tick under it. */
  append_rounded (snapshot, background, x - MARKER_RADIUS, centre_y - MARKER_RADIUS,
                  2 * MARKER_RADIUS, 2 * MARKER_RADIUS, MARKER_RADIUS);
  append_rounded (snapshot, accent, x - MARKER_RADIUS + 2, centre_y - MARKER_RADIUS + 2,
                  2 * MARKER_RADIUS - 4, 2 * MARKER_RADIUS - 4, MARKER_RADIUS - 2);

  pango_layout_set_markup (layout, markup, -1);
  pango_layout_get_pixel_size (layout, &number_width, NULL);
  number_x = CLAMP (x - number_width / 2.0, 0, MAX (width - number_width, 0));
  append_layout (snapshot, layout, foreground, number_x, 0);
}

static void
snapshot_no_value (GtkWidget     *widget,
                   GtkSnapshot   *snapshot,
                   const GdkRGBA *foreground)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, _("No score"));
  GdkRGBA dim = with_alpha (foreground, 0.7);

  append_layout (snapshot, layout, &dim, 0, 0);
}

static void
vd_score_meter_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  VdScoreMeter *self = VD_SCORE_METER (widget);
  int width = gtk_widget_get_width (widget);
  GdkRGBA foreground, accent, background, track;
  Legend legend;
  double centre_y;

  if (width <= 0)
    return;

  theme_colors (widget, &foreground, &accent, &background);
  track = with_alpha (&foreground, 0.15);
  legend_build (&legend, widget, width);
  centre_y = track_top (legend.line_height) + MARKER_RADIUS;

  append_rounded (snapshot, &track, track_start (), centre_y - TRACK_HEIGHT / 2,
                  width - 2 * MARKER_RADIUS, TRACK_HEIGHT, TRACK_HEIGHT / 2);

  for (guint i = 0; i < legend.n_labels; i++)
    {
      if (legend.labels[i].is_threshold)
        append_rect (snapshot, &foreground, round (legend.labels[i].anchor_x) - 1,
                     centre_y - TRACK_HEIGHT / 2 - TICK_OVERHANG,
                     2, TRACK_HEIGHT + 2 * TICK_OVERHANG);
    }

  snapshot_legend (snapshot, &legend, &foreground, legend.line_height);

  if (self->has_value)
    snapshot_marker (self, snapshot, &foreground, &accent, &background, legend.line_height);
  else
    snapshot_no_value (widget, snapshot, &foreground);

  legend_clear (&legend);
}

static void
vd_score_meter_css_changed (GtkWidget         *widget,
                            GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (vd_score_meter_parent_class)->css_changed (widget, change);

  /* The colours are read while drawing, so a switch to the dark or high-contrast style must
   * redraw (the parent class already measures again when the font changes). */
  gtk_widget_queue_draw (widget);
}

static void
update_text (VdScoreMeter *self)
{
  g_free (self->text);

  if (self->has_value)
    self->text = vd_score_describe (self->value);
  else
    self->text = g_strdup (_("No score: the answer carries none."));

  if (self->has_value)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                    GTK_ACCESSIBLE_PROPERTY_VALUE_NOW, self->value,
                                    GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, self->text,
                                    -1);
  else
    {
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_VALUE_NOW);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, self->text,
                                      -1);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
vd_score_meter_finalize (GObject *object)
{
  VdScoreMeter *self = VD_SCORE_METER (object);

  g_free (self->text);

  G_OBJECT_CLASS (vd_score_meter_parent_class)->finalize (object);
}

static void
vd_score_meter_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VdScoreMeter *self = VD_SCORE_METER (object);

  switch (prop_id)
    {
    case PROP_VALUE:
      g_value_set_double (value, self->value);
      break;

    case PROP_HAS_VALUE:
      g_value_set_boolean (value, self->has_value);
      break;

    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vd_score_meter_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  VdScoreMeter *self = VD_SCORE_METER (object);

  switch (prop_id)
    {
    case PROP_VALUE:
      vd_score_meter_set_value (self, g_value_get_double (value));
      break;

    case PROP_HAS_VALUE:
      vd_score_meter_set_has_value (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vd_score_meter_class_init (VdScoreMeterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = vd_score_meter_finalize;
  object_class->get_property = vd_score_meter_get_property;
  object_class->set_property = vd_score_meter_set_property;

  widget_class->measure = vd_score_meter_measure;
  widget_class->get_request_mode = vd_score_meter_get_request_mode;
  widget_class->snapshot = vd_score_meter_snapshot;
  widget_class->css_changed = vd_score_meter_css_changed;

  properties[PROP_VALUE] =
    g_param_spec_double ("value", NULL, NULL,
                         0, 100, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_VALUE] =
    g_param_spec_boolean ("has-value", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "vdscoremeter");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_METER);
}

static void
vd_score_meter_init (VdScoreMeter *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MIN, 0.0,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MAX, 100.0,
                                  -1);
  update_text (self);
}

GtkWidget *
vd_score_meter_new (void)
{
  return g_object_new (VD_TYPE_SCORE_METER, NULL);
}

void
vd_score_meter_set_value (VdScoreMeter *self,
                          double        value)
{
  g_return_if_fail (VD_IS_SCORE_METER (self));
  g_return_if_fail (vd_score_is_valid (value));

  if (self->value == value)
    return;

  self->value = value;
  update_text (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE]);
}

double
vd_score_meter_get_value (VdScoreMeter *self)
{
  g_return_val_if_fail (VD_IS_SCORE_METER (self), 0);

  return self->value;
}

void
vd_score_meter_set_has_value (VdScoreMeter *self,
                              gboolean      has_value)
{
  g_return_if_fail (VD_IS_SCORE_METER (self));

  has_value = !!has_value;
  if (self->has_value == has_value)
    return;

  self->has_value = has_value;
  update_text (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_VALUE]);
}

gboolean
vd_score_meter_get_has_value (VdScoreMeter *self)
{
  g_return_val_if_fail (VD_IS_SCORE_METER (self), FALSE);

  return self->has_value;
}

const char *
vd_score_meter_get_text (VdScoreMeter *self)
{
  g_return_val_if_fail (VD_IS_SCORE_METER (self), NULL);

  return self->text;
}
