#define G_LOG_DOMAIN "vd-env-credentials"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vd-client-error.h"
#include "vd-env-credentials.h"

/* A copy of the variable with surrounding white space removed, or NULL when unset or blank. */
static char *
read_trimmed (const char *variable)
{
  const char *value = g_getenv (variable);
  char *copy;

  if (value == NULL)
    return NULL;

  copy = g_strstrip (g_strdup (value));
  if (*copy == '\0')
    {
      g_free (copy);
      return NULL;
    }

  return copy;
}

static void
wipe_and_free (char *text)
{
  if (text == NULL)
    return;

  /* The secret must not linger in freed heap memory. */
  memset (text, 0, strlen (text));
  g_free (text);
}

VdCredentials *
vd_env_credentials_lookup (GError **error)
{
  g_autofree char *id = read_trimmed (VD_ENV_ACCESS_KEY_ID);
  char *secret = read_trimmed (VD_ENV_ACCESS_KEY_SECRET);
  g_autofree char *token = read_trimmed (VD_ENV_SECURITY_TOKEN);
  VdCredentials *credentials;

  if (id == NULL && secret == NULL)
    return NULL;

  if (id == NULL || secret == NULL)
    {
      g_set_error (error, VD_CLIENT_ERROR, VD_CLIENT_ERROR_NO_CREDENTIALS,
                   _("%s is set but %s is not: set both, or neither."),
                   id != NULL ? VD_ENV_ACCESS_KEY_ID : VD_ENV_ACCESS_KEY_SECRET,
                   id != NULL ? VD_ENV_ACCESS_KEY_SECRET : VD_ENV_ACCESS_KEY_ID);
      wipe_and_free (secret);
      return NULL;
    }

  credentials = vd_credentials_new (id, secret, token);
  wipe_and_free (secret);
  return credentials;
}
