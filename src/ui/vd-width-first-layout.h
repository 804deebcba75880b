#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VD_TYPE_WIDTH_FIRST_LAYOUT (vd_width_first_layout_get_type ())
G_DECLARE_FINAL_TYPE (VdWidthFirstLayout, vd_width_first_layout, VD, WIDTH_FIRST_LAYOUT,
                      GtkLayoutManager)

/* A GtkBinLayout (every child gets the whole widget) for height-for-width content whose width
 * does not depend on the height it is offered: the widths it reports are always those measured
 * without a height; heights are still measured for the width given.
 *
 * Why: GTK 4.8 asks a widget in a horizontal box for its width at a given height — when the
 * box is allocated, and at every step of a binary search over heights when the box is measured
 * for a width — and the question travels down through vertical boxes to every wrapping label,
 * which answers it with a binary search over widths, one Pango layout per step. The training
 * bar's two labels and the empty result's two were each laid out 22 to 40 times before the
 * counter window's first frame; behind this layout, 6. Content that wraps to the width it is
 * given has one honest answer whatever the height: the width it needs with no height. */
GtkLayoutManager *vd_width_first_layout_new (void);

G_END_DECLS
