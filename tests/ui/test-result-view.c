/* The result view and its widgets, driven in-process under Xvfb with real verifications: a
 * VdDesk in training mode answers the sample customers through its simulator, so every state
 * below comes from the same path the window uses. */

#include "config.h"

#include <locale.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gi18n-lib.h>

#include "vd-desk.h"
#include "vd-result-view.h"
#include "vd-sample-customers.h"
#include "vd-ui-test-util.h"
#include "vd-verification-private.h"

#define VERIFY_TIMEOUT_MS 15000
#define DRAW_TIMEOUT_MS   5000
#define WINDOW_WIDTH      560
#define WINDOW_HEIGHT     1000

#define FACE_URL  "https://photos.example.com/face.jpg"
#define FRONT_URL "https://photos.example.com/front.jpg"
#define BACK_URL  "https://photos.example.com/back.jpg"

/* Rule 5 of the sample rules: a valid number outside the table passes. Born in 1949, so the
 * simulator reads a long-term (长期) card. */
#define LONG_TERM_NAME   "张三"
#define LONG_TERM_NUMBER "11010519491231002X"

typedef struct {
  VdDesk       *desk;
  GtkWidget    *window;
  AdwToastOverlay *overlay;
  VdResultView *view;
  guint         resubmits;
  guint         preferences;
} Fixture;

/* --- the window --- */

static void
on_resubmit (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  Fixture *fixture = user_data;

  fixture->resubmits++;
}

static void
on_preferences (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  Fixture *fixture = user_data;

  fixture->preferences++;
}

/* The actions the real window and application provide, so the banner's buttons can be pressed
 * and counted. */
static void
add_actions (Fixture *fixture)
{
  static const GActionEntry win_entries[] = { { "resubmit", on_resubmit } };
  static const GActionEntry app_entries[] = { { "preferences", on_preferences } };
  g_autoptr(GSimpleActionGroup) win = g_simple_action_group_new ();
  g_autoptr(GSimpleActionGroup) app = g_simple_action_group_new ();

  g_action_map_add_action_entries (G_ACTION_MAP (win), win_entries, 1, fixture);
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_entries, 1, fixture);
  gtk_widget_insert_action_group (fixture->window, "win", G_ACTION_GROUP (win));
  gtk_widget_insert_action_group (fixture->window, "app", G_ACTION_GROUP (app));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *overlay = adw_toast_overlay_new ();

  fixture->desk = vd_desk_new (NULL);
  g_assert_true (vd_desk_set_training (fixture->desk, TRUE, &error));
  g_assert_no_error (error);

  fixture->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), WINDOW_WIDTH, WINDOW_HEIGHT);
  fixture->overlay = ADW_TOAST_OVERLAY (overlay);
  fixture->view = VD_RESULT_VIEW (vd_result_view_new ());
  adw_toast_overlay_set_child (fixture->overlay, GTK_WIDGET (fixture->view));
  gtk_window_set_child (GTK_WINDOW (fixture->window), overlay);
  add_actions (fixture);

  gtk_window_present (GTK_WINDOW (fixture->window));
  gtk_test_widget_wait_for_draw (fixture->window);
}

static gboolean
view_is_finalized (gpointer data)
{
  Fixture *fixture = data;

  return fixture->view == NULL;
}

/* The view and everything it holds go with the window: no widget keeps a reference cycle. */
static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_DEFAULT);
  g_object_add_weak_pointer (G_OBJECT (fixture->view), (gpointer *) &fixture->view);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  vd_ui_test_wait_until (view_is_finalized, fixture, DRAW_TIMEOUT_MS);
  g_assert_finalize_object (fixture->desk);
}

static gboolean
view_is_drawn (gpointer data)
{
  gboolean *drawn = data;

  return *drawn;
}

static void
on_frame (GdkFrameClock *clock,
          gpointer       user_data)
{
  gboolean *drawn = user_data;

  *drawn = TRUE;
}

/* Waits for the frame after a change, so a screenshot shows the new state. */
static void
wait_for_frame (Fixture *fixture)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (fixture->window);
  gboolean drawn = FALSE;
  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_frame), &drawn);

  gtk_widget_queue_draw (fixture->window);
  vd_ui_test_wait_until (view_is_drawn, &drawn, DRAW_TIMEOUT_MS);
  g_signal_handler_disconnect (clock, handler);
}

/* Screenshots are named for the state, with the language when it is not English, so one run
 * per language leaves them side by side. */
static void
screenshot (Fixture    *fixture,
            const char *state)
{
  const char *language = g_getenv ("LANGUAGE");
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  if (language != NULL && *language != '\0' && !g_str_has_prefix (language, "en"))
    name = g_strdup_printf ("result-%s-%s", state, language);
  else
    name = g_strdup_printf ("result-%s", state);

  wait_for_frame (fixture);
  path = vd_ui_test_screenshot (fixture->window, name);
  g_test_message ("screenshot: %s", path);
}

/* Scrolls the view so that @widget is at the top of what is shown (the window is at most as
 * tall as the screen, so the lower parts of a long result are seen by scrolling). */
static void
scroll_to (Fixture   *fixture,
           GtkWidget *widget)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;
  graphene_point_t point;

  g_assert_nonnull (scroller);
  wait_for_frame (fixture);
  g_assert_true (gtk_widget_compute_point (widget,
                                           gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller)),
                                           &GRAPHENE_POINT_INIT (0, 0), &point));
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  gtk_adjustment_set_value (adjustment, point.y - 12);
}

static void
screenshot_dark (Fixture    *fixture,
                 const char *state)
{
  g_autofree char *name = g_strconcat (state, "-dark", NULL);

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  screenshot (fixture, name);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_DEFAULT);
}

/* --- verifications --- */

typedef struct {
  VdVerification *verification;
  gboolean        done;
} VerifyWait;

static void
on_verified (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  VerifyWait *wait = user_data;
  g_autoptr(GError) error = NULL;

  wait->verification = vd_desk_verify_finish (VD_DESK (source), result, &error);
  g_assert_no_error (error);
  wait->done = TRUE;
}

static gboolean
verify_is_done (gpointer data)
{
  VerifyWait *wait = data;

  return wait->done;
}

static VdVerification *
verify_with (VdDesk     *desk,
             const char *name,
             const char *id_number,
             gboolean    with_cards)
{
  g_autoptr(VdVerifyRequest) request = vd_verify_request_new_task (NULL);
  VerifyWait wait = { NULL, FALSE };

  request->name = g_strdup (name);
  request->id_number = g_strdup (id_number);
  request->face_url = g_strdup (FACE_URL);
  if (with_cards)
    {
      request->front_url = g_strdup (FRONT_URL);
      request->back_url = g_strdup (BACK_URL);
    }

  vd_desk_verify_async (desk, request, NULL, on_verified, &wait);
  vd_ui_test_wait_until (verify_is_done, &wait, VERIFY_TIMEOUT_MS);
  g_assert_nonnull (wait.verification);
  return wait.verification;
}

static const VdSampleCustomer *
sample_with_status (int status)
{
  guint n_customers;
  const VdSampleCustomer *customers = vd_sample_customers (&n_customers);

  for (guint i = 0; i < n_customers; i++)
    {
      if (customers[i].status == status)
        return &customers[i];
    }

  g_error ("no sample customer with status %d", status);
  return NULL;
}

/* Verifies the sample customer with @status (card photos sent) and shows it. */
static VdVerification *
show_sample (Fixture *fixture,
             int      status)
{
  const VdSampleCustomer *customer = sample_with_status (status);
  VdVerification *verification = verify_with (fixture->desk, customer->name,
                                              customer->id_number, TRUE);

  vd_result_view_set_verification (fixture->view, verification);
  return verification;
}

/* --- what the banner shows --- */

static void
assert_banner (Fixture         *fixture,
               VdVerification  *verification,
               VdSeverity       severity,
               const char      *style_class,
               const char      *icon_name)
{
  VdStatusBanner *banner = vd_result_view_get_banner (fixture->view);

  g_assert_false (vd_result_view_get_is_empty (fixture->view));
  g_assert_cmpint (verification->verdict->severity, ==, severity);
  g_assert_cmpint (vd_status_banner_get_severity (banner), ==, severity);
  g_assert_cmpstr (vd_status_banner_get_style_class (banner), ==, style_class);
  g_assert_cmpstr (vd_status_banner_get_icon_name (banner), ==, icon_name);
  g_assert_cmpstr (vd_status_banner_get_title (banner), ==, verification->verdict->title);
  g_assert_cmpstr (vd_status_banner_get_explanation (banner), ==,
                   verification->verdict->explanation);
  g_assert_cmpstr (vd_status_banner_get_next_step (banner), ==,
                   verification->verdict->next_step);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (banner)));
  g_assert_cmpint (gtk_widget_get_visible (vd_status_banner_get_resubmit_button (banner)), ==,
                   verification->verdict->can_resubmit);
  g_assert_cmpint (gtk_widget_get_visible (vd_status_banner_get_preferences_button (banner)), ==,
                   verification->verdict->open_preferences);
}

static gboolean
resubmitted_once (gpointer data)
{
  Fixture *fixture = data;

  return fixture->resubmits == 1;
}

static gboolean
preferences_opened_once (gpointer data)
{
  Fixture *fixture = data;

  return fixture->preferences == 1;
}

/* --- tests --- */

static void
test_empty (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_assert_true (vd_result_view_get_is_empty (fixture->view));
  g_assert_null (vd_result_view_get_verification (fixture->view));
  screenshot (fixture, "empty");
}

static void
test_pass (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(VdVerification) verification = show_sample (fixture, 1);
  VdScoreMeter *meter = vd_result_view_get_score_meter (fixture->view);
  VdScoreMeter *card_face = vd_result_view_get_card_face_meter (fixture->view);
  VdVerifyResult *result = verification->result;
  VdStatusBanner *banner = vd_result_view_get_banner (fixture->view);
  g_autofree char *band = vd_score_describe (97);
  g_autofree char *card_face_band = NULL;

  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_PASSED);
  assert_banner (fixture, verification, VD_SEVERITY_PASSED, "vd-passed", "emblem-ok-symbolic");
  g_assert_cmpstr (vd_status_banner_get_title (banner), ==, _("Passed"));
  g_assert_true (g_str_has_prefix (vd_status_banner_get_explanation (banner), "VerifyStatus 1"));
  g_assert_false (gtk_widget_get_visible (vd_status_banner_get_resubmit_button (banner)));
  g_assert_false (gtk_widget_get_visible (vd_status_banner_get_preferences_button (banner)));

  g_assert_true (vd_result_view_get_shows_simulated_tag (fixture->view));
  g_assert_true (vd_result_view_get_shows_scores (fixture->view));
  g_assert_true (vd_score_meter_get_has_value (meter));
  g_assert_cmpfloat (vd_score_meter_get_value (meter), ==, 97);
  g_assert_cmpstr (vd_score_meter_get_text (meter), ==, band);
  g_assert_cmpstr (vd_result_view_get_score_text (fixture->view), ==, band);

  /* The front of the card was sent: the card-face score comes back, on its own meter. */
  g_assert_true (result->has_card_face_score);
  g_assert_true (vd_result_view_get_shows_card_face_score (fixture->view));
  g_assert_cmpfloat (vd_score_meter_get_value (card_face), ==, result->card_face_score);
  card_face_band = vd_score_describe (result->card_face_score);
  g_assert_cmpstr (vd_result_view_get_card_face_score_text (fixture->view), ==, card_face_band);

  g_assert_true (vd_result_view_get_shows_ocr (fixture->view));
  g_assert_true (vd_ocr_card_get_has_card (vd_result_view_get_ocr_card (fixture->view)));
  g_assert_cmpint (vd_ocr_card_get_mismatch_fields (vd_result_view_get_ocr_card (fixture->view)),
                   ==, VD_OCR_FIELD_NONE);
  g_assert_cmpint (vd_ocr_card_get_expiry_state (vd_result_view_get_ocr_card (fixture->view)),
                   ==, VD_OCR_EXPIRY_VALID);

  screenshot (fixture, "pass");
  screenshot_dark (fixture, "pass");
  scroll_to (fixture, GTK_WIDGET (vd_result_view_get_ocr_card (fixture->view)));
  screenshot (fixture, "pass-card");
}

static void
test_fix_and_resubmit (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(VdVerification) verification = show_sample (fixture, 8);
  VdStatusBanner *banner = vd_result_view_get_banner (fixture->view);
  GtkWidget *resubmit = vd_status_banner_get_resubmit_button (banner);

  assert_banner (fixture, verification, VD_SEVERITY_FIX_AND_RESUBMIT, "vd-fix-and-resubmit",
                 "dialog-warning-symbolic");
  g_assert_cmpstr (vd_status_banner_get_title (banner), ==, _("Fix and resubmit"));
  g_assert_true (gtk_widget_get_visible (resubmit));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (resubmit)), ==,
                   "win.resubmit");
  g_assert_true (vd_result_view_get_shows_scores (fixture->view));

  screenshot (fixture, "fix-and-resubmit");

  g_assert_true (gtk_widget_activate (resubmit));
  vd_ui_test_wait_until (resubmitted_once, fixture, DRAW_TIMEOUT_MS);
  g_assert_cmpuint (fixture->preferences, ==, 0);
}

static void
test_not_passed (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(VdVerification) verification = show_sample (fixture, 2);
  VdStatusBanner *banner = vd_result_view_get_banner (fixture->view);
  g_autofree char *band = vd_score_describe (72);

  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_NOT_PASSED);
  assert_banner (fixture, verification, VD_SEVERITY_NOT_PASSED, "vd-not-passed",
                 "dialog-error-symbolic");
  g_assert_cmpstr (vd_status_banner_get_title (banner), ==, _("Not passed"));
  g_assert_true (g_str_has_prefix (vd_status_banner_get_explanation (banner), "VerifyStatus 2"));
  g_assert_false (gtk_widget_get_visible (vd_status_banner_get_resubmit_button (banner)));
  g_assert_cmpstr (vd_result_view_get_score_text (fixture->view), ==, band);

  screenshot (fixture, "not-passed");
  screenshot_dark (fixture, "not-passed");
}

static void
test_service_problem (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(VdVerification) verification = show_sample (fixture, 13);
  VdStatusBanner *banner = vd_result_view_get_banner (fixture->view);
  VdScoreMeter *meter = vd_result_view_get_score_meter (fixture->view);

  assert_banner (fixture, verification, VD_SEVERITY_SERVICE_PROBLEM, "vd-service-problem",
                 "computer-fail-symbolic");
  g_assert_cmpstr (vd_status_banner_get_title (banner), ==, _("Service problem"));
  g_assert_true (gtk_widget_get_visible (vd_status_banner_get_resubmit_button (banner)));

  /* Status 13 carries no score: the meter draws its scale alone and the words say so. */
  g_assert_false (verification->result->has_score);
  g_assert_true (vd_result_view_get_shows_scores (fixture->view));
  g_assert_false (vd_score_meter_get_has_value (meter));
  g_assert_cmpstr (vd_result_view_get_score_text (fixture->view), ==,
                   _("No score: the answer carries none."));

  screenshot (fixture, "service-problem");
}

static void
test_identity_error (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(VdVerification) verification = show_sample (fixture, 3103);
  VdStatusBanner *banner = vd_result_view_get_banner (fixture->view);

  g_assert_nonnull (verification->result);
  g_assert_cmpint (verification->result->kind, ==, VD_ANSWER_IDENTITY_ERROR);
  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_NOT_PASSED);
  /* The seed's 3103 is a number to correct: amber, with Resubmit. */
  assert_banner (fixture, verification, VD_SEVERITY_FIX_AND_RESUBMIT, "vd-fix-and-resubmit",
                 "dialog-warning-symbolic");
  g_assert_true (gtk_widget_get_visible (vd_status_banner_get_resubmit_button (banner)));
  g_assert_true (g_str_has_prefix (vd_status_banner_get_explanation (banner), "Error 3103"));

  /* An identity error carries no score, no OCR and no VerifyToken. */
  g_assert_false (vd_result_view_get_shows_scores (fixture->view));
  g_assert_false (vd_result_view_get_shows_ocr (fixture->view));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (vd_result_view_get_verify_token_row (fixture->view))));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (vd_result_view_get_request_id_row (fixture->view))));
  g_assert_cmpstr (vd_copy_row_get_value (vd_result_view_get_request_id_row (fixture->view)), ==,
                   verification->result->request_id);

  screenshot (fixture, "identity-error-3103");
}

/* A desk outside training mode, with a client pointed at a simulator of the test's own that
 * does not know the key. */
static void
test_gateway_error (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(VdSimulator) simulator = vd_simulator_new ();
  g_autoptr(VdCloudauthClient) client = vd_cloudauth_client_new ();
  g_autoptr(VdDesk) desk = NULL;
  g_autoptr(VdCredentials) credentials = NULL;
  g_autoptr(VdVerification) verification = NULL;
  g_autoptr(GError) error = NULL;
  VdStatusBanner *banner = vd_result_view_get_banner (fixture->view);
  GtkWidget *preferences;

  g_assert_true (vd_simulator_listen (simulator, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vd_cloudauth_client_set_endpoint (client, vd_simulator_get_url (simulator),
                                                   &error));
  g_assert_no_error (error);
  desk = vd_desk_new (client);
  credentials = vd_credentials_new ("LTAI5tNoSuchKeyAtAll0000", "WrongSecretWrongSecretWrong0000",
                                    NULL);
  vd_desk_set_credentials (desk, credentials);

  verification = verify_with (desk, LONG_TERM_NAME, LONG_TERM_NUMBER, TRUE);
  vd_result_view_set_verification (fixture->view, verification);

  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_ERROR);
  g_assert_nonnull (verification->result);
  g_assert_cmpint (verification->result->kind, ==, VD_ANSWER_GATEWAY_ERROR);
  assert_banner (fixture, verification, VD_SEVERITY_SERVICE_PROBLEM, "vd-service-problem",
                 "computer-fail-symbolic");
  preferences = vd_status_banner_get_preferences_button (banner);
  g_assert_true (gtk_widget_get_visible (preferences));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (preferences)), ==,
                   "app.preferences");
  g_assert_false (vd_result_view_get_shows_simulated_tag (fixture->view));
  g_assert_false (vd_result_view_get_shows_scores (fixture->view));
  g_assert_false (vd_result_view_get_shows_ocr (fixture->view));
  g_assert_cmpstr (vd_copy_row_get_value (vd_result_view_get_biz_id_row (fixture->view)), ==,
                   verification->request->biz_id);

  screenshot (fixture, "gateway-error");

  g_assert_true (gtk_widget_activate (preferences));
  vd_ui_test_wait_until (preferences_opened_once, fixture, DRAW_TIMEOUT_MS);
  g_assert_cmpuint (fixture->resubmits, ==, 0);

  vd_simulator_disconnect (simulator);
}

static void
test_outcome_unknown (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(VdVerification) verification = NULL;
  VdStatusBanner *banner = vd_result_view_get_banner (fixture->view);

  vd_simulator_push_fault (vd_desk_get_simulator (fixture->desk), VD_FAULT_RESET, 0);
  verification = show_sample (fixture, 1);

  g_assert_cmpint (verification->outcome, ==, VD_OUTCOME_UNKNOWN);
  g_assert_null (verification->result);
  assert_banner (fixture, verification, VD_SEVERITY_UNKNOWN, "vd-unknown",
                 "dialog-question-symbolic");
  g_assert_cmpstr (vd_status_banner_get_title (banner), ==, _("Outcome unknown"));
  g_assert_true (gtk_widget_get_visible (vd_status_banner_get_resubmit_button (banner)));

  /* No answer: only the task's BizId, to resubmit or to quote. */
  g_assert_false (vd_result_view_get_shows_scores (fixture->view));
  g_assert_false (vd_result_view_get_shows_ocr (fixture->view));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (vd_result_view_get_verify_token_row (fixture->view))));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (vd_result_view_get_request_id_row (fixture->view))));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (vd_result_view_get_biz_id_row (fixture->view))));
  g_assert_cmpstr (vd_copy_row_get_value (vd_result_view_get_biz_id_row (fixture->view)), ==,
                   verification->request->biz_id);

  screenshot (fixture, "outcome-unknown");
}

static void
test_unknown_status (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(VdVerification) verification = NULL;
  VdStatusBanner *banner = vd_result_view_get_banner (fixture->view);

  vd_simulator_push_fault (vd_desk_get_simulator (fixture->desk), VD_FAULT_STATUS, 42);
  verification = show_sample (fixture, 1);

  g_assert_nonnull (verification->result);
  g_assert_cmpint (verification->result->verify_status, ==, 42);
  assert_banner (fixture, verification, VD_SEVERITY_UNKNOWN, "vd-unknown",
                 "dialog-question-symbolic");
  g_assert_cmpstr (vd_status_banner_get_title (banner), ==, _("Unknown status"));
  g_assert_nonnull (strstr (vd_status_banner_get_explanation (banner), "42"));

  screenshot (fixture, "unknown-status");
}

static void
test_ocr_name_mismatch (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(VdVerification) verification = show_sample (fixture, 3);
  VdOcrCard *card = vd_result_view_get_ocr_card (fixture->view);
  const char *read_name = verification->result->id_card->name;
  g_autofree char *expected = NULL;

  g_assert_cmpstr (read_name, !=, verification->request->name);
  g_assert_cmpint (vd_ocr_card_get_mismatch_fields (card), ==, VD_OCR_FIELD_NAME);
  expected = g_strdup_printf (_("Card: %s · Typed: %s"), read_name, verification->request->name);
  g_assert_cmpstr (vd_ocr_card_get_field_text (card, VD_OCR_FIELD_NAME), ==, expected);

  scroll_to (fixture, GTK_WIDGET (card));
  screenshot (fixture, "ocr-name-mismatch");
}

static void
test_ocr_number_mismatch (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(VdVerification) verification = show_sample (fixture, 4);
  VdOcrCard *card = vd_result_view_get_ocr_card (fixture->view);
  g_autofree char *read_masked = vd_id_number_mask (verification->result->id_card->number);
  g_autofree char *typed_masked = vd_id_number_mask (verification->request->id_number);
  g_autofree char *expected = NULL;

  g_assert_cmpstr (verification->result->id_card->number, !=, verification->request->id_number);
  g_assert_cmpint (vd_ocr_card_get_mismatch_fields (card), ==, VD_OCR_FIELD_NUMBER);
  /* Both numbers stay masked; the simulator's misread digit is one the mask keeps. */
  g_assert_cmpstr (read_masked, !=, typed_masked);
  expected = g_strdup_printf (_("Card: %s · Typed: %s"), read_masked, typed_masked);
  g_assert_cmpstr (vd_ocr_card_get_field_text (card, VD_OCR_FIELD_NUMBER), ==, expected);
  g_assert_null (strstr (vd_ocr_card_get_field_text (card, VD_OCR_FIELD_NUMBER),
                         verification->request->id_number));

  scroll_to (fixture, GTK_WIDGET (card));
  screenshot (fixture, "ocr-number-mismatch");
}

static void
test_ocr_expired (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(VdVerification) verification = show_sample (fixture, 5);
  VdOcrCard *card = vd_result_view_get_ocr_card (fixture->view);
  const char *end_date = verification->result->id_card->end_date;
  g_autofree char *expected = NULL;

  g_assert_nonnull (end_date);
  g_assert_cmpint (vd_ocr_card_get_expiry_state (card), ==, VD_OCR_EXPIRY_EXPIRED);
  g_assert_cmpint (vd_ocr_card_get_mismatch_fields (card), ==, VD_OCR_FIELD_NONE);
  expected = g_strdup_printf (_("%s — this card has expired"), end_date);
  g_assert_cmpstr (vd_ocr_card_get_field_text (card, VD_OCR_FIELD_END_DATE), ==, expected);

  scroll_to (fixture, GTK_WIDGET (card));
  screenshot (fixture, "ocr-expired");
}

/* The same real card judged on a day ten days before its end. */
static void
test_ocr_expiring_soon (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(VdVerification) verification = show_sample (fixture, 1);
  VdOcrCard *card = vd_result_view_get_ocr_card (fixture->view);
  const char *end_date = verification->result->id_card->end_date;
  g_autoptr(GDateTime) end = NULL;
  g_autoptr(GDateTime) day = NULL;
  g_autofree char *iso = NULL;
  g_autofree char *expected = NULL;

  g_assert_cmpint (vd_ocr_card_get_expiry_state (card), ==, VD_OCR_EXPIRY_VALID);
  g_assert_cmpstr (vd_ocr_card_get_field_text (card, VD_OCR_FIELD_END_DATE), ==, end_date);

  iso = g_strconcat (end_date, "T12:00:00Z", NULL);
  end = g_date_time_new_from_iso8601 (iso, NULL);
  g_assert_nonnull (end);

  day = g_date_time_add_days (end, -10);
  vd_ocr_card_set_today (card, day);
  g_assert_cmpint (vd_ocr_card_get_expiry_state (card), ==, VD_OCR_EXPIRY_SOON);
  expected = g_strdup_printf (ngettext ("%s — this card expires in %d day",
                                        "%s — this card expires in %d days", 10),
                              end_date, 10);
  g_assert_cmpstr (vd_ocr_card_get_field_text (card, VD_OCR_FIELD_END_DATE), ==, expected);
  scroll_to (fixture, GTK_WIDGET (card));
  screenshot (fixture, "ocr-expiring-soon");

  /* 31 days before: outside the warning. */
  g_clear_pointer (&day, g_date_time_unref);
  day = g_date_time_add_days (end, -(VD_OCR_EXPIRY_WARNING_DAYS + 1));
  vd_ocr_card_set_today (card, day);
  g_assert_cmpint (vd_ocr_card_get_expiry_state (card), ==, VD_OCR_EXPIRY_VALID);

  /* The end date itself is the last valid day; the day after, the card has expired. */
  vd_ocr_card_set_today (card, end);
  g_assert_cmpint (vd_ocr_card_get_expiry_state (card), ==, VD_OCR_EXPIRY_SOON);
  g_clear_pointer (&day, g_date_time_unref);
  day = g_date_time_add_days (end, 1);
  vd_ocr_card_set_today (card, day);
  g_assert_cmpint (vd_ocr_card_get_expiry_state (card), ==, VD_OCR_EXPIRY_EXPIRED);
}

static void
test_ocr_long_term (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(VdVerification) verification = verify_with (fixture->desk, LONG_TERM_NAME,
                                                        LONG_TERM_NUMBER, TRUE);
  VdOcrCard *card = vd_result_view_get_ocr_card (fixture->view);
  g_autoptr(GDateTime) far_future = g_date_time_new_utc (2300, 1, 1, 0, 0, 0);

  vd_result_view_set_verification (fixture->view, verification);

  g_assert_true (verification->result->id_card->no_expiry);
  g_assert_cmpint (vd_ocr_card_get_expiry_state (card), ==, VD_OCR_EXPIRY_LONG_TERM);
  g_assert_cmpstr (vd_ocr_card_get_field_text (card, VD_OCR_FIELD_END_DATE), ==, _("Long-term"));

  /* Never flagged, whatever the day. */
  vd_ocr_card_set_today (card, far_future);
  g_assert_cmpint (vd_ocr_card_get_expiry_state (card), ==, VD_OCR_EXPIRY_LONG_TERM);

  scroll_to (fixture, GTK_WIDGET (card));
  screenshot (fixture, "ocr-long-term");
}

static void
test_no_ocr (Fixture       *fixture,
             gconstpointer  user_data)
{
  const VdSampleCustomer *customer = sample_with_status (1);
  g_autoptr(VdVerification) verification = verify_with (fixture->desk, customer->name,
                                                        customer->id_number, FALSE);
  VdOcrCard *card = vd_result_view_get_ocr_card (fixture->view);

  vd_result_view_set_verification (fixture->view, verification);

  g_assert_null (verification->result->id_card);
  g_assert_true (vd_result_view_get_shows_ocr (fixture->view));
  g_assert_false (vd_ocr_card_get_has_card (card));
  g_assert_cmpstr (vd_ocr_card_get_missing_text (card), ==,
                   _("No card was read: the card photos were not sent, or the service could "
                     "not read them."));
  g_assert_cmpint (vd_ocr_card_get_mismatch_fields (card), ==, VD_OCR_FIELD_NONE);
  g_assert_cmpint (vd_ocr_card_get_expiry_state (card), ==, VD_OCR_EXPIRY_UNKNOWN);
  /* No front photo, no card-face score. */
  g_assert_false (vd_result_view_get_shows_card_face_score (fixture->view));

  scroll_to (fixture, GTK_WIDGET (card));
  screenshot (fixture, "no-ocr");
}

typedef struct {
  char     *text;
  gboolean  done;
} ClipboardRead;

static void
on_clipboard_read (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ClipboardRead *read = user_data;
  g_autoptr(GError) error = NULL;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
  read->done = TRUE;
}

static gboolean
clipboard_is_read (gpointer data)
{
  ClipboardRead *read = data;

  return read->done;
}

static char *
read_clipboard (GtkWidget *widget)
{
  ClipboardRead read = { NULL, FALSE };

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, on_clipboard_read,
                                 &read);
  vd_ui_test_wait_until (clipboard_is_read, &read, DRAW_TIMEOUT_MS);
  return read.text;
}

static void
test_copy_rows (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(VdVerification) verification = show_sample (fixture, 1);
  VdCopyRow *token = vd_result_view_get_verify_token_row (fixture->view);
  VdCopyRow *request_id = vd_result_view_get_request_id_row (fixture->view);
  VdCopyRow *biz_id = vd_result_view_get_biz_id_row (fixture->view);
  g_autofree char *copied = NULL;

  scroll_to (fixture, GTK_WIDGET (token));
  screenshot (fixture, "copy-rows");

  g_assert_nonnull (verification->result->verify_token);
  g_assert_cmpstr (vd_copy_row_get_value (token), ==, verification->result->verify_token);
  g_assert_cmpstr (vd_copy_row_get_value (request_id), ==, verification->result->request_id);
  g_assert_cmpstr (vd_copy_row_get_value (biz_id), ==, verification->request->biz_id);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (token)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (request_id)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (biz_id)));

  /* The button copies the row's value. */
  g_assert_true (gtk_widget_activate (vd_copy_row_get_copy_button (biz_id)));
  vd_ui_test_spin (400);
  copied = read_clipboard (GTK_WIDGET (biz_id));
  g_assert_cmpstr (copied, ==, verification->request->biz_id);
  g_clear_pointer (&copied, g_free);

  vd_copy_row_copy (token);
  copied = read_clipboard (GTK_WIDGET (token));
  g_assert_cmpstr (copied, ==, verification->result->verify_token);
}

/* Without a toast overlay up the tree, the copy button's tooltip confirms the copy. */
static void
test_copy_row_without_overlay (Fixture       *fixture,
                               gconstpointer  user_data)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *list = gtk_list_box_new ();
  VdCopyRow *row = VD_COPY_ROW (vd_copy_row_new ("BizId"));
  GtkWidget *button = vd_copy_row_get_copy_button (row);
  g_autofree char *copied = NULL;

  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (row));
  gtk_window_set_child (GTK_WINDOW (window), list);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (window);

  /* No value: nothing to copy, the button is off. */
  g_assert_false (gtk_widget_get_sensitive (button));
  vd_copy_row_set_value (row, "biz-0001");
  g_assert_true (gtk_widget_get_sensitive (button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, _("Copy"));

  vd_copy_row_copy (row);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, _("Copied"));
  copied = read_clipboard (window);
  g_assert_cmpstr (copied, ==, "biz-0001");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_meter_accessible (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(VdVerification) verification = show_sample (fixture, 1);
  VdScoreMeter *meter = vd_result_view_get_score_meter (fixture->view);
  g_autofree char *band = vd_score_describe (97);
  g_autofree char *other_band = vd_score_describe (61.5);

  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (meter), GTK_ACCESSIBLE_ROLE_METER);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (meter),
                                       GTK_ACCESSIBLE_PROPERTY_VALUE_MIN, 0.0);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (meter),
                                       GTK_ACCESSIBLE_PROPERTY_VALUE_MAX, 100.0);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (meter),
                                       GTK_ACCESSIBLE_PROPERTY_VALUE_NOW, 97.0);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (meter),
                                       GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, band);
  g_assert_true (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (meter),
                                                   GTK_ACCESSIBLE_RELATION_LABELLED_BY));
  g_assert_true (verification->result->has_score);

  /* A change reaches assistive technologies at once. */
  vd_score_meter_set_value (meter, 61.5);
  g_assert_cmpfloat (vd_score_meter_get_value (meter), ==, 61.5);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (meter),
                                       GTK_ACCESSIBLE_PROPERTY_VALUE_NOW, 61.5);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (meter),
                                       GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, other_band);

  vd_score_meter_set_has_value (meter, FALSE);
  g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (meter),
                                                    GTK_ACCESSIBLE_PROPERTY_VALUE_NOW));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (meter),
                                       GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT,
                                       _("No score: the answer carries none."));
}

/* A service that misbehaves: a score outside 0–100 is not placed on the scale, and the words
 * say it is not valid. Built by hand, as no simulator answers it. */
static void
test_invalid_score (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(VdVerification) verification = vd_verification_new ();
  g_autoptr(VdVerifyResult) result = vd_verify_result_new (VD_ANSWER_VERDICT);
  g_autofree char *expected = vd_score_describe (150);

  result->verify_status = 1;
  result->has_score = TRUE;
  result->score = 150;
  result->request_id = g_strdup ("6B4C0C4E-0000-4000-8000-000000000001");
  verification->request = vd_verify_request_new_task (NULL);
  verification->result = vd_verify_result_ref (result);
  verification->verdict = vd_verdict_for_result (result);
  verification->outcome = verification->verdict->outcome;

  vd_result_view_set_verification (fixture->view, verification);

  g_assert_true (vd_result_view_get_shows_scores (fixture->view));
  g_assert_false (vd_score_meter_get_has_value (vd_result_view_get_score_meter (fixture->view)));
  g_assert_cmpstr (vd_result_view_get_score_text (fixture->view), ==, expected);
  g_assert_false (vd_result_view_get_shows_simulated_tag (fixture->view));
  /* The answer had no VerifyToken: the row says so rather than being blank. */
  g_assert_null (vd_copy_row_get_value (vd_result_view_get_verify_token_row (fixture->view)));
}

/* Down to 360 px wide (a phone, or a narrow window where the result follows the form): nothing
 * forces the window wider, and the longest values wrap. */
static void
test_narrow (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(VdVerification) verification = show_sample (fixture, 3);

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, WINDOW_HEIGHT);
  wait_for_frame (fixture);
  wait_for_frame (fixture);
  g_assert_cmpint (gtk_widget_get_width (fixture->window), ==, 360);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fixture->view)), ==, 360);
  screenshot (fixture, "narrow");
  scroll_to (fixture, GTK_WIDGET (vd_result_view_get_ocr_card (fixture->view)));
  screenshot (fixture, "narrow-card");
}

/* Showing nothing again returns to the empty state. */
static void
test_back_to_empty (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(VdVerification) verification = show_sample (fixture, 1);

  g_assert_false (vd_result_view_get_is_empty (fixture->view));
  g_assert_true (vd_result_view_get_verification (fixture->view) == verification);

  vd_result_view_set_verification (fixture->view, NULL);
  g_assert_true (vd_result_view_get_is_empty (fixture->view));
  g_assert_null (vd_result_view_get_verification (fixture->view));
}

static void
load_stylesheet (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  /* AdwApplication loads it from the resource base path; these tests have no application. */
  gtk_css_provider_load_from_resource (provider, "/io/github/verifydesk/VerifyDesk/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
add_test (const char *path,
          void      (*test) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, test, fixture_tear_down);
}

int
main (int    argc,
      char **argv)
{
  const char *localedir = g_getenv ("VERIFYDESK_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  vd_ui_test_init (&argc, &argv);
  load_stylesheet ();
  /* A screenshot shows the state, not a crossfade into it. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  add_test ("/result-view/empty", test_empty);
  add_test ("/result-view/pass", test_pass);
  add_test ("/result-view/fix-and-resubmit", test_fix_and_resubmit);
  add_test ("/result-view/not-passed", test_not_passed);
  add_test ("/result-view/service-problem", test_service_problem);
  add_test ("/result-view/identity-error-3103", test_identity_error);
  add_test ("/result-view/gateway-error", test_gateway_error);
  add_test ("/result-view/outcome-unknown", test_outcome_unknown);
  add_test ("/result-view/unknown-status", test_unknown_status);
  add_test ("/result-view/ocr-name-mismatch", test_ocr_name_mismatch);
  add_test ("/result-view/ocr-number-mismatch", test_ocr_number_mismatch);
  add_test ("/result-view/ocr-expired", test_ocr_expired);
  add_test ("/result-view/ocr-expiring-soon", test_ocr_expiring_soon);
  add_test ("/result-view/ocr-long-term", test_ocr_long_term);
  add_test ("/result-view/no-ocr", test_no_ocr);
  add_test ("/result-view/copy-rows", test_copy_rows);
  add_test ("/result-view/copy-row-without-overlay", test_copy_row_without_overlay);
  add_test ("/result-view/meter-accessible", test_meter_accessible);
  add_test ("/result-view/invalid-score", test_invalid_score);
  add_test ("/result-view/narrow", test_narrow);
  add_test ("/result-view/back-to-empty", test_back_to_empty);

  return g_test_run ();
}
