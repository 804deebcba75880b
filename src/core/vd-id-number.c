#define G_LOG_DOMAIN "vd-id-number"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vd-id-number.h"

#define ID_NUMBER_LENGTH 18

G_DEFINE_QUARK (vd-id-number-error-quark, vd_id_number_error)

/* Province-level codes of GB/T 2260 as the first two digits of an ID number. The names are
 * data shown next to the number, not interface text: they are not translated. */
static const struct {
  char        code[3];
  const char *name;
} provinces[] = {
  { "11", "北京市" },
  { "12", "天津市" },
  { "13", "河北省" },
  { "14", "山西省" },
  { "15", "内蒙古自治区" },
  { "21", "辽宁省" },
  { "22", "吉林省" },
  { "23", "黑龙江省" },
  { "31", "上海市" },
  { "32", "江苏省" },
  { "33", "浙江省" },
  { "34", "安徽省" },
  { "35", "福建省" },
  { "36", "江西省" },
  { "37", "山东省" },
  { "41", "河南省" },
  { "42", "湖北省" },
  { "43", "湖南省" },
  { "44", "广东省" },
  { "45", "广西壮族自治区" },
  { "46", "海南省" },
  { "50", "重庆市" },
  { "51", "四川省" },
  { "52", "贵州省" },
  { "53", "云南省" },
  { "54", "西藏自治区" },
  { "61", "陕西省" },
  { "62", "甘肃省" },
  { "63", "青海省" },
  { "64", "宁夏回族自治区" },
  { "65", "新疆维吾尔自治区" },
  { "71", "台湾省" },
  { "81", "香港特别行政区" },
  { "82", "澳门特别行政区" },
};

static const guint check_weights[ID_NUMBER_LENGTH - 1] = {
  7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2,
};

static const char check_character_table[] = "10X98765432";

/* The character at @p, or (gunichar) -1 for a byte that does not start valid UTF-8. Typed
 * input may be anything, so every walk over it goes through here. *@len is set to the number
 * of bytes consumed (1 for a stray byte). */
static gunichar
next_character (const char *p,
                gsize       remaining,
                gsize      *len)
{
  gunichar c = g_utf8_get_char_validated (p, remaining);

  if (c == (gunichar) -1 || c == (gunichar) -2)
    {
      *len = 1;
      return (gunichar) -1;
    }

  *len = g_utf8_next_char (p) - p;
  return c;
}

/* Spaces of every kind, including the full-width U+3000 an input method types, and the
 * zero-width ones that come along when a number is pasted from a web page. */
static gboolean
is_removable_space (gunichar c)
{
  return g_unichar_isspace (c) || c == 0x3000 || c == 0x200B || c == 0xFEFF;
}

static guint
count_characters (const char *text)
{
  gsize remaining = strlen (text);
  guint n = 0;

  while (remaining > 0)
    {
      gsize len;

      next_character (text, remaining, &len);
      text += len;
      remaining -= len;
      n++;
    }

  return n;
}

char *
vd_id_number_normalize (const char *input)
{
  GString *out;
  gsize remaining;

  g_return_val_if_fail (input != NULL, NULL);

  out = g_string_sized_new (ID_NUMBER_LENGTH + 1);
  remaining = strlen (input);

  while (remaining > 0)
    {
      gsize len;
      gunichar c = next_character (input, remaining, &len);

      if (c == 'x')
        g_string_append_c (out, 'X');
      else if (c == (gunichar) -1 || !is_removable_space (c))
        g_string_append_len (out, input, len);

      input += len;
      remaining -= len;
    }

  return g_string_free (out, FALSE);
}

char
vd_id_number_check_character (const char *first17)
{
  guint sum = 0;

  g_return_val_if_fail (first17 != NULL, '\0');

  if (strlen (first17) != ID_NUMBER_LENGTH - 1)
    return '\0';

  for (guint i = 0; i < ID_NUMBER_LENGTH - 1; i++)
    {
      if (!g_ascii_isdigit (first17[i]))
        return '\0';
      sum += (guint) (first17[i] - '0') * check_weights[i];
    }

  return check_character_table[sum % 11];
}

const char *
vd_id_number_province_name (const char *region_code)
{
  g_return_val_if_fail (region_code != NULL, NULL);

  if (!g_ascii_isdigit (region_code[0]) || !g_ascii_isdigit (region_code[1]))
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (provinces); i++)
    {
      if (strncmp (provinces[i].code, region_code, 2) == 0)
        return provinces[i].name;
    }

  return NULL;
}

static gboolean
check_not_empty (const char  *number,
                 GError     **error)
{
  if (number[0] != '\0')
    return TRUE;

  g_set_error_literal (error, VD_ID_NUMBER_ERROR, VD_ID_NUMBER_ERROR_EMPTY,
                       _("The ID number is empty: type the 18 characters from the card."));
  return FALSE;
}

static gboolean
check_length (const char  *number,
              GError     **error)
{
  guint n = count_characters (number);

  if (n == ID_NUMBER_LENGTH)
    return TRUE;

  g_set_error (error, VD_ID_NUMBER_ERROR, VD_ID_NUMBER_ERROR_LENGTH,
               g_dngettext (GETTEXT_PACKAGE,
                            "The ID number has %u character, but it needs 18: check for a "
                            "missing or extra digit.",
                            "The ID number has %u characters, but it needs 18: check for a "
                            "missing or extra digit.",
                            n),
               n);
  return FALSE;
}

/* Says what is wrong with the character @c at @position (1-based) in words an operator can act
 * on: a full-width digit looks right on screen, an invisible character cannot be seen at all. */
static void
set_bad_character_error (gunichar   c,
                         guint      position,
                         GError   **error)
{
  char utf8[7] = { 0 };

  if (c == (gunichar) -1)
    {
      g_set_error (error, VD_ID_NUMBER_ERROR, VD_ID_NUMBER_ERROR_CHARACTER,
                   _("The ID number has an unreadable character at position %u: type only "
                     "digits, and X as the last character."),
                   position);
      return;
    }

  if (c == 'X')
    {
      g_set_error (error, VD_ID_NUMBER_ERROR, VD_ID_NUMBER_ERROR_CHARACTER,
                   _("The ID number has an X at position %u, but X may only be the last "
                     "character."),
                   position);
      return;
    }

  if (!g_unichar_isprint (c))
    {
      g_set_error (error, VD_ID_NUMBER_ERROR, VD_ID_NUMBER_ERROR_CHARACTER,
                   _("The ID number has the invisible character U+%04X at position %u: type "
                     "only digits, and X as the last character."),
                   (guint) c, position);
      return;
    }

  g_unichar_to_utf8 (c, utf8);

  if ((c >= 0xFF10 && c <= 0xFF19) || c == 0xFF38 || c == 0xFF58)
    {
      g_set_error (error, VD_ID_NUMBER_ERROR, VD_ID_NUMBER_ERROR_CHARACTER,
                   _("The ID number has the full-width character “%s” at position %u: switch "
                     "the input method to half-width and type it again."),
                   utf8, position);
      return;
    }

  g_set_error (error, VD_ID_NUMBER_ERROR, VD_ID_NUMBER_ERROR_CHARACTER,
               _("The ID number has “%s” at position %u: only digits are allowed, and X as the "
                 "last character."),
               utf8, position);
}

static gboolean
check_characters (const char  *number,
                  GError     **error)
{
  gsize remaining = strlen (number);
  guint position = 0;

  while (remaining > 0)
    {
      gsize len;
      gunichar c = next_character (number, remaining, &len);

      position++;
      if (!(c < 0x80 && g_ascii_isdigit (c)) && !(c == 'X' && position == ID_NUMBER_LENGTH))
        {
          set_bad_character_error (c, position, error);
          return FALSE;
        }

      number += len;
      remaining -= len;
    }

  return TRUE;
}

/* From here on the number is known to be 18 ASCII characters. */
static gboolean
check_region (const char  *number,
              GError     **error)
{
  char province[3] = { number[0], number[1], '\0' };
  char region[7];

  if (vd_id_number_province_name (province) == NULL)
    {
      g_set_error (error, VD_ID_NUMBER_ERROR, VD_ID_NUMBER_ERROR_REGION,
                   _("The ID number starts with %s, which is not a province code: check the "
                     "first two digits."),
                   province);
      return FALSE;
    }

  if (strncmp (number + 2, "0000", 4) == 0)
    {
      memcpy (region, number, 6);
      region[6] = '\0';
      g_set_error (error, VD_ID_NUMBER_ERROR, VD_ID_NUMBER_ERROR_REGION,
                   _("The region code %s names a whole province, not a county: check the "
                     "first six digits."),
                   region);
      return FALSE;
    }

  return TRUE;
}

static guint
parse_digits (const char *digits,
              guint       n)
{
  guint value = 0;

  for (guint i = 0; i < n; i++)
    value = value * 10 + (guint) (digits[i] - '0');

  return value;
}

static gboolean
check_date (const char  *number,
            guint       *year,
            guint       *month,
            guint       *day,
            GError     **error)
{
  char date[9];

  memcpy (date, number + 6, 8);
  date[8] = '\0';

  *year = parse_digits (number + 6, 4);
  *month = parse_digits (number + 10, 2);
  *day = parse_digits (number + 12, 2);

  if (*year < 1800)
    {
      g_set_error (error, VD_ID_NUMBER_ERROR, VD_ID_NUMBER_ERROR_DATE,
                   _("The birth year %u in the ID number is before 1800: check digits 7 to 10."),
                   *year);
      return FALSE;
    }

  if (*month < 1 || *month > 12 || *day < 1
      || !g_date_valid_dmy ((GDateDay) *day, (GDateMonth) *month, (GDateYear) *year))
    {
      g_set_error (error, VD_ID_NUMBER_ERROR, VD_ID_NUMBER_ERROR_DATE,
                   _("The birth date %s in the ID number is not a real date: check digits 7 to "
                     "14."),
                   date);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_not_future (const char  *number,
                  guint        year,
                  guint        month,
                  guint        day,
                  GDateTime   *today,
                  GError     **error)
{
  g_autoptr(GDateTime) now = NULL;
  int today_year, today_month, today_day;
  guint birth = year * 10000 + month * 100 + day;
  char date[9];

  if (today == NULL)
    today = now = g_date_time_new_now_local ();

  g_date_time_get_ymd (today, &today_year, &today_month, &today_day);
  if (birth <= (guint) (today_year * 10000 + today_month * 100 + today_day))
    return TRUE;

  memcpy (date, number + 6, 8);
  date[8] = '\0';
  g_set_error (error, VD_ID_NUMBER_ERROR, VD_ID_NUMBER_ERROR_FUTURE_DATE,
               _("The birth date %s in the ID number is after today: check digits 7 to 14."),
               date);
  return FALSE;
}

static gboolean
check_check_character (const char  *number,
                       char        *expected,
                       GError     **error)
{
  char first17[ID_NUMBER_LENGTH];

  memcpy (first17, number, ID_NUMBER_LENGTH - 1);
  first17[ID_NUMBER_LENGTH - 1] = '\0';
  *expected = vd_id_number_check_character (first17);
  g_assert (*expected != '\0');

  if (number[ID_NUMBER_LENGTH - 1] == *expected)
    return TRUE;

  g_set_error (error, VD_ID_NUMBER_ERROR, VD_ID_NUMBER_ERROR_CHECK_CHARACTER,
               _("The ID number should end in %c, not %c: one of its digits is probably "
                 "mistyped."),
               *expected, number[ID_NUMBER_LENGTH - 1]);
  return FALSE;
}

gboolean
vd_id_number_validate (const char      *input,
                       GDateTime       *today,
                       VdIdNumberInfo  *info,
                       GError         **error)
{
  g_autofree char *number = NULL;
  guint year = 0, month = 0, day = 0;
  char expected = '\0';

  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (info != NULL)
    memset (info, 0, sizeof *info);

  number = vd_id_number_normalize (input);

  if (!check_not_empty (number, error)
      || !check_length (number, error)
      || !check_characters (number, error)
      || !check_region (number, error)
      || !check_date (number, &year, &month, &day, error)
      || !check_not_future (number, year, month, day, today, error)
      || !check_check_character (number, &expected, error))
    return FALSE;

  if (info != NULL)
    {
      memcpy (info->normalized, number, ID_NUMBER_LENGTH + 1);
      memcpy (info->region_code, number, 6);
      info->region_code[6] = '\0';
      info->birth_year = year;
      info->birth_month = month;
      info->birth_day = day;
      info->sex = (number[16] - '0') % 2 == 1 ? VD_SEX_MALE : VD_SEX_FEMALE;
      info->expected_check = expected;
    }

  return TRUE;
}

/* Appends the character at @p unless it is a stray byte, which would make the mask invalid
 * UTF-8: a stray byte is masked like the hidden part. */
static void
append_kept_character (GString    *out,
                       const char *p,
                       gsize       remaining)
{
  gsize len;

  if (next_character (p, remaining, &len) == (gunichar) -1)
    g_string_append_c (out, '*');
  else
    g_string_append_len (out, p, len);
}

char *
vd_id_number_mask (const char *id_number)
{
  g_autofree char *number = NULL;
  GString *out;
  const char *p;
  gsize remaining;
  guint n, keep_head, keep_tail;

  g_return_val_if_fail (id_number != NULL, NULL);

  number = vd_id_number_normalize (id_number);
  n = count_characters (number);

  keep_head = n >= ID_NUMBER_LENGTH ? 6 : 0;
  keep_tail = n >= 8 ? 4 : 0;

  out = g_string_sized_new (n + 1);
  p = number;
  remaining = strlen (number);

  for (guint i = 0; i < n; i++)
    {
      gsize len;

      next_character (p, remaining, &len);
      if (i < keep_head || i >= n - keep_tail)
        append_kept_character (out, p, remaining);
      else
        g_string_append_c (out, '*');

      p += len;
      remaining -= len;
    }

  return g_string_free (out, FALSE);
}
