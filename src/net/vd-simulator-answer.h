#pragma once

#include "vd-params.h"
#include "vd-simulator.h"

G_BEGIN_DECLS

/* The business side of the simulator, apart from HTTP and authentication: given the accepted
 * business parameters, the answer body the gateway sends, chosen by the rules in
 * vd-sample-customers.h. @request_id is put in the answer. Returns the body; sets
 * @content_type ("application/json;charset=utf-8" or "text/xml;charset=utf-8"). */
char *vd_simulator_answer_build (const VdParams *params,
                                 VdAnswerShape   shape,
                                 const char     *request_id,
                                 GDateTime      *today,
                                 const char    **content_type);

/* What the HTTP side may change in a business answer (added for the faults and for v1's XML). */
typedef struct {
  gboolean xml;           /* XML instead of JSON: FLAT becomes <VerifyMaterialResponse>,
                           * SEED_JSON becomes SEED_XML (a v1 request without Format=JSON) */
  int      forced_status; /* 0: by the rules; otherwise a verdict with this VerifyStatus */
  gboolean omit_status;   /* a verdict without VerifyStatus (VD_FAULT_NO_STATUS) */
} VdAnswerOptions;

/* vd_simulator_answer_build with @options (NULL: none). */
char *vd_simulator_answer_build_full (const VdParams        *params,
                                      VdAnswerShape          shape,
                                      const VdAnswerOptions *options,
                                      const char            *request_id,
                                      GDateTime             *today,
                                      const char           **content_type);

/* A gateway error body ({"RequestId","HostId","Code","Message","Recommend"} or XML <Error>). */
char *vd_simulator_error_build  (const char  *code,
                                 const char  *message,
                                 const char  *request_id,
                                 gboolean     xml,
                                 const char **content_type);

G_END_DECLS
