#ifndef OFFPRINT_CCMARKGFM_SHIM_H
#define OFFPRINT_CCMARKGFM_SHIM_H
/* Debian's libcmark-gfm (CommonMark + GitHub Flavored Markdown) and its extensions
   (libcmark-gfm-dev, libcmark-gfm-extensions-dev). One call: Markdown text -> HTML. */
#include <stdlib.h>
#include <string.h>
#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm-core-extensions.h>

/* Renders `len` bytes of UTF-8 Markdown to HTML with the GFM extensions (tables,
   strikethrough, autolinks, task lists, the tag filter) and footnotes. Raw HTML is kept
   (posts embed it; the clean-up stage removes scripts). Returns a malloc'd NUL-terminated
   string the caller frees with offprint_cmark_free, or NULL when out of memory. */
static inline char *offprint_cmark_gfm_html(const char *text, size_t len, int smart) {
    cmark_gfm_core_extensions_ensure_registered();
    int options = CMARK_OPT_UNSAFE | CMARK_OPT_FOOTNOTES | CMARK_OPT_VALIDATE_UTF8;
    if (smart) options |= CMARK_OPT_SMART;
    cmark_parser *parser = cmark_parser_new(options);
    if (!parser) return NULL;
    const char *names[] = {"table", "strikethrough", "autolink", "tasklist", "tagfilter"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        cmark_syntax_extension *ext = cmark_find_syntax_extension(names[i]);
        if (ext) cmark_parser_attach_syntax_extension(parser, ext);
    }
    cmark_parser_feed(parser, text, len);
    cmark_node *doc = cmark_parser_finish(parser);
    char *html = NULL;
    if (doc) {
        html = cmark_render_html(doc, options, cmark_parser_get_syntax_extensions(parser));
        cmark_node_free(doc);
    }
    cmark_parser_free(parser);
    return html;
}

static inline void offprint_cmark_free(char *p) { free(p); }
#endif
