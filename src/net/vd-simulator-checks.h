#pragma once

#include <libsoup/soup.h>

#include "vd-params.h"
#include "vd-signer.h"
#include "vd-simulator-private.h"

G_BEGIN_DECLS

/* Why a request is refused: the real-style code, its HTTP status and message. */
typedef struct {
  guint       status;
  const char *code;
  char       *message;
} VdSimulatorRejection;

/* One request as received, while it is checked. The dispatcher fills in @method, @raw_query,
 * @headers, @scheme, @body and @now from the arriving message; the checks fill in the rest.
 * Nothing here needs a socket, so the checks also run on a request made up in memory (the
 * fuzzer of tests/fuzz does). */
typedef struct {
  const char         *method;
  const char         *raw_query; /* as sent, still percent-encoded; NULL: none */
  SoupMessageHeaders *headers;
  VdSignatureScheme  scheme;
  VdParams          *query;     /* the raw query, decoded */
  VdParams          *params;    /* query and form body together */
  GBytes            *body;
  GDateTime         *now;       /* the simulator's clock */
  const char        *access_key_id;
  const char        *nonce;
  char              *v3_key_id;
  char              *v3_signed_headers;
  char              *v3_signature;
} VdSimulatorRequest;

void     vd_simulator_request_clear  (VdSimulatorRequest *request);

/* Reads the query and a form body into @request->query and ->params. FALSE with @rejection
 * set when they are malformed; the rejection is answered only after the path and method
 * checks, as the real gateway orders them. */
gboolean vd_simulator_read_params    (VdSimulatorRequest   *request,
                                      VdSimulatorRejection *rejection);

/* Every check in the real gateway's order, from the path to the business parameters; records
 * the nonce of a request whose signature is accepted. FALSE with @rejection set at the first
 * that fails. @params_problem: what vd_simulator_read_params found, if anything. */
gboolean vd_simulator_accept_request (VdSimulator                *self,
                                      VdSimulatorRequest         *request,
                                      const char                 *path,
                                      const VdSimulatorRejection *params_problem,
                                      VdSimulatorRejection       *rejection);

G_END_DECLS
