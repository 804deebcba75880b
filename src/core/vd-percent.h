#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* RFC 3986 percent-encoding over UTF-8 bytes, as both Alibaba Cloud signature schemes need it:
 * A–Z a–z 0–9 - _ . ~ stay, every other byte becomes %XY with upper-case hex (space is %20,
 * never '+'; '*' is %2A). */
char     *vd_percent_encode (const char *text);
/* The same, appended to @out: the signer builds whole canonical strings without a temporary
 * string per parameter. */
void      vd_percent_encode_append (GString    *out,
                                    const char *text);

/* Decodes %XY escapes; when @plus_is_space is TRUE a '+' becomes a space (form encoding).
 * Returns NULL for a malformed escape or for bytes that are not valid UTF-8. */
char     *vd_percent_decode (const char *text,
                             gssize      length,
                             gboolean    plus_is_space);

G_END_DECLS
