#define G_LOG_DOMAIN "vd-verify-status"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "vd-verify-status.h"

/* The seed's VerifyStatus table, its wording kept, then its three identity error codes. The
 * strings are msgids: lookups hand out a translated copy of this table. */
static const VdStatusInfo status_rows[] = {
  { 1, VD_SEVERITY_PASSED,
    N_("Verification passed."),
    N_("Continue with the customer's business: the identity is confirmed.") },
  { 2, VD_SEVERITY_NOT_PASSED,
    N_("Verification not passed. Reason: the real-name check failed."),
    N_("Do not proceed: check the name and ID number against the card; if both are right, ask "
       "a supervisor.") },
  { 3, VD_SEVERITY_FIX_AND_RESUBMIT,
    N_("Verification not passed. Possible reasons: 1. the ID card photo is blurred, or the "
       "lighting makes its text unreadable; 2. the details on the ID card photo do not match "
       "the name being verified; 3. the photo submitted is not of an ID card; among other "
       "possibilities."),
    N_("Photograph the card's portrait side again, sharp and evenly lit, check the name typed "
       "matches the card, and resubmit.") },
  { 4, VD_SEVERITY_FIX_AND_RESUBMIT,
    N_("Verification not passed. Possible reasons: 1. the ID card photo is blurred, or the "
       "lighting makes its text unreadable; 2. the details on the ID card photo do not match "
       "the ID number being verified; 3. the photo submitted is not of an ID card; among other "
       "possibilities."),
    N_("Photograph the card's portrait side again, sharp and evenly lit, check the ID number "
       "typed matches the card, and resubmit.") },
  { 5, VD_SEVERITY_NOT_PASSED,
    N_("Verification not passed. Possible reason: the ID card in the photo has expired (or is "
       "about to expire), among other possibilities."),
    N_("Do not proceed with this card: ask the customer for an ID card that is still valid.") },
  { 6, VD_SEVERITY_NOT_PASSED,
    N_("Verification not passed. Possible reason: the face does not match the portrait on the "
       "ID card, among other possibilities."),
    N_("Do not proceed: the face does not match the card's portrait. Ask a supervisor.") },
  { 7, VD_SEVERITY_NOT_PASSED,
    N_("Verification not passed. Possible reason: the face does not match the photo held by "
       "the public security authority, among other possibilities."),
    N_("Do not proceed: the face does not match the authority's photo. Ask a supervisor.") },
  { 8, VD_SEVERITY_FIX_AND_RESUBMIT,
    N_("Verification not passed. Possible reasons: 1. the ID card photo submitted is not a "
       "photo of the original card; 2. no valid ID card photo was submitted; among other "
       "possibilities."),
    N_("Photograph the original card itself, not a copy or a screen, and resubmit.") },
  { 9, VD_SEVERITY_NOT_PASSED,
    N_("Verification not passed. Possible reason: the operation was not performed by the "
       "account holder, among other possibilities."),
    N_("Do not proceed: the service doubts that the account holder is the one verifying. Ask a "
       "supervisor.") },
  { 10, VD_SEVERITY_NOT_PASSED,
    N_("Verification not passed. Possible reason: the operation was not performed by the "
       "person themselves, among other possibilities."),
    N_("Do not proceed: the service doubts that the person in the photo is the card holder. "
       "Ask a supervisor.") },
  { 12, VD_SEVERITY_SERVICE_PROBLEM,
    N_("Verification not passed. Possible reasons: 1. the public security authority's photo is "
       "missing; 2. the authority's photo is in a wrong format; 3. no face can be found in the "
       "authority's photo; among other possibilities."),
    N_("The authority has no usable photo of this person: this cannot be fixed at the counter. "
       "Ask a supervisor.") },
  { 13, VD_SEVERITY_SERVICE_PROBLEM,
    N_("Verification not passed. Possible reason: the public security authority's system had "
       "an error and could not compare, among other possibilities."),
    N_("The authority's system could not compare: wait a few minutes and resubmit the same "
       "task.") },
  { 3101, VD_SEVERITY_NOT_PASSED,
    N_("The name and the ID number do not match."),
    N_("Check the name and ID number against the card; if both are right, do not proceed and "
       "ask a supervisor.") },
  { 3102, VD_SEVERITY_NOT_PASSED,
    N_("The name and ID number do not exist: the authority's database has no such person."),
    N_("Check the ID number against the card; if it is right, do not proceed and ask a "
       "supervisor.") },
  { 3103, VD_SEVERITY_FIX_AND_RESUBMIT,
    N_("The ID number is invalid."),
    N_("Check the number on the card, correct it and resubmit.") },
};

#define N_VERIFY_STATUS_ROWS 12
G_STATIC_ASSERT (G_N_ELEMENTS (status_rows) == N_VERIFY_STATUS_ROWS + 3);

static const VdScoreBand score_bands[] = {
  { 95, N_("0.001 %") },
  { 90, N_("0.01 %") },
  { 80, N_("0.1 %") },
  { 60, N_("1 %") },
  { 0, N_("more than 1 %") },
};

#define N_SCORE_THRESHOLDS (G_N_ELEMENTS (score_bands) - 1)

/* Built once, on first use, so the locale set at startup is the one used. */
static const VdStatusInfo *
translated_status_rows (void)
{
  static VdStatusInfo *rows = NULL;

  if (g_once_init_enter (&rows))
    {
      VdStatusInfo *copy = g_new (VdStatusInfo, G_N_ELEMENTS (status_rows));

      for (guint i = 0; i < G_N_ELEMENTS (status_rows); i++)
        {
          copy[i] = status_rows[i];
          copy[i].explanation = _(status_rows[i].explanation);
          copy[i].next_step = _(status_rows[i].next_step);
        }

      g_once_init_leave (&rows, copy);
    }

  return rows;
}

static const VdScoreBand *
translated_score_bands (void)
{
  static VdScoreBand *bands = NULL;

  if (g_once_init_enter (&bands))
    {
      VdScoreBand *copy = g_new (VdScoreBand, G_N_ELEMENTS (score_bands));

      for (guint i = 0; i < G_N_ELEMENTS (score_bands); i++)
        {
          copy[i] = score_bands[i];
          copy[i].far_text = _(score_bands[i].far_text);
        }

      g_once_init_leave (&bands, copy);
    }

  return bands;
}

static const VdStatusInfo *
find_row (int status)
{
  const VdStatusInfo *rows = translated_status_rows ();

  for (guint i = 0; i < G_N_ELEMENTS (status_rows); i++)
    {
      if (rows[i].status == status)
        return &rows[i];
    }

  return NULL;
}

/* The row for a code this version does not know. Its explanation names the code, so it is
 * made per code and kept for the life of the program, as the header promises; a service sends
 * only a handful of distinct codes, so the cache stays small. */
static const VdStatusInfo *
unknown_status_row (int status)
{
  static GMutex lock;
  static GHashTable *cache = NULL;
  VdStatusInfo *row;

  g_mutex_lock (&lock);

  if (cache == NULL)
    cache = g_hash_table_new (g_direct_hash, g_direct_equal);

  row = g_hash_table_lookup (cache, GINT_TO_POINTER (status));
  if (row == NULL)
    {
      row = g_new0 (VdStatusInfo, 1);
      row->status = status;
      row->severity = VD_SEVERITY_UNKNOWN;
      row->explanation = g_strdup_printf (_("Unknown verification status %d: the service sent a "
                                            "code this version of VerifyDesk does not know. Do "
                                            "not treat it as passed."),
                                          status);
      row->next_step = _("Do not proceed: ask a supervisor, and check whether a newer version "
                         "of VerifyDesk is available.");
      g_hash_table_insert (cache, GINT_TO_POINTER (status), row);
    }

  g_mutex_unlock (&lock);

  return row;
}

gboolean
vd_verify_status_is_known (int status)
{
  return (status >= 1 && status <= 10) || status == 12 || status == 13;
}

const VdStatusInfo *
vd_verify_status_lookup (int status)
{
  if (vd_verify_status_is_known (status))
    return find_row (status);

  return unknown_status_row (status);
}

const VdStatusInfo *
vd_identity_error_lookup (const char *code)
{
  g_autofree char *trimmed = NULL;

  if (code == NULL)
    return NULL;

  trimmed = g_strstrip (g_strdup (code));

  if (strcmp (trimmed, "3101") == 0)
    return find_row (3101);
  if (strcmp (trimmed, "3102") == 0)
    return find_row (3102);
  if (strcmp (trimmed, "3103") == 0)
    return find_row (3103);

  return NULL;
}

const VdStatusInfo *
vd_verify_status_table (guint *n_rows)
{
  if (n_rows != NULL)
    *n_rows = G_N_ELEMENTS (status_rows);

  return translated_status_rows ();
}

const char *
vd_severity_to_string (VdSeverity severity)
{
  switch (severity)
    {
    case VD_SEVERITY_PASSED:
      return "passed";
    case VD_SEVERITY_FIX_AND_RESUBMIT:
      return "fix_and_resubmit";
    case VD_SEVERITY_NOT_PASSED:
      return "not_passed";
    case VD_SEVERITY_SERVICE_PROBLEM:
      return "service_problem";
    case VD_SEVERITY_UNKNOWN:
    default:
      return "unknown";
    }
}

const VdScoreBand *
vd_score_thresholds (guint *n_bands)
{
  if (n_bands != NULL)
    *n_bands = N_SCORE_THRESHOLDS;

  return translated_score_bands ();
}

const VdScoreBand *
vd_score_band (double score)
{
  const VdScoreBand *bands = translated_score_bands ();

  for (guint i = 0; i < N_SCORE_THRESHOLDS; i++)
    {
      if (score >= bands[i].threshold)
        return &bands[i];
    }

  /* Below 60, and also NaN, which compares false with every threshold. */
  return &bands[N_SCORE_THRESHOLDS];
}

gboolean
vd_score_is_valid (double score)
{
  return isfinite (score) && score >= 0 && score <= 100;
}

/* An integer prints as one, anything else with one decimal, cut rather than rounded so that
 * 79.99 shows as 79.9 and never appears to reach the next threshold. The small allowance
 * keeps 93.7 (stored as 93.69999…) from showing as 93.6. */
static char *
format_score (double score)
{
  double tenths;

  if (score == floor (score))
    return g_strdup_printf ("%.0f", score);

  tenths = floor (score * 10 + 1e-9);
  return g_strdup_printf ("%.1f", tenths / 10);
}

char *
vd_score_describe (double score)
{
  const VdScoreBand *band;
  g_autofree char *number = NULL;

  if (!vd_score_is_valid (score))
    return g_strdup (_("Not a valid score: the service sent a value outside 0 to 100."));

  band = vd_score_band (score);
  number = format_score (score);

  if (band->threshold > 0)
    /* Translators: "97 — at or above 95: false-accept rate 0.001 %". */
    return g_strdup_printf (_("%s — at or above %d: false-accept rate %s"),
                            number, (int) band->threshold, band->far_text);

  /* Translators: "42 — below 60: false-accept rate more than 1 %". */
  return g_strdup_printf (_("%s — below %d: false-accept rate %s"),
                          number, (int) score_bands[N_SCORE_THRESHOLDS - 1].threshold,
                          band->far_text);
}
