#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What an outcome means for the operator: the colour family the UI gives it. */
typedef enum {
  VD_SEVERITY_PASSED,
  VD_SEVERITY_FIX_AND_RESUBMIT,
  VD_SEVERITY_NOT_PASSED,
  VD_SEVERITY_SERVICE_PROBLEM,
  VD_SEVERITY_UNKNOWN,
} VdSeverity;

/* One row of the seed's VerifyStatus table, or one of its error codes 3101/3102/3103. */
typedef struct {
  int         status;       /* VerifyStatus, or 3101/3102/3103 */
  VdSeverity  severity;
  const char *explanation;  /* the seed's text, translated at lookup */
  const char *next_step;    /* one line for the operator, translated at lookup */
} VdStatusInfo;

/* The seed's row for @status (1–10, 12, 13), translated. For any other number: severity
 * UNKNOWN and an explanation that says the code is unknown (with its number). Never NULL;
 * the strings stay valid for the life of the program. */
const VdStatusInfo *vd_verify_status_lookup       (int status);
gboolean            vd_verify_status_is_known     (int status);
/* The seed's 3101 / 3102 / 3103 (as a number or a string like "3101"); NULL for others. */
const VdStatusInfo *vd_identity_error_lookup      (const char *code);
/* Every row of the status table, in order, then the three identity errors (for listing). */
const VdStatusInfo *vd_verify_status_table        (guint *n_rows);

/* "passed", "fix_and_resubmit", "not_passed", "service_problem", "unknown". */
const char         *vd_severity_to_string         (VdSeverity severity);

/* --- the face-comparison score against the documented thresholds --- */

typedef struct {
  double      threshold;     /* 95, 90, 80, 60, or 0 for the band below 60 */
  const char *far_text;      /* "0.001 %", "0.01 %", "0.1 %", "1 %", or "more than 1 %" */
} VdScoreBand;

/* The four thresholds from the highest down (95, 90, 80, 60). */
const VdScoreBand  *vd_score_thresholds           (guint *n_bands);
/* The band @score falls in; a score of exactly 95 is in the 95 band. */
const VdScoreBand  *vd_score_band                 (double score);
/* "97 — above 95: false-accept rate 0.001 %" (translated); "42 — below 60: false-accept rate
 * more than 1 %". Integers print without decimals, others with one. */
char               *vd_score_describe             (double score);
/* FALSE for NaN, infinities and anything outside [0, 100]. */
gboolean            vd_score_is_valid             (double score);

G_END_DECLS
