#pragma once

#include "vd-history-private.h"

G_BEGIN_DECLS

/* Where the worker's messages are carried out: the local SQLite file (vd-history-sqlite.c), or
 * a PostgreSQL server shared by many desks with the SQLite file as its offline queue
 * (vd-history-pg.c). Private to the store; every function runs on the worker thread, which
 * owns the backend from its creation at the first open to its end. */

typedef struct _VdHistoryBackend VdHistoryBackend;

/* Carries out @message, filling in its answer. */
typedef gboolean (*VdHistoryHandler) (VdHistoryBackend  *backend,
                                      VdHistoryMessage  *message,
                                      GError           **error);

typedef struct {
  VdHistoryHandler  open;
  VdHistoryHandler  record_sent;
  VdHistoryHandler  record_finished;
  VdHistoryHandler  insert;
  VdHistoryHandler  purge;
  VdHistoryHandler  get;
  VdHistoryHandler  list;
  VdHistoryHandler  count;
  /* Whether open succeeded (a server backend stays "open" while its server is away). */
  gboolean        (*is_open)   (VdHistoryBackend *backend);
  /* Called when no message came for a while: a chance to forward what waits. May be NULL. */
  void            (*idle)      (VdHistoryBackend *backend);
  /* How many records wait to be sent to the server, and whether it is out of reach. */
  void            (*get_state) (VdHistoryBackend *backend,
                                guint            *n_waiting,
                                gboolean         *offline);
  /* This installation's desk identity, once open. */
  const char     *(*get_desk_id) (VdHistoryBackend *backend);
  void            (*free)      (VdHistoryBackend *backend);
} VdHistoryBackendClass;

struct _VdHistoryBackend
{
  const VdHistoryBackendClass *klass;
};

void              vd_history_backend_free (VdHistoryBackend *backend);

/* --- SQLite (vd-history-sqlite.c) --- */

/* The file at @path, capped at @page_limit pages (0: no cap). With @queue, every record
 * written is marked as waiting to be forwarded (forwarded = 0), and a completion of a record it
 * does not hold is written whole, so that it can be forwarded too. */
VdHistoryBackend *vd_history_sqlite_new            (const char        *path,
                                                    guint              page_limit,
                                                    gboolean           queue);
/* This installation's desk identity, known once open. */
const char       *vd_history_sqlite_get_desk_id    (VdHistoryBackend  *backend);
/* The oldest record waiting to be forwarded, or NULL (with no error) when none waits. */
VdHistoryRecord  *vd_history_sqlite_next_waiting   (VdHistoryBackend  *backend,
                                                    GError           **error);
gboolean          vd_history_sqlite_mark_forwarded (VdHistoryBackend  *backend,
                                                    gint64             id,
                                                    GError           **error);
guint             vd_history_sqlite_count_waiting  (VdHistoryBackend  *backend);

/* --- PostgreSQL (vd-history-pg.c) --- */

/* The server at @uri (a libpq URI or key=value string), logging in with @password when not
 * NULL, else the URI's own, else the one stored in the keyring. After a failed connection the
 * next attempt waits @retry_interval_ms (0: the default, 10 s). @local is the SQLite queue
 * (taken). */
VdHistoryBackend *vd_history_pg_new                (const char        *uri,
                                                    const char        *password,
                                                    guint              retry_interval_ms,
                                                    VdHistoryBackend  *local);

G_END_DECLS
