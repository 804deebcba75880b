/* The AppStream screenshots, taken of the real app in a 1000×700 window in training mode: a
 * passed verification with the score meters, then with the card's text scrolled into view, a
 * blurred card photo to fix and resubmit, and the history window over the verifications just
 * made. Each is written as screenshots/appstream-NAME.png in the build folder;
 * build-aux/update-screenshots.sh runs this test and copies them into data/screenshots/, where
 * the metainfo points.
 *
 * The app runs as it would at a counter: its own history in a temporary VERIFYDESK_DATA_DIR
 * and a real, empty gnome-keyring on a private bus (vd-keyring-test-util.c), so the training
 * bar says what it says to a new operator. */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "vd-application.h"
#include "vd-form.h"
#include "vd-history-window.h"
#include "vd-keyring-test-util.h"
#include "vd-result-view.h"
#include "vd-test-util.h"
#include "vd-ui-test-util.h"
#include "vd-window.h"

#define WIDTH      1000
#define HEIGHT     700
#define WAIT_MS    20000

static VdApplication *application;
/* Verifications made by this program: each is one record in today's history of this desk. */
static guint n_verified;

typedef struct {
  GtkWidget    *window;
  VdForm       *form;
  VdResultView *result_view;
  GtkWidget    *cancel_button;
} Counter;

/* --- waiting --- */

static gboolean
keyring_answered (gpointer data)
{
  const char *reason = vd_application_get_training_reason (application);

  return reason != NULL
         && g_strcmp0 (reason, g_dgettext (GETTEXT_PACKAGE,
                                           "Looking for an AccessKey in the keyring…")) != 0;
}

static gboolean
verification_arrived (gpointer data)
{
  Counter *counter = data;

  return vd_result_view_get_verification (counter->result_view) != NULL
         && !gtk_widget_get_visible (counter->cancel_button);
}

/* The toast overlay has no toast left: its only child is the window's content. */
static gboolean
no_toast (gpointer data)
{
  GtkWidget *overlay = data;

  return gtk_widget_get_first_child (overlay) == gtk_widget_get_last_child (overlay);
}

/* Lets animations settle and one more frame be drawn, then writes @window as
 * screenshots/appstream-@name.png, and checks it has the size the metainfo declares. */
static void
screenshot (GtkWidget  *window,
            const char *name)
{
  g_autofree char *file_name = g_strconcat ("appstream-", name, NULL);
  g_autofree char *path = vd_ui_test_screenshot_drawn (window, file_name);
  g_autoptr(GdkTexture) written = NULL;
  g_autoptr(GError) error = NULL;

  g_test_message ("screenshot: %s", path);
  written = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  /* The window's frame takes its share of the default size. */
  g_assert_cmpint (gdk_texture_get_width (written), ==, gtk_widget_get_width (window));
  g_assert_cmpint (gdk_texture_get_height (written), ==, gtk_widget_get_height (window));
  g_assert_cmpint (gdk_texture_get_width (written), <=, WIDTH);
  g_assert_cmpint (gdk_texture_get_height (written), <=, HEIGHT);
  g_assert_cmpint (gdk_texture_get_width (written), >=, WIDTH - 20);
  g_assert_cmpint (gdk_texture_get_height (written), >=, HEIGHT - 20);
}

/* --- the counter window --- */

static GtkWidget *
window_child (GtkWidget  *window,
              const char *name)
{
  GObject *child = gtk_widget_get_template_child (window, VD_TYPE_WINDOW, name);

  if (child == NULL)
    g_error ("the window has no template child %s", name);
  return GTK_WIDGET (child);
}

static void
counter_open (Counter *counter)
{
  counter->window = vd_window_new (GTK_APPLICATION (application),
                                   vd_application_get_desk (application));
  counter->form = VD_FORM (window_child (counter->window, "form"));
  counter->result_view = VD_RESULT_VIEW (window_child (counter->window, "result_view"));
  counter->cancel_button = window_child (counter->window, "cancel_button");

  /* The photo previews would fetch the sample addresses from the internet: tests talk only to
   * 127.0.0.1. */
  vd_form_set_session (counter->form, NULL);

  gtk_window_set_default_size (GTK_WINDOW (counter->window), WIDTH, HEIGHT);
  gtk_window_present (GTK_WINDOW (counter->window));
  vd_ui_test_wait_drawn (counter->window, 5000);
}

static void
counter_close (Counter *counter)
{
  gtk_window_destroy (GTK_WINDOW (counter->window));
  vd_ui_test_spin (50);
}

/* Fills the form with the sample customer @name, as the training bar's menu does, verifies,
 * and returns the verification shown. */
static VdVerification *
verify_sample (Counter    *counter,
               const char *name)
{
  gtk_widget_activate_action (counter->window, "win.fill-sample", "u",
                              vd_ui_test_sample_index (name));
  g_assert_true (vd_form_get_valid (counter->form));
  gtk_widget_activate_action (counter->window, "win.submit", NULL);
  vd_ui_test_wait_until (verification_arrived, counter, WAIT_MS);
  n_verified++;
  /* The toast with the verdict goes after its timeout, as it would before anyone looks. */
  vd_ui_test_wait_until (no_toast, window_child (counter->window, "toast_overlay"), WAIT_MS);
  return vd_result_view_get_verification (counter->result_view);
}

/* Scrolls the result so that the card's text is in view, as an operator does to compare it. */
static void
scroll_to_ocr_card (Counter *counter)
{
  GtkWidget *card = GTK_WIDGET (vd_result_view_get_ocr_card (counter->result_view));
  GtkWidget *scroller = gtk_widget_get_ancestor (card, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;
  graphene_rect_t bounds;

  g_assert_nonnull (scroller);
  g_assert_true (gtk_widget_compute_bounds (card, gtk_widget_get_first_child (scroller), &bounds));
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  gtk_adjustment_set_value (adjustment, bounds.origin.y + bounds.size.height + 24
                                        - gtk_adjustment_get_page_size (adjustment));
}

static void
test_passed (void)
{
  Counter counter;
  VdVerification *verification;

  counter_open (&counter);
  verification = verify_sample (&counter, "李娜");

  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_PASSED);
  g_assert_true (verification->training);
  /* What the caption promises: the score and the card's text. */
  g_assert_true (verification->result->has_score);
  g_assert_nonnull (verification->result->id_card);
  g_assert_true (vd_result_view_get_shows_scores (counter.result_view));
  g_assert_true (vd_result_view_get_shows_ocr (counter.result_view));
  screenshot (counter.window, "passed");

  scroll_to_ocr_card (&counter);
  screenshot (counter.window, "card");
  counter_close (&counter);
}

static void
test_fix_and_resubmit (void)
{
  Counter counter;
  VdVerification *verification;

  counter_open (&counter);
  verification = verify_sample (&counter, "陈晓梅");

  g_assert_cmpint (verification->verdict->severity, ==, VD_SEVERITY_FIX_AND_RESUBMIT);
  g_assert_cmpint (verification->result->verify_status, ==, 3);
  screenshot (counter.window, "fix-and-resubmit");
  counter_close (&counter);
}

/* --- the history window --- */

typedef struct {
  VdHistoryWindow *window;
  guint            n_items;
} CountWait;

static gboolean
history_shows (gpointer data)
{
  CountWait *wait = data;
  VdHistoryModel *model = vd_history_window_get_model (wait->window);

  return vd_history_window_get_access (wait->window) == VD_HISTORY_ACCESS_NO_PIN
         && vd_history_model_get_counted (model)
         && g_list_model_get_n_items (G_LIST_MODEL (model)) == wait->n_items;
}

static void
test_history (void)
{
  /* With the verifications before, a day at the counter: every outcome once or more. */
  const char *more[] = { "王建国", "刘伟", "赵秀英", "李娜" };
  Counter counter;
  GtkWidget *window;
  GtkSelectionModel *selection;
  CountWait wait;

  counter_open (&counter);
  for (guint i = 0; i < G_N_ELEMENTS (more); i++)
    verify_sample (&counter, more[i]);
  counter_close (&counter);

  window = vd_history_window_new (GTK_APPLICATION (application),
                                  vd_desk_get_journal (vd_application_get_desk (application)));
  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, HEIGHT);
  gtk_window_present (GTK_WINDOW (window));
  vd_ui_test_wait_drawn (window, 5000);

  /* No PIN is set: the counter view, today's records of this desk, every one made here. */
  wait = (CountWait) { VD_HISTORY_WINDOW (window), n_verified };
  vd_ui_test_wait_until (history_shows, &wait, WAIT_MS);

  /* The newest record in the detail pane. */
  selection = gtk_column_view_get_model (vd_history_window_get_column_view (wait.window));
  gtk_selection_model_select_item (selection, 0, TRUE);
  g_assert_nonnull (vd_history_window_get_selected_record (wait.window));
  g_assert_cmpstr (vd_history_window_get_selected_record (wait.window)->name, ==, "李娜");
  g_assert_cmpstr (vd_history_window_get_selected_record (wait.window)->desk, ==, "Counter 3");

  screenshot (window, "history");
  gtk_window_destroy (GTK_WINDOW (window));
  vd_ui_test_spin (50);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autoptr(GSettings) settings = NULL;
  VdTestKeyring *keyring;
  int status;

  /* Before GTK opens the session bus: the app must find this keyring, not the session's. */
  keyring = vd_test_keyring_start ();
  vd_ui_test_init (&argc, &argv);
  data_dir = g_dir_make_tmp ("vd-test-screenshots-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("VERIFYDESK_DATA_DIR", data_dir, TRUE);

  /* A counter with its names set, as Preferences would have them. */
  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "operator-name", "王芳");
  g_settings_set_string (settings, "desk-name", "Counter 3");

  /* The default look of a software centre's screenshots. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_LIGHT);

  application = vd_application_new ();
  /* A running VerifyDesk on the same bus must not take the tests' windows. */
  g_application_set_flags (G_APPLICATION (application), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (application), NULL, &error));
  g_assert_no_error (error);
  /* The empty keyring answered: the bar says how to add an AccessKey. */
  vd_ui_test_wait_until (keyring_answered, NULL, WAIT_MS);
  g_assert_true (vd_desk_get_training (vd_application_get_desk (application)));

  g_test_add_func ("/screenshots/passed", test_passed);
  g_test_add_func ("/screenshots/fix-and-resubmit", test_fix_and_resubmit);
  g_test_add_func ("/screenshots/history", test_history);

  status = g_test_run ();

  g_clear_object (&application);
  vd_ui_test_spin (100);
  vd_test_keyring_stop (keyring);
  remove_tree (data_dir);
  return status;
}
