/* Verifications at scale through the desk and the history store (vd-load-run.h). */

#define G_LOG_DOMAIN "vd-load-run"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "vd-desk.h"
#include "vd-id-number.h"
#include "vd-load-run.h"
#include "vd-random.h"
#include "vd-sample-customers.h"

/* The simulator runs in a thread of its own, with its own main context, as the real gateway
 * is another machine: the client's loop never serves the answers it waits for. */
typedef struct {
  GMutex        lock;
  GCond         ready;
  char         *url;
  GError       *error;
  gboolean      started;
  GMainContext *context;
  GMainLoop    *loop;
  GThread      *thread;
} SimulatorThread;

typedef struct {
  const char *name;
  const char *id_number;
} Customer;

typedef struct _LoadRun LoadRun;

/* One submission as the run saw it finish. */
typedef struct {
  LoadRun   *run;
  char      *biz_id;      /* shared by the two submissions of a task; owned by the first */
  gint64     history_id;  /* the record the desk wrote, 0 when none */
  VdOutcome  outcome;
  gboolean   finished;
} Submission;

struct _LoadRun {
  const VdLoadOptions *options;
  VdLoadReport        *report;
  VdDesk              *desk;
  GArray              *customers;    /* Customer */
  Submission          *submissions;  /* options->verifications of them */
  guint                next;         /* the next submission to start */
  guint                in_flight;
  gint64               started_us;
};

/* Any valid number outside the sample table passes with a score of its own (rule 5). */
static const Customer plain_customers[] = {
  { "张三", "11010519491231002X" },
  { "李四", "440524188001010014" },
  { "王小明", "310104198510150034" },
};

static gpointer
simulator_thread_main (gpointer user_data)
{
  SimulatorThread *thread = user_data;
  g_autoptr(VdSimulator) simulator = NULL;
  GError *error = NULL;

  g_main_context_push_thread_default (thread->context);
  simulator = vd_simulator_new ();
  vd_simulator_listen (simulator, 0, NULL, &error);

  g_mutex_lock (&thread->lock);
  thread->url = g_strdup (vd_simulator_get_url (simulator));
  thread->error = error;
  thread->started = TRUE;
  g_cond_signal (&thread->ready);
  g_mutex_unlock (&thread->lock);

  if (error == NULL)
    g_main_loop_run (thread->loop);

  vd_simulator_disconnect (simulator);
  /* The server frees the connections it closed from its own context: let it. */
  while (g_main_context_iteration (thread->context, FALSE))
    ;
  g_main_context_pop_thread_default (thread->context);
  return NULL;
}

static gboolean
simulator_thread_start (SimulatorThread  *thread,
                        GError          **error)
{
  g_mutex_init (&thread->lock);
  g_cond_init (&thread->ready);
  thread->context = g_main_context_new ();
  thread->loop = g_main_loop_new (thread->context, FALSE);

  g_mutex_lock (&thread->lock);
  thread->thread = g_thread_new ("simulator", simulator_thread_main, thread);
  while (!thread->started)
    g_cond_wait (&thread->ready, &thread->lock);
  g_mutex_unlock (&thread->lock);

  if (thread->error != NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&thread->error),
                                  "The simulator could not start: ");
      return FALSE;
    }
  return TRUE;
}

static void
simulator_thread_stop (SimulatorThread *thread)
{
  if (thread->thread == NULL)
    return;

  g_main_loop_quit (thread->loop);
  g_thread_join (thread->thread);
  g_main_loop_unref (thread->loop);
  g_main_context_unref (thread->context);
  g_clear_error (&thread->error);
  g_free (thread->url);
  g_mutex_clear (&thread->lock);
  g_cond_clear (&thread->ready);
}

guint64
vd_load_current_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;
  guint64 kb = 0;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "\nVmRSS:");
  if (line != NULL)
    sscanf (line + strlen ("\nVmRSS:"), "%" G_GUINT64_FORMAT, &kb);
  return kb;
}

/* Every sample customer whose number the desk accepts (the others are refused before they are
 * recorded, by design), then the plain ones. */
static GArray *
load_customers (void)
{
  GArray *customers = g_array_new (FALSE, FALSE, sizeof (Customer));
  const VdSampleCustomer *samples;
  guint n_samples;

  samples = vd_sample_customers (&n_samples);
  for (guint i = 0; i < n_samples; i++)
    {
      Customer customer = { samples[i].name, samples[i].id_number };

      if (vd_id_number_validate (customer.id_number, NULL, NULL, NULL))
        g_array_append_val (customers, customer);
    }
  g_array_append_vals (customers, plain_customers, G_N_ELEMENTS (plain_customers));
  return customers;
}

static void
on_async_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void start_next (LoadRun *run);

static void
on_verified (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Submission *submission = user_data;
  LoadRun *run = submission->run;
  g_autoptr(VdVerification) verification = NULL;
  g_autoptr(GError) error = NULL;

  verification = vd_desk_verify_finish (VD_DESK (source), result, &error);
  submission->finished = TRUE;
  if (verification == NULL)
    {
      submission->outcome = VD_OUTCOME_ERROR;
      if (run->report->errors++ == 0)
        g_printerr ("load: a verification failed: %s\n", error->message);
    }
  else
    {
      submission->history_id = verification->history_id;
      submission->outcome = verification->outcome;
      if (verification->outcome == VD_OUTCOME_ERROR ||
          verification->outcome == VD_OUTCOME_UNKNOWN)
        {
          if (run->report->errors++ == 0)
            g_printerr ("load: a verification failed: %s\n",
                        verification->error != NULL ? verification->error->message : "?");
        }
    }

  run->in_flight--;
  run->report->verifications++;
  if (run->report->verifications == run->options->rss_checkpoint)
    run->report->rss_checkpoint_kb = vd_load_current_rss_kb ();

  if (run->next < run->options->verifications)
    start_next (run);
}

static void
start_next (LoadRun *run)
{
  guint index = run->next++;
  Submission *submission = &run->submissions[index];
  const Customer *customer;
  g_autoptr(VdVerifyRequest) request = NULL;

  submission->run = run;
  /* Two submissions per task: the second is the resubmission of the first (same BizId), often
   * while the first is still in flight. */
  if (index % 2 == 0)
    submission->biz_id = vd_biz_id_new ();
  else
    submission->biz_id = run->submissions[index - 1].biz_id;

  customer = &g_array_index (run->customers, Customer, (index / 2) % run->customers->len);
  request = vd_verify_request_new_task (NULL);
  g_free (request->biz_id);
  request->biz_id = g_strdup (submission->biz_id);
  request->name = g_strdup (customer->name);
  request->id_number = g_strdup (customer->id_number);
  request->face_url = g_strdup ("https://example.com/face.jpg");
  request->front_url = g_strdup ("https://example.com/front.jpg");
  request->back_url = g_strdup ("https://example.com/back.jpg");

  run->in_flight++;
  vd_desk_verify_async (run->desk, request, NULL, on_verified, submission);
}

static gboolean
open_history (VdHistory  *history,
              GError    **error)
{
  GAsyncResult *result = NULL;
  gboolean opened;

  vd_history_open_async (history, NULL, on_async_done, &result);
  opened = vd_history_open_finish (history, wait_for_result (&result), error);
  g_object_unref (result);
  return opened;
}

static gboolean
add_strays (VdHistory  *history,
            gint64      first_id,
            GError    **error)
{
  g_autoptr(GPtrArray) strays = NULL;
  g_autoptr(VdHistoryRecord) first = NULL;
  GAsyncResult *result = NULL;
  VdHistoryRecord *stray;
  gboolean added;

  strays = g_ptr_array_new_with_free_func ((GDestroyNotify) vd_history_record_free);
  vd_history_get_async (history, first_id, NULL, on_async_done, &result);
  first = vd_history_get_finish (history, wait_for_result (&result), error);
  g_clear_object (&result);
  if (first == NULL)
    return FALSE;

  stray = vd_history_record_copy (first);
  stray->id = 0;
  g_free (stray->uuid);
  stray->uuid = g_uuid_string_random ();
  g_ptr_array_add (strays, stray);
  stray = vd_history_record_copy (first);
  stray->id = 0;
  g_free (stray->uuid);
  stray->uuid = g_uuid_string_random ();
  stray->state = VD_HISTORY_STATE_SENT;
  g_ptr_array_add (strays, stray);

  vd_history_insert_records_async (history, strays, NULL, on_async_done, &result);
  added = vd_history_insert_records_finish (history, wait_for_result (&result), error);
  g_object_unref (result);
  return added;
}

static GPtrArray *
list_every_record (VdHistory  *history,
                   GError    **error)
{
  GAsyncResult *result = NULL;
  GPtrArray *records;

  vd_history_list_async (history, NULL, NULL, 0, 0, NULL, on_async_done, &result);
  records = vd_history_list_finish (history, wait_for_result (&result), error);
  g_object_unref (result);
  return records;
}

/* Compares the store with what the run saw: every submission has its own record, completed,
 * with its BizId and outcome; every BizId has attempts 1..k for its k submissions; nothing
 * else is there. */
static void
count_records (LoadRun   *run,
               GPtrArray *records)
{
  VdLoadReport *report = run->report;
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) attempts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) expected = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) claimed = g_hash_table_new (g_int64_hash, g_int64_equal);
  GHashTableIter iter;
  gpointer key, value;

  report->records = records->len;
  for (guint i = 0; i < records->len; i++)
    {
      VdHistoryRecord *record = g_ptr_array_index (records, i);
      char *pair = g_strdup_printf ("%s#%u", record->biz_id, record->attempt);

      g_hash_table_insert (by_id, &record->id, record);
      if (!g_hash_table_add (seen, pair))
        report->duplicates++;
      if (record->state != VD_HISTORY_STATE_FINISHED)
        report->left_sent++;
      /* attempts[biz_id] = the highest attempt seen; with no duplicate and as many records as
       * submissions, that is enough to show 1..k. */
      value = g_hash_table_lookup (attempts, record->biz_id);
      if (GPOINTER_TO_UINT (value) < record->attempt)
        g_hash_table_insert (attempts, record->biz_id, GUINT_TO_POINTER (record->attempt));
    }

  for (guint i = 0; i < run->options->verifications; i++)
    {
      Submission *submission = &run->submissions[i];
      VdHistoryRecord *record = NULL;

      if (submission->history_id != 0)
        record = g_hash_table_lookup (by_id, &submission->history_id);
      if (record == NULL || !g_hash_table_add (claimed, &submission->history_id))
        {
          report->lost++;
          continue;
        }
      if (g_strcmp0 (record->biz_id, submission->biz_id) != 0 ||
          vd_history_record_get_outcome (record) != submission->outcome)
        report->mismatched++;

      value = g_hash_table_lookup (expected, submission->biz_id);
      g_hash_table_insert (expected, submission->biz_id,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (value) + 1));
    }

  /* Records no submission claimed are duplicates too: the store holds more than was sent. */
  report->duplicates += records->len - g_hash_table_size (claimed);

  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_hash_table_lookup (attempts, key) != value)
      report->bad_attempts++;
}

static void
free_submissions (LoadRun *run)
{
  for (guint i = 0; i < run->options->verifications; i += 2)
    g_free (run->submissions[i].biz_id);
  g_free (run->submissions);
}

gboolean
vd_load_run (const VdLoadOptions  *options,
             VdLoadReport         *report,
             GError              **error)
{
  SimulatorThread simulator = { 0 };
  LoadRun run = { 0 };
  g_autofree char *path = NULL;
  g_autoptr(VdHistory) history = NULL;
  g_autoptr(VdDeskJournal) journal = NULL;
  g_autoptr(VdCloudauthClient) client = NULL;
  g_autoptr(VdCredentials) credentials = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GPtrArray) records = NULL;
  gboolean all_done = FALSE;
  gboolean ok = FALSE;

  g_return_val_if_fail (options != NULL && options->verifications > 0, FALSE);
  g_return_val_if_fail (options->concurrency > 0 && options->folder != NULL, FALSE);

  memset (report, 0, sizeof *report);
  run.options = options;
  run.report = report;

  if (!simulator_thread_start (&simulator, error))
    goto out;

  path = g_build_filename (options->folder, VD_HISTORY_FILE_NAME, NULL);
  history = vd_history_new (path);
  if (!open_history (history, error))
    goto out;

  /* The key is given rather than loaded, so that the run never reaches a keyring. */
  key = vd_random_bytes (VD_HISTORY_KEY_LENGTH);
  journal = vd_desk_journal_new (history, "load", "load-desk");
  vd_desk_journal_set_key (journal, key);

  /* The real client, pointed at the simulator as it would be at the service, with the key pair
   * the simulator knows: the desk is not in training mode. */
  client = vd_cloudauth_client_new ();
  if (!vd_cloudauth_client_set_endpoint (client, simulator.url, error))
    goto out;
  credentials = vd_credentials_new (VD_TRAINING_ACCESS_KEY_ID, VD_TRAINING_ACCESS_KEY_SECRET,
                                    NULL);
  run.desk = vd_desk_new (client);
  vd_desk_set_credentials (run.desk, credentials);
  vd_desk_set_journal (run.desk, journal);

  run.customers = load_customers ();
  run.submissions = g_new0 (Submission, options->verifications);

  run.started_us = g_get_monotonic_time ();
  for (guint i = 0; i < options->concurrency && run.next < options->verifications; i++)
    start_next (&run);
  while (!all_done)
    {
      g_main_context_iteration (NULL, TRUE);
      all_done = run.in_flight == 0 && run.next == options->verifications;
    }
  report->seconds = (g_get_monotonic_time () - run.started_us) / 1e6;
  report->rss_all_kb = vd_load_current_rss_kb ();

  if (options->add_strays && !add_strays (history, run.submissions[0].history_id, error))
    goto out;
  records = list_every_record (history, error);
  if (records == NULL)
    goto out;
  count_records (&run, records);
  ok = TRUE;

out:
  if (run.submissions != NULL)
    free_submissions (&run);
  g_clear_pointer (&run.customers, g_array_unref);
  g_clear_object (&run.desk);
  g_clear_object (&client);
  simulator_thread_stop (&simulator);
  return ok;
}
