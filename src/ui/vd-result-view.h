#pragma once

#include <gtk/gtk.h>

#include "vd-verification.h"

G_BEGIN_DECLS

#define VD_TYPE_RESULT_VIEW (vd_result_view_get_type ())
G_DECLARE_FINAL_TYPE (VdResultView, vd_result_view, VD, RESULT_VIEW, GtkWidget)

/* Everything the operator is told about one verification: the status banner (colour, icon and
 * words), the explanation and next step, the score meter, the OCR card compared with what was
 * typed, and VerifyToken / RequestId / BizId to copy. The history window reuses it.
 *
 * Buttons in the view activate actions the window provides: "win.resubmit" (Resubmit same task)
 * and "app.preferences" (when the fix is in the settings). */
GtkWidget      *vd_result_view_new              (void);
/* NULL shows the empty state ("No verification yet"). */
void            vd_result_view_set_verification (VdResultView   *self,
                                                 VdVerification *verification);
VdVerification *vd_result_view_get_verification (VdResultView *self);

G_END_DECLS
