#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Opens the display or fails the test: a test that finds DISPLAY set but cannot init GTK must
 * fail, not skip (headless-testing.md). Call before anything else touches GTK. */
void     vd_ui_test_init          (int    *argc,
                                   char ***argv);
/* Iterates the main loop until @predicate returns TRUE, at most @timeout_ms; fails the test
 * on the time limit. */
void     vd_ui_test_wait_until    (gboolean (*predicate) (gpointer data),
                                   gpointer   data,
                                   guint      timeout_ms);
/* Iterates the main loop for @ms milliseconds. */
void     vd_ui_test_spin          (guint ms);
/* Draws @window's current content into a render node (transfer full); NULL while it has
 * nothing to draw yet (a window mapped a moment ago on a loaded machine). */
GskRenderNode *vd_ui_test_snapshot (GtkWidget *window);
/* Renders @widget's window in-process and writes it as a PNG into the build folder
 * (G_TEST_BUILDDIR/screenshots/@name.png). Returns the path. */
char    *vd_ui_test_screenshot    (GtkWidget  *widget,
                                   const char *name);
/* The same once animations have settled (400 ms) and the window has drawn one more frame: what
 * it shows now, even on a machine too slow to have drawn it yet. */
char    *vd_ui_test_screenshot_drawn (GtkWidget  *widget,
                                      const char *name);
/* Iterates the main loop until @window is mapped with a size, at most @timeout_ms. */
void     vd_ui_test_wait_drawn    (GtkWidget *window,
                                   guint      timeout_ms);
/* The index of the training sample customer called @name (for win.fill-sample); fails the
 * test when there is none. */
guint    vd_ui_test_sample_index  (const char *name);

G_END_DECLS
