/*
 * gen_corpus_main.c - write a generated corpus from the command line, for
 * benches and for looking at what the tests index:
 *
 *   gen_corpus DIR [--seed N] [--articles M] [--manifest FILE] [--readme]
 *
 * The same seed and count always give the same files (tests/gen_corpus.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_corpus.h"

static int usage(void)
{
    fprintf(stderr, "Usage: gen_corpus DIR [--seed N] [--articles M] "
                    "[--manifest FILE] [--readme]\n");
    return 64;
}

/* A whole unsigned number, or -1 when `s` is not one. */
static int parse_number(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    *out = strtoull(s, &end, 10);
    return *s && *s != '-' && !*end && errno == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    const char *dir = NULL, *manifest = NULL;
    unsigned long long seed = 1, articles = 1000;
    int readme = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--seed") == 0 && i + 1 < argc) {
            if (parse_number(argv[++i], &seed) != 0)
                return usage();
        } else if (strcmp(a, "--articles") == 0 && i + 1 < argc) {
            if (parse_number(argv[++i], &articles) != 0)
                return usage();
        } else if (strcmp(a, "--manifest") == 0 && i + 1 < argc) {
            manifest = argv[++i];
        } else if (strcmp(a, "--readme") == 0) {
            readme = 1;
        } else if (a[0] != '-' && !dir) {
            dir = a;
        } else {
            return usage();
        }
    }
    if (!dir)
        return usage();
    gen_options o = gen_default_options(seed, (size_t)articles);
    o.readme = readme;
    gen_corpus *c = gen_corpus_create(dir, &o);
    if (manifest) {
        FILE *f = fopen(manifest, "w");
        if (!f) {
            fprintf(stderr, "gen_corpus: %s: %s\n", manifest,
                    strerror(errno));
            gen_corpus_free(c);
            return 73;
        }
        gen_corpus_write_manifest(c, f);
        if (fclose(f) != 0) {
            fprintf(stderr, "gen_corpus: %s: %s\n", manifest,
                    strerror(errno));
            gen_corpus_free(c);
            return 74;
        }
    }
    printf("%zu files in %s (%zu gzipped, %zu byte copies, %zu in "
           "Windows-1252), seed %llu\n", gen_corpus_count(c), dir,
           gen_corpus_count_gzip(c), gen_corpus_count_copies(c),
           gen_corpus_count_cp1252(c), seed);
    gen_corpus_free(c);
    return 0;
}
