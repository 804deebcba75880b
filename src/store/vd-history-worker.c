/* vd-history-worker.c: the thread that owns the history's backend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vd-history"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vd-history-backend.h"

/* How long the thread waits for a message before it gives the backend a chance to forward
 * what waits for the server. */
#define IDLE_INTERVAL_US (1 * G_USEC_PER_SEC)

struct _VdHistoryWorker
{
  char             *path;
  GThread          *thread;
  GAsyncQueue      *queue;
  guint64           next_serial;
  guint             page_limit;
  guint             retry_interval_ms;

  /* Where the state goes: a GWeakRef (in a GRcBox) to the VdHistory, in its context. */
  GWeakRef         *owner;
  GMainContext     *owner_context;

  /* Touched only by the thread. */
  VdHistoryBackend *backend;
  guint             n_waiting;
  gboolean          offline;
  GError           *open_error;  /* why the last open failed: every later call says so */

  /* A hold (vd_history_worker_hold): until hold_until (monotonic µs; 0: none) or a release,
   * the thread leaves the message it popped unhandled. */
  GMutex            hold_lock;
  GCond             hold_cond;
  gint64            hold_until;
};

/* --- the state the window shows --- */

typedef struct {
  GWeakRef *owner;
  guint     n_waiting;
  gboolean  offline;
} StateUpdate;

static gboolean
deliver_state (gpointer user_data)
{
  StateUpdate *update = user_data;
  g_autoptr(GObject) owner = g_weak_ref_get (update->owner);

  if (owner != NULL)
    vd_history_update_state ((VdHistory *) owner, update->n_waiting, update->offline);
  g_rc_box_release_full (update->owner, (GDestroyNotify) g_weak_ref_clear);
  g_free (update);
  return G_SOURCE_REMOVE;
}

/* Tells the owner when the number of records waiting for the server, or its reachability,
 * changed. */
static void
post_state (VdHistoryWorker *worker)
{
  StateUpdate *update;
  guint n_waiting = 0;
  gboolean offline = FALSE;

  if (worker->backend == NULL || worker->owner == NULL)
    return;

  worker->backend->klass->get_state (worker->backend, &n_waiting, &offline);
  if (n_waiting == worker->n_waiting && offline == worker->offline)
    return;

  worker->n_waiting = n_waiting;
  worker->offline = offline;
  update = g_new0 (StateUpdate, 1);
  update->owner = g_rc_box_acquire (worker->owner);
  update->n_waiting = n_waiting;
  update->offline = offline;
  g_main_context_invoke_full (worker->owner_context, G_PRIORITY_DEFAULT, deliver_state, update,
                              NULL);
}

/* --- the thread --- */

static gboolean
handle_open (VdHistoryWorker  *worker,
             VdHistoryMessage *message,
             GError          **error)
{
  if (worker->backend == NULL)
    {
      VdHistoryBackend *local = vd_history_sqlite_new (worker->path, worker->page_limit,
                                                       message->server_uri != NULL);

      if (message->server_uri != NULL)
        worker->backend = vd_history_pg_new (message->server_uri, message->server_password,
                                             worker->retry_interval_ms, local);
      else
        worker->backend = local;
    }

  return worker->backend->klass->open (worker->backend, message, error);
}

static gboolean
handle_message (VdHistoryWorker  *worker,
                VdHistoryMessage *message,
                GError          **error)
{
  GCancellable *cancellable = g_task_get_cancellable (message->task);
  const VdHistoryBackendClass *klass;

  if (message->kind == VD_HISTORY_MESSAGE_OPEN)
    {
      g_autoptr(GError) open_error = NULL;

      g_clear_error (&worker->open_error);
      if (handle_open (worker, message, &open_error))
        return TRUE;
      worker->open_error = g_error_copy (open_error);
      g_propagate_error (error, g_steal_pointer (&open_error));
      return FALSE;
    }

  /* A read nobody waits for any more, or a "sent" whose request will not leave, is skipped;
   * an answer is always recorded. */
  if (message->kind != VD_HISTORY_MESSAGE_RECORD_FINISHED &&
      g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* After a failed open the reason stands, with its advice: "not open" would not help. */
  if ((worker->backend == NULL || !worker->backend->klass->is_open (worker->backend)) &&
      worker->open_error != NULL)
    {
      g_propagate_error (error, g_error_copy (worker->open_error));
      return FALSE;
    }
  if (worker->backend == NULL || !worker->backend->klass->is_open (worker->backend))
    {
      g_set_error_literal (error, VD_HISTORY_ERROR, VD_HISTORY_ERROR_NOT_OPEN,
                           _("The history is not open."));
      return FALSE;
    }

  klass = worker->backend->klass;
  switch (message->kind)
    {
    case VD_HISTORY_MESSAGE_RECORD_SENT:
      return klass->record_sent (worker->backend, message, error);
    case VD_HISTORY_MESSAGE_RECORD_FINISHED:
      return klass->record_finished (worker->backend, message, error);
    case VD_HISTORY_MESSAGE_INSERT:
      return klass->insert (worker->backend, message, error);
    case VD_HISTORY_MESSAGE_PURGE:
      return klass->purge (worker->backend, message, error);
    case VD_HISTORY_MESSAGE_GET:
      return klass->get (worker->backend, message, error);
    case VD_HISTORY_MESSAGE_LIST:
      return klass->list (worker->backend, message, error);
    case VD_HISTORY_MESSAGE_COUNT:
      return klass->count (worker->backend, message, error);
    case VD_HISTORY_MESSAGE_OPEN:
    case VD_HISTORY_MESSAGE_QUIT:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
deliver_in_context (gpointer user_data)
{
  vd_history_message_deliver (user_data);
  return G_SOURCE_REMOVE;
}

static void
handle_idle (VdHistoryWorker *worker)
{
  if (worker->backend != NULL && worker->backend->klass->idle != NULL &&
      worker->backend->klass->is_open (worker->backend))
    {
      worker->backend->klass->idle (worker->backend);
      post_state (worker);
    }
}

static void
wait_while_held (VdHistoryWorker *worker)
{
  g_mutex_lock (&worker->hold_lock);
  while (worker->hold_until != 0 &&
         g_cond_wait_until (&worker->hold_cond, &worker->hold_lock, worker->hold_until))
    ;
  worker->hold_until = 0;
  g_mutex_unlock (&worker->hold_lock);
}

static gpointer
worker_thread (gpointer user_data)
{
  VdHistoryWorker *worker = user_data;

  for (;;)
    {
      VdHistoryMessage *message = g_async_queue_timeout_pop (worker->queue, IDLE_INTERVAL_US);
      GMainContext *context;

      /* Checked after the pop, which may have started before the hold. */
      wait_while_held (worker);
      if (message == NULL)
        {
          handle_idle (worker);
          continue;
        }
      if (message->kind == VD_HISTORY_MESSAGE_QUIT)
        {
          vd_history_message_free (message);
          break;
        }

      handle_message (worker, message, &message->error);
      if (message->kind == VD_HISTORY_MESSAGE_OPEN && worker->backend != NULL &&
          message->error == NULL && worker->backend->klass->is_open (worker->backend))
        {
          message->desk_id = g_strdup (worker->backend->klass->get_desk_id (worker->backend));
        }
      post_state (worker);

      /* The message, and the task in it, are freed in the caller's context. */
      context = g_task_get_context (message->task);
      g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, deliver_in_context, message, NULL);
    }

  g_clear_pointer (&worker->backend, vd_history_backend_free);
  return NULL;
}

/* Open first, then writes, then reads; QUIT after everything. Within one rank, in order. */
static int
message_rank (VdHistoryMessageKind kind)
{
  switch (kind)
    {
    case VD_HISTORY_MESSAGE_OPEN:
      return 0;
    case VD_HISTORY_MESSAGE_RECORD_SENT:
    case VD_HISTORY_MESSAGE_RECORD_FINISHED:
    case VD_HISTORY_MESSAGE_INSERT:
    case VD_HISTORY_MESSAGE_PURGE:
      return 1;
    case VD_HISTORY_MESSAGE_GET:
    case VD_HISTORY_MESSAGE_LIST:
    case VD_HISTORY_MESSAGE_COUNT:
      return 2;
    case VD_HISTORY_MESSAGE_QUIT:
    default:
      return 3;
    }
}

static int
compare_messages (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  const VdHistoryMessage *first = a;
  const VdHistoryMessage *second = b;
  int rank_a = message_rank (first->kind);
  int rank_b = message_rank (second->kind);

  if (rank_a != rank_b)
    return rank_a < rank_b ? -1 : 1;
  return first->serial < second->serial ? -1 : (first->serial > second->serial ? 1 : 0);
}

VdHistoryMessage *
vd_history_message_new (VdHistoryMessageKind  kind,
                        GTask                *task)
{
  VdHistoryMessage *message = g_new0 (VdHistoryMessage, 1);

  message->kind = kind;
  message->task = task != NULL ? g_object_ref (task) : NULL;
  return message;
}

void
vd_history_message_free (VdHistoryMessage *message)
{
  g_clear_object (&message->task);
  g_clear_pointer (&message->record, vd_history_record_free);
  g_clear_pointer (&message->records, g_ptr_array_unref);
  g_clear_pointer (&message->filter, vd_history_filter_free);
  g_free (message->id_hmac);
  g_clear_error (&message->error);
  g_clear_pointer (&message->result_record, vd_history_record_free);
  g_clear_pointer (&message->result_records, g_ptr_array_unref);
  g_free (message->moved_aside_path);
  g_free (message->server_uri);
  vd_history_forget_secret (&message->server_password);
  g_free (message->desk_id);
  g_free (message);
}

VdHistoryWorker *
vd_history_worker_new (const char *path)
{
  VdHistoryWorker *worker = g_new0 (VdHistoryWorker, 1);

  worker->path = g_strdup (path);
  worker->queue = g_async_queue_new ();
  g_mutex_init (&worker->hold_lock);
  g_cond_init (&worker->hold_cond);
  worker->thread = g_thread_new ("vd-history", worker_thread, worker);
  return worker;
}

void
vd_history_worker_set_owner (VdHistoryWorker *worker,
                             GObject         *owner,
                             GMainContext    *context)
{
  /* Read by the thread only after the open that the caller queues after this. */
  worker->owner = g_rc_box_new0 (GWeakRef);
  g_weak_ref_init (worker->owner, owner);
  worker->owner_context = g_main_context_ref (context);
}

void
vd_history_worker_push (VdHistoryWorker  *worker,
                        VdHistoryMessage *message)
{
  message->serial = worker->next_serial++;
  g_async_queue_push_sorted (worker->queue, message, compare_messages, NULL);
}

void
vd_history_worker_set_page_limit (VdHistoryWorker *worker,
                                  guint            pages)
{
  /* Read by the thread only while it handles the open that the caller queues after this. */
  worker->page_limit = pages;
}

void
vd_history_worker_set_retry_interval (VdHistoryWorker *worker,
                                      guint            interval_ms)
{
  /* Read by the thread only while it handles the open that the caller queues after this. */
  worker->retry_interval_ms = interval_ms;
}

void
vd_history_worker_hold (VdHistoryWorker *worker,
                        guint            max_ms)
{
  g_mutex_lock (&worker->hold_lock);
  worker->hold_until = g_get_monotonic_time () + max_ms * G_TIME_SPAN_MILLISECOND;
  g_mutex_unlock (&worker->hold_lock);
}

void
vd_history_worker_release (VdHistoryWorker *worker)
{
  g_mutex_lock (&worker->hold_lock);
  worker->hold_until = 0;
  g_cond_signal (&worker->hold_cond);
  g_mutex_unlock (&worker->hold_lock);
}

void
vd_history_worker_free (VdHistoryWorker *worker)
{
  if (worker == NULL)
    return;

  vd_history_worker_release (worker);
  vd_history_worker_push (worker, vd_history_message_new (VD_HISTORY_MESSAGE_QUIT, NULL));
  g_thread_join (worker->thread);
  g_async_queue_unref (worker->queue);
  if (worker->owner != NULL)
    g_rc_box_release_full (worker->owner, (GDestroyNotify) g_weak_ref_clear);
  g_clear_pointer (&worker->owner_context, g_main_context_unref);
  g_clear_error (&worker->open_error);
  g_mutex_clear (&worker->hold_lock);
  g_cond_clear (&worker->hold_cond);
  g_free (worker->path);
  g_free (worker);
}
