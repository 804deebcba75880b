/* fuzz-id-number.c: libFuzzer target for the ID-number validator
 *
 * The input is what an operator may type or paste, any bytes at all. A number the validator
 * reports valid must be 18 characters that validate again, unchanged, after normalisation; its
 * last character must be the check character of its first 17 digits, its region a known
 * province and its birth date real and not after "today". A number reported invalid has a
 * message that can be shown. Masking never shows more than the first 6 and the last 4
 * characters, and is always valid UTF-8.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "vd-fuzz.h"
#include "vd-id-number.h"

static void
check_valid (const char           *input,
             const VdIdNumberInfo *info,
             GDateTime            *today)
{
  g_autofree char *normalized = vd_id_number_normalize (input);
  g_autofree char *first17 = g_strndup (info->normalized, 17);
  g_autoptr(GDate) birth = NULL;
  VdIdNumberInfo again;
  g_autoptr(GError) error = NULL;

  VD_FUZZ_CHECK (strlen (info->normalized) == 18);
  VD_FUZZ_CHECK (strcmp (normalized, info->normalized) == 0);
  VD_FUZZ_CHECK (vd_id_number_check_character (first17) == info->normalized[17]);
  VD_FUZZ_CHECK (info->expected_check == info->normalized[17]);
  VD_FUZZ_CHECK (strncmp (info->region_code, info->normalized, 6) == 0);
  VD_FUZZ_CHECK (vd_id_number_province_name (info->region_code) != NULL);
  VD_FUZZ_CHECK (info->sex == ((info->normalized[16] - '0') % 2 == 1 ? VD_SEX_MALE
                                                                     : VD_SEX_FEMALE));

  VD_FUZZ_CHECK (g_date_valid_dmy ((GDateDay) info->birth_day, (GDateMonth) info->birth_month,
                                   (GDateYear) info->birth_year));
  VD_FUZZ_CHECK (info->birth_year >= 1800);
  birth = g_date_new_dmy ((GDateDay) info->birth_day, (GDateMonth) info->birth_month,
                          (GDateYear) info->birth_year);
  VD_FUZZ_CHECK (info->birth_year < (guint) g_date_time_get_year (today) ||
                 (info->birth_year == (guint) g_date_time_get_year (today) &&
                  g_date_get_day_of_year (birth) <=
                  (guint) g_date_time_get_day_of_year (today)));

  VD_FUZZ_CHECK (vd_id_number_validate (info->normalized, today, &again, &error));
  VD_FUZZ_CHECK (memcmp (&again, info, sizeof again) == 0);
}

static void
check_mask (const char *input)
{
  g_autofree char *mask = vd_id_number_mask (input);
  g_autofree char *normalized = vd_id_number_normalize (input);
  glong n;
  glong shown = 0;

  VD_FUZZ_CHECK (g_utf8_validate (mask, -1, NULL));
  n = g_utf8_strlen (mask, -1);
  for (const char *p = mask; *p != '\0'; p = g_utf8_next_char (p))
    if (*p != '*')
      shown++;
  VD_FUZZ_CHECK (shown <= (n >= 18 ? 10 : n >= 8 ? 4 : 0));
  /* g_utf8_strlen may only see valid UTF-8; a stray byte is one masked character. */
  if (g_utf8_validate (normalized, -1, NULL))
    VD_FUZZ_CHECK (n == g_utf8_strlen (normalized, -1));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *input = g_strndup ((const char *) data, size);
  g_autoptr(GDateTime) today = g_date_time_new_local (2026, 11, 28, 12, 0, 0);
  g_autoptr(GError) error = NULL;
  VdIdNumberInfo info;

  if (vd_id_number_validate (input, today, &info, &error))
    {
      VD_FUZZ_CHECK (error == NULL);
      check_valid (input, &info, today);
    }
  else
    {
      VD_FUZZ_CHECK (error != NULL && error->domain == VD_ID_NUMBER_ERROR);
      VD_FUZZ_CHECK (g_utf8_validate (error->message, -1, NULL));
    }

  /* Validation without @info or @today (now) agrees about the same input. */
  VD_FUZZ_CHECK (vd_id_number_validate (input, today, NULL, NULL) == (error == NULL));

  check_mask (input);
  return 0;
}
