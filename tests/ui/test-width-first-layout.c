/* test-width-first-layout.c: VdWidthFirstLayout reports widths measured without a height and
 * still measures heights for the width given; its children get the whole widget. */

#define G_LOG_DOMAIN "test-width-first-layout"

#include "config.h"

#include <adwaita.h>

#include "vd-ui-test-util.h"
#include "vd-width-first-layout.h"

#define TEXT "Web addresses the service can fetch. With both sides of the ID card, the result " \
             "also shows what the card says."

typedef struct {
  int minimum;
  int natural;
} Size;

/* A bin holding a vertical box with a wrapping paragraph, laid out by @layout (NULL: AdwBin's
 * own GtkBinLayout). */
static GtkWidget *
new_bin (GtkLayoutManager *layout)
{
  GtkWidget *bin = adw_bin_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new (TEXT);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_box_append (GTK_BOX (box), label);
  adw_bin_set_child (ADW_BIN (bin), box);
  if (layout != NULL)
    gtk_widget_set_layout_manager (bin, layout);
  return g_object_ref_sink (bin);
}

static Size
measure (GtkWidget      *widget,
         GtkOrientation  orientation,
         int             for_size)
{
  Size size = { 0 };

  gtk_widget_measure (widget, orientation, for_size, &size.minimum, &size.natural, NULL, NULL);
  return size;
}

/* A width asked for a height is the width asked for none; a plain bin answers otherwise (the
 * paragraph must fit the height), which is the work the layout saves. */
static void
test_width_ignores_height (void)
{
  g_autoptr(GtkWidget) plain = new_bin (NULL);
  g_autoptr(GtkWidget) bin = new_bin (vd_width_first_layout_new ());
  Size plain_free = measure (plain, GTK_ORIENTATION_HORIZONTAL, -1);
  Size plain_for_height = measure (plain, GTK_ORIENTATION_HORIZONTAL, 40);
  Size free = measure (bin, GTK_ORIENTATION_HORIZONTAL, -1);
  Size for_height = measure (bin, GTK_ORIENTATION_HORIZONTAL, 40);

  g_assert_cmpint (plain_for_height.minimum, >, plain_free.minimum);
  g_assert_cmpint (free.minimum, ==, plain_free.minimum);
  g_assert_cmpint (free.natural, ==, plain_free.natural);
  g_assert_cmpint (for_height.minimum, ==, free.minimum);
  g_assert_cmpint (for_height.natural, ==, free.natural);
  g_assert_cmpint (gtk_widget_get_request_mode (bin), ==, GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH);
}

/* Heights still follow the width: narrower, taller, as a plain bin says. */
static void
test_height_follows_width (void)
{
  g_autoptr(GtkWidget) plain = new_bin (NULL);
  g_autoptr(GtkWidget) bin = new_bin (vd_width_first_layout_new ());
  Size narrow = measure (bin, GTK_ORIENTATION_VERTICAL, 120);
  Size wide = measure (bin, GTK_ORIENTATION_VERTICAL, 2000);
  Size plain_narrow = measure (plain, GTK_ORIENTATION_VERTICAL, 120);

  g_assert_cmpint (narrow.minimum, >, wide.minimum);
  g_assert_cmpint (narrow.minimum, ==, plain_narrow.minimum);
  g_assert_cmpint (narrow.natural, ==, plain_narrow.natural);
}

/* In a window, the child is given the whole bin. */
static void
test_child_gets_whole_widget (void)
{
  g_autoptr(GtkWidget) bin = new_bin (vd_width_first_layout_new ());
  GtkWidget *window = gtk_window_new ();
  GtkWidget *child = adw_bin_get_child (ADW_BIN (bin));

  gtk_window_set_default_size (GTK_WINDOW (window), 300, 200);
  gtk_window_set_child (GTK_WINDOW (window), bin);
  gtk_window_present (GTK_WINDOW (window));
  vd_ui_test_spin (300);

  g_assert_cmpint (gtk_widget_get_width (bin), >, 0);
  g_assert_cmpint (gtk_widget_get_width (child), ==, gtk_widget_get_width (bin));
  g_assert_cmpint (gtk_widget_get_height (child), ==, gtk_widget_get_height (bin));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  vd_ui_test_init (&argc, &argv);

  g_test_add_func ("/width-first-layout/width-ignores-height", test_width_ignores_height);
  g_test_add_func ("/width-first-layout/height-follows-width", test_height_follows_width);
  g_test_add_func ("/width-first-layout/child-gets-whole-widget", test_child_gets_whole_widget);

  return g_test_run ();
}
