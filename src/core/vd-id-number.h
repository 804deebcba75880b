#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Chinese resident ID numbers (GB 11643-1999): validation that says which rule failed, and
 * masking for display and storage. */

#define VD_ID_NUMBER_ERROR (vd_id_number_error_quark ())

typedef enum {
  VD_ID_NUMBER_ERROR_EMPTY,
  VD_ID_NUMBER_ERROR_LENGTH,          /* not 18 characters after removing spaces */
  VD_ID_NUMBER_ERROR_CHARACTER,       /* not 17 digits + digit or X */
  VD_ID_NUMBER_ERROR_REGION,          /* no such province, or an impossible region code */
  VD_ID_NUMBER_ERROR_DATE,            /* not a real calendar date, or before 1800 */
  VD_ID_NUMBER_ERROR_FUTURE_DATE,     /* birth date after today */
  VD_ID_NUMBER_ERROR_CHECK_CHARACTER, /* the last character is not the computed one */
} VdIdNumberError;

typedef enum {
  VD_SEX_FEMALE,
  VD_SEX_MALE,
} VdSex;

typedef struct {
  char  normalized[19];   /* 18 characters, upper-case X, no spaces */
  char  region_code[7];
  guint birth_year;
  guint birth_month;
  guint birth_day;
  VdSex sex;              /* from the parity of the sequence number */
  char  expected_check;   /* the check character computed from the first 17 digits */
} VdIdNumberInfo;

GQuark       vd_id_number_error_quark      (void);

/* Validates @input (spaces removed, lower-case x accepted) against every rule in order:
 * length, characters, region, date, not in the future (relative to @today, a local date; NULL
 * means now), check character. On failure @error says which rule failed in words an operator
 * understands; for a wrong check character it names the expected one. @info may be NULL. */
gboolean     vd_id_number_validate         (const char     *input,
                                            GDateTime      *today,
                                            VdIdNumberInfo *info,
                                            GError        **error);
/* Spaces removed, x upper-cased; no other check. */
char        *vd_id_number_normalize        (const char *input);
/* The check character for 17 digits ('\0' when @first17 is not 17 digits). */
char         vd_id_number_check_character  (const char *first17);
/* "110105********0017": the first 6 and the last 4 characters kept. Shorter inputs keep only
 * the last 4 (or nothing under 8 characters), so a mask never reveals most of a number. */
char        *vd_id_number_mask             (const char *id_number);
/* The province's name for a 2-digit prefix ("北京市"), or NULL. */
const char  *vd_id_number_province_name    (const char *region_code);

G_END_DECLS
