#pragma once

#include "vd-verify-result.h"

G_BEGIN_DECLS

#define VD_ANSWER_ERROR (vd_answer_error_quark ())

/* Why an answer is not a result. Each message says what was wrong in the answer. */
typedef enum {
  VD_ANSWER_ERROR_EMPTY,          /* no body at all */
  VD_ANSWER_ERROR_SYNTAX,         /* neither JSON nor XML, or broken JSON/XML */
  VD_ANSWER_ERROR_ENCODING,       /* not valid UTF-8 */
  VD_ANSWER_ERROR_MISSING_FIELD,  /* e.g. no VerifyStatus and no error code */
  VD_ANSWER_ERROR_BAD_VALUE,      /* e.g. VerifyStatus "abc", a score of 250 */
  VD_ANSWER_ERROR_TOO_LARGE,      /* over the cap (set by the client while reading) */
} VdAnswerError;

GQuark          vd_answer_error_quark (void);

/* Parses any of the three answer shapes (cloudauth-api.md §2): the real flat JSON, the seed's
 * wrapped JSON ({"VerifyMaterials": {"Data": …, "Success", "Code"}}) and the seed's XML
 * (<VerifyMaterialsResponse><Data>…</Data>…), plus the gateway error body in JSON or XML
 * (<Error>). Numbers may be strings; the score may be spelled AuthorityComparisonScore or
 * AuthorityComparisionScore. The seed's 3101/3102/3103 become VD_ANSWER_IDENTITY_ERROR whether
 * they come in a 200 body or an error body. An HTTP status ≥ 400 with a parseable error body
 * becomes VD_ANSWER_GATEWAY_ERROR. Anything missing or malformed is a VD_ANSWER_ERROR — never
 * a verdict. The body need not be NUL-terminated. */
VdVerifyResult *vd_answer_parse       (guint         http_status,
                                       const char   *body,
                                       gsize         length,
                                       GError      **error);

G_END_DECLS
