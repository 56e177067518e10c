/* docs.c - converted documents and queries for the C peers (docs.h). */
#include "docs.h"

#define _XOPEN_SOURCE 700   /* nftw */
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Read the whole file into a new NUL-terminated buffer (caller frees). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (len + 1 == cap) {
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[len] = '\0';
    return buf;
}

/* Split a converted article in place into its title header and body. */
static void split_article(char *text, peer_doc *d)
{
    d->title = "";
    d->body = text;
    if (strncmp(text, "Title: ", 7) == 0) {
        char *eol = strchr(text, '\n');
        d->title = text + 7;
        if (eol) {
            *eol = '\0';
            d->body = eol + 1;
        } else {
            d->body = "";
        }
    }
}

int peer_each_doc(const char *dir, int (*fn)(const peer_doc *d, void *ctx),
                  void *ctx)
{
    DIR *dh = opendir(dir);
    if (!dh) {
        perror(dir);
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(dh))) {
        size_t n = strlen(e->d_name);
        if (n <= 4 || strcmp(e->d_name + n - 4, ".txt") != 0)
            continue;
        char path[4096], docno[256];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        snprintf(docno, sizeof docno, "%.*s", (int)(n - 4), e->d_name);
        char *text = slurp(path);
        if (!text) {
            perror(path);
            rc = -1;
            break;
        }
        peer_doc d = {.docno = docno};
        split_article(text, &d);
        rc = fn(&d, ctx) ? -1 : 0;
        free(text);
    }
    closedir(dh);
    return rc;
}

int peer_each_query(const char *path,
                    int (*fn)(const char *qid, const char *text, void *ctx),
                    void *ctx)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return -1;
    }
    char line[8192];
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        rc = fn(line, tab + 1, ctx) ? -1 : 0;
    }
    fclose(f);
    return rc;
}

double peer_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int peer_latency_add(peer_latencies *l, double us)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        double *grown = realloc(l->us, cap * sizeof *grown);
        if (!grown)
            return -1;
        l->us = grown;
        l->cap = cap;
    }
    l->us[l->n++] = us;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void peer_latency_report(peer_latencies *l, const char *who)
{
    if (l->n) {
        qsort(l->us, l->n, sizeof *l->us, cmp_double);
        fprintf(stderr, "%s: %zu queries, p50 %.0f us\n", who, l->n,
                l->us[l->n / 2]);
    }
    free(l->us);
    *l = (peer_latencies){0};
}

/* nftw has no context argument: the walk in progress. */
static struct {
    size_t rootlen;
    int (*fn)(const peer_doc *d, void *ctx);
    void *ctx;
} walk;

static int visit(const char *path, const struct stat *sb, int type,
                 struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    size_t n = strlen(path);
    if (type != FTW_F || n < 4 || strcmp(path + n - 4, ".txt") != 0)
        return 0;
    char *text = slurp(path);
    if (!text) {
        perror(path);
        return -1;
    }
    char *t = text;
    while (*t == '\n' || *t == '\r' || *t == ' ' || *t == '\t')
        t++;
    char *eol = strchr(t, '\n');
    peer_doc d = {.docno = path + walk.rootlen, .title = t,
                  .body = eol ? eol + 1 : ""};
    if (eol)
        *eol = '\0';
    int rc = walk.fn(&d, walk.ctx);
    free(text);
    return rc ? -1 : 0;
}

int peer_each_file(const char *root,
                   int (*fn)(const peer_doc *d, void *ctx), void *ctx)
{
    walk.rootlen = strlen(root) + 1;
    walk.fn = fn;
    walk.ctx = ctx;
    return nftw(root, visit, 32, FTW_PHYS) == 0 ? 0 : -1;
}
