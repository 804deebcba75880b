#include "config.h"

#include <string.h>

#include "vd-id-number.h"
#include "vd-test-util.h"

/* The 17 digits followed by their computed check character. */
static char *
with_check (const char *first17)
{
  char check = vd_id_number_check_character (first17);

  g_assert_cmpint (check, !=, '\0');
  return g_strdup_printf ("%s%c", first17, check);
}

/* Validates @input against the fixed test date and asserts the error code and message. */
static void
assert_invalid (const char     *input,
                VdIdNumberError code,
                const char     *message)
{
  g_autoptr(GDateTime) today = vd_test_today ();
  g_autoptr(GError) error = NULL;
  VdIdNumberInfo info;

  g_assert_false (vd_id_number_validate (input, today, &info, &error));
  g_assert_error (error, VD_ID_NUMBER_ERROR, (int) code);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_cmpstr (info.normalized, ==, "");
}

static void
assert_valid (const char *input)
{
  g_autoptr(GDateTime) today = vd_test_today ();
  g_autoptr(GError) error = NULL;

  g_assert_true (vd_id_number_validate (input, today, NULL, &error));
  g_assert_no_error (error);
}

static void
test_published_example_female (void)
{
  g_autoptr(GDateTime) today = vd_test_today ();
  g_autoptr(GError) error = NULL;
  VdIdNumberInfo info;

  g_assert_true (vd_id_number_validate ("11010519491231002X", today, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (info.normalized, ==, "11010519491231002X");
  g_assert_cmpstr (info.region_code, ==, "110105");
  g_assert_cmpuint (info.birth_year, ==, 1949);
  g_assert_cmpuint (info.birth_month, ==, 12);
  g_assert_cmpuint (info.birth_day, ==, 31);
  g_assert_cmpint (info.sex, ==, VD_SEX_FEMALE);
  g_assert_cmpint (info.expected_check, ==, 'X');
}

/* The standard's own second example is born in 1880: the date rule reaches back to 1800 so
 * that the published example stays valid. */
static void
test_published_example_1880 (void)
{
  g_assert_cmpint (vd_id_number_check_character ("44052418800101001"), ==, '4');
  assert_valid ("440524188001010014");
}

static void
test_valid_male (void)
{
  g_autoptr(GDateTime) today = vd_test_today ();
  g_autoptr(GError) error = NULL;
  VdIdNumberInfo info;

  g_assert_true (vd_id_number_validate ("320102196507081533", today, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (info.normalized, ==, "320102196507081533");
  g_assert_cmpstr (info.region_code, ==, "320102");
  g_assert_cmpuint (info.birth_year, ==, 1965);
  g_assert_cmpuint (info.birth_month, ==, 7);
  g_assert_cmpuint (info.birth_day, ==, 8);
  g_assert_cmpint (info.sex, ==, VD_SEX_MALE);
  g_assert_cmpint (info.expected_check, ==, '3');
}

static void
test_seed_number_fails_region (void)
{
  assert_invalid ("023432189011233490", VD_ID_NUMBER_ERROR_REGION,
                  "The ID number starts with 02, which is not a province code: check the first "
                  "two digits.");
}

static void
test_empty (void)
{
  const char *message = "The ID number is empty: type the 18 characters from the card.";

  assert_invalid ("", VD_ID_NUMBER_ERROR_EMPTY, message);
  assert_invalid (" \t ", VD_ID_NUMBER_ERROR_EMPTY, message);
  assert_invalid ("\xe3\x80\x80", VD_ID_NUMBER_ERROR_EMPTY, message);
}

static void
test_length (void)
{
  assert_invalid ("11010519491231002", VD_ID_NUMBER_ERROR_LENGTH,
                  "The ID number has 17 characters, but it needs 18: check for a missing or "
                  "extra digit.");
  assert_invalid ("11010519491231002X1", VD_ID_NUMBER_ERROR_LENGTH,
                  "The ID number has 19 characters, but it needs 18: check for a missing or "
                  "extra digit.");
  assert_invalid ("7", VD_ID_NUMBER_ERROR_LENGTH,
                  "The ID number has 1 character, but it needs 18: check for a missing or "
                  "extra digit.");
}

static void
test_length_counts_characters_not_bytes (void)
{
  /* 17 characters, 19 bytes: "身" is three bytes. */
  assert_invalid ("身0105194912310022", VD_ID_NUMBER_ERROR_LENGTH,
                  "The ID number has 17 characters, but it needs 18: check for a missing or "
                  "extra digit.");
}

static void
test_bad_character (void)
{
  assert_invalid ("1101051949123100A2", VD_ID_NUMBER_ERROR_CHARACTER,
                  "The ID number has “A” at position 17: only digits are allowed, and X as the "
                  "last character.");
  assert_invalid ("11010519491231002Y", VD_ID_NUMBER_ERROR_CHARACTER,
                  "The ID number has “Y” at position 18: only digits are allowed, and X as the "
                  "last character.");
  assert_invalid ("110-0519491231002X", VD_ID_NUMBER_ERROR_CHARACTER,
                  "The ID number has “-” at position 4: only digits are allowed, and X as the "
                  "last character.");
}

static void
test_bad_character_names_the_first (void)
{
  assert_invalid ("11A10519491231B02X", VD_ID_NUMBER_ERROR_CHARACTER,
                  "The ID number has “A” at position 3: only digits are allowed, and X as the "
                  "last character.");
}

static void
test_x_only_last (void)
{
  assert_invalid ("11010X194912310020", VD_ID_NUMBER_ERROR_CHARACTER,
                  "The ID number has an X at position 6, but X may only be the last character.");
  assert_invalid ("1x0105194912310020", VD_ID_NUMBER_ERROR_CHARACTER,
                  "The ID number has an X at position 2, but X may only be the last character.");
}

static void
test_full_width_digit (void)
{
  /* "１" (U+FF11) at position 1: it looks like a digit on screen. */
  assert_invalid ("\xef\xbc\x91" "1010519491231002X", VD_ID_NUMBER_ERROR_CHARACTER,
                  "The ID number has the full-width character “１” at position 1: switch the "
                  "input method to half-width and type it again.");
}

static void
test_invisible_and_unreadable_characters (void)
{
  assert_invalid ("1101051949\x01" "231002X", VD_ID_NUMBER_ERROR_CHARACTER,
                  "The ID number has the invisible character U+0001 at position 11: type only "
                  "digits, and X as the last character.");
  assert_invalid ("11010519491231\xff" "02X", VD_ID_NUMBER_ERROR_CHARACTER,
                  "The ID number has an unreadable character at position 15: type only digits, "
                  "and X as the last character.");
}

static void
test_region_not_a_province (void)
{
  assert_invalid ("991234199001010011", VD_ID_NUMBER_ERROR_REGION,
                  "The ID number starts with 99, which is not a province code: check the first "
                  "two digits.");
  assert_invalid ("301234199001010011", VD_ID_NUMBER_ERROR_REGION,
                  "The ID number starts with 30, which is not a province code: check the first "
                  "two digits.");
}

static void
test_region_province_only (void)
{
  assert_invalid ("440000199001010011", VD_ID_NUMBER_ERROR_REGION,
                  "The region code 440000 names a whole province, not a county: check the first "
                  "six digits.");
}

static void
test_every_province_code_accepted (void)
{
  const char *codes[] = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
  };
  guint n_accepted = 0;

  for (int prefix = 0; prefix < 100; prefix++)
    {
      g_autofree char *first17 = g_strdup_printf ("%02d0101199001010011", prefix);
      g_autofree char *number = NULL;
      gboolean listed = FALSE;

      first17[17] = '\0';
      number = with_check (first17);
      for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
        listed = listed || strncmp (codes[i], number, 2) == 0;

      if (listed)
        {
          assert_valid (number);
          g_assert_nonnull (vd_id_number_province_name (number));
          n_accepted++;
        }
      else
        {
          g_autoptr(GDateTime) today = vd_test_today ();
          g_autoptr(GError) error = NULL;

          g_assert_false (vd_id_number_validate (number, today, NULL, &error));
          g_assert_error (error, VD_ID_NUMBER_ERROR, VD_ID_NUMBER_ERROR_REGION);
          g_assert_null (vd_id_number_province_name (number));
        }
    }

  g_assert_cmpuint (n_accepted, ==, G_N_ELEMENTS (codes));
}

static void
test_province_names (void)
{
  g_assert_cmpstr (vd_id_number_province_name ("11"), ==, "北京市");
  g_assert_cmpstr (vd_id_number_province_name ("110105"), ==, "北京市");
  g_assert_cmpstr (vd_id_number_province_name ("44"), ==, "广东省");
  g_assert_cmpstr (vd_id_number_province_name ("65"), ==, "新疆维吾尔自治区");
  g_assert_cmpstr (vd_id_number_province_name ("82"), ==, "澳门特别行政区");
  g_assert_null (vd_id_number_province_name ("02"));
  g_assert_null (vd_id_number_province_name ("1"));
  g_assert_null (vd_id_number_province_name (""));
  g_assert_null (vd_id_number_province_name ("1a"));
}

static void
test_leap_days (void)
{
  g_autofree char *leap_2000 = with_check ("11010520000229001");
  g_autofree char *leap_1996 = with_check ("11010519960229001");
  g_autofree char *not_leap_1900 = with_check ("11010519000229001");
  g_autofree char *not_leap_2001 = with_check ("11010520010229001");

  assert_valid (leap_2000);
  assert_valid (leap_1996);
  assert_invalid (not_leap_1900, VD_ID_NUMBER_ERROR_DATE,
                  "The birth date 19000229 in the ID number is not a real date: check digits 7 "
                  "to 14.");
  assert_invalid (not_leap_2001, VD_ID_NUMBER_ERROR_DATE,
                  "The birth date 20010229 in the ID number is not a real date: check digits 7 "
                  "to 14.");
}

static void
test_impossible_dates (void)
{
  g_autofree char *month_13 = with_check ("11010519901301001");
  g_autofree char *month_00 = with_check ("11010519900001001");
  g_autofree char *day_00 = with_check ("11010519900100001");
  g_autofree char *day_32 = with_check ("11010519900132001");
  g_autofree char *april_31 = with_check ("11010519900431001");

  assert_invalid (month_13, VD_ID_NUMBER_ERROR_DATE,
                  "The birth date 19901301 in the ID number is not a real date: check digits 7 "
                  "to 14.");
  assert_invalid (month_00, VD_ID_NUMBER_ERROR_DATE,
                  "The birth date 19900001 in the ID number is not a real date: check digits 7 "
                  "to 14.");
  assert_invalid (day_00, VD_ID_NUMBER_ERROR_DATE,
                  "The birth date 19900100 in the ID number is not a real date: check digits 7 "
                  "to 14.");
  assert_invalid (day_32, VD_ID_NUMBER_ERROR_DATE,
                  "The birth date 19900132 in the ID number is not a real date: check digits 7 "
                  "to 14.");
  assert_invalid (april_31, VD_ID_NUMBER_ERROR_DATE,
                  "The birth date 19900431 in the ID number is not a real date: check digits 7 "
                  "to 14.");
}

static void
test_year_before_1800 (void)
{
  g_autofree char *year_1799 = with_check ("11010517991231001");
  g_autofree char *year_1800 = with_check ("11010518000101001");

  assert_invalid (year_1799, VD_ID_NUMBER_ERROR_DATE,
                  "The birth year 1799 in the ID number is before 1800: check digits 7 to 10.");
  assert_valid (year_1800);
}

static void
test_future_date (void)
{
  /* vd_test_today is 2026-11-28. */
  g_autofree char *born_today = with_check ("11010520261128001");
  g_autofree char *born_tomorrow = with_check ("11010520261129001");
  g_autofree char *born_next_year = with_check ("11010520270101001");

  assert_valid (born_today);
  assert_invalid (born_tomorrow, VD_ID_NUMBER_ERROR_FUTURE_DATE,
                  "The birth date 20261129 in the ID number is after today: check digits 7 to "
                  "14.");
  assert_invalid (born_next_year, VD_ID_NUMBER_ERROR_FUTURE_DATE,
                  "The birth date 20270101 in the ID number is after today: check digits 7 to "
                  "14.");
}

static void
test_null_today_means_now (void)
{
  g_autofree char *far_future = with_check ("11010529991231001");
  g_autoptr(GError) error = NULL;

  g_assert_true (vd_id_number_validate ("11010519491231002X", NULL, NULL, NULL));
  g_assert_false (vd_id_number_validate (far_future, NULL, NULL, &error));
  g_assert_error (error, VD_ID_NUMBER_ERROR, VD_ID_NUMBER_ERROR_FUTURE_DATE);
}

static void
test_check_character_wrong (void)
{
  assert_invalid ("110105194912310023", VD_ID_NUMBER_ERROR_CHECK_CHARACTER,
                  "The ID number should end in X, not 3: one of its digits is probably "
                  "mistyped.");
  assert_invalid ("32010219650708153X", VD_ID_NUMBER_ERROR_CHECK_CHARACTER,
                  "The ID number should end in 3, not X: one of its digits is probably "
                  "mistyped.");
  /* One digit mistyped in the middle: 1949 → 1948. */
  assert_invalid ("11010519481231002X", VD_ID_NUMBER_ERROR_CHECK_CHARACTER,
                  "The ID number should end in 2, not X: one of its digits is probably "
                  "mistyped.");
}

static void
test_rules_apply_in_order (void)
{
  /* Wrong region, impossible date and wrong check character: the region is reported. */
  assert_invalid ("021234199013450000", VD_ID_NUMBER_ERROR_REGION,
                  "The ID number starts with 02, which is not a province code: check the first "
                  "two digits.");
  /* Impossible date and wrong check character: the date is reported. */
  assert_invalid ("110105199013450000", VD_ID_NUMBER_ERROR_DATE,
                  "The birth date 19901345 in the ID number is not a real date: check digits 7 "
                  "to 14.");
  /* A bad character before a wrong length is not reached: the length comes first. */
  assert_invalid ("11A", VD_ID_NUMBER_ERROR_LENGTH,
                  "The ID number has 3 characters, but it needs 18: check for a missing or "
                  "extra digit.");
}

static void
test_check_character_computation (void)
{
  g_assert_cmpint (vd_id_number_check_character ("11010519491231002"), ==, 'X');
  g_assert_cmpint (vd_id_number_check_character ("44052418800101001"), ==, '4');
  g_assert_cmpint (vd_id_number_check_character ("33010619880315042"), ==, '1');
  g_assert_cmpint (vd_id_number_check_character ("1101051949123100"), ==, '\0');
  g_assert_cmpint (vd_id_number_check_character ("11010519491231002X"), ==, '\0');
  g_assert_cmpint (vd_id_number_check_character ("1101051949123100A"), ==, '\0');
  g_assert_cmpint (vd_id_number_check_character (""), ==, '\0');
}

static void
test_normalize (void)
{
  g_autofree char *spaces = vd_id_number_normalize (" 110105 19491231 002x ");
  g_autofree char *tabs = vd_id_number_normalize ("110105\t19491231\t002X");
  g_autofree char *full_width = vd_id_number_normalize ("110105\xe3\x80\x80" "19491231"
                                                        "\xe3\x80\x80" "002x");
  g_autofree char *untouched = vd_id_number_normalize ("abc-x");

  g_assert_cmpstr (spaces, ==, "11010519491231002X");
  g_assert_cmpstr (tabs, ==, "11010519491231002X");
  g_assert_cmpstr (full_width, ==, "11010519491231002X");
  g_assert_cmpstr (untouched, ==, "abc-X");
}

static void
test_validate_normalizes (void)
{
  g_autoptr(GDateTime) today = vd_test_today ();
  g_autoptr(GError) error = NULL;
  VdIdNumberInfo info;

  g_assert_true (vd_id_number_validate ("110105 1949 1231 002x", today, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (info.normalized, ==, "11010519491231002X");

  g_assert_true (vd_id_number_validate ("\xe3\x80\x80" "320102196507081533\t", today, &info,
                                        &error));
  g_assert_no_error (error);
  g_assert_cmpstr (info.normalized, ==, "320102196507081533");
}

static void
test_mask_full_number (void)
{
  g_autofree char *mask = vd_id_number_mask ("11010519491231002X");
  g_autofree char *typed = vd_id_number_mask ("110105 19491231 002x");

  g_assert_cmpstr (mask, ==, "110105********002X");
  g_assert_cmpstr (typed, ==, "110105********002X");
}

static void
test_mask_short_inputs (void)
{
  g_autofree char *seventeen = vd_id_number_mask ("11010519491231002");
  g_autofree char *eight = vd_id_number_mask ("12345678");
  g_autofree char *seven = vd_id_number_mask ("1234567");
  g_autofree char *one = vd_id_number_mask ("1");
  g_autofree char *empty = vd_id_number_mask ("");

  g_assert_cmpstr (seventeen, ==, "*************1002");
  g_assert_cmpstr (eight, ==, "****5678");
  g_assert_cmpstr (seven, ==, "*******");
  g_assert_cmpstr (one, ==, "*");
  g_assert_cmpstr (empty, ==, "");
}

static void
test_mask_never_invalid_utf8 (void)
{
  g_autofree char *mask = vd_id_number_mask ("110105194912310\xff\xfe\xfd");
  g_autofree char *chinese = vd_id_number_mask ("张三李四王五赵六");

  g_assert_cmpstr (mask, ==, "110105********0***");
  g_assert_true (g_utf8_validate (mask, -1, NULL));
  g_assert_cmpstr (chinese, ==, "****王五赵六");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/id-number/valid/published-female", test_published_example_female);
  g_test_add_func ("/id-number/valid/male", test_valid_male);
  g_test_add_func ("/id-number/rule/published-1880", test_published_example_1880);
  g_test_add_func ("/id-number/valid/normalizes", test_validate_normalizes);
  g_test_add_func ("/id-number/valid/null-today", test_null_today_means_now);
  g_test_add_func ("/id-number/rule/seed-number", test_seed_number_fails_region);
  g_test_add_func ("/id-number/rule/empty", test_empty);
  g_test_add_func ("/id-number/rule/length", test_length);
  g_test_add_func ("/id-number/rule/length-in-characters", test_length_counts_characters_not_bytes);
  g_test_add_func ("/id-number/rule/character", test_bad_character);
  g_test_add_func ("/id-number/rule/character-first", test_bad_character_names_the_first);
  g_test_add_func ("/id-number/rule/x-only-last", test_x_only_last);
  g_test_add_func ("/id-number/rule/full-width", test_full_width_digit);
  g_test_add_func ("/id-number/rule/invisible", test_invisible_and_unreadable_characters);
  g_test_add_func ("/id-number/rule/region-province", test_region_not_a_province);
  g_test_add_func ("/id-number/rule/region-0000", test_region_province_only);
  g_test_add_func ("/id-number/rule/region-all", test_every_province_code_accepted);
  g_test_add_func ("/id-number/rule/leap-days", test_leap_days);
  g_test_add_func ("/id-number/rule/impossible-dates", test_impossible_dates);
  g_test_add_func ("/id-number/rule/before-1800", test_year_before_1800);
  g_test_add_func ("/id-number/rule/future", test_future_date);
  g_test_add_func ("/id-number/rule/check-character", test_check_character_wrong);
  g_test_add_func ("/id-number/rule/order", test_rules_apply_in_order);
  g_test_add_func ("/id-number/check-character", test_check_character_computation);
  g_test_add_func ("/id-number/province-names", test_province_names);
  g_test_add_func ("/id-number/normalize", test_normalize);
  g_test_add_func ("/id-number/mask/full", test_mask_full_number);
  g_test_add_func ("/id-number/mask/short", test_mask_short_inputs);
  g_test_add_func ("/id-number/mask/utf8", test_mask_never_invalid_utf8);

  return g_test_run ();
}
