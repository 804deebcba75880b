/* bench-client: how fast VerifyDesk signs and verifies.
 *
 *   bench-client [--endpoint URL] [--signature v1|v3] [-n N] [-c C]
 *
 * Credentials come from ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET / _SECURITY_TOKEN. Without
 * --endpoint the simulator is started in a thread of its own (its own main context), so client
 * and server each have a core, as they would on two machines. Prints one "name: value unit"
 * line per figure. */

#define G_LOG_DOMAIN "bench-client"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "vd-cloudauth-client.h"
#include "vd-env-credentials.h"
#include "vd-signer.h"
#include "vd-simulator.h"

#define SIGN_ITERATIONS 200000

typedef struct {
  GMutex       lock;
  GCond        ready;
  char        *url;
  char        *floor_url;    /* a bare SoupServer answering a fixed body: the floor */
  GMainLoop   *loop;
  GMainContext *context;
} SimulatorThread;

/* The floor's answer: the size of a real verdict, with no checks behind it. */
static const char floor_body[] =
  "{\"RequestId\":\"8FA01014-8FC6-4205-BD84-242676139156\",\"VerifyToken\":"
  "\"8b88c71bc34348c4a377043053e5cc99\",\"VerifyStatus\":1,\"AuthorityComparisionScore\":97}";

static void
floor_handler (SoupServer        *server,
               SoupServerMessage *message,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                    floor_body, strlen (floor_body));
}

typedef struct {
  VdCloudauthClient *client;
  VdVerifyRequest   *request;
  VdCredentials     *credentials;
  guint              remaining;    /* verifications still to start */
  guint              in_flight;
  guint              failures;
  gint64            *durations_us; /* sequential run only */
  guint              done;
  gint64             started_us;
  GMainLoop         *loop;
} Run;

static gpointer
simulator_thread_main (gpointer user_data)
{
  SimulatorThread *thread = user_data;
  g_autoptr(VdSimulator) simulator = NULL;
  g_autoptr(SoupServer) floor_server = NULL;
  g_autoslist(GUri) uris = NULL;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (thread->context);
  simulator = vd_simulator_new ();
  if (!vd_simulator_listen (simulator, 0, NULL, &error))
    g_error ("cannot start the simulator: %s", error->message);

  floor_server = soup_server_new (NULL, NULL);
  soup_server_add_handler (floor_server, "/", floor_handler, NULL, NULL);
  if (!soup_server_listen_local (floor_server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("cannot start the floor server: %s", error->message);
  uris = soup_server_get_uris (floor_server);

  g_mutex_lock (&thread->lock);
  thread->floor_url = g_uri_to_string (uris->data);
  thread->url = g_strdup (vd_simulator_get_url (simulator));
  g_cond_signal (&thread->ready);
  g_mutex_unlock (&thread->lock);

  g_main_loop_run (thread->loop);
  vd_simulator_disconnect (simulator);
  g_main_context_pop_thread_default (thread->context);
  return NULL;
}

static double
seconds_since (gint64 start_us)
{
  return (g_get_monotonic_time () - start_us) / 1e6;
}

static double
sign_rate (VdSignatureScheme    scheme,
           const VdVerifyRequest *request,
           const VdCredentials   *credentials)
{
  g_autoptr(VdParams) params = vd_verify_request_to_params (request);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < SIGN_ITERATIONS; i++)
    {
      char nonce[40];
      g_autoptr(VdSignedRequest) signed_request = NULL;

      g_snprintf (nonce, sizeof nonce, "bench-%u", i);
      signed_request = vd_sign_request (scheme, "POST", "cloudauth.aliyuncs.com",
                                        VD_CLOUDAUTH_ACTION, VD_CLOUDAUTH_VERSION, NULL,
                                        params, NULL, credentials, now, nonce);
    }

  return SIGN_ITERATIONS / seconds_since (start);
}

static void start_next (Run *run);

static void
on_verified (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(VdVerifyResult) answer = NULL;
  g_autoptr(GError) error = NULL;

  answer = vd_cloudauth_client_verify_finish (run->client, result, &error);
  if (answer == NULL || answer->kind != VD_ANSWER_VERDICT)
    {
      if (run->failures++ == 0)
        g_printerr ("bench-client: a verification failed: %s\n",
                    error != NULL ? error->message : answer->code);
    }

  if (run->durations_us != NULL)
    run->durations_us[run->done] = g_get_monotonic_time () - run->started_us;
  run->done++;
  run->in_flight--;

  if (run->remaining > 0)
    start_next (run);
  else if (run->in_flight == 0)
    g_main_loop_quit (run->loop);
}

static void
start_next (Run *run)
{
  run->remaining--;
  run->in_flight++;
  run->started_us = g_get_monotonic_time ();
  vd_cloudauth_client_verify_async (run->client, run->request, run->credentials, NULL,
                                    on_verified, run);
}

static double
verify_rate (Run   *run,
             guint  n,
             guint  concurrency)
{
  gint64 start = g_get_monotonic_time ();

  run->remaining = n;
  run->done = 0;
  for (guint i = 0; i < concurrency && run->remaining > 0; i++)
    start_next (run);
  g_main_loop_run (run->loop);

  return n / seconds_since (start);
}

typedef struct {
  SoupSession *session;
  const char  *url;
  guint        remaining;
  guint        done;
  gint64      *durations_us;
  gint64       started_us;
  GMainLoop   *loop;
} FloorRun;

static void floor_next (FloorRun *run);

static void
on_floor_answer (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  FloorRun *run = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (run->session, result, NULL);

  if (body == NULL)
    g_error ("the floor server did not answer");
  run->durations_us[run->done++] = g_get_monotonic_time () - run->started_us;
  if (run->remaining > 0)
    floor_next (run);
  else
    g_main_loop_quit (run->loop);
}

static void
floor_next (FloorRun *run)
{
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_POST, run->url);

  /* The same kept-alive POST the client sends, with nothing signed, checked or parsed. */
  soup_message_add_flags (message, SOUP_MESSAGE_IDEMPOTENT);
  run->remaining--;
  run->started_us = g_get_monotonic_time ();
  soup_session_send_and_read_async (run->session, message, G_PRIORITY_DEFAULT, NULL,
                                    on_floor_answer, run);
}

/* Sequential bare HTTP round trips to the floor server: what this machine's loopback, threads
 * and libsoup allow at all, measured in the same run so the client's figures can be read as a
 * ratio on a noisy machine. */
static double
floor_rate (const char *url,
            guint       n,
            gint64     *durations_us)
{
  FloorRun run = { 0 };
  gint64 start;

  run.session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  run.url = url;
  run.durations_us = durations_us;
  run.loop = g_main_loop_new (NULL, FALSE);

  run.remaining = MIN (n, 50);
  floor_next (&run);
  g_main_loop_run (run.loop);

  run.done = 0;
  run.remaining = n;
  start = g_get_monotonic_time ();
  floor_next (&run);
  g_main_loop_run (run.loop);

  g_main_loop_unref (run.loop);
  g_object_unref (run.session);
  return n / seconds_since (start);
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static double
percentile_ms (gint64 *sorted_us,
               guint   n,
               double  fraction)
{
  guint index = (guint) (fraction * (n - 1) + 0.5);

  return sorted_us[MIN (index, n - 1)] / 1000.0;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *endpoint = NULL;
  g_autofree char *signature = NULL;
  int n = 2000;
  int concurrency = 8;
  const GOptionEntry entries[] = {
    { "endpoint", 0, 0, G_OPTION_ARG_STRING, &endpoint, "Gateway (default: a simulator)", "URL" },
    { "signature", 0, 0, G_OPTION_ARG_STRING, &signature, "v3 (default) or v1", "SCHEME" },
    { "requests", 'n', 0, G_OPTION_ARG_INT, &n, "Verifications per run (default 2000)", "N" },
    { "concurrency", 'c', 0, G_OPTION_ARG_INT, &concurrency, "In flight at once (default 8)", "C" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VdCredentials) credentials = NULL;
  g_autoptr(VdVerifyRequest) request = NULL;
  SimulatorThread simulator = { 0 };
  GThread *thread = NULL;
  VdSignatureScheme scheme = VD_SIGNATURE_V3;
  Run run = { 0 };
  struct rusage usage;
  double seq_rate, c_rate;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-client: %s\n", error->message);
      return 2;
    }
  if (n < 1 || concurrency < 1 ||
      (signature != NULL && !vd_signature_scheme_parse (signature, &scheme)))
    {
      g_printerr ("bench-client: -n and -c must be positive, --signature v1 or v3\n");
      return 2;
    }

  credentials = vd_env_credentials_lookup (&error);
  if (error != NULL)
    {
      g_printerr ("bench-client: %s\n", error->message);
      return 2;
    }

  if (endpoint == NULL)
    {
      if (credentials == NULL)
        credentials = vd_credentials_new (VD_TRAINING_ACCESS_KEY_ID, VD_TRAINING_ACCESS_KEY_SECRET,
                                          NULL);
      g_mutex_init (&simulator.lock);
      g_cond_init (&simulator.ready);
      simulator.context = g_main_context_new ();
      simulator.loop = g_main_loop_new (simulator.context, FALSE);
      g_mutex_lock (&simulator.lock);
      thread = g_thread_new ("simulator", simulator_thread_main, &simulator);
      while (simulator.url == NULL)
        g_cond_wait (&simulator.ready, &simulator.lock);
      g_mutex_unlock (&simulator.lock);
      endpoint = g_strdup (simulator.url);
    }
  else if (credentials == NULL)
    {
      g_printerr ("bench-client: set ALIBABA_CLOUD_ACCESS_KEY_ID and _SECRET for --endpoint\n");
      return 2;
    }

  request = vd_verify_request_new_task (NULL);
  request->name = g_strdup ("张三");
  request->id_number = g_strdup ("11010519491231002X");
  request->face_url = g_strdup ("https://example.com/face.jpg");
  request->front_url = g_strdup ("https://example.com/front.jpg");
  request->back_url = g_strdup ("https://example.com/back.jpg");

  printf ("sign_v1_per_s: %.0f signatures/s\n", sign_rate (VD_SIGNATURE_V1, request, credentials));
  printf ("sign_v3_per_s: %.0f signatures/s\n", sign_rate (VD_SIGNATURE_V3, request, credentials));
  fflush (stdout);

  run.client = vd_cloudauth_client_new ();
  if (!vd_cloudauth_client_set_endpoint (run.client, endpoint, &error))
    {
      g_printerr ("bench-client: %s\n", error->message);
      return 2;
    }
  vd_cloudauth_client_set_signature (run.client, scheme);
  run.request = request;
  run.credentials = credentials;
  run.loop = g_main_loop_new (NULL, FALSE);

  /* A short warm-up opens the keep-alive connection and fills caches. */
  verify_rate (&run, MIN (n, 50), 1);

  run.durations_us = g_new0 (gint64, n);
  seq_rate = verify_rate (&run, n, 1);
  qsort (run.durations_us, n, sizeof (gint64), compare_gint64);
  printf ("verify_seq_per_s: %.0f verifications/s\n", seq_rate);
  printf ("verify_seq_p50_ms: %.3f ms\n", percentile_ms (run.durations_us, n, 0.50));
  printf ("verify_seq_p99_ms: %.3f ms\n", percentile_ms (run.durations_us, n, 0.99));
  if (simulator.floor_url != NULL)
    {
      double floor = floor_rate (simulator.floor_url, n, run.durations_us);

      qsort (run.durations_us, n, sizeof (gint64), compare_gint64);
      printf ("floor_http_seq_per_s: %.0f requests/s\n", floor);
      printf ("floor_http_seq_p50_ms: %.3f ms\n", percentile_ms (run.durations_us, n, 0.50));
      printf ("floor_http_seq_p99_ms: %.3f ms\n", percentile_ms (run.durations_us, n, 0.99));
      printf ("verify_seq_vs_floor: %.2f x\n", seq_rate / floor);
    }
  g_clear_pointer (&run.durations_us, g_free);

  c_rate = verify_rate (&run, n, concurrency);
  printf ("verify_c%d_per_s: %.0f verifications/s\n", concurrency, c_rate);

  getrusage (RUSAGE_SELF, &usage);
  printf ("peak_rss_kb: %ld kB\n", usage.ru_maxrss);
  if (run.failures > 0)
    printf ("failures: %u verifications\n", run.failures);

  g_clear_object (&run.client);
  g_main_loop_unref (run.loop);
  if (thread != NULL)
    {
      g_main_loop_quit (simulator.loop);
      g_thread_join (thread);
      g_main_loop_unref (simulator.loop);
      g_main_context_unref (simulator.context);
      g_free (simulator.url);
      g_free (simulator.floor_url);
    }

  return run.failures > 0 ? 1 : 0;
}
