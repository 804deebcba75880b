#include "config.h"

#include <math.h>

#include "vd-verify-status.h"

static const struct {
  int        status;
  VdSeverity severity;
} expected_rows[] = {
  { 1, VD_SEVERITY_PASSED },
  { 2, VD_SEVERITY_NOT_PASSED },
  { 3, VD_SEVERITY_FIX_AND_RESUBMIT },
  { 4, VD_SEVERITY_FIX_AND_RESUBMIT },
  { 5, VD_SEVERITY_NOT_PASSED },
  { 6, VD_SEVERITY_NOT_PASSED },
  { 7, VD_SEVERITY_NOT_PASSED },
  { 8, VD_SEVERITY_FIX_AND_RESUBMIT },
  { 9, VD_SEVERITY_NOT_PASSED },
  { 10, VD_SEVERITY_NOT_PASSED },
  { 12, VD_SEVERITY_SERVICE_PROBLEM },
  { 13, VD_SEVERITY_SERVICE_PROBLEM },
  { 3101, VD_SEVERITY_NOT_PASSED },
  { 3102, VD_SEVERITY_NOT_PASSED },
  { 3103, VD_SEVERITY_FIX_AND_RESUBMIT },
};

static void
test_table_rows_and_severities (void)
{
  const VdStatusInfo *table;
  guint n_rows = 0;

  table = vd_verify_status_table (&n_rows);
  g_assert_cmpuint (n_rows, ==, G_N_ELEMENTS (expected_rows));

  for (guint i = 0; i < n_rows; i++)
    {
      g_assert_cmpint (table[i].status, ==, expected_rows[i].status);
      g_assert_cmpint (table[i].severity, ==, expected_rows[i].severity);
      g_assert_nonnull (table[i].explanation);
      g_assert_cmpstr (table[i].explanation, !=, "");
      g_assert_nonnull (table[i].next_step);
      g_assert_cmpstr (table[i].next_step, !=, "");
    }
}

static void
test_lookup_known (void)
{
  const VdStatusInfo *table = vd_verify_status_table (NULL);

  /* The first twelve rows are the VerifyStatus table; lookup hands out those very rows. */
  for (guint i = 0; i < 12; i++)
    {
      const VdStatusInfo *info = vd_verify_status_lookup (table[i].status);

      g_assert_true (info == &table[i]);
      g_assert_true (vd_verify_status_is_known (table[i].status));
    }
}

static void
test_seed_texts (void)
{
  g_assert_cmpstr (vd_verify_status_lookup (1)->explanation, ==, "Verification passed.");
  g_assert_cmpstr (vd_verify_status_lookup (2)->explanation, ==,
                   "Verification not passed. Reason: the real-name check failed.");
  g_assert_cmpstr (vd_verify_status_lookup (3)->explanation, ==,
                   "Verification not passed. Possible reasons: 1. the ID card photo is blurred, "
                   "or the lighting makes its text unreadable; 2. the details on the ID card "
                   "photo do not match the name being verified; 3. the photo submitted is not of "
                   "an ID card; among other possibilities.");
  g_assert_cmpstr (vd_verify_status_lookup (4)->explanation, ==,
                   "Verification not passed. Possible reasons: 1. the ID card photo is blurred, "
                   "or the lighting makes its text unreadable; 2. the details on the ID card "
                   "photo do not match the ID number being verified; 3. the photo submitted is "
                   "not of an ID card; among other possibilities.");
  g_assert_cmpstr (vd_verify_status_lookup (7)->explanation, ==,
                   "Verification not passed. Possible reason: the face does not match the photo "
                   "held by the public security authority, among other possibilities.");
  g_assert_cmpstr (vd_verify_status_lookup (12)->explanation, ==,
                   "Verification not passed. Possible reasons: 1. the public security "
                   "authority's photo is missing; 2. the authority's photo is in a wrong format; "
                   "3. no face can be found in the authority's photo; among other "
                   "possibilities.");
}

static void
test_next_steps (void)
{
  g_assert_cmpstr (vd_verify_status_lookup (3)->next_step, ==,
                   "Photograph the card's portrait side again, sharp and evenly lit, check the "
                   "name typed matches the card, and resubmit.");
  g_assert_cmpstr (vd_verify_status_lookup (7)->next_step, ==,
                   "Do not proceed: the face does not match the authority's photo. Ask a "
                   "supervisor.");
  g_assert_cmpstr (vd_verify_status_lookup (13)->next_step, ==,
                   "The authority's system could not compare: wait a few minutes and resubmit "
                   "the same task.");
}

static void
test_unknown_codes (void)
{
  const int codes[] = { 0, 11, 14, 42, -1, 3101, G_MAXINT, G_MININT };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      const VdStatusInfo *info = vd_verify_status_lookup (codes[i]);
      g_autofree char *expected = g_strdup_printf ("Unknown verification status %d: the "
                                                   "service sent a code this version of "
                                                   "VerifyDesk does not know. Do not treat it "
                                                   "as passed.",
                                                   codes[i]);

      g_assert_false (vd_verify_status_is_known (codes[i]));
      g_assert_cmpint (info->status, ==, codes[i]);
      g_assert_cmpint (info->severity, ==, VD_SEVERITY_UNKNOWN);
      g_assert_cmpstr (info->explanation, ==, expected);
      g_assert_nonnull (info->next_step);
    }
}

static void
test_unknown_rows_stay_valid (void)
{
  const VdStatusInfo *first = vd_verify_status_lookup (42);
  const VdStatusInfo *other = vd_verify_status_lookup (43);
  const VdStatusInfo *again = vd_verify_status_lookup (42);

  g_assert_true (first == again);
  g_assert_true (first != other);
  g_assert_cmpint (first->status, ==, 42);
  g_assert_cmpint (other->status, ==, 43);
  g_assert_cmpstr (first->explanation, ==, again->explanation);
}

static gpointer
look_up_unknown_codes (gpointer data)
{
  const VdStatusInfo **seen = data;

  for (int code = 100; code < 200; code++)
    seen[code - 100] = vd_verify_status_lookup (code);

  return NULL;
}

static void
test_unknown_rows_thread_safe (void)
{
  const VdStatusInfo *seen[4][100];
  GThread *threads[4];

  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    threads[t] = g_thread_new ("lookup", look_up_unknown_codes, seen[t]);
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    g_thread_join (threads[t]);

  for (guint i = 0; i < 100; i++)
    {
      g_assert_cmpint (seen[0][i]->status, ==, (int) i + 100);
      for (guint t = 1; t < G_N_ELEMENTS (threads); t++)
        g_assert_true (seen[t][i] == seen[0][i]);
    }
}

static void
test_identity_errors (void)
{
  const VdStatusInfo *table = vd_verify_status_table (NULL);
  g_autofree char *as_number = g_strdup_printf ("%d", 3101);

  g_assert_true (vd_identity_error_lookup ("3101") == &table[12]);
  g_assert_true (vd_identity_error_lookup (as_number) == &table[12]);
  g_assert_true (vd_identity_error_lookup ("3102") == &table[13]);
  g_assert_true (vd_identity_error_lookup (" 3103\n") == &table[14]);

  g_assert_cmpstr (vd_identity_error_lookup ("3101")->explanation, ==,
                   "The name and the ID number do not match.");
  g_assert_cmpstr (vd_identity_error_lookup ("3102")->explanation, ==,
                   "The name and ID number do not exist: the authority's database has no such "
                   "person.");
  g_assert_cmpstr (vd_identity_error_lookup ("3103")->explanation, ==,
                   "The ID number is invalid.");
  g_assert_cmpstr (vd_identity_error_lookup ("3103")->next_step, ==,
                   "Check the number on the card, correct it and resubmit.");
}

static void
test_identity_errors_others (void)
{
  g_assert_null (vd_identity_error_lookup (NULL));
  g_assert_null (vd_identity_error_lookup (""));
  g_assert_null (vd_identity_error_lookup ("1"));
  g_assert_null (vd_identity_error_lookup ("3104"));
  g_assert_null (vd_identity_error_lookup ("31010"));
  g_assert_null (vd_identity_error_lookup ("310"));
  g_assert_null (vd_identity_error_lookup ("InvalidParameter"));
}

static void
test_severity_strings (void)
{
  g_assert_cmpstr (vd_severity_to_string (VD_SEVERITY_PASSED), ==, "passed");
  g_assert_cmpstr (vd_severity_to_string (VD_SEVERITY_FIX_AND_RESUBMIT), ==, "fix_and_resubmit");
  g_assert_cmpstr (vd_severity_to_string (VD_SEVERITY_NOT_PASSED), ==, "not_passed");
  g_assert_cmpstr (vd_severity_to_string (VD_SEVERITY_SERVICE_PROBLEM), ==, "service_problem");
  g_assert_cmpstr (vd_severity_to_string (VD_SEVERITY_UNKNOWN), ==, "unknown");
  g_assert_cmpstr (vd_severity_to_string ((VdSeverity) 99), ==, "unknown");
}

static void
test_thresholds (void)
{
  guint n_bands = 0;
  const VdScoreBand *bands = vd_score_thresholds (&n_bands);

  g_assert_cmpuint (n_bands, ==, 4);
  g_assert_cmpfloat (bands[0].threshold, ==, 95);
  g_assert_cmpstr (bands[0].far_text, ==, "0.001 %");
  g_assert_cmpfloat (bands[1].threshold, ==, 90);
  g_assert_cmpstr (bands[1].far_text, ==, "0.01 %");
  g_assert_cmpfloat (bands[2].threshold, ==, 80);
  g_assert_cmpstr (bands[2].far_text, ==, "0.1 %");
  g_assert_cmpfloat (bands[3].threshold, ==, 60);
  g_assert_cmpstr (bands[3].far_text, ==, "1 %");
}

static void
test_score_bands_at_boundaries (void)
{
  const struct {
    double score;
    double threshold;
  } cases[] = {
    { 0, 0 }, { 59.9, 0 }, { 60, 60 }, { 79.99, 60 }, { 80, 80 }, { 89.99, 80 }, { 90, 90 },
    { 94.999, 90 }, { 95, 95 }, { 100, 95 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpfloat (vd_score_band (cases[i].score)->threshold, ==, cases[i].threshold);

  g_assert_cmpstr (vd_score_band (59.9)->far_text, ==, "more than 1 %");
  g_assert_cmpfloat (vd_score_band (NAN)->threshold, ==, 0);
}

static void
assert_describe (double      score,
                 const char *expected)
{
  g_autofree char *text = vd_score_describe (score);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_describe (void)
{
  assert_describe (97, "97 — at or above 95: false-accept rate 0.001 %");
  assert_describe (95, "95 — at or above 95: false-accept rate 0.001 %");
  assert_describe (100, "100 — at or above 95: false-accept rate 0.001 %");
  assert_describe (96.5, "96.5 — at or above 95: false-accept rate 0.001 %");
  assert_describe (90, "90 — at or above 90: false-accept rate 0.01 %");
  assert_describe (80, "80 — at or above 80: false-accept rate 0.1 %");
  assert_describe (60, "60 — at or above 60: false-accept rate 1 %");
  assert_describe (59.9, "59.9 — below 60: false-accept rate more than 1 %");
  assert_describe (42, "42 — below 60: false-accept rate more than 1 %");
  assert_describe (0, "0 — below 60: false-accept rate more than 1 %");
}

static void
test_describe_never_rounds_up (void)
{
  assert_describe (79.99, "79.9 — at or above 60: false-accept rate 1 %");
  assert_describe (94.96, "94.9 — at or above 90: false-accept rate 0.01 %");
  assert_describe (93.7, "93.7 — at or above 90: false-accept rate 0.01 %");
  assert_describe (0.05, "0.0 — below 60: false-accept rate more than 1 %");
}

static void
test_describe_invalid (void)
{
  const double scores[] = { NAN, INFINITY, -INFINITY, -1, 100.5 };

  for (guint i = 0; i < G_N_ELEMENTS (scores); i++)
    assert_describe (scores[i], "Not a valid score: the service sent a value outside 0 to 100.");
}

static void
test_score_validity (void)
{
  g_assert_true (vd_score_is_valid (0));
  g_assert_true (vd_score_is_valid (59.9));
  g_assert_true (vd_score_is_valid (100));
  g_assert_false (vd_score_is_valid (-0.1));
  g_assert_false (vd_score_is_valid (100.01));
  g_assert_false (vd_score_is_valid (NAN));
  g_assert_false (vd_score_is_valid (INFINITY));
  g_assert_false (vd_score_is_valid (-INFINITY));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/verify-status/table", test_table_rows_and_severities);
  g_test_add_func ("/verify-status/lookup-known", test_lookup_known);
  g_test_add_func ("/verify-status/seed-texts", test_seed_texts);
  g_test_add_func ("/verify-status/next-steps", test_next_steps);
  g_test_add_func ("/verify-status/unknown", test_unknown_codes);
  g_test_add_func ("/verify-status/unknown-stable", test_unknown_rows_stay_valid);
  g_test_add_func ("/verify-status/unknown-threads", test_unknown_rows_thread_safe);
  g_test_add_func ("/verify-status/identity-errors", test_identity_errors);
  g_test_add_func ("/verify-status/identity-errors-others", test_identity_errors_others);
  g_test_add_func ("/verify-status/severity-strings", test_severity_strings);
  g_test_add_func ("/score/thresholds", test_thresholds);
  g_test_add_func ("/score/bands", test_score_bands_at_boundaries);
  g_test_add_func ("/score/describe", test_describe);
  g_test_add_func ("/score/describe-truncates", test_describe_never_rounds_up);
  g_test_add_func ("/score/describe-invalid", test_describe_invalid);
  g_test_add_func ("/score/valid", test_score_validity);

  return g_test_run ();
}
