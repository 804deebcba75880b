#pragma once

#include <adwaita.h>

#include "vd-desk.h"

G_BEGIN_DECLS

#define VD_TYPE_WINDOW (vd_window_get_type ())
G_DECLARE_FINAL_TYPE (VdWindow, vd_window, VD, WINDOW, AdwApplicationWindow)

/* The counter window: the customer form beside (or, when narrow, before) the result of the last
 * verification, the training bar while @desk is in training mode, and the actions the operator
 * drives it with from the keyboard:
 *
 *   win.submit (Ctrl+Enter)          verify what the form says
 *   win.cancel (Escape)              cancel the verification in flight
 *   win.resubmit (Ctrl+R)            submit again with the same BizId
 *   win.next-customer (Ctrl+N)       clear the form and start a new task
 *   win.show-samples (Ctrl+T)        the training mode's sample customers
 *   win.fill-sample (u)              fill the form with sample customer number u
 *   win.show-form, win.show-result   move between the pages when the window is narrow
 *
 * Its size is remembered in GSettings. */
GtkWidget *vd_window_new      (GtkApplication *application,
                               VdDesk         *desk);
VdDesk    *vd_window_get_desk (VdWindow *self);

G_END_DECLS
