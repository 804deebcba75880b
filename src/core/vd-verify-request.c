#define G_LOG_DOMAIN "vd-verify-request"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vd-id-number.h"
#include "vd-verify-request.h"

#define TEXT_FIELD_MAX_LENGTH 64
#define IMAGE_URL_MAX_LENGTH  2048

G_DEFINE_BOXED_TYPE (VdVerifyRequest, vd_verify_request,
                     vd_verify_request_copy, vd_verify_request_free)

G_DEFINE_QUARK (vd-request-error-quark, vd_request_error)

char *
vd_biz_id_new (void)
{
  return g_uuid_string_random ();
}

VdVerifyRequest *
vd_verify_request_new_task (const char *biz_type)
{
  VdVerifyRequest *self = g_new0 (VdVerifyRequest, 1);

  self->biz_type = g_strdup (biz_type != NULL ? biz_type : VD_DEFAULT_BIZ_TYPE);
  self->biz_id = vd_biz_id_new ();
  self->region_id = g_strdup (VD_CLOUDAUTH_REGION);

  return self;
}

VdVerifyRequest *
vd_verify_request_copy (const VdVerifyRequest *self)
{
  VdVerifyRequest *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (VdVerifyRequest, 1);
  copy->biz_type = g_strdup (self->biz_type);
  copy->biz_id = g_strdup (self->biz_id);
  copy->user_id = g_strdup (self->user_id);
  copy->name = g_strdup (self->name);
  copy->id_number = g_strdup (self->id_number);
  copy->face_url = g_strdup (self->face_url);
  copy->front_url = g_strdup (self->front_url);
  copy->back_url = g_strdup (self->back_url);
  copy->region_id = g_strdup (self->region_id);

  return copy;
}

void
vd_verify_request_free (VdVerifyRequest *self)
{
  if (self == NULL)
    return;

  g_free (self->biz_type);
  g_free (self->biz_id);
  g_free (self->user_id);
  g_free (self->name);
  g_free (self->id_number);
  g_free (self->face_url);
  g_free (self->front_url);
  g_free (self->back_url);
  g_free (self->region_id);
  g_free (self);
}

static gboolean
is_empty (const char *value)
{
  return value == NULL || value[0] == '\0';
}

/* Removes leading and trailing white space of every kind, the full-width U+3000 of a Chinese
 * input method included. Text that is not UTF-8 loses only ASCII white space; the checks that
 * follow refuse it. */
static void
trim_field (char **field)
{
  const char *start;
  const char *end;
  char *trimmed;

  if (*field == NULL)
    return;

  if (!g_utf8_validate (*field, -1, NULL))
    {
      g_strstrip (*field);
      return;
    }

  start = *field;
  while (*start != '\0' && g_unichar_isspace (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);

  end = start + strlen (start);
  while (end > start)
    {
      const char *previous = g_utf8_prev_char (end);

      if (!g_unichar_isspace (g_utf8_get_char (previous)))
        break;
      end = previous;
    }

  trimmed = g_strndup (start, end - start);
  g_free (*field);
  *field = trimmed;
}

static gboolean
has_control_character (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        return TRUE;
    }

  return FALSE;
}

/* The checks every free-text field shares: UTF-8, at most 64 characters, nothing invisible. An
 * empty value is not checked here; whether it is allowed depends on the field. */
static gboolean
check_text (const char      *value,
            const char      *label,
            VdRequestError   code,
            GError         **error)
{
  glong length;

  if (!g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, VD_REQUEST_ERROR, code,
                   _("%s is not valid text: type it again."), label);
      return FALSE;
    }

  length = g_utf8_strlen (value, -1);
  if (length > TEXT_FIELD_MAX_LENGTH)
    {
      g_set_error (error, VD_REQUEST_ERROR, code,
                   _("%s is too long: %ld characters, but at most %d are allowed."),
                   label, length, TEXT_FIELD_MAX_LENGTH);
      return FALSE;
    }

  if (has_control_character (value))
    {
      g_set_error (error, VD_REQUEST_ERROR, code,
                   _("%s contains an invisible control character: type it again."), label);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_name (const char  *name,
            GError     **error)
{
  if (is_empty (name))
    {
      g_set_error (error, VD_REQUEST_ERROR, VD_REQUEST_ERROR_NAME,
                   _("%s is empty: type the customer's name as it is printed on the ID card."),
                   _("Name"));
      return FALSE;
    }

  return check_text (name, _("Name"), VD_REQUEST_ERROR_NAME, error);
}

/* Replaces the typed number by its normalised form, so that what is sent, stored and shown is
 * the same 18 characters whatever spaces or lower-case x the operator typed. */
static gboolean
check_id_number (char       **id_number,
                 GDateTime   *today,
                 GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *normalized = vd_id_number_normalize (*id_number != NULL ? *id_number : "");

  g_free (*id_number);
  *id_number = normalized;

  if (vd_id_number_validate (normalized, today, NULL, &local_error))
    return TRUE;

  g_set_error_literal (error, VD_REQUEST_ERROR, VD_REQUEST_ERROR_ID_NUMBER,
                       local_error->message);
  return FALSE;
}

static gboolean
check_biz_type (const char  *biz_type,
                GError     **error)
{
  if (is_empty (biz_type))
    {
      g_set_error (error, VD_REQUEST_ERROR, VD_REQUEST_ERROR_BIZ_TYPE,
                   _("%s is empty: type the scenario ID created in the Cloudauth console."),
                   _("BizType"));
      return FALSE;
    }

  if (!check_text (biz_type, _("BizType"), VD_REQUEST_ERROR_BIZ_TYPE, error))
    return FALSE;

  for (const char *p = biz_type; *p != '\0'; p = g_utf8_next_char (p))
    {
      char utf8[7] = { 0 };

      if (g_ascii_isalnum (*p) || *p == '_' || *p == '-')
        continue;

      g_unichar_to_utf8 (g_utf8_get_char (p), utf8);
      g_set_error (error, VD_REQUEST_ERROR, VD_REQUEST_ERROR_BIZ_TYPE,
                   _("%s may contain only the letters A to Z, digits, “_” and “-”, not “%s”: "
                     "copy the scenario ID from the Cloudauth console."),
                   _("BizType"), utf8);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_biz_id (const char  *biz_id,
              GError     **error)
{
  if (is_empty (biz_id))
    {
      g_set_error (error, VD_REQUEST_ERROR, VD_REQUEST_ERROR_BIZ_ID,
                   _("%s is empty: start a new task to get one."), _("BizId"));
      return FALSE;
    }

  return check_text (biz_id, _("BizId"), VD_REQUEST_ERROR_BIZ_ID, error);
}

static gboolean
looks_like_local_path (const char *url)
{
  return url[0] == '/' || url[0] == '~' || url[0] == '\\'
         || (g_ascii_isalpha (url[0]) && url[1] == ':' && (url[2] == '\\' || url[2] == '/'))
         || g_ascii_strncasecmp (url, "file:", 5) == 0;
}

static gboolean
has_space_or_control (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c))
        return TRUE;
    }

  return FALSE;
}

/* The checks behind vd_image_url_check, with @code naming the field in the error. */
static gboolean
check_image_url (const char      *url,
                 const char      *label,
                 VdRequestError   code,
                 GError         **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) parse_error = NULL;
  const char *scheme;
  glong length;

  if (is_empty (url))
    {
      g_set_error (error, VD_REQUEST_ERROR, code,
                   _("%s is empty: upload the photo and paste its http:// or https:// address."),
                   label);
      return FALSE;
    }

  if (!g_utf8_validate (url, -1, NULL))
    {
      g_set_error (error, VD_REQUEST_ERROR, code,
                   _("%s is not valid text: copy the photo's address again."), label);
      return FALSE;
    }

  length = g_utf8_strlen (url, -1);
  if (length > IMAGE_URL_MAX_LENGTH)
    {
      g_set_error (error, VD_REQUEST_ERROR, code,
                   _("%s is too long: %ld characters, but at most %d are allowed. Use a shorter "
                     "link to the photo."),
                   label, length, IMAGE_URL_MAX_LENGTH);
      return FALSE;
    }

  if (looks_like_local_path (url))
    {
      g_set_error (error, VD_REQUEST_ERROR, code,
                   _("%s: upload the photo first: the service fetches images from the internet, "
                     "not from this computer"),
                   label);
      return FALSE;
    }

  if (has_space_or_control (url))
    {
      g_set_error (error, VD_REQUEST_ERROR, code,
                   _("%s contains a space or an invisible character: copy the photo's address "
                     "again."),
                   label);
      return FALSE;
    }

  scheme = g_uri_peek_scheme (url);
  if (scheme == NULL)
    {
      g_set_error (error, VD_REQUEST_ERROR, code,
                   _("%s is not a web address: it must start with http:// or https://."), label);
      return FALSE;
    }

  if (strcmp (scheme, "http") != 0 && strcmp (scheme, "https") != 0)
    {
      g_set_error (error, VD_REQUEST_ERROR, code,
                   _("%s starts with “%s:”, but the service fetches images only from http:// or "
                     "https:// addresses."),
                   label, scheme);
      return FALSE;
    }

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, &parse_error);
  if (uri == NULL)
    {
      g_set_error (error, VD_REQUEST_ERROR, code,
                   _("%s is not a valid web address (%s): copy the photo's address again."),
                   label, parse_error->message);
      return FALSE;
    }

  if (is_empty (g_uri_get_host (uri)))
    {
      g_set_error (error, VD_REQUEST_ERROR, code,
                   _("%s has no server name: it must look like https://example.com/photo.jpg."),
                   label);
      return FALSE;
    }

  return TRUE;
}

/* Used on its own (a form checking one row as it is typed), the error carries
 * VD_REQUEST_ERROR_FACE_URL; vd_verify_request_validate reports the field's own code. */
gboolean
vd_image_url_check (const char  *url,
                    const char  *field_label,
                    GError     **error)
{
  g_return_val_if_fail (field_label != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return check_image_url (url, field_label, VD_REQUEST_ERROR_FACE_URL, error);
}

static gboolean
check_optional_image_url (const char      *url,
                          const char      *label,
                          VdRequestError   code,
                          GError         **error)
{
  return is_empty (url) || check_image_url (url, label, code, error);
}

static gboolean
check_user_id (const char  *user_id,
               GError     **error)
{
  return is_empty (user_id)
         || check_text (user_id, _("Customer user ID"), VD_REQUEST_ERROR_USER_ID, error);
}

gboolean
vd_verify_request_validate (VdVerifyRequest  *self,
                            GDateTime        *today,
                            GError          **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  trim_field (&self->name);
  trim_field (&self->id_number);
  trim_field (&self->face_url);
  trim_field (&self->front_url);
  trim_field (&self->back_url);
  trim_field (&self->user_id);
  trim_field (&self->biz_type);
  trim_field (&self->biz_id);

  return check_name (self->name, error)
         && check_id_number (&self->id_number, today, error)
         && check_image_url (self->face_url, _("Face photo URL"), VD_REQUEST_ERROR_FACE_URL,
                             error)
         && check_optional_image_url (self->front_url, _("ID card front URL"),
                                      VD_REQUEST_ERROR_FRONT_URL, error)
         && check_optional_image_url (self->back_url, _("ID card back URL"),
                                      VD_REQUEST_ERROR_BACK_URL, error)
         && check_user_id (self->user_id, error)
         && check_biz_type (self->biz_type, error)
         && check_biz_id (self->biz_id, error);
}

static void
set_required (VdParams   *params,
              const char *name,
              const char *value)
{
  vd_params_set (params, name, value != NULL ? value : "");
}

static void
set_optional (VdParams   *params,
              const char *name,
              const char *value)
{
  if (!is_empty (value))
    vd_params_set (params, name, value);
}

VdParams *
vd_verify_request_to_params (const VdVerifyRequest *self)
{
  VdParams *params;

  g_return_val_if_fail (self != NULL, NULL);

  params = vd_params_new ();
  set_required (params, "RegionId",
                !is_empty (self->region_id) ? self->region_id : VD_CLOUDAUTH_REGION);
  set_required (params, "BizType", self->biz_type);
  set_required (params, "BizId", self->biz_id);
  set_optional (params, "UserId", self->user_id);
  set_required (params, "Name", self->name);
  set_required (params, "IdCardNumber", self->id_number);
  set_required (params, "FaceImageUrl", self->face_url);
  set_optional (params, "IdCardFrontImageUrl", self->front_url);
  set_optional (params, "IdCardBackImageUrl", self->back_url);

  return params;
}
