#define G_LOG_DOMAIN "vd-ocr-card"

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gi18n-lib.h>

#include "vd-id-number.h"
#include "vd-ocr-card.h"

/* The rows, in the order the card prints them: the portrait side, then the emblem side. */
typedef struct {
  VdOcrField  field;
  const char *title;
} FieldSpec;

static const FieldSpec field_specs[] = {
  { VD_OCR_FIELD_NAME, N_("Name") },
  { VD_OCR_FIELD_NUMBER, N_("ID number") },
  { VD_OCR_FIELD_SEX, N_("Sex") },
  { VD_OCR_FIELD_NATIONALITY, N_("Ethnicity") },
  { VD_OCR_FIELD_BIRTH, N_("Date of birth") },
  { VD_OCR_FIELD_ADDRESS, N_("Address") },
  { VD_OCR_FIELD_AUTHORITY, N_("Issuing authority") },
  { VD_OCR_FIELD_START_DATE, N_("Valid from") },
  { VD_OCR_FIELD_END_DATE, N_("Valid until") },
};

#define N_FIELDS G_N_ELEMENTS (field_specs)

/* The style classes a row can carry (style.css), with their icons. */
#define MISMATCH_CLASS "vd-ocr-mismatch"
#define EXPIRING_CLASS "vd-ocr-expiring"
#define EXPIRED_CLASS  "vd-ocr-expired"

typedef struct {
  GtkWidget *row;
  GtkImage  *icon;
  GtkLabel  *value;
} FieldRow;

struct _VdOcrCard
{
  GtkWidget    parent_instance;

  AdwPreferencesGroup *group;
  GtkWidget           *missing_row;
  FieldRow             rows[N_FIELDS];

  gboolean     has_card;
  VdOcrField   mismatches;
  VdOcrExpiry  expiry;
  /* Kept to judge the validity again when the day changes. */
  char        *end_date;
  gboolean     no_expiry;
  GDateTime   *today;
};

G_DEFINE_FINAL_TYPE (VdOcrCard, vd_ocr_card, GTK_TYPE_WIDGET)

static FieldRow *
row_for_field (VdOcrCard  *self,
               VdOcrField  field)
{
  for (guint i = 0; i < N_FIELDS; i++)
    {
      if (field_specs[i].field == field)
        return &self->rows[i];
    }

  return NULL;
}

static void
add_field_row (VdOcrCard *self,
               guint      index)
{
  FieldRow *field_row = &self->rows[index];
  GtkWidget *row = adw_action_row_new ();
  /* The words in the value say what the icon flags. */
  GtkWidget *icon = g_object_new (GTK_TYPE_IMAGE,
                                  "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                  NULL);
  GtkWidget *value = gtk_label_new (NULL);
  GtkWidget *suffix = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  /* OCR text is the service's, never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(field_specs[index].title));

  gtk_widget_set_visible (icon, FALSE);
  gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);

  gtk_label_set_wrap (GTK_LABEL (value), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (value), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (value), 1);
  gtk_label_set_justify (GTK_LABEL (value), GTK_JUSTIFY_RIGHT);
  gtk_label_set_max_width_chars (GTK_LABEL (value), 28);
  gtk_widget_set_margin_top (value, 6);
  gtk_widget_set_margin_bottom (value, 6);
  gtk_widget_add_css_class (value, "vd-ocr-value");

  /* The value expands, or the row's title would take all the spare width and a short value
   * would wrap (a wrapping label given only the row's height asks for its narrowest width).
   * The flag's icon follows it, at the row's end. */
  gtk_widget_set_hexpand (value, TRUE);
  gtk_box_append (GTK_BOX (suffix), value);
  gtk_box_append (GTK_BOX (suffix), icon);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix);
  adw_preferences_group_add (self->group, row);

  field_row->row = row;
  field_row->icon = GTK_IMAGE (icon);
  field_row->value = GTK_LABEL (value);
}

static void
vd_ocr_card_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VD_TYPE_OCR_CARD);

  G_OBJECT_CLASS (vd_ocr_card_parent_class)->dispose (object);
}

static void
vd_ocr_card_finalize (GObject *object)
{
  VdOcrCard *self = VD_OCR_CARD (object);

  g_free (self->end_date);
  g_clear_pointer (&self->today, g_date_time_unref);

  G_OBJECT_CLASS (vd_ocr_card_parent_class)->finalize (object);
}

static void
vd_ocr_card_class_init (VdOcrCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vd_ocr_card_dispose;
  object_class->finalize = vd_ocr_card_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/verifydesk/VerifyDesk/vd-ocr-card.ui");
  gtk_widget_class_bind_template_child (widget_class, VdOcrCard, group);
  gtk_widget_class_bind_template_child (widget_class, VdOcrCard, missing_row);

  gtk_widget_class_set_css_name (widget_class, "vdocrcard");
}

static void
vd_ocr_card_init (VdOcrCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < N_FIELDS; i++)
    add_field_row (self, i);

  vd_ocr_card_set_card (self, NULL, NULL, NULL);
}

GtkWidget *
vd_ocr_card_new (void)
{
  return g_object_new (VD_TYPE_OCR_CARD, NULL);
}

/* --- comparing with what was typed --- */

/* A name as a person would compare it: compatibility-normalised (full-width letters become
 * ordinary ones), without spaces, with the middle dots of minority names made one character,
 * and case-folded for Latin names. */
static char *
comparable_name (const char *name)
{
  g_autofree char *normalized = g_utf8_normalize (name, -1, G_NORMALIZE_NFKC);
  g_autofree char *folded = NULL;
  GString *result;

  if (normalized == NULL)
    return g_strdup (name);

  folded = g_utf8_casefold (normalized, -1);
  result = g_string_new (NULL);

  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        continue;
      if (c == 0x2022 || c == 0x2027 || c == 0x30FB || c == 0xFF65 || c == 0x2219)
        c = 0x00B7;
      g_string_append_unichar (result, c);
    }

  return g_string_free (result, FALSE);
}

static gboolean
names_differ (const char *read,
              const char *typed)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (read == NULL || typed == NULL || *read == '\0')
    return FALSE;

  a = comparable_name (read);
  b = comparable_name (typed);
  return strcmp (a, b) != 0;
}

static gboolean
numbers_differ (const char *read,
                const char *typed)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (read == NULL || typed == NULL || *read == '\0')
    return FALSE;

  a = vd_id_number_normalize (read);
  b = vd_id_number_normalize (typed);
  return strcmp (a, b) != 0;
}

/* --- the validity --- */

/* "yyyy-MM-dd" (the parser's normal form) as a date; FALSE for anything else. */
static gboolean
parse_card_date (const char *text,
                 GDate      *date)
{
  guint year, month, day;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;

  for (guint i = 0; i < 10; i++)
    {
      if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
        return FALSE;
    }

  year = (guint) g_ascii_strtoull (text, NULL, 10);
  month = (guint) g_ascii_strtoull (text + 5, NULL, 10);
  day = (guint) g_ascii_strtoull (text + 8, NULL, 10);
  if (!g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return FALSE;

  g_date_clear (date, 1);
  g_date_set_dmy (date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return TRUE;
}

static void
today_as_date (VdOcrCard *self,
               GDate     *date)
{
  g_autoptr(GDateTime) now = self->today != NULL ? g_date_time_ref (self->today)
                                                 : g_date_time_new_now_local ();

  g_date_clear (date, 1);
  g_date_set_dmy (date, (GDateDay) g_date_time_get_day_of_month (now),
                  (GDateMonth) g_date_time_get_month (now),
                  (GDateYear) g_date_time_get_year (now));
}

static VdOcrExpiry
judge_expiry (VdOcrCard *self,
              int       *days_left)
{
  GDate end, today;

  *days_left = 0;
  if (self->no_expiry)
    return VD_OCR_EXPIRY_LONG_TERM;
  if (!parse_card_date (self->end_date, &end))
    return VD_OCR_EXPIRY_UNKNOWN;

  today_as_date (self, &today);
  *days_left = g_date_days_between (&today, &end);

  /* The card is valid through its end date. */
  if (*days_left < 0)
    return VD_OCR_EXPIRY_EXPIRED;
  if (*days_left <= VD_OCR_EXPIRY_WARNING_DAYS)
    return VD_OCR_EXPIRY_SOON;
  return VD_OCR_EXPIRY_VALID;
}

static char *
expiry_text (VdOcrExpiry  expiry,
             const char  *end_date,
             int          days_left)
{
  switch (expiry)
    {
    case VD_OCR_EXPIRY_LONG_TERM:
      return g_strdup (_("Long-term"));

    case VD_OCR_EXPIRY_EXPIRED:
      /* Translators: %s is the card's end date, 2025-10-14. */
      return g_strdup_printf (_("%s — this card has expired"), end_date);

    case VD_OCR_EXPIRY_SOON:
      if (days_left == 0)
        /* Translators: %s is the card's end date, 2025-10-14. */
        return g_strdup_printf (_("%s — this card expires today"), end_date);
      /* Translators: %s is the card's end date, %d the days until then. */
      return g_strdup_printf (ngettext ("%s — this card expires in %d day",
                                        "%s — this card expires in %d days", days_left),
                              end_date, days_left);

    case VD_OCR_EXPIRY_VALID:
      return g_strdup (end_date);

    case VD_OCR_EXPIRY_UNKNOWN:
    default:
      /* A date the parser could not normalise is shown as the service sent it. */
      return g_strdup (end_date != NULL && *end_date != '\0' ? end_date : _("Not read"));
    }
}

/* --- showing --- */

static void
show_field (FieldRow   *field_row,
            const char *text,
            const char *flag_class,
            const char *icon_name)
{
  const char *classes[] = { MISMATCH_CLASS, EXPIRING_CLASS, EXPIRED_CLASS };
  gboolean read = text != NULL && *text != '\0';

  gtk_label_set_text (field_row->value, read ? text : _("Not read"));
  if (read)
    gtk_widget_remove_css_class (GTK_WIDGET (field_row->value), "dim-label");
  else
    gtk_widget_add_css_class (GTK_WIDGET (field_row->value), "dim-label");

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (field_row->row, classes[i]);

  if (flag_class != NULL)
    {
      gtk_widget_add_css_class (field_row->row, flag_class);
      gtk_image_set_from_icon_name (field_row->icon, icon_name);
      gtk_widget_set_visible (GTK_WIDGET (field_row->icon), TRUE);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (field_row->icon), FALSE);
    }
}

static void
show_expiry (VdOcrCard *self)
{
  FieldRow *field_row = row_for_field (self, VD_OCR_FIELD_END_DATE);
  g_autofree char *text = NULL;
  int days_left = 0;

  self->expiry = self->has_card ? judge_expiry (self, &days_left) : VD_OCR_EXPIRY_UNKNOWN;
  if (!self->has_card)
    return;

  text = expiry_text (self->expiry, self->end_date, days_left);

  /* "Not read" stays dim; a date the parser could not normalise is not flagged either way. */
  if (self->expiry == VD_OCR_EXPIRY_UNKNOWN && (self->end_date == NULL || *self->end_date == '\0'))
    show_field (field_row, NULL, NULL, NULL);
  else if (self->expiry == VD_OCR_EXPIRY_EXPIRED)
    show_field (field_row, text, EXPIRED_CLASS, "dialog-error-symbolic");
  else if (self->expiry == VD_OCR_EXPIRY_SOON)
    show_field (field_row, text, EXPIRING_CLASS, "dialog-warning-symbolic");
  else
    show_field (field_row, text, NULL, NULL);
}

static void
show_name (VdOcrCard          *self,
           const VdIdCardInfo *info,
           const char         *typed_name)
{
  FieldRow *field_row = row_for_field (self, VD_OCR_FIELD_NAME);
  g_autofree char *text = NULL;

  if (!names_differ (info->name, typed_name))
    {
      show_field (field_row, info->name, NULL, NULL);
      return;
    }

  self->mismatches |= VD_OCR_FIELD_NAME;
  /* Translators: the name read from the card, then the name the operator typed. */
  text = g_strdup_printf (_("Card: %s · Typed: %s"), info->name, typed_name);
  show_field (field_row, text, MISMATCH_CLASS, "dialog-warning-symbolic");
}

static void
show_number (VdOcrCard          *self,
             const VdIdCardInfo *info,
             const char         *typed_number)
{
  FieldRow *field_row = row_for_field (self, VD_OCR_FIELD_NUMBER);
  g_autofree char *read_masked = NULL;
  g_autofree char *typed_masked = NULL;
  g_autofree char *text = NULL;

  if (info->number == NULL || *info->number == '\0')
    {
      show_field (field_row, NULL, NULL, NULL);
      return;
    }

  read_masked = vd_id_number_mask (info->number);
  if (!numbers_differ (info->number, typed_number))
    {
      show_field (field_row, read_masked, NULL, NULL);
      return;
    }

  self->mismatches |= VD_OCR_FIELD_NUMBER;
  typed_masked = vd_id_number_mask (typed_number);
  if (strcmp (read_masked, typed_masked) == 0)
    /* Translators: both numbers are masked; they differ only where the mask hides digits. */
    text = g_strdup_printf (_("Card: %s · Typed: %s (they differ in a hidden digit)"),
                            read_masked, typed_masked);
  else
    /* Translators: the masked number read from the card, then the one typed. */
    text = g_strdup_printf (_("Card: %s · Typed: %s"), read_masked, typed_masked);
  show_field (field_row, text, MISMATCH_CLASS, "dialog-warning-symbolic");
}

static const char *
sex_in_words (const char *sex)
{
  if (g_strcmp0 (sex, "男") == 0)
    return _("Male");
  if (g_strcmp0 (sex, "女") == 0)
    return _("Female");
  return sex;
}

static void
show_card (VdOcrCard          *self,
           const VdIdCardInfo *info,
           const char         *typed_name,
           const char         *typed_number)
{
  show_name (self, info, typed_name);
  show_number (self, info, typed_number);
  show_field (row_for_field (self, VD_OCR_FIELD_SEX), sex_in_words (info->sex), NULL, NULL);
  show_field (row_for_field (self, VD_OCR_FIELD_NATIONALITY), info->nationality, NULL, NULL);
  show_field (row_for_field (self, VD_OCR_FIELD_BIRTH), info->birth, NULL, NULL);
  show_field (row_for_field (self, VD_OCR_FIELD_ADDRESS), info->address, NULL, NULL);
  show_field (row_for_field (self, VD_OCR_FIELD_AUTHORITY), info->authority, NULL, NULL);
  show_field (row_for_field (self, VD_OCR_FIELD_START_DATE), info->start_date, NULL, NULL);
  show_expiry (self);
}

void
vd_ocr_card_set_card (VdOcrCard          *self,
                      const VdIdCardInfo *info,
                      const char         *typed_name,
                      const char         *typed_number)
{
  g_return_if_fail (VD_IS_OCR_CARD (self));

  self->has_card = info != NULL;
  self->mismatches = VD_OCR_FIELD_NONE;
  g_clear_pointer (&self->end_date, g_free);
  self->no_expiry = FALSE;

  gtk_widget_set_visible (self->missing_row, info == NULL);
  for (guint i = 0; i < N_FIELDS; i++)
    gtk_widget_set_visible (self->rows[i].row, info != NULL);

  if (info == NULL)
    {
      self->expiry = VD_OCR_EXPIRY_UNKNOWN;
      return;
    }

  self->end_date = g_strdup (info->end_date);
  self->no_expiry = info->no_expiry;
  show_card (self, info, typed_name, typed_number);
}

void
vd_ocr_card_set_today (VdOcrCard *self,
                       GDateTime *today)
{
  g_return_if_fail (VD_IS_OCR_CARD (self));

  if (today != NULL)
    g_date_time_ref (today);
  g_clear_pointer (&self->today, g_date_time_unref);
  self->today = today;

  show_expiry (self);
}

gboolean
vd_ocr_card_get_has_card (VdOcrCard *self)
{
  g_return_val_if_fail (VD_IS_OCR_CARD (self), FALSE);

  return self->has_card;
}

VdOcrField
vd_ocr_card_get_mismatch_fields (VdOcrCard *self)
{
  g_return_val_if_fail (VD_IS_OCR_CARD (self), VD_OCR_FIELD_NONE);

  return self->mismatches;
}

VdOcrExpiry
vd_ocr_card_get_expiry_state (VdOcrCard *self)
{
  g_return_val_if_fail (VD_IS_OCR_CARD (self), VD_OCR_EXPIRY_UNKNOWN);

  return self->expiry;
}

const char *
vd_ocr_card_get_field_text (VdOcrCard  *self,
                            VdOcrField  field)
{
  FieldRow *field_row;

  g_return_val_if_fail (VD_IS_OCR_CARD (self), NULL);

  field_row = row_for_field (self, field);
  g_return_val_if_fail (field_row != NULL, NULL);

  return gtk_label_get_text (field_row->value);
}

const char *
vd_ocr_card_get_missing_text (VdOcrCard *self)
{
  g_return_val_if_fail (VD_IS_OCR_CARD (self), NULL);

  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->missing_row));
}
