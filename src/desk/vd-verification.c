#define G_LOG_DOMAIN "vd-verification"

#include "config.h"

#include "vd-verification.h"

G_DEFINE_BOXED_TYPE (VdVerification, vd_verification, vd_verification_ref, vd_verification_unref)

/* The refcount lives in front of the public struct so the struct stays plain data. */
typedef struct {
  gatomicrefcount ref_count;
  VdVerification  public;
} VdVerificationBox;

#define BOX(v) ((VdVerificationBox *) ((char *) (v) - G_STRUCT_OFFSET (VdVerificationBox, public)))

VdVerification *
vd_verification_new (void)
{
  VdVerificationBox *box = g_new0 (VdVerificationBox, 1);

  g_atomic_ref_count_init (&box->ref_count);
  return &box->public;
}

VdVerification *
vd_verification_ref (VdVerification *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&BOX (self)->ref_count);
  return self;
}

void
vd_verification_unref (VdVerification *self)
{
  VdVerificationBox *box;

  g_return_if_fail (self != NULL);

  box = BOX (self);
  if (!g_atomic_ref_count_dec (&box->ref_count))
    return;

  g_clear_pointer (&self->request, vd_verify_request_free);
  g_clear_pointer (&self->result, vd_verify_result_unref);
  g_clear_error (&self->error);
  g_clear_pointer (&self->verdict, vd_verdict_free);
  g_clear_pointer (&self->started, g_date_time_unref);
  g_clear_pointer (&self->finished, g_date_time_unref);
  g_free (self->history_note);
  g_free (box);
}
