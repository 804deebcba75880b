#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VD_TYPE_COPY_ROW (vd_copy_row_get_type ())
G_DECLARE_FINAL_TYPE (VdCopyRow, vd_copy_row, VD, COPY_ROW, AdwActionRow)

/* A row with an identifier the operator may need to quote (VerifyToken, RequestId, BizId): the
 * value in a selectable monospace label and a button that copies it, confirmed by a toast in
 * the nearest AdwToastOverlay (or, with none, by the button's tooltip).
 *
 * Properties: "value" (string; NULL or "" shows that there is none and disables copying). */
GtkWidget  *vd_copy_row_new       (const char *title);
void        vd_copy_row_set_value (VdCopyRow  *self,
                                   const char *value);
const char *vd_copy_row_get_value (VdCopyRow *self);
/* Copies the value to the clipboard and confirms it, as the button does. */
void        vd_copy_row_copy      (VdCopyRow *self);
GtkWidget  *vd_copy_row_get_copy_button (VdCopyRow *self);

G_END_DECLS
