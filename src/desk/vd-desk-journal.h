#pragma once

#include <gio/gio.h>

#include "vd-history.h"

G_BEGIN_DECLS

/* What the desk does around one submission: record it as "sent" before the client sends it,
 * and record the answer after. It also holds the key of the ID-number HMAC: 32 random bytes
 * generated once and kept in the keyring (kind "history-key" under the app's schema), or, when
 * no keyring can be reached (a server, a CI job), in a file "history.key" (mode 0600) beside
 * the database. A key found in either place is used; a new one goes to the keyring when it can
 * be reached. */

#define VD_TYPE_DESK_JOURNAL (vd_desk_journal_get_type ())
G_DECLARE_FINAL_TYPE (VdDeskJournal, vd_desk_journal, VD, DESK_JOURNAL, GObject)

#define VD_KEYRING_KIND_HISTORY_KEY "history-key"
#define VD_HISTORY_KEY_FILE_NAME    "history.key"

/* @history must be open (or being opened: calls queue behind it). @operator_name may be NULL
 * (then the user's login name); @desk_name may be NULL (then the host name). */
VdDeskJournal   *vd_desk_journal_new                     (VdHistory  *history,
                                                          const char *operator_name,
                                                          const char *desk_name);
/* The journal a counter records with: the operator and desk names and the "keep full ID
 * numbers" preference of @settings (the app's schema; empty names mean the defaults above).
 * The window and verifydesk-cli both use it, so a verification is recorded alike from either. */
VdDeskJournal   *vd_desk_journal_new_from_settings       (VdHistory  *history,
                                                          GSettings  *settings);
VdHistory       *vd_desk_journal_get_history             (VdDeskJournal *self);
const char      *vd_desk_journal_get_operator            (VdDeskJournal *self);
const char      *vd_desk_journal_get_desk_name           (VdDeskJournal *self);
/* Uses @key (VD_HISTORY_KEY_LENGTH bytes) instead of loading it; also gives it to the store. */
void             vd_desk_journal_set_key                 (VdDeskJournal *self,
                                                          GBytes        *key);
/* The "keep full ID numbers" preference (default FALSE). */
void             vd_desk_journal_set_keep_full_id_numbers (VdDeskJournal *self,
                                                          gboolean       keep);

/* Loads the key when it is not there yet, builds the "sent" record of @request (validated)
 * and writes it. Returns the record with its id and attempt filled in; an error (disk full,
 * read-only, no key) means the request must not be sent. */
void             vd_desk_journal_record_sent_async       (VdDeskJournal         *self,
                                                          const VdVerifyRequest *request,
                                                          gboolean               training,
                                                          GCancellable          *cancellable,
                                                          GAsyncReadyCallback    callback,
                                                          gpointer               user_data);
VdHistoryRecord *vd_desk_journal_record_sent_finish      (VdDeskJournal  *self,
                                                          GAsyncResult   *result,
                                                          GError        **error);

/* Completes @sent (as returned above) with @result, or @error when there is no result. */
void             vd_desk_journal_record_finished_async   (VdDeskJournal         *self,
                                                          const VdHistoryRecord *sent,
                                                          const VdVerifyResult  *result,
                                                          const GError          *error,
                                                          GCancellable          *cancellable,
                                                          GAsyncReadyCallback    callback,
                                                          gpointer               user_data);
gboolean         vd_desk_journal_record_finished_finish  (VdDeskJournal  *self,
                                                          GAsyncResult   *result,
                                                          GError        **error);

/* The HMAC key for the history in @folder (NULL: vd_history_default_folder): from the keyring,
 * else from the key file there, else a new one (stored in the keyring, or in the key file when
 * no keyring can be reached). @where (may be NULL) receives a short description of where it
 * is kept ("the keyring", or the file's path). */
void             vd_desk_journal_load_key_async          (const char          *folder,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
GBytes          *vd_desk_journal_load_key_finish         (GAsyncResult  *result,
                                                          char         **where,
                                                          GError       **error);

G_END_DECLS
