/* Start-up cost: the time from exec to the first drawn frame and the peak RSS of VerifyDesk,
 * beside the same figures for a bare AdwApplicationWindow (the floor) that this program builds
 * itself when run with --floor. Medians of five runs each (--runs N for more), alternated so
 * that drift on the machine touches both alike.
 *
 * Each child runs with VERIFYDESK_EXIT_AFTER_FIRST_FRAME=1: on the frame clock's first
 * "after-paint" after its window is mapped it prints g_get_monotonic_time () (CLOCK_MONOTONIC,
 * in µs, comparable across processes) and quits. The bench takes the same clock just before
 * spawning, and the child's peak RSS from wait4 (). A first launch of each is not counted (see
 * main). */

#define G_LOG_DOMAIN "bench-startup"

#include "config.h"

#include <adwaita.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* The figure is the median of five; --runs N takes more, for a steadier figure on a
 * busy machine (each run's two launches still alternate). */
#define DEFAULT_RUNS      5
#define MAX_RUNS          201
#define CHILD_TIMEOUT_MS  60000
/* The app's default window size (the schema's window-width and window-height), so that the
 * floor draws as many pixels. */
#define WINDOW_WIDTH      1000
#define WINDOW_HEIGHT     720

typedef struct {
  double first_frame_ms;
  long   peak_rss_kb;
} Sample;

/* --- the floor --- */

static void
on_floor_painted (GdkFrameClock  *frame_clock,
                  GApplication   *application)
{
  g_signal_handlers_disconnect_by_func (frame_clock, on_floor_painted, application);
  printf ("%" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  fflush (stdout);
  g_application_quit (application);
}

static void
on_floor_mapped (GtkWidget    *window,
                 GApplication *application)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (on_floor_painted), application);
}

static void
on_floor_activate (GApplication *application)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (application));

  gtk_window_set_default_size (GTK_WINDOW (window), WINDOW_WIDTH, WINDOW_HEIGHT);
  g_signal_connect (window, "map", G_CALLBACK (on_floor_mapped), application);
  gtk_window_present (GTK_WINDOW (window));
}

static int
run_floor (void)
{
  g_autoptr(AdwApplication) application =
    adw_application_new ("io.github.verifydesk.BenchFloor", G_APPLICATION_NON_UNIQUE);

  g_signal_connect (application, "activate", G_CALLBACK (on_floor_activate), NULL);
  return g_application_run (G_APPLICATION (application), 0, NULL);
}

/* --- measuring a child --- */

static char **
child_environment (void)
{
  char **envp = g_get_environ ();

  envp = g_environ_setenv (envp, "VERIFYDESK_EXIT_AFTER_FIRST_FRAME", "1", TRUE);
  envp = g_environ_setenv (envp, "GSK_RENDERER", "cairo", TRUE);
  /* The operator's settings and keys stay out of the measurement: both children start as a
   * fresh install would, the app in training mode. */
  envp = g_environ_setenv (envp, "GSETTINGS_BACKEND", "memory", TRUE);
  envp = g_environ_unsetenv (envp, "ALIBABA_CLOUD_ACCESS_KEY_ID");
  envp = g_environ_unsetenv (envp, "ALIBABA_CLOUD_ACCESS_KEY_SECRET");
  envp = g_environ_unsetenv (envp, "ALIBABA_CLOUD_SECURITY_TOKEN");

  /* Run from the build folder, the schema is compiled in <build>/data. */
  if (g_environ_getenv (envp, "GSETTINGS_SCHEMA_DIR") == NULL)
    {
      g_autofree char *ui_dir = g_path_get_dirname (VERIFYDESK_APP_PATH);
      g_autofree char *schema_dir = g_build_filename (ui_dir, "..", "..", "data", NULL);

      envp = g_environ_setenv (envp, "GSETTINGS_SCHEMA_DIR", schema_dir, TRUE);
    }

  return envp;
}

/* Reads the child's stdout to the end, at most CHILD_TIMEOUT_MS. */
static char *
read_all (int      fd,
          GPid     pid,
          GError **error)
{
  g_autoptr(GString) output = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + CHILD_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;

  for (;;)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLIN };
      int remaining_ms = (deadline - g_get_monotonic_time ()) / G_TIME_SPAN_MILLISECOND;
      char buffer[256];
      ssize_t n;

      if (remaining_ms <= 0 || poll (&pfd, 1, remaining_ms) == 0)
        {
          kill (pid, SIGKILL);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "the child drew no frame within %d s", CHILD_TIMEOUT_MS / 1000);
          return NULL;
        }

      n = read (fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      g_string_append_len (output, buffer, n);
    }

  return g_string_free (g_steal_pointer (&output), FALSE);
}

static gboolean
measure (char    **argv,
         Sample   *sample,
         GError  **error)
{
  g_auto(GStrv) envp = child_environment ();
  g_autofree char *output = NULL;
  struct rusage usage;
  gint64 frame_us;
  gint64 started_us;
  GPid pid;
  int out_fd;
  int status;
  char *end;

  started_us = g_get_monotonic_time ();
  if (!g_spawn_async_with_pipes (NULL, argv, envp, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                                 NULL, &out_fd, NULL, error))
    return FALSE;

  output = read_all (out_fd, pid, error);
  close (out_fd);

  if (wait4 (pid, &status, 0, &usage) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "wait4: %s",
                   g_strerror (errno));
      return FALSE;
    }

  if (output == NULL)
    return FALSE;

  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s exited with status %d", argv[0],
                   status);
      return FALSE;
    }

  frame_us = g_ascii_strtoll (g_strstrip (output), &end, 10);
  if (end == output || *end != '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s printed “%s”, not a time in µs", argv[0], output);
      return FALSE;
    }

  sample->first_frame_ms = (frame_us - started_us) / 1000.0;
  sample->peak_rss_kb = usage.ru_maxrss;  /* kilobytes on Linux */
  return TRUE;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof values[0], compare_doubles);
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int
main (int    argc,
      char **argv)
{
  char *app_argv[] = { (char *) VERIFYDESK_APP_PATH, NULL };
  g_autofree char *self_path = NULL;
  char *floor_argv[] = { NULL, (char *) "--floor", NULL };
  double app_ms[MAX_RUNS], floor_ms[MAX_RUNS], app_kb[MAX_RUNS], floor_kb[MAX_RUNS];
  guint runs = DEFAULT_RUNS;
  double app_first_frame, floor_first_frame, app_rss, floor_rss;

  if (argc > 1 && strcmp (argv[1], "--floor") == 0)
    return run_floor ();

  self_path = g_file_read_link ("/proc/self/exe", NULL);
  floor_argv[0] = self_path != NULL ? self_path : argv[0];

  if (argc == 3 && strcmp (argv[1], "--runs") == 0)
    {
      guint64 wanted = 0;

      if (!g_ascii_string_to_unsigned (argv[2], 10, 1, MAX_RUNS, &wanted, NULL))
        {
          g_printerr ("bench-startup: --runs takes a number from 1 to %d\n", MAX_RUNS);
          return 2;
        }
      runs = wanted;
    }
  else if (argc > 1)
    {
      g_printerr ("Usage: bench-startup [--runs N]\n");
      return 2;
    }

  /* Round -1 is a launch of each that is not counted: the first in a new session starts the
   * D-Bus services the app and GTK ask for (the keyring, the accessibility bus), which a desktop
   * session has running and later launches find running. */
  for (int i = -1; i < (int) runs; i++)
    {
      g_autoptr(GError) error = NULL;
      Sample app = { 0 };
      Sample floor_sample = { 0 };

      if (!measure (app_argv, &app, &error) || !measure (floor_argv, &floor_sample, &error))
        {
          g_printerr ("bench-startup: %s\n", error->message);
          return 1;
        }
      if (i < 0)
        continue;

      app_ms[i] = app.first_frame_ms;
      app_kb[i] = app.peak_rss_kb;
      floor_ms[i] = floor_sample.first_frame_ms;
      floor_kb[i] = floor_sample.peak_rss_kb;
    }

  app_first_frame = median (app_ms, runs);
  floor_first_frame = median (floor_ms, runs);
  app_rss = median (app_kb, runs);
  floor_rss = median (floor_kb, runs);

  printf ("app_first_frame_ms: %.1f ms\n", app_first_frame);
  printf ("floor_first_frame_ms: %.1f ms\n", floor_first_frame);
  printf ("app_peak_rss_kb: %.0f kB\n", app_rss);
  printf ("floor_peak_rss_kb: %.0f kB\n", floor_rss);
  printf ("first_frame_ratio: %.2f x\n", app_first_frame / floor_first_frame);
  printf ("peak_rss_ratio: %.2f x\n", app_rss / floor_rss);
  return 0;
}
