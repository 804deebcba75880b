#pragma once

#include <adwaita.h>

#include "vd-desk.h"

G_BEGIN_DECLS

#define VD_TYPE_APPLICATION (vd_application_get_type ())
G_DECLARE_FINAL_TYPE (VdApplication, vd_application, VD, APPLICATION, AdwApplication)

/* The single-instance application: one VdCloudauthClient configured from GSettings and one
 * VdDesk, in training mode when the environment holds no AccessKey.
 *
 * With VERIFYDESK_EXIT_AFTER_FIRST_FRAME=1 in the environment it prints the CLOCK_MONOTONIC
 * time in microseconds (g_get_monotonic_time) of its window's first drawn frame on stdout and
 * quits: the start-up benchmark's probe. */
VdApplication *vd_application_new      (void);
/* The desk, from start-up on (NULL before). */
VdDesk        *vd_application_get_desk (VdApplication *self);

const char    *vd_application_get_training_reason (VdApplication *self);

G_END_DECLS
