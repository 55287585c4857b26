#ifndef OFFPRINT_CLIBXML2_SHIM_H
#define OFFPRINT_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
/* Debian's libxml2 headers pull in the system ICU, which clashes with
   Foundation's copy ('UErrorCode' has different definitions). We never use
   libxml2's ICU bits, so hide them. */
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlreader.h>

/* xmlFree is a global function-pointer variable, which Swift 6 rejects as
   shared mutable state: call it through a function. */
static inline void offprint_xml_free(void *p) { xmlFree(p); }

/* Swallow libxml2's diagnostics (they would go to stderr otherwise). */
static inline void offprint_xml_silent(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
static inline void offprint_xml_quiet(void) {
    xmlSetGenericErrorFunc(NULL, offprint_xml_silent);
}
#endif
