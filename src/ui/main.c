#define G_LOG_DOMAIN "verifydesk"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

#include "vd-application.h"

static void
setup_i18n (void)
{
  /* Running from the build folder, the translations are not installed yet. */
  const char *localedir = g_getenv ("VERIFYDESK_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(VdApplication) application = NULL;

  setup_i18n ();

  application = vd_application_new ();
  return g_application_run (G_APPLICATION (application), argc, argv);
}
