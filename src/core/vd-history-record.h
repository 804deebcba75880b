#pragma once

#include <glib-object.h>

#include "vd-outcome.h"
#include "vd-verify-request.h"
#include "vd-verify-result.h"

G_BEGIN_DECLS

/* One verification as the history keeps it: plain data, filled from a request and then from
 * the answer (a result, or an error). It never holds the AccessKey secret, and it holds the
 * full ID number only when the "keep full ID numbers" preference is on (default off): the
 * number is otherwise kept masked, plus a keyed HMAC-SHA256 of the normalised number so that a
 * supervisor can find a person by the full number without the database holding it. */

/* The key of that HMAC: 32 random bytes, generated once per installation. */
#define VD_HISTORY_KEY_LENGTH 32

typedef enum {
  VD_HISTORY_STATE_SENT,        /* written before the request left; no answer yet */
  VD_HISTORY_STATE_FINISHED,    /* the answer (or the error) is recorded */
  VD_HISTORY_STATE_INTERRUPTED, /* still "sent" when the process that sent it ended: a crash,
                                 * a kill or a power cut; the outcome is unknown */
} VdHistoryState;

typedef struct {
  gint64          id;                 /* the store's row id; 0 until stored */
  char           *uuid;               /* random, per record, for idempotent forwarding */
  GDateTime      *time;               /* when it was recorded as sent (UTC) */
  GDateTime      *finished_time;      /* when the answer was recorded, or NULL */
  char           *operator_name;      /* "" when unknown */
  char           *desk;               /* the desk's name, "" when unknown */
  char           *biz_type;
  char           *biz_id;
  guint           attempt;            /* 1-based: submissions of this BizId so far, this one
                                       * included; set by the store when recorded as sent */
  char           *name;
  char           *id_number_masked;   /* vd_id_number_mask of the normalised number */
  char           *id_number_hmac;     /* lower-case hex HMAC-SHA256 (vd_history_id_number_hmac) */
  char           *id_number_full;     /* NULL unless the preference keeps full numbers */
  VdHistoryState  state;
  VdOutcome       outcome;            /* UNKNOWN while sent or interrupted */
  gboolean        has_verify_status;
  int             verify_status;      /* VerifyStatus (VD_ANSWER_VERDICT) */
  gboolean        has_score;
  double          score;              /* AuthorityComparisonScore */
  gboolean        has_card_face_score;
  double          card_face_score;    /* IdCardFaceComparisonScore */
  VdIdCardInfo   *ocr;                /* NULL when none; its number is masked */
  char           *error_code;         /* the answer's Code, the seed's 3101…, or for a local
                                       * error "domain:code" (e.g. "vd-client-error-quark:4") */
  char           *error_message;
  char           *request_id;
  char           *verify_token;
  gboolean        training;
  char           *desk_id;            /* the installation that recorded it: a UUID kept in its
                                       * data folder; "" until stored (the store fills it in) */
} VdHistoryRecord;

#define VD_TYPE_HISTORY_RECORD (vd_history_record_get_type ())

GType            vd_history_record_get_type      (void) G_GNUC_CONST;
/* An empty record: state SENT, outcome UNKNOWN, a fresh uuid, time now. */
VdHistoryRecord *vd_history_record_new           (void);
VdHistoryRecord *vd_history_record_copy          (const VdHistoryRecord *self);
void             vd_history_record_free          (VdHistoryRecord *self);

/* The "sent" record for @request (validated: its ID number normalised). @key is the HMAC key
 * (VD_HISTORY_KEY_LENGTH bytes). The full number is copied only when @keep_full_id_number. */
VdHistoryRecord *vd_history_record_new_sent      (const VdVerifyRequest *request,
                                                  GBytes                *key,
                                                  gboolean               keep_full_id_number,
                                                  gboolean               training,
                                                  const char            *operator_name,
                                                  const char            *desk);
/* Fills in the answer: state FINISHED, the outcome, status, scores, OCR (number masked),
 * codes, RequestId and VerifyToken from @result; or, when @result is NULL, outcome ERROR or
 * UNKNOWN (as vd_verdict_for_error decides) and the code and message of @error. */
void             vd_history_record_set_answer    (VdHistoryRecord      *self,
                                                  const VdVerifyResult *result,
                                                  const GError         *error);

/* The outcome to show: UNKNOWN for a record that is not FINISHED, whatever it holds. */
VdOutcome        vd_history_record_get_outcome   (const VdHistoryRecord *self);
/* "sent", "finished", "interrupted" (stable: stored and printed). */
const char      *vd_history_state_to_string      (VdHistoryState state);
gboolean         vd_history_state_from_string    (const char     *text,
                                                  VdHistoryState *state);

/* Lower-case hex HMAC-SHA256 of the normalised @id_number (vd_id_number_normalize) keyed with
 * @key; the same number typed with spaces or a lower-case x gives the same value. NULL when
 * @key is not VD_HISTORY_KEY_LENGTH bytes. */
char            *vd_history_id_number_hmac       (GBytes     *key,
                                                  const char *id_number);
/* A copy of @info with its number masked (NULL for NULL). */
VdIdCardInfo    *vd_history_ocr_copy_masked      (const VdIdCardInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdHistoryRecord, vd_history_record_free)

G_END_DECLS
