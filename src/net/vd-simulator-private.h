#pragma once

#include <libsoup/soup.h>

#include "vd-simulator.h"

G_BEGIN_DECLS

/* What the parts of the simulator share: the object's state (the server and dispatch in
 * vd-simulator.c, the checks in vd-simulator-checks.c, the faults in vd-simulator-faults.c)
 * and the reply one request gets. */

struct _VdSimulator
{
  GObject        parent_instance;

  SoupServer    *server;
  GMainContext  *context;
  char          *url;
  GHashTable    *keys;          /* access key id → VdCredentials */
  GHashTable    *nonces;        /* "id\nnonce" → monotonic µs when it may be forgotten */
  gint64         next_prune_us;
  VdAnswerShape  shape;
  gint64         clock_offset_s;
  GQueue         faults;
  GList         *pending;       /* answers a fault still holds (vd-simulator-faults.c) */
  guint          requests_received;
  GHashTable    *peers;         /* "address:port" of every client connection seen */
  guint          requests_answered;
  char          *last_error_code;
};

/* What goes back for one request. */
typedef struct {
  guint       status;
  char       *body;
  gsize       length;
  const char *content_type;
  char       *error_code;
  guint       retry_after_ms;   /* 0: no x-acs-retry-after */
} VdSimulatorReply;

/* A gateway error as the reply: @code with its HTTP @status and @message, in XML or JSON. */
void vd_simulator_reply_set_error (VdSimulatorReply *reply,
                                   guint             status,
                                   const char       *code,
                                   const char       *message,
                                   const char       *request_id,
                                   gboolean          xml);

G_END_DECLS
