#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A throwaway PostgreSQL server from Debian's packages (/usr/lib/postgresql/15/bin, or
 * $VD_PG_BINDIR) in a temporary folder, on 127.0.0.1 at a free port, with one role
 * "verifydesk" that logs in with @password (scram-sha-256). As root, the server runs as the
 * user "nobody" (PostgreSQL refuses root). A guardian process stops the server and removes the
 * folder when the test process ends, however it ends (an assertion, a signal, a timeout). */
typedef struct _VdPgServer VdPgServer;

VdPgServer *vd_pg_server_start   (const char *password);
/* Stops it ("fast": connections are closed) and starts it again on the same port. */
void        vd_pg_server_stop    (VdPgServer *server);
void        vd_pg_server_restart (VdPgServer *server);
/* postgresql://verifydesk@127.0.0.1:PORT/@database — never with the password. */
char       *vd_pg_server_uri     (VdPgServer *server,
                                  const char *database);
/* Creates @database (through psql). */
void        vd_pg_server_create_database (VdPgServer *server,
                                          const char *database);
/* Runs @sql through psql on @database and returns its output (unaligned, tuples only). */
char       *vd_pg_server_query   (VdPgServer *server,
                                  const char *database,
                                  const char *sql);
/* The server's temporary folder, which the guardian removes whatever happens: a test keeps its
 * own files there too. */
const char *vd_pg_server_get_folder (VdPgServer *server);
/* Stops the server and removes its folder. */
void        vd_pg_server_free    (VdPgServer *server);

G_END_DECLS
