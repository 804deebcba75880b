#include "vd-ui-test-util.h"

#include <adwaita.h>
#include <string.h>

#include "vd-sample-customers.h"

void
vd_ui_test_init (int    *argc,
                 char ***argv)
{
  gtk_test_init (argc, argv, NULL);
  if (gdk_display_get_default () == NULL)
    g_error ("no display: run the UI tests under Xvfb (build-aux/run-tests.sh does)");
  adw_init ();
}

static gboolean
on_deadline (gpointer data)
{
  gboolean *expired = data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

void
vd_ui_test_wait_until (gboolean (*predicate) (gpointer data),
                       gpointer   data,
                       guint      timeout_ms)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (timeout_ms, on_deadline, &expired);

  while (!predicate (data) && !expired)
    g_main_context_iteration (NULL, TRUE);

  if (!expired)
    g_source_remove (id);
  else if (!predicate (data))
    g_error ("timed out after %u ms waiting for the window", timeout_ms);
}

void
vd_ui_test_spin (guint ms)
{
  gboolean expired = FALSE;

  g_timeout_add (ms, on_deadline, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

/* The window is on screen with a size: before that its paintable draws nothing. */
static gboolean
is_drawable (gpointer data)
{
  GtkWidget *window = data;

  return gtk_widget_get_mapped (window) &&
         gtk_widget_get_width (window) > 0 && gtk_widget_get_height (window) > 0;
}

GskRenderNode *
vd_ui_test_snapshot (GtkWidget *window)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot),
                          gtk_widget_get_width (window), gtk_widget_get_height (window));
  return gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
}

char *
vd_ui_test_screenshot (GtkWidget  *widget,
                       const char *name)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GtkWidget *window = GTK_WIDGET (native);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *folder = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                              "screenshots", NULL);
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  char *path = g_build_filename (folder, file, NULL);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  int width;
  int height;

  vd_ui_test_wait_until (is_drawable, window, 20000);
  while ((node = vd_ui_test_snapshot (window)) == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("the window %s drew nothing within 20 s", name);
      vd_ui_test_spin (50);
    }
  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  g_mkdir_with_parents (folder, 0755);

  texture = gsk_renderer_render_texture (gtk_native_get_renderer (native), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  return path;
}

void
vd_ui_test_wait_drawn (GtkWidget *window,
                       guint      timeout_ms)
{
  vd_ui_test_wait_until (is_drawable, window, timeout_ms);
}

static void
on_painted (GdkFrameClock *clock,
            gpointer       data)
{
  *(gboolean *) data = TRUE;
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

char *
vd_ui_test_screenshot_drawn (GtkWidget  *widget,
                             const char *name)
{
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_native (widget));
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong handler;

  vd_ui_test_spin (400);
  clock = gtk_widget_get_frame_clock (window);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_painted), &painted);
  gtk_widget_queue_draw (window);
  vd_ui_test_wait_until (flag_is_set, &painted, 10000);
  g_signal_handler_disconnect (clock, handler);
  return vd_ui_test_screenshot (widget, name);
}

guint
vd_ui_test_sample_index (const char *name)
{
  const VdSampleCustomer *customers;
  guint n_customers;

  customers = vd_sample_customers (&n_customers);
  for (guint i = 0; i < n_customers; i++)
    {
      if (strcmp (customers[i].name, name) == 0)
        return i;
    }

  g_error ("no sample customer %s", name);
}
