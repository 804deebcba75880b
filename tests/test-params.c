#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "vd-params.h"

/* "name=value&…" in iteration order, raw (not encoded), for comparing whole contents. */
static char *
describe (const VdParams *params)
{
  GString *text = g_string_new (NULL);
  guint i;

  for (i = 0; i < vd_params_get_length (params); i++)
    {
      if (i > 0)
        g_string_append_c (text, '&');
      g_string_append_printf (text, "%s=%s",
                              vd_params_get_name (params, i), vd_params_get_value (params, i));
    }

  return g_string_free (text, FALSE);
}

static void
assert_params (const VdParams *params,
               const char     *expected)
{
  g_autofree char *described = describe (params);

  g_assert_cmpstr (described, ==, expected);
}

static VdParams *
parse_ok (const char *query)
{
  g_autoptr(GError) error = NULL;
  VdParams *params = vd_params_parse_query (query, &error);

  g_assert_no_error (error);
  g_assert_nonnull (params);
  return params;
}

static void
assert_parse_fails (const char *query,
                    const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdParams) params = vd_params_parse_query (query, &error);

  g_assert_null (params);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  if (strstr (error->message, message_part) == NULL)
    g_error ("the error for “%s” is “%s”, which does not mention “%s”",
             query, error->message, message_part);
}

static void
test_new_is_empty (void)
{
  g_autoptr(VdParams) params = vd_params_new ();
  g_autofree char *canonical = vd_params_to_canonical (params);

  g_assert_cmpuint (vd_params_get_length (params), ==, 0);
  g_assert_null (vd_params_get (params, "Action"));
  g_assert_cmpstr (canonical, ==, "");
}

static void
test_sorted_in_byte_order (void)
{
  g_autoptr(VdParams) params = vd_params_new ();

  vd_params_set (params, "b", "5");
  vd_params_set (params, "Version", "4");
  vd_params_set (params, "ab", "3");
  vd_params_set (params, "a", "2");
  vd_params_set (params, "Action", "1");
  vd_params_set (params, "AccessKeyId", "0");
  vd_params_set (params, "Z", "z");

  /* strcmp order: every upper-case letter before any lower-case one; a prefix first. */
  assert_params (params, "AccessKeyId=0&Action=1&Version=4&Z=z&a=2&ab=3&b=5");
  g_assert_cmpuint (vd_params_get_length (params), ==, 7);
  g_assert_cmpstr (vd_params_get_name (params, 3), ==, "Z");
  g_assert_cmpstr (vd_params_get_value (params, 3), ==, "z");
}

static void
test_set_replaces (void)
{
  g_autoptr(VdParams) params = vd_params_new ();

  vd_params_set (params, "RegionId", "cn-hangzhou");
  vd_params_set (params, "BizId", "one");
  vd_params_set (params, "RegionId", "cn-shanghai");
  /* A value taken from the params themselves must survive its own replacement. */
  vd_params_set (params, "BizId", vd_params_get (params, "BizId"));

  assert_params (params, "BizId=one&RegionId=cn-shanghai");
  g_assert_cmpstr (vd_params_get (params, "RegionId"), ==, "cn-shanghai");
}

static void
test_get_is_exact (void)
{
  g_autoptr(VdParams) params = vd_params_new ();

  vd_params_set (params, "Name", "张三");

  g_assert_cmpstr (vd_params_get (params, "Name"), ==, "张三");
  g_assert_null (vd_params_get (params, "name"));
  g_assert_null (vd_params_get (params, "Nam"));
  g_assert_null (vd_params_get (params, "Names"));
}

static void
test_remove (void)
{
  g_autoptr(VdParams) params = vd_params_new ();

  vd_params_set (params, "a", "1");
  vd_params_set (params, "b", "2");
  vd_params_set (params, "c", "3");

  vd_params_remove (params, "b");
  vd_params_remove (params, "missing");

  assert_params (params, "a=1&c=3");
  g_assert_null (vd_params_get (params, "b"));
}

static void
test_copy_is_independent (void)
{
  g_autoptr(VdParams) params = vd_params_new ();
  g_autoptr(VdParams) copy = NULL;

  vd_params_set (params, "a", "1");
  copy = vd_params_copy (params);
  vd_params_set (copy, "a", "changed");
  vd_params_set (copy, "b", "2");

  assert_params (params, "a=1");
  assert_params (copy, "a=changed&b=2");
}

static void
test_boxed_ref (void)
{
  g_autoptr(VdParams) params = vd_params_new ();
  VdParams *boxed;

  vd_params_set (params, "a", "1");
  boxed = g_boxed_copy (VD_TYPE_PARAMS, params);

  /* A refcounted boxed type: the boxed copy is the same object. */
  g_assert_true (boxed == params);
  g_boxed_free (VD_TYPE_PARAMS, boxed);
  assert_params (params, "a=1");
  g_assert_true (vd_params_ref (params) == params);
  vd_params_unref (params);
}

static void
test_canonical_encodes (void)
{
  g_autoptr(VdParams) params = vd_params_new ();
  g_autofree char *canonical = NULL;

  vd_params_set (params, "Timestamp", "2016-02-23T12:46:24Z");
  vd_params_set (params, "Name", "张三");
  vd_params_set (params, "Empty", "");
  vd_params_set (params, "a b", "x+y*z~");
  vd_params_set (params, "Url", "https://a.example/p?q=1&r=2");

  canonical = vd_params_to_canonical (params);
  g_assert_cmpstr (canonical, ==,
                   "Empty=&Name=%E5%BC%A0%E4%B8%89&Timestamp=2016-02-23T12%3A46%3A24Z"
                   "&Url=https%3A%2F%2Fa.example%2Fp%3Fq%3D1%26r%3D2&a%20b=x%2By%2Az~");
}

static void
test_parse_basic (void)
{
  g_autoptr(VdParams) params =
    parse_ok ("RegionId=cn-shanghai&ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd");

  assert_params (params,
                 "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"
                 "&RegionId=cn-shanghai");
}

static void
test_parse_decodes (void)
{
  g_autoptr(VdParams) params =
    parse_ok ("Name=%E5%BC%A0%E4%B8%89&a+b=c+d&plus=%2B&Ts=2016-02-23T12%3a46%3A24Z");

  g_assert_cmpstr (vd_params_get (params, "Name"), ==, "张三");
  g_assert_cmpstr (vd_params_get (params, "a b"), ==, "c d");
  g_assert_cmpstr (vd_params_get (params, "plus"), ==, "+");
  g_assert_cmpstr (vd_params_get (params, "Ts"), ==, "2016-02-23T12:46:24Z");
  g_assert_cmpuint (vd_params_get_length (params), ==, 4);
}

static void
test_parse_empty (void)
{
  g_autoptr(VdParams) empty = parse_ok ("");
  g_autoptr(VdParams) ampersands = parse_ok ("&&&");
  g_autoptr(VdParams) none = parse_ok (NULL);

  g_assert_cmpuint (vd_params_get_length (empty), ==, 0);
  g_assert_cmpuint (vd_params_get_length (ampersands), ==, 0);
  g_assert_cmpuint (vd_params_get_length (none), ==, 0);
}

static void
test_parse_skips_empty_segments (void)
{
  g_autoptr(VdParams) params = parse_ok ("&a=1&&b=2&");

  assert_params (params, "a=1&b=2");
}

static void
test_parse_name_without_value (void)
{
  g_autoptr(VdParams) params = parse_ok ("flag&empty=&x=1");

  assert_params (params, "empty=&flag=&x=1");
}

static void
test_parse_value_with_equals (void)
{
  g_autoptr(VdParams) params = parse_ok ("Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D&eq=a=b");

  g_assert_cmpstr (vd_params_get (params, "Signature"), ==, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
  g_assert_cmpstr (vd_params_get (params, "eq"), ==, "a=b");
}

static void
test_parse_repeated_name (void)
{
  assert_parse_fails ("a=1&b=2&a=3", "“a” appears more than once");
  /* The same name once escaped and once not is still the same name. */
  assert_parse_fails ("Action=x&%41ction=y", "“Action” appears more than once");
  assert_parse_fails ("a+b=1&a%20b=2", "“a b” appears more than once");
}

static void
test_parse_malformed_escape (void)
{
  assert_parse_fails ("a=%", "malformed percent escape");
  assert_parse_fails ("a=1&b=%4", "malformed percent escape");
  assert_parse_fails ("a=%GZ", "malformed percent escape");
  assert_parse_fails ("%zz=1", "malformed percent escape");
}

static void
test_parse_nul_and_invalid_utf8 (void)
{
  assert_parse_fails ("a=x%00y", "NUL");
  assert_parse_fails ("a=%FF", "UTF-8");
  assert_parse_fails ("%C3=1", "UTF-8");
}

static void
test_parse_empty_name (void)
{
  assert_parse_fails ("=value", "no parameter name");
  assert_parse_fails ("a=1&=", "no parameter name");
}

static void
test_parse_error_quotes_are_bounded (void)
{
  g_autofree char *long_value = g_strnfill (500, 'x');
  g_autofree char *query = g_strconcat ("a=", long_value, "%", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VdParams) params = vd_params_parse_query (query, &error);

  g_assert_null (params);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpuint (strlen (error->message), <, 250);
}

static void
test_canonical_parses_back (void)
{
  g_autoptr(VdParams) params = vd_params_new ();
  g_autoptr(VdParams) parsed = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *canonical_again = NULL;

  vd_params_set (params, "Name", "张三 李四");
  vd_params_set (params, "Reserved", ":/?#[]@!$&'()*+,;=%");
  vd_params_set (params, "Empty", "");

  canonical = vd_params_to_canonical (params);
  parsed = parse_ok (canonical);
  canonical_again = vd_params_to_canonical (parsed);

  assert_params (parsed, "Empty=&Name=张三 李四&Reserved=:/?#[]@!$&'()*+,;=%");
  g_assert_cmpstr (canonical_again, ==, canonical);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/params/new-is-empty", test_new_is_empty);
  g_test_add_func ("/params/sorted-in-byte-order", test_sorted_in_byte_order);
  g_test_add_func ("/params/set-replaces", test_set_replaces);
  g_test_add_func ("/params/get-is-exact", test_get_is_exact);
  g_test_add_func ("/params/remove", test_remove);
  g_test_add_func ("/params/copy-is-independent", test_copy_is_independent);
  g_test_add_func ("/params/boxed-ref", test_boxed_ref);
  g_test_add_func ("/params/canonical/encodes", test_canonical_encodes);
  g_test_add_func ("/params/canonical/parses-back", test_canonical_parses_back);
  g_test_add_func ("/params/parse/basic", test_parse_basic);
  g_test_add_func ("/params/parse/decodes", test_parse_decodes);
  g_test_add_func ("/params/parse/empty", test_parse_empty);
  g_test_add_func ("/params/parse/skips-empty-segments", test_parse_skips_empty_segments);
  g_test_add_func ("/params/parse/name-without-value", test_parse_name_without_value);
  g_test_add_func ("/params/parse/value-with-equals", test_parse_value_with_equals);
  g_test_add_func ("/params/parse/repeated-name", test_parse_repeated_name);
  g_test_add_func ("/params/parse/malformed-escape", test_parse_malformed_escape);
  g_test_add_func ("/params/parse/nul-and-invalid-utf8", test_parse_nul_and_invalid_utf8);
  g_test_add_func ("/params/parse/empty-name", test_parse_empty_name);
  g_test_add_func ("/params/parse/error-quotes-are-bounded", test_parse_error_quotes_are_bounded);

  return g_test_run ();
}
