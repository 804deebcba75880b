#pragma once

#include "vd-history-record.h"
#include "vd-verification.h"

G_BEGIN_DECLS

/* What the result view shows for a history record: its verdict rebuilt from what the record
 * keeps (the answer, or the error's domain and code), with no "Resubmit" or "Preferences"
 * button — the history shows what happened, it does not act on it. */
VdVerification *vd_history_verification_for_record (const VdHistoryRecord *record);

G_END_DECLS
