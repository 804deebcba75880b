#define G_LOG_DOMAIN "vd-credential-import"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vd-credential-import.h"
#include "vd-env-credentials.h"
#include "vd-keyring.h"

#define ALIYUN_CLI_FILE   ".aliyun/config.json"
#define SDK_INI_FILE      ".alibabacloud/credentials"
/* A profile name is shown in a list: a hostile file must not fill the window with one. */
#define MAX_NAME_CHARS    64

/* --- wiping what held a secret --- */

static void
wipe (char  *buffer,
      gsize  length)
{
  volatile char *p = buffer;

  if (buffer == NULL)
    return;
  for (gsize i = 0; i < length; i++)
    p[i] = '\0';
}

static void
wipe_string_and_free (char *text)
{
  if (text == NULL)
    return;
  wipe (text, strlen (text));
  g_free (text);
}

void
vd_credential_candidate_free (VdCredentialCandidate *candidate)
{
  if (candidate == NULL)
    return;

  g_free (candidate->profile);
  g_free (candidate->description);
  g_free (candidate->masked_id);
  g_clear_pointer (&candidate->credentials, vd_credentials_unref);
  g_free (candidate);
}

/* A name from a file, fit to be shown: valid UTF-8, no control characters, not too long. */
static char *
displayable_name (const char *name)
{
  g_autofree char *valid = g_utf8_make_valid (name, -1);
  GString *shown = g_string_new (NULL);
  glong count = 0;
  const char *p;

  for (p = valid; *p != '\0' && count < MAX_NAME_CHARS; p = g_utf8_next_char (p), count++)
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (shown, g_unichar_iscntrl (c) ? '?' : c);
    }
  if (*p != '\0')
    g_string_append (shown, "…");

  return g_string_free (shown, FALSE);
}

/* Whether a value from a file is missing or only white space. */
static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

/* A copy with surrounding white space removed, or NULL for NULL or blank. */
static char *
trimmed_or_null (const char *text)
{
  char *copy;

  if (text == NULL)
    return NULL;
  copy = g_strstrip (g_strdup (text));
  if (*copy == '\0')
    {
      g_free (copy);
      return NULL;
    }
  return copy;
}

/* Adds a candidate for the values, or a problem when they cannot be stored. Takes
 * @description; the values are copied. */
static void
add_candidate (GPtrArray          *candidates,
               GPtrArray          *problems,
               VdCredentialSource  source,
               const char         *profile,
               char               *description,
               gboolean            is_default,
               const char         *raw_id,
               const char         *raw_secret,
               const char         *raw_token)
{
  g_autofree char *id = trimmed_or_null (raw_id);
  char *secret = trimmed_or_null (raw_secret);
  char *token = trimmed_or_null (raw_token);
  g_autoptr(GError) error = NULL;
  VdCredentialCandidate *candidate;

  if (!vd_keyring_check_credentials (id, secret, token, &error))
    {
      /* TRANSLATORS: the first %s is a source (“aliyun CLI profile “default” (…)”), the
       * second why its key cannot be used. */
      g_ptr_array_add (problems, g_strdup_printf (_("%s was skipped: %s"),
                                                  description, error->message));
      g_free (description);
    }
  else
    {
      candidate = g_new0 (VdCredentialCandidate, 1);
      candidate->source = source;
      candidate->profile = g_strdup (profile);
      candidate->description = description;
      candidate->masked_id = vd_credentials_mask_id (id);
      candidate->has_token = token != NULL;
      candidate->is_default = is_default;
      candidate->credentials = vd_credentials_new (id, secret, token);
      g_ptr_array_add (candidates, candidate);
    }

  wipe_string_and_free (secret);
  wipe_string_and_free (token);
}

/* --- reading a file that may be hostile --- */

/* The contents of @home/@relative_path, at most the cap, NUL-terminated. FALSE when there is no
 * such file (no problem) or it cannot be used (a problem that says why). */
static gboolean
read_capped_file (const char  *home,
                  const char  *relative_path,
                  GPtrArray   *problems,
                  char       **contents_out,
                  gsize       *length_out)
{
  g_autofree char *path = g_build_filename (home, relative_path, NULL);
  g_autofree char *shown = g_strconcat ("~/", relative_path, NULL);
  struct stat info;
  char *contents;
  gsize length = 0;
  int fd;

  /* Non-blocking, so that a FIFO put in the file's place cannot hang the reader. */
  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno != ENOENT && saved_errno != ENOTDIR)
        g_ptr_array_add (problems, g_strdup_printf (_("%s could not be read: %s."),
                                                    shown, g_strerror (saved_errno)));
      return FALSE;
    }

  if (fstat (fd, &info) != 0 || !S_ISREG (info.st_mode))
    {
      g_ptr_array_add (problems, g_strdup_printf (_("%s is not a regular file, so it was not "
                                                    "read."), shown));
      close (fd);
      return FALSE;
    }
  if (info.st_size > VD_CREDENTIAL_IMPORT_MAX_FILE_SIZE)
    {
      g_ptr_array_add (problems, g_strdup_printf (_("%s is larger than 1 MiB, so it was not "
                                                    "read."), shown));
      close (fd);
      return FALSE;
    }

  /* One byte more than the cap: a file that grew since fstat is still caught. */
  contents = g_malloc (VD_CREDENTIAL_IMPORT_MAX_FILE_SIZE + 2);
  while (length <= VD_CREDENTIAL_IMPORT_MAX_FILE_SIZE)
    {
      gssize n = read (fd, contents + length, VD_CREDENTIAL_IMPORT_MAX_FILE_SIZE + 1 - length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_ptr_array_add (problems, g_strdup_printf (_("%s could not be read: %s."),
                                                      shown, g_strerror (saved_errno)));
          wipe (contents, length);
          g_free (contents);
          close (fd);
          return FALSE;
        }
      if (n == 0)
        break;
      length += n;
    }
  close (fd);

  if (length > VD_CREDENTIAL_IMPORT_MAX_FILE_SIZE)
    {
      g_ptr_array_add (problems, g_strdup_printf (_("%s is larger than 1 MiB, so it was not "
                                                    "read."), shown));
      wipe (contents, length);
      g_free (contents);
      return FALSE;
    }

  contents[length] = '\0';
  *contents_out = contents;
  *length_out = length;
  return TRUE;
}

/* --- the environment --- */

static void
find_in_environment (GPtrArray *candidates,
                     GPtrArray *problems)
{
  g_autoptr(VdCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = vd_env_credentials_lookup (&error);
  if (error != NULL)
    {
      g_ptr_array_add (problems, g_strdup (error->message));
      return;
    }
  if (credentials == NULL)
    return;

  add_candidate (candidates, problems, VD_CREDENTIAL_SOURCE_ENVIRONMENT, NULL,
                 g_strdup_printf (_("environment variables %s and %s"),
                                  VD_ENV_ACCESS_KEY_ID, VD_ENV_ACCESS_KEY_SECRET),
                 FALSE,
                 vd_credentials_get_access_key_id (credentials),
                 vd_credentials_get_access_key_secret (credentials),
                 vd_credentials_get_security_token (credentials));
}

/* --- the aliyun CLI's config.json --- */

/* A string member, or NULL when it is missing or of another type. */
static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* json-glib keeps its own copies of the strings it parsed; the secret ones are overwritten in
 * place before the tree is freed. */
static void
wipe_string_member (JsonObject *object,
                    const char *name)
{
  const char *value = string_member (object, name);

  if (value != NULL)
    wipe ((char *) value, strlen (value));
}

static void
add_cli_profile (GPtrArray  *candidates,
                 GPtrArray  *problems,
                 JsonObject *profile,
                 const char *current)
{
  const char *raw_name = string_member (profile, "name");
  const char *mode = string_member (profile, "mode");
  g_autofree char *name = displayable_name (raw_name != NULL ? raw_name : "");
  char *description;
  gboolean sts;

  /* TRANSLATORS: %s is the profile's name. */
  description = g_strdup_printf (_("aliyun CLI profile “%s” (~/.aliyun/config.json)"), name);

  sts = g_strcmp0 (mode, "StsToken") == 0;
  if (!sts && g_strcmp0 (mode, "AK") != 0)
    {
      g_autofree char *shown_mode = displayable_name (mode != NULL ? mode : "");

      g_ptr_array_add (problems,
                       g_strdup_printf (_("%s was skipped: its mode “%s” is not AK or StsToken, "
                                          "and only an AccessKey (with an optional STS token) "
                                          "can be imported."),
                                        description, shown_mode));
      g_free (description);
      return;
    }

  if (sts && is_blank (string_member (profile, "sts_token")))
    {
      g_ptr_array_add (problems,
                       g_strdup_printf (_("%s was skipped: its mode is StsToken but it has no "
                                          "sts_token."), description));
      g_free (description);
      return;
    }

  add_candidate (candidates, problems, VD_CREDENTIAL_SOURCE_ALIYUN_CLI, name, description,
                 raw_name != NULL && g_strcmp0 (raw_name, current) == 0,
                 string_member (profile, "access_key_id"),
                 string_member (profile, "access_key_secret"),
                 sts ? string_member (profile, "sts_token") : NULL);
}

static void
find_in_aliyun_cli (const char *home,
                    GPtrArray  *candidates,
                    GPtrArray  *problems)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;
  gboolean parsed;
  JsonNode *root;
  JsonNode *profiles_node;
  JsonArray *profiles;
  JsonObject *object;
  const char *current;
  guint first_new;

  if (!read_capped_file (home, ALIYUN_CLI_FILE, problems, &contents, &length))
    return;

  parsed = json_parser_load_from_data (parser, contents, (gssize) length, &error);
  wipe (contents, length);
  g_free (contents);
  if (!parsed)
    {
      g_ptr_array_add (problems, g_strdup (_("~/.aliyun/config.json is not valid JSON, so its "
                                             "profiles were not read.")));
      return;
    }

  root = json_parser_get_root (parser);
  profiles_node = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
                  ? json_object_get_member (json_node_get_object (root), "profiles")
                  : NULL;
  if (profiles_node == NULL || !JSON_NODE_HOLDS_ARRAY (profiles_node))
    {
      g_ptr_array_add (problems, g_strdup (_("~/.aliyun/config.json has no list of profiles, "
                                             "so nothing was read from it.")));
      return;
    }

  object = json_node_get_object (root);
  current = string_member (object, "current");
  profiles = json_node_get_array (profiles_node);
  first_new = candidates->len;

  for (guint i = 0; i < json_array_get_length (profiles); i++)
    {
      JsonNode *node = json_array_get_element (profiles, i);
      JsonObject *profile;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;

      profile = json_node_get_object (node);
      add_cli_profile (candidates, problems, profile, current);
      wipe_string_member (profile, "access_key_secret");
      wipe_string_member (profile, "sts_token");
    }

  /* The current profile first, the others in the file's order. */
  for (guint i = first_new; i < candidates->len; i++)
    {
      VdCredentialCandidate *candidate = g_ptr_array_index (candidates, i);

      if (candidate->is_default && i > first_new)
        {
          g_ptr_array_steal_index (candidates, i);
          g_ptr_array_insert (candidates, (int) first_new, candidate);
          break;
        }
    }
}

/* --- the SDKs' INI file --- */

typedef struct {
  char *name;
  char *type;
  char *access_key_id;
  char *access_key_secret;
  char *security_token;
} IniSection;

static void
ini_section_free (IniSection *section)
{
  g_free (section->name);
  g_free (section->type);
  g_free (section->access_key_id);
  wipe_string_and_free (section->access_key_secret);
  wipe_string_and_free (section->security_token);
  g_free (section);
}

static IniSection *
ini_section_get (GPtrArray  *sections,
                 const char *name)
{
  IniSection *section;

  /* A repeated section adds to the first, as the SDKs' INI readers do. */
  for (guint i = 0; i < sections->len; i++)
    {
      section = g_ptr_array_index (sections, i);
      if (g_str_equal (section->name, name))
        return section;
    }

  section = g_new0 (IniSection, 1);
  section->name = g_strdup (name);
  g_ptr_array_add (sections, section);
  return section;
}

static void
ini_section_set (IniSection *section,
                 const char *key,
                 const char *value)
{
  static const struct { const char *key; gsize offset; gboolean secret; } fields[] = {
    { "type", G_STRUCT_OFFSET (IniSection, type), FALSE },
    { "access_key_id", G_STRUCT_OFFSET (IniSection, access_key_id), FALSE },
    { "access_key_secret", G_STRUCT_OFFSET (IniSection, access_key_secret), TRUE },
    { "security_token", G_STRUCT_OFFSET (IniSection, security_token), TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      char **field = &G_STRUCT_MEMBER (char *, section, fields[i].offset);

      if (!g_str_equal (key, fields[i].key))
        continue;
      if (fields[i].secret)
        wipe_string_and_free (*field);
      else
        g_free (*field);
      *field = g_strdup (value);
      return;
    }
}

/* Splits the buffer into lines in place (no copies of the secret lines), and each line into a
 * [section] header or a key = value pair; comments (# or ;) and anything else are ignored. */
static GPtrArray *
parse_ini (char  *contents,
           gsize  length)
{
  GPtrArray *sections = g_ptr_array_new_with_free_func ((GDestroyNotify) ini_section_free);
  IniSection *section = NULL;
  char *line = contents;
  char *end = contents + length;

  while (line < end)
    {
      char *newline = memchr (line, '\n', end - line);
      char *next = newline != NULL ? newline + 1 : end;
      char *equals;

      if (newline != NULL)
        *newline = '\0';
      g_strstrip (line);

      if (*line == '[')
        {
          char *close = strchr (line, ']');

          if (close != NULL)
            {
              *close = '\0';
              section = ini_section_get (sections, g_strstrip (line + 1));
            }
        }
      else if (section != NULL && *line != '#' && *line != ';' &&
               (equals = strchr (line, '=')) != NULL)
        {
          *equals = '\0';
          ini_section_set (section, g_strstrip (line), g_strstrip (equals + 1));
        }

      line = next;
    }

  return sections;
}

static void
add_ini_section (GPtrArray  *candidates,
                 GPtrArray  *problems,
                 IniSection *section)
{
  g_autofree char *name = displayable_name (section->name);
  char *description;
  gboolean sts;

  /* TRANSLATORS: %s is the section's name. */
  description = g_strdup_printf (_("Alibaba Cloud SDK credentials [%s] "
                                   "(~/.alibabacloud/credentials)"), name);

  sts = g_strcmp0 (section->type, "sts") == 0;
  if (!sts && g_strcmp0 (section->type, "access_key") != 0)
    {
      g_autofree char *shown_type = displayable_name (section->type != NULL ? section->type : "");

      g_ptr_array_add (problems,
                       g_strdup_printf (_("%s was skipped: its type “%s” is not access_key or "
                                          "sts, and only an AccessKey (with an optional STS "
                                          "token) can be imported."),
                                        description, shown_type));
      g_free (description);
      return;
    }

  if (sts && is_blank (section->security_token))
    {
      g_ptr_array_add (problems,
                       g_strdup_printf (_("%s was skipped: its type is sts but it has no "
                                          "security_token."), description));
      g_free (description);
      return;
    }

  add_candidate (candidates, problems, VD_CREDENTIAL_SOURCE_SDK_INI, name, description,
                 g_str_equal (section->name, "default"),
                 section->access_key_id, section->access_key_secret,
                 sts ? section->security_token : NULL);
}

static void
find_in_sdk_ini (const char *home,
                 GPtrArray  *candidates,
                 GPtrArray  *problems)
{
  g_autoptr(GPtrArray) sections = NULL;
  char *contents = NULL;
  gsize length = 0;
  guint first_new;

  if (!read_capped_file (home, SDK_INI_FILE, problems, &contents, &length))
    return;

  sections = parse_ini (contents, length);
  wipe (contents, length);
  g_free (contents);

  first_new = candidates->len;
  /* [default] first, the others in the file's order. */
  for (guint i = 0; i < sections->len; i++)
    {
      IniSection *section = g_ptr_array_index (sections, i);

      if (g_str_equal (section->name, "default"))
        add_ini_section (candidates, problems, section);
    }
  for (guint i = 0; i < sections->len; i++)
    {
      IniSection *section = g_ptr_array_index (sections, i);

      if (!g_str_equal (section->name, "default"))
        add_ini_section (candidates, problems, section);
    }

  if (candidates->len == first_new && sections->len == 0)
    g_ptr_array_add (problems, g_strdup (_("~/.alibabacloud/credentials has no [sections], so "
                                           "nothing was read from it.")));
}

/* --- all together --- */

static char **
steal_problems (GPtrArray *problems)
{
  if (problems->len == 0)
    {
      g_ptr_array_unref (problems);
      return NULL;
    }

  g_ptr_array_add (problems, NULL);
  return (char **) g_ptr_array_free (problems, FALSE);
}

GPtrArray *
vd_credential_import_find (const char   *home,
                           char       ***problems)
{
  GPtrArray *candidates;
  GPtrArray *found_problems = g_ptr_array_new_with_free_func (g_free);

  candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) vd_credential_candidate_free);
  if (home == NULL)
    home = g_get_home_dir ();

  find_in_environment (candidates, found_problems);
  find_in_aliyun_cli (home, candidates, found_problems);
  find_in_sdk_ini (home, candidates, found_problems);

  if (problems != NULL)
    *problems = steal_problems (found_problems);
  else
    g_ptr_array_unref (found_problems);

  return candidates;
}

typedef struct {
  char  *home;
  char **problems;
} FindData;

static void
find_data_free (FindData *data)
{
  g_free (data->home);
  g_strfreev (data->problems);
  g_free (data);
}

static void
find_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  FindData *data = task_data;
  GPtrArray *candidates = vd_credential_import_find (data->home, &data->problems);

  g_task_return_pointer (task, candidates, (GDestroyNotify) g_ptr_array_unref);
}

void
vd_credential_import_find_async (const char          *home,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FindData *data;

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vd_credential_import_find_async);

  data = g_new0 (FindData, 1);
  /* Resolved here: g_get_home_dir is not to be first called from a worker thread. */
  data->home = g_strdup (home != NULL ? home : g_get_home_dir ());
  g_task_set_task_data (task, data, (GDestroyNotify) find_data_free);
  g_task_run_in_thread (task, find_in_thread);
}

GPtrArray *
vd_credential_import_find_finish (GAsyncResult  *result,
                                  char        ***problems,
                                  GError       **error)
{
  FindData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        vd_credential_import_find_async, NULL);

  data = g_task_get_task_data (G_TASK (result));
  if (problems != NULL)
    *problems = g_steal_pointer (&data->problems);
  return g_task_propagate_pointer (G_TASK (result), error);
}
