#define G_LOG_DOMAIN "vd-credential-check"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vd-credential-check.h"
#include "vd-outcome.h"

/* The business parameters the check leaves out: the gateway names one of them when it has
 * authenticated the request and only then looks at what it asks for. */
static const char * const business_params[] = {
  "BizType", "BizId", "Name", "IdCardNumber", "FaceImageUrl",
};

typedef struct {
  VdCredentialCheck  check;
  char              *message;
} CheckResult;

static void
check_result_free (CheckResult *check_result)
{
  g_free (check_result->message);
  g_free (check_result);
}

static gboolean
code_in_family (const char *code,
                const char *family)
{
  return g_str_equal (code, family) ||
         (g_str_has_prefix (code, family) && code[strlen (family)] == '.');
}

/* MissingParameter and InvalidParameter, or one of their forms that names a business
 * parameter (MissingBizType, InvalidParameter.BizType…). Not InvalidParameter.SignatureMethod
 * and the like: those come before authentication. */
static gboolean
is_business_parameter_code (const char *code)
{
  static const char * const prefixes[] = {
    "Missing", "Invalid", "MissingParameter.", "InvalidParameter.",
  };

  if (g_str_equal (code, "MissingParameter") || g_str_equal (code, "InvalidParameter"))
    return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    for (guint j = 0; j < G_N_ELEMENTS (business_params); j++)
      if (g_str_has_prefix (code, prefixes[i]) &&
          g_str_equal (code + strlen (prefixes[i]), business_params[j]))
        return TRUE;

  return FALSE;
}

static CheckResult *
check_result_new (VdCredentialCheck  check,
                  char              *message)
{
  CheckResult *check_result = g_new0 (CheckResult, 1);

  check_result->check = check;
  check_result->message = message;
  return check_result;
}

static CheckResult *
unchecked_for_verdict (VdVerdict *verdict)
{
  /* TRANSLATORS: the first %s says what happened, the second what to do. */
  return check_result_new (VD_CREDENTIAL_CHECK_UNCHECKED,
                           g_strdup_printf (_("The AccessKey could not be checked: %s %s"),
                                            verdict->explanation, verdict->next_step));
}

/* The gateway's refusal of the check request, classified. Its message is never quoted for a
 * key problem: for SignatureDoesNotMatch it holds the string the server signed. */
static CheckResult *
classify_gateway_error (const VdVerifyResult *result)
{
  const char *code = result->code != NULL ? result->code : "";
  g_autoptr(VdVerdict) verdict = NULL;

  if (is_business_parameter_code (code))
    return check_result_new (VD_CREDENTIAL_CHECK_GOOD,
                             g_strdup (_("The AccessKey works: the service accepted it.")));

  if (code_in_family (code, "InvalidAccessKeyId"))
    return check_result_new (VD_CREDENTIAL_CHECK_REJECTED,
                             g_strdup_printf (_("The service does not accept this AccessKey ID "
                                                "(%s): it is unknown or disabled. Check it in "
                                                "the RAM console and enter it again."),
                                              code));

  if (g_str_equal (code, "SignatureDoesNotMatch"))
    return check_result_new (VD_CREDENTIAL_CHECK_REJECTED,
                             g_strdup (_("The AccessKey secret does not belong to this ID: the "
                                         "service computed a different signature. Enter the "
                                         "secret again; a pasted space is a common cause.")));

  if (code_in_family (code, "InvalidSecurityToken") || g_str_equal (code, "MissingSecurityToken"))
    return check_result_new (VD_CREDENTIAL_CHECK_REJECTED,
                             g_strdup_printf (_("The STS token is wrong, missing or expired "
                                                "(%s). Get a new token and store it again."),
                                              code));

  if (code_in_family (code, "Forbidden") || g_str_equal (code, "NoPermission"))
    return check_result_new (VD_CREDENTIAL_CHECK_REJECTED,
                             g_strdup_printf (_("The AccessKey is valid, but it lacks the "
                                                "permission to use Cloudauth (%s). Ask your "
                                                "Alibaba Cloud administrator to grant it."),
                                              code));

  verdict = vd_verdict_for_result (result);
  return unchecked_for_verdict (verdict);
}

static void
on_check_answered (GObject      *source,
                   GAsyncResult *async_result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(VdVerifyResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CheckResult *check_result;

  result = vd_cloudauth_client_verify_finish (VD_CLOUDAUTH_CLIENT (source), async_result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (result == NULL)
    {
      g_autoptr(VdVerdict) verdict = vd_verdict_for_error (error);

      check_result = unchecked_for_verdict (verdict);
    }
  else if (result->kind == VD_ANSWER_GATEWAY_ERROR)
    check_result = classify_gateway_error (result);
  else
    /* A verdict for a request without BizType is not what a gateway should send, but it
     * proves the key was accepted. */
    check_result = check_result_new (VD_CREDENTIAL_CHECK_GOOD,
                                     g_strdup (_("The AccessKey works: the service accepted "
                                                 "it.")));

  g_task_return_pointer (task, check_result, (GDestroyNotify) check_result_free);
}

void
vd_credential_check_async (VdCloudauthClient   *client,
                           VdCredentials       *credentials,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(VdVerifyRequest) request = NULL;

  g_return_if_fail (VD_IS_CLOUDAUTH_CLIENT (client));
  g_return_if_fail (credentials != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vd_credential_check_async);

  /* No BizType, no BizId, no customer: nothing the service could bill or store. The client
   * adds its region. */
  request = g_new0 (VdVerifyRequest, 1);
  vd_cloudauth_client_verify_async (client, request, credentials, cancellable,
                                    on_check_answered, g_steal_pointer (&task));
}

VdCredentialCheck
vd_credential_check_finish (GAsyncResult  *result,
                            char         **message,
                            GError       **error)
{
  g_autofree CheckResult *check_result = NULL;
  VdCredentialCheck check;

  g_return_val_if_fail (g_task_is_valid (result, NULL), VD_CREDENTIAL_CHECK_UNCHECKED);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vd_credential_check_async,
                        VD_CREDENTIAL_CHECK_UNCHECKED);

  check_result = g_task_propagate_pointer (G_TASK (result), error);
  if (check_result == NULL)
    {
      if (message != NULL)
        *message = NULL;
      return VD_CREDENTIAL_CHECK_UNCHECKED;
    }

  check = check_result->check;
  if (message != NULL)
    *message = g_steal_pointer (&check_result->message);
  else
    g_free (check_result->message);
  return check;
}
