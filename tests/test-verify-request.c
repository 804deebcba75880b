#include "config.h"

#include <string.h>

#include "vd-verify-request.h"
#include "vd-test-util.h"

/* A request every check accepts; each test spoils one field. */
static VdVerifyRequest *
valid_request (void)
{
  VdVerifyRequest *request = vd_verify_request_new_task (NULL);

  request->name = g_strdup ("张三");
  request->id_number = g_strdup ("11010519491231002X");
  request->face_url = g_strdup ("https://oss.example.com/face.jpg");
  return request;
}

static void
assert_refused (VdVerifyRequest *request,
                VdRequestError   code,
                const char      *message)
{
  g_autoptr(GDateTime) today = vd_test_today ();
  g_autoptr(GError) error = NULL;

  g_assert_false (vd_verify_request_validate (request, today, &error));
  g_assert_error (error, VD_REQUEST_ERROR, (int) code);
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
}

static void
assert_accepted (VdVerifyRequest *request)
{
  g_autoptr(GDateTime) today = vd_test_today ();
  g_autoptr(GError) error = NULL;

  g_assert_true (vd_verify_request_validate (request, today, &error));
  g_assert_no_error (error);
}

static void
test_new_task_defaults (void)
{
  g_autoptr(VdVerifyRequest) request = vd_verify_request_new_task (NULL);

  g_assert_cmpstr (request->biz_type, ==, VD_DEFAULT_BIZ_TYPE);
  g_assert_cmpstr (request->region_id, ==, "cn-hangzhou");
  g_assert_true (g_uuid_string_is_valid (request->biz_id));
  g_assert_null (request->name);
  g_assert_null (request->id_number);
  g_assert_null (request->face_url);
  g_assert_null (request->front_url);
  g_assert_null (request->back_url);
  g_assert_null (request->user_id);
}

static void
test_new_task_biz_type (void)
{
  g_autoptr(VdVerifyRequest) request = vd_verify_request_new_task ("BranchCounter_1");

  g_assert_cmpstr (request->biz_type, ==, "BranchCounter_1");
}

static void
test_new_task_distinct_biz_ids (void)
{
  g_autoptr(VdVerifyRequest) first = vd_verify_request_new_task (NULL);
  g_autoptr(VdVerifyRequest) second = vd_verify_request_new_task (NULL);
  g_autofree char *third = vd_biz_id_new ();

  g_assert_true (g_uuid_string_is_valid (second->biz_id));
  g_assert_true (g_uuid_string_is_valid (third));
  g_assert_cmpstr (first->biz_id, !=, second->biz_id);
  g_assert_cmpstr (first->biz_id, !=, third);
  g_assert_cmpstr (second->biz_id, !=, third);
}

static void
test_copy_keeps_everything (void)
{
  g_autoptr(VdVerifyRequest) request = valid_request ();
  g_autoptr(VdVerifyRequest) copy = NULL;

  request->user_id = g_strdup ("u-42");
  request->front_url = g_strdup ("https://oss.example.com/front.jpg");
  request->back_url = g_strdup ("https://oss.example.com/back.jpg");
  copy = vd_verify_request_copy (request);

  g_assert_true (copy->biz_id != request->biz_id);
  g_assert_cmpstr (copy->biz_id, ==, request->biz_id);
  g_assert_cmpstr (copy->biz_type, ==, request->biz_type);
  g_assert_cmpstr (copy->region_id, ==, request->region_id);
  g_assert_cmpstr (copy->user_id, ==, "u-42");
  g_assert_cmpstr (copy->name, ==, "张三");
  g_assert_cmpstr (copy->id_number, ==, "11010519491231002X");
  g_assert_cmpstr (copy->face_url, ==, request->face_url);
  g_assert_cmpstr (copy->front_url, ==, request->front_url);
  g_assert_cmpstr (copy->back_url, ==, request->back_url);
}

static void
test_boxed_type (void)
{
  g_autoptr(VdVerifyRequest) request = valid_request ();
  VdVerifyRequest *copy;

  g_assert_true (G_TYPE_IS_BOXED (VD_TYPE_VERIFY_REQUEST));
  copy = g_boxed_copy (VD_TYPE_VERIFY_REQUEST, request);
  g_assert_cmpstr (copy->biz_id, ==, request->biz_id);
  g_boxed_free (VD_TYPE_VERIFY_REQUEST, copy);
}

static void
test_valid_request (void)
{
  g_autoptr(VdVerifyRequest) request = valid_request ();

  request->front_url = g_strdup ("http://oss.example.com/front.jpg");
  request->back_url = g_strdup ("http://oss.example.com/back.jpg");
  request->user_id = g_strdup ("customer-0042");
  assert_accepted (request);
}

static void
test_fields_trimmed_and_number_normalised (void)
{
  g_autoptr(VdVerifyRequest) request = vd_verify_request_new_task (" RPMinTest ");

  request->name = g_strdup ("\xe3\x80\x80张三 ");
  request->id_number = g_strdup (" 110105 19491231 002x\t");
  request->face_url = g_strdup ("  https://oss.example.com/face.jpg\n");
  request->user_id = g_strdup (" u-1 ");
  assert_accepted (request);

  g_assert_cmpstr (request->name, ==, "张三");
  g_assert_cmpstr (request->id_number, ==, "11010519491231002X");
  g_assert_cmpstr (request->face_url, ==, "https://oss.example.com/face.jpg");
  g_assert_cmpstr (request->user_id, ==, "u-1");
  g_assert_cmpstr (request->biz_type, ==, "RPMinTest");
}

static void
test_name (void)
{
  g_autoptr(VdVerifyRequest) request = valid_request ();
  g_autofree char *long_name = NULL;
  GString *name = g_string_new (NULL);

  g_clear_pointer (&request->name, g_free);
  assert_refused (request, VD_REQUEST_ERROR_NAME,
                  "Name is empty: type the customer's name as it is printed on the ID card.");

  request->name = g_strdup (" \t ");
  assert_refused (request, VD_REQUEST_ERROR_NAME,
                  "Name is empty: type the customer's name as it is printed on the ID card.");

  for (guint i = 0; i < 64; i++)
    g_string_append (name, "张");
  g_free (request->name);
  request->name = g_strdup (name->str);
  assert_accepted (request);

  g_string_append (name, "三");
  long_name = g_string_free (name, FALSE);
  g_free (request->name);
  request->name = g_strdup (long_name);
  assert_refused (request, VD_REQUEST_ERROR_NAME,
                  "Name is too long: 65 characters, but at most 64 are allowed.");
}

static void
test_name_control_and_bytes (void)
{
  g_autoptr(VdVerifyRequest) request = valid_request ();

  g_free (request->name);
  request->name = g_strdup ("张\x07三");
  assert_refused (request, VD_REQUEST_ERROR_NAME,
                  "Name contains an invisible control character: type it again.");

  g_free (request->name);
  request->name = g_strdup ("张\xff三");
  assert_refused (request, VD_REQUEST_ERROR_NAME, "Name is not valid text: type it again.");
}

static void
test_id_number (void)
{
  g_autoptr(VdVerifyRequest) request = valid_request ();

  g_free (request->id_number);
  request->id_number = g_strdup ("110105194912310023");
  assert_refused (request, VD_REQUEST_ERROR_ID_NUMBER,
                  "The ID number should end in X, not 3: one of its digits is probably "
                  "mistyped.");

  g_clear_pointer (&request->id_number, g_free);
  assert_refused (request, VD_REQUEST_ERROR_ID_NUMBER,
                  "The ID number is empty: type the 18 characters from the card.");
}

static void
test_face_url (void)
{
  g_autoptr(VdVerifyRequest) request = valid_request ();

  g_clear_pointer (&request->face_url, g_free);
  assert_refused (request, VD_REQUEST_ERROR_FACE_URL,
                  "Face photo URL is empty: upload the photo and paste its http:// or https:// "
                  "address.");

  request->face_url = g_strdup ("/home/clerk/face.jpg");
  assert_refused (request, VD_REQUEST_ERROR_FACE_URL,
                  "Face photo URL: upload the photo first: the service fetches images from the "
                  "internet, not from this computer");
}

static void
test_front_and_back_urls (void)
{
  g_autoptr(VdVerifyRequest) request = valid_request ();

  request->front_url = g_strdup ("");
  request->back_url = g_strdup ("  ");
  assert_accepted (request);

  g_free (request->front_url);
  request->front_url = g_strdup ("ftp://oss.example.com/front.jpg");
  assert_refused (request, VD_REQUEST_ERROR_FRONT_URL,
                  "ID card front URL starts with “ftp:”, but the service fetches images only "
                  "from http:// or https:// addresses.");

  g_free (request->front_url);
  request->front_url = g_strdup ("https://oss.example.com/front.jpg");
  g_free (request->back_url);
  request->back_url = g_strdup ("C:\\Photos\\back.jpg");
  assert_refused (request, VD_REQUEST_ERROR_BACK_URL,
                  "ID card back URL: upload the photo first: the service fetches images from "
                  "the internet, not from this computer");
}

static void
test_user_id (void)
{
  g_autoptr(VdVerifyRequest) request = valid_request ();

  request->user_id = g_strdup ("");
  assert_accepted (request);

  g_free (request->user_id);
  request->user_id = g_strnfill (65, 'u');
  assert_refused (request, VD_REQUEST_ERROR_USER_ID,
                  "Customer user ID is too long: 65 characters, but at most 64 are allowed.");

  g_free (request->user_id);
  request->user_id = g_strdup ("u\n1");
  assert_refused (request, VD_REQUEST_ERROR_USER_ID,
                  "Customer user ID contains an invisible control character: type it again.");
}

static void
test_biz_type (void)
{
  g_autoptr(VdVerifyRequest) request = valid_request ();

  g_free (request->biz_type);
  request->biz_type = g_strdup ("");
  assert_refused (request, VD_REQUEST_ERROR_BIZ_TYPE,
                  "BizType is empty: type the scenario ID created in the Cloudauth console.");

  g_free (request->biz_type);
  request->biz_type = g_strdup ("RP Min");
  assert_refused (request, VD_REQUEST_ERROR_BIZ_TYPE,
                  "BizType may contain only the letters A to Z, digits, “_” and “-”, not “ ”: "
                  "copy the scenario ID from the Cloudauth console.");

  g_free (request->biz_type);
  request->biz_type = g_strdup ("场景");
  assert_refused (request, VD_REQUEST_ERROR_BIZ_TYPE,
                  "BizType may contain only the letters A to Z, digits, “_” and “-”, not “场”: "
                  "copy the scenario ID from the Cloudauth console.");

  g_free (request->biz_type);
  request->biz_type = g_strnfill (65, 'B');
  assert_refused (request, VD_REQUEST_ERROR_BIZ_TYPE,
                  "BizType is too long: 65 characters, but at most 64 are allowed.");

  g_free (request->biz_type);
  request->biz_type = g_strdup ("Branch_Counter-2");
  assert_accepted (request);
}

static void
test_biz_id_length (void)
{
  g_autoptr(VdVerifyRequest) request = valid_request ();

  g_free (request->biz_id);
  request->biz_id = g_strnfill (VD_BIZ_ID_MAX_LENGTH, 'a');
  assert_accepted (request);

  g_free (request->biz_id);
  request->biz_id = g_strnfill (VD_BIZ_ID_MAX_LENGTH + 1, 'a');
  assert_refused (request, VD_REQUEST_ERROR_BIZ_ID,
                  "BizId is too long: 65 characters, but at most 64 are allowed.");

  g_free (request->biz_id);
  request->biz_id = g_strdup ("");
  assert_refused (request, VD_REQUEST_ERROR_BIZ_ID, "BizId is empty: start a new task to get one.");
}

static void
test_form_order (void)
{
  g_autoptr(VdVerifyRequest) request = valid_request ();

  /* Every field wrong: the first in the form is reported, then the next once it is fixed. */
  g_free (request->name);
  request->name = g_strdup ("");
  g_free (request->id_number);
  request->id_number = g_strdup ("1");
  g_free (request->face_url);
  request->face_url = g_strdup ("/tmp/x.jpg");
  request->front_url = g_strdup ("/tmp/front.jpg");
  request->back_url = g_strdup ("/tmp/back.jpg");
  request->user_id = g_strnfill (65, 'u');
  g_free (request->biz_type);
  request->biz_type = g_strdup ("");
  g_free (request->biz_id);
  request->biz_id = g_strdup ("");

  assert_refused (request, VD_REQUEST_ERROR_NAME, NULL);
  g_free (request->name);
  request->name = g_strdup ("张三");
  assert_refused (request, VD_REQUEST_ERROR_ID_NUMBER, NULL);
  g_free (request->id_number);
  request->id_number = g_strdup ("11010519491231002X");
  assert_refused (request, VD_REQUEST_ERROR_FACE_URL, NULL);
  g_free (request->face_url);
  request->face_url = g_strdup ("https://oss.example.com/face.jpg");
  assert_refused (request, VD_REQUEST_ERROR_FRONT_URL, NULL);
  g_clear_pointer (&request->front_url, g_free);
  assert_refused (request, VD_REQUEST_ERROR_BACK_URL, NULL);
  g_clear_pointer (&request->back_url, g_free);
  assert_refused (request, VD_REQUEST_ERROR_USER_ID, NULL);
  g_clear_pointer (&request->user_id, g_free);
  assert_refused (request, VD_REQUEST_ERROR_BIZ_TYPE, NULL);
  g_free (request->biz_type);
  request->biz_type = g_strdup ("RPMinTest");
  assert_refused (request, VD_REQUEST_ERROR_BIZ_ID, NULL);
  g_free (request->biz_id);
  request->biz_id = vd_biz_id_new ();
  assert_accepted (request);
}

static void
assert_url_refused (const char *url,
                    const char *message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (vd_image_url_check (url, "Face photo URL", &error));
  g_assert_error (error, VD_REQUEST_ERROR, VD_REQUEST_ERROR_FACE_URL);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_url_web_addresses (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vd_image_url_check ("http://image-demo.img-cn-hangzhou.aliyuncs.com/example.jpg",
                                     "Face photo URL", &error));
  g_assert_no_error (error);
  g_assert_true (vd_image_url_check ("https://oss.example.com/a/b/face.jpg?Expires=1&Sig=x%2B",
                                     "Face photo URL", &error));
  g_assert_true (vd_image_url_check ("HTTPS://OSS.EXAMPLE.COM/face.jpg", "Face photo URL",
                                     &error));
  g_assert_true (vd_image_url_check ("https://oss.example.com/照片.jpg", "Face photo URL",
                                     &error));
  g_assert_no_error (error);
}

static void
test_url_local_paths (void)
{
  const char *paths[] = {
    "/tmp/x.jpg", "C:\\x.jpg", "c:/photos/x.jpg", "file:///x", "FILE:///home/x.jpg",
    "~/Pictures/x.jpg", "\\\\server\\share\\x.jpg",
  };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    assert_url_refused (paths[i], "Face photo URL: upload the photo first: the service fetches "
                                  "images from the internet, not from this computer");
}

static void
test_url_other_schemes (void)
{
  assert_url_refused ("ftp://oss.example.com/x.jpg",
                      "Face photo URL starts with “ftp:”, but the service fetches images only "
                      "from http:// or https:// addresses.");
  assert_url_refused ("data:image/jpeg;base64,AAAA",
                      "Face photo URL starts with “data:”, but the service fetches images only "
                      "from http:// or https:// addresses.");
}

static void
test_url_garbage (void)
{
  assert_url_refused ("", "Face photo URL is empty: upload the photo and paste its http:// or "
                          "https:// address.");
  assert_url_refused (NULL, "Face photo URL is empty: upload the photo and paste its http:// "
                            "or https:// address.");
  assert_url_refused ("oss.example.com/x.jpg",
                      "Face photo URL is not a web address: it must start with http:// or "
                      "https://.");
  assert_url_refused ("https://oss.example.com/a b.jpg",
                      "Face photo URL contains a space or an invisible character: copy the "
                      "photo's address again.");
  assert_url_refused ("https://oss.example.com/\x01.jpg",
                      "Face photo URL contains a space or an invisible character: copy the "
                      "photo's address again.");
  assert_url_refused ("https://oss.example.com/\xff.jpg",
                      "Face photo URL is not valid text: copy the photo's address again.");
}

static void
test_url_not_parsable (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (vd_image_url_check ("https://oss.example.com/%zz.jpg", "Face photo URL",
                                      &error));
  g_assert_error (error, VD_REQUEST_ERROR, VD_REQUEST_ERROR_FACE_URL);
  g_assert_true (g_str_has_prefix (error->message, "Face photo URL is not a valid web address ("));
  g_assert_true (g_str_has_suffix (error->message, "): copy the photo's address again."));
}

static void
test_url_no_host (void)
{
  const char *urls[] = { "http:///x.jpg", "http://", "https:x.jpg" };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    assert_url_refused (urls[i], "Face photo URL has no server name: it must look like "
                                 "https://example.com/photo.jpg.");
}

static void
test_url_length (void)
{
  const char *prefix = "https://oss.example.com/";
  g_autofree char *padding = g_strnfill (2048 - strlen (prefix), 'a');
  g_autofree char *longest = g_strconcat (prefix, padding, NULL);
  g_autofree char *too_long = g_strconcat (longest, "a", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (vd_image_url_check (longest, "Face photo URL", &error));
  g_assert_no_error (error);
  assert_url_refused (too_long, "Face photo URL is too long: 2049 characters, but at most 2048 "
                                "are allowed. Use a shorter link to the photo.");
}

static void
test_to_params (void)
{
  g_autoptr(VdVerifyRequest) request = valid_request ();
  g_autoptr(VdParams) params = NULL;

  request->user_id = g_strdup ("54sdj");
  request->front_url = g_strdup ("https://oss.example.com/front.jpg");
  request->back_url = g_strdup ("https://oss.example.com/back.jpg");
  params = vd_verify_request_to_params (request);

  g_assert_cmpuint (vd_params_get_length (params), ==, 9);
  g_assert_cmpstr (vd_params_get (params, "RegionId"), ==, "cn-hangzhou");
  g_assert_cmpstr (vd_params_get (params, "BizType"), ==, "RPMinTest");
  g_assert_cmpstr (vd_params_get (params, "BizId"), ==, request->biz_id);
  g_assert_cmpstr (vd_params_get (params, "UserId"), ==, "54sdj");
  g_assert_cmpstr (vd_params_get (params, "Name"), ==, "张三");
  g_assert_cmpstr (vd_params_get (params, "IdCardNumber"), ==, "11010519491231002X");
  g_assert_cmpstr (vd_params_get (params, "FaceImageUrl"), ==, "https://oss.example.com/face.jpg");
  g_assert_cmpstr (vd_params_get (params, "IdCardFrontImageUrl"), ==,
                   "https://oss.example.com/front.jpg");
  g_assert_cmpstr (vd_params_get (params, "IdCardBackImageUrl"), ==,
                   "https://oss.example.com/back.jpg");
  /* Business parameters only: the client adds Action, Version and the signature's. */
  g_assert_null (vd_params_get (params, "Action"));
}

static void
test_to_params_leaves_out_empty_optionals (void)
{
  g_autoptr(VdVerifyRequest) request = valid_request ();
  g_autoptr(VdParams) params = NULL;

  request->user_id = g_strdup ("");
  params = vd_verify_request_to_params (request);

  g_assert_cmpuint (vd_params_get_length (params), ==, 6);
  g_assert_null (vd_params_get (params, "UserId"));
  g_assert_null (vd_params_get (params, "IdCardFrontImageUrl"));
  g_assert_null (vd_params_get (params, "IdCardBackImageUrl"));
  g_assert_cmpstr (vd_params_get (params, "Name"), ==, "张三");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/verify-request/new-task/defaults", test_new_task_defaults);
  g_test_add_func ("/verify-request/new-task/biz-type", test_new_task_biz_type);
  g_test_add_func ("/verify-request/new-task/distinct", test_new_task_distinct_biz_ids);
  g_test_add_func ("/verify-request/copy", test_copy_keeps_everything);
  g_test_add_func ("/verify-request/boxed", test_boxed_type);
  g_test_add_func ("/verify-request/validate/valid", test_valid_request);
  g_test_add_func ("/verify-request/validate/trim", test_fields_trimmed_and_number_normalised);
  g_test_add_func ("/verify-request/validate/name", test_name);
  g_test_add_func ("/verify-request/validate/name-bytes", test_name_control_and_bytes);
  g_test_add_func ("/verify-request/validate/id-number", test_id_number);
  g_test_add_func ("/verify-request/validate/face-url", test_face_url);
  g_test_add_func ("/verify-request/validate/card-urls", test_front_and_back_urls);
  g_test_add_func ("/verify-request/validate/user-id", test_user_id);
  g_test_add_func ("/verify-request/validate/biz-type", test_biz_type);
  g_test_add_func ("/verify-request/validate/biz-id", test_biz_id_length);
  g_test_add_func ("/verify-request/validate/order", test_form_order);
  g_test_add_func ("/image-url/web", test_url_web_addresses);
  g_test_add_func ("/image-url/local", test_url_local_paths);
  g_test_add_func ("/image-url/schemes", test_url_other_schemes);
  g_test_add_func ("/image-url/garbage", test_url_garbage);
  g_test_add_func ("/image-url/unparsable", test_url_not_parsable);
  g_test_add_func ("/image-url/no-host", test_url_no_host);
  g_test_add_func ("/image-url/length", test_url_length);
  g_test_add_func ("/verify-request/to-params", test_to_params);
  g_test_add_func ("/verify-request/to-params-optional", test_to_params_leaves_out_empty_optionals);

  return g_test_run ();
}
