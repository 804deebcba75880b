#pragma once

#include <gio/gio.h>

#include "vd-cloudauth-client.h"
#include "vd-desk-journal.h"
#include "vd-history.h"
#include "vd-simulator.h"
#include "vd-verification.h"

G_BEGIN_DECLS

#define VD_TYPE_DESK (vd_desk_get_type ())
G_DECLARE_FINAL_TYPE (VdDesk, vd_desk, VD, DESK, GObject)

/* The one verification workflow that every front end goes through: find the credentials (or
 * the training simulator), validate, sign and submit, and turn whatever happens into a
 * VdVerification with its verdict. In training mode the desk runs the simulator in-process
 * with its own key pair and nothing can reach the real service. */
VdDesk            *vd_desk_new                (VdCloudauthClient *client);
VdCloudauthClient *vd_desk_get_client         (VdDesk *self);
/* Switches training mode on or off. The in-process simulator starts when first needed (the
 * first verification, or vd_desk_get_simulator); a simulator that cannot start makes that
 * verification an error that says why. */
gboolean           vd_desk_set_training       (VdDesk   *self,
                                               gboolean  training,
                                               GError  **error);
gboolean           vd_desk_get_training       (VdDesk *self);
/* The simulator while in training mode, started if it was not yet (for the tests' faults),
 * else NULL. */
VdSimulator       *vd_desk_get_simulator      (VdDesk *self);
/* Credentials to use outside training mode; NULL clears them (then the desk looks them up at
 * each verification: in the environment, then in the keyring — vd-keyring.h). */
void               vd_desk_set_credentials    (VdDesk        *self,
                                               VdCredentials *credentials);

/* Records every verification in @history (open, or being opened) from now on, as made by
 * @operator_name (NULL: the user's login name): "sent" before the request leaves — when that
 * cannot be written the request is not sent and the verdict says why — and the answer after.
 * NULL stops recording. */
void               vd_desk_set_history        (VdDesk     *self,
                                               VdHistory  *history,
                                               const char *operator_name);
/* The same with a journal built by the caller (for its desk name and preferences). */
void               vd_desk_set_journal        (VdDesk        *self,
                                               VdDeskJournal *journal);
/* The journal that records for this desk (its key, the "keep full ID numbers" preference), or
 * NULL without a history. */
VdDeskJournal     *vd_desk_get_journal        (VdDesk *self);

/* Never fails: every failure (bad input, no credentials, network, gateway) is a verification
 * with outcome ERROR or UNKNOWN and a verdict that says what to do — except cancellation, which
 * returns G_IO_ERROR_CANCELLED. */
void               vd_desk_verify_async       (VdDesk                *self,
                                               const VdVerifyRequest *request,
                                               GCancellable          *cancellable,
                                               GAsyncReadyCallback    callback,
                                               gpointer               user_data);
VdVerification    *vd_desk_verify_finish      (VdDesk        *self,
                                               GAsyncResult  *result,
                                               GError       **error);

G_END_DECLS
