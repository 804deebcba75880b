#pragma once

#include <libsoup/soup.h>

#include "vd-params.h"
#include "vd-simulator-private.h"

G_BEGIN_DECLS

/* One queued fault (vd_simulator_push_fault). */
typedef struct {
  VdFaultKind kind;
  guint       value;
} VdSimulatorFault;

/* The faults that replace the processing altogether: fills in @reply (or, for RESET, takes
 * the message over). FALSE for the others (DELAY, DRIP, RESET_MID_ANSWER and STATUS shape the normal answer).
 * @params (NULL when unreadable) and @now are the request's. */
gboolean vd_simulator_apply_replacing_fault (VdSimulator            *self,
                                             SoupServerMessage      *msg,
                                             const VdSimulatorFault *fault,
                                             const VdParams         *params,
                                             GDateTime              *now,
                                             const char             *request_id,
                                             gboolean                xml,
                                             VdSimulatorReply       *reply);

/* Holds the answer already set on @msg back for @delay_ms. */
void     vd_simulator_start_delay           (VdSimulator       *self,
                                             SoupServerMessage *msg,
                                             guint              delay_ms);
/* Sends @reply's body (taken), whose headers are out with chunked encoding, one byte every
 * @interval_ms. */
void     vd_simulator_start_drip            (VdSimulator       *self,
                                             SoupServerMessage *msg,
                                             VdSimulatorReply  *reply,
                                             guint              interval_ms);
/* Sends the headers (with the whole answer's Content-Length) and the first @length bytes of
 * @reply's body (taken; at most all but its last byte), then closes the connection. */
void     vd_simulator_start_cut             (VdSimulator       *self,
                                             SoupServerMessage *msg,
                                             VdSimulatorReply  *reply,
                                             gsize              length);
/* Lets go of every answer a fault still holds, without sending anything more. */
void     vd_simulator_drop_all_pending      (VdSimulator *self);

G_END_DECLS
