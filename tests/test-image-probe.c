/* test-image-probe.c: fetching the first bytes of a photo URL, against a SoupServer on
 * 127.0.0.1 started by each test. */

#define G_LOG_DOMAIN "test-image-probe"

#include "config.h"

#include <string.h>
#include <libsoup/soup.h>

#include "vd-image-probe.h"
#include "vd-test-util.h"

#define WAIT_MS            10000
#define ENDLESS_CHUNK_SIZE 16384

/* A 2 × 2 red PNG. */
static const guint8 tiny_png[] =
  "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00"
  "\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00\x00\xfd\xd4\x9a\x73\x00\x00\x00"
  "\x10\x49\x44\x41\x54\x78\x9c\x63\xf8\xcf\xc0\x00\x44\x0c\x10\x0a\x00\x1f"
  "\xee\x03\xfd\x8b\x5f\x14\xd4\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60"
  "\x82";
#define TINY_PNG_SIZE (sizeof tiny_png - 1)

static const char html_page[] = "<!DOCTYPE html><title>Photos</title><p>Not a photo.</p>";

typedef struct {
  SoupServer   *server;
  SoupSession  *session;
  GUri         *base;
  char         *last_accept;
  gboolean      endless_finished;
  gboolean      slow_chunk_written;
} Fixture;

typedef struct {
  gboolean      done;
  VdImageProbe *probe;
  GError       *error;
} Outcome;

/* --- the server --- */

static GBytes *
pattern_bytes (gsize size)
{
  guint8 *data = g_malloc (size);
  gsize i;

  for (i = 0; i < size; i++)
    data[i] = (guint8) (i % 251);
  return g_bytes_new_take (data, size);
}

static void
on_endless_wrote_chunk (SoupServerMessage *msg,
                        gpointer           user_data)
{
  g_autoptr(GBytes) chunk = pattern_bytes (ENDLESS_CHUNK_SIZE);

  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), chunk);
  soup_server_message_unpause (msg);
}

static void
on_endless_finished (SoupServerMessage *msg,
                     gpointer           user_data)
{
  Fixture *f = user_data;

  f->endless_finished = TRUE;
}

static void
on_slow_wrote_chunk (SoupServerMessage *msg,
                     gpointer           user_data)
{
  Fixture *f = user_data;

  f->slow_chunk_written = TRUE;
}

static void
serve_chunked (SoupServerMessage *msg,
               gsize              size,
               gboolean           complete)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  g_autoptr(GBytes) bytes = pattern_bytes (size);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_replace (headers, "Content-Type", "application/octet-stream");
  soup_message_body_append_bytes (body, bytes);
  if (complete)
    soup_message_body_complete (body);
}

static void
serve_sized (SoupServerMessage *msg,
             gsize              size)
{
  g_autoptr(GBytes) bytes = pattern_bytes (size);
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "image/jpeg", SOUP_MEMORY_COPY, data, length);
}

static void
handle_request (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  Fixture *f = user_data;
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);

  g_free (f->last_accept);
  f->last_accept = g_strdup (soup_message_headers_get_one (request_headers, "Accept"));

  if (g_str_equal (path, "/photo.png"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_STATIC,
                                        (const char *) tiny_png, TINY_PNG_SIZE);
    }
  else if (g_str_equal (path, "/page.html"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_STATIC,
                                        html_page, strlen (html_page));
    }
  else if (g_str_equal (path, "/moved"))
    {
      soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, "/photo.png");
    }
  else if (g_str_equal (path, "/broken"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "oops", 4);
    }
  else if (g_str_equal (path, "/big"))
    {
      serve_sized (msg, 1024 * 1024);
    }
  else if (g_str_equal (path, "/exact"))
    {
      serve_sized (msg, 4096);
    }
  else if (g_str_equal (path, "/chunked-small"))
    {
      serve_chunked (msg, 1000, TRUE);
    }
  else if (g_str_equal (path, "/chunked-exact"))
    {
      serve_chunked (msg, 4096, TRUE);
    }
  else if (g_str_equal (path, "/endless"))
    {
      serve_chunked (msg, ENDLESS_CHUNK_SIZE, FALSE);
      g_signal_connect (msg, "wrote-chunk", G_CALLBACK (on_endless_wrote_chunk), f);
      g_signal_connect (msg, "finished", G_CALLBACK (on_endless_finished), f);
    }
  else if (g_str_equal (path, "/slow"))
    {
      /* One chunk, then nothing more: the body never ends. */
      serve_chunked (msg, 100, FALSE);
      g_signal_connect (msg, "wrote-chunk", G_CALLBACK (on_slow_wrote_chunk), f);
    }
  else
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
    }
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, handle_request, f, NULL);
  g_assert_true (soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);

  uris = soup_server_get_uris (f->server);
  g_assert_nonnull (uris);
  f->base = g_uri_ref (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  f->session = soup_session_new ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->session);
  soup_server_disconnect (f->server);
  g_clear_object (&f->server);
  /* Let the closed connections' last callbacks run, so nothing is left for the next test. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_pointer (&f->base, g_uri_unref);
  g_clear_pointer (&f->last_accept, g_free);
}

/* --- running a probe --- */

static char *
url_for (Fixture    *f,
         const char *path)
{
  return g_strdup_printf ("http://127.0.0.1:%d%s", g_uri_get_port (f->base), path);
}

static void
on_probed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->probe = vd_image_probe_finish (result, &outcome->error);
  outcome->done = TRUE;
}

static void
outcome_clear (Outcome *outcome)
{
  g_clear_pointer (&outcome->probe, vd_image_probe_free);
  g_clear_error (&outcome->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Outcome, outcome_clear)

static void
probe_url (Fixture      *f,
           const char   *url,
           gsize         cap,
           GCancellable *cancellable,
           Outcome      *outcome)
{
  vd_image_probe_async (f->session, url, cap, cancellable, on_probed, outcome);
  /* The answer always comes from the main loop, never from inside the call. */
  g_assert_false (outcome->done);
  vd_test_wait_for_flag (&outcome->done, WAIT_MS);
}

static void
probe_path (Fixture    *f,
            const char *path,
            gsize       cap,
            Outcome    *outcome)
{
  g_autofree char *url = url_for (f, path);

  probe_url (f, url, cap, NULL, outcome);
}

/* The bytes as served: the pattern, restarting every @period bytes (the endless answer is
 * made of chunks that each start it afresh). */
static void
assert_bytes_are_pattern_every (GBytes *bytes,
                                gsize   expected_size,
                                gsize   period)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  gsize i;

  g_assert_cmpuint (size, ==, expected_size);
  for (i = 0; i < size; i++)
    if (data[i] != (guint8) (i % period % 251))
      g_error ("byte %" G_GSIZE_FORMAT " is %u, expected %u", i, data[i],
               (guint) (i % period % 251));
}

static void
assert_bytes_are_pattern (GBytes *bytes,
                          gsize   expected_size)
{
  assert_bytes_are_pattern_every (bytes, expected_size, G_MAXSIZE);
}

/* --- the tests --- */

static void
test_png_content_type_and_size (Fixture       *f,
                                gconstpointer  data)
{
  g_auto(Outcome) outcome = { 0 };

  probe_path (f, "/photo.png", 4096, &outcome);

  g_assert_no_error (outcome.error);
  g_assert_cmpstr (outcome.probe->content_type, ==, "image/png");
  g_assert_cmpint (outcome.probe->total_size, ==, TINY_PNG_SIZE);
  g_assert_false (outcome.probe->truncated);
  g_assert_cmpmem (g_bytes_get_data (outcome.probe->bytes, NULL),
                   g_bytes_get_size (outcome.probe->bytes), tiny_png, TINY_PNG_SIZE);
  g_assert_nonnull (strstr (f->last_accept, "image/*"));
}

static void
test_html_content_type_without_parameters (Fixture       *f,
                                           gconstpointer  data)
{
  g_auto(Outcome) outcome = { 0 };

  probe_path (f, "/page.html", 4096, &outcome);

  g_assert_no_error (outcome.error);
  g_assert_cmpstr (outcome.probe->content_type, ==, "text/html");
  g_assert_cmpint (outcome.probe->total_size, ==, strlen (html_page));
  g_assert_cmpuint (g_bytes_get_size (outcome.probe->bytes), ==, strlen (html_page));
  g_assert_false (outcome.probe->truncated);
}

static void
test_redirect_followed (Fixture       *f,
                        gconstpointer  data)
{
  g_auto(Outcome) outcome = { 0 };

  probe_path (f, "/moved", 4096, &outcome);

  g_assert_no_error (outcome.error);
  g_assert_cmpstr (outcome.probe->content_type, ==, "image/png");
  g_assert_cmpint (outcome.probe->total_size, ==, TINY_PNG_SIZE);
}

static void
test_truncated_at_cap_with_content_length (Fixture       *f,
                                           gconstpointer  data)
{
  g_auto(Outcome) outcome = { 0 };

  probe_path (f, "/big", 64 * 1024, &outcome);

  g_assert_no_error (outcome.error);
  g_assert_true (outcome.probe->truncated);
  g_assert_cmpint (outcome.probe->total_size, ==, 1024 * 1024);
  assert_bytes_are_pattern (outcome.probe->bytes, 64 * 1024);
  g_assert_cmpstr (outcome.probe->content_type, ==, "image/jpeg");
}

static void
test_exactly_cap_with_content_length_is_whole (Fixture       *f,
                                               gconstpointer  data)
{
  g_auto(Outcome) outcome = { 0 };

  probe_path (f, "/exact", 4096, &outcome);

  g_assert_no_error (outcome.error);
  g_assert_false (outcome.probe->truncated);
  g_assert_cmpint (outcome.probe->total_size, ==, 4096);
  assert_bytes_are_pattern (outcome.probe->bytes, 4096);
}

static void
test_chunked_size_is_bytes_read (Fixture       *f,
                                 gconstpointer  data)
{
  g_auto(Outcome) outcome = { 0 };

  probe_path (f, "/chunked-small", 4096, &outcome);

  g_assert_no_error (outcome.error);
  g_assert_false (outcome.probe->truncated);
  g_assert_cmpint (outcome.probe->total_size, ==, 1000);
  assert_bytes_are_pattern (outcome.probe->bytes, 1000);
}

static void
test_chunked_exactly_cap_is_whole (Fixture       *f,
                                   gconstpointer  data)
{
  g_auto(Outcome) outcome = { 0 };

  probe_path (f, "/chunked-exact", 4096, &outcome);

  g_assert_no_error (outcome.error);
  g_assert_false (outcome.probe->truncated);
  g_assert_cmpint (outcome.probe->total_size, ==, 4096);
  assert_bytes_are_pattern (outcome.probe->bytes, 4096);
}

static void
test_endless_body_stops_at_cap (Fixture       *f,
                                gconstpointer  data)
{
  g_auto(Outcome) outcome = { 0 };

  probe_path (f, "/endless", 100 * 1000, &outcome);

  g_assert_no_error (outcome.error);
  g_assert_true (outcome.probe->truncated);
  g_assert_cmpint (outcome.probe->total_size, ==, -1);
  assert_bytes_are_pattern_every (outcome.probe->bytes, 100 * 1000, ENDLESS_CHUNK_SIZE);

  /* The connection was dropped, not drained: the endless answer ends on the server's side. */
  vd_test_wait_for_flag (&f->endless_finished, WAIT_MS);
}

static void
test_http_error_in_words (Fixture       *f,
                          gconstpointer  data)
{
  g_auto(Outcome) not_found = { 0 };
  g_auto(Outcome) broken = { 0 };

  probe_path (f, "/no-such-photo.jpg", 4096, &not_found);
  g_assert_error (not_found.error, VD_IMAGE_PROBE_ERROR, VD_IMAGE_PROBE_ERROR_HTTP);
  g_assert_cmpstr (not_found.error->message, ==, "The server answered 404 Not Found.");
  g_assert_null (not_found.probe);

  probe_path (f, "/broken", 4096, &broken);
  g_assert_error (broken.error, VD_IMAGE_PROBE_ERROR, VD_IMAGE_PROBE_ERROR_HTTP);
  g_assert_cmpstr (broken.error->message, ==, "The server answered 500 Internal Server Error.");
}

static guint16
closed_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint16 port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any_port, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_assert_true (g_socket_close (socket, &error));
  return port;
}

static void
test_connection_refused_in_words (Fixture       *f,
                                  gconstpointer  data)
{
  g_auto(Outcome) outcome = { 0 };
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/photo.png", closed_port ());

  probe_url (f, url, 4096, NULL, &outcome);

  g_assert_error (outcome.error, VD_IMAGE_PROBE_ERROR, VD_IMAGE_PROBE_ERROR_UNREACHABLE);
  g_assert_cmpstr (outcome.error->message, ==,
                   "This computer cannot reach 127.0.0.1: the connection was refused.");
}

static void
on_quiet_elapsed (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
test_cancel_during_slow_body (Fixture       *f,
                              gconstpointer  data)
{
  g_auto(Outcome) outcome = { 0 };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *url = url_for (f, "/slow");
  gboolean quiet = FALSE;

  vd_image_probe_async (f->session, url, 4096, cancellable, on_probed, &outcome);
  vd_test_wait_for_flag (&f->slow_chunk_written, WAIT_MS);

  /* The first bytes are on their way and the body never ends: only a cancel finishes it. */
  g_timeout_add_once (100, on_quiet_elapsed, &quiet);
  vd_test_wait_for_flag (&quiet, WAIT_MS);
  g_assert_false (outcome.done);

  g_cancellable_cancel (cancellable);
  vd_test_wait_for_flag (&outcome.done, WAIT_MS);

  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (outcome.probe);
}

static void
test_cancelled_before_start (Fixture       *f,
                             gconstpointer  data)
{
  g_auto(Outcome) outcome = { 0 };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *url = url_for (f, "/photo.png");

  g_cancellable_cancel (cancellable);
  probe_url (f, url, 4096, cancellable, &outcome);

  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (outcome.probe);
}

static void
assert_refused (Fixture    *f,
                const char *url,
                const char *expected_message)
{
  g_auto(Outcome) outcome = { 0 };

  probe_url (f, url, 4096, NULL, &outcome);
  g_assert_error (outcome.error, VD_IMAGE_PROBE_ERROR, VD_IMAGE_PROBE_ERROR_UNSUPPORTED);
  g_assert_cmpstr (outcome.error->message, ==, expected_message);
  g_assert_null (outcome.probe);
}

static void
test_non_http_url_refused (Fixture       *f,
                           gconstpointer  data)
{
  assert_refused (f, "file:///home/operator/face.jpg",
                  "“file:///home/operator/face.jpg” uses “file”: only http:// and https:// "
                  "addresses can be previewed.");
  assert_refused (f, "ftp://example.com/face.jpg",
                  "“ftp://example.com/face.jpg” uses “ftp”: only http:// and https:// "
                  "addresses can be previewed.");
  assert_refused (f, "face.jpg",
                  "“face.jpg” is not a web address: enter it as https://host/path.");
  assert_refused (f, "https:///face.jpg",
                  "“https:///face.jpg” has no host name: enter it as https://host/path.");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/image-probe/png-content-type-and-size", test_png_content_type_and_size);
  ADD ("/image-probe/html-content-type", test_html_content_type_without_parameters);
  ADD ("/image-probe/redirect-followed", test_redirect_followed);
  ADD ("/image-probe/truncated-at-cap", test_truncated_at_cap_with_content_length);
  ADD ("/image-probe/exactly-cap-is-whole", test_exactly_cap_with_content_length_is_whole);
  ADD ("/image-probe/chunked-size-is-bytes-read", test_chunked_size_is_bytes_read);
  ADD ("/image-probe/chunked-exactly-cap-is-whole", test_chunked_exactly_cap_is_whole);
  ADD ("/image-probe/endless-body-stops-at-cap", test_endless_body_stops_at_cap);
  ADD ("/image-probe/http-error-in-words", test_http_error_in_words);
  ADD ("/image-probe/connection-refused-in-words", test_connection_refused_in_words);
  ADD ("/image-probe/cancel-during-slow-body", test_cancel_during_slow_body);
  ADD ("/image-probe/cancelled-before-start", test_cancelled_before_start);
  ADD ("/image-probe/non-http-url-refused", test_non_http_url_refused);

#undef ADD

  return g_test_run ();
}
