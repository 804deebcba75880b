#pragma once

#include <gtk/gtk.h>

#include "vd-verify-result.h"

G_BEGIN_DECLS

/* The fields of an ID card as the service read them (OCR), as flags so that a set of them can
 * be returned (vd_ocr_card_get_mismatch_fields). */
typedef enum {
  VD_OCR_FIELD_NONE        = 0,
  VD_OCR_FIELD_NAME        = 1 << 0,
  VD_OCR_FIELD_NUMBER      = 1 << 1,
  VD_OCR_FIELD_SEX         = 1 << 2,
  VD_OCR_FIELD_NATIONALITY = 1 << 3,
  VD_OCR_FIELD_BIRTH       = 1 << 4,
  VD_OCR_FIELD_ADDRESS     = 1 << 5,
  VD_OCR_FIELD_AUTHORITY   = 1 << 6,
  VD_OCR_FIELD_START_DATE  = 1 << 7,
  VD_OCR_FIELD_END_DATE    = 1 << 8,
} VdOcrField;

/* How the card's validity stands on the day it is shown. */
typedef enum {
  VD_OCR_EXPIRY_UNKNOWN,    /* no OCR, or no end date that could be read */
  VD_OCR_EXPIRY_VALID,      /* ends more than VD_OCR_EXPIRY_WARNING_DAYS days from today */
  VD_OCR_EXPIRY_LONG_TERM,  /* 长期: never expires, never flagged */
  VD_OCR_EXPIRY_SOON,       /* ends today or within VD_OCR_EXPIRY_WARNING_DAYS days: flagged */
  VD_OCR_EXPIRY_EXPIRED,    /* ended before today: flagged */
} VdOcrExpiry;

#define VD_OCR_EXPIRY_WARNING_DAYS 30

#define VD_TYPE_OCR_CARD (vd_ocr_card_get_type ())
G_DECLARE_FINAL_TYPE (VdOcrCard, vd_ocr_card, VD, OCR_CARD, GtkWidget)

/* The ID card as the service read it, compared with what the operator typed: a name or number
 * that differs is highlighted with both values; a card that has expired or expires within 30
 * days is flagged with its date; no OCR at all is said in words. */
GtkWidget   *vd_ocr_card_new                 (void);
/* @info NULL: no card was read. @typed_name and @typed_number are what was submitted (may be
 * NULL: nothing to compare). */
void         vd_ocr_card_set_card            (VdOcrCard          *self,
                                              const VdIdCardInfo *info,
                                              const char         *typed_name,
                                              const char         *typed_number);
/* The day the validity is judged on (a local date); NULL: today. Applies to the next
 * vd_ocr_card_set_card and to the card shown now. */
void         vd_ocr_card_set_today           (VdOcrCard *self,
                                              GDateTime *today);

/* What the card shows, read back (the tests assert on these). */
gboolean     vd_ocr_card_get_has_card        (VdOcrCard *self);
VdOcrField   vd_ocr_card_get_mismatch_fields (VdOcrCard *self);
VdOcrExpiry  vd_ocr_card_get_expiry_state    (VdOcrCard *self);
/* The text shown for one field (a single VdOcrField), e.g. "Card: 张珊 · Typed: 张三". */
const char  *vd_ocr_card_get_field_text      (VdOcrCard  *self,
                                              VdOcrField  field);
/* The sentence shown instead of the fields when no card was read. */
const char  *vd_ocr_card_get_missing_text    (VdOcrCard *self);

G_END_DECLS
