#pragma once

#include <gtk/gtk.h>

#include "vd-copy-row.h"
#include "vd-ocr-card.h"
#include "vd-score-meter.h"
#include "vd-status-banner.h"
#include "vd-verification.h"

G_BEGIN_DECLS

#define VD_TYPE_RESULT_PAGE (vd_result_page_get_type ())
G_DECLARE_FINAL_TYPE (VdResultPage, vd_result_page, VD, RESULT_PAGE, GtkWidget)

/* The "result" page of VdResultView: banner, scores, OCR card and identifiers of one
 * verification, in a scrolled window. VdResultView creates it only when it first shows a
 * verification, so that a window opening on the empty state does not build it. */
GtkWidget      *vd_result_page_new                       (void);
/* Shows @verification (its verdict must be set) and scrolls back to the top. */
void            vd_result_page_show                      (VdResultPage   *self,
                                                          VdVerification *verification);

gboolean        vd_result_page_get_shows_simulated_tag   (VdResultPage *self);
VdStatusBanner *vd_result_page_get_banner                (VdResultPage *self);
gboolean        vd_result_page_get_shows_scores          (VdResultPage *self);
VdScoreMeter   *vd_result_page_get_score_meter           (VdResultPage *self);
const char     *vd_result_page_get_score_text            (VdResultPage *self);
gboolean        vd_result_page_get_shows_card_face_score (VdResultPage *self);
VdScoreMeter   *vd_result_page_get_card_face_meter       (VdResultPage *self);
const char     *vd_result_page_get_card_face_score_text  (VdResultPage *self);
gboolean        vd_result_page_get_shows_ocr             (VdResultPage *self);
VdOcrCard      *vd_result_page_get_ocr_card              (VdResultPage *self);
VdCopyRow      *vd_result_page_get_verify_token_row      (VdResultPage *self);
VdCopyRow      *vd_result_page_get_request_id_row        (VdResultPage *self);
VdCopyRow      *vd_result_page_get_biz_id_row            (VdResultPage *self);

G_END_DECLS
