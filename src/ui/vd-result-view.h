#pragma once

#include <gtk/gtk.h>

#include "vd-copy-row.h"
#include "vd-ocr-card.h"
#include "vd-score-meter.h"
#include "vd-status-banner.h"
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

/* The parts of the view, and which of them this verification shows (the tests assert on
 * these; the history window may too). */
gboolean        vd_result_view_get_is_empty              (VdResultView *self);
gboolean        vd_result_view_get_shows_simulated_tag   (VdResultView *self);
VdStatusBanner *vd_result_view_get_banner                (VdResultView *self);
/* The face-comparison section: shown for a VerifyStatus answer only (identity errors and
 * failures carry no score). */
gboolean        vd_result_view_get_shows_scores          (VdResultView *self);
VdScoreMeter   *vd_result_view_get_score_meter           (VdResultView *self);
/* The words beside the meter: its band, or why there is no score. */
const char     *vd_result_view_get_score_text            (VdResultView *self);
gboolean        vd_result_view_get_shows_card_face_score (VdResultView *self);
VdScoreMeter   *vd_result_view_get_card_face_meter       (VdResultView *self);
const char     *vd_result_view_get_card_face_score_text  (VdResultView *self);
gboolean        vd_result_view_get_shows_ocr             (VdResultView *self);
VdOcrCard      *vd_result_view_get_ocr_card              (VdResultView *self);
VdCopyRow      *vd_result_view_get_verify_token_row      (VdResultView *self);
VdCopyRow      *vd_result_view_get_request_id_row        (VdResultView *self);
VdCopyRow      *vd_result_view_get_biz_id_row            (VdResultView *self);

G_END_DECLS
