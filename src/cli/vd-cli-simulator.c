#define G_LOG_DOMAIN "verifydesk-cli"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <signal.h>
#include <stdio.h>

#include "vd-cli.h"
#include "vd-env-credentials.h"
#include "vd-sample-customers.h"
#include "vd-simulator.h"

static gboolean
on_stop_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
parse_shape (const char    *text,
             VdAnswerShape *shape)
{
  if (text == NULL || g_str_equal (text, "flat"))
    *shape = VD_ANSWER_SHAPE_FLAT;
  else if (g_str_equal (text, "seed-json"))
    *shape = VD_ANSWER_SHAPE_SEED_JSON;
  else if (g_str_equal (text, "seed-xml"))
    *shape = VD_ANSWER_SHAPE_SEED_XML;
  else
    return FALSE;
  return TRUE;
}

/* The faults by the names the command line takes them. */
static const struct {
  const char  *name;
  VdFaultKind  kind;
} fault_names[] = {
  { "delay", VD_FAULT_DELAY },
  { "drip", VD_FAULT_DRIP },
  { "server-error", VD_FAULT_SERVER_ERROR },
  { "throttling", VD_FAULT_THROTTLING },
  { "reset", VD_FAULT_RESET },
  { "reset-mid-answer", VD_FAULT_RESET_MID_ANSWER },
  { "garbage", VD_FAULT_GARBAGE },
  { "oversized", VD_FAULT_OVERSIZED },
  { "empty", VD_FAULT_EMPTY },
  { "no-status", VD_FAULT_NO_STATUS },
  { "bad-utf8", VD_FAULT_BAD_UTF8 },
  { "status", VD_FAULT_STATUS },
};

/* "KIND" or "KIND:VALUE" (VALUE a number: milliseconds, an HTTP status, a size…), queued on
 * @simulator. */
static gboolean
push_fault (VdSimulator  *simulator,
            const char   *text,
            GError      **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ":", 2);
  guint64 value = 0;

  if (parts[0] != NULL && parts[1] != NULL &&
      !g_ascii_string_to_unsigned (parts[1], 10, 0, G_MAXUINT, &value, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--fault %s: the value after “:” must be a whole number"), text);
      return FALSE;
    }

  for (guint i = 0; parts[0] != NULL && i < G_N_ELEMENTS (fault_names); i++)
    {
      if (g_str_equal (parts[0], fault_names[i].name))
        {
          vd_simulator_push_fault (simulator, fault_names[i].kind, (guint) value);
          return TRUE;
        }
    }

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("--fault must be one of delay, drip, server-error, throttling, reset, "
                 "reset-mid-answer, garbage, oversized, empty, no-status, bad-utf8 or status, "
                 "not “%s”"), text);
  return FALSE;
}

static GTlsCertificate *
load_certificate (const char  *certificate_file,
                  const char  *key_file,
                  GError     **error)
{
  GTlsCertificate *certificate;

  if ((certificate_file == NULL) != (key_file == NULL))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--tls-certificate and --tls-key go together"));
      return NULL;
    }
  if (certificate_file == NULL)
    return NULL;

  certificate = g_tls_certificate_new_from_files (certificate_file, key_file, error);
  if (certificate == NULL)
    g_prefix_error (error, _("cannot load the TLS certificate: "));
  return certificate;
}

int
vd_cli_simulator (int    argc,
                  char **argv)
{
  int port = 0;
  g_autofree char *shape_text = NULL;
  g_auto(GStrv) faults = NULL;
  g_autofree char *certificate_file = NULL;
  g_autofree char *key_file = NULL;
  const GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &port,
      N_("Listen on this port of 127.0.0.1 (default: any free port)"), N_("PORT") },
    { "shape", 0, 0, G_OPTION_ARG_STRING, &shape_text,
      N_("Answer shape: flat (the real service, default), seed-json or seed-xml"), N_("SHAPE") },
    { "fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &faults,
      N_("Play this fault on the next request, one request per --fault, in order (e.g. drip:200, "
         "server-error:503, throttling:1000, reset, reset-mid-answer:20, oversized:52428800, "
         "bad-utf8, status:42)"), N_("KIND[:VALUE]") },
    { "tls-certificate", 0, 0, G_OPTION_ARG_FILENAME, &certificate_file,
      N_("Serve HTTPS with this PEM certificate (with --tls-key)"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &key_file,
      N_("The PEM private key of --tls-certificate"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VdCredentials) credentials = NULL;
  g_autoptr(VdSimulator) simulator = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  VdAnswerShape shape;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Serves the built-in Cloudauth simulator on 127.0.0.1 and prints its URL.\n"
                                  "It accepts the key pair from ALIBABA_CLOUD_ACCESS_KEY_ID and\n"
                                  "ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN), else its training pair."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return vd_cli_fail ("%s", error->message);
  if (argc > 1)
    return vd_cli_fail (_("unexpected argument “%s”"), argv[1]);
  if (port < 0 || port > 65535)
    return vd_cli_fail (_("--port must be between 0 and 65535, not %d"), port);
  if (!parse_shape (shape_text, &shape))
    return vd_cli_fail (_("--shape must be flat, seed-json or seed-xml, not “%s”"), shape_text);

  credentials = vd_env_credentials_lookup (&error);
  if (error != NULL)
    return vd_cli_fail ("%s", error->message);

  certificate = load_certificate (certificate_file, key_file, &error);
  if (error != NULL)
    return vd_cli_fail ("%s", error->message);

  simulator = vd_simulator_new ();
  for (guint i = 0; faults != NULL && faults[i] != NULL; i++)
    {
      if (!push_fault (simulator, faults[i], &error))
        return vd_cli_fail ("%s", error->message);
    }
  if (credentials != NULL)
    {
      /* Given a key pair, the simulator accepts only that one, as a real account would. */
      vd_simulator_remove_key (simulator, VD_TRAINING_ACCESS_KEY_ID);
      vd_simulator_add_key (simulator,
                            vd_credentials_get_access_key_id (credentials),
                            vd_credentials_get_access_key_secret (credentials),
                            vd_credentials_get_security_token (credentials));
    }
  vd_simulator_set_answer_shape (simulator, shape);

  if (!vd_simulator_listen (simulator, (guint) port, certificate, &error))
    return vd_cli_fail (_("cannot listen on port %d: %s"), port, error->message);

  /* The URL comes first and alone on its line, so that a script can read it. */
  printf ("%s\n", vd_simulator_get_url (simulator));
  if (credentials == NULL)
    printf (_("Training key pair: AccessKey ID %s, secret %s\n"),
            VD_TRAINING_ACCESS_KEY_ID, VD_TRAINING_ACCESS_KEY_SECRET);
  printf ("%s\n", _("Results are simulated. Press Ctrl+C to stop."));
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_stop_signal, loop);
  g_unix_signal_add (SIGTERM, on_stop_signal, loop);
  g_main_loop_run (loop);

  vd_simulator_disconnect (simulator);
  return 0;
}

int
vd_cli_samples (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  const VdSampleCustomer *customers;
  guint n_customers;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Lists the sample customers of training mode: each produces one outcome.\n"
                                  "Any other valid ID number passes; one ending in sequence 999 is unknown to the\n"
                                  "authority (3102), one with sequence 000 is invalid (3103)."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return vd_cli_fail ("%s", error->message);
  if (argc > 1)
    return vd_cli_fail (_("unexpected argument “%s”"), argv[1]);

  customers = vd_sample_customers (&n_customers);
  for (guint i = 0; i < n_customers; i++)
    {
      char code[16];
      const VdStatusInfo *info;
      g_autofree char *name = vd_cli_pad_to_width (customers[i].name, 8);

      g_snprintf (code, sizeof code, "%d", customers[i].status);
      info = customers[i].status >= 3000 ? vd_identity_error_lookup (code)
                                         : vd_verify_status_lookup (customers[i].status);

      printf ("%s %s  %4d  %-16s %s\n",
              name,
              customers[i].id_number,
              customers[i].status,
              vd_severity_to_string (info->severity),
              customers[i].description);
    }

  return 0;
}
