#pragma once

#include "vd-params.h"

G_BEGIN_DECLS

#define VD_CLOUDAUTH_ACTION       "VerifyMaterial"
#define VD_CLOUDAUTH_SEED_ACTION  "VerifyMaterials"
#define VD_CLOUDAUTH_VERSION      "2019-03-07"
#define VD_CLOUDAUTH_REGION       "cn-hangzhou"
#define VD_BIZ_ID_MAX_LENGTH      64
#define VD_DEFAULT_BIZ_TYPE       "RPMinTest"

#define VD_REQUEST_ERROR (vd_request_error_quark ())

/* Which field of a request is wrong; the error message says why and what to do. */
typedef enum {
  VD_REQUEST_ERROR_NAME,
  VD_REQUEST_ERROR_ID_NUMBER,
  VD_REQUEST_ERROR_FACE_URL,
  VD_REQUEST_ERROR_FRONT_URL,
  VD_REQUEST_ERROR_BACK_URL,
  VD_REQUEST_ERROR_USER_ID,
  VD_REQUEST_ERROR_BIZ_TYPE,
  VD_REQUEST_ERROR_BIZ_ID,
} VdRequestError;

/* One submission of a verification task. A task is identified by its BizId: a resubmission of
 * the same task keeps it, a new task gets a new one (vd_verify_request_new_task). */
typedef struct {
  char *biz_type;
  char *biz_id;
  char *user_id;     /* optional */
  char *name;
  char *id_number;   /* as typed; normalised by validate */
  char *face_url;
  char *front_url;   /* optional */
  char *back_url;    /* optional */
  char *region_id;
} VdVerifyRequest;

#define VD_TYPE_VERIFY_REQUEST (vd_verify_request_get_type ())

GType            vd_verify_request_get_type  (void) G_GNUC_CONST;
GQuark           vd_request_error_quark      (void);
/* A new task: a fresh UUID BizId, the default region and @biz_type (NULL: the default). */
VdVerifyRequest *vd_verify_request_new_task  (const char *biz_type);
VdVerifyRequest *vd_verify_request_copy      (const VdVerifyRequest *self);
void             vd_verify_request_free      (VdVerifyRequest *self);
/* Checks every field in form order and stops at the first wrong one; normalises the ID number
 * in place. @today as for vd_id_number_validate. */
gboolean         vd_verify_request_validate  (VdVerifyRequest *self,
                                              GDateTime       *today,
                                              GError         **error);
/* The business parameters (RegionId, BizType, BizId, UserId, Name, IdCardNumber, the URLs);
 * empty optional fields are left out. */
VdParams        *vd_verify_request_to_params (const VdVerifyRequest *self);

/* An image URL the service can fetch: http or https with a host. A local path or file: URL is
 * refused with "upload the photo first: the service fetches images from the internet".
 * @field_label names the field in the message. */
gboolean         vd_image_url_check          (const char *url,
                                              const char *field_label,
                                              GError    **error);
/* A new BizId (a random UUID). */
char            *vd_biz_id_new               (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdVerifyRequest, vd_verify_request_free)

G_END_DECLS
