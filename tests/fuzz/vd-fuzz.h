/* vd-fuzz.h: what every libFuzzer target of VerifyDesk shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdint.h>
#include <stdio.h>

#include <glib.h>

G_BEGIN_DECLS

/* An invariant that does not hold is a bug like a crash: say which, then stop the way
 * libFuzzer recognises (it saves the input as a crash artifact). */
#define VD_FUZZ_CHECK(condition)                                                       \
  G_STMT_START {                                                                       \
    if (G_UNLIKELY (!(condition)))                                                     \
      {                                                                                \
        fprintf (stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__,          \
                 #condition);                                                          \
        __builtin_trap ();                                                             \
      }                                                                                \
  } G_STMT_END

/* A critical or a warning from our code or GLib means a precondition was broken: treat it as
 * a crash instead of logging it and going on. Call once, from LLVMFuzzerInitialize. */
static inline void
vd_fuzz_init (void)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("TZ", "Asia/Shanghai", TRUE);
}

/* Cuts @data into fields at each @separator byte (a separator at the end gives a last, empty
 * field). The fields are NUL-terminated copies, so they never hold the separator. */
static inline GPtrArray *
vd_fuzz_split (const uint8_t *data,
               size_t         size,
               char           separator)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
  size_t start = 0;

  for (size_t i = 0; i <= size; i++)
    if (i == size || data[i] == (uint8_t) separator)
      {
        g_ptr_array_add (fields, g_strndup ((const char *) data + start, i - start));
        start = i + 1;
      }

  return fields;
}

G_END_DECLS
