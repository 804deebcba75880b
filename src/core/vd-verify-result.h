#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The OCR of the ID card (Material.IdCardInfo). Every field may be NULL: OCR appears only when
 * card images were sent, and may be partial. Dates are normalised to yyyy-MM-dd; an end date of
 * 长期, 00000000 or "" means no expiry (end_date NULL, no_expiry TRUE). */
typedef struct {
  char     *name;
  char     *number;
  char     *sex;
  char     *nationality;
  char     *birth;
  char     *address;
  char     *authority;
  char     *start_date;
  char     *end_date;
  gboolean  no_expiry;
  char     *front_image_url;
  char     *back_image_url;
} VdIdCardInfo;

/* What kind of answer the service gave. */
typedef enum {
  VD_ANSWER_VERDICT,         /* a VerifyStatus: 1 passed, anything else not passed */
  VD_ANSWER_IDENTITY_ERROR,  /* the seed's 3101/3102/3103: not passed, no VerifyStatus */
  VD_ANSWER_GATEWAY_ERROR,   /* the gateway refused the request: Code/Message, no verdict */
} VdAnswerKind;

/* One parsed answer. Plain data: read the fields, do not change them after parsing. */
typedef struct {
  VdAnswerKind  kind;
  guint         http_status;
  char         *request_id;
  /* VD_ANSWER_VERDICT */
  int           verify_status;
  char         *verify_token;
  gboolean      has_score;
  double        score;               /* AuthorityComparisonScore (either spelling), 0–100 */
  gboolean      has_card_face_score;
  double        card_face_score;     /* IdCardFaceComparisonScore */
  char         *face_image_url;      /* Material.FaceImageUrl */
  char         *material_name;       /* Material.IdCardName */
  char         *material_number;     /* Material.IdCardNumber */
  char         *face_quality;        /* UNQUALIFIED / LOW / NORMAL / HIGH, or NULL */
  char         *face_mask;           /* "true" / "false", or NULL */
  VdIdCardInfo *id_card;             /* NULL when the answer has no OCR */
  /* VD_ANSWER_IDENTITY_ERROR and VD_ANSWER_GATEWAY_ERROR */
  char         *code;
  char         *message;
  char         *recommend;
  char         *host_id;
  /* Filled by the client, not the parser: how far this computer's clock is from the service's
   * (the answer's Date header minus local time), for InvalidTimeStamp.Expired. */
  gboolean      has_clock_offset;
  gint64        clock_offset_seconds;
  /* Filled by the client: the answer's x-acs-retry-after, in milliseconds, or 0. */
  guint         retry_after_ms;
} VdVerifyResult;

#define VD_TYPE_VERIFY_RESULT (vd_verify_result_get_type ())

GType           vd_verify_result_get_type (void) G_GNUC_CONST;
VdVerifyResult *vd_verify_result_new      (VdAnswerKind kind);
VdVerifyResult *vd_verify_result_ref      (VdVerifyResult *self);
void            vd_verify_result_unref    (VdVerifyResult *self);
VdIdCardInfo   *vd_id_card_info_new       (void);
void            vd_id_card_info_free      (VdIdCardInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdVerifyResult, vd_verify_result_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdIdCardInfo, vd_id_card_info_free)

G_END_DECLS
