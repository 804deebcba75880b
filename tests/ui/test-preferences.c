/* The Preferences window driven in-process under Xvfb, against a real gnome-keyring on a
 * private bus and the built-in simulator: save, check (good and rejected), refuse a bad
 * secret, remove, import from a crafted aliyun CLI file, the service and desk settings, and a
 * locked keyring (last: it cannot be unlocked without a prompt). Each writes a screenshot. */

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "vd-keyring.h"
#include "vd-keyring-test-util.h"
#include "vd-preferences-window.h"
#include "vd-test-util.h"
#include "vd-ui-test-util.h"

#define TEST_ID       "LTAI5tPreferencesTest01"
#define TEST_SECRET   "PreferencesSecret0123456789aZ"
#define CLI_ID        "LTAI5tImportedFromCli01"
#define CLI_SECRET    "ImportedCliSecret0123456789ab"
#define CLI_STS_ID    "STS.ImportedStsProfile1"
#define CLI_STS_TOKEN "CAIS+ImportedToken/0123=="
#define WAIT_MS       15000

static VdTestKeyring *keyring;
static char *home;

typedef struct {
  VdSimulator         *simulator;
  VdDesk              *desk;
  GSettings           *settings;
  VdPreferencesWindow *window;
} Fixture;

static void
fixture_open (Fixture *fixture)
{
  g_autoptr(VdCloudauthClient) client = vd_cloudauth_client_new ();
  g_autoptr(GError) error = NULL;

  fixture->simulator = vd_simulator_new ();
  vd_simulator_add_key (fixture->simulator, TEST_ID, TEST_SECRET, NULL);
  g_assert_true (vd_simulator_listen (fixture->simulator, 0, NULL, &error));
  g_assert_true (vd_cloudauth_client_set_endpoint (client,
                                                   vd_simulator_get_url (fixture->simulator),
                                                   &error));
  g_assert_no_error (error);
  fixture->desk = vd_desk_new (client);
  fixture->settings = g_settings_new (APP_ID);
  fixture->window = VD_PREFERENCES_WINDOW (vd_preferences_window_new (NULL, fixture->desk,
                                                                      fixture->settings));
  gtk_window_present (GTK_WINDOW (fixture->window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (fixture->window));
}

static void
fixture_close (Fixture *fixture)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  vd_ui_test_spin (50);
  vd_simulator_disconnect (fixture->simulator);
  g_clear_object (&fixture->simulator);
  g_clear_object (&fixture->desk);
  g_settings_reset (fixture->settings, "training-mode");
  g_clear_object (&fixture->settings);
}

static GtkWidget *
child (Fixture    *fixture,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (fixture->window),
                                                   VD_TYPE_PREFERENCES_WINDOW, name);

  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

static const char *
row_title (GtkWidget *row)
{
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
}

static void
screenshot (GtkWidget  *widget,
            const char *what)
{
  g_autofree char *name = g_strdup_printf ("preferences-%s-%s", what,
                                           g_getenv ("LANGUAGE") ? g_getenv ("LANGUAGE") : "C");
  g_autofree char *path = NULL;

  vd_ui_test_spin (100);
  path = vd_ui_test_screenshot (widget, name);
  g_test_message ("screenshot: %s", path);
}

/* --- waiting for what the window shows --- */

typedef struct {
  GtkWidget  *row;
  const char *title;
} TitleWait;

static gboolean
row_has_title (gpointer data)
{
  TitleWait *wait = data;

  return g_strcmp0 (row_title (wait->row), wait->title) == 0 &&
         gtk_widget_get_visible (wait->row);
}

static void
wait_for_title (GtkWidget  *row,
                const char *title)
{
  TitleWait wait = { row, title };

  vd_ui_test_wait_until (row_has_title, &wait, WAIT_MS);
}

static gboolean
row_title_has_prefix (gpointer data)
{
  TitleWait *wait = data;

  return g_str_has_prefix (row_title (wait->row), wait->title);
}

static void
wait_for_stored (Fixture    *fixture,
                 const char *prefix)
{
  TitleWait wait = { child (fixture, "stored_row"), prefix };

  vd_ui_test_wait_until (row_title_has_prefix, &wait, WAIT_MS);
}

static gboolean
is_sensitive (gpointer data)
{
  return gtk_widget_get_sensitive (data);
}

static void
click (GtkWidget *button)
{
  vd_ui_test_wait_until (is_sensitive, button, WAIT_MS);
  gtk_widget_activate (button);
}

static void
type_text (Fixture    *fixture,
           const char *row,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (child (fixture, row)), text);
}

/* --- the keyring, read directly --- */

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

static VdCredentials *
stored_credentials (void)
{
  g_autoptr(GError) error = NULL;
  VdTestWait wait = { 0 };
  VdCredentials *credentials;

  vd_keyring_lookup_credentials_async (NULL, vd_test_on_done, &wait);
  vd_ui_test_wait_until (flag_is_set, &wait.done, WAIT_MS);
  credentials = vd_keyring_lookup_credentials_finish (wait.result, &error);
  g_object_unref (wait.result);
  g_assert_no_error (error);
  return credentials;
}

static void
store_directly (const char *id,
                const char *secret)
{
  g_autoptr(VdCredentials) credentials = vd_credentials_new (id, secret, NULL);
  g_autoptr(GError) error = NULL;
  VdTestWait wait = { 0 };

  vd_keyring_store_credentials_async (credentials, NULL, vd_test_on_done, &wait);
  vd_ui_test_wait_until (flag_is_set, &wait.done, WAIT_MS);
  g_assert_true (vd_keyring_store_credentials_finish (wait.result, &error));
  g_object_unref (wait.result);
  g_assert_no_error (error);
}

static void
clear_directly (void)
{
  g_autoptr(GError) error = NULL;
  VdTestWait wait = { 0 };

  vd_keyring_clear_credentials_async (NULL, vd_test_on_done, &wait);
  vd_ui_test_wait_until (flag_is_set, &wait.done, WAIT_MS);
  g_assert_true (vd_keyring_clear_credentials_finish (wait.result, NULL, &error));
  g_object_unref (wait.result);
  g_assert_no_error (error);
}

/* --- account --- */

static void
test_save_and_show (void)
{
  Fixture fixture;
  g_autoptr(VdCredentials) stored = NULL;

  clear_directly ();
  fixture_open (&fixture);
  wait_for_stored (&fixture, "No AccessKey is stored");
  g_assert_false (gtk_widget_get_sensitive (child (&fixture, "save_button")));
  g_assert_false (gtk_widget_get_sensitive (child (&fixture, "remove_button")));

  type_text (&fixture, "id_row", TEST_ID);
  type_text (&fixture, "secret_row", "  " TEST_SECRET " ");
  click (child (&fixture, "save_button"));
  wait_for_title (child (&fixture, "result_row"), "Saved in the keyring");
  wait_for_stored (&fixture, "AccessKey LTAI");

  stored = stored_credentials ();
  g_assert_cmpstr (vd_credentials_get_access_key_id (stored), ==, TEST_ID);
  g_assert_cmpstr (vd_credentials_get_access_key_secret (stored), ==, TEST_SECRET);
  g_assert_cmpstr (row_title (child (&fixture, "stored_row")), ==, "AccessKey LTAI***************st01");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (child (&fixture, "stored_row"))),
                   ==, "Secret ***************************aZ (29 characters), no STS token");
  /* The secret leaves the field once it is in the keyring. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (&fixture, "secret_row"))), ==, "");
  g_assert_true (gtk_widget_get_sensitive (child (&fixture, "remove_button")));
  screenshot (GTK_WIDGET (fixture.window), "saved");
  fixture_close (&fixture);
}

static void
test_check_good_and_rejected (void)
{
  Fixture fixture;
  GtkWidget *result_row;

  store_directly (TEST_ID, TEST_SECRET);
  fixture_open (&fixture);
  result_row = child (&fixture, "result_row");
  wait_for_stored (&fixture, "AccessKey LTAI");

  click (child (&fixture, "check_button"));
  wait_for_title (result_row, "The AccessKey works");
  g_assert_true (gtk_widget_has_css_class (child (&fixture, "result_icon"), "success"));
  g_assert_cmpstr (vd_simulator_get_last_error_code (fixture.simulator), ==, "MissingParameter");
  g_assert_cmpuint (vd_simulator_get_requests_answered (fixture.simulator), ==, 0);
  screenshot (GTK_WIDGET (fixture.window), "check-good");

  /* A secret typed in is checked instead of the stored one. */
  type_text (&fixture, "id_row", TEST_ID);
  type_text (&fixture, "secret_row", "NotTheSecret0123456789abcdef");
  click (child (&fixture, "check_button"));
  wait_for_title (result_row, "The AccessKey was rejected");
  g_assert_true (gtk_widget_has_css_class (child (&fixture, "result_icon"), "error"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (result_row)), "secret"));
  g_assert_null (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (result_row)),
                         "NotTheSecret"));
  screenshot (GTK_WIDGET (fixture.window), "check-rejected");
  fixture_close (&fixture);
}

static void
test_bad_secret_refused (void)
{
  Fixture fixture;
  g_autoptr(VdCredentials) stored = NULL;
  GtkWidget *secret_row;

  store_directly (TEST_ID, TEST_SECRET);
  fixture_open (&fixture);
  secret_row = child (&fixture, "secret_row");
  wait_for_stored (&fixture, "AccessKey LTAI");

  type_text (&fixture, "id_row", CLI_ID);
  type_text (&fixture, "secret_row", "two words");
  click (child (&fixture, "save_button"));
  wait_for_title (child (&fixture, "result_row"), "Not saved");
  g_assert_true (gtk_widget_has_css_class (secret_row, "error"));
  g_assert_false (gtk_widget_has_css_class (child (&fixture, "id_row"), "error"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (child (&fixture, "result_row"))),
                            "space"));
  screenshot (GTK_WIDGET (fixture.window), "bad-secret");

  stored = stored_credentials ();
  g_assert_cmpstr (vd_credentials_get_access_key_id (stored), ==, TEST_ID);

  /* Typing again takes the mark away. */
  type_text (&fixture, "secret_row", "x");
  g_assert_false (gtk_widget_has_css_class (secret_row, "error"));
  fixture_close (&fixture);
}

static void
test_remove (void)
{
  Fixture fixture;
  g_autoptr(VdCredentials) stored = NULL;

  store_directly (TEST_ID, TEST_SECRET);
  fixture_open (&fixture);
  wait_for_stored (&fixture, "AccessKey LTAI");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (&fixture, "id_row"))), ==, TEST_ID);

  click (child (&fixture, "remove_button"));
  wait_for_title (child (&fixture, "result_row"), "Removed from the keyring");
  wait_for_stored (&fixture, "No AccessKey is stored");
  stored = stored_credentials ();
  g_assert_null (stored);
  g_assert_false (gtk_widget_get_sensitive (child (&fixture, "remove_button")));
  fixture_close (&fixture);
}

static GtkWindow *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static gboolean
message_dialog_shown (gpointer data)
{
  return find_message_dialog () != NULL;
}

/* The check buttons of the dialog's candidate rows, in order. */
static void
collect_checks (GtkWidget *widget,
                GPtrArray *checks)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      if (GTK_IS_CHECK_BUTTON (c))
        g_ptr_array_add (checks, c);
      else
        collect_checks (c, checks);
    }
}

typedef struct {
  const char *id;
} StoredWait;

static gboolean
keyring_holds (gpointer data)
{
  StoredWait *wait = data;
  g_autoptr(VdCredentials) stored = stored_credentials ();

  return stored != NULL && g_strcmp0 (vd_credentials_get_access_key_id (stored), wait->id) == 0;
}

static void
test_import (void)
{
  Fixture fixture;
  g_autoptr(GPtrArray) checks = g_ptr_array_new ();
  g_autoptr(VdCredentials) stored = NULL;
  StoredWait wait = { CLI_STS_ID };
  GtkWindow *dialog;

  clear_directly ();
  fixture_open (&fixture);
  wait_for_stored (&fixture, "No AccessKey is stored");

  click (child (&fixture, "import_button"));
  vd_ui_test_wait_until (message_dialog_shown, NULL, WAIT_MS);
  dialog = find_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Import an AccessKey");
  collect_checks (GTK_WIDGET (dialog), checks);
  /* The current profile first (default), then the StsToken one; RamRoleArn is only mentioned. */
  g_assert_cmpuint (checks->len, ==, 2);
  g_assert_true (gtk_check_button_get_active (g_ptr_array_index (checks, 0)));
  screenshot (GTK_WIDGET (dialog), "import");

  gtk_check_button_set_active (g_ptr_array_index (checks, 1), TRUE);
  g_assert_false (gtk_check_button_get_active (g_ptr_array_index (checks, 0)));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "import");

  vd_ui_test_wait_until (keyring_holds, &wait, WAIT_MS);
  stored = stored_credentials ();
  g_assert_cmpstr (vd_credentials_get_security_token (stored), ==, CLI_STS_TOKEN);
  wait_for_stored (&fixture, "AccessKey STS.");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (child (&fixture, "stored_row"))),
                   ==, "Secret ***************************ab (29 characters), with an STS token");
  fixture_close (&fixture);
}

/* --- service and desk --- */

static void
test_service_settings (void)
{
  Fixture fixture;
  GtkWidget *endpoint_row;
  g_autofree char *endpoint = NULL;
  g_autofree char *refused = NULL;

  fixture_open (&fixture);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (fixture.window),
                                                "service");
  endpoint_row = child (&fixture, "endpoint_row");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (endpoint_row)), ==,
                   "https://cloudauth.aliyuncs.com/");

  /* Plain http to another computer is refused, and the setting stays. */
  gtk_editable_set_text (GTK_EDITABLE (endpoint_row), "http://cloudauth.example.com/");
  g_signal_emit_by_name (endpoint_row, "apply");
  g_assert_true (gtk_widget_has_css_class (endpoint_row, "error"));
  g_assert_true (gtk_widget_get_visible (child (&fixture, "endpoint_error")));
  refused = g_settings_get_string (fixture.settings, "endpoint");
  g_assert_cmpstr (refused, ==, "https://cloudauth.aliyuncs.com/");
  screenshot (GTK_WIDGET (fixture.window), "service-refused");

  gtk_editable_set_text (GTK_EDITABLE (endpoint_row), " https://cloudauth.cn-shanghai.aliyuncs.com/ ");
  g_signal_emit_by_name (endpoint_row, "apply");
  g_assert_false (gtk_widget_has_css_class (endpoint_row, "error"));
  endpoint = g_settings_get_string (fixture.settings, "endpoint");
  g_assert_cmpstr (endpoint, ==, "https://cloudauth.cn-shanghai.aliyuncs.com/");

  adw_combo_row_set_selected (ADW_COMBO_ROW (child (&fixture, "signature_row")), 1);
  g_assert_cmpint (g_settings_get_enum (fixture.settings, "signature-scheme"), ==, 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (&fixture, "connect_timeout_spin")), 7);
  g_assert_cmpuint (g_settings_get_uint (fixture.settings, "connect-timeout"), ==, 7);
  g_settings_set_uint (fixture.settings, "read-timeout", 42);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (child (&fixture, "read_timeout_spin"))),
                     ==, 42);

  g_settings_reset (fixture.settings, "endpoint");
  g_settings_reset (fixture.settings, "signature-scheme");
  g_settings_reset (fixture.settings, "connect-timeout");
  g_settings_reset (fixture.settings, "read-timeout");
  fixture_close (&fixture);
}

static gboolean
training_is_on (gpointer data)
{
  return g_settings_get_boolean (data, "training-mode");
}

static void
test_desk_settings (void)
{
  Fixture fixture;
  g_autofree char *operator_name = NULL;

  fixture_open (&fixture);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (fixture.window), "desk");

  type_text (&fixture, "operator_row", "王芳");
  operator_name = g_settings_get_string (fixture.settings, "operator-name");
  g_assert_cmpstr (operator_name, ==, "王芳");

  g_assert_false (gtk_switch_get_active (GTK_SWITCH (child (&fixture, "training_switch"))));
  /* As a keyboard user toggles it; the switch may animate before it changes. */
  gtk_widget_activate (child (&fixture, "training_switch"));
  vd_ui_test_wait_until (training_is_on, fixture.settings, WAIT_MS);
  g_settings_set_boolean (fixture.settings, "training-mode", FALSE);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (child (&fixture, "training_switch"))));
  screenshot (GTK_WIDGET (fixture.window), "desk");

  g_settings_reset (fixture.settings, "operator-name");
  fixture_close (&fixture);
}

static void
test_dark (void)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  Fixture fixture;

  store_directly (TEST_ID, TEST_SECRET);
  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_DARK);
  fixture_open (&fixture);
  wait_for_stored (&fixture, "AccessKey LTAI");
  click (child (&fixture, "check_button"));
  wait_for_title (child (&fixture, "result_row"), "The AccessKey works");
  screenshot (GTK_WIDGET (fixture.window), "dark");
  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 360, 720);
  screenshot (GTK_WIDGET (fixture.window), "dark-narrow");
  fixture_close (&fixture);
  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_DEFAULT);
}

/* --- locked: the last test --- */

static void
test_locked (void)
{
  Fixture fixture;
  GtkWidget *stored_row;

  store_directly (TEST_ID, TEST_SECRET);
  vd_test_keyring_lock (keyring);
  fixture_open (&fixture);
  stored_row = child (&fixture, "stored_row");
  wait_for_stored (&fixture, "The keyring is locked");
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (stored_row)),
                                   "The keyring is locked: "));
  g_assert_false (gtk_widget_get_sensitive (child (&fixture, "remove_button")));
  screenshot (GTK_WIDGET (fixture.window), "locked");
  fixture_close (&fixture);
}

static const char cli_config[] =
  "{\"current\": \"default\", \"profiles\": ["
  " {\"name\": \"default\", \"mode\": \"AK\", \"access_key_id\": \"" CLI_ID "\","
  "  \"access_key_secret\": \"" CLI_SECRET "\"},"
  " {\"name\": \"temporary\", \"mode\": \"StsToken\", \"access_key_id\": \"" CLI_STS_ID "\","
  "  \"access_key_secret\": \"" CLI_SECRET "\", \"sts_token\": \"" CLI_STS_TOKEN "\"},"
  " {\"name\": \"role\", \"mode\": \"RamRoleArn\"}]}";

/* A home of the tests' own, with an aliyun CLI file to import from. Set before anything reads
 * the home folder. */
static void
make_home (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *aliyun = NULL;
  g_autofree char *config = NULL;

  home = g_dir_make_tmp ("verifydesk-preferences-XXXXXX", &error);
  g_assert_no_error (error);
  aliyun = g_build_filename (home, ".aliyun", NULL);
  config = g_build_filename (aliyun, "config.json", NULL);
  g_assert_cmpint (g_mkdir_with_parents (aliyun, 0700), ==, 0);
  g_assert_true (g_file_set_contents (config, cli_config, -1, &error));
  g_setenv ("HOME", home, TRUE);
  g_unsetenv ("ALIBABA_CLOUD_ACCESS_KEY_ID");
  g_unsetenv ("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
  g_unsetenv ("ALIBABA_CLOUD_SECURITY_TOKEN");
}

static void
remove_home (void)
{
  g_autofree char *config = g_build_filename (home, ".aliyun", "config.json", NULL);
  g_autofree char *aliyun = g_build_filename (home, ".aliyun", NULL);

  g_remove (config);
  g_remove (aliyun);
  g_remove (home);
  g_free (home);
}

static gboolean
message_visible (gpointer data)
{
  return gtk_widget_get_visible (data);
}

/* A password typed into the address goes to the keyring, never into settings. */
static void
test_history_server (void)
{
  Fixture fixture = { NULL };
  GtkWidget *server_row;
  GtkWidget *password_row;
  GtkWidget *message;
  g_autofree char *kept = NULL;
  g_autoptr(GError) error = NULL;
  char *password;

  fixture_open (&fixture);
  server_row = child (&fixture, "history_server_row");
  password_row = child (&fixture, "history_password_row");
  message = child (&fixture, "history_server_message");

  gtk_editable_set_text (GTK_EDITABLE (server_row), "postgresql://desk@[broken");
  g_signal_emit_by_name (server_row, "apply");
  g_assert_true (gtk_widget_has_css_class (server_row, "error"));
  g_assert_true (gtk_widget_has_css_class (message, "error"));
  kept = g_settings_get_string (fixture.settings, "history-server-uri");
  g_assert_cmpstr (kept, ==, "");

  gtk_widget_set_visible (message, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (server_row),
                         "postgresql://desk:Hs-pw-4411@db.example.com:5433/verifydesk");
  g_signal_emit_by_name (server_row, "apply");
  g_assert_false (gtk_widget_has_css_class (server_row, "error"));
  vd_ui_test_wait_until (message_visible, message, 30000);
  g_assert_false (gtk_widget_has_css_class (message, "error"));
  g_free (kept);
  kept = g_settings_get_string (fixture.settings, "history-server-uri");
  g_assert_null (strstr (kept, "Hs-pw-4411"));
  g_assert_nonnull (strstr (kept, "host=db.example.com"));
  g_assert_null (strstr (gtk_editable_get_text (GTK_EDITABLE (server_row)), "Hs-pw-4411"));
  password = vd_keyring_lookup_history_password_sync (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "Hs-pw-4411");
  g_free (password);

  /* The password row replaces it, and is cleared; empty removes it. */
  gtk_widget_set_visible (message, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (password_row), "Other-pw-77");
  g_signal_emit_by_name (password_row, "apply");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (password_row)), ==, "");
  vd_ui_test_wait_until (message_visible, message, 30000);
  password = vd_keyring_lookup_history_password_sync (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "Other-pw-77");
  g_free (password);

  gtk_widget_set_visible (message, FALSE);
  g_signal_emit_by_name (password_row, "apply");
  vd_ui_test_wait_until (message_visible, message, 30000);
  password = vd_keyring_lookup_history_password_sync (NULL, &error);
  g_assert_no_error (error);
  g_assert_null (password);

  g_settings_reset (fixture.settings, "history-server-uri");
  fixture_close (&fixture);
}

int
main (int    argc,
      char **argv)
{
  int status;

  make_home ();
  /* The bus and the keyring first: GTK connects to the session bus as it starts. */
  keyring = vd_test_keyring_start ();
  vd_ui_test_init (&argc, &argv);

  g_test_add_func ("/preferences/save-and-show", test_save_and_show);
  g_test_add_func ("/preferences/check-good-and-rejected", test_check_good_and_rejected);
  g_test_add_func ("/preferences/bad-secret-refused", test_bad_secret_refused);
  g_test_add_func ("/preferences/remove", test_remove);
  g_test_add_func ("/preferences/import", test_import);
  g_test_add_func ("/preferences/service-settings", test_service_settings);
  g_test_add_func ("/preferences/desk-settings", test_desk_settings);
  g_test_add_func ("/preferences/history-server", test_history_server);
  g_test_add_func ("/preferences/dark", test_dark);
  g_test_add_func ("/preferences/locked", test_locked);

  status = g_test_run ();
  vd_test_keyring_stop (keyring);
  remove_home ();
  return status;
}
