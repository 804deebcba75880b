/* verifydesk's own options, through g_application_run as main.c calls it: --training puts the
 * desk in training mode even with an AccessKey in the environment, and says why; without it
 * that key is used; --history opens the history window beside the counter window. Each case
 * runs in a subprocess of its own, as the app runs once per process, with a time limit. */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "vd-application.h"
#include "vd-history-window.h"
#include "vd-test-util.h"
#include "vd-ui-test-util.h"
#include "vd-window.h"

#define RUN_LIMIT_S 30

typedef struct {
  gboolean  activated;
  gboolean  training;
  char     *training_reason;
  gboolean  has_counter_window;
  gboolean  has_history_window;
} Started;

static gboolean
give_up (gpointer data)
{
  g_error ("verifydesk did not start within %d s", RUN_LIMIT_S / 2);
  return G_SOURCE_REMOVE;
}

/* Runs after the application's own activate: notes what it set up, then quits. */
static void
on_activated (GApplication *application,
              Started      *started)
{
  VdApplication *self = VD_APPLICATION (application);

  started->activated = TRUE;
  started->training = vd_desk_get_training (vd_application_get_desk (self));
  started->training_reason = g_strdup (vd_application_get_training_reason (self));
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (application)); l; l = l->next)
    {
      started->has_counter_window |= VD_IS_WINDOW (l->data);
      started->has_history_window |= VD_IS_HISTORY_WINDOW (l->data);
    }

  g_application_quit (application);
}

/* verifydesk with @option (or none), with an AccessKey pair in the environment. */
static void
run_app (const char *option,
         Started    *started)
{
  g_autoptr(VdApplication) application = vd_application_new ();
  char *argv[] = { (char *) "verifydesk", (char *) option, NULL };
  guint limit;
  int status;

  /* A running VerifyDesk on the same bus must not take the tests' windows. */
  g_application_set_flags (G_APPLICATION (application), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (application, "activate", G_CALLBACK (on_activated), started);
  limit = g_timeout_add_seconds (RUN_LIMIT_S / 2, give_up, NULL);

  status = g_application_run (G_APPLICATION (application), option != NULL ? 2 : 1, argv);

  g_source_remove (limit);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (started->activated);
  g_assert_true (started->has_counter_window);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (application)); l; )
    {
      GList *next = l->next;

      gtk_window_destroy (l->data);
      l = next;
    }
  vd_ui_test_spin (50);
}

static void
test_environment_key_without_option (void)
{
  Started started = { 0 };

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, RUN_LIMIT_S * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  run_app (NULL, &started);

  g_assert_false (started.training);
  g_assert_null (started.training_reason);
  g_assert_false (started.has_history_window);
}

static void
test_training_option (void)
{
  Started started = { 0 };

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, RUN_LIMIT_S * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  run_app ("--training", &started);

  g_assert_true (started.training);
  g_assert_nonnull (started.training_reason);
  g_assert_nonnull (strstr (started.training_reason, "--training"));
  g_assert_false (started.has_history_window);
  g_free (started.training_reason);
}

static void
test_history_option (void)
{
  Started started = { 0 };

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, RUN_LIMIT_S * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  run_app ("--history", &started);

  g_assert_true (started.has_history_window);
  g_assert_false (started.training);
}

int
main (int    argc,
      char **argv)
{
  vd_ui_test_init (&argc, &argv);

  /* A key pair the desk would use for real: only --training keeps it in training mode. It is
   * never sent: every test quits as soon as the window is up. */
  g_setenv ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tOptionsTestKeyId01", TRUE);
  g_setenv ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "OptionsTestSecretNeverSent0123", TRUE);

  g_test_add_func ("/options/environment-key-without-option", test_environment_key_without_option);
  g_test_add_func ("/options/training", test_training_option);
  g_test_add_func ("/options/history", test_history_option);

  return g_test_run ();
}
