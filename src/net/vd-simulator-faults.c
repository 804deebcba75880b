/* vd-simulator-faults.c: the faults the simulator plays for the tests
 *
 * A queued fault either replaces the gateway's processing (a 5xx, Throttling, a reset, a body
 * that is garbage, oversized, empty, lacks VerifyStatus or is not UTF-8) or shapes the normal
 * answer on its way out (held back, dripped a byte at a time, cut off part way). An answer held
 * back stays "pending" until it is out, its client goes away, or the simulator disconnects.
 */

#define G_LOG_DOMAIN "vd-simulator"

#include "config.h"

#include <string.h>

#include "vd-context-source.h"
#include "vd-simulator-answer.h"
#include "vd-simulator-faults.h"

#define JSON_CONTENT_TYPE "application/json;charset=utf-8"
/* How long a cut answer's first part has to reach the client before the connection closes. */
#define CUT_DELAY_MS 50

/* A message whose answer is still in the simulator's hands (a fault): the timer or idle that
 * will move it on, and the signal handlers that drop it if the client goes away first. */
typedef struct {
  VdSimulator       *self;
  SoupServerMessage *msg;
  GSource           *source;
  GBytes            *body;      /* DRIP: the whole answer */
  gsize              sent;      /* DRIP: how much of it went out */
  gulong             finished_id;
  gulong             disconnected_id;
} Pending;

static gboolean
do_nothing (gpointer data)
{
  return G_SOURCE_REMOVE;
}

static void
pending_free (Pending  *pending,
              gboolean  in_emission)
{
  vd_context_source_clear (&pending->source);
  g_clear_signal_handler (&pending->finished_id, pending->msg);
  g_clear_signal_handler (&pending->disconnected_id, pending->msg);
  g_clear_pointer (&pending->body, g_bytes_unref);

  /* Inside one of the message's own signals its last reference must not go yet: an idle
   * drops it once the emission is over. */
  if (in_emission)
    {
      GSource *later = g_idle_source_new ();

      g_source_set_callback (later, do_nothing, g_steal_pointer (&pending->msg), g_object_unref);
      g_source_attach (later, pending->self->context);
      g_source_unref (later);
    }
  g_clear_object (&pending->msg);
  g_free (pending);
}

static void
pending_drop (Pending  *pending,
              gboolean  in_emission)
{
  VdSimulator *self = pending->self;

  self->pending = g_list_remove (self->pending, pending);
  pending_free (pending, in_emission);
}

/* The message finished or its client went away: nothing may touch it any more. */
static void
on_pending_message_gone (SoupServerMessage *msg,
                         gpointer           data)
{
  pending_drop (data, TRUE);
}

static Pending *
pending_new (VdSimulator       *self,
             SoupServerMessage *msg,
             GSource           *source,
             GSourceFunc        callback)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->self = self;
  pending->msg = g_object_ref (msg);
  pending->source = source;
  pending->finished_id = g_signal_connect (msg, "finished",
                                           G_CALLBACK (on_pending_message_gone), pending);
  pending->disconnected_id = g_signal_connect (msg, "disconnected",
                                               G_CALLBACK (on_pending_message_gone), pending);
  vd_context_source_attach (source, self->context, callback, pending);
  self->pending = g_list_prepend (self->pending, pending);

  return pending;
}

static gboolean
on_delay_elapsed (gpointer data)
{
  Pending *pending = data;

  g_clear_pointer (&pending->source, g_source_unref);
  soup_server_message_unpause (pending->msg);
  return G_SOURCE_REMOVE;
}

/* One more byte of the answer; the message stays ours until it has finished. */
static gboolean
on_drip_tick (gpointer data)
{
  Pending *pending = data;
  SoupMessageBody *body = soup_server_message_get_response_body (pending->msg);
  gsize size;
  const guint8 *bytes = g_bytes_get_data (pending->body, &size);

  if (pending->sent < size)
    soup_message_body_append (body, SOUP_MEMORY_COPY, bytes + pending->sent++, 1);
  if (pending->sent == size)
    soup_message_body_complete (body);
  soup_server_message_unpause (pending->msg);

  if (pending->sent < size)
    return G_SOURCE_CONTINUE;

  g_clear_pointer (&pending->source, g_source_unref);
  return G_SOURCE_REMOVE;
}

static gboolean
on_reset (gpointer data)
{
  Pending *pending = data;
  g_autoptr(SoupServerMessage) msg = g_object_ref (pending->msg);
  g_autoptr(GIOStream) stream = NULL;

  g_clear_pointer (&pending->source, g_source_unref);
  pending_drop (pending, FALSE);

  stream = soup_server_message_steal_connection (msg);
  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);

  return G_SOURCE_REMOVE;
}

/* The part of the answer that goes out before the cut. */
static gboolean
on_cut_first_part (gpointer data)
{
  Pending *pending = data;
  SoupMessageBody *body = soup_server_message_get_response_body (pending->msg);
  gsize size;
  const guint8 *bytes = g_bytes_get_data (pending->body, &size);

  g_clear_pointer (&pending->source, g_source_unref);
  soup_message_body_append (body, SOUP_MEMORY_COPY, bytes, MIN (pending->sent, size));
  soup_server_message_unpause (pending->msg);

  /* Then, once that part is surely on the wire, the connection goes. */
  pending->source = vd_context_timeout_attach (pending->self->context, CUT_DELAY_MS, on_reset,
                                               pending);
  return G_SOURCE_REMOVE;
}

void
vd_simulator_start_cut (VdSimulator       *self,
                        SoupServerMessage *msg,
                        VdSimulatorReply  *reply,
                        gsize              length)
{
  Pending *pending = pending_new (self, msg, g_idle_source_new (), on_cut_first_part);

  /* The whole answer's length is announced, as a real gateway does, so that the client can
   * tell a cut answer from a complete one. */
  soup_message_headers_set_content_length (soup_server_message_get_response_headers (msg),
                                           reply->length);
  pending->body = g_bytes_new_take (g_steal_pointer (&reply->body), reply->length);
  /* At least one byte is held back: the answer must stay incomplete. */
  pending->sent = MIN (length, reply->length > 0 ? reply->length - 1 : 0);
}

void
vd_simulator_start_delay (VdSimulator       *self,
                          SoupServerMessage *msg,
                          guint              delay_ms)
{
  soup_server_message_pause (msg);
  pending_new (self, msg, g_timeout_source_new (delay_ms), on_delay_elapsed);
}

void
vd_simulator_start_drip (VdSimulator       *self,
                         SoupServerMessage *msg,
                         VdSimulatorReply  *reply,
                         guint              interval_ms)
{
  Pending *pending = pending_new (self, msg, g_timeout_source_new (MAX (interval_ms, 1)),
                                  on_drip_tick);

  pending->body = g_bytes_new_take (g_steal_pointer (&reply->body), reply->length);
}

/* Read the whole request, then close the connection without a word. */
static void
start_reset (VdSimulator       *self,
             SoupServerMessage *msg)
{
  soup_server_message_pause (msg);
  pending_new (self, msg, g_idle_source_new (), on_reset);
}

/* @size bytes of well-formed JSON that is all padding (spaces when @size is too small even
 * for the braces). */
static char *
oversized_body (gsize size)
{
  static const char head[] = "{\"Padding\":\"";
  static const char tail[] = "\"}";
  char *body = g_malloc (size + 1);

  if (size < sizeof head + sizeof tail - 2)
    {
      memset (body, ' ', size);
    }
  else
    {
      memcpy (body, head, sizeof head - 1);
      memset (body + sizeof head - 1, 'A', size - (sizeof head - 1) - (sizeof tail - 1));
      memcpy (body + size - (sizeof tail - 1), tail, sizeof tail - 1);
    }
  body[size] = '\0';

  return body;
}

/* A 200 whose body is @body (taken) as it is. */
static void
reply_set_raw (VdSimulatorReply *reply,
               const char       *content_type,
               char             *body,
               gsize             length)
{
  reply->status = SOUP_STATUS_OK;
  reply->content_type = content_type;
  reply->body = body;
  reply->length = length;
}

gboolean
vd_simulator_apply_replacing_fault (VdSimulator            *self,
                                    SoupServerMessage      *msg,
                                    const VdSimulatorFault *fault,
                                    const VdParams         *params,
                                    GDateTime              *now,
                                    const char             *request_id,
                                    gboolean                xml,
                                    VdSimulatorReply       *reply)
{
  /* What a proxy in front of a gateway sends when the gateway is gone. */
  static const char garbage[] = "upstream connect error or disconnect/reset before headers. "
                                "reset reason: connection termination";
  /* A verdict whose name is "张" followed by bytes that are no UTF-8 at all. */
  static const char bad_utf8_format[] =
    "{\"RequestId\":\"%s\",\"VerifyToken\":\"c302c0797679457685410ee51a5ba375\","
    "\"VerifyStatus\":1,\"AuthorityComparisionScore\":97,"
    "\"Material\":{\"IdCardName\":\"\xe5\xbc\xa0\xff\xfe\xc3\"}}";
  VdAnswerOptions no_status = { xml, 0, TRUE };
  guint status;
  char *body;

  switch (fault->kind)
    {
    case VD_FAULT_SERVER_ERROR:
      status = fault->value != 0 ? fault->value : SOUP_STATUS_INTERNAL_SERVER_ERROR;
      if (status == SOUP_STATUS_SERVICE_UNAVAILABLE)
        vd_simulator_reply_set_error (reply, status, "ServiceUnavailable",
                                      "The request has failed due to a temporary failure of "
                                      "the server.", request_id, xml);
      else
        vd_simulator_reply_set_error (reply, status, "InternalError",
                                      "The request processing has failed due to some unknown "
                                      "error, exception or failure.", request_id, xml);
      return TRUE;
    case VD_FAULT_THROTTLING:
      vd_simulator_reply_set_error (reply, SOUP_STATUS_BAD_REQUEST, "Throttling.User",
                                    "Request was denied due to user flow control.", request_id,
                                    xml);
      reply->retry_after_ms = fault->value;
      return TRUE;
    case VD_FAULT_RESET:
      start_reset (self, msg);
      return TRUE;
    case VD_FAULT_GARBAGE:
      reply_set_raw (reply, "text/plain", g_strdup (garbage), strlen (garbage));
      return TRUE;
    case VD_FAULT_OVERSIZED:
      reply_set_raw (reply, JSON_CONTENT_TYPE, oversized_body (fault->value), fault->value);
      return TRUE;
    case VD_FAULT_EMPTY:
      reply_set_raw (reply, JSON_CONTENT_TYPE, g_strdup (""), 0);
      return TRUE;
    case VD_FAULT_NO_STATUS:
      reply->status = SOUP_STATUS_OK;
      reply->body = vd_simulator_answer_build_full (params, self->shape, &no_status, request_id,
                                                    now, &reply->content_type);
      reply->length = strlen (reply->body);
      return TRUE;
    case VD_FAULT_BAD_UTF8:
      body = g_strdup_printf (bad_utf8_format, request_id);
      reply_set_raw (reply, JSON_CONTENT_TYPE, body, strlen (body));
      return TRUE;
    case VD_FAULT_DELAY:
    case VD_FAULT_DRIP:
    case VD_FAULT_STATUS:
    case VD_FAULT_RESET_MID_ANSWER:
    default:
      return FALSE;
    }
}

void
vd_simulator_drop_all_pending (VdSimulator *self)
{
  while (self->pending != NULL)
    pending_drop (self->pending->data, FALSE);
}
