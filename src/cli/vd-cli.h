#pragma once

#include <glib.h>

#include "vd-history.h"
#include "vd-verification.h"

G_BEGIN_DECLS

/* Exit codes: the verdict for a person, or anything else. */
enum {
  VD_CLI_EXIT_PASSED = 0,
  VD_CLI_EXIT_NOT_PASSED = 1,
  VD_CLI_EXIT_ERROR = 2,
};

/* Each command takes the arguments after its own name (argv[0] is "verifydesk-cli COMMAND"). */
int   vd_cli_verify          (int    argc,
                              char **argv);
int   vd_cli_simulator       (int    argc,
                              char **argv);
int   vd_cli_samples         (int    argc,
                              char **argv);
int   vd_cli_credentials     (int    argc,
                              char **argv);
int   vd_cli_history         (int    argc,
                              char **argv);

/* The command line is synchronous: each command waits for one async call at a time. Pass
 * vd_cli_on_done with the address of a NULL GAsyncResult pointer, then vd_cli_wait on it: it
 * iterates the default main context until the result is there and returns it (still owned
 * by the slot; clear the slot before the next call). */
void          vd_cli_on_done      (GObject       *source,
                                   GAsyncResult  *result,
                                   gpointer       user_data);
GAsyncResult *vd_cli_wait         (GAsyncResult **slot);
/* The history shared with the app, opened; with @need_key its ID-number key loaded too, for
 * searching by a full number. Says on stderr when the store had to move a damaged file aside
 * or found interrupted records. */
VdHistory    *vd_cli_open_history (gboolean       need_key,
                                   GError       **error);

/* Prints one line "verifydesk-cli: MESSAGE" to stderr and returns VD_CLI_EXIT_ERROR. */
int   vd_cli_fail            (const char *format,
                              ...) G_GNUC_PRINTF (1, 2);

/* @text followed by spaces up to @width terminal columns (CJK characters take two), so that
 * columns line up in Chinese too. */
char *vd_cli_pad_to_width    (const char *text,
                              guint       width);

/* The verdict for a person, in words or as one JSON object (vd-cli-format.c). */
char *vd_cli_format_text     (const VdVerification *verification);
char *vd_cli_format_json     (const VdVerification *verification);
/* The score placed on a 0–100 scale with the thresholds marked: two lines, the scale
 * "0 ──────60────80──90─95── 100" and under it an arrow at the score. */
char *vd_cli_format_meter    (double score);

G_END_DECLS
