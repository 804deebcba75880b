#define G_LOG_DOMAIN "vd-sample-customers"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vd-sample-customers.h"

/* One customer per outcome the service can give. Every number is valid under GB 11643 (a real
 * county code, a plausible birth date, the sequence digit's parity matching the customer's
 * sex, the computed check character), so that the outcome comes from the table and not from
 * rule 1. 张三 11010519491231002X is deliberately absent: the command-line demo relies on it
 * passing by rule 5. */
static const VdSampleCustomer customers[] = {
  { "李娜", "330106198803150421", 1, 97,
    N_("Passes: the face, the card and the details all match") },
  { "王建国", "320102196507081533", 2, 72,
    N_("Real-name check fails: the authority refuses the name and number") },
  { "陈晓梅", "440103199202210688", 3, 93,
    N_("Blurred card photo: the name cannot be read") },
  { "刘伟", "510104197909300316", 4, 91,
    N_("Blurred card photo: the ID number cannot be read") },
  { "赵秀英", "370102195811120247", 5, 95,
    N_("Expired ID card: the customer needs a card that is still valid") },
  { "孙浩", "420106199506042172", 6, 41,
    N_("Face does not match the portrait on the card") },
  { "周敏", "310104198704170869", 7, 35,
    N_("Face does not match the authority's photo") },
  { "吴志强", "350102197412030557", 8, 92,
    N_("Not the original card: a photo of a copy or of a screen") },
  { "郑丽华", "410105198307261222", 9, 86,
    N_("Not the account holder: someone else is verifying for them") },
  { "黄磊", "43010320010119079X", 10, 52,
    N_("Not the person themselves: the face belongs to someone else") },
  { "马玉兰", "640104194608050486", 12, -1,
    N_("The authority has no usable photo of this person") },
  { "何军", "500103199009122359", 13, -1,
    N_("The authority's system fails: the same task can be resubmitted later") },
  { "林静", "350203199603300266", 3101, -1,
    N_("Name and number do not match (3101): any number in this list typed with another name "
       "gives the same answer") },
  { "高明", "120101198205189990", 3102, -1,
    N_("No such person in the authority's database (3102): any other valid number with "
       "sequence digits 999 gives the same answer") },
  { "罗婷", "210102199901010002", 3103, -1,
    N_("A number that looks valid but was never issued (3103): any other valid number with "
       "sequence digits 000 gives the same answer") },
};

/* Built once, on first use, so the locale set at startup is the one used. */
static const VdSampleCustomer *
translated_customers (void)
{
  static VdSampleCustomer *table = NULL;

  if (g_once_init_enter (&table))
    {
      VdSampleCustomer *copy = g_new (VdSampleCustomer, G_N_ELEMENTS (customers));

      for (guint i = 0; i < G_N_ELEMENTS (customers); i++)
        {
          copy[i] = customers[i];
          copy[i].description = _(customers[i].description);
        }

      g_once_init_leave (&table, copy);
    }

  return table;
}

const VdSampleCustomer *
vd_sample_customers (guint *n_customers)
{
  if (n_customers != NULL)
    *n_customers = G_N_ELEMENTS (customers);

  return translated_customers ();
}

const VdSampleCustomer *
vd_sample_customer_for_number (const char *id_number)
{
  const VdSampleCustomer *table;
  g_autofree char *normalized = NULL;

  g_return_val_if_fail (id_number != NULL, NULL);

  table = translated_customers ();
  normalized = vd_id_number_normalize (id_number);

  for (guint i = 0; i < G_N_ELEMENTS (customers); i++)
    {
      if (strcmp (table[i].id_number, normalized) == 0)
        return &table[i];
    }

  return NULL;
}

/* FNV-1a (32 bits): small, stable across platforms and versions, which is all the rule needs;
 * the score is a demonstration, not a secret. */
static guint32
fnv1a_update (guint32     hash,
              const char *bytes,
              gsize       length)
{
  for (gsize i = 0; i < length; i++)
    {
      hash ^= (guchar) bytes[i];
      hash *= 16777619u;
    }

  return hash;
}

/* 90.0 to 99.0 in tenths. The name and the number are hashed with a separator between them so
 * that moving a character from one to the other changes the score. */
static double
hash_score (const char *name,
            const char *number)
{
  guint32 hash = 2166136261u;

  hash = fnv1a_update (hash, name, strlen (name) + 1);
  hash = fnv1a_update (hash, number, strlen (number));

  return (900 + hash % 91) / 10.0;
}

static int
outcome (int     status,
         double  value,
         double *score)
{
  if (score != NULL)
    *score = value;

  return status;
}

int
vd_sample_rules_outcome (const char *name,
                         const char *id_number,
                         GDateTime  *today,
                         double     *score)
{
  VdIdNumberInfo info;
  const VdSampleCustomer *customer;
  g_autofree char *trimmed_name = NULL;
  const char *sequence;

  g_return_val_if_fail (id_number != NULL, 3103);

  /* Rule 1. */
  if (!vd_id_number_validate (id_number, today, &info, NULL))
    return outcome (3103, -1, score);

  trimmed_name = g_strstrip (g_strdup (name != NULL ? name : ""));

  /* Rules 2 and 3. */
  customer = vd_sample_customer_for_number (info.normalized);
  if (customer != NULL && strcmp (customer->name, trimmed_name) != 0)
    return outcome (3101, -1, score);
  if (customer != NULL)
    return outcome (customer->status, customer->score, score);

  /* Rule 4. */
  sequence = info.normalized + 14;
  if (strncmp (sequence, "999", 3) == 0)
    return outcome (3102, -1, score);
  if (strncmp (sequence, "000", 3) == 0)
    return outcome (3103, -1, score);

  /* Rule 5. */
  return outcome (1, hash_score (trimmed_name, info.normalized), score);
}
