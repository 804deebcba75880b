/* test-outcome.c: outcomes, and what the operator is told for every kind of answer and error
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "vd-answer-parser.h"
#include "vd-client-error.h"
#include "vd-id-number.h"
#include "vd-outcome.h"
#include "vd-verify-request.h"

/* --- helpers --- */

static VdVerifyResult *
verdict_result (int verify_status)
{
  VdVerifyResult *result = vd_verify_result_new (VD_ANSWER_VERDICT);

  result->http_status = 200;
  result->verify_status = verify_status;
  return result;
}

static VdVerifyResult *
gateway_result (guint       http_status,
                const char *code,
                const char *message)
{
  VdVerifyResult *result = vd_verify_result_new (VD_ANSWER_GATEWAY_ERROR);

  result->http_status = http_status;
  result->code = g_strdup (code);
  result->message = g_strdup (message);
  return result;
}

static VdVerdict *
verdict_for_gateway (guint       http_status,
                     const char *code,
                     const char *message)
{
  g_autoptr(VdVerifyResult) result = gateway_result (http_status, code, message);

  return vd_verdict_for_result (result);
}

static void
assert_contains (const char *text,
                 const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("\"%s\" does not contain \"%s\"", text, part);
}

static void
assert_not_contains (const char *text,
                     const char *part)
{
  if (strstr (text, part) != NULL)
    g_error ("\"%s\" contains \"%s\"", text, part);
}

static void
assert_gateway_verdict (const VdVerdict *verdict,
                        VdSeverity       severity,
                        gboolean         can_resubmit,
                        gboolean         open_preferences)
{
  g_assert_cmpint (verdict->outcome, ==, VD_OUTCOME_ERROR);
  g_assert_cmpint (verdict->severity, ==, severity);
  g_assert_cmpstr (verdict->title, ==, "Error");
  g_assert_cmpint (verdict->can_resubmit, ==, can_resubmit);
  g_assert_cmpint (verdict->open_preferences, ==, open_preferences);
}

/* --- outcomes --- */

static void
test_outcome_strings (void)
{
  const VdOutcome outcomes[] = {
    VD_OUTCOME_PASSED, VD_OUTCOME_NOT_PASSED, VD_OUTCOME_ERROR, VD_OUTCOME_UNKNOWN,
  };
  const char *names[] = { "passed", "not_passed", "error", "unknown" };

  for (guint i = 0; i < G_N_ELEMENTS (outcomes); i++)
    {
      VdOutcome parsed = VD_OUTCOME_ERROR;

      g_assert_cmpstr (vd_outcome_to_string (outcomes[i]), ==, names[i]);
      g_assert_true (vd_outcome_from_string (names[i], &parsed));
      g_assert_cmpint (parsed, ==, outcomes[i]);
    }
}

static void
test_outcome_from_bad_string (void)
{
  const char *bad[] = { "Passed", "", "pass", "not passed", "unknown ", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      VdOutcome parsed = VD_OUTCOME_UNKNOWN;

      g_assert_false (vd_outcome_from_string (bad[i], &parsed));
      g_assert_cmpint (parsed, ==, VD_OUTCOME_UNKNOWN);
    }
}

static void
test_outcome_for_result (void)
{
  g_autoptr(VdVerifyResult) passed = verdict_result (1);
  g_autoptr(VdVerifyResult) failed = verdict_result (7);
  g_autoptr(VdVerifyResult) unknown = verdict_result (99);
  g_autoptr(VdVerifyResult) zero = verdict_result (0);
  g_autoptr(VdVerifyResult) identity = vd_verify_result_new (VD_ANSWER_IDENTITY_ERROR);
  g_autoptr(VdVerifyResult) gateway = gateway_result (500, "InternalError", "x");

  g_assert_cmpint (vd_outcome_for_result (passed), ==, VD_OUTCOME_PASSED);
  g_assert_cmpint (vd_outcome_for_result (failed), ==, VD_OUTCOME_NOT_PASSED);
  g_assert_cmpint (vd_outcome_for_result (unknown), ==, VD_OUTCOME_NOT_PASSED);
  g_assert_cmpint (vd_outcome_for_result (zero), ==, VD_OUTCOME_NOT_PASSED);
  g_assert_cmpint (vd_outcome_for_result (identity), ==, VD_OUTCOME_NOT_PASSED);
  g_assert_cmpint (vd_outcome_for_result (gateway), ==, VD_OUTCOME_ERROR);
}

/* --- verdicts for a VerifyStatus --- */

static const char *
expected_title (VdSeverity severity)
{
  switch (severity)
    {
    case VD_SEVERITY_PASSED:
      return "Passed";
    case VD_SEVERITY_FIX_AND_RESUBMIT:
      return "Fix and resubmit";
    case VD_SEVERITY_NOT_PASSED:
      return "Not passed";
    case VD_SEVERITY_SERVICE_PROBLEM:
      return "Service problem";
    case VD_SEVERITY_UNKNOWN:
    default:
      return "Unknown status";
    }
}

static void
assert_status_verdict (int status)
{
  g_autoptr(VdVerifyResult) result = verdict_result (status);
  g_autoptr(VdVerdict) verdict = vd_verdict_for_result (result);
  const VdStatusInfo *info = vd_verify_status_lookup (status);
  g_autofree char *explanation = g_strdup_printf ("VerifyStatus %d: %s", status,
                                                  info->explanation);

  g_assert_cmpint (verdict->outcome, ==, status == 1 ? VD_OUTCOME_PASSED : VD_OUTCOME_NOT_PASSED);
  g_assert_cmpint (verdict->severity, ==, info->severity);
  g_assert_cmpstr (verdict->title, ==, expected_title (info->severity));
  g_assert_cmpstr (verdict->explanation, ==, explanation);
  g_assert_cmpstr (verdict->next_step, ==, info->next_step);
  g_assert_cmpint (verdict->can_resubmit, ==,
                   info->severity == VD_SEVERITY_FIX_AND_RESUBMIT
                   || info->severity == VD_SEVERITY_SERVICE_PROBLEM);
  g_assert_false (verdict->open_preferences);
}

/* Every row of the seed's table, and a verdict of every severity among them. */
static void
test_verdict_every_status (void)
{
  guint n_rows = 0;
  const VdStatusInfo *rows = vd_verify_status_table (&n_rows);
  gboolean seen[VD_SEVERITY_UNKNOWN + 1] = { FALSE };

  g_assert_cmpuint (n_rows, >, 3);
  for (guint i = 0; i < n_rows; i++)
    {
      if (!vd_verify_status_is_known (rows[i].status))
        continue;

      assert_status_verdict (rows[i].status);
      seen[rows[i].severity] = TRUE;
    }

  g_assert_true (seen[VD_SEVERITY_PASSED]);
  g_assert_true (seen[VD_SEVERITY_FIX_AND_RESUBMIT]);
  g_assert_true (seen[VD_SEVERITY_NOT_PASSED]);
  g_assert_true (seen[VD_SEVERITY_SERVICE_PROBLEM]);
}

static void
test_verdict_passed (void)
{
  g_autoptr(VdVerifyResult) result = verdict_result (1);
  g_autoptr(VdVerdict) verdict = vd_verdict_for_result (result);

  g_assert_cmpint (verdict->outcome, ==, VD_OUTCOME_PASSED);
  g_assert_cmpint (verdict->severity, ==, VD_SEVERITY_PASSED);
  g_assert_cmpstr (verdict->title, ==, "Passed");
  g_assert_true (g_str_has_prefix (verdict->explanation, "VerifyStatus 1: "));
  g_assert_false (verdict->can_resubmit);
}

static void
test_verdict_unknown_status (void)
{
  const int statuses[] = { 11, 99, 0, -3 };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr(VdVerifyResult) result = verdict_result (statuses[i]);
      g_autoptr(VdVerdict) verdict = vd_verdict_for_result (result);
      g_autofree char *prefix = g_strdup_printf ("VerifyStatus %d: ", statuses[i]);

      g_assert_cmpint (verdict->outcome, ==, VD_OUTCOME_NOT_PASSED);
      g_assert_cmpint (verdict->severity, ==, VD_SEVERITY_UNKNOWN);
      g_assert_cmpstr (verdict->title, ==, "Unknown status");
      g_assert_true (g_str_has_prefix (verdict->explanation, prefix));
      g_assert_false (verdict->can_resubmit);
      assert_status_verdict (statuses[i]);
    }
}

static void
test_verdict_identity_errors (void)
{
  const char *codes[] = { "3101", "3102", "3103" };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autoptr(VdVerifyResult) result = vd_verify_result_new (VD_ANSWER_IDENTITY_ERROR);
      g_autoptr(VdVerdict) verdict = NULL;
      const VdStatusInfo *info = vd_identity_error_lookup (codes[i]);
      g_autofree char *explanation = NULL;

      result->code = g_strdup (codes[i]);
      result->message = g_strdup ("name not match with identity number.");
      verdict = vd_verdict_for_result (result);
      explanation = g_strdup_printf ("Error %s: %s", codes[i], info->explanation);

      g_assert_cmpint (verdict->outcome, ==, VD_OUTCOME_NOT_PASSED);
      g_assert_cmpint (verdict->severity, ==, info->severity);
      g_assert_cmpstr (verdict->title, ==, expected_title (info->severity));
      g_assert_cmpstr (verdict->explanation, ==, explanation);
      g_assert_cmpstr (verdict->next_step, ==, info->next_step);
      g_assert_false (verdict->open_preferences);
    }
}

/* The whole path: an answer's bytes to the operator's words. */
static void
test_verdict_from_parsed_identity_error (void)
{
  static const char body[] = "{\"Code\":\"3103\",\"Message\":\"identity number invalid.\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(VdVerifyResult) result = vd_answer_parse (400, body, strlen (body), &error);
  g_autoptr(VdVerdict) verdict = NULL;

  g_assert_no_error (error);
  verdict = vd_verdict_for_result (result);
  g_assert_cmpint (verdict->outcome, ==, VD_OUTCOME_NOT_PASSED);
  g_assert_true (g_str_has_prefix (verdict->explanation, "Error 3103: "));
}

/* --- verdicts for a gateway error --- */

static void
test_gateway_missing_parameter (void)
{
  g_autoptr(VdVerdict) quoted =
    verdict_for_gateway (400, "MissingParameter", "The input parameter \"FaceImageUrl\" that is "
                                                  "mandatory for processing this request is not "
                                                  "supplied.");
  g_autoptr(VdVerdict) named = verdict_for_gateway (400, "MissingIdCardNumber",
                                                    "IdCardNumber is mandatory for this action.");
  g_autoptr(VdVerdict) bare = verdict_for_gateway (400, "MissingParameter", NULL);

  assert_gateway_verdict (quoted, VD_SEVERITY_FIX_AND_RESUBMIT, TRUE, FALSE);
  g_assert_cmpstr (quoted->explanation, ==,
                   "The service says the field FaceImageUrl is missing (MissingParameter).");
  g_assert_cmpstr (quoted->next_step, ==, "Fix FaceImageUrl and submit again.");
  g_assert_cmpstr (named->explanation, ==,
                   "The service says the field IdCardNumber is missing (MissingIdCardNumber).");
  g_assert_cmpstr (bare->explanation, ==,
                   "The service says a required field is missing (MissingParameter).");
  g_assert_cmpstr (bare->next_step, ==, "Check every field and submit again.");
}

static void
test_gateway_invalid_parameter (void)
{
  g_autoptr(VdVerdict) quoted =
    verdict_for_gateway (400, "InvalidParameter", "The specified parameter 'BizType' is not "
                                                  "valid.");
  g_autoptr(VdVerdict) free_text =
    verdict_for_gateway (400, "InvalidParameter", "The value \"has spaces, so not a name\" is "
                                                  "wrong.");

  assert_gateway_verdict (quoted, VD_SEVERITY_FIX_AND_RESUBMIT, TRUE, FALSE);
  g_assert_cmpstr (quoted->explanation, ==,
                   "The service rejected the field BizType as not valid (InvalidParameter).");
  g_assert_cmpstr (quoted->next_step, ==, "Fix BizType and submit again.");
  g_assert_cmpstr (free_text->explanation, ==,
                   "The service rejected a field as not valid (InvalidParameter).");
}

static void
test_gateway_access_key_id (void)
{
  g_autoptr(VdVerdict) verdict =
    verdict_for_gateway (404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");

  assert_gateway_verdict (verdict, VD_SEVERITY_SERVICE_PROBLEM, FALSE, TRUE);
  assert_contains (verdict->explanation, "AccessKey ID is wrong");
  assert_contains (verdict->next_step, "Preferences");
}

static void
test_gateway_signature_hides_message (void)
{
  static const char message[] =
    "Specified signature is not matched with our calculation. server string to sign is:"
    "POST&%2F&AccessKeyId%3DLTAI5tQx7yKqFakeId%26Action%3DVerifyMaterial%26BizId%3Dabc";
  g_autoptr(VdVerdict) verdict = verdict_for_gateway (400, "SignatureDoesNotMatch", message);

  assert_gateway_verdict (verdict, VD_SEVERITY_SERVICE_PROBLEM, FALSE, TRUE);
  assert_contains (verdict->explanation, "secret is wrong");
  assert_contains (verdict->explanation, "space");
  for (const char *part = message; *part != '\0'; part += 8)
    {
      g_autofree char *piece = g_strndup (part, 12);

      if (strlen (piece) < 12)
        break;
      assert_not_contains (verdict->explanation, piece);
      assert_not_contains (verdict->next_step, piece);
    }
  assert_not_contains (verdict->explanation, "LTAI");
  assert_not_contains (verdict->explanation, "string to sign");
}

static void
test_gateway_nonce_used (void)
{
  g_autoptr(VdVerdict) verdict =
    verdict_for_gateway (400, "SignatureNonceUsed", "Specified signature nonce was used already.");

  assert_gateway_verdict (verdict, VD_SEVERITY_SERVICE_PROBLEM, TRUE, FALSE);
  assert_contains (verdict->explanation, "one-time number");
}

static VdVerdict *
verdict_for_clock_offset (gboolean has_offset,
                          gint64   offset_seconds)
{
  g_autoptr(VdVerifyResult) result =
    gateway_result (400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is "
                                                     "expired.");

  result->has_clock_offset = has_offset;
  result->clock_offset_seconds = offset_seconds;
  return vd_verdict_for_result (result);
}

static void
test_gateway_clock_offset (void)
{
  const gint64 offsets[] = { 3720, -1200, 2 * 86400, -(3 * 86400 + 4 * 3600 + 59), 7200, 45 };
  const char *words[] = {
    "This computer's clock is 1 h 2 min behind,",
    "This computer's clock is 20 min ahead,",
    "This computer's clock is 2 d behind,",
    "This computer's clock is 3 d 4 h ahead,",
    "This computer's clock is 2 h behind,",
    "This computer's clock is 45 s behind,",
  };

  for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
    {
      g_autoptr(VdVerdict) verdict = verdict_for_clock_offset (TRUE, offsets[i]);

      assert_gateway_verdict (verdict, VD_SEVERITY_SERVICE_PROBLEM, FALSE, FALSE);
      g_assert_true (g_str_has_prefix (verdict->explanation, words[i]));
      assert_contains (verdict->next_step, "clock");
    }
}

static void
test_gateway_clock_without_offset (void)
{
  g_autoptr(VdVerdict) verdict = verdict_for_clock_offset (FALSE, 0);

  assert_gateway_verdict (verdict, VD_SEVERITY_SERVICE_PROBLEM, FALSE, FALSE);
  g_assert_cmpstr (verdict->explanation, ==, "This computer's clock is more than 15 minutes off, "
                                             "so the service rejected the request's time stamp.");
}

static void
test_gateway_throttling (void)
{
  const char *codes[] = { "Throttling", "Throttling.User", "Throttling.Api" };
  g_autoptr(VdVerifyResult) with_retry_after = gateway_result (400, "Throttling.User", "x");
  g_autoptr(VdVerdict) retry_verdict = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autoptr(VdVerdict) verdict = verdict_for_gateway (403, codes[i], "Request was denied.");

      assert_gateway_verdict (verdict, VD_SEVERITY_SERVICE_PROBLEM, TRUE, FALSE);
      assert_contains (verdict->explanation, codes[i]);
      g_assert_cmpstr (verdict->next_step, ==, "Wait a minute, then resubmit the same task.");
    }

  with_retry_after->retry_after_ms = 2500;
  retry_verdict = vd_verdict_for_result (with_retry_after);
  g_assert_cmpstr (retry_verdict->next_step, ==, "Wait 3 seconds, then resubmit the same task.");
}

static void
test_gateway_permission (void)
{
  const char *codes[] = { "Forbidden.RAM", "Forbidden", "Forbidden.NotAuthorized", "NoPermission" };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autoptr(VdVerdict) verdict = verdict_for_gateway (403, codes[i], "User not authorized.");

      assert_gateway_verdict (verdict, VD_SEVERITY_SERVICE_PROBLEM, FALSE, FALSE);
      assert_contains (verdict->explanation, "lacks the permission to use Cloudauth");
      assert_contains (verdict->explanation, codes[i]);
    }
}

static void
test_gateway_service_problem (void)
{
  g_autoptr(VdVerdict) internal = verdict_for_gateway (500, "InternalError", "unknown error");
  g_autoptr(VdVerdict) unavailable = verdict_for_gateway (503, "ServiceUnavailable", "later");
  g_autoptr(VdVerdict) bad_gateway = verdict_for_gateway (502, "BadGateway", "upstream");

  assert_gateway_verdict (internal, VD_SEVERITY_SERVICE_PROBLEM, TRUE, FALSE);
  assert_gateway_verdict (unavailable, VD_SEVERITY_SERVICE_PROBLEM, TRUE, FALSE);
  assert_gateway_verdict (bad_gateway, VD_SEVERITY_SERVICE_PROBLEM, TRUE, FALSE);
  g_assert_cmpstr (internal->explanation, ==,
                   "The service had a problem of its own (InternalError).");
  g_assert_cmpstr (internal->next_step, ==, "Resubmit the same task in a few minutes.");
  assert_contains (unavailable->explanation, "ServiceUnavailable");
  assert_contains (bad_gateway->explanation, "BadGateway");
}

static void
test_gateway_materials_not_valid (void)
{
  g_autoptr(VdVerdict) verdict =
    verdict_for_gateway (400, "InvalidParam.MaterialsNotValid", "materials not valid");

  assert_gateway_verdict (verdict, VD_SEVERITY_FIX_AND_RESUBMIT, TRUE, FALSE);
  g_assert_cmpstr (verdict->explanation, ==,
                   "The service rejected the submitted materials as not valid.");
  assert_contains (verdict->next_step, "2 MB");
}

static void
test_gateway_not_cloudauth (void)
{
  const char *codes[] = { "InvalidAction.NotFound", "InvalidVersion" };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autoptr(VdVerdict) verdict = verdict_for_gateway (404, codes[i], "Specified api is not "
                                                                         "found.");

      assert_gateway_verdict (verdict, VD_SEVERITY_SERVICE_PROBLEM, FALSE, TRUE);
      assert_contains (verdict->explanation, "not a Cloudauth gateway");
      assert_contains (verdict->explanation, "outdated");
    }
}

static void
test_gateway_other_code (void)
{
  g_autoptr(VdVerifyResult) result = gateway_result (400, "Account.Arrearage", "Your account "
                                                                               "is overdue.");
  g_autoptr(VdVerdict) verdict = NULL;
  g_autoptr(VdVerdict) without_id = verdict_for_gateway (400, "Odd", NULL);

  result->request_id = g_strdup ("REQ-1");
  verdict = vd_verdict_for_result (result);

  assert_gateway_verdict (verdict, VD_SEVERITY_SERVICE_PROBLEM, FALSE, FALSE);
  g_assert_cmpstr (verdict->explanation, ==,
                   "The service refused the request (Account.Arrearage): Your account is "
                   "overdue.");
  g_assert_cmpstr (verdict->next_step, ==,
                   "Tell your administrator the code Account.Arrearage and the request ID REQ-1.");
  g_assert_cmpstr (without_id->explanation, ==,
                   "The service refused the request (Odd): no further description");
  g_assert_cmpstr (without_id->next_step, ==, "Tell your administrator the code Odd.");
}

/* Whatever the code, a message that quotes the string to sign is not shown. */
static void
test_gateway_other_code_hides_string_to_sign (void)
{
  g_autoptr(VdVerdict) verdict =
    verdict_for_gateway (400, "IncompleteSignature.Other",
                         "The request signature does not conform. Server StringToSign:GET&%2F&x");

  assert_not_contains (verdict->explanation, "StringToSign");
  assert_not_contains (verdict->explanation, "GET&%2F");
}

/* --- verdicts for errors --- */

static VdVerdict *
verdict_for (GQuark      domain,
             int         code,
             const char *message)
{
  g_autoptr(GError) error = g_error_new_literal (domain, code, message);

  return vd_verdict_for_error (error);
}

static void
assert_error_verdict (const VdVerdict *verdict,
                      VdOutcome        outcome,
                      VdSeverity       severity,
                      const char      *title,
                      gboolean         can_resubmit,
                      gboolean         open_preferences)
{
  g_assert_cmpint (verdict->outcome, ==, outcome);
  g_assert_cmpint (verdict->severity, ==, severity);
  g_assert_cmpstr (verdict->title, ==, title);
  g_assert_cmpint (verdict->can_resubmit, ==, can_resubmit);
  g_assert_cmpint (verdict->open_preferences, ==, open_preferences);
  g_assert_nonnull (verdict->explanation);
  g_assert_nonnull (verdict->next_step);
}

static void
test_error_invalid_endpoint (void)
{
  g_autoptr(VdVerdict) verdict =
    verdict_for (VD_CLIENT_ERROR, VD_CLIENT_ERROR_INVALID_ENDPOINT,
                 "Plain http is allowed only to this computer.");

  assert_error_verdict (verdict, VD_OUTCOME_ERROR, VD_SEVERITY_SERVICE_PROBLEM, "Error",
                        FALSE, TRUE);
  g_assert_cmpstr (verdict->explanation, ==, "The service address cannot be used: Plain http is "
                                             "allowed only to this computer.");
}

static void
test_error_not_sent (void)
{
  g_autoptr(VdVerdict) verdict =
    verdict_for (VD_CLIENT_ERROR, VD_CLIENT_ERROR_NOT_SENT, "Could not resolve host");

  assert_error_verdict (verdict, VD_OUTCOME_ERROR, VD_SEVERITY_SERVICE_PROBLEM, "Error",
                        TRUE, FALSE);
  g_assert_cmpstr (verdict->explanation, ==, "No connection to the service: nothing was sent.");
  g_assert_cmpstr (verdict->next_step, ==, "Check the network and submit again.");
}

static void
test_error_connect_timeout (void)
{
  g_autoptr(VdVerdict) verdict =
    verdict_for (VD_CLIENT_ERROR, VD_CLIENT_ERROR_CONNECT_TIMEOUT, "timed out");

  assert_error_verdict (verdict, VD_OUTCOME_ERROR, VD_SEVERITY_SERVICE_PROBLEM, "Error",
                        TRUE, FALSE);
  assert_contains (verdict->explanation, "nothing was sent");
  g_assert_cmpstr (verdict->next_step, ==, "Check the network and submit again.");
}

static void
test_error_tls (void)
{
  g_autoptr(VdVerdict) verdict =
    verdict_for (VD_CLIENT_ERROR, VD_CLIENT_ERROR_TLS, "unknown issuer");

  assert_error_verdict (verdict, VD_OUTCOME_ERROR, VD_SEVERITY_SERVICE_PROBLEM, "Error",
                        FALSE, FALSE);
  g_assert_cmpstr (verdict->explanation, ==,
                   "The service's certificate is not trusted: nothing was sent.");
  g_assert_cmpstr (verdict->next_step, ==,
                   "Do not continue on this network; tell your administrator.");
}

static void
test_error_outcome_unknown (void)
{
  g_autoptr(VdVerdict) verdict =
    verdict_for (VD_CLIENT_ERROR, VD_CLIENT_ERROR_OUTCOME_UNKNOWN, "read timeout");

  assert_error_verdict (verdict, VD_OUTCOME_UNKNOWN, VD_SEVERITY_UNKNOWN, "Outcome unknown",
                        TRUE, FALSE);
  g_assert_cmpstr (verdict->explanation, ==,
                   "The request was sent but no answer came back, so the outcome is unknown.");
  g_assert_cmpstr (verdict->next_step, ==,
                   "Resubmit the same task: the service treats it as the same verification.");
}

static void
test_error_connection_refused (void)
{
  g_autoptr(VdVerdict) verdict =
    verdict_for (VD_CLIENT_ERROR, VD_CLIENT_ERROR_CONNECTION_REFUSED, "refused");

  assert_error_verdict (verdict, VD_OUTCOME_ERROR, VD_SEVERITY_SERVICE_PROBLEM, "Error",
                        TRUE, TRUE);
  g_assert_cmpstr (verdict->explanation, ==, "The service address refused the connection: "
                                             "nothing is listening there, so nothing was sent.");
  g_assert_cmpstr (verdict->next_step, ==,
                   "Check the service address and port in Preferences, then submit again.");
}

static void
test_error_host_not_found (void)
{
  g_autoptr(VdVerdict) verdict =
    verdict_for (VD_CLIENT_ERROR, VD_CLIENT_ERROR_HOST_NOT_FOUND, "no such name");

  assert_error_verdict (verdict, VD_OUTCOME_ERROR, VD_SEVERITY_SERVICE_PROBLEM, "Error",
                        TRUE, TRUE);
  g_assert_cmpstr (verdict->explanation, ==, "The service's name cannot be found on this network "
                                             "(no DNS answer), so nothing was sent.");
  g_assert_cmpstr (verdict->next_step, ==, "Check the network connection and the service address "
                                           "in Preferences, then submit again.");
}

/* The store's words are kept: they name the file and what is wrong with it. */
static void
test_error_not_recorded (void)
{
  g_autoptr(VdVerdict) verdict =
    verdict_for (VD_CLIENT_ERROR, VD_CLIENT_ERROR_NOT_RECORDED,
                 "Not sent: the history cannot record this verification. It is read-only.");

  assert_error_verdict (verdict, VD_OUTCOME_ERROR, VD_SEVERITY_SERVICE_PROBLEM, "Error",
                        TRUE, FALSE);
  g_assert_cmpstr (verdict->explanation, ==,
                   "Not sent: the history cannot record this verification. It is read-only.");
  g_assert_cmpstr (verdict->next_step, ==,
                   "Ask your administrator to make the history writable, then submit again.");
}

static void
test_error_no_credentials (void)
{
  g_autoptr(VdVerdict) verdict =
    verdict_for (VD_CLIENT_ERROR, VD_CLIENT_ERROR_NO_CREDENTIALS, "no key");

  assert_error_verdict (verdict, VD_OUTCOME_ERROR, VD_SEVERITY_SERVICE_PROBLEM, "Error",
                        FALSE, TRUE);
  assert_contains (verdict->next_step, "Preferences");
  assert_contains (verdict->next_step, "training mode");
}

static void
test_error_answer (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdVerifyResult) result = vd_answer_parse (200, "", 0, &error);
  g_autoptr(VdVerdict) verdict = NULL;
  g_autofree char *explanation = NULL;

  g_assert_null (result);
  verdict = vd_verdict_for_error (error);
  explanation = g_strdup_printf ("The request was sent, but the answer cannot be used: %s",
                                 error->message);

  assert_error_verdict (verdict, VD_OUTCOME_UNKNOWN, VD_SEVERITY_UNKNOWN, "Outcome unknown",
                        TRUE, FALSE);
  g_assert_cmpstr (verdict->explanation, ==, explanation);
}

static void
test_error_bad_input (void)
{
  g_autoptr(VdVerdict) request =
    verdict_for (VD_REQUEST_ERROR, VD_REQUEST_ERROR_FACE_URL, "Upload the photo first.");
  g_autoptr(VdVerdict) id_number =
    verdict_for (VD_ID_NUMBER_ERROR, VD_ID_NUMBER_ERROR_CHECK_CHARACTER, "The last character "
                                                                         "is wrong.");

  assert_error_verdict (request, VD_OUTCOME_ERROR, VD_SEVERITY_FIX_AND_RESUBMIT, "Error",
                        FALSE, FALSE);
  g_assert_cmpstr (request->explanation, ==, "Upload the photo first.");
  g_assert_cmpstr (request->next_step, ==, "Fix the field and submit.");
  assert_error_verdict (id_number, VD_OUTCOME_ERROR, VD_SEVERITY_FIX_AND_RESUBMIT, "Error",
                        FALSE, FALSE);
  g_assert_cmpstr (id_number->explanation, ==, "The last character is wrong.");
}

static void
test_error_other (void)
{
  g_autoptr(VdVerdict) verdict = verdict_for (G_IO_ERROR, G_IO_ERROR_FAILED, "Disk full");

  assert_error_verdict (verdict, VD_OUTCOME_ERROR, VD_SEVERITY_SERVICE_PROBLEM, "Error",
                        FALSE, FALSE);
  g_assert_cmpstr (verdict->explanation, ==, "Disk full");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/outcome/strings", test_outcome_strings);
  g_test_add_func ("/outcome/from-bad-string", test_outcome_from_bad_string);
  g_test_add_func ("/outcome/for-result", test_outcome_for_result);
  g_test_add_func ("/outcome/verdict/every-status", test_verdict_every_status);
  g_test_add_func ("/outcome/verdict/passed", test_verdict_passed);
  g_test_add_func ("/outcome/verdict/unknown-status", test_verdict_unknown_status);
  g_test_add_func ("/outcome/verdict/identity-errors", test_verdict_identity_errors);
  g_test_add_func ("/outcome/verdict/from-parsed-identity-error",
                   test_verdict_from_parsed_identity_error);
  g_test_add_func ("/outcome/gateway/missing-parameter", test_gateway_missing_parameter);
  g_test_add_func ("/outcome/gateway/invalid-parameter", test_gateway_invalid_parameter);
  g_test_add_func ("/outcome/gateway/access-key-id", test_gateway_access_key_id);
  g_test_add_func ("/outcome/gateway/signature-hides-message",
                   test_gateway_signature_hides_message);
  g_test_add_func ("/outcome/gateway/nonce-used", test_gateway_nonce_used);
  g_test_add_func ("/outcome/gateway/clock-offset", test_gateway_clock_offset);
  g_test_add_func ("/outcome/gateway/clock-without-offset", test_gateway_clock_without_offset);
  g_test_add_func ("/outcome/gateway/throttling", test_gateway_throttling);
  g_test_add_func ("/outcome/gateway/permission", test_gateway_permission);
  g_test_add_func ("/outcome/gateway/service-problem", test_gateway_service_problem);
  g_test_add_func ("/outcome/gateway/materials-not-valid", test_gateway_materials_not_valid);
  g_test_add_func ("/outcome/gateway/not-cloudauth", test_gateway_not_cloudauth);
  g_test_add_func ("/outcome/gateway/other-code", test_gateway_other_code);
  g_test_add_func ("/outcome/gateway/other-code-hides-string-to-sign",
                   test_gateway_other_code_hides_string_to_sign);
  g_test_add_func ("/outcome/error/invalid-endpoint", test_error_invalid_endpoint);
  g_test_add_func ("/outcome/error/not-sent", test_error_not_sent);
  g_test_add_func ("/outcome/error/connect-timeout", test_error_connect_timeout);
  g_test_add_func ("/outcome/error/tls", test_error_tls);
  g_test_add_func ("/outcome/error/outcome-unknown", test_error_outcome_unknown);
  g_test_add_func ("/outcome/error/no-credentials", test_error_no_credentials);
  g_test_add_func ("/outcome/error/connection-refused", test_error_connection_refused);
  g_test_add_func ("/outcome/error/host-not-found", test_error_host_not_found);
  g_test_add_func ("/outcome/error/not-recorded", test_error_not_recorded);
  g_test_add_func ("/outcome/error/answer", test_error_answer);
  g_test_add_func ("/outcome/error/bad-input", test_error_bad_input);
  g_test_add_func ("/outcome/error/other", test_error_other);

  return g_test_run ();
}
