/* The AccessKey in a real gnome-keyring on a private bus: store, look up, replace, remove, the
 * stored form, no keyring at all, a locked keyring, and the desk finding its key pair there.
 * The locked test comes last: a locked keyring cannot be unlocked here without a prompt. */

#include <libsecret/secret.h>
#include <string.h>

#include "vd-desk.h"
#include "vd-env-credentials.h"
#include "vd-keyring.h"
#include "vd-keyring-test-util.h"
#include "vd-test-util.h"

#define TEST_ID      "LTAI5tKeyringTest000001"
#define TEST_SECRET  "KeyringTestSecretValue0123456789"
#define OTHER_ID     "LTAI5tKeyringTest000002"
#define OTHER_SECRET "AnotherKeyringTestSecret98765432"
#define TEST_TOKEN   "CAIS+StsTokenForKeyringTests/0123456789=="

static VdTestKeyring *keyring;

/* The same schema as vd-keyring.c, to read what it stored as another program would. */
static const SecretSchema schema = {
  .name = VD_KEYRING_SCHEMA_NAME,
  .flags = SECRET_SCHEMA_NONE,
  .attributes = {
    { .name = VD_KEYRING_ATTRIBUTE_KIND, .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
    { .name = VD_KEYRING_ATTRIBUTE_ACCESS_KEY, .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
    { .name = NULL, .type = 0 },
  },
};

static gboolean
store (const char  *id,
       const char  *secret,
       const char  *token,
       GError     **error)
{
  g_autoptr(VdCredentials) credentials = vd_credentials_new (id, secret, token);
  VdTestWait wait = { 0 };
  gboolean stored;

  vd_keyring_store_credentials_async (credentials, NULL, vd_test_on_done, &wait);
  vd_test_wait_for_flag (&wait.done, 10000);
  stored = vd_keyring_store_credentials_finish (wait.result, error);
  g_object_unref (wait.result);
  return stored;
}

static VdCredentials *
lookup (GError **error)
{
  VdTestWait wait = { 0 };
  VdCredentials *credentials;

  vd_keyring_lookup_credentials_async (NULL, vd_test_on_done, &wait);
  vd_test_wait_for_flag (&wait.done, 10000);
  credentials = vd_keyring_lookup_credentials_finish (wait.result, error);
  g_object_unref (wait.result);
  return credentials;
}

static gboolean
clear (gboolean  *removed,
       GError   **error)
{
  VdTestWait wait = { 0 };
  gboolean cleared;

  vd_keyring_clear_credentials_async (NULL, vd_test_on_done, &wait);
  vd_test_wait_for_flag (&wait.done, 10000);
  cleared = vd_keyring_clear_credentials_finish (wait.result, removed, error);
  g_object_unref (wait.result);
  return cleared;
}

static void
clear_all (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (clear (NULL, &error));
  g_assert_no_error (error);
}

/* How many items of the AccessKey kind the keyring holds, as another program sees them. */
static guint
count_items (void)
{
  g_autoptr(GError) error = NULL;
  GList *items;
  guint count;

  items = secret_password_search_sync (&schema, SECRET_SEARCH_ALL, NULL, &error,
                                       VD_KEYRING_ATTRIBUTE_KIND, VD_KEYRING_KIND_ACCESS_KEY,
                                       NULL);
  g_assert_no_error (error);
  count = g_list_length (items);
  g_list_free_full (items, g_object_unref);
  return count;
}

static void
assert_credentials (VdCredentials *credentials,
                    const char    *id,
                    const char    *secret,
                    const char    *token)
{
  g_assert_nonnull (credentials);
  g_assert_cmpstr (vd_credentials_get_access_key_id (credentials), ==, id);
  g_assert_cmpstr (vd_credentials_get_access_key_secret (credentials), ==, secret);
  g_assert_cmpstr (vd_credentials_get_security_token (credentials), ==, token);
}

static void
test_keyring_lookup_none (void)
{
  g_autoptr(VdCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  clear_all ();
  credentials = lookup (&error);
  g_assert_no_error (error);
  g_assert_null (credentials);
}

static void
test_keyring_store_and_lookup (void)
{
  g_autoptr(VdCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  clear_all ();
  g_assert_true (store (TEST_ID, TEST_SECRET, NULL, &error));
  g_assert_no_error (error);

  credentials = lookup (&error);
  g_assert_no_error (error);
  assert_credentials (credentials, TEST_ID, TEST_SECRET, NULL);
  g_assert_cmpuint (count_items (), ==, 1);
}

static void
test_keyring_store_with_token (void)
{
  g_autoptr(VdCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  clear_all ();
  g_assert_true (store (TEST_ID, TEST_SECRET, TEST_TOKEN, &error));
  g_assert_no_error (error);

  credentials = lookup (&error);
  g_assert_no_error (error);
  assert_credentials (credentials, TEST_ID, TEST_SECRET, TEST_TOKEN);
}

/* The stored form is the documented one, readable by another program with the schema. */
static void
test_keyring_stored_form (void)
{
  g_autoptr(GError) error = NULL;
  char *plain;
  char *with_token;

  clear_all ();
  g_assert_true (store (TEST_ID, TEST_SECRET, NULL, &error));
  plain = secret_password_lookup_sync (&schema, NULL, &error,
                                       VD_KEYRING_ATTRIBUTE_KIND, VD_KEYRING_KIND_ACCESS_KEY,
                                       VD_KEYRING_ATTRIBUTE_ACCESS_KEY, TEST_ID, NULL);
  g_assert_no_error (error);
  g_assert_cmpstr (plain, ==, TEST_SECRET);
  secret_password_free (plain);

  g_assert_true (store (TEST_ID, TEST_SECRET, TEST_TOKEN, &error));
  with_token = secret_password_lookup_sync (&schema, NULL, &error,
                                            VD_KEYRING_ATTRIBUTE_KIND, VD_KEYRING_KIND_ACCESS_KEY,
                                            NULL);
  g_assert_no_error (error);
  g_assert_cmpstr (with_token, ==, TEST_SECRET "\n" TEST_TOKEN);
  secret_password_free (with_token);
  g_assert_cmpstr (schema.name, ==, "io.github.verifydesk.VerifyDesk");
}

static void
test_keyring_replace_same_id (void)
{
  g_autoptr(VdCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  clear_all ();
  g_assert_true (store (TEST_ID, TEST_SECRET, TEST_TOKEN, &error));
  g_assert_true (store (TEST_ID, OTHER_SECRET, NULL, &error));
  g_assert_no_error (error);

  credentials = lookup (&error);
  g_assert_no_error (error);
  assert_credentials (credentials, TEST_ID, OTHER_SECRET, NULL);
  g_assert_cmpuint (count_items (), ==, 1);
}

static void
test_keyring_replace_other_id (void)
{
  g_autoptr(VdCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  clear_all ();
  g_assert_true (store (TEST_ID, TEST_SECRET, NULL, &error));
  g_assert_true (store (OTHER_ID, OTHER_SECRET, NULL, &error));
  g_assert_no_error (error);

  credentials = lookup (&error);
  g_assert_no_error (error);
  assert_credentials (credentials, OTHER_ID, OTHER_SECRET, NULL);
  g_assert_cmpuint (count_items (), ==, 1);
}

static void
test_keyring_remove (void)
{
  g_autoptr(VdCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  gboolean removed = FALSE;

  clear_all ();
  g_assert_true (store (TEST_ID, TEST_SECRET, NULL, &error));
  g_assert_true (clear (&removed, &error));
  g_assert_no_error (error);
  g_assert_true (removed);
  g_assert_cmpuint (count_items (), ==, 0);

  credentials = lookup (&error);
  g_assert_no_error (error);
  g_assert_null (credentials);

  g_assert_true (clear (&removed, &error));
  g_assert_no_error (error);
  g_assert_false (removed);
}

/* A bad value is refused before the keyring is touched, names the field, never quotes it, and
 * leaves the stored AccessKey alone. */
static void
test_keyring_refuses_bad_values (void)
{
  static const struct {
    const char *id;
    const char *secret;
    const char *token;
    int         code;
  } cases[] = {
    { "", TEST_SECRET, NULL, VD_KEYRING_ERROR_INVALID_ID },
    { "LTAI 5t", TEST_SECRET, NULL, VD_KEYRING_ERROR_INVALID_ID },
    { TEST_ID, "", NULL, VD_KEYRING_ERROR_INVALID_SECRET },
    { TEST_ID, "Pasted Secret With Spaces", NULL, VD_KEYRING_ERROR_INVALID_SECRET },
    { TEST_ID, "Secret\nWithLineFeed", NULL, VD_KEYRING_ERROR_INVALID_SECRET },
    { TEST_ID, "Sécret", NULL, VD_KEYRING_ERROR_INVALID_SECRET },
    { TEST_ID, TEST_SECRET, "token\twith-tab", VD_KEYRING_ERROR_INVALID_TOKEN },
  };
  g_autoptr(VdCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  clear_all ();
  g_assert_true (store (OTHER_ID, OTHER_SECRET, NULL, &error));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) bad = NULL;

      g_assert_false (store (cases[i].id, cases[i].secret, cases[i].token, &bad));
      g_assert_error (bad, VD_KEYRING_ERROR, cases[i].code);
      if (*cases[i].secret != '\0')
        g_assert_null (strstr (bad->message, cases[i].secret));
      g_assert_false (vd_keyring_check_credentials (cases[i].id, cases[i].secret,
                                                    cases[i].token, NULL));
    }

  credentials = lookup (&error);
  g_assert_no_error (error);
  assert_credentials (credentials, OTHER_ID, OTHER_SECRET, NULL);
}

/* A value put there by hand that is not of the documented form is an error, not a key. */
static void
test_keyring_damaged_item (void)
{
  g_autoptr(VdCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  clear_all ();
  g_assert_true (secret_password_store_sync (&schema, SECRET_COLLECTION_DEFAULT, "hand-made",
                                             "two words\nand a bad token", NULL, &error,
                                             VD_KEYRING_ATTRIBUTE_KIND, VD_KEYRING_KIND_ACCESS_KEY,
                                             VD_KEYRING_ATTRIBUTE_ACCESS_KEY, TEST_ID, NULL));
  credentials = lookup (&error);
  g_assert_null (credentials);
  g_assert_error (error, VD_KEYRING_ERROR, VD_KEYRING_ERROR_FAILED);
  g_assert_true (strstr (error->message, "damaged") != NULL);
  g_assert_null (strstr (error->message, "two words"));
  clear_all ();
}

static void
test_keyring_mask_secret (void)
{
  g_autofree char *long_secret = vd_keyring_mask_secret ("abcdefghijklmnopqrstuvwxyz0123");
  g_autofree char *short_secret = vd_keyring_mask_secret ("abcdefgh");
  g_autofree char *one = vd_keyring_mask_secret ("x");

  g_assert_cmpstr (long_secret, ==, "****************************23 (30 characters)");
  g_assert_cmpstr (short_secret, ==, "******** (8 characters)");
  g_assert_cmpstr (one, ==, "* (1 character)");
}

/* --- the desk's lookup order: configured, environment, keyring --- */

typedef struct {
  gboolean        done;
  VdVerification *verification;
} VerifyWait;

static void
on_verified (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  VerifyWait *wait = user_data;
  g_autoptr(GError) error = NULL;

  wait->verification = vd_desk_verify_finish (VD_DESK (source), result, &error);
  g_assert_no_error (error);
  wait->done = TRUE;
}

static VdVerification *
verify_with (VdDesk *desk)
{
  g_autoptr(VdVerifyRequest) request = vd_verify_request_new_task (NULL);
  VerifyWait wait = { 0 };

  request->name = g_strdup ("张三");
  request->id_number = g_strdup ("11010519491231002X");
  request->face_url = g_strdup ("https://example.com/face.jpg");
  vd_desk_verify_async (desk, request, NULL, on_verified, &wait);
  vd_test_wait_for_flag (&wait.done, 20000);
  return wait.verification;
}

static VdDesk *
desk_for (VdSimulator *simulator)
{
  g_autoptr(VdCloudauthClient) client = vd_cloudauth_client_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (vd_simulator_listen (simulator, 0, NULL, &error));
  g_assert_true (vd_cloudauth_client_set_endpoint (client, vd_simulator_get_url (simulator),
                                                   &error));
  g_assert_no_error (error);
  return vd_desk_new (client);
}

static void
test_keyring_desk_uses_keyring (void)
{
  g_autoptr(VdSimulator) simulator = vd_simulator_new ();
  g_autoptr(VdDesk) desk = NULL;
  g_autoptr(VdVerification) verification = NULL;
  g_autoptr(GError) error = NULL;

  vd_simulator_add_key (simulator, TEST_ID, TEST_SECRET, NULL);
  desk = desk_for (simulator);
  clear_all ();
  g_assert_true (store (TEST_ID, TEST_SECRET, NULL, &error));

  verification = verify_with (desk);
  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_PASSED);
  g_assert_null (verification->error);
  g_assert_cmpuint (vd_simulator_get_requests_answered (simulator), ==, 1);
  vd_simulator_disconnect (simulator);
}

static void
test_keyring_desk_lookup_order (void)
{
  g_autoptr(VdSimulator) simulator = vd_simulator_new ();
  g_autoptr(VdDesk) desk = NULL;
  g_autoptr(VdVerification) from_environment = NULL;
  g_autoptr(VdVerification) configured = NULL;
  g_autoptr(VdCredentials) wrong = vd_credentials_new (TEST_ID, "ConfiguredButWrong0001", NULL);
  g_autoptr(GError) error = NULL;

  /* The keyring has the right pair; the environment and the configured pair are wrong, and
   * each must win over what comes after it. */
  vd_simulator_add_key (simulator, TEST_ID, TEST_SECRET, NULL);
  desk = desk_for (simulator);
  clear_all ();
  g_assert_true (store (TEST_ID, TEST_SECRET, NULL, &error));

  g_setenv (VD_ENV_ACCESS_KEY_ID, OTHER_ID, TRUE);
  g_setenv (VD_ENV_ACCESS_KEY_SECRET, OTHER_SECRET, TRUE);
  from_environment = verify_with (desk);
  g_assert_cmpint (from_environment->outcome, ==, VD_OUTCOME_ERROR);
  g_assert_cmpstr (from_environment->result->code, ==, "InvalidAccessKeyId.NotFound");

  vd_desk_set_credentials (desk, wrong);
  configured = verify_with (desk);
  g_assert_cmpstr (configured->result->code, ==, "SignatureDoesNotMatch");

  g_unsetenv (VD_ENV_ACCESS_KEY_ID);
  g_unsetenv (VD_ENV_ACCESS_KEY_SECRET);
  vd_simulator_disconnect (simulator);
}

static void
test_keyring_desk_nothing_stored (void)
{
  g_autoptr(VdDesk) desk = vd_desk_new (NULL);
  g_autoptr(VdVerification) verification = NULL;

  clear_all ();
  verification = verify_with (desk);
  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_ERROR);
  g_assert_error (verification->error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_NO_CREDENTIALS);
  g_assert_true (strstr (verification->error->message, "credentials set") != NULL);
  g_assert_true (strstr (verification->error->message, VD_ENV_ACCESS_KEY_ID) != NULL);
  g_assert_true (verification->verdict->open_preferences);
  g_assert_cmpuint (verification->attempts, ==, 0);
}

/* --- no keyring at all (in a child whose bus address leads nowhere) --- */

static void
test_keyring_absent (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *nowhere = g_build_filename (g_get_tmp_dir (), "verifydesk-no-bus-here",
                                                   NULL);
      g_autofree char *address = g_strconcat ("unix:path=", nowhere, NULL);
      g_autoptr(VdCredentials) credentials = NULL;
      g_autoptr(GError) lookup_error = NULL;
      g_autoptr(GError) store_error = NULL;
      g_autoptr(GError) clear_error = NULL;
      g_autoptr(VdDesk) desk = vd_desk_new (NULL);
      g_autoptr(VdVerification) verification = NULL;
      gint64 start = g_get_monotonic_time ();

      g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);

      credentials = lookup (&lookup_error);
      g_assert_null (credentials);
      g_assert_error (lookup_error, VD_KEYRING_ERROR, VD_KEYRING_ERROR_UNAVAILABLE);
      g_assert_true (g_str_has_prefix (lookup_error->message, "No keyring is available: "));
      g_assert_true (strstr (lookup_error->message, "training mode") != NULL);

      g_assert_false (store (TEST_ID, TEST_SECRET, NULL, &store_error));
      g_assert_error (store_error, VD_KEYRING_ERROR, VD_KEYRING_ERROR_UNAVAILABLE);
      g_assert_null (strstr (store_error->message, TEST_SECRET));
      g_assert_false (clear (NULL, &clear_error));
      g_assert_error (clear_error, VD_KEYRING_ERROR, VD_KEYRING_ERROR_UNAVAILABLE);

      /* The desk still says what to do: no credentials, with the keyring's reason. */
      verification = verify_with (desk);
      g_assert_error (verification->error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_NO_CREDENTIALS);
      g_assert_true (strstr (verification->error->message, "No keyring is available") != NULL);
      g_assert_true (verification->verdict->open_preferences);
      g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
      return;
    }

  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* --- locked: the last test of the program --- */

static void
test_keyring_locked (void)
{
  g_autoptr(VdCredentials) credentials = NULL;
  g_autoptr(GError) lookup_error = NULL;
  g_autoptr(GError) store_error = NULL;
  g_autoptr(GError) clear_error = NULL;
  g_autoptr(VdDesk) desk = vd_desk_new (NULL);
  g_autoptr(VdVerification) verification = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  clear_all ();
  g_assert_true (store (TEST_ID, TEST_SECRET, NULL, &error));
  vd_test_keyring_lock (keyring);

  start = g_get_monotonic_time ();
  credentials = lookup (&lookup_error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  g_assert_null (credentials);
  g_assert_error (lookup_error, VD_KEYRING_ERROR, VD_KEYRING_ERROR_LOCKED);
  g_assert_true (g_str_has_prefix (lookup_error->message, "The keyring is locked: "));
  g_assert_true (strstr (lookup_error->message, "unlock") != NULL);

  g_assert_false (store (OTHER_ID, OTHER_SECRET, NULL, &store_error));
  g_assert_error (store_error, VD_KEYRING_ERROR, VD_KEYRING_ERROR_LOCKED);
  g_assert_false (clear (NULL, &clear_error));
  g_assert_error (clear_error, VD_KEYRING_ERROR, VD_KEYRING_ERROR_LOCKED);
  g_assert_cmpuint (count_items (), ==, 1);

  /* A locked keyring keeps its own words in the verification: the fix is to unlock it. */
  verification = verify_with (desk);
  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_ERROR);
  g_assert_error (verification->error, VD_KEYRING_ERROR, VD_KEYRING_ERROR_LOCKED);
  g_assert_true (strstr (verification->verdict->explanation, "locked") != NULL);
  g_assert_cmpuint (verification->attempts, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_unsetenv (VD_ENV_ACCESS_KEY_ID);
  g_unsetenv (VD_ENV_ACCESS_KEY_SECRET);
  g_unsetenv (VD_ENV_SECURITY_TOKEN);
  if (!g_test_subprocess ())
    keyring = vd_test_keyring_start ();

  g_test_add_func ("/keyring/lookup-none", test_keyring_lookup_none);
  g_test_add_func ("/keyring/store-and-lookup", test_keyring_store_and_lookup);
  g_test_add_func ("/keyring/store-with-token", test_keyring_store_with_token);
  g_test_add_func ("/keyring/stored-form", test_keyring_stored_form);
  g_test_add_func ("/keyring/replace-same-id", test_keyring_replace_same_id);
  g_test_add_func ("/keyring/replace-other-id", test_keyring_replace_other_id);
  g_test_add_func ("/keyring/remove", test_keyring_remove);
  g_test_add_func ("/keyring/refuses-bad-values", test_keyring_refuses_bad_values);
  g_test_add_func ("/keyring/damaged-item", test_keyring_damaged_item);
  g_test_add_func ("/keyring/mask-secret", test_keyring_mask_secret);
  g_test_add_func ("/keyring/desk-uses-keyring", test_keyring_desk_uses_keyring);
  g_test_add_func ("/keyring/desk-lookup-order", test_keyring_desk_lookup_order);
  g_test_add_func ("/keyring/desk-nothing-stored", test_keyring_desk_nothing_stored);
  g_test_add_func ("/keyring/absent", test_keyring_absent);
  g_test_add_func ("/keyring/locked", test_keyring_locked);

  status = g_test_run ();
  if (keyring != NULL)
    vd_test_keyring_stop (keyring);
  return status;
}
