/* bench-load: verifications at scale through the desk and the history store.
 *
 *   bench-load [-n N] [-c C]
 *
 * Runs N verifications (default 10000), C in flight (default 8), through the real client and
 * a history in a scratch folder against the simulator in a thread of its own, then counts the
 * records in the store. Prints one "name: value unit" line per figure; exits 1 when a record is
 * lost, duplicated or left "sent", or when the resident size grew by more than 5 MB between the
 * first 1000 verifications and the end. The run itself is tests/vd-load-run.c, shared with
 * test-load. */

#define G_LOG_DOMAIN "bench-load"

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>

#include "vd-load-run.h"
#include "vd-test-util.h"

#define RSS_CHECKPOINT 1000
#define RSS_GROWTH_LIMIT_KB (5 * 1024)

int
main (int    argc,
      char **argv)
{
  int n = 10000;
  int concurrency = 8;
  const GOptionEntry entries[] = {
    { "requests", 'n', 0, G_OPTION_ARG_INT, &n, "Verifications (default 10000)", "N" },
    { "concurrency", 'c', 0, G_OPTION_ARG_INT, &concurrency, "In flight at once (default 8)", "C" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;
  VdLoadOptions options = { 0 };
  VdLoadReport report;
  gint64 growth_kb;
  gboolean good;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-load: %s\n", error->message);
      return 2;
    }
  if (n < 1 || concurrency < 1)
    {
      g_printerr ("bench-load: -n and -c must be positive\n");
      return 2;
    }

  folder = g_dir_make_tmp ("bench-load-XXXXXX", &error);
  if (folder == NULL)
    {
      g_printerr ("bench-load: %s\n", error->message);
      return 2;
    }
  /* Nothing of this run can reach the user's own history, whatever reads the environment. */
  g_setenv ("VERIFYDESK_DATA_DIR", folder, TRUE);

  options.verifications = n;
  options.concurrency = concurrency;
  options.folder = folder;
  options.rss_checkpoint = MIN (RSS_CHECKPOINT, (guint) n);

  if (!vd_load_run (&options, &report, &error))
    {
      g_printerr ("bench-load: %s\n", error->message);
      vd_test_remove_folder (folder);
      return 2;
    }
  if (!vd_test_remove_folder (folder))
    g_printerr ("bench-load: cannot remove all of %s\n", folder);

  growth_kb = (gint64) report.rss_all_kb - (gint64) report.rss_checkpoint_kb;
  printf ("verifications: %u verifications\n", report.verifications);
  printf ("records: %u records\n", report.records);
  printf ("duplicates: %u records\n", report.duplicates);
  printf ("lost: %u verifications\n", report.lost);
  printf ("left_sent: %u records\n", report.left_sent);
  printf ("mismatched: %u records\n", report.mismatched);
  printf ("bad_attempts: %u BizIds\n", report.bad_attempts);
  printf ("errors: %u verifications\n", report.errors);
  printf ("verify_c%d_per_s: %.0f verifications/s\n", concurrency,
          report.verifications / report.seconds);
  printf ("rss_after_%u_kb: %" G_GUINT64_FORMAT " kB\n", options.rss_checkpoint,
          report.rss_checkpoint_kb);
  printf ("rss_after_all_kb: %" G_GUINT64_FORMAT " kB\n", report.rss_all_kb);
  printf ("rss_growth_kb: %" G_GINT64_FORMAT " kB\n", growth_kb);

  good = report.verifications == (guint) n && report.records == (guint) n &&
         report.duplicates == 0 && report.lost == 0 && report.left_sent == 0 &&
         report.mismatched == 0 && report.bad_attempts == 0 && report.errors == 0 &&
         growth_kb <= RSS_GROWTH_LIMIT_KB;
  return good ? 0 : 1;
}
