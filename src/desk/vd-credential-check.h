#pragma once

#include <gio/gio.h>

#include "vd-cloudauth-client.h"

G_BEGIN_DECLS

/* What the non-billed check of an AccessKey found. */
typedef enum {
  VD_CREDENTIAL_CHECK_GOOD,      /* the gateway authenticated the key and asked for BizType */
  VD_CREDENTIAL_CHECK_REJECTED,  /* the gateway refused the key: wrong ID, secret or token, or
                                  * no permission for Cloudauth */
  VD_CREDENTIAL_CHECK_UNCHECKED, /* nothing conclusive: network, clock, 5xx, throttling… */
} VdCredentialCheck;

/* Checks @credentials against the gateway @client points at, without starting a billed
 * verification: it sends VerifyMaterial without BizType or any customer data, which the
 * gateway refuses only after it has authenticated the request. Good keys get MissingParameter;
 * a key problem gets InvalidAccessKeyId.NotFound, SignatureDoesNotMatch or
 * InvalidSecurityToken.*; anything else leaves the keys unchecked.
 *
 * The finish function returns the result and, in @message, one or two sentences for the
 * administrator (never the secret, never the gateway's string to sign). Its only error is
 * G_IO_ERROR_CANCELLED. */
void              vd_credential_check_async  (VdCloudauthClient    *client,
                                              VdCredentials        *credentials,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
VdCredentialCheck vd_credential_check_finish (GAsyncResult  *result,
                                              char         **message,
                                              GError       **error);

G_END_DECLS
