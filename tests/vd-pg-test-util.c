/* vd-pg-test-util.c: a real PostgreSQL server for the tests, started and stopped by them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "vd-pg-test-util.h"

#define DEFAULT_BINDIR "/usr/lib/postgresql/15/bin"
#define START_TIMEOUT_S "60"

struct _VdPgServer
{
  char     *folder;
  char     *data;
  char     *bindir;
  char     *password;
  guint     port;
  gboolean  as_nobody;
  int       guardian_fd;   /* its closing, at exit whatever the cause, stops the server */
};

static guint
free_port (void)
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

/* @argv, prefixed to run as "nobody" when the test runs as root. */
static GStrv
command (VdPgServer         *server,
         const char * const *argv)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (server->as_nobody)
    {
      g_strv_builder_add (builder, "runuser");
      g_strv_builder_add (builder, "-u");
      g_strv_builder_add (builder, "nobody");
      g_strv_builder_add (builder, "--");
    }
  g_strv_builder_addv (builder, (const char **) argv);
  return g_strv_builder_end (builder);
}

static char *
run (VdPgServer         *server,
     const char * const *argv)
{
  g_auto(GStrv) full = command (server, argv);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (server->folder, full, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s%s", argv[0], out, err);
  return g_steal_pointer (&out);
}

static char *
tool (VdPgServer *server,
      const char *name)
{
  return g_build_filename (server->bindir, name, NULL);
}

static void
give_to_nobody (VdPgServer *server,
                const char *path)
{
  struct passwd *nobody;

  if (!server->as_nobody)
    return;
  nobody = getpwnam ("nobody");
  g_assert_nonnull (nobody);
  g_assert_cmpint (chown (path, nobody->pw_uid, nobody->pw_gid), ==, 0);
}

static void
start (VdPgServer *server)
{
  g_autofree char *pg_ctl = tool (server, "pg_ctl");
  g_autofree char *log = g_build_filename (server->folder, "server.log", NULL);
  g_autofree char *options = g_strdup_printf ("-p %u -h 127.0.0.1 -k %s -c fsync=off "
                                              "-c synchronous_commit=off", server->port,
                                              server->folder);
  const char *argv[] = { pg_ctl, "-D", server->data, "-l", log, "-w", "-t", START_TIMEOUT_S,
                         "-o", options, "start", NULL };

  g_free (run (server, argv));
}

/* A process of its own session that waits for the test to end (its stdin closes), then stops
 * the server and removes the folder. */
static void
start_guardian (VdPgServer *server)
{
  g_autofree char *pg_ctl = tool (server, "pg_ctl");
  g_autofree char *script = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "setsid", "sh", "-c", NULL, NULL };

  script = g_strdup_printf ("cat >/dev/null; %s '%s' -D '%s' stop -m immediate >/dev/null 2>&1;"
                            " rm -rf '%s'",
                            server->as_nobody ? "runuser -u nobody --" : "", pg_ctl,
                            server->data, server->folder);
  argv[3] = script;
  g_spawn_async_with_pipes ("/", (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                            &server->guardian_fd, NULL, NULL, &error);
  g_assert_no_error (error);
}

VdPgServer *
vd_pg_server_start (const char *password)
{
  VdPgServer *server = g_new0 (VdPgServer, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *initdb = NULL;
  g_autofree char *pwfile = NULL;
  const char *bindir = g_getenv ("VD_PG_BINDIR");

  server->bindir = g_strdup (bindir != NULL ? bindir : DEFAULT_BINDIR);
  server->password = g_strdup (password);
  server->as_nobody = geteuid () == 0;
  server->folder = g_dir_make_tmp ("vd-pg-XXXXXX", &error);
  g_assert_no_error (error);
  g_chmod (server->folder, 0700);
  give_to_nobody (server, server->folder);
  server->data = g_build_filename (server->folder, "data", NULL);
  server->port = free_port ();
  start_guardian (server);

  pwfile = g_build_filename (server->folder, "password", NULL);
  g_file_set_contents (pwfile, password, -1, &error);
  g_assert_no_error (error);
  give_to_nobody (server, pwfile);

  initdb = tool (server, "initdb");
  {
    g_autofree char *pwfile_option = g_strconcat ("--pwfile=", pwfile, NULL);
    const char *argv[] = { initdb, "-D", server->data, "-U", "verifydesk",
                           "--auth=scram-sha-256", pwfile_option, "--no-locale", "-E", "UTF8",
                           "--no-sync", NULL };

    g_free (run (server, argv));
  }
  g_unlink (pwfile);

  start (server);
  return server;
}

void
vd_pg_server_stop (VdPgServer *server)
{
  g_autofree char *pg_ctl = tool (server, "pg_ctl");
  const char *argv[] = { pg_ctl, "-D", server->data, "-w", "-t", START_TIMEOUT_S, "-m", "fast",
                         "stop", NULL };

  g_free (run (server, argv));
}

void
vd_pg_server_restart (VdPgServer *server)
{
  start (server);
}

char *
vd_pg_server_uri (VdPgServer *server,
                  const char *database)
{
  return g_strdup_printf ("postgresql://verifydesk@127.0.0.1:%u/%s", server->port, database);
}

char *
vd_pg_server_query (VdPgServer *server,
                    const char *database,
                    const char *sql)
{
  g_autofree char *psql = tool (server, "psql");
  g_autofree char *port = g_strdup_printf ("%u", server->port);
  g_auto(GStrv) env = g_get_environ ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *argv[] = { psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h",
                         "127.0.0.1", "-p", port, "-U", "verifydesk", "-d", database, "-c", sql,
                         NULL };

  env = g_environ_setenv (env, "PGPASSWORD", server->password, TRUE);
  g_spawn_sync ("/", (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("psql failed on %s: %s", sql, err);
  return g_strstrip (g_steal_pointer (&out));
}

void
vd_pg_server_create_database (VdPgServer *server,
                              const char *database)
{
  g_autofree char *sql = g_strdup_printf ("CREATE DATABASE \"%s\"", database);

  g_free (vd_pg_server_query (server, "postgres", sql));
}

const char *
vd_pg_server_get_folder (VdPgServer *server)
{
  return server->folder;
}

void
vd_pg_server_free (VdPgServer *server)
{
  g_autofree char *pg_ctl = NULL;

  if (server == NULL)
    return;

  /* The guardian stops the server and removes the folder; waiting for it keeps the next test
   * program from meeting a server still shutting down. */
  pg_ctl = tool (server, "pg_ctl");
  {
    const char *argv[] = { pg_ctl, "-D", server->data, "-w", "-m", "fast", "stop", NULL };
    g_auto(GStrv) full = command (server, argv);

    g_spawn_sync ("/", full, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                  G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  close (server->guardian_fd);
  for (guint i = 0; i < 100 && g_file_test (server->folder, G_FILE_TEST_EXISTS); i++)
    g_usleep (50 * 1000);

  g_free (server->folder);
  g_free (server->data);
  g_free (server->bindir);
  g_free (server->password);
  g_free (server);
}
