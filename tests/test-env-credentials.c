/* The key pair from the environment: trimmed, both halves required, the secret never quoted. */

#include <string.h>

#include "vd-client-error.h"
#include "vd-env-credentials.h"

static void
set_env (const char *id,
         const char *secret,
         const char *token)
{
  g_setenv (VD_ENV_ACCESS_KEY_ID, id, TRUE);
  g_setenv (VD_ENV_ACCESS_KEY_SECRET, secret, TRUE);
  g_setenv (VD_ENV_SECURITY_TOKEN, token, TRUE);
}

static void
test_env_unset_is_none (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdCredentials) credentials = NULL;

  g_unsetenv (VD_ENV_ACCESS_KEY_ID);
  g_unsetenv (VD_ENV_ACCESS_KEY_SECRET);
  g_unsetenv (VD_ENV_SECURITY_TOKEN);
  credentials = vd_env_credentials_lookup (&error);
  g_assert_null (credentials);
  g_assert_no_error (error);

  set_env ("", "  ", "");
  credentials = vd_env_credentials_lookup (&error);
  g_assert_null (credentials);
  g_assert_no_error (error);
}

static void
test_env_pair_is_trimmed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdCredentials) credentials = NULL;

  /* A secret pasted with a trailing space or newline is the classic SignatureDoesNotMatch. */
  set_env (" LTAI5tCounterDesk000001\n", "CounterDeskSecret \n", "");
  credentials = vd_env_credentials_lookup (&error);
  g_assert_no_error (error);
  g_assert_nonnull (credentials);
  g_assert_cmpstr (vd_credentials_get_access_key_id (credentials), ==, "LTAI5tCounterDesk000001");
  g_assert_cmpstr (vd_credentials_get_access_key_secret (credentials), ==, "CounterDeskSecret");
  g_assert_null (vd_credentials_get_security_token (credentials));
}

static void
test_env_sts_token (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdCredentials) credentials = NULL;

  set_env ("STS.NUgYrLnoC37mZZCNnAbez", "StsSecret", "CAIS+token/with=reserved");
  credentials = vd_env_credentials_lookup (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (vd_credentials_get_security_token (credentials), ==, "CAIS+token/with=reserved");
}

static void
test_env_half_pair_names_the_missing_variable (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdCredentials) credentials = NULL;

  set_env ("LTAI5tCounterDesk000001", "", "");
  credentials = vd_env_credentials_lookup (&error);
  g_assert_null (credentials);
  g_assert_error (error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_NO_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, VD_ENV_ACCESS_KEY_SECRET " is not"));
  g_clear_error (&error);

  set_env ("", "TheSecretThatMustNotBeQuoted", "");
  credentials = vd_env_credentials_lookup (&error);
  g_assert_null (credentials);
  g_assert_error (error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_NO_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, VD_ENV_ACCESS_KEY_ID " is not"));
  g_assert_null (strstr (error->message, "TheSecretThatMustNotBeQuoted"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/env-credentials/unset-is-none", test_env_unset_is_none);
  g_test_add_func ("/env-credentials/pair-is-trimmed", test_env_pair_is_trimmed);
  g_test_add_func ("/env-credentials/sts-token", test_env_sts_token);
  g_test_add_func ("/env-credentials/half-pair", test_env_half_pair_names_the_missing_variable);

  return g_test_run ();
}
