/* vd-image-row.c: an entry row for a photo URL, with a thumbnail of what it holds
 *
 * Each edit cancels the preview in flight and restarts a quiet-typing timer. When it fires,
 * the first bytes of the URL are fetched (vd-image-probe, capped) and decoded in a worker
 * thread into a thumbnail; the main loop only ever waits for callbacks. Every fetch carries
 * the generation of the text it was started for, and a result for an older text is dropped
 * even if its cancel came too late to stop it.
 */

#define G_LOG_DOMAIN "vd-image-row"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vd-image-probe.h"
#include "vd-image-row.h"
#include "vd-verify-request.h"

#define VD_DEFAULT_DEBOUNCE_MS  500
/* Enough to see "over 2 MB" from the bytes themselves when no Content-Length says so. */
#define VD_PREVIEW_CAP          (4 * 1024 * 1024)
/* The service asks for photos within 2 MB; decimal, as g_format_size shows sizes. */
#define VD_SERVICE_IMAGE_LIMIT  (2 * 1000 * 1000)
#define VD_MIN_FACE_PIXELS      64
#define VD_THUMBNAIL_PIXELS     96
/* Beyond this an image is measured but not decoded: a small file can declare a huge canvas. */
#define VD_MAX_DECODE_PIXELS    (50 * 1000 * 1000)
#define VD_DECODE_CHUNK_SIZE    (64 * 1024)

struct _VdImageRow
{
  AdwEntryRow     parent_instance;

  GtkWidget      *preview_box;
  /* In preview_box, built when a preview first starts (ensure_preview_widgets). */
  GtkWidget      *warning_icon;
  GtkWidget      *preview_stack;
  GtkWidget      *spinner;
  GtkWidget      *picture;

  SoupSession    *session;
  GCancellable   *cancellable;   /* the preview in flight, if any */
  guint           debounce_id;
  guint           debounce_ms;
  guint           generation;    /* bumped on every edit */

  VdPreviewState  state;
  char           *text;
  GdkTexture     *thumbnail;
};

G_DEFINE_FINAL_TYPE (VdImageRow, vd_image_row, ADW_TYPE_ENTRY_ROW)
G_DEFINE_ENUM_TYPE (VdPreviewState, vd_preview_state,
                    G_DEFINE_ENUM_VALUE (VD_PREVIEW_NONE, "none"),
                    G_DEFINE_ENUM_VALUE (VD_PREVIEW_LOADING, "loading"),
                    G_DEFINE_ENUM_VALUE (VD_PREVIEW_OK, "ok"),
                    G_DEFINE_ENUM_VALUE (VD_PREVIEW_WARNING, "warning"))

enum {
  PROP_0,
  PROP_PREVIEW_STATE,
  PROP_PREVIEW_TEXT,
  PROP_THUMBNAIL,
  PROP_SESSION,
  PROP_DEBOUNCE_MS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One fetch: the row, and the generation of the text it was started for. The row is not
 * owned, so a fetch stuck on a silent server cannot keep it alive: dispose cancels, and every
 * callback checks for that before it looks at the row. */
typedef struct {
  VdImageRow *self;
  guint       generation;
  char       *content_type;
  gint64      total_size;
  gboolean    truncated;
} Fetch;

/* What the worker thread is given, and what it finds. */
typedef struct {
  GBytes    *bytes;
  gboolean   truncated;
  int        width;      /* of the image itself; 0 when its header could not be read */
  int        height;
  GdkPixbuf *thumbnail;  /* NULL when nothing could be decoded */
} Decode;

static void
fetch_free (Fetch *fetch)
{
  g_clear_pointer (&fetch->content_type, g_free);
  g_free (fetch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fetch, fetch_free)

static void
decode_free (Decode *decode)
{
  g_clear_pointer (&decode->bytes, g_bytes_unref);
  g_clear_object (&decode->thumbnail);
  g_free (decode);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Decode, decode_free)

static gboolean
fetch_is_current (Fetch *fetch)
{
  return fetch->generation == fetch->self->generation;
}

/* --- showing the state --- */

/* The suffix's widgets, made the first time there is something to show: three photo rows
 * built them for every counter window at start-up, and a new task shows none of them. */
static void
ensure_preview_widgets (VdImageRow *self)
{
  GtkWidget *frame;
  GtkWidget *overlay;

  if (self->preview_stack != NULL)
    return;

  self->warning_icon = g_object_new (GTK_TYPE_IMAGE,
                                     "visible", FALSE,
                                     "valign", GTK_ALIGN_CENTER,
                                     "icon-name", "dialog-warning-symbolic",
                                     "accessible-role", GTK_ACCESSIBLE_ROLE_IMG,
                                     NULL);
  gtk_widget_add_css_class (self->warning_icon, "warning");

  self->spinner = g_object_new (GTK_TYPE_SPINNER,
                                "halign", GTK_ALIGN_CENTER,
                                "valign", GTK_ALIGN_CENTER,
                                "tooltip-text", _("Loading the preview…"),
                                NULL);

  /* The frame stays 48 × 48 whatever the thumbnail's own size (up to 96 px, for high
   * density): an overlay child adds nothing to its parent's size. */
  self->picture = g_object_new (GTK_TYPE_PICTURE,
                                "content-fit", GTK_CONTENT_FIT_COVER,
                                "can-shrink", TRUE,
                                "alternative-text", _("Thumbnail of the photo"),
                                NULL);
  overlay = gtk_overlay_new ();
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), self->picture);
  frame = g_object_new (GTK_TYPE_FRAME,
                        "width-request", 48,
                        "height-request", 48,
                        "halign", GTK_ALIGN_CENTER,
                        "valign", GTK_ALIGN_CENTER,
                        "overflow", GTK_OVERFLOW_HIDDEN,
                        "child", overlay,
                        NULL);
  gtk_widget_add_css_class (frame, "vd-thumbnail");

  self->preview_stack = g_object_new (GTK_TYPE_STACK,
                                      "visible", FALSE,
                                      "valign", GTK_ALIGN_CENTER,
                                      "hhomogeneous", TRUE,
                                      "vhomogeneous", TRUE,
                                      NULL);
  gtk_stack_add_named (GTK_STACK (self->preview_stack), self->spinner, "loading");
  gtk_stack_add_named (GTK_STACK (self->preview_stack), frame, "thumbnail");

  gtk_box_append (GTK_BOX (self->preview_box), self->warning_icon);
  gtk_box_append (GTK_BOX (self->preview_box), self->preview_stack);
}

static void
update_suffix (VdImageRow *self)
{
  gboolean loading = self->state == VD_PREVIEW_LOADING;
  gboolean warning = self->state == VD_PREVIEW_WARNING;

  if (self->preview_stack == NULL && self->state == VD_PREVIEW_NONE && self->thumbnail == NULL)
    return;
  ensure_preview_widgets (self);

  gtk_picture_set_paintable (GTK_PICTURE (self->picture), GDK_PAINTABLE (self->thumbnail));
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), loading);

  if (loading)
    gtk_stack_set_visible_child_name (GTK_STACK (self->preview_stack), "loading");
  else if (self->thumbnail != NULL)
    gtk_stack_set_visible_child_name (GTK_STACK (self->preview_stack), "thumbnail");
  gtk_widget_set_visible (self->preview_stack, loading || self->thumbnail != NULL);

  gtk_widget_set_visible (self->warning_icon, warning);
  gtk_widget_set_tooltip_text (self->warning_icon, warning ? self->text : NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->warning_icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, warning ? self->text : "",
                                  -1);
}

/* Takes @text and @thumbnail; notifies only what changed. */
static void
show_preview (VdImageRow     *self,
              VdPreviewState  state,
              char           *text,
              GdkTexture     *thumbnail)
{
  g_autofree char *new_text = text;
  g_autoptr(GdkTexture) new_thumbnail = thumbnail;
  gboolean state_changed = self->state != state;
  gboolean text_changed = g_strcmp0 (self->text, new_text) != 0;
  gboolean thumbnail_changed = self->thumbnail != new_thumbnail;

  self->state = state;
  if (text_changed)
    {
      g_free (self->text);
      self->text = g_steal_pointer (&new_text);
    }
  if (thumbnail_changed)
    g_set_object (&self->thumbnail, new_thumbnail);

  update_suffix (self);

  g_object_freeze_notify (G_OBJECT (self));
  if (state_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREVIEW_STATE]);
  if (text_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREVIEW_TEXT]);
  if (thumbnail_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THUMBNAIL]);
  g_object_thaw_notify (G_OBJECT (self));
}

static char *
format_over_limit (gint64 total_size)
{
  g_autofree char *size = NULL;
  g_autofree char *cap = NULL;

  if (total_size >= 0)
    size = g_format_size ((guint64) total_size);
  else
    {
      cap = g_format_size (VD_PREVIEW_CAP);
      /* TRANSLATORS: a size when only a lower bound is known, e.g. "more than 4.2 MB" */
      size = g_strdup_printf (_("more than %s"), cap);
    }

  /* TRANSLATORS: %s is the photo's size, e.g. "3.1 MB" */
  return g_strdup_printf (_("Over 2 MB (%s): the service may time out fetching it."), size);
}

static char *
format_not_an_image (const char *content_type)
{
  if (content_type == NULL)
    return g_strdup (_("Not an image: the answer has no type and cannot be read as a photo."));

  if (g_str_has_prefix (content_type, "image/"))
    /* TRANSLATORS: %s is a media type, e.g. "image/webp" */
    return g_strdup_printf (_("Not a readable image (%s)."), content_type);

  /* TRANSLATORS: %s is a media type, e.g. "text/html" */
  return g_strdup_printf (_("Not an image (%s)."), content_type);
}

static char *
format_unreachable (const GError *error)
{
  if (g_error_matches (error, VD_IMAGE_PROBE_ERROR, VD_IMAGE_PROBE_ERROR_UNREACHABLE))
    /* TRANSLATORS: %s says which host could not be reached and why, as a sentence */
    return g_strdup_printf (_("%s The service fetches it itself, so check the address."),
                            error->message);

  /* TRANSLATORS: %s is what went wrong, as a sentence, e.g. "The server answered 404 Not
   * Found." */
  return g_strdup_printf (_("Cannot be reached from this computer: %s The service fetches it "
                            "itself, so check the address."),
                          error->message);
}

/* The words and state for what was fetched and decoded. */
static void
show_decoded (VdImageRow *self,
              Fetch      *fetch,
              Decode     *decode)
{
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GdkTexture) texture = NULL;
  gboolean measured = decode->width > 0 && decode->height > 0;

  if (decode->thumbnail != NULL)
    texture = gdk_texture_new_for_pixbuf (decode->thumbnail);

  if (fetch->truncated || fetch->total_size > VD_SERVICE_IMAGE_LIMIT)
    g_ptr_array_add (warnings, format_over_limit (fetch->total_size));

  if (!measured && !fetch->truncated)
    g_ptr_array_add (warnings, format_not_an_image (fetch->content_type));

  if (measured && (decode->width < VD_MIN_FACE_PIXELS || decode->height < VD_MIN_FACE_PIXELS))
    /* TRANSLATORS: the photo's width and height in pixels, then the minimum */
    g_ptr_array_add (warnings, g_strdup_printf (_("Only %d × %d pixels: the face must be at "
                                                  "least %d × %d."),
                                                decode->width, decode->height,
                                                VD_MIN_FACE_PIXELS, VD_MIN_FACE_PIXELS));

  if (warnings->len > 0)
    {
      g_ptr_array_add (warnings, NULL);
      show_preview (self, VD_PREVIEW_WARNING,
                    g_strjoinv (" ", (char **) warnings->pdata), g_steal_pointer (&texture));
    }
  else
    {
      g_autofree char *size = g_format_size ((guint64) fetch->total_size);

      /* TRANSLATORS: the photo's size, then its width and height, e.g. "1.2 MB · 640 × 480
       * pixels" */
      show_preview (self, VD_PREVIEW_OK,
                    g_strdup_printf (_("%s · %d × %d pixels"), size, decode->width,
                                     decode->height),
                    g_steal_pointer (&texture));
    }
}

/* --- decoding, in a worker thread --- */

static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  Decode *decode = user_data;
  double scale;

  decode->width = width;
  decode->height = height;

  /* A cut-off file is only measured: its lower part would be grey. Zero asks the loader to
   * stop after the header. */
  if (decode->truncated || (gint64) width * height > VD_MAX_DECODE_PIXELS)
    {
      gdk_pixbuf_loader_set_size (loader, 0, 0);
      return;
    }

  scale = (double) VD_THUMBNAIL_PIXELS / MAX (width, height);
  if (scale < 1.0)
    gdk_pixbuf_loader_set_size (loader, MAX (1, (int) (width * scale + 0.5)),
                                MAX (1, (int) (height * scale + 0.5)));
}

/* EXIF orientations 5 to 8 turn the picture a quarter: its width is the file's height. */
static GdkPixbuf *
upright_thumbnail (GdkPixbuf *pixbuf,
                   Decode    *decode)
{
  const char *orientation = gdk_pixbuf_get_option (pixbuf, "orientation");

  if (orientation != NULL && orientation[0] >= '5' && orientation[0] <= '8' &&
      orientation[1] == '\0')
    {
      int width = decode->width;

      decode->width = decode->height;
      decode->height = width;
    }

  return gdk_pixbuf_apply_embedded_orientation (pixbuf);
}

static void
decode_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Decode *decode = task_data;
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  gsize size;
  const guint8 *data = g_bytes_get_data (decode->bytes, &size);
  gsize offset = 0;
  gboolean complete = TRUE;
  GdkPixbuf *pixbuf;

  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), decode);

  while (offset < size && complete)
    {
      gsize length = MIN (size - offset, VD_DECODE_CHUNK_SIZE);

      if (g_task_return_error_if_cancelled (task))
        {
          gdk_pixbuf_loader_close (loader, NULL);
          return;
        }

      complete = gdk_pixbuf_loader_write (loader, data + offset, length, NULL);
      offset += length;
    }

  /* A failed close still leaves the size the header gave, which is all a cut-off or
   * oversized image is asked for. */
  complete = gdk_pixbuf_loader_close (loader, NULL) && complete;

  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (complete && pixbuf != NULL && !decode->truncated)
    decode->thumbnail = upright_thumbnail (pixbuf, decode);

  g_task_return_boolean (task, TRUE);
}

static void
on_decoded (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Fetch) fetch = user_data;
  GTask *task = G_TASK (result);

  /* The task checks its cancellable: FALSE when the row was edited or disposed meanwhile. */
  if (!g_task_propagate_boolean (task, NULL) || !fetch_is_current (fetch))
    return;

  show_decoded (fetch->self, fetch, g_task_get_task_data (task));
}

static void
start_decode (VdImageRow   *self,
              Fetch        *fetch,
              VdImageProbe *probe)
{
  g_autoptr(GTask) task = g_task_new (NULL, self->cancellable, on_decoded, fetch);
  Decode *decode = g_new0 (Decode, 1);

  decode->bytes = g_bytes_ref (probe->bytes);
  decode->truncated = probe->truncated;
  g_task_set_source_tag (task, start_decode);
  g_task_set_task_data (task, decode, (GDestroyNotify) decode_free);
  g_task_run_in_thread (task, decode_in_thread);
}

/* --- fetching --- */

static void
on_probed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Fetch) fetch = user_data;
  g_autoptr(VdImageProbe) probe = NULL;
  g_autoptr(GError) error = NULL;
  VdImageRow *self;

  probe = vd_image_probe_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !fetch_is_current (fetch))
    return;

  self = fetch->self;

  if (error != NULL)
    {
      show_preview (self, VD_PREVIEW_WARNING, format_unreachable (error), NULL);
      return;
    }

  fetch->content_type = g_strdup (probe->content_type);
  fetch->total_size = probe->total_size;
  fetch->truncated = probe->truncated;

  if (probe->content_type != NULL && !g_str_has_prefix (probe->content_type, "image/"))
    {
      show_preview (self, VD_PREVIEW_WARNING, format_not_an_image (probe->content_type), NULL);
      return;
    }

  start_decode (self, g_steal_pointer (&fetch), probe);
}

/* The URL in the row, without the spaces a paste may bring, if it is one worth fetching. */
static char *
dup_fetchable_url (VdImageRow *self)
{
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self))));

  if (!vd_image_url_check (url, "URL", NULL))
    return NULL;

  return g_steal_pointer (&url);
}

static gboolean
on_debounce_elapsed (gpointer user_data)
{
  VdImageRow *self = user_data;
  g_autofree char *url = dup_fetchable_url (self);
  Fetch *fetch;

  self->debounce_id = 0;
  g_assert (url != NULL && self->session != NULL && self->cancellable == NULL);

  fetch = g_new0 (Fetch, 1);
  fetch->self = self;
  fetch->generation = self->generation;

  self->cancellable = g_cancellable_new ();
  vd_image_probe_async (self->session, url, VD_PREVIEW_CAP, self->cancellable, on_probed,
                        fetch);

  return G_SOURCE_REMOVE;
}

static void
cancel_preview (VdImageRow *self)
{
  self->generation++;
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

/* Forgets the preview of the old text and, for a URL, waits for typing to pause. */
static void
restart_preview (VdImageRow *self)
{
  g_autofree char *url = NULL;

  cancel_preview (self);

  url = dup_fetchable_url (self);
  if (url == NULL || self->session == NULL)
    {
      show_preview (self, VD_PREVIEW_NONE, g_strdup (""), NULL);
      return;
    }

  show_preview (self, VD_PREVIEW_LOADING, g_strdup (_("Loading the preview…")), NULL);
  self->debounce_id = g_timeout_add (self->debounce_ms, on_debounce_elapsed, self);
}

static void
on_text_changed (VdImageRow *self)
{
  restart_preview (self);
}

/* --- GObject --- */

static void
vd_image_row_dispose (GObject *object)
{
  VdImageRow *self = VD_IMAGE_ROW (object);

  cancel_preview (self);
  g_clear_object (&self->session);
  g_clear_object (&self->thumbnail);

  gtk_widget_dispose_template (GTK_WIDGET (self), VD_TYPE_IMAGE_ROW);

  G_OBJECT_CLASS (vd_image_row_parent_class)->dispose (object);
}

static void
vd_image_row_finalize (GObject *object)
{
  VdImageRow *self = VD_IMAGE_ROW (object);

  g_clear_pointer (&self->text, g_free);

  G_OBJECT_CLASS (vd_image_row_parent_class)->finalize (object);
}

static void
vd_image_row_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  VdImageRow *self = VD_IMAGE_ROW (object);

  switch (prop_id)
    {
    case PROP_PREVIEW_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_PREVIEW_TEXT:
      g_value_set_string (value, self->text);
      break;

    case PROP_THUMBNAIL:
      g_value_set_object (value, self->thumbnail);
      break;

    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_DEBOUNCE_MS:
      g_value_set_uint (value, self->debounce_ms);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vd_image_row_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  VdImageRow *self = VD_IMAGE_ROW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      vd_image_row_set_session (self, g_value_get_object (value));
      break;

    case PROP_DEBOUNCE_MS:
      vd_image_row_set_debounce_ms (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vd_image_row_class_init (VdImageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vd_image_row_dispose;
  object_class->finalize = vd_image_row_finalize;
  object_class->get_property = vd_image_row_get_property;
  object_class->set_property = vd_image_row_set_property;

  properties[PROP_PREVIEW_STATE] =
    g_param_spec_enum ("preview-state", NULL, NULL,
                       VD_TYPE_PREVIEW_STATE, VD_PREVIEW_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PREVIEW_TEXT] =
    g_param_spec_string ("preview-text", NULL, NULL,
                         "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_THUMBNAIL] =
    g_param_spec_object ("thumbnail", NULL, NULL,
                         GDK_TYPE_PAINTABLE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         SOUP_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEBOUNCE_MS] =
    g_param_spec_uint ("debounce-ms", NULL, NULL,
                       0, 60000, VD_DEFAULT_DEBOUNCE_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/verifydesk/VerifyDesk/vd-image-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VdImageRow, preview_box);
}

static void
vd_image_row_init (VdImageRow *self)
{
  self->debounce_ms = VD_DEFAULT_DEBOUNCE_MS;
  self->text = g_strdup ("");

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (self, "changed", G_CALLBACK (on_text_changed), NULL);
}

GtkWidget *
vd_image_row_new (void)
{
  return g_object_new (VD_TYPE_IMAGE_ROW, NULL);
}

void
vd_image_row_set_session (VdImageRow  *self,
                          SoupSession *session)
{
  g_return_if_fail (VD_IS_IMAGE_ROW (self));
  g_return_if_fail (session == NULL || SOUP_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;

  restart_preview (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

VdPreviewState
vd_image_row_get_preview_state (VdImageRow *self)
{
  g_return_val_if_fail (VD_IS_IMAGE_ROW (self), VD_PREVIEW_NONE);

  return self->state;
}

const char *
vd_image_row_get_preview_text (VdImageRow *self)
{
  g_return_val_if_fail (VD_IS_IMAGE_ROW (self), NULL);

  return self->text;
}

GdkPaintable *
vd_image_row_get_thumbnail (VdImageRow *self)
{
  g_return_val_if_fail (VD_IS_IMAGE_ROW (self), NULL);

  return self->thumbnail != NULL ? GDK_PAINTABLE (self->thumbnail) : NULL;
}

void
vd_image_row_set_debounce_ms (VdImageRow *self,
                              guint       debounce_ms)
{
  g_return_if_fail (VD_IS_IMAGE_ROW (self));

  if (self->debounce_ms == debounce_ms)
    return;

  self->debounce_ms = debounce_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEBOUNCE_MS]);
}
