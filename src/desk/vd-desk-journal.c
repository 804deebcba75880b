/* vd-desk-journal.c: the history records the desk writes around each submission
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vd-desk-journal"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "vd-desk-journal.h"
#include "vd-random.h"
#include "vd-keyring.h"

struct _VdDeskJournal
{
  GObject    parent_instance;

  VdHistory *history;
  char      *operator_name;
  char      *desk_name;
  GBytes    *key;
  gboolean   keep_full_id_numbers;
};

G_DEFINE_FINAL_TYPE (VdDeskJournal, vd_desk_journal, G_TYPE_OBJECT)

static void
vd_desk_journal_finalize (GObject *object)
{
  VdDeskJournal *self = VD_DESK_JOURNAL (object);

  g_clear_object (&self->history);
  g_free (self->operator_name);
  g_free (self->desk_name);
  g_clear_pointer (&self->key, g_bytes_unref);

  G_OBJECT_CLASS (vd_desk_journal_parent_class)->finalize (object);
}

static void
vd_desk_journal_class_init (VdDeskJournalClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vd_desk_journal_finalize;
}

static void
vd_desk_journal_init (VdDeskJournal *self)
{
}

VdDeskJournal *
vd_desk_journal_new (VdHistory  *history,
                     const char *operator_name,
                     const char *desk_name)
{
  VdDeskJournal *self;

  g_return_val_if_fail (VD_IS_HISTORY (history), NULL);

  self = g_object_new (VD_TYPE_DESK_JOURNAL, NULL);
  self->history = g_object_ref (history);
  self->operator_name = g_strdup (operator_name != NULL ? operator_name : g_get_user_name ());
  self->desk_name = g_strdup (desk_name != NULL ? desk_name : g_get_host_name ());
  return self;
}

VdDeskJournal *
vd_desk_journal_new_from_settings (VdHistory *history,
                                   GSettings *settings)
{
  g_autofree char *operator_name = NULL;
  g_autofree char *desk_name = NULL;
  VdDeskJournal *self;

  g_return_val_if_fail (VD_IS_HISTORY (history), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  operator_name = g_settings_get_string (settings, "operator-name");
  desk_name = g_settings_get_string (settings, "desk-name");
  self = vd_desk_journal_new (history,
                              operator_name[0] != '\0' ? operator_name : NULL,
                              desk_name[0] != '\0' ? desk_name : NULL);
  self->keep_full_id_numbers = g_settings_get_boolean (settings, "keep-full-id-numbers");
  return self;
}

VdHistory *
vd_desk_journal_get_history (VdDeskJournal *self)
{
  g_return_val_if_fail (VD_IS_DESK_JOURNAL (self), NULL);

  return self->history;
}

const char *
vd_desk_journal_get_operator (VdDeskJournal *self)
{
  g_return_val_if_fail (VD_IS_DESK_JOURNAL (self), NULL);

  return self->operator_name;
}

const char *
vd_desk_journal_get_desk_name (VdDeskJournal *self)
{
  g_return_val_if_fail (VD_IS_DESK_JOURNAL (self), NULL);

  return self->desk_name;
}

void
vd_desk_journal_set_key (VdDeskJournal *self,
                         GBytes        *key)
{
  g_return_if_fail (VD_IS_DESK_JOURNAL (self));
  g_return_if_fail (key != NULL && g_bytes_get_size (key) == VD_HISTORY_KEY_LENGTH);

  g_bytes_ref (key);
  g_clear_pointer (&self->key, g_bytes_unref);
  self->key = key;
  vd_history_set_id_number_key (self->history, key);
}

void
vd_desk_journal_set_keep_full_id_numbers (VdDeskJournal *self,
                                          gboolean       keep)
{
  g_return_if_fail (VD_IS_DESK_JOURNAL (self));

  self->keep_full_id_numbers = !!keep;
}

/* --- the key --- */

typedef struct {
  char   *folder;
  GBytes *key;
  char   *where;
} KeyData;

static void
key_data_free (KeyData *data)
{
  g_free (data->folder);
  g_clear_pointer (&data->key, g_bytes_unref);
  g_free (data->where);
  g_free (data);
}

static gboolean
is_keyring_unavailable (const GError *error)
{
  if (error->domain == G_DBUS_ERROR || error->domain == G_SPAWN_ERROR)
    return TRUE;
  return error->domain == G_IO_ERROR &&
         error->code != G_IO_ERROR_CANCELLED &&
         error->code != G_IO_ERROR_DBUS_ERROR;
}

/* In a thread: the key from the file beside the database, or a new one written there. */
static void
key_file_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  KeyData *data = task_data;
  g_autofree char *path = g_build_filename (data->folder, VD_HISTORY_KEY_FILE_NAME, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  data->where = g_strdup (path);

  if (g_file_get_contents (path, &contents, &length, &error))
    {
      if (length != VD_HISTORY_KEY_LENGTH)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                   _("The history key file %s is damaged (%zu bytes instead of "
                                     "%d): restore it from a backup, or remove it to start a "
                                     "new key (earlier records can then no longer be found by "
                                     "ID number)."),
                                   path, length, VD_HISTORY_KEY_LENGTH);
          return;
        }
      data->key = g_bytes_new_take (g_steal_pointer (&contents), length);
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("The history key file cannot be read: %s"), error->message);
      return;
    }
  g_clear_error (&error);

  key = vd_random_bytes (VD_HISTORY_KEY_LENGTH);
  if (g_mkdir_with_parents (data->folder, 0700) != 0 ||
      !g_file_set_contents_full (path, g_bytes_get_data (key, NULL), VD_HISTORY_KEY_LENGTH,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("The history key cannot be written to %s: %s"), path,
                               error != NULL ? error->message : g_strerror (errno));
      return;
    }

  data->key = g_steal_pointer (&key);
  g_task_return_boolean (task, TRUE);
}

/* Takes the caller's reference to @task. */
static void
use_key_file (GTask *task)
{
  g_task_run_in_thread (task, key_file_thread);
  g_object_unref (task);
}

static void
on_key_stored (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      if (is_keyring_unavailable (error))
        {
          KeyData *data = g_task_get_task_data (task);

          g_clear_pointer (&data->key, g_bytes_unref);
          use_key_file (g_steal_pointer (&task));
          return;
        }
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("The history key cannot be stored in the keyring: %s"),
                               error->message);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/* No key in the keyring: a key file already there wins (it was made while no keyring could be
 * reached, and records use it); else a new key goes to the keyring. */
static void
create_key (GTask *task)
{
  KeyData *data = g_task_get_task_data (task);
  g_autofree char *path = g_build_filename (data->folder, VD_HISTORY_KEY_FILE_NAME, NULL);
  g_autofree char *encoded = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      use_key_file (task);
      return;
    }

  data->key = vd_random_bytes (VD_HISTORY_KEY_LENGTH);
  data->where = g_strdup (_("the keyring"));
  encoded = g_base64_encode (g_bytes_get_data (data->key, NULL), VD_HISTORY_KEY_LENGTH);
  attributes = secret_attributes_build (vd_keyring_get_schema (),
                                        VD_KEYRING_ATTRIBUTE_KIND, VD_KEYRING_KIND_HISTORY_KEY,
                                        NULL);
  secret_password_storev (vd_keyring_get_schema (), attributes, SECRET_COLLECTION_DEFAULT,
                          _("VerifyDesk history key"), encoded, g_task_get_cancellable (task),
                          on_key_stored, task);
}

static void
on_key_looked_up (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KeyData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree guchar *decoded = NULL;
  char *encoded;
  gsize length = 0;

  encoded = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      if (is_keyring_unavailable (error))
        use_key_file (g_steal_pointer (&task));
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                                 _("The history key cannot be read from the keyring: %s. "
                                   "Unlock the keyring and try again."), error->message);
      return;
    }

  if (encoded == NULL)
    {
      create_key (g_steal_pointer (&task));
      return;
    }

  decoded = g_base64_decode (encoded, &length);
  secret_password_free (encoded);
  if (length != VD_HISTORY_KEY_LENGTH)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("The history key in the keyring is damaged: remove the item "
                                 "“VerifyDesk history key” to start a new key (earlier "
                                 "records can then no longer be found by ID number)."));
      return;
    }

  data->key = g_bytes_new_take (g_steal_pointer (&decoded), length);
  data->where = g_strdup (_("the keyring"));
  g_task_return_boolean (task, TRUE);
}

void
vd_desk_journal_load_key_async (const char          *folder,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  KeyData *data;

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vd_desk_journal_load_key_async);

  data = g_new0 (KeyData, 1);
  data->folder = folder != NULL ? g_strdup (folder) : vd_history_default_folder ();
  g_task_set_task_data (task, data, (GDestroyNotify) key_data_free);

  attributes = secret_attributes_build (vd_keyring_get_schema (),
                                        VD_KEYRING_ATTRIBUTE_KIND, VD_KEYRING_KIND_HISTORY_KEY,
                                        NULL);
  secret_password_lookupv (vd_keyring_get_schema (), attributes, cancellable, on_key_looked_up,
                           g_steal_pointer (&task));
}

GBytes *
vd_desk_journal_load_key_finish (GAsyncResult  *result,
                                 char         **where,
                                 GError       **error)
{
  KeyData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vd_desk_journal_load_key_async,
                        NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  data = g_task_get_task_data (G_TASK (result));
  if (where != NULL)
    *where = g_strdup (data->where);
  return g_bytes_ref (data->key);
}

/* --- recording --- */

typedef struct {
  VdVerifyRequest *request;
  gboolean         training;
  VdHistoryRecord *record;
} SentData;

static void
sent_data_free (SentData *data)
{
  g_clear_pointer (&data->request, vd_verify_request_free);
  g_clear_pointer (&data->record, vd_history_record_free);
  g_free (data);
}

static void
on_sent_recorded (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SentData *data = g_task_get_task_data (task);
  GError *error = NULL;
  guint attempt = 0;
  gint64 id;

  id = vd_history_record_sent_finish (VD_HISTORY (source), result, &attempt, &error);
  if (id == 0)
    {
      g_task_return_error (task, error);
      return;
    }

  data->record->id = id;
  data->record->attempt = attempt;
  g_task_return_pointer (task, g_steal_pointer (&data->record),
                         (GDestroyNotify) vd_history_record_free);
}

static void
write_sent (GTask *task)
{
  VdDeskJournal *self = g_task_get_source_object (task);
  SentData *data = g_task_get_task_data (task);

  data->record = vd_history_record_new_sent (data->request, self->key,
                                             self->keep_full_id_numbers, data->training,
                                             self->operator_name, self->desk_name);
  vd_history_record_sent_async (self->history, data->record, g_task_get_cancellable (task),
                                on_sent_recorded, task);
}

static void
on_key_loaded (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdDeskJournal *self = g_task_get_source_object (task);
  g_autoptr(GBytes) key = NULL;
  g_autofree char *where = NULL;
  GError *error = NULL;

  key = vd_desk_journal_load_key_finish (result, &where, &error);
  if (key == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* Another submission may have loaded it meanwhile: the same key either way. */
  if (self->key == NULL)
    {
      g_debug ("History key from %s", where);
      vd_desk_journal_set_key (self, key);
    }
  write_sent (g_steal_pointer (&task));
}

void
vd_desk_journal_record_sent_async (VdDeskJournal         *self,
                                   const VdVerifyRequest *request,
                                   gboolean               training,
                                   GCancellable          *cancellable,
                                   GAsyncReadyCallback    callback,
                                   gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *folder = NULL;
  SentData *data;

  g_return_if_fail (VD_IS_DESK_JOURNAL (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vd_desk_journal_record_sent_async);
  /* A written record must reach the caller, which completes it, even when cancelled. */
  g_task_set_check_cancellable (task, FALSE);

  data = g_new0 (SentData, 1);
  data->request = vd_verify_request_copy (request);
  data->training = training;
  g_task_set_task_data (task, data, (GDestroyNotify) sent_data_free);

  if (self->key != NULL)
    {
      write_sent (g_steal_pointer (&task));
      return;
    }

  folder = g_path_get_dirname (vd_history_get_path (self->history));
  vd_desk_journal_load_key_async (folder, cancellable, on_key_loaded, g_steal_pointer (&task));
}

VdHistoryRecord *
vd_desk_journal_record_sent_finish (VdDeskJournal  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  g_return_val_if_fail (VD_IS_DESK_JOURNAL (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        vd_desk_journal_record_sent_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_finished_recorded (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (vd_history_record_finished_finish (VD_HISTORY (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
vd_desk_journal_record_finished_async (VdDeskJournal         *self,
                                       const VdHistoryRecord *sent,
                                       const VdVerifyResult  *result,
                                       const GError          *error,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(VdHistoryRecord) finished = NULL;

  g_return_if_fail (VD_IS_DESK_JOURNAL (self));
  g_return_if_fail (sent != NULL && sent->id > 0);
  g_return_if_fail (result != NULL || error != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vd_desk_journal_record_finished_async);

  finished = vd_history_record_copy (sent);
  vd_history_record_set_answer (finished, result, error);
  vd_history_record_finished_async (self->history, sent->id, finished, cancellable,
                                    on_finished_recorded, g_steal_pointer (&task));
}

gboolean
vd_desk_journal_record_finished_finish (VdDeskJournal  *self,
                                        GAsyncResult   *result,
                                        GError        **error)
{
  g_return_val_if_fail (VD_IS_DESK_JOURNAL (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
