/*
 * html_gumbo.h - gumbo, loaded on demand, for read_html.c and html_scan.c.
 *
 * gumbo is not linked: it is loaded (loadlib.c) when the first page is
 * read, so that a process that reads no HTML (gazette-query, an index of
 * text or mail) does not pay for loading it at every start (0.22M
 * instructions; docs/performance.md, "One-shot gazette-query").
 * Every gumbo symbol these files use is listed in GUMBO_SYMBOLS and
 * reached through `corpus_gumbo` under its own name:
 * corpus_gumbo.gumbo_tagn_enum(...). The types come from gumbo's header
 * (__typeof__), so the compiler checks every use as if gumbo were linked.
 * The pointers are set once corpus_lib_use(&corpus_gumbo_lib) returned 0.
 */
#ifndef GAZETTE_HTML_GUMBO_H
#define GAZETTE_HTML_GUMBO_H

#include "corpus_internal.h"

#include <gumbo.h>

#define GUMBO_SYMBOLS(F)                                                     \
    F(gumbo_parse_with_options)                                              \
    F(gumbo_get_attribute)                                                   \
    F(gumbo_tagn_enum)                                                       \
    F(kGumboDefaultOptions)

#define GUMBO_POINTER(name) __typeof__(&name) name;
typedef struct corpus_gumbo_symbols {
    GUMBO_SYMBOLS(GUMBO_POINTER)
} corpus_gumbo_symbols;
#undef GUMBO_POINTER

/* The pointers (read_html.c defines them). */
extern corpus_gumbo_symbols corpus_gumbo;

/* The library (read_html.c): its soname is set by corpus/CMakeLists.txt
 * from the libgumbo the build found; tests may name another
 * (corpus_html_set_library). */
extern corpus_lib corpus_gumbo_lib;

#endif /* GAZETTE_HTML_GUMBO_H */
