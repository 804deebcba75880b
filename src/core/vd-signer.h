#pragma once

#include "vd-credentials.h"
#include "vd-params.h"

G_BEGIN_DECLS

/* The two Alibaba Cloud request signatures (cloudauth-api.md §4). v3 is the default, as in the
 * current official SDK; v1 is what the seed's "public parameters" describe. */
typedef enum {
  VD_SIGNATURE_V3,
  VD_SIGNATURE_V1,
} VdSignatureScheme;

#define VD_SIGNATURE_V1_METHOD  "HMAC-SHA1"
#define VD_SIGNATURE_V1_VERSION "1.0"
#define VD_SIGNATURE_V3_ALGORITHM "ACS3-HMAC-SHA256"

/* "v1"/"v3"; parse returns FALSE for anything else. */
const char *vd_signature_scheme_to_string (VdSignatureScheme  scheme);
gboolean    vd_signature_scheme_parse     (const char        *text,
                                           VdSignatureScheme *scheme);

/* "YYYY-MM-DDThh:mm:ssZ" in UTC, whatever the zone of @time. */
char       *vd_sign_format_timestamp      (GDateTime *time);
/* Parses that form (only that form). NULL when it is not one. */
GDateTime  *vd_sign_parse_timestamp       (const char *text);
/* Lower-case hex SHA-256 of @body (NULL is the empty body). */
char       *vd_sign_payload_hash          (GBytes *body);

/* --- v1 (HMAC-SHA1) --- */

/* METHOD&%2F&enc(canonical query); @params must not contain "Signature". */
char       *vd_sign_v1_string_to_sign     (const char     *method,
                                           const VdParams *params);
/* base64 HMAC-SHA1 keyed with secret + "&". */
char       *vd_sign_v1_signature          (const char *access_key_secret,
                                           const char *string_to_sign);

/* --- v3 (ACS3-HMAC-SHA256) --- */

/* @headers: the headers to sign with lower-case names (host, content-type if sent, every
 * x-acs-*); values are trimmed here. @signed_headers receives the names joined by ';'. */
char       *vd_sign_v3_canonical_request  (const char     *method,
                                           const char     *path,
                                           const VdParams *query,
                                           const VdParams *headers,
                                           const char     *payload_hash,
                                           char          **signed_headers);
/* "ACS3-HMAC-SHA256\n" + hex SHA-256 of the canonical request. */
char       *vd_sign_v3_string_to_sign     (const char *canonical_request);
/* Lower-case hex HMAC-SHA256 keyed with the secret itself. */
char       *vd_sign_v3_signature          (const char *access_key_secret,
                                           const char *string_to_sign);
/* Splits "ACS3-HMAC-SHA256 Credential=ID,SignedHeaders=a;b,Signature=hex". FALSE when
 * malformed. */
gboolean    vd_sign_v3_parse_authorization (const char *authorization,
                                            char      **access_key_id,
                                            char      **signed_headers,
                                            char      **signature);

/* --- a whole request --- */

/* What goes on the wire: the query string and the headers to add. For v1 the query holds the
 * common parameters and Signature and @headers is empty; for v3 the query holds the business
 * parameters and @headers holds host, x-acs-* and Authorization. */
typedef struct {
  VdParams *query;
  VdParams *headers;
} VdSignedRequest;

void             vd_signed_request_free (VdSignedRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdSignedRequest, vd_signed_request_free)

/* Signs one attempt. @params are the business parameters (RegionId, BizType, …); @action and
 * @version go in the common parameters (v1) or the x-acs-action/x-acs-version headers (v3).
 * v1 also gets Format=@format (NULL: JSON). A retry must call this again with a fresh @nonce
 * and @now, never reuse a signed request. @body is the request body (NULL: empty). */
VdSignedRequest *vd_sign_request        (VdSignatureScheme    scheme,
                                         const char          *method,
                                         const char          *host,
                                         const char          *action,
                                         const char          *version,
                                         const char          *format,
                                         const VdParams      *params,
                                         GBytes              *body,
                                         const VdCredentials *credentials,
                                         GDateTime           *now,
                                         const char          *nonce);

G_END_DECLS
