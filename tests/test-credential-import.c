/* Finding AccessKeys that other Alibaba Cloud tools keep: the environment, the aliyun CLI's
 * config.json and the SDKs' INI file, in a temporary home — and files that are hostile. */

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vd-credential-import.h"
#include "vd-env-credentials.h"
#include "vd-test-util.h"

typedef struct {
  char *home;
} Fixture;

static void
write_file (Fixture    *fixture,
            const char *relative_path,
            const char *contents,
            gssize      length)
{
  g_autofree char *path = g_build_filename (fixture->home, relative_path, NULL);
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, length, &error));
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK) && g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      dir = g_dir_open (path, 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
    }
  g_remove (path);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->home = g_dir_make_tmp ("verifydesk-import-XXXXXX", &error);
  g_assert_no_error (error);
  g_unsetenv (VD_ENV_ACCESS_KEY_ID);
  g_unsetenv (VD_ENV_ACCESS_KEY_SECRET);
  g_unsetenv (VD_ENV_SECURITY_TOKEN);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  remove_tree (fixture->home);
  g_free (fixture->home);
  g_unsetenv (VD_ENV_ACCESS_KEY_ID);
  g_unsetenv (VD_ENV_ACCESS_KEY_SECRET);
  g_unsetenv (VD_ENV_SECURITY_TOKEN);
}

static VdCredentialCandidate *
candidate_at (GPtrArray *candidates,
              guint      index)
{
  g_assert_cmpuint (index, <, candidates->len);
  return g_ptr_array_index (candidates, index);
}

static void
assert_key (VdCredentialCandidate *candidate,
            const char            *id,
            const char            *secret,
            const char            *token)
{
  g_assert_cmpstr (vd_credentials_get_access_key_id (candidate->credentials), ==, id);
  g_assert_cmpstr (vd_credentials_get_access_key_secret (candidate->credentials), ==, secret);
  g_assert_cmpstr (vd_credentials_get_security_token (candidate->credentials), ==, token);
  g_assert_cmpint (candidate->has_token, ==, token != NULL);
}

static gboolean
problems_mention (char       **problems,
                  const char  *text)
{
  for (guint i = 0; problems != NULL && problems[i] != NULL; i++)
    if (strstr (problems[i], text) != NULL)
      return TRUE;
  return FALSE;
}

static const char cli_config[] =
  "{\n"
  "  \"current\": \"work\",\n"
  "  \"profiles\": [\n"
  "    {\"name\": \"default\", \"mode\": \"AK\", \"access_key_id\": \"LTAI5tCliDefault0001\",\n"
  "     \"access_key_secret\": \"CliDefaultSecret0123456789abcd\", \"region_id\": \"cn-hangzhou\"},\n"
  "    {\"name\": \"work\", \"mode\": \"StsToken\", \"access_key_id\": \"STS.CliWork0002\",\n"
  "     \"access_key_secret\": \"CliWorkSecret0123456789abcdef\", \"sts_token\": \"CAIS+WorkToken==\"},\n"
  "    {\"name\": \"role\", \"mode\": \"RamRoleArn\", \"access_key_id\": \"LTAI5tRole0003\",\n"
  "     \"access_key_secret\": \"RoleSecret\", \"ram_role_arn\": \"acs:ram::1:role/x\"}\n"
  "  ],\n"
  "  \"meta_path\": \"\"\n"
  "}\n";

static void
test_import_nothing (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) candidates = NULL;
  g_auto(GStrv) problems = NULL;

  candidates = vd_credential_import_find (fixture->home, &problems);
  g_assert_cmpuint (candidates->len, ==, 0);
  g_assert_null (problems);
}

static void
test_import_aliyun_cli (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) candidates = NULL;
  g_auto(GStrv) problems = NULL;
  VdCredentialCandidate *work;
  VdCredentialCandidate *plain;

  write_file (fixture, ".aliyun/config.json", cli_config, -1);
  candidates = vd_credential_import_find (fixture->home, &problems);

  g_assert_cmpuint (candidates->len, ==, 2);
  /* The current profile first, though it is second in the file. */
  work = candidate_at (candidates, 0);
  g_assert_cmpint (work->source, ==, VD_CREDENTIAL_SOURCE_ALIYUN_CLI);
  g_assert_cmpstr (work->profile, ==, "work");
  g_assert_cmpstr (work->description, ==, "aliyun CLI profile “work” (~/.aliyun/config.json)");
  g_assert_true (work->is_default);
  assert_key (work, "STS.CliWork0002", "CliWorkSecret0123456789abcdef", "CAIS+WorkToken==");

  plain = candidate_at (candidates, 1);
  g_assert_cmpstr (plain->description, ==,
                   "aliyun CLI profile “default” (~/.aliyun/config.json)");
  g_assert_false (plain->is_default);
  g_assert_cmpstr (plain->masked_id, ==, "LTAI************0001");
  assert_key (plain, "LTAI5tCliDefault0001", "CliDefaultSecret0123456789abcd", NULL);

  g_assert_nonnull (problems);
  g_assert_cmpuint (g_strv_length (problems), ==, 1);
  g_assert_true (strstr (problems[0], "“role”") != NULL);
  g_assert_true (strstr (problems[0], "RamRoleArn") != NULL);
  g_assert_null (strstr (problems[0], "RoleSecret"));
}

static const char sdk_ini[] =
  "# written by hand\n"
  "; and a comment of the other kind\n"
  "[project]\n"
  "type = access_key\n"
  "access_key_id = LTAI5tIniProject01\n"
  "access_key_secret = IniProjectSecret0123456789abc\n"
  "\n"
  "[default]\r\n"
  "type=access_key\r\n"
  "access_key_id=LTAI5tIniDefault01\r\n"
  "access_key_secret=  IniDefaultSecret0123456789ab  \r\n"
  "[temporary]\n"
  "type = sts\n"
  "access_key_id = STS.IniTemp01\n"
  "access_key_secret = IniTempSecret0123456789abcdef\n"
  "security_token = CAIS+IniToken/abc==\n"
  "[ecs]\n"
  "type = ecs_ram_role\n"
  "role_name = EcsRole\n"
  "[half]\n"
  "type = sts\n"
  "access_key_id = STS.Half\n"
  "access_key_secret = HalfSecret0123456789abcdef\n";

static void
test_import_sdk_ini (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) candidates = NULL;
  g_auto(GStrv) problems = NULL;
  VdCredentialCandidate *first;

  write_file (fixture, ".alibabacloud/credentials", sdk_ini, -1);
  candidates = vd_credential_import_find (fixture->home, &problems);

  g_assert_cmpuint (candidates->len, ==, 3);
  first = candidate_at (candidates, 0);
  g_assert_cmpint (first->source, ==, VD_CREDENTIAL_SOURCE_SDK_INI);
  g_assert_cmpstr (first->profile, ==, "default");
  g_assert_cmpstr (first->description, ==,
                   "Alibaba Cloud SDK credentials [default] (~/.alibabacloud/credentials)");
  g_assert_true (first->is_default);
  /* Surrounding spaces and the CR of a Windows line end are not part of the secret. */
  assert_key (first, "LTAI5tIniDefault01", "IniDefaultSecret0123456789ab", NULL);
  assert_key (candidate_at (candidates, 1), "LTAI5tIniProject01",
              "IniProjectSecret0123456789abc", NULL);
  assert_key (candidate_at (candidates, 2), "STS.IniTemp01", "IniTempSecret0123456789abcdef",
              "CAIS+IniToken/abc==");
  g_assert_false (candidate_at (candidates, 2)->is_default);

  g_assert_cmpuint (g_strv_length (problems), ==, 2);
  g_assert_true (problems_mention (problems, "[ecs]"));
  g_assert_true (problems_mention (problems, "ecs_ram_role"));
  g_assert_true (problems_mention (problems, "[half]"));
  g_assert_true (problems_mention (problems, "security_token"));
}

static void
test_import_environment_first (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GPtrArray) candidates = NULL;
  g_auto(GStrv) problems = NULL;
  VdCredentialCandidate *first;

  g_setenv (VD_ENV_ACCESS_KEY_ID, "LTAI5tFromEnvironment1", TRUE);
  g_setenv (VD_ENV_ACCESS_KEY_SECRET, "EnvironmentSecret0123456789ab", TRUE);
  g_setenv (VD_ENV_SECURITY_TOKEN, "CAIS+EnvToken==", TRUE);
  write_file (fixture, ".aliyun/config.json", cli_config, -1);
  write_file (fixture, ".alibabacloud/credentials", sdk_ini, -1);

  candidates = vd_credential_import_find (fixture->home, &problems);
  g_assert_cmpuint (candidates->len, ==, 6);
  first = candidate_at (candidates, 0);
  g_assert_cmpint (first->source, ==, VD_CREDENTIAL_SOURCE_ENVIRONMENT);
  g_assert_null (first->profile);
  g_assert_true (strstr (first->description, "ALIBABA_CLOUD_ACCESS_KEY_ID") != NULL);
  assert_key (first, "LTAI5tFromEnvironment1", "EnvironmentSecret0123456789ab", "CAIS+EnvToken==");
  g_assert_cmpint (candidate_at (candidates, 1)->source, ==, VD_CREDENTIAL_SOURCE_ALIYUN_CLI);
  g_assert_cmpint (candidate_at (candidates, 3)->source, ==, VD_CREDENTIAL_SOURCE_SDK_INI);
}

static void
test_import_environment_half_set (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) candidates = NULL;
  g_auto(GStrv) problems = NULL;

  g_setenv (VD_ENV_ACCESS_KEY_ID, "LTAI5tFromEnvironment1", TRUE);
  candidates = vd_credential_import_find (fixture->home, &problems);
  g_assert_cmpuint (candidates->len, ==, 0);
  g_assert_true (problems_mention (problems, VD_ENV_ACCESS_KEY_SECRET));
}

/* Each hostile config.json gives no candidate and one problem in words; none crashes. */
static void
test_import_hostile_json (Fixture       *fixture,
                          gconstpointer  data)
{
  static const struct {
    const char *contents;
    const char *problem;
  } cases[] = {
    { "{\"profiles\": [", "not valid JSON" },
    { "", "no list of profiles" },
    { "[1, 2, 3]", "no list of profiles" },
    { "{\"profiles\": \"default\"}", "no list of profiles" },
    { "{\"profiles\": {\"name\": \"x\"}}", "no list of profiles" },
    { "{\"current\": 7, \"profiles\": [42, null, \"x\", [], {\"name\": {\"a\": 1}, \"mode\": \"AK\","
      " \"access_key_id\": 12345, \"access_key_secret\": true}]}", "is empty" },
    { "{\"profiles\": [{\"name\": \"sts\", \"mode\": \"StsToken\", \"access_key_id\": \"STS.x\","
      " \"access_key_secret\": \"Secret0123456789abcdef\"}]}", "no sts_token" },
    { "{\"profiles\": [{\"name\": \"spaced\", \"mode\": \"AK\", \"access_key_id\": \"LTAI5tSpaced1\","
      " \"access_key_secret\": \"Two Words Secret\"}]}", "contains a space" },
    { "{\"profiles\": [{\"name\": \"\\u0007bell\\nline\", \"mode\": \"Bogus\"}]}", "“?bell?line”" },
    { "\xff\xfe{\"profiles\": []}", "not valid JSON" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) candidates = NULL;
      g_auto(GStrv) problems = NULL;

      write_file (fixture, ".aliyun/config.json", cases[i].contents, -1);
      candidates = vd_credential_import_find (fixture->home, &problems);
      g_assert_cmpuint (candidates->len, ==, 0);
      if (!problems_mention (problems, cases[i].problem))
        g_error ("case %u: no problem mentions “%s” (first: %s)", i, cases[i].problem,
                 problems != NULL ? problems[0] : "none");
      g_assert_false (problems_mention (problems, "Two Words Secret"));
    }
}

static void
test_import_hostile_ini (Fixture       *fixture,
                         gconstpointer  data)
{
  static const char binary[] = "[default\0]\ntype\0= access_key\n\xff\xfe=\n=\n[]\n[x]]\n";
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GPtrArray) empty_candidates = NULL;
  g_auto(GStrv) problems = NULL;
  g_auto(GStrv) empty_problems = NULL;

  write_file (fixture, ".alibabacloud/credentials", binary, sizeof binary - 1);
  candidates = vd_credential_import_find (fixture->home, &problems);
  g_assert_cmpuint (candidates->len, ==, 0);

  write_file (fixture, ".alibabacloud/credentials", "no sections at all\nkey = value\n", -1);
  empty_candidates = vd_credential_import_find (fixture->home, &empty_problems);
  g_assert_cmpuint (empty_candidates->len, ==, 0);
  g_assert_true (problems_mention (empty_problems, "no [sections]"));
}

static void
test_import_huge_file (Fixture       *fixture,
                       gconstpointer  data)
{
  gsize size = VD_CREDENTIAL_IMPORT_MAX_FILE_SIZE + 1;
  g_autofree char *huge = g_malloc (size);
  g_autoptr(GPtrArray) candidates = NULL;
  g_auto(GStrv) problems = NULL;

  memset (huge, ' ', size);
  huge[0] = '{';
  write_file (fixture, ".aliyun/config.json", huge, size);
  write_file (fixture, ".alibabacloud/credentials", huge, size);

  candidates = vd_credential_import_find (fixture->home, &problems);
  g_assert_cmpuint (candidates->len, ==, 0);
  g_assert_cmpuint (g_strv_length (problems), ==, 2);
  g_assert_true (strstr (problems[0], "~/.aliyun/config.json is larger than 1 MiB") != NULL);
  g_assert_true (strstr (problems[1], "~/.alibabacloud/credentials is larger than 1 MiB") != NULL);
}

/* A FIFO or a folder in the file's place is refused without blocking. */
static void
test_import_not_regular (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *aliyun = g_build_filename (fixture->home, ".aliyun", NULL);
  g_autofree char *fifo = g_build_filename (aliyun, "config.json", NULL);
  g_autofree char *folder = g_build_filename (fixture->home, ".alibabacloud", "credentials", NULL);
  g_autoptr(GPtrArray) candidates = NULL;
  g_auto(GStrv) problems = NULL;
  gint64 start;

  g_assert_cmpint (g_mkdir_with_parents (aliyun, 0700), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);

  start = g_get_monotonic_time ();
  candidates = vd_credential_import_find (fixture->home, &problems);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  g_assert_cmpuint (candidates->len, ==, 0);
  g_assert_true (problems_mention (problems, "~/.aliyun/config.json is not a regular file"));
  g_assert_true (problems_mention (problems, "~/.alibabacloud/credentials is not a regular file"));
}

/* A file that cannot be opened (here a symbolic link to itself, which fails for root too) is
 * a problem in words. */
static void
test_import_unreadable (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *aliyun = g_build_filename (fixture->home, ".aliyun", NULL);
  g_autofree char *path = g_build_filename (aliyun, "config.json", NULL);
  g_autoptr(GPtrArray) candidates = NULL;
  g_auto(GStrv) problems = NULL;

  g_assert_cmpint (g_mkdir_with_parents (aliyun, 0700), ==, 0);
  g_assert_cmpint (symlink ("config.json", path), ==, 0);
  candidates = vd_credential_import_find (fixture->home, &problems);
  g_assert_cmpuint (candidates->len, ==, 0);
  g_assert_true (problems_mention (problems, "~/.aliyun/config.json could not be read: "));
}

typedef struct {
  gboolean      done;
  GAsyncResult *result;
} Wait;

static void
on_found (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  wait->done = TRUE;
}

static void
test_import_async (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) problems = NULL;
  Wait wait = { 0 };

  write_file (fixture, ".aliyun/config.json", cli_config, -1);
  vd_credential_import_find_async (fixture->home, NULL, on_found, &wait);
  vd_test_wait_for_flag (&wait.done, 10000);
  candidates = vd_credential_import_find_finish (wait.result, &problems, &error);
  g_object_unref (wait.result);

  g_assert_no_error (error);
  g_assert_cmpuint (candidates->len, ==, 2);
  g_assert_cmpstr (candidate_at (candidates, 0)->profile, ==, "work");
  g_assert_cmpuint (g_strv_length (problems), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, function) \
  g_test_add (path, Fixture, NULL, fixture_set_up, function, fixture_tear_down)

  ADD ("/credential-import/nothing", test_import_nothing);
  ADD ("/credential-import/aliyun-cli", test_import_aliyun_cli);
  ADD ("/credential-import/sdk-ini", test_import_sdk_ini);
  ADD ("/credential-import/environment-first", test_import_environment_first);
  ADD ("/credential-import/environment-half-set", test_import_environment_half_set);
  ADD ("/credential-import/hostile-json", test_import_hostile_json);
  ADD ("/credential-import/hostile-ini", test_import_hostile_ini);
  ADD ("/credential-import/huge-file", test_import_huge_file);
  ADD ("/credential-import/not-regular", test_import_not_regular);
  ADD ("/credential-import/unreadable", test_import_unreadable);
  ADD ("/credential-import/async", test_import_async);

#undef ADD

  return g_test_run ();
}
