#define G_LOG_DOMAIN "vd-history-model"

#include "config.h"

#include "vd-history-model.h"
#include "vd-memory-trim.h"

/* --- VdHistoryItem --- */

struct _VdHistoryItem
{
  GObject          parent_instance;

  VdHistoryRecord *record;     /* NULL: a placeholder */
  guint            position;
};

G_DEFINE_FINAL_TYPE (VdHistoryItem, vd_history_item, G_TYPE_OBJECT)

enum {
  ITEM_PROP_0,
  ITEM_PROP_LOADED,
  N_ITEM_PROPS
};

static GParamSpec *item_properties[N_ITEM_PROPS];

static void
vd_history_item_finalize (GObject *object)
{
  VdHistoryItem *self = VD_HISTORY_ITEM (object);

  g_clear_pointer (&self->record, vd_history_record_free);

  G_OBJECT_CLASS (vd_history_item_parent_class)->finalize (object);
}

static void
vd_history_item_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VdHistoryItem *self = VD_HISTORY_ITEM (object);

  switch (prop_id)
    {
    case ITEM_PROP_LOADED:
      g_value_set_boolean (value, self->record != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vd_history_item_class_init (VdHistoryItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vd_history_item_finalize;
  object_class->get_property = vd_history_item_get_property;

  item_properties[ITEM_PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_ITEM_PROPS, item_properties);
}

static void
vd_history_item_init (VdHistoryItem *self)
{
}

/* Takes @record (NULL for a placeholder). */
static VdHistoryItem *
vd_history_item_new (VdHistoryRecord *record,
                     guint            position)
{
  VdHistoryItem *self = g_object_new (VD_TYPE_HISTORY_ITEM, NULL);

  self->record = record;
  self->position = position;
  return self;
}

/* A placeholder becomes the record it stood for: takes @record. */
static void
vd_history_item_fill (VdHistoryItem   *self,
                      VdHistoryRecord *record)
{
  g_assert (self->record == NULL);
  self->record = record;
  g_object_notify_by_pspec (G_OBJECT (self), item_properties[ITEM_PROP_LOADED]);
}

const VdHistoryRecord *
vd_history_item_get_record (VdHistoryItem *self)
{
  g_return_val_if_fail (VD_IS_HISTORY_ITEM (self), NULL);

  return self->record;
}

guint
vd_history_item_get_position (VdHistoryItem *self)
{
  g_return_val_if_fail (VD_IS_HISTORY_ITEM (self), 0);

  return self->position;
}

/* --- VdHistoryModel --- */

typedef struct {
  guint      index;
  GPtrArray *items;      /* VdHistoryItem, in position order */
  GList     *lru_link;   /* in VdHistoryModel.lru; its data is this page */
} Page;

/* Where page N starts, once page N - 1 has been seen. */
typedef struct {
  gboolean        known;
  VdHistoryCursor cursor;
} PageStart;

struct _VdHistoryModel
{
  GObject          parent_instance;

  VdHistory       *history;
  VdHistoryFilter *filter;
  guint            page_size;
  guint            max_pages;

  /* What belongs to the current filter; a change bumps the generation, and answers to older
   * requests are dropped. */
  guint            generation;
  GCancellable    *cancellable;
  guint            n_items;
  gboolean         counted;
  gboolean         count_pending;
  GHashTable      *pages;        /* page index → Page */
  GQueue           lru;          /* Page, most recently used first */
  GHashTable      *loading;      /* page index + 1 → itself: requests in flight */
  GArray          *starts;       /* PageStart per page */
  /* position → the placeholder handed out for it while its page loads (not owned: a weak
   * reference removes it). Filled in place when the page arrives, so the list view keeps its
   * row widgets instead of making new ones for a new item. */
  GHashTable      *placeholders;
  GError          *error;
  gboolean         was_loading;

  guint            peak_pages;
  guint            n_page_loads;
};

static void vd_history_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VdHistoryModel, vd_history_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      vd_history_model_list_model_init))

enum {
  PROP_0,
  PROP_LOADING,
  PROP_COUNTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
page_free (Page *page)
{
  g_ptr_array_unref (page->items);
  g_free (page);
}

static guint
n_pages_for (VdHistoryModel *self,
             guint           n_items)
{
  return n_items / self->page_size + (n_items % self->page_size != 0 ? 1 : 0);
}

static void
notify_loading (VdHistoryModel *self)
{
  gboolean loading = vd_history_model_get_loading (self);

  if (loading == self->was_loading)
    return;
  self->was_loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_error (VdHistoryModel *self,
           GError         *error)
{
  g_clear_error (&self->error);
  self->error = error;
}

/* --- pages --- */

static void
evict_least_recent (VdHistoryModel *self)
{
  while (self->lru.length > self->max_pages)
    {
      Page *page = g_queue_pop_tail (&self->lru);

      g_hash_table_remove (self->pages, GUINT_TO_POINTER (page->index));
      vd_memory_trim_when_idle ();
    }
}

static void
touch_page (VdHistoryModel *self,
            Page           *page)
{
  if (self->lru.head == page->lru_link)
    return;
  g_queue_unlink (&self->lru, page->lru_link);
  g_queue_push_head_link (&self->lru, page->lru_link);
}

typedef struct {
  VdHistoryModel *self;
  guint           generation;
  guint           index;
} PageRequest;

static void
page_request_free (PageRequest *request)
{
  g_object_unref (request->self);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PageRequest, page_request_free)

static void
remember_next_start (VdHistoryModel *self,
                     guint           index,
                     GPtrArray      *records)
{
  PageStart *next;

  if (records->len < self->page_size || index + 1 >= self->starts->len)
    return;
  next = &g_array_index (self->starts, PageStart, index + 1);
  next->known = TRUE;
  next->cursor = vd_history_cursor_for_record (g_ptr_array_index (records, records->len - 1));
}

/* Weak references are notified while the item is disposed: its fields are still there. */
static void
on_placeholder_finalized (gpointer  data,
                          GObject  *where_the_object_was)
{
  VdHistoryModel *self = data;
  guint position = ((VdHistoryItem *) where_the_object_was)->position;

  if (g_hash_table_lookup (self->placeholders, GUINT_TO_POINTER (position)) ==
      (gpointer) where_the_object_was)
    g_hash_table_remove (self->placeholders, GUINT_TO_POINTER (position));
}

/* The placeholder for @position, made when none is out (the list view may ask twice). */
static VdHistoryItem *
placeholder_for (VdHistoryModel *self,
                 guint           position)
{
  VdHistoryItem *item = g_hash_table_lookup (self->placeholders, GUINT_TO_POINTER (position));

  if (item != NULL)
    return g_object_ref (item);

  item = vd_history_item_new (NULL, position);
  g_hash_table_insert (self->placeholders, GUINT_TO_POINTER (position), item);
  g_object_weak_ref (G_OBJECT (item), on_placeholder_finalized, self);
  return item;
}

/* The placeholder out for @position, no longer tracked (the caller fills it), or NULL. */
static VdHistoryItem *
take_placeholder (VdHistoryModel *self,
                  guint           position)
{
  VdHistoryItem *item = g_hash_table_lookup (self->placeholders, GUINT_TO_POINTER (position));

  if (item == NULL)
    return NULL;
  g_object_weak_unref (G_OBJECT (item), on_placeholder_finalized, self);
  g_hash_table_remove (self->placeholders, GUINT_TO_POINTER (position));
  return g_object_ref (item);
}

static void
forget_placeholders (VdHistoryModel *self)
{
  GHashTableIter iter;
  gpointer item;

  g_hash_table_iter_init (&iter, self->placeholders);
  while (g_hash_table_iter_next (&iter, NULL, &item))
    g_object_weak_unref (G_OBJECT (item), on_placeholder_finalized, self);
  g_hash_table_remove_all (self->placeholders);
}

static void
add_page (VdHistoryModel *self,
          guint           index,
          GPtrArray      *records)
{
  Page *page = g_new0 (Page, 1);
  guint first = index * self->page_size;
  gsize n_records = 0;
  g_autofree gpointer *taken = g_ptr_array_steal (records, &n_records);

  page->index = index;
  page->items = g_ptr_array_new_full ((guint) n_records, g_object_unref);
  for (gsize i = 0; i < n_records; i++)
    {
      VdHistoryItem *item = take_placeholder (self, first + (guint) i);

      if (item != NULL)
        vd_history_item_fill (item, taken[i]);
      else
        item = vd_history_item_new (taken[i], first + (guint) i);
      g_ptr_array_add (page->items, item);
    }

  g_hash_table_insert (self->pages, GUINT_TO_POINTER (index), page);
  g_queue_push_head (&self->lru, page);
  page->lru_link = self->lru.head;
  evict_least_recent (self);
  self->peak_pages = MAX (self->peak_pages, self->lru.length);
}

static void
on_page_listed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(PageRequest) request = user_data;
  VdHistoryModel *self = request->self;
  g_autoptr(GPtrArray) records = NULL;
  GError *error = NULL;

  records = vd_history_list_finish (VD_HISTORY (source), result, &error);
  if (request->generation != self->generation)
    {
      g_clear_error (&error);
      return;
    }

  g_hash_table_remove (self->loading, GUINT_TO_POINTER (request->index + 1));
  if (records == NULL)
    {
      g_warning ("A page of the history could not be read: %s", error->message);
      set_error (self, error);
      notify_loading (self);
      return;
    }

  remember_next_start (self, request->index, records);
  /* No items-changed: the rows on screen hold placeholders, which add_page fills in place
   * (their "loaded" notifies the row); rows the view has not asked for have no item yet. */
  add_page (self, request->index, records);
  notify_loading (self);
}

/* Page @index from the nearest page start known at or before it, plus an offset. */
static void
load_page (VdHistoryModel *self,
           guint           index)
{
  PageRequest *request;
  const VdHistoryCursor *cursor = NULL;
  guint known = index;

  if (g_hash_table_contains (self->loading, GUINT_TO_POINTER (index + 1)))
    return;

  while (known > 0 && !g_array_index (self->starts, PageStart, known).known)
    known--;
  if (known > 0)
    cursor = &g_array_index (self->starts, PageStart, known).cursor;

  request = g_new0 (PageRequest, 1);
  request->self = g_object_ref (self);
  request->generation = self->generation;
  request->index = index;
  g_hash_table_add (self->loading, GUINT_TO_POINTER (index + 1));
  self->n_page_loads++;

  vd_history_list_async (self->history, self->filter, cursor,
                         (index - known) * self->page_size, self->page_size,
                         self->cancellable, on_page_listed, request);
  notify_loading (self);
}

/* --- counting --- */

typedef struct {
  VdHistoryModel *self;
  guint           generation;
} CountRequest;

static void
on_counted (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  CountRequest *request = user_data;
  g_autoptr(VdHistoryModel) self = request->self;
  guint generation = request->generation;
  GError *error = NULL;
  guint64 count = 0;
  gboolean ok;

  g_free (request);
  ok = vd_history_count_finish (VD_HISTORY (source), result, &count, &error);
  if (generation != self->generation)
    {
      g_clear_error (&error);
      return;
    }

  self->count_pending = FALSE;
  self->counted = TRUE;
  if (!ok)
    {
      g_warning ("The history could not be counted: %s", error->message);
      set_error (self, error);
      count = 0;
    }

  self->n_items = (guint) MIN (count, (guint64) G_MAXUINT);
  g_array_set_size (self->starts, n_pages_for (self, self->n_items));
  if (self->n_items > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, self->n_items);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNTED]);
  notify_loading (self);
}

static void
start_over (VdHistoryModel *self)
{
  CountRequest *request;
  guint old_n_items = self->n_items;

  self->generation++;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_queue_clear (&self->lru);
  g_hash_table_remove_all (self->pages);
  g_hash_table_remove_all (self->loading);
  forget_placeholders (self);
  g_array_set_size (self->starts, 0);
  g_clear_error (&self->error);
  self->n_items = 0;
  self->counted = FALSE;
  self->count_pending = TRUE;

  if (old_n_items > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n_items, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNTED]);

  request = g_new0 (CountRequest, 1);
  request->self = g_object_ref (self);
  request->generation = self->generation;
  vd_history_count_async (self->history, self->filter, self->cancellable, on_counted, request);
  notify_loading (self);
}

/* --- GListModel --- */

static GType
vd_history_model_get_item_type (GListModel *model)
{
  return VD_TYPE_HISTORY_ITEM;
}

static guint
vd_history_model_get_n_items (GListModel *model)
{
  return VD_HISTORY_MODEL (model)->n_items;
}

static gpointer
vd_history_model_get_item (GListModel *model,
                           guint       position)
{
  VdHistoryModel *self = VD_HISTORY_MODEL (model);
  guint index;
  guint in_page;
  Page *page;

  if (position >= self->n_items)
    return NULL;

  index = position / self->page_size;
  in_page = position % self->page_size;
  page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));
  if (page == NULL)
    {
      load_page (self, index);
      return placeholder_for (self, position);
    }

  touch_page (self, page);
  if (in_page >= page->items->len)
    /* The store lost rows since the count (a purge): the row stays a placeholder. */
    return vd_history_item_new (NULL, position);
  return g_object_ref (g_ptr_array_index (page->items, in_page));
}

static void
vd_history_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = vd_history_model_get_item_type;
  iface->get_n_items = vd_history_model_get_n_items;
  iface->get_item = vd_history_model_get_item;
}

/* --- GObject --- */

static void
vd_history_model_dispose (GObject *object)
{
  VdHistoryModel *self = VD_HISTORY_MODEL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_queue_clear (&self->lru);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->loading, g_hash_table_unref);
  if (self->placeholders != NULL)
    forget_placeholders (self);
  g_clear_pointer (&self->placeholders, g_hash_table_unref);
  g_clear_object (&self->history);

  G_OBJECT_CLASS (vd_history_model_parent_class)->dispose (object);
}

static void
vd_history_model_finalize (GObject *object)
{
  VdHistoryModel *self = VD_HISTORY_MODEL (object);

  g_clear_pointer (&self->filter, vd_history_filter_free);
  g_clear_pointer (&self->starts, g_array_unref);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (vd_history_model_parent_class)->finalize (object);
}

static void
vd_history_model_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VdHistoryModel *self = VD_HISTORY_MODEL (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, vd_history_model_get_loading (self));
      break;

    case PROP_COUNTED:
      g_value_set_boolean (value, self->counted);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vd_history_model_class_init (VdHistoryModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vd_history_model_dispose;
  object_class->finalize = vd_history_model_finalize;
  object_class->get_property = vd_history_model_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COUNTED] =
    g_param_spec_boolean ("counted", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vd_history_model_init (VdHistoryModel *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) page_free);
  self->placeholders = g_hash_table_new (NULL, NULL);
  self->loading = g_hash_table_new (NULL, NULL);
  self->starts = g_array_new (FALSE, TRUE, sizeof (PageStart));
  g_queue_init (&self->lru);
}

VdHistoryModel *
vd_history_model_new (VdHistory             *history,
                      const VdHistoryFilter *filter,
                      guint                  page_size,
                      guint                  max_pages)
{
  VdHistoryModel *self;

  g_return_val_if_fail (VD_IS_HISTORY (history), NULL);

  self = g_object_new (VD_TYPE_HISTORY_MODEL, NULL);
  self->history = g_object_ref (history);
  self->page_size = page_size > 0 ? page_size : VD_HISTORY_MODEL_DEFAULT_PAGE_SIZE;
  /* Two at least: the rows on screen may straddle a page boundary. */
  self->max_pages = max_pages > 0 ? MAX (max_pages, 2) : VD_HISTORY_MODEL_DEFAULT_MAX_PAGES;
  self->filter = filter != NULL ? vd_history_filter_copy (filter) : vd_history_filter_new ();
  start_over (self);
  return self;
}

VdHistory *
vd_history_model_get_history (VdHistoryModel *self)
{
  g_return_val_if_fail (VD_IS_HISTORY_MODEL (self), NULL);

  return self->history;
}

void
vd_history_model_set_filter (VdHistoryModel        *self,
                             const VdHistoryFilter *filter)
{
  g_return_if_fail (VD_IS_HISTORY_MODEL (self));

  g_clear_pointer (&self->filter, vd_history_filter_free);
  self->filter = filter != NULL ? vd_history_filter_copy (filter) : vd_history_filter_new ();
  start_over (self);
}

const VdHistoryFilter *
vd_history_model_get_filter (VdHistoryModel *self)
{
  g_return_val_if_fail (VD_IS_HISTORY_MODEL (self), NULL);

  return self->filter;
}

void
vd_history_model_reload (VdHistoryModel *self)
{
  g_return_if_fail (VD_IS_HISTORY_MODEL (self));

  start_over (self);
}

gboolean
vd_history_model_get_loading (VdHistoryModel *self)
{
  g_return_val_if_fail (VD_IS_HISTORY_MODEL (self), FALSE);

  return self->count_pending ||
         (self->loading != NULL && g_hash_table_size (self->loading) > 0);
}

gboolean
vd_history_model_get_counted (VdHistoryModel *self)
{
  g_return_val_if_fail (VD_IS_HISTORY_MODEL (self), FALSE);

  return self->counted;
}

const GError *
vd_history_model_get_error (VdHistoryModel *self)
{
  g_return_val_if_fail (VD_IS_HISTORY_MODEL (self), NULL);

  return self->error;
}

const VdHistoryRecord *
vd_history_model_peek_record (VdHistoryModel *self,
                              guint           position)
{
  Page *page;
  guint in_page;

  g_return_val_if_fail (VD_IS_HISTORY_MODEL (self), NULL);

  if (position >= self->n_items)
    return NULL;
  page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (position / self->page_size));
  in_page = position % self->page_size;
  if (page == NULL || in_page >= page->items->len)
    return NULL;
  return vd_history_item_get_record (g_ptr_array_index (page->items, in_page));
}

guint
vd_history_model_get_page_size (VdHistoryModel *self)
{
  g_return_val_if_fail (VD_IS_HISTORY_MODEL (self), 0);

  return self->page_size;
}

guint
vd_history_model_get_max_pages (VdHistoryModel *self)
{
  g_return_val_if_fail (VD_IS_HISTORY_MODEL (self), 0);

  return self->max_pages;
}

guint
vd_history_model_get_n_loaded_pages (VdHistoryModel *self)
{
  g_return_val_if_fail (VD_IS_HISTORY_MODEL (self), 0);

  return self->lru.length;
}

guint
vd_history_model_get_peak_loaded_pages (VdHistoryModel *self)
{
  g_return_val_if_fail (VD_IS_HISTORY_MODEL (self), 0);

  return self->peak_pages;
}

guint
vd_history_model_get_n_page_loads (VdHistoryModel *self)
{
  g_return_val_if_fail (VD_IS_HISTORY_MODEL (self), 0);

  return self->n_page_loads;
}
