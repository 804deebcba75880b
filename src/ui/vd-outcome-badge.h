#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VD_TYPE_OUTCOME_BADGE (vd_outcome_badge_get_type ())
G_DECLARE_FINAL_TYPE (VdOutcomeBadge, vd_outcome_badge, VD, OUTCOME_BADGE, GtkWidget)

/* An outcome as a symbolic icon followed by its words, on one line, ellipsized at the end when
 * narrow. One widget that draws both, so that a list keeping hundreds of rows alive pays for
 * one widget per badge rather than a box, an image and a label. The words are its accessible
 * label; the icon, which only repeats them, is not exposed. The colour comes from the style
 * classes set on the badge itself. */
GtkWidget  *vd_outcome_badge_new      (void);
/* Shows @icon_name and @words; NULL for both shows nothing. */
void        vd_outcome_badge_set      (VdOutcomeBadge *self,
                                       const char     *icon_name,
                                       const char     *words);
const char *vd_outcome_badge_get_text (VdOutcomeBadge *self);

G_END_DECLS
