#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VD_TYPE_SCORE_METER (vd_score_meter_get_type ())
G_DECLARE_FINAL_TYPE (VdScoreMeter, vd_score_meter, VD, SCORE_METER, GtkWidget)

/* A face-comparison score on its 0–100 scale, drawn with the documented thresholds (60, 80,
 * 90, 95) and their false-accept rates, the score marked on it. Exposed to accessibility as a
 * meter whose value text is the band in words (vd_score_describe).
 *
 * Properties: "value" (double, 0–100), "has-value" (boolean: FALSE draws the scale alone and
 * says there is no score). */
GtkWidget  *vd_score_meter_new           (void);
void        vd_score_meter_set_value     (VdScoreMeter *self,
                                          double        value);
double      vd_score_meter_get_value     (VdScoreMeter *self);
void        vd_score_meter_set_has_value (VdScoreMeter *self,
                                          gboolean      has_value);
gboolean    vd_score_meter_get_has_value (VdScoreMeter *self);
/* The band in words ("97 — at or above 95: false-accept rate 0.001 %"), or the sentence that
 * says there is no score: the same text as the accessible value text. */
const char *vd_score_meter_get_text      (VdScoreMeter *self);

G_END_DECLS
