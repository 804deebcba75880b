#pragma once

#include "vd-outcome.h"
#include "vd-verify-request.h"
#include "vd-verify-result.h"

G_BEGIN_DECLS

/* One finished verification as every front end shows and the history keeps it: what was sent,
 * what came back (a result, or an error), and what the operator is told. */
typedef struct {
  VdVerifyRequest *request;     /* validated, ID number normalised */
  VdVerifyResult  *result;      /* NULL when there was no usable answer */
  GError          *error;       /* NULL when there is a result */
  VdVerdict       *verdict;     /* never NULL */
  VdOutcome        outcome;
  guint            attempts;    /* HTTP attempts the client made (0: nothing was sent) */
  gboolean         training;    /* answered by the built-in simulator */
  GDateTime       *started;
  GDateTime       *finished;
  gint64           history_id;  /* its record in the history, 0 when not recorded */
  char            *history_note; /* why the history could not record the answer, or NULL */
} VdVerification;

#define VD_TYPE_VERIFICATION (vd_verification_get_type ())

GType           vd_verification_get_type (void) G_GNUC_CONST;
VdVerification *vd_verification_ref      (VdVerification *self);
void            vd_verification_unref    (VdVerification *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdVerification, vd_verification_unref)

G_END_DECLS
