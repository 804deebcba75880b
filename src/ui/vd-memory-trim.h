#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Hands the heap that the process has freed back to the system once the app has been quiet
 * for a moment (debounced: a burst of calls trims once, after the last).
 *
 * glibc keeps freed memory for reuse, so after a supervisor scrolls through thousands of
 * history rows — each page of records and each rebound row allocating and freeing a little —
 * the resident set stays at its high-water mark although the memory is free. Called where
 * the app drops a lot at once: pages evicted from the history list, a window closed. */
void vd_memory_trim_when_idle (void);

/* For tests: whether a trim is scheduled and has not run yet. */
gboolean vd_memory_trim_is_pending (void);

G_END_DECLS
