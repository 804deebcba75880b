#pragma once

#include "vd-credentials.h"

G_BEGIN_DECLS

#define VD_ENV_ACCESS_KEY_ID     "ALIBABA_CLOUD_ACCESS_KEY_ID"
#define VD_ENV_ACCESS_KEY_SECRET "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
#define VD_ENV_SECURITY_TOKEN    "ALIBABA_CLOUD_SECURITY_TOKEN"

/* The key pair from the environment variables the Alibaba Cloud tools share, or NULL when the
 * ID or the secret is unset or empty. A half-set pair (ID without secret or the reverse) is an
 * error that names the missing variable, never the secret. Surrounding white space — a
 * pasted trailing space is a classic cause of SignatureDoesNotMatch — is trimmed. */
VdCredentials *vd_env_credentials_lookup (GError **error);

G_END_DECLS
