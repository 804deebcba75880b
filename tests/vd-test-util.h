#pragma once

#include <glib.h>

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

G_END_DECLS
