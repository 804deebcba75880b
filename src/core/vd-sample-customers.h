#pragma once

#include "vd-id-number.h"
#include "vd-verify-status.h"

G_BEGIN_DECLS

/* The simulator's rules, written down once: which input produces which outcome. The training
 * mode lists these as "sample customers"; the simulator answers by them; the tests use them.
 *
 * The rules, in order:
 *  1. An ID number that fails GB 11643 (length, characters, region, date, check) → 3103.
 *  2. An ID number in the table below with another name → 3101 (name does not match).
 *  3. An ID number in the table below with its name → that row's outcome.
 *  4. Any other valid number whose sequence digits (positions 15–17) are 999 → 3102 (no such
 *     person in the authority database); with sequence digits 000 → 3103 (the number passes
 *     GB 11643, but no such number is ever issued, so the service calls it invalid).
 *  5. Anything else passes (VerifyStatus 1) with a score of 90–99 taken from a hash of the name
 *     and number, so the same input always gets the same answer. */
typedef struct {
  const char *name;
  const char *id_number;
  int         status;          /* VerifyStatus, or 3101/3102/3103 */
  double      score;           /* the AuthorityComparisonScore answered, -1 for none */
  const char *description;     /* what this customer shows an operator, translated at lookup */
} VdSampleCustomer;

/* The table; the strings are translated when looked up through these functions. */
const VdSampleCustomer *vd_sample_customers            (guint *n_customers);
const VdSampleCustomer *vd_sample_customer_for_number  (const char *id_number);
/* The outcome the rules above give: a VerifyStatus (1–13) or 3101/3102/3103, and the score
 * (-1 when the answer carries none). @today as for vd_id_number_validate. */
int                     vd_sample_rules_outcome        (const char *name,
                                                        const char *id_number,
                                                        GDateTime  *today,
                                                        double     *score);

G_END_DECLS
