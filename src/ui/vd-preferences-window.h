#pragma once

#include <adwaita.h>

#include "vd-desk.h"

G_BEGIN_DECLS

#define VD_TYPE_PREFERENCES_WINDOW (vd_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (VdPreferencesWindow, vd_preferences_window, VD, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* Preferences (Ctrl+,), three pages:
 *   Account  the AccessKey ID, secret and optional STS token, saved into the desktop keyring
 *            only (vd-keyring.h); "Check" (the non-billed check, vd-credential-check.h, through
 *            @desk's client), "Remove", and "Import…" from the environment, the aliyun CLI and
 *            the SDKs' file (vd-credential-import.h). Results are shown in words with an icon.
 *   Service  endpoint, region, default BizType, signature scheme, connect and read timeouts.
 *   Desk     operator name, training mode.
 * Everything but the secrets lives in @settings (schema io.github.verifydesk.VerifyDesk); the
 * window writes the settings, and whoever owns @desk applies them (training-mode included).
 *
 * Reachable from tests by gtk_widget_get_template_child (…, VD_TYPE_PREFERENCES_WINDOW, name):
 * id_row, secret_row, token_row, save_button, import_button, stored_row, check_button,
 * remove_button, result_row, result_icon, endpoint_row, region_row, biz_type_row,
 * signature_row, connect_timeout_spin, read_timeout_spin, operator_row, training_switch. */
GtkWidget *vd_preferences_window_new (GtkWindow *parent,
                                      VdDesk    *desk,
                                      GSettings *settings);

G_END_DECLS
