#define G_LOG_DOMAIN "vd-sha256"

#include "config.h"

#include <string.h>

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

static void
compress (guint32       state[8],
          const guint8  block[64])
{
  guint32 w[64];
  guint32 a = state[0], b = state[1], c = state[2], d = state[3];
  guint32 e = state[4], f = state[5], g = state[6], h = state[7];
  guint i;

  for (i = 0; i < 16; i++)
    w[i] = load_be32 (block + 4 * i);
  for (i = 16; i < 64; i++)
    {
      guint32 s0 = rotr (w[i - 15], 7) ^ rotr (w[i - 15], 18) ^ (w[i - 15] >> 3);
      guint32 s1 = rotr (w[i - 2], 17) ^ rotr (w[i - 2], 19) ^ (w[i - 2] >> 10);

      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }

  for (i = 0; i < 64; i++)
    {
      guint32 s1 = rotr (e, 6) ^ rotr (e, 11) ^ rotr (e, 25);
      guint32 choice = (e & f) ^ (~e & g);
      guint32 t1 = h + s1 + choice + round_constants[i] + w[i];
      guint32 s0 = rotr (a, 2) ^ rotr (a, 13) ^ rotr (a, 22);
      guint32 majority = (a & b) ^ (a & c) ^ (b & c);
      guint32 t2 = s0 + majority;

      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
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
