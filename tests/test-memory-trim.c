/* The debounced trim: it waits for quiet, a burst trims once, and freed heap really goes back
 * to the system. */

#include "config.h"

#include <malloc.h>
#include <unistd.h>

#include "vd-memory-trim.h"
#include "vd-test-util.h"

/* Under AddressSanitizer (the sanitizer build of run-tests.sh) malloc is the sanitizer's, not
 * glibc's: there is no glibc heap whose freed memory a trim could give back to measure. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

#if defined(HAVE_MALLOC_TRIM) && !defined(UNDER_ASAN)
#define MEASURE_HEAP_RETURN 1
#endif

#ifdef MEASURE_HEAP_RETURN
/* Resident anonymous memory of this process in kB, from /proc/self/status. */
static guint64
rss_anon_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;
  guint64 kb = 0;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "RssAnon:");
  g_assert_nonnull (line);
  kb = g_ascii_strtoull (line + strlen ("RssAnon:"), NULL, 10);
  return kb;
}
#endif

static gboolean
on_deadline (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main loop for @ms milliseconds. */
static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, on_deadline, &done);
  vd_test_wait_for_flag (&done, ms + 5000);
}

static void
test_waits_for_quiet (void)
{
  vd_memory_trim_when_idle ();
  g_assert_true (vd_memory_trim_is_pending ());
  run_for (200);
  g_assert_true (vd_memory_trim_is_pending ());
  run_for (600);
  g_assert_false (vd_memory_trim_is_pending ());
}

static void
test_burst_postpones (void)
{
  /* A call every 200 ms keeps it waiting: the trim runs once, after the last call. */
  for (guint i = 0; i < 5; i++)
    {
      vd_memory_trim_when_idle ();
      run_for (200);
      g_assert_true (vd_memory_trim_is_pending ());
    }
  run_for (600);
  g_assert_false (vd_memory_trim_is_pending ());
}

#ifdef MEASURE_HEAP_RETURN
static void
test_gives_freed_heap_back (void)
{
  enum { N_BLOCKS = 64 * 1024, BLOCK = 1024 };
  g_autofree char **blocks = g_new0 (char *, N_BLOCKS);
  char *pin;
  guint64 before;
  guint64 after;

  /* Stop glibc from trimming on its own, so that only our trim can give the memory back. */
  g_assert_cmpint (mallopt (M_TRIM_THRESHOLD, 512 * 1024 * 1024), ==, 1);

  for (guint i = 0; i < N_BLOCKS; i++)
    {
      blocks[i] = g_malloc (BLOCK);
      memset (blocks[i], 0x5a, BLOCK);
    }
  /* Above the freed blocks, so the heap's top cannot shrink past them. */
  pin = g_malloc (BLOCK);
  for (guint i = 0; i < N_BLOCKS; i++)
    g_free (blocks[i]);

  before = rss_anon_kb ();
  vd_memory_trim_when_idle ();
  run_for (800);
  g_assert_false (vd_memory_trim_is_pending ());
  after = rss_anon_kb ();
  g_free (pin);

  g_test_message ("RssAnon before the trim: %" G_GUINT64_FORMAT " kB, after: %" G_GUINT64_FORMAT
                  " kB", before, after);
  /* 64 MiB were freed; most of it must be back with the system. */
  g_assert_cmpuint (before, >, after);
  g_assert_cmpuint (before - after, >=, 48 * 1024);
}
#endif

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memory-trim/waits-for-quiet", test_waits_for_quiet);
  g_test_add_func ("/memory-trim/burst-postpones", test_burst_postpones);
#ifdef MEASURE_HEAP_RETURN
  /* glibc, as on every system VerifyDesk ships for; elsewhere the trim only waits. */
  g_test_add_func ("/memory-trim/gives-freed-heap-back", test_gives_freed_heap_back);
#endif

  return g_test_run ();
}
