#include "config.h"

#include <glib.h>

#include "vd-percent.h"

static void
assert_encodes (const char *text,
                const char *expected)
{
  g_autofree char *encoded = vd_percent_encode (text);

  g_assert_cmpstr (encoded, ==, expected);
}

static void
assert_decode_fails (const char *text,
                     gboolean    plus_is_space)
{
  g_autofree char *decoded = vd_percent_decode (text, -1, plus_is_space);

  if (decoded != NULL)
    g_error ("“%s” decoded to “%s” instead of failing", text, decoded);
}

static void
test_encode_unreserved_kept (void)
{
  const char *unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";

  assert_encodes (unreserved, unreserved);
  assert_encodes ("", "");
}

static void
test_encode_space_star_plus_tilde (void)
{
  assert_encodes (" ", "%20");
  assert_encodes ("*", "%2A");
  assert_encodes ("+", "%2B");
  assert_encodes ("~", "~");
  assert_encodes ("a b*c+d~e", "a%20b%2Ac%2Bd~e");
}

static void
test_encode_reserved_characters (void)
{
  /* Every gen-delim and sub-delim of RFC 3986 §2.2, and '%' itself. */
  assert_encodes (":/?#[]@!$&'()*+,;=%",
                  "%3A%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%25");
}

static void
test_encode_chinese_utf8 (void)
{
  assert_encodes ("张三", "%E5%BC%A0%E4%B8%89");
  assert_encodes ("长期", "%E9%95%BF%E6%9C%9F");
}

static void
test_encode_control_and_high_bytes (void)
{
  assert_encodes ("\n\t\x7f", "%0A%09%7F");
  /* Upper-case hex for bytes that are not valid UTF-8 too: encoding works on bytes. */
  assert_encodes ("\xff\xfe", "%FF%FE");
}

static void
test_decode_escapes_either_case (void)
{
  g_autofree char *upper = vd_percent_decode ("%E5%BC%A0%E4%B8%89", -1, FALSE);
  g_autofree char *lower = vd_percent_decode ("%e5%bc%a0%e4%b8%89", -1, FALSE);
  g_autofree char *mixed = vd_percent_decode ("a%2fb%2Fc", -1, FALSE);

  g_assert_cmpstr (upper, ==, "张三");
  g_assert_cmpstr (lower, ==, "张三");
  g_assert_cmpstr (mixed, ==, "a/b/c");
}

static void
test_decode_plus (void)
{
  g_autofree char *form = vd_percent_decode ("a+b%2Bc", -1, TRUE);
  g_autofree char *plain = vd_percent_decode ("a+b%2Bc", -1, FALSE);
  g_autofree char *space = vd_percent_decode ("a%20b", -1, FALSE);

  g_assert_cmpstr (form, ==, "a b+c");
  g_assert_cmpstr (plain, ==, "a+b+c");
  g_assert_cmpstr (space, ==, "a b");
}

static void
test_decode_length (void)
{
  g_autofree char *prefix = vd_percent_decode ("a%41bc", 4, FALSE);
  g_autofree char *empty = vd_percent_decode ("abc", 0, FALSE);
  g_autofree char *cut_escape = vd_percent_decode ("%41", 2, FALSE);

  g_assert_cmpstr (prefix, ==, "aA");
  g_assert_cmpstr (empty, ==, "");
  /* The length ends in the middle of an escape: that escape is malformed. */
  g_assert_null (cut_escape);
}

static void
test_decode_malformed_escapes (void)
{
  const char *malformed[] = { "%", "%4", "%GZ", "a%", "a%4", "%4G", "%G4", "%%41", "% 41", "%-1" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      assert_decode_fails (malformed[i], FALSE);
      assert_decode_fails (malformed[i], TRUE);
    }
}

static void
test_decode_invalid_utf8 (void)
{
  assert_decode_fails ("%FF", FALSE);
  /* A truncated sequence, an overlong '/', a lone continuation byte, a UTF-16 surrogate. */
  assert_decode_fails ("%E5%BC", FALSE);
  assert_decode_fails ("%C0%AF", FALSE);
  assert_decode_fails ("%80", FALSE);
  assert_decode_fails ("%ED%A0%80", FALSE);
}

static void
test_decode_rejects_nul (void)
{
  const char with_nul[] = { 'a', '\0', 'b' };
  g_autofree char *literal = vd_percent_decode (with_nul, sizeof with_nul, FALSE);

  assert_decode_fails ("%00", FALSE);
  assert_decode_fails ("abc%00def", TRUE);
  g_assert_null (literal);
}

static void
test_round_trip (void)
{
  const char *texts[] = {
    "",
    "张三",
    "a b+c*d~e",
    ":/?#[]@!$&'()*+,;=%",
    "https://example.com/face.jpg?x=1&y=2",
    "100% \"quoted\" <tag> \\ ^ ` { | }",
    "Ünïcödé ✓ 🙂",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *encoded = vd_percent_encode (texts[i]);
      g_autofree char *decoded = vd_percent_decode (encoded, -1, FALSE);
      g_autofree char *form_decoded = vd_percent_decode (encoded, -1, TRUE);

      /* Encoded text is pure ASCII with no '+', so form decoding gives the same text back. */
      g_assert_cmpstr (decoded, ==, texts[i]);
      g_assert_cmpstr (form_decoded, ==, texts[i]);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/percent/encode/unreserved-kept", test_encode_unreserved_kept);
  g_test_add_func ("/percent/encode/space-star-plus-tilde", test_encode_space_star_plus_tilde);
  g_test_add_func ("/percent/encode/reserved-characters", test_encode_reserved_characters);
  g_test_add_func ("/percent/encode/chinese-utf8", test_encode_chinese_utf8);
  g_test_add_func ("/percent/encode/control-and-high-bytes", test_encode_control_and_high_bytes);
  g_test_add_func ("/percent/decode/escapes-either-case", test_decode_escapes_either_case);
  g_test_add_func ("/percent/decode/plus", test_decode_plus);
  g_test_add_func ("/percent/decode/length", test_decode_length);
  g_test_add_func ("/percent/decode/malformed-escapes", test_decode_malformed_escapes);
  g_test_add_func ("/percent/decode/invalid-utf8", test_decode_invalid_utf8);
  g_test_add_func ("/percent/decode/rejects-nul", test_decode_rejects_nul);
  g_test_add_func ("/percent/round-trip", test_round_trip);

  return g_test_run ();
}
