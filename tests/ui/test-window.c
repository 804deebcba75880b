/* The counter window driven in-process: the form and its validation, submitting by action and
 * by keyboard, every kind of outcome against the training simulator, cancel, resubmit, the next
 * customer, the narrow layout and the training bar. Every test writes a screenshot. */

#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <string.h>

#include "vd-application.h"
#include "vd-form.h"
#include "vd-history-window.h"
#include "vd-image-row.h"
#include "vd-result-view.h"
#include "vd-test-util.h"
#include "vd-ui-test-util.h"
#include "vd-preferences-window.h"
#include "vd-window.h"

#define RESULT_TIMEOUT_MS 20000

static VdApplication *application;

typedef struct {
  GtkWidget    *window;
  VdForm       *form;
  VdResultView *result_view;
  GtkWidget    *verify_button;
  GtkWidget    *cancel_button;
} Fixture;

static GtkWidget *
window_child (GtkWidget  *window,
              const char *name)
{
  GObject *child = gtk_widget_get_template_child (window, VD_TYPE_WINDOW, name);

  if (child == NULL)
    g_error ("the window has no template child %s", name);
  return GTK_WIDGET (child);
}

static GtkWidget *
form_child (VdForm     *form,
            const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (form), VD_TYPE_FORM, name);

  if (child == NULL)
    g_error ("the form has no template child %s", name);
  return GTK_WIDGET (child);
}

static void
fixture_open_with_desk (Fixture *fixture,
                        VdDesk  *desk,
                        int      width,
                        int      height)
{
  fixture->window = vd_window_new (GTK_APPLICATION (application), desk);
  fixture->form = VD_FORM (window_child (fixture->window, "form"));
  fixture->result_view = VD_RESULT_VIEW (window_child (fixture->window, "result_view"));
  fixture->verify_button = window_child (fixture->window, "verify_button");
  fixture->cancel_button = window_child (fixture->window, "cancel_button");

  /* The photo previews would fetch the sample addresses from the internet: tests talk only to
   * 127.0.0.1 (the preview test gives a session back, with a local server). */
  vd_form_set_session (fixture->form, NULL);

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), width, height);
  gtk_window_present (GTK_WINDOW (fixture->window));
  vd_ui_test_wait_drawn (fixture->window, 5000);
  vd_ui_test_spin (50);
}

static void
fixture_open (Fixture *fixture)
{
  fixture_open_with_desk (fixture, vd_application_get_desk (application), 1100, 760);
}

/* Lets the window draw what it now shows, then writes it as window-@what-LANGUAGE.png. */
static void
screenshot (GtkWidget  *window,
            const char *what)
{
  g_autofree char *name = g_strdup_printf ("window-%s-%s", what,
                                           g_getenv ("LANGUAGE") ? g_getenv ("LANGUAGE") : "C");
  g_autofree char *path = vd_ui_test_screenshot_drawn (window, name);

  g_test_message ("screenshot: %s", path);
}

static void
fixture_close (Fixture    *fixture,
               const char *what)
{
  screenshot (fixture->window, what);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  vd_ui_test_spin (50);
}

static GtkEditable *
row (Fixture    *fixture,
     const char *field)
{
  g_autofree char *name = g_strconcat (field, "_row", NULL);

  return GTK_EDITABLE (form_child (fixture->form, name));
}

static void
set_field (Fixture    *fixture,
           const char *field,
           const char *text)
{
  gtk_editable_set_text (row (fixture, field), text);
}

static void
fill (Fixture    *fixture,
      const char *name,
      const char *id_number,
      const char *face_url)
{
  set_field (fixture, "name", name);
  set_field (fixture, "id_number", id_number);
  set_field (fixture, "face", face_url);
}

/* The first label in the list row @n rows below @row (the rows under a field: its message, then
 * what its photo preview found). */
static GtkLabel *
label_under (GtkWidget *row,
             int        n)
{
  GtkListBox *list = GTK_LIST_BOX (gtk_widget_get_parent (row));
  int index = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row)) + n;
  GtkWidget *widget = GTK_WIDGET (gtk_list_box_get_row_at_index (list, index));

  while (widget != NULL && !GTK_IS_LABEL (widget))
    widget = gtk_widget_get_first_child (widget) != NULL ? gtk_widget_get_first_child (widget)
                                                        : gtk_widget_get_next_sibling (widget);
  g_assert_nonnull (widget);
  return GTK_LABEL (widget);
}

/* The message under @field's row, or NULL when none is shown. */
static const char *
note (Fixture    *fixture,
      const char *field)
{
  return vd_form_get_message (fixture->form, field, FALSE);
}

static void
assert_field_invalid (Fixture    *fixture,
                      const char *field,
                      const char *message_part)
{
  GtkWidget *widget = GTK_WIDGET (row (fixture, field));
  const char *message = note (fixture, field);

  g_assert_nonnull (message);
  if (strstr (message, message_part) == NULL)
    g_error ("the message under %s is “%s”, expected it to contain “%s”",
             field, message, message_part);
  /* Right under its row, and read with it by a screen reader. */
  g_assert_cmpstr (gtk_label_get_text (label_under (widget, 1)), ==, message);
  gtk_test_accessible_assert_relation (GTK_ACCESSIBLE (widget),
                                       GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                       label_under (widget, 1), NULL);
  g_assert_true (gtk_widget_has_css_class (widget, "error"));
  gtk_test_accessible_assert_state (widget, GTK_ACCESSIBLE_STATE_INVALID,
                                    GTK_ACCESSIBLE_INVALID_TRUE);
  g_assert_false (gtk_widget_get_sensitive (fixture->verify_button));
}

static void
assert_field_quiet (Fixture    *fixture,
                    const char *field)
{
  GtkWidget *widget = GTK_WIDGET (row (fixture, field));

  g_assert_null (note (fixture, field));
  g_assert_false (gtk_widget_has_css_class (widget, "error"));
  gtk_test_accessible_assert_state (widget, GTK_ACCESSIBLE_STATE_INVALID,
                                    GTK_ACCESSIBLE_INVALID_FALSE);
}

static gboolean
verification_arrived (gpointer data)
{
  Fixture *fixture = data;

  return vd_result_view_get_verification (fixture->result_view) != NULL
         && !gtk_widget_get_visible (fixture->cancel_button);
}

static VdVerification *
wait_for_verification (Fixture *fixture)
{
  vd_ui_test_wait_until (verification_arrived, fixture, RESULT_TIMEOUT_MS);
  return vd_result_view_get_verification (fixture->result_view);
}

static gboolean
in_flight (gpointer data)
{
  Fixture *fixture = data;

  return gtk_widget_get_visible (fixture->cancel_button);
}

static void
collect_triggers (GtkShortcutTrigger *trigger,
                  GPtrArray          *triggers)
{
  if (GTK_IS_ALTERNATIVE_TRIGGER (trigger))
    {
      collect_triggers (gtk_alternative_trigger_get_first (GTK_ALTERNATIVE_TRIGGER (trigger)),
                        triggers);
      collect_triggers (gtk_alternative_trigger_get_second (GTK_ALTERNATIVE_TRIGGER (trigger)),
                        triggers);
      return;
    }

  g_ptr_array_add (triggers, trigger);
}

/* Activates the window's shortcut for @accelerator as a key press would: through the shortcut
 * controllers the window really has (the application's accelerators among them). FALSE when
 * the shortcut's action is disabled (the key would go on to the focused widget). */
static gboolean
press_shortcut (GtkWidget  *window,
                const char *accelerator)
{
  g_autoptr(GtkShortcutTrigger) wanted = gtk_shortcut_trigger_parse_string (accelerator);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (window);

  g_assert_nonnull (wanted);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autoptr(GPtrArray) triggers = g_ptr_array_new ();

          collect_triggers (gtk_shortcut_get_trigger (shortcut), triggers);
          for (guint k = 0; k < triggers->len; k++)
            {
              if (gtk_shortcut_trigger_equal (triggers->pdata[k], wanted))
                {
                  return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                                       window,
                                                       gtk_shortcut_get_arguments (shortcut));
                }
            }
        }
    }

  g_error ("the window has no shortcut %s", accelerator);
  return FALSE;
}

static void
fill_sample (Fixture    *fixture,
             const char *name)
{
  gtk_widget_activate_action (fixture->window, "win.fill-sample", "u",
                              vd_ui_test_sample_index (name));
  g_assert_true (vd_form_get_valid (fixture->form));
}

/* --- the form --- */

static void
test_training_bar (void)
{
  Fixture fixture;
  GtkInfoBar *bar;
  GtkWidget *samples_list;
  GMenuModel *section;
  GtkWidget *first_row;
  guint n_customers;
  guint n_rows = 0;

  fixture_open (&fixture);
  vd_sample_customers (&n_customers);

  bar = GTK_INFO_BAR (window_child (fixture.window, "training_bar"));
  g_assert_true (gtk_info_bar_get_revealed (bar));
  g_assert_true (gtk_widget_get_mapped (window_child (fixture.window, "training_label")));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (window_child (fixture.window, "training_label"))),
                   ==, "Training mode: results are simulated");

  /* The primary menu's "Sample Customers" submenu lists every customer. */
  section = G_MENU_MODEL (gtk_widget_get_template_child (fixture.window, VD_TYPE_WINDOW,
                                                         "samples_section"));
  g_assert_cmpint (g_menu_model_get_n_items (section), ==, 1);
  g_assert_cmpint (g_menu_model_get_n_items (g_menu_model_get_item_link (section, 0, "submenu")),
                   ==, n_customers);

  /* Ctrl+T opens the bar's list: name, outcome and description of each customer. */
  g_assert_true (press_shortcut (fixture.window, "<Control>t"));
  vd_ui_test_spin (300);
  g_assert_true (gtk_widget_get_visible (window_child (fixture.window, "samples_popover")));
  samples_list = window_child (fixture.window, "samples_list");
  for (GtkWidget *child = gtk_widget_get_first_child (samples_list);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n_rows++;
  g_assert_cmpuint (n_rows, ==, n_customers);
  first_row = gtk_widget_get_first_child (samples_list);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (first_row)), ==, "李娜");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (first_row)), ==,
                   "Passed\nPasses: the face, the card and the details all match");
  /* Opening the list is not leaving Name: no "required" yet. */
  assert_field_quiet (&fixture, "name");
  screenshot (samples_list, "samples-popover");

  /* Choosing a customer fills the form and closes the list. */
  gtk_widget_activate (gtk_widget_get_next_sibling (first_row));
  vd_ui_test_spin (300);
  g_assert_cmpstr (gtk_editable_get_text (row (&fixture, "name")), ==, "王建国");
  g_assert_cmpstr (gtk_editable_get_text (row (&fixture, "front")), ==,
                   "https://example.com/samples/320102196507081533/card-front.jpg");
  g_assert_false (gtk_widget_get_visible (window_child (fixture.window, "samples_popover")));
  fixture_close (&fixture, "training-bar");
}

static void
test_submit_disabled_until_valid (void)
{
  Fixture fixture;

  fixture_open (&fixture);

  g_assert_false (gtk_widget_get_sensitive (fixture.verify_button));
  set_field (&fixture, "name", "张三");
  g_assert_false (gtk_widget_get_sensitive (fixture.verify_button));
  set_field (&fixture, "id_number", "11010519491231002X");
  g_assert_false (gtk_widget_get_sensitive (fixture.verify_button));
  set_field (&fixture, "face", "https://example.com/face.jpg");
  g_assert_true (gtk_widget_get_sensitive (fixture.verify_button));
  g_assert_true (vd_form_get_valid (fixture.form));

  /* An optional field that is wrong blocks too. */
  set_field (&fixture, "back", "C:\\photos\\back.jpg");
  g_assert_false (gtk_widget_get_sensitive (fixture.verify_button));
  set_field (&fixture, "back", "");
  g_assert_true (gtk_widget_get_sensitive (fixture.verify_button));

  /* Fields never visited are not nagged about; nothing is shown for an empty form. */
  set_field (&fixture, "name", "");
  assert_field_quiet (&fixture, "name");
  fixture_close (&fixture, "submit-disabled");
}

static void
test_required_after_submit_attempt (void)
{
  Fixture fixture;

  fixture_open (&fixture);

  assert_field_quiet (&fixture, "name");
  assert_field_quiet (&fixture, "id_number");
  assert_field_quiet (&fixture, "face");

  /* Ctrl+Enter on an empty form is an attempt: every problem shows, nothing is sent. */
  g_assert_true (press_shortcut (fixture.window, "<Control>Return"));
  assert_field_invalid (&fixture, "name", "Name is empty");
  assert_field_invalid (&fixture, "id_number", "The ID number is empty");
  assert_field_invalid (&fixture, "face", "Face photo URL is empty");
  assert_field_quiet (&fixture, "front");
  g_assert_false (gtk_widget_get_visible (fixture.cancel_button));
  g_assert_null (vd_result_view_get_verification (fixture.result_view));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fixture.window)),
                                         GTK_WIDGET (row (&fixture, "name"))));
  fixture_close (&fixture, "required");
}

static void
test_id_number_length (void)
{
  Fixture fixture;

  fixture_open (&fixture);

  /* Still being typed: no message until the field is left. */
  set_field (&fixture, "id_number", "1101051949");
  assert_field_quiet (&fixture, "id_number");
  vd_form_reveal_problems (fixture.form);
  assert_field_invalid (&fixture, "id_number",
                        "The ID number has 10 characters, but it needs 18");

  /* Too long shows at once. */
  set_field (&fixture, "id_number", "11010519491231002X1");
  assert_field_invalid (&fixture, "id_number", "has 19 characters, but it needs 18");
  fixture_close (&fixture, "id-length");
}

static gboolean
id_number_note_shown (gpointer data)
{
  return note (data, "id_number") != NULL;
}

static void
test_id_number_length_after_leaving (void)
{
  Fixture fixture;

  fixture_open (&fixture);

  gtk_widget_grab_focus (GTK_WIDGET (row (&fixture, "id_number")));
  set_field (&fixture, "id_number", "11010519");
  assert_field_quiet (&fixture, "id_number");
  /* Tab to the next field. */
  gtk_widget_grab_focus (GTK_WIDGET (row (&fixture, "face")));
  vd_ui_test_wait_until (id_number_note_shown, &fixture, 5000);
  assert_field_invalid (&fixture, "id_number", "has 8 characters, but it needs 18");
  fixture_close (&fixture, "id-length-left");
}

static void
test_id_number_character (void)
{
  Fixture fixture;

  fixture_open (&fixture);

  /* A wrong character shows while the number is still short. */
  set_field (&fixture, "id_number", "1101A5");
  assert_field_invalid (&fixture, "id_number", "has “A” at position 5");
  set_field (&fixture, "id_number", "11010519491231002A");
  assert_field_invalid (&fixture, "id_number", "has “A” at position 18");
  set_field (&fixture, "id_number", "1101051949X231002X");
  assert_field_invalid (&fixture, "id_number", "X at position 11");
  fixture_close (&fixture, "id-character");
}

static void
test_id_number_date (void)
{
  Fixture fixture;

  fixture_open (&fixture);

  set_field (&fixture, "id_number", "110105194913310021");
  assert_field_invalid (&fixture, "id_number", "is not a real date");
  fixture_close (&fixture, "id-date");
}

static void
test_id_number_future_date (void)
{
  Fixture fixture;

  fixture_open (&fixture);

  set_field (&fixture, "id_number", "110105209901010011");
  assert_field_invalid (&fixture, "id_number", "is after today");
  fixture_close (&fixture, "id-future-date");
}

static void
test_id_number_check_character (void)
{
  Fixture fixture;

  fixture_open (&fixture);

  set_field (&fixture, "id_number", "110105194912310021");
  assert_field_invalid (&fixture, "id_number", "should end in X, not 1");
  fixture_close (&fixture, "id-check-character");
}

static void
test_id_number_spaces_and_lower_case_x (void)
{
  Fixture fixture;
  GtkWidget *check;

  fixture_open (&fixture);

  set_field (&fixture, "id_number", " 110105 19491231 002x ");
  check = form_child (fixture.form, "id_number_check");
  g_assert_true (gtk_widget_get_visible (check));
  g_assert_cmpstr (note (&fixture, "id_number"), ==,
                   "Valid ID number · female · born 1949-12-31 · 北京市");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (row (&fixture, "id_number")), "error"));
  gtk_test_accessible_assert_state (GTK_WIDGET (row (&fixture, "id_number")),
                                    GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_FALSE);
  fixture_close (&fixture, "id-valid");
}

static void
test_local_path_url (void)
{
  Fixture fixture;

  fixture_open (&fixture);

  fill (&fixture, "张三", "11010519491231002X", "/home/operator/face.jpg");
  assert_field_invalid (&fixture, "face",
                        "upload the photo first: the service fetches images from the internet");
  set_field (&fixture, "face", "file:///home/operator/face.jpg");
  assert_field_invalid (&fixture, "face", "upload the photo first");
  set_field (&fixture, "front", "ftp://example.com/front.jpg");
  assert_field_invalid (&fixture, "front", "only from http:// or https://");

  /* The start of an address is not an error while it is being typed. */
  set_field (&fixture, "face", "https:/");
  assert_field_quiet (&fixture, "face");
  fixture_close (&fixture, "url-local-path");
}

static void
test_biz_type_rules (void)
{
  Fixture fixture;

  fixture_open (&fixture);

  /* BizType starts as the settings' default. */
  g_assert_cmpstr (gtk_editable_get_text (row (&fixture, "biz_type")), ==, "RPMinTest");
  set_field (&fixture, "biz_type", "RP Min");
  assert_field_invalid (&fixture, "biz_type", "not “ ”");

  /* The BizId is shown read-only: no rule can be broken by typing. */
  g_assert_false (GTK_IS_EDITABLE (form_child (fixture.form, "biz_id_row")));
  fixture_close (&fixture, "biz-type");
}

typedef struct {
  char     *text;
  gboolean  done;
} ClipboardRead;

static void
on_clipboard_read (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ClipboardRead *read = user_data;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  read->done = TRUE;
}

static gboolean
clipboard_is_set (gpointer data)
{
  return gdk_clipboard_get_content (GDK_CLIPBOARD (data)) != NULL;
}

static void
test_biz_id_copy (void)
{
  Fixture fixture;
  ClipboardRead read = { NULL, FALSE };
  GtkAdjustment *adjustment;
  GtkWidget *biz_id_row;
  GtkWidget *biz_id_label;

  fixture_open (&fixture);

  /* The row shows the task's BizId and is named by its title for a screen reader. */
  biz_id_row = form_child (fixture.form, "biz_id_row");
  biz_id_label = form_child (fixture.form, "biz_id_label");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (biz_id_label)), ==,
                   vd_form_get_biz_id (fixture.form));
  g_assert_true (gtk_widget_is_ancestor (biz_id_label, biz_id_row));
  g_assert_true (gtk_widget_get_mapped (biz_id_label));
  g_assert_true (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (biz_id_row),
                                                   GTK_ACCESSIBLE_RELATION_LABELLED_BY));
  g_assert_true (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (biz_id_row),
                                                   GTK_ACCESSIBLE_RELATION_DESCRIBED_BY));

  /* A button activated this way clicks after a short delay (headless-testing.md). */
  gtk_widget_activate (form_child (fixture.form, "copy_biz_id_button"));
  vd_ui_test_wait_until (clipboard_is_set, gtk_widget_get_clipboard (fixture.window), 5000);
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (fixture.window), NULL,
                                 on_clipboard_read, &read);
  vd_test_wait_for_flag (&read.done, 5000);
  g_assert_cmpstr (read.text, ==, vd_form_get_biz_id (fixture.form));
  g_free (read.text);

  /* The end of the form, for the screenshot. */
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (form_child (fixture.form,
                                                                                   "scroller")));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  fixture_close (&fixture, "biz-id");
}

/* --- submitting --- */

static void
test_pass_by_action (void)
{
  Fixture fixture;
  VdVerification *verification;

  fixture_open (&fixture);

  fill_sample (&fixture, "李娜");
  gtk_widget_activate_action (fixture.window, "win.submit", NULL);
  verification = wait_for_verification (&fixture);

  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_PASSED);
  g_assert_true (verification->training);
  g_assert_cmpint (verification->result->verify_status, ==, 1);
  g_assert_cmpstr (verification->request->biz_id, ==, vd_form_get_biz_id (fixture.form));
  /* The cards were sent: OCR comes back. */
  g_assert_nonnull (verification->result->id_card);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (fixture.form)));
  fixture_close (&fixture, "pass");
}

static void
test_pass_by_ctrl_enter (void)
{
  Fixture fixture;
  VdVerification *verification;

  fixture_open (&fixture);

  fill (&fixture, "张三", "11010519491231002X", "https://example.com/face.jpg");
  g_assert_true (press_shortcut (fixture.window, "<Control>Return"));
  verification = wait_for_verification (&fixture);

  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_PASSED);
  g_assert_cmpstr (verification->request->name, ==, "张三");
  g_assert_cmpstr (verification->request->id_number, ==, "11010519491231002X");
  g_assert_null (verification->request->front_url);
  fixture_close (&fixture, "pass-ctrl-enter");
}

static void
test_enter_in_last_field (void)
{
  Fixture fixture;
  VdVerification *verification;
  GtkWidget *text;

  fixture_open (&fixture);

  fill (&fixture, "张三", "11010519491231002X", "https://example.com/face.jpg");

  /* Enter in Name moves on to the ID number. */
  text = GTK_WIDGET (gtk_editable_get_delegate (row (&fixture, "name")));
  g_signal_emit_by_name (text, "activate");
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fixture.window)),
                                         GTK_WIDGET (row (&fixture, "id_number"))));

  /* Enter in BizType, the last field, submits. */
  text = GTK_WIDGET (gtk_editable_get_delegate (row (&fixture, "biz_type")));
  g_signal_emit_by_name (text, "activate");
  verification = wait_for_verification (&fixture);
  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_PASSED);
  fixture_close (&fixture, "enter-last-field");
}

static void
test_not_passed_sample (void)
{
  Fixture fixture;
  VdVerification *verification;

  fixture_open (&fixture);

  fill_sample (&fixture, "王建国");
  gtk_widget_activate_action (fixture.window, "win.submit", NULL);
  verification = wait_for_verification (&fixture);

  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_NOT_PASSED);
  g_assert_cmpint (verification->result->verify_status, ==, 2);
  g_assert_cmpint (verification->verdict->severity, ==, VD_SEVERITY_NOT_PASSED);
  fixture_close (&fixture, "not-passed");
}

static void
test_fix_and_resubmit_sample (void)
{
  Fixture fixture;
  VdVerification *verification;

  fixture_open (&fixture);

  fill_sample (&fixture, "陈晓梅");
  g_assert_true (press_shortcut (fixture.window, "<Control>Return"));
  verification = wait_for_verification (&fixture);

  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_NOT_PASSED);
  g_assert_cmpint (verification->result->verify_status, ==, 3);
  g_assert_cmpint (verification->verdict->severity, ==, VD_SEVERITY_FIX_AND_RESUBMIT);
  fixture_close (&fixture, "fix-and-resubmit");
}

static void
test_identity_error_3103 (void)
{
  Fixture fixture;
  VdVerification *verification;

  fixture_open (&fixture);

  fill_sample (&fixture, "罗婷");
  gtk_widget_activate_action (fixture.window, "win.submit", NULL);
  verification = wait_for_verification (&fixture);

  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_NOT_PASSED);
  g_assert_cmpint (verification->result->kind, ==, VD_ANSWER_IDENTITY_ERROR);
  g_assert_cmpstr (verification->result->code, ==, "3103");
  fixture_close (&fixture, "identity-3103");
}

static void
test_gateway_error (void)
{
  Fixture fixture;
  g_autoptr(VdSimulator) simulator = vd_simulator_new ();
  g_autoptr(VdCloudauthClient) client = vd_cloudauth_client_new ();
  g_autoptr(VdDesk) desk = NULL;
  g_autoptr(VdCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  VdVerification *verification;

  g_assert_true (vd_simulator_listen (simulator, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vd_cloudauth_client_set_endpoint (client, vd_simulator_get_url (simulator),
                                                   &error));
  desk = vd_desk_new (client);
  credentials = vd_credentials_new ("LTAI5tWrongKeyForTests01", "NotTheSecretTheSimulatorKnows0",
                                    NULL);
  vd_desk_set_credentials (desk, credentials);

  fixture_open_with_desk (&fixture, desk, 1100, 760);
  /* Not in training: no bar, no samples. */
  g_assert_false (gtk_info_bar_get_revealed (GTK_INFO_BAR (window_child (fixture.window,
                                                                         "training_bar"))));
  gtk_widget_activate_action (fixture.window, "win.fill-sample", "u", 0);
  g_assert_cmpstr (gtk_editable_get_text (row (&fixture, "name")), ==, "");

  fill (&fixture, "张三", "11010519491231002X", "https://example.com/face.jpg");
  gtk_widget_activate_action (fixture.window, "win.submit", NULL);
  verification = wait_for_verification (&fixture);

  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_ERROR);
  g_assert_false (verification->training);
  g_assert_nonnull (verification->result);
  g_assert_cmpint (verification->result->kind, ==, VD_ANSWER_GATEWAY_ERROR);
  g_assert_true (verification->verdict->open_preferences);
  fixture_close (&fixture, "gateway-error");

  vd_simulator_disconnect (simulator);
}

typedef struct {
  VdSimulator *simulator;
  guint        count;
} RequestCount;

static gboolean
simulator_received (gpointer data)
{
  RequestCount *wait = data;

  return vd_simulator_get_requests_received (wait->simulator) >= wait->count;
}

static void
test_cancel_with_escape (void)
{
  Fixture fixture;
  VdSimulator *simulator;
  GtkWidget *progress_label;
  RequestCount wait;
  guint received;

  fixture_open (&fixture);
  simulator = vd_desk_get_simulator (vd_application_get_desk (application));
  vd_simulator_push_fault (simulator, VD_FAULT_DELAY, 5000);

  fill_sample (&fixture, "李娜");
  received = vd_simulator_get_requests_received (simulator);
  g_assert_true (press_shortcut (fixture.window, "<Control>Return"));
  g_assert_true (in_flight (&fixture));
  /* The request reaches the simulator, which holds the answer. */
  wait.simulator = simulator;
  wait.count = received + 1;
  vd_ui_test_wait_until (simulator_received, &wait, 5000);

  /* While in flight: a spinner, the seconds, Cancel; no second submission. */
  progress_label = window_child (fixture.window, "progress_label");
  g_assert_true (gtk_widget_get_visible (window_child (fixture.window, "spinner")));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (progress_label)),
                                   "Verifying… "));
  g_assert_false (gtk_widget_get_sensitive (fixture.verify_button));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (fixture.form)));
  gtk_widget_activate_action (fixture.window, "win.submit", NULL);
  g_assert_false (press_shortcut (fixture.window, "<Control>Return"));
  gtk_widget_activate_action (fixture.window, "win.resubmit", NULL);
  gtk_widget_activate_action (fixture.window, "win.next-customer", NULL);
  gtk_widget_activate_action (fixture.window, "win.fill-sample", "u",
                              vd_ui_test_sample_index ("王建国"));
  vd_ui_test_spin (200);
  g_assert_cmpuint (vd_simulator_get_requests_received (simulator), ==, received + 1);
  g_assert_cmpstr (gtk_editable_get_text (row (&fixture, "name")), ==, "李娜");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (progress_label)), ==, "Verifying… 0 s");
  vd_ui_test_spin (1200);
  {
    guint seconds = 0;

    g_assert_cmpint (sscanf (gtk_label_get_text (GTK_LABEL (progress_label)), "Verifying… %u s",
                             &seconds), ==, 1);
    g_assert_cmpuint (seconds, >=, 1);
  }
  screenshot (fixture.window, "in-flight");

  g_assert_true (press_shortcut (fixture.window, "Escape"));

  /* Back to the form at once, and no result arrives later. */
  g_assert_false (gtk_widget_get_visible (fixture.cancel_button));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (fixture.form)));
  g_assert_true (gtk_widget_get_sensitive (fixture.verify_button));
  vd_ui_test_spin (500);
  g_assert_null (vd_result_view_get_verification (fixture.result_view));
  fixture_close (&fixture, "cancel");
  vd_simulator_clear_faults (simulator);
}

static void
test_outcome_unknown_then_resubmit (void)
{
  Fixture fixture;
  VdSimulator *simulator;
  VdVerification *verification;
  g_autofree char *biz_id = NULL;

  fixture_open (&fixture);
  simulator = vd_desk_get_simulator (vd_application_get_desk (application));
  vd_simulator_push_fault (simulator, VD_FAULT_RESET, 0);

  fill_sample (&fixture, "李娜");
  biz_id = g_strdup (vd_form_get_biz_id (fixture.form));
  /* Nothing to resubmit before the first submission. */
  gtk_widget_activate_action (fixture.window, "win.resubmit", NULL);
  g_assert_false (gtk_widget_get_visible (fixture.cancel_button));
  gtk_widget_activate_action (fixture.window, "win.submit", NULL);
  verification = wait_for_verification (&fixture);

  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_UNKNOWN);
  g_assert_true (verification->verdict->can_resubmit);
  g_assert_cmpstr (verification->request->biz_id, ==, biz_id);
  screenshot (fixture.window, "outcome-unknown");
  vd_simulator_clear_faults (simulator);

  /* The result view's "Resubmit same task" activates win.resubmit. */
  vd_result_view_set_verification (fixture.result_view, NULL);
  gtk_widget_activate_action (fixture.window, "win.resubmit", NULL);
  verification = wait_for_verification (&fixture);

  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_PASSED);
  g_assert_cmpstr (verification->request->biz_id, ==, biz_id);
  g_assert_cmpstr (vd_form_get_biz_id (fixture.form), ==, biz_id);
  fixture_close (&fixture, "resubmit");
}

static void
test_next_customer (void)
{
  Fixture fixture;
  g_autofree char *biz_id = NULL;
  const char *fields[] = { "name", "id_number", "face", "front", "back", "user_id" };

  fixture_open (&fixture);

  fill_sample (&fixture, "孙浩");
  set_field (&fixture, "user_id", "counter-7");
  set_field (&fixture, "biz_type", "FaceOnly");
  gtk_widget_activate_action (fixture.window, "win.submit", NULL);
  wait_for_verification (&fixture);
  biz_id = g_strdup (vd_form_get_biz_id (fixture.form));

  g_assert_true (press_shortcut (fixture.window, "<Control>n"));

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_assert_cmpstr (gtk_editable_get_text (row (&fixture, fields[i])), ==, "");
  g_assert_cmpstr (gtk_editable_get_text (row (&fixture, "biz_type")), ==, "RPMinTest");
  g_assert_cmpstr (vd_form_get_biz_id (fixture.form), !=, biz_id);
  g_assert_cmpuint (strlen (vd_form_get_biz_id (fixture.form)), ==, 36);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (form_child (fixture.form, "biz_id_label"))), ==,
                   vd_form_get_biz_id (fixture.form));
  g_assert_null (vd_result_view_get_verification (fixture.result_view));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fixture.window)),
                                         GTK_WIDGET (row (&fixture, "name"))));
  /* A fresh form does not nag. */
  assert_field_quiet (&fixture, "name");
  /* A new task has nothing to resubmit. */
  gtk_widget_activate_action (fixture.window, "win.resubmit", NULL);
  g_assert_false (gtk_widget_get_visible (fixture.cancel_button));
  vd_ui_test_spin (100);
  g_assert_null (vd_result_view_get_verification (fixture.result_view));
  fixture_close (&fixture, "next-customer");
}

/* --- drawing --- */

/* Adds to @separators the border nodes under @node whose sides are not all as wide: a list row's
 * separator is one drawn only at the bottom. */
static void
collect_separators (GskRenderNode *node,
                    GPtrArray     *separators)
{
  switch ((int) gsk_render_node_get_node_type (node))
    {
    case GSK_BORDER_NODE:
      {
        const float *widths = gsk_border_node_get_widths (node);

        if (widths[0] != widths[2] || widths[1] != widths[3] || widths[0] != widths[1])
          g_ptr_array_add (separators, node);
      }
      break;
    case GSK_CONTAINER_NODE:
      for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
        collect_separators (gsk_container_node_get_child (node, i), separators);
      break;
    case GSK_TRANSFORM_NODE:
      collect_separators (gsk_transform_node_get_child (node), separators);
      break;
    case GSK_CLIP_NODE:
      collect_separators (gsk_clip_node_get_child (node), separators);
      break;
    case GSK_ROUNDED_CLIP_NODE:
      collect_separators (gsk_rounded_clip_node_get_child (node), separators);
      break;
    case GSK_OPACITY_NODE:
      collect_separators (gsk_opacity_node_get_child (node), separators);
      break;
    case GSK_DEBUG_NODE:
      collect_separators (gsk_debug_node_get_child (node), separators);
      break;
    default:
      break;
    }
}

/* The rows' separators are drawn in one colour on all four sides: libadwaita colours only the
 * bottom, and GTK 4.8's software renderer draws a border of several colours with a mesh gradient
 * (~1.4 ms for each rounded first row, in every frame). style.css sets the other sides. */
static void
assert_separators_one_colour (GtkWidget *window)
{
  g_autoptr(GskRenderNode) node = vd_ui_test_snapshot (window);
  g_autoptr(GPtrArray) separators = g_ptr_array_new ();

  g_assert_nonnull (node);
  collect_separators (node, separators);

  /* Customer's first row, Photos' first two, Task's first two. */
  g_assert_cmpuint (separators->len, >=, 5);
  for (guint i = 0; i < separators->len; i++)
    {
      const GdkRGBA *colours = gsk_border_node_get_colors (g_ptr_array_index (separators, i));

      for (guint side = 1; side < 4; side++)
        g_assert_true (gdk_rgba_equal (&colours[side], &colours[0]));
    }
}

static void
test_row_separators_one_colour (void)
{
  Fixture fixture;

  /* Tall enough for the whole form: rows scrolled out of view are not drawn. */
  fixture_open_with_desk (&fixture, vd_application_get_desk (application), 1100, 1000);
  assert_separators_one_colour (fixture.window);
  fixture_close (&fixture, "row-separators");
}

/* --- keyboard and help --- */

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static gboolean
toplevel_shown (gpointer data)
{
  return find_toplevel ((GType) GPOINTER_TO_SIZE (data)) != NULL;
}

static GtkWindow *
wait_for_toplevel (GType type)
{
  vd_ui_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (type), 5000);
  return find_toplevel (type);
}

static void
test_every_action_has_accelerator (void)
{
  const char *actions[] = {
    "app.quit", "app.preferences", "app.history", "win.submit", "win.cancel", "win.resubmit",
    "win.next-customer", "win.show-samples", "win.show-form", "win.show-result",
    "win.show-help-overlay",
  };

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (application),
                                                                    actions[i]);

      if (accels[0] == NULL)
        g_error ("%s has no accelerator", actions[i]);
    }
}

static void
test_shortcuts_window (void)
{
  Fixture fixture;
  GtkWindow *shortcuts;

  fixture_open (&fixture);
  g_assert_true (press_shortcut (fixture.window, "<Control>question"));
  shortcuts = wait_for_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  screenshot (GTK_WIDGET (shortcuts), "shortcuts");
  gtk_window_destroy (shortcuts);
  fixture_close (&fixture, "after-shortcuts");
}

static void
test_about_window (void)
{
  Fixture fixture;
  GtkWindow *about;
  GtkLicense license;
  g_autofree char *name = NULL;
  g_autofree char *version = NULL;

  fixture_open (&fixture);
  g_action_group_activate_action (G_ACTION_GROUP (application), "about", NULL);
  about = wait_for_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_object_get (about, "application-name", &name, "version", &version, "license-type", &license,
                NULL);
  g_assert_cmpstr (name, ==, "VerifyDesk");
  g_assert_cmpstr (version, ==, PACKAGE_VERSION);
  g_assert_cmpint (license, ==, GTK_LICENSE_GPL_3_0);
  g_assert_true (gtk_window_get_transient_for (about) == GTK_WINDOW (fixture.window));
  screenshot (GTK_WIDGET (about), "about");
  gtk_window_destroy (about);
  fixture_close (&fixture, "after-about");
}

/* F10 opens the primary menu, built when it first opens: every entry is there, the sample
 * customers' submenu included. */
static void
test_primary_menu (void)
{
  Fixture fixture;
  GtkMenuButton *button;
  GMenuModel *menu;
  GtkPopover *popover;

  fixture_open (&fixture);
  button = GTK_MENU_BUTTON (window_child (fixture.window, "menu_button"));
  menu = G_MENU_MODEL (gtk_widget_get_template_child (fixture.window, VD_TYPE_WINDOW,
                                                      "primary_menu"));
  g_assert_null (gtk_menu_button_get_menu_model (button));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (button)));

  g_assert_true (press_shortcut (fixture.window, "F10"));
  vd_ui_test_spin (300);
  g_assert_true (gtk_menu_button_get_menu_model (button) == menu);
  popover = gtk_menu_button_get_popover (button);
  g_assert_nonnull (popover);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
  /* Sample customers, then the task's entries, then the app's. */
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 3);
  g_assert_nonnull (g_menu_model_get_item_link (g_menu_model_get_item_link (menu, 0, "section"),
                                                0, "submenu"));
  screenshot (GTK_WIDGET (popover), "primary-menu");

  gtk_popover_popdown (popover);
  vd_ui_test_spin (100);
  g_assert_true (press_shortcut (fixture.window, "F10"));
  vd_ui_test_spin (300);
  g_assert_true (gtk_menu_button_get_popover (button) == popover);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
  gtk_popover_popdown (popover);
  fixture_close (&fixture, "after-primary-menu");
}

static gboolean
training_reason_known (gpointer data)
{
  const char *reason = vd_application_get_training_reason (data);

  /* "Looking for an AccessKey in the keyring…" is the provisional reason. */
  return reason != NULL && strstr (reason, "Looking for") == NULL;
}

/* With no AccessKey anywhere the bar says why training mode is on and what to do: the suite's
 * keyring is empty (or, run alone without a bus, unavailable — also said in words). */
static void
test_training_reason (void)
{
  Fixture fixture;
  GtkLabel *reason;

  fixture_open (&fixture);
  vd_ui_test_wait_until (training_reason_known, application, 5000);
  vd_ui_test_spin (50);

  reason = GTK_LABEL (window_child (fixture.window, "training_reason_label"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (reason)));
  g_assert_cmpstr (gtk_label_get_text (reason), ==,
                   vd_application_get_training_reason (application));
  g_assert_true (strstr (gtk_label_get_text (reason), "Preferences") != NULL ||
                 strstr (gtk_label_get_text (reason), "keyring") != NULL);
  screenshot (fixture.window, "training-reason");
  fixture_close (&fixture, "after-training-reason");
}

static void
test_history_opens (void)
{
  Fixture fixture;
  GtkWindow *history;

  fixture_open (&fixture);
  g_assert_true (press_shortcut (fixture.window, "<Control>h"));
  history = wait_for_toplevel (VD_TYPE_HISTORY_WINDOW);
  screenshot (GTK_WIDGET (history), "history");
  gtk_window_destroy (history);
  fixture_close (&fixture, "after-history");
}

static void
test_preferences_opens (void)
{
  Fixture fixture;
  GtkWindow *preferences;

  fixture_open (&fixture);
  g_assert_true (press_shortcut (fixture.window, "<Control>comma"));
  preferences = wait_for_toplevel (VD_TYPE_PREFERENCES_WINDOW);
  g_assert_true (gtk_window_get_transient_for (preferences) == GTK_WINDOW (fixture.window));
  screenshot (GTK_WIDGET (preferences), "preferences");
  gtk_window_destroy (preferences);
  fixture_close (&fixture, "after-preferences");
}

/* --- layout --- */

static void
test_narrow_layout (void)
{
  Fixture fixture;
  AdwLeaflet *leaflet;
  GtkWidget *back_button;

  fixture_open_with_desk (&fixture, vd_application_get_desk (application), 360, 720);
  leaflet = ADW_LEAFLET (window_child (fixture.window, "leaflet"));
  back_button = window_child (fixture.window, "back_button");

  g_assert_true (adw_leaflet_get_folded (leaflet));
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "form");
  g_assert_false (gtk_widget_get_visible (back_button));
  g_assert_cmpint (gtk_widget_get_width (fixture.window), ==, 360);
  screenshot (fixture.window, "narrow-form");

  fill_sample (&fixture, "陈晓梅");
  gtk_widget_activate_action (fixture.window, "win.submit", NULL);
  wait_for_verification (&fixture);

  /* One page at a time: the result after a submission, with a way back. */
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "result");
  g_assert_true (gtk_widget_get_visible (back_button));
  screenshot (fixture.window, "narrow-result");
  g_assert_true (press_shortcut (fixture.window, "<Alt>Left"));
  vd_ui_test_spin (400);
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "form");
  g_assert_false (gtk_widget_get_visible (back_button));
  fixture_close (&fixture, "narrow");
}

static void
test_wide_layout (void)
{
  Fixture fixture;
  AdwLeaflet *leaflet;

  fixture_open (&fixture);
  leaflet = ADW_LEAFLET (window_child (fixture.window, "leaflet"));

  /* Side by side. */
  g_assert_false (adw_leaflet_get_folded (leaflet));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (fixture.form)));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (fixture.result_view)));
  g_assert_false (gtk_widget_get_visible (window_child (fixture.window, "back_button")));
  fixture_close (&fixture, "wide-empty");
}

static void
test_dark_style (void)
{
  Fixture fixture;
  AdwStyleManager *style_manager = adw_style_manager_get_default ();

  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_DARK);
  fixture_open (&fixture);

  fill_sample (&fixture, "李娜");
  set_field (&fixture, "back", "/tmp/card-back.jpg");
  vd_form_reveal_problems (fixture.form);
  set_field (&fixture, "back", "https://example.com/card-back.jpg");
  gtk_widget_activate_action (fixture.window, "win.submit", NULL);
  wait_for_verification (&fixture);
  set_field (&fixture, "back", "/tmp/card-back.jpg");
  g_assert_true (adw_style_manager_get_dark (style_manager));
  fixture_close (&fixture, "dark");

  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_DEFAULT);
}

static void
test_window_size_remembered (void)
{
  Fixture fixture;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  fixture_open_with_desk (&fixture, vd_application_get_desk (application), 900, 700);
  screenshot (fixture.window, "size");
  gtk_window_close (GTK_WINDOW (fixture.window));
  vd_ui_test_spin (50);

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 900);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  /* The next window opens at that size. */
  fixture.window = vd_window_new (GTK_APPLICATION (application),
                                  vd_application_get_desk (application));
  {
    int width;
    int height;

    gtk_window_get_default_size (GTK_WINDOW (fixture.window), &width, &height);
    g_assert_cmpint (width, ==, 900);
    g_assert_cmpint (height, ==, 700);
  }
  gtk_window_destroy (GTK_WINDOW (fixture.window));
}

/* --- the photo preview under the row, from a local server --- */

static void
serve_png (SoupServer        *server,
           SoupServerMessage *message,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 320, 240);

  gdk_pixbuf_fill (pixbuf, 0x3584e4ff);
  texture = gdk_texture_new_for_pixbuf (pixbuf);
  png = gdk_texture_save_to_png_bytes (texture);

  soup_server_message_set_status (message, 200, NULL);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (message),
                                         "image/png", NULL);
  soup_server_message_set_response (message, "image/png", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (png, NULL), g_bytes_get_size (png));
}

static gboolean
preview_shown (gpointer data)
{
  Fixture *fixture = data;

  return vd_form_get_message (fixture->form, "face", TRUE) != NULL
         && vd_image_row_get_preview_state (VD_IMAGE_ROW (row (fixture, "face"))) == VD_PREVIEW_OK;
}

static void
test_photo_preview_under_row (void)
{
  Fixture fixture;
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autofree char *url = NULL;
  g_autofree char *host_port = NULL;
  const char *text;

  soup_server_add_handler (server, NULL, serve_png, NULL, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  host_port = g_strdup_printf ("%s:%d", g_uri_get_host (uris->data), g_uri_get_port (uris->data));
  url = g_strdup_printf ("http://%s/face.png", host_port);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  fixture_open (&fixture);
  vd_form_set_session (fixture.form, session);
  vd_image_row_set_debounce_ms (VD_IMAGE_ROW (row (&fixture, "face")), 10);

  set_field (&fixture, "face", url);
  vd_ui_test_wait_until (preview_shown, &fixture, 10000);
  text = vd_form_get_message (fixture.form, "face", TRUE);
  g_assert_cmpstr (text, ==, vd_image_row_get_preview_text (VD_IMAGE_ROW (row (&fixture,
                                                                               "face"))));
  /* The valid address has no message: the preview's line is right under the row. */
  g_assert_null (note (&fixture, "face"));
  g_assert_cmpstr (gtk_label_get_text (label_under (GTK_WIDGET (row (&fixture, "face")), 1)), ==,
                   text);
  g_assert_nonnull (strstr (text, "320 × 240"));
  fixture_close (&fixture, "preview");
  soup_server_disconnect (server);
}

/* The four looks of one passed verification, for the AppStream screenshots and to look at in
 * Chinese (run with LANGUAGE=zh_CN -p /window/gallery). */
static void
test_gallery (void)
{
  struct {
    const char *name;
    int         width;
    int         height;
    gboolean    dark;
  } looks[] = {
    { "gallery-wide-light", 1100, 760, FALSE },
    { "gallery-wide-dark", 1100, 760, TRUE },
    { "gallery-narrow-light", 360, 720, FALSE },
    { "gallery-narrow-dark", 360, 720, TRUE },
  };
  AdwStyleManager *style_manager = adw_style_manager_get_default ();

  for (guint i = 0; i < G_N_ELEMENTS (looks); i++)
    {
      Fixture fixture;

      adw_style_manager_set_color_scheme (style_manager,
                                          looks[i].dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                        : ADW_COLOR_SCHEME_FORCE_LIGHT);
      fixture_open_with_desk (&fixture, vd_application_get_desk (application),
                              looks[i].width, looks[i].height);
      fill_sample (&fixture, "李娜");
      gtk_widget_activate_action (fixture.window, "win.submit", NULL);
      g_assert_cmpint (wait_for_verification (&fixture)->outcome, ==, VD_OUTCOME_PASSED);
      fixture_close (&fixture, looks[i].name);
    }

  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_DEFAULT);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  vd_ui_test_init (&argc, &argv);

  application = vd_application_new ();
  /* A running VerifyDesk on the same bus must not take the tests' windows. */
  g_application_set_flags (G_APPLICATION (application), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (application), NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vd_desk_get_training (vd_application_get_desk (application)));

  g_test_add_func ("/window/training-bar", test_training_bar);
  g_test_add_func ("/window/submit-disabled-until-valid", test_submit_disabled_until_valid);
  g_test_add_func ("/window/required-after-submit-attempt", test_required_after_submit_attempt);
  g_test_add_func ("/window/validation/id-length", test_id_number_length);
  g_test_add_func ("/window/validation/id-length-after-leaving",
                   test_id_number_length_after_leaving);
  g_test_add_func ("/window/validation/id-character", test_id_number_character);
  g_test_add_func ("/window/validation/id-date", test_id_number_date);
  g_test_add_func ("/window/validation/id-future-date", test_id_number_future_date);
  g_test_add_func ("/window/validation/id-check-character", test_id_number_check_character);
  g_test_add_func ("/window/validation/id-spaces-lower-case-x",
                   test_id_number_spaces_and_lower_case_x);
  g_test_add_func ("/window/validation/local-path-url", test_local_path_url);
  g_test_add_func ("/window/validation/biz-type", test_biz_type_rules);
  g_test_add_func ("/window/biz-id-copy", test_biz_id_copy);
  g_test_add_func ("/window/submit/pass-by-action", test_pass_by_action);
  g_test_add_func ("/window/submit/pass-by-ctrl-enter", test_pass_by_ctrl_enter);
  g_test_add_func ("/window/submit/enter-in-last-field", test_enter_in_last_field);
  g_test_add_func ("/window/submit/not-passed", test_not_passed_sample);
  g_test_add_func ("/window/submit/fix-and-resubmit", test_fix_and_resubmit_sample);
  g_test_add_func ("/window/submit/identity-error-3103", test_identity_error_3103);
  g_test_add_func ("/window/submit/gateway-error", test_gateway_error);
  g_test_add_func ("/window/submit/cancel-with-escape", test_cancel_with_escape);
  g_test_add_func ("/window/submit/outcome-unknown-resubmit", test_outcome_unknown_then_resubmit);
  g_test_add_func ("/window/next-customer", test_next_customer);
  g_test_add_func ("/window/help/every-action-has-accelerator",
                   test_every_action_has_accelerator);
  g_test_add_func ("/window/help/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/window/help/about", test_about_window);
  g_test_add_func ("/window/help/primary-menu", test_primary_menu);
  g_test_add_func ("/window/help/preferences", test_preferences_opens);
  g_test_add_func ("/window/help/history", test_history_opens);
  g_test_add_func ("/window/training-reason", test_training_reason);
  g_test_add_func ("/window/layout/narrow", test_narrow_layout);
  g_test_add_func ("/window/layout/wide", test_wide_layout);
  g_test_add_func ("/window/layout/dark", test_dark_style);
  g_test_add_func ("/window/layout/row-separators-one-colour", test_row_separators_one_colour);
  g_test_add_func ("/window/size-remembered", test_window_size_remembered);
  g_test_add_func ("/window/photo-preview", test_photo_preview_under_row);
  g_test_add_func ("/window/gallery", test_gallery);

  status = g_test_run ();

  g_clear_object (&application);
  return status;
}
