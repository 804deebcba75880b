/* The load benchmark's run (vd-load-run.c) at a small scale, in the normal suite: 200
 * verifications, 8 in flight, through the desk and the history against the simulator, and
 * every one of them recorded exactly once. */

#define G_LOG_DOMAIN "test-load"

#include "config.h"

#include <glib/gstdio.h>

#include "vd-load-run.h"
#include "vd-test-util.h"

#define VERIFICATIONS 200
#define CONCURRENCY   8
/* A hang fails instead of stalling the suite; the run takes well under a second. */
#define TIME_LIMIT_US (60 * G_USEC_PER_SEC)

static void
run_load (gboolean      add_strays,
          VdLoadReport *report)
{
  g_autofree char *folder = g_dir_make_tmp ("vd-load-XXXXXX", NULL);
  VdLoadOptions options = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (folder);
  options.verifications = VERIFICATIONS;
  options.concurrency = CONCURRENCY;
  options.folder = folder;
  options.rss_checkpoint = VERIFICATIONS / 2;
  options.add_strays = add_strays;

  g_assert_true (vd_load_run (&options, report, &error));
  g_assert_no_error (error);
  g_assert_true (vd_test_remove_folder (folder));
}

static void
test_every_verification_recorded_once_subprocess (void)
{
  VdLoadReport report;

  run_load (FALSE, &report);
  g_assert_cmpuint (report.verifications, ==, VERIFICATIONS);
  g_assert_cmpuint (report.errors, ==, 0);
  g_assert_cmpuint (report.records, ==, VERIFICATIONS);
  g_assert_cmpuint (report.duplicates, ==, 0);
  g_assert_cmpuint (report.lost, ==, 0);
  g_assert_cmpuint (report.left_sent, ==, 0);
  g_assert_cmpuint (report.mismatched, ==, 0);
  g_assert_cmpuint (report.bad_attempts, ==, 0);
  g_assert_cmpuint (report.rss_checkpoint_kb, >, 0);
  g_assert_cmpuint (report.rss_all_kb, >, 0);
}

/* The count's own check: records that no verification made are seen, so the test above cannot
 * pass by counting nothing. */
static void
test_strays_counted_subprocess (void)
{
  VdLoadReport report;

  run_load (TRUE, &report);
  g_assert_cmpuint (report.verifications, ==, VERIFICATIONS);
  g_assert_cmpuint (report.records, ==, VERIFICATIONS + 2);
  g_assert_cmpuint (report.duplicates, ==, 2);
  g_assert_cmpuint (report.lost, ==, 0);
  g_assert_cmpuint (report.left_sent, ==, 1);
  g_assert_cmpuint (report.mismatched, ==, 0);
  g_assert_cmpuint (report.bad_attempts, ==, 1);
}

static void
test_strays_counted (void)
{
  g_test_trap_subprocess ("/load/strays-counted/subprocess", TIME_LIMIT_US,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_every_verification_recorded_once (void)
{
  g_test_trap_subprocess ("/load/every-verification-recorded-once/subprocess", TIME_LIMIT_US,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/load/every-verification-recorded-once", test_every_verification_recorded_once);
  g_test_add_func ("/load/every-verification-recorded-once/subprocess",
                   test_every_verification_recorded_once_subprocess);
  g_test_add_func ("/load/strays-counted", test_strays_counted);
  g_test_add_func ("/load/strays-counted/subprocess", test_strays_counted_subprocess);

  return g_test_run ();
}
