#include "vd-keyring-test-util.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#define KEYRING_PASSWORD  "verifydesk-test-keyring"
#define START_TIMEOUT_US  (10 * G_USEC_PER_SEC)

struct _VdTestKeyring {
  char        *folder;
  char        *address;
  GSubprocess *bus;
  GSubprocess *daemon;
};

/* A test that aborts must not leave a bus and a daemon behind: they end with it. */
static void
end_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* The children's environment: no display (so no prompt), the private folders. */
static char **
child_environment (const char *folder)
{
  char **env = g_get_environ ();
  static const char * const folders[][2] = {
    { "XDG_DATA_HOME", "data" },
    { "XDG_CONFIG_HOME", "config" },
    { "XDG_CACHE_HOME", "cache" },
    { "XDG_RUNTIME_DIR", "runtime" },
  };

  env = g_environ_unsetenv (env, "DISPLAY");
  env = g_environ_unsetenv (env, "WAYLAND_DISPLAY");
  env = g_environ_unsetenv (env, "DBUS_SESSION_BUS_ADDRESS");
  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *path = g_build_filename (folder, folders[i][1], NULL);

      g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
      env = g_environ_setenv (env, folders[i][0], path, TRUE);
      /* This process uses them too, so that a test can search them for leaked secrets. */
      g_setenv (folders[i][0], path, TRUE);
    }
  return env;
}

static char *
start_bus (VdTestKeyring  *self,
           char          **env)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) output = NULL;
  g_autoptr(GError) error = NULL;
  char *address;

  g_subprocess_launcher_set_environ (launcher, env);
  g_subprocess_launcher_set_child_setup (launcher, end_with_parent, NULL, NULL);
  self->bus = g_subprocess_launcher_spawn (launcher, &error, "dbus-daemon", "--session",
                                           "--nofork", "--nopidfile", "--print-address=1",
                                           NULL);
  g_assert_no_error (error);

  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->bus));
  address = g_data_input_stream_read_line (output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (address);
  return g_strstrip (address);
}

static void
start_daemon (VdTestKeyring  *self,
              char          **env)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  GOutputStream *input;

  g_auto(GStrv) daemon_env = g_environ_setenv (g_strdupv (env), "DBUS_SESSION_BUS_ADDRESS",
                                                self->address, TRUE);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_environ (launcher, daemon_env);
  g_subprocess_launcher_set_child_setup (launcher, end_with_parent, NULL, NULL);
  self->daemon = g_subprocess_launcher_spawn (launcher, &error, "gnome-keyring-daemon",
                                              "--foreground", "--unlock",
                                              "--components=secrets", NULL);
  g_assert_no_error (error);

  /* --unlock reads the password of the new login keyring from standard input. */
  input = g_subprocess_get_stdin_pipe (self->daemon);
  g_assert_true (g_output_stream_write_all (input, KEYRING_PASSWORD, strlen (KEYRING_PASSWORD),
                                            NULL, NULL, &error));
  g_assert_true (g_output_stream_close (input, NULL, &error));
}

static gboolean
secrets_name_has_owner (GDBusConnection *connection)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, 1000,
                                       NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}

/* The collection behind the "default" alias, once the daemon has made it and unlocked it with
 * the password from standard input; NULL before. The daemon claims its bus name first and
 * unlocks the login keyring a moment later, so a test that stores at once could otherwise meet
 * a locked collection. */
static gboolean
default_collection_is_unlocked (GDBusConnection *connection)
{
  g_autoptr(GVariant) alias = NULL;
  g_autoptr(GVariant) locked = NULL;
  g_autoptr(GVariant) value = NULL;
  const char *path = NULL;

  alias = g_dbus_connection_call_sync (connection, "org.freedesktop.secrets",
                                       "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "ReadAlias",
                                       g_variant_new ("(s)", "default"),
                                       G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, 1000,
                                       NULL, NULL);
  if (alias == NULL)
    return FALSE;
  g_variant_get (alias, "(&o)", &path);
  if (g_str_equal (path, "/"))
    return FALSE;

  locked = g_dbus_connection_call_sync (connection, "org.freedesktop.secrets", path,
                                        "org.freedesktop.DBus.Properties", "Get",
                                        g_variant_new ("(ss)", "org.freedesktop.Secret.Collection",
                                                       "Locked"),
                                        G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, 1000,
                                        NULL, NULL);
  if (locked == NULL)
    return FALSE;
  g_variant_get (locked, "(v)", &value);
  return g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN) && !g_variant_get_boolean (value);
}

static GDBusConnection *
connect_to_bus (VdTestKeyring *self)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *connection;

  connection = g_dbus_connection_new_for_address_sync (self->address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

/* The bus's own ID (org.freedesktop.DBus.GetId): two connections with the same one are on the
 * same bus. */
static char *
bus_id (GDBusConnection *connection)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  char *id = NULL;

  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetId",
                                       NULL, G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE,
                                       1000, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(s)", &id);
  return id;
}

VdTestKeyring *
vd_test_keyring_start (void)
{
  VdTestKeyring *self = g_new0 (VdTestKeyring, 1);
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GDBusConnection) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ours = NULL;
  g_autofree char *theirs = NULL;
  g_auto(GStrv) env = NULL;
  gint64 deadline;

  self->folder = g_dir_make_tmp ("verifydesk-keyring-XXXXXX", &error);
  g_assert_no_error (error);
  env = child_environment (self->folder);

  self->address = start_bus (self, env);
  start_daemon (self, env);

  connection = connect_to_bus (self);
  deadline = g_get_monotonic_time () + START_TIMEOUT_US;
  while (!secrets_name_has_owner (connection))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("gnome-keyring-daemon did not claim org.freedesktop.secrets within 10 s");
      g_usleep (50 * 1000);
    }
  while (!default_collection_is_unlocked (connection))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("gnome-keyring-daemon did not unlock its login keyring within 10 s");
      g_usleep (20 * 1000);
    }

  g_setenv ("DBUS_SESSION_BUS_ADDRESS", self->address, TRUE);

  /* GLib keeps one session bus per process: opened before this point (gtk_init and adw_init
   * open it), libsecret would go on talking to the developer's or CI's own keyring, and the
   * test would prove nothing about this one. */
  session = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  ours = bus_id (connection);
  theirs = bus_id (session);
  if (g_strcmp0 (ours, theirs) != 0)
    g_error ("vd_test_keyring_start () must run before anything opens the session bus "
             "(call it before vd_ui_test_init ())");
  return self;
}

const char *
vd_test_keyring_get_folder (VdTestKeyring *self)
{
  return self->folder;
}

void
vd_test_keyring_lock (VdTestKeyring *self)
{
  g_autoptr(GDBusConnection) connection = connect_to_bus (self);
  const char *collections[] = { "/org/freedesktop/secrets/collection/login" };
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.secrets",
                                       "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "Lock",
                                       g_variant_new ("(@ao)",
                                                      g_variant_new_objv (collections, 1)),
                                       G_VARIANT_TYPE ("(aoo)"), G_DBUS_CALL_FLAGS_NONE, 5000,
                                       NULL, &error);
  g_assert_no_error (error);
}

void
vd_test_keyring_kill_daemon (VdTestKeyring *self)
{
  g_autoptr(GDBusConnection) connection = connect_to_bus (self);
  g_autoptr(GError) error = NULL;
  gint64 deadline;

  g_assert_nonnull (self->daemon);
  g_subprocess_force_exit (self->daemon);
  g_assert_true (g_subprocess_wait (self->daemon, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&self->daemon);

  deadline = g_get_monotonic_time () + START_TIMEOUT_US;
  while (secrets_name_has_owner (connection))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("org.freedesktop.secrets still has an owner 10 s after the daemon was killed");
      g_usleep (20 * 1000);
    }
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK) && g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      dir = g_dir_open (path, 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
    }
  g_remove (path);
}

static void
stop_process (GSubprocess *process)
{
  if (process == NULL)
    return;
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
  g_object_unref (process);
}

void
vd_test_keyring_stop (VdTestKeyring *self)
{
  stop_process (self->daemon);
  stop_process (self->bus);
  remove_tree (self->folder);
  g_free (self->folder);
  g_free (self->address);
  g_free (self);
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length;

  gsize needle_length = strlen (needle);

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  for (gsize i = 0; i + needle_length <= length; i++)
    if (memcmp (contents + i, needle, needle_length) == 0)
      return TRUE;
  return FALSE;
}

gboolean
vd_test_folder_contains (const char *folder,
                         const char *needle)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (folder, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && vd_test_folder_contains (child, needle))
        return TRUE;
      /* Regular files only: the runtime folder holds the daemon's sockets. */
      if (g_file_test (child, G_FILE_TEST_IS_REGULAR) && file_contains (child, needle))
        return TRUE;
    }
  return FALSE;
}
