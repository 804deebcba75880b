#pragma once

#include <adwaita.h>
#include <libsoup/soup.h>

#include "vd-sample-customers.h"
#include "vd-verify-request.h"

G_BEGIN_DECLS

#define VD_TYPE_FORM (vd_form_get_type ())
G_DECLARE_FINAL_TYPE (VdForm, vd_form, VD, FORM, GtkWidget)

/* The customer's details for one verification task: a boxed list of entry rows in a clamp,
 * checked while typing with the core's rules. A problem shows as a message under its row, the
 * `error` style and the accessible invalid state; a field the operator has not visited yet is
 * not nagged about until it was left or a submission was attempted.
 *
 * Properties: "valid" (every required field is valid; read-only), "biz-id" (the task's BizId;
 * read-only), "default-biz-type" (what BizType starts as in a new task).
 *
 * Signals: "submit" — Enter was pressed in the last field. */
GtkWidget       *vd_form_new                    (void);
gboolean         vd_form_get_valid              (VdForm *self);
const char      *vd_form_get_biz_id             (VdForm *self);
void             vd_form_set_default_biz_type   (VdForm     *self,
                                                 const char *biz_type);
const char      *vd_form_get_default_biz_type   (VdForm *self);
/* The app's one SoupSession, for the photo previews. */
void             vd_form_set_session            (VdForm      *self,
                                                 SoupSession *session);
/* The request the fields describe, with the task's BizId and no RegionId (the client adds the
 * configured one); NULL while a field is invalid. */
VdVerifyRequest *vd_form_build_request          (VdForm *self);
/* Shows every field's problem, including "required" on fields never visited (a submission was
 * attempted), and puts the focus in the first wrong field. Returns FALSE when there was none. */
gboolean         vd_form_reveal_problems        (VdForm *self);
/* Clears every field, starts a new task (a new BizId, the default BizType) and puts the focus
 * in Name. */
void             vd_form_start_new_task         (VdForm *self);
/* Fills the form with a training sample customer and its photo addresses (so OCR shows). */
void             vd_form_fill_sample            (VdForm                 *self,
                                                 const VdSampleCustomer *customer);
void             vd_form_focus_name             (VdForm *self);
/* The message shown under a field's row, or NULL when none is; @preview: the line saying what
 * the photo preview found instead. @field is the stem of the row's id in vd-form.ui ("name",
 * "id_number", "face", "front", "back", "user_id", "biz_type"). */
const char      *vd_form_get_message            (VdForm     *self,
                                                 const char *field,
                                                 gboolean    preview);

G_END_DECLS
