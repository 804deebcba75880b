/* verifydesk-cli credentials set|show|check|remove: the AccessKey in the desktop keyring.
 *
 * The secret and the STS token are never taken from the argument list (any user can read it
 * in /proc): `set` reads them from standard input when it is not a terminal — the secret on the
 * first line, the token on the second with --with-sts-token — or else from a prompt that does
 * not echo. `show` prints the ID in full and the secret as vd_keyring_mask_secret does: its
 * length and, for 16 characters or more, its last two; of a token only its length. */

#define G_LOG_DOMAIN "verifydesk-cli"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vd-cli.h"
#include "vd-credential-check.h"
#include "vd-env-credentials.h"
#include "vd-keyring.h"
#include "vd-simulator.h"

/* Standard input for `set`: a secret line and a token line, with room to spare. */
#define MAX_INPUT_BYTES (64 * 1024)

/* Exit statuses of `check` and `show`. */
enum {
  EXIT_GOOD = 0,
  EXIT_REJECTED = 1,
  EXIT_NONE_STORED = 1,
};

/* --- waiting for an async call in a command-line program --- */

/* --- reading the secret without it ever being an argument --- */

static void
wipe_buffer (char  *buffer,
             gsize  length)
{
  volatile char *p = buffer;

  for (gsize i = 0; i < length; i++)
    p[i] = '\0';
}

static void
wipe_and_free (char *text)
{
  if (text == NULL)
    return;
  wipe_buffer (text, strlen (text));
  g_free (text);
}

static void
wipe_gstring (GString *text)
{
  wipe_buffer (text->str, text->len);
  g_string_free (text, TRUE);
}

/* The terminal's settings while echo is off, restored by a signal that ends the program. */
static struct termios saved_terminal;
static volatile sig_atomic_t terminal_quiet;

static void
restore_terminal_and_reraise (int signal_number)
{
  if (terminal_quiet)
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved_terminal);
  signal (signal_number, SIG_DFL);
  raise (signal_number);
}

/* Reads standard input up to a line feed or its end, at most MAX_INPUT_BYTES. @all: up to the
 * end, line feeds included. */
static GString *
read_input (gboolean   all,
            GError   **error)
{
  GString *text = g_string_new (NULL);
  char c;

  for (;;)
    {
      gssize n = read (STDIN_FILENO, &c, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          wipe_gstring (text);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("cannot read standard input: %s"), g_strerror (saved_errno));
          return NULL;
        }
      if (n == 0 || (c == '\n' && !all))
        return text;
      if (text->len >= MAX_INPUT_BYTES)
        {
          wipe_gstring (text);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                       _("standard input is longer than %u bytes: give only the secret (and "
                         "the token)"), (guint) MAX_INPUT_BYTES);
          return NULL;
        }
      g_string_append_c (text, c);
    }
}

/* A prompt on the terminal that does not echo what is typed. */
static char *
prompt_quietly (const char  *prompt,
                GError     **error)
{
  struct termios quiet;
  GString *line;

  if (tcgetattr (STDIN_FILENO, &saved_terminal) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("cannot turn off echo on the terminal: %s"), g_strerror (saved_errno));
      return NULL;
    }

  quiet = saved_terminal;
  quiet.c_lflag &= ~(tcflag_t) ECHO;
  quiet.c_lflag |= ECHONL;
  signal (SIGINT, restore_terminal_and_reraise);
  signal (SIGTERM, restore_terminal_and_reraise);
  signal (SIGHUP, restore_terminal_and_reraise);
  signal (SIGQUIT, restore_terminal_and_reraise);

  fputs (prompt, stderr);
  fflush (stderr);
  terminal_quiet = TRUE;
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
  line = read_input (FALSE, error);
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved_terminal);
  terminal_quiet = FALSE;

  if (line == NULL)
    return NULL;
  return g_string_free (line, FALSE);
}

/* The lines of standard input that is not a terminal: the secret, then the token when
 * @with_token. Anything else but blank lines is refused rather than ignored. */
static gboolean
read_piped (gboolean   with_token,
            char     **secret,
            char     **token,
            GError   **error)
{
  GString *text = read_input (TRUE, error);
  char *first_line_end;
  char *second;
  char *second_end;

  if (text == NULL)
    return FALSE;

  first_line_end = strchr (text->str, '\n');
  second = first_line_end != NULL ? first_line_end + 1 : text->str + text->len;
  second_end = strchr (second, '\n');
  if (first_line_end != NULL)
    *first_line_end = '\0';
  if (second_end != NULL)
    *second_end = '\0';

  if (second_end != NULL && strspn (second_end + 1, " \t\r\n") != strlen (second_end + 1))
    {
      wipe_gstring (text);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("standard input has more than two lines: give the secret on the "
                             "first line and, with --with-sts-token, the token on the second"));
      return FALSE;
    }
  if (!with_token && strspn (second, " \t\r") != strlen (second))
    {
      wipe_gstring (text);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("standard input has a second line: to store it as the STS token, "
                             "add --with-sts-token"));
      return FALSE;
    }

  *secret = g_strdup (text->str);
  *token = with_token ? g_strdup (second) : NULL;
  wipe_gstring (text);
  return TRUE;
}

/* The secret and, when asked for, the token, with surrounding white space (a pasted space or
 * carriage return) trimmed. */
static gboolean
read_secret_and_token (gboolean   with_token,
                       char     **secret,
                       char     **token,
                       GError   **error)
{
  *secret = NULL;
  *token = NULL;

  if (!isatty (STDIN_FILENO))
    {
      if (!read_piped (with_token, secret, token, error))
        return FALSE;
    }
  else
    {
      *secret = prompt_quietly (_("AccessKey secret (not shown): "), error);
      if (*secret == NULL)
        return FALSE;
      if (with_token)
        {
          *token = prompt_quietly (_("STS token (not shown): "), error);
          if (*token == NULL)
            {
              wipe_and_free (g_steal_pointer (secret));
              return FALSE;
            }
        }
    }

  g_strstrip (*secret);
  if (*token != NULL)
    g_strstrip (*token);
  return TRUE;
}

/* --- the key pair that verify would use --- */

/* The environment's pair, else the keyring's; @source_out says which, in words. NULL with
 * @error set when there is none or the keyring cannot be read. */
static VdCredentials *
lookup_credentials (const char **source_out,
                    GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  VdCredentials *credentials;

  credentials = vd_env_credentials_lookup (error);
  if (credentials != NULL)
    {
      *source_out = _("the environment");
      return credentials;
    }
  if (error != NULL && *error != NULL)
    return NULL;

  vd_keyring_lookup_credentials_async (NULL, vd_cli_on_done, &result);
  credentials = vd_keyring_lookup_credentials_finish (vd_cli_wait (&result), error);
  if (credentials == NULL && error != NULL && *error == NULL)
    g_set_error (error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_NO_CREDENTIALS,
                 _("no AccessKey is stored: store one with “verifydesk-cli credentials set ID”, "
                   "or set %s and %s"), VD_ENV_ACCESS_KEY_ID, VD_ENV_ACCESS_KEY_SECRET);
  *source_out = _("the keyring");
  return credentials;
}

/* Environment variables take precedence over the keyring: say so when they would. */
static void
note_environment (void)
{
  const char *id = g_getenv (VD_ENV_ACCESS_KEY_ID);

  if (id != NULL && *id != '\0')
    printf (_("Note: %s is set, so verify uses the environment’s key pair instead of the "
              "keyring’s.\n"), VD_ENV_ACCESS_KEY_ID);
}

static gboolean
parse_options (GOptionContext  *context,
               const char      *summary,
               int             *argc,
               char          ***argv,
               GError         **error)
{
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  return g_option_context_parse (context, argc, argv, error);
}

/* --- set --- */

static int
credentials_set (int    argc,
                 char **argv)
{
  gboolean with_token = FALSE;
  const GOptionEntry entries[] = {
    { "with-sts-token", 0, 0, G_OPTION_ARG_NONE, &with_token,
      N_("Also read an STS token: the second line of standard input, or a second prompt"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("ACCESS_KEY_ID"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(VdCredentials) credentials = NULL;
  g_autofree char *masked = NULL;
  char *secret = NULL;
  char *token = NULL;
  const char *id;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context,
                      _("Stores an AccessKey in the desktop keyring, replacing the one there.\n"
                        "The secret is read from standard input (first line) or typed at a\n"
                        "prompt that does not show it; it is never an argument, since any user\n"
                        "can read the argument list. Example:\n"
                        "  verifydesk-cli credentials set LTAI5t… < secret.txt"),
                      &argc, &argv, &error))
    return vd_cli_fail ("%s", error->message);

  if (argc < 2)
    return vd_cli_fail (_("give the AccessKey ID: verifydesk-cli credentials set ID"));
  if (argc > 2)
    /* The extra argument is not quoted back: it may well be the secret. */
    return vd_cli_fail (_("the secret is never taken as an argument, since any user can read "
                          "the argument list: pipe it to standard input or type it at the "
                          "prompt"));
  id = argv[1];

  if (!read_secret_and_token (with_token, &secret, &token, &error))
    return vd_cli_fail ("%s", error->message);
  if (!vd_keyring_check_credentials (id, secret, token, &error))
    {
      wipe_and_free (secret);
      wipe_and_free (token);
      return vd_cli_fail ("%s", error->message);
    }

  credentials = vd_credentials_new (id, secret, token);
  wipe_and_free (secret);
  wipe_and_free (token);

  vd_keyring_store_credentials_async (credentials, NULL, vd_cli_on_done, &result);
  if (!vd_keyring_store_credentials_finish (vd_cli_wait (&result), &error))
    return vd_cli_fail ("%s", error->message);

  masked = vd_credentials_mask_id (id);
  printf (vd_credentials_get_security_token (credentials) != NULL
          ? _("Stored the AccessKey %s with its STS token in the keyring.\n")
          : _("Stored the AccessKey %s in the keyring.\n"),
          masked);
  note_environment ();
  return 0;
}

/* --- show --- */

static int
credentials_show (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(VdCredentials) credentials = NULL;
  g_autofree char *masked_secret = NULL;
  const char *token;

  if (!parse_options (context,
                      _("Shows the AccessKey stored in the keyring: its ID, and of the secret\n"
                        "only its length and last two characters.\n"
                        "Exit status: 0 one is stored, 1 none is, 2 the keyring cannot be read."),
                      &argc, &argv, &error))
    return vd_cli_fail ("%s", error->message);
  if (argc > 1)
    return vd_cli_fail (_("unexpected argument “%s”"), argv[1]);

  vd_keyring_lookup_credentials_async (NULL, vd_cli_on_done, &result);
  credentials = vd_keyring_lookup_credentials_finish (vd_cli_wait (&result), &error);
  if (error != NULL)
    return vd_cli_fail ("%s", error->message);
  if (credentials == NULL)
    {
      vd_cli_fail (_("no AccessKey is stored in the keyring: store one with "
                     "“verifydesk-cli credentials set ID”"));
      note_environment ();
      return EXIT_NONE_STORED;
    }

  masked_secret = vd_keyring_mask_secret (vd_credentials_get_access_key_secret (credentials));
  token = vd_credentials_get_security_token (credentials);
  printf ("%-16s %s\n", _("AccessKey ID:"), vd_credentials_get_access_key_id (credentials));
  printf ("%-16s %s\n", _("Secret:"), masked_secret);
  if (token != NULL)
    {
      g_autofree char *token_length = g_strdup_printf (ngettext ("stored (%ld character)",
                                                                 "stored (%ld characters)",
                                                                 (long) strlen (token)),
                                                       (long) strlen (token));

      printf ("%-16s %s\n", _("STS token:"), token_length);
    }
  else
    printf ("%-16s %s\n", _("STS token:"), _("none"));
  note_environment ();
  return 0;
}

/* --- check --- */

static int
credentials_check (int    argc,
                   char **argv)
{
  g_autofree char *endpoint = NULL;
  g_autofree char *signature = NULL;
  gboolean training = FALSE;
  const GOptionEntry entries[] = {
    { "endpoint", 0, 0, G_OPTION_ARG_STRING, &endpoint,
      N_("The Cloudauth gateway (default https://cloudauth.aliyuncs.com/)"), N_("URL") },
    { "signature", 0, 0, G_OPTION_ARG_STRING, &signature,
      N_("Signature scheme: v3 (default) or v1"), N_("SCHEME") },
    { "training", 0, 0, G_OPTION_ARG_NONE, &training,
      N_("Check the training key pair against the built-in simulator"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(VdCredentials) credentials = NULL;
  g_autoptr(VdCloudauthClient) client = vd_cloudauth_client_new ();
  g_autoptr(VdSimulator) simulator = NULL;
  g_autofree char *masked = NULL;
  g_autofree char *message = NULL;
  VdSignatureScheme scheme = VD_SIGNATURE_V3;
  VdCredentialCheck check;
  const char *source;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context,
                      _("Checks the AccessKey that verify would use (the environment’s, else the\n"
                        "keyring’s) without a billed verification: it sends a request without\n"
                        "BizType, which the gateway refuses only after checking the key.\n"
                        "Exit status: 0 the key works, 1 the key was rejected, 2 it could not be\n"
                        "checked."),
                      &argc, &argv, &error))
    return vd_cli_fail ("%s", error->message);
  if (argc > 1)
    return vd_cli_fail (_("unexpected argument “%s”"), argv[1]);
  if (signature != NULL && !vd_signature_scheme_parse (signature, &scheme))
    return vd_cli_fail (_("--signature must be v3 or v1, not “%s”"), signature);
  if (training && endpoint != NULL)
    return vd_cli_fail (_("--training cannot be combined with --endpoint: training never "
                          "reaches a real service"));

  vd_cloudauth_client_set_signature (client, scheme);
  if (training)
    {
      simulator = vd_simulator_new ();
      if (!vd_simulator_listen (simulator, 0, NULL, &error))
        return vd_cli_fail (_("cannot start the training simulator: %s"), error->message);
      endpoint = g_strdup (vd_simulator_get_url (simulator));
      credentials = vd_credentials_new (VD_TRAINING_ACCESS_KEY_ID, VD_TRAINING_ACCESS_KEY_SECRET,
                                        NULL);
      source = _("training mode");
    }
  else
    {
      credentials = lookup_credentials (&source, &error);
      if (credentials == NULL)
        return vd_cli_fail ("%s", error->message);
    }

  if (endpoint != NULL && !vd_cloudauth_client_set_endpoint (client, endpoint, &error))
    return vd_cli_fail ("%s", error->message);

  masked = vd_credentials_mask_id (vd_credentials_get_access_key_id (credentials));
  /* TRANSLATORS: “Checking the AccessKey LTAI****wxyz from the keyring at https://…”. */
  printf (_("Checking the AccessKey %s from %s at %s\n"), masked, source,
          vd_cloudauth_client_get_endpoint (client));
  fflush (stdout);

  vd_credential_check_async (client, credentials, NULL, vd_cli_on_done, &result);
  check = vd_credential_check_finish (vd_cli_wait (&result), &message, &error);
  if (simulator != NULL)
    vd_simulator_disconnect (simulator);

  printf ("%s\n", message);
  switch (check)
    {
    case VD_CREDENTIAL_CHECK_GOOD:
      return EXIT_GOOD;
    case VD_CREDENTIAL_CHECK_REJECTED:
      return EXIT_REJECTED;
    case VD_CREDENTIAL_CHECK_UNCHECKED:
    default:
      return VD_CLI_EXIT_ERROR;
    }
}

/* --- remove --- */

static int
credentials_remove (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gboolean removed = FALSE;

  if (!parse_options (context, _("Removes the AccessKey from the desktop keyring."),
                      &argc, &argv, &error))
    return vd_cli_fail ("%s", error->message);
  if (argc > 1)
    return vd_cli_fail (_("unexpected argument “%s”"), argv[1]);

  vd_keyring_clear_credentials_async (NULL, vd_cli_on_done, &result);
  if (!vd_keyring_clear_credentials_finish (vd_cli_wait (&result), &removed, &error))
    return vd_cli_fail ("%s", error->message);

  printf ("%s\n", removed ? _("Removed the AccessKey from the keyring.")
                          : _("No AccessKey was stored in the keyring."));
  note_environment ();
  return 0;
}

/* --- the command --- */

typedef struct {
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} Subcommand;

static const Subcommand subcommands[] = {
  { "set", credentials_set, N_("Store an AccessKey in the keyring (the secret from standard input or a prompt)") },
  { "show", credentials_show, N_("Show the stored AccessKey ID and a masked secret") },
  { "check", credentials_check, N_("Check the AccessKey without a billed verification") },
  { "remove", credentials_remove, N_("Remove the AccessKey from the keyring") },
};

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n", _("Usage: verifydesk-cli credentials set|show|check|remove [OPTION…]"));
  fprintf (stream, "\n%s\n", _("The AccessKey in the desktop keyring. verify uses it when the "
                               "environment has no key pair."));
  fprintf (stream, "\n%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    fprintf (stream, "  %-8s %s\n", subcommands[i].name, _(subcommands[i].summary));
}

int
vd_cli_credentials (int    argc,
                    char **argv)
{
  const char *name;

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

  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    {
      if (g_str_equal (name, subcommands[i].name))
        {
          g_autofree char *command_name = g_strdup_printf ("verifydesk-cli credentials %s", name);

          argv[1] = command_name;
          return subcommands[i].run (argc - 1, argv + 1);
        }
    }

  return vd_cli_fail (_("unknown command “credentials %s”: run “verifydesk-cli credentials "
                        "--help” for the list"), name);
}
