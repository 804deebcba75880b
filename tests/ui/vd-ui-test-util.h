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
/* Renders @widget's window in-process and writes it as a PNG into the build folder
 * (G_TEST_BUILDDIR/screenshots/@name.png). Returns the path. */
char    *vd_ui_test_screenshot    (GtkWidget  *widget,
                                   const char *name);

G_END_DECLS
