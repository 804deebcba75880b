/* test-answer-parser.c: every shape of the Cloudauth answer, and every way it can be broken
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "vd-answer-parser.h"

/* The seed's examples, verbatim (000_a9b0e38a42669513.txt, 返回示例). */
static const char seed_xml[] =
  "<?xml version='1.0' encoding='UTF-8'?>\n"
  "<VerifyMaterialsResponse>\n"
  "    <Data>\n"
  "        <VerifyToken>c302c0797679457685410ee51a5ba375</VerifyToken>\n"
  "        <VerifyStatus>1</VerifyStatus>\n"
  "        <Material>\n"
  "        <FaceImageUrl>http://image-demo.img-cn-hangzhou.aliyuncs.com/example.jpg\n"
  "            </FaceImageUrl>\n"
  "            <IdCardName>张三</IdCardName>\n"
  "            <IdCardNumber>023432189011233490</IdCardNumber>\n"
  "            <IdCardInfo>\n"
  "                <FrontImageUrl>http://image-demo.img-cn-hangzhou.aliyuncs.com/example2.jpg\n"
  "                </FrontImageUrl>\n"
  "                <BackImageUrl>http://image-demo.img-cn-hangzhou.aliyuncs.com/example3.jpg\n"
  "                </BackImageUrl>\n"
  "                <Name>张三</Name>\n"
  "                <Number>023432189011233490</Number>\n"
  "                <Sex>男</Sex>\n"
  "                <Nationality>汉</Nationality>\n"
  "                <Address>浙江省杭州市余杭区文一西路969号</Address>\n"
  "                <StartDate>2010-11-01</StartDate>\n"
  "                <EndDate>2020-11-01</EndDate>\n"
  "                <Authority>杭州市公安局</Authority>\n"
  "            </IdCardInfo>\n"
  "        </Material>\n"
  "        <AuthorityComparisonScore>97</AuthorityComparisonScore>\n"
  "    </Data>\n"
  "    <Success>true</Success>\n"
  "    <Code>200</Code>\n"
  "</VerifyMaterialsResponse>\n";

static const char seed_json[] =
  "{\n"
  "  \"VerifyMaterials\": {\n"
  "    \"Data\": {\n"
  "      \"VerifyToken\": \"c302c0797679457685410ee51a5ba375\",\n"
  "      \"VerifyStatus\": \"1\",\n"
  "      \"Material\": {\n"
  "        \"FaceImageUrl\": \"http://image-demo.img-cn-hangzhou.aliyuncs.com/example.jpg\",\n"
  "        \"IdCardName\": \"张三\",\n"
  "        \"IdCardNumber\": \"023432189011233490\",\n"
  "        \"IdCardInfo\": {\n"
  "          \"FrontImageUrl\": \"http://image-demo.img-cn-hangzhou.aliyuncs.com/example2.jpg\",\n"
  "          \"BackImageUrl\": \"http://image-demo.img-cn-hangzhou.aliyuncs.com/example3.jpg\",\n"
  "          \"Name\": \"张三\",\n"
  "          \"Number\": \"023432189011233490\",\n"
  "          \"Sex\": \"男\",\n"
  "          \"Nationality\": \"汉\",\n"
  "          \"Address\": \"浙江省杭州市余杭区文一西路969号\",\n"
  "          \"StartDate\": \"2010-11-01\",\n"
  "          \"EndDate\": \"2020-11-01\",\n"
  "          \"Authority\": \"杭州市公安局\"\n"
  "        }\n"
  "      },\n"
  "      \"AuthorityComparisonScore\": \"97\"\n"
  "    },\n"
  "    \"Success\": \"true\",\n"
  "    \"Code\": \"200\"\n"
  "  }\n"
  "}\n";

/* The shape the real service and its official SDK use: flat, numbers as numbers, the score
 * misspelled, dates as yyyyMMdd. */
static const char real_flat_json[] =
  "{\"RequestId\":\"4AB2A8A4-5D7C-4E35-9F8E-1C4C1C7B9D21\","
  "\"VerifyToken\":\"f1e2d3c4b5a6\","
  "\"VerifyStatus\":1,"
  "\"AuthorityComparisionScore\":97,"
  "\"IdCardFaceComparisonScore\":96.5,"
  "\"Material\":{"
  "\"FaceImageUrl\":\"https://example.com/face.jpg\","
  "\"IdCardName\":\"张三\","
  "\"IdCardNumber\":\"11010519491231002X\","
  "\"FaceQuality\":\"HIGH\","
  "\"FaceMask\":\"false\","
  "\"IdCardInfo\":{"
  "\"Name\":\"张三\",\"Number\":\"11010519491231002X\",\"Sex\":\"男\",\"Nationality\":\"汉\","
  "\"Birth\":\"19491231\",\"Address\":\"北京市朝阳区\","
  "\"Authority\":\"北京市公安局朝阳分局\","
  "\"StartDate\":\"20150301\",\"EndDate\":\"长期\","
  "\"FrontImageUrl\":\"https://example.com/front.jpg\","
  "\"BackImageUrl\":\"https://example.com/back.jpg\"}}}";

/* --- helpers --- */

/* Parses @text from a heap copy of exactly its length, without a NUL, so that valgrind sees any
 * read past the body. */
static VdVerifyResult *
parse_text (guint        http_status,
            const char  *text,
            gsize        length,
            GError     **error)
{
  g_autofree char *body = g_memdup2 (text, length);

  return vd_answer_parse (http_status, body, length, error);
}

static VdVerifyResult *
parse_ok (guint       http_status,
          const char *text)
{
  g_autoptr(GError) error = NULL;
  VdVerifyResult *result = parse_text (http_status, text, strlen (text), &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

/* Asserts that @text fails with @code and no result; returns the message. */
static char *
parse_fails_len (guint          http_status,
                 const char    *text,
                 gsize          length,
                 VdAnswerError  code)
{
  g_autoptr(GError) error = NULL;
  VdVerifyResult *result = parse_text (http_status, text, length, &error);

  g_assert_null (result);
  g_assert_error (error, VD_ANSWER_ERROR, (int) code);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  return g_strdup (error->message);
}

static char *
parse_fails (guint          http_status,
             const char    *text,
             VdAnswerError  code)
{
  return parse_fails_len (http_status, text, strlen (text), code);
}

static char *
flat_with_status (const char *status_json)
{
  return g_strdup_printf ("{\"RequestId\":\"r-1\",\"VerifyStatus\":%s}", status_json);
}

static void
assert_seed_example (const VdVerifyResult *result)
{
  g_assert_cmpint (result->kind, ==, VD_ANSWER_VERDICT);
  g_assert_cmpuint (result->http_status, ==, 200);
  g_assert_cmpint (result->verify_status, ==, 1);
  g_assert_cmpstr (result->verify_token, ==, "c302c0797679457685410ee51a5ba375");
  g_assert_true (result->has_score);
  g_assert_cmpfloat (result->score, ==, 97.0);
  g_assert_false (result->has_card_face_score);
  g_assert_null (result->request_id);
  g_assert_null (result->code);
  g_assert_null (result->message);
  g_assert_cmpstr (result->face_image_url, ==,
                   "http://image-demo.img-cn-hangzhou.aliyuncs.com/example.jpg");
  g_assert_cmpstr (result->material_name, ==, "张三");
  g_assert_cmpstr (result->material_number, ==, "023432189011233490");
  g_assert_null (result->face_quality);
  g_assert_null (result->face_mask);

  g_assert_nonnull (result->id_card);
  g_assert_cmpstr (result->id_card->front_image_url, ==,
                   "http://image-demo.img-cn-hangzhou.aliyuncs.com/example2.jpg");
  g_assert_cmpstr (result->id_card->back_image_url, ==,
                   "http://image-demo.img-cn-hangzhou.aliyuncs.com/example3.jpg");
  g_assert_cmpstr (result->id_card->name, ==, "张三");
  g_assert_cmpstr (result->id_card->number, ==, "023432189011233490");
  g_assert_cmpstr (result->id_card->sex, ==, "男");
  g_assert_cmpstr (result->id_card->nationality, ==, "汉");
  g_assert_cmpstr (result->id_card->address, ==, "浙江省杭州市余杭区文一西路969号");
  g_assert_cmpstr (result->id_card->start_date, ==, "2010-11-01");
  g_assert_cmpstr (result->id_card->end_date, ==, "2020-11-01");
  g_assert_false (result->id_card->no_expiry);
  g_assert_cmpstr (result->id_card->authority, ==, "杭州市公安局");
  g_assert_null (result->id_card->birth);
}

/* --- the shapes of a verdict --- */

static void
test_seed_xml (void)
{
  g_autoptr(VdVerifyResult) result = parse_ok (200, seed_xml);

  assert_seed_example (result);
}

static void
test_seed_json (void)
{
  g_autoptr(VdVerifyResult) result = parse_ok (200, seed_json);

  assert_seed_example (result);
}

static void
test_real_flat (void)
{
  g_autoptr(VdVerifyResult) result = parse_ok (200, real_flat_json);

  g_assert_cmpint (result->kind, ==, VD_ANSWER_VERDICT);
  g_assert_cmpint (result->verify_status, ==, 1);
  g_assert_cmpstr (result->request_id, ==, "4AB2A8A4-5D7C-4E35-9F8E-1C4C1C7B9D21");
  g_assert_cmpstr (result->verify_token, ==, "f1e2d3c4b5a6");
  g_assert_true (result->has_score);
  g_assert_cmpfloat (result->score, ==, 97.0);
  g_assert_true (result->has_card_face_score);
  g_assert_cmpfloat (result->card_face_score, ==, 96.5);
  g_assert_cmpstr (result->face_image_url, ==, "https://example.com/face.jpg");
  g_assert_cmpstr (result->material_name, ==, "张三");
  g_assert_cmpstr (result->material_number, ==, "11010519491231002X");
  g_assert_cmpstr (result->face_quality, ==, "HIGH");
  g_assert_cmpstr (result->face_mask, ==, "false");

  g_assert_nonnull (result->id_card);
  g_assert_cmpstr (result->id_card->birth, ==, "1949-12-31");
  g_assert_cmpstr (result->id_card->start_date, ==, "2015-03-01");
  g_assert_null (result->id_card->end_date);
  g_assert_true (result->id_card->no_expiry);
  g_assert_cmpstr (result->id_card->address, ==, "北京市朝阳区");
  g_assert_cmpstr (result->id_card->authority, ==, "北京市公安局朝阳分局");
  g_assert_cmpstr (result->id_card->front_image_url, ==, "https://example.com/front.jpg");
  g_assert_cmpstr (result->id_card->back_image_url, ==, "https://example.com/back.jpg");
}

static void
test_score_seed_spelling (void)
{
  g_autoptr(VdVerifyResult) result =
    parse_ok (200, "{\"VerifyStatus\":6,\"AuthorityComparisonScore\":42.5}");

  g_assert_cmpint (result->verify_status, ==, 6);
  g_assert_true (result->has_score);
  g_assert_cmpfloat (result->score, ==, 42.5);
  g_assert_false (result->has_card_face_score);
}

static void
test_score_real_spelling (void)
{
  g_autoptr(VdVerifyResult) result =
    parse_ok (200, "{\"VerifyStatus\":7,\"AuthorityComparisionScore\":\"61\"}");

  g_assert_true (result->has_score);
  g_assert_cmpfloat (result->score, ==, 61.0);
}

static void
test_score_absent (void)
{
  g_autoptr(VdVerifyResult) result = parse_ok (200, "{\"VerifyStatus\":13}");

  g_assert_cmpint (result->verify_status, ==, 13);
  g_assert_false (result->has_score);
  g_assert_false (result->has_card_face_score);
  g_assert_null (result->id_card);
  g_assert_null (result->verify_token);
}

static void
test_score_bounds_accepted (void)
{
  g_autoptr(VdVerifyResult) low =
    parse_ok (200, "{\"VerifyStatus\":7,\"AuthorityComparisonScore\":0}");
  g_autoptr(VdVerifyResult) high =
    parse_ok (200, "{\"VerifyStatus\":1,\"AuthorityComparisonScore\":\"100\","
                   "\"IdCardFaceComparisonScore\":\"100.0\"}");

  g_assert_true (low->has_score);
  g_assert_cmpfloat (low->score, ==, 0.0);
  g_assert_cmpfloat (high->score, ==, 100.0);
  g_assert_cmpfloat (high->card_face_score, ==, 100.0);
}

static void
test_numbers_as_strings (void)
{
  g_autoptr(VdVerifyResult) result =
    parse_ok (200, "{\"RequestId\":\"r\",\"VerifyStatus\":\" 7 \","
                   "\"AuthorityComparisonScore\":\"96.5\","
                   "\"IdCardFaceComparisonScore\":\"88\","
                   "\"Material\":{\"FaceMask\":true,\"FaceQuality\":\"LOW\"}}");

  g_assert_cmpint (result->verify_status, ==, 7);
  g_assert_cmpfloat (result->score, ==, 96.5);
  g_assert_cmpfloat (result->card_face_score, ==, 88.0);
  g_assert_cmpstr (result->face_mask, ==, "true");
  g_assert_cmpstr (result->face_quality, ==, "LOW");
}

static void
test_numbers_as_numbers (void)
{
  g_autoptr(VdVerifyResult) result =
    parse_ok (200, "{\"VerifyStatus\":2.0,\"AuthorityComparisonScore\":1e1}");

  g_assert_cmpint (result->verify_status, ==, 2);
  g_assert_cmpfloat (result->score, ==, 10.0);
}

static void
test_unknown_status_is_verdict (void)
{
  const char *statuses[] = { "99", "\"11\"", "0", "-3" };
  const int expected[] = { 99, 11, 0, -3 };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autofree char *json = flat_with_status (statuses[i]);
      g_autoptr(VdVerifyResult) result = parse_ok (200, json);

      g_assert_cmpint (result->kind, ==, VD_ANSWER_VERDICT);
      g_assert_cmpint (result->verify_status, ==, expected[i]);
      g_assert_cmpstr (result->request_id, ==, "r-1");
    }
}

static void
test_wrapped_singular_without_data (void)
{
  g_autoptr(VdVerifyResult) result =
    parse_ok (200, "{\"VerifyMaterial\":{\"RequestId\":\"w-1\",\"VerifyStatus\":\"5\","
                   "\"VerifyToken\":\"t\",\"Success\":true,\"Code\":\"OK\"}}");

  g_assert_cmpint (result->kind, ==, VD_ANSWER_VERDICT);
  g_assert_cmpint (result->verify_status, ==, 5);
  g_assert_cmpstr (result->request_id, ==, "w-1");
  g_assert_cmpstr (result->verify_token, ==, "t");
}

static void
test_request_id_from_wrapper (void)
{
  g_autoptr(VdVerifyResult) result =
    parse_ok (200, "{\"VerifyMaterials\":{\"RequestId\":\"outer\",\"Data\":{\"VerifyStatus\":1},"
                   "\"Success\":\"true\",\"Code\":\"200\"}}");

  g_assert_cmpint (result->verify_status, ==, 1);
  g_assert_cmpstr (result->request_id, ==, "outer");
}

static void
test_xml_without_data (void)
{
  g_autoptr(VdVerifyResult) result =
    parse_ok (200, "<VerifyMaterialResponse><RequestId>x-9</RequestId>"
                   "<VerifyToken>tok</VerifyToken><VerifyStatus>8</VerifyStatus>"
                   "<AuthorityComparisionScore>55.5</AuthorityComparisionScore>"
                   "<IdCardFaceComparisonScore>70</IdCardFaceComparisonScore>"
                   "<Material><FaceQuality>NORMAL</FaceQuality><FaceMask>True</FaceMask>"
                   "<IdCardInfo><Birth>20000229</Birth><EndDate>00000000</EndDate>"
                   "</IdCardInfo></Material></VerifyMaterialResponse>");

  g_assert_cmpint (result->kind, ==, VD_ANSWER_VERDICT);
  g_assert_cmpint (result->verify_status, ==, 8);
  g_assert_cmpstr (result->request_id, ==, "x-9");
  g_assert_cmpstr (result->verify_token, ==, "tok");
  g_assert_cmpfloat (result->score, ==, 55.5);
  g_assert_cmpfloat (result->card_face_score, ==, 70.0);
  g_assert_cmpstr (result->face_quality, ==, "NORMAL");
  g_assert_cmpstr (result->face_mask, ==, "true");
  g_assert_nonnull (result->id_card);
  g_assert_cmpstr (result->id_card->birth, ==, "2000-02-29");
  g_assert_true (result->id_card->no_expiry);
  g_assert_null (result->id_card->end_date);
  g_assert_null (result->id_card->name);
}

static void
test_xml_cdata_and_entities (void)
{
  g_autoptr(VdVerifyResult) result =
    parse_ok (200, "<?xml version=\"1.0\"?><!-- answer --><VerifyMaterialResponse>"
                   "<VerifyStatus>1</VerifyStatus>"
                   "<Material><IdCardInfo><Address><![CDATA[A & B <1>]]></Address>"
                   "<Authority>X &amp; Y &lt;&gt;&quot;&apos;</Authority></IdCardInfo>"
                   "</Material></VerifyMaterialResponse>");

  g_assert_cmpstr (result->id_card->address, ==, "A & B <1>");
  g_assert_cmpstr (result->id_card->authority, ==, "X & Y <>\"'");
}

static void
test_end_date_no_expiry (void)
{
  const char *end_dates[] = { "\"长期\"", "\"00000000\"", "\"\"", "\" 长期 \"" };

  for (guint i = 0; i < G_N_ELEMENTS (end_dates); i++)
    {
      g_autofree char *json =
        g_strdup_printf ("{\"VerifyStatus\":1,\"Material\":{\"IdCardInfo\":"
                         "{\"StartDate\":\"2010-11-01\",\"EndDate\":%s}}}", end_dates[i]);
      g_autoptr(VdVerifyResult) result = parse_ok (200, json);

      g_assert_nonnull (result->id_card);
      g_assert_true (result->id_card->no_expiry);
      g_assert_null (result->id_card->end_date);
      g_assert_cmpstr (result->id_card->start_date, ==, "2010-11-01");
    }
}

static void
test_dates_normalised_or_kept (void)
{
  g_autoptr(VdVerifyResult) result =
    parse_ok (200, "{\"VerifyStatus\":1,\"Material\":{\"IdCardInfo\":{"
                   "\"Birth\":\"19900230\",\"StartDate\":\"2010.11.01\","
                   "\"EndDate\":\"20301101\"}}}");

  /* 30 February is no date: kept as the OCR read it. */
  g_assert_cmpstr (result->id_card->birth, ==, "19900230");
  g_assert_cmpstr (result->id_card->start_date, ==, "2010.11.01");
  g_assert_cmpstr (result->id_card->end_date, ==, "2030-11-01");
  g_assert_false (result->id_card->no_expiry);
}

static void
test_empty_material_is_absent (void)
{
  g_autoptr(VdVerifyResult) json =
    parse_ok (200, "{\"VerifyStatus\":1,\"Material\":{\"IdCardInfo\":{}}}");
  g_autoptr(VdVerifyResult) xml =
    parse_ok (200, "<VerifyMaterialResponse><VerifyStatus>1</VerifyStatus><Material/>"
                   "</VerifyMaterialResponse>");

  g_assert_null (json->id_card);
  g_assert_null (json->face_image_url);
  g_assert_null (xml->id_card);
  g_assert_null (xml->material_name);
}

static void
test_bom_and_whitespace (void)
{
  g_autoptr(VdVerifyResult) result = parse_ok (200, "\xEF\xBB\xBF \r\n {\"VerifyStatus\":4}\n");

  g_assert_cmpint (result->verify_status, ==, 4);
}

static void
test_long_strings_truncated (void)
{
  g_autoptr(GString) json = g_string_new ("{\"VerifyStatus\":1,\"VerifyToken\":\"");
  g_autoptr(VdVerifyResult) result = NULL;

  for (guint i = 0; i < 5000; i++)
    g_string_append_c (json, 'a');
  g_string_append (json, "\",\"Material\":{\"IdCardName\":\"");
  /* 3 bytes each: 4096 is not a character boundary. */
  for (guint i = 0; i < 2000; i++)
    g_string_append (json, "张");
  g_string_append (json, "\"}}");

  result = parse_ok (200, json->str);
  g_assert_cmpuint (strlen (result->verify_token), ==, 4096);
  g_assert_cmpuint (strlen (result->material_name), ==, 4095);
  g_assert_true (g_utf8_validate (result->material_name, -1, NULL));
  g_assert_cmpuint (g_utf8_strlen (result->material_name, -1), ==, 1365);
}

/* --- error answers --- */

static void
assert_gateway (const VdVerifyResult *result,
                guint                 http_status,
                const char           *code,
                const char           *message)
{
  g_assert_cmpint (result->kind, ==, VD_ANSWER_GATEWAY_ERROR);
  g_assert_cmpuint (result->http_status, ==, http_status);
  g_assert_cmpstr (result->code, ==, code);
  g_assert_cmpstr (result->message, ==, message);
}

static void
test_gateway_json_400 (void)
{
  g_autoptr(VdVerifyResult) result =
    parse_ok (400, "{\"RequestId\":\"E1\",\"HostId\":\"cloudauth.aliyuncs.com\","
                   "\"Code\":\"InvalidAccessKeyId.NotFound\","
                   "\"Message\":\"Specified access key is not found.\","
                   "\"Recommend\":\"https://api.aliyun.com/troubleshoot?q=x\"}");

  assert_gateway (result, 400, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
  g_assert_cmpstr (result->request_id, ==, "E1");
  g_assert_cmpstr (result->host_id, ==, "cloudauth.aliyuncs.com");
  g_assert_cmpstr (result->recommend, ==, "https://api.aliyun.com/troubleshoot?q=x");
}

static void
test_gateway_json_other_statuses (void)
{
  g_autoptr(VdVerifyResult) forbidden =
    parse_ok (403, "{\"Code\":\"SignatureDoesNotMatch\",\"Message\":\"Specified signature is "
                   "not matched with our calculation.\"}");
  g_autoptr(VdVerifyResult) not_found =
    parse_ok (404, "{\"Code\":\"InvalidAction.NotFound\",\"Message\":\"x\"}");
  g_autoptr(VdVerifyResult) unavailable =
    parse_ok (503, "{\"RequestId\":\"E3\",\"Code\":\"ServiceUnavailable\","
                   "\"Message\":\"The request has failed due to a temporary failure.\"}");

  assert_gateway (forbidden, 403, "SignatureDoesNotMatch",
                  "Specified signature is not matched with our calculation.");
  g_assert_null (forbidden->request_id);
  g_assert_null (forbidden->host_id);
  g_assert_null (forbidden->recommend);
  assert_gateway (not_found, 404, "InvalidAction.NotFound", "x");
  assert_gateway (unavailable, 503, "ServiceUnavailable",
                  "The request has failed due to a temporary failure.");
  g_assert_cmpstr (unavailable->request_id, ==, "E3");
}

static void
test_gateway_xml (void)
{
  g_autoptr(VdVerifyResult) bad_request =
    parse_ok (400, "<?xml version='1.0' encoding='UTF-8'?><Error><RequestId>E4</RequestId>"
                   "<HostId>cloudauth.aliyuncs.com</HostId><Code>MissingFaceImageUrl</Code>"
                   "<Message>FaceImageUrl is mandatory for this action.</Message>"
                   "<Recommend><![CDATA[https://api.aliyun.com/troubleshoot?q=y&z=1]]>"
                   "</Recommend></Error>");
  g_autoptr(VdVerifyResult) internal =
    parse_ok (500, "<Error>\n  <RequestId>E5</RequestId>\n  <Code>InternalError</Code>\n"
                   "  <Message>The request processing has failed due to some unknown error."
                   "</Message>\n</Error>\n");

  assert_gateway (bad_request, 400, "MissingFaceImageUrl",
                  "FaceImageUrl is mandatory for this action.");
  g_assert_cmpstr (bad_request->request_id, ==, "E4");
  g_assert_cmpstr (bad_request->host_id, ==, "cloudauth.aliyuncs.com");
  g_assert_cmpstr (bad_request->recommend, ==, "https://api.aliyun.com/troubleshoot?q=y&z=1");
  assert_gateway (internal, 500, "InternalError",
                  "The request processing has failed due to some unknown error.");
  g_assert_cmpstr (internal->request_id, ==, "E5");
}

static void
test_gateway_code_in_200 (void)
{
  g_autoptr(VdVerifyResult) flat =
    parse_ok (200, "{\"RequestId\":\"E6\",\"Code\":\"InvalidParameter\","
                   "\"Message\":\"The specified parameter \\\"BizType\\\" is not valid.\"}");
  g_autoptr(VdVerifyResult) wrapped =
    parse_ok (200, "{\"VerifyMaterials\":{\"Success\":\"false\",\"Code\":\"Throttling.User\","
                   "\"Message\":\"Request was denied due to user flow control.\","
                   "\"RequestId\":\"E7\"}}");

  assert_gateway (flat, 200, "InvalidParameter",
                  "The specified parameter \"BizType\" is not valid.");
  g_assert_cmpstr (flat->request_id, ==, "E6");
  assert_gateway (wrapped, 200, "Throttling.User", "Request was denied due to user flow control.");
  g_assert_cmpstr (wrapped->request_id, ==, "E7");
}

static void
test_success_false_wins_over_status (void)
{
  g_autoptr(VdVerifyResult) result =
    parse_ok (200, "{\"VerifyMaterials\":{\"Data\":{\"VerifyStatus\":\"1\"},"
                   "\"Success\":false,\"Code\":\"InternalError\",\"Message\":\"m\"}}");

  assert_gateway (result, 200, "InternalError", "m");
}

static void
test_http_error_with_code_is_never_verdict (void)
{
  g_autoptr(VdVerifyResult) result =
    parse_ok (502, "{\"VerifyStatus\":1,\"Code\":\"BadGateway\",\"Message\":\"upstream\"}");

  assert_gateway (result, 502, "BadGateway", "upstream");
}

static void
assert_identity (const VdVerifyResult *result,
                 guint                 http_status,
                 const char           *code)
{
  g_assert_cmpint (result->kind, ==, VD_ANSWER_IDENTITY_ERROR);
  g_assert_cmpuint (result->http_status, ==, http_status);
  g_assert_cmpstr (result->code, ==, code);
}

static void
test_identity_in_200_body (void)
{
  g_autoptr(VdVerifyResult) number =
    parse_ok (200, "{\"RequestId\":\"I1\",\"Code\":3101,"
                   "\"Message\":\"name not match with identity number.\"}");
  g_autoptr(VdVerifyResult) xml =
    parse_ok (200, "<VerifyMaterialsResponse><Code>3102</Code>"
                   "<Message>identity number not exist.</Message></VerifyMaterialsResponse>");

  assert_identity (number, 200, "3101");
  g_assert_cmpstr (number->message, ==, "name not match with identity number.");
  g_assert_cmpstr (number->request_id, ==, "I1");
  assert_identity (xml, 200, "3102");
  g_assert_cmpstr (xml->message, ==, "identity number not exist.");
}

static void
test_identity_wrapped_success_false (void)
{
  g_autoptr(VdVerifyResult) result =
    parse_ok (200, "{\"VerifyMaterials\":{\"Success\":\"false\",\"Code\":\"3102\","
                   "\"Message\":\"identity number not exist.\",\"RequestId\":\"I2\"}}");

  assert_identity (result, 200, "3102");
  g_assert_cmpstr (result->request_id, ==, "I2");
}

static void
test_identity_in_error_body (void)
{
  g_autoptr(VdVerifyResult) json =
    parse_ok (400, "{\"RequestId\":\"I3\",\"HostId\":\"h\",\"Code\":\" 3103 \","
                   "\"Message\":\"identity number invalid.\"}");
  g_autoptr(VdVerifyResult) xml =
    parse_ok (400, "<Error><Code>3101</Code><Message>name not match with identity number."
                   "</Message></Error>");

  assert_identity (json, 400, "3103");
  g_assert_cmpstr (json->message, ==, "identity number invalid.");
  g_assert_cmpstr (json->host_id, ==, "h");
  assert_identity (xml, 400, "3101");
}

/* --- malformed answers --- */

static void
test_empty (void)
{
  g_autofree char *empty = parse_fails_len (200, "", 0, VD_ANSWER_ERROR_EMPTY);
  g_autofree char *blank = parse_fails (200, " \t\r\n ", VD_ANSWER_ERROR_EMPTY);
  g_autofree char *http = parse_fails (500, "", VD_ANSWER_ERROR_EMPTY);
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (empty, ==, "The answer is empty: the service sent no result.");
  g_assert_cmpstr (blank, ==, empty);
  g_assert_cmpstr (http, ==, "The service answered HTTP 500 with an empty body.");

  g_assert_null (vd_answer_parse (200, NULL, 0, &error));
  g_assert_error (error, VD_ANSWER_ERROR, VD_ANSWER_ERROR_EMPTY);
}

static void
test_garbage (void)
{
  g_autofree char *message = parse_fails (200, "Hello\nworld", VD_ANSWER_ERROR_SYNTAX);

  g_assert_cmpstr (message, ==,
                   "The answer is neither JSON nor XML: it begins with \"Hello world\".");
}

static void
test_garbage_multibyte (void)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GString) expected =
    g_string_new ("The answer is neither JSON nor XML: it begins with \"");
  g_autofree char *message = NULL;

  /* 300 bytes: the quoted start is cut inside a character unless it is cut with care. */
  for (guint i = 0; i < 100; i++)
    g_string_append (body, "张");
  for (guint i = 0; i < 40; i++)
    g_string_append (expected, "张");
  g_string_append (expected, "…\".");

  message = parse_fails (200, body->str, VD_ANSWER_ERROR_SYNTAX);
  g_assert_cmpstr (message, ==, expected->str);
}

static void
test_truncated_json (void)
{
  gsize cut = strlen (seed_json) / 2;
  g_autofree char *message = parse_fails_len (200, seed_json, cut, VD_ANSWER_ERROR_SYNTAX);
  g_autofree char *other = parse_fails (200, "{\"VerifyStatus\":", VD_ANSWER_ERROR_SYNTAX);

  g_assert_true (g_str_has_prefix (message, "The answer is not valid JSON: "));
  g_assert_true (g_str_has_prefix (other, "The answer is not valid JSON: "));
}

/* Found by fuzz-answer-parser: json-glib quotes a string token in its message, cut after a
 * fixed number of bytes, here inside the last character of the address. The message is shown to
 * the operator and must stay valid UTF-8 (parse_fails checks it). */
static void
test_json_error_quotes_cut_character (void)
{
  g_autofree char *message =
    parse_fails (200, "{\"a\": \"浙江省杭州市余杭区文一西路96re\": \"97\"}",
                 VD_ANSWER_ERROR_SYNTAX);

  g_assert_true (g_str_has_prefix (message, "The answer is not valid JSON: "));
  g_assert_nonnull (strstr (message, "浙江省杭州市余杭区"));
}

static void
test_json_trailing_content (void)
{
  g_autofree char *second_object = parse_fails (200, "{\"VerifyStatus\":1} {}",
                                                VD_ANSWER_ERROR_SYNTAX);
  g_autofree char *garbage = parse_fails (200, "{\"VerifyStatus\":1}x", VD_ANSWER_ERROR_SYNTAX);
  g_autoptr(VdVerifyResult) trailing_space = parse_ok (200, "{\"S\":\"}\",\"VerifyStatus\":1}\n ");

  g_assert_cmpstr (second_object, ==,
                   "The answer is not valid JSON: something follows the end of the object.");
  g_assert_cmpstr (garbage, ==, second_object);
  g_assert_cmpint (trailing_space->verify_status, ==, 1);
}

/* Found by fuzz-answer-parser: a \\u escape without four hexadecimal digits, or with half a
 * UTF-16 surrogate pair, which json-glib 1.6.6 answers with an error and a leaked string buffer.
 * The parser refuses it first; a whole pair is a character like any other. */
static void
test_json_lone_surrogate (void)
{
  const char *lone[] = {
    "{\"Code\":\"+eclpe\\udCar\\udCd.\"}",         /* the fuzzer's input */
    "{\"Message\":\"\\ud800\"}",                     /* a high half at the end */
    "{\"Message\":\"\\ud800x\"}",                    /* … before a character */
    "{\"Message\":\"\\ud800\\u0041\"}",             /* … before another escape */
    "{\"Message\":\"\\ud800\\ud800\"}",             /* … before another high half */
    "{\"Message\":\"\\udc00\\ud800\"}",             /* a low half first */
    "{\"Message\":\"\\uDE00\"}",                     /* a low half alone, upper case */
    "{\"Message\":\"\\u12\"}",                       /* too few digits */
    "{\"Message\":\"\\u12g4\"}",                     /* not hexadecimal */
  };
  g_autoptr(VdVerifyResult) pair = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (lone); i++)
    {
      g_autofree char *message = parse_fails (200, lone[i], VD_ANSWER_ERROR_SYNTAX);

      g_assert_cmpstr (message, ==,
                       "The answer is not valid JSON: a \\u escape in a text is not a "
                       "character (not four hexadecimal digits, or half a UTF-16 surrogate "
                       "pair).");
    }

  /* A pair, a character, and a backslash before the letters "ud800", which are text. */
  pair = parse_ok (200, "{\"VerifyStatus\":1,\"Message\":\"\\ud83d\\ude00 \\u00e9 \\\\ud800\"}");
  g_assert_cmpint (pair->verify_status, ==, 1);
}

static void
test_truncated_xml (void)
{
  gsize cut = strlen (seed_xml) / 2;
  g_autofree char *message = parse_fails_len (200, seed_xml, cut, VD_ANSWER_ERROR_SYNTAX);
  g_autofree char *unclosed =
    parse_fails (200, "<VerifyMaterialResponse><VerifyStatus>1</VerifyStatus>",
                 VD_ANSWER_ERROR_SYNTAX);

  g_assert_true (g_str_has_prefix (message, "The answer is not valid XML: "));
  g_assert_true (g_str_has_prefix (unclosed, "The answer is not valid XML: "));
}

static void
test_invalid_utf8 (void)
{
  static const char latin1[] = "{\"VerifyStatus\":1,\"Material\":{\"IdCardName\":\"Jos\xE9\"}}";
  static const char with_nul[] = "{\"VerifyStatus\":1}\0{}";
  g_autofree char *message = parse_fails (200, latin1, VD_ANSWER_ERROR_ENCODING);
  g_autofree char *first_byte = parse_fails (200, "\xFF{\"VerifyStatus\":1}",
                                             VD_ANSWER_ERROR_ENCODING);
  g_autofree char *nul = parse_fails_len (200, with_nul, sizeof with_nul - 1,
                                          VD_ANSWER_ERROR_ENCODING);
  g_autofree char *http = parse_fails (502, "<p>\xC3</p>", VD_ANSWER_ERROR_ENCODING);

  g_autofree char *expected =
    g_strdup_printf ("The answer is not valid UTF-8 text (at byte %d).",
                     (int) (strchr (latin1, '\xE9') - latin1));

  g_assert_cmpstr (message, ==, expected);
  g_assert_cmpstr (first_byte, ==, "The answer is not valid UTF-8 text (at byte 0).");
  g_assert_cmpstr (nul, ==, "The answer contains a NUL byte, so it is not text.");
  g_assert_nonnull (strstr (http, "HTTP 502"));
}

static void
test_json_array (void)
{
  g_autofree char *message = parse_fails (200, "[{\"VerifyStatus\":1}]", VD_ANSWER_ERROR_SYNTAX);

  g_assert_true (g_str_has_prefix (message, "The answer is neither JSON nor XML"));
}

static void
test_status_missing (void)
{
  g_autofree char *flat = parse_fails (200, "{\"RequestId\":\"r\",\"VerifyToken\":\"t\"}",
                                       VD_ANSWER_ERROR_MISSING_FIELD);
  g_autofree char *wrapped =
    parse_fails (200, "{\"VerifyMaterials\":{\"Data\":{},\"Success\":\"true\",\"Code\":\"200\"}}",
                 VD_ANSWER_ERROR_MISSING_FIELD);
  g_autofree char *xml =
    parse_fails (200, "<VerifyMaterialsResponse><Data/><Success>true</Success><Code>200</Code>"
                      "</VerifyMaterialsResponse>", VD_ANSWER_ERROR_MISSING_FIELD);
  g_autofree char *null_status = parse_fails (200, "{\"VerifyStatus\":null}",
                                              VD_ANSWER_ERROR_MISSING_FIELD);
  g_autofree char *text_root = parse_fails (200, "<VerifyStatus>1</VerifyStatus>",
                                            VD_ANSWER_ERROR_MISSING_FIELD);

  g_assert_cmpstr (flat, ==, "The answer has no VerifyStatus: it is not a verification result.");
  g_assert_cmpstr (wrapped, ==, flat);
  g_assert_cmpstr (xml, ==, flat);
  g_assert_cmpstr (null_status, ==, flat);
  g_assert_cmpstr (text_root, ==, flat);
}

static void
test_success_false_without_code (void)
{
  g_autofree char *message =
    parse_fails (200, "{\"VerifyMaterials\":{\"Success\":false,\"Data\":{\"VerifyStatus\":1}}}",
                 VD_ANSWER_ERROR_MISSING_FIELD);

  g_assert_cmpstr (message, ==, "The answer says the call failed (Success is false) but gives no "
                                "error Code.");
}

static void
test_status_not_integer (void)
{
  const char *statuses[] = { "\"abc\"", "1.5", "\"1.5\"", "\"\"", "true", "\"0x1\"" };
  const char *quoted[] = { "abc", "1.5", "1.5", "", "true", "0x1" };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autofree char *json = flat_with_status (statuses[i]);
      g_autofree char *message = parse_fails (200, json, VD_ANSWER_ERROR_BAD_VALUE);
      g_autofree char *expected =
        g_strdup_printf ("The answer's VerifyStatus is \"%s\", which is not a whole number.",
                         quoted[i]);

      g_assert_cmpstr (message, ==, expected);
    }
}

static void
test_status_out_of_range (void)
{
  g_autofree char *json = flat_with_status ("99999999999");
  g_autofree char *message = parse_fails (200, json, VD_ANSWER_ERROR_BAD_VALUE);

  g_assert_cmpstr (message, ==, "The answer's VerifyStatus is \"99999999999\", which is out of "
                                "range.");
}

static void
test_status_structure (void)
{
  g_autofree char *object = parse_fails (200, "{\"VerifyStatus\":{\"a\":1}}",
                                         VD_ANSWER_ERROR_BAD_VALUE);
  g_autofree char *xml =
    parse_fails (200, "<R><VerifyStatus><X>1</X></VerifyStatus></R>", VD_ANSWER_ERROR_BAD_VALUE);

  g_assert_cmpstr (object, ==,
                   "The answer's VerifyStatus is a structure where a single value belongs.");
  g_assert_cmpstr (xml, ==, object);
}

static void
test_score_out_of_range (void)
{
  g_autofree char *high =
    parse_fails (200, "{\"VerifyStatus\":1,\"AuthorityComparisonScore\":\"250\"}",
                 VD_ANSWER_ERROR_BAD_VALUE);
  g_autofree char *negative =
    parse_fails (200, "{\"VerifyStatus\":1,\"AuthorityComparisionScore\":-1}",
                 VD_ANSWER_ERROR_BAD_VALUE);
  g_autofree char *card =
    parse_fails (200, "{\"VerifyStatus\":1,\"IdCardFaceComparisonScore\":100.5}",
                 VD_ANSWER_ERROR_BAD_VALUE);

  g_assert_cmpstr (high, ==, "The answer's AuthorityComparisonScore is \"250\", which is outside "
                             "0–100.");
  g_assert_cmpstr (negative, ==, "The answer's AuthorityComparisionScore is \"-1\", which is "
                                 "outside 0–100.");
  g_assert_cmpstr (card, ==, "The answer's IdCardFaceComparisonScore is \"100.5\", which is "
                             "outside 0–100.");
}

static void
test_score_not_a_number (void)
{
  const char *scores[] = { "\"NaN\"", "\"inf\"", "\"abc\"", "true", "\"0x10\"", "\"9 7\"" };
  const char *quoted[] = { "NaN", "inf", "abc", "true", "0x10", "9 7" };

  for (guint i = 0; i < G_N_ELEMENTS (scores); i++)
    {
      g_autofree char *json =
        g_strdup_printf ("{\"VerifyStatus\":1,\"AuthorityComparisonScore\":%s}", scores[i]);
      g_autofree char *message = parse_fails (200, json, VD_ANSWER_ERROR_BAD_VALUE);
      g_autofree char *expected =
        g_strdup_printf ("The answer's AuthorityComparisonScore is \"%s\", which is not a number.",
                         quoted[i]);

      g_assert_cmpstr (message, ==, expected);
    }
}

static void
test_quoted_value_truncated (void)
{
  g_autofree char *message =
    parse_fails (200, "{\"VerifyStatus\":\"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ\"}",
                 VD_ANSWER_ERROR_BAD_VALUE);

  g_assert_cmpstr (message, ==, "The answer's VerifyStatus is \"abcdefghijklmnopqrstuvwxyz"
                                "0123456789ABCD…\", which is not a whole number.");
}

static void
test_material_not_object (void)
{
  g_autofree char *material = parse_fails (200, "{\"VerifyStatus\":1,\"Material\":\"x\"}",
                                           VD_ANSWER_ERROR_BAD_VALUE);
  g_autofree char *info =
    parse_fails (200, "{\"VerifyStatus\":1,\"Material\":{\"IdCardInfo\":[1]}}",
                 VD_ANSWER_ERROR_BAD_VALUE);
  g_autofree char *field =
    parse_fails (200, "{\"VerifyStatus\":1,\"Material\":{\"IdCardInfo\":{\"Name\":[\"a\"]}}}",
                 VD_ANSWER_ERROR_BAD_VALUE);

  g_assert_cmpstr (material, ==, "The answer's Material is not a structure of fields.");
  g_assert_cmpstr (info, ==, "The answer's Material.IdCardInfo is not a structure of fields.");
  g_assert_cmpstr (field, ==,
                   "The answer's IdCardInfo.Name is a structure where a single value belongs.");
}

static char *
nested_json (guint depth)
{
  GString *json = g_string_new (NULL);

  for (guint i = 0; i < depth - 1; i++)
    g_string_append (json, "{\"a\":");
  g_string_append (json, "{\"s\":\"{[{[\"}");
  for (guint i = 0; i < depth - 1; i++)
    g_string_append_c (json, '}');

  return g_string_free (json, FALSE);
}

static char *
nested_xml (guint depth)
{
  GString *xml = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (xml, "<a>");
  for (guint i = 0; i < depth; i++)
    g_string_append (xml, "</a>");

  return g_string_free (xml, FALSE);
}

static void
test_deep_nesting (void)
{
  g_autofree char *json_limit = nested_json (32);
  g_autofree char *json_over = nested_json (33);
  g_autofree char *xml_limit = nested_xml (32);
  g_autofree char *xml_over = nested_xml (33);
  g_autofree char *huge = nested_xml (100000);
  g_autofree char *json_message = NULL;
  g_autofree char *xml_message = NULL;
  g_autofree char *huge_message = NULL;
  g_autofree char *limit_message = NULL;
  g_autofree char *xml_limit_message = NULL;

  /* At the limit the document is read (and is no result); one level more is refused. */
  limit_message = parse_fails (200, json_limit, VD_ANSWER_ERROR_MISSING_FIELD);
  xml_limit_message = parse_fails (200, xml_limit, VD_ANSWER_ERROR_MISSING_FIELD);
  json_message = parse_fails (200, json_over, VD_ANSWER_ERROR_SYNTAX);
  xml_message = parse_fails (200, xml_over, VD_ANSWER_ERROR_SYNTAX);
  huge_message = parse_fails (200, huge, VD_ANSWER_ERROR_SYNTAX);

  g_assert_cmpstr (json_message, ==,
                   "The answer nests deeper than 32 levels, which no Cloudauth answer does.");
  g_assert_cmpstr (xml_message, ==, json_message);
  g_assert_cmpstr (huge_message, ==, json_message);
}

static void
test_too_many_elements (void)
{
  g_autoptr(GString) xml = g_string_new ("<VerifyMaterialResponse>");
  g_autofree char *message = NULL;

  for (guint i = 0; i < 10000; i++)
    g_string_append (xml, "<X>1</X>");
  g_string_append (xml, "<VerifyStatus>1</VerifyStatus></VerifyMaterialResponse>");

  message = parse_fails (200, xml->str, VD_ANSWER_ERROR_SYNTAX);
  g_assert_cmpstr (message, ==, "The answer has more than 10000 XML elements, which no Cloudauth "
                                "answer has.");
}

static void
test_element_count_at_limit (void)
{
  g_autoptr(GString) xml = g_string_new ("<VerifyMaterialResponse>");
  g_autoptr(VdVerifyResult) result = NULL;

  /* The root, 9998 fillers and the status: exactly 10000 elements. */
  for (guint i = 0; i < 9998; i++)
    g_string_append (xml, "<X>1</X>");
  g_string_append (xml, "<VerifyStatus>3</VerifyStatus></VerifyMaterialResponse>");

  result = parse_ok (200, xml->str);
  g_assert_cmpint (result->verify_status, ==, 3);
}

static void
test_doctype_refused (void)
{
  g_autofree char *message =
    parse_fails (200, "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY e \"1\">]>"
                      "<r><VerifyStatus>&e;</VerifyStatus></r>", VD_ANSWER_ERROR_SYNTAX);
  g_autofree char *unknown_entity =
    parse_fails (200, "<r><VerifyStatus>&nbsp;1</VerifyStatus></r>", VD_ANSWER_ERROR_SYNTAX);

  g_assert_cmpstr (message, ==,
                   "The answer's XML declares a document type, which no Cloudauth answer does.");
  g_assert_true (g_str_has_prefix (unknown_entity, "The answer is not valid XML: "));
}

static void
test_two_roots (void)
{
  g_autofree char *message =
    parse_fails (200, "<a><VerifyStatus>1</VerifyStatus></a><b/>", VD_ANSWER_ERROR_SYNTAX);

  g_assert_cmpstr (message, ==, "The answer's XML has more than one root element.");
}

static void
test_xml_without_element (void)
{
  g_autofree char *message =
    parse_fails (200, "<?xml version='1.0' encoding='UTF-8'?>\n<!-- nothing -->\n",
                 VD_ANSWER_ERROR_SYNTAX);

  g_assert_cmpstr (message, ==, "The answer's XML has no element, only a declaration or comments.");
}

static void
test_html_error_page (void)
{
  g_autofree char *doctype =
    parse_fails (500, "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title>"
                      "</head><body><h1>Internal Server Error</h1></body></html>\n",
                 VD_ANSWER_ERROR_SYNTAX);
  g_autofree char *well_formed =
    parse_fails (502, "<html><body><h1>502 Bad Gateway</h1><hr/><center>nginx</center>"
                      "</body></html>", VD_ANSWER_ERROR_SYNTAX);
  g_autofree char *sloppy =
    parse_fails (503, "<html><body><p>Service Unavailable<br></body></html>",
                 VD_ANSWER_ERROR_SYNTAX);
  g_autofree char *text = parse_fails (504, "Gateway Timeout", VD_ANSWER_ERROR_SYNTAX);

  g_assert_true (g_str_has_prefix (doctype, "The service answered HTTP 500, and its body is not "
                                            "an error report. "));
  g_assert_cmpstr (well_formed, ==, "The service answered HTTP 502 without an error code, so "
                                    "its body is not an error report.");
  g_assert_true (g_str_has_prefix (sloppy, "The service answered HTTP 503"));
  g_assert_cmpstr (text, ==, "The service answered HTTP 504, and its body is not an error "
                             "report. The answer is neither JSON nor XML: it begins with "
                             "\"Gateway Timeout\".");
}

static void
test_http_error_without_code (void)
{
  g_autofree char *message =
    parse_fails (502, "{\"VerifyStatus\":1,\"Message\":\"no code\"}", VD_ANSWER_ERROR_SYNTAX);

  g_assert_cmpstr (message, ==, "The service answered HTTP 502 without an error code, so its "
                                "body is not an error report.");
}

/* Every prefix of a real answer is either a result or an error, never a crash or a read past
 * the end (this is what valgrind watches). */
static void
test_every_prefix (void)
{
  const char *documents[] = { seed_xml, seed_json, real_flat_json };

  for (guint d = 0; d < G_N_ELEMENTS (documents); d++)
    {
      gsize length = strlen (documents[d]);

      for (gsize cut = 0; cut < length; cut++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(VdVerifyResult) result = parse_text (200, documents[d], cut, &error);

          g_assert_true ((result == NULL) != (error == NULL));
          if (result != NULL)
            g_assert_cmpint (result->kind, ==, VD_ANSWER_VERDICT);
          else
            g_assert_true (error->domain == VD_ANSWER_ERROR);
        }
    }
}

/* --- the result type --- */

static void
test_result_refcount (void)
{
  VdVerifyResult *result = vd_verify_result_new (VD_ANSWER_GATEWAY_ERROR);
  VdVerifyResult *copy;

  result->code = g_strdup ("X");
  result->id_card = vd_id_card_info_new ();
  result->id_card->name = g_strdup ("n");

  g_assert_cmpint (result->kind, ==, VD_ANSWER_GATEWAY_ERROR);
  g_assert_true (vd_verify_result_ref (result) == result);
  copy = g_boxed_copy (VD_TYPE_VERIFY_RESULT, result);
  g_assert_true (copy == result);

  vd_verify_result_unref (result);
  g_boxed_free (VD_TYPE_VERIFY_RESULT, copy);
  g_assert_cmpstr (result->code, ==, "X");
  vd_verify_result_unref (result);
  vd_id_card_info_free (NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/answer-parser/seed-xml", test_seed_xml);
  g_test_add_func ("/answer-parser/seed-json", test_seed_json);
  g_test_add_func ("/answer-parser/real-flat", test_real_flat);
  g_test_add_func ("/answer-parser/score-seed-spelling", test_score_seed_spelling);
  g_test_add_func ("/answer-parser/score-real-spelling", test_score_real_spelling);
  g_test_add_func ("/answer-parser/score-absent", test_score_absent);
  g_test_add_func ("/answer-parser/score-bounds-accepted", test_score_bounds_accepted);
  g_test_add_func ("/answer-parser/numbers-as-strings", test_numbers_as_strings);
  g_test_add_func ("/answer-parser/numbers-as-numbers", test_numbers_as_numbers);
  g_test_add_func ("/answer-parser/unknown-status-is-verdict", test_unknown_status_is_verdict);
  g_test_add_func ("/answer-parser/wrapped-singular-without-data",
                   test_wrapped_singular_without_data);
  g_test_add_func ("/answer-parser/request-id-from-wrapper", test_request_id_from_wrapper);
  g_test_add_func ("/answer-parser/xml-without-data", test_xml_without_data);
  g_test_add_func ("/answer-parser/xml-cdata-and-entities", test_xml_cdata_and_entities);
  g_test_add_func ("/answer-parser/end-date-no-expiry", test_end_date_no_expiry);
  g_test_add_func ("/answer-parser/dates-normalised-or-kept", test_dates_normalised_or_kept);
  g_test_add_func ("/answer-parser/empty-material-is-absent", test_empty_material_is_absent);
  g_test_add_func ("/answer-parser/bom-and-whitespace", test_bom_and_whitespace);
  g_test_add_func ("/answer-parser/long-strings-truncated", test_long_strings_truncated);
  g_test_add_func ("/answer-parser/gateway-json-400", test_gateway_json_400);
  g_test_add_func ("/answer-parser/gateway-json-other-statuses", test_gateway_json_other_statuses);
  g_test_add_func ("/answer-parser/gateway-xml", test_gateway_xml);
  g_test_add_func ("/answer-parser/gateway-code-in-200", test_gateway_code_in_200);
  g_test_add_func ("/answer-parser/success-false-wins-over-status",
                   test_success_false_wins_over_status);
  g_test_add_func ("/answer-parser/http-error-with-code-is-never-verdict",
                   test_http_error_with_code_is_never_verdict);
  g_test_add_func ("/answer-parser/identity-in-200-body", test_identity_in_200_body);
  g_test_add_func ("/answer-parser/identity-wrapped-success-false",
                   test_identity_wrapped_success_false);
  g_test_add_func ("/answer-parser/identity-in-error-body", test_identity_in_error_body);
  g_test_add_func ("/answer-parser/empty", test_empty);
  g_test_add_func ("/answer-parser/garbage", test_garbage);
  g_test_add_func ("/answer-parser/garbage-multibyte", test_garbage_multibyte);
  g_test_add_func ("/answer-parser/truncated-json", test_truncated_json);
  g_test_add_func ("/answer-parser/json-error-quotes-cut-character",
                   test_json_error_quotes_cut_character);
  g_test_add_func ("/answer-parser/json-trailing-content", test_json_trailing_content);
  g_test_add_func ("/answer-parser/json-lone-surrogate", test_json_lone_surrogate);
  g_test_add_func ("/answer-parser/truncated-xml", test_truncated_xml);
  g_test_add_func ("/answer-parser/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/answer-parser/json-array", test_json_array);
  g_test_add_func ("/answer-parser/status-missing", test_status_missing);
  g_test_add_func ("/answer-parser/success-false-without-code", test_success_false_without_code);
  g_test_add_func ("/answer-parser/status-not-integer", test_status_not_integer);
  g_test_add_func ("/answer-parser/status-out-of-range", test_status_out_of_range);
  g_test_add_func ("/answer-parser/status-structure", test_status_structure);
  g_test_add_func ("/answer-parser/score-out-of-range", test_score_out_of_range);
  g_test_add_func ("/answer-parser/score-not-a-number", test_score_not_a_number);
  g_test_add_func ("/answer-parser/quoted-value-truncated", test_quoted_value_truncated);
  g_test_add_func ("/answer-parser/material-not-object", test_material_not_object);
  g_test_add_func ("/answer-parser/deep-nesting", test_deep_nesting);
  g_test_add_func ("/answer-parser/too-many-elements", test_too_many_elements);
  g_test_add_func ("/answer-parser/element-count-at-limit", test_element_count_at_limit);
  g_test_add_func ("/answer-parser/doctype-refused", test_doctype_refused);
  g_test_add_func ("/answer-parser/two-roots", test_two_roots);
  g_test_add_func ("/answer-parser/xml-without-element", test_xml_without_element);
  g_test_add_func ("/answer-parser/html-error-page", test_html_error_page);
  g_test_add_func ("/answer-parser/http-error-without-code", test_http_error_without_code);
  g_test_add_func ("/answer-parser/every-prefix", test_every_prefix);
  g_test_add_func ("/answer-parser/result-refcount", test_result_refcount);

  return g_test_run ();
}
