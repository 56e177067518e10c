/*
 * fuzz_gzip.c - gzip input through the generic reader (corpus_read_file
 * on a ".gz" file: zlib streaming, the size limit on decompressed data,
 * truncated and corrupt streams, multi-member files), into each text
 * format.
 *
 * Input: byte 0 chooses the name (bits 0-1: .txt.gz, .md.gz, .html.gz,
 * .jsonl.gz) and the mode (bit 2 clear: the rest of the input is the file
 * as it is, so the fuzzer works on gzip streams themselves; set: the rest
 * is compressed here first, in one or two members (bit 3), so the text
 * parsers get fuzzed through the gzip path as well). The size limit is
 * 64 KiB, so a small bomb reaches it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "fuzz_util.h"

static const char *const names[] = {"a.txt.gz", "a.md.gz", "a.html.gz",
                                    "a.jsonl.gz"};

/* Append `len` bytes gzip-compressed (one member) to the open FILE. */
static void append_member(FILE *out, const uint8_t *data, size_t len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    FUZZ_CHECK(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
                            Z_DEFAULT_STRATEGY) == Z_OK);
    uLong bound = deflateBound(&z, (uLong)len);
    unsigned char *buf = malloc(bound);
    FUZZ_CHECK(buf != NULL);
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    z.next_out = buf;
    z.avail_out = (uInt)bound;
    FUZZ_CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
    FUZZ_CHECK(fwrite(buf, 1, z.total_out, out) == z.total_out);
    deflateEnd(&z);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned mode = data[0];
    data++;
    size--;
    const char *name = names[mode & 3];
    char path[256];
    snprintf(path, sizeof path, "%s/%s", fuzz_scratch_dir(), name);
    FILE *out = fopen(path, "wb");
    FUZZ_CHECK(out != NULL);
    if (!(mode & 4)) {
        FUZZ_CHECK(fwrite(data, 1, size, out) == size);
    } else if (mode & 8) {
        append_member(out, data, size / 2);
        append_member(out, data + size / 2, size - size / 2);
    } else {
        append_member(out, data, size);
    }
    FUZZ_CHECK(fclose(out) == 0);

    corpus_file f = {.root = fuzz_scratch_dir(), .path = path,
                     .relpath = name, .size = size};
    size_t n = 0;
    corpus_options o = {.max_bytes = 64 * 1024,
                        .on_bad_article = fuzz_check_reason,
                        .on_warning = fuzz_check_reason};
    char why[512];
    corpus_status s = corpus_read_file(&f, &o, fuzz_check_article, &n, why,
                                       sizeof why);
    fuzz_check_status(s, why, n);
    FUZZ_CHECK(unlink(path) == 0);
    return 0;
}
