#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* An ordered set of name=value pairs (a query string, or a set of headers to sign). Names are
 * unique: setting a name again replaces its value. Iteration is in byte order of the names,
 * which is the order both signature schemes canonicalise in. */
typedef struct _VdParams VdParams;

#define VD_TYPE_PARAMS (vd_params_get_type ())

GType        vd_params_get_type     (void) G_GNUC_CONST;
VdParams    *vd_params_new          (void);
VdParams    *vd_params_copy         (const VdParams *params);
VdParams    *vd_params_ref          (VdParams   *params);
void         vd_params_unref        (VdParams   *params);
void         vd_params_set          (VdParams   *params,
                                     const char *name,
                                     const char *value);
void         vd_params_remove       (VdParams   *params,
                                     const char *name);
const char  *vd_params_get          (const VdParams *params,
                                     const char     *name);
guint        vd_params_get_length   (const VdParams *params);
/* The @index-th pair in name order. */
const char  *vd_params_get_name     (const VdParams *params,
                                     guint           index);
const char  *vd_params_get_value    (const VdParams *params,
                                     guint           index);
/* enc(name)=enc(value) pairs in name order joined by '&' (vd_percent_encode). */
char        *vd_params_to_canonical (const VdParams *params);
/* The same appended to @out, leaving out the pair named @except (NULL: none). */
void         vd_params_append_canonical (const VdParams *params,
                                         const char     *except,
                                         GString        *out);
/* Parses "a=b&c=d" (percent-decoded; '+' is a space, as form decoding does). Returns NULL
 * with @error set when an escape is malformed or a name repeats. */
VdParams    *vd_params_parse_query  (const char *query,
                                     GError    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdParams, vd_params_unref)

G_END_DECLS
