/*
 * fuzz_jsonl.c - the JSON Lines reader: one article per line, bad lines reported alone.
 * The input is the file's bytes; everything after opening the file runs
 * (size limit, binary check, encoding, newlines, the parser, the field
 * clean-up), and every article, reason and status is checked
 * (fuzz_util.c).
 */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n;
    char why[512];
    fuzz_read_text("a.jsonl", data, size, &n, why, sizeof why);
    return 0;
}
