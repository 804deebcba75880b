#define G_LOG_DOMAIN "verifydesk-cli"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "vd-cli.h"
#include "vd-desk.h"

typedef struct {
  char     *name;
  char     *id_number;
  char     *face_url;
  char     *front_url;
  char     *back_url;
  char     *user_id;
  char     *biz_type;
  char     *biz_id;
  char     *endpoint;
  char     *signature;
  gboolean  training;
  gboolean  json;
} VerifyOptions;

static void
verify_options_clear (VerifyOptions *options)
{
  g_free (options->name);
  g_free (options->id_number);
  g_free (options->face_url);
  g_free (options->front_url);
  g_free (options->back_url);
  g_free (options->user_id);
  g_free (options->biz_type);
  g_free (options->biz_id);
  g_free (options->endpoint);
  g_free (options->signature);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VerifyOptions, verify_options_clear)

static gboolean
parse_options (VerifyOptions *options,
               int           *argc,
               char        ***argv,
               GError       **error)
{
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &options->name,
      N_("The customer’s name as on the ID card"), N_("NAME") },
    { "id-number", 0, 0, G_OPTION_ARG_STRING, &options->id_number,
      N_("The 18-character resident ID number"), N_("NUMBER") },
    { "face-url", 0, 0, G_OPTION_ARG_STRING, &options->face_url,
      N_("Public http(s) URL of the face photo"), N_("URL") },
    { "front-url", 0, 0, G_OPTION_ARG_STRING, &options->front_url,
      N_("Public http(s) URL of the ID card’s portrait side"), N_("URL") },
    { "back-url", 0, 0, G_OPTION_ARG_STRING, &options->back_url,
      N_("Public http(s) URL of the ID card’s national-emblem side"), N_("URL") },
    { "user-id", 0, 0, G_OPTION_ARG_STRING, &options->user_id,
      N_("The customer’s account ID in your system (optional)"), N_("ID") },
    { "biz-type", 0, 0, G_OPTION_ARG_STRING, &options->biz_type,
      N_("The verification scenario (BizType) from the Cloudauth console"), N_("TYPE") },
    { "biz-id", 0, 0, G_OPTION_ARG_STRING, &options->biz_id,
      N_("Resubmit the task with this BizId (default: a new task)"), N_("ID") },
    { "endpoint", 0, 0, G_OPTION_ARG_STRING, &options->endpoint,
      N_("The Cloudauth gateway (default https://cloudauth.aliyuncs.com/)"), N_("URL") },
    { "signature", 0, 0, G_OPTION_ARG_STRING, &options->signature,
      N_("Signature scheme: v3 (default) or v1"), N_("SCHEME") },
    { "training", 0, 0, G_OPTION_ARG_NONE, &options->training,
      N_("Verify against the built-in simulator: results are simulated"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options->json,
      N_("Print one JSON object instead of text"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Submits a customer’s name, ID number and photos to Cloudauth and prints the verdict.\n"
                                  "Credentials come from ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET\n"
                                  "and ALIBABA_CLOUD_SECURITY_TOKEN, else from the keyring (verifydesk-cli credentials set).\n"
                                  "Every verification is recorded in the history. Exit status: 0 passed, 1 not passed,\n"
                                  "2 anything else."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  return g_option_context_parse (context, argc, argv, error);
}

/* Checks what the options themselves must satisfy, before the request is built. */
static gboolean
check_options (const VerifyOptions *options,
               int                  argc,
               char               **argv,
               VdSignatureScheme   *scheme,
               GError             **error)
{
  static const struct { const char *flag; gsize offset; } required[] = {
    { "--name", G_STRUCT_OFFSET (VerifyOptions, name) },
    { "--id-number", G_STRUCT_OFFSET (VerifyOptions, id_number) },
    { "--face-url", G_STRUCT_OFFSET (VerifyOptions, face_url) },
  };

  if (argc > 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("unexpected argument “%s”: every value goes after its option"), argv[1]);
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      const char *value = G_STRUCT_MEMBER (const char *, options, required[i].offset);

      if (value == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                       _("%s is required (see --help)"), required[i].flag);
          return FALSE;
        }
    }

  *scheme = VD_SIGNATURE_V3;
  if (options->signature != NULL && !vd_signature_scheme_parse (options->signature, scheme))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--signature must be v3 or v1, not “%s”"), options->signature);
      return FALSE;
    }

  if (options->training && options->endpoint != NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--training cannot be combined with --endpoint: training never reaches a real service"));
      return FALSE;
    }

  return TRUE;
}

static VdVerifyRequest *
build_request (const VerifyOptions *options)
{
  VdVerifyRequest *request = vd_verify_request_new_task (options->biz_type);

  if (options->biz_id != NULL)
    {
      g_free (request->biz_id);
      request->biz_id = g_strdup (options->biz_id);
    }
  request->name = g_strdup (options->name);
  request->id_number = g_strdup (options->id_number);
  request->face_url = g_strdup (options->face_url);
  request->front_url = g_strdup (options->front_url);
  request->back_url = g_strdup (options->back_url);
  request->user_id = g_strdup (options->user_id);

  return request;
}

/* The journal the window would record with: the operator and desk names and the "keep full ID
 * numbers" preference from the app's settings (vd-application.c), so that a verification made
 * here is recorded as one made in the window. Without the schema installed (run from a build
 * folder) the defaults: the login name, the host name, numbers masked. */
static VdDeskJournal *
counter_journal (VdHistory *history)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    return vd_desk_journal_new (history, NULL, NULL);

  settings = g_settings_new_full (schema, NULL, NULL);
  return vd_desk_journal_new_from_settings (history, settings);
}

static int
exit_code_for (const VdVerification *verification)
{
  switch (verification->outcome)
    {
    case VD_OUTCOME_PASSED:
      return VD_CLI_EXIT_PASSED;
    case VD_OUTCOME_NOT_PASSED:
      return VD_CLI_EXIT_NOT_PASSED;
    case VD_OUTCOME_ERROR:
    case VD_OUTCOME_UNKNOWN:
    default:
      return VD_CLI_EXIT_ERROR;
    }
}

int
vd_cli_verify (int    argc,
               char **argv)
{
  g_auto(VerifyOptions) options = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VdVerifyRequest) request = NULL;
  g_autoptr(VdCloudauthClient) client = NULL;
  g_autoptr(VdDesk) desk = NULL;
  g_autoptr(VdHistory) history = NULL;
  g_autoptr(VdDeskJournal) journal = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(VdVerification) verification = NULL;
  g_autofree char *output = NULL;
  VdSignatureScheme scheme;

  if (!parse_options (&options, &argc, &argv, &error) ||
      !check_options (&options, argc, argv, &scheme, &error))
    return vd_cli_fail ("%s", error->message);

  /* Bad input is refused here, in one line, before anything is sent. */
  request = build_request (&options);
  if (!vd_verify_request_validate (request, NULL, &error))
    return vd_cli_fail ("%s", error->message);

  client = vd_cloudauth_client_new ();
  vd_cloudauth_client_set_signature (client, scheme);
  if (options.endpoint != NULL &&
      !vd_cloudauth_client_set_endpoint (client, options.endpoint, &error))
    return vd_cli_fail ("%s", error->message);

  desk = vd_desk_new (client);
  if (options.training && !vd_desk_set_training (desk, TRUE, &error))
    return vd_cli_fail (_("cannot start the training simulator: %s"), error->message);

  /* No record, no request: without its history the verification is not sent. */
  history = vd_cli_open_history (FALSE, &error);
  if (history == NULL)
    return vd_cli_fail (_("not sent: the history cannot be opened: %s"), error->message);
  journal = counter_journal (history);
  vd_desk_set_journal (desk, journal);

  vd_desk_verify_async (desk, request, NULL, vd_cli_on_done, &result);
  verification = vd_desk_verify_finish (desk, vd_cli_wait (&result), &error);
  if (verification == NULL)
    return vd_cli_fail ("%s", error->message);

  output = options.json ? vd_cli_format_json (verification)
                        : vd_cli_format_text (verification);
  fputs (output, stdout);
  fflush (stdout);
  if (verification->history_note != NULL)
    g_printerr ("verifydesk-cli: %s\n", verification->history_note);

  return exit_code_for (verification);
}
