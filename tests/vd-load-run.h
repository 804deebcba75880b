#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Verifications at scale through the one workflow (VdDesk) and the history store, against a
 * simulator in a thread of its own: the code behind tests/bench/bench-load and test-load, so
 * that the benchmark and the test cannot drift apart.
 *
 * Each task (BizId) is submitted twice, the two submissions usually in flight at once, and the
 * customers cycle through every sample customer whose ID number is valid plus plain valid
 * numbers, so the records hold every outcome and attempt numbers 1 and 2. */

typedef struct {
  guint       verifications;  /* how many to run */
  guint       concurrency;    /* in flight at once */
  const char *folder;         /* the history's folder (VERIFYDESK_DATA_DIR of the run) */
  guint       rss_checkpoint; /* the resident size is read after this many finished (0: none) */
  gboolean    add_strays;     /* the count's own check: before counting, store two records no
                               * verification made, copies of the first one's, one of them left
                               * "sent" (duplicates 2, left_sent 1, bad_attempts 1) */
} VdLoadOptions;

typedef struct {
  guint   verifications;      /* finished (the desk's callback ran) */
  guint   errors;             /* of them, outcome ERROR or UNKNOWN: none are expected */
  guint   records;            /* records in the store after the run */
  guint   duplicates;         /* a BizId+attempt recorded twice, or a record no verification
                               * made */
  guint   lost;               /* verifications without their record */
  guint   left_sent;          /* records not completed (state "sent" or "interrupted") */
  guint   mismatched;         /* records whose outcome or BizId differs from the verification */
  guint   bad_attempts;       /* BizIds whose attempts are not exactly 1 and 2 */
  guint64 rss_checkpoint_kb;  /* resident size after options.rss_checkpoint verifications */
  guint64 rss_all_kb;         /* resident size after every verification, before the count */
  double  seconds;            /* the verifications, from the first start to the last finish */
} VdLoadReport;

/* Runs the load in the calling thread's default main context. FALSE with @error only when the
 * run could not be made (the simulator, the history or the count would not work); what went
 * wrong inside the run is in @report. It has no time limit of its own: a test runs it in a
 * g_test_trap_subprocess with one. */
gboolean vd_load_run           (const VdLoadOptions *options,
                                VdLoadReport        *report,
                                GError             **error);
/* The resident size of this process now (VmRSS), in kB; 0 when it cannot be read. */
guint64  vd_load_current_rss_kb (void);

G_END_DECLS
