#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "vd-credentials.h"
#include "vd-signer.h"
#include "vd-verify-request.h"
#include "vd-verify-result.h"
#include "vd-client-error.h"

G_BEGIN_DECLS

#define VD_DEFAULT_ENDPOINT            "https://cloudauth.aliyuncs.com/"
#define VD_DEFAULT_CONNECT_TIMEOUT_MS  5000
#define VD_DEFAULT_READ_TIMEOUT_MS     10000
#define VD_ANSWER_SIZE_CAP             (1024 * 1024)
#define VD_MAX_ATTEMPTS                3

#define VD_TYPE_CLOUDAUTH_CLIENT (vd_cloudauth_client_get_type ())
G_DECLARE_FINAL_TYPE (VdCloudauthClient, vd_cloudauth_client, VD, CLOUDAUTH_CLIENT, GObject)

/* The one service that talks to Cloudauth: one SoupSession for the whole app.
 *
 * Properties: "endpoint" (string), "region" (string), "signature" (VdSignatureScheme as int),
 * "connect-timeout-ms", "read-timeout-ms", "tls-database" (GTlsDatabase, for tests that trust a
 * private CA; certificate checks are never disabled), "max-attempts" (1–3), "backoff-ms" (the
 * first wait between attempts, doubled after each, ±20 % jitter), "action" (string). */
VdCloudauthClient *vd_cloudauth_client_new                (void);
/* Validates and sets the endpoint: https, or http only to a loopback address. */
gboolean           vd_cloudauth_client_set_endpoint       (VdCloudauthClient *self,
                                                           const char        *endpoint,
                                                           GError           **error);
const char        *vd_cloudauth_client_get_endpoint       (VdCloudauthClient *self);
void               vd_cloudauth_client_set_signature      (VdCloudauthClient *self,
                                                           VdSignatureScheme  scheme);
VdSignatureScheme  vd_cloudauth_client_get_signature      (VdCloudauthClient *self);
void               vd_cloudauth_client_set_timeouts       (VdCloudauthClient *self,
                                                           guint              connect_timeout_ms,
                                                           guint              read_timeout_ms);
/* Which action to send: VD_CLOUDAUTH_ACTION (default) or the seed's VD_CLOUDAUTH_SEED_ACTION. */
void               vd_cloudauth_client_set_action         (VdCloudauthClient *self,
                                                           const char        *action);

/* Submits @request (already validated) signed with @credentials. Retries (at most three
 * attempts, with backoff and a fresh nonce, timestamp and signature each time) only failures
 * before the request was sent, 5xx answers and Throttling (honouring x-acs-retry-after).
 *
 * Returns the parsed answer — a verdict, 3101/3102/3103, or a gateway error — or a GError:
 * VD_CLIENT_ERROR (not sent, TLS, outcome unknown…), VD_ANSWER_ERROR (a sent request whose
 * answer was malformed or over the cap: the outcome is unknown), G_IO_ERROR_CANCELLED. */
void               vd_cloudauth_client_verify_async       (VdCloudauthClient     *self,
                                                           const VdVerifyRequest *request,
                                                           VdCredentials         *credentials,
                                                           GCancellable          *cancellable,
                                                           GAsyncReadyCallback    callback,
                                                           gpointer               user_data);
VdVerifyResult    *vd_cloudauth_client_verify_finish      (VdCloudauthClient *self,
                                                           GAsyncResult      *result,
                                                           GError           **error);
/* The app's one SoupSession, for the photo previews (vd-image-probe.h). */
SoupSession       *vd_cloudauth_client_get_session        (VdCloudauthClient *self);
/* How many attempts the verification behind @result took (0: nothing was sent). Unlike
 * get_last_attempts this is right with several verifications in flight. */
guint              vd_cloudauth_client_get_attempts       (VdCloudauthClient *self,
                                                           GAsyncResult      *result);
/* The same for the verification that finished last (for the tests). */
guint              vd_cloudauth_client_get_last_attempts  (VdCloudauthClient *self);

G_END_DECLS
