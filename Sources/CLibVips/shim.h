#ifndef OFFPRINT_CLIBVIPS_SHIM_H
#define OFFPRINT_CLIBVIPS_SHIM_H
// libvips for Swift. libvips' operations are variadic C functions (optional arguments as
// name/value pairs ending in NULL), which Swift cannot call: these non-variadic wrappers
// pass the options Offprint uses.
#include <vips/vips.h>

/// Starts libvips once per process (0 on success). Operation caching off: every image is
/// converted once and the results are cached on disk, so libvips' cache would only hold memory.
static inline int offprint_vips_start(void) {
    // libvips' own warnings (damaged files…) would go to standard error in libvips' words;
    // Offprint reports failures itself, naming the image.
    if (!g_getenv("VIPS_WARNING")) g_setenv("VIPS_WARNING", "0", FALSE);
    if (vips_init("offprint") != 0) return -1;
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    return 0;
}

/// The last error message(s) libvips recorded, then cleared. The caller frees with g_free.
static inline char *offprint_vips_take_error(void) {
    char *s = g_strdup(vips_error_buffer());
    vips_error_clear();
    return s;
}

/// Opens an image lazily (header only until pixels are asked for); NULL on failure.
static inline VipsImage *offprint_vips_open(const void *buf, size_t len) {
    return vips_image_new_from_buffer(buf, len, "", NULL);
}

/// `n-pages` of a multi-page image (animated GIF/WebP frames), else 1.
static inline int offprint_vips_pages(VipsImage *image) {
    int n = 1;
    if (vips_image_get_typeof(image, "n-pages") != 0 && vips_image_get_int(image, "n-pages", &n) == 0 && n > 0) return n;
    return 1;
}

/// Decodes the first page (frame) of `buf` scaled to fit `width` × `height` (aspect kept),
/// EXIF orientation applied. Vector images (SVG) are rendered at that size.
static inline int offprint_vips_thumbnail(const void *buf, size_t len, int width, int height, VipsImage **out) {
    return vips_thumbnail_buffer((void *)buf, len, out, width, "height", height, "size", VIPS_SIZE_BOTH, NULL);
}

static inline int offprint_vips_colourspace(VipsImage *in, VipsImage **out, VipsInterpretation space) {
    return vips_colourspace(in, out, space, NULL);
}

static inline int offprint_vips_cast_uchar(VipsImage *in, VipsImage **out) {
    return vips_cast(in, out, VIPS_FORMAT_UCHAR, NULL);
}

/// Alpha flattened onto white.
static inline int offprint_vips_flatten_white(VipsImage *in, VipsImage **out) {
    double white[4] = {255, 255, 255, 255};
    int bands = vips_image_get_bands(in) - 1;
    if (bands < 1) bands = 1;
    if (bands > 4) bands = 4;
    VipsArrayDouble *background = vips_array_double_new(white, bands);
    int r = vips_flatten(in, out, "background", background, NULL);
    vips_area_unref(VIPS_AREA(background));
    return r;
}

/// Baseline JPEG (progressive JPEGs trouble some e-readers), metadata stripped, Huffman
/// tables optimised. The caller frees `*buf` with g_free.
static inline int offprint_vips_jpegsave(VipsImage *in, void **buf, size_t *len, int quality) {
    return vips_jpegsave_buffer(in, buf, len, "Q", quality, "strip", TRUE, "optimize_coding", TRUE, "interlace", FALSE, NULL);
}

/// PNG, metadata stripped; `palette`: quantised to at most `colours` colours (libimagequant).
static inline int offprint_vips_pngsave(VipsImage *in, void **buf, size_t *len, int palette, int colours) {
    if (palette)
        return vips_pngsave_buffer(in, buf, len, "compression", 9, "strip", TRUE, "palette", TRUE, "bitdepth", colours <= 16 ? 4 : 8, NULL);
    return vips_pngsave_buffer(in, buf, len, "compression", 9, "strip", TRUE, NULL);
}

/// Text set with Pango (`markup` is Pango markup), wrapped at `width` pixels; with
/// `height` > 0 the size is chosen to fill width × height. RGBA, coloured by the markup.
static inline int offprint_vips_text(VipsImage **out, const char *markup, const char *font, const char *fontfile,
                                     int width, int height, int dpi, int centre) {
    if (height > 0) {
        if (fontfile)
            return vips_text(out, markup, "font", font, "fontfile", fontfile, "width", width, "height", height,
                             "align", centre ? VIPS_ALIGN_CENTRE : VIPS_ALIGN_LOW, "rgba", TRUE, "justify", FALSE, NULL);
        return vips_text(out, markup, "font", font, "width", width, "height", height,
                         "align", centre ? VIPS_ALIGN_CENTRE : VIPS_ALIGN_LOW, "rgba", TRUE, "justify", FALSE, NULL);
    }
    if (fontfile)
        return vips_text(out, markup, "font", font, "fontfile", fontfile, "width", width, "dpi", dpi,
                         "align", centre ? VIPS_ALIGN_CENTRE : VIPS_ALIGN_LOW, "rgba", TRUE, NULL);
    return vips_text(out, markup, "font", font, "width", width, "dpi", dpi,
                     "align", centre ? VIPS_ALIGN_CENTRE : VIPS_ALIGN_LOW, "rgba", TRUE, NULL);
}

/// `overlay` (with alpha) painted over `base` at (x, y).
static inline int offprint_vips_over(VipsImage *base, VipsImage *overlay, VipsImage **out, int x, int y) {
    return vips_composite2(base, overlay, out, VIPS_BLEND_MODE_OVER, "x", x, "y", y, NULL);
}

/// An image of `bands` 8-bit bands from `data` (copied).
static inline VipsImage *offprint_vips_from_pixels(const void *data, size_t size, int width, int height, int bands) {
    return vips_image_new_from_memory_copy(data, size, width, height, bands, VIPS_FORMAT_UCHAR);
}

/// Decodes every pixel into memory (so a later failure is a decoding failure, caught here).
static inline int offprint_vips_copy_memory(VipsImage *in, VipsImage **out) {
    VipsImage *m = vips_image_copy_memory(in);
    if (!m) return -1;
    *out = m;
    return 0;
}

/// WebP (tests make WebP sources with it). `lossless`: VP8L. Frames stacked vertically
/// with `page-height` set are saved as an animation.
static inline int offprint_vips_webpsave(VipsImage *in, void **buf, size_t *len, int quality, int lossless) {
    return vips_webpsave_buffer(in, buf, len, "Q", quality, "lossless", lossless ? TRUE : FALSE, NULL);
}

/// GIF (frames stacked vertically with `page-height` set make an animation).
static inline int offprint_vips_gifsave(VipsImage *in, void **buf, size_t *len) {
    return vips_gifsave_buffer(in, buf, len, NULL);
}

/// Marks a tall image as `frames` frames of equal height, `delay_ms` each.
static inline void offprint_vips_set_frames(VipsImage *image, int frames, int delay_ms) {
    int h = vips_image_get_height(image) / (frames > 0 ? frames : 1);
    vips_image_set_int(image, "page-height", h);
    int *delays = g_new(int, frames);
    for (int i = 0; i < frames; i++) delays[i] = delay_ms;
    vips_image_set_array_int(image, "delay", delays, frames);
    g_free(delays);
    vips_image_set_int(image, "loop", 0);
}

static inline void offprint_vips_unref(VipsImage *image) {
    if (image) g_object_unref(image);
}
#endif
