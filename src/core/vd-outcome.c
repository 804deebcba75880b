/* vd-outcome.c: what a verification ended in, and what the operator is told about it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vd-outcome"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vd-answer-parser.h"
#include "vd-client-error.h"
#include "vd-id-number.h"
#include "vd-outcome.h"
#include "vd-verify-request.h"

/* The longest field name taken from a gateway message: real parameter names are far shorter. */
#define MAX_FIELD_NAME_LENGTH 64

static const char * const outcome_names[] = {
  [VD_OUTCOME_PASSED] = "passed",
  [VD_OUTCOME_NOT_PASSED] = "not_passed",
  [VD_OUTCOME_ERROR] = "error",
  [VD_OUTCOME_UNKNOWN] = "unknown",
};

const char *
vd_outcome_to_string (VdOutcome outcome)
{
  g_return_val_if_fail ((guint) outcome < G_N_ELEMENTS (outcome_names), NULL);

  return outcome_names[outcome];
}

gboolean
vd_outcome_from_string (const char *text,
                        VdOutcome  *outcome)
{
  g_return_val_if_fail (outcome != NULL, FALSE);

  if (text == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (outcome_names); i++)
    {
      if (strcmp (text, outcome_names[i]) == 0)
        {
          *outcome = (VdOutcome) i;
          return TRUE;
        }
    }

  return FALSE;
}

VdOutcome
vd_outcome_for_result (const VdVerifyResult *result)
{
  g_return_val_if_fail (result != NULL, VD_OUTCOME_ERROR);

  switch (result->kind)
    {
    case VD_ANSWER_VERDICT:
      return result->verify_status == 1 ? VD_OUTCOME_PASSED : VD_OUTCOME_NOT_PASSED;

    case VD_ANSWER_IDENTITY_ERROR:
      return VD_OUTCOME_NOT_PASSED;

    case VD_ANSWER_GATEWAY_ERROR:
    default:
      return VD_OUTCOME_ERROR;
    }
}

/* --- building verdicts --- */

static VdVerdict *
verdict_new (VdOutcome   outcome,
             VdSeverity  severity,
             const char *title,
             char       *explanation,
             const char *next_step)
{
  VdVerdict *verdict = g_new0 (VdVerdict, 1);

  verdict->outcome = outcome;
  verdict->severity = severity;
  verdict->title = g_strdup (title);
  verdict->explanation = explanation;
  verdict->next_step = g_strdup (next_step);
  return verdict;
}

void
vd_verdict_free (VdVerdict *verdict)
{
  if (verdict == NULL)
    return;

  g_free (verdict->title);
  g_free (verdict->explanation);
  g_free (verdict->next_step);
  g_free (verdict);
}

static const char *
title_for_severity (VdSeverity severity)
{
  switch (severity)
    {
    case VD_SEVERITY_PASSED:
      return _("Passed");
    case VD_SEVERITY_FIX_AND_RESUBMIT:
      return _("Fix and resubmit");
    case VD_SEVERITY_NOT_PASSED:
      return _("Not passed");
    case VD_SEVERITY_SERVICE_PROBLEM:
      return _("Service problem");
    case VD_SEVERITY_UNKNOWN:
    default:
      return _("Unknown status");
    }
}

static gboolean
severity_allows_resubmit (VdSeverity severity)
{
  return severity == VD_SEVERITY_FIX_AND_RESUBMIT || severity == VD_SEVERITY_SERVICE_PROBLEM;
}

static VdVerdict *
verdict_from_status_info (VdOutcome           outcome,
                          const VdStatusInfo *info,
                          char               *explanation)
{
  VdVerdict *verdict = verdict_new (outcome, info->severity, title_for_severity (info->severity),
                                    explanation,
                                    info->next_step != NULL
                                    ? info->next_step
                                    : _("Tell your administrator about this status."));

  verdict->can_resubmit = severity_allows_resubmit (info->severity);
  return verdict;
}

static VdVerdict *
verdict_for_verify_status (const VdVerifyResult *result)
{
  const VdStatusInfo *info = vd_verify_status_lookup (result->verify_status);

  return verdict_from_status_info (vd_outcome_for_result (result), info,
                                   g_strdup_printf (_("VerifyStatus %d: %s"),
                                                    result->verify_status,
                                                    info->explanation));
}

static VdVerdict *
verdict_for_identity_error (const VdVerifyResult *result)
{
  const VdStatusInfo *info = vd_identity_error_lookup (result->code);
  VdVerdict *verdict;

  if (info != NULL)
    return verdict_from_status_info (VD_OUTCOME_NOT_PASSED, info,
                                     g_strdup_printf (_("Error %s: %s"), result->code,
                                                      info->explanation));

  /* Only a hand-made result gets here: the parser gives this kind to 3101–3103 only. */
  verdict = verdict_new (VD_OUTCOME_NOT_PASSED, VD_SEVERITY_NOT_PASSED,
                         title_for_severity (VD_SEVERITY_NOT_PASSED),
                         g_strdup_printf (_("Error %s: %s"),
                                          result->code != NULL ? result->code : "?",
                                          result->message != NULL
                                          ? result->message
                                          : _("the service gave no description")),
                         _("Check the name and ID number against the ID card."));
  return verdict;
}

/* --- gateway errors (cloudauth-api.md §3) --- */

static gboolean
code_is (const char *code,
         const char *expected)
{
  return g_strcmp0 (code, expected) == 0;
}

/* @code is @family itself or one of its dotted sub-codes (Throttling, Throttling.User). */
static gboolean
code_in_family (const char *code,
                const char *family)
{
  gsize family_length = strlen (family);

  return code != NULL
         && strncmp (code, family, family_length) == 0
         && (code[family_length] == '\0' || code[family_length] == '.');
}

static gboolean
is_field_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '.' || c == '-';
}

/* The parameter a gateway message quotes ("The input parameter \"Name\" that is mandatory…"),
 * if it quotes one that looks like a parameter name; NULL otherwise. Only a name is taken, never
 * free text from the message. */
static char *
field_from_message (const char *message)
{
  static const char quotes[] = "\"'";

  if (message == NULL)
    return NULL;

  for (const char *q = quotes; *q != '\0'; q++)
    {
      const char *open = strchr (message, *q);
      const char *close;
      gsize length;

      if (open == NULL)
        continue;

      open++;
      close = strchr (open, *q);
      if (close == NULL)
        continue;

      length = close - open;
      if (length == 0 || length > MAX_FIELD_NAME_LENGTH)
        continue;

      for (gsize i = 0; i < length; i++)
        {
          if (!is_field_name_char (open[i]))
            {
              length = 0;
              break;
            }
        }

      if (length > 0)
        return g_strndup (open, length);
    }

  return NULL;
}

static char *
field_from_missing_code (const char *code)
{
  const char *name = code + strlen ("Missing");

  if (*name == '\0' || strlen (name) > MAX_FIELD_NAME_LENGTH)
    return NULL;

  for (const char *p = name; *p != '\0'; p++)
    {
      if (!is_field_name_char (*p))
        return NULL;
    }

  return g_strdup (name);
}

static VdVerdict *
gateway_verdict (VdSeverity  severity,
                 char       *explanation,
                 const char *next_step)
{
  return verdict_new (VD_OUTCOME_ERROR, severity, _("Error"), explanation, next_step);
}

static VdVerdict *
verdict_for_bad_parameter (const VdVerifyResult *result)
{
  gboolean missing = g_str_has_prefix (result->code, "Missing");
  g_autofree char *field = NULL;
  g_autofree char *next_step = NULL;
  char *explanation;
  VdVerdict *verdict;

  if (missing && !code_is (result->code, "MissingParameter"))
    field = field_from_missing_code (result->code);
  if (field == NULL)
    field = field_from_message (result->message);

  if (field != NULL && missing)
    explanation = g_strdup_printf (_("The service says the field %s is missing (%s)."),
                                   field, result->code);
  else if (field != NULL)
    explanation = g_strdup_printf (_("The service rejected the field %s as not valid (%s)."),
                                   field, result->code);
  else if (missing)
    explanation = g_strdup_printf (_("The service says a required field is missing (%s)."),
                                   result->code);
  else
    explanation = g_strdup_printf (_("The service rejected a field as not valid (%s)."),
                                   result->code);

  if (field != NULL)
    next_step = g_strdup_printf (_("Fix %s and submit again."), field);
  else
    next_step = g_strdup (_("Check every field and submit again."));

  verdict = gateway_verdict (VD_SEVERITY_FIX_AND_RESUBMIT, explanation, next_step);
  verdict->can_resubmit = TRUE;
  return verdict;
}

/* "45 s", "12 min", "1 h 2 min", "3 d 4 h": the size of a clock error, for a sentence. */
static char *
format_clock_offset (guint64 seconds)
{
  guint64 minutes = (seconds + 30) / 60;

  if (seconds < 60)
    return g_strdup_printf (_("%u s"), (guint) seconds);

  if (minutes < 60)
    return g_strdup_printf (_("%u min"), (guint) minutes);

  if (minutes < 24 * 60)
    {
      if (minutes % 60 == 0)
        return g_strdup_printf (_("%u h"), (guint) (minutes / 60));
      return g_strdup_printf (_("%u h %u min"), (guint) (minutes / 60), (guint) (minutes % 60));
    }

  if ((minutes / 60) % 24 == 0)
    return g_strdup_printf (_("%u d"), (guint) (minutes / (24 * 60)));
  return g_strdup_printf (_("%u d %u h"), (guint) (minutes / (24 * 60)),
                          (guint) ((minutes / 60) % 24));
}

static VdVerdict *
verdict_for_clock (const VdVerifyResult *result)
{
  const char *next_step = _("Set this computer's clock to the right time (turn on automatic "
                            "time), then submit again.");
  g_autofree char *amount = NULL;
  char *explanation;

  if (!result->has_clock_offset || result->clock_offset_seconds == 0)
    return gateway_verdict (VD_SEVERITY_SERVICE_PROBLEM,
                            g_strdup (_("This computer's clock is more than 15 minutes off, so "
                                        "the service rejected the request's time stamp.")),
                            next_step);

  /* The offset is the service's time minus ours: positive means our clock is behind. */
  if (result->clock_offset_seconds > 0)
    {
      amount = format_clock_offset ((guint64) result->clock_offset_seconds);
      explanation = g_strdup_printf (_("This computer's clock is %s behind, so the service "
                                       "rejected the request's time stamp."), amount);
    }
  else
    {
      amount = format_clock_offset (-(guint64) result->clock_offset_seconds);
      explanation = g_strdup_printf (_("This computer's clock is %s ahead, so the service "
                                       "rejected the request's time stamp."), amount);
    }

  return gateway_verdict (VD_SEVERITY_SERVICE_PROBLEM, explanation, next_step);
}

static VdVerdict *
verdict_for_throttling (const VdVerifyResult *result)
{
  g_autofree char *next_step = NULL;
  VdVerdict *verdict;

  if (result->retry_after_ms > 0)
    {
      guint seconds = (result->retry_after_ms + 999) / 1000;

      next_step = g_strdup_printf (ngettext ("Wait %u second, then resubmit the same task.",
                                             "Wait %u seconds, then resubmit the same task.",
                                             seconds),
                                   seconds);
    }
  else
    next_step = g_strdup (_("Wait a minute, then resubmit the same task."));

  verdict = gateway_verdict (VD_SEVERITY_SERVICE_PROBLEM,
                             g_strdup_printf (_("The service is receiving too many requests and "
                                                "turned this one away (%s)."), result->code),
                             next_step);
  verdict->can_resubmit = TRUE;
  return verdict;
}

/* A gateway message may quote the server's string to sign: such a message never reaches the
 * operator's screen or the history. */
gboolean
vd_gateway_message_is_quotable (const char *message)
{
  g_autofree char *folded = NULL;

  if (message == NULL || *message == '\0')
    return FALSE;

  folded = g_ascii_strdown (message, -1);
  return strstr (folded, "string to sign") == NULL && strstr (folded, "stringtosign") == NULL;
}

static VdVerdict *
verdict_for_other_gateway_code (const VdVerifyResult *result)
{
  g_autofree char *next_step = NULL;
  const char *message = vd_gateway_message_is_quotable (result->message)
                        ? result->message
                        : _("no further description");

  if (result->request_id != NULL)
    next_step = g_strdup_printf (_("Tell your administrator the code %s and the request ID %s."),
                                 result->code, result->request_id);
  else
    next_step = g_strdup_printf (_("Tell your administrator the code %s."), result->code);

  return gateway_verdict (VD_SEVERITY_SERVICE_PROBLEM,
                          g_strdup_printf (_("The service refused the request (%s): %s"),
                                           result->code, message),
                          next_step);
}

static VdVerdict *
verdict_for_gateway_error (const VdVerifyResult *result)
{
  const char *code = result->code != NULL ? result->code : "";
  VdVerdict *verdict;

  if (g_str_has_prefix (code, "Missing") || code_in_family (code, "InvalidParameter"))
    return verdict_for_bad_parameter (result);

  if (code_in_family (code, "InvalidAccessKeyId"))
    {
      verdict = gateway_verdict (VD_SEVERITY_SERVICE_PROBLEM,
                                 g_strdup (_("The AccessKey ID is wrong: the service does not "
                                             "know it.")),
                                 _("Open Preferences and check the AccessKey ID."));
      verdict->open_preferences = TRUE;
      return verdict;
    }

  /* Never the gateway's message here: it quotes the string the server signed. */
  if (code_is (code, "SignatureDoesNotMatch") || code_is (code, "IncompleteSignature"))
    {
      verdict = gateway_verdict (VD_SEVERITY_SERVICE_PROBLEM,
                                 g_strdup (_("The AccessKey secret is wrong: the service "
                                             "computed a different signature. Often the secret "
                                             "was pasted with a space.")),
                                 _("Open Preferences and enter the AccessKey secret again."));
      verdict->open_preferences = TRUE;
      return verdict;
    }

  if (code_is (code, "SignatureNonceUsed"))
    {
      verdict = gateway_verdict (VD_SEVERITY_SERVICE_PROBLEM,
                                 g_strdup (_("The service had already seen this request's "
                                             "one-time number, so it refused it.")),
                                 _("Resubmit the same task: it is signed afresh."));
      verdict->can_resubmit = TRUE;
      return verdict;
    }

  if (code_in_family (code, "InvalidTimeStamp"))
    return verdict_for_clock (result);

  if (code_in_family (code, "Throttling"))
    return verdict_for_throttling (result);

  if (code_in_family (code, "Forbidden") || code_is (code, "NoPermission"))
    return gateway_verdict (VD_SEVERITY_SERVICE_PROBLEM,
                            g_strdup_printf (_("This Alibaba Cloud account lacks the permission "
                                               "to use Cloudauth (%s)."), code),
                            _("Ask your Alibaba Cloud administrator to grant this AccessKey the "
                              "Cloudauth permission."));

  if (code_in_family (code, "InternalError") || code_in_family (code, "ServiceUnavailable")
      || result->http_status >= 500)
    {
      verdict = gateway_verdict (VD_SEVERITY_SERVICE_PROBLEM,
                                 g_strdup_printf (_("The service had a problem of its own (%s)."),
                                                  code),
                                 _("Resubmit the same task in a few minutes."));
      verdict->can_resubmit = TRUE;
      return verdict;
    }

  if (code_is (code, "InvalidParam.MaterialsNotValid"))
    {
      verdict = gateway_verdict (VD_SEVERITY_FIX_AND_RESUBMIT,
                                 g_strdup (_("The service rejected the submitted materials as "
                                             "not valid.")),
                                 _("Check the photo links (public HTTP or HTTPS, each image under "
                                   "2 MB, a clear frontal face) and the ID details, then "
                                   "resubmit."));
      verdict->can_resubmit = TRUE;
      return verdict;
    }

  if (code_in_family (code, "InvalidAction") || code_is (code, "InvalidVersion"))
    {
      verdict = gateway_verdict (VD_SEVERITY_SERVICE_PROBLEM,
                                 g_strdup_printf (_("The service does not know this request "
                                                    "(%s): the endpoint is not a Cloudauth "
                                                    "gateway, or this VerifyDesk is outdated."),
                                                  code),
                                 _("Check the service address in Preferences; if it is right, "
                                   "update VerifyDesk."));
      verdict->open_preferences = TRUE;
      return verdict;
    }

  return verdict_for_other_gateway_code (result);
}

VdVerdict *
vd_verdict_for_result (const VdVerifyResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  switch (result->kind)
    {
    case VD_ANSWER_VERDICT:
      return verdict_for_verify_status (result);

    case VD_ANSWER_IDENTITY_ERROR:
      return verdict_for_identity_error (result);

    case VD_ANSWER_GATEWAY_ERROR:
    default:
      return verdict_for_gateway_error (result);
    }
}

/* --- errors --- */

static VdVerdict *
error_verdict (VdSeverity  severity,
               const char *explanation,
               const char *next_step)
{
  return verdict_new (VD_OUTCOME_ERROR, severity, _("Error"), g_strdup (explanation), next_step);
}

static VdVerdict *
outcome_unknown_verdict (char *explanation)
{
  VdVerdict *verdict = verdict_new (VD_OUTCOME_UNKNOWN, VD_SEVERITY_UNKNOWN, _("Outcome unknown"),
                                    explanation,
                                    _("Resubmit the same task: the service treats it as the "
                                      "same verification."));

  verdict->can_resubmit = TRUE;
  return verdict;
}

static VdVerdict *
verdict_for_client_error (const GError *error)
{
  VdVerdict *verdict;

  switch ((VdClientError) error->code)
    {
    case VD_CLIENT_ERROR_INVALID_ENDPOINT:
      verdict = verdict_new (VD_OUTCOME_ERROR, VD_SEVERITY_SERVICE_PROBLEM, _("Error"),
                             g_strdup_printf (_("The service address cannot be used: %s"),
                                              error->message),
                             _("Open Preferences and correct the service address."));
      verdict->open_preferences = TRUE;
      return verdict;

    case VD_CLIENT_ERROR_NOT_SENT:
      verdict = error_verdict (VD_SEVERITY_SERVICE_PROBLEM,
                               _("No connection to the service: nothing was sent."),
                               _("Check the network and submit again."));
      verdict->can_resubmit = TRUE;
      return verdict;

    case VD_CLIENT_ERROR_CONNECT_TIMEOUT:
      verdict = error_verdict (VD_SEVERITY_SERVICE_PROBLEM,
                               _("The service did not accept a connection in time: nothing was "
                                 "sent."),
                               _("Check the network and submit again."));
      verdict->can_resubmit = TRUE;
      return verdict;

    case VD_CLIENT_ERROR_TLS:
      return error_verdict (VD_SEVERITY_SERVICE_PROBLEM,
                            _("The service's certificate is not trusted: nothing was sent."),
                            _("Do not continue on this network; tell your administrator."));

    case VD_CLIENT_ERROR_OUTCOME_UNKNOWN:
      return outcome_unknown_verdict (g_strdup (_("The request was sent but no answer came back, "
                                                  "so the outcome is unknown.")));

    case VD_CLIENT_ERROR_CONNECTION_REFUSED:
      verdict = error_verdict (VD_SEVERITY_SERVICE_PROBLEM,
                               _("The service address refused the connection: nothing is "
                                 "listening there, so nothing was sent."),
                               _("Check the service address and port in Preferences, then "
                                 "submit again."));
      verdict->can_resubmit = TRUE;
      verdict->open_preferences = TRUE;
      return verdict;

    case VD_CLIENT_ERROR_HOST_NOT_FOUND:
      verdict = error_verdict (VD_SEVERITY_SERVICE_PROBLEM,
                               _("The service's name cannot be found on this network (no DNS "
                                 "answer), so nothing was sent."),
                               _("Check the network connection and the service address in "
                                 "Preferences, then submit again."));
      verdict->can_resubmit = TRUE;
      verdict->open_preferences = TRUE;
      return verdict;

    case VD_CLIENT_ERROR_NOT_RECORDED:
      /* The store's own words say which file and why. */
      verdict = error_verdict (VD_SEVERITY_SERVICE_PROBLEM, error->message,
                               _("Ask your administrator to make the history writable, then "
                                 "submit again."));
      verdict->can_resubmit = TRUE;
      return verdict;

    case VD_CLIENT_ERROR_NO_CREDENTIALS:
      verdict = error_verdict (VD_SEVERITY_SERVICE_PROBLEM,
                               _("No AccessKey is set up, so nothing was sent."),
                               _("Open Preferences to enter an AccessKey, or switch to training "
                                 "mode."));
      verdict->open_preferences = TRUE;
      return verdict;

    default:
      return error_verdict (VD_SEVERITY_SERVICE_PROBLEM, error->message,
                            _("Try again; if it keeps happening, tell your administrator."));
    }
}

VdVerdict *
vd_verdict_for_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == VD_CLIENT_ERROR)
    return verdict_for_client_error (error);

  if (error->domain == VD_ANSWER_ERROR)
    return outcome_unknown_verdict (g_strdup_printf (_("The request was sent, but the answer "
                                                       "cannot be used: %s"), error->message));

  if (error->domain == VD_REQUEST_ERROR || error->domain == VD_ID_NUMBER_ERROR)
    return error_verdict (VD_SEVERITY_FIX_AND_RESUBMIT, error->message,
                          _("Fix the field and submit."));

  return error_verdict (VD_SEVERITY_SERVICE_PROBLEM, error->message,
                        _("Try again; if it keeps happening, tell your administrator."));
}
