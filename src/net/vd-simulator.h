#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The built-in gateway: VerifyMaterial on 127.0.0.1, as strict as the real one. It is the
 * training mode operators learn on and the peer the tests talk to. */

#define VD_TRAINING_ACCESS_KEY_ID     "LTAI5tVDTrainingDesk0001"
#define VD_TRAINING_ACCESS_KEY_SECRET "VerifyDeskTrainingSecretNotForRealUse01"
/* How far a timestamp may be from the simulator's clock, as the real gateway allows. */
#define VD_SIMULATOR_TIMESTAMP_WINDOW_S (15 * 60)

typedef enum {
  VD_ANSWER_SHAPE_FLAT,       /* the real service's flat JSON (default) */
  VD_ANSWER_SHAPE_SEED_JSON,  /* {"VerifyMaterials": {"Data": …}} with numbers as strings */
  VD_ANSWER_SHAPE_SEED_XML,   /* <VerifyMaterialsResponse><Data>… */
} VdAnswerShape;

/* Faults for tests, applied one per request to the next requests in the order queued. */
typedef enum {
  VD_FAULT_DELAY,        /* hold the answer @value ms after the whole request arrived */
  VD_FAULT_DRIP,         /* send a valid answer one byte every @value ms */
  VD_FAULT_SERVER_ERROR, /* HTTP @value (500 InternalError, 503 ServiceUnavailable) */
  VD_FAULT_THROTTLING,   /* 400 Throttling.User with x-acs-retry-after: @value ms */
  VD_FAULT_RESET,        /* read the request, then close the connection without answering */
  VD_FAULT_GARBAGE,      /* 200 with a body that is neither JSON nor XML */
  VD_FAULT_OVERSIZED,    /* 200 with a body of @value bytes */
  VD_FAULT_EMPTY,        /* 200 with an empty body (as a real SDK once saw on image timeouts) */
  VD_FAULT_NO_STATUS,    /* 200 with a well-formed answer that lacks VerifyStatus */
  VD_FAULT_BAD_UTF8,     /* 200 with a JSON answer containing invalid UTF-8 */
  VD_FAULT_STATUS,       /* a well-formed verdict with VerifyStatus @value (e.g. 42) */
  VD_FAULT_RESET_MID_ANSWER, /* send the headers and the first @value bytes of a valid answer,
                              * then close the connection */
} VdFaultKind;

#define VD_TYPE_SIMULATOR (vd_simulator_get_type ())
G_DECLARE_FINAL_TYPE (VdSimulator, vd_simulator, VD, SIMULATOR, GObject)

/* A simulator that knows the training key pair. */
VdSimulator   *vd_simulator_new                 (void);
/* Listens on 127.0.0.1:@port (0: any free port) in the thread-default main context. With
 * @tls_certificate, serves HTTPS. */
gboolean       vd_simulator_listen              (VdSimulator      *self,
                                                 guint             port,
                                                 GTlsCertificate  *tls_certificate,
                                                 GError          **error);
/* "http://127.0.0.1:PORT/" (https with a certificate); NULL before listen. */
const char    *vd_simulator_get_url             (VdSimulator *self);
void           vd_simulator_disconnect          (VdSimulator *self);
/* Accept another key pair (with an STS token, requests must carry exactly that token). */
void           vd_simulator_add_key             (VdSimulator *self,
                                                 const char  *access_key_id,
                                                 const char  *access_key_secret,
                                                 const char  *security_token);
/* Stop accepting a key pair (e.g. the training pair when a real-looking pair is configured). */
void           vd_simulator_remove_key          (VdSimulator *self,
                                                 const char  *access_key_id);
void           vd_simulator_set_answer_shape    (VdSimulator  *self,
                                                 VdAnswerShape shape);
/* The simulator's clock runs @seconds ahead of this computer's (negative: behind). */
void           vd_simulator_set_clock_offset    (VdSimulator *self,
                                                 gint64       seconds);
void           vd_simulator_push_fault          (VdSimulator *self,
                                                 VdFaultKind  kind,
                                                 guint        value);
void           vd_simulator_clear_faults        (VdSimulator *self);
/* Requests received (every one, accepted or not) and requests that passed authentication and
 * got a business answer. */
guint          vd_simulator_get_requests_received (VdSimulator *self);
/* Client connections seen (a kept-alive connection counts once). */
guint          vd_simulator_get_connections_accepted (VdSimulator *self);
guint          vd_simulator_get_requests_answered (VdSimulator *self);
/* The last error code the simulator answered, or NULL. */
const char    *vd_simulator_get_last_error_code (VdSimulator *self);

G_END_DECLS
