/* test-image-row.c: the photo URL row and its preview, in a real window under Xvfb, against a
 * SoupServer on 127.0.0.1 that serves images made here with GdkPixbuf. */

#define G_LOG_DOMAIN "test-image-row"

#include "config.h"

#include <string.h>
#include <adwaita.h>
#include <libsoup/soup.h>

#include "vd-image-row.h"
#include "vd-ui-test-util.h"

#define WAIT_MS          10000
#define TEST_DEBOUNCE_MS 20
#define BEYOND_CAP_SIZE  (5 * 1000 * 1000)

static const char html_page[] = "<!DOCTYPE html><title>Photo album</title><p>Sign in.</p>";

/* The images, made once. */
static GBytes *face_png;     /* 640 × 480 */
static GBytes *tiny_png;     /* 40 × 40 */
static GBytes *heavy_png;    /* 1024 × 1024 stored uncompressed: over 3 MB */
static GBytes *beyond_cap;   /* 5 MB that claims to be a JPEG: more than the row reads */
static GBytes *html_bytes;

typedef struct {
  SoupServer  *server;
  SoupSession *session;
  guint        port;
  GHashTable  *hits;         /* path → number of requests */
  guint        total_hits;
  char        *last_path;
  GPtrArray   *held;         /* paused requests for /held.png */

  GtkWidget   *window;
  GtkWidget   *box;
  VdImageRow  *row;
  GtkWidget   *label;
} Fixture;

/* --- images --- */

/* A face-like picture: a light oval on a blue ground. */
static GBytes *
make_png (int      width,
          int      height,
          gboolean uncompressed)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  g_autofree char *buffer = NULL;
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  gsize size;
  gboolean saved;
  int x, y;

  for (y = 0; y < height; y++)
    for (x = 0; x < width; x++)
      {
        double dx = (x - width / 2.0) / (width * 0.22);
        double dy = (y - height / 2.0) / (height * 0.36);
        guint8 *pixel = pixels + y * stride + x * 3;
        gboolean face = dx * dx + dy * dy <= 1.0;

        pixel[0] = face ? 238 : 53;
        pixel[1] = face ? 196 : 132;
        pixel[2] = face ? 160 : (guint8) (180 + 60 * y / height);
      }

  if (uncompressed)
    saved = gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error,
                                       "compression", "0", NULL);
  else
    saved = gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error, NULL);
  g_assert_no_error (error);
  g_assert_true (saved);

  return g_bytes_new_take (g_steal_pointer (&buffer), size);
}

static GBytes *
make_filler (gsize size)
{
  guint8 *data = g_malloc (size);

  memset (data, 0x5a, size);
  return g_bytes_new_take (data, size);
}

/* --- the server --- */

static void
serve_bytes (SoupServerMessage *msg,
             const char        *content_type,
             GBytes            *bytes)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Content-Type", content_type);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
}

static void
handle_request (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  Fixture *f = user_data;
  guint hits = GPOINTER_TO_UINT (g_hash_table_lookup (f->hits, path));

  g_hash_table_replace (f->hits, g_strdup (path), GUINT_TO_POINTER (hits + 1));
  f->total_hits++;
  g_free (f->last_path);
  f->last_path = g_strdup (path);

  if (g_str_equal (path, "/face.png"))
    serve_bytes (msg, "image/png", face_png);
  else if (g_str_equal (path, "/tiny.png"))
    serve_bytes (msg, "image/png", tiny_png);
  else if (g_str_equal (path, "/heavy.png"))
    serve_bytes (msg, "image/png", heavy_png);
  else if (g_str_equal (path, "/beyond-cap.jpg"))
    serve_bytes (msg, "image/jpeg", beyond_cap);
  else if (g_str_equal (path, "/album.html"))
    serve_bytes (msg, "text/html; charset=utf-8", html_bytes);
  else if (g_str_equal (path, "/held.png"))
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (f->held, g_object_ref (msg));
    }
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static void
release_held (Fixture *f)
{
  guint i;

  for (i = 0; i < f->held->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (f->held, i);

      serve_bytes (msg, "image/png", face_png);
      soup_server_message_unpause (msg);
    }
  g_ptr_array_set_size (f->held, 0);
}

static guint
hits_for (Fixture    *f,
          const char *path)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (f->hits, path));
}

static char *
url_for (Fixture    *f,
         const char *path)
{
  return g_strdup_printf ("http://127.0.0.1:%u%s", f->port, path);
}

/* --- the window --- */

static void
sync_label (VdImageRow *row,
            GParamSpec *pspec,
            GtkLabel   *label)
{
  gboolean warning = vd_image_row_get_preview_state (row) == VD_PREVIEW_WARNING;

  gtk_label_set_text (label, vd_image_row_get_preview_text (row));
  if (warning)
    gtk_widget_add_css_class (GTK_WIDGET (label), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (label), "warning");
}

/* A row as the form shows it: in a boxed list, its preview text under it. */
static VdImageRow *
add_row (Fixture    *f,
         const char *title,
         GtkWidget **label_out)
{
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *row = vd_image_row_new ();
  GtkWidget *label = gtk_label_new ("");

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  vd_image_row_set_session (VD_IMAGE_ROW (row), f->session);
  vd_image_row_set_debounce_ms (VD_IMAGE_ROW (row), TEST_DEBOUNCE_MS);
  gtk_list_box_append (GTK_LIST_BOX (list), row);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_add_css_class (label, "caption");
  g_signal_connect (row, "notify::preview-text", G_CALLBACK (sync_label), label);

  gtk_box_append (GTK_BOX (f->box), list);
  gtk_box_append (GTK_BOX (f->box), label);

  if (label_out != NULL)
    *label_out = label;
  return VD_IMAGE_ROW (row);
}

static gboolean
window_is_drawn (gpointer data)
{
  Fixture *f = data;

  return gtk_widget_get_mapped (f->window) && gtk_widget_get_width (f->window) > 0;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;
  GtkWidget *clamp;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_LIGHT);

  f->hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  f->held = g_ptr_array_new_with_free_func (g_object_unref);
  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, handle_request, f, NULL);
  g_assert_true (soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->port = (guint) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  f->session = soup_session_new ();

  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 560, -1);
  gtk_window_set_title (GTK_WINDOW (f->window), "Photo preview");
  f->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_top (f->box, 18);
  gtk_widget_set_margin_bottom (f->box, 18);
  gtk_widget_set_margin_start (f->box, 12);
  gtk_widget_set_margin_end (f->box, 12);
  clamp = adw_clamp_new ();
  adw_clamp_set_child (ADW_CLAMP (clamp), f->box);
  gtk_window_set_child (GTK_WINDOW (f->window), clamp);

  f->row = add_row (f, "Face photo URL", &f->label);
}

static void
close_window (Fixture *f)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&f->window)));
}

static void
present (Fixture *f)
{
  gtk_window_present (GTK_WINDOW (f->window));
  vd_ui_test_wait_until (window_is_drawn, f, WAIT_MS);
  gtk_test_widget_wait_for_draw (f->window);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  close_window (f);
  release_held (f);
  /* Cancelled fetches hand their last references back from the main loop. */
  vd_ui_test_spin (50);
  soup_server_disconnect (f->server);
  g_clear_object (&f->session);
  g_clear_object (&f->server);
  g_clear_pointer (&f->held, g_ptr_array_unref);
  g_clear_pointer (&f->hits, g_hash_table_unref);
  g_clear_pointer (&f->last_path, g_free);
}

/* --- driving and waiting --- */

static gboolean
preview_settled (gpointer data)
{
  return vd_image_row_get_preview_state (data) != VD_PREVIEW_LOADING;
}

static void
type_url (Fixture    *f,
          VdImageRow *row,
          const char *path)
{
  g_autofree char *url = url_for (f, path);

  gtk_editable_set_text (GTK_EDITABLE (row), url);
}

static void
wait_for_preview (VdImageRow *row)
{
  vd_ui_test_wait_until (preview_settled, row, WAIT_MS);
}

typedef struct {
  Fixture *f;
  guint    count;
} HitWait;

static gboolean
total_hits_reached (gpointer data)
{
  HitWait *wait = data;

  return wait->f->total_hits >= wait->count;
}

static void
wait_for_hits (Fixture *f,
               guint    count)
{
  HitWait wait = { f, count };

  vd_ui_test_wait_until (total_hits_reached, &wait, WAIT_MS);
}

static void
screenshot (Fixture    *f,
            const char *name)
{
  g_autofree char *dark_name = g_strconcat (name, "-dark", NULL);
  g_autofree char *light = NULL;
  g_autofree char *dark = NULL;
  AdwStyleManager *style = adw_style_manager_get_default ();

  /* A frame after the last change, so the window is laid out and drawn as it now is. */
  gtk_test_widget_wait_for_draw (f->window);
  light = vd_ui_test_screenshot (f->window, name);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  gtk_test_widget_wait_for_draw (f->window);
  dark = vd_ui_test_screenshot (f->window, dark_name);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_test_message ("screenshots: %s %s", light, dark);
}

static void
assert_thumbnail_size (VdImageRow *row,
                       int         width,
                       int         height)
{
  GdkPaintable *thumbnail = vd_image_row_get_thumbnail (row);

  g_assert_nonnull (thumbnail);
  g_assert_true (GDK_IS_TEXTURE (thumbnail));
  g_assert_cmpint (gdk_texture_get_width (GDK_TEXTURE (thumbnail)), ==, width);
  g_assert_cmpint (gdk_texture_get_height (GDK_TEXTURE (thumbnail)), ==, height);
}

/* The first descendant of @widget that is a GtkStack with a "loading" page: the preview. */
static GtkWidget *
find_preview_stack (GtkWidget *widget)
{
  GtkWidget *child;

  if (GTK_IS_STACK (widget) &&
      gtk_stack_get_child_by_name (GTK_STACK (widget), "loading") != NULL)
    return widget;

  for (child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_preview_stack (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
widget_is_laid_out (gpointer data)
{
  return gtk_widget_get_width (data) > 0;
}

static GtkWidget *
find_descendant_of_type (GtkWidget *widget,
                         GType      type)
{
  GtkWidget *child;

  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant_of_type (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The suffix as the operator sees it: which of spinner, thumbnail and warning icon are on
 * screen (mapped: a stack keeps its hidden pages visible but unmapped). */
static void
assert_suffix (VdImageRow *row,
               gboolean    spinner,
               gboolean    thumbnail,
               gboolean    warning)
{
  GtkWidget *stack = find_preview_stack (GTK_WIDGET (row));
  GtkWidget *spinner_widget;
  GtkWidget *picture;
  GtkWidget *warning_icon;
  GtkWidget *frame;
  graphene_rect_t bounds;

  /* The row makes its suffix's widgets when a preview first starts: none yet, none shown. */
  if (stack == NULL)
    {
      g_assert_false (spinner);
      g_assert_false (thumbnail);
      g_assert_false (warning);
      g_assert_cmpint (vd_image_row_get_preview_state (row), ==, VD_PREVIEW_NONE);
      return;
    }
  /* The warning icon sits just before the preview, in the same suffix box. */
  warning_icon = gtk_widget_get_prev_sibling (stack);
  g_assert_true (GTK_IS_IMAGE (warning_icon));
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (warning_icon)), ==,
                   "dialog-warning-symbolic");

  spinner_widget = gtk_stack_get_child_by_name (GTK_STACK (stack), "loading");
  frame = gtk_stack_get_child_by_name (GTK_STACK (stack), "thumbnail");
  picture = find_descendant_of_type (frame, GTK_TYPE_PICTURE);
  g_assert_true (GTK_IS_SPINNER (spinner_widget));
  g_assert_true (GTK_IS_PICTURE (picture));

  g_assert_cmpint (gtk_widget_get_mapped (spinner_widget), ==, spinner);
  g_assert_cmpint (gtk_spinner_get_spinning (GTK_SPINNER (spinner_widget)), ==, spinner);
  g_assert_cmpint (gtk_widget_get_mapped (picture), ==, thumbnail);
  if (thumbnail)
    {
      g_assert_true (gtk_picture_get_paintable (GTK_PICTURE (picture)) ==
                     vd_image_row_get_thumbnail (row));
      /* 48 × 48 on screen, whatever the thumbnail's own size, once laid out. */
      vd_ui_test_wait_until (widget_is_laid_out, frame, WAIT_MS);
      g_assert_true (gtk_widget_compute_bounds (frame, frame, &bounds));
      g_assert_cmpfloat (bounds.size.width, ==, 48);
      g_assert_cmpfloat (bounds.size.height, ==, 48);
    }
  g_assert_cmpint (gtk_widget_get_mapped (warning_icon), ==, warning);
  if (warning)
    g_assert_cmpstr (gtk_widget_get_tooltip_text (warning_icon), ==,
                     vd_image_row_get_preview_text (row));
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* --- the tests --- */

static void
test_image_ok (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *size = g_format_size (g_bytes_get_size (face_png));
  g_autofree char *expected = g_strdup_printf ("%s · 640 × 480 pixels", size);
  guint state_notifies = 0;

  present (f);
  g_signal_connect (f->row, "notify::preview-state", G_CALLBACK (count_notify),
                    &state_notifies);

  type_url (f, f->row, "/face.png");
  g_assert_cmpint (vd_image_row_get_preview_state (f->row), ==, VD_PREVIEW_LOADING);
  g_assert_cmpstr (vd_image_row_get_preview_text (f->row), ==, "Loading the preview…");
  assert_suffix (f->row, TRUE, FALSE, FALSE);
  wait_for_preview (f->row);

  g_assert_cmpint (vd_image_row_get_preview_state (f->row), ==, VD_PREVIEW_OK);
  g_assert_cmpstr (vd_image_row_get_preview_text (f->row), ==, expected);
  assert_thumbnail_size (f->row, 96, 72);
  assert_suffix (f->row, FALSE, TRUE, FALSE);
  /* NONE → LOADING → OK, each notified once. */
  g_assert_cmpuint (state_notifies, ==, 2);
  g_assert_cmpuint (hits_for (f, "/face.png"), ==, 1);

  screenshot (f, "image-row-ok");
}

static void
test_small_image_warns (Fixture       *f,
                        gconstpointer  data)
{
  present (f);
  type_url (f, f->row, "/tiny.png");
  wait_for_preview (f->row);

  g_assert_cmpint (vd_image_row_get_preview_state (f->row), ==, VD_PREVIEW_WARNING);
  g_assert_cmpstr (vd_image_row_get_preview_text (f->row), ==,
                   "Only 40 × 40 pixels: the face must be at least 64 × 64.");
  /* Small images are shown as they are, not blown up. */
  assert_thumbnail_size (f->row, 40, 40);
  assert_suffix (f->row, FALSE, TRUE, TRUE);

  screenshot (f, "image-row-too-small");
}

static void
test_html_is_not_an_image (Fixture       *f,
                           gconstpointer  data)
{
  present (f);
  type_url (f, f->row, "/album.html");
  wait_for_preview (f->row);

  g_assert_cmpint (vd_image_row_get_preview_state (f->row), ==, VD_PREVIEW_WARNING);
  g_assert_cmpstr (vd_image_row_get_preview_text (f->row), ==, "Not an image (text/html).");
  g_assert_null (vd_image_row_get_thumbnail (f->row));
  assert_suffix (f->row, FALSE, FALSE, TRUE);

  screenshot (f, "image-row-not-an-image");
}

static void
test_over_2mb_warns (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *size = g_format_size (g_bytes_get_size (heavy_png));
  g_autofree char *expected =
    g_strdup_printf ("Over 2 MB (%s): the service may time out fetching it.", size);

  /* g_format_size puts a no-break space before the unit. */
  g_assert_cmpstr (size, ==, "3.2\u00a0MB");
  present (f);
  type_url (f, f->row, "/heavy.png");
  wait_for_preview (f->row);

  g_assert_cmpint (vd_image_row_get_preview_state (f->row), ==, VD_PREVIEW_WARNING);
  g_assert_cmpstr (vd_image_row_get_preview_text (f->row), ==, expected);
  /* Still read whole (it is within the cap), so it still has a thumbnail. */
  assert_thumbnail_size (f->row, 96, 96);
  assert_suffix (f->row, FALSE, TRUE, TRUE);

  screenshot (f, "image-row-over-2mb");
}

static void
test_beyond_cap_warns_from_content_length (Fixture       *f,
                                           gconstpointer  data)
{
  present (f);
  type_url (f, f->row, "/beyond-cap.jpg");
  wait_for_preview (f->row);

  g_assert_cmpint (vd_image_row_get_preview_state (f->row), ==, VD_PREVIEW_WARNING);
  /* Only the size is known, and said: not "not an image", since most of it was not read. */
  g_assert_cmpstr (vd_image_row_get_preview_text (f->row), ==,
                   "Over 2 MB (5.0\u00a0MB): the service may time out fetching it.");
  g_assert_null (vd_image_row_get_thumbnail (f->row));
  assert_suffix (f->row, FALSE, FALSE, TRUE);
}

static void
test_404_is_unreachable (Fixture       *f,
                         gconstpointer  data)
{
  present (f);
  type_url (f, f->row, "/gone.jpg");
  wait_for_preview (f->row);

  g_assert_cmpint (vd_image_row_get_preview_state (f->row), ==, VD_PREVIEW_WARNING);
  g_assert_cmpstr (vd_image_row_get_preview_text (f->row), ==,
                   "Cannot be reached from this computer: The server answered 404 Not Found. "
                   "The service fetches it itself, so check the address.");
  g_assert_null (vd_image_row_get_thumbnail (f->row));
  assert_suffix (f->row, FALSE, FALSE, TRUE);

  screenshot (f, "image-row-404");
}

static guint16
closed_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint16 port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any_port, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_assert_true (g_socket_close (socket, &error));
  return port;
}

static void
test_refused_is_unreachable (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/face.png", closed_port ());

  present (f);
  gtk_editable_set_text (GTK_EDITABLE (f->row), url);
  wait_for_preview (f->row);

  g_assert_cmpint (vd_image_row_get_preview_state (f->row), ==, VD_PREVIEW_WARNING);
  g_assert_cmpstr (vd_image_row_get_preview_text (f->row), ==,
                   "This computer cannot reach 127.0.0.1: the connection was refused. "
                   "The service fetches it itself, so check the address.");
  assert_suffix (f->row, FALSE, FALSE, TRUE);

  screenshot (f, "image-row-unreachable");
}

static void
test_edit_while_loading_cancels (Fixture       *f,
                                 gconstpointer  data)
{
  present (f);
  type_url (f, f->row, "/held.png");
  wait_for_hits (f, 1);
  g_assert_cmpint (vd_image_row_get_preview_state (f->row), ==, VD_PREVIEW_LOADING);
  assert_suffix (f->row, TRUE, FALSE, FALSE);
  screenshot (f, "image-row-loading");

  type_url (f, f->row, "/tiny.png");
  wait_for_preview (f->row);
  g_assert_cmpstr (vd_image_row_get_preview_text (f->row), ==,
                   "Only 40 × 40 pixels: the face must be at least 64 × 64.");

  /* The old answer arrives after all: a 640 × 480 image that must never show. */
  release_held (f);
  vd_ui_test_spin (300);
  g_assert_cmpint (vd_image_row_get_preview_state (f->row), ==, VD_PREVIEW_WARNING);
  g_assert_cmpstr (vd_image_row_get_preview_text (f->row), ==,
                   "Only 40 × 40 pixels: the face must be at least 64 × 64.");
  assert_thumbnail_size (f->row, 40, 40);
  g_assert_cmpuint (hits_for (f, "/held.png"), ==, 1);
  g_assert_cmpuint (hits_for (f, "/tiny.png"), ==, 1);
}

static void
test_quick_edits_fetch_once (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *url = url_for (f, "/face.png");
  guint i;

  present (f);
  /* Typing one character every 10 ms, much quicker than the pause that starts a fetch: from
   * "http://1" on each prefix is a fetchable URL, and without the pause each would be
   * requested. */
  vd_image_row_set_debounce_ms (f->row, 500);

  for (i = 1; url[i - 1] != '\0'; i++)
    {
      g_autofree char *typed = g_strndup (url, i);

      gtk_editable_set_text (GTK_EDITABLE (f->row), typed);
      vd_ui_test_spin (10);
    }
  g_assert_cmpuint (f->total_hits, ==, 0);
  g_assert_cmpint (vd_image_row_get_preview_state (f->row), ==, VD_PREVIEW_LOADING);

  wait_for_preview (f->row);
  g_assert_cmpint (vd_image_row_get_preview_state (f->row), ==, VD_PREVIEW_OK);
  g_assert_cmpuint (f->total_hits, ==, 1);
  g_assert_cmpstr (f->last_path, ==, "/face.png");
}

static void
test_not_a_url_fetches_nothing (Fixture       *f,
                                gconstpointer  data)
{
  const char *not_urls[] = { "face.jpg", "/home/operator/face.jpg", "file:///tmp/face.png",
                             "ftp://example.com/face.png", "" };
  guint i;

  present (f);
  for (i = 0; i < G_N_ELEMENTS (not_urls); i++)
    {
      gtk_editable_set_text (GTK_EDITABLE (f->row), not_urls[i]);
      g_assert_cmpint (vd_image_row_get_preview_state (f->row), ==, VD_PREVIEW_NONE);
      g_assert_cmpstr (vd_image_row_get_preview_text (f->row), ==, "");
      assert_suffix (f->row, FALSE, FALSE, FALSE);
    }

  vd_ui_test_spin (TEST_DEBOUNCE_MS * 5);
  g_assert_cmpint (vd_image_row_get_preview_state (f->row), ==, VD_PREVIEW_NONE);
  g_assert_cmpuint (f->total_hits, ==, 0);
}

static void
test_clearing_forgets_preview (Fixture       *f,
                               gconstpointer  data)
{
  guint thumbnail_notifies = 0;

  present (f);
  type_url (f, f->row, "/face.png");
  wait_for_preview (f->row);
  g_assert_nonnull (vd_image_row_get_thumbnail (f->row));
  g_signal_connect (f->row, "notify::thumbnail", G_CALLBACK (count_notify),
                    &thumbnail_notifies);

  gtk_editable_set_text (GTK_EDITABLE (f->row), "");

  g_assert_cmpint (vd_image_row_get_preview_state (f->row), ==, VD_PREVIEW_NONE);
  g_assert_null (vd_image_row_get_thumbnail (f->row));
  g_assert_cmpuint (thumbnail_notifies, ==, 1);
  assert_suffix (f->row, FALSE, FALSE, FALSE);
}

static void
test_without_session_fetches_nothing (Fixture       *f,
                                      gconstpointer  data)
{
  present (f);
  vd_image_row_set_session (f->row, NULL);
  type_url (f, f->row, "/face.png");
  vd_ui_test_spin (TEST_DEBOUNCE_MS * 5);
  g_assert_cmpint (vd_image_row_get_preview_state (f->row), ==, VD_PREVIEW_NONE);
  g_assert_cmpuint (f->total_hits, ==, 0);

  /* Given the session later, it previews what is already typed. */
  vd_image_row_set_session (f->row, f->session);
  g_assert_cmpint (vd_image_row_get_preview_state (f->row), ==, VD_PREVIEW_LOADING);
  wait_for_preview (f->row);
  g_assert_cmpint (vd_image_row_get_preview_state (f->row), ==, VD_PREVIEW_OK);
}

static gboolean
pointer_cleared (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static void
test_dispose_while_loading (Fixture       *f,
                            gconstpointer  data)
{
  gpointer row = f->row;

  present (f);
  g_object_add_weak_pointer (G_OBJECT (row), &row);
  type_url (f, f->row, "/held.png");
  wait_for_hits (f, 1);

  close_window (f);
  f->row = NULL;

  /* The cancelled fetch lets go of the row without any answer from the server. */
  vd_ui_test_wait_until (pointer_cleared, &row, WAIT_MS);
}

static void
test_gallery (Fixture       *f,
              gconstpointer  data)
{
  VdImageRow *tiny_row;
  VdImageRow *html_row;
  VdImageRow *loading_row;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (f->row), "Face photo URL");
  tiny_row = add_row (f, "ID card front URL", NULL);
  html_row = add_row (f, "ID card back URL", NULL);
  loading_row = add_row (f, "Spare photo URL", NULL);
  present (f);

  type_url (f, f->row, "/face.png");
  type_url (f, tiny_row, "/tiny.png");
  type_url (f, html_row, "/album.html");
  type_url (f, loading_row, "/held.png");
  wait_for_preview (f->row);
  wait_for_preview (tiny_row);
  wait_for_preview (html_row);
  g_assert_cmpint (vd_image_row_get_preview_state (f->row), ==, VD_PREVIEW_OK);
  g_assert_cmpint (vd_image_row_get_preview_state (tiny_row), ==, VD_PREVIEW_WARNING);
  g_assert_cmpint (vd_image_row_get_preview_state (html_row), ==, VD_PREVIEW_WARNING);
  g_assert_cmpint (vd_image_row_get_preview_state (loading_row), ==, VD_PREVIEW_LOADING);

  screenshot (f, "image-row-gallery");
}

int
main (int    argc,
      char **argv)
{
  int status;

  vd_ui_test_init (&argc, &argv);
  /* Screenshots show settled states, not a title halfway through its focus animation. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  face_png = make_png (640, 480, FALSE);
  tiny_png = make_png (40, 40, FALSE);
  heavy_png = make_png (1024, 1024, TRUE);
  beyond_cap = make_filler (BEYOND_CAP_SIZE);
  html_bytes = g_bytes_new_static (html_page, strlen (html_page));

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/image-row/image-ok", test_image_ok);
  ADD ("/image-row/small-image-warns", test_small_image_warns);
  ADD ("/image-row/html-is-not-an-image", test_html_is_not_an_image);
  ADD ("/image-row/over-2mb-warns", test_over_2mb_warns);
  ADD ("/image-row/beyond-cap-warns-from-content-length",
       test_beyond_cap_warns_from_content_length);
  ADD ("/image-row/404-is-unreachable", test_404_is_unreachable);
  ADD ("/image-row/refused-is-unreachable", test_refused_is_unreachable);
  ADD ("/image-row/edit-while-loading-cancels", test_edit_while_loading_cancels);
  ADD ("/image-row/quick-edits-fetch-once", test_quick_edits_fetch_once);
  ADD ("/image-row/not-a-url-fetches-nothing", test_not_a_url_fetches_nothing);
  ADD ("/image-row/clearing-forgets-preview", test_clearing_forgets_preview);
  ADD ("/image-row/without-session-fetches-nothing", test_without_session_fetches_nothing);
  ADD ("/image-row/dispose-while-loading", test_dispose_while_loading);
  ADD ("/image-row/gallery", test_gallery);

#undef ADD

  status = g_test_run ();

  g_bytes_unref (face_png);
  g_bytes_unref (tiny_png);
  g_bytes_unref (heavy_png);
  g_bytes_unref (beyond_cap);
  g_bytes_unref (html_bytes);
  return status;
}
