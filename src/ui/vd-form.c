#define G_LOG_DOMAIN "vd-form"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vd-form.h"
#include "vd-id-number.h"
#include "vd-image-row.h"
#include "vd-width-first-layout.h"

typedef enum {
  FIELD_NAME,
  FIELD_ID_NUMBER,
  FIELD_FACE_URL,
  FIELD_FRONT_URL,
  FIELD_BACK_URL,
  FIELD_USER_ID,
  FIELD_BIZ_TYPE,
  N_FIELDS
} FieldId;

/* What a field's text amounts to while it is being typed. */
typedef enum {
  CHECK_EMPTY,
  CHECK_INCOMPLETE, /* wrong, but typing on could still make it right */
  CHECK_WRONG,
  CHECK_VALID,
} CheckState;

typedef struct {
  CheckState  state;
  char       *message; /* what is wrong, or for a valid ID number what it says */
} Check;

typedef struct {
  GtkWidget *row;           /* an AdwEntryRow (GtkEditable) */
  GtkWidget *check;         /* the check mark shown once the field is valid */
  /* Rows under the field, built the first time they are shown (new_message_row). */
  GtkWidget *note;          /* the field's message */
  GtkWidget *note_icon;
  GtkWidget *note_label;
  GtkWidget *preview;       /* photo rows only: what the preview found */
  GtkWidget *preview_icon;
  GtkWidget *preview_label;
  gboolean   touched;       /* left once, or a submission was attempted */
  gboolean   valid;
} Field;

typedef struct {
  const char *id;
  gboolean    required;
  gboolean    is_photo;
} FieldSpec;

static const FieldSpec field_specs[N_FIELDS] = {
  [FIELD_NAME] = { "name", TRUE, FALSE },
  [FIELD_ID_NUMBER] = { "id_number", TRUE, FALSE },
  [FIELD_FACE_URL] = { "face", TRUE, TRUE },
  [FIELD_FRONT_URL] = { "front", FALSE, TRUE },
  [FIELD_BACK_URL] = { "back", FALSE, TRUE },
  [FIELD_USER_ID] = { "user_id", FALSE, FALSE },
  [FIELD_BIZ_TYPE] = { "biz_type", TRUE, FALSE },
};

struct _VdForm
{
  GtkWidget     parent_instance;

  GtkWidget    *scroller;
  GtkLabel     *biz_id_label;
  Field         fields[N_FIELDS];

  char         *biz_id;
  char         *default_biz_type;
  gboolean      valid;
};

G_DEFINE_FINAL_TYPE (VdForm, vd_form, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_VALID,
  PROP_BIZ_ID,
  PROP_DEFAULT_BIZ_TYPE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_SUBMIT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The field's label as the core's messages name it (without the mnemonic). */
static const char *
field_label (FieldId field)
{
  switch (field)
    {
    case FIELD_FACE_URL:
      return _("Face photo URL");
    case FIELD_FRONT_URL:
      return _("ID card front URL");
    case FIELD_BACK_URL:
      return _("ID card back URL");
    case FIELD_NAME:
    case FIELD_ID_NUMBER:
    case FIELD_USER_ID:
    case FIELD_BIZ_TYPE:
    case N_FIELDS:
    default:
      g_assert_not_reached ();
    }
}

static const char *
field_text (VdForm  *self,
            FieldId  field)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->fields[field].row));
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)))
        return FALSE;
    }

  return TRUE;
}

/* Name, customer user ID and BizType are checked by the request rules themselves: a request
 * whose other fields hold values the rules accept can only fail on this one field. */
static gboolean
check_with_request_rules (FieldId      field,
                          const char  *text,
                          GError     **error)
{
  g_autoptr(VdVerifyRequest) probe = vd_verify_request_new_task (NULL);
  char **slot;

  probe->name = g_strdup ("张三");
  probe->id_number = g_strdup ("11010519491231002X");
  probe->face_url = g_strdup ("https://example.com/face.jpg");

  switch (field)
    {
    case FIELD_NAME:
      slot = &probe->name;
      break;
    case FIELD_USER_ID:
      slot = &probe->user_id;
      break;
    case FIELD_BIZ_TYPE:
      slot = &probe->biz_type;
      break;
    case FIELD_ID_NUMBER:
    case FIELD_FACE_URL:
    case FIELD_FRONT_URL:
    case FIELD_BACK_URL:
    case N_FIELDS:
    default:
      g_assert_not_reached ();
    }

  g_free (*slot);
  *slot = g_strdup (text);
  return vd_verify_request_validate (probe, NULL, error);
}

static void
check_text_field (FieldId     field,
                  const char *text,
                  Check      *check)
{
  g_autoptr(GError) error = NULL;

  if (check_with_request_rules (field, text, &error))
    check->state = is_blank (text) ? CHECK_EMPTY : CHECK_VALID;
  else
    {
      check->state = is_blank (text) ? CHECK_EMPTY : CHECK_WRONG;
      check->message = g_strdup (error->message);
    }
}

/* A number still being typed: too short, and nothing in it so far is wrong. Padding it with
 * zeros to 18 characters tells whether the characters typed already break a rule. */
static gboolean
id_number_is_incomplete (const char *text,
                         GError    **error)
{
  g_autofree char *normalized = vd_id_number_normalize (text);
  g_autoptr(GString) padded = NULL;
  g_autoptr(GError) padded_error = NULL;
  glong length = g_utf8_strlen (normalized, -1);

  if (length >= 18)
    return FALSE;

  padded = g_string_new (normalized);
  for (glong i = length; i < 18; i++)
    g_string_append_c (padded, '0');

  if (!vd_id_number_validate (padded->str, NULL, NULL, &padded_error)
      && g_error_matches (padded_error, VD_ID_NUMBER_ERROR, VD_ID_NUMBER_ERROR_CHARACTER))
    {
      g_clear_error (error);
      g_propagate_error (error, g_steal_pointer (&padded_error));
      return FALSE;
    }

  return TRUE;
}

/* "Valid ID number · female · born 1949-12-31 · 北京市" */
static char *
describe_id_number (const VdIdNumberInfo *info)
{
  char province_code[3] = { info->region_code[0], info->region_code[1], '\0' };
  const char *province = vd_id_number_province_name (province_code);
  g_autofree char *birth = g_strdup_printf ("%04u-%02u-%02u", info->birth_year,
                                            info->birth_month, info->birth_day);
  const char *sex = info->sex == VD_SEX_FEMALE ? _("female") : _("male");

  if (province != NULL)
    /* Translators: the sex, the birth date (yyyy-mm-dd) and the province read from the number */
    return g_strdup_printf (_("Valid ID number · %s · born %s · %s"), sex, birth, province);

  /* Translators: the sex and the birth date (yyyy-mm-dd) read from the number */
  return g_strdup_printf (_("Valid ID number · %s · born %s"), sex, birth);
}

static void
check_id_number (const char *text,
                 Check      *check)
{
  g_autoptr(GError) error = NULL;
  VdIdNumberInfo info;

  if (is_blank (text))
    {
      vd_id_number_validate ("", NULL, NULL, &error);
      check->state = CHECK_EMPTY;
      check->message = g_strdup (error->message);
      return;
    }

  if (vd_id_number_validate (text, NULL, &info, &error))
    {
      check->state = CHECK_VALID;
      check->message = describe_id_number (&info);
      return;
    }

  if (g_error_matches (error, VD_ID_NUMBER_ERROR, VD_ID_NUMBER_ERROR_LENGTH)
      && id_number_is_incomplete (text, &error))
    check->state = CHECK_INCOMPLETE;
  else
    check->state = CHECK_WRONG;

  check->message = g_strdup (error->message);
}

/* "h", "http:/", "https://": the start of an address being typed. */
static gboolean
is_start_of_web_address (const char *text)
{
  gsize length = strlen (text);

  return g_ascii_strncasecmp (text, "http://", MIN (length, strlen ("http://"))) == 0
         || g_ascii_strncasecmp (text, "https://", MIN (length, strlen ("https://"))) == 0;
}

static void
check_photo_url (FieldId     field,
                 const char *text,
                 Check      *check)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (text));

  if (vd_image_url_check (trimmed, field_label (field), &error))
    {
      check->state = CHECK_VALID;
      return;
    }

  check->message = g_strdup (error->message);
  if (*trimmed == '\0')
    check->state = CHECK_EMPTY;
  else if (is_start_of_web_address (trimmed))
    check->state = CHECK_INCOMPLETE;
  else
    check->state = CHECK_WRONG;
}

static void
check_field (VdForm  *self,
             FieldId  field,
             Check   *check)
{
  const char *text = field_text (self, field);

  switch (field)
    {
    case FIELD_ID_NUMBER:
      check_id_number (text, check);
      break;
    case FIELD_FACE_URL:
    case FIELD_FRONT_URL:
    case FIELD_BACK_URL:
      check_photo_url (field, text, check);
      break;
    case FIELD_NAME:
    case FIELD_USER_ID:
    case FIELD_BIZ_TYPE:
      check_text_field (field, text, check);
      break;
    case N_FIELDS:
    default:
      g_assert_not_reached ();
    }
}

/* GTK finds a wrapping label's minimum width by laying its text out at width-chars; with none,
 * at zero width, one character a line: hundreds of shapings for a long message. */
#define MESSAGE_MIN_CHARS 10

/* A list row with an icon and a line of text, for under a field. Built when first needed: the
 * form has ten of them, a new task shows none, and building them all took a sixth of the
 * counter window's construction at start-up. */
static GtkWidget *
new_message_row (GtkWidget **icon,
                 GtkWidget **label)
{
  GtkWidget *row = g_object_new (ADW_TYPE_PREFERENCES_ROW,
                                 "activatable", FALSE,
                                 "selectable", FALSE,
                                 "focusable", FALSE,
                                 NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *label_bin = adw_bin_new ();

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);

  *icon = g_object_new (GTK_TYPE_IMAGE,
                        "valign", GTK_ALIGN_START,
                        "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                        NULL);
  *label = g_object_new (GTK_TYPE_LABEL,
                         "xalign", 0.0f,
                         "wrap", TRUE,
                         "wrap-mode", PANGO_WRAP_WORD_CHAR,
                         "width-chars", MESSAGE_MIN_CHARS,
                         NULL);
  /* The label's width does not depend on the row's height (vd-width-first-layout.h): in this
   * horizontal box GTK 4.8 would otherwise lay the message out again and again while typing. */
  gtk_widget_set_layout_manager (label_bin, vd_width_first_layout_new ());
  gtk_widget_set_hexpand (label_bin, TRUE);
  adw_bin_set_child (ADW_BIN (label_bin), *label);

  gtk_box_append (GTK_BOX (box), *icon);
  gtk_box_append (GTK_BOX (box), label_bin);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

/* Puts @row under the field's own row, below its message if @below_note. A GtkListBoxRow always
 * lives in a GtkListBox: the group's list. */
static void
insert_under_field (Field     *field,
                    GtkWidget *row,
                    gboolean   below_note)
{
  GtkListBox *list = GTK_LIST_BOX (gtk_widget_get_parent (field->row));
  int position = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (field->row)) + 1;

  if (below_note && field->note != NULL)
    position++;
  gtk_list_box_insert (list, row, position);
}

static void
ensure_note (Field *field)
{
  if (field->note != NULL)
    return;

  field->note = new_message_row (&field->note_icon, &field->note_label);
  insert_under_field (field, field->note, FALSE);
  /* A screen reader reads the message under the row with the row. */
  gtk_accessible_update_relation (GTK_ACCESSIBLE (field->row),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, field->note_label, NULL,
                                  -1);
}

static void
ensure_preview (Field *field)
{
  if (field->preview != NULL)
    return;

  field->preview = new_message_row (&field->preview_icon, &field->preview_label);
  insert_under_field (field, field->preview, TRUE);
}

static void
show_note (Field      *field,
           const char *icon_name,
           const char *message,
           gboolean    is_error)
{
  ensure_note (field);
  gtk_image_set_from_icon_name (GTK_IMAGE (field->note_icon), icon_name);
  gtk_label_set_text (GTK_LABEL (field->note_label), message);

  if (is_error)
    {
      gtk_widget_add_css_class (field->note_icon, "error");
      gtk_widget_add_css_class (field->note_label, "error");
      gtk_widget_remove_css_class (field->note_icon, "success");
    }
  else
    {
      gtk_widget_remove_css_class (field->note_icon, "error");
      gtk_widget_remove_css_class (field->note_label, "error");
      gtk_widget_add_css_class (field->note_icon, "success");
    }

  gtk_widget_set_visible (field->note, TRUE);
}

static void
set_invalid (Field    *field,
             gboolean  invalid)
{
  if (invalid)
    gtk_widget_add_css_class (field->row, "error");
  else
    gtk_widget_remove_css_class (field->row, "error");

  gtk_accessible_update_state (GTK_ACCESSIBLE (field->row),
                               GTK_ACCESSIBLE_STATE_INVALID,
                               invalid ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);
}

static void
update_valid (VdForm *self)
{
  gboolean valid = TRUE;

  for (guint i = 0; i < N_FIELDS; i++)
    valid = valid && self->fields[i].valid;

  if (valid == self->valid)
    return;

  self->valid = valid;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
}

/* Shows what is wrong (or right) with one field. A problem that more typing could fix, or an
 * empty required field, waits until the field was left or a submission was attempted. */
static void
update_field (VdForm  *self,
              FieldId  id)
{
  Field *field = &self->fields[id];
  gboolean required = field_specs[id].required;
  Check check = { CHECK_EMPTY, NULL };
  gboolean show_problem;

  check_field (self, id, &check);

  field->valid = check.state == CHECK_VALID || (check.state == CHECK_EMPTY && !required);
  show_problem = check.state == CHECK_WRONG
                 || (check.state == CHECK_INCOMPLETE && field->touched)
                 || (check.state == CHECK_EMPTY && required && field->touched);

  gtk_widget_set_visible (field->check, check.state == CHECK_VALID);
  set_invalid (field, show_problem);

  if (show_problem)
    show_note (field, "dialog-error-symbolic", check.message, TRUE);
  else if (check.state == CHECK_VALID && check.message != NULL)
    show_note (field, "object-select-symbolic", check.message, FALSE);
  else if (field->note != NULL)
    gtk_widget_set_visible (field->note, FALSE);

  g_free (check.message);
  update_valid (self);
}

static void
update_all_fields (VdForm *self)
{
  for (guint i = 0; i < N_FIELDS; i++)
    update_field (self, i);
}

static FieldId
field_of_row (VdForm    *self,
              GtkWidget *row)
{
  for (guint i = 0; i < N_FIELDS; i++)
    {
      if (self->fields[i].row == row)
        return i;
    }

  g_assert_not_reached ();
}

static void
on_field_changed (GtkEditable *editable,
                  VdForm      *self)
{
  update_field (self, field_of_row (self, GTK_WIDGET (editable)));
}

typedef struct {
  VdForm  *self;
  FieldId  id;
} LeaveCheck;

static void
leave_check_free (gpointer data)
{
  LeaveCheck *check = data;

  g_object_unref (check->self);
  g_free (check);
}

/* Left means: the focus went on to another widget of this window. Opening a popover or a
 * dialog, or switching to another application, is not leaving the field. The new focus is
 * known only once the focus change is complete, hence the idle. */
static gboolean
check_field_left (gpointer data)
{
  LeaveCheck *check = data;
  Field *field = &check->self->fields[check->id];
  GtkRoot *root;
  GtkWidget *focus;

  /* The form was disposed meanwhile (its window closed). */
  if (field->row == NULL)
    return G_SOURCE_REMOVE;

  root = gtk_widget_get_root (field->row);
  focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  if (focus != NULL
      && !field->touched
      && focus != field->row
      && !gtk_widget_is_ancestor (focus, field->row)
      && gtk_widget_get_native (focus) == gtk_widget_get_native (field->row))
    {
      field->touched = TRUE;
      update_field (check->self, check->id);
    }

  return G_SOURCE_REMOVE;
}

static void
on_field_left (GtkEventControllerFocus *controller,
               VdForm                  *self)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  LeaveCheck *check = g_new0 (LeaveCheck, 1);

  check->self = g_object_ref (self);
  check->id = field_of_row (self, row);
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, check_field_left, check, leave_check_free);
}

/* Enter moves on to the next field, and in the last one submits. */
static void
on_field_activated (AdwEntryRow *row,
                    VdForm      *self)
{
  FieldId id = field_of_row (self, GTK_WIDGET (row));

  if (id + 1 < N_FIELDS)
    gtk_widget_grab_focus (self->fields[id + 1].row);
  else
    g_signal_emit (self, signals[SIGNAL_SUBMIT], 0);
}

static void
update_preview (VdForm  *self,
                FieldId  id)
{
  Field *field = &self->fields[id];
  VdImageRow *row = VD_IMAGE_ROW (field->row);
  VdPreviewState state = vd_image_row_get_preview_state (row);
  const char *text = vd_image_row_get_preview_text (row);
  const char *icon_name;

  if (state == VD_PREVIEW_NONE || text == NULL || *text == '\0')
    {
      if (field->preview != NULL)
        gtk_widget_set_visible (field->preview, FALSE);
      return;
    }

  ensure_preview (field);

  icon_name = state == VD_PREVIEW_WARNING ? "dialog-warning-symbolic" : "image-x-generic-symbolic";
  gtk_image_set_from_icon_name (GTK_IMAGE (field->preview_icon), icon_name);
  gtk_label_set_text (GTK_LABEL (field->preview_label), text);

  if (state == VD_PREVIEW_WARNING)
    gtk_widget_add_css_class (field->preview_icon, "warning");
  else
    gtk_widget_remove_css_class (field->preview_icon, "warning");

  if (state == VD_PREVIEW_LOADING)
    gtk_widget_add_css_class (field->preview_label, "dim-label");
  else
    gtk_widget_remove_css_class (field->preview_label, "dim-label");

  gtk_widget_set_visible (field->preview, TRUE);
}

static void
on_preview_changed (VdImageRow *row,
                    GParamSpec *pspec,
                    VdForm     *self)
{
  update_preview (self, field_of_row (self, GTK_WIDGET (row)));
}

static void
copy_biz_id (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VdForm *self = VD_FORM (widget);
  GtkWidget *overlay;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->biz_id);

  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (_("BizId copied")));
}

static void
set_biz_id (VdForm *self,
            char   *biz_id)
{
  g_free (self->biz_id);
  self->biz_id = biz_id;
  gtk_label_set_label (self->biz_id_label, biz_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BIZ_ID]);
}

static void
clear_fields (VdForm *self)
{
  for (guint i = 0; i < N_FIELDS; i++)
    {
      const char *text = i == FIELD_BIZ_TYPE ? self->default_biz_type : "";

      self->fields[i].touched = FALSE;
      gtk_editable_set_text (GTK_EDITABLE (self->fields[i].row), text);
    }

  update_all_fields (self);
}

static void
vd_form_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VD_TYPE_FORM);

  G_OBJECT_CLASS (vd_form_parent_class)->dispose (object);
}

static void
vd_form_finalize (GObject *object)
{
  VdForm *self = VD_FORM (object);

  g_clear_pointer (&self->biz_id, g_free);
  g_clear_pointer (&self->default_biz_type, g_free);

  G_OBJECT_CLASS (vd_form_parent_class)->finalize (object);
}

static void
vd_form_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  VdForm *self = VD_FORM (object);

  switch (prop_id)
    {
    case PROP_VALID:
      g_value_set_boolean (value, self->valid);
      break;

    case PROP_BIZ_ID:
      g_value_set_string (value, self->biz_id);
      break;

    case PROP_DEFAULT_BIZ_TYPE:
      g_value_set_string (value, self->default_biz_type);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vd_form_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  VdForm *self = VD_FORM (object);

  switch (prop_id)
    {
    case PROP_DEFAULT_BIZ_TYPE:
      vd_form_set_default_biz_type (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bind_field_child (GtkWidgetClass *widget_class,
                  FieldId         id,
                  const char     *suffix,
                  gsize           member_offset)
{
  g_autofree char *name = g_strconcat (field_specs[id].id, suffix, NULL);
  gsize offset = G_STRUCT_OFFSET (VdForm, fields) + id * sizeof (Field) + member_offset;

  gtk_widget_class_bind_template_child_full (widget_class, name, FALSE, offset);
}

static void
vd_form_class_init (VdFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vd_form_dispose;
  object_class->finalize = vd_form_finalize;
  object_class->get_property = vd_form_get_property;
  object_class->set_property = vd_form_set_property;

  properties[PROP_VALID] =
    g_param_spec_boolean ("valid", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BIZ_ID] =
    g_param_spec_string ("biz-id", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEFAULT_BIZ_TYPE] =
    g_param_spec_string ("default-biz-type", NULL, NULL,
                         VD_DEFAULT_BIZ_TYPE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SUBMIT] =
    g_signal_new ("submit",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  g_type_ensure (VD_TYPE_IMAGE_ROW);
  g_type_ensure (VD_TYPE_WIDTH_FIRST_LAYOUT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/verifydesk/VerifyDesk/vd-form.ui");
  gtk_widget_class_bind_template_child (widget_class, VdForm, scroller);
  gtk_widget_class_bind_template_child (widget_class, VdForm, biz_id_label);
  gtk_widget_class_bind_template_child_full (widget_class, "biz_id_row", FALSE, 0);
  /* Not kept, but reachable with gtk_widget_get_template_child () (the tests press it). */
  gtk_widget_class_bind_template_child_full (widget_class, "copy_biz_id_button", FALSE, 0);

  for (guint i = 0; i < N_FIELDS; i++)
    {
      bind_field_child (widget_class, i, "_row", G_STRUCT_OFFSET (Field, row));
      bind_field_child (widget_class, i, "_check", G_STRUCT_OFFSET (Field, check));
    }

  gtk_widget_class_install_action (widget_class, "form.copy-biz-id", NULL, copy_biz_id);
}

static void
setup_field (VdForm  *self,
             FieldId  id)
{
  Field *field = &self->fields[id];
  GtkEventController *focus = gtk_event_controller_focus_new ();

  g_signal_connect_object (field->row, "changed", G_CALLBACK (on_field_changed), self, 0);
  g_signal_connect_object (field->row, "entry-activated", G_CALLBACK (on_field_activated),
                           self, 0);
  g_signal_connect_object (focus, "leave", G_CALLBACK (on_field_left), self, 0);
  gtk_widget_add_controller (field->row, focus);

  if (field_specs[id].is_photo)
    {
      g_signal_connect_object (field->row, "notify::preview-state",
                               G_CALLBACK (on_preview_changed), self, 0);
      g_signal_connect_object (field->row, "notify::preview-text",
                               G_CALLBACK (on_preview_changed), self, 0);
    }
}

static void
vd_form_init (VdForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->default_biz_type = g_strdup (VD_DEFAULT_BIZ_TYPE);

  for (guint i = 0; i < N_FIELDS; i++)
    setup_field (self, i);

  clear_fields (self);
  set_biz_id (self, vd_biz_id_new ());
}

GtkWidget *
vd_form_new (void)
{
  return g_object_new (VD_TYPE_FORM, NULL);
}

gboolean
vd_form_get_valid (VdForm *self)
{
  g_return_val_if_fail (VD_IS_FORM (self), FALSE);

  return self->valid;
}

const char *
vd_form_get_biz_id (VdForm *self)
{
  g_return_val_if_fail (VD_IS_FORM (self), NULL);

  return self->biz_id;
}

const char *
vd_form_get_default_biz_type (VdForm *self)
{
  g_return_val_if_fail (VD_IS_FORM (self), NULL);

  return self->default_biz_type;
}

void
vd_form_set_default_biz_type (VdForm     *self,
                              const char *biz_type)
{
  GtkEditable *row;

  g_return_if_fail (VD_IS_FORM (self));

  if (biz_type == NULL || *biz_type == '\0')
    biz_type = VD_DEFAULT_BIZ_TYPE;

  if (g_strcmp0 (biz_type, self->default_biz_type) == 0)
    return;

  /* A BizType the operator left at the old default follows the new one. */
  row = GTK_EDITABLE (self->fields[FIELD_BIZ_TYPE].row);
  if (g_strcmp0 (gtk_editable_get_text (row), self->default_biz_type) == 0)
    gtk_editable_set_text (row, biz_type);

  g_free (self->default_biz_type);
  self->default_biz_type = g_strdup (biz_type);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEFAULT_BIZ_TYPE]);
}

void
vd_form_set_session (VdForm      *self,
                     SoupSession *session)
{
  g_return_if_fail (VD_IS_FORM (self));
  g_return_if_fail (session == NULL || SOUP_IS_SESSION (session));

  for (guint i = 0; i < N_FIELDS; i++)
    {
      if (field_specs[i].is_photo)
        vd_image_row_set_session (VD_IMAGE_ROW (self->fields[i].row), session);
    }
}

static char *
dup_or_null (const char *text)
{
  return is_blank (text) ? NULL : g_strdup (text);
}

VdVerifyRequest *
vd_form_build_request (VdForm *self)
{
  VdVerifyRequest *request;

  g_return_val_if_fail (VD_IS_FORM (self), NULL);

  if (!self->valid)
    return NULL;

  request = vd_verify_request_new_task (field_text (self, FIELD_BIZ_TYPE));
  g_free (request->biz_id);
  request->biz_id = g_strdup (self->biz_id);
  /* The client adds the region from the settings. */
  g_clear_pointer (&request->region_id, g_free);
  request->name = g_strdup (field_text (self, FIELD_NAME));
  request->id_number = g_strdup (field_text (self, FIELD_ID_NUMBER));
  request->face_url = g_strdup (field_text (self, FIELD_FACE_URL));
  request->front_url = dup_or_null (field_text (self, FIELD_FRONT_URL));
  request->back_url = dup_or_null (field_text (self, FIELD_BACK_URL));
  request->user_id = dup_or_null (field_text (self, FIELD_USER_ID));

  return request;
}

gboolean
vd_form_reveal_problems (VdForm *self)
{
  g_return_val_if_fail (VD_IS_FORM (self), FALSE);

  for (guint i = 0; i < N_FIELDS; i++)
    self->fields[i].touched = TRUE;
  update_all_fields (self);

  for (guint i = 0; i < N_FIELDS; i++)
    {
      if (!self->fields[i].valid)
        {
          gtk_widget_grab_focus (self->fields[i].row);
          return TRUE;
        }
    }

  return FALSE;
}


const char *
vd_form_get_message (VdForm     *self,
                     const char *field,
                     gboolean    preview)
{
  g_return_val_if_fail (VD_IS_FORM (self), NULL);

  for (guint i = 0; i < N_FIELDS; i++)
    {
      Field *f = &self->fields[i];
      GtkWidget *row = preview ? f->preview : f->note;

      if (strcmp (field_specs[i].id, field) != 0)
        continue;
      if (row == NULL || !gtk_widget_get_visible (row))
        return NULL;
      return gtk_label_get_text (GTK_LABEL (preview ? f->preview_label : f->note_label));
    }

  g_return_val_if_reached (NULL);
}

void
vd_form_focus_name (VdForm *self)
{
  GtkAdjustment *adjustment;

  g_return_if_fail (VD_IS_FORM (self));

  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_lower (adjustment));
  gtk_widget_grab_focus (self->fields[FIELD_NAME].row);
}

void
vd_form_start_new_task (VdForm *self)
{
  g_return_if_fail (VD_IS_FORM (self));

  clear_fields (self);
  set_biz_id (self, vd_biz_id_new ());
  vd_form_focus_name (self);
}

void
vd_form_fill_sample (VdForm                 *self,
                     const VdSampleCustomer *customer)
{
  g_autofree char *face = NULL;
  g_autofree char *front = NULL;
  g_autofree char *back = NULL;

  g_return_if_fail (VD_IS_FORM (self));
  g_return_if_fail (customer != NULL);

  /* A sample customer is a new customer: a new task. */
  vd_form_start_new_task (self);

  face = g_strdup_printf ("https://example.com/samples/%s/face.jpg", customer->id_number);
  front = g_strdup_printf ("https://example.com/samples/%s/card-front.jpg", customer->id_number);
  back = g_strdup_printf ("https://example.com/samples/%s/card-back.jpg", customer->id_number);

  gtk_editable_set_text (GTK_EDITABLE (self->fields[FIELD_NAME].row), customer->name);
  gtk_editable_set_text (GTK_EDITABLE (self->fields[FIELD_ID_NUMBER].row), customer->id_number);
  gtk_editable_set_text (GTK_EDITABLE (self->fields[FIELD_FACE_URL].row), face);
  gtk_editable_set_text (GTK_EDITABLE (self->fields[FIELD_FRONT_URL].row), front);
  gtk_editable_set_text (GTK_EDITABLE (self->fields[FIELD_BACK_URL].row), back);
}
