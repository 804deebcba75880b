#define G_LOG_DOMAIN "vd-params"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "vd-params.h"
#include "vd-percent.h"

/* How much of a hostile parameter an error message quotes. */
#define QUOTE_MAX_CHARS 40

typedef struct {
  char *name;
  char *value;
} Pair;

struct _VdParams {
  gatomicrefcount  ref_count;
  /* Pair*, kept sorted by strcmp of the names so that iteration is already canonical order. */
  GPtrArray       *pairs;
};

G_DEFINE_BOXED_TYPE (VdParams, vd_params, vd_params_ref, vd_params_unref)

static Pair *
pair_new (const char *name,
          const char *value)
{
  Pair *pair = g_new (Pair, 1);

  pair->name = g_strdup (name);
  pair->value = g_strdup (value);
  return pair;
}

static void
pair_free (gpointer data)
{
  Pair *pair = data;

  g_free (pair->name);
  g_free (pair->value);
  g_free (pair);
}

/* Binary search. Returns TRUE when @name is present; either way *@index is where it is or
 * where it would be inserted to keep the order. */
static gboolean
find_name (const VdParams *params,
           const char     *name,
           guint          *index)
{
  guint low = 0;
  guint high = params->pairs->len;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;
      const Pair *pair = g_ptr_array_index (params->pairs, middle);
      int order = strcmp (pair->name, name);

      if (order == 0)
        {
          *index = middle;
          return TRUE;
        }
      if (order < 0)
        low = middle + 1;
      else
        high = middle;
    }

  *index = low;
  return FALSE;
}

VdParams *
vd_params_new (void)
{
  VdParams *params = g_new0 (VdParams, 1);

  g_atomic_ref_count_init (&params->ref_count);
  params->pairs = g_ptr_array_new_with_free_func (pair_free);
  return params;
}

VdParams *
vd_params_copy (const VdParams *params)
{
  VdParams *copy;
  guint i;

  g_return_val_if_fail (params != NULL, NULL);

  copy = vd_params_new ();
  for (i = 0; i < params->pairs->len; i++)
    {
      const Pair *pair = g_ptr_array_index (params->pairs, i);

      g_ptr_array_add (copy->pairs, pair_new (pair->name, pair->value));
    }

  return copy;
}

VdParams *
vd_params_ref (VdParams *params)
{
  g_return_val_if_fail (params != NULL, NULL);

  g_atomic_ref_count_inc (&params->ref_count);
  return params;
}

void
vd_params_unref (VdParams *params)
{
  g_return_if_fail (params != NULL);

  if (g_atomic_ref_count_dec (&params->ref_count))
    {
      g_ptr_array_unref (params->pairs);
      g_free (params);
    }
}

void
vd_params_set (VdParams   *params,
               const char *name,
               const char *value)
{
  guint index;

  g_return_if_fail (params != NULL);
  g_return_if_fail (name != NULL);
  g_return_if_fail (value != NULL);

  if (find_name (params, name, &index))
    {
      Pair *pair = g_ptr_array_index (params->pairs, index);
      char *old_value = pair->value;

      /* Duplicate first: @value may point into the value it replaces. */
      pair->value = g_strdup (value);
      g_free (old_value);
    }
  else
    {
      g_ptr_array_insert (params->pairs, (int) index, pair_new (name, value));
    }
}

void
vd_params_remove (VdParams   *params,
                  const char *name)
{
  guint index;

  g_return_if_fail (params != NULL);
  g_return_if_fail (name != NULL);

  if (find_name (params, name, &index))
    g_ptr_array_remove_index (params->pairs, index);
}

const char *
vd_params_get (const VdParams *params,
               const char     *name)
{
  guint index;

  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (!find_name (params, name, &index))
    return NULL;

  return ((const Pair *) g_ptr_array_index (params->pairs, index))->value;
}

guint
vd_params_get_length (const VdParams *params)
{
  g_return_val_if_fail (params != NULL, 0);

  return params->pairs->len;
}

const char *
vd_params_get_name (const VdParams *params,
                    guint           index)
{
  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (index < params->pairs->len, NULL);

  return ((const Pair *) g_ptr_array_index (params->pairs, index))->name;
}

const char *
vd_params_get_value (const VdParams *params,
                     guint           index)
{
  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (index < params->pairs->len, NULL);

  return ((const Pair *) g_ptr_array_index (params->pairs, index))->value;
}

char *
vd_params_to_canonical (const VdParams *params)
{
  GString *canonical;

  g_return_val_if_fail (params != NULL, NULL);

  canonical = g_string_sized_new (512);
  vd_params_append_canonical (params, NULL, canonical);
  return g_string_free (canonical, FALSE);
}

void
vd_params_append_canonical (const VdParams *params,
                            const char     *except,
                            GString        *out)
{
  gboolean first = TRUE;
  guint i;

  g_return_if_fail (params != NULL);
  g_return_if_fail (out != NULL);

  for (i = 0; i < params->pairs->len; i++)
    {
      const Pair *pair = g_ptr_array_index (params->pairs, i);

      if (except != NULL && strcmp (pair->name, except) == 0)
        continue;
      if (!first)
        g_string_append_c (out, '&');
      vd_percent_encode_append (out, pair->name);
      g_string_append_c (out, '=');
      vd_percent_encode_append (out, pair->value);
      first = FALSE;
    }
}

/* A short, printable excerpt of untrusted text for an error message. */
static char *
quote_for_message (const char *text,
                   gsize       length)
{
  g_autofree char *valid = g_utf8_make_valid (text, (gssize) length);
  glong chars = g_utf8_strlen (valid, -1);
  const char *cut;

  if (chars <= QUOTE_MAX_CHARS)
    return g_steal_pointer (&valid);

  cut = g_utf8_offset_to_pointer (valid, QUOTE_MAX_CHARS);
  return g_strdup_printf ("%.*s…", (int) (cut - valid), valid);
}

/* vd_percent_decode says only "no"; this says why, so the message can tell the sender what to
 * fix. @text is the part that failed; the message quotes the whole @segment, so that it names
 * the parameter too. */
static void
set_decode_error (const char  *text,
                  gsize        length,
                  const char  *segment,
                  gsize        segment_length,
                  GError     **error)
{
  g_autofree char *quoted = quote_for_message (segment, segment_length);
  gsize i;

  for (i = 0; i < length; i++)
    {
      if (text[i] != '%')
        continue;

      if (length - i < 3 || !g_ascii_isxdigit (text[i + 1]) || !g_ascii_isxdigit (text[i + 2]))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The query text “%s” has a malformed percent escape: every “%%” must "
                         "be followed by two hexadecimal digits"),
                       quoted);
          return;
        }
      if (text[i + 1] == '0' && text[i + 2] == '0')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The query text “%s” contains an encoded NUL byte (%%00), which no "
                         "parameter may hold"),
                       quoted);
          return;
        }
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _("The query text “%s” does not decode to UTF-8 text: encode parameters as "
                 "UTF-8 before percent-encoding them"),
               quoted);
}

/* Adds one "name=value" segment; FALSE with @error set when it cannot be decoded or its name
 * is already there. */
static gboolean
add_segment (VdParams    *params,
             const char  *segment,
             gsize        length,
             GError     **error)
{
  const char *equals = memchr (segment, '=', length);
  gsize name_length = equals != NULL ? (gsize) (equals - segment) : length;
  const char *raw_value = equals != NULL ? equals + 1 : segment + length;
  gsize value_length = length - (gsize) (raw_value - segment);
  g_autofree char *name = NULL;
  g_autofree char *value = NULL;
  guint index;

  name = vd_percent_decode (segment, (gssize) name_length, TRUE);
  if (name == NULL)
    {
      set_decode_error (segment, name_length, segment, length, error);
      return FALSE;
    }

  value = vd_percent_decode (raw_value, (gssize) value_length, TRUE);
  if (value == NULL)
    {
      set_decode_error (raw_value, value_length, segment, length, error);
      return FALSE;
    }

  if (name[0] == '\0')
    {
      g_autofree char *quoted = quote_for_message (segment, length);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The query segment “%s” has a value but no parameter name"),
                   quoted);
      return FALSE;
    }

  if (find_name (params, name, &index))
    {
      g_autofree char *quoted = quote_for_message (name, strlen (name));

      /* Two values for one name cannot be signed unambiguously, so neither is picked. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The parameter “%s” appears more than once in the query; send each "
                     "parameter once"),
                   quoted);
      return FALSE;
    }

  g_ptr_array_insert (params->pairs, (int) index, pair_new (name, value));
  return TRUE;
}

VdParams *
vd_params_parse_query (const char  *query,
                       GError     **error)
{
  g_autoptr(VdParams) params = vd_params_new ();
  const char *segment;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* No query at all (a URI without '?') is the same as an empty one. */
  if (query == NULL)
    return g_steal_pointer (&params);

  segment = query;
  while (*segment != '\0')
    {
      const char *end = strchr (segment, '&');
      gsize length = end != NULL ? (gsize) (end - segment) : strlen (segment);

      if (length > 0 && !add_segment (params, segment, length, error))
        return NULL;

      segment += length;
      if (*segment == '&')
        segment++;
    }

  return g_steal_pointer (&params);
}
