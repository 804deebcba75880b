/* The history's record model: what is kept of a request and of its answer, and what never is. */

#include <string.h>

#include "vd-client-error.h"
#include "vd-history-record.h"
#include "vd-test-util.h"

#define NUMBER "11010519491231002X"

static GBytes *
test_key (guint8 fill)
{
  guint8 key[VD_HISTORY_KEY_LENGTH];

  memset (key, fill, sizeof key);
  return g_bytes_new (key, sizeof key);
}

static VdVerifyRequest *
test_request (void)
{
  VdVerifyRequest *request = vd_verify_request_new_task ("RPMinTest");

  request->name = g_strdup ("张三");
  request->id_number = g_strdup (NUMBER);
  request->face_url = g_strdup ("https://example.com/face.jpg");
  return request;
}

static void
test_new_sent_masks_and_hashes (void)
{
  g_autoptr(GBytes) key = test_key (7);
  g_autoptr(VdVerifyRequest) request = test_request ();
  g_autoptr(VdHistoryRecord) record = NULL;
  g_autofree char *expected_hmac = NULL;

  record = vd_history_record_new_sent (request, key, FALSE, TRUE, "alice", "desk-1");

  g_assert_cmpstr (record->name, ==, "张三");
  g_assert_cmpstr (record->id_number_masked, ==, "110105********002X");
  g_assert_null (record->id_number_full);
  expected_hmac = g_compute_hmac_for_data (G_CHECKSUM_SHA256, g_bytes_get_data (key, NULL),
                                           VD_HISTORY_KEY_LENGTH, (const guchar *) NUMBER,
                                           strlen (NUMBER));
  g_assert_cmpstr (record->id_number_hmac, ==, expected_hmac);
  g_assert_cmpstr (record->operator_name, ==, "alice");
  g_assert_cmpstr (record->desk, ==, "desk-1");
  g_assert_cmpstr (record->biz_type, ==, "RPMinTest");
  g_assert_cmpstr (record->biz_id, ==, request->biz_id);
  g_assert_true (record->training);
  g_assert_cmpint (record->state, ==, VD_HISTORY_STATE_SENT);
  g_assert_cmpint (vd_history_record_get_outcome (record), ==, VD_OUTCOME_UNKNOWN);
  g_assert_true (g_uuid_string_is_valid (record->uuid));
  g_assert_nonnull (record->time);
  g_assert_cmpint (g_date_time_get_utc_offset (record->time), ==, 0);
}

static void
test_new_sent_keeps_full_number_when_asked (void)
{
  g_autoptr(GBytes) key = test_key (7);
  g_autoptr(VdVerifyRequest) request = test_request ();
  g_autoptr(VdHistoryRecord) record = NULL;

  record = vd_history_record_new_sent (request, key, TRUE, FALSE, NULL, NULL);

  g_assert_cmpstr (record->id_number_full, ==, NUMBER);
  g_assert_cmpstr (record->operator_name, ==, "");
  g_assert_cmpstr (record->desk, ==, "");
}

static void
test_uuids_differ (void)
{
  g_autoptr(VdHistoryRecord) a = vd_history_record_new ();
  g_autoptr(VdHistoryRecord) b = vd_history_record_new ();

  g_assert_cmpstr (a->uuid, !=, b->uuid);
}

static void
test_hmac_normalises_and_depends_on_key (void)
{
  g_autoptr(GBytes) key = test_key (1);
  g_autoptr(GBytes) other_key = test_key (2);
  g_autoptr(GBytes) short_key = g_bytes_new ("abc", 3);
  g_autofree char *plain = vd_history_id_number_hmac (key, NUMBER);
  g_autofree char *typed = vd_history_id_number_hmac (key, "110105 19491231 002x");
  g_autofree char *other = vd_history_id_number_hmac (other_key, NUMBER);
  g_autofree char *none = vd_history_id_number_hmac (short_key, NUMBER);

  g_assert_cmpuint (strlen (plain), ==, 64);
  g_assert_cmpstr (plain, ==, typed);
  g_assert_cmpstr (plain, !=, other);
  g_assert_null (none);
  for (const char *p = plain; *p != '\0'; p++)
    g_assert_true (g_ascii_isxdigit (*p) && !g_ascii_isupper (*p));
}

static void
test_answer_from_verdict (void)
{
  g_autoptr(GBytes) key = test_key (7);
  g_autoptr(VdVerifyRequest) request = test_request ();
  g_autoptr(VdHistoryRecord) record = vd_history_record_new_sent (request, key, FALSE, FALSE,
                                                                   "op", "desk");
  g_autoptr(VdVerifyResult) result = vd_verify_result_new (VD_ANSWER_VERDICT);

  result->request_id = g_strdup ("REQ-1");
  result->verify_status = 1;
  result->verify_token = g_strdup ("TOKEN");
  result->has_score = TRUE;
  result->score = 97.5;
  result->has_card_face_score = TRUE;
  result->card_face_score = 88;
  result->id_card = vd_id_card_info_new ();
  result->id_card->name = g_strdup ("张三");
  result->id_card->number = g_strdup (NUMBER);
  result->id_card->address = g_strdup ("北京市");

  vd_history_record_set_answer (record, result, NULL);

  g_assert_cmpint (record->state, ==, VD_HISTORY_STATE_FINISHED);
  g_assert_cmpint (vd_history_record_get_outcome (record), ==, VD_OUTCOME_PASSED);
  g_assert_true (record->has_verify_status);
  g_assert_cmpint (record->verify_status, ==, 1);
  g_assert_true (record->has_score);
  g_assert_cmpfloat (record->score, ==, 97.5);
  g_assert_true (record->has_card_face_score);
  g_assert_cmpfloat (record->card_face_score, ==, 88);
  g_assert_cmpstr (record->request_id, ==, "REQ-1");
  g_assert_cmpstr (record->verify_token, ==, "TOKEN");
  g_assert_nonnull (record->ocr);
  g_assert_cmpstr (record->ocr->number, ==, "110105********002X");
  g_assert_cmpstr (record->ocr->address, ==, "北京市");
  g_assert_null (record->error_code);
  g_assert_nonnull (record->finished_time);
}

static void
test_answer_from_not_passed_status (void)
{
  g_autoptr(VdHistoryRecord) record = vd_history_record_new ();
  g_autoptr(VdVerifyResult) result = vd_verify_result_new (VD_ANSWER_VERDICT);

  result->verify_status = 4;
  vd_history_record_set_answer (record, result, NULL);

  g_assert_cmpint (vd_history_record_get_outcome (record), ==, VD_OUTCOME_NOT_PASSED);
  g_assert_cmpint (record->verify_status, ==, 4);
  g_assert_false (record->has_score);
  g_assert_null (record->ocr);
}

static void
test_answer_from_identity_error (void)
{
  g_autoptr(VdHistoryRecord) record = vd_history_record_new ();
  g_autoptr(VdVerifyResult) result = vd_verify_result_new (VD_ANSWER_IDENTITY_ERROR);

  result->code = g_strdup ("3101");
  result->message = g_strdup ("name does not match");
  result->request_id = g_strdup ("REQ-2");
  vd_history_record_set_answer (record, result, NULL);

  g_assert_cmpint (vd_history_record_get_outcome (record), ==, VD_OUTCOME_NOT_PASSED);
  g_assert_false (record->has_verify_status);
  g_assert_cmpstr (record->error_code, ==, "3101");
  g_assert_cmpstr (record->error_message, ==, "name does not match");
  g_assert_cmpstr (record->request_id, ==, "REQ-2");
}

static void
test_answer_from_gateway_error (void)
{
  g_autoptr(VdHistoryRecord) record = vd_history_record_new ();
  g_autoptr(VdVerifyResult) result = vd_verify_result_new (VD_ANSWER_GATEWAY_ERROR);

  result->code = g_strdup ("Throttling.User");
  result->message = g_strdup ("Request was denied due to user flow control.");
  vd_history_record_set_answer (record, result, NULL);

  g_assert_cmpint (vd_history_record_get_outcome (record), ==, VD_OUTCOME_ERROR);
  g_assert_cmpstr (record->error_code, ==, "Throttling.User");
}

/* HMAC-SHA1's string to sign holds every parameter: the gateway quoting it back must not put
 * the full ID number and the name in the history. */
static void
test_answer_drops_quoted_string_to_sign (void)
{
  g_autoptr(VdHistoryRecord) record = vd_history_record_new ();
  g_autoptr(VdVerifyResult) result = vd_verify_result_new (VD_ANSWER_GATEWAY_ERROR);

  result->code = g_strdup ("SignatureDoesNotMatch");
  result->message = g_strdup ("Specified signature is not matched with our calculation. server "
                              "string to sign is:POST&%2F&IdCardNumber%3D11010519491231002X%26"
                              "Name%3D%25E5%25BC%25A0%25E4%25B8%2589");
  vd_history_record_set_answer (record, result, NULL);

  g_assert_cmpint (vd_history_record_get_outcome (record), ==, VD_OUTCOME_ERROR);
  g_assert_cmpstr (record->error_code, ==, "SignatureDoesNotMatch");
  g_assert_null (record->error_message);
  g_assert_false (vd_gateway_message_is_quotable (result->message));
  g_assert_true (vd_gateway_message_is_quotable ("Request was denied due to user flow control."));
}

static void
test_answer_from_error (void)
{
  g_autoptr(VdHistoryRecord) lost = vd_history_record_new ();
  g_autoptr(VdHistoryRecord) refused = vd_history_record_new ();
  g_autoptr(GError) unknown = g_error_new_literal (VD_CLIENT_ERROR,
                                                   VD_CLIENT_ERROR_OUTCOME_UNKNOWN,
                                                   "no answer within 10 s");
  g_autoptr(GError) not_sent = g_error_new_literal (VD_CLIENT_ERROR, VD_CLIENT_ERROR_NOT_SENT,
                                                    "could not connect");
  g_autofree char *code = g_strdup_printf ("%s:%d", g_quark_to_string (VD_CLIENT_ERROR),
                                           VD_CLIENT_ERROR_OUTCOME_UNKNOWN);

  vd_history_record_set_answer (lost, NULL, unknown);
  vd_history_record_set_answer (refused, NULL, not_sent);

  g_assert_cmpint (lost->state, ==, VD_HISTORY_STATE_FINISHED);
  g_assert_cmpint (vd_history_record_get_outcome (lost), ==, VD_OUTCOME_UNKNOWN);
  g_assert_cmpstr (lost->error_code, ==, code);
  g_assert_cmpstr (lost->error_message, ==, "no answer within 10 s");
  g_assert_cmpint (vd_history_record_get_outcome (refused), ==, VD_OUTCOME_ERROR);
}

static void
test_outcome_unknown_unless_finished (void)
{
  g_autoptr(VdHistoryRecord) record = vd_history_record_new ();

  record->outcome = VD_OUTCOME_PASSED;
  record->state = VD_HISTORY_STATE_SENT;
  g_assert_cmpint (vd_history_record_get_outcome (record), ==, VD_OUTCOME_UNKNOWN);
  record->state = VD_HISTORY_STATE_INTERRUPTED;
  g_assert_cmpint (vd_history_record_get_outcome (record), ==, VD_OUTCOME_UNKNOWN);
  record->state = VD_HISTORY_STATE_FINISHED;
  g_assert_cmpint (vd_history_record_get_outcome (record), ==, VD_OUTCOME_PASSED);
}

static void
test_copy_is_deep (void)
{
  g_autoptr(GBytes) key = test_key (3);
  g_autoptr(VdVerifyRequest) request = test_request ();
  g_autoptr(VdHistoryRecord) record = vd_history_record_new_sent (request, key, TRUE, FALSE,
                                                                   "op", "desk");
  g_autoptr(VdVerifyResult) result = vd_verify_result_new (VD_ANSWER_VERDICT);
  g_autoptr(VdHistoryRecord) copy = NULL;

  result->verify_status = 1;
  result->id_card = vd_id_card_info_new ();
  result->id_card->number = g_strdup (NUMBER);
  vd_history_record_set_answer (record, result, NULL);
  record->id = 42;

  copy = vd_history_record_copy (record);
  g_clear_pointer (&record, vd_history_record_free);

  g_assert_cmpint (copy->id, ==, 42);
  g_assert_cmpstr (copy->name, ==, "张三");
  g_assert_cmpstr (copy->id_number_full, ==, NUMBER);
  g_assert_cmpstr (copy->ocr->number, ==, "110105********002X");
  g_assert_cmpint (vd_history_record_get_outcome (copy), ==, VD_OUTCOME_PASSED);
}

static void
test_state_strings (void)
{
  VdHistoryState state;

  g_assert_cmpstr (vd_history_state_to_string (VD_HISTORY_STATE_SENT), ==, "sent");
  g_assert_cmpstr (vd_history_state_to_string (VD_HISTORY_STATE_FINISHED), ==, "finished");
  g_assert_cmpstr (vd_history_state_to_string (VD_HISTORY_STATE_INTERRUPTED), ==,
                   "interrupted");
  g_assert_true (vd_history_state_from_string ("interrupted", &state));
  g_assert_cmpint (state, ==, VD_HISTORY_STATE_INTERRUPTED);
  g_assert_false (vd_history_state_from_string ("Sent", &state));
  g_assert_false (vd_history_state_from_string (NULL, &state));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/history-record/new-sent/masks-and-hashes", test_new_sent_masks_and_hashes);
  g_test_add_func ("/history-record/new-sent/keeps-full-number-when-asked",
                   test_new_sent_keeps_full_number_when_asked);
  g_test_add_func ("/history-record/uuids-differ", test_uuids_differ);
  g_test_add_func ("/history-record/hmac", test_hmac_normalises_and_depends_on_key);
  g_test_add_func ("/history-record/answer/verdict", test_answer_from_verdict);
  g_test_add_func ("/history-record/answer/not-passed", test_answer_from_not_passed_status);
  g_test_add_func ("/history-record/answer/identity-error", test_answer_from_identity_error);
  g_test_add_func ("/history-record/answer/gateway-error", test_answer_from_gateway_error);
  g_test_add_func ("/history-record/answer/drops-quoted-string-to-sign",
                   test_answer_drops_quoted_string_to_sign);
  g_test_add_func ("/history-record/answer/error", test_answer_from_error);
  g_test_add_func ("/history-record/outcome-unknown-unless-finished",
                   test_outcome_unknown_unless_finished);
  g_test_add_func ("/history-record/copy-is-deep", test_copy_is_deep);
  g_test_add_func ("/history-record/state-strings", test_state_strings);

  return g_test_run ();
}
