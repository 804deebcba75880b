#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104). GLib's GChecksum computes the same digests
 * but at about half the speed, and v3 signing hashes every request twice: this keeps the
 * signer well above the project's 100,000 signatures a second. Tested against the NIST and
 * RFC 4231 vectors and against GChecksum/GHmac on random inputs. */

#define VD_SHA256_DIGEST_SIZE 32
#define VD_SHA256_HEX_SIZE    65   /* 64 hex digits and a NUL */

typedef struct {
  guint32 state[8];
  guint64 length;       /* bytes hashed so far */
  guint8  block[64];
  gsize   block_used;
} VdSha256;

void vd_sha256_init        (VdSha256     *ctx);
void vd_sha256_update      (VdSha256     *ctx,
                            const void   *data,
                            gsize         size);
void vd_sha256_finish      (VdSha256     *ctx,
                            guint8        digest[VD_SHA256_DIGEST_SIZE]);
/* Lower-case hex of the SHA-256 of @data. */
void vd_sha256_hex         (const void   *data,
                            gsize         size,
                            char          hex[VD_SHA256_HEX_SIZE]);
/* Lower-case hex of HMAC-SHA256(@key, @data). The key copies on the stack are wiped. */
void vd_hmac_sha256_hex    (const void   *key,
                            gsize         key_size,
                            const void   *data,
                            gsize         size,
                            char          hex[VD_SHA256_HEX_SIZE]);

/* For the tests: whether this processor has the SHA extensions, and a switch to the portable
 * code so that both paths are checked on such a processor. */
gboolean vd_sha256_has_accelerated_path (void);
void     vd_sha256_use_portable         (gboolean portable);

G_END_DECLS
