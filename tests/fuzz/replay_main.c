/*
 * replay_main.c - run a fuzz target over stored inputs, without
 * libFuzzer: the regression inputs (crashes found by fuzzing, kept in
 * tests/fuzz/regressions/<target>/) and the seeds, as an ordinary ctest
 * test in the gcc build (and under ASan+UBSan in the sanitizer build).
 *
 *   <target>_replay PATH...   each PATH a file or a directory (its files,
 *                             recursively, names starting with '.' and
 *                             README* skipped; a missing one is noted)
 *
 * A failed check aborts, which fails the test; exit 0 otherwise.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_util.h"

/* LLVMFuzzerInitialize is optional in a target. */
#pragma weak LLVMFuzzerInitialize

static size_t replayed;

static void run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            uint8_t *nb = realloc(buf, cap *= 2);
            if (!nb)
                free(buf);
            buf = nb;
        }
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "out of memory reading %s\n", path);
        exit(1);
    }
    /* A copy of exactly `len` bytes, as libFuzzer hands inputs over: ASan
     * then sees a read past the end. */
    uint8_t *input = malloc(len ? len : 1);
    if (!input)
        exit(1);
    memcpy(input, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(input, len);
    free(input);
    replayed++;
}

static int skip_name(const char *name)
{
    return name[0] == '.' || strncmp(name, "README", 6) == 0;
}

static void run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "note: %s is absent\n", path);
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        run_file(path);
        return;
    }
    struct dirent **names;
    int n = scandir(path, &names, NULL, alphasort);
    if (n < 0) {
        perror(path);
        exit(1);
    }
    for (int i = 0; i < n; i++) {
        if (!skip_name(names[i]->d_name)) {
            size_t len = strlen(path) + strlen(names[i]->d_name) + 2;
            char *sub = malloc(len);
            if (!sub)
                exit(1);
            snprintf(sub, len, "%s/%s", path, names[i]->d_name);
            run_path(sub);
            free(sub);
        }
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++)
        run_path(argv[i]);
    printf("replayed %zu inputs\n", replayed);
    return 0;
}
