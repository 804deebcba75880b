/* vd-history.c: the history of verifications, served by a worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vd-history"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vd-history-private.h"

struct _VdHistory
{
  GObject          parent_instance;

  char            *path;
  VdHistoryWorker *worker;
  GBytes          *key;

  /* The history server, or NULL for the SQLite file alone, and the password given with it
   * (NULL: the keyring's), handed to the worker at open and to each export's connection. */
  char            *server_uri;
  char            *server_password;

  /* What open found. */
  char            *moved_aside_path;
  guint            n_interrupted;
  char            *open_message;
  char            *desk_id;

  /* What the worker last reported. */
  guint            n_waiting;
  gboolean         offline;
};

enum {
  PROP_0,
  PROP_N_WAITING,
  PROP_OFFLINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (VdHistory, vd_history, G_TYPE_OBJECT)

G_DEFINE_QUARK (vd-history-error-quark, vd_history_error)

typedef struct {
  gint64 id;
  guint  attempt;
} SentAnswer;

/* --- filters --- */

G_DEFINE_BOXED_TYPE (VdHistoryFilter, vd_history_filter, vd_history_filter_copy,
                     vd_history_filter_free)

VdHistoryFilter *
vd_history_filter_new (void)
{
  return g_new0 (VdHistoryFilter, 1);
}

VdHistoryFilter *
vd_history_filter_copy (const VdHistoryFilter *self)
{
  VdHistoryFilter *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (VdHistoryFilter, 1);
  *copy = *self;
  copy->since = self->since != NULL ? g_date_time_ref (self->since) : NULL;
  copy->until = self->until != NULL ? g_date_time_ref (self->until) : NULL;
  copy->operator_name = g_strdup (self->operator_name);
  copy->desk = g_strdup (self->desk);
  copy->name = g_strdup (self->name);
  copy->id_number = g_strdup (self->id_number);
  return copy;
}

void
vd_history_filter_free (VdHistoryFilter *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->since, g_date_time_unref);
  g_clear_pointer (&self->until, g_date_time_unref);
  g_free (self->operator_name);
  g_free (self->desk);
  g_free (self->name);
  g_free (self->id_number);
  g_free (self);
}

/* --- the object --- */

static void
vd_history_finalize (GObject *object)
{
  VdHistory *self = VD_HISTORY (object);

  /* Every task holds a reference: by now the queue is empty, and this only stops the thread. */
  g_clear_pointer (&self->worker, vd_history_worker_free);
  g_clear_pointer (&self->key, g_bytes_unref);
  g_free (self->path);
  g_free (self->moved_aside_path);
  g_free (self->open_message);
  g_free (self->desk_id);
  g_free (self->server_uri);
  vd_history_forget_secret (&self->server_password);

  G_OBJECT_CLASS (vd_history_parent_class)->finalize (object);
}

static void
vd_history_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VdHistory *self = VD_HISTORY (object);

  switch (prop_id)
    {
    case PROP_N_WAITING:
      g_value_set_uint (value, self->n_waiting);
      break;
    case PROP_OFFLINE:
      g_value_set_boolean (value, self->offline);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vd_history_class_init (VdHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vd_history_finalize;
  object_class->get_property = vd_history_get_property;

  properties[PROP_N_WAITING] =
    g_param_spec_uint ("n-waiting", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OFFLINE] =
    g_param_spec_boolean ("offline", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_assert (vd_history_n_migrations () == VD_HISTORY_SCHEMA_VERSION);
}

static void
vd_history_init (VdHistory *self)
{
}

char *
vd_history_default_folder (void)
{
  const char *folder = g_getenv ("VERIFYDESK_DATA_DIR");

  if (folder != NULL && *folder != '\0')
    return g_strdup (folder);
  return g_build_filename (g_get_user_data_dir (), "verifydesk", NULL);
}

VdHistory *
vd_history_new (const char *path)
{
  VdHistory *self = g_object_new (VD_TYPE_HISTORY, NULL);
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  if (path != NULL)
    {
      self->path = g_strdup (path);
    }
  else
    {
      g_autofree char *folder = vd_history_default_folder ();

      self->path = g_build_filename (folder, VD_HISTORY_FILE_NAME, NULL);
    }

  self->worker = vd_history_worker_new (self->path);
  vd_history_worker_set_owner (self->worker, G_OBJECT (self), context);
  return self;
}

void
vd_history_set_server (VdHistory  *self,
                       const char *uri,
                       const char *password)
{
  g_return_if_fail (VD_IS_HISTORY (self));

  g_clear_pointer (&self->server_uri, g_free);
  vd_history_forget_secret (&self->server_password);
  if (uri != NULL && *uri != '\0')
    {
      self->server_uri = g_strdup (uri);
      self->server_password = g_strdup (password);
    }
}

void
vd_history_hold (VdHistory *self,
                 guint      max_ms)
{
  g_return_if_fail (VD_IS_HISTORY (self));

  vd_history_worker_hold (self->worker, max_ms);
}

void
vd_history_release (VdHistory *self)
{
  g_return_if_fail (VD_IS_HISTORY (self));

  vd_history_worker_release (self->worker);
}

gboolean
vd_history_has_server (VdHistory *self)
{
  g_return_val_if_fail (VD_IS_HISTORY (self), FALSE);

  return self->server_uri != NULL;
}

const char *
vd_history_get_desk_id (VdHistory *self)
{
  g_return_val_if_fail (VD_IS_HISTORY (self), NULL);

  return self->desk_id;
}

guint
vd_history_get_n_waiting (VdHistory *self)
{
  g_return_val_if_fail (VD_IS_HISTORY (self), 0);

  return self->n_waiting;
}

gboolean
vd_history_get_offline (VdHistory *self)
{
  g_return_val_if_fail (VD_IS_HISTORY (self), FALSE);

  return self->offline;
}

void
vd_history_update_state (VdHistory *self,
                         guint      n_waiting,
                         gboolean   offline)
{
  if (self->n_waiting != n_waiting)
    {
      self->n_waiting = n_waiting;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_WAITING]);
    }
  if (self->offline != offline)
    {
      self->offline = offline;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFLINE]);
    }
}

void
vd_history_forget_secret (char **secret)
{
  if (*secret == NULL)
    return;
  /* volatile: a plain memset before free may be optimised away. */
  for (volatile char *p = *secret; *p != '\0'; p++)
    *p = '\0';
  g_clear_pointer (secret, g_free);
}

const char *
vd_history_get_path (VdHistory *self)
{
  g_return_val_if_fail (VD_IS_HISTORY (self), NULL);

  return self->path;
}

void
vd_history_set_id_number_key (VdHistory *self,
                              GBytes    *key)
{
  g_return_if_fail (VD_IS_HISTORY (self));
  g_return_if_fail (key == NULL || g_bytes_get_size (key) == VD_HISTORY_KEY_LENGTH);

  if (key != NULL)
    g_bytes_ref (key);
  g_clear_pointer (&self->key, g_bytes_unref);
  self->key = key;
}

void
vd_history_set_page_limit (VdHistory *self,
                           guint      pages)
{
  vd_history_worker_set_page_limit (self->worker, pages);
}

void
vd_history_set_server_retry_interval (VdHistory *self,
                                      guint      interval_ms)
{
  vd_history_worker_set_retry_interval (self->worker, interval_ms);
}

const char *
vd_history_get_moved_aside_path (VdHistory *self)
{
  g_return_val_if_fail (VD_IS_HISTORY (self), NULL);

  return self->moved_aside_path;
}

guint
vd_history_get_n_interrupted (VdHistory *self)
{
  g_return_val_if_fail (VD_IS_HISTORY (self), 0);

  return self->n_interrupted;
}

const char *
vd_history_get_open_message (VdHistory *self)
{
  g_return_val_if_fail (VD_IS_HISTORY (self), NULL);

  return self->open_message;
}

/* --- messages --- */

static GTask *
new_task (VdHistory           *self,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

static void
send_message (VdHistory        *self,
              VdHistoryMessage *message)
{
  vd_history_worker_push (self->worker, message);
}

static void
build_open_message (VdHistory *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->moved_aside_path != NULL)
    g_string_append_printf (text, _("The history file was damaged. It was moved aside as %s "
                                    "and a new history was started; keep the old file for "
                                    "your administrator."), self->moved_aside_path);
  if (self->n_interrupted > 0)
    {
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append_printf (text,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "%u verification was interrupted before its answer "
                                           "came: its outcome is unknown. Resubmit the same "
                                           "task to learn it.",
                                           "%u verifications were interrupted before their "
                                           "answers came: their outcomes are unknown. Resubmit "
                                           "the same tasks to learn them.",
                                           self->n_interrupted),
                              self->n_interrupted);
    }

  g_clear_pointer (&self->open_message, g_free);
  if (text->len > 0)
    self->open_message = g_string_free (g_steal_pointer (&text), FALSE);
}

void
vd_history_message_deliver (VdHistoryMessage *message)
{
  GTask *task = message->task;
  VdHistory *self = g_task_get_source_object (task);
  SentAnswer *sent;

  if (message->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&message->error));
      vd_history_message_free (message);
      return;
    }

  switch (message->kind)
    {
    case VD_HISTORY_MESSAGE_OPEN:
      g_free (self->moved_aside_path);
      self->moved_aside_path = g_steal_pointer (&message->moved_aside_path);
      self->n_interrupted = message->n_interrupted;
      g_free (self->desk_id);
      self->desk_id = g_steal_pointer (&message->desk_id);
      build_open_message (self);
      g_task_return_boolean (task, TRUE);
      break;

    case VD_HISTORY_MESSAGE_RECORD_SENT:
      sent = g_new0 (SentAnswer, 1);
      sent->id = message->result_id;
      sent->attempt = message->result_attempt;
      g_task_return_pointer (task, sent, g_free);
      break;

    case VD_HISTORY_MESSAGE_GET:
      g_task_return_pointer (task, g_steal_pointer (&message->result_record),
                             (GDestroyNotify) vd_history_record_free);
      break;

    case VD_HISTORY_MESSAGE_LIST:
      g_task_return_pointer (task, g_steal_pointer (&message->result_records),
                             (GDestroyNotify) g_ptr_array_unref);
      break;

    case VD_HISTORY_MESSAGE_COUNT:
    case VD_HISTORY_MESSAGE_PURGE:
      g_task_return_pointer (task, g_memdup2 (&message->result_count, sizeof (guint64)), g_free);
      break;

    case VD_HISTORY_MESSAGE_RECORD_FINISHED:
    case VD_HISTORY_MESSAGE_INSERT:
      g_task_return_boolean (task, TRUE);
      break;

    case VD_HISTORY_MESSAGE_QUIT:
    default:
      g_assert_not_reached ();
    }

  vd_history_message_free (message);
}

static gboolean
check_result (VdHistory    *self,
              GAsyncResult *result,
              gpointer      source_tag)
{
  return g_task_is_valid (result, self) && g_task_get_source_tag (G_TASK (result)) == source_tag;
}

/* --- open --- */

void
vd_history_open_async (VdHistory           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  VdHistoryMessage *message;

  g_return_if_fail (VD_IS_HISTORY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_task (self, vd_history_open_async, cancellable, callback, user_data);
  /* Once open, the database is open for every later call, whoever stopped waiting. */
  g_task_set_check_cancellable (task, FALSE);
  message = vd_history_message_new (VD_HISTORY_MESSAGE_OPEN, task);
  message->server_uri = g_strdup (self->server_uri);
  message->server_password = g_strdup (self->server_password);
  send_message (self, message);
}

gboolean
vd_history_open_finish (VdHistory     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (VD_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (check_result (self, result, vd_history_open_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- writing --- */

void
vd_history_record_sent_async (VdHistory             *self,
                              const VdHistoryRecord *record,
                              GCancellable          *cancellable,
                              GAsyncReadyCallback    callback,
                              gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  VdHistoryMessage *message;

  g_return_if_fail (VD_IS_HISTORY (self));
  g_return_if_fail (record != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_task (self, vd_history_record_sent_async, cancellable, callback, user_data);
  /* Once written, the caller must learn the id even if it was cancelled meanwhile, so that it
   * can complete the record. */
  g_task_set_check_cancellable (task, FALSE);
  message = vd_history_message_new (VD_HISTORY_MESSAGE_RECORD_SENT, task);
  message->record = vd_history_record_copy (record);
  send_message (self, message);
}

gint64
vd_history_record_sent_finish (VdHistory     *self,
                               GAsyncResult  *result,
                               guint         *attempt,
                               GError       **error)
{
  g_autofree SentAnswer *sent = NULL;

  g_return_val_if_fail (VD_IS_HISTORY (self), 0);
  g_return_val_if_fail (check_result (self, result, vd_history_record_sent_async), 0);

  sent = g_task_propagate_pointer (G_TASK (result), error);
  if (sent == NULL)
    return 0;
  if (attempt != NULL)
    *attempt = sent->attempt;
  return sent->id;
}

void
vd_history_record_finished_async (VdHistory             *self,
                                  gint64                 id,
                                  const VdHistoryRecord *record,
                                  GCancellable          *cancellable,
                                  GAsyncReadyCallback    callback,
                                  gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  VdHistoryMessage *message;

  g_return_if_fail (VD_IS_HISTORY (self));
  g_return_if_fail (record != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_task (self, vd_history_record_finished_async, cancellable, callback, user_data);
  g_task_set_check_cancellable (task, FALSE);
  message = vd_history_message_new (VD_HISTORY_MESSAGE_RECORD_FINISHED, task);
  message->id = id;
  message->record = vd_history_record_copy (record);
  send_message (self, message);
}

gboolean
vd_history_record_finished_finish (VdHistory     *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (VD_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (check_result (self, result, vd_history_record_finished_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
vd_history_insert_records_async (VdHistory           *self,
                                 GPtrArray           *records,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  VdHistoryMessage *message;

  g_return_if_fail (VD_IS_HISTORY (self));
  g_return_if_fail (records != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_task (self, vd_history_insert_records_async, cancellable, callback, user_data);
  message = vd_history_message_new (VD_HISTORY_MESSAGE_INSERT, task);
  message->records = g_ptr_array_new_full (records->len, (GDestroyNotify) vd_history_record_free);
  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (message->records, vd_history_record_copy (g_ptr_array_index (records, i)));
  send_message (self, message);
}

gboolean
vd_history_insert_records_finish (VdHistory     *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (VD_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (check_result (self, result, vd_history_insert_records_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
vd_history_purge_async (VdHistory           *self,
                        guint                days,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  VdHistoryMessage *message;

  g_return_if_fail (VD_IS_HISTORY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_task (self, vd_history_purge_async, cancellable, callback, user_data);
  message = vd_history_message_new (VD_HISTORY_MESSAGE_PURGE, task);
  message->days = days > 0 ? days : VD_HISTORY_DEFAULT_RETENTION_DAYS;
  send_message (self, message);
}

static gboolean
propagate_count (GAsyncResult  *result,
                 guint64       *count,
                 GError       **error)
{
  g_autofree guint64 *value = g_task_propagate_pointer (G_TASK (result), error);

  if (value == NULL)
    return FALSE;
  if (count != NULL)
    *count = *value;
  return TRUE;
}

gboolean
vd_history_purge_finish (VdHistory     *self,
                         GAsyncResult  *result,
                         guint64       *removed,
                         GError       **error)
{
  g_return_val_if_fail (VD_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (check_result (self, result, vd_history_purge_async), FALSE);

  return propagate_count (result, removed, error);
}

/* --- reading --- */

void
vd_history_get_async (VdHistory           *self,
                      gint64               id,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  VdHistoryMessage *message;

  g_return_if_fail (VD_IS_HISTORY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_task (self, vd_history_get_async, cancellable, callback, user_data);
  message = vd_history_message_new (VD_HISTORY_MESSAGE_GET, task);
  message->id = id;
  send_message (self, message);
}

VdHistoryRecord *
vd_history_get_finish (VdHistory     *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (VD_IS_HISTORY (self), NULL);
  g_return_val_if_fail (check_result (self, result, vd_history_get_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The filter's ID number as the HMAC the records hold; FALSE with @error when there is a number
 * and no key to turn it with. */
static gboolean
filter_id_hmac (VdHistory              *self,
                const VdHistoryFilter  *filter,
                char                  **id_hmac,
                GError                **error)
{
  *id_hmac = NULL;
  if (filter == NULL || filter->id_number == NULL || *filter->id_number == '\0')
    return TRUE;

  if (self->key == NULL)
    {
      g_set_error_literal (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_NO_KEY,
                           _("Searching by ID number needs the history’s key, which is not "
                             "loaded: unlock the keyring and try again."));
      return FALSE;
    }

  *id_hmac = vd_history_id_number_hmac (self->key, filter->id_number);
  return TRUE;
}

/* A message for a filtered read, or NULL when the task was already completed with an error. */
static VdHistoryMessage *
filtered_message (VdHistory             *self,
                  VdHistoryMessageKind   kind,
                  GTask                 *task,
                  const VdHistoryFilter *filter)
{
  VdHistoryMessage *message;
  g_autofree char *id_hmac = NULL;
  GError *error = NULL;

  if (!filter_id_hmac (self, filter, &id_hmac, &error))
    {
      g_task_return_error (task, error);
      return NULL;
    }

  message = vd_history_message_new (kind, task);
  message->filter = filter != NULL ? vd_history_filter_copy (filter) : NULL;
  message->id_hmac = g_steal_pointer (&id_hmac);
  return message;
}

void
vd_history_list_async (VdHistory             *self,
                       const VdHistoryFilter *filter,
                       const VdHistoryCursor *cursor,
                       guint                  offset,
                       guint                  limit,
                       GCancellable          *cancellable,
                       GAsyncReadyCallback    callback,
                       gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  VdHistoryMessage *message;

  g_return_if_fail (VD_IS_HISTORY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_task (self, vd_history_list_async, cancellable, callback, user_data);
  message = filtered_message (self, VD_HISTORY_MESSAGE_LIST, task, filter);
  if (message == NULL)
    return;

  message->has_cursor = cursor != NULL;
  if (cursor != NULL)
    message->cursor = *cursor;
  message->offset = offset;
  message->limit = limit;
  send_message (self, message);
}

GPtrArray *
vd_history_list_finish (VdHistory     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (VD_IS_HISTORY (self), NULL);
  g_return_val_if_fail (check_result (self, result, vd_history_list_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
vd_history_count_async (VdHistory             *self,
                        const VdHistoryFilter *filter,
                        GCancellable          *cancellable,
                        GAsyncReadyCallback    callback,
                        gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  VdHistoryMessage *message;

  g_return_if_fail (VD_IS_HISTORY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_task (self, vd_history_count_async, cancellable, callback, user_data);
  message = filtered_message (self, VD_HISTORY_MESSAGE_COUNT, task, filter);
  if (message != NULL)
    send_message (self, message);
}

gboolean
vd_history_count_finish (VdHistory     *self,
                         GAsyncResult  *result,
                         guint64       *count,
                         GError       **error)
{
  g_return_val_if_fail (VD_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (check_result (self, result, vd_history_count_async), FALSE);

  return propagate_count (result, count, error);
}

/* --- export --- */

void
vd_history_export_async (VdHistory             *self,
                         const VdHistoryFilter *filter,
                         GFile                 *file,
                         VdHistoryProgressFunc  progress,
                         gpointer               progress_data,
                         GDestroyNotify         progress_data_free,
                         GCancellable          *cancellable,
                         GAsyncReadyCallback    callback,
                         gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  VdHistoryExport *export;
  GError *error = NULL;

  g_return_if_fail (VD_IS_HISTORY (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_task (self, vd_history_export_async, cancellable, callback, user_data);

  export = g_new0 (VdHistoryExport, 1);
  export->path = g_strdup (self->path);
  export->server_uri = g_strdup (self->server_uri);
  export->server_password = g_strdup (self->server_password);
  export->filter = filter != NULL ? vd_history_filter_copy (filter) : NULL;
  export->file = g_object_ref (file);
  export->progress = progress;
  export->progress_data = progress_data;
  export->progress_data_free = progress_data_free;
  export->context = g_main_context_ref_thread_default ();
  g_task_set_task_data (task, export, (GDestroyNotify) vd_history_export_free);

  if (!filter_id_hmac (self, filter, &export->id_hmac, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_run_in_thread (task, vd_history_export_thread);
}

gboolean
vd_history_export_finish (VdHistory     *self,
                          GAsyncResult  *result,
                          guint64       *rows,
                          GError       **error)
{
  g_return_val_if_fail (VD_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (check_result (self, result, vd_history_export_async), FALSE);

  return propagate_count (result, rows, error);
}
