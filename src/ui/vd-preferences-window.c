#define G_LOG_DOMAIN "vd-preferences-window"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vd-credential-check.h"
#include "vd-credential-import.h"
#include "vd-history.h"
#include "vd-keyring.h"
#include "vd-preferences-window.h"

struct _VdPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwEntryRow          *id_row;
  AdwPasswordEntryRow  *secret_row;
  AdwPasswordEntryRow  *token_row;
  GtkWidget            *save_button;
  GtkWidget            *import_button;
  AdwActionRow         *stored_row;
  GtkImage             *stored_icon;
  GtkWidget            *check_button;
  GtkWidget            *remove_button;
  AdwActionRow         *result_row;
  GtkImage             *result_icon;
  AdwEntryRow          *endpoint_row;
  GtkLabel             *endpoint_error;
  AdwEntryRow          *region_row;
  AdwEntryRow          *biz_type_row;
  AdwComboRow          *signature_row;
  GtkSpinButton        *connect_timeout_spin;
  GtkSpinButton        *read_timeout_spin;
  AdwEntryRow          *operator_row;
  AdwEntryRow          *history_server_row;
  AdwPasswordEntryRow  *history_password_row;
  GtkLabel             *history_server_message;
  GtkSwitch            *training_switch;

  VdDesk               *desk;
  GSettings            *settings;
  /* Cancelled in dispose: a keyring or network answer never reaches a disposed window. */
  GCancellable         *cancellable;
  /* The keyring holds an AccessKey (as last looked up). */
  gboolean              has_stored_key;
  /* A keyring call or a check is running: the buttons wait. */
  guint                 busy;
};

G_DEFINE_FINAL_TYPE (VdPreferencesWindow, vd_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_DESK,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* How a result is shown: an icon and a style class beside the words, never colour alone. */
typedef enum {
  RESULT_GOOD,
  RESULT_PROBLEM,
  RESULT_UNKNOWN,
  RESULT_WORKING,
} ResultKind;

static void refresh_stored_key (VdPreferencesWindow *self);

/* --- telling the administrator --- */

static void
show_result (VdPreferencesWindow *self,
             ResultKind           kind,
             const char          *title,
             const char          *message)
{
  static const struct { const char *icon; const char *style; } looks[] = {
    [RESULT_GOOD] = { "emblem-ok-symbolic", "success" },
    [RESULT_PROBLEM] = { "dialog-error-symbolic", "error" },
    [RESULT_UNKNOWN] = { "dialog-warning-symbolic", "warning" },
    [RESULT_WORKING] = { "content-loading-symbolic", "dim-label" },
  };
  GtkWidget *icon = GTK_WIDGET (self->result_icon);

  for (guint i = 0; i < G_N_ELEMENTS (looks); i++)
    gtk_widget_remove_css_class (icon, looks[i].style);
  gtk_image_set_from_icon_name (self->result_icon, looks[kind].icon);
  gtk_widget_add_css_class (icon, looks[kind].style);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->result_row), title);
  adw_action_row_set_subtitle (self->result_row, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->result_row), TRUE);
}

static void
mark_invalid (GtkWidget *row,
              gboolean   invalid)
{
  if (invalid)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
  gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID,
                               invalid ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);
}

static void
update_sensitivity (VdPreferencesWindow *self)
{
  const char *id = gtk_editable_get_text (GTK_EDITABLE (self->id_row));
  const char *secret = gtk_editable_get_text (GTK_EDITABLE (self->secret_row));
  gboolean idle = self->busy == 0;

  gtk_widget_set_sensitive (self->save_button, idle && *id != '\0' && *secret != '\0');
  gtk_widget_set_sensitive (self->import_button, idle);
  gtk_widget_set_sensitive (self->check_button, idle && (self->has_stored_key || *secret != '\0'));
  gtk_widget_set_sensitive (self->remove_button, idle && self->has_stored_key);
}

static void
begin_busy (VdPreferencesWindow *self)
{
  self->busy++;
  update_sensitivity (self);
}

static void
end_busy (VdPreferencesWindow *self)
{
  g_assert (self->busy > 0);
  self->busy--;
  update_sensitivity (self);
}

/* Overwrites a password row's text before it is cleared: GtkText keeps it in its buffer. */
static void
clear_secret_row (AdwPasswordEntryRow *row)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
  g_autofree char *blank = g_strnfill (strlen (text), ' ');

  if (*text == '\0')
    return;
  gtk_editable_set_text (GTK_EDITABLE (row), blank);
  gtk_editable_set_text (GTK_EDITABLE (row), "");
}

/* The ID, secret and token typed in, trimmed; NULL when the secret is empty. */
static VdCredentials *
credentials_from_fields (VdPreferencesWindow *self)
{
  g_autofree char *id = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->id_row))));
  char *secret = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->secret_row))));
  char *token = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->token_row))));
  VdCredentials *credentials = NULL;

  if (*secret != '\0')
    credentials = vd_credentials_new (id, secret, token);

  memset (secret, 0, strlen (secret));
  memset (token, 0, strlen (token));
  g_free (secret);
  g_free (token);
  return credentials;
}

/* --- the stored AccessKey --- */

static void
show_stored_key (VdPreferencesWindow *self,
                 VdCredentials       *credentials,
                 const GError        *error)
{
  g_autofree char *masked_id = NULL;
  g_autofree char *masked_secret = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  self->has_stored_key = credentials != NULL;
  gtk_widget_remove_css_class (GTK_WIDGET (self->stored_icon), "error");

  if (error != NULL)
    {
      gtk_image_set_from_icon_name (self->stored_icon, "dialog-error-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->stored_icon), "error");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->stored_row),
                                     g_error_matches (error, VD_KEYRING_ERROR,
                                                      VD_KEYRING_ERROR_LOCKED)
                                     ? _("The keyring is locked")
                                     : _("The keyring cannot be read"));
      adw_action_row_set_subtitle (self->stored_row, error->message);
    }
  else if (credentials == NULL)
    {
      gtk_image_set_from_icon_name (self->stored_icon, "dialog-password-symbolic");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->stored_row),
                                     _("No AccessKey is stored"));
      adw_action_row_set_subtitle (self->stored_row,
                                   _("Enter one above, or import one. Until then only training "
                                     "mode can verify."));
    }
  else
    {
      masked_id = vd_credentials_mask_id (vd_credentials_get_access_key_id (credentials));
      masked_secret = vd_keyring_mask_secret (vd_credentials_get_access_key_secret (credentials));
      subtitle = vd_credentials_get_security_token (credentials) != NULL
                 /* TRANSLATORS: %s is a masked secret such as “****XY (30 characters)”. */
                 ? g_strdup_printf (_("Secret %s, with an STS token"), masked_secret)
                 : g_strdup_printf (_("Secret %s, no STS token"), masked_secret);
      gtk_image_set_from_icon_name (self->stored_icon, "dialog-password-symbolic");
      /* TRANSLATORS: %s is a masked AccessKey ID such as “LTAI****wxyz”. */
      title = g_strdup_printf (_("AccessKey %s"), masked_id);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->stored_row), title);
      adw_action_row_set_subtitle (self->stored_row, subtitle);
    }

  update_sensitivity (self);
}

static void
on_stored_key_looked_up (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  VdPreferencesWindow *self = user_data;
  g_autoptr(VdCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = vd_keyring_lookup_credentials_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  end_busy (self);
  show_stored_key (self, credentials, error);
  if (credentials != NULL &&
      *gtk_editable_get_text (GTK_EDITABLE (self->id_row)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->id_row),
                           vd_credentials_get_access_key_id (credentials));
}

static void
refresh_stored_key (VdPreferencesWindow *self)
{
  begin_busy (self);
  vd_keyring_lookup_credentials_async (self->cancellable, on_stored_key_looked_up, self);
}

/* --- save --- */

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  VdPreferencesWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  vd_keyring_store_credentials_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  end_busy (self);
  if (error != NULL)
    {
      show_result (self, RESULT_PROBLEM, _("Not saved"), error->message);
      mark_invalid (GTK_WIDGET (self->id_row),
                    g_error_matches (error, VD_KEYRING_ERROR, VD_KEYRING_ERROR_INVALID_ID));
      mark_invalid (GTK_WIDGET (self->secret_row),
                    g_error_matches (error, VD_KEYRING_ERROR, VD_KEYRING_ERROR_INVALID_SECRET));
      mark_invalid (GTK_WIDGET (self->token_row),
                    g_error_matches (error, VD_KEYRING_ERROR, VD_KEYRING_ERROR_INVALID_TOKEN));
      return;
    }

  clear_secret_row (self->secret_row);
  clear_secret_row (self->token_row);
  show_result (self, RESULT_GOOD, _("Saved in the keyring"),
               _("Verifications use this AccessKey unless the environment sets one."));
  refresh_stored_key (self);
}

static void
save_credentials (VdPreferencesWindow *self,
                  VdCredentials       *credentials)
{
  begin_busy (self);
  vd_keyring_store_credentials_async (credentials, self->cancellable, on_saved, self);
}

static void
on_save_clicked (VdPreferencesWindow *self)
{
  g_autoptr(VdCredentials) credentials = credentials_from_fields (self);

  if (credentials == NULL)
    return;
  save_credentials (self, credentials);
}

static void
on_key_field_changed (VdPreferencesWindow *self)
{
  mark_invalid (GTK_WIDGET (self->id_row), FALSE);
  mark_invalid (GTK_WIDGET (self->secret_row), FALSE);
  mark_invalid (GTK_WIDGET (self->token_row), FALSE);
  update_sensitivity (self);
}

/* --- check --- */

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  VdPreferencesWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  VdCredentialCheck check;

  check = vd_credential_check_finish (result, &message, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  end_busy (self);
  switch (check)
    {
    case VD_CREDENTIAL_CHECK_GOOD:
      show_result (self, RESULT_GOOD, _("The AccessKey works"), message);
      break;
    case VD_CREDENTIAL_CHECK_REJECTED:
      show_result (self, RESULT_PROBLEM, _("The AccessKey was rejected"), message);
      break;
    case VD_CREDENTIAL_CHECK_UNCHECKED:
    default:
      show_result (self, RESULT_UNKNOWN, _("Not checked"), message);
      break;
    }
}

static void
check_credentials (VdPreferencesWindow *self,
                   VdCredentials       *credentials)
{
  show_result (self, RESULT_WORKING, _("Checking…"), NULL);
  vd_credential_check_async (vd_desk_get_client (self->desk), credentials, self->cancellable,
                             on_checked, self);
}

static void
on_key_for_check (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  VdPreferencesWindow *self = user_data;
  g_autoptr(VdCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = vd_keyring_lookup_credentials_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (credentials == NULL)
    {
      end_busy (self);
      show_result (self, RESULT_PROBLEM, _("Nothing to check"),
                   error != NULL ? error->message : _("No AccessKey is stored."));
      return;
    }
  check_credentials (self, credentials);
}

/* Checks the AccessKey typed in when there is a secret in the field, else the stored one. */
static void
on_check_clicked (VdPreferencesWindow *self)
{
  g_autoptr(VdCredentials) typed = credentials_from_fields (self);
  g_autoptr(GError) error = NULL;

  if (typed != NULL &&
      !vd_keyring_check_credentials (vd_credentials_get_access_key_id (typed),
                                     vd_credentials_get_access_key_secret (typed),
                                     vd_credentials_get_security_token (typed), &error))
    {
      show_result (self, RESULT_PROBLEM, _("Not checked"), error->message);
      return;
    }

  begin_busy (self);
  if (typed != NULL)
    check_credentials (self, typed);
  else
    vd_keyring_lookup_credentials_async (self->cancellable, on_key_for_check, self);
}

/* --- remove --- */

static void
on_removed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  VdPreferencesWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean removed = FALSE;

  vd_keyring_clear_credentials_finish (result, &removed, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  end_busy (self);
  if (error != NULL)
    show_result (self, RESULT_PROBLEM, _("Not removed"), error->message);
  else
    {
      gtk_editable_set_text (GTK_EDITABLE (self->id_row), "");
      show_result (self, RESULT_GOOD, _("Removed from the keyring"),
                   removed ? _("Verifications need another AccessKey, or training mode.")
                           : _("There was no AccessKey to remove."));
    }
  refresh_stored_key (self);
}

static void
on_remove_clicked (VdPreferencesWindow *self)
{
  begin_busy (self);
  vd_keyring_clear_credentials_async (self->cancellable, on_removed, self);
}

/* --- import --- */

typedef struct {
  VdPreferencesWindow *self;
  GPtrArray           *candidates;
  GPtrArray           *choices;   /* GtkCheckButton, one per candidate */
} ImportChoice;

static void
import_choice_free (gpointer  data,
                    GClosure *closure)
{
  ImportChoice *choice = data;

  g_ptr_array_unref (choice->candidates);
  g_ptr_array_unref (choice->choices);
  g_free (choice);
}

static void
on_import_response (AdwMessageDialog *dialog,
                    const char       *response,
                    ImportChoice     *choice)
{
  VdPreferencesWindow *self = choice->self;

  if (g_strcmp0 (response, "import") != 0)
    return;

  for (guint i = 0; i < choice->choices->len; i++)
    {
      VdCredentialCandidate *candidate = g_ptr_array_index (choice->candidates, i);

      if (!gtk_check_button_get_active (g_ptr_array_index (choice->choices, i)))
        continue;
      gtk_editable_set_text (GTK_EDITABLE (self->id_row),
                             vd_credentials_get_access_key_id (candidate->credentials));
      save_credentials (self, candidate->credentials);
      return;
    }
}

static GtkWidget *
candidate_row (VdCredentialCandidate *candidate,
               GtkCheckButton        *group,
               GtkCheckButton       **check_out)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();
  g_autofree char *subtitle = NULL;

  subtitle = candidate->has_token
             /* TRANSLATORS: %s is a masked AccessKey ID. */
             ? g_strdup_printf (_("AccessKey %s, with an STS token"), candidate->masked_id)
             : g_strdup_printf (_("AccessKey %s"), candidate->masked_id);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), candidate->description);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  if (group != NULL)
    gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);

  *check_out = GTK_CHECK_BUTTON (check);
  return row;
}

static GtkWidget *
import_dialog_new (VdPreferencesWindow  *self,
                   GPtrArray            *candidates,
                   char                **problems,
                   ImportChoice        **choice_out)
{
  GtkWidget *dialog;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *list = gtk_list_box_new ();
  ImportChoice *choice = g_new0 (ImportChoice, 1);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Import an AccessKey"),
                                   candidates->len > 0
                                   ? _("Choose the AccessKey to store in the keyring. The "
                                       "file or variable it came from is left as it is.")
                                   : _("No AccessKey was found in the environment, "
                                       "~/.aliyun/config.json or ~/.alibabacloud/credentials."));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"));
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  choice->self = self;
  choice->candidates = g_ptr_array_ref (candidates);
  choice->choices = g_ptr_array_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint i = 0; i < candidates->len; i++)
    {
      GtkCheckButton *check;
      GtkWidget *row = candidate_row (g_ptr_array_index (candidates, i),
                                      choice->choices->len > 0
                                      ? g_ptr_array_index (choice->choices, 0) : NULL,
                                      &check);

      gtk_check_button_set_active (check, i == 0);
      g_ptr_array_add (choice->choices, check);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  if (candidates->len > 0)
    {
      gtk_box_append (GTK_BOX (box), list);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "import", _("_Import"));
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "import",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "import");
    }

  for (guint i = 0; problems != NULL && problems[i] != NULL; i++)
    {
      GtkWidget *label = gtk_label_new (problems[i]);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (box), label);
    }

  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_import_response), choice,
                         import_choice_free, 0);
  *choice_out = choice;
  return dialog;
}

static void
on_candidates_found (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  VdPreferencesWindow *self = user_data;
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) problems = NULL;
  ImportChoice *choice;
  GtkWidget *dialog;

  candidates = vd_credential_import_find_finish (result, &problems, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  end_busy (self);
  dialog = import_dialog_new (self, candidates, problems, &choice);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_import_clicked (VdPreferencesWindow *self)
{
  begin_busy (self);
  vd_credential_import_find_async (NULL, self->cancellable, on_candidates_found, self);
}

/* --- the service settings --- */

static void
on_endpoint_apply (VdPreferencesWindow *self)
{
  g_autoptr(VdCloudauthClient) probe = vd_cloudauth_client_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *endpoint =
    g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->endpoint_row))));

  /* The client is the judge of what it accepts: https, or http to this computer only. */
  if (!vd_cloudauth_client_set_endpoint (probe, endpoint, &error))
    {
      mark_invalid (GTK_WIDGET (self->endpoint_row), TRUE);
      gtk_label_set_text (self->endpoint_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->endpoint_error), TRUE);
      return;
    }

  mark_invalid (GTK_WIDGET (self->endpoint_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->endpoint_error), FALSE);
  g_settings_set_string (self->settings, "endpoint", endpoint);
}

static void
apply_trimmed (VdPreferencesWindow *self,
               AdwEntryRow         *row,
               const char          *key)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (*text == '\0')
    {
      mark_invalid (GTK_WIDGET (row), TRUE);
      return;
    }
  mark_invalid (GTK_WIDGET (row), FALSE);
  g_settings_set_string (self->settings, key, text);
}

static void
on_region_apply (VdPreferencesWindow *self)
{
  apply_trimmed (self, self->region_row, "region");
}

static void
on_biz_type_apply (VdPreferencesWindow *self)
{
  apply_trimmed (self, self->biz_type_row, "biz-type");
}

static gboolean
signature_from_setting (GValue   *value,
                        GVariant *variant,
                        gpointer  user_data)
{
  g_value_set_uint (value, g_strcmp0 (g_variant_get_string (variant, NULL), "v1") == 0 ? 1 : 0);
  return TRUE;
}

static GVariant *
signature_to_setting (const GValue       *value,
                      const GVariantType *expected_type,
                      gpointer            user_data)
{
  return g_variant_new_string (g_value_get_uint (value) == 1 ? "v1" : "v3");
}

static gboolean
seconds_from_setting (GValue   *value,
                      GVariant *variant,
                      gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_uint32 (variant));
  return TRUE;
}

static GVariant *
seconds_to_setting (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  return g_variant_new_uint32 ((guint32) g_value_get_double (value));
}

static void
bind_settings (VdPreferencesWindow *self)
{
  g_autofree char *endpoint = g_settings_get_string (self->settings, "endpoint");
  g_autofree char *region = g_settings_get_string (self->settings, "region");
  g_autofree char *biz_type = g_settings_get_string (self->settings, "biz-type");
  g_autofree char *history_server = g_settings_get_string (self->settings,
                                                           "history-server-uri");

  /* Texts are applied on Enter or the check mark, after a check; the rest at once. */
  gtk_editable_set_text (GTK_EDITABLE (self->endpoint_row), endpoint);
  gtk_editable_set_text (GTK_EDITABLE (self->region_row), region);
  gtk_editable_set_text (GTK_EDITABLE (self->biz_type_row), biz_type);

  g_settings_bind_with_mapping (self->settings, "signature-scheme", self->signature_row,
                                "selected", G_SETTINGS_BIND_DEFAULT,
                                signature_from_setting, signature_to_setting, NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "connect-timeout",
                                gtk_spin_button_get_adjustment (self->connect_timeout_spin),
                                "value", G_SETTINGS_BIND_DEFAULT,
                                seconds_from_setting, seconds_to_setting, NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "read-timeout",
                                gtk_spin_button_get_adjustment (self->read_timeout_spin),
                                "value", G_SETTINGS_BIND_DEFAULT,
                                seconds_from_setting, seconds_to_setting, NULL, NULL);
  g_settings_bind (self->settings, "operator-name", self->operator_row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "training-mode", self->training_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  gtk_editable_set_text (GTK_EDITABLE (self->history_server_row), history_server);
}

/* --- the history server --- */

/* Overwrites then frees; the volatile stores cannot be dropped as dead before the free. */
static void
wipe_password (char *password)
{
  if (password == NULL)
    return;
  for (volatile char *p = password; *p != '\0'; p++)
    *p = '\0';
  g_free (password);
}

static void
show_history_server_message (VdPreferencesWindow *self,
                             const char          *message,
                             gboolean             is_error)
{
  gtk_label_set_text (self->history_server_message, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->history_server_message), message != NULL);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->history_server_message), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->history_server_message), "error");
}

static void
report_history_password (VdPreferencesWindow *self,
                         GAsyncResult        *result,
                         const char          *done_message)
{
  g_autoptr(GError) error = NULL;

  if (vd_keyring_store_history_password_finish (result, &error))
    show_history_server_message (self, done_message, FALSE);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_history_server_message (self, error->message, TRUE);
}

static void
on_history_password_stored (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  /* Cancelled in dispose: then user_data is not touched. */
  if (g_task_had_error (G_TASK (result)) &&
      g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  report_history_password (user_data, result,
                           _("The server’s password is kept in the keyring. VerifyDesk uses it "
                             "from its next start."));
}

static void
on_history_password_removed (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  if (g_task_had_error (G_TASK (result)) &&
      g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  report_history_password (user_data, result,
                           _("The server’s password was removed from the keyring."));
}

static void
store_history_password (VdPreferencesWindow *self,
                        const char          *password)
{
  gboolean removing = password == NULL || *password == '\0';

  vd_keyring_store_history_password_async (password, self->cancellable,
                                           removing ? on_history_password_removed
                                                    : on_history_password_stored,
                                           self);
}

/* What is typed may hold a password: it goes to the keyring, and settings keep the rest. */
static void
on_history_server_apply (VdPreferencesWindow *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (
                                        GTK_EDITABLE (self->history_server_row))));
  g_autofree char *without_password = NULL;
  g_autoptr(GError) error = NULL;
  char *password = NULL;

  if (!vd_history_server_uri_split (text, &without_password, &password, &error))
    {
      mark_invalid (GTK_WIDGET (self->history_server_row), TRUE);
      show_history_server_message (self, error->message, TRUE);
      return;
    }

  mark_invalid (GTK_WIDGET (self->history_server_row), FALSE);
  g_settings_set_string (self->settings, "history-server-uri", without_password);
  gtk_editable_set_text (GTK_EDITABLE (self->history_server_row), without_password);
  if (password != NULL)
    {
      store_history_password (self, password);
      wipe_password (password);
      return;
    }
  show_history_server_message (self, *without_password == '\0'
                                     ? _("The history stays on this computer from the next "
                                         "start.")
                                     : _("VerifyDesk uses this server from its next start."),
                               FALSE);
}

static void
on_history_password_apply (VdPreferencesWindow *self)
{
  char *password = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->history_password_row)));

  /* An empty password removes the stored one. */
  store_history_password (self, password);
  wipe_password (password);
  clear_secret_row (self->history_password_row);
}

/* --- the object --- */

static void
vd_preferences_window_constructed (GObject *object)
{
  VdPreferencesWindow *self = VD_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (vd_preferences_window_parent_class)->constructed (object);

  g_assert (self->desk != NULL && self->settings != NULL);
  bind_settings (self);
  refresh_stored_key (self);
}

static void
vd_preferences_window_dispose (GObject *object)
{
  VdPreferencesWindow *self = VD_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->secret_row != NULL)
    {
      clear_secret_row (self->secret_row);
      clear_secret_row (self->token_row);
    }
  gtk_widget_dispose_template (GTK_WIDGET (object), VD_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->desk);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (vd_preferences_window_parent_class)->dispose (object);
}

static void
vd_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  VdPreferencesWindow *self = VD_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DESK:
      self->desk = g_value_dup_object (value);
      break;

    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vd_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  VdPreferencesWindow *self = VD_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DESK:
      g_value_set_object (value, self->desk);
      break;

    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vd_preferences_window_class_init (VdPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vd_preferences_window_constructed;
  object_class->dispose = vd_preferences_window_dispose;
  object_class->get_property = vd_preferences_window_get_property;
  object_class->set_property = vd_preferences_window_set_property;

  properties[PROP_DESK] =
    g_param_spec_object ("desk", NULL, NULL, VD_TYPE_DESK,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/verifydesk/VerifyDesk/"
                                               "vd-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VdPreferencesWindow, id_row);
  gtk_widget_class_bind_template_child (widget_class, VdPreferencesWindow, secret_row);
  gtk_widget_class_bind_template_child (widget_class, VdPreferencesWindow, token_row);
  gtk_widget_class_bind_template_child (widget_class, VdPreferencesWindow, save_button);
  gtk_widget_class_bind_template_child (widget_class, VdPreferencesWindow, import_button);
  gtk_widget_class_bind_template_child (widget_class, VdPreferencesWindow, stored_row);
  gtk_widget_class_bind_template_child (widget_class, VdPreferencesWindow, stored_icon);
  gtk_widget_class_bind_template_child (widget_class, VdPreferencesWindow, check_button);
  gtk_widget_class_bind_template_child (widget_class, VdPreferencesWindow, remove_button);
  gtk_widget_class_bind_template_child (widget_class, VdPreferencesWindow, result_row);
  gtk_widget_class_bind_template_child (widget_class, VdPreferencesWindow, result_icon);
  gtk_widget_class_bind_template_child (widget_class, VdPreferencesWindow, endpoint_row);
  gtk_widget_class_bind_template_child (widget_class, VdPreferencesWindow, endpoint_error);
  gtk_widget_class_bind_template_child (widget_class, VdPreferencesWindow, region_row);
  gtk_widget_class_bind_template_child (widget_class, VdPreferencesWindow, biz_type_row);
  gtk_widget_class_bind_template_child (widget_class, VdPreferencesWindow, signature_row);
  gtk_widget_class_bind_template_child (widget_class, VdPreferencesWindow, connect_timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, VdPreferencesWindow, read_timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, VdPreferencesWindow, operator_row);
  gtk_widget_class_bind_template_child (widget_class, VdPreferencesWindow, training_switch);
  gtk_widget_class_bind_template_child (widget_class, VdPreferencesWindow, history_server_row);
  gtk_widget_class_bind_template_child (widget_class, VdPreferencesWindow,
                                        history_password_row);
  gtk_widget_class_bind_template_child (widget_class, VdPreferencesWindow,
                                        history_server_message);
  gtk_widget_class_bind_template_callback (widget_class, on_key_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_check_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_import_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_endpoint_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_region_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_biz_type_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_history_server_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_history_password_apply);
}

static void
vd_preferences_window_init (VdPreferencesWindow *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
vd_preferences_window_new (GtkWindow *parent,
                           VdDesk    *desk,
                           GSettings *settings)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VD_IS_DESK (desk), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (VD_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "desk", desk,
                       "settings", settings,
                       NULL);
}
