/* vd-cli-history.c: `verifydesk-cli history list|export`, on the same database as the app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "verifydesk-cli"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "vd-cli.h"
#include "vd-desk-journal.h"
#include "vd-history.h"

#define DEFAULT_LIST_LIMIT 50

typedef struct {
  char     *since;
  char     *until;
  char     *outcome;
  char     *name;
  char     *id_number;
  char     *operator_name;
  char     *desk;
  int       limit;
  gboolean  json;
  char     *out;
} HistoryOptions;

static void
history_options_clear (HistoryOptions *options)
{
  g_free (options->since);
  g_free (options->until);
  g_free (options->outcome);
  g_free (options->name);
  g_free (options->id_number);
  g_free (options->operator_name);
  g_free (options->desk);
  g_free (options->out);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HistoryOptions, history_options_clear)

/* --- options --- */

static gboolean
parse_options (HistoryOptions  *options,
               gboolean         export,
               int             *argc,
               char          ***argv,
               GError         **error)
{
  const GOptionEntry filter_entries[] = {
    { "since", 0, 0, G_OPTION_ARG_STRING, &options->since,
      N_("Only records from this day (YYYY-MM-DD, local time) or moment (ISO 8601) on"),
      N_("DATE") },
    { "until", 0, 0, G_OPTION_ARG_STRING, &options->until,
      N_("Only records up to the end of this day, or before this moment (ISO 8601)"),
      N_("DATE") },
    { "outcome", 0, 0, G_OPTION_ARG_STRING, &options->outcome,
      N_("Only this outcome: passed, not_passed, error or unknown"), N_("OUTCOME") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &options->name,
      N_("Only names containing this text"), N_("TEXT") },
    { "id-number", 0, 0, G_OPTION_ARG_STRING, &options->id_number,
      N_("Only this person: the full 18-character ID number"), N_("NUMBER") },
    { "operator", 0, 0, G_OPTION_ARG_STRING, &options->operator_name,
      N_("Only records made by this operator"), N_("NAME") },
    { "desk", 0, 0, G_OPTION_ARG_STRING, &options->desk,
      N_("Only records made at this desk"), N_("NAME") },
    { NULL }
  };
  const GOptionEntry list_entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &options->limit,
      N_("Print at most this many records, newest first (default 50; 0: all)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options->json,
      N_("Print one JSON array instead of text"), NULL },
    { NULL }
  };
  const GOptionEntry export_entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &options->out,
      N_("The CSV file to write (UTF-8 with BOM, for spreadsheets)"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);

  options->limit = DEFAULT_LIST_LIMIT;
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                export
                                ? _("Writes the matching records of the verification history "
                                    "to a CSV file.")
                                : _("Prints the matching records of the verification history, "
                                    "newest first.\nThe history is in $VERIFYDESK_DATA_DIR "
                                    "when set, else in the user data folder."));
  g_option_context_add_main_entries (context, filter_entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, export ? export_entries : list_entries,
                                     GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;

  if (*argc > 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("unexpected argument “%s”: every value goes after its option"), (*argv)[1]);
      return FALSE;
    }
  if (export && options->out == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--out is required (see --help)"));
      return FALSE;
    }
  if (options->limit < 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--limit must be 0 or more"));
      return FALSE;
    }

  return TRUE;
}

/* A day (local midnight, or the next one for an end) or an ISO 8601 moment. */
static GDateTime *
parse_date (const char  *text,
            const char  *option,
            gboolean     end_of_day,
            GError     **error)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  guint year, month, day;
  char rest;

  if (sscanf (text, "%4u-%2u-%2u%c", &year, &month, &day, &rest) == 3 &&
      g_date_valid_dmy (day, month, year))
    {
      g_autoptr(GDateTime) midnight = g_date_time_new (local, year, month, day, 0, 0, 0);

      if (midnight != NULL)
        return end_of_day ? g_date_time_add_days (midnight, 1) : g_date_time_ref (midnight);
    }
  else
    {
      GDateTime *moment = g_date_time_new_from_iso8601 (text, local);

      if (moment != NULL)
        return moment;
    }

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("%s must be a date like 2026-11-28 or a moment like 2026-11-28T14:30:00, not "
                 "“%s”"), option, text);
  return NULL;
}

static VdHistoryFilter *
build_filter (const HistoryOptions  *options,
              GError               **error)
{
  g_autoptr(VdHistoryFilter) filter = vd_history_filter_new ();

  if (options->since != NULL &&
      (filter->since = parse_date (options->since, "--since", FALSE, error)) == NULL)
    return NULL;
  if (options->until != NULL &&
      (filter->until = parse_date (options->until, "--until", TRUE, error)) == NULL)
    return NULL;

  if (options->outcome != NULL)
    {
      g_autofree char *outcome = g_strdelimit (g_strdup (options->outcome), "-", '_');

      if (!vd_outcome_from_string (outcome, &filter->outcome))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--outcome must be passed, not_passed, error or unknown, not “%s”"),
                       options->outcome);
          return NULL;
        }
      filter->has_outcome = TRUE;
    }

  filter->name = g_strdup (options->name);
  filter->id_number = g_strdup (options->id_number);
  filter->operator_name = g_strdup (options->operator_name);
  filter->desk = g_strdup (options->desk);
  return g_steal_pointer (&filter);
}

/* --- list --- */

static void
add_optional_number (JsonBuilder *builder,
                     const char  *member,
                     gboolean     has_value,
                     double       value)
{
  json_builder_set_member_name (builder, member);
  if (has_value)
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_optional_string (JsonBuilder *builder,
                     const char  *member,
                     const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_record_json (JsonBuilder           *builder,
                 const VdHistoryRecord *record)
{
  g_autofree char *time = g_date_time_format_iso8601 (record->time);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, record->id);
  add_optional_string (builder, "uuid", record->uuid);
  add_optional_string (builder, "time", time);
  add_optional_string (builder, "operator", record->operator_name);
  add_optional_string (builder, "desk", record->desk);
  add_optional_string (builder, "biz_type", record->biz_type);
  add_optional_string (builder, "biz_id", record->biz_id);
  json_builder_set_member_name (builder, "attempt");
  json_builder_add_int_value (builder, record->attempt);
  add_optional_string (builder, "state", vd_history_state_to_string (record->state));
  add_optional_string (builder, "outcome",
                       vd_outcome_to_string (vd_history_record_get_outcome (record)));
  json_builder_set_member_name (builder, "status");
  if (record->has_verify_status)
    json_builder_add_int_value (builder, record->verify_status);
  else
    json_builder_add_null_value (builder);
  add_optional_string (builder, "code", record->error_code);
  add_optional_string (builder, "message", record->error_message);
  add_optional_number (builder, "score", record->has_score, record->score);
  add_optional_number (builder, "card_face_score", record->has_card_face_score,
                       record->card_face_score);
  add_optional_string (builder, "name", record->name);
  add_optional_string (builder, "id_number_masked", record->id_number_masked);
  add_optional_string (builder, "request_id", record->request_id);
  json_builder_set_member_name (builder, "training");
  json_builder_add_boolean_value (builder, record->training);
  json_builder_end_object (builder);
}

static char *
format_json (GPtrArray *records)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < records->len; i++)
    add_record_json (builder, g_ptr_array_index (records, i));
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

static char *
format_text (GPtrArray *records)
{
  GString *out = g_string_new (NULL);

  if (records->len == 0)
    g_string_append_printf (out, "%s\n", _("No records match."));

  for (guint i = 0; i < records->len; i++)
    {
      VdHistoryRecord *record = g_ptr_array_index (records, i);
      g_autoptr(GDateTime) local = g_date_time_to_local (record->time);
      g_autofree char *time = g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
      g_autofree char *score = record->has_score ? g_strdup_printf ("%.1f", record->score)
                                                 : g_strdup ("-");

      g_string_append_printf (out, "%s  %-10s  %5s  %s  %s  #%u  %s%s\n",
                              time,
                              vd_outcome_to_string (vd_history_record_get_outcome (record)),
                              score, record->name, record->id_number_masked, record->attempt,
                              record->biz_id, record->training ? _("  (training)") : "");
    }

  return g_string_free (out, FALSE);
}

static char *
waiting_text (guint n)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u record waiting to be sent to the server.",
                                       "%u records waiting to be sent to the server.", n), n);
}

static int
run_list (const HistoryOptions *options)
{
  g_autoptr(VdHistoryFilter) filter = NULL;
  g_autoptr(VdHistory) history = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;

  filter = build_filter (options, &error);
  if (filter == NULL)
    return vd_cli_fail ("%s", error->message);

  history = vd_cli_open_history (options->id_number != NULL, &error);
  if (history == NULL)
    return vd_cli_fail ("%s", error->message);

  vd_history_list_async (history, filter, NULL, 0, (guint) options->limit, NULL,
                         vd_cli_on_done, &result);
  records = vd_history_list_finish (history, vd_cli_wait (&result), &error);
  if (records == NULL)
    return vd_cli_fail ("%s", error->message);
  /* On stderr, so that the list on stdout stays parseable. */
  if (vd_history_get_offline (history))
    g_printerr ("verifydesk-cli: %s\n",
                _("The history server cannot be reached: these are only the records kept on "
                  "this desk."));
  if (vd_history_get_n_waiting (history) > 0)
    {
      g_autofree char *waiting = waiting_text (vd_history_get_n_waiting (history));

      g_printerr ("verifydesk-cli: %s\n", waiting);
    }

  output = options->json ? format_json (records) : format_text (records);
  fputs (output, stdout);
  if (options->json)
    fputc ('\n', stdout);
  fflush (stdout);
  return 0;
}

/* --- export --- */

static void
on_export_progress (guint64  written,
                    guint64  total,
                    gpointer user_data)
{
  g_autofree char *written_text = NULL;
  g_autofree char *total_text = NULL;
  g_autofree char *line = NULL;

  /* Only on a terminal: a log file or a pipe gets the summary line alone. */
  if (!isatty (fileno (stderr)) || total == 0)
    return;
  /* The counts are passed as text: xgettext cannot see through G_GUINT64_FORMAT. */
  written_text = g_strdup_printf ("%" G_GUINT64_FORMAT, written);
  total_text = g_strdup_printf ("%" G_GUINT64_FORMAT, total);
  line = g_strdup_printf (_("%s of %s records written"), written_text, total_text);
  g_printerr ("\r%s", line);
}

static gboolean
on_interrupt (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_CONTINUE;
}

static int
run_export (const HistoryOptions *options)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(VdHistoryFilter) filter = NULL;
  g_autoptr(VdHistory) history = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *rows_text = NULL;
  guint64 rows = 0;
  guint interrupt_id;
  gboolean ok;

  filter = build_filter (options, &error);
  if (filter == NULL)
    return vd_cli_fail ("%s", error->message);

  history = vd_cli_open_history (options->id_number != NULL, &error);
  if (history == NULL)
    return vd_cli_fail ("%s", error->message);

  /* Ctrl+C stops the export and removes the partial file. */
  interrupt_id = g_unix_signal_add (SIGINT, on_interrupt, cancellable);
  file = g_file_new_for_commandline_arg (options->out);
  vd_history_export_async (history, filter, file, on_export_progress, NULL, NULL, cancellable,
                           vd_cli_on_done, &result);
  ok = vd_history_export_finish (history, vd_cli_wait (&result), &rows, &error);
  g_source_remove (interrupt_id);
  if (isatty (fileno (stderr)))
    g_printerr ("\n");

  if (!ok)
    return vd_cli_fail (_("cannot export to %s: %s"), options->out, error->message);

  rows_text = g_strdup_printf ("%" G_GUINT64_FORMAT, rows);
  g_print (g_dngettext (GETTEXT_PACKAGE, "Exported %s record to %s\n",
                        "Exported %s records to %s\n", (gulong) MIN (rows, G_MAXULONG)),
           rows_text, options->out);
  return 0;
}

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n", _("Usage: verifydesk-cli history list|export [OPTION…]"));
  fprintf (stream, "\n%s\n", _("  list     Print the matching records, newest first"));
  fprintf (stream, "%s\n", _("  export   Write the matching records to a CSV file (--out FILE)"));
  fprintf (stream, "\n%s\n", _("Run “verifydesk-cli history list --help” for the filters."));
}

int
vd_cli_history (int    argc,
                char **argv)
{
  g_auto(HistoryOptions) options = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *program = NULL;
  gboolean export;

  if (argc < 2)
    {
      print_usage (stderr);
      return VD_CLI_EXIT_ERROR;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      print_usage (stdout);
      return 0;
    }
  if (!g_str_equal (argv[1], "list") && !g_str_equal (argv[1], "export"))
    return vd_cli_fail (_("unknown history command “%s”: use list or export"), argv[1]);

  export = g_str_equal (argv[1], "export");
  /* The subcommand sees "verifydesk-cli history list" as its program name. */
  program = g_strdup_printf ("%s %s", argv[0], argv[1]);
  argv[1] = program;
  argc -= 1;
  argv += 1;

  if (!parse_options (&options, export, &argc, &argv, &error))
    return vd_cli_fail ("%s", error->message);

  return export ? run_export (&options) : run_list (&options);
}
