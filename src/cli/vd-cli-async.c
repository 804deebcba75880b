#define G_LOG_DOMAIN "verifydesk-cli"

#include "config.h"

#include "vd-cli.h"
#include "vd-desk-journal.h"

void
vd_cli_on_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

GAsyncResult *
vd_cli_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* The app's "history-server-uri" setting, or NULL where its schema is not installed. */
static char *
history_server_setting (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "history-server-uri"))
    return NULL;
  settings = g_settings_new_full (schema, NULL, NULL);
  return g_settings_get_string (settings, "history-server-uri");
}

VdHistory *
vd_cli_open_history (gboolean   need_key,
                     GError   **error)
{
  g_autoptr(VdHistory) history = vd_history_new (NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *server = history_server_setting ();

  /* The same history as the app: the shared server when one is chosen in Preferences. */
  vd_history_set_server (history, server, NULL);
  vd_history_open_async (history, NULL, vd_cli_on_done, &result);
  if (!vd_history_open_finish (history, vd_cli_wait (&result), error))
    return NULL;

  if (vd_history_get_open_message (history) != NULL)
    g_printerr ("verifydesk-cli: %s\n", vd_history_get_open_message (history));

  if (need_key)
    {
      g_autofree char *folder = g_path_get_dirname (vd_history_get_path (history));
      g_autoptr(GBytes) key = NULL;

      g_clear_object (&result);
      vd_desk_journal_load_key_async (folder, NULL, vd_cli_on_done, &result);
      key = vd_desk_journal_load_key_finish (vd_cli_wait (&result), NULL, error);
      if (key == NULL)
        return NULL;
      vd_history_set_id_number_key (history, key);
    }

  return g_steal_pointer (&history);
}
