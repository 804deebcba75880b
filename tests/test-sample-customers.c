#include "config.h"

#include <string.h>

#include "vd-sample-customers.h"
#include "vd-test-util.h"

static int
outcome_on_test_day (const char *name,
                     const char *id_number,
                     double     *score)
{
  g_autoptr(GDateTime) today = vd_test_today ();

  return vd_sample_rules_outcome (name, id_number, today, score);
}

static void
test_every_number_validates (void)
{
  g_autoptr(GDateTime) today = vd_test_today ();
  const VdSampleCustomer *customers;
  guint n = 0;

  customers = vd_sample_customers (&n);
  g_assert_cmpuint (n, ==, 15);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      VdIdNumberInfo info;

      g_assert_true (vd_id_number_validate (customers[i].id_number, today, &info, &error));
      g_assert_no_error (error);
      /* Stored exactly as the validator normalises, so a lookup by typed number finds it. */
      g_assert_cmpstr (info.normalized, ==, customers[i].id_number);
    }
}

static void
test_numbers_and_names_unique (void)
{
  const VdSampleCustomer *customers;
  guint n = 0;

  customers = vd_sample_customers (&n);
  for (guint i = 0; i < n; i++)
    {
      for (guint j = i + 1; j < n; j++)
        {
          g_assert_cmpstr (customers[i].id_number, !=, customers[j].id_number);
          g_assert_cmpstr (customers[i].name, !=, customers[j].name);
        }
    }
}

static void
test_rows_are_plausible (void)
{
  const VdSampleCustomer *customers;
  guint n = 0;

  customers = vd_sample_customers (&n);
  for (guint i = 0; i < n; i++)
    {
      const VdSampleCustomer *c = &customers[i];
      int status = c->status;

      g_assert_true (g_utf8_validate (c->name, -1, NULL));
      g_assert_cmpuint (g_utf8_strlen (c->name, -1), >=, 2);
      g_assert_nonnull (c->description);
      g_assert_cmpstr (c->description, !=, "");

      if (status == 1)
        g_assert_cmpfloat (c->score, >=, 90);
      else if (status == 6 || status == 7 || status == 10)
        g_assert_true (c->score >= 30 && c->score <= 59);
      else if (status == 12 || status == 13 || status > 3100)
        g_assert_cmpfloat (c->score, ==, -1);
      else
        g_assert_true (c->score >= 0 && c->score <= 100);
    }
}

static void
test_demo_number_not_in_table (void)
{
  g_assert_null (vd_sample_customer_for_number ("11010519491231002X"));
}

static void
test_lookup_by_number (void)
{
  const VdSampleCustomer *customers = vd_sample_customers (NULL);
  const VdSampleCustomer *found;

  found = vd_sample_customer_for_number (customers[2].id_number);
  g_assert_true (found == &customers[2]);

  /* Typed with spaces and a lower-case x, as an operator might. */
  found = vd_sample_customer_for_number ("430103 20010119 079x");
  g_assert_nonnull (found);
  g_assert_cmpstr (found->id_number, ==, "43010320010119079X");
  g_assert_cmpint (found->status, ==, 10);

  g_assert_null (vd_sample_customer_for_number (""));
  g_assert_null (vd_sample_customer_for_number ("not a number"));
}

static void
test_rules_give_each_row_its_outcome (void)
{
  const VdSampleCustomer *customers;
  guint n = 0;

  customers = vd_sample_customers (&n);
  for (guint i = 0; i < n; i++)
    {
      double score = -2;

      g_assert_cmpint (outcome_on_test_day (customers[i].name, customers[i].id_number, &score),
                       ==, customers[i].status);
      g_assert_cmpfloat (score, ==, customers[i].score);
    }
}

static void
test_name_is_trimmed (void)
{
  double score = -2;

  g_assert_cmpint (outcome_on_test_day (" 周敏\t", "310104 19870417 0869", &score), ==, 7);
  g_assert_cmpfloat (score, ==, 35);
}

static void
test_another_name_gives_3101 (void)
{
  const VdSampleCustomer *customers;
  guint n = 0;

  customers = vd_sample_customers (&n);
  for (guint i = 0; i < n; i++)
    {
      double score = -2;

      g_assert_cmpint (outcome_on_test_day ("张三", customers[i].id_number, &score), ==, 3101);
      g_assert_cmpfloat (score, ==, -1);
    }

  g_assert_cmpint (outcome_on_test_day ("", customers[0].id_number, NULL), ==, 3101);
  g_assert_cmpint (outcome_on_test_day (NULL, customers[0].id_number, NULL), ==, 3101);
}

static void
test_sequence_999_gives_3102 (void)
{
  double score = -2;

  g_assert_cmpint (outcome_on_test_day ("张三", "110105194912319999", &score), ==, 3102);
  g_assert_cmpfloat (score, ==, -1);
}

static void
test_sequence_000_gives_3103 (void)
{
  g_autoptr(GDateTime) today = vd_test_today ();
  double score = -2;

  /* Valid to the app: the answer comes from the service's side of the rules. */
  g_assert_true (vd_id_number_validate ("110105194912310003", today, NULL, NULL));
  g_assert_cmpint (outcome_on_test_day ("张三", "110105194912310003", &score), ==, 3103);
  g_assert_cmpfloat (score, ==, -1);
}

static void
test_invalid_number_gives_3103 (void)
{
  const char *numbers[] = {
    "023432189011233490",  /* the seed's placeholder: region 02 */
    "110105194912310023",  /* wrong check character */
    "11010519491231002",   /* too short */
    "",
    "11010520991231002X",  /* born after today */
  };

  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      double score = -2;

      g_assert_cmpint (outcome_on_test_day ("张三", numbers[i], &score), ==, 3103);
      g_assert_cmpfloat (score, ==, -1);
    }
}

static void
test_invalid_number_wins_over_table (void)
{
  /* 李娜's number with its last digit changed: rule 1 comes before the table. */
  g_assert_cmpint (outcome_on_test_day ("李娜", "330106198803150422", NULL), ==, 3103);
}

static void
test_anything_else_passes_deterministically (void)
{
  double first = -2, again = -2, other = -2;

  g_assert_cmpint (outcome_on_test_day ("张三", "11010519491231002X", &first), ==, 1);
  g_assert_cmpint (outcome_on_test_day ("张三", "110105 19491231 002x", &again), ==, 1);
  g_assert_cmpint (outcome_on_test_day ("李四", "11010519491231002X", &other), ==, 1);

  g_assert_cmpfloat (first, ==, again);
  g_assert_cmpfloat (first, >=, 90);
  g_assert_cmpfloat (first, <=, 99);
  g_assert_cmpfloat (other, >=, 90);
  g_assert_cmpfloat (other, <=, 99);
}

static void
test_hash_score_range_and_tenths (void)
{
  g_autoptr(GDateTime) today = vd_test_today ();
  GHashTable *seen = g_hash_table_new (g_direct_hash, g_direct_equal);

  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *name = g_strdup_printf ("客户%u", i);
      double score = -2;
      double tenths;

      g_assert_cmpint (vd_sample_rules_outcome (name, "11010519491231002X", today, &score), ==, 1);
      g_assert_cmpfloat (score, >=, 90);
      g_assert_cmpfloat (score, <=, 99);
      tenths = score * 10;
      g_assert_cmpfloat_with_epsilon (tenths, (double) (gint64) (tenths + 0.5), 1e-9);
      g_hash_table_add (seen, GINT_TO_POINTER ((int) (tenths + 0.5)));
    }

  /* A hash, not a constant: 500 names spread over many of the 91 possible scores. */
  g_assert_cmpuint (g_hash_table_size (seen), >, 60);
  g_hash_table_unref (seen);
}

static void
test_every_outcome_producible (void)
{
  const int statuses[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 3101, 3102, 3103 };
  const VdSampleCustomer *customers;
  guint n = 0;

  customers = vd_sample_customers (&n);
  for (guint s = 0; s < G_N_ELEMENTS (statuses); s++)
    {
      gboolean produced = FALSE;

      for (guint i = 0; i < n && !produced; i++)
        produced = outcome_on_test_day (customers[i].name, customers[i].id_number, NULL)
                   == statuses[s];

      g_assert_true (produced);
    }
}

static void
test_rows_for_codes_follow_the_rules (void)
{
  const VdSampleCustomer *c3102 = NULL, *c3103 = NULL;
  const VdSampleCustomer *customers;
  guint n = 0;

  customers = vd_sample_customers (&n);
  for (guint i = 0; i < n; i++)
    {
      if (customers[i].status == 3102)
        c3102 = &customers[i];
      if (customers[i].status == 3103)
        c3103 = &customers[i];
    }

  /* The demonstration rows carry the sequence digits their rule names. */
  g_assert_nonnull (c3102);
  g_assert_nonnull (c3103);
  g_assert_cmpint (strncmp (c3102->id_number + 14, "999", 3), ==, 0);
  g_assert_cmpint (strncmp (c3103->id_number + 14, "000", 3), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sample-customers/numbers-validate", test_every_number_validates);
  g_test_add_func ("/sample-customers/unique", test_numbers_and_names_unique);
  g_test_add_func ("/sample-customers/plausible", test_rows_are_plausible);
  g_test_add_func ("/sample-customers/demo-number-absent", test_demo_number_not_in_table);
  g_test_add_func ("/sample-customers/lookup", test_lookup_by_number);
  g_test_add_func ("/sample-customers/rows-for-codes", test_rows_for_codes_follow_the_rules);
  g_test_add_func ("/sample-rules/table-rows", test_rules_give_each_row_its_outcome);
  g_test_add_func ("/sample-rules/name-trimmed", test_name_is_trimmed);
  g_test_add_func ("/sample-rules/another-name", test_another_name_gives_3101);
  g_test_add_func ("/sample-rules/sequence-999", test_sequence_999_gives_3102);
  g_test_add_func ("/sample-rules/sequence-000", test_sequence_000_gives_3103);
  g_test_add_func ("/sample-rules/invalid-number", test_invalid_number_gives_3103);
  g_test_add_func ("/sample-rules/invalid-before-table", test_invalid_number_wins_over_table);
  g_test_add_func ("/sample-rules/pass-deterministic", test_anything_else_passes_deterministically);
  g_test_add_func ("/sample-rules/hash-score", test_hash_score_range_and_tenths);
  g_test_add_func ("/sample-rules/every-outcome", test_every_outcome_producible);

  return g_test_run ();
}
