#define G_LOG_DOMAIN "vd-desk"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vd-desk.h"
#include "vd-desk-journal.h"
#include "vd-env-credentials.h"
#include "vd-keyring.h"
#include "vd-verification-private.h"

struct _VdDesk
{
  GObject            parent_instance;

  VdCloudauthClient *client;
  VdCredentials     *credentials;

  /* Training mode: an in-process simulator and a client of its own pointed at it, so that
   * nothing in training can reach the real service whatever the real client's settings. Both
   * are started when first needed, not when training is switched on: at start-up that kept
   * the window's first frame waiting. */
  gboolean           training;
  VdSimulator       *simulator;
  VdCloudauthClient *training_client;

  /* The history every verification is recorded in, or NULL: nothing is recorded. */
  VdDeskJournal     *journal;
};

G_DEFINE_FINAL_TYPE (VdDesk, vd_desk, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_TRAINING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct {
  VdVerification  *verification;
  VdCredentials   *credentials;  /* held while the "sent" record is written */
  VdHistoryRecord *sent;         /* the history's record of this submission, or NULL */
} VerifyData;

static void
verify_data_free (VerifyData *data)
{
  g_clear_pointer (&data->verification, vd_verification_unref);
  g_clear_pointer (&data->credentials, vd_credentials_unref);
  g_clear_pointer (&data->sent, vd_history_record_free);
  g_free (data);
}

static void
vd_desk_dispose (GObject *object)
{
  VdDesk *self = VD_DESK (object);

  if (self->simulator != NULL)
    vd_simulator_disconnect (self->simulator);
  g_clear_object (&self->simulator);
  g_clear_object (&self->training_client);
  g_clear_object (&self->journal);
  g_clear_object (&self->client);
  g_clear_pointer (&self->credentials, vd_credentials_unref);

  G_OBJECT_CLASS (vd_desk_parent_class)->dispose (object);
}

static void
vd_desk_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  VdDesk *self = VD_DESK (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    case PROP_TRAINING:
      g_value_set_boolean (value, vd_desk_get_training (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vd_desk_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  VdDesk *self = VD_DESK (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      if (self->client == NULL)
        self->client = vd_cloudauth_client_new ();
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vd_desk_class_init (VdDeskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vd_desk_dispose;
  object_class->get_property = vd_desk_get_property;
  object_class->set_property = vd_desk_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         VD_TYPE_CLOUDAUTH_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TRAINING] =
    g_param_spec_boolean ("training", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vd_desk_init (VdDesk *self)
{
}

VdDesk *
vd_desk_new (VdCloudauthClient *client)
{
  g_return_val_if_fail (client == NULL || VD_IS_CLOUDAUTH_CLIENT (client), NULL);

  return g_object_new (VD_TYPE_DESK, "client", client, NULL);
}

VdCloudauthClient *
vd_desk_get_client (VdDesk *self)
{
  g_return_val_if_fail (VD_IS_DESK (self), NULL);

  return self->client;
}

gboolean
vd_desk_get_training (VdDesk *self)
{
  g_return_val_if_fail (VD_IS_DESK (self), FALSE);

  return self->training;
}

static gboolean
start_training (VdDesk  *self,
                GError **error)
{
  g_autoptr(VdSimulator) simulator = NULL;
  g_autoptr(VdCloudauthClient) client = NULL;

  if (self->simulator != NULL)
    return TRUE;

  simulator = vd_simulator_new ();
  client = vd_cloudauth_client_new ();

  if (!vd_simulator_listen (simulator, 0, NULL, error))
    return FALSE;

  if (!vd_cloudauth_client_set_endpoint (client, vd_simulator_get_url (simulator), error))
    {
      vd_simulator_disconnect (simulator);
      return FALSE;
    }

  /* The training desk signs as the real one is configured to, so operators and tests see the
   * same scheme on both. */
  vd_cloudauth_client_set_signature (client, vd_cloudauth_client_get_signature (self->client));

  self->simulator = g_steal_pointer (&simulator);
  self->training_client = g_steal_pointer (&client);
  return TRUE;
}

VdSimulator *
vd_desk_get_simulator (VdDesk *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (VD_IS_DESK (self), NULL);

  if (self->training && !start_training (self, &error))
    g_warning ("The training simulator could not start: %s", error->message);

  return self->simulator;
}

static void
stop_training (VdDesk *self)
{
  if (self->simulator != NULL)
    vd_simulator_disconnect (self->simulator);
  g_clear_object (&self->simulator);
  g_clear_object (&self->training_client);
}

gboolean
vd_desk_set_training (VdDesk   *self,
                      gboolean  training,
                      GError  **error)
{
  g_return_val_if_fail (VD_IS_DESK (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!!training == vd_desk_get_training (self))
    return TRUE;

  self->training = !!training;
  if (!training)
    stop_training (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRAINING]);
  return TRUE;
}

void
vd_desk_set_credentials (VdDesk        *self,
                         VdCredentials *credentials)
{
  g_return_if_fail (VD_IS_DESK (self));

  if (credentials != NULL)
    vd_credentials_ref (credentials);
  g_clear_pointer (&self->credentials, vd_credentials_unref);
  self->credentials = credentials;
}

/* The key pair found without waiting: the training pair, the configured one, or the
 * environment's. NULL without an error when the keyring is to be asked; NULL with @error set
 * for a half-set environment. */
static VdCredentials *
find_credentials_at_hand (VdDesk  *self,
                          GError **error)
{
  if (self->training)
    return vd_credentials_new (VD_TRAINING_ACCESS_KEY_ID, VD_TRAINING_ACCESS_KEY_SECRET, NULL);

  if (self->credentials != NULL)
    return vd_credentials_ref (self->credentials);

  return vd_env_credentials_lookup (error);
}

/* Why the keyring gave no key pair, as the verification's error: a locked or damaged keyring
 * keeps its own words (the fix is there); none stored, or no keyring at all, is "no
 * credentials", whose verdict points to Preferences. Takes ownership of @keyring_error. */
static GError *
no_credentials_error (GError *keyring_error)
{
  GError *error;

  if (keyring_error != NULL &&
      !g_error_matches (keyring_error, VD_KEYRING_ERROR, VD_KEYRING_ERROR_UNAVAILABLE))
    return keyring_error;

  if (keyring_error != NULL)
    error = g_error_new (VD_CLIENT_ERROR, VD_CLIENT_ERROR_NO_CREDENTIALS,
                         _("No AccessKey is set in the environment, and the keyring cannot be "
                           "read. %s Or set %s and %s."),
                         keyring_error->message, VD_ENV_ACCESS_KEY_ID, VD_ENV_ACCESS_KEY_SECRET);
  else
    error = g_error_new (VD_CLIENT_ERROR, VD_CLIENT_ERROR_NO_CREDENTIALS,
                         _("No AccessKey is configured: store one in Preferences or with "
                           "“verifydesk-cli credentials set”, set %s and %s, or use training "
                           "mode."),
                         VD_ENV_ACCESS_KEY_ID, VD_ENV_ACCESS_KEY_SECRET);

  g_clear_error (&keyring_error);
  return error;
}

static void
on_finished_recorded (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VerifyData *data = g_task_get_task_data (task);
  VdVerification *verification = data->verification;
  g_autoptr(GError) error = NULL;

  /* The verdict stands whatever the history says: the answer came, only its record failed. */
  if (!vd_desk_journal_record_finished_finish (VD_DESK_JOURNAL (source), result, &error))
    {
      g_warning ("The answer to verification %" G_GINT64_FORMAT " could not be recorded: %s",
                 verification->history_id, error->message);
      verification->history_note =
        g_strdup_printf (_("The history could not record this answer: %s"), error->message);
    }

  g_task_return_pointer (task, vd_verification_ref (verification),
                         (GDestroyNotify) vd_verification_unref);
}

/* Returns the verification once its answer is in the history (when it has a record). */
static void
return_verification (GTask *task)
{
  VdDesk *self = g_task_get_source_object (task);
  VerifyData *data = g_task_get_task_data (task);
  VdVerification *verification = data->verification;

  if (data->sent == NULL || self->journal == NULL)
    {
      g_task_return_pointer (task, vd_verification_ref (verification),
                             (GDestroyNotify) vd_verification_unref);
      return;
    }

  /* Not cancellable: an answer that came is always recorded. */
  vd_desk_journal_record_finished_async (self->journal, data->sent, verification->result,
                                         verification->error, NULL, on_finished_recorded,
                                         g_object_ref (task));
}

/* Completes @task with the verification, whatever it holds: only cancellation is an error. */
static void
finish_verification (GTask          *task,
                     VdVerifyResult *result,
                     GError         *error)
{
  VerifyData *data = g_task_get_task_data (task);
  VdVerification *verification = data->verification;

  verification->finished = g_date_time_new_now_utc ();
  if (result != NULL)
    {
      verification->result = vd_verify_result_ref (result);
      verification->verdict = vd_verdict_for_result (result);
    }
  else
    {
      verification->error = g_error_copy (error);
      verification->verdict = vd_verdict_for_error (error);
    }
  verification->outcome = verification->verdict->outcome;

  return_verification (task);
}

/* Cancelled after the "sent" record was written: the record is completed before the task
 * returns the cancellation, as an unknown outcome when the request may have left. */
static void
return_cancelled (GTask  *task,
                  GError *cancelled)
{
  VdDesk *self = g_task_get_source_object (task);
  VerifyData *data = g_task_get_task_data (task);
  g_autoptr(GError) why = NULL;

  if (data->sent != NULL && self->journal != NULL)
    {
      if (data->verification->attempts > 0)
        why = g_error_new_literal (VD_CLIENT_ERROR, VD_CLIENT_ERROR_OUTCOME_UNKNOWN,
                                   _("Cancelled while waiting for the answer: the request may "
                                     "have reached the service, so the outcome is unknown."));
      else
        why = g_error_new_literal (VD_CLIENT_ERROR, VD_CLIENT_ERROR_NOT_SENT,
                                   _("Cancelled before the request was sent."));
      vd_desk_journal_record_finished_async (self->journal, data->sent, NULL, why, NULL, NULL,
                                             NULL);
    }

  g_task_return_error (task, cancelled);
}

static void
on_client_verified (GObject      *source,
                    GAsyncResult *async_result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VerifyData *data = g_task_get_task_data (task);
  g_autoptr(VdVerifyResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = vd_cloudauth_client_verify_finish (VD_CLOUDAUTH_CLIENT (source), async_result, &error);
  data->verification->attempts = vd_cloudauth_client_get_attempts (VD_CLOUDAUTH_CLIENT (source),
                                                                   async_result);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      return_cancelled (task, g_steal_pointer (&error));
      return;
    }

  finish_verification (task, result, error);
}

/* Signs and sends the verification with @credentials. Takes the task's reference. */
static void
send_request (GTask         *task,
              VdCredentials *credentials)
{
  VdDesk *self = g_task_get_source_object (task);
  VerifyData *data = g_task_get_task_data (task);
  VdCloudauthClient *client;

  client = data->verification->training ? self->training_client : self->client;
  vd_cloudauth_client_verify_async (client,
                                    data->verification->request,
                                    credentials,
                                    g_task_get_cancellable (task),
                                    on_client_verified,
                                    task);
}

static void
on_sent_recorded (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VerifyData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) not_recorded = NULL;

  data->sent = vd_desk_journal_record_sent_finish (VD_DESK_JOURNAL (source), result, &error);
  if (data->sent == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      /* No record, no request: a verification the history cannot keep is not sent. */
      not_recorded = g_error_new (VD_CLIENT_ERROR, VD_CLIENT_ERROR_NOT_RECORDED,
                                  _("Not sent: the history cannot record this verification. %s"),
                                  error->message);
      finish_verification (task, NULL, not_recorded);
      return;
    }

  data->verification->history_id = data->sent->id;
  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    {
      /* Nothing left: complete the record so that it does not read as interrupted. */
      return_cancelled (task, g_steal_pointer (&error));
      return;
    }

  send_request (g_steal_pointer (&task), data->credentials);
}

/* Records the submission as "sent", then sends it. Takes the task's reference. */
static void
submit (GTask         *task,
        VdCredentials *credentials)
{
  VdDesk *self = g_task_get_source_object (task);
  VerifyData *data = g_task_get_task_data (task);

  if (self->journal == NULL)
    {
      send_request (task, credentials);
      return;
    }

  data->credentials = vd_credentials_ref (credentials);
  vd_desk_journal_record_sent_async (self->journal, data->verification->request,
                                     data->verification->training, g_task_get_cancellable (task),
                                     on_sent_recorded, task);
}

static void
on_keyring_looked_up (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(VdCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  GError *keyring_error = NULL;

  credentials = vd_keyring_lookup_credentials_finish (result, &keyring_error);
  if (g_error_matches (keyring_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, keyring_error);
      return;
    }

  if (credentials == NULL)
    {
      error = no_credentials_error (keyring_error);
      finish_verification (task, NULL, error);
      return;
    }

  submit (g_steal_pointer (&task), credentials);
}

void
vd_desk_verify_async (VdDesk                *self,
                      const VdVerifyRequest *request,
                      GCancellable          *cancellable,
                      GAsyncReadyCallback    callback,
                      gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(VdCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  VerifyData *data;
  VdVerification *verification;

  g_return_if_fail (VD_IS_DESK (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vd_desk_verify_async);

  verification = vd_verification_new ();
  verification->request = vd_verify_request_copy (request);
  verification->training = vd_desk_get_training (self);
  verification->started = g_date_time_new_now_utc ();

  data = g_new0 (VerifyData, 1);
  data->verification = verification;
  g_task_set_task_data (task, data, (GDestroyNotify) verify_data_free);

  if (!vd_verify_request_validate (verification->request, NULL, &error) ||
      (self->training && !start_training (self, &error)))
    {
      finish_verification (task, NULL, error);
      return;
    }

  credentials = find_credentials_at_hand (self, &error);
  if (error != NULL)
    {
      finish_verification (task, NULL, error);
      return;
    }
  if (credentials != NULL)
    {
      submit (g_steal_pointer (&task), credentials);
      return;
    }

  /* Last, the keyring: it may have to ask the user to unlock it, so it is never waited on. */
  vd_keyring_lookup_credentials_async (cancellable, on_keyring_looked_up, g_steal_pointer (&task));
}

void
vd_desk_set_history (VdDesk     *self,
                     VdHistory  *history,
                     const char *operator_name)
{
  g_return_if_fail (VD_IS_DESK (self));
  g_return_if_fail (history == NULL || VD_IS_HISTORY (history));

  g_clear_object (&self->journal);
  if (history != NULL)
    self->journal = vd_desk_journal_new (history, operator_name, NULL);
}

void
vd_desk_set_journal (VdDesk        *self,
                     VdDeskJournal *journal)
{
  g_return_if_fail (VD_IS_DESK (self));
  g_return_if_fail (journal == NULL || VD_IS_DESK_JOURNAL (journal));

  g_set_object (&self->journal, journal);
}

VdDeskJournal *
vd_desk_get_journal (VdDesk *self)
{
  g_return_val_if_fail (VD_IS_DESK (self), NULL);

  return self->journal;
}

VdVerification *
vd_desk_verify_finish (VdDesk        *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (VD_IS_DESK (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vd_desk_verify_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
