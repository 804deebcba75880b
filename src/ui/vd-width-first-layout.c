#define G_LOG_DOMAIN "vd-width-first-layout"

#include "config.h"

#include "vd-width-first-layout.h"

struct _VdWidthFirstLayout
{
  GtkLayoutManager parent_instance;
};

G_DEFINE_FINAL_TYPE (VdWidthFirstLayout, vd_width_first_layout, GTK_TYPE_LAYOUT_MANAGER)

static GtkSizeRequestMode
vd_width_first_layout_get_request_mode (GtkLayoutManager *layout_manager,
                                        GtkWidget        *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
vd_width_first_layout_measure (GtkLayoutManager *layout_manager,
                               GtkWidget        *widget,
                               GtkOrientation    orientation,
                               int               for_size,
                               int              *minimum,
                               int              *natural,
                               int              *minimum_baseline,
                               int              *natural_baseline)
{
  /* The one difference from GtkBinLayout: a width is never asked for a height. */
  int child_for_size = orientation == GTK_ORIENTATION_HORIZONTAL ? -1 : for_size;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_minimum = 0;
      int child_natural = 0;
      int child_minimum_baseline = -1;
      int child_natural_baseline = -1;

      if (!gtk_widget_should_layout (child))
        continue;

      gtk_widget_measure (child, orientation, child_for_size, &child_minimum, &child_natural,
                          &child_minimum_baseline, &child_natural_baseline);

      *minimum = MAX (*minimum, child_minimum);
      *natural = MAX (*natural, child_natural);
      if (child_minimum_baseline > -1)
        *minimum_baseline = MAX (*minimum_baseline, child_minimum_baseline);
      if (child_natural_baseline > -1)
        *natural_baseline = MAX (*natural_baseline, child_natural_baseline);
    }
}

static void
vd_width_first_layout_allocate (GtkLayoutManager *layout_manager,
                                GtkWidget        *widget,
                                int               width,
                                int               height,
                                int               baseline)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (gtk_widget_should_layout (child))
        gtk_widget_allocate (child, width, height, baseline, NULL);
    }
}

static void
vd_width_first_layout_class_init (VdWidthFirstLayoutClass *klass)
{
  GtkLayoutManagerClass *layout_class = GTK_LAYOUT_MANAGER_CLASS (klass);

  layout_class->get_request_mode = vd_width_first_layout_get_request_mode;
  layout_class->measure = vd_width_first_layout_measure;
  layout_class->allocate = vd_width_first_layout_allocate;
}

static void
vd_width_first_layout_init (VdWidthFirstLayout *self)
{
}

GtkLayoutManager *
vd_width_first_layout_new (void)
{
  return g_object_new (VD_TYPE_WIDTH_FIRST_LAYOUT, NULL);
}
