#define G_LOG_DOMAIN "vd-percent"

#include "config.h"

#include <string.h>

#include "vd-percent.h"

static const char upper_hex[] = "0123456789ABCDEF";

/* The unreserved set of RFC 3986 §2.3, tested on bytes so that the C locale never matters. */
static gboolean
is_unreserved (guchar byte)
{
  return (byte >= 'A' && byte <= 'Z')
         || (byte >= 'a' && byte <= 'z')
         || (byte >= '0' && byte <= '9')
         || byte == '-' || byte == '_' || byte == '.' || byte == '~';
}

char *
vd_percent_encode (const char *text)
{
  GString *encoded;
  const guchar *p;

  g_return_val_if_fail (text != NULL, NULL);

  encoded = g_string_sized_new (strlen (text) + 8);

  for (p = (const guchar *) text; *p != '\0'; p++)
    {
      if (is_unreserved (*p))
        {
          g_string_append_c (encoded, (char) *p);
        }
      else
        {
          g_string_append_c (encoded, '%');
          g_string_append_c (encoded, upper_hex[*p >> 4]);
          g_string_append_c (encoded, upper_hex[*p & 0x0f]);
        }
    }

  return g_string_free (encoded, FALSE);
}

/* Reads the two hex digits after a '%' at @text[@at]; FALSE when either is missing or not hex. */
static gboolean
read_escape (const char *text,
             gsize       length,
             gsize       at,
             guchar     *byte)
{
  if (length - at < 3)
    return FALSE;
  if (!g_ascii_isxdigit (text[at + 1]) || !g_ascii_isxdigit (text[at + 2]))
    return FALSE;

  *byte = (guchar) ((g_ascii_xdigit_value (text[at + 1]) << 4)
                    | g_ascii_xdigit_value (text[at + 2]));
  return TRUE;
}

char *
vd_percent_decode (const char *text,
                   gssize      length,
                   gboolean    plus_is_space)
{
  g_autoptr(GString) decoded = NULL;
  gsize text_length;
  gsize i;

  g_return_val_if_fail (text != NULL, NULL);

  text_length = length < 0 ? strlen (text) : (gsize) length;
  decoded = g_string_sized_new (text_length);

  for (i = 0; i < text_length; i++)
    {
      guchar byte = (guchar) text[i];

      if (byte == '%')
        {
          if (!read_escape (text, text_length, i, &byte))
            return NULL;
          i += 2;
        }
      else if (byte == '+' && plus_is_space)
        {
          byte = ' ';
        }

      /* Every decoded value ends up in a C string: an embedded NUL would silently cut it. */
      if (byte == '\0')
        return NULL;

      g_string_append_c (decoded, (char) byte);
    }

  if (!g_utf8_validate_len (decoded->str, decoded->len, NULL))
    return NULL;

  return g_string_free (g_steal_pointer (&decoded), FALSE);
}
