#pragma once

#include <gtk/gtk.h>

#include "vd-outcome.h"

G_BEGIN_DECLS

#define VD_TYPE_STATUS_BANNER (vd_status_banner_get_type ())
G_DECLARE_FINAL_TYPE (VdStatusBanner, vd_status_banner, VD, STATUS_BANNER, GtkWidget)

/* The verdict as the operator reads it first: a coloured band with an icon and the title
 * (never colour alone), the explanation and one next step under it, and the buttons that act on
 * it — "Resubmit same task" (win.resubmit) and "Open Preferences" (app.preferences). */
GtkWidget  *vd_status_banner_new                 (void);
/* NULL clears the banner. The verdict is copied. */
void        vd_status_banner_set_verdict         (VdStatusBanner  *self,
                                                  const VdVerdict *verdict);

/* What the banner shows, read back (the tests assert on these). */
VdSeverity  vd_status_banner_get_severity        (VdStatusBanner *self);
/* The severity's style class: "vd-passed", "vd-fix-and-resubmit", "vd-not-passed",
 * "vd-service-problem" or "vd-unknown"; NULL when cleared. */
const char *vd_status_banner_get_style_class     (VdStatusBanner *self);
const char *vd_status_banner_get_icon_name       (VdStatusBanner *self);
const char *vd_status_banner_get_title           (VdStatusBanner *self);
const char *vd_status_banner_get_explanation     (VdStatusBanner *self);
const char *vd_status_banner_get_next_step       (VdStatusBanner *self);
/* The "Resubmit same task" and "Open Preferences" buttons (visible or not). */
GtkWidget  *vd_status_banner_get_resubmit_button    (VdStatusBanner *self);
GtkWidget  *vd_status_banner_get_preferences_button (VdStatusBanner *self);

G_END_DECLS
