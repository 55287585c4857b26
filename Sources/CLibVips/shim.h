#ifndef OFFPRINT_CLIBVIPS_SHIM_H
#define OFFPRINT_CLIBVIPS_SHIM_H
// libvips for Swift, loaded when first used.
//
// Linking libvips into the binary would load it and its hundred dependencies (GLib, Pango,
// Cairo, image codecs…) in every run of every command: about 20 ms of CPU at each start,
// more than the whole export of an article takes. So libvips is opened with dlopen() the
// first time a profile needs it, and called through the function pointers below (no
// libvips headers or link flags are needed to build). The types and constants are the
// ones of libvips 8 (ABI 42). libvips' operations are variadic (optional arguments as
// name/value pairs ending in NULL), which Swift cannot call: the wrappers pass the options
// Offprint uses.
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct _VipsImage VipsImage;

typedef enum {
    VIPS_INTERPRETATION_ERROR = -1,
    VIPS_INTERPRETATION_MULTIBAND = 0,
    VIPS_INTERPRETATION_B_W = 1,
    VIPS_INTERPRETATION_HISTOGRAM = 10,
    VIPS_INTERPRETATION_XYZ = 12,
    VIPS_INTERPRETATION_LAB = 13,
    VIPS_INTERPRETATION_CMYK = 15,
    VIPS_INTERPRETATION_LABQ = 16,
    VIPS_INTERPRETATION_RGB = 17,
    VIPS_INTERPRETATION_CMC = 18,
    VIPS_INTERPRETATION_LCH = 19,
    VIPS_INTERPRETATION_LABS = 21,
    VIPS_INTERPRETATION_sRGB = 22,
    VIPS_INTERPRETATION_YXY = 23,
    VIPS_INTERPRETATION_FOURIER = 24,
    VIPS_INTERPRETATION_RGB16 = 25,
    VIPS_INTERPRETATION_GREY16 = 26,
    VIPS_INTERPRETATION_MATRIX = 27,
    VIPS_INTERPRETATION_scRGB = 28,
    VIPS_INTERPRETATION_HSV = 29
} VipsInterpretation;

typedef enum {
    VIPS_FORMAT_NOTSET = -1,
    VIPS_FORMAT_UCHAR = 0,
    VIPS_FORMAT_CHAR = 1,
    VIPS_FORMAT_USHORT = 2,
    VIPS_FORMAT_SHORT = 3,
    VIPS_FORMAT_UINT = 4,
    VIPS_FORMAT_INT = 5,
    VIPS_FORMAT_FLOAT = 6,
    VIPS_FORMAT_COMPLEX = 7,
    VIPS_FORMAT_DOUBLE = 8,
    VIPS_FORMAT_DPCOMPLEX = 9
} VipsBandFormat;

// Option values (libvips' VipsSize, VipsAlign, VipsBlendMode; gboolean is int).
enum { OFFPRINT_VIPS_SIZE_BOTH = 0, OFFPRINT_VIPS_ALIGN_LOW = 0, OFFPRINT_VIPS_ALIGN_CENTRE = 1,
       OFFPRINT_VIPS_BLEND_MODE_OVER = 2, OFFPRINT_FALSE = 0, OFFPRINT_TRUE = 1,
       OFFPRINT_VIPS_HEIF_COMPRESSION_HEVC = 1, OFFPRINT_VIPS_HEIF_COMPRESSION_AV1 = 4 };

typedef struct {
    int loaded;
    char problem[512];
    int (*vips_init)(const char *argv0);
    void (*vips_cache_set_max)(int max);
    void (*vips_cache_set_max_mem)(size_t max_mem);
    const char *(*vips_error_buffer)(void);
    void (*vips_error_clear)(void);
    VipsImage *(*vips_image_new_from_buffer)(const void *buf, size_t len, const char *option_string, ...);
    unsigned long (*vips_image_get_typeof)(const VipsImage *image, const char *name);
    int (*vips_image_get_int)(const VipsImage *image, const char *name, int *out);
    void (*vips_image_set_int)(VipsImage *image, const char *name, int i);
    void (*vips_image_set_array_int)(VipsImage *image, const char *name, const int *array, int n);
    int (*vips_image_get_width)(const VipsImage *image);
    int (*vips_image_get_height)(const VipsImage *image);
    int (*vips_image_get_bands)(const VipsImage *image);
    VipsBandFormat (*vips_image_get_format)(const VipsImage *image);
    VipsInterpretation (*vips_image_get_interpretation)(const VipsImage *image);
    int (*vips_image_hasalpha)(VipsImage *image);
    int (*vips_thumbnail_buffer)(void *buf, size_t len, VipsImage **out, int width, ...);
    int (*vips_colourspace)(VipsImage *in, VipsImage **out, VipsInterpretation space, ...);
    int (*vips_cast)(VipsImage *in, VipsImage **out, VipsBandFormat format, ...);
    int (*vips_flatten)(VipsImage *in, VipsImage **out, ...);
    void *(*vips_array_double_new)(const double *array, int n);
    void (*vips_area_unref)(void *area);
    int (*vips_jpegsave_buffer)(VipsImage *in, void **buf, size_t *len, ...);
    int (*vips_pngsave_buffer)(VipsImage *in, void **buf, size_t *len, ...);
    int (*vips_webpsave_buffer)(VipsImage *in, void **buf, size_t *len, ...);
    int (*vips_gifsave_buffer)(VipsImage *in, void **buf, size_t *len, ...);
    int (*vips_heifsave_buffer)(VipsImage *in, void **buf, size_t *len, ...);
    int (*vips_copy)(VipsImage *in, VipsImage **out, ...);
    int (*vips_text)(VipsImage **out, const char *text, ...);
    int (*vips_composite2)(VipsImage *base, VipsImage *overlay, VipsImage **out, int mode, ...);
    VipsImage *(*vips_image_new_from_memory_copy)(const void *data, size_t size, int width, int height, int bands, VipsBandFormat format);
    VipsImage *(*vips_image_copy_memory)(VipsImage *image);
    void (*g_object_unref)(void *object);
    void (*g_free)(void *mem);
    char *(*g_strdup)(const char *str);
    const char *(*g_getenv)(const char *variable);
    int (*g_setenv)(const char *variable, const char *value, int overwrite);
} offprint_vips_api_t;

static inline void offprint_vips_load(offprint_vips_api_t *a) {
    void *h = dlopen("libvips.so.42", RTLD_NOW | RTLD_GLOBAL);
    if (!h) h = dlopen("libvips.so", RTLD_NOW | RTLD_GLOBAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(a->problem, sizeof a->problem, "libvips could not be loaded (%s)", e ? e : "libvips.so.42 not found");
        return;
    }
#define OFFPRINT_VIPS_SYM(name) \
    if (!(*(void **)&a->name = dlsym(h, #name))) { \
        snprintf(a->problem, sizeof a->problem, "libvips has no %s (libvips 8.x expected)", #name); return; }
    OFFPRINT_VIPS_SYM(vips_init) OFFPRINT_VIPS_SYM(vips_cache_set_max) OFFPRINT_VIPS_SYM(vips_cache_set_max_mem)
    OFFPRINT_VIPS_SYM(vips_error_buffer) OFFPRINT_VIPS_SYM(vips_error_clear) OFFPRINT_VIPS_SYM(vips_image_new_from_buffer)
    OFFPRINT_VIPS_SYM(vips_image_get_typeof) OFFPRINT_VIPS_SYM(vips_image_get_int) OFFPRINT_VIPS_SYM(vips_image_set_int)
    OFFPRINT_VIPS_SYM(vips_image_set_array_int) OFFPRINT_VIPS_SYM(vips_image_get_width) OFFPRINT_VIPS_SYM(vips_image_get_height)
    OFFPRINT_VIPS_SYM(vips_image_get_bands) OFFPRINT_VIPS_SYM(vips_image_get_format) OFFPRINT_VIPS_SYM(vips_image_get_interpretation)
    OFFPRINT_VIPS_SYM(vips_image_hasalpha) OFFPRINT_VIPS_SYM(vips_thumbnail_buffer) OFFPRINT_VIPS_SYM(vips_colourspace)
    OFFPRINT_VIPS_SYM(vips_cast) OFFPRINT_VIPS_SYM(vips_flatten) OFFPRINT_VIPS_SYM(vips_array_double_new)
    OFFPRINT_VIPS_SYM(vips_area_unref) OFFPRINT_VIPS_SYM(vips_jpegsave_buffer) OFFPRINT_VIPS_SYM(vips_pngsave_buffer)
    OFFPRINT_VIPS_SYM(vips_webpsave_buffer) OFFPRINT_VIPS_SYM(vips_gifsave_buffer) OFFPRINT_VIPS_SYM(vips_text)
    OFFPRINT_VIPS_SYM(vips_composite2) OFFPRINT_VIPS_SYM(vips_image_new_from_memory_copy) OFFPRINT_VIPS_SYM(vips_image_copy_memory)
    OFFPRINT_VIPS_SYM(g_object_unref) OFFPRINT_VIPS_SYM(g_free) OFFPRINT_VIPS_SYM(g_strdup) OFFPRINT_VIPS_SYM(g_getenv)
    OFFPRINT_VIPS_SYM(g_setenv) OFFPRINT_VIPS_SYM(vips_heifsave_buffer) OFFPRINT_VIPS_SYM(vips_copy)
#undef OFFPRINT_VIPS_SYM
    a->loaded = 1;
}

/// The loaded functions (libvips is opened on first use). The state lives in the function
/// (Swift emits a header's inline functions, not its static variables).
static inline offprint_vips_api_t *offprint_vips(void) {
    static offprint_vips_api_t api;
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static int ready;
    if (__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) return &api;
    pthread_mutex_lock(&lock);
    if (!ready) {
        offprint_vips_load(&api);
        __atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&lock);
    return &api;
}

/// Starts libvips once per process (0 on success). Operation caching off: every image is
/// converted once and the results are cached on disk, so libvips' cache would only hold memory.
static inline int offprint_vips_start(void) {
    offprint_vips_api_t *v = offprint_vips();
    if (!v->loaded) return -1;
    // libvips' own warnings (damaged files…) would go to standard error in libvips' words;
    // Offprint reports failures itself, naming the image.
    if (!v->g_getenv("VIPS_WARNING")) v->g_setenv("VIPS_WARNING", "0", OFFPRINT_FALSE);
    if (v->vips_init("offprint") != 0) return -1;
    v->vips_cache_set_max(0);
    v->vips_cache_set_max_mem(0);
    return 0;
}

/// Frees memory libvips (GLib) allocated: error text, saved image buffers.
static inline void offprint_vips_free(void *p) {
    offprint_vips_api_t *v = offprint_vips();
    if (v->loaded) v->g_free(p); else free(p);
}

/// The last error message(s) libvips recorded (or why it could not be loaded), then
/// cleared. The caller frees with offprint_vips_free.
static inline char *offprint_vips_take_error(void) {
    offprint_vips_api_t *v = offprint_vips();
    if (!v->loaded) return strdup(v->problem[0] ? v->problem : "libvips could not be loaded");
    char *s = v->g_strdup(v->vips_error_buffer());
    v->vips_error_clear();
    return s;
}

/// Opens an image lazily (header only until pixels are asked for); NULL on failure.
static inline VipsImage *offprint_vips_open(const void *buf, size_t len) {
    return offprint_vips()->vips_image_new_from_buffer(buf, len, "", NULL);
}

static inline int offprint_vips_width(VipsImage *image) { return offprint_vips()->vips_image_get_width(image); }
static inline int offprint_vips_height(VipsImage *image) { return offprint_vips()->vips_image_get_height(image); }
static inline int offprint_vips_bands(VipsImage *image) { return offprint_vips()->vips_image_get_bands(image); }
static inline int offprint_vips_hasalpha(VipsImage *image) { return offprint_vips()->vips_image_hasalpha(image); }
static inline VipsInterpretation offprint_vips_interpretation(VipsImage *image) { return offprint_vips()->vips_image_get_interpretation(image); }
static inline VipsBandFormat offprint_vips_format(VipsImage *image) { return offprint_vips()->vips_image_get_format(image); }

/// `n-pages` of a multi-page image (animated GIF/WebP frames), else 1.
static inline int offprint_vips_pages(VipsImage *image) {
    offprint_vips_api_t *v = offprint_vips();
    int n = 1;
    if (v->vips_image_get_typeof(image, "n-pages") != 0 && v->vips_image_get_int(image, "n-pages", &n) == 0 && n > 0) return n;
    return 1;
}

/// Decodes the first page (frame) of `buf` scaled to fit `width` × `height` (aspect kept),
/// EXIF orientation applied. Vector images (SVG) are rendered at that size.
static inline int offprint_vips_thumbnail(const void *buf, size_t len, int width, int height, VipsImage **out) {
    return offprint_vips()->vips_thumbnail_buffer((void *)buf, len, out, width, "height", height, "size", OFFPRINT_VIPS_SIZE_BOTH, NULL);
}

static inline int offprint_vips_colourspace(VipsImage *in, VipsImage **out, VipsInterpretation space) {
    return offprint_vips()->vips_colourspace(in, out, space, NULL);
}

static inline int offprint_vips_cast_uchar(VipsImage *in, VipsImage **out) {
    return offprint_vips()->vips_cast(in, out, VIPS_FORMAT_UCHAR, NULL);
}

/// Alpha flattened onto white.
static inline int offprint_vips_flatten_white(VipsImage *in, VipsImage **out) {
    offprint_vips_api_t *v = offprint_vips();
    double white[4] = {255, 255, 255, 255};
    int bands = v->vips_image_get_bands(in) - 1;
    if (bands < 1) bands = 1;
    if (bands > 4) bands = 4;
    void *background = v->vips_array_double_new(white, bands);
    int r = v->vips_flatten(in, out, "background", background, NULL);
    v->vips_area_unref(background);
    return r;
}

/// Baseline JPEG (progressive JPEGs trouble some e-readers), metadata stripped, Huffman
/// tables optimised. The caller frees `*buf` with offprint_vips_free.
static inline int offprint_vips_jpegsave(VipsImage *in, void **buf, size_t *len, int quality) {
    return offprint_vips()->vips_jpegsave_buffer(in, buf, len, "Q", quality, "strip", OFFPRINT_TRUE, "optimize_coding", OFFPRINT_TRUE,
                                                 "interlace", OFFPRINT_FALSE, NULL);
}

/// PNG, metadata stripped; `palette`: quantised to at most `colours` colours (libimagequant).
static inline int offprint_vips_pngsave(VipsImage *in, void **buf, size_t *len, int palette, int colours) {
    if (palette)
        return offprint_vips()->vips_pngsave_buffer(in, buf, len, "compression", 9, "strip", OFFPRINT_TRUE, "palette", OFFPRINT_TRUE,
                                                    "bitdepth", colours <= 16 ? 4 : 8, NULL);
    return offprint_vips()->vips_pngsave_buffer(in, buf, len, "compression", 9, "strip", OFFPRINT_TRUE, NULL);
}

/// Text set with Pango (`markup` is Pango markup), wrapped at `width` pixels; with
/// `height` > 0 the size is chosen to fill width × height. RGBA, coloured by the markup.
static inline int offprint_vips_text(VipsImage **out, const char *markup, const char *font, const char *fontfile,
                                     int width, int height, int dpi, int centre) {
    offprint_vips_api_t *v = offprint_vips();
    int align = centre ? OFFPRINT_VIPS_ALIGN_CENTRE : OFFPRINT_VIPS_ALIGN_LOW;
    if (height > 0) {
        if (fontfile)
            return v->vips_text(out, markup, "font", font, "fontfile", fontfile, "width", width, "height", height,
                                "align", align, "rgba", OFFPRINT_TRUE, "justify", OFFPRINT_FALSE, NULL);
        return v->vips_text(out, markup, "font", font, "width", width, "height", height,
                            "align", align, "rgba", OFFPRINT_TRUE, "justify", OFFPRINT_FALSE, NULL);
    }
    if (fontfile)
        return v->vips_text(out, markup, "font", font, "fontfile", fontfile, "width", width, "dpi", dpi,
                            "align", align, "rgba", OFFPRINT_TRUE, NULL);
    return v->vips_text(out, markup, "font", font, "width", width, "dpi", dpi, "align", align, "rgba", OFFPRINT_TRUE, NULL);
}

/// `overlay` (with alpha) painted over `base` at (x, y).
static inline int offprint_vips_over(VipsImage *base, VipsImage *overlay, VipsImage **out, int x, int y) {
    return offprint_vips()->vips_composite2(base, overlay, out, OFFPRINT_VIPS_BLEND_MODE_OVER, "x", x, "y", y, NULL);
}

/// An image of `bands` 8-bit bands from `data` (copied).
static inline VipsImage *offprint_vips_from_pixels(const void *data, size_t size, int width, int height, int bands) {
    return offprint_vips()->vips_image_new_from_memory_copy(data, size, width, height, bands, VIPS_FORMAT_UCHAR);
}

/// Decodes every pixel into memory (so a later failure is a decoding failure, caught here).
static inline int offprint_vips_copy_memory(VipsImage *in, VipsImage **out) {
    VipsImage *m = offprint_vips()->vips_image_copy_memory(in);
    if (!m) return -1;
    *out = m;
    return 0;
}

/// WebP (tests make WebP sources with it). `lossless`: VP8L. Frames stacked vertically
/// with `page-height` set are saved as an animation.
static inline int offprint_vips_webpsave(VipsImage *in, void **buf, size_t *len, int quality, int lossless) {
    return offprint_vips()->vips_webpsave_buffer(in, buf, len, "Q", quality, "lossless", lossless ? OFFPRINT_TRUE : OFFPRINT_FALSE, NULL);
}

/// GIF (frames stacked vertically with `page-height` set make an animation).
static inline int offprint_vips_gifsave(VipsImage *in, void **buf, size_t *len) {
    return offprint_vips()->vips_gifsave_buffer(in, buf, len, NULL);
}

/// Marks a tall image as `frames` frames of equal height, `delay_ms` each.
static inline void offprint_vips_set_frames(VipsImage *image, int frames, int delay_ms) {
    offprint_vips_api_t *v = offprint_vips();
    int h = v->vips_image_get_height(image) / (frames > 0 ? frames : 1);
    v->vips_image_set_int(image, "page-height", h);
    int *delays = malloc(sizeof(int) * (size_t)(frames > 0 ? frames : 1));
    if (!delays) return;
    for (int i = 0; i < frames; i++) delays[i] = delay_ms;
    v->vips_image_set_array_int(image, "delay", delays, frames);  // (copied)
    free(delays);
    v->vips_image_set_int(image, "loop", 0);
}

/// Progressive JPEG (tests make such sources with it).
static inline int offprint_vips_jpegsave_progressive(VipsImage *in, void **buf, size_t *len, int quality) {
    return offprint_vips()->vips_jpegsave_buffer(in, buf, len, "Q", quality, "interlace", OFFPRINT_TRUE, NULL);
}

/// HEIF: HEIC (HEVC) or AVIF (`av1`).
static inline int offprint_vips_heifsave(VipsImage *in, void **buf, size_t *len, int quality, int av1) {
    return offprint_vips()->vips_heifsave_buffer(in, buf, len, "Q", quality,
                                "compression", av1 ? OFFPRINT_VIPS_HEIF_COMPRESSION_AV1 : OFFPRINT_VIPS_HEIF_COMPRESSION_HEVC, NULL);
}

/// The same pixels, declared CMYK (4 bands).
static inline int offprint_vips_as_cmyk(VipsImage *in, VipsImage **out) {
    return offprint_vips()->vips_copy(in, out, "interpretation", VIPS_INTERPRETATION_CMYK, NULL);
}

static inline void offprint_vips_unref(VipsImage *image) {
    if (image) offprint_vips()->g_object_unref(image);
}
#endif
