#pragma once

#include "vd-verify-result.h"
#include "vd-verify-status.h"

G_BEGIN_DECLS

/* The four outcomes a verification can end in, as the history and the CLI report them. */
typedef enum {
  VD_OUTCOME_PASSED,      /* VerifyStatus 1 */
  VD_OUTCOME_NOT_PASSED,  /* any other VerifyStatus (known or not), or 3101/3102/3103 */
  VD_OUTCOME_ERROR,       /* no verdict was issued: bad input, gateway refusal, no connection */
  VD_OUTCOME_UNKNOWN,     /* the request was sent and no usable answer came back */
} VdOutcome;

/* "passed", "not_passed", "error", "unknown" (stable: stored and printed in JSON). */
const char *vd_outcome_to_string   (VdOutcome   outcome);
gboolean    vd_outcome_from_string (const char *text,
                                    VdOutcome  *outcome);
/* The outcome of a parsed answer. */
VdOutcome   vd_outcome_for_result  (const VdVerifyResult *result);

/* Everything the operator is told about one verification: a title, the explanation and one next
 * step, with the severity that colours it. Built from a result or from an error. */
typedef struct {
  VdOutcome   outcome;
  VdSeverity  severity;
  char       *title;        /* "Passed", "Not passed", "Fix and resubmit", … */
  char       *explanation;  /* the seed's text with its number, or the error in plain words */
  char       *next_step;    /* one line: what to do now */
  gboolean    can_resubmit; /* offer "Resubmit same task" (same BizId) */
  gboolean    open_preferences; /* the fix is in the credentials or settings */
} VdVerdict;

VdVerdict  *vd_verdict_for_result  (const VdVerifyResult *result);
/* For a GError from validation, the answer parser or the client (VD_CLIENT_ERROR codes are
 * passed as domain/code so that core needs no net header). */
VdVerdict  *vd_verdict_for_error   (const GError *error);
void        vd_verdict_free        (VdVerdict *verdict);

/* Whether a gateway's error message may be shown and kept: FALSE for an empty one and for one
 * that quotes the server's string to sign, which with HMAC-SHA1 holds every parameter of the
 * request, the full ID number and the name included. */
gboolean    vd_gateway_message_is_quotable (const char *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdVerdict, vd_verdict_free)

G_END_DECLS
