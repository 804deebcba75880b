#define G_LOG_DOMAIN "vd-history-window"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vd-history-verification.h"
#include "vd-history-window.h"
#include "vd-id-number.h"
#include "vd-memory-trim.h"
#include "vd-outcome-badge.h"
#include "vd-supervisor-pin.h"

/* A typed date or operator name is applied once typing pauses. */
#define FILTER_DELAY_MS 300

typedef enum {
  COLUMN_TIME,
  COLUMN_NAME,
  COLUMN_ID_NUMBER,
  COLUMN_OUTCOME,
  COLUMN_SCORE,
  COLUMN_OPERATOR,
  COLUMN_BIZ_ID,
} Column;

typedef enum {
  OUTCOME_CHOICE_ANY,
  OUTCOME_CHOICE_PASSED,
  OUTCOME_CHOICE_NOT_PASSED,
  OUTCOME_CHOICE_ERROR,
  OUTCOME_CHOICE_UNKNOWN,
} OutcomeChoice;

typedef enum {
  TRAINING_CHOICE_ALL,
  TRAINING_CHOICE_EXCLUDE,
  TRAINING_CHOICE_ONLY,
} TrainingChoice;

struct _VdHistoryWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  GtkWidget            *back_button;
  AdwWindowTitle       *window_title;
  GtkWidget            *export_button;
  GtkInfoBar           *open_bar;
  GtkLabel             *open_label;
  GtkInfoBar           *scope_bar;
  GtkImage             *scope_icon;
  GtkLabel             *scope_label;
  GtkButton            *scope_button;
  GtkInfoBar           *server_bar;
  GtkLabel             *server_label;
  AdwLeaflet           *leaflet;
  GtkSearchEntry       *search_entry;
  GtkMenuButton        *filter_button;
  GtkLabel             *search_error;
  GtkStack             *list_stack;
  GtkSpinner           *spinner;
  GtkScrolledWindow    *scroller;
  GtkColumnView        *column_view;
  AdwStatusPage        *empty_page;
  GtkRevealer          *export_revealer;
  GtkLabel             *export_label;
  GtkProgressBar       *export_progress;
  GtkStack             *detail_stack;
  GtkLabel             *detail_meta;
  VdResultView         *result_view;
  AdwEntryRow          *since_row;
  AdwEntryRow          *until_row;
  GtkCalendar          *since_calendar;
  GtkCalendar          *until_calendar;
  GtkMenuButton        *since_calendar_button;
  GtkMenuButton        *until_calendar_button;
  AdwComboRow          *outcome_row;
  AdwEntryRow          *operator_row;
  AdwEntryRow          *desk_row;
  AdwComboRow          *training_row;
  GtkLabel             *date_error;

  VdDeskJournal        *journal;
  VdHistory            *history;
  VdHistoryModel       *model;
  GtkSingleSelection   *selection;
  VdHistoryItem        *watched_item;  /* the selected placeholder, until its record arrives */
  GCancellable         *cancellable;   /* NULL once disposed */
  VdHistoryAccess       access;
  gboolean              key_ready;
  char                 *key_error;
  guint                 filter_source;

  GCancellable         *export_cancellable;
  GtkNativeDialog      *file_chooser;
};

G_DEFINE_FINAL_TYPE (VdHistoryWindow, vd_history_window, ADW_TYPE_APPLICATION_WINDOW)

static void apply_filter (VdHistoryWindow *self);

/* --- callbacks that may outlive the window --- */

static GWeakRef *
weak_self (VdHistoryWindow *self)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, self);
  return ref;
}

/* A strong reference to the window, or NULL when it is gone or disposed. */
static VdHistoryWindow *
take_weak_self (GWeakRef *ref)
{
  VdHistoryWindow *self = g_weak_ref_get (ref);

  g_weak_ref_clear (ref);
  g_free (ref);
  if (self != NULL && self->cancellable == NULL)
    g_clear_object (&self);
  return self;
}

static void
toast (VdHistoryWindow *self,
       const char      *text)
{
  AdwToast *item = adw_toast_new (text);

  adw_toast_set_timeout (item, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, item);
}

/* --- what the access allows --- */

static gboolean
is_counter_view (VdHistoryWindow *self)
{
  return self->access != VD_HISTORY_ACCESS_UNLOCKED;
}

static gboolean
may_export (VdHistoryWindow *self)
{
  return self->access == VD_HISTORY_ACCESS_NO_PIN || self->access == VD_HISTORY_ACCESS_UNLOCKED;
}

static gboolean
is_exporting (VdHistoryWindow *self)
{
  return self->export_cancellable != NULL;
}

static void
update_actions (VdHistoryWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean folded;
  gboolean on_detail;
  guint n_items;

  if (self->model == NULL)
    return;

  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  folded = adw_leaflet_get_folded (self->leaflet);
  on_detail = g_strcmp0 (adw_leaflet_get_visible_child_name (self->leaflet), "detail") == 0;

  gtk_widget_action_set_enabled (widget, "win.export",
                                 may_export (self) && !is_exporting (self) &&
                                 vd_history_model_get_counted (self->model) && n_items > 0);
  gtk_widget_action_set_enabled (widget, "win.cancel", is_exporting (self));
  gtk_widget_action_set_enabled (widget, "win.unlock", self->access == VD_HISTORY_ACCESS_LOCKED);
  gtk_widget_action_set_enabled (widget, "win.lock", self->access == VD_HISTORY_ACCESS_UNLOCKED);
  gtk_widget_action_set_enabled (widget, "win.set-pin",
                                 self->access == VD_HISTORY_ACCESS_NO_PIN ||
                                 self->access == VD_HISTORY_ACCESS_UNLOCKED);
  gtk_widget_action_set_enabled (widget, "win.clear-pin",
                                 self->access == VD_HISTORY_ACCESS_UNLOCKED);
  gtk_widget_action_set_enabled (widget, "win.show-list", folded && on_detail);
  gtk_widget_set_visible (self->back_button, folded && on_detail);
  /* A tap opens the detail when only one pane fits. */
  gtk_column_view_set_single_click_activate (self->column_view, folded);
}

static void
update_scope_bar (VdHistoryWindow *self)
{
  const char *desk = vd_desk_journal_get_desk_name (self->journal);
  g_autofree char *counter = NULL;
  g_autofree char *text = NULL;
  const char *more = NULL;
  const char *button = NULL;
  const char *action = NULL;

  /* Shown and hidden at once: a bar that slides away would still claim a limit that no
   * longer holds. */
  gtk_widget_set_visible (GTK_WIDGET (self->scope_bar), is_counter_view (self));
  gtk_info_bar_set_revealed (self->scope_bar, is_counter_view (self));
  if (!is_counter_view (self))
    return;

  /* Translators: %s is the desk's name */
  counter = g_strdup_printf (_("Counter view: today’s records of this desk (%s) only."), desk);
  switch (self->access)
    {
    case VD_HISTORY_ACCESS_CHECKING:
      more = _("Checking whether a supervisor PIN is set…");
      break;
    case VD_HISTORY_ACCESS_NO_PIN:
      more = _("A supervisor can set a PIN to review every record.");
      button = _("Set _PIN…");
      action = "win.set-pin";
      break;
    case VD_HISTORY_ACCESS_LOCKED:
      more = _("Enter the supervisor PIN to see every record and to export.");
      button = _("_Unlock…");
      action = "win.unlock";
      break;
    case VD_HISTORY_ACCESS_NO_KEYRING:
    default:
      more = _("The keyring cannot be reached, so the supervisor PIN cannot be checked and "
               "export is off.");
      break;
    }

  text = g_strdup_printf ("%s %s", counter, more);
  gtk_label_set_text (self->scope_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->scope_button), button != NULL);
  if (button != NULL)
    {
      gtk_button_set_label (self->scope_button, button);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->scope_button), action);
    }
}

static void
set_access (VdHistoryWindow *self,
            VdHistoryAccess  access)
{
  gboolean was_counter = is_counter_view (self);

  self->access = access;
  update_scope_bar (self);
  /* In the counter view the date range is today's. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->since_row), !is_counter_view (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->until_row), !is_counter_view (self));
  update_actions (self);
  if (was_counter != is_counter_view (self))
    apply_filter (self);
}

/* --- the list --- */

static char *
format_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (time);
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

typedef struct {
  const char *icon_name;
  const char *words;        /* N_() */
  const char *style_class;
} OutcomeLook;

static const OutcomeLook outcome_looks[] = {
  [VD_OUTCOME_PASSED] = { "emblem-ok-symbolic", N_("Passed"), "success" },
  [VD_OUTCOME_NOT_PASSED] = { "dialog-error-symbolic", N_("Not passed"), "error" },
  [VD_OUTCOME_ERROR] = { "dialog-warning-symbolic", N_("Error"), "warning" },
  [VD_OUTCOME_UNKNOWN] = { "dialog-question-symbolic", N_("Unknown"), "dim-label" },
};

static const OutcomeLook *
outcome_look (VdOutcome outcome)
{
  if ((guint) outcome >= G_N_ELEMENTS (outcome_looks))
    outcome = VD_OUTCOME_UNKNOWN;
  return &outcome_looks[outcome];
}

static void
remove_outcome_classes (GtkWidget *widget)
{
  for (guint i = 0; i < G_N_ELEMENTS (outcome_looks); i++)
    gtk_widget_remove_css_class (widget, outcome_looks[i].style_class);
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *label;

  /* GTK 4.8 keeps about 200 rows of cells alive around the visible ones, so every cell is a
   * single widget: no wrapper box, controller or tooltip. */
  if (column == COLUMN_OUTCOME)
    {
      gtk_list_item_set_child (list_item, vd_outcome_badge_new ());
      return;
    }

  /* GtkInscription, not GtkLabel: made for list cells, it never asks its row to resize. */
  label = gtk_inscription_new (NULL);

  gtk_inscription_set_xalign (GTK_INSCRIPTION (label), 0);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (label),
                                     GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);

  if (column == COLUMN_ID_NUMBER || column == COLUMN_TIME || column == COLUMN_SCORE)
    gtk_widget_add_css_class (label, "numeric");
  if (column == COLUMN_BIZ_ID)
    {
      gtk_inscription_set_text_overflow (GTK_INSCRIPTION (label),
                                         GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_MIDDLE);
      gtk_widget_add_css_class (label, "monospace");
    }
  gtk_list_item_set_child (list_item, label);
}

static void
bind_outcome (VdOutcomeBadge        *badge,
              const VdHistoryRecord *record)
{
  const OutcomeLook *look;
  g_autofree char *words = NULL;

  remove_outcome_classes (GTK_WIDGET (badge));
  if (record == NULL)
    {
      vd_outcome_badge_set (badge, NULL, NULL);
      return;
    }

  look = outcome_look (vd_history_record_get_outcome (record));
  gtk_widget_add_css_class (GTK_WIDGET (badge), look->style_class);
  if (record->training)
    /* Translators: an outcome, then a tag for a verification made in training mode */
    words = g_strdup_printf (_("%s · training"), _(look->words));
  else
    words = g_strdup (_(look->words));
  vd_outcome_badge_set (badge, look->icon_name, words);
}

static char *
cell_text (Column                 column,
           const VdHistoryRecord *record)
{
  switch (column)
    {
    case COLUMN_TIME:
      return format_time (record->time);
    case COLUMN_NAME:
      return g_strdup (record->name);
    case COLUMN_ID_NUMBER:
      return g_strdup (record->id_number_masked);
    case COLUMN_SCORE:
      return record->has_score ? g_strdup_printf ("%.1f", record->score) : g_strdup ("—");
    case COLUMN_OPERATOR:
      return g_strdup (record->operator_name);
    case COLUMN_BIZ_ID:
      return g_strdup (record->biz_id);
    case COLUMN_OUTCOME:
    default:
      g_assert_not_reached ();
    }
}

/* Shows @list_item's record, or the placeholder's "Loading…", in the cell of @column. */
static void
show_cell (GtkListItem *list_item,
           Column       column)
{
  VdHistoryItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *child = gtk_list_item_get_child (list_item);
  const VdHistoryRecord *record = vd_history_item_get_record (item);
  g_autofree char *text = NULL;

  if (column == COLUMN_OUTCOME)
    {
      bind_outcome (VD_OUTCOME_BADGE (child), record);
      return;
    }

  if (record == NULL)
    {
      /* A placeholder while its page loads. */
      gtk_inscription_set_text (GTK_INSCRIPTION (child),
                                column == COLUMN_TIME ? _("Loading…") : "");
      gtk_widget_add_css_class (child, "dim-label");
      return;
    }

  text = cell_text (column, record);
  gtk_widget_remove_css_class (child, "dim-label");
  gtk_inscription_set_text (GTK_INSCRIPTION (child), text != NULL ? text : "");
}

/* The row's placeholder became its record: the same row widgets show it. */
static void
on_item_loaded (GtkListItem *list_item)
{
  show_cell (list_item, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (list_item), "vd-column")));
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  user_data)
{
  VdHistoryItem *item = gtk_list_item_get_item (list_item);

  /* A placeholder fills in place once (the model never changes a record again). */
  if (vd_history_item_get_record (item) == NULL)
    {
      g_object_set_data (G_OBJECT (list_item), "vd-column", user_data);
      g_signal_connect_swapped (item, "notify::loaded", G_CALLBACK (on_item_loaded), list_item);
    }
  show_cell (list_item, GPOINTER_TO_INT (user_data));
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             gpointer                  user_data)
{
  GObject *item = gtk_list_item_get_item (list_item);

  if (item != NULL)
    g_signal_handlers_disconnect_by_func (item, on_item_loaded, list_item);
}

/* Widths that fit a full time stamp, a masked number and "Not passed · training" in the
 * default font; the name and BizId columns take what is left. */
static void
add_column (VdHistoryWindow *self,
            Column           column,
            const char      *title,
            int              width,
            gboolean         expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *view_column;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (column));
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), GINT_TO_POINTER (column));
  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_column_set_fixed_width (view_column, width);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  gtk_column_view_append_column (self->column_view, view_column);
  g_object_unref (view_column);
}

static void
add_columns (VdHistoryWindow *self)
{
  add_column (self, COLUMN_TIME, _("Time"), 155, FALSE);
  add_column (self, COLUMN_NAME, _("Name"), 110, TRUE);
  add_column (self, COLUMN_ID_NUMBER, _("ID Number"), 165, FALSE);
  add_column (self, COLUMN_OUTCOME, _("Outcome"), 165, FALSE);
  add_column (self, COLUMN_SCORE, _("Score"), 64, FALSE);
  add_column (self, COLUMN_OPERATOR, _("Operator"), 90, FALSE);
  add_column (self, COLUMN_BIZ_ID, _("BizId"), 120, TRUE);
}

static gboolean
filter_narrows (VdHistoryWindow *self)
{
  const VdHistoryFilter *filter = vd_history_model_get_filter (self->model);

  return filter->has_outcome || filter->operator_name != NULL || filter->name != NULL ||
         filter->id_number != NULL || filter->training != VD_HISTORY_TRAINING_ANY ||
         (!is_counter_view (self) && (filter->since != NULL || filter->until != NULL ||
                                      filter->desk != NULL));
}

static void
show_empty_state (VdHistoryWindow *self)
{
  const GError *error = vd_history_model_get_error (self->model);

  if (error != NULL)
    {
      adw_status_page_set_icon_name (self->empty_page, "dialog-error-symbolic");
      adw_status_page_set_title (self->empty_page, _("The History Cannot Be Read"));
      adw_status_page_set_description (self->empty_page, error->message);
    }
  else if (filter_narrows (self))
    {
      adw_status_page_set_icon_name (self->empty_page, "edit-find-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Matching Records"));
      adw_status_page_set_description (self->empty_page,
                                       _("Try another name, the full ID number, or fewer "
                                         "filters."));
    }
  else if (is_counter_view (self))
    {
      adw_status_page_set_icon_name (self->empty_page, "document-open-recent-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Verifications Today"));
      adw_status_page_set_description (self->empty_page,
                                       _("Verifications made at this desk today appear here."));
    }
  else
    {
      adw_status_page_set_icon_name (self->empty_page, "document-open-recent-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Verifications Yet"));
      adw_status_page_set_description (self->empty_page,
                                       _("Every verification made with VerifyDesk, in this "
                                         "window or from the command line, appears here."));
    }
  gtk_stack_set_visible_child_name (self->list_stack, "empty");
}

static void
update_list_state (VdHistoryWindow *self)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  gboolean counted = vd_history_model_get_counted (self->model);
  g_autofree char *subtitle = NULL;

  gtk_spinner_set_spinning (self->spinner, !counted);
  if (!counted)
    {
      gtk_stack_set_visible_child_name (self->list_stack, "loading");
      adw_window_title_set_subtitle (self->window_title, _("Counting…"));
    }
  else
    {
      if (n_items == 0)
        show_empty_state (self);
      else
        gtk_stack_set_visible_child_name (self->list_stack, "list");
      /* Translators: how many records the list holds */
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u record", "%u records",
                                               n_items), n_items);
      adw_window_title_set_subtitle (self->window_title, subtitle);
    }
  update_actions (self);
}

/* --- the detail pane --- */

static char *
describe_record (const VdHistoryRecord *record)
{
  g_autofree char *time = format_time (record->time);
  GString *text = g_string_new (time);

  /* Translators: parts of one line about a record, joined by " · " */
  if (record->operator_name != NULL && *record->operator_name != '\0')
    g_string_append_printf (text, " · %s", record->operator_name);
  if (record->desk != NULL && *record->desk != '\0')
    g_string_append_printf (text, _(" · desk %s"), record->desk);
  g_string_append_printf (text, _(" · attempt %u"), record->attempt);
  if (record->id_number_masked != NULL && *record->id_number_masked != '\0')
    g_string_append_printf (text, " · %s", record->id_number_masked);
  if (record->state == VD_HISTORY_STATE_INTERRUPTED)
    g_string_append (text, _(" · interrupted before the answer"));
  return g_string_free (text, FALSE);
}

static void update_detail (VdHistoryWindow *self);

static void
unwatch_item (VdHistoryWindow *self)
{
  if (self->watched_item == NULL)
    return;
  g_signal_handlers_disconnect_by_func (self->watched_item, update_detail, self);
  g_clear_object (&self->watched_item);
}

/* A selected row still loading fills in place: the detail follows when it does. */
static void
on_selected_item_changed (VdHistoryWindow *self)
{
  VdHistoryItem *item = gtk_single_selection_get_selected_item (self->selection);

  unwatch_item (self);
  if (item != NULL && vd_history_item_get_record (item) == NULL)
    {
      self->watched_item = g_object_ref (item);
      g_signal_connect_swapped (item, "notify::loaded", G_CALLBACK (update_detail), self);
    }
  update_detail (self);
}

static void
update_detail (VdHistoryWindow *self)
{
  VdHistoryItem *item = gtk_single_selection_get_selected_item (self->selection);
  const VdHistoryRecord *record = item != NULL ? vd_history_item_get_record (item) : NULL;
  g_autoptr(VdVerification) verification = NULL;
  g_autofree char *meta = NULL;

  if (record == NULL)
    {
      vd_result_view_set_verification (self->result_view, NULL);
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
      return;
    }

  verification = vd_history_verification_for_record (record);
  meta = describe_record (record);
  gtk_label_set_text (self->detail_meta, meta);
  vd_result_view_set_verification (self->result_view, verification);
  gtk_stack_set_visible_child_name (self->detail_stack, "record");
}

static void
on_row_activated (VdHistoryWindow *self,
                  guint            position)
{
  gtk_single_selection_set_selected (self->selection, position);
  adw_leaflet_set_visible_child_name (self->leaflet, "detail");
  update_actions (self);
}

/* --- the filter --- */

typedef enum {
  SEARCH_NONE,
  SEARCH_NAME,
  SEARCH_ID_NUMBER,
  SEARCH_BAD_ID_NUMBER,
} SearchKind;

/* Digits and X only, at least 6 of them: meant as an ID number, not a name. */
static gboolean
looks_like_id_number (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == ' ')
        continue;
      if (!g_ascii_isdigit (*p) && *p != 'x' && *p != 'X')
        return FALSE;
      n++;
    }
  return n >= 6;
}

static SearchKind
classify_search (const char  *text,
                 char       **error_message)
{
  g_autoptr(GError) error = NULL;

  if (*text == '\0')
    return SEARCH_NONE;
  if (!looks_like_id_number (text))
    return SEARCH_NAME;
  if (!vd_id_number_validate (text, NULL, NULL, &error))
    {
      if (g_error_matches (error, VD_ID_NUMBER_ERROR, VD_ID_NUMBER_ERROR_LENGTH))
        *error_message = g_strdup (_("Type the full 18-character ID number: the history finds "
                                     "a person by the whole number only."));
      else
        *error_message = g_strdup (error->message);
      return SEARCH_BAD_ID_NUMBER;
    }
  return SEARCH_ID_NUMBER;
}

static void
show_search_error (VdHistoryWindow *self,
                   const char      *message)
{
  GtkWidget *entry = GTK_WIDGET (self->search_entry);

  gtk_widget_set_visible (GTK_WIDGET (self->search_error), message != NULL);
  gtk_label_set_text (self->search_error, message != NULL ? message : "");
  if (message != NULL)
    {
      gtk_widget_add_css_class (entry, "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (entry),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (entry),
                                      GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->search_error,
                                      NULL, -1);
    }
  else
    {
      gtk_widget_remove_css_class (entry, "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_STATE_INVALID);
      gtk_accessible_reset_relation (GTK_ACCESSIBLE (entry),
                                     GTK_ACCESSIBLE_RELATION_DESCRIBED_BY);
    }
}

/* "YYYY-MM-DD" as local midnight; NULL for "" (no bound). FALSE when not a real date. */
static gboolean
parse_day (const char  *text,
           GDateTime  **day)
{
  guint64 parts[3];
  g_auto(GStrv) fields = NULL;

  *day = NULL;
  if (*text == '\0')
    return TRUE;

  fields = g_strsplit (text, "-", -1);
  if (g_strv_length (fields) != 3)
    return FALSE;
  for (guint i = 0; i < 3; i++)
    if (!g_ascii_string_to_unsigned (fields[i], 10, 0, 9999, &parts[i], NULL))
      return FALSE;
  if (!g_date_valid_dmy ((GDateDay) parts[2], (GDateMonth) parts[1], (GDateYear) parts[0]))
    return FALSE;

  *day = g_date_time_new_local ((int) parts[0], (int) parts[1], (int) parts[2], 0, 0, 0);
  return *day != NULL;
}

static void
mark_row (AdwEntryRow *row,
          gboolean     valid)
{
  if (valid)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID);
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (row),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE, -1);
    }
}

/* The date range typed, or FALSE (with the rows marked) when a date is not a real one. */
static gboolean
read_date_range (VdHistoryWindow  *self,
                 GDateTime       **since,
                 GDateTime       **until)
{
  g_autoptr(GDateTime) last_day = NULL;
  gboolean since_ok = parse_day (gtk_editable_get_text (GTK_EDITABLE (self->since_row)), since);
  gboolean until_ok = parse_day (gtk_editable_get_text (GTK_EDITABLE (self->until_row)),
                                 &last_day);
  gboolean ordered;

  /* "To" includes its whole day. */
  *until = last_day != NULL ? g_date_time_add_days (last_day, 1) : NULL;
  ordered = *since == NULL || *until == NULL || g_date_time_compare (*since, *until) < 0;

  mark_row (self->since_row, since_ok);
  mark_row (self->until_row, until_ok && ordered);
  gtk_widget_set_visible (GTK_WIDGET (self->date_error), !since_ok || !until_ok || !ordered);
  if (!since_ok || !until_ok)
    gtk_label_set_text (self->date_error, _("Type a date as year-month-day, e.g. 2026-11-28."));
  else if (!ordered)
    gtk_label_set_text (self->date_error, _("The first day is after the last one."));

  if (since_ok && until_ok && ordered)
    return TRUE;
  g_clear_pointer (since, g_date_time_unref);
  g_clear_pointer (until, g_date_time_unref);
  return FALSE;
}

static GDateTime *
start_of_today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                g_date_time_get_day_of_month (now), 0, 0, 0);
}

static void
set_outcome_choice (VdHistoryFilter *filter,
                    OutcomeChoice    choice)
{
  static const VdOutcome outcomes[] = {
    [OUTCOME_CHOICE_PASSED] = VD_OUTCOME_PASSED,
    [OUTCOME_CHOICE_NOT_PASSED] = VD_OUTCOME_NOT_PASSED,
    [OUTCOME_CHOICE_ERROR] = VD_OUTCOME_ERROR,
    [OUTCOME_CHOICE_UNKNOWN] = VD_OUTCOME_UNKNOWN,
  };

  filter->has_outcome = choice > OUTCOME_CHOICE_ANY && choice < G_N_ELEMENTS (outcomes);
  if (filter->has_outcome)
    filter->outcome = outcomes[choice];
}

static VdHistoryTrainingFilter
training_for_choice (TrainingChoice choice)
{
  switch (choice)
    {
    case TRAINING_CHOICE_EXCLUDE:
      return VD_HISTORY_TRAINING_EXCLUDE;
    case TRAINING_CHOICE_ONLY:
      return VD_HISTORY_TRAINING_ONLY;
    case TRAINING_CHOICE_ALL:
    default:
      return VD_HISTORY_TRAINING_ANY;
    }
}

/* The filter the widgets and the access ask for, or NULL when one of them holds something
 * that cannot be searched (the widget says why). */
static VdHistoryFilter *
build_filter (VdHistoryWindow *self)
{
  g_autoptr(VdHistoryFilter) filter = vd_history_filter_new ();
  g_autofree char *search = g_strstrip (g_strdup (gtk_editable_get_text (
                                          GTK_EDITABLE (self->search_entry))));
  g_autofree char *operator_name = g_strstrip (g_strdup (gtk_editable_get_text (
                                                 GTK_EDITABLE (self->operator_row))));
  g_autofree char *desk = g_strstrip (g_strdup (gtk_editable_get_text (
                                        GTK_EDITABLE (self->desk_row))));
  g_autofree char *search_error = NULL;
  gboolean dates_ok;

  switch (classify_search (search, &search_error))
    {
    case SEARCH_NAME:
      filter->name = g_strdup (search);
      break;
    case SEARCH_ID_NUMBER:
      filter->id_number = vd_id_number_normalize (search);
      if (!self->key_ready && self->key_error != NULL)
        search_error = g_strdup (self->key_error);
      break;
    case SEARCH_BAD_ID_NUMBER:
    case SEARCH_NONE:
    default:
      break;
    }
  show_search_error (self, search_error);

  dates_ok = read_date_range (self, &filter->since, &filter->until);
  if (search_error != NULL || !dates_ok)
    return NULL;

  if (is_counter_view (self))
    {
      g_clear_pointer (&filter->since, g_date_time_unref);
      g_clear_pointer (&filter->until, g_date_time_unref);
      filter->since = start_of_today ();
      filter->desk = g_strdup (vd_desk_journal_get_desk_name (self->journal));
    }
  else if (*desk != '\0')
    {
      filter->desk = g_steal_pointer (&desk);
    }

  set_outcome_choice (filter, adw_combo_row_get_selected (self->outcome_row));
  if (*operator_name != '\0')
    filter->operator_name = g_steal_pointer (&operator_name);
  filter->training = training_for_choice (adw_combo_row_get_selected (self->training_row));
  return g_steal_pointer (&filter);
}

static gboolean
dates_equal (GDateTime *a,
             GDateTime *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_date_time_equal (a, b);
}

static gboolean
filters_equal (const VdHistoryFilter *a,
               const VdHistoryFilter *b)
{
  return dates_equal (a->since, b->since) && dates_equal (a->until, b->until) &&
         a->has_outcome == b->has_outcome && (!a->has_outcome || a->outcome == b->outcome) &&
         g_strcmp0 (a->operator_name, b->operator_name) == 0 &&
         g_strcmp0 (a->desk, b->desk) == 0 && a->training == b->training &&
         g_strcmp0 (a->name, b->name) == 0 && g_strcmp0 (a->id_number, b->id_number) == 0;
}

static void
apply_filter (VdHistoryWindow *self)
{
  g_autoptr(VdHistoryFilter) filter = NULL;

  g_clear_handle_id (&self->filter_source, g_source_remove);
  if (self->model == NULL)
    return;

  filter = build_filter (self);
  if (filter == NULL)
    return;
  /* An ID number waits for its key; the key's arrival applies the filter again. */
  if (filter->id_number != NULL && !self->key_ready)
    return;
  if (filters_equal (filter, vd_history_model_get_filter (self->model)))
    return;

  vd_history_model_set_filter (self->model, filter);
}

static gboolean
on_filter_delay_over (gpointer user_data)
{
  VdHistoryWindow *self = user_data;

  self->filter_source = 0;
  apply_filter (self);
  return G_SOURCE_REMOVE;
}

static void
apply_filter_soon (VdHistoryWindow *self)
{
  g_clear_handle_id (&self->filter_source, g_source_remove);
  self->filter_source = g_timeout_add (FILTER_DELAY_MS, on_filter_delay_over, self);
}

static void
on_day_selected (GtkCalendar *calendar,
                 AdwEntryRow *row)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (calendar);
  g_autofree char *text = g_date_time_format (date, "%Y-%m-%d");
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (calendar), GTK_TYPE_POPOVER);

  gtk_editable_set_text (GTK_EDITABLE (row), text);
  if (popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (popover));
}

/* --- the ID-number key --- */

static void
on_key_loaded (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VdHistoryWindow) self = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GError) error = NULL;

  key = vd_desk_journal_load_key_finish (result, NULL, &error);
  self = take_weak_self (user_data);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (key == NULL)
    {
      /* Translators: %s says why the key could not be read */
      self->key_error = g_strdup_printf (_("ID numbers cannot be searched now: %s"),
                                         error->message);
      apply_filter (self);
      return;
    }

  vd_desk_journal_set_key (self->journal, key);
  self->key_ready = TRUE;
  apply_filter (self);
}

/* --- the supervisor PIN --- */

static void
on_unlocked (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean unlocked = vd_supervisor_pin_unlock_finish (result, &error);
  g_autoptr(VdHistoryWindow) self = take_weak_self (user_data);

  if (self == NULL)
    return;
  if (unlocked)
    {
      set_access (self, VD_HISTORY_ACCESS_UNLOCKED);
      return;
    }
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (self, error->message);
}

static void
ask_for_pin (VdHistoryWindow *self)
{
  if (vd_supervisor_pin_get_dialog (GTK_WINDOW (self)) != NULL)
    return;
  vd_supervisor_pin_unlock_async (GTK_WINDOW (self), self->cancellable, on_unlocked,
                                  weak_self (self));
}

static void
on_mapped_ask_for_pin (VdHistoryWindow *self)
{
  g_signal_handlers_disconnect_by_func (self, on_mapped_ask_for_pin, NULL);
  if (self->access == VD_HISTORY_ACCESS_LOCKED)
    ask_for_pin (self);
}

static void
on_pin_checked (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean is_set = FALSE;
  gboolean ok = vd_supervisor_pin_is_set_finish (result, &is_set, &error);
  g_autoptr(VdHistoryWindow) self = take_weak_self (user_data);

  if (self == NULL || self->access == VD_HISTORY_ACCESS_UNLOCKED)
    return;

  if (!ok)
    {
      g_warning ("The supervisor PIN cannot be checked: %s", error->message);
      set_access (self, VD_HISTORY_ACCESS_NO_KEYRING);
      return;
    }
  if (!is_set)
    {
      set_access (self, VD_HISTORY_ACCESS_NO_PIN);
      return;
    }

  set_access (self, VD_HISTORY_ACCESS_LOCKED);
  /* The dialog needs its window on screen to sit over it. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    ask_for_pin (self);
  else
    g_signal_connect (self, "map", G_CALLBACK (on_mapped_ask_for_pin), NULL);
}

static void
on_pin_chosen (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean stored = vd_supervisor_pin_choose_finish (result, &error);
  g_autoptr(VdHistoryWindow) self = take_weak_self (user_data);

  if (self == NULL)
    return;
  if (!stored)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }

  /* Whoever set the PIN is the supervisor: the window opens up for them. */
  set_access (self, VD_HISTORY_ACCESS_UNLOCKED);
  toast (self, _("Supervisor PIN set"));
}

static void
on_pin_cleared (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean cleared = vd_supervisor_pin_clear_finish (result, &error);
  g_autoptr(VdHistoryWindow) self = take_weak_self (user_data);

  if (self == NULL)
    return;
  if (!cleared)
    {
      toast (self, error->message);
      return;
    }
  set_access (self, VD_HISTORY_ACCESS_NO_PIN);
  toast (self, _("Supervisor PIN removed: the history shows today’s records of this desk"));
}

/* --- export --- */

static void
on_export_progress (guint64  rows_written,
                    guint64  rows_total,
                    gpointer user_data)
{
  VdHistoryWindow *self = user_data;
  g_autofree char *written = NULL;
  g_autofree char *total = NULL;
  g_autofree char *text = NULL;

  if (self->cancellable == NULL)
    return;
  written = g_strdup_printf ("%" G_GUINT64_FORMAT, rows_written);
  total = g_strdup_printf ("%" G_GUINT64_FORMAT, rows_total);
  /* Translators: rows written so far, then rows to write */
  text = g_strdup_printf (_("Exporting %s of %s records…"), written, total);
  gtk_label_set_text (self->export_label, text);
  gtk_progress_bar_set_fraction (self->export_progress,
                                 rows_total > 0 ? (double) rows_written / rows_total : 0);
}

static void
on_exported (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdHistoryWindow *self = g_task_get_source_object (task);
  GFile *file = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  guint64 rows = 0;
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *message = NULL;

  if (!vd_history_export_finish (VD_HISTORY (source), result, &rows, &error))
    {
      if (self->cancellable != NULL)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            message = g_strdup (_("Export cancelled: no file was written"));
          else
            /* Translators: %s says why */
            message = g_strdup_printf (_("The export failed: %s"), error->message);
        }
    }
  else if (self->cancellable != NULL)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, rows);

      /* Translators: a number of records, then a file name */
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exported %s record to %s",
                                              "Exported %s records to %s",
                                              rows > G_MAXULONG ? G_MAXULONG : (gulong) rows),
                                 count, basename);
    }

  g_clear_object (&self->export_cancellable);
  if (self->cancellable != NULL)
    {
      gtk_revealer_set_reveal_child (self->export_revealer, FALSE);
      update_actions (self);
      toast (self, message);
    }

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_memdup2 (&rows, sizeof rows), g_free);
}

void
vd_history_window_export_async (VdHistoryWindow     *self,
                                GFile               *file,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VD_IS_HISTORY_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, vd_history_window_export_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);

  if (!may_export (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                               _("Export is locked: enter the supervisor PIN first."));
      return;
    }
  if (is_exporting (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               _("An export is already running: wait for it or cancel it."));
      return;
    }

  self->export_cancellable = g_cancellable_new ();
  gtk_label_set_text (self->export_label, _("Exporting…"));
  gtk_progress_bar_set_fraction (self->export_progress, 0);
  gtk_revealer_set_reveal_child (self->export_revealer, TRUE);
  update_actions (self);

  vd_history_export_async (self->history, vd_history_model_get_filter (self->model), file,
                           on_export_progress, g_object_ref (self), g_object_unref,
                           self->export_cancellable, on_exported, g_steal_pointer (&task));
}

gboolean
vd_history_window_export_finish (VdHistoryWindow  *self,
                                 GAsyncResult     *result,
                                 guint64          *rows,
                                 GError          **error)
{
  g_autofree guint64 *written = NULL;

  g_return_val_if_fail (VD_IS_HISTORY_WINDOW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  written = g_task_propagate_pointer (G_TASK (result), error);
  if (written == NULL)
    return FALSE;
  if (rows != NULL)
    *rows = *written;
  return TRUE;
}

gboolean
vd_history_window_get_exporting (VdHistoryWindow *self)
{
  g_return_val_if_fail (VD_IS_HISTORY_WINDOW (self), FALSE);

  return is_exporting (self);
}

static void
on_window_export_done (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  /* The window has told the user already (a toast); nothing more to do here. */
  vd_history_window_export_finish (VD_HISTORY_WINDOW (source), result, NULL, NULL);
}

static void
on_file_chosen (GtkNativeDialog *chooser,
                int              response,
                VdHistoryWindow *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->file_chooser);

  if (file != NULL)
    vd_history_window_export_async (self, file, on_window_export_done, NULL);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VdHistoryWindow *self = VD_HISTORY_WINDOW (widget);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  /* Translators: the suggested file name of an export; %s is today's date */
  g_autofree char *name = g_strdup_printf (_("verifydesk-history-%s.csv"), date);
  g_autoptr(GtkFileFilter) csv = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  if (self->file_chooser != NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Export History"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_file_filter_set_name (csv, _("CSV files"));
  gtk_file_filter_add_mime_type (csv, "text/csv");
  gtk_file_filter_add_pattern (csv, "*.csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), csv);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_file_chosen), self);
  self->file_chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->file_chooser);
}

/* --- actions --- */

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VdHistoryWindow *self = VD_HISTORY_WINDOW (widget);

  if (self->export_cancellable != NULL)
    g_cancellable_cancel (self->export_cancellable);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VdHistoryWindow *self = VD_HISTORY_WINDOW (widget);

  vd_history_model_reload (self->model);
}

/* A lasting state, so a bar that stays: what waits for the history server, and whether the
 * list covers only this desk because the server cannot be reached. */
static void
update_server_bar (VdHistoryWindow *self)
{
  guint n_waiting = vd_history_get_n_waiting (self->history);
  gboolean offline = vd_history_get_offline (self->history);
  g_autoptr(GString) text = g_string_new (NULL);

  if (offline)
    g_string_append (text, _("The history server cannot be reached: searches cover only the "
                             "records kept on this desk."));
  if (n_waiting > 0)
    {
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                 "%u record waiting to be sent to the server.",
                                                 "%u records waiting to be sent to the server.",
                                                 n_waiting),
                              n_waiting);
    }

  /* Out of the layout entirely while there is nothing to say, as on a desk without a server. */
  gtk_label_set_text (self->server_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->server_bar), text->len > 0);
  gtk_info_bar_set_revealed (self->server_bar, text->len > 0);
}

static void
clear_filters_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VdHistoryWindow *self = VD_HISTORY_WINDOW (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->since_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->until_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->operator_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->desk_row), "");
  adw_combo_row_set_selected (self->outcome_row, OUTCOME_CHOICE_ANY);
  adw_combo_row_set_selected (self->training_row, TRAINING_CHOICE_ALL);
  apply_filter (self);
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VdHistoryWindow *self = VD_HISTORY_WINDOW (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "list");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
show_list_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VdHistoryWindow *self = VD_HISTORY_WINDOW (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "list");
  update_actions (self);
}

static void
unlock_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ask_for_pin (VD_HISTORY_WINDOW (widget));
}

static void
lock_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  set_access (VD_HISTORY_WINDOW (widget), VD_HISTORY_ACCESS_LOCKED);
}

static void
set_pin_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VdHistoryWindow *self = VD_HISTORY_WINDOW (widget);

  if (vd_supervisor_pin_get_dialog (GTK_WINDOW (self)) != NULL)
    return;
  vd_supervisor_pin_choose_async (GTK_WINDOW (self), self->cancellable, on_pin_chosen,
                                  weak_self (self));
}

static void
clear_pin_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VdHistoryWindow *self = VD_HISTORY_WINDOW (widget);

  vd_supervisor_pin_clear_async (self->cancellable, on_pin_cleared, weak_self (self));
}

/* --- GObject --- */

static void
vd_history_window_dispose (GObject *object)
{
  VdHistoryWindow *self = VD_HISTORY_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->export_cancellable != NULL)
    g_cancellable_cancel (self->export_cancellable);
  g_clear_handle_id (&self->filter_source, g_source_remove);
  if (self->file_chooser != NULL)
    gtk_native_dialog_destroy (self->file_chooser);
  g_clear_object (&self->file_chooser);

  /* Pages still on their way may reach the model after the window is gone. */
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  unwatch_item (self);

  gtk_widget_dispose_template (GTK_WIDGET (object), VD_TYPE_HISTORY_WINDOW);

  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_object (&self->history);
  g_clear_object (&self->journal);
  /* Thousands of rows and records went with the window. */
  vd_memory_trim_when_idle ();

  G_OBJECT_CLASS (vd_history_window_parent_class)->dispose (object);
}

static void
vd_history_window_finalize (GObject *object)
{
  VdHistoryWindow *self = VD_HISTORY_WINDOW (object);

  g_clear_pointer (&self->key_error, g_free);

  G_OBJECT_CLASS (vd_history_window_parent_class)->finalize (object);
}

static void
vd_history_window_class_init (VdHistoryWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vd_history_window_dispose;
  object_class->finalize = vd_history_window_finalize;

  g_type_ensure (VD_TYPE_RESULT_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/verifydesk/VerifyDesk/"
                                               "vd-history-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, export_button);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, open_bar);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, open_label);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, scope_bar);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, scope_icon);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, scope_label);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, scope_button);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, filter_button);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, search_error);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, list_stack);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, scroller);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, column_view);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, export_revealer);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, export_label);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, export_progress);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, detail_meta);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, result_view);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, since_row);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, until_row);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, since_calendar);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, until_calendar);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, since_calendar_button);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, until_calendar_button);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, outcome_row);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, operator_row);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, desk_row);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, server_bar);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, server_label);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, training_row);
  gtk_widget_class_bind_template_child (widget_class, VdHistoryWindow, date_error);

  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.clear-filters", NULL,
                                   clear_filters_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.show-list", NULL, show_list_action);
  gtk_widget_class_install_action (widget_class, "win.unlock", NULL, unlock_action);
  gtk_widget_class_install_action (widget_class, "win.lock", NULL, lock_action);
  gtk_widget_class_install_action (widget_class, "win.set-pin", NULL, set_pin_action);
  gtk_widget_class_install_action (widget_class, "win.clear-pin", NULL, clear_pin_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK,
                                       "win.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "win.show-list", NULL);
}

static void
on_open_bar_response (GtkInfoBar *bar,
                      int         response)
{
  gtk_info_bar_set_revealed (bar, FALSE);
}

static void
vd_history_window_init (VdHistoryWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->access = VD_HISTORY_ACCESS_CHECKING;

  add_columns (self);
  g_signal_connect_swapped (self->column_view, "activate", G_CALLBACK (on_row_activated), self);
  g_signal_connect_swapped (self->leaflet, "notify::folded", G_CALLBACK (update_actions), self);
  g_signal_connect_swapped (self->leaflet, "notify::visible-child", G_CALLBACK (update_actions),
                            self);
  g_signal_connect (self->open_bar, "response", G_CALLBACK (on_open_bar_response), NULL);

  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (apply_filter),
                            self);
  g_signal_connect_swapped (self->since_row, "changed", G_CALLBACK (apply_filter_soon), self);
  g_signal_connect_swapped (self->until_row, "changed", G_CALLBACK (apply_filter_soon), self);
  g_signal_connect_swapped (self->operator_row, "changed", G_CALLBACK (apply_filter_soon), self);
  g_signal_connect_swapped (self->desk_row, "changed", G_CALLBACK (apply_filter_soon), self);
  g_signal_connect_swapped (self->outcome_row, "notify::selected", G_CALLBACK (apply_filter),
                            self);
  g_signal_connect_swapped (self->training_row, "notify::selected", G_CALLBACK (apply_filter),
                            self);
  g_signal_connect (self->since_calendar, "day-selected", G_CALLBACK (on_day_selected),
                    self->since_row);
  g_signal_connect (self->until_calendar, "day-selected", G_CALLBACK (on_day_selected),
                    self->until_row);
}

/* The bar for what opening the history had to do. */
static void
show_open_message (VdHistoryWindow *self)
{
  const char *message = vd_history_get_open_message (self->history);

  if (message == NULL)
    return;
  gtk_label_set_text (self->open_label, message);
  gtk_info_bar_set_revealed (self->open_bar, TRUE);
}

static void
start (VdHistoryWindow *self)
{
  g_autoptr(VdHistoryFilter) filter = NULL;
  g_autofree char *folder = g_path_get_dirname (vd_history_get_path (self->history));

  update_scope_bar (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->since_row), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->until_row), FALSE);
  show_open_message (self);

  /* The counter view from the first count: nothing beyond it shows before the PIN. */
  filter = build_filter (self);
  self->model = vd_history_model_new (self->history, filter, 0, 0);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (on_selected_item_changed), self);
  g_signal_connect_swapped (self->model, "notify::counted", G_CALLBACK (update_list_state),
                            self);
  g_signal_connect_swapped (self->model, "items-changed", G_CALLBACK (update_list_state), self);
  update_list_state (self);

  vd_desk_journal_load_key_async (folder, self->cancellable, on_key_loaded, weak_self (self));
  vd_supervisor_pin_is_set_async (self->cancellable, on_pin_checked, weak_self (self));
}

GtkWidget *
vd_history_window_new (GtkApplication *application,
                       VdDeskJournal  *journal)
{
  VdHistoryWindow *self;

  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (VD_IS_DESK_JOURNAL (journal), NULL);

  self = g_object_new (VD_TYPE_HISTORY_WINDOW, "application", application, NULL);
  self->journal = g_object_ref (journal);
  self->history = g_object_ref (vd_desk_journal_get_history (journal));
  g_signal_connect_object (self->history, "notify::n-waiting", G_CALLBACK (update_server_bar),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->history, "notify::offline", G_CALLBACK (update_server_bar),
                           self, G_CONNECT_SWAPPED);
  update_server_bar (self);
  start (self);
  return GTK_WIDGET (self);
}

VdHistoryModel *
vd_history_window_get_model (VdHistoryWindow *self)
{
  g_return_val_if_fail (VD_IS_HISTORY_WINDOW (self), NULL);

  return self->model;
}

GtkColumnView *
vd_history_window_get_column_view (VdHistoryWindow *self)
{
  g_return_val_if_fail (VD_IS_HISTORY_WINDOW (self), NULL);

  return self->column_view;
}

VdResultView *
vd_history_window_get_result_view (VdHistoryWindow *self)
{
  g_return_val_if_fail (VD_IS_HISTORY_WINDOW (self), NULL);

  return self->result_view;
}

const VdHistoryRecord *
vd_history_window_get_selected_record (VdHistoryWindow *self)
{
  VdHistoryItem *item;

  g_return_val_if_fail (VD_IS_HISTORY_WINDOW (self), NULL);

  item = gtk_single_selection_get_selected_item (self->selection);
  return item != NULL ? vd_history_item_get_record (item) : NULL;
}

VdHistoryAccess
vd_history_window_get_access (VdHistoryWindow *self)
{
  g_return_val_if_fail (VD_IS_HISTORY_WINDOW (self), VD_HISTORY_ACCESS_CHECKING);

  return self->access;
}

void
vd_history_window_set_unlocked (VdHistoryWindow *self)
{
  g_return_if_fail (VD_IS_HISTORY_WINDOW (self));

  set_access (self, VD_HISTORY_ACCESS_UNLOCKED);
}

gboolean
vd_history_window_get_key_ready (VdHistoryWindow *self)
{
  g_return_val_if_fail (VD_IS_HISTORY_WINDOW (self), FALSE);

  return self->key_ready;
}
