#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

#include "vd-credentials.h"

G_BEGIN_DECLS

/* The AccessKey in the desktop keyring (the Secret Service: GNOME Keyring, KeePassXC…, or the
 * secret portal inside Flatpak), through one SecretSchema named after the app ID.
 *
 * An item carries two attributes, which are not secret and never change once shipped:
 *   "kind"           "accesskey" for the AccessKey (other kinds may share the schema later)
 *   "access-key-id"  the AccessKey ID
 * Its secret (content type text/plain) is the AccessKey secret alone, or, with an STS token,
 * the secret, one line feed, and the token. Neither can contain a line feed: both are checked
 * to hold no white space or control characters before they are stored. Only one AccessKey is
 * kept: storing one removes any other.
 *
 * Every function here is asynchronous: the keyring may have to ask the user to unlock it. */

#define VD_KEYRING_SCHEMA_NAME           "io.github.verifydesk.VerifyDesk"
#define VD_KEYRING_ATTRIBUTE_KIND        "kind"
#define VD_KEYRING_ATTRIBUTE_ACCESS_KEY  "access-key-id"
#define VD_KEYRING_KIND_ACCESS_KEY       "accesskey"
/* The password of the history server (Preferences › History server): its secret is the
 * password alone. One is kept: storing one replaces it. */
#define VD_KEYRING_KIND_HISTORY_SERVER   "history-server"

#define VD_KEYRING_ERROR (vd_keyring_error_quark ())

typedef enum {
  VD_KEYRING_ERROR_UNAVAILABLE,   /* no session bus, or no Secret Service on it */
  VD_KEYRING_ERROR_LOCKED,        /* the keyring is locked and was not unlocked */
  VD_KEYRING_ERROR_INVALID_ID,    /* the AccessKey ID is empty or has spaces or control chars */
  VD_KEYRING_ERROR_INVALID_SECRET,/* the same for the secret */
  VD_KEYRING_ERROR_INVALID_TOKEN, /* the same for the STS token */
  VD_KEYRING_ERROR_FAILED,        /* anything else the keyring answered */
} VdKeyringError;

GQuark         vd_keyring_error_quark                  (void);

/* Checks what vd_keyring_store_credentials_async would refuse, so a form can mark the field.
 * @security_token may be NULL or "". The message never quotes the value. */
gboolean       vd_keyring_check_credentials            (const char    *access_key_id,
                                                        const char    *access_key_secret,
                                                        const char    *security_token,
                                                        GError       **error);

/* Stores @credentials as the one AccessKey, replacing any other. */
void           vd_keyring_store_credentials_async      (VdCredentials        *credentials,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean       vd_keyring_store_credentials_finish     (GAsyncResult  *result,
                                                        GError       **error);

/* The stored AccessKey. Returns NULL without an error when none is stored. */
void           vd_keyring_lookup_credentials_async     (GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
VdCredentials *vd_keyring_lookup_credentials_finish    (GAsyncResult  *result,
                                                        GError       **error);

/* Removes every stored AccessKey. @removed (may be NULL) tells whether there was one. */
void           vd_keyring_clear_credentials_async      (GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean       vd_keyring_clear_credentials_finish     (GAsyncResult  *result,
                                                        gboolean      *removed,
                                                        GError       **error);

/* The history server's password: stored (replacing any other; "" or NULL removes it) and looked
 * up. The lookup returns NULL without an error when none is stored; it blocks, so it runs on
 * the history's worker thread, never on the main loop. */
void           vd_keyring_store_history_password_async  (const char           *password,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean       vd_keyring_store_history_password_finish (GAsyncResult  *result,
                                                         GError       **error);
char          *vd_keyring_lookup_history_password_sync  (GCancellable  *cancellable,
                                                         GError       **error);

/* "**************************9f (30 characters)": how `credentials show` and the Preferences
 * window show a secret. A secret of 16 characters or more shows its last two; a shorter one
 * only its length, so that the mask never gives away a useful part of it. */
char          *vd_keyring_mask_secret                  (const char *secret);

/* The app's one libsecret schema, for the other secrets kept beside the AccessKey (the
 * history's key, the supervisor PIN): they differ only in VD_KEYRING_ATTRIBUTE_KIND. */
const SecretSchema *vd_keyring_get_schema (void);

G_END_DECLS
