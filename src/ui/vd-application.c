#define G_LOG_DOMAIN "vd-application"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "vd-application.h"
#include "vd-env-credentials.h"
#include "vd-window.h"

#define EXIT_AFTER_FIRST_FRAME "VERIFYDESK_EXIT_AFTER_FIRST_FRAME"

struct _VdApplication
{
  AdwApplication     parent_instance;

  GSettings         *settings;
  VdCloudauthClient *client;
  VdDesk            *desk;

  /* What the preferences dialog says about the credentials: the masked AccessKey ID in use
   * (never the secret), or why the environment's pair could not be used. */
  char              *access_key_id_masked;
  GError            *credentials_error;
};

G_DEFINE_FINAL_TYPE (VdApplication, vd_application, ADW_TYPE_APPLICATION)

typedef struct {
  const char *action;
  const char *accels[3];
} Accelerator;

static const Accelerator accelerators[] = {
  { "app.quit", { "<Primary>q", NULL } },
  { "app.preferences", { "<Primary>comma", NULL } },
  { "win.submit", { "<Primary>Return", "<Primary>KP_Enter", NULL } },
  { "win.cancel", { "Escape", NULL } },
  { "win.resubmit", { "<Primary>r", NULL } },
  { "win.next-customer", { "<Primary>n", NULL } },
  { "win.show-samples", { "<Primary>t", NULL } },
  { "win.show-form", { "<Alt>Left", NULL } },
  { "win.show-result", { "<Alt>Right", NULL } },
};

static gboolean
exits_after_first_frame (void)
{
  return g_strcmp0 (g_getenv (EXIT_AFTER_FIRST_FRAME), "1") == 0;
}

/* --- the client, configured from the settings --- */

static void
configure_client (VdApplication *self)
{
  g_autofree char *endpoint = g_settings_get_string (self->settings, "endpoint");
  g_autofree char *region = g_settings_get_string (self->settings, "region");
  g_autoptr(GError) error = NULL;
  guint connect_s = g_settings_get_uint (self->settings, "connect-timeout");
  guint read_s = g_settings_get_uint (self->settings, "read-timeout");

  /* A refused endpoint keeps the previous one: the settings' description says which are
   * accepted, and the client never talks plain HTTP to another computer. */
  if (!vd_cloudauth_client_set_endpoint (self->client, endpoint, &error))
    g_warning ("Endpoint “%s” from the settings refused: %s", endpoint, error->message);

  g_object_set (self->client, "region", region, NULL);
  vd_cloudauth_client_set_signature (self->client,
                                     g_settings_get_enum (self->settings, "signature-scheme"));
  vd_cloudauth_client_set_timeouts (self->client, connect_s * 1000, read_s * 1000);
}

/* Credentials from the environment; with none at all, training mode. A half-set pair is not
 * training: the operator meant to configure real keys, and every verification says what is
 * missing. */
static void
choose_mode (VdApplication *self)
{
  g_autoptr(VdCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = vd_env_credentials_lookup (&self->credentials_error);
  if (credentials != NULL)
    {
      self->access_key_id_masked =
        vd_credentials_mask_id (vd_credentials_get_access_key_id (credentials));
      vd_desk_set_credentials (self->desk, credentials);
      return;
    }

  if (self->credentials_error != NULL)
    return;

  if (!vd_desk_set_training (self->desk, TRUE, &error))
    {
      g_warning ("Training mode could not start: %s", error->message);
      self->credentials_error = g_steal_pointer (&error);
    }
}

/* --- actions --- */

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);
  GtkWidget *about = adw_about_window_new ();

  g_object_set (about,
                "transient-for", gtk_application_get_active_window (application),
                "modal", TRUE,
                "application-name", _("VerifyDesk"),
                "application-icon", APP_ID,
                "version", PACKAGE_VERSION,
                "developer-name", _("The VerifyDesk developers"),
                "comments", _("Identity verification at the service counter with Alibaba Cloud "
                              "Cloudauth. Without an AccessKey it runs in training mode."),
                "license-type", GTK_LICENSE_GPL_3_0,
                "website", "https://github.com/verifydesk/VerifyDesk",
                "issue-url", "https://github.com/verifydesk/VerifyDesk/issues",
                /* Translators: your names, one per line, to be credited in the About window */
                "translator-credits", _("translator-credits"),
                NULL);
  gtk_window_present (GTK_WINDOW (about));
}

/* What the credentials are now, in one sentence. */
static char *
describe_credentials (VdApplication *self)
{
  if (vd_desk_get_training (self->desk))
    return g_strdup (_("Now: training mode, because no AccessKey was found in the environment."));

  if (self->credentials_error != NULL)
    /* Translators: %s says what is wrong with the environment's AccessKey */
    return g_strdup_printf (_("Now: %s"), self->credentials_error->message);

  /* Translators: the masked AccessKey ID, then the service's address */
  return g_strdup_printf (_("Now: AccessKey %s from the environment, sending to %s."),
                          self->access_key_id_masked,
                          vd_cloudauth_client_get_endpoint (self->client));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  VdApplication *self = VD_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autofree char *where = NULL;
  g_autofree char *now = describe_credentials (self);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  /* Translators: the three %s are environment variable names, keep them as they are */
  where = g_strdup_printf (_("VerifyDesk reads the AccessKey from the environment variables %s "
                             "and %s, and an STS security token from %s. Set them before "
                             "starting VerifyDesk. Without them it runs in training mode: the "
                             "results are simulated and nothing is sent to Alibaba Cloud."),
                           VD_ENV_ACCESS_KEY_ID, VD_ENV_ACCESS_KEY_SECRET,
                           VD_ENV_SECURITY_TOKEN);
  body = g_strdup_printf ("%s\n\n%s", where, now);

  dialog = adw_message_dialog_new (parent, _("Credentials"), body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = quit_action },
  { .name = "about", .activate = about_action },
  { .name = "preferences", .activate = preferences_action },
};

/* --- the start-up benchmark's probe --- */

static void
on_first_frame_painted (GdkFrameClock *frame_clock,
                        VdApplication *self)
{
  g_signal_handlers_disconnect_by_func (frame_clock, on_first_frame_painted, self);

  printf ("%" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  fflush (stdout);
  g_application_quit (G_APPLICATION (self));
}

static void
on_window_mapped (GtkWidget     *window,
                  VdApplication *self)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (window), "after-paint",
                           G_CALLBACK (on_first_frame_painted), self, 0);
}

/* --- GApplication --- */

static void
vd_application_startup (GApplication *application)
{
  VdApplication *self = VD_APPLICATION (application);

  G_APPLICATION_CLASS (vd_application_parent_class)->startup (application);

  g_set_application_name (_("VerifyDesk"));
  gtk_window_set_default_icon_name (APP_ID);

  self->settings = g_settings_new (APP_ID);
  self->client = vd_cloudauth_client_new ();
  configure_client (self);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (configure_client), self,
                           G_CONNECT_SWAPPED);

  self->desk = vd_desk_new (self->client);
  choose_mode (self);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  for (guint i = 0; i < G_N_ELEMENTS (accelerators); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accelerators[i].action,
                                           accelerators[i].accels);
}

static void
vd_application_activate (GApplication *application)
{
  VdApplication *self = VD_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      window = GTK_WINDOW (vd_window_new (GTK_APPLICATION (self), self->desk));
      if (exits_after_first_frame ())
        g_signal_connect_object (window, "map", G_CALLBACK (on_window_mapped), self, 0);
    }

  gtk_window_present (window);
}

static void
vd_application_dispose (GObject *object)
{
  VdApplication *self = VD_APPLICATION (object);

  g_clear_object (&self->desk);
  g_clear_object (&self->client);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (vd_application_parent_class)->dispose (object);
}

static void
vd_application_finalize (GObject *object)
{
  VdApplication *self = VD_APPLICATION (object);

  g_clear_pointer (&self->access_key_id_masked, g_free);
  g_clear_error (&self->credentials_error);

  G_OBJECT_CLASS (vd_application_parent_class)->finalize (object);
}

static void
vd_application_class_init (VdApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = vd_application_dispose;
  object_class->finalize = vd_application_finalize;
  application_class->startup = vd_application_startup;
  application_class->activate = vd_application_activate;
}

static void
vd_application_init (VdApplication *self)
{
}

VdApplication *
vd_application_new (void)
{
  /* The benchmark's probe measures its own start, never a hand-over to a running instance. */
  GApplicationFlags flags = exits_after_first_frame () ? G_APPLICATION_NON_UNIQUE
                                                       : G_APPLICATION_DEFAULT_FLAGS;

  return g_object_new (VD_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", flags,
                       "resource-base-path", "/io/github/verifydesk/VerifyDesk",
                       NULL);
}

VdDesk *
vd_application_get_desk (VdApplication *self)
{
  g_return_val_if_fail (VD_IS_APPLICATION (self), NULL);

  return self->desk;
}
