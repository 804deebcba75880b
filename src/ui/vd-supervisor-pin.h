#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The supervisor PIN: optional, it locks the history window (beyond today's records of this
 * desk) and its export. The keyring keeps only a salted, iterated hash of it — PBKDF2 with
 * HMAC-SHA256 — as an item of the app's schema (vd-keyring.h) with the kind below, never the
 * PIN itself. The stored text is "pbkdf2-sha256$ITERATIONS$SALT_HEX$HASH_HEX".
 *
 * Every keyring call is asynchronous and hashing runs in a thread: the main loop never waits
 * on either. */

#define VD_KEYRING_KIND_SUPERVISOR_PIN  "supervisor-pin"
#define VD_SUPERVISOR_PIN_MIN_LENGTH    4
#define VD_SUPERVISOR_PIN_MAX_LENGTH    12
#define VD_SUPERVISOR_PIN_ITERATIONS    200000
#define VD_SUPERVISOR_PIN_SALT_LENGTH   16

#define VD_SUPERVISOR_PIN_ERROR (vd_supervisor_pin_error_quark ())

typedef enum {
  VD_SUPERVISOR_PIN_ERROR_INVALID,     /* not 4 to 12 digits */
  VD_SUPERVISOR_PIN_ERROR_MISMATCH,    /* the two entries of a new PIN differ */
  VD_SUPERVISOR_PIN_ERROR_UNAVAILABLE, /* the keyring cannot be reached or is locked */
  VD_SUPERVISOR_PIN_ERROR_DAMAGED,     /* the stored hash is not in the expected form */
  VD_SUPERVISOR_PIN_ERROR_FAILED,      /* anything else the keyring answered */
} VdSupervisorPinError;

GQuark    vd_supervisor_pin_error_quark  (void);

/* Whether @pin can be a PIN: 4 to 12 digits. The message never quotes the value. */
gboolean  vd_supervisor_pin_check        (const char    *pin,
                                          GError       **error);
/* The stored form of @pin with @salt (not empty; a stored PIN has VD_SUPERVISOR_PIN_SALT_LENGTH
 * bytes, and one with fewer than 8 is refused as damaged) and @iterations (at least 1).
 * Slow by design: call it from a thread. */
char     *vd_supervisor_pin_hash         (const char    *pin,
                                          GBytes        *salt,
                                          guint          iterations);
/* Whether @pin hashes to @stored, compared in constant time. FALSE with an error when @stored
 * is damaged. Slow by design: call it from a thread. */
gboolean  vd_supervisor_pin_matches      (const char    *stored,
                                          const char    *pin,
                                          GError       **error);

/* Hashes @pin (checked first) with a fresh salt and stores it, replacing any PIN. */
void      vd_supervisor_pin_store_async  (const char          *pin,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean  vd_supervisor_pin_store_finish (GAsyncResult  *result,
                                          GError       **error);

/* Whether a PIN is set. An unreachable keyring is an error, never "no PIN". */
void      vd_supervisor_pin_is_set_async  (GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean  vd_supervisor_pin_is_set_finish (GAsyncResult  *result,
                                           gboolean      *is_set,
                                           GError       **error);

/* Whether @pin is the stored PIN (@matches FALSE when none is set). */
void      vd_supervisor_pin_verify_async  (const char          *pin,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean  vd_supervisor_pin_verify_finish (GAsyncResult  *result,
                                           gboolean      *matches,
                                           GError       **error);

/* Removes the PIN. */
void      vd_supervisor_pin_clear_async  (GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean  vd_supervisor_pin_clear_finish (GAsyncResult  *result,
                                          GError       **error);

/* --- dialogs (AdwMessageDialog with a password entry, modal over @parent) --- */

/* Asks for the PIN until the right one is entered or the dialog is dismissed; a wrong PIN
 * shows the dialog again, saying so. TRUE when unlocked; G_IO_ERROR_CANCELLED when dismissed;
 * a VD_SUPERVISOR_PIN_ERROR when the keyring failed. */
void      vd_supervisor_pin_unlock_async  (GtkWindow           *parent,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean  vd_supervisor_pin_unlock_finish (GAsyncResult  *result,
                                           GError       **error);

/* Asks for a new PIN twice and stores it. TRUE when stored; G_IO_ERROR_CANCELLED when
 * dismissed. */
void      vd_supervisor_pin_choose_async  (GtkWindow           *parent,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean  vd_supervisor_pin_choose_finish (GAsyncResult  *result,
                                           GError       **error);

/* The dialog now shown by an unlock or choose call over @parent, or NULL (for the tests). Its
 * extra child is a box holding the password entries (GtkPasswordEntry, in order) and the
 * message label. */
AdwMessageDialog *vd_supervisor_pin_get_dialog (GtkWindow *parent);

G_END_DECLS
