#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* An AccessKey pair, optionally with an STS security token. The secret lives only here, in
 * memory, while requests are signed: it has no printer, and freeing the struct overwrites it.
 * Never pass the secret to a log, an error message, a file or an argument list. */
typedef struct _VdCredentials VdCredentials;

#define VD_TYPE_CREDENTIALS (vd_credentials_get_type ())

GType           vd_credentials_get_type             (void) G_GNUC_CONST;
/* @security_token may be NULL or "" for a plain AccessKey pair. */
VdCredentials  *vd_credentials_new                  (const char *access_key_id,
                                                     const char *access_key_secret,
                                                     const char *security_token);
VdCredentials  *vd_credentials_ref                  (VdCredentials *self);
void            vd_credentials_unref                (VdCredentials *self);
const char     *vd_credentials_get_access_key_id    (const VdCredentials *self);
const char     *vd_credentials_get_access_key_secret(const VdCredentials *self);
/* NULL when there is none. */
const char     *vd_credentials_get_security_token   (const VdCredentials *self);
/* "LTAI****************wxyz": for showing which key is in use, never the secret. */
char           *vd_credentials_mask_id              (const char *access_key_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdCredentials, vd_credentials_unref)

G_END_DECLS
