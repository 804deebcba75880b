/* The history window driven in-process under Xvfb, over a store of a few thousand records
 * written through the store's own API in a temporary VERIFYDESK_DATA_DIR, with the
 * supervisor PIN in a real gnome-keyring on a private bus (vd-keyring-test-util.c): newest
 * first, paging while scrolling (never more than the model's page limit held), search by name
 * and by full ID number, every filter, the detail pane, CSV export and its cancellation, the
 * counter view without a PIN and the PIN lock. Screenshots light and dark, wide and narrow. */

#include "config.h"

#include <adwaita.h>
#include <arpa/inet.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vd-desk-journal.h"
#include "vd-history-model.h"
#include "vd-history-window.h"
#include "vd-id-number.h"
#include "vd-keyring-test-util.h"
#include "vd-supervisor-pin.h"
#include "vd-test-util.h"
#include "vd-ui-test-util.h"

#define N_RECORDS      2400
#define N_TODAY        20
#define DESK           "desk-test"
#define OTHER_DESK     "desk-other"
#define PIN            "2468"
#define WAIT_MS        20000
#define QUOTED_RECORD  300
#define FORMULA_RECORD 303
#define NAMED_RECORD   123
#define NAMED          "欧阳娜娜"

static VdTestKeyring *keyring;
static char *data_dir;
static VdHistory *history;
static VdDeskJournal *journal;
static GBytes *key;
static GPtrArray *records;   /* what was written, by position newest first */

static const char * const operators[] = { "alice", "bob", "carol" };

/* --- waiting --- */

static gboolean
model_is_counted (gpointer data)
{
  return vd_history_model_get_counted (data);
}

typedef struct {
  GAsyncResult *result;
} Done;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Done *done = user_data;

  done->result = g_object_ref (result);
}

static gboolean
is_done (gpointer data)
{
  return ((Done *) data)->result != NULL;
}

static GAsyncResult *
wait_done (Done *done)
{
  vd_ui_test_wait_until (is_done, done, WAIT_MS);
  return done->result;
}

/* --- the store --- */

static char *
synthetic_number (guint i)
{
  char first17[18];

  g_snprintf (first17, sizeof first17, "110105%04u%02u%02u%03u",
              1950 + i % 50, 1 + i % 12, 1 + i % 28, i % 1000);
  return g_strdup_printf ("%s%c", first17, vd_id_number_check_character (first17));
}

static GDateTime *
start_of_today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                g_date_time_get_day_of_month (now), 0, 0, 0);
}

static VdOutcome
outcome_of (guint i)
{
  static const VdOutcome outcomes[] = {
    VD_OUTCOME_PASSED, VD_OUTCOME_NOT_PASSED, VD_OUTCOME_ERROR, VD_OUTCOME_UNKNOWN,
  };

  return outcomes[i % 4];
}

/* Record @i: the first N_TODAY today (half at this desk), the rest an hour apart before
 * today; newest first is i = 0, 1, 2… */
static VdHistoryRecord *
synthetic_record (guint i)
{
  VdHistoryRecord *record = vd_history_record_new ();
  g_autoptr(GDateTime) today = start_of_today ();
  g_autofree char *number = synthetic_number (i);

  g_date_time_unref (record->time);
  if (i < N_TODAY)
    record->time = g_date_time_add_minutes (today, (int) (N_TODAY - i));
  else
    record->time = g_date_time_add_hours (today, -(int) (i - N_TODAY + 1));
  g_free (record->operator_name);
  record->operator_name = g_strdup (operators[i % G_N_ELEMENTS (operators)]);
  g_free (record->desk);
  record->desk = g_strdup (i < N_TODAY && i % 2 == 1 ? OTHER_DESK : DESK);
  record->biz_type = g_strdup ("RPMinTest");
  record->biz_id = g_strdup_printf ("biz-%04u", i);
  if (i == NAMED_RECORD)
    record->name = g_strdup (NAMED);
  else if (i == QUOTED_RECORD)
    record->name = g_strdup ("Zhang, \"Sam\"");
  else if (i == FORMULA_RECORD)
    record->name = g_strdup ("=HYPERLINK(\"x\")");
  else
    record->name = g_strdup_printf ("测试%u", i);
  record->id_number_masked = vd_id_number_mask (number);
  record->id_number_hmac = vd_history_id_number_hmac (key, number);
  record->training = i % 5 == 0;
  record->outcome = outcome_of (i);
  record->state = VD_HISTORY_STATE_FINISHED;
  record->finished_time = g_date_time_ref (record->time);

  switch (record->outcome)
    {
    case VD_OUTCOME_PASSED:
      record->has_verify_status = TRUE;
      record->verify_status = 1;
      record->has_score = TRUE;
      record->score = 95.5;
      record->request_id = g_strdup_printf ("req-%u", i);
      record->verify_token = g_strdup_printf ("token-%u", i);
      break;
    case VD_OUTCOME_NOT_PASSED:
      record->has_verify_status = TRUE;
      record->verify_status = 2;
      record->has_score = TRUE;
      record->score = 31.0;
      record->request_id = g_strdup_printf ("req-%u", i);
      break;
    case VD_OUTCOME_ERROR:
      record->error_code = g_strdup ("Throttling.User");
      record->error_message = g_strdup ("Request was denied due to user flow control.");
      record->request_id = g_strdup_printf ("req-%u", i);
      break;
    case VD_OUTCOME_UNKNOWN:
    default:
      record->state = VD_HISTORY_STATE_INTERRUPTED;
      g_clear_pointer (&record->finished_time, g_date_time_unref);
      break;
    }
  return record;
}

static void
fill_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *where = NULL;
  Done done = { NULL };
  Done loaded = { NULL };

  history = vd_history_new (NULL);
  vd_history_open_async (history, NULL, on_done, &done);
  g_assert_true (vd_history_open_finish (history, wait_done (&done), &error));
  g_assert_no_error (error);
  g_clear_object (&done.result);

  /* The key the window will find: made now, in the private keyring. */
  vd_desk_journal_load_key_async (data_dir, NULL, on_done, &loaded);
  key = vd_desk_journal_load_key_finish (wait_done (&loaded), &where, &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  g_clear_object (&loaded.result);

  records = g_ptr_array_new_with_free_func ((GDestroyNotify) vd_history_record_free);
  for (guint i = 0; i < N_RECORDS; i++)
    g_ptr_array_add (records, synthetic_record (i));

  vd_history_insert_records_async (history, records, NULL, on_done, &done);
  g_assert_true (vd_history_insert_records_finish (history, wait_done (&done), &error));
  g_assert_no_error (error);
  g_clear_object (&done.result);

  journal = vd_desk_journal_new (history, "alice", DESK);
}

static guint
count_records (gboolean (*matches) (const VdHistoryRecord *record))
{
  guint n = 0;

  for (guint i = 0; i < records->len; i++)
    n += matches (g_ptr_array_index (records, i)) ? 1 : 0;
  return n;
}

/* --- the window --- */

static GtkWidget *
child (VdHistoryWindow *window,
       const char      *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (window), VD_TYPE_HISTORY_WINDOW,
                                                   name);

  if (object == NULL)
    g_error ("the history window has no template child %s", name);
  return GTK_WIDGET (object);
}

static gboolean
access_is_settled (gpointer data)
{
  return vd_history_window_get_access (data) != VD_HISTORY_ACCESS_CHECKING;
}

static VdHistoryWindow *
open_window (int width,
             int height)
{
  VdHistoryWindow *window = VD_HISTORY_WINDOW (vd_history_window_new (NULL, journal));

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  vd_ui_test_wait_until (access_is_settled, window, WAIT_MS);
  return window;
}

static void
close_window (VdHistoryWindow *window)
{
  AdwMessageDialog *dialog = vd_supervisor_pin_get_dialog (GTK_WINDOW (window));

  if (dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  vd_ui_test_spin (50);
}

typedef struct {
  VdHistoryWindow *window;
  guint            n_items;
} CountWait;

static gboolean
count_is (gpointer data)
{
  CountWait *wait = data;
  VdHistoryModel *model = vd_history_window_get_model (wait->window);

  return vd_history_model_get_counted (model) &&
         g_list_model_get_n_items (G_LIST_MODEL (model)) == wait->n_items;
}

static void
wait_for_count (VdHistoryWindow *window,
                guint            n_items)
{
  CountWait wait = { window, n_items };

  vd_ui_test_wait_until (count_is, &wait, WAIT_MS);
}

static gboolean
is_unlocked (gpointer data)
{
  return vd_history_window_get_access (data) == VD_HISTORY_ACCESS_UNLOCKED;
}

static VdHistoryWindow *
open_unlocked_window (int width,
                      int height)
{
  VdHistoryWindow *window = open_window (width, height);

  vd_history_window_set_unlocked (window);
  vd_ui_test_wait_until (is_unlocked, window, WAIT_MS);
  wait_for_count (window, N_RECORDS);
  return window;
}

typedef struct {
  VdHistoryModel *model;
  guint           position;
} PageWait;

static gboolean
record_is_loaded (gpointer data)
{
  PageWait *wait = data;

  return vd_history_model_peek_record (wait->model, wait->position) != NULL;
}

/* The record at @position, loading its page (as the view does) when needed. */
static const VdHistoryRecord *
record_at (VdHistoryWindow *window,
           guint            position)
{
  VdHistoryModel *model = vd_history_window_get_model (window);
  PageWait wait = { model, position };
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (model), position);

  g_assert_nonnull (item);
  vd_ui_test_wait_until (record_is_loaded, &wait, WAIT_MS);
  return vd_history_model_peek_record (model, position);
}

/* Every record the filter lets through, checked against @matches. */
static void
assert_every_record (VdHistoryWindow  *window,
                     gboolean        (*matches) (const VdHistoryRecord *record))
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (vd_history_window_get_model (window)));

  for (guint i = 0; i < n; i++)
    g_assert_true (matches (record_at (window, i)));
}

static void
screenshot (GtkWidget  *widget,
            const char *what)
{
  g_autofree char *name = g_strdup_printf ("history-%s-%s", what,
                                           g_getenv ("LANGUAGE") ? g_getenv ("LANGUAGE") : "C");
  g_autofree char *path = NULL;

  /* Revealers and bars finish their transitions first. */
  vd_ui_test_spin (400);
  path = vd_ui_test_screenshot (widget, name);
  g_test_message ("screenshot: %s", path);
}

static void
set_search (VdHistoryWindow *window,
            const char      *text)
{
  gtk_editable_set_text (GTK_EDITABLE (child (window, "search_entry")), text);
}

typedef struct {
  VdHistoryWindow *window;
  const char      *name;
} NameWait;

static gboolean
filter_name_is (gpointer data)
{
  NameWait *wait = data;
  const VdHistoryFilter *filter =
    vd_history_model_get_filter (vd_history_window_get_model (wait->window));

  return g_strcmp0 (filter->name, wait->name) == 0;
}

/* --- matches --- */

static gboolean
is_counter_record (const VdHistoryRecord *record)
{
  g_autoptr(GDateTime) today = start_of_today ();

  return g_strcmp0 (record->desk, DESK) == 0 && g_date_time_compare (record->time, today) >= 0;
}

static gboolean
is_not_passed (const VdHistoryRecord *record)
{
  return vd_history_record_get_outcome (record) == VD_OUTCOME_NOT_PASSED;
}

static gboolean
is_unknown (const VdHistoryRecord *record)
{
  return vd_history_record_get_outcome (record) == VD_OUTCOME_UNKNOWN;
}

static gboolean
is_bobs (const VdHistoryRecord *record)
{
  return g_strcmp0 (record->operator_name, "bob") == 0;
}

static gboolean
is_alices (const VdHistoryRecord *record)
{
  return g_strcmp0 (record->operator_name, "alice") == 0;
}

static gboolean
is_training (const VdHistoryRecord *record)
{
  return record->training;
}

static gboolean
is_real (const VdHistoryRecord *record)
{
  return !record->training;
}

/* Two days ago, the whole day. */
static gboolean
is_two_days_ago (const VdHistoryRecord *record)
{
  g_autoptr(GDateTime) today = start_of_today ();
  g_autoptr(GDateTime) first = g_date_time_add_days (today, -2);
  g_autoptr(GDateTime) after = g_date_time_add_days (today, -1);

  return g_date_time_compare (record->time, first) >= 0 &&
         g_date_time_compare (record->time, after) < 0;
}

/* --- tests --- */

static void
test_counter_view_without_pin (void)
{
  VdHistoryWindow *window = open_window (1180, 720);
  guint expected = count_records (is_counter_record);
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = g_build_filename (data_dir, "counter.csv", NULL);
  g_autoptr(GError) error = NULL;
  GtkLabel *scope_label = GTK_LABEL (child (window, "scope_label"));
  guint64 rows = 0;
  Done done = { NULL };

  g_assert_cmpint (vd_history_window_get_access (window), ==, VD_HISTORY_ACCESS_NO_PIN);
  g_assert_cmpuint (expected, ==, N_TODAY / 2);
  wait_for_count (window, expected);
  assert_every_record (window, is_counter_record);

  /* It says so, and offers the way to more. */
  g_assert_true (gtk_widget_get_visible (child (window, "scope_bar")));
  g_assert_nonnull (strstr (gtk_label_get_text (scope_label), "today"));
  g_assert_nonnull (strstr (gtk_label_get_text (scope_label), DESK));
  g_assert_true (gtk_widget_get_visible (child (window, "scope_button")));
  g_assert_false (gtk_widget_get_sensitive (child (window, "since_row")));

  /* Without a PIN nothing is locked: the counter view exports what it shows. */
  file = g_file_new_for_path (path);
  vd_history_window_export_async (window, file, on_done, &done);
  g_assert_true (vd_history_window_export_finish (window, wait_done (&done), &rows, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rows, ==, expected);
  g_clear_object (&done.result);
  g_unlink (path);

  screenshot (GTK_WIDGET (window), "counter-view");
  close_window (window);
}

static gboolean
list_is_laid_out (gpointer data)
{
  GtkAdjustment *adjustment = data;

  return gtk_adjustment_get_upper (adjustment) > 2 * gtk_adjustment_get_page_size (adjustment);
}

static gboolean
scrolled_to_end (gpointer data)
{
  VdHistoryWindow *window = data;
  VdHistoryModel *model = vd_history_window_get_model (window);

  return vd_history_model_peek_record (model, N_RECORDS - 1) != NULL;
}

static void
test_newest_first_and_paging (void)
{
  VdHistoryWindow *window = open_unlocked_window (1180, 720);
  VdHistoryModel *model = vd_history_window_get_model (window);
  GtkAdjustment *adjustment =
    gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (child (window, "scroller")));
  guint page_size = vd_history_model_get_page_size (model);
  guint max_pages = vd_history_model_get_max_pages (model);
  const VdHistoryRecord *first;

  /* More pages than the model may hold, so that scrolling must evict. */
  g_assert_cmpuint (N_RECORDS / page_size, >, max_pages);

  first = record_at (window, 0);
  g_assert_cmpstr (first->biz_id, ==, "biz-0000");
  for (guint i = 1; i < 50; i++)
    {
      const VdHistoryRecord *newer = record_at (window, i - 1);
      const VdHistoryRecord *record = record_at (window, i);

      g_assert_cmpint (g_date_time_compare (newer->time, record->time), >=, 0);
    }
  /* The first row shown is the newest record. */
  g_assert_cmpuint (vd_history_model_get_n_loaded_pages (model), <=, 2);

  /* Scroll end to end a screen at a time, letting pages arrive. */
  vd_ui_test_wait_until (list_is_laid_out, adjustment, WAIT_MS);
  while (gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) <
         gtk_adjustment_get_upper (adjustment))
    {
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) +
                                            gtk_adjustment_get_page_size (adjustment));
      vd_ui_test_spin (5);
      g_assert_cmpuint (vd_history_model_get_n_loaded_pages (model), <=, max_pages);
    }
  vd_ui_test_wait_until (scrolled_to_end, window, WAIT_MS);

  g_assert_cmpstr (vd_history_model_peek_record (model, N_RECORDS - 1)->biz_id, ==, "biz-2399");
  g_assert_cmpuint (vd_history_model_get_peak_loaded_pages (model), <=, max_pages);
  g_assert_cmpuint (vd_history_model_get_n_page_loads (model), >=, N_RECORDS / page_size);
  /* The first page was evicted on the way. */
  g_assert_null (vd_history_model_peek_record (model, 0));

  screenshot (GTK_WIDGET (window), "scrolled-to-end");
  close_window (window);
}

static void
count_items_changed (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     guint      *n_signals)
{
  (*n_signals)++;
}

static void
note_loaded (VdHistoryItem *item,
             GParamSpec    *pspec,
             guint         *n_loaded)
{
  (*n_loaded)++;
}

/* A page that arrives fills the placeholders the view holds, in place: the list view keeps its
 * row widgets (a new item would make it build the row again — hundreds of widgets per page).
 * Asking twice for a loading row gives the same placeholder. */
static void
test_model_fills_placeholders (void)
{
  g_autoptr(VdHistoryModel) model = vd_history_model_new (history, NULL, 20, 3);
  g_autoptr(GObject) first = NULL;
  g_autoptr(GObject) again = NULL;
  g_autoptr(GObject) last_of_page = NULL;
  g_autoptr(GObject) after_load = NULL;
  PageWait wait = { model, 19 };
  guint n_changed = 0;
  guint n_loaded = 0;

  vd_ui_test_wait_until (model_is_counted, model, WAIT_MS);
  g_signal_connect (model, "items-changed", G_CALLBACK (count_items_changed), &n_changed);

  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  again = g_list_model_get_item (G_LIST_MODEL (model), 0);
  last_of_page = g_list_model_get_item (G_LIST_MODEL (model), 19);
  g_assert_true (first == again);
  g_assert_null (vd_history_item_get_record (VD_HISTORY_ITEM (first)));
  g_signal_connect (first, "notify::loaded", G_CALLBACK (note_loaded), &n_loaded);
  g_signal_connect (last_of_page, "notify::loaded", G_CALLBACK (note_loaded), &n_loaded);

  vd_ui_test_wait_until (record_is_loaded, &wait, WAIT_MS);

  g_assert_cmpuint (n_loaded, ==, 2);
  g_assert_cmpuint (n_changed, ==, 0);
  g_assert_cmpstr (vd_history_item_get_record (VD_HISTORY_ITEM (first))->biz_id, ==, "biz-0000");
  g_assert_cmpstr (vd_history_item_get_record (VD_HISTORY_ITEM (last_of_page))->biz_id, ==,
                   "biz-0019");
  /* The loaded page hands out the very objects the view already holds. */
  after_load = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_true (after_load == first);
  g_signal_handlers_disconnect_by_data (model, &n_changed);
}

/* The model alone with small pages: keyset pages, the LRU, a jump into the middle. */
static void
test_model_pages (void)
{
  g_autoptr(VdHistoryModel) model = vd_history_model_new (history, NULL, 20, 3);
  g_autoptr(GObject) item = NULL;
  PageWait wait = { model, 0 };

  vd_ui_test_wait_until (model_is_counted, model, WAIT_MS);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_RECORDS);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == VD_TYPE_HISTORY_ITEM);

  /* A placeholder first, the record once its page arrives. */
  item = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_null (vd_history_item_get_record (VD_HISTORY_ITEM (item)));
  vd_ui_test_wait_until (record_is_loaded, &wait, WAIT_MS);
  g_clear_object (&item);
  item = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpstr (vd_history_item_get_record (VD_HISTORY_ITEM (item))->biz_id, ==, "biz-0000");

  /* Pages in order, then a jump far ahead (from the nearest known start plus an offset). */
  for (guint position = 20; position <= 100; position += 20)
    {
      g_autoptr(GObject) next = g_list_model_get_item (G_LIST_MODEL (model), position);
      g_autofree char *biz_id = g_strdup_printf ("biz-%04u", position);

      wait.position = position;
      vd_ui_test_wait_until (record_is_loaded, &wait, WAIT_MS);
      g_assert_cmpstr (vd_history_model_peek_record (model, position)->biz_id, ==, biz_id);
      g_assert_cmpuint (vd_history_model_get_n_loaded_pages (model), <=, 3);
    }
  g_clear_object (&item);
  item = g_list_model_get_item (G_LIST_MODEL (model), 2001);
  wait.position = 2001;
  vd_ui_test_wait_until (record_is_loaded, &wait, WAIT_MS);
  g_assert_cmpstr (vd_history_model_peek_record (model, 2001)->biz_id, ==, "biz-2001");
  g_assert_cmpstr (vd_history_model_peek_record (model, 100)->biz_id, ==, "biz-0100");
  g_assert_cmpuint (vd_history_model_get_peak_loaded_pages (model), ==, 3);
  /* The oldest pages were dropped. */
  g_assert_null (vd_history_model_peek_record (model, 0));
  g_assert_null (vd_history_model_peek_record (model, 20));
}

static void
test_search_by_name (void)
{
  VdHistoryWindow *window = open_unlocked_window (1180, 720);
  NameWait wait = { window, NAMED };

  set_search (window, NAMED);
  vd_ui_test_wait_until (filter_name_is, &wait, WAIT_MS);
  wait_for_count (window, 1);
  g_assert_cmpstr (record_at (window, 0)->name, ==, NAMED);

  /* Part of a name, any case. */
  set_search (window, "zhang");
  wait.name = "zhang";
  vd_ui_test_wait_until (filter_name_is, &wait, WAIT_MS);
  wait_for_count (window, 1);
  g_assert_cmpstr (record_at (window, 0)->name, ==, "Zhang, \"Sam\"");

  set_search (window, "nobody-has-this-name");
  wait.name = "nobody-has-this-name";
  vd_ui_test_wait_until (filter_name_is, &wait, WAIT_MS);
  wait_for_count (window, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (child (window, "list_stack"))),
                   ==, "empty");
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (child (window, "empty_page"))),
                   ==, "No Matching Records");
  screenshot (GTK_WIDGET (window), "no-match");
  close_window (window);
}

/* As typing does: no moment with an empty entry in between. */
static void
replace_last_character (VdHistoryWindow *window,
                        const char      *character)
{
  GtkEditable *entry = GTK_EDITABLE (child (window, "search_entry"));
  int length = (int) g_utf8_strlen (gtk_editable_get_text (entry), -1);
  int position = length - 1;

  gtk_editable_delete_text (entry, length - 1, length);
  gtk_editable_insert_text (entry, character, 1, &position);
}

static gboolean
key_is_ready (gpointer data)
{
  return vd_history_window_get_key_ready (data);
}

static void
test_search_by_id_number (void)
{
  VdHistoryWindow *window = open_unlocked_window (1180, 720);
  g_autofree char *number = synthetic_number (777);
  g_autofree char *typed = NULL;
  g_autofree char *wrong = g_strdup (number);
  GtkWidget *search_error = child (window, "search_error");

  vd_ui_test_wait_until (key_is_ready, window, WAIT_MS);

  /* Typed with spaces and a lower-case x where it has one: the same person. */
  typed = g_strdup_printf ("%.6s %.8s %s", number, number + 6, number + 14);
  set_search (window, typed);
  wait_for_count (window, 1);
  g_assert_cmpstr (record_at (window, 0)->biz_id, ==, "biz-0777");
  g_assert_false (gtk_widget_get_visible (search_error));

  /* A wrong check character, typed over the last one: said under the entry, and the list
   * stays as it was. */
  wrong[17] = wrong[17] == '0' ? '1' : '0';
  replace_last_character (window, wrong + 17);
  vd_ui_test_spin (400);
  g_assert_true (gtk_widget_get_visible (search_error));
  g_assert_true (gtk_widget_has_css_class (child (window, "search_entry"), "error"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (vd_history_window_get_model (window))),
                    ==, 1);
  screenshot (GTK_WIDGET (window), "bad-id-number");

  /* Only part of a number. */
  set_search (window, "110105");
  vd_ui_test_spin (400);
  g_assert_true (gtk_widget_get_visible (search_error));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (search_error)), "18"));

  set_search (window, "");
  wait_for_count (window, N_RECORDS);
  g_assert_false (gtk_widget_get_visible (search_error));
  close_window (window);
}

static void
test_filter_outcome (void)
{
  VdHistoryWindow *window = open_unlocked_window (1180, 720);
  AdwComboRow *outcome_row = ADW_COMBO_ROW (child (window, "outcome_row"));

  adw_combo_row_set_selected (outcome_row, 2); /* Not passed */
  wait_for_count (window, count_records (is_not_passed));
  assert_every_record (window, is_not_passed);

  adw_combo_row_set_selected (outcome_row, 4); /* Unknown */
  wait_for_count (window, count_records (is_unknown));
  assert_every_record (window, is_unknown);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.clear-filters", NULL);
  wait_for_count (window, N_RECORDS);
  close_window (window);
}

static void
test_filter_operator (void)
{
  VdHistoryWindow *window = open_unlocked_window (1180, 720);

  gtk_editable_set_text (GTK_EDITABLE (child (window, "operator_row")), "bob");
  wait_for_count (window, count_records (is_bobs));
  assert_every_record (window, is_bobs);
  close_window (window);
}

static gboolean
is_other_desks (const VdHistoryRecord *record)
{
  return g_strcmp0 (record->desk, OTHER_DESK) == 0;
}

static void
test_filter_desk (void)
{
  VdHistoryWindow *window = open_unlocked_window (1180, 720);

  gtk_editable_set_text (GTK_EDITABLE (child (window, "desk_row")), OTHER_DESK);
  wait_for_count (window, count_records (is_other_desks));
  g_assert_cmpuint (count_records (is_other_desks), >, 0);
  assert_every_record (window, is_other_desks);

  gtk_editable_set_text (GTK_EDITABLE (child (window, "desk_row")), "");
  wait_for_count (window, N_RECORDS);
  close_window (window);
}

static void
test_filter_training (void)
{
  VdHistoryWindow *window = open_unlocked_window (1180, 720);
  AdwComboRow *training_row = ADW_COMBO_ROW (child (window, "training_row"));

  adw_combo_row_set_selected (training_row, 2); /* Training only */
  wait_for_count (window, count_records (is_training));
  assert_every_record (window, is_training);

  adw_combo_row_set_selected (training_row, 1); /* Real only */
  wait_for_count (window, count_records (is_real));
  close_window (window);
}

static void
test_filter_dates (void)
{
  VdHistoryWindow *window = open_unlocked_window (1180, 720);
  g_autoptr(GDateTime) today = start_of_today ();
  g_autoptr(GDateTime) day = g_date_time_add_days (today, -2);
  g_autofree char *text = g_date_time_format (day, "%Y-%m-%d");
  GtkWidget *since_row = child (window, "since_row");
  GtkWidget *until_row = child (window, "until_row");
  GtkWidget *date_error = child (window, "date_error");

  g_assert_true (gtk_widget_get_sensitive (since_row));
  gtk_editable_set_text (GTK_EDITABLE (since_row), text);
  gtk_editable_set_text (GTK_EDITABLE (until_row), text);
  wait_for_count (window, count_records (is_two_days_ago));
  g_assert_cmpuint (count_records (is_two_days_ago), ==, 24);
  assert_every_record (window, is_two_days_ago);

  /* Not a date: marked, said, and the list stays. */
  gtk_editable_set_text (GTK_EDITABLE (since_row), "2026-02-30");
  vd_ui_test_spin (500);
  g_assert_true (gtk_widget_get_visible (date_error));
  g_assert_true (gtk_widget_has_css_class (since_row, "error"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (vd_history_window_get_model (window))),
                    ==, 24);

  /* The first day after the last. */
  gtk_editable_set_text (GTK_EDITABLE (since_row), "2999-01-01");
  vd_ui_test_spin (500);
  g_assert_true (gtk_widget_get_visible (date_error));
  g_assert_true (gtk_widget_has_css_class (until_row, "error"));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.clear-filters", NULL);
  wait_for_count (window, N_RECORDS);
  g_assert_false (gtk_widget_get_visible (date_error));
  close_window (window);
}

static void
select_position (VdHistoryWindow *window,
                 guint            position)
{
  GtkSelectionModel *selection =
    gtk_column_view_get_model (vd_history_window_get_column_view (window));

  record_at (window, position);
  gtk_selection_model_select_item (selection, position, TRUE);
}

static gboolean
detail_shows_record (gpointer data)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (data)), "record") == 0;
}

/* A row selected while its page still loads: the detail waits, then shows the record when the
 * placeholder fills in place. */
static void
test_detail_follows_loading_row (void)
{
  VdHistoryWindow *window = open_unlocked_window (1180, 720);
  VdHistoryModel *model = vd_history_window_get_model (window);
  GtkSelectionModel *selection =
    gtk_column_view_get_model (vd_history_window_get_column_view (window));
  GtkWidget *detail_stack = child (window, "detail_stack");
  guint position = N_RECORDS - 5;

  g_assert_null (vd_history_model_peek_record (model, position));
  gtk_selection_model_select_item (selection, position, TRUE);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (detail_stack)), ==, "none");

  vd_ui_test_wait_until (detail_shows_record, detail_stack, WAIT_MS);
  g_assert_cmpstr (vd_history_window_get_selected_record (window)->biz_id, ==, "biz-2395");
  close_window (window);
}

static void
test_detail_pane (void)
{
  VdHistoryWindow *window = open_unlocked_window (1180, 720);
  VdResultView *view = vd_history_window_get_result_view (window);
  VdStatusBanner *banner = vd_result_view_get_banner (view);
  GtkWidget *detail_stack = child (window, "detail_stack");
  const VdHistoryRecord *selected;

  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (detail_stack)), ==, "none");

  select_position (window, 4); /* passed */
  selected = vd_history_window_get_selected_record (window);
  g_assert_cmpstr (selected->biz_id, ==, "biz-0004");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (detail_stack)), ==, "record");
  g_assert_cmpint (vd_status_banner_get_severity (banner), ==, VD_SEVERITY_PASSED);
  g_assert_cmpstr (vd_status_banner_get_title (banner), ==, "Passed");
  g_assert_true (vd_result_view_get_shows_scores (view));
  g_assert_cmpstr (vd_copy_row_get_value (vd_result_view_get_biz_id_row (view)), ==, "biz-0004");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (child (window, "detail_meta"))),
                            selected->id_number_masked));
  /* The history shows what happened; it does not offer to act on it. */
  g_assert_false (gtk_widget_get_visible (vd_status_banner_get_resubmit_button (banner)));
  screenshot (GTK_WIDGET (window), "detail-passed");

  select_position (window, 5); /* not passed, training */
  g_assert_cmpint (vd_status_banner_get_severity (banner), !=, VD_SEVERITY_PASSED);
  g_assert_cmpstr (vd_status_banner_get_title (banner), !=, "Passed");

  select_position (window, 7); /* interrupted */
  g_assert_cmpint (vd_status_banner_get_severity (banner), ==, VD_SEVERITY_UNKNOWN);
  g_assert_cmpstr (vd_status_banner_get_title (banner), ==, "Outcome unknown");
  g_assert_false (gtk_widget_get_visible (vd_status_banner_get_resubmit_button (banner)));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (child (window, "detail_meta"))),
                            "interrupted"));

  select_position (window, 6); /* a gateway error */
  g_assert_cmpint (vd_status_banner_get_severity (banner), ==, VD_SEVERITY_SERVICE_PROBLEM);
  g_assert_cmpstr (vd_copy_row_get_value (vd_result_view_get_request_id_row (view)), ==,
                   "req-6");
  close_window (window);
}

static char *
read_export (const char *path,
             gsize      *length)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, length, &error));
  g_assert_no_error (error);
  return contents;
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    n += *p == '\n' ? 1 : 0;
  return n;
}

static void
test_export_filtered (void)
{
  VdHistoryWindow *window = open_unlocked_window (1180, 720);
  g_autofree char *path = g_build_filename (data_dir, "alice.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  guint expected = count_records (is_alices);
  guint64 rows = 0;
  gsize length = 0;
  Done done = { NULL };

  g_assert_true (is_alices (g_ptr_array_index (records, QUOTED_RECORD)));
  g_assert_true (is_alices (g_ptr_array_index (records, FORMULA_RECORD)));

  gtk_editable_set_text (GTK_EDITABLE (child (window, "operator_row")), "alice");
  wait_for_count (window, expected);

  vd_history_window_export_async (window, file, on_done, &done);
  g_assert_true (vd_history_window_get_exporting (window));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (child (window, "export_revealer"))));
  g_assert_true (vd_history_window_export_finish (window, wait_done (&done), &rows, &error));
  g_assert_no_error (error);
  g_clear_object (&done.result);
  g_assert_cmpuint (rows, ==, expected);
  g_assert_false (vd_history_window_get_exporting (window));

  contents = read_export (path, &length);
  /* UTF-8 with a BOM, a header and one line per record. */
  g_assert_cmpuint (length, >, 3);
  g_assert_cmpmem (contents, 3, "\xEF\xBB\xBF", 3);
  g_assert_cmpuint (count_lines (contents), ==, expected + 1);
  /* Quotes doubled inside a quoted cell; a formula neutralised. */
  g_assert_nonnull (strstr (contents, "\"Zhang, \"\"Sam\"\"\""));
  g_assert_nonnull (strstr (contents, "'=HYPERLINK("));
  g_assert_null (strstr (contents, ",=HYPERLINK("));
  g_assert_null (strstr (contents, "bob"));
  g_assert_nonnull (strstr (contents, "测试0"));

  screenshot (GTK_WIDGET (window), "exported");
  g_unlink (path);
  close_window (window);
}

static void
test_export_cancel (void)
{
  VdHistoryWindow *window = open_unlocked_window (1180, 720);
  g_autofree char *path = g_build_filename (data_dir, "cancelled.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  Done done = { NULL };

  vd_history_window_export_async (window, file, on_done, &done);
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (child (window, "export_revealer"))));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel", NULL));
  g_assert_false (vd_history_window_export_finish (window, wait_done (&done), NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&done.result);
  /* Nothing half-written is left behind. */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (child (window,
                                                                      "export_revealer"))));
  close_window (window);
}

static void
test_pin_hash (void)
{
  g_autoptr(GBytes) salt = g_bytes_new_static ("salt", 4);
  g_autoptr(GBytes) nacl = g_bytes_new_static ("NaCl", 4);
  g_autoptr(GBytes) long_salt = g_bytes_new_static ("0123456789abcdef", 16);
  g_autofree char *vector1 = vd_supervisor_pin_hash ("passwd", salt, 1);
  g_autofree char *vector2 = vd_supervisor_pin_hash ("Password", nacl, 80000);
  g_autofree char *stored = vd_supervisor_pin_hash (PIN, long_salt, 1000);
  g_autoptr(GError) error = NULL;

  /* RFC 7914, section 11: PBKDF2-HMAC-SHA256, the first 32 bytes. */
  g_assert_cmpstr (vector1, ==, "pbkdf2-sha256$1$73616c74$"
                   "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
  g_assert_cmpstr (vector2, ==, "pbkdf2-sha256$80000$4e61436c$"
                   "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56");

  g_assert_true (vd_supervisor_pin_matches (stored, PIN, &error));
  g_assert_no_error (error);
  g_assert_false (vd_supervisor_pin_matches (stored, "2469", &error));
  g_assert_no_error (error);
  /* The PIN itself is not in what is stored. */
  g_assert_null (strstr (stored, PIN));

  g_assert_false (vd_supervisor_pin_matches ("plain-2468", PIN, &error));
  g_assert_error (error, VD_SUPERVISOR_PIN_ERROR, VD_SUPERVISOR_PIN_ERROR_DAMAGED);
  g_clear_error (&error);
  /* A salt too short to be one this app stored. */
  g_assert_false (vd_supervisor_pin_matches (vector1, "passwd", &error));
  g_assert_error (error, VD_SUPERVISOR_PIN_ERROR, VD_SUPERVISOR_PIN_ERROR_DAMAGED);
  g_clear_error (&error);

  g_assert_true (vd_supervisor_pin_check ("1234", NULL));
  g_assert_true (vd_supervisor_pin_check ("123456789012", NULL));
  g_assert_false (vd_supervisor_pin_check ("123", &error));
  g_assert_error (error, VD_SUPERVISOR_PIN_ERROR, VD_SUPERVISOR_PIN_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (vd_supervisor_pin_check ("1234567890123", NULL));
  g_assert_false (vd_supervisor_pin_check ("12a4", NULL));
}

static gboolean
dialog_is_shown (gpointer data)
{
  return vd_supervisor_pin_get_dialog (data) != NULL;
}

typedef struct {
  GtkWindow        *window;
  AdwMessageDialog *previous;
} DialogWait;

static gboolean
another_dialog_is_shown (gpointer data)
{
  DialogWait *wait = data;
  AdwMessageDialog *dialog = vd_supervisor_pin_get_dialog (wait->window);

  return dialog != NULL && dialog != wait->previous;
}

/* Types @pin into the dialog over @window and answers it. */
static AdwMessageDialog *
answer_dialog (VdHistoryWindow *window,
               const char      *pin,
               const char      *again)
{
  AdwMessageDialog *dialog;
  GtkWidget *box;
  GtkWidget *entry;

  vd_ui_test_wait_until (dialog_is_shown, window, WAIT_MS);
  dialog = vd_supervisor_pin_get_dialog (GTK_WINDOW (window));
  box = adw_message_dialog_get_extra_child (dialog);
  entry = gtk_widget_get_first_child (box);
  g_assert_true (GTK_IS_PASSWORD_ENTRY (entry));
  gtk_editable_set_text (GTK_EDITABLE (entry), pin);
  if (again != NULL)
    gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_next_sibling (entry)), again);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "confirm"));
  adw_message_dialog_response (dialog, "confirm");
  return dialog;
}

static GtkLabel *
dialog_message (AdwMessageDialog *dialog)
{
  GtkWidget *box = adw_message_dialog_get_extra_child (dialog);

  return GTK_LABEL (gtk_widget_get_last_child (box));
}

static void
test_set_pin_from_the_window (void)
{
  VdHistoryWindow *window = open_window (1180, 720);
  AdwMessageDialog *dialog;
  DialogWait wait = { GTK_WINDOW (window), NULL };
  g_autoptr(GError) error = NULL;
  gboolean is_set = FALSE;
  Done done = { NULL };

  g_assert_cmpint (vd_history_window_get_access (window), ==, VD_HISTORY_ACCESS_NO_PIN);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.set-pin", NULL);

  /* Two different entries: asked again, saying why. */
  wait.previous = answer_dialog (window, "1357", "1358");
  vd_ui_test_wait_until (another_dialog_is_shown, &wait, WAIT_MS);
  dialog = vd_supervisor_pin_get_dialog (GTK_WINDOW (window));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog_message (dialog))));
  g_assert_nonnull (strstr (gtk_label_get_text (dialog_message (dialog)), "differ"));
  screenshot (GTK_WIDGET (dialog), "set-pin-differ");

  answer_dialog (window, PIN, PIN);
  vd_ui_test_wait_until (is_unlocked, window, WAIT_MS);
  wait_for_count (window, N_RECORDS);

  vd_supervisor_pin_is_set_async (NULL, on_done, &done);
  g_assert_true (vd_supervisor_pin_is_set_finish (wait_done (&done), &is_set, &error));
  g_assert_no_error (error);
  g_assert_true (is_set);
  g_clear_object (&done.result);
  /* Only a hash was stored: no file of the keyring holds the PIN's digits as typed. */
  g_assert_false (vd_test_folder_contains (vd_test_keyring_get_folder (keyring), "\"" PIN "\""));
  close_window (window);
}

static void
test_pin_lock (void)
{
  VdHistoryWindow *window = open_window (1180, 720);
  AdwMessageDialog *dialog;
  DialogWait wait = { GTK_WINDOW (window), NULL };
  g_autofree char *path = g_build_filename (data_dir, "locked.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  Done done = { NULL };

  /* Set by the test before: the window asks for it as it opens. */
  g_assert_cmpint (vd_history_window_get_access (window), ==, VD_HISTORY_ACCESS_LOCKED);
  vd_ui_test_wait_until (dialog_is_shown, window, WAIT_MS);
  wait_for_count (window, count_records (is_counter_record));
  screenshot (GTK_WIDGET (vd_supervisor_pin_get_dialog (GTK_WINDOW (window))), "pin-dialog");

  /* Export is locked meanwhile. */
  g_assert_false (gtk_widget_is_sensitive (child (window, "export_button")));
  vd_history_window_export_async (window, file, on_done, &done);
  g_assert_false (vd_history_window_export_finish (window, wait_done (&done), NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_clear_object (&done.result);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* A wrong PIN is refused and the dialog comes back saying so. */
  wait.previous = answer_dialog (window, "1111", NULL);
  vd_ui_test_wait_until (another_dialog_is_shown, &wait, WAIT_MS);
  dialog = vd_supervisor_pin_get_dialog (GTK_WINDOW (window));
  g_assert_nonnull (strstr (gtk_label_get_text (dialog_message (dialog)), "not right"));
  g_assert_cmpint (vd_history_window_get_access (window), ==, VD_HISTORY_ACCESS_LOCKED);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (vd_history_window_get_model (window))),
                    ==, count_records (is_counter_record));
  screenshot (GTK_WIDGET (dialog), "pin-wrong");

  /* The right one opens everything. */
  answer_dialog (window, PIN, NULL);
  vd_ui_test_wait_until (is_unlocked, window, WAIT_MS);
  wait_for_count (window, N_RECORDS);
  g_assert_false (gtk_widget_get_visible (child (window, "scope_bar")));
  g_assert_true (gtk_widget_is_sensitive (child (window, "export_button")));

  /* Lock again: back to the counter view. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.lock", NULL);
  g_assert_cmpint (vd_history_window_get_access (window), ==, VD_HISTORY_ACCESS_LOCKED);
  wait_for_count (window, count_records (is_counter_record));
  close_window (window);
}

static void
test_dismissing_the_pin_dialog (void)
{
  VdHistoryWindow *window = open_window (1180, 720);
  AdwMessageDialog *dialog;

  vd_ui_test_wait_until (dialog_is_shown, window, WAIT_MS);
  dialog = vd_supervisor_pin_get_dialog (GTK_WINDOW (window));
  adw_message_dialog_response (dialog, "cancel");
  vd_ui_test_spin (200);
  g_assert_null (vd_supervisor_pin_get_dialog (GTK_WINDOW (window)));
  g_assert_cmpint (vd_history_window_get_access (window), ==, VD_HISTORY_ACCESS_LOCKED);
  g_assert_true (gtk_widget_get_visible (child (window, "scope_button")));
  screenshot (GTK_WIDGET (window), "locked");
  close_window (window);
}

static void
test_open_message_bar (void)
{
  g_autofree char *folder = g_build_filename (data_dir, "damaged", NULL);
  g_autofree char *path = g_build_filename (folder, "history.db", NULL);
  g_autoptr(VdHistory) damaged = NULL;
  g_autoptr(VdDeskJournal) damaged_journal = NULL;
  g_autoptr(GError) error = NULL;
  VdHistoryWindow *window;
  Done done = { NULL };

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "This is not an SQLite database, not at all.", -1,
                                      &error));
  damaged = vd_history_new (path);
  vd_history_set_id_number_key (damaged, key);
  vd_history_open_async (damaged, NULL, on_done, &done);
  g_assert_true (vd_history_open_finish (damaged, wait_done (&done), &error));
  g_assert_no_error (error);
  g_clear_object (&done.result);
  g_assert_nonnull (vd_history_get_open_message (damaged));

  damaged_journal = vd_desk_journal_new (damaged, "alice", DESK);
  window = VD_HISTORY_WINDOW (vd_history_window_new (NULL, damaged_journal));
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  vd_history_window_set_unlocked (window);
  wait_for_count (window, 0);

  g_assert_true (gtk_info_bar_get_revealed (GTK_INFO_BAR (child (window, "open_bar"))));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (window, "open_label"))), ==,
                   vd_history_get_open_message (damaged));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (child (window, "empty_page"))),
                   ==, "No Verifications Yet");
  g_assert_false (gtk_widget_get_sensitive (child (window, "export_button")));
  screenshot (GTK_WIDGET (window), "moved-aside");
  close_window (window);
}

/* A port on 127.0.0.1 where nothing listens. */
static guint
closed_port (void)
{
  struct sockaddr_in address = { 0 };
  socklen_t length = sizeof address;
  int fd = socket (AF_INET, SOCK_STREAM, 0);

  g_assert_cmpint (fd, >=, 0);
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &address, &length), ==, 0);
  close (fd);
  return ntohs (address.sin_port);
}

static gboolean
server_bar_shows (gpointer data)
{
  return gtk_info_bar_get_revealed (GTK_INFO_BAR (child (data, "server_bar")));
}

static void
test_server_bar (void)
{
  g_autofree char *folder = g_build_filename (data_dir, "offline", NULL);
  g_autofree char *path = g_build_filename (folder, "history.db", NULL);
  g_autofree char *uri = g_strdup_printf ("postgresql://desk@127.0.0.1:%u/verifydesk",
                                          closed_port ());
  g_autoptr(VdHistory) offline = NULL;
  g_autoptr(VdDeskJournal) offline_journal = NULL;
  g_autoptr(VdHistoryRecord) record = synthetic_record (0);
  g_autoptr(GError) error = NULL;
  const char *text;
  VdHistoryWindow *window;
  Done done = { NULL };

  offline = vd_history_new (path);
  vd_history_set_id_number_key (offline, key);
  vd_history_set_server (offline, uri, "not-used");
  vd_history_open_async (offline, NULL, on_done, &done);
  g_assert_true (vd_history_open_finish (offline, wait_done (&done), &error));
  g_assert_no_error (error);
  g_clear_object (&done.result);
  vd_history_record_sent_async (offline, record, NULL, on_done, &done);
  g_assert_cmpint (vd_history_record_sent_finish (offline, wait_done (&done), NULL, &error), >,
                   0);
  g_assert_no_error (error);
  g_clear_object (&done.result);
  g_assert_true (vd_history_get_offline (offline));
  g_assert_cmpuint (vd_history_get_n_waiting (offline), ==, 1);

  offline_journal = vd_desk_journal_new (offline, "alice", DESK);
  window = VD_HISTORY_WINDOW (vd_history_window_new (NULL, offline_journal));
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  vd_history_window_set_unlocked (window);
  wait_for_count (window, 1);
  vd_ui_test_wait_until (server_bar_shows, window, WAIT_MS);

  text = gtk_label_get_text (GTK_LABEL (child (window, "server_label")));
  g_assert_nonnull (strstr (text, "1 record waiting to be sent to the server."));
  g_assert_nonnull (strstr (text, "searches cover only the records kept on this desk"));
  g_assert_null (strstr (text, "not-used"));
  screenshot (GTK_WIDGET (window), "server-away");
  close_window (window);
}

static void
test_screenshots (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  VdHistoryWindow *window;

  window = open_unlocked_window (1180, 720);
  g_assert_false (gtk_widget_get_visible (child (window, "scope_bar")));
  select_position (window, 0);
  screenshot (GTK_WIDGET (window), "wide-light");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  screenshot (GTK_WIDGET (window), "wide-dark");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  close_window (window);

  window = open_unlocked_window (360, 720);
  g_assert_true (adw_leaflet_get_folded (ADW_LEAFLET (child (window, "leaflet"))));
  screenshot (GTK_WIDGET (window), "narrow-list");
  g_signal_emit_by_name (vd_history_window_get_column_view (window), "activate", 2);
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (ADW_LEAFLET (child (window, "leaflet"))),
                   ==, "detail");
  g_assert_true (gtk_widget_get_visible (child (window, "back_button")));
  g_assert_cmpstr (vd_history_window_get_selected_record (window)->biz_id, ==, "biz-0002");
  screenshot (GTK_WIDGET (window), "narrow-detail");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  screenshot (GTK_WIDGET (window), "narrow-detail-dark");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-list", NULL);
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (ADW_LEAFLET (child (window, "leaflet"))),
                   ==, "list");
  close_window (window);
}

static void
remove_tree (GFile *folder)
{
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;
  GFile *file;

  children = g_file_enumerate_children (folder, G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL && g_file_enumerator_iterate (children, &info, &file, NULL, NULL) &&
         info != NULL)
    {
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        remove_tree (file);
      else
        g_file_delete (file, NULL, NULL);
    }
  g_file_delete (folder, NULL, NULL);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) folder = NULL;
  int status;

  /* The bus and the keyring first: GTK connects to the session bus as it starts. */
  keyring = vd_test_keyring_start ();
  vd_ui_test_init (&argc, &argv);

  data_dir = g_dir_make_tmp ("verifydesk-history-window-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("VERIFYDESK_DATA_DIR", data_dir, TRUE);
  folder = g_file_new_for_path (data_dir);
  fill_store ();

  g_test_add_func ("/history-window/pin-hash", test_pin_hash);
  g_test_add_func ("/history-window/counter-view-without-pin", test_counter_view_without_pin);
  g_test_add_func ("/history-window/model-pages", test_model_pages);
  g_test_add_func ("/history-window/model-fills-placeholders", test_model_fills_placeholders);
  g_test_add_func ("/history-window/detail-follows-loading-row",
                   test_detail_follows_loading_row);
  g_test_add_func ("/history-window/newest-first-and-paging", test_newest_first_and_paging);
  g_test_add_func ("/history-window/search-by-name", test_search_by_name);
  g_test_add_func ("/history-window/search-by-id-number", test_search_by_id_number);
  g_test_add_func ("/history-window/filter-outcome", test_filter_outcome);
  g_test_add_func ("/history-window/filter-operator", test_filter_operator);
  g_test_add_func ("/history-window/filter-desk", test_filter_desk);
  g_test_add_func ("/history-window/filter-training", test_filter_training);
  g_test_add_func ("/history-window/filter-dates", test_filter_dates);
  g_test_add_func ("/history-window/detail-pane", test_detail_pane);
  g_test_add_func ("/history-window/export-filtered", test_export_filtered);
  g_test_add_func ("/history-window/export-cancel", test_export_cancel);
  g_test_add_func ("/history-window/open-message-bar", test_open_message_bar);
  g_test_add_func ("/history-window/screenshots", test_screenshots);
  g_test_add_func ("/history-window/server-bar", test_server_bar);
  /* The PIN last: once set, every window asks for it. */
  g_test_add_func ("/history-window/set-pin", test_set_pin_from_the_window);
  g_test_add_func ("/history-window/pin-lock", test_pin_lock);
  g_test_add_func ("/history-window/dismissing-the-pin-dialog", test_dismissing_the_pin_dialog);

  status = g_test_run ();

  g_clear_object (&journal);
  g_clear_object (&history);
  g_clear_pointer (&records, g_ptr_array_unref);
  g_clear_pointer (&key, g_bytes_unref);
  vd_ui_test_spin (100);
  remove_tree (folder);
  g_free (data_dir);
  vd_test_keyring_stop (keyring);
  return status;
}
