#define G_LOG_DOMAIN "vd-keyring"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <string.h>

#include "vd-keyring.h"

/* Longer than any real value by a wide margin; a longer one is a paste gone wrong. */
#define MAX_ID_LENGTH      128
#define MAX_SECRET_LENGTH  256
#define MAX_TOKEN_LENGTH   (16 * 1024)

#define MASK_SHOW_TAIL_MIN_LENGTH 16
#define MASK_TAIL_CHARS           2
#define MASK_MAX_STARS            32

/* The line feed between the secret and the STS token in the stored value. */
#define TOKEN_SEPARATOR '\n'

/* The one schema every secret of the app is stored under; the "kind" attribute tells the
 * AccessKey, the history's key and the supervisor PIN apart. */
static const SecretSchema keyring_schema = {
  .name = VD_KEYRING_SCHEMA_NAME,
  .flags = SECRET_SCHEMA_NONE,
  .attributes = {
    { .name = VD_KEYRING_ATTRIBUTE_KIND, .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
    { .name = VD_KEYRING_ATTRIBUTE_ACCESS_KEY, .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
    { .name = NULL, .type = 0 },
  },
};

const SecretSchema *
vd_keyring_get_schema (void)
{
  return &keyring_schema;
}

G_DEFINE_QUARK (vd-keyring-error-quark, vd_keyring_error)

/* Overwrites then frees; the volatile stores cannot be dropped as dead before the free. */
static void
wipe_and_free (char *text)
{
  volatile char *p;

  if (text == NULL)
    return;

  for (p = text; *p != '\0'; p++)
    *p = '\0';
  g_free (text);
}

/* --- what may be stored --- */

/* Printable ASCII without the space: all that AccessKey IDs, secrets and STS tokens are made
 * of. A space, a tab or a line feed in one is a paste gone wrong (and a line feed would break
 * the stored encoding). */
static gboolean
is_token_text (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (*p <= ' ' || *p > '~')
      return FALSE;
  return TRUE;
}

static gboolean
check_field (const char  *value,
             gsize        max_length,
             int          code,
             const char  *label,
             GError     **error)
{
  if (value == NULL || *value == '\0')
    {
      /* TRANSLATORS: %s is “The AccessKey ID”, “The AccessKey secret” or “The STS token”. */
      g_set_error (error, VD_KEYRING_ERROR, code, _("%s is empty: enter it."), label);
      return FALSE;
    }
  if (strlen (value) > max_length)
    {
      g_set_error (error, VD_KEYRING_ERROR, code,
                   _("%s is longer than %u characters: check that only it was pasted."),
                   label, (guint) max_length);
      return FALSE;
    }
  if (!is_token_text (value))
    {
      g_set_error (error, VD_KEYRING_ERROR, code,
                   _("%s contains a space, a line break or a character that is not plain "
                     "ASCII: paste it again without them."),
                   label);
      return FALSE;
    }
  return TRUE;
}

gboolean
vd_keyring_check_credentials (const char  *access_key_id,
                              const char  *access_key_secret,
                              const char  *security_token,
                              GError     **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_field (access_key_id, MAX_ID_LENGTH, VD_KEYRING_ERROR_INVALID_ID,
                    _("The AccessKey ID"), error))
    return FALSE;
  if (!check_field (access_key_secret, MAX_SECRET_LENGTH, VD_KEYRING_ERROR_INVALID_SECRET,
                    _("The AccessKey secret"), error))
    return FALSE;
  if (security_token != NULL && *security_token != '\0' &&
      !check_field (security_token, MAX_TOKEN_LENGTH, VD_KEYRING_ERROR_INVALID_TOKEN,
                    _("The STS token"), error))
    return FALSE;
  return TRUE;
}

char *
vd_keyring_mask_secret (const char *secret)
{
  g_autofree char *valid = NULL;
  GString *masked;
  glong length;
  glong stars;

  if (secret == NULL)
    secret = "";

  valid = g_utf8_make_valid (secret, -1);
  length = g_utf8_strlen (valid, -1);
  masked = g_string_new (NULL);

  stars = length >= MASK_SHOW_TAIL_MIN_LENGTH ? length - MASK_TAIL_CHARS : length;
  for (glong i = 0; i < MIN (stars, MASK_MAX_STARS); i++)
    g_string_append_c (masked, '*');
  if (length >= MASK_SHOW_TAIL_MIN_LENGTH)
    g_string_append (masked, g_utf8_offset_to_pointer (valid, length - MASK_TAIL_CHARS));

  g_string_append_c (masked, ' ');
  g_string_append_printf (masked,
                          /* TRANSLATORS: the length of a masked secret, after the mask. */
                          ngettext ("(%ld character)", "(%ld characters)", length),
                          length);

  /* The copy held the secret's tail and length: overwrite it too. */
  memset (valid, 0, strlen (valid));
  return g_string_free (masked, FALSE);
}

/* --- errors in words --- */

/* No bus, nobody owning the Secret Service name, a bus that hung up: nothing to store into.
 * A remote error that GLib does not know (G_IO_ERROR_DBUS_ERROR) came from a running keyring,
 * so it is not one of these. */
static gboolean
is_unavailable_error (const GError *error)
{
  if (error->domain == G_DBUS_ERROR || error->domain == G_SPAWN_ERROR)
    return TRUE;
  return error->domain == G_IO_ERROR &&
         error->code != G_IO_ERROR_CANCELLED &&
         error->code != G_IO_ERROR_DBUS_ERROR;
}

static GError *
unavailable_error (const char *detail)
{
  return g_error_new (VD_KEYRING_ERROR, VD_KEYRING_ERROR_UNAVAILABLE,
                      _("No keyring is available: %s. Log in to a desktop session that runs a "
                        "keyring service (such as GNOME Keyring), or use training mode until "
                        "then."),
                      detail);
}

static GError *
locked_error (void)
{
  return g_error_new_literal (VD_KEYRING_ERROR, VD_KEYRING_ERROR_LOCKED,
                              _("The keyring is locked: unlock it with your login password "
                                "(for example in Passwords and Keys), then try again."));
}

/* The keyring's own error, turned into one that says what to do. Takes ownership. The
 * keyring's messages never hold a secret: they describe calls, not values. */
static GError *
explain_error (GError *error)
{
  GError *explained;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    explained = locked_error ();
  else if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
           g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER))
    explained = unavailable_error (_("no keyring service is running in this session"));
  else if (is_unavailable_error (error))
    {
      g_dbus_error_strip_remote_error (error);
      explained = unavailable_error (error->message);
    }
  else
    {
      g_dbus_error_strip_remote_error (error);
      explained = g_error_new (VD_KEYRING_ERROR, VD_KEYRING_ERROR_FAILED,
                               _("The keyring refused: %s. Try again; if it keeps happening, "
                                 "check the keyring in Passwords and Keys."),
                               error->message);
    }

  g_error_free (error);
  return explained;
}

static void
return_explained_error (GTask  *task,
                        GError *error)
{
  g_task_return_error (task, explain_error (error));
}

static GHashTable *
access_key_attributes (const char *access_key_id)
{
  if (access_key_id == NULL)
    return secret_attributes_build (&keyring_schema,
                                    VD_KEYRING_ATTRIBUTE_KIND, VD_KEYRING_KIND_ACCESS_KEY,
                                    NULL);

  return secret_attributes_build (&keyring_schema,
                                  VD_KEYRING_ATTRIBUTE_KIND, VD_KEYRING_KIND_ACCESS_KEY,
                                  VD_KEYRING_ATTRIBUTE_ACCESS_KEY, access_key_id,
                                  NULL);
}

/* The AccessKey ID attribute of a found item, as a copy (NULL when it has none). */
static char *
dup_access_key_id (SecretRetrievable *retrievable)
{
  g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (retrievable);

  if (attributes == NULL)
    return NULL;
  return g_strdup (g_hash_table_lookup (attributes, VD_KEYRING_ATTRIBUTE_ACCESS_KEY));
}

/* Locked, as only a Secret Service item can be (inside Flatpak the portal's store is never
 * locked once the app runs). */
static gboolean
is_locked (SecretRetrievable *retrievable)
{
  return SECRET_IS_ITEM (retrievable) && secret_item_get_locked (SECRET_ITEM (retrievable));
}

/* Searches every item of the AccessKey kind. @flags as for secret_password_searchv. */
static void
search_access_keys (SecretSearchFlags    flags,
                    GTask               *task,
                    GAsyncReadyCallback  callback)
{
  g_autoptr(GHashTable) attributes = access_key_attributes (NULL);

  secret_password_searchv (&keyring_schema, attributes, flags | SECRET_SEARCH_ALL,
                           g_task_get_cancellable (task), callback, task);
}

/* --- store: the new item first, then the others go --- */

typedef struct {
  VdCredentials *credentials;
  GPtrArray     *other_ids;  /* IDs of older items still to remove */
} StoreData;

static void
store_data_free (StoreData *data)
{
  g_clear_pointer (&data->credentials, vd_credentials_unref);
  g_clear_pointer (&data->other_ids, g_ptr_array_unref);
  g_free (data);
}

/* The secret, then a line feed and the token when there is one (see vd-keyring.h). */
static char *
encode_secret (VdCredentials *credentials)
{
  const char *secret = vd_credentials_get_access_key_secret (credentials);
  const char *token = vd_credentials_get_security_token (credentials);

  if (token == NULL)
    return g_strdup (secret);
  return g_strdup_printf ("%s%c%s", secret, TOKEN_SEPARATOR, token);
}

static void remove_next_other (GTask *task);

static void
on_other_removed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GError *explained;

  secret_password_clear_finish (result, &error);
  if (error == NULL)
    {
      remove_next_other (g_steal_pointer (&task));
      return;
    }

  explained = explain_error (error);
  if (g_error_matches (explained, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, explained);
      return;
    }
  g_task_return_new_error (task, VD_KEYRING_ERROR, explained->code,
                           _("The new AccessKey was stored, but an older one could not be "
                             "removed: %s"),
                           explained->message);
  g_error_free (explained);
}

/* Takes the task's reference. */
static void
remove_next_other (GTask *task)
{
  StoreData *data = g_task_get_task_data (task);
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *id = NULL;

  if (data->other_ids->len == 0)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  id = g_ptr_array_steal_index (data->other_ids, data->other_ids->len - 1);
  attributes = access_key_attributes (id);
  secret_password_clearv (&keyring_schema, attributes, g_task_get_cancellable (task),
                          on_other_removed, task);
}

static void
on_others_found (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StoreData *data = g_task_get_task_data (task);
  const char *stored_id = vd_credentials_get_access_key_id (data->credentials);
  GList *items;
  GError *error = NULL;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      GError *explained = explain_error (error);

      if (g_error_matches (explained, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, explained);
      else
        {
          g_task_return_new_error (task, VD_KEYRING_ERROR, explained->code,
                                   _("The new AccessKey was stored, but the keyring could not "
                                     "be searched for older ones: %s"),
                                   explained->message);
          g_error_free (explained);
        }
      return;
    }

  for (GList *l = items; l != NULL; l = l->next)
    {
      char *id = dup_access_key_id (l->data);

      if (id != NULL && g_strcmp0 (id, stored_id) != 0 &&
          !g_ptr_array_find_with_equal_func (data->other_ids, id, g_str_equal, NULL))
        g_ptr_array_add (data->other_ids, id);
      else
        g_free (id);
    }
  g_list_free_full (items, g_object_unref);

  remove_next_other (g_steal_pointer (&task));
}

static void
on_credentials_stored (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      return_explained_error (task, error);
      return;
    }

  /* Only now are the others removed: a failed store leaves the old AccessKey in place. */
  search_access_keys (SECRET_SEARCH_NONE, g_steal_pointer (&task), on_others_found);
}

void
vd_keyring_store_credentials_async (VdCredentials       *credentials,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *label = NULL;
  StoreData *data;
  GError *error = NULL;
  const char *id;
  char *encoded;

  g_return_if_fail (credentials != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vd_keyring_store_credentials_async);

  id = vd_credentials_get_access_key_id (credentials);
  if (!vd_keyring_check_credentials (id,
                                     vd_credentials_get_access_key_secret (credentials),
                                     vd_credentials_get_security_token (credentials),
                                     &error))
    {
      g_task_return_error (task, error);
      return;
    }

  data = g_new0 (StoreData, 1);
  data->credentials = vd_credentials_ref (credentials);
  data->other_ids = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, data, (GDestroyNotify) store_data_free);

  attributes = access_key_attributes (id);
  /* TRANSLATORS: the item's name in Passwords and Keys; %s is the AccessKey ID. */
  label = g_strdup_printf (_("VerifyDesk AccessKey %s"), id);
  /* libsecret copies the value into its own memory, which it wipes when done. */
  encoded = encode_secret (credentials);
  secret_password_storev (&keyring_schema, attributes, SECRET_COLLECTION_DEFAULT, label,
                          encoded, cancellable, on_credentials_stored, g_steal_pointer (&task));
  wipe_and_free (encoded);
}

gboolean
vd_keyring_store_credentials_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        vd_keyring_store_credentials_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- lookup --- */

static GError *
damaged_error (void)
{
  return g_error_new_literal (VD_KEYRING_ERROR, VD_KEYRING_ERROR_FAILED,
                              _("The AccessKey in the keyring is damaged: remove it, then enter "
                                "it again in Preferences."));
}

/* The credentials in a stored value as vd-keyring.h describes it, or NULL when the value is
 * not of that form. */
static VdCredentials *
decode_secret (const char  *access_key_id,
               SecretValue *value)
{
  const char *bytes;
  const char *separator;
  gsize length;
  char *secret;
  char *token = NULL;
  VdCredentials *credentials = NULL;

  bytes = secret_value_get (value, &length);
  if (access_key_id == NULL || bytes == NULL || length == 0 || memchr (bytes, '\0', length) != NULL)
    return NULL;

  separator = memchr (bytes, TOKEN_SEPARATOR, length);
  if (separator != NULL)
    {
      secret = g_strndup (bytes, separator - bytes);
      token = g_strndup (separator + 1, length - (separator - bytes) - 1);
    }
  else
    secret = g_strndup (bytes, length);

  if (vd_keyring_check_credentials (access_key_id, secret, token, NULL))
    credentials = vd_credentials_new (access_key_id, secret, token);

  wipe_and_free (secret);
  wipe_and_free (token);
  return credentials;
}

static void
on_secret_retrieved (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(SecretValue) value = NULL;
  g_autofree char *id = NULL;
  GError *error = NULL;
  VdCredentials *credentials;

  value = secret_retrievable_retrieve_secret_finish (SECRET_RETRIEVABLE (source), result, &error);
  if (value == NULL)
    {
      if (error != NULL)
        return_explained_error (task, error);
      else
        g_task_return_error (task, damaged_error ());
      return;
    }

  id = dup_access_key_id (SECRET_RETRIEVABLE (source));
  credentials = decode_secret (id, value);
  if (credentials == NULL)
    {
      g_task_return_error (task, damaged_error ());
      return;
    }

  g_task_return_pointer (task, credentials, (GDestroyNotify) vd_credentials_unref);
}

static void
on_default_collection (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(SecretCollection) collection = NULL;
  g_autoptr(GError) error = NULL;

  collection = secret_collection_for_alias_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (collection != NULL && secret_collection_get_locked (collection))
    g_task_return_error (task, locked_error ());
  else
    g_task_return_pointer (task, NULL, NULL);
}

/* Nothing found. A locked keyring may hide what it holds: gnome-keyring started again by D-Bus
 * activation (after its daemon died) has the login keyring locked and finds no item in it, and
 * "no AccessKey is stored" would send the operator to enter a key that is there. */
static void
check_default_collection (GTask *task)
{
  secret_collection_for_alias (NULL, SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE,
                               g_task_get_cancellable (task), on_default_collection, task);
}

static void
on_lookup_searched (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SecretRetrievable *newest = NULL;
  gboolean any_locked = FALSE;
  GList *items;
  GError *error = NULL;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      return_explained_error (task, error);
      return;
    }

  /* Storing keeps one item, but another program may have added more: the newest wins. */
  for (GList *l = items; l != NULL; l = l->next)
    {
      SecretRetrievable *item = l->data;

      if (is_locked (item))
        any_locked = TRUE;
      else if (newest == NULL ||
               secret_retrievable_get_modified (item) > secret_retrievable_get_modified (newest))
        newest = item;
    }

  if (newest != NULL)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      secret_retrievable_retrieve_secret (newest, cancellable, on_secret_retrieved,
                                          g_steal_pointer (&task));
    }
  else if (any_locked)
    g_task_return_error (task, locked_error ());
  else
    check_default_collection (g_steal_pointer (&task));

  g_list_free_full (items, g_object_unref);
}

void
vd_keyring_lookup_credentials_async (GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vd_keyring_lookup_credentials_async);

  /* UNLOCK lets the keyring ask for the password on a desktop; where nobody can be asked,
   * the prompt fails at once and the item stays locked. */
  search_access_keys (SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS, task,
                      on_lookup_searched);
}

VdCredentials *
vd_keyring_lookup_credentials_finish (GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        vd_keyring_lookup_credentials_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- clear --- */

static void
on_cleared (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean removed;

  removed = secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      return_explained_error (task, error);
      return;
    }

  g_task_set_task_data (task, GINT_TO_POINTER (removed), NULL);
  g_task_return_boolean (task, TRUE);
}

static void
on_clear_searched (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GHashTable) attributes = NULL;
  GCancellable *cancellable;
  gboolean any_locked = FALSE;
  GList *items;
  GError *error = NULL;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      return_explained_error (task, error);
      return;
    }

  for (GList *l = items; l != NULL; l = l->next)
    any_locked = any_locked || is_locked (l->data);
  g_list_free_full (items, g_object_unref);

  /* A locked item would be left in place without a word: say so instead. */
  if (any_locked)
    {
      g_task_return_error (task, locked_error ());
      return;
    }

  attributes = access_key_attributes (NULL);
  cancellable = g_task_get_cancellable (task);
  secret_password_clearv (&keyring_schema, attributes, cancellable, on_cleared,
                          g_steal_pointer (&task));
}

void
vd_keyring_clear_credentials_async (GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vd_keyring_clear_credentials_async);

  search_access_keys (SECRET_SEARCH_UNLOCK, task, on_clear_searched);
}

gboolean
vd_keyring_clear_credentials_finish (GAsyncResult  *result,
                                     gboolean      *removed,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        vd_keyring_clear_credentials_async, FALSE);

  if (removed != NULL)
    *removed = GPOINTER_TO_INT (g_task_get_task_data (G_TASK (result)));
  return g_task_propagate_boolean (G_TASK (result), error);
}
