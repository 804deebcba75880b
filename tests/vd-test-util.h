#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* How many times slower than usual this build runs: VD_TEST_SLOWDOWN (the sanitizer build's
 * test setups set it, tests/meson.build), else 1. Time budgets for work that is meant to
 * succeed scale by it; timeouts that a test provokes on purpose do not. */
guint vd_test_slowdown (void);

/* Iterates the default main context until *@flag is TRUE, at most @timeout_ms (times
 * vd_test_slowdown); fails the test on the time limit, so that a hang is a failure and not a
 * stalled CI run. */
void vd_test_wait_for_flag (gboolean *flag,
                            guint     timeout_ms);

/* A fixed local date for date-dependent checks (2026-11-28, noon UTC). */
GDateTime *vd_test_today (void);

/* Where an asynchronous call's callback leaves its answer, for a test that waits for it. */
typedef struct {
  gboolean      done;
  GAsyncResult *result;
} VdTestWait;

/* A GAsyncReadyCallback for @user_data a VdTestWait: keeps a reference to @result (the test
 * unrefs it) and sets done, so vd_test_wait_for_flag can wait on it. */
void vd_test_on_done (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data);

/* Removes @folder and everything in it. Returns FALSE when something could not be removed. */
gboolean vd_test_remove_folder (const char *folder);

G_END_DECLS
