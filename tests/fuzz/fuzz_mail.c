/*
 * fuzz_mail.c - the mail reader (read_mail.c): the header sniffing, our
 * rewriting of RFC 2047 encoded words (relabelling, re-encoding, joining
 * B runs), GMime's parser (MIME nesting, boundaries, transfer encodings,
 * charsets), the walk over the parts, HTML parts through the HTML
 * reader, format=flowed, the fields.
 *
 * The input is the bytes of an .eml file. There is no mode byte: an
 * mbox is no format of its own (a "From " line before the header is
 * skipped, what follows is one message), and a name without extension
 * is read by the same parser (only a file without a header block gets
 * another status; corpus_read_memory does not take such names). Besides
 * the checks on every article, reason and status (fuzz_util.c): a mail
 * is one article, so at most one, exactly when the status is ok; an
 * .eml is never "not an article"; and GMime must load (a target that
 * cannot reach it would test nothing).
 */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n = 0;
    char why[512];
    corpus_status s = fuzz_read_text("a.eml", data, size, &n, why,
                                     sizeof why);
    if (s == CORPUS_ERR_RESOURCES)
        fuzz_fail(__FILE__, __LINE__, "GMime did not load: %s", why);
    FUZZ_CHECK(n == (s == CORPUS_OK));
    FUZZ_CHECK(s != CORPUS_NOT_ARTICLE);
    return 0;
}
