#define G_LOG_DOMAIN "vd-desk"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vd-desk.h"
#include "vd-env-credentials.h"
#include "vd-verification-private.h"

struct _VdDesk
{
  GObject            parent_instance;

  VdCloudauthClient *client;
  VdCredentials     *credentials;

  /* Training mode: an in-process simulator and a client of its own pointed at it, so that
   * nothing in training can reach the real service whatever the real client's settings. */
  VdSimulator       *simulator;
  VdCloudauthClient *training_client;
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
  VdVerification *verification;
} VerifyData;

static void
verify_data_free (VerifyData *data)
{
  g_clear_pointer (&data->verification, vd_verification_unref);
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

  return self->simulator != NULL;
}

VdSimulator *
vd_desk_get_simulator (VdDesk *self)
{
  g_return_val_if_fail (VD_IS_DESK (self), NULL);

  return self->simulator;
}

static gboolean
start_training (VdDesk  *self,
                GError **error)
{
  g_autoptr(VdSimulator) simulator = vd_simulator_new ();
  g_autoptr(VdCloudauthClient) client = vd_cloudauth_client_new ();

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

static void
stop_training (VdDesk *self)
{
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

  if (training)
    {
      if (!start_training (self, error))
        return FALSE;
    }
  else
    {
      stop_training (self);
    }

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

/* The key pair for this verification: the training pair, the configured one, or the
 * environment's. NULL with @error set when there is none. */
static VdCredentials *
find_credentials (VdDesk  *self,
                  GError **error)
{
  VdCredentials *credentials;
  g_autoptr(GError) local_error = NULL;

  if (self->simulator != NULL)
    return vd_credentials_new (VD_TRAINING_ACCESS_KEY_ID, VD_TRAINING_ACCESS_KEY_SECRET, NULL);

  if (self->credentials != NULL)
    return vd_credentials_ref (self->credentials);

  credentials = vd_env_credentials_lookup (&local_error);
  if (credentials != NULL)
    return credentials;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  g_set_error (error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_NO_CREDENTIALS,
               _("No AccessKey is configured: set %s and %s, or use training mode."),
               VD_ENV_ACCESS_KEY_ID, VD_ENV_ACCESS_KEY_SECRET);
  return NULL;
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

  g_task_return_pointer (task, vd_verification_ref (verification),
                         (GDestroyNotify) vd_verification_unref);
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
  data->verification->attempts = vd_cloudauth_client_get_last_attempts (VD_CLOUDAUTH_CLIENT (source));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  finish_verification (task, result, error);
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
  VdCloudauthClient *client;

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

  if (!vd_verify_request_validate (verification->request, NULL, &error))
    {
      finish_verification (task, NULL, error);
      return;
    }

  credentials = find_credentials (self, &error);
  if (credentials == NULL)
    {
      finish_verification (task, NULL, error);
      return;
    }

  client = verification->training ? self->training_client : self->client;
  vd_cloudauth_client_verify_async (client,
                                    verification->request,
                                    credentials,
                                    cancellable,
                                    on_client_verified,
                                    g_steal_pointer (&task));
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
