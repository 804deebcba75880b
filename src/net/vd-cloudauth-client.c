/* vd-cloudauth-client.c: the one service that talks to Cloudauth
 *
 * Every verification is a small state machine on a GTask: run an attempt (one signed HTTP
 * exchange, vd-cloudauth-attempt.c), then either finish or wait and try again. Only what cannot
 * have been billed is tried again: an attempt that sent nothing (but not a TLS failure, which
 * waiting does not cure), a 5xx answer and Throttling. A request that was sent and then went
 * silent is never retried: its outcome is unknown and the operator decides.
 */

#define G_LOG_DOMAIN "vd-cloudauth-client"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "vd-cloudauth-attempt.h"
#include "vd-cloudauth-client.h"
#include "vd-cloudauth-endpoint.h"
#include "vd-context-source.h"

#define VD_DEFAULT_BACKOFF_MS     400
/* Short, so that an idle connection is dropped by us before a server's keep-alive timeout drops
 * it under a request (see the "restarted" guard in vd-cloudauth-attempt.c). */
#define VD_IDLE_TIMEOUT_S         4
#define VD_MAX_TIMEOUT_MS         (10 * 60 * 1000)
#define VD_MAX_BACKOFF_MS         60000
#define VD_JITTER                 0.2

struct _VdCloudauthClient
{
  GObject            parent_instance;

  SoupSession       *session;
  GTlsDatabase      *tls_database;
  gboolean           proxy_disabled;   /* set to no proxy because the endpoint is loopback */
  char              *endpoint;
  GUri              *endpoint_uri;
  char              *region;
  char              *action;
  VdSignatureScheme  signature;
  guint              connect_timeout_ms;
  guint              read_timeout_ms;
  guint              max_attempts;
  guint              backoff_ms;
  guint              last_attempts;
};

G_DEFINE_FINAL_TYPE (VdCloudauthClient, vd_cloudauth_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ENDPOINT,
  PROP_REGION,
  PROP_SIGNATURE,
  PROP_CONNECT_TIMEOUT_MS,
  PROP_READ_TIMEOUT_MS,
  PROP_TLS_DATABASE,
  PROP_MAX_ATTEMPTS,
  PROP_BACKOFF_MS,
  PROP_ACTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One verification in flight: what every attempt sends, and the retry state. */
typedef struct {
  VdCloudauthCall  call;
  guint            max_attempts;
  guint            backoff_ms;

  guint            attempt;         /* how many attempts have started */

  /* The wait between attempts. */
  GSource         *backoff_timer;
  GSource         *backoff_cancel;
} VerifyData;

static void start_attempt (GTask *task);

/* --- per-verification state --- */

static void
end_backoff (VerifyData *data)
{
  vd_context_source_clear (&data->backoff_timer);
  vd_context_source_clear (&data->backoff_cancel);
}

static void
verify_data_free (VerifyData *data)
{
  end_backoff (data);
  vd_cloudauth_call_clear (&data->call);
  g_free (data);
}

static void
complete_with_result (GTask          *task,
                      VdVerifyResult *result)
{
  VdCloudauthClient *self = g_task_get_source_object (task);
  VerifyData *data = g_task_get_task_data (task);

  self->last_attempts = data->attempt;
  g_task_return_pointer (task, result, (GDestroyNotify) vd_verify_result_unref);
}

static void
complete_with_error (GTask  *task,
                     GError *error)
{
  VdCloudauthClient *self = g_task_get_source_object (task);
  VerifyData *data = g_task_get_task_data (task);

  self->last_attempts = data->attempt;
  g_task_return_error (task, error);
}

static gboolean
caller_cancelled (GTask *task)
{
  return g_cancellable_is_cancelled (g_task_get_cancellable (task));
}

static void
complete_cancelled (GTask *task)
{
  complete_with_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                  _("The verification was cancelled.")));
}

/* --- waiting between attempts --- */

static gboolean
on_backoff_elapsed (gpointer user_data)
{
  GTask *task = user_data;
  VerifyData *data = g_task_get_task_data (task);

  end_backoff (data);
  /* The reference the wait held passes on to the attempt. */
  start_attempt (task);
  return G_SOURCE_REMOVE;
}

static gboolean
on_backoff_cancelled (GCancellable *cancellable,
                      gpointer      user_data)
{
  GTask *task = user_data;
  VerifyData *data = g_task_get_task_data (task);

  end_backoff (data);
  complete_cancelled (task);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/* The doubling backoff with ±20 % jitter, so that many desks do not retry in step; a Throttling
 * answer's x-acs-retry-after is a lower bound. */
static guint
backoff_delay (VerifyData     *data,
               VdVerifyResult *result)
{
  guint64 base = (guint64) data->backoff_ms << MIN (data->attempt - 1, 16);
  double delay = MIN (base, (guint64) VD_MAX_BACKOFF_MS) *
                 g_random_double_range (1.0 - VD_JITTER, 1.0 + VD_JITTER);

  if (result != NULL && result->retry_after_ms > delay)
    return result->retry_after_ms;

  return (guint) delay;
}

/* Takes over one reference on @task until the wait ends one way or the other. */
static void
wait_and_retry (GTask          *task,
                VdVerifyResult *result)
{
  VerifyData *data = g_task_get_task_data (task);
  GCancellable *caller_cancellable = g_task_get_cancellable (task);
  guint delay = backoff_delay (data, result);

  g_debug ("%s attempt %u failed, next in %u ms", data->call.action, data->attempt, delay);

  data->backoff_timer = vd_context_timeout_attach (g_task_get_context (task), delay,
                                                   on_backoff_elapsed, task);
  if (caller_cancellable != NULL)
    data->backoff_cancel = vd_context_source_attach (g_cancellable_source_new (caller_cancellable),
                                                     g_task_get_context (task),
                                                     G_SOURCE_FUNC (on_backoff_cancelled), task);
}

/* --- what an attempt's end means --- */

static gboolean
answer_is_retryable (guint           http_status,
                     VdVerifyResult *result)
{
  if (http_status >= 500 && http_status <= 599)
    return TRUE;

  return result != NULL && result->kind == VD_ANSWER_GATEWAY_ERROR &&
         result->code != NULL && g_str_has_prefix (result->code, "Throttling");
}

static gboolean
outcome_is_retryable (VdAttemptOutcome  outcome,
                      guint             http_status,
                      VdVerifyResult   *result,
                      const GError     *error)
{
  switch (outcome)
    {
    case VD_ATTEMPT_ANSWERED:
      return answer_is_retryable (http_status, result);
    case VD_ATTEMPT_NOT_SENT:
      /* An untrusted certificate does not go away by waiting. */
      return !g_error_matches (error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_TLS);
    case VD_ATTEMPT_OUTCOME_UNKNOWN:
    default:
      return FALSE;
    }
}

/* Decides whether to try again. Consumes @result, @error and the reference on @task that the
 * attempt held. */
static void
on_attempt_done (VdAttemptOutcome  outcome,
                 guint             http_status,
                 VdVerifyResult   *result,
                 GError           *error,
                 gpointer          user_data)
{
  GTask *task = user_data;
  VerifyData *data = g_task_get_task_data (task);

  if (caller_cancelled (task))
    {
      g_clear_pointer (&result, vd_verify_result_unref);
      g_clear_error (&error);
      complete_cancelled (task);
      g_object_unref (task);
      return;
    }

  if (outcome_is_retryable (outcome, http_status, result, error) &&
      data->attempt < data->max_attempts)
    {
      wait_and_retry (task, result);
      g_clear_pointer (&result, vd_verify_result_unref);
      g_clear_error (&error);
      return;
    }

  if (result != NULL)
    complete_with_result (task, result);
  else
    complete_with_error (task, error);
  g_object_unref (task);
}

/* Takes over one reference on @task until the attempt concludes. */
static void
start_attempt (GTask *task)
{
  VerifyData *data = g_task_get_task_data (task);

  if (caller_cancelled (task))
    {
      complete_cancelled (task);
      g_object_unref (task);
      return;
    }

  data->attempt++;
  g_debug ("%s attempt %u of %u", data->call.action, data->attempt, data->max_attempts);

  vd_cloudauth_attempt_start (&data->call, data->attempt, g_task_get_context (task),
                              g_task_get_cancellable (task), on_attempt_done, task);
}

/* --- the object --- */

static void
apply_tls_database (VdCloudauthClient *self)
{
  g_autoptr(GTlsDatabase) system_database = NULL;

  if (self->session == NULL)
    return;

  if (self->tls_database != NULL)
    {
      soup_session_set_tls_database (self->session, self->tls_database);
      return;
    }

  /* libsoup treats NULL as "trust nothing"; unset means the system's trust store. */
  system_database = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  soup_session_set_tls_database (self->session, system_database);
}

static void
set_uint_property (VdCloudauthClient *self,
                   guint             *field,
                   guint              value,
                   guint              prop_id)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_string_property (VdCloudauthClient  *self,
                     char              **field,
                     const char         *value,
                     guint               prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_tls_database (VdCloudauthClient *self,
                  GTlsDatabase      *database)
{
  if (!g_set_object (&self->tls_database, database))
    return;

  apply_tls_database (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TLS_DATABASE]);
}

static void
vd_cloudauth_client_dispose (GObject *object)
{
  VdCloudauthClient *self = VD_CLOUDAUTH_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_object (&self->tls_database);

  G_OBJECT_CLASS (vd_cloudauth_client_parent_class)->dispose (object);
}

static void
vd_cloudauth_client_finalize (GObject *object)
{
  VdCloudauthClient *self = VD_CLOUDAUTH_CLIENT (object);

  g_clear_pointer (&self->endpoint, g_free);
  g_clear_pointer (&self->endpoint_uri, g_uri_unref);
  g_clear_pointer (&self->region, g_free);
  g_clear_pointer (&self->action, g_free);

  G_OBJECT_CLASS (vd_cloudauth_client_parent_class)->finalize (object);
}

static void
vd_cloudauth_client_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  VdCloudauthClient *self = VD_CLOUDAUTH_CLIENT (object);

  switch (prop_id)
    {
    case PROP_ENDPOINT:
      g_value_set_string (value, self->endpoint);
      break;
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    case PROP_SIGNATURE:
      g_value_set_int (value, self->signature);
      break;
    case PROP_CONNECT_TIMEOUT_MS:
      g_value_set_uint (value, self->connect_timeout_ms);
      break;
    case PROP_READ_TIMEOUT_MS:
      g_value_set_uint (value, self->read_timeout_ms);
      break;
    case PROP_TLS_DATABASE:
      g_value_set_object (value, self->tls_database);
      break;
    case PROP_MAX_ATTEMPTS:
      g_value_set_uint (value, self->max_attempts);
      break;
    case PROP_BACKOFF_MS:
      g_value_set_uint (value, self->backoff_ms);
      break;
    case PROP_ACTION:
      g_value_set_string (value, self->action);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vd_cloudauth_client_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  VdCloudauthClient *self = VD_CLOUDAUTH_CLIENT (object);
  g_autoptr(GError) error = NULL;

  switch (prop_id)
    {
    case PROP_ENDPOINT:
      if (!vd_cloudauth_client_set_endpoint (self, g_value_get_string (value), &error))
        g_warning ("%s", error->message);
      break;
    case PROP_REGION:
      set_string_property (self, &self->region, g_value_get_string (value), prop_id);
      break;
    case PROP_SIGNATURE:
      vd_cloudauth_client_set_signature (self, g_value_get_int (value));
      break;
    case PROP_CONNECT_TIMEOUT_MS:
      set_uint_property (self, &self->connect_timeout_ms, g_value_get_uint (value), prop_id);
      break;
    case PROP_READ_TIMEOUT_MS:
      set_uint_property (self, &self->read_timeout_ms, g_value_get_uint (value), prop_id);
      break;
    case PROP_TLS_DATABASE:
      set_tls_database (self, g_value_get_object (value));
      break;
    case PROP_MAX_ATTEMPTS:
      set_uint_property (self, &self->max_attempts, g_value_get_uint (value), prop_id);
      break;
    case PROP_BACKOFF_MS:
      set_uint_property (self, &self->backoff_ms, g_value_get_uint (value), prop_id);
      break;
    case PROP_ACTION:
      vd_cloudauth_client_set_action (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vd_cloudauth_client_class_init (VdCloudauthClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = vd_cloudauth_client_dispose;
  object_class->finalize = vd_cloudauth_client_finalize;
  object_class->get_property = vd_cloudauth_client_get_property;
  object_class->set_property = vd_cloudauth_client_set_property;

  properties[PROP_ENDPOINT] =
    g_param_spec_string ("endpoint", NULL, NULL, VD_DEFAULT_ENDPOINT, flags);
  properties[PROP_REGION] =
    g_param_spec_string ("region", NULL, NULL, VD_CLOUDAUTH_REGION, flags);
  properties[PROP_SIGNATURE] =
    g_param_spec_int ("signature", NULL, NULL,
                      VD_SIGNATURE_V3, VD_SIGNATURE_V1, VD_SIGNATURE_V3, flags);
  properties[PROP_CONNECT_TIMEOUT_MS] =
    g_param_spec_uint ("connect-timeout-ms", NULL, NULL,
                       1, VD_MAX_TIMEOUT_MS, VD_DEFAULT_CONNECT_TIMEOUT_MS, flags);
  properties[PROP_READ_TIMEOUT_MS] =
    g_param_spec_uint ("read-timeout-ms", NULL, NULL,
                       1, VD_MAX_TIMEOUT_MS, VD_DEFAULT_READ_TIMEOUT_MS, flags);
  properties[PROP_TLS_DATABASE] =
    g_param_spec_object ("tls-database", NULL, NULL, G_TYPE_TLS_DATABASE, flags);
  properties[PROP_MAX_ATTEMPTS] =
    g_param_spec_uint ("max-attempts", NULL, NULL, 1, VD_MAX_ATTEMPTS, VD_MAX_ATTEMPTS, flags);
  /* The first wait between attempts; it doubles after each, with ±20 % jitter. */
  properties[PROP_BACKOFF_MS] =
    g_param_spec_uint ("backoff-ms", NULL, NULL,
                       0, VD_MAX_BACKOFF_MS, VD_DEFAULT_BACKOFF_MS, flags);
  /* VD_CLOUDAUTH_ACTION, or the seed's VD_CLOUDAUTH_SEED_ACTION. */
  properties[PROP_ACTION] =
    g_param_spec_string ("action", NULL, NULL, VD_CLOUDAUTH_ACTION, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vd_cloudauth_client_init (VdCloudauthClient *self)
{
  g_autofree char *user_agent = g_strdup_printf ("VerifyDesk/%s", PACKAGE_VERSION);

  self->endpoint = g_strdup (VD_DEFAULT_ENDPOINT);
  self->endpoint_uri = vd_cloudauth_endpoint_parse (VD_DEFAULT_ENDPOINT, NULL);
  g_assert (self->endpoint_uri != NULL);
  self->region = g_strdup (VD_CLOUDAUTH_REGION);
  self->action = g_strdup (VD_CLOUDAUTH_ACTION);
  self->signature = VD_SIGNATURE_V3;
  self->connect_timeout_ms = VD_DEFAULT_CONNECT_TIMEOUT_MS;
  self->read_timeout_ms = VD_DEFAULT_READ_TIMEOUT_MS;
  self->max_attempts = VD_MAX_ATTEMPTS;
  self->backoff_ms = VD_DEFAULT_BACKOFF_MS;

  /* The client's own timers measure connect and read separately; soup's single timeout and
   * its accept-certificate escape hatch are left unused. */
  self->session = soup_session_new_with_options ("user-agent", user_agent,
                                                 "timeout", 0,
                                                 "idle-timeout", VD_IDLE_TIMEOUT_S,
                                                 NULL);
  /* Left unset, libsoup loads the system's trust store when the first TLS connection needs
   * it: loading it here cost the window ~30 ms at start-up. */
}

/* A proxy never applies to this computer, and asking the system's proxy resolver costs a
 * round of threads per connection: the training simulator and local gateways go direct.
 * Other endpoints keep libsoup's default, which loads the system's resolver only when the
 * first request needs it (loading it eagerly cost the window ~60 ms at start-up). */
static void
apply_proxy_resolver (VdCloudauthClient *self)
{
  gboolean loopback = vd_cloudauth_endpoint_is_loopback (self->endpoint_uri);

  if (loopback == self->proxy_disabled)
    return;

  self->proxy_disabled = loopback;
  g_object_set (self->session, "proxy-resolver",
                loopback ? NULL : g_proxy_resolver_get_default (), NULL);
}

/* --- public API --- */

VdCloudauthClient *
vd_cloudauth_client_new (void)
{
  return g_object_new (VD_TYPE_CLOUDAUTH_CLIENT, NULL);
}

gboolean
vd_cloudauth_client_set_endpoint (VdCloudauthClient  *self,
                                  const char         *endpoint,
                                  GError            **error)
{
  GUri *uri;

  g_return_val_if_fail (VD_IS_CLOUDAUTH_CLIENT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  uri = vd_cloudauth_endpoint_parse (endpoint, error);
  if (uri == NULL)
    return FALSE;

  g_clear_pointer (&self->endpoint_uri, g_uri_unref);
  self->endpoint_uri = uri;
  apply_proxy_resolver (self);
  set_string_property (self, &self->endpoint, endpoint, PROP_ENDPOINT);
  return TRUE;
}

const char *
vd_cloudauth_client_get_endpoint (VdCloudauthClient *self)
{
  g_return_val_if_fail (VD_IS_CLOUDAUTH_CLIENT (self), NULL);

  return self->endpoint;
}

void
vd_cloudauth_client_set_signature (VdCloudauthClient *self,
                                   VdSignatureScheme  scheme)
{
  g_return_if_fail (VD_IS_CLOUDAUTH_CLIENT (self));
  g_return_if_fail (scheme == VD_SIGNATURE_V3 || scheme == VD_SIGNATURE_V1);

  if (self->signature == scheme)
    return;

  self->signature = scheme;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNATURE]);
}

VdSignatureScheme
vd_cloudauth_client_get_signature (VdCloudauthClient *self)
{
  g_return_val_if_fail (VD_IS_CLOUDAUTH_CLIENT (self), VD_SIGNATURE_V3);

  return self->signature;
}

void
vd_cloudauth_client_set_timeouts (VdCloudauthClient *self,
                                  guint              connect_timeout_ms,
                                  guint              read_timeout_ms)
{
  g_return_if_fail (VD_IS_CLOUDAUTH_CLIENT (self));
  g_return_if_fail (connect_timeout_ms > 0 && connect_timeout_ms <= VD_MAX_TIMEOUT_MS);
  g_return_if_fail (read_timeout_ms > 0 && read_timeout_ms <= VD_MAX_TIMEOUT_MS);

  g_object_freeze_notify (G_OBJECT (self));
  set_uint_property (self, &self->connect_timeout_ms, connect_timeout_ms,
                     PROP_CONNECT_TIMEOUT_MS);
  set_uint_property (self, &self->read_timeout_ms, read_timeout_ms, PROP_READ_TIMEOUT_MS);
  g_object_thaw_notify (G_OBJECT (self));
}

void
vd_cloudauth_client_set_action (VdCloudauthClient *self,
                                const char        *action)
{
  g_return_if_fail (VD_IS_CLOUDAUTH_CLIENT (self));
  g_return_if_fail (action != NULL && *action != '\0');

  set_string_property (self, &self->action, action, PROP_ACTION);
}

static VdParams *
business_params (VdCloudauthClient     *self,
                 const VdVerifyRequest *request)
{
  VdParams *params = vd_verify_request_to_params (request);

  if (request->region_id == NULL || *request->region_id == '\0')
    vd_params_set (params, "RegionId", self->region);

  return params;
}

void
vd_cloudauth_client_verify_async (VdCloudauthClient     *self,
                                  const VdVerifyRequest *request,
                                  VdCredentials         *credentials,
                                  GCancellable          *cancellable,
                                  GAsyncReadyCallback    callback,
                                  gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  VerifyData *data;

  g_return_if_fail (VD_IS_CLOUDAUTH_CLIENT (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (credentials != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (self->session != NULL);

  /* The task holds a reference on @self, and the call its own on the session: a client
   * disposed with a request in flight leaves the request intact. */
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vd_cloudauth_client_verify_async);

  data = g_new0 (VerifyData, 1);
  data->call.session = g_object_ref (self->session);
  data->call.endpoint_uri = g_uri_ref (self->endpoint_uri);
  data->call.host = vd_cloudauth_endpoint_host_header (self->endpoint_uri);
  data->call.action = g_strdup (self->action);
  data->call.scheme = self->signature;
  data->call.params = business_params (self, request);
  data->call.credentials = vd_credentials_ref (credentials);
  data->call.connect_timeout_ms = self->connect_timeout_ms;
  data->call.read_timeout_ms = self->read_timeout_ms;
  data->max_attempts = self->max_attempts;
  data->backoff_ms = self->backoff_ms;
  g_task_set_task_data (task, data, (GDestroyNotify) verify_data_free);

  start_attempt (g_steal_pointer (&task));
}

VdVerifyResult *
vd_cloudauth_client_verify_finish (VdCloudauthClient  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (VD_IS_CLOUDAUTH_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        vd_cloudauth_client_verify_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

SoupSession *
vd_cloudauth_client_get_session (VdCloudauthClient *self)
{
  g_return_val_if_fail (VD_IS_CLOUDAUTH_CLIENT (self), NULL);

  return self->session;
}

guint
vd_cloudauth_client_get_attempts (VdCloudauthClient *self,
                                  GAsyncResult      *result)
{
  VerifyData *data;

  g_return_val_if_fail (VD_IS_CLOUDAUTH_CLIENT (self), 0);
  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  data = g_task_get_task_data (G_TASK (result));
  return data != NULL ? data->attempt : 0;
}

guint
vd_cloudauth_client_get_last_attempts (VdCloudauthClient *self)
{
  g_return_val_if_fail (VD_IS_CLOUDAUTH_CLIENT (self), 0);

  return self->last_attempts;
}
