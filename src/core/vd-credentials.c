#define G_LOG_DOMAIN "vd-credentials"

#include "config.h"

#include "vd-credentials.h"

/* An ID this long shows its first and last few characters; a shorter one only its start, so
 * that the masked text never gives most of it away. */
#define MASK_LONG_ID_MIN_CHARS 12
#define MASK_LONG_KEEP_CHARS   4
#define MASK_SHORT_KEEP_CHARS  2

struct _VdCredentials {
  gatomicrefcount  ref_count;
  char            *access_key_id;
  char            *access_key_secret;
  char            *security_token;
};

G_DEFINE_BOXED_TYPE (VdCredentials, vd_credentials, vd_credentials_ref, vd_credentials_unref)

/* Overwrites then frees: the volatile stores cannot be dropped as dead by the compiler, the
 * way a plain memset before free may be. */
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

VdCredentials *
vd_credentials_new (const char *access_key_id,
                    const char *access_key_secret,
                    const char *security_token)
{
  VdCredentials *self;

  g_return_val_if_fail (access_key_id != NULL, NULL);
  g_return_val_if_fail (access_key_secret != NULL, NULL);

  self = g_new0 (VdCredentials, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->access_key_id = g_strdup (access_key_id);
  self->access_key_secret = g_strdup (access_key_secret);
  /* An empty token is what an unset environment variable or an empty form field gives: none. */
  if (security_token != NULL && security_token[0] != '\0')
    self->security_token = g_strdup (security_token);

  return self;
}

VdCredentials *
vd_credentials_ref (VdCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
vd_credentials_unref (VdCredentials *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->access_key_id);
  wipe_and_free (self->access_key_secret);
  /* An STS token grants access on its own, so it gets the same care as the secret. */
  wipe_and_free (self->security_token);
  g_free (self);
}

const char *
vd_credentials_get_access_key_id (const VdCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->access_key_id;
}

const char *
vd_credentials_get_access_key_secret (const VdCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->access_key_secret;
}

const char *
vd_credentials_get_security_token (const VdCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->security_token;
}

char *
vd_credentials_mask_id (const char *access_key_id)
{
  g_autofree char *valid = NULL;
  GString *masked;
  glong length;
  glong keep_head;
  glong keep_tail;
  glong i;
  const char *p;

  if (access_key_id == NULL)
    return g_strdup ("");

  /* The ID may come from a hand-edited file: count characters, never split one. */
  valid = g_utf8_make_valid (access_key_id, -1);
  length = g_utf8_strlen (valid, -1);

  if (length >= MASK_LONG_ID_MIN_CHARS)
    {
      keep_head = MASK_LONG_KEEP_CHARS;
      keep_tail = MASK_LONG_KEEP_CHARS;
    }
  else
    {
      keep_head = MIN (length, MASK_SHORT_KEEP_CHARS);
      keep_tail = 0;
    }

  masked = g_string_new (NULL);
  for (i = 0, p = valid; i < length; i++, p = g_utf8_next_char (p))
    {
      if (i < keep_head || i >= length - keep_tail)
        g_string_append_unichar (masked, g_utf8_get_char (p));
      else
        g_string_append_c (masked, '*');
    }

  return g_string_free (masked, FALSE);
}
