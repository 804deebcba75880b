#define G_LOG_DOMAIN "vd-sha256"

#include "config.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_SHA_NI_PATH 1
#endif

#include "vd-sha256.h"

static const guint32 round_constants[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline guint32
rotr (guint32 x,
      guint   n)
{
  return (x >> n) | (x << (32 - n));
}

static inline guint32
load_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

/* One round on rotating variable names instead of shifting eight values each round, and the
 * message schedule kept as a 16-word ring: about twice as fast as the textbook loop. */
#define S0(x) (rotr ((x), 2) ^ rotr ((x), 13) ^ rotr ((x), 22))
#define S1(x) (rotr ((x), 6) ^ rotr ((x), 11) ^ rotr ((x), 25))
#define G0(x) (rotr ((x), 7) ^ rotr ((x), 18) ^ ((x) >> 3))
#define G1(x) (rotr ((x), 17) ^ rotr ((x), 19) ^ ((x) >> 10))
#define CHOICE(e, f, g) (((e) & ((f) ^ (g))) ^ (g))
#define MAJORITY(a, b, c) (((a) & (b)) | ((c) & ((a) | (b))))

#define SCHEDULE(i) \
  (w[(i) & 15] += G1 (w[((i) - 2) & 15]) + w[((i) - 7) & 15] + G0 (w[((i) - 15) & 15]))

#define ROUND(a, b, c, d, e, f, g, h, i, word)                            \
  G_STMT_START {                                                          \
    guint32 t1 = (h) + S1 (e) + CHOICE (e, f, g) + round_constants[i] + (word); \
    (d) += t1;                                                            \
    (h) = t1 + S0 (a) + MAJORITY (a, b, c);                               \
  } G_STMT_END

static void
compress_portable (guint32       state[8],
                   const guint8  block[64])
{
  guint32 w[16];
  guint32 a = state[0], b = state[1], c = state[2], d = state[3];
  guint32 e = state[4], f = state[5], g = state[6], h = state[7];
  guint i;

  for (i = 0; i < 16; i += 8)
    {
      w[i] = load_be32 (block + 4 * i);
      ROUND (a, b, c, d, e, f, g, h, i, w[i]);
      w[i + 1] = load_be32 (block + 4 * (i + 1));
      ROUND (h, a, b, c, d, e, f, g, i + 1, w[i + 1]);
      w[i + 2] = load_be32 (block + 4 * (i + 2));
      ROUND (g, h, a, b, c, d, e, f, i + 2, w[i + 2]);
      w[i + 3] = load_be32 (block + 4 * (i + 3));
      ROUND (f, g, h, a, b, c, d, e, i + 3, w[i + 3]);
      w[i + 4] = load_be32 (block + 4 * (i + 4));
      ROUND (e, f, g, h, a, b, c, d, i + 4, w[i + 4]);
      w[i + 5] = load_be32 (block + 4 * (i + 5));
      ROUND (d, e, f, g, h, a, b, c, i + 5, w[i + 5]);
      w[i + 6] = load_be32 (block + 4 * (i + 6));
      ROUND (c, d, e, f, g, h, a, b, i + 6, w[i + 6]);
      w[i + 7] = load_be32 (block + 4 * (i + 7));
      ROUND (b, c, d, e, f, g, h, a, i + 7, w[i + 7]);
    }

  for (; i < 64; i += 8)
    {
      ROUND (a, b, c, d, e, f, g, h, i, SCHEDULE (i));
      ROUND (h, a, b, c, d, e, f, g, i + 1, SCHEDULE (i + 1));
      ROUND (g, h, a, b, c, d, e, f, i + 2, SCHEDULE (i + 2));
      ROUND (f, g, h, a, b, c, d, e, i + 3, SCHEDULE (i + 3));
      ROUND (e, f, g, h, a, b, c, d, i + 4, SCHEDULE (i + 4));
      ROUND (d, e, f, g, h, a, b, c, i + 5, SCHEDULE (i + 5));
      ROUND (c, d, e, f, g, h, a, b, i + 6, SCHEDULE (i + 6));
      ROUND (b, c, d, e, f, g, h, a, i + 7, SCHEDULE (i + 7));
    }

  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
  state[4] += e;
  state[5] += f;
  state[6] += g;
  state[7] += h;
}

#ifdef HAVE_SHA_NI_PATH
/* The x86 SHA extensions do four rounds per pair of instructions: several times faster than
 * the portable code on processors that have them. The message words live in four registers
 * that rotate; sha256msg1/msg2 extend the schedule four words at a time. */
__attribute__ ((target ("sha,sse4.1")))
static void
compress_sha_ni (guint32       state[8],
                 const guint8  block[64])
{
  const __m128i byte_swap = _mm_set_epi64x (0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i words[4];
  __m128i abef, cdgh, abef_saved, cdgh_saved, tmp;
  int group;

  /* The instructions want the state as ABEF and CDGH. */
  tmp = _mm_shuffle_epi32 (_mm_loadu_si128 ((const __m128i *) &state[0]), 0xB1);
  cdgh = _mm_shuffle_epi32 (_mm_loadu_si128 ((const __m128i *) &state[4]), 0x1B);
  abef = _mm_alignr_epi8 (tmp, cdgh, 8);
  cdgh = _mm_blend_epi16 (cdgh, tmp, 0xF0);
  abef_saved = abef;
  cdgh_saved = cdgh;

  for (group = 0; group < 16; group++)
    {
      __m128i message;

      if (group < 4)
        words[group] = _mm_shuffle_epi8 (_mm_loadu_si128 ((const __m128i *) (block + 16 * group)),
                                         byte_swap);

      message = _mm_add_epi32 (words[group & 3],
                               _mm_loadu_si128 ((const __m128i *) &round_constants[4 * group]));
      cdgh = _mm_sha256rnds2_epu32 (cdgh, abef, message);

      /* Finish the schedule words of group + 1 (groups 4–15). */
      if (group >= 3 && group < 15)
        {
          tmp = _mm_alignr_epi8 (words[group & 3], words[(group - 1) & 3], 4);
          words[(group + 1) & 3] = _mm_add_epi32 (words[(group + 1) & 3], tmp);
          words[(group + 1) & 3] = _mm_sha256msg2_epu32 (words[(group + 1) & 3],
                                                         words[group & 3]);
        }

      message = _mm_shuffle_epi32 (message, 0x0E);
      abef = _mm_sha256rnds2_epu32 (abef, cdgh, message);

      /* Start the schedule words of group + 3. */
      if (group >= 1 && group < 13)
        words[(group - 1) & 3] = _mm_sha256msg1_epu32 (words[(group - 1) & 3], words[group & 3]);
    }

  abef = _mm_add_epi32 (abef, abef_saved);
  cdgh = _mm_add_epi32 (cdgh, cdgh_saved);

  tmp = _mm_shuffle_epi32 (abef, 0x1B);
  cdgh = _mm_shuffle_epi32 (cdgh, 0xB1);
  _mm_storeu_si128 ((__m128i *) &state[0], _mm_blend_epi16 (tmp, cdgh, 0xF0));
  _mm_storeu_si128 ((__m128i *) &state[4], _mm_alignr_epi8 (cdgh, tmp, 8));
}

static gboolean
cpu_has_sha_ni (void)
{
  unsigned int eax, ebx, ecx, edx;

  if (!__get_cpuid (1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_SSE4_1) || !(ecx & bit_SSSE3))
    return FALSE;
  if (!__get_cpuid_count (7, 0, &eax, &ebx, &ecx, &edx))
    return FALSE;
  return (ebx & bit_SHA) != 0;
}
#endif

typedef void (*CompressFunc) (guint32 state[8], const guint8 block[64]);

static gboolean force_portable;

static CompressFunc
choose_compress (void)
{
#ifdef HAVE_SHA_NI_PATH
  static gsize has_sha_ni = 0;

  if (g_once_init_enter (&has_sha_ni))
    g_once_init_leave (&has_sha_ni, cpu_has_sha_ni () ? 2 : 1);
  if (has_sha_ni == 2 && !force_portable)
    return compress_sha_ni;
#endif
  return compress_portable;
}

static inline void
compress (guint32       state[8],
          const guint8  block[64])
{
  choose_compress () (state, block);
}

void
vd_sha256_use_portable (gboolean portable)
{
  force_portable = portable;
}

gboolean
vd_sha256_has_accelerated_path (void)
{
#ifdef HAVE_SHA_NI_PATH
  return cpu_has_sha_ni ();
#else
  return FALSE;
#endif
}

void
vd_sha256_init (VdSha256 *ctx)
{
  static const guint32 initial[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  };

  memcpy (ctx->state, initial, sizeof initial);
  ctx->length = 0;
  ctx->block_used = 0;
}

void
vd_sha256_update (VdSha256   *ctx,
                  const void *data,
                  gsize       size)
{
  const guint8 *bytes = data;

  ctx->length += size;

  if (ctx->block_used > 0)
    {
      gsize take = MIN (size, 64 - ctx->block_used);

      memcpy (ctx->block + ctx->block_used, bytes, take);
      ctx->block_used += take;
      bytes += take;
      size -= take;
      if (ctx->block_used < 64)
        return;
      compress (ctx->state, ctx->block);
      ctx->block_used = 0;
    }

  for (; size >= 64; bytes += 64, size -= 64)
    compress (ctx->state, bytes);

  memcpy (ctx->block, bytes, size);
  ctx->block_used = size;
}

void
vd_sha256_finish (VdSha256 *ctx,
                  guint8    digest[VD_SHA256_DIGEST_SIZE])
{
  guint64 bits = ctx->length * 8;
  guint i;

  ctx->block[ctx->block_used++] = 0x80;
  if (ctx->block_used > 56)
    {
      memset (ctx->block + ctx->block_used, 0, 64 - ctx->block_used);
      compress (ctx->state, ctx->block);
      ctx->block_used = 0;
    }
  memset (ctx->block + ctx->block_used, 0, 56 - ctx->block_used);
  for (i = 0; i < 8; i++)
    ctx->block[56 + i] = (guint8) (bits >> (56 - 8 * i));
  compress (ctx->state, ctx->block);

  for (i = 0; i < 8; i++)
    {
      digest[4 * i] = (guint8) (ctx->state[i] >> 24);
      digest[4 * i + 1] = (guint8) (ctx->state[i] >> 16);
      digest[4 * i + 2] = (guint8) (ctx->state[i] >> 8);
      digest[4 * i + 3] = (guint8) ctx->state[i];
    }
}

static void
to_hex (const guint8 digest[VD_SHA256_DIGEST_SIZE],
        char         hex[VD_SHA256_HEX_SIZE])
{
  static const char digits[] = "0123456789abcdef";
  guint i;

  for (i = 0; i < VD_SHA256_DIGEST_SIZE; i++)
    {
      hex[2 * i] = digits[digest[i] >> 4];
      hex[2 * i + 1] = digits[digest[i] & 0x0f];
    }
  hex[64] = '\0';
}

void
vd_sha256_hex (const void *data,
               gsize       size,
               char        hex[VD_SHA256_HEX_SIZE])
{
  VdSha256 ctx;
  guint8 digest[VD_SHA256_DIGEST_SIZE];

  vd_sha256_init (&ctx);
  vd_sha256_update (&ctx, data, size);
  vd_sha256_finish (&ctx, digest);
  to_hex (digest, hex);
}

/* Overwrites key material on the stack in a way the compiler may not drop. */
static void
wipe (void  *data,
      gsize  size)
{
  volatile guint8 *p = data;

  while (size-- > 0)
    *p++ = 0;
}

void
vd_hmac_sha256_hex (const void *key,
                    gsize       key_size,
                    const void *data,
                    gsize       size,
                    char        hex[VD_SHA256_HEX_SIZE])
{
  guint8 block_key[64] = { 0 };
  guint8 pad[64];
  guint8 inner[VD_SHA256_DIGEST_SIZE];
  guint8 digest[VD_SHA256_DIGEST_SIZE];
  VdSha256 ctx;
  guint i;

  /* A key longer than a block is hashed first (RFC 2104 §2). */
  if (key_size > sizeof block_key)
    {
      vd_sha256_init (&ctx);
      vd_sha256_update (&ctx, key, key_size);
      vd_sha256_finish (&ctx, block_key);
    }
  else
    {
      memcpy (block_key, key, key_size);
    }

  for (i = 0; i < 64; i++)
    pad[i] = block_key[i] ^ 0x36;
  vd_sha256_init (&ctx);
  vd_sha256_update (&ctx, pad, sizeof pad);
  vd_sha256_update (&ctx, data, size);
  vd_sha256_finish (&ctx, inner);

  for (i = 0; i < 64; i++)
    pad[i] = block_key[i] ^ 0x5c;
  vd_sha256_init (&ctx);
  vd_sha256_update (&ctx, pad, sizeof pad);
  vd_sha256_update (&ctx, inner, sizeof inner);
  vd_sha256_finish (&ctx, digest);

  to_hex (digest, hex);
  wipe (block_key, sizeof block_key);
  wipe (pad, sizeof pad);
  wipe (&ctx, sizeof ctx);
}
