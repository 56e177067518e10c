/*
 * gazette-query - search a Gazette index from the command line.
 *
 * Built on the public gazette.h only, like any other program embedding
 * libgazette would be.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gazette.h"

/* Exit codes (sysexits.h values, spelled out so scripts can rely on them). */
enum {
    EXIT_OK = 0,            /* the search ran, with or without hits */
    EXIT_USAGE = 64,        /* bad option or malformed query */
    EXIT_DATAERR = 65,      /* the index is corrupt or of another version */
    EXIT_NOINPUT = 66,      /* no index at that path */
    EXIT_SOFTWARE = 70,     /* internal error */
    EXIT_IOERR = 74,        /* I/O error reading the index */
    EXIT_TEMPFAIL = 75      /* index kept changing under the search */
};

typedef enum { FORMAT_TEXT, FORMAT_JSON, FORMAT_PATHS } output_format;

typedef struct cli_options {
    char *db;                /* malloc()ed */
    output_format format;
    uint32_t offset, limit;
    int snippets;
    int colour;
} cli_options;

static const char usage_text[] =
"Usage: gazette-query [OPTION]... QUERY...\n"
"Search a Gazette index and print the best-matching articles.\n"
"\n"
"The words of QUERY are joined with spaces into one query. Words are\n"
"matched after English stemming (\"pauses\" finds \"pause\"), and articles\n"
"with more of the words rank higher.\n"
"\n"
"Query syntax:\n"
"  word word          either word; articles with both rank higher\n"
"  \"a phrase\"         the words next to each other, in this order\n"
"  a AND b, a OR b    both / either (operators in capitals)\n"
"  a NOT b            a, but not articles containing b\n"
"  +word -word        word required / word excluded\n"
"  ( ... )            grouping\n"
"  title:word         word in the title; also author:\n"
"  source:NAME        articles from that source (top-level folder)\n"
"  tag:NAME           articles with that tag\n"
"\n"
"Options:\n"
"  -d, --db DIR       index to search (default: see ENVIRONMENT)\n"
"  -n, --limit N      show at most N hits (default 10)\n"
"      --offset N     skip the first N hits (default 0)\n"
"      --json         one JSON object per hit, one per line\n"
"      --format paths print only the article ids, one per line\n"
"      --no-snippets  do not show snippets\n"
"  -h, --help         show this help and exit\n"
"  -V, --version      show the version and exit\n"
"\n"
"Output: for each hit its rank, relevance percentage, date, source and\n"
"title, then its id (the article's path relative to the corpus root) and\n"
"a snippet with the matched words in bold on a terminal (unless NO_COLOR\n"
"is set). --json fields: rank, id, path, title, date (YYYY-MM-DD), source,\n"
"author, url, weight, percent, snippet.\n"
"\n"
"Environment:\n"
"  GAZETTE_INDEX      index used without --db; otherwise\n"
"                     $XDG_DATA_HOME/gazette/index, or\n"
"                     ~/.local/share/gazette/index\n"
"  NO_COLOR           never use colour\n"
"\n"
"Exit status:\n"
"  0   the search ran (also when nothing matched)\n"
"  64  usage error: bad option or malformed query\n"
"  65  the index is corrupt or in an unsupported format\n"
"  66  no index at that path\n"
"  70  internal error\n"
"  74  I/O error\n"
"  75  the index kept changing during the search; try again\n";

/* Print one line to stderr, prefixed with the program name. */
__attribute__((format(printf, 1, 2)))
static void complain(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("gazette-query: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static int parse_u32(const char *s, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || *s == '-' || v > UINT32_MAX)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/* Parse argv into `o`; returns -1 to exit with `*code`, else the index of
 * the first query word. */
static int parse_args(int argc, char **argv, cli_options *o, int *code)
{
    enum { OPT_OFFSET = 256, OPT_JSON, OPT_FORMAT, OPT_NO_SNIPPETS };
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"limit", required_argument, NULL, 'n'},
        {"offset", required_argument, NULL, OPT_OFFSET},
        {"json", no_argument, NULL, OPT_JSON},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"no-snippets", no_argument, NULL, OPT_NO_SNIPPETS},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    int c;
    *code = EXIT_USAGE;
    while ((c = getopt_long(argc, argv, "d:n:hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            free(o->db);
            if (!(o->db = strdup(optarg)))
                return *code = EXIT_SOFTWARE, -1;
            break;
        case 'n':
            if (parse_u32(optarg, &o->limit) != 0)
                return complain("--limit takes a number, not '%s'", optarg), -1;
            break;
        case OPT_OFFSET:
            if (parse_u32(optarg, &o->offset) != 0)
                return complain("--offset takes a number, not '%s'", optarg), -1;
            break;
        case OPT_JSON:
            o->format = FORMAT_JSON;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "paths") == 0)
                o->format = FORMAT_PATHS;
            else if (strcmp(optarg, "json") == 0)
                o->format = FORMAT_JSON;
            else if (strcmp(optarg, "text") == 0)
                o->format = FORMAT_TEXT;
            else
                return complain("unknown --format '%s' (text, json, paths)",
                                optarg), -1;
            break;
        case OPT_NO_SNIPPETS:
            o->snippets = 0;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return *code = EXIT_OK, -1;
        case 'V':
            printf("gazette-query %s\n", gazette_version());
            return *code = EXIT_OK, -1;
        default:
            fputs("Try 'gazette-query --help' for more information.\n", stderr);
            return -1;
        }
    }
    if (optind >= argc) {
        complain("no query given");
        fputs("Try 'gazette-query --help' for more information.\n", stderr);
        return -1;
    }
    return optind;
}

/* Join argv[first..argc) with spaces into a new string. */
static char *join_words(int argc, char **argv, int first)
{
    size_t n = 1;
    for (int i = first; i < argc; i++)
        n += strlen(argv[i]) + 1;
    char *q = malloc(n);
    if (!q)
        return NULL;
    q[0] = '\0';
    for (int i = first; i < argc; i++) {
        if (i > first)
            strcat(q, " ");
        strcat(q, argv[i]);
    }
    return q;
}

static int exit_code_for(gazette_status_t s)
{
    switch (s) {
    case GAZETTE_STATUS_OK: return EXIT_OK;
    case GAZETTE_STATUS_QUERY_SYNTAX:
    case GAZETTE_STATUS_INVALID_ARGUMENT: return EXIT_USAGE;
    case GAZETTE_STATUS_INDEX_CORRUPT:
    case GAZETTE_STATUS_INDEX_VERSION: return EXIT_DATAERR;
    case GAZETTE_STATUS_INDEX_NOT_FOUND: return EXIT_NOINPUT;
    case GAZETTE_STATUS_IO_ERROR: return EXIT_IOERR;
    case GAZETTE_STATUS_INDEX_MODIFIED:
    case GAZETTE_STATUS_INDEX_LOCKED: return EXIT_TEMPFAIL;
    default: return EXIT_SOFTWARE;
    }
}

static void print_text_hit(const gazette_hit_t *h, const cli_options *o)
{
    const char *date = gazette_hit_date(h);
    const char *source = gazette_hit_source(h);
    printf("%3u. %3d%%  %s%s%s%s%s\n", gazette_hit_rank(h),
           gazette_hit_percent(h), date, *date ? "  " : "", source,
           *source ? "  " : "", gazette_hit_title(h));
    printf("      %s\n", gazette_hit_id(h));
    const char *snippet = gazette_hit_snippet(h);
    if (o->snippets && *snippet)
        printf("      %s\n", snippet);
}

/* Print `h` as one JSON object on one line. Returns 0, or -1 when out of
 * memory. */
static int print_json_hit(const gazette_hit_t *h, const cli_options *o)
{
    json_t *obj = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:f, s:i}",
        "rank", (json_int_t)gazette_hit_rank(h), "id", gazette_hit_id(h),
        "path", gazette_hit_path(h), "title", gazette_hit_title(h),
        "date", gazette_hit_date(h), "source", gazette_hit_source(h),
        "author", gazette_hit_author(h), "url", gazette_hit_url(h),
        "weight", gazette_hit_weight(h), "percent", gazette_hit_percent(h));
    if (obj && o->snippets)
        json_object_set_new(obj, "snippet",
                            json_string(gazette_hit_snippet(h)));
    char *line = obj ? json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(obj);
    if (!line)
        return -1;
    puts(line);
    free(line);
    return 0;
}

static void print_text_summary(const gazette_results_t *r, const char *query,
                               const cli_options *o)
{
    uint64_t lower, estimate, upper;
    gazette_results_estimate(r, &lower, &estimate, &upper);
    size_t n = gazette_results_count(r);
    if (estimate == 0)
        printf("No articles match '%s'.\n", query);
    else if (n == 0)
        printf("About %llu matches; none at offset %u.\n",
               (unsigned long long)estimate, o->offset);
    else
        printf("Hits %u-%zu of about %llu matches for '%s'.\n", o->offset + 1,
               o->offset + n, (unsigned long long)estimate, query);
}

static int print_results(const gazette_results_t *r, const char *query,
                         const cli_options *o)
{
    size_t n = gazette_results_count(r);
    if (o->format == FORMAT_TEXT)
        print_text_summary(r, query, o);
    for (size_t i = 0; i < n; i++) {
        const gazette_hit_t *h = gazette_results_hit(r, i);
        if (o->format == FORMAT_PATHS)
            puts(gazette_hit_id(h));
        else if (o->format == FORMAT_JSON) {
            if (print_json_hit(h, o) != 0)
                return EXIT_SOFTWARE;
        } else
            print_text_hit(h, o);
    }
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_IOERR;
}

/* Open the index, run the query, print. Returns the exit code. */
static int run(const cli_options *o, const char *query)
{
    gazette_index_t *index = NULL;
    gazette_search_options_t *sopts = NULL;
    gazette_results_t *results = NULL;
    gazette_status_t s = gazette_index_open(o->db, &index);
    if (s != GAZETTE_STATUS_OK) {
        complain("%s%s", gazette_last_open_error(),
                 s == GAZETTE_STATUS_INDEX_NOT_FOUND
                     ? " (build one with gazette-index)" : "");
        return exit_code_for(s);
    }
    int colour = o->colour && o->format == FORMAT_TEXT;
    s = gazette_search_options_new(&sopts);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_search_options_set_range(sopts, o->offset, o->limit);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_search_options_set_snippet(
            sopts, o->snippets ? 200 : 0, colour ? "\033[1m" : NULL,
            colour ? "\033[0m" : NULL);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_search(index, query, sopts, &results);
    int code;
    if (s != GAZETTE_STATUS_OK) {
        const char *msg = gazette_index_error(index);
        complain("%s", *msg ? msg : gazette_status_to_string(s));
        code = exit_code_for(s);
    } else {
        code = print_results(results, query, o);
    }
    gazette_results_free(results);
    gazette_search_options_free(sopts);
    gazette_index_close(index);
    return code;
}

int main(int argc, char **argv)
{
    cli_options o = {.db = NULL, .format = FORMAT_TEXT, .offset = 0,
                     .limit = 10, .snippets = 1, .colour = 0};
    int code;
    int first = parse_args(argc, argv, &o, &code);
    if (first < 0) {
        free(o.db);
        return code;
    }
    const char *no_colour = getenv("NO_COLOR");
    o.colour = isatty(STDOUT_FILENO) && !(no_colour && *no_colour);
    if (!o.db)
        o.db = gazette_default_index_path();
    char *query = join_words(argc, argv, first);
    if (!o.db || !query) {
        complain("out of memory");
        code = EXIT_SOFTWARE;
    } else {
        code = run(&o, query);
    }
    free(query);
    free(o.db);
    return code;
}
