#include "vd-ui-test-util.h"

#include <adwaita.h>

#include "vd-test-util.h"

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

static GskRenderNode *
snapshot_window (GtkWidget *window)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), gtk_widget_get_width (window),
                          gtk_widget_get_height (window));
  return gtk_snapshot_free_to_node (snapshot);
}

static gboolean
window_has_content (gpointer data)
{
  g_autoptr(GskRenderNode) node = snapshot_window (data);

  return node != NULL;
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
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);

  g_assert_true (width > 0 && height > 0);
  g_mkdir_with_parents (folder, 0755);

  /* A window that has just been shown or changed may have nothing to draw until its next
   * frames (a leaflet folding, a page sliding in): wait, bounded, until it has. */
  vd_ui_test_wait_until (window_has_content, window, 5000 * vd_test_slowdown ());
  node = snapshot_window (window);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (native), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  return path;
}
