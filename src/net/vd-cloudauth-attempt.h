#pragma once

#include <libsoup/soup.h>

#include "vd-credentials.h"
#include "vd-params.h"
#include "vd-signer.h"
#include "vd-verify-result.h"

G_BEGIN_DECLS

/* A verification as every attempt of it is sent: copied from the client when the verification
 * starts, so that a change of properties cannot affect it half-way, and holding the session so
 * that disposing the client does not pull it away from under a running attempt. */
typedef struct {
  SoupSession       *session;
  GUri              *endpoint_uri;
  char              *host;          /* the Host header, as signed */
  char              *action;
  VdSignatureScheme  scheme;
  VdParams          *params;        /* the business parameters */
  VdCredentials     *credentials;
  guint              connect_timeout_ms;
  guint              read_timeout_ms;
} VdCloudauthCall;

void vd_cloudauth_call_clear (VdCloudauthCall *call);

/* How an attempt ended; what may follow depends only on this. */
typedef enum {
  VD_ATTEMPT_ANSWERED,        /* an answer was read whole: a result, or the error parsing it */
  VD_ATTEMPT_NOT_SENT,        /* nothing reached the service (VD_CLIENT_ERROR_NOT_SENT,
                               * _CONNECT_TIMEOUT or _TLS) */
  VD_ATTEMPT_OUTCOME_UNKNOWN, /* sent, then no answer or one over the size cap: the service
                               * may have processed (and billed) it */
} VdAttemptOutcome;

/* Called once, when the attempt has let go of everything it used: with @result (taken) or
 * @error (taken, worded for the operator). @http_status is 0 when no answer came. */
typedef void (*VdAttemptDone) (VdAttemptOutcome  outcome,
                               guint             http_status,
                               VdVerifyResult   *result,
                               GError           *error,
                               gpointer          user_data);

/* One signed HTTP exchange: signs @call afresh (a new nonce and timestamp, as a retry needs),
 * sends it, and reads the answer under VD_ANSWER_SIZE_CAP, timing the connection and the
 * answer apart. @number (1 for the first attempt) is for the messages; the timers run in
 * @context; @cancellable (the caller's, or NULL) stops the attempt. @call must stay valid
 * until @done is called. */
void vd_cloudauth_attempt_start (const VdCloudauthCall *call,
                                 guint                  number,
                                 GMainContext          *context,
                                 GCancellable          *cancellable,
                                 VdAttemptDone          done,
                                 gpointer               user_data);

G_END_DECLS
