#include "vd-test-util.h"

#include <glib/gstdio.h>

static gboolean
on_deadline (gpointer data)
{
  gboolean *expired = data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

guint
vd_test_slowdown (void)
{
  const char *text = g_getenv ("VD_TEST_SLOWDOWN");
  guint64 factor = text != NULL ? g_ascii_strtoull (text, NULL, 10) : 1;

  return factor >= 1 && factor <= 100 ? (guint) factor : 1;
}

void
vd_test_wait_for_flag (gboolean *flag,
                       guint     timeout_ms)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (timeout_ms * vd_test_slowdown (), on_deadline, &expired);

  while (!*flag && !expired)
    g_main_context_iteration (NULL, TRUE);

  if (!expired)
    g_source_remove (id);
  else if (!*flag)
    g_error ("timed out after %u ms waiting for the main loop", timeout_ms);
}

GDateTime *
vd_test_today (void)
{
  return g_date_time_new_utc (2026, 11, 28, 12, 0, 0);
}

void
vd_test_on_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  VdTestWait *wait = user_data;

  wait->result = g_object_ref (result);
  wait->done = TRUE;
}

gboolean
vd_test_remove_folder (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  gboolean removed = TRUE;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        removed = vd_test_remove_folder (path) && removed;
      else
        removed = g_unlink (path) == 0 && removed;
    }
  return g_rmdir (folder) == 0 && removed;
}
