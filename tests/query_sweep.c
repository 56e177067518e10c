/*
 * query_sweep - enumerate short queries over Gazette's query grammar and
 * run each through gazette_search() in a child process of its own, to
 * find the queries that kill the process (a signal, a sanitizer's
 * report), hang (more than 5 s), or end with a status or message that
 * gazette_search() does not document (docs/search.md: an error is
 * QUERY_SYNTAX or OUT_OF_MEMORY with a one-line message).
 *
 *   query_sweep INDEX [-a] [-v] [--singles] [--pairs] [--random N SEED]
 *   query_sweep INDEX [-a] [-v] --stdin      one query a line
 *
 * INDEX is an index of corpus/sample (gazette-index -d INDEX
 * corpus/sample). -a searches with every word required (the parser's
 * default operator AND, gazette-query -a); -v prints every query with its
 * status. The classes:
 *   --singles  a context ("", "+g ", "title:(", ...) then a sign then one
 *              item: a word, or a field (each the parser knows, in two
 *              spellings, and one it does not) with a value from a list
 *              of the grammar's shapes (empty, phrases, groups, NEAR,
 *              wildcards, ranges, hyphens, apostrophes, '.', '&', '@',
 *              digits, non-ASCII letters, doubled prefixes)
 *   --pairs    sign, item, operator, sign, item over a smaller list of
 *              items, alone and after "+g "
 *   --random   N queries of 2 to 6 pieces of a token soup, seeded
 * Prints one line per finding and a summary of counts per class; exits 1
 * when anything was found. Not a ctest test: a tool for campaigns (the
 * queries it found are in tests/test_query.c and
 * tests/fuzz/regressions/fuzz_query/).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gazette.h"

/* What one class of queries came to. */
typedef struct tally {
    const char *name;
    unsigned long runs, ok, refused, findings;
} tally;

static gazette_index_t *index_;
static int match_all, verbose;

static const char *const fields[] = {
    "title", "author", "caps", "upper", "source", "tag", "entity", "url",
    "id", "year", "date", "Caps", "TITLE", "nosuch"};

static const char *const values[] = {
    "", "x", "NASA", "nasa", "Nasa", "the", "a-b", "a:b", "zs:l", "a/b",
    "a\\b", "a@b", "a&b", "a'b", "o'brien", "U.S.", "U.S", "1.5", "a.b",
    "a_b", "a*", "*", "ab*c", "C++", "a-", "-a", "+a", "\"a b\"", "\"a\"",
    "\"\"", "\xe2\x80\x9c" "a b\xe2\x80\x9d", "(a b)", "(a)", "()", "(",
    ")", "(a NEAR b)", "(a ADJ b)", "(a-b)", "(+a +b)", "(a OR b)",
    "(NASA OR UN)", "(a \"b c\")", "(title:x)", "(caps:x)", "title:x",
    "caps:x", "caps:zs:l", "2020..2021", "2020-01-01..2021-12-31",
    "..2021", "2020..", "a..b", "caf\xc3\xa9", "\xc3\xa9t\xc3\xa9",
    "\xe4\xb8\xad\xe6\x96\x87", "a\xe2\x80\x94" "b", "a\xc2\xa0" "b",
    "\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0", "2020", "42",
    "a..", "NEAR", "AND", "a~"};

static const char *const words[] = {
    "g", "the", "NASA", "U.S.", "a*", "*", "\"a b\"", "(a b)", "a-b",
    "~a", "\xe4\xb8\xad\xe6\x96\x87", "caf\xc3\xa9", "2020..2021", "..",
    "(", ")", "\"", "AND", "NEAR", "NEAR/3", "+", "-"};

static const char *const contexts[] = {
    "", "g ", "+g ", "-g ", "g AND ", "g OR ", "g NOT ", "(", "+(",
    "title:(", "caps:(", "g NEAR ", "\""};

static const char *const signs[] = {"", "+", "-"};

static const char *const ops[] = {
    " ", "", "-", " AND ", " OR ", " NOT ", " XOR ", " NEAR ", " ADJ ",
    " NEAR/3 ", " ADJ/2 ", " AND NOT ", "."};

/* The items of --pairs: the shapes most likely to meet an operator. */
static const char *const pair_items[] = {
    "g", "the", "NASA", "a*", "\"a b\"", "(a b)", "a-b", "caps:x",
    "caps:NASA", "upper:UN", "caps:a*", "caps:(a b)", "caps:(a OR b)",
    "caps:U.S.", "caps:1.5", "caps:o'brien", "title:x", "title:\"a b\"",
    "title:(a b)", "author:x", "source:x", "tag:x", "entity:x",
    "entity:\"a b\"", "url:x", "id:x", "year:2020", "date:2020..2021",
    "caps:\xe4\xb8\xad\xe6\x96\x87", "upper:caf\xc3\xa9"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Search `q` (within 5 s, else SIGALRM ends the process): 0 when it was
 * searched, 2 when refused as the API documents, 3 when the status is
 * not one gazette_search() documents, 4 when the message is not one
 * line. */
static int search_one(const char *q)
{
    gazette_search_options_t *o = NULL;
    gazette_results_t *r = NULL;
    alarm(5);
    if (gazette_search_options_new(&o) != GAZETTE_STATUS_OK)
        return 5;
    gazette_search_options_set_match_all(o, match_all);
    gazette_search_options_set_snippet(o, 80, "[", "]");
    gazette_status_t s = gazette_search(index_, q, o, &r);
    const char *msg = gazette_index_error(index_);
    if (verbose)
        printf("%d\t%s\t%s\n", (int)s, q, s ? msg : "");
    gazette_results_free(r);
    gazette_search_options_free(o);
    if (s == GAZETTE_STATUS_OK)
        return 0;
    if (s != GAZETTE_STATUS_QUERY_SYNTAX && s != GAZETTE_STATUS_OUT_OF_MEMORY) {
        printf("status %s: %s\n", gazette_status_to_string(s), msg);
        return 3;
    }
    return !msg || !*msg || strchr(msg, '\n') ? 4 : 2;
}

/* The queries of one class, run by run_all(). */
typedef struct query_list {
    char **q;
    size_t n, cap;
} query_list;

static void add(query_list *l, const char *q)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 1024;
        l->q = realloc(l->q, l->cap * sizeof *l->q);
    }
    if (!l->q || !(l->q[l->n] = strdup(q))) {
        fprintf(stderr, "query_sweep: out of memory\n");
        exit(2);
    }
    l->n++;
}

/* The query a worker is at, shared with the parent: a worker searches
 * queries one after another (a fork per query costs more than most
 * searches), and when it dies the parent knows which query killed it. */
static volatile size_t *at_;

/* Search queries [from, n) of `l` in this process, then exit 0. */
static void worker(const query_list *l, size_t from)
{
    for (size_t i = from; i < l->n; i++) {
        *at_ = i;
        int st = search_one(l->q[i]);
        if (verbose)
            fflush(stdout);
        if (st != 0 && st != 2) {
            printf("FINDING: exit %d: '%s'\n", st, l->q[i]);
            fflush(stdout);
        }
        at_[1 + (st == 0 ? 0 : st == 2 ? 1 : 2)]++;
    }
    alarm(0);
    fflush(stdout);
    _exit(0);
}

/* Run every query of `l`, counting what came of them in `t`. */
static void run_all(tally *t, const query_list *l)
{
    size_t from = 0;
    at_[1] = at_[2] = at_[3] = 0;
    while (from < l->n) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            exit(2);
        }
        if (pid == 0)
            worker(l, from);
        int st = 0;
        while (waitpid(pid, &st, 0) < 0)
            ;
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
            break;
        size_t i = *at_;
        t->findings++;
        if (WIFSIGNALED(st))
            printf("FINDING %s: signal %d%s: '%s'\n", t->name, WTERMSIG(st),
                   WTERMSIG(st) == SIGALRM ? " (hang)" : "", l->q[i]);
        else
            printf("FINDING %s: exit %d: '%s'\n", t->name, WEXITSTATUS(st),
                   l->q[i]);
        from = i + 1;
    }
    t->runs += l->n;
    t->ok += at_[1];
    t->refused += at_[2];
    t->findings += at_[3];
}

/* field:value or a bare word, item `i` of the --singles list. */
static size_t single_items(void)
{
    return COUNT(words) + COUNT(fields) * COUNT(values);
}

static void single_item(size_t i, char *buf, size_t size)
{
    if (i < COUNT(words)) {
        snprintf(buf, size, "%s", words[i]);
        return;
    }
    i -= COUNT(words);
    snprintf(buf, size, "%s:%s", fields[i / COUNT(values)],
             values[i % COUNT(values)]);
}

static void singles(query_list *t)
{
    char item[256], q[512];
    for (size_t c = 0; c < COUNT(contexts); c++)
        for (size_t s = 0; s < COUNT(signs); s++)
            for (size_t i = 0; i < single_items(); i++) {
                single_item(i, item, sizeof item);
                snprintf(q, sizeof q, "%s%s%s", contexts[c], signs[s], item);
                add(t, q);
            }
}

static void pairs(query_list *t)
{
    static const char *const before[] = {"", "+g "};
    char q[512];
    for (size_t b = 0; b < COUNT(before); b++)
        for (size_t s1 = 0; s1 < COUNT(signs); s1++)
            for (size_t a = 0; a < COUNT(pair_items); a++)
                for (size_t o = 0; o < COUNT(ops); o++)
                    for (size_t s2 = 0; s2 < COUNT(signs); s2++)
                        for (size_t c = 0; c < COUNT(pair_items); c++) {
                            snprintf(q, sizeof q, "%s%s%s%s%s%s", before[b],
                                     signs[s1], pair_items[a], ops[o],
                                     signs[s2], pair_items[c]);
                            add(t, q);
                        }
}

/* A small seeded generator (xorshift64*), the same sequence everywhere. */
static unsigned long long rng_state;

static unsigned pick(unsigned n)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (unsigned)((rng_state * 2685821657736338717ULL) >> 33) % n;
}

/* Append one random piece to `q`: a sign, a field, a value, an operator
 * or a lone token. */
static void random_piece(char *q, size_t size)
{
    char piece[256];
    switch (pick(4)) {
    case 0:
        snprintf(piece, sizeof piece, "%s%s:%s", signs[pick(COUNT(signs))],
                 fields[pick(COUNT(fields))], values[pick(COUNT(values))]);
        break;
    case 1:
        snprintf(piece, sizeof piece, "%s%s", signs[pick(COUNT(signs))],
                 words[pick(COUNT(words))]);
        break;
    case 2:
        snprintf(piece, sizeof piece, "%s", pair_items[pick(COUNT(pair_items))]);
        break;
    default:
        snprintf(piece, sizeof piece, "%s", contexts[pick(COUNT(contexts))]);
        break;
    }
    size_t n = strlen(q);
    snprintf(q + n, size - n, "%s%s", *q ? ops[pick(COUNT(ops))] : "", piece);
}

static void randoms(query_list *t, unsigned long count, unsigned long long seed)
{
    char q[2048];
    rng_state = seed * 0x9E3779B97F4A7C15ULL + 1;
    for (unsigned long i = 0; i < count; i++) {
        unsigned pieces = 2 + pick(5);
        q[0] = '\0';
        for (unsigned k = 0; k < pieces; k++)
            random_piece(q, sizeof q);
        add(t, q);
    }
}

static void from_stdin(query_list *t)
{
    char line[8192];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        add(t, line);
    }
}

static void report(const tally *t)
{
    if (t->runs)
        printf("%-8s %8lu queries: %8lu searched, %8lu refused (64), "
               "%lu findings\n", t->name, t->runs, t->ok, t->refused,
               t->findings);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: query_sweep INDEX [-a] [-v] [--singles] "
                "[--pairs] [--random N SEED] [--stdin]\n");
        return 2;
    }
    if (gazette_index_open(argv[1], &index_) != GAZETTE_STATUS_OK) {
        fprintf(stderr, "query_sweep: %s\n", gazette_last_open_error());
        return 2;
    }
    at_ = mmap(NULL, 4 * sizeof *at_, PROT_READ | PROT_WRITE,
               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (at_ == MAP_FAILED) {
        perror("mmap");
        return 2;
    }
    tally t[] = {{"singles", 0, 0, 0, 0}, {"pairs", 0, 0, 0, 0},
                 {"random", 0, 0, 0, 0}, {"stdin", 0, 0, 0, 0}};
    query_list l[COUNT(t)];
    memset(l, 0, sizeof l);
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "-a") == 0)
            match_all = 1;
        else if (strcmp(argv[i], "-v") == 0)
            verbose = 1;
        else if (strcmp(argv[i], "--singles") == 0)
            singles(&l[0]);
        else if (strcmp(argv[i], "--pairs") == 0)
            pairs(&l[1]);
        else if (strcmp(argv[i], "--random") == 0 && i + 2 < argc) {
            randoms(&l[2], strtoul(argv[i + 1], NULL, 10),
                    strtoull(argv[i + 2], NULL, 10));
            i += 2;
        } else if (strcmp(argv[i], "--stdin") == 0)
            from_stdin(&l[3]);
        else {
            fprintf(stderr, "query_sweep: unknown argument '%s'\n", argv[i]);
            return 2;
        }
    }
    for (size_t i = 0; i < COUNT(t); i++)
        run_all(&t[i], &l[i]);
    unsigned long found = 0;
    for (size_t i = 0; i < COUNT(t); i++) {
        report(&t[i]);
        found += t[i].findings;
    }
    gazette_index_close(index_);
    return found ? 1 : 0;
}
