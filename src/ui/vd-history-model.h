#pragma once

#include <gio/gio.h>

#include "vd-history.h"
#include "vd-verification.h"

G_BEGIN_DECLS

/* One row of the history list: a record, or a placeholder while its page loads. */
#define VD_TYPE_HISTORY_ITEM (vd_history_item_get_type ())
G_DECLARE_FINAL_TYPE (VdHistoryItem, vd_history_item, VD, HISTORY_ITEM, GObject)

/* NULL for a placeholder. */
const VdHistoryRecord *vd_history_item_get_record   (VdHistoryItem *self);
guint                  vd_history_item_get_position (VdHistoryItem *self);

/* A GListModel of VdHistoryItem over the records of a VdHistory that match a filter, newest
 * first — without ever holding them all. It first counts the matches (that is its length),
 * then loads pages of records when the list view asks for an item in them: the first page
 * from the newest, each following one from the keyset cursor of the page before (so page N
 * costs what page 1 costs), a jump from the nearest page it knows plus an offset. Loaded
 * pages are kept in a small LRU; a page that leaves it is loaded again when asked for. While a
 * page loads its items are placeholders; when it arrives, each placeholder the view holds
 * becomes its record in place and notifies "loaded" (no items-changed: the view keeps its row
 * widgets). */
#define VD_TYPE_HISTORY_MODEL (vd_history_model_get_type ())
G_DECLARE_FINAL_TYPE (VdHistoryModel, vd_history_model, VD, HISTORY_MODEL, GObject)

#define VD_HISTORY_MODEL_DEFAULT_PAGE_SIZE 200
#define VD_HISTORY_MODEL_DEFAULT_MAX_PAGES 8

/* Starts counting the records matching @filter (copied; NULL: every record). @page_size
 * (0: the default) rows per page, at most @max_pages (0: the default, else at least 2) kept. */
VdHistoryModel        *vd_history_model_new             (VdHistory             *history,
                                                         const VdHistoryFilter *filter,
                                                         guint                  page_size,
                                                         guint                  max_pages);
VdHistory             *vd_history_model_get_history     (VdHistoryModel *self);
/* Copies @filter (NULL: every record) and starts over: count, then pages on demand. */
void                   vd_history_model_set_filter      (VdHistoryModel        *self,
                                                         const VdHistoryFilter *filter);
const VdHistoryFilter *vd_history_model_get_filter      (VdHistoryModel *self);
/* Counts again and drops every page (new records arrived). */
void                   vd_history_model_reload          (VdHistoryModel *self);

/* TRUE from a filter change or reload until its count arrives, and while pages load. */
gboolean               vd_history_model_get_loading     (VdHistoryModel *self);
/* TRUE once the count for the current filter has arrived. */
gboolean               vd_history_model_get_counted     (VdHistoryModel *self);
/* The last failure (counting or loading a page), or NULL. */
const GError          *vd_history_model_get_error       (VdHistoryModel *self);
/* The record at @position when its page is loaded, else NULL (and no load is started). */
const VdHistoryRecord *vd_history_model_peek_record     (VdHistoryModel *self,
                                                         guint           position);

/* For the tests and the benchmark. */
guint                  vd_history_model_get_page_size        (VdHistoryModel *self);
guint                  vd_history_model_get_max_pages        (VdHistoryModel *self);
guint                  vd_history_model_get_n_loaded_pages   (VdHistoryModel *self);
/* The most pages held at once since the model was made. */
guint                  vd_history_model_get_peak_loaded_pages (VdHistoryModel *self);
/* Pages requested from the store since the model was made. */
guint                  vd_history_model_get_n_page_loads     (VdHistoryModel *self);

G_END_DECLS
