/* SHA-256 and HMAC-SHA256 against the published vectors, and against GLib's own
 * implementation on inputs of every length around the block boundaries. */

#include <string.h>

#include "vd-sha256.h"

static void
assert_sha256 (const char *input,
               gsize       size,
               const char *expected)
{
  char hex[VD_SHA256_HEX_SIZE];

  vd_sha256_hex (input, size, hex);
  g_assert_cmpstr (hex, ==, expected);
}

static void
test_nist_vectors (void)
{
  /* FIPS 180-4 examples (NIST's "SHA256.pdf" and the short-message set). */
  assert_sha256 ("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assert_sha256 ("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert_sha256 ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
                 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  assert_sha256 ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
                 "klmnopqrlmnopqrsmnopqrstnopqrstu", 112,
                 "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void
test_million_a_incremental (void)
{
  VdSha256 ctx;
  guint8 digest[VD_SHA256_DIGEST_SIZE];
  char chunk[1000];
  g_autofree char *hex = NULL;
  guint i;

  memset (chunk, 'a', sizeof chunk);
  vd_sha256_init (&ctx);
  /* Odd-sized pieces cross the block boundary in every position. */
  for (i = 0; i < 1000; i++)
    {
      vd_sha256_update (&ctx, chunk, 333);
      vd_sha256_update (&ctx, chunk, 667);
    }
  vd_sha256_finish (&ctx, digest);

  hex = g_malloc (VD_SHA256_HEX_SIZE);
  for (i = 0; i < VD_SHA256_DIGEST_SIZE; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", digest[i]);
  g_assert_cmpstr (hex, ==, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void
assert_hmac (const char *key,
             gsize       key_size,
             const char *data,
             gsize       size,
             const char *expected)
{
  char hex[VD_SHA256_HEX_SIZE];

  vd_hmac_sha256_hex (key, key_size, data, size, hex);
  g_assert_cmpstr (hex, ==, expected);
}

static void
test_rfc4231_vectors (void)
{
  char key20[20], key131[131], data50[50];

  memset (key20, 0x0b, sizeof key20);
  assert_hmac (key20, 20, "Hi There", 8,
               "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  assert_hmac ("Jefe", 4, "what do ya want for nothing?", 28,
               "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  memset (key20, 0xaa, sizeof key20);
  memset (data50, 0xdd, sizeof data50);
  assert_hmac (key20, 20, data50, 50,
               "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  /* A key longer than a block is hashed first. */
  memset (key131, 0xaa, sizeof key131);
  assert_hmac (key131, 131, "Test Using Larger Than Block-Size Key - Hash Key First", 54,
               "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

static void
test_matches_glib (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261128);
  guint8 buffer[300];
  guint size;

  for (size = 0; size < sizeof buffer; size++)
    {
      char ours[VD_SHA256_HEX_SIZE];
      g_autofree char *theirs = NULL;
      g_autoptr(GHmac) hmac = NULL;
      guint key_size = size % 97;
      guint i;

      for (i = 0; i < size; i++)
        buffer[i] = (guint8) g_rand_int_range (rand, 0, 256);

      vd_sha256_hex (buffer, size, ours);
      theirs = g_compute_checksum_for_data (G_CHECKSUM_SHA256, buffer, size);
      g_assert_cmpstr (ours, ==, theirs);

      vd_hmac_sha256_hex (buffer, key_size, buffer + key_size, size - key_size, ours);
      hmac = g_hmac_new (G_CHECKSUM_SHA256, buffer, key_size);
      g_hmac_update (hmac, buffer + key_size, size - key_size);
      g_assert_cmpstr (ours, ==, g_hmac_get_string (hmac));
    }
}

/* Every check again with the portable code, on a processor where the SHA extensions would
 * otherwise take over. */
static void
test_portable_path (void)
{
  vd_sha256_use_portable (TRUE);
  test_nist_vectors ();
  test_million_a_incremental ();
  test_rfc4231_vectors ();
  test_matches_glib ();
  vd_sha256_use_portable (FALSE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_message ("SHA extensions on this processor: %s",
                  vd_sha256_has_accelerated_path () ? "yes" : "no");

  g_test_add_func ("/sha256/nist-vectors", test_nist_vectors);
  g_test_add_func ("/sha256/million-a-incremental", test_million_a_incremental);
  g_test_add_func ("/sha256/hmac-rfc4231", test_rfc4231_vectors);
  g_test_add_func ("/sha256/matches-glib", test_matches_glib);
  g_test_add_func ("/sha256/portable-path", test_portable_path);

  return g_test_run ();
}
