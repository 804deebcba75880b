#define G_LOG_DOMAIN "verifydesk-cli"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <stdio.h>

#include "vd-cli.h"

typedef struct {
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "verify", vd_cli_verify, N_("Verify a customer and print the verdict") },
  { "simulator", vd_cli_simulator, N_("Serve the built-in Cloudauth simulator on this computer") },
  { "samples", vd_cli_samples, N_("List the training mode's sample customers") },
  { "credentials", vd_cli_credentials, N_("Store, show, check or remove the AccessKey in the keyring") },
  { "history", vd_cli_history, N_("List or export the verification history") },
};

int
vd_cli_fail (const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("verifydesk-cli: %s\n", message);
  return VD_CLI_EXIT_ERROR;
}

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n", _("Usage: verifydesk-cli COMMAND [OPTION…]"));
  fprintf (stream, "\n%s\n", _("Identity verification with Alibaba Cloud Cloudauth, for a service counter."));
  fprintf (stream, "\n%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  %-12s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (stream, "\n%s\n", _("Run “verifydesk-cli COMMAND --help” for a command’s options."));
  fprintf (stream, "\n%s\n", _("Exit status of verify: 0 passed, 1 not passed, 2 anything else."));
}

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
  const char *name;

  setup_i18n ();
  g_set_prgname ("verifydesk-cli");

  if (argc < 2)
    {
      print_usage (stderr);
      return VD_CLI_EXIT_ERROR;
    }

  name = argv[1];
  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") || g_str_equal (name, "help"))
    {
      print_usage (stdout);
      return 0;
    }
  if (g_str_equal (name, "--version"))
    {
      printf ("verifydesk-cli %s\n", PACKAGE_VERSION);
      return 0;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (name, commands[i].name))
        {
          g_autofree char *command_name = g_strdup_printf ("verifydesk-cli %s", name);

          /* The command sees "verifydesk-cli NAME" as its program name. */
          argv[1] = command_name;
          return commands[i].run (argc - 1, argv + 1);
        }
    }

  return vd_cli_fail (_("unknown command “%s”: run “verifydesk-cli --help” for the list"), name);
}
