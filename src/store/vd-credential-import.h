#pragma once

#include <gio/gio.h>

#include "vd-credentials.h"

G_BEGIN_DECLS

/* AccessKeys that other Alibaba Cloud tools already keep on this computer, offered once for
 * import into the keyring (cloudauth-api.md §5):
 *   - the environment: ALIBABA_CLOUD_ACCESS_KEY_ID, _SECRET and _SECURITY_TOKEN;
 *   - the aliyun CLI's ~/.aliyun/config.json: profiles of mode "AK" or "StsToken" ("current"
 *     names the default one);
 *   - the SDKs' INI file ~/.alibabacloud/credentials: sections of type "access_key", or "sts"
 *     with a security_token.
 * The files may be hand-edited or hostile: anything over VD_CREDENTIAL_IMPORT_MAX_FILE_SIZE,
 * not a regular file, not JSON or of the wrong shape is skipped with a problem in words; a
 * profile of another mode (RamRoleArn…) is skipped with a problem saying so. */

#define VD_CREDENTIAL_IMPORT_MAX_FILE_SIZE (1024 * 1024)

typedef enum {
  VD_CREDENTIAL_SOURCE_ENVIRONMENT,
  VD_CREDENTIAL_SOURCE_ALIYUN_CLI,
  VD_CREDENTIAL_SOURCE_SDK_INI,
} VdCredentialSource;

typedef struct {
  VdCredentialSource  source;
  char               *profile;      /* profile or section name; NULL for the environment */
  char               *description;  /* “aliyun CLI profile “default” (~/.aliyun/config.json)” */
  char               *masked_id;    /* vd_credentials_mask_id of the AccessKey ID */
  gboolean            has_token;    /* an STS token comes with it */
  gboolean            is_default;   /* the CLI's current profile, or the INI's [default] */
  VdCredentials      *credentials;
} VdCredentialCandidate;

void       vd_credential_candidate_free  (VdCredentialCandidate *candidate);

/* The candidates in this order: the environment, the CLI's profiles (its current one first),
 * the INI's sections ([default] first). @home is the folder the files are under (NULL: the
 * user's home). @problems (may be NULL) receives one sentence per thing that was skipped, or
 * NULL when there was none. Never fails: a missing file is simply not a source. */
GPtrArray *vd_credential_import_find          (const char   *home,
                                               char       ***problems);

/* The same in a worker thread, for a window. */
void       vd_credential_import_find_async    (const char          *home,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GPtrArray *vd_credential_import_find_finish   (GAsyncResult  *result,
                                               char        ***problems,
                                               GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdCredentialCandidate, vd_credential_candidate_free)

G_END_DECLS
