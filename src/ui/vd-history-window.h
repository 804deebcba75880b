#pragma once

#include <adwaita.h>

#include "vd-desk-journal.h"
#include "vd-history-model.h"
#include "vd-result-view.h"

G_BEGIN_DECLS

/* What the window may show. Until the supervisor PIN is entered — and when none is set — it
 * is the counter view: today's records of this desk only. */
typedef enum {
  VD_HISTORY_ACCESS_CHECKING,     /* asking the keyring whether a PIN is set: counter view */
  VD_HISTORY_ACCESS_NO_PIN,       /* no PIN set: counter view, export of it allowed */
  VD_HISTORY_ACCESS_LOCKED,       /* a PIN is set and was not entered: counter view, no export */
  VD_HISTORY_ACCESS_NO_KEYRING,   /* the PIN cannot be checked: counter view, no export */
  VD_HISTORY_ACCESS_UNLOCKED,     /* the PIN was entered: every record, export */
} VdHistoryAccess;

#define VD_TYPE_HISTORY_WINDOW (vd_history_window_get_type ())
G_DECLARE_FINAL_TYPE (VdHistoryWindow, vd_history_window, VD, HISTORY_WINDOW,
                      AdwApplicationWindow)

/* The supervisors' window over the history (Ctrl+H): a column view that pages from the store,
 * search by name or full ID number, filters for the date range, outcome, operator and
 * training, a detail pane with the result view, and export of the filtered rows to CSV.
 *
 * @journal gives the history (open, or being opened), this desk's name for the counter view
 * and the key that turns a full ID number into its HMAC for the search. With a PIN set the
 * window asks for it as it opens. */
GtkWidget             *vd_history_window_new                 (GtkApplication *application,
                                                              VdDeskJournal  *journal);
VdHistoryModel        *vd_history_window_get_model           (VdHistoryWindow *self);
GtkColumnView         *vd_history_window_get_column_view     (VdHistoryWindow *self);
VdResultView          *vd_history_window_get_result_view     (VdHistoryWindow *self);
/* The record in the detail pane, or NULL. */
const VdHistoryRecord *vd_history_window_get_selected_record (VdHistoryWindow *self);
VdHistoryAccess        vd_history_window_get_access          (VdHistoryWindow *self);
/* What entering the right PIN does (the PIN dialog is the app's only caller); the benchmark
 * uses it to measure the unrestricted window without a keyring. */
void                   vd_history_window_set_unlocked        (VdHistoryWindow *self);
/* Whether the ID-number key is loaded, so that a full ID number can be searched. */
gboolean               vd_history_window_get_key_ready       (VdHistoryWindow *self);

/* Exports the rows the window shows now (its filter) to @file, with the window's progress bar
 * and its Cancel button. What "Export…" does once a file is chosen. Refused (G_IO_ERROR_
 * PERMISSION_DENIED) while the PIN locks export. */
void                   vd_history_window_export_async        (VdHistoryWindow     *self,
                                                              GFile               *file,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gboolean               vd_history_window_export_finish       (VdHistoryWindow  *self,
                                                              GAsyncResult     *result,
                                                              guint64          *rows,
                                                              GError          **error);
gboolean               vd_history_window_get_exporting       (VdHistoryWindow *self);

G_END_DECLS
