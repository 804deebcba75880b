#pragma once

#include <adwaita.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* What the preview of a photo URL found. */
typedef enum {
  VD_PREVIEW_NONE,     /* empty, or not an http(s) URL: nothing to fetch */
  VD_PREVIEW_LOADING,
  VD_PREVIEW_OK,       /* an image within the service's limits */
  VD_PREVIEW_WARNING,  /* over 2 MB, not an image, smaller than 64×64, or unreachable */
} VdPreviewState;

#define VD_TYPE_PREVIEW_STATE (vd_preview_state_get_type ())
GType vd_preview_state_get_type (void);

#define VD_TYPE_IMAGE_ROW (vd_image_row_get_type ())
G_DECLARE_FINAL_TYPE (VdImageRow, vd_image_row, VD, IMAGE_ROW, AdwEntryRow)

/* An entry row for a photo URL with a thumbnail: loaded asynchronously through the app's one
 * SoupSession, debounced while typing, cancelled on edit, size-capped, decoded off the main
 * thread. Typing is never held up. A warning is only a warning: it does not block submitting.
 *
 * Properties: "preview-state" (VdPreviewState), "preview-text" (string: "1.2 MB · 640 × 480
 * pixels", or the warning in words; "" for VD_PREVIEW_NONE, never NULL), "thumbnail"
 * (GdkPaintable, read-only), "session" and "debounce-ms" (read-write, as the setters). The
 * URL itself is the row's text (GtkEditable). */
GtkWidget      *vd_image_row_new                (void);
/* Without a session nothing is fetched and the state stays NONE; setting one previews the
 * text already typed. */
void            vd_image_row_set_session        (VdImageRow  *self,
                                                 SoupSession *session);
VdPreviewState  vd_image_row_get_preview_state  (VdImageRow *self);
const char     *vd_image_row_get_preview_text   (VdImageRow *self);
/* The thumbnail shown, or NULL. */
GdkPaintable   *vd_image_row_get_thumbnail      (VdImageRow *self);
/* Milliseconds of quiet typing before a preview is fetched (default 500; tests use less). */
void            vd_image_row_set_debounce_ms    (VdImageRow *self,
                                                 guint       debounce_ms);

G_END_DECLS
