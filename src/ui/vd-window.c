#define G_LOG_DOMAIN "vd-window"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vd-form.h"
#include "vd-result-view.h"
#include "vd-sample-customers.h"
#include "vd-application.h"
#include "vd-width-first-layout.h"
#include "vd-window.h"

struct _VdWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  GtkWidget            *back_button;
  GtkInfoBar           *training_bar;
  GtkLabel             *training_reason_label;
  GtkWindow            *shortcuts_window;     /* built on first use; a weak pointer */
  GtkMenuButton        *menu_button;
  GMenuModel           *primary_menu;
  GtkMenuButton        *samples_button;
  GtkPopover           *samples_popover;
  GtkListBox           *samples_list;
  AdwLeaflet           *leaflet;
  VdForm               *form;
  GtkWidget            *spinner;
  GtkWidget            *progress_label;
  GtkWidget            *verify_button;
  GtkWidget            *cancel_button;
  VdResultView         *result_view;
  GMenu                *samples_section;

  VdDesk               *desk;
  GSettings            *settings;

  /* The verification in flight, or NULL. */
  GCancellable         *cancellable;
  gint64                flight_started_us;
  guint                 elapsed_source;
  GtkWidget            *focus_before_flight;
  /* The task's BizId has been submitted at least once: "Resubmit same task" makes sense. */
  gboolean              task_submitted;
};

G_DEFINE_FINAL_TYPE (VdWindow, vd_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_DESK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
is_busy (VdWindow *self)
{
  return self->cancellable != NULL;
}

static gboolean
shows_one_page (VdWindow *self)
{
  return adw_leaflet_get_folded (self->leaflet);
}

static gboolean
result_page_is_visible (VdWindow *self)
{
  return g_strcmp0 (adw_leaflet_get_visible_child_name (self->leaflet), "result") == 0;
}

static void
update_actions (VdWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean busy = is_busy (self);
  gboolean training = self->desk != NULL && vd_desk_get_training (self->desk);

  gtk_widget_action_set_enabled (widget, "win.submit", !busy);
  gtk_widget_action_set_enabled (widget, "win.cancel", busy);
  gtk_widget_action_set_enabled (widget, "win.resubmit", !busy && self->task_submitted);
  gtk_widget_action_set_enabled (widget, "win.next-customer", !busy);
  gtk_widget_action_set_enabled (widget, "win.show-samples", !busy && training);
  gtk_widget_action_set_enabled (widget, "win.fill-sample", !busy && training);
  gtk_widget_action_set_enabled (widget, "win.show-form",
                                 shows_one_page (self) && result_page_is_visible (self));
  gtk_widget_action_set_enabled (widget, "win.show-result",
                                 shows_one_page (self) && !result_page_is_visible (self));

  /* The button offers to verify only what can be verified; the keyboard's submit still
   * works on an incomplete form, and shows every problem. */
  gtk_widget_set_sensitive (self->verify_button, !busy && vd_form_get_valid (self->form));
}

static void
update_navigation (VdWindow *self)
{
  gtk_widget_set_visible (self->back_button,
                          shows_one_page (self) && result_page_is_visible (self));
  update_actions (self);
}

static void
show_page (VdWindow   *self,
           const char *name)
{
  adw_leaflet_set_visible_child_name (self->leaflet, name);
}

/* --- the training mode's sample customers --- */

/* "Passed", "Fix and resubmit · VerifyStatus 3", "Not passed · 3101" */
static char *
describe_sample_outcome (const VdSampleCustomer *customer)
{
  g_autofree char *code = g_strdup_printf ("%d", customer->status);
  const VdStatusInfo *identity_error = vd_identity_error_lookup (code);
  const VdStatusInfo *info = identity_error != NULL ? identity_error
                                                    : vd_verify_status_lookup (customer->status);
  const char *severity;

  switch (info->severity)
    {
    case VD_SEVERITY_PASSED:
      return g_strdup (_("Passed"));
    case VD_SEVERITY_FIX_AND_RESUBMIT:
      severity = _("Fix and resubmit");
      break;
    case VD_SEVERITY_NOT_PASSED:
      severity = _("Not passed");
      break;
    case VD_SEVERITY_SERVICE_PROBLEM:
      severity = _("Service problem");
      break;
    case VD_SEVERITY_UNKNOWN:
    default:
      severity = _("Unknown outcome");
      break;
    }

  if (identity_error != NULL)
    /* Translators: an outcome and the service's error code, e.g. "Not passed · 3101" */
    return g_strdup_printf (_("%s · %d"), severity, customer->status);

  /* Translators: an outcome and its status, e.g. "Not passed · VerifyStatus 2" */
  return g_strdup_printf (_("%s · VerifyStatus %d"), severity, customer->status);
}

static GtkWidget *
create_sample_row (const VdSampleCustomer *customer,
                   guint                   index)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *outcome = describe_sample_outcome (customer);
  g_autofree char *subtitle = g_strdup_printf ("%s\n%s", outcome, customer->description);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), customer->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.fill-sample");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (row), g_variant_new_uint32 (index));

  return row;
}

static void
build_samples_menu (VdWindow *self)
{
  g_autoptr(GMenu) submenu = g_menu_new ();
  const VdSampleCustomer *customers;
  guint n_customers;

  customers = vd_sample_customers (&n_customers);
  for (guint i = 0; i < n_customers; i++)
    {
      g_autofree char *outcome = describe_sample_outcome (&customers[i]);
      /* Translators: a sample customer's name and the outcome they produce */
      g_autofree char *label = g_strdup_printf (_("%s — %s"), customers[i].name, outcome);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "win.fill-sample",
                                               g_variant_new_uint32 (i));
      g_menu_append_item (submenu, item);
    }

  g_menu_append_submenu (self->samples_section, _("_Sample Customers"), G_MENU_MODEL (submenu));
}

/* The popover's rows are built when it is first shown: fifteen rows of wrapped text are work
 * the first frame does not need. */
static void
on_samples_popover_show (VdWindow *self)
{
  const VdSampleCustomer *customers;
  guint n_customers;

  if (gtk_widget_get_first_child (GTK_WIDGET (self->samples_list)) != NULL)
    return;

  customers = vd_sample_customers (&n_customers);
  for (guint i = 0; i < n_customers; i++)
    gtk_list_box_append (self->samples_list, create_sample_row (&customers[i], i));
}

/* Why training mode is on (no AccessKey, a locked keyring, the preference), from the
 * application when the window belongs to VerifyDesk's. */
static void
update_training_reason (VdWindow *self)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));
  const char *reason = NULL;

  if (VD_IS_APPLICATION (application))
    reason = vd_application_get_training_reason (VD_APPLICATION (application));

  gtk_label_set_label (self->training_reason_label, reason != NULL ? reason : "");
  gtk_widget_set_visible (GTK_WIDGET (self->training_reason_label), reason != NULL);
}

static void
update_training (VdWindow *self)
{
  gboolean training = vd_desk_get_training (self->desk);

  gtk_info_bar_set_revealed (self->training_bar, training);
  update_training_reason (self);
  /* The submenu is offered only while the samples can be verified. */
  if (training && g_menu_model_get_n_items (G_MENU_MODEL (self->samples_section)) == 0)
    build_samples_menu (self);
  else if (!training)
    g_menu_remove_all (self->samples_section);

  update_actions (self);
}

/* The primary menu's popover is built when the menu first opens (click, F10 or a test's
 * popup): GtkPopoverMenu makes every item's widgets at once, the sample customers' submenu
 * included, some eighty widgets the first frame has no use for. */
static void
create_primary_menu (GtkMenuButton *button,
                     gpointer       user_data)
{
  VdWindow *self = VD_WINDOW (user_data);

  if (gtk_menu_button_get_menu_model (button) == NULL)
    gtk_menu_button_set_menu_model (button, self->primary_menu);
}

/* --- help --- */

/* The shortcuts window is built the first time it is asked for: GTK would otherwise build it
 * for every window at start-up (~20 ms of the first frame). */
static void
show_shortcuts_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  VdWindow *self = VD_WINDOW (widget);

  if (self->shortcuts_window == NULL)
    {
      g_autoptr(GtkBuilder) builder =
        gtk_builder_new_from_resource ("/io/github/verifydesk/VerifyDesk/vd-shortcuts-window.ui");

      /* GTK keeps a toplevel alive until it is destroyed; the window only watches it. */
      g_set_weak_pointer (&self->shortcuts_window,
                          GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay")));
      gtk_window_set_transient_for (self->shortcuts_window, GTK_WINDOW (self));
      gtk_window_set_hide_on_close (self->shortcuts_window, TRUE);
    }

  gtk_window_present (self->shortcuts_window);
}

/* --- submitting --- */

static void
update_elapsed (VdWindow *self)
{
  guint seconds = (g_get_monotonic_time () - self->flight_started_us) / G_USEC_PER_SEC;
  /* Translators: shown while waiting for the service; %u is the seconds elapsed */
  g_autofree char *text = g_strdup_printf (_("Verifying… %u s"), seconds);

  gtk_label_set_text (GTK_LABEL (self->progress_label), text);
}

static gboolean
on_elapsed_tick (gpointer user_data)
{
  update_elapsed (VD_WINDOW (user_data));
  return G_SOURCE_CONTINUE;
}

static void
show_flight (VdWindow *self,
             gboolean  in_flight)
{
  gtk_widget_set_visible (self->spinner, in_flight);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), in_flight);
  gtk_widget_set_visible (self->progress_label, in_flight);
  gtk_widget_set_visible (self->cancel_button, in_flight);
  /* What is being verified cannot change under the request. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->form), !in_flight);
}

static void
start_flight (VdWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  g_assert (self->cancellable == NULL);

  self->cancellable = g_cancellable_new ();
  self->flight_started_us = g_get_monotonic_time ();
  self->elapsed_source = g_timeout_add (1000, on_elapsed_tick, self);
  g_set_weak_pointer (&self->focus_before_flight, focus);

  /* The focus leaves the form before it turns insensitive, so the field gets its focus-out.
   * It does not go to Cancel: a second Enter must not cancel what the first sent. Escape
   * cancels from anywhere. */
  gtk_root_set_focus (GTK_ROOT (self), NULL);
  update_elapsed (self);
  show_flight (self, TRUE);
  update_actions (self);
}

static void
end_flight (VdWindow *self)
{
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->elapsed_source, g_source_remove);

  show_flight (self, FALSE);
  update_actions (self);

  if (self->focus_before_flight != NULL && gtk_widget_is_sensitive (self->focus_before_flight))
    gtk_widget_grab_focus (self->focus_before_flight);
  else
    gtk_widget_grab_focus (self->verify_button);
  g_clear_weak_pointer (&self->focus_before_flight);
  if (self->shortcuts_window != NULL)
    gtk_window_destroy (self->shortcuts_window);
  g_clear_weak_pointer (&self->shortcuts_window);
}

static void
announce (VdWindow       *self,
          VdVerification *verification)
{
  AdwToast *toast = adw_toast_new (verification->verdict->title);

  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  if (verification->outcome == VD_OUTCOME_UNKNOWN && verification->verdict->can_resubmit)
    {
      adw_toast_set_button_label (toast, _("_Resubmit"));
      adw_toast_set_action_name (toast, "win.resubmit");
    }

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
on_verified (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(VdVerification) verification = NULL;
  g_autoptr(GError) error = NULL;
  VdWindow *self;

  verification = vd_desk_verify_finish (VD_DESK (source), result, &error);
  if (verification == NULL)
    {
      /* Only a cancellation ends without a verification, and whoever cancelled (the operator,
       * or the window going away) has already moved on: the window may be gone. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("The desk failed without a verification: %s", error->message);
      return;
    }

  self = VD_WINDOW (user_data);
  end_flight (self);

  self->task_submitted = TRUE;
  vd_result_view_set_verification (self->result_view, verification);
  announce (self, verification);
  if (shows_one_page (self))
    show_page (self, "result");

  update_actions (self);
}

static void
submit (VdWindow *self)
{
  g_autoptr(VdVerifyRequest) request = NULL;

  if (is_busy (self))
    return;

  /* A submission attempt shows every problem, also on fields not visited yet. */
  if (vd_form_reveal_problems (self->form))
    {
      show_page (self, "form");
      return;
    }

  request = vd_form_build_request (self->form);
  g_assert (request != NULL);

  show_page (self, "form");
  start_flight (self);
  vd_desk_verify_async (self->desk, request, self->cancellable, on_verified, self);
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  submit (VD_WINDOW (widget));
}

static void
resubmit_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  /* The form keeps the task's BizId until the next customer: submitting it again is the same
   * task, with whatever the operator fixed. */
  submit (VD_WINDOW (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VdWindow *self = VD_WINDOW (widget);

  if (!is_busy (self))
    return;

  g_cancellable_cancel (self->cancellable);
  end_flight (self);
  /* The form keeps the task's BizId: verifying again asks about the same task, in case the
   * service had already received it. */
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Verification cancelled")));
}

static void
next_customer_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VdWindow *self = VD_WINDOW (widget);

  if (is_busy (self))
    return;

  vd_result_view_set_verification (self->result_view, NULL);
  show_page (self, "form");
  vd_form_start_new_task (self->form);
}

static void
fill_sample_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  VdWindow *self = VD_WINDOW (widget);
  const VdSampleCustomer *customers;
  guint n_customers;
  guint index = g_variant_get_uint32 (parameter);

  customers = vd_sample_customers (&n_customers);
  if (is_busy (self) || index >= n_customers)
    return;

  gtk_popover_popdown (self->samples_popover);
  vd_result_view_set_verification (self->result_view, NULL);
  show_page (self, "form");
  vd_form_fill_sample (self->form, &customers[index]);
  /* The form is complete: Enter verifies. */
  gtk_widget_grab_focus (self->verify_button);
}

static void
show_samples_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  gtk_menu_button_popup (VD_WINDOW (widget)->samples_button);
}

static void
show_form_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  show_page (VD_WINDOW (widget), "form");
}

static void
show_result_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  show_page (VD_WINDOW (widget), "result");
}

static void
on_verify_clicked (VdWindow *self)
{
  submit (self);
}

static void
on_form_submit (VdWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.submit", NULL);
}

static void
on_form_biz_id_changed (VdWindow *self)
{
  self->task_submitted = FALSE;
  update_actions (self);
}

/* --- window state --- */

static void
restore_window_state (VdWindow *self)
{
  int width = g_settings_get_int (self->settings, "window-width");
  int height = g_settings_get_int (self->settings, "window-height");

  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_state (VdWindow *self)
{
  gboolean maximized = gtk_window_is_maximized (GTK_WINDOW (self));
  int width;
  int height;

  g_settings_set_boolean (self->settings, "window-maximized", maximized);
  /* A maximized window keeps the size it returns to. */
  if (maximized)
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
}

static gboolean
vd_window_close_request (GtkWindow *window)
{
  save_window_state (VD_WINDOW (window));

  return GTK_WINDOW_CLASS (vd_window_parent_class)->close_request (window);
}

/* --- GObject --- */

static void
vd_window_constructed (GObject *object)
{
  VdWindow *self = VD_WINDOW (object);
  VdCloudauthClient *client;

  G_OBJECT_CLASS (vd_window_parent_class)->constructed (object);

  g_assert (self->desk != NULL);

  client = vd_desk_get_client (self->desk);
  vd_form_set_session (self->form, vd_cloudauth_client_get_session (client));

  g_signal_connect_object (self->desk, "notify::training", G_CALLBACK (update_training), self,
                           G_CONNECT_SWAPPED);
  update_training (self);
}

static void
vd_window_dispose (GObject *object)
{
  VdWindow *self = VD_WINDOW (object);

  /* A verification still in flight ends here; its callback sees the cancellation and does
   * not touch the window. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->elapsed_source, g_source_remove);
  g_clear_weak_pointer (&self->focus_before_flight);

  gtk_widget_dispose_template (GTK_WIDGET (object), VD_TYPE_WINDOW);
  g_clear_object (&self->desk);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (vd_window_parent_class)->dispose (object);
}

static void
vd_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  VdWindow *self = VD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DESK:
      g_value_set_object (value, self->desk);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vd_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  VdWindow *self = VD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DESK:
      self->desk = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vd_window_class_init (VdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = vd_window_constructed;
  object_class->dispose = vd_window_dispose;
  object_class->get_property = vd_window_get_property;
  object_class->set_property = vd_window_set_property;
  window_class->close_request = vd_window_close_request;

  properties[PROP_DESK] =
    g_param_spec_object ("desk", NULL, NULL,
                         VD_TYPE_DESK,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VD_TYPE_FORM);
  g_type_ensure (VD_TYPE_RESULT_VIEW);
  g_type_ensure (VD_TYPE_WIDTH_FIRST_LAYOUT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/verifydesk/VerifyDesk/vd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, VdWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, VdWindow, training_bar);
  gtk_widget_class_bind_template_child (widget_class, VdWindow, training_reason_label);
  gtk_widget_class_bind_template_child (widget_class, VdWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, VdWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, VdWindow, samples_button);
  gtk_widget_class_bind_template_child (widget_class, VdWindow, samples_popover);
  gtk_widget_class_bind_template_child (widget_class, VdWindow, samples_list);
  gtk_widget_class_bind_template_child (widget_class, VdWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, VdWindow, form);
  gtk_widget_class_bind_template_child (widget_class, VdWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, VdWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, VdWindow, verify_button);
  gtk_widget_class_bind_template_child (widget_class, VdWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, VdWindow, result_view);
  gtk_widget_class_bind_template_child (widget_class, VdWindow, samples_section);
  /* Not kept, but reachable with gtk_widget_get_template_child () (the tests read it). */
  gtk_widget_class_bind_template_child_full (widget_class, "training_label", FALSE, 0);

  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL,
                                   show_shortcuts_action);
  gtk_widget_class_install_action (widget_class, "win.submit", NULL, submit_action);
  gtk_widget_class_install_action (widget_class, "win.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "win.resubmit", NULL, resubmit_action);
  gtk_widget_class_install_action (widget_class, "win.next-customer", NULL,
                                   next_customer_action);
  gtk_widget_class_install_action (widget_class, "win.fill-sample", "u", fill_sample_action);
  gtk_widget_class_install_action (widget_class, "win.show-samples", NULL, show_samples_action);
  gtk_widget_class_install_action (widget_class, "win.show-form", NULL, show_form_action);
  gtk_widget_class_install_action (widget_class, "win.show-result", NULL, show_result_action);
}

static void
vd_window_init (VdWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "biz-type", self->form, "default-biz-type",
                   G_SETTINGS_BIND_GET);
  restore_window_state (self);

  gtk_menu_button_set_create_popup_func (self->menu_button, create_primary_menu, self, NULL);
  g_signal_connect_object (self->verify_button, "clicked", G_CALLBACK (on_verify_clicked), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->form, "submit", G_CALLBACK (on_form_submit), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->form, "notify::valid", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->form, "notify::biz-id", G_CALLBACK (on_form_biz_id_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->samples_popover, "show", G_CALLBACK (on_samples_popover_show),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->leaflet, "notify::folded", G_CALLBACK (update_navigation),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->leaflet, "notify::visible-child",
                           G_CALLBACK (update_navigation), self, G_CONNECT_SWAPPED);

  update_navigation (self);
  vd_form_focus_name (self->form);
}

GtkWidget *
vd_window_new (GtkApplication *application,
               VdDesk         *desk)
{
  VdWindow *self;

  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (VD_IS_DESK (desk), NULL);

  self = g_object_new (VD_TYPE_WINDOW,
                       "application", application,
                       "desk", desk,
                       NULL);

  /* The application is set after construction, so its reason is followed from here. */
  if (VD_IS_APPLICATION (application))
    {
      g_signal_connect_object (application, "notify::training-reason",
                               G_CALLBACK (update_training_reason), self, G_CONNECT_SWAPPED);
      update_training_reason (self);
    }

  return GTK_WIDGET (self);
}

VdDesk *
vd_window_get_desk (VdWindow *self)
{
  g_return_val_if_fail (VD_IS_WINDOW (self), NULL);

  return self->desk;
}
