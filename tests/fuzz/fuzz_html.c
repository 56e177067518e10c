/*
 * fuzz_html.c - the HTML reader: the declared charset (its prescan in
 * html_scan.c, iconv in textenc.c), the cost scan (html_scan.c), gumbo
 * behind the arena allocator, the tree walk, metadata, and the checks of
 * fuzz_util.c on every article. Inputs are small, so the arena's CPU
 * budget is cut down to keep a slow shape from passing unnoticed: a
 * parse abandoned on a page this small is a finding (reported by
 * checking the reason).
 */
#include <string.h>

#include "corpus_internal.h"
#include "fuzz_util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* 2 s + 1 s/MiB: generous for fuzz inputs even under ASan */
    corpus_html_set_time_budget(2, 1);
    return 0;
}

static int check_and_count(const corpus_article *a, void *ctx)
{
    return fuzz_check_article(a, ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    corpus_file f = {.root = "fuzz", .path = "fuzz/input",
                     .relpath = "a.html", .size = size};
    size_t n = 0;
    corpus_options o = {.on_bad_article = fuzz_check_reason,
                        .on_warning = fuzz_check_reason};
    char why[512];
    corpus_status s = corpus_read_memory(&f, &o, (const char *)data, size,
                                         check_and_count, &n, why,
                                         sizeof why);
    fuzz_check_status(s, why, n);
    if (strstr(why, "abandoned") || strstr(why, "too deeply for the parser"))
        fuzz_fail(__FILE__, __LINE__, "the scan let through a page that "
                  "gumbo could not finish: %s", why);
    return 0;
}
