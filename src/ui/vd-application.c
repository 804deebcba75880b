#define G_LOG_DOMAIN "vd-application"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <stdlib.h>

#include "vd-application.h"
#include "vd-env-credentials.h"
#include "vd-history-window.h"
#include "vd-keyring.h"
#include "vd-preferences-window.h"
#include "vd-window.h"

#define EXIT_AFTER_FIRST_FRAME "VERIFYDESK_EXIT_AFTER_FIRST_FRAME"

struct _VdApplication
{
  AdwApplication     parent_instance;

  GSettings         *settings;
  VdCloudauthClient *client;
  VdDesk            *desk;

  /* Why the desk is in training mode, for the window's bar; NULL when it is not. */
  char              *training_reason;
  GCancellable      *keyring_lookup;

  VdHistory         *history;
  guint              purge_source;

  /* --training: training mode whatever the settings and credentials say. */
  gboolean           forced_training;
  /* --history: open the history window with the main window. */
  gboolean           open_history_at_start;
};

#define PURGE_INTERVAL_S (24 * 60 * 60)

G_DEFINE_FINAL_TYPE (VdApplication, vd_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_TRAINING_REASON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct {
  const char *action;
  const char *accels[3];
} Accelerator;

static const Accelerator accelerators[] = {
  { "app.quit", { "<Primary>q", NULL } },
  { "app.preferences", { "<Primary>comma", NULL } },
  { "app.history", { "<Primary>h", NULL } },
  { "win.submit", { "<Primary>Return", "<Primary>KP_Enter", NULL } },
  { "win.cancel", { "Escape", NULL } },
  { "win.resubmit", { "<Primary>r", NULL } },
  { "win.next-customer", { "<Primary>n", NULL } },
  { "win.show-samples", { "<Primary>t", NULL } },
  { "win.show-form", { "<Alt>Left", NULL } },
  { "win.show-result", { "<Alt>Right", NULL } },
  { "win.show-help-overlay", { "<Primary>question", NULL } },
};

/* The longest the store waits for the first frame (a window that never draws, say). */
#define HISTORY_HOLD_MAX_MS 2000

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

static void
set_training (VdApplication *self,
              gboolean       training,
              const char    *reason)
{
  g_autoptr(GError) error = NULL;

  if (!vd_desk_set_training (self->desk, training, &error))
    {
      /* The simulator could not listen on 127.0.0.1: stay out of training, and every
       * verification says there is no AccessKey. */
      g_warning ("Training mode could not start: %s", error->message);
      training = FALSE;
    }

  if (g_strcmp0 (self->training_reason, training ? reason : NULL) == 0)
    return;
  g_free (self->training_reason);
  self->training_reason = training ? g_strdup (reason) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRAINING_REASON]);
}

static void
on_keyring_looked_up (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(VdApplication) self = user_data;
  g_autoptr(VdCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;

  credentials = vd_keyring_lookup_credentials_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->keyring_lookup);

  if (credentials != NULL)
    {
      /* The desk looks the key up in the keyring itself at each verification, so a key
       * replaced in Preferences is used at once. */
      set_training (self, FALSE, NULL);
      return;
    }

  if (error != NULL)
    /* Translators: %s says what is wrong with the keyring and what to do */
    reason = g_strdup_printf (_("%s VerifyDesk stays in training mode until then."),
                              error->message);
  else
    reason = g_strdup (_("No AccessKey is configured: add one in Preferences (Ctrl+,) to verify "
                         "for real."));
  set_training (self, TRUE, reason);
}

/* Training when Preferences says so; else the environment's key pair; else the keyring's. Until
 * the keyring answers (it is asked asynchronously) the desk stays in training mode, so nothing
 * is ever sent for real by accident. A half-set pair in the environment is not training: the
 * operator meant to configure real keys, and every verification says what is missing. */
static void
choose_mode (VdApplication *self)
{
  g_autoptr(VdCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (self->keyring_lookup);
  g_clear_object (&self->keyring_lookup);

  if (self->forced_training)
    {
      vd_desk_set_credentials (self->desk, NULL);
      set_training (self, TRUE, _("VerifyDesk was started with --training: results are "
                                  "simulated and nothing reaches Alibaba Cloud."));
      return;
    }

  if (g_settings_get_boolean (self->settings, "training-mode"))
    {
      vd_desk_set_credentials (self->desk, NULL);
      set_training (self, TRUE, _("Training mode is switched on in Preferences."));
      return;
    }

  credentials = vd_env_credentials_lookup (&error);
  if (credentials != NULL || error != NULL)
    {
      vd_desk_set_credentials (self->desk, credentials);
      set_training (self, FALSE, NULL);
      return;
    }

  vd_desk_set_credentials (self->desk, NULL);
  if (!vd_desk_get_training (self->desk))
    set_training (self, TRUE, _("Looking for an AccessKey in the keyring…"));
  self->keyring_lookup = g_cancellable_new ();
  vd_keyring_lookup_credentials_async (self->keyring_lookup, on_keyring_looked_up,
                                       g_object_ref (self));
}

/* --- the history --- */

static void
on_purged (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!vd_history_purge_finish (VD_HISTORY (source), result, NULL, &error))
    g_warning ("The history could not remove old records: %s", error->message);
}

/* Records older than the retention period go, at start and then daily; each purge is itself
 * logged in the store. */
static gboolean
purge_history (gpointer user_data)
{
  VdApplication *self = user_data;

  vd_history_purge_async (self->history, g_settings_get_uint (self->settings, "retention-days"),
                          NULL, on_purged, NULL);
  return G_SOURCE_CONTINUE;
}

/* The desk records through a journal that carries this counter's operator and desk names and
 * the "keep full ID numbers" preference; rebuilt when they change. */
static void
attach_history (VdApplication *self)
{
  g_autoptr(VdDeskJournal) journal = vd_desk_journal_new_from_settings (self->history,
                                                                       self->settings);

  vd_desk_set_journal (self->desk, journal);
}

/* A damaged file moved aside, or verifications a crash left without an answer: the operator
 * is told once, at start. */
static void
tell_about_history (VdApplication *self,
                    const char    *heading,
                    const char    *body)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_history_opened (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VdApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  const char *message;

  if (!vd_history_open_finish (VD_HISTORY (source), result, &error))
    {
      /* Every verification now says it cannot be recorded and is not sent. */
      tell_about_history (self, _("The History Cannot Be Opened"), error->message);
      return;
    }

  message = vd_history_get_open_message (self->history);
  if (message != NULL && !exits_after_first_frame ())
    tell_about_history (self, _("History"), message);

  purge_history (self);
  self->purge_source = g_timeout_add_seconds (PURGE_INTERVAL_S, purge_history, self);
}

static void
open_history (VdApplication *self)
{
  g_autofree char *server = g_settings_get_string (self->settings, "history-server-uri");

  self->history = vd_history_new (NULL);
  /* Opening the store (its integrity check, the start-up purge) waits until the counter window
   * has drawn: on a 2-core counter PC the worker otherwise takes a core from the first frame
   * (bench-startup: ~10 ms of ~110 from activate to frame). Calls queue meanwhile. */
  vd_history_hold (self->history, HISTORY_HOLD_MAX_MS);
  /* The password comes from the keyring, read by the history's worker off the main loop. */
  vd_history_set_server (self->history, server, NULL);
  /* Calls queue behind the open, so the desk records from the first verification on. */
  vd_history_open_async (self->history, NULL, on_history_opened, g_object_ref (self));
  attach_history (self);
  g_signal_connect_object (self->settings, "changed::operator-name",
                           G_CALLBACK (attach_history), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::desk-name",
                           G_CALLBACK (attach_history), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::keep-full-id-numbers",
                           G_CALLBACK (attach_history), self, G_CONNECT_SWAPPED);
}

/* --- actions --- */

static void
history_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  VdApplication *self = VD_APPLICATION (user_data);
  GtkWidget *window;

  /* Started with --history, the list should not wait for the counter window's first frame. */
  vd_history_release (self->history);

  /* One history window: a second Ctrl+H brings it back. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (VD_IS_HISTORY_WINDOW (l->data))
        {
          gtk_window_present (GTK_WINDOW (l->data));
          return;
        }
    }

  window = vd_history_window_new (GTK_APPLICATION (self), vd_desk_get_journal (self->desk));
  gtk_window_present (GTK_WINDOW (window));
}

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

static void
on_preferences_closed (VdApplication *self)
{
  /* A key stored or removed, or training switched, takes effect at once. */
  choose_mode (self);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  VdApplication *self = VD_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *preferences = vd_preferences_window_new (parent, self->desk, self->settings);

  g_signal_connect_object (preferences, "destroy", G_CALLBACK (on_preferences_closed), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (preferences));
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = quit_action },
  { .name = "about", .activate = about_action },
  { .name = "preferences", .activate = preferences_action },
  { .name = "history", .activate = history_action },
};

/* --- the command line --- */

static const GOptionEntry option_entries[] = {
  { "version", 'v', G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { "training", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Start in training mode: verify against the built-in simulator whatever AccessKey is "
       "configured"), NULL },
  { "history", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Open the verification history (a supervisor PIN may be asked)"), NULL },
  { NULL }
};

/* Runs in the process that was started, before it becomes the app or hands over to the one
 * already running. */
static int
vd_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  VdApplication *self = VD_APPLICATION (application);
  g_autoptr(GError) error = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      printf ("verifydesk %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  self->forced_training = g_variant_dict_contains (options, "training");
  self->open_history_at_start = g_variant_dict_contains (options, "history");
  if (!self->forced_training && !self->open_history_at_start)
    return -1;

  if (!g_application_register (application, NULL, &error))
    {
      g_printerr ("verifydesk: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (!g_application_get_is_remote (application))
    return -1;

  /* The running VerifyDesk keeps the mode it chose at its start. */
  if (self->forced_training)
    {
      g_printerr ("verifydesk: %s\n", _("VerifyDesk is already running: quit it first to start "
                                         "it in training mode."));
      return EXIT_FAILURE;
    }
  g_action_group_activate_action (G_ACTION_GROUP (application), "history", NULL);
  return EXIT_SUCCESS;
}

/* --- the first frame: the held store starts; the start-up benchmark's probe --- */

static void
on_first_frame_painted (GdkFrameClock *frame_clock,
                        VdApplication *self)
{
  g_signal_handlers_disconnect_by_func (frame_clock, on_first_frame_painted, self);

  vd_history_release (self->history);

  if (exits_after_first_frame ())
    {
      printf ("%" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
      fflush (stdout);
      g_application_quit (G_APPLICATION (self));
    }
}

static void
on_window_mapped (GtkWidget     *window,
                  VdApplication *self)
{
  g_signal_handlers_disconnect_by_func (window, on_window_mapped, self);
  g_signal_connect_object (gtk_widget_get_frame_clock (window), "after-paint",
                           G_CALLBACK (on_first_frame_painted), self, 0);
}

/* --- the icon theme, loaded on another core --- */

static void
load_icon_theme_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  /* Any lookup loads the theme; GtkIconTheme allows lookups from other threads. */
  gtk_icon_theme_has_icon (GTK_ICON_THEME (source_object), APP_ID);
  g_task_return_boolean (task, TRUE);
}

/* GTK starts loading the display's icon theme in a thread when the theme is created, but the
 * resource paths that GtkApplication and libadwaita add during start-up each discard what was
 * loaded, and the window's first icon then loaded the whole theme again on the main thread
 * (~15 ms of the first frame here). Loading it once more now, after those changes, keeps that
 * off the main thread while the window is built. */
static void
load_icon_theme_in_thread (void)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());
  g_autoptr(GTask) task = g_task_new (theme, NULL, NULL, NULL);

  g_task_run_in_thread (task, load_icon_theme_thread);
}

/* --- GApplication --- */

static void
vd_application_startup (GApplication *application)
{
  VdApplication *self = VD_APPLICATION (application);

  G_APPLICATION_CLASS (vd_application_parent_class)->startup (application);
  load_icon_theme_in_thread ();

  g_set_application_name (_("VerifyDesk"));
  gtk_window_set_default_icon_name (APP_ID);

  self->settings = g_settings_new (APP_ID);
  self->client = vd_cloudauth_client_new ();
  configure_client (self);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (configure_client), self,
                           G_CONNECT_SWAPPED);

  self->desk = vd_desk_new (self->client);
  open_history (self);
  choose_mode (self);
  g_signal_connect_object (self->settings, "changed::training-mode", G_CALLBACK (choose_mode),
                           self, G_CONNECT_SWAPPED);

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
    window = GTK_WINDOW (vd_window_new (GTK_APPLICATION (self), self->desk));

  gtk_window_present (window);

  if (self->open_history_at_start)
    {
      self->open_history_at_start = FALSE;
      g_action_group_activate_action (G_ACTION_GROUP (self), "history", NULL);
    }
}

static void
vd_application_dispose (GObject *object)
{
  VdApplication *self = VD_APPLICATION (object);

  g_cancellable_cancel (self->keyring_lookup);
  g_clear_object (&self->keyring_lookup);
  g_clear_handle_id (&self->purge_source, g_source_remove);
  g_clear_object (&self->desk);
  g_clear_object (&self->history);
  g_clear_object (&self->client);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (vd_application_parent_class)->dispose (object);
}

static void
vd_application_finalize (GObject *object)
{
  VdApplication *self = VD_APPLICATION (object);

  g_clear_pointer (&self->training_reason, g_free);

  G_OBJECT_CLASS (vd_application_parent_class)->finalize (object);
}

static void
vd_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VdApplication *self = VD_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_TRAINING_REASON:
      g_value_set_string (value, self->training_reason);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Every window's first frame is watched: the counter window's, or a test's window. */
static void
vd_application_window_added (GtkApplication *application,
                             GtkWindow      *window)
{
  GTK_APPLICATION_CLASS (vd_application_parent_class)->window_added (application, window);

  g_signal_connect_object (window, "map", G_CALLBACK (on_window_mapped), application, 0);
}

static void
vd_application_class_init (VdApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->get_property = vd_application_get_property;
  object_class->dispose = vd_application_dispose;
  object_class->finalize = vd_application_finalize;
  application_class->startup = vd_application_startup;
  application_class->activate = vd_application_activate;
  application_class->handle_local_options = vd_application_handle_local_options;
  GTK_APPLICATION_CLASS (klass)->window_added = vd_application_window_added;

  properties[PROP_TRAINING_REASON] =
    g_param_spec_string ("training-reason", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vd_application_init (VdApplication *self)
{
  GApplication *application = G_APPLICATION (self);

  g_application_add_main_option_entries (application, option_entries);
  g_application_set_option_context_parameter_string (application, _("— identity verification at "
                                                                    "the service counter"));
  g_application_set_option_context_summary (application,
                                            _("Without an AccessKey in the keyring or the "
                                              "environment, VerifyDesk starts in training mode. "
                                              "The command line for scripts is verifydesk-cli."));
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

/* Why the desk is in training mode, in one sentence for the window's bar; NULL when it is not. */
const char *
vd_application_get_training_reason (VdApplication *self)
{
  g_return_val_if_fail (VD_IS_APPLICATION (self), NULL);

  return self->training_reason;
}
