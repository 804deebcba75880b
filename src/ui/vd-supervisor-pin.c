#define G_LOG_DOMAIN "vd-supervisor-pin"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <string.h>

#include "vd-keyring.h"
#include "vd-random.h"
#include "vd-sha256.h"
#include "vd-supervisor-pin.h"

#define HASH_SCHEME        "pbkdf2-sha256"
#define MIN_SALT_LENGTH    8
#define MAX_SALT_LENGTH    64
#define MAX_ITERATIONS     10000000
#define HMAC_BLOCK_SIZE    64
#define DIALOG_KEY         "vd-supervisor-pin-dialog"

G_DEFINE_QUARK (vd-supervisor-pin-error-quark, vd_supervisor_pin_error)

/* Overwrites then frees: a PIN does not linger in freed memory. */
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

typedef char VdWipedString;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdWipedString, wipe_and_free)

/* --- checking and hashing --- */

gboolean
vd_supervisor_pin_check (const char  *pin,
                         GError     **error)
{
  gsize length;

  g_return_val_if_fail (pin != NULL, FALSE);

  length = strlen (pin);
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (pin[i]))
      {
        g_set_error_literal (error, VD_SUPERVISOR_PIN_ERROR, VD_SUPERVISOR_PIN_ERROR_INVALID,
                             _("A PIN is made of digits only."));
        return FALSE;
      }

  if (length < VD_SUPERVISOR_PIN_MIN_LENGTH || length > VD_SUPERVISOR_PIN_MAX_LENGTH)
    {
      g_set_error (error, VD_SUPERVISOR_PIN_ERROR, VD_SUPERVISOR_PIN_ERROR_INVALID,
                   _("A PIN has %d to %d digits."),
                   VD_SUPERVISOR_PIN_MIN_LENGTH, VD_SUPERVISOR_PIN_MAX_LENGTH);
      return FALSE;
    }

  return TRUE;
}

/* HMAC-SHA256 with the inner and outer pads hashed once: each PBKDF2 iteration then costs two
 * compressions of the running state copies (RFC 2104). */
typedef struct {
  VdSha256 inner;
  VdSha256 outer;
} HmacKey;

static void
hmac_key_init (HmacKey      *self,
               const guint8 *key,
               gsize         key_length)
{
  guint8 block[HMAC_BLOCK_SIZE] = { 0 };
  guint8 pad[HMAC_BLOCK_SIZE];

  if (key_length > HMAC_BLOCK_SIZE)
    {
      VdSha256 ctx;

      vd_sha256_init (&ctx);
      vd_sha256_update (&ctx, key, key_length);
      vd_sha256_finish (&ctx, block);
    }
  else
    {
      memcpy (block, key, key_length);
    }

  for (guint i = 0; i < HMAC_BLOCK_SIZE; i++)
    pad[i] = block[i] ^ 0x36;
  vd_sha256_init (&self->inner);
  vd_sha256_update (&self->inner, pad, sizeof pad);

  for (guint i = 0; i < HMAC_BLOCK_SIZE; i++)
    pad[i] = block[i] ^ 0x5c;
  vd_sha256_init (&self->outer);
  vd_sha256_update (&self->outer, pad, sizeof pad);

  memset (block, 0, sizeof block);
  memset (pad, 0, sizeof pad);
}

static void
hmac_compute (const HmacKey *self,
              const guint8  *data,
              gsize          length,
              guint8         out[VD_SHA256_DIGEST_SIZE])
{
  VdSha256 ctx = self->inner;
  guint8 inner_digest[VD_SHA256_DIGEST_SIZE];

  vd_sha256_update (&ctx, data, length);
  vd_sha256_finish (&ctx, inner_digest);

  ctx = self->outer;
  vd_sha256_update (&ctx, inner_digest, sizeof inner_digest);
  vd_sha256_finish (&ctx, out);
}

/* PBKDF2-HMAC-SHA256 (RFC 8018) for one block: 32 bytes of derived key. */
static void
pbkdf2_sha256 (const char   *pin,
               const guint8 *salt,
               gsize         salt_length,
               guint         iterations,
               guint8        out[VD_SHA256_DIGEST_SIZE])
{
  static const guint8 block_index[4] = { 0, 0, 0, 1 };
  g_autofree guint8 *first = g_malloc (salt_length + sizeof block_index);
  guint8 u[VD_SHA256_DIGEST_SIZE];
  HmacKey key;

  hmac_key_init (&key, (const guint8 *) pin, strlen (pin));
  memcpy (first, salt, salt_length);
  memcpy (first + salt_length, block_index, sizeof block_index);

  hmac_compute (&key, first, salt_length + sizeof block_index, u);
  memcpy (out, u, sizeof u);
  for (guint i = 1; i < iterations; i++)
    {
      hmac_compute (&key, u, sizeof u, u);
      for (guint j = 0; j < sizeof u; j++)
        out[j] ^= u[j];
    }

  memset (&key, 0, sizeof key);
  memset (u, 0, sizeof u);
}

static char *
to_hex (const guint8 *data,
        gsize         length)
{
  static const char digits[] = "0123456789abcdef";
  char *hex = g_malloc (length * 2 + 1);

  for (gsize i = 0; i < length; i++)
    {
      hex[2 * i] = digits[data[i] >> 4];
      hex[2 * i + 1] = digits[data[i] & 0xf];
    }
  hex[length * 2] = '\0';
  return hex;
}

/* Lower-case hex to bytes; NULL when @hex is not an even number of hex digits. */
static GBytes *
from_hex (const char *hex)
{
  gsize length = strlen (hex);
  guint8 *data;

  if (length == 0 || length % 2 != 0)
    return NULL;

  data = g_malloc (length / 2);
  for (gsize i = 0; i < length / 2; i++)
    {
      int high = g_ascii_xdigit_value (hex[2 * i]);
      int low = g_ascii_xdigit_value (hex[2 * i + 1]);

      if (high < 0 || low < 0)
        {
          g_free (data);
          return NULL;
        }
      data[i] = (guint8) (high << 4 | low);
    }
  return g_bytes_new_take (data, length / 2);
}

char *
vd_supervisor_pin_hash (const char *pin,
                        GBytes     *salt,
                        guint       iterations)
{
  guint8 derived[VD_SHA256_DIGEST_SIZE];
  g_autofree char *salt_hex = NULL;
  g_autofree char *derived_hex = NULL;
  gsize salt_length = 0;
  const guint8 *salt_data;

  g_return_val_if_fail (pin != NULL, NULL);
  g_return_val_if_fail (salt != NULL && g_bytes_get_size (salt) > 0, NULL);
  g_return_val_if_fail (iterations >= 1, NULL);

  salt_data = g_bytes_get_data (salt, &salt_length);
  pbkdf2_sha256 (pin, salt_data, salt_length, iterations, derived);
  salt_hex = to_hex (salt_data, salt_length);
  derived_hex = to_hex (derived, sizeof derived);
  memset (derived, 0, sizeof derived);

  return g_strdup_printf (HASH_SCHEME "$%u$%s$%s", iterations, salt_hex, derived_hex);
}

static gboolean
parse_iterations (const char *text,
                  guint      *iterations)
{
  guint64 value = 0;

  if (!g_ascii_string_to_unsigned (text, 10, 1, MAX_ITERATIONS, &value, NULL))
    return FALSE;
  *iterations = (guint) value;
  return TRUE;
}

gboolean
vd_supervisor_pin_matches (const char  *stored,
                           const char  *pin,
                           GError     **error)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autofree char *computed = NULL;
  guint iterations = 0;
  guint8 difference = 0;
  gsize length;

  g_return_val_if_fail (stored != NULL, FALSE);
  g_return_val_if_fail (pin != NULL, FALSE);

  parts = g_strsplit (stored, "$", 5);
  if (g_strv_length (parts) != 4 || strcmp (parts[0], HASH_SCHEME) != 0 ||
      !parse_iterations (parts[1], &iterations) ||
      (salt = from_hex (parts[2])) == NULL ||
      g_bytes_get_size (salt) < MIN_SALT_LENGTH || g_bytes_get_size (salt) > MAX_SALT_LENGTH ||
      strlen (parts[3]) != VD_SHA256_DIGEST_SIZE * 2)
    {
      g_set_error_literal (error, VD_SUPERVISOR_PIN_ERROR, VD_SUPERVISOR_PIN_ERROR_DAMAGED,
                           _("The stored supervisor PIN is damaged. Remove it in the keyring "
                             "(Passwords and Keys) and set a new one."));
      return FALSE;
    }

  computed = vd_supervisor_pin_hash (pin, salt, iterations);
  length = strlen (computed);
  if (length != strlen (stored))
    return FALSE;

  /* Constant time: the comparison does not stop at the first differing byte. */
  for (gsize i = 0; i < length; i++)
    difference |= (guint8) (computed[i] ^ stored[i]);
  return difference == 0;
}

/* --- the keyring --- */

static GHashTable *
pin_attributes (void)
{
  return secret_attributes_build (vd_keyring_get_schema (),
                                  VD_KEYRING_ATTRIBUTE_KIND, VD_KEYRING_KIND_SUPERVISOR_PIN,
                                  NULL);
}

/* A keyring failure as the PIN's error; cancellation stays cancellation. */
static void
return_keyring_error (GTask  *task,
                      GError *error)
{
  gboolean unavailable;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }

  unavailable = error->domain == G_DBUS_ERROR || error->domain == G_SPAWN_ERROR ||
                error->domain == G_IO_ERROR ||
                g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED);
  if (unavailable)
    g_task_return_new_error (task, VD_SUPERVISOR_PIN_ERROR, VD_SUPERVISOR_PIN_ERROR_UNAVAILABLE,
                             _("The keyring cannot be reached, so the supervisor PIN cannot be "
                               "checked: %s"), error->message);
  else
    g_task_return_new_error (task, VD_SUPERVISOR_PIN_ERROR, VD_SUPERVISOR_PIN_ERROR_FAILED,
                             _("The keyring refused the supervisor PIN: %s"), error->message);
  g_error_free (error);
}

/* store */

static void
on_pin_stored (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      return_keyring_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_pin_hashed (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  g_autoptr(VdWipedString) hash = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GHashTable) attributes = NULL;

  if (hash == NULL)
    {
      /* Only cancellation stops the hashing. */
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  attributes = pin_attributes ();
  secret_password_storev (vd_keyring_get_schema (), attributes, SECRET_COLLECTION_DEFAULT,
                          _("VerifyDesk supervisor PIN"), hash, g_task_get_cancellable (task),
                          on_pin_stored, task);
}

static void
hash_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autoptr(GBytes) salt = vd_random_bytes (VD_SUPERVISOR_PIN_SALT_LENGTH);

  g_task_return_pointer (task, vd_supervisor_pin_hash (task_data, salt,
                                                       VD_SUPERVISOR_PIN_ITERATIONS),
                         (GDestroyNotify) wipe_and_free);
}

void
vd_supervisor_pin_store_async (const char          *pin,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) hashing = NULL;
  GError *error = NULL;

  g_return_if_fail (pin != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vd_supervisor_pin_store_async);

  if (!vd_supervisor_pin_check (pin, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  hashing = g_task_new (NULL, cancellable, on_pin_hashed, g_steal_pointer (&task));
  g_task_set_task_data (hashing, g_strdup (pin), (GDestroyNotify) wipe_and_free);
  g_task_run_in_thread (hashing, hash_thread);
}

gboolean
vd_supervisor_pin_store_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* lookup, for is_set and verify */

static void
lookup_stored (GTask               *task,
               GAsyncReadyCallback  callback)
{
  g_autoptr(GHashTable) attributes = pin_attributes ();

  secret_password_lookupv (vd_keyring_get_schema (), attributes, g_task_get_cancellable (task),
                           callback, task);
}

static void
on_is_set_looked_up (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *stored = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    {
      return_keyring_error (task, error);
      return;
    }
  g_task_return_int (task, stored != NULL);
  secret_password_free (stored);
}

void
vd_supervisor_pin_is_set_async (GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, vd_supervisor_pin_is_set_async);
  lookup_stored (task, on_is_set_looked_up);
}

gboolean
vd_supervisor_pin_is_set_finish (GAsyncResult  *result,
                                 gboolean      *is_set,
                                 GError       **error)
{
  gssize value;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  value = g_task_propagate_int (G_TASK (result), error);
  if (value < 0)
    return FALSE;
  if (is_set != NULL)
    *is_set = value != 0;
  return TRUE;
}

typedef struct {
  char *pin;
  char *stored;
} VerifyData;

static void
verify_data_free (VerifyData *data)
{
  wipe_and_free (data->pin);
  wipe_and_free (data->stored);
  g_free (data);
}

static void
verify_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  VerifyData *data = task_data;
  GError *error = NULL;
  gboolean matches = vd_supervisor_pin_matches (data->stored, data->pin, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, matches);
}

static void
on_verify_looked_up (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VerifyData *data = g_task_get_task_data (task);
  GError *error = NULL;
  char *stored = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    {
      return_keyring_error (task, error);
      return;
    }
  if (stored == NULL)
    {
      g_task_return_int (task, FALSE);
      return;
    }

  data->stored = g_strdup (stored);
  secret_password_free (stored);
  g_task_run_in_thread (task, verify_thread);
}

void
vd_supervisor_pin_verify_async (const char          *pin,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  VerifyData *data;

  g_return_if_fail (pin != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vd_supervisor_pin_verify_async);
  data = g_new0 (VerifyData, 1);
  data->pin = g_strdup (pin);
  g_task_set_task_data (task, data, (GDestroyNotify) verify_data_free);
  lookup_stored (task, on_verify_looked_up);
}

gboolean
vd_supervisor_pin_verify_finish (GAsyncResult  *result,
                                 gboolean      *matches,
                                 GError       **error)
{
  gssize value;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  value = g_task_propagate_int (G_TASK (result), error);
  if (value < 0)
    return FALSE;
  if (matches != NULL)
    *matches = value != 0;
  return TRUE;
}

/* clear */

static void
on_pin_cleared (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      return_keyring_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
vd_supervisor_pin_clear_async (GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GHashTable) attributes = pin_attributes ();

  g_task_set_source_tag (task, vd_supervisor_pin_clear_async);
  secret_password_clearv (vd_keyring_get_schema (), attributes, cancellable, on_pin_cleared,
                          task);
}

gboolean
vd_supervisor_pin_clear_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- dialogs --- */

typedef enum {
  DIALOG_UNLOCK,
  DIALOG_CHOOSE,
} DialogKind;

typedef struct {
  DialogKind  kind;
  GtkWindow  *parent;    /* weak */
  char       *message;   /* why the dialog is shown again, or NULL */
} DialogData;

static void
dialog_data_free (DialogData *data)
{
  g_clear_weak_pointer (&data->parent);
  g_free (data->message);
  g_free (data);
}

static void show_dialog (GTask *task);

static GtkWidget *
new_pin_entry (const char *accessible_label)
{
  GtkWidget *entry = gtk_password_entry_new ();

  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (entry), TRUE);
  g_object_set (entry, "activates-default", TRUE, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label,
                                  -1);
  return entry;
}

static const char *
entry_text (GtkWidget *box,
            guint      index)
{
  GtkWidget *child = gtk_widget_get_first_child (box);

  for (guint i = 0; child != NULL && i < index; i++)
    child = gtk_widget_get_next_sibling (child);
  g_assert (GTK_IS_PASSWORD_ENTRY (child));
  return gtk_editable_get_text (GTK_EDITABLE (child));
}

/* The dialog goes away once its response is handled, whichever way the response came. */
static void
destroy_dialog (gpointer dialog)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
}

static void
forget_dialog (DialogData       *data,
               AdwMessageDialog *dialog)
{
  if (data->parent != NULL &&
      g_object_get_data (G_OBJECT (data->parent), DIALOG_KEY) == (gpointer) dialog)
    g_object_set_data (G_OBJECT (data->parent), DIALOG_KEY, NULL);
  /* Focus leaves the password entry while it is whole: GTK 4.8 otherwise notifies a
   * finalized entry of the focus change as the dialog is freed. */
  gtk_window_set_focus (GTK_WINDOW (dialog), NULL);
  g_idle_add_once (destroy_dialog, g_object_ref (dialog));
}

static void
on_unlock_verified (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DialogData *data = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean matches = FALSE;

  if (!vd_supervisor_pin_verify_finish (result, &matches, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (matches)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_free (data->message);
  data->message = g_strdup (_("That PIN is not right. Try again."));
  show_dialog (g_steal_pointer (&task));
}

static void
on_choose_stored (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!vd_supervisor_pin_store_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
choose_pin (GTask      *task,
            const char *pin,
            const char *again)
{
  DialogData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!vd_supervisor_pin_check (pin, &error))
    {
      g_free (data->message);
      data->message = g_strdup (error->message);
      show_dialog (task);
      return;
    }
  if (strcmp (pin, again) != 0)
    {
      g_free (data->message);
      data->message = g_strdup (_("The two PINs differ. Type the same PIN twice."));
      show_dialog (task);
      return;
    }

  vd_supervisor_pin_store_async (pin, g_task_get_cancellable (task), on_choose_stored, task);
}

static void
on_dialog_response (AdwMessageDialog *dialog,
                    const char       *response,
                    GTask            *task)
{
  DialogData *data = g_task_get_task_data (task);
  GtkWidget *box = adw_message_dialog_get_extra_child (dialog);
  g_autoptr(VdWipedString) pin = g_strdup (entry_text (box, 0));
  g_autoptr(VdWipedString) again = NULL;

  g_signal_handlers_disconnect_by_data (dialog, task);
  forget_dialog (data, dialog);

  if (g_strcmp0 (response, "confirm") != 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The supervisor PIN was not entered."));
      g_object_unref (task);
      return;
    }

  if (data->kind == DIALOG_UNLOCK)
    {
      vd_supervisor_pin_verify_async (pin, g_task_get_cancellable (task), on_unlock_verified,
                                      task);
      return;
    }

  again = g_strdup (entry_text (box, 1));
  choose_pin (task, pin, again);
}

/* Destroyed without an answer (its parent went away): nobody will answer. */
static void
on_dialog_destroyed (AdwMessageDialog *dialog,
                     GTask            *task)
{
  DialogData *data = g_task_get_task_data (task);

  g_signal_handlers_disconnect_by_data (dialog, task);
  if (data->parent != NULL &&
      g_object_get_data (G_OBJECT (data->parent), DIALOG_KEY) == (gpointer) dialog)
    g_object_set_data (G_OBJECT (data->parent), DIALOG_KEY, NULL);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           _("The supervisor PIN was not entered."));
  g_object_unref (task);
}

static void
update_confirm (AdwMessageDialog *dialog)
{
  GtkWidget *box = adw_message_dialog_get_extra_child (dialog);
  gboolean filled = TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_PASSWORD_ENTRY (child) && *gtk_editable_get_text (GTK_EDITABLE (child)) == '\0')
      filled = FALSE;
  adw_message_dialog_set_response_enabled (dialog, "confirm", filled);
}

/* Takes the caller's reference to @task. */
static void
show_dialog (GTask *task)
{
  DialogData *data = g_task_get_task_data (task);
  gboolean unlock = data->kind == DIALOG_UNLOCK;
  GtkWidget *dialog;
  GtkWidget *box;
  GtkWidget *entry;
  GtkWidget *message;

  if (data->parent == NULL || g_task_return_error_if_cancelled (task))
    {
      if (!g_task_had_error (task))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 _("The window that asked for the PIN was closed."));
      g_object_unref (task);
      return;
    }

  dialog = adw_message_dialog_new (data->parent,
                                   unlock ? _("Supervisor PIN") : _("Set Supervisor PIN"),
                                   unlock ? _("Enter the supervisor PIN to see every record and "
                                              "to export.")
                                          : _("With a PIN set, the history shows only today's "
                                              "records of this desk until the PIN is entered. "
                                              "Choose 4 to 12 digits."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  entry = new_pin_entry (unlock ? _("Supervisor PIN") : _("New PIN"));
  gtk_box_append (GTK_BOX (box), entry);
  g_signal_connect_swapped (entry, "changed", G_CALLBACK (update_confirm), dialog);
  if (!unlock)
    {
      GtkWidget *again = new_pin_entry (_("New PIN again"));

      gtk_box_append (GTK_BOX (box), again);
      g_signal_connect_swapped (again, "changed", G_CALLBACK (update_confirm), dialog);
    }

  message = gtk_label_new (data->message);
  gtk_label_set_wrap (GTK_LABEL (message), TRUE);
  gtk_label_set_xalign (GTK_LABEL (message), 0);
  gtk_widget_add_css_class (message, "error");
  gtk_widget_set_visible (message, data->message != NULL);
  gtk_box_append (GTK_BOX (box), message);
  if (data->message != NULL)
    {
      gtk_widget_add_css_class (entry, "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (entry),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (entry),
                                      GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, message, NULL,
                                      -1);
    }

  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "confirm", unlock ? _("_Unlock") : _("_Set PIN"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "confirm",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "confirm");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  update_confirm (ADW_MESSAGE_DIALOG (dialog));

  g_signal_connect (dialog, "response", G_CALLBACK (on_dialog_response), task);
  g_signal_connect (dialog, "destroy", G_CALLBACK (on_dialog_destroyed), task);
  g_object_set_data (G_OBJECT (data->parent), DIALOG_KEY, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static void
start_dialog (DialogKind           kind,
              GtkWindow           *parent,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data,
              gpointer             source_tag)
{
  /* No source object: the task must not keep the window alive. */
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  DialogData *data = g_new0 (DialogData, 1);

  g_task_set_source_tag (task, source_tag);
  data->kind = kind;
  g_set_weak_pointer (&data->parent, parent);
  g_task_set_task_data (task, data, (GDestroyNotify) dialog_data_free);
  show_dialog (task);
}

void
vd_supervisor_pin_unlock_async (GtkWindow           *parent,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (GTK_IS_WINDOW (parent));

  start_dialog (DIALOG_UNLOCK, parent, cancellable, callback, user_data,
                vd_supervisor_pin_unlock_async);
}

gboolean
vd_supervisor_pin_unlock_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vd_supervisor_pin_unlock_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
vd_supervisor_pin_choose_async (GtkWindow           *parent,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (GTK_IS_WINDOW (parent));

  start_dialog (DIALOG_CHOOSE, parent, cancellable, callback, user_data,
                vd_supervisor_pin_choose_async);
}

gboolean
vd_supervisor_pin_choose_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vd_supervisor_pin_choose_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

AdwMessageDialog *
vd_supervisor_pin_get_dialog (GtkWindow *parent)
{
  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);

  return g_object_get_data (G_OBJECT (parent), DIALOG_KEY);
}
