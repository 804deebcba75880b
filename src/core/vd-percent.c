#define G_LOG_DOMAIN "vd-percent"

#include "config.h"

#include <string.h>

#include "vd-percent.h"

static const char upper_hex[] = "0123456789ABCDEF";

/* The unreserved set of RFC 3986 §2.3 as a byte table, so that the C locale never matters and
 * the signer's hot loop is one lookup per byte. */
#define U 1
static const guint8 unreserved[256] = {
  ['A'] = U, ['B'] = U, ['C'] = U, ['D'] = U, ['E'] = U, ['F'] = U, ['G'] = U, ['H'] = U,
  ['I'] = U, ['J'] = U, ['K'] = U, ['L'] = U, ['M'] = U, ['N'] = U, ['O'] = U, ['P'] = U,
  ['Q'] = U, ['R'] = U, ['S'] = U, ['T'] = U, ['U'] = U, ['V'] = U, ['W'] = U, ['X'] = U,
  ['Y'] = U, ['Z'] = U,
  ['a'] = U, ['b'] = U, ['c'] = U, ['d'] = U, ['e'] = U, ['f'] = U, ['g'] = U, ['h'] = U,
  ['i'] = U, ['j'] = U, ['k'] = U, ['l'] = U, ['m'] = U, ['n'] = U, ['o'] = U, ['p'] = U,
  ['q'] = U, ['r'] = U, ['s'] = U, ['t'] = U, ['u'] = U, ['v'] = U, ['w'] = U, ['x'] = U,
  ['y'] = U, ['z'] = U,
  ['0'] = U, ['1'] = U, ['2'] = U, ['3'] = U, ['4'] = U, ['5'] = U, ['6'] = U, ['7'] = U,
  ['8'] = U, ['9'] = U,
  ['-'] = U, ['_'] = U, ['.'] = U, ['~'] = U,
};
#undef U

void
vd_percent_encode_append (GString    *out,
                          const char *text)
{
  const guchar *p;
  gsize needed = 0;
  char *write;

  g_return_if_fail (out != NULL);
  g_return_if_fail (text != NULL);

  /* Two passes: size the result once, then write bytes straight into it. Signing encodes
   * every parameter twice per request, so this is on the hot path. */
  for (p = (const guchar *) text; *p != '\0'; p++)
    needed += unreserved[*p] ? 1 : 3;

  g_string_set_size (out, out->len + needed);
  write = out->str + out->len - needed;

  for (p = (const guchar *) text; *p != '\0'; p++)
    {
      if (unreserved[*p])
        {
          *write++ = (char) *p;
        }
      else
        {
          *write++ = '%';
          *write++ = upper_hex[*p >> 4];
          *write++ = upper_hex[*p & 0x0f];
        }
    }
}

char *
vd_percent_encode (const char *text)
{
  GString *encoded;

  g_return_val_if_fail (text != NULL, NULL);

  encoded = g_string_sized_new (strlen (text) + 8);
  vd_percent_encode_append (encoded, text);
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
