/* vd-fuzz.c: the libFuzzer start-up shared by the targets that need nothing more than
 * vd_fuzz_init (a target that prepares more, such as fuzz-history-csv, defines its own)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vd-fuzz.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  vd_fuzz_init ();
  return 0;
}
