#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Iterates the default main context until *@flag is TRUE, at most @timeout_ms; fails the test
 * on the time limit, so that a hang is a failure and not a stalled CI run. */
void vd_test_wait_for_flag (gboolean *flag,
                            guint     timeout_ms);

/* A fixed local date for date-dependent checks (2026-11-28, noon UTC). */
GDateTime *vd_test_today (void);

G_END_DECLS
