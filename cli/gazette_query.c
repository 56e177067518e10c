/*
 * gazette-query - search a Gazette index from the command line.
 *
 * Built on the public gazette.h only, like any other program embedding
 * libgazette would be.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "gazette.h"


typedef enum { FORMAT_TEXT, FORMAT_JSON, FORMAT_PATHS } output_format;

/* Room for every facet kind the library names (gazette_facet_name() is
 * NULL past the last one). */
#define MAX_FACETS 32
#define EACH_FACET(f) \
    (f) < MAX_FACETS && gazette_facet_name((gazette_facet_t)(f))

/* --db may be repeated: indexes searched as one. */
#define MAX_DBS 64

typedef struct cli_options {
    char *db[MAX_DBS];       /* malloc()ed */
    size_t ndb;
    int partial;             /* search the indexes that answer */
    output_format format;
    uint32_t offset, limit;
    int snippets;
    int colour;
    int match_all;
    gazette_sort_t sort;
    int duplicates;          /* show every copy of duplicated articles */
    int spelling;
    int feedback;
    int explain;
    int facets[MAX_FACETS];
    int db_is_default;       /* no --db nor GAZETTE_INDEX: the default
                                location, whose missing directories
                                gazette-index makes */
} cli_options;

static const char usage_text[] =
"Usage: gazette-query [OPTION]... QUERY...\n"
"Search a Gazette index and print the best-matching articles.\n"
"\n"
"The words of QUERY are joined with spaces into one query. Words match\n"
"whatever their case (Hezbollah, hezbollah), accents (Zurich, Zürich) and\n"
"width (NHK, ＮＨＫ), after stemming (\"pauses\" finds \"pause\") in the\n"
"index's language: the one gazette-index --language chose when the index\n"
"was built (English by default; gazette-query has no --language). The\n"
"words of a phrase and of NEAR or ADJ are not stemmed: they match as\n"
"written, case and accents aside ('\"humanitarian pause\"' does not find\n"
"\"humanitarian pauses\"; write each form, '\"humanitarian pause\" OR\n"
"\"humanitarian pauses\"'), and a possessive's 's too: '\"Tony Blair\"' finds\n"
"\"Tony Blair's\", '\"Tony Blair's\"' the possessive only (an index built\n"
"before 2026-12-03 needs gazette-index --full for this). A word written\n"
"in capitals in a query that has lower-case letters too means the\n"
"acronym or name: \"US economy\" finds US and U.S., not \"us\"; \"IT\", \"WHO\",\n"
"\"ID\" likewise; \"NASA\" also finds \"Nasa\" (and, in an article written\n"
"all in capitals, the word as it is there). A query typed all in\n"
"capitals (no lower-case letter a to z) with a word in capitals A to Z\n"
"besides the operators AND, OR, NOT, XOR, NEAR, ADJ is plain words, its\n"
"operators too: 'GAZA AND TRUCE' is the words gaza, and, truce. Without\n"
"such a word the operators\n"
"stay operators ('2024 OR 2023'), and a query of operators alone ('OR',\n"
"'AND AND', 'NOT') is refused with exit status 64: to search for the\n"
"word, write it in lower case or in quotes ('or', '\"OR\"'). By default\n"
"any word may match and articles with more of the words rank higher;\n"
"--all requires every word. Words also find their synonyms when the\n"
"index has some (see gazette-index --synonyms). Chinese, Japanese and\n"
"Korean words are found inside text written without spaces (\"北京\" in\n"
"\"北京市政府宣布\") in an index that gazette-index built or rebuilt\n"
"(--full) with such text as n-grams; an index written before finds only\n"
"whole runs of it.\n"
"\n"
"Query syntax:\n"
"  word word          either word; articles with both rank higher\n"
"  \"a phrase\"         the words next to each other, in this order, not\n"
"                     stemmed (the typographic quotes U+201C, U+201D,\n"
"                     U+201E too)\n"
"  w0-w1              a hyphenated word (or joined by / . : \\ @): the\n"
"                     phrase of its words, each also matching the\n"
"                     index's words of its stem that start alike (at\n"
"                     most 16 forms): e-mail finds e-mails; in quotes\n"
"                     ('\"e-mail\"') or a remote index it is searched\n"
"                     as written\n"
"  a AND b, a OR b    both / either (operators must be in capitals)\n"
"  a NOT b, a XOR b   a but not b / one of them, not both (a chain\n"
"                     'a XOR b XOR c' matches an odd number of them:\n"
"                     one, or all three)\n"
"  a NEAR b, a NEAR/n b  both within 10 (or n) words, any order\n"
"  a ADJ b, a ADJ/n b    likewise, a before b (n from 1 to 1000; another\n"
"                        window, as NEAR/0 or NEAR/x, is refused with\n"
"                        exit status 64); beside other words, as in\n"
"                        'gaza NEAR truce aid', read as\n"
"                        '(gaza NEAR truce) aid'\n"
"  +word -word        word required / word excluded (-word alone, like\n"
"                     NOT word alone: every article without it); to\n"
"                     exclude a group or phrase write NOT (a OR b),\n"
"                     NOT \"a b\" ('-(a OR b)' is refused, exit status 64).\n"
"                     A sign goes against its word: one before a space\n"
"                     is no sign ('gaza - truce' is gaza truce), one\n"
"                     with no word after it ('gaza +') is refused\n"
"  ( ... )            grouping\n"
"  word*              any word starting with 'word' (at most 1000 distinct\n"
"                     words over all the shards and indexes searched,\n"
"                     remote ones too; a broader wildcard is refused with\n"
"                     exit status 64); a word alone: in a phrase or a\n"
"                     hyphenated word ('\"ab* cd\"', 'e-mail*') the '*' is\n"
"                     left out, with a warning; a '*' inside a word is\n"
"                     no wildcard but a space ('ab*cd' is 'ab cd'), and\n"
"                     one that starts a word is left out ('*ab' is 'ab'),\n"
"                     each with a warning\n"
"  title:word         word in the title; author:word in the author\n"
"  source:NAME        articles from that source (top-level folder unless\n"
"                     the article names its source)\n"
"  tag:NAME           articles with that tag (tag:\"world cup\")\n"
"  entity:NAME        articles naming that entity (entity:\"antony blinken\"),\n"
"                     or one of its aliases (gazette-index --entity-aliases);\n"
"                     an acronym also finds the names it opens, when some\n"
"                     article names it alone (entity:BBC: 'BBC News'), as\n"
"                     does their start (entity:\"BBC Radio\": 'BBC Radio\n"
"                     Five Live')\n"
"  url:URL, id:ID     the article with that URL / id (its path, e.g.\n"
"                     id:world/2023-11-03-nasrallah-speech.txt); a value\n"
"                     with a space or a parenthesis goes in quotes,\n"
"                     id:\"s/a b.txt\", a double quote in it doubled:\n"
"                     id:\"s/quo\"\"te.txt\" for the file s/quo\"te.txt\n"
"  year:2024          articles dated in 2024 (four digits: year:24 or\n"
"                     year:2023-11 is an error; use date: for months)\n"
"  date:A..B          articles dated from A to B; A and B are YYYY-MM-DD\n"
"                     (or YYYYMMDD), YYYY-MM or YYYY, and either may be\n"
"                     left out:\n"
"                     date:2023-11-01..2023-11-30, date:2023-11..,\n"
"                     date:..2023-10, date:2023-11 (the whole month); a\n"
"                     range that ends before it starts is an error;\n"
"                     elsewhere two or more dots separate words, like a\n"
"                     space ('Gaza ceasefire... talks', '1..2')\n"
"  source:(a OR b), tag:(a b)\n"
"                     any of the values, for every filter (tag:a tag:b\n"
"                     requires both tags); another operator or a group\n"
"                     inside is an error (exit status 64)\n"
"Filters (source: tag: entity: url: id: year: date:, and with '-' in front\n"
"to exclude) apply to the whole query wherever they stand, unless an\n"
"operator joins them to a neighbour: 'aid NOT Gaza year:2023'. A filter's\n"
"group is one filter; inside parentheses a group of tag: or entity:\n"
"values needs an operator beside it ('(aid AND tag:(gaza egypt))').\n"
"A query Gazette cannot read (\"foo AND\", \"AND AND\", date:2023-13,\n"
"operators that do not fit together: \"a NEAR (b OR c)\", '-(a OR b)') or\n"
"with no word to search for ('*', '+', '-', '\"') is reported in one line\n"
"with exit status 64; an unclosed quote or parenthesis, or a ')' closing\n"
"none, is read leniently.\n"
"A field with nothing after it (title:, source:\"\") is left out, the\n"
"query failing so when nothing else is left.\n"
"A query word that starts with '-' (an exclusion) must come after '--',\n"
"or inside one quoted query that does not start with '-'; otherwise it\n"
"is read as options: 'gaza -lebanon' fails with \"unknown option '-l'\"\n"
"(exit status 64), and 'gaza -hamas' shows this help (-h). Write:\n"
"  gazette-query --db INDEX -- gaza -lebanon\n"
"  gazette-query --db INDEX 'gaza -lebanon'\n"
"\n"
"Options:\n"
"  -d, --db INDEX     index to search (default: see ENVIRONMENT): a\n"
"                     directory, a Xapian stub file listing shards, or\n"
"                     tcp://HOST:PORT for an index served by\n"
"                     xapian-tcpsrv; repeat (at most 64 times) to search\n"
"                     several indexes as one (each hit then names its\n"
"                     --db; a stub file may list more)\n"
"      --partial      with several indexes (or stub file lines): search\n"
"                     those that answer and warn about the others\n"
"                     (default: fail naming the index that does not\n"
"                     answer)\n"
"  -n, --limit N      show at most N hits (default 10, at most 100000);\n"
"                     0: only the count, exact whatever its size\n"
"                     (but see Output)\n"
"      --offset N     skip the first N hits (default 0, at most\n"
"                     4294967295)\n"
"  -a, --all          every word must match (default: best match)\n"
"      --sort ORDER   relevance (default), date (newest first) or\n"
"                     date-asc (oldest first); undated articles last.\n"
"                     A query of filters alone has no relevance: its\n"
"                     hits come newest first\n"
"      --facet NAME   count the matches by source, year, tag, entity or\n"
"                     author (repeatable); the 20 most frequent values are\n"
"                     shown after the hits (all of them with --json); the\n"
"                     year facet counts undated articles as 'undated',\n"
"                     the source facet those without a source (files at\n"
"                     the corpus root) as '(no source)', \"\" in JSON;\n"
"                     no filter selects either bucket.\n"
"                     With a facet the match count is exact, but for\n"
"                     near-duplicates past the page (docs/search.md)\n"
"      --duplicates   show every copy of duplicated articles (by default\n"
"                     articles with the same text, or the same text with\n"
"                     small edits such as a byline or an added line, are\n"
"                     shown once, with '(and N duplicates)')\n"
"      --no-spelling  do not suggest a spelling correction\n"
"      --no-feedback  rank by BM25 alone, without pseudo-relevance\n"
"                     feedback: faster (much faster over tcp:// indexes),\n"
"                     same hits, often a worse order\n"
"      --explain      show the query as parsed, the terms each hit\n"
"                     matched with the weight each one gave it, and what\n"
"                     feedback re-ranking and the words a wildcard stands\n"
"                     for (not listed) added\n"
"      --json         one JSON object per hit, one per line, then a\n"
"                     summary object (schema: docs/json.md in the\n"
"                     documentation, /usr/share/doc/gazette on Debian)\n"
"      --format FMT   text (default), json, or paths: only the article\n"
"                     ids, one per line, escaped so that none breaks a\n"
"                     line: \\n \\t \\r for newline, tab and CR, \\xHH\n"
"                     for other control characters, the bidirectional\n"
"                     controls U+202A-U+202E and U+2066-U+2069 and the\n"
"                     line and paragraph separators U+2028, U+2029\n"
"                     (each byte) and bytes that are not UTF-8, \\\\ for\n"
"                     a backslash; text output shows those controls in\n"
"                     titles and snippets as '?'\n"
"      --no-snippets  do not show snippets, nor a title's matched words in\n"
"                     bold: the library finds them with the snippet\n"
"  -h, --help         show this help and exit\n"
"  -V, --version      show the version and exit\n"
"N is written in decimal digits alone (010 is ten); a sign, a blank, 0x or\n"
"a number out of range is refused (exit 64).\n"
"\n"
"Output: a line 'Hits A-B of N matches' ('of about N matches (L to U)'\n"
"when the count is an estimate between L and U; past the last hit 'N\n"
"matches; none at offset K'; 'match' when N is 1). The count is exact\n"
"for filters alone, --sort date and -n 0, and for a ranked page whose\n"
"matches can be no more than 300; near-duplicates that form a chain\n"
"may leave an estimate (gazette-query(1)). Then for each hit\n"
"its rank, relevance percentage, date (none for an undated article),\n"
"source and title ('(untitled)' when the article has none), its id (the\n"
"article's path relative to the corpus root, escaped as by --format\n"
"paths) and a snippet, the start of the body when only the title\n"
"matched; matched words are in bold on a terminal (unless NO_COLOR is\n"
"set). When a query word is not in the index, or hardly, and a far more\n"
"common word is a letter or two away, 'Did you mean: ...?' follows;\n"
"also when a word is in no article's text but in an author's name, or\n"
"a tag or a source for a query of that word alone\n"
"('Did you mean: author:fiona?'), and when a word in no article has no\n"
"such correction but is a slip or two from a word of an author's name,\n"
"as that author's word ('author:fiona' for 'Fionna'). A word of a\n"
"title: or author: value is corrected in its field\n"
"('title:\"tony blair\"' for 'title:\"tony blaire\"'), and a word of an\n"
"author: value that no author has only to the nearest word of an\n"
"author's name ('author:fiona' for 'author:fionna'; none when no\n"
"author's word is a slip or two away, nor over a remote index). Never\n"
"when the correction would find fewer articles than the query typed.\n"
"\n"
"Environment:\n"
"  GAZETTE_INDEX      index used without --db (set but empty: as\n"
"                     unset); otherwise $XDG_DATA_HOME/gazette/index (an\n"
"                     absolute path only: a relative one is ignored), or\n"
"                     ~/.local/share/gazette/index; with HOME unset or\n"
"                     empty too, exit 64 (name the index)\n"
"  NO_COLOR           never use colour\n"
"\n"
"Exit status:\n"
"  0   the search ran (also when nothing matched)\n"
"  64  usage error: bad option or malformed query (also: no --db nor\n"
"      GAZETTE_INDEX, and HOME unset or empty; two --db reaching one\n"
"      local database, or one server)\n"
"  65  the index is corrupt (the line says how to recover: gazette-index\n"
"      --full, and --language LANG when its language cannot be read from\n"
"      it) or in an unsupported format (also: --db is\n"
"      a file that is not an index, or another program's Xapian\n"
"      database, one with documents but no Gazette index format; its\n"
"      stubs list one local database or server twice, or name each\n"
"      other, or have a line Xapian cannot read, such as 'atuo DIR',\n"
"      which gazette-index refuses with 65 too)\n"
"  66  no index at that path (nothing there, a directory holding no\n"
"      index, such as an empty one, a stub file naming a database\n"
"      that does not exist, a symbolic link to nothing or a loop of\n"
"      links)\n"
"  70  internal error\n"
"  74  I/O error (also: an index that does not answer, a server down,\n"
"      without --partial; the results could not be written to stdout, a\n"
"      full disk say; said in one line)\n"
"  75  the index kept changing during the search; try again\n"
"  141 (in the shell) killed by SIGPIPE: a write to a pipe whose reader\n"
"      has closed it ends it, as it ends grep or ls, without a message\n"
"      (74 instead when started with SIGPIPE ignored): '| head -1' after\n"
"      output much longer than the pipe holds (64 KiB on Linux), such\n"
"      as --json --limit 1000; output that fits may all be written\n"
"      before the reader closes it (exit 0)\n";

/* A whole number of option `opt` from 0 to `max` (cli_parse_number:
 * decimal digits alone). */
static int parse_count(const char *opt, const char *s, uint32_t max,
                       uint32_t *out)
{
    unsigned long long v;
    if (cli_parse_number(opt, "a number", s, NULL, 0, max, &v) != 0)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static int parse_sort(const char *s, gazette_sort_t *out)
{
    if (strcmp(s, "relevance") == 0)
        *out = GAZETTE_SORT_RELEVANCE;
    else if (strcmp(s, "date") == 0)
        *out = GAZETTE_SORT_DATE;
    else if (strcmp(s, "date-asc") == 0)
        *out = GAZETTE_SORT_DATE_ASC;
    else
        return -1;
    return 0;
}

static int parse_facet(const char *s, cli_options *o)
{
    for (int f = 0; EACH_FACET(f); f++)
        if (strcmp(s, gazette_facet_name((gazette_facet_t)f)) == 0) {
            o->facets[f] = 1;
            return 0;
        }
    return -1;
}

/* Parse argv into `o`; returns -1 to exit with `*code`, else the index of
 * the first query word. */
static int parse_args(int argc, char **argv, cli_options *o, int *code)
{
    enum { OPT_OFFSET = 256, OPT_JSON, OPT_FORMAT, OPT_NO_SNIPPETS, OPT_SORT,
           OPT_FACET, OPT_DUPLICATES, OPT_NO_SPELLING, OPT_EXPLAIN,
           OPT_PARTIAL, OPT_NO_FEEDBACK };
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"limit", required_argument, NULL, 'n'},
        {"offset", required_argument, NULL, OPT_OFFSET},
        {"json", no_argument, NULL, OPT_JSON},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"no-snippets", no_argument, NULL, OPT_NO_SNIPPETS},
        {"all", no_argument, NULL, 'a'},
        {"sort", required_argument, NULL, OPT_SORT},
        {"facet", required_argument, NULL, OPT_FACET},
        {"duplicates", no_argument, NULL, OPT_DUPLICATES},
        {"no-spelling", no_argument, NULL, OPT_NO_SPELLING},
        {"no-feedback", no_argument, NULL, OPT_NO_FEEDBACK},
        {"explain", no_argument, NULL, OPT_EXPLAIN},
        {"partial", no_argument, NULL, OPT_PARTIAL},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    int c;
    /* one line of our own, not getopt's two (cli_bad_option) */
    static const char optstring[] = ":d:n:ahV";
    opterr = 0;
    *code = CLI_EXIT_USAGE;
    while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            if (o->ndb == MAX_DBS)
                return cli_complain("at most %d --db options", MAX_DBS), -1;
            if (!(o->db[o->ndb] = strdup(optarg)))
                return *code = CLI_EXIT_SOFTWARE, -1;
            o->ndb++;
            break;
        case OPT_PARTIAL:
            o->partial = 1;
            break;
        case 'n':
            if (parse_count("--limit", optarg, GAZETTE_MAX_LIMIT,
                            &o->limit) != 0)
                return -1;
            break;
        case OPT_OFFSET:
            if (parse_count("--offset", optarg, UINT32_MAX, &o->offset) != 0)
                return -1;
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
                return cli_complain("unknown --format '%s' (text, json, paths)",
                                optarg), -1;
            break;
        case OPT_NO_SNIPPETS:
            o->snippets = 0;
            break;
        case 'a':
            o->match_all = 1;
            break;
        case OPT_SORT:
            if (parse_sort(optarg, &o->sort) != 0)
                return cli_complain("unknown --sort '%s' (relevance, date, "
                                "date-asc)", optarg), -1;
            break;
        case OPT_FACET:
            if (parse_facet(optarg, o) != 0)
                return cli_complain("unknown --facet '%s' (source, year, tag, "
                                "entity, author)", optarg), -1;
            break;
        case OPT_DUPLICATES:
            o->duplicates = 1;
            break;
        case OPT_NO_FEEDBACK:
            o->feedback = 0;
            break;
        case OPT_NO_SPELLING:
            o->spelling = 0;
            break;
        case OPT_EXPLAIN:
            o->explain = 1;
            break;
        case 'h':
            *code = cli_print_info("the help", "%s", usage_text);
            return -1;
        case 'V':
            /* Xapian's version too, as gazette-index gives it: which
             * stemmers and index formats a search can read is Xapian's. */
            *code = cli_print_info("the version", "gazette-query %s (Xapian "
                                   "%s)\n", gazette_version(),
                                   gazette_xapian_version());
            return -1;
        default:
            cli_bad_option(c, argv, optstring, longopts);
            return -1;
        }
    }
    if (optind >= argc) {
        cli_complain("no query given; try 'gazette-query --help'");
        return -1;
    }
    return optind;
}

/* 1 when `s` is valid UTF-8: jansson checks as strictly as JSON needs. */
static int is_utf8(const char *s)
{
    json_t *probe = json_string(s);
    json_decref(probe);
    return probe != NULL;
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
    case GAZETTE_STATUS_OK: return CLI_EXIT_OK;
    case GAZETTE_STATUS_QUERY_SYNTAX:
    case GAZETTE_STATUS_INVALID_ARGUMENT: return CLI_EXIT_USAGE;
    case GAZETTE_STATUS_INDEX_CORRUPT:
    case GAZETTE_STATUS_INDEX_VERSION: return CLI_EXIT_DATAERR;
    case GAZETTE_STATUS_INDEX_NOT_FOUND: return CLI_EXIT_NOINPUT;
    case GAZETTE_STATUS_IO_ERROR: return CLI_EXIT_IOERR;
    case GAZETTE_STATUS_INDEX_MODIFIED:
    case GAZETTE_STATUS_INDEX_LOCKED: return CLI_EXIT_TEMPFAIL;
    default: return CLI_EXIT_SOFTWARE;
    }
}

/* Print [s, s+n) for a terminal (cli_put_clean): control characters
 * (escape sequences from an article could retitle or reprogram it), C1
 * controls included (some terminals obey CSI U+009B like ESC [), the
 * bidirectional embedding, override and isolate controls (U+202E would
 * show what follows reversed), and bytes that are not UTF-8 (a raw 0x9B
 * is CSI on an 8-bit terminal) become '?'; tabs and newlines a space. */
static void put_clean(const char *s, size_t n)
{
    cli_put_clean(stdout, s, n);
}

static void print_clean(const char *s)
{
    put_clean(s, strlen(s));
}

/* What a hit's weight holds besides the terms --explain lists: what
 * feedback re-ranking added, and the words a wildcard stood for (they are
 * not listed). */
static const char *unlisted_label(const cli_options *o, const char *query)
{
    int wildcard = strchr(query, '*') != NULL;
    if (o->feedback && o->sort == GAZETTE_SORT_RELEVANCE)
        return wildcard ? "feedback and wildcard words" : "feedback";
    return wildcard ? "wildcard words" : "other";
}

/* "matched: Zgaza 1.234 + Szgaza 0.456 + feedback 0.100 = 1.790": the
 * weight of each matched term and the rest (`unlisted`). */
static void print_text_explain(const gazette_hit_t *h, const char *unlisted)
{
    double sum = 0;
    fputs("      matched:", stdout);
    for (size_t i = 0; i < gazette_hit_term_count(h); i++) {
        double w = 0;
        const char *term = gazette_hit_term(h, i, &w);
        printf("%s ", i ? " +" : "");
        print_clean(term);
        printf(" %.3f", w);
        sum += w;
    }
    double rest = gazette_hit_weight(h) - sum;
    if (rest > 0.0005)
        printf(" + %s %.3f", unlisted, rest);
    printf(" = %.3f\n", gazette_hit_weight(h));
}

/* The plain snippet, matches in bold when `colour`. */
static void print_snippet(const gazette_hit_t *h, int colour)
{
    const char *plain = gazette_hit_plain_snippet(h);
    size_t at = 0, len = strlen(plain);
    for (size_t i = 0; i < gazette_hit_highlight_count(h); i++) {
        size_t start = 0, end = 0;
        gazette_hit_highlight(h, i, &start, &end);
        put_clean(plain + at, start - at);
        fputs(colour ? "\033[1m" : "", stdout);
        put_clean(plain + start, end - start);
        fputs(colour ? "\033[0m" : "", stdout);
        at = end;
    }
    put_clean(plain + at, len - at);
}

/* Shown in place of the title of an article that has none (a one-line
 * review, a JSON Lines record without one), whose line would otherwise
 * end after its source. */
#define UNTITLED "(untitled)"

/* The title, its matched words in bold when `colour`. */
static void print_title(const gazette_hit_t *h, int colour)
{
    const char *title = gazette_hit_title(h);
    if (!title[strspn(title, " \t")]) {
        fputs(colour ? "\033[2m" UNTITLED "\033[0m" : UNTITLED, stdout);
        return;
    }
    size_t at = 0, len = strlen(title);
    for (size_t i = 0; colour && i < gazette_hit_title_highlight_count(h);
         i++) {
        size_t start = 0, end = 0;
        gazette_hit_title_highlight(h, i, &start, &end);
        put_clean(title + at, start - at);
        fputs("\033[1m", stdout);
        put_clean(title + start, end - start);
        fputs("\033[0m", stdout);
        at = end;
    }
    put_clean(title + at, len - at);
}

static void print_text_hit(const gazette_hit_t *h, const cli_options *o,
                           const char *unlisted)
{
    const char *date = gazette_hit_date(h);
    const char *source = gazette_hit_source(h);
    printf("%3u. %3d%%  ", gazette_hit_rank(h), gazette_hit_percent(h));
    print_clean(date);
    fputs(*date ? "  " : "", stdout);
    print_clean(source);
    fputs(*source ? "  " : "", stdout);
    print_title(h, o->snippets && o->colour);
    fputs("\n      ", stdout);
    /* escaped as --format paths prints it: "s/a\nb.txt" is not shown as
     * the other file "s/a b.txt" */
    cli_put_escaped(stdout, gazette_hit_id(h));
    if (o->ndb > 1) {
        fputs("  in ", stdout);
        print_clean(gazette_hit_index(h));
    }
    uint32_t dups = gazette_hit_duplicates(h);
    if (dups)
        printf("  (and %u duplicate%s)", dups, dups == 1 ? "" : "s");
    putchar('\n');
    if (o->snippets && *gazette_hit_plain_snippet(h)) {
        fputs("      ", stdout);
        print_snippet(h, o->colour);
        putchar('\n');
    }
    if (o->explain)
        print_text_explain(h, unlisted);
}

/* The library's words in this program's (cli_in_our_words): it names a
 * setting of an update by its setter ("rebuild it with
 * gazette_update_set_full"), which is gazette-index's option of the same
 * name ("rebuild it with gazette-index --full"), and so is a run with it
 * ("a run with gazette_update_set_full adds them"); "this library" is
 * this program where it reads an index. */
static const cli_word our_words[] = {
    /* a damaged index's remedy, when its language cannot be read */
    {"a run with gazette_update_set_full and gazette_update_set_language "
     "LANG", "gazette-index --full --language LANG"},
    {"a run with gazette_update_set_full", "gazette-index --full"},
    {"gazette_update_set_full", "gazette-index --full"},
    {"this library reads format", "gazette-query reads format"},
    {NULL, NULL}};

/* Library message `msg` in this program's words: malloc()ed, or NULL
 * (out of memory: then say `msg` as it is). */
static char *here(const char *msg)
{
    return cli_in_our_words(our_words, msg);
}

/* A JSON string of `s`; a string that is not valid UTF-8 (a file name
 * on Linux may be any bytes) has its bad bytes replaced by U+FFFD, since
 * JSON cannot carry them. NULL only when out of memory. */
static json_t *jstr(const char *s)
{
    json_t *j = json_string(s);
    if (!j) {
        char *fixed = cli_to_utf8(s);
        j = fixed ? json_string(fixed) : NULL;
        free(fixed);
    }
    return j;
}

/* `s`'s bytes in base64 (RFC 4648, '+' and '/', padded with '='):
 * malloc()ed, NULL when out of memory. */
static char *base64_of(const char *s)
{
    static const char digit[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                "abcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), o = 0;
    char *out = malloc((n + 2) / 3 * 4 + 1);
    for (size_t i = 0; out && i < n; i += 3) {
        unsigned long v = (unsigned long)p[i] << 16 |
                          (i + 1 < n ? (unsigned long)p[i + 1] << 8 : 0) |
                          (i + 2 < n ? p[i + 2] : 0);
        out[o++] = digit[v >> 18 & 63];
        out[o++] = digit[v >> 12 & 63];
        out[o++] = i + 1 < n ? digit[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? digit[v & 63] : '=';
    }
    if (out)
        out[o] = '\0';
    return out;
}

/* Add `key` ("path_bytes", "id_bytes") to the hit `obj`: the exact
 * bytes of `value` in base64, only when it is not valid UTF-8 (its
 * field then has U+FFFD in place of its bad bytes, which no script can
 * open or tell from another name alike). Returns 0, or -1 when out of
 * memory. */
static int add_exact_bytes(json_t *obj, const char *key, const char *value)
{
    if (cli_is_utf8(value))
        return 0;
    char *b64 = base64_of(value);
    json_t *bytes = b64 ? json_string(b64) : NULL;
    free(b64);
    return bytes ? json_object_set_new(obj, key, bytes) : -1;
}

/* A JSON array of the n strings get(h, 0..n-1). */
static json_t *string_array(const gazette_hit_t *h, size_t n,
                            const char *(*get)(const gazette_hit_t *, size_t))
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, jstr(get(h, i)));
    return a;
}

/* [[start, end], ...] of the n highlights get(h, 0..n-1, ...). */
static json_t *highlights_array(const gazette_hit_t *h, size_t n,
                                void (*get)(const gazette_hit_t *, size_t,
                                            size_t *, size_t *))
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        size_t start, end;
        get(h, i, &start, &end);
        json_array_append_new(a, json_pack("[I,I]", (json_int_t)start,
                                           (json_int_t)end));
    }
    return a;
}

/* Write `obj` as one line and release it. Returns 0, or -1 when out of
 * memory. */
static int put_json_line(json_t *obj)
{
    char *line = obj ? json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(obj);
    if (!line)
        return -1;
    puts(line);
    free(line);
    return 0;
}

/* [{"term": "title:gaza", "weight": 1.23}, ...] for --explain. */
static json_t *term_weights_json(const gazette_hit_t *h)
{
    json_t *terms = json_array();
    for (size_t i = 0; terms && i < gazette_hit_term_count(h); i++) {
        double w = 0;
        const char *term = gazette_hit_term(h, i, &w);
        json_array_append_new(terms,
                              json_pack("{s:o, s:f}", "term", jstr(term),
                                        "weight", w));
    }
    return terms;
}

/* Print `h` as one JSON object on one line (schema: docs/json.md). */
static int print_json_hit(const gazette_hit_t *h, const cli_options *o)
{
    json_t *obj = json_pack(
        "{s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o,"
        " s:f, s:i, s:I}",
        "type", "hit", "rank", (json_int_t)gazette_hit_rank(h),
        "id", jstr(gazette_hit_id(h)), "index", jstr(gazette_hit_index(h)),
        "path", jstr(gazette_hit_path(h)),
        "title", jstr(gazette_hit_title(h)), "date", jstr(gazette_hit_date(h)),
        "source", jstr(gazette_hit_source(h)),
        "author", jstr(gazette_hit_author(h)),
        "authors", string_array(h, gazette_hit_author_count(h),
                                gazette_hit_author_name),
        "url", jstr(gazette_hit_url(h)),
        "tags", string_array(h, gazette_hit_tag_count(h), gazette_hit_tag),
        "entities", string_array(h, gazette_hit_entity_count(h),
                                 gazette_hit_entity),
        "weight", gazette_hit_weight(h), "percent", gazette_hit_percent(h),
        "duplicates", (json_int_t)gazette_hit_duplicates(h));
    if (obj && (add_exact_bytes(obj, "id_bytes", gazette_hit_id(h)) != 0 ||
                add_exact_bytes(obj, "path_bytes", gazette_hit_path(h)) != 0)) {
        json_decref(obj);
        obj = NULL;
    }
    /* The library makes snippets for the first GAZETTE_MAX_SNIPPETS hits
     * of a page only: later hits have none rather than an empty one. */
    if (obj && o->snippets &&
        gazette_hit_rank(h) - 1 - o->offset < GAZETTE_MAX_SNIPPETS) {
        json_object_set_new(obj, "snippet",
                            jstr(gazette_hit_plain_snippet(h)));
        json_object_set_new(obj, "highlights",
                            highlights_array(h, gazette_hit_highlight_count(h),
                                             gazette_hit_highlight));
        json_object_set_new(
            obj, "title_highlights",
            highlights_array(h, gazette_hit_title_highlight_count(h),
                             gazette_hit_title_highlight));
    }
    if (obj && o->explain) {
        json_object_set_new(obj, "matching_terms",
                            jstr(gazette_hit_matching_terms(h)));
        json_object_set_new(obj, "term_weights", term_weights_json(h));
    }
    return put_json_line(obj);
}

/* {"source": [{"value": "sport", "count": 12}, ...], ...} */
static json_t *facets_json(const gazette_results_t *r, const cli_options *o)
{
    json_t *facets = json_object();
    for (int f = 0; facets && EACH_FACET(f); f++) {
        if (!o->facets[f])
            continue;
        json_t *list = json_array();
        size_t n = gazette_results_facet_count(r, (gazette_facet_t)f);
        for (size_t i = 0; list && i < n; i++) {
            const char *value;
            uint64_t count;
            gazette_results_facet_value(r, (gazette_facet_t)f, i, &value,
                                        &count);
            json_array_append_new(list, json_pack("{s:o, s:I}", "value",
                                                  jstr(value), "count",
                                                  (json_int_t)count));
        }
        json_object_set_new(facets, gazette_facet_name((gazette_facet_t)f),
                            list);
    }
    return facets;
}

static int print_json_summary(const gazette_results_t *r, const char *query,
                              const cli_options *o)
{
    uint64_t lower, estimate, upper;
    gazette_results_estimate(r, &lower, &estimate, &upper);
    const char *suggestion = gazette_results_suggestion(r);
    char *ours = here(gazette_results_warning(r));
    const char *warning = ours ? ours : gazette_results_warning(r);
    json_t *summary = json_pack(
        "{s:s, s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:f}",
        "type", "summary", "query", query,
        "parsed", jstr(gazette_results_parsed_query(r)),
        "estimate", (json_int_t)estimate, "lower", (json_int_t)lower,
        "upper", (json_int_t)upper, "offset", (json_int_t)o->offset,
        "limit", (json_int_t)o->limit,
        "count", (json_int_t)gazette_results_count(r),
        "suggestion", *suggestion ? jstr(suggestion) : json_null(),
        "warning", *warning ? jstr(warning) : json_null(),
        "facets", facets_json(r, o),
        "milliseconds", gazette_results_milliseconds(r));
    free(ours);
    return put_json_line(summary);
}

/* The noun of a count of matches: "1 match", "2 matches". */
static const char *match_noun(uint64_t count)
{
    return count == 1 ? "match" : "matches";
}

static void print_text_summary(const gazette_results_t *r, const char *query,
                               const cli_options *o)
{
    uint64_t lower, estimate, upper;
    gazette_results_estimate(r, &lower, &estimate, &upper);
    size_t n = gazette_results_count(r);
    if (o->explain) {
        fputs("Parsed query: ", stdout);
        print_clean(gazette_results_parsed_query(r));
        putchar('\n');
    }
    /* The query is echoed as every other string is shown: it may hold
     * control characters, and a newline in it would forge a line. */
    if (upper == 0 && n == 0) {
        fputs("No articles match '", stdout);
        print_clean(query);
        fputs("'.\n", stdout);
    } else if (n == 0 && lower == upper)
        printf("%llu %s; none at offset %u.\n",
               (unsigned long long)estimate, match_noun(estimate), o->offset);
    else if (n == 0)
        printf("About %llu %s (%llu to %llu); none at offset %u.\n",
               (unsigned long long)estimate, match_noun(estimate),
               (unsigned long long)lower, (unsigned long long)upper,
               o->offset);
    else {
        if (lower == upper)
            printf("Hits %u-%zu of %llu %s for '", o->offset + 1,
                   o->offset + n, (unsigned long long)estimate,
                   match_noun(estimate));
        else
            printf("Hits %u-%zu of about %llu %s (%llu to %llu) for '",
                   o->offset + 1, o->offset + n, (unsigned long long)estimate,
                   match_noun(estimate), (unsigned long long)lower,
                   (unsigned long long)upper);
        print_clean(query);
        fputs("'.\n", stdout);
    }
}

/* Facet values a person reads; --json has them all. */
#define TEXT_FACET_VALUES 20

/* Print facet `f`'s value `value` for a person to read: the source
 * facet's "" (articles without a source, such as a file at the corpus
 * root) as "(no source)", which a blank would hide; --json keeps "". */
static void print_facet_value(gazette_facet_t f, const char *value)
{
    if (f == GAZETTE_FACET_SOURCE && !*value)
        fputs("(no source)", stdout);
    else
        print_clean(value);
}

/* Facets and the spelling suggestion, after the hits. */
static void print_text_trailer(const gazette_results_t *r,
                               const cli_options *o)
{
    for (int f = 0; EACH_FACET(f); f++) {
        if (!o->facets[f])
            continue;
        size_t n = gazette_results_facet_count(r, (gazette_facet_t)f);
        printf("\nBy %s:%s\n", gazette_facet_name((gazette_facet_t)f),
               n ? "" : " (none)");
        for (size_t i = 0; i < n && i < TEXT_FACET_VALUES; i++) {
            const char *value;
            uint64_t count;
            gazette_results_facet_value(r, (gazette_facet_t)f, i, &value,
                                        &count);
            printf("  %6llu  ", (unsigned long long)count);
            print_facet_value((gazette_facet_t)f, value);
            putchar('\n');
        }
        if (n > TEXT_FACET_VALUES)
            printf("  (%zu more)\n", n - TEXT_FACET_VALUES);
    }
    const char *suggestion = gazette_results_suggestion(r);
    if (*suggestion) {
        fputs("\nDid you mean: ", stdout);
        print_clean(suggestion);
        fputs("?\n", stdout);
    }
}

static int print_results(const gazette_results_t *r, const char *query,
                         const cli_options *o)
{
    size_t n = gazette_results_count(r);
    if (o->format == FORMAT_TEXT)
        print_text_summary(r, query, o);
    for (size_t i = 0; i < n; i++) {
        const gazette_hit_t *h = gazette_results_hit(r, i);
        if (o->format == FORMAT_PATHS) {
            /* One id a line, as a script reads it: escaped (\n, \xHH,
             * \\) so that no id can break a line or reach a terminal. */
            cli_put_escaped(stdout, gazette_hit_id(h));
            putchar('\n');
        }
        else if (o->format == FORMAT_JSON) {
            if (print_json_hit(h, o) != 0)
                return CLI_EXIT_SOFTWARE;
        } else
            print_text_hit(h, o, unlisted_label(o, query));
    }
    if (o->format == FORMAT_TEXT)
        print_text_trailer(r, o);
    else if (o->format == FORMAT_JSON && print_json_summary(r, query, o) != 0)
        return CLI_EXIT_SOFTWARE;
    return cli_flush_stdout("the results") == 0 ? CLI_EXIT_OK
                                                : CLI_EXIT_IOERR;
}

/* Apply the command line's search options to `sopts`. */
static gazette_status_t set_options(const cli_options *o,
                                    gazette_search_options_t *sopts)
{
    gazette_status_t s = gazette_search_options_set_range(sopts, o->offset,
                                                          o->limit);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_search_options_set_snippet(
            sopts, o->snippets && o->format != FORMAT_PATHS ? 200 : 0, NULL,
            NULL);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_search_options_set_sort(sopts, o->sort);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_search_options_set_match_all(sopts, o->match_all);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_search_options_set_collapse_duplicates(sopts,
                                                           !o->duplicates);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_search_options_set_spelling(
            sopts, o->spelling && o->format != FORMAT_PATHS);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_search_options_set_feedback(sopts, o->feedback);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_search_options_set_explain(sopts, o->explain);
    for (int f = 0; s == GAZETTE_STATUS_OK && EACH_FACET(f); f++)
        if (o->facets[f])
            s = gazette_search_options_add_facet(sopts, (gazette_facet_t)f);
    return s;
}

/* 1 when the directory `path` holds anything. */
static int dir_has_entries(const char *path)
{
    DIR *dir = opendir(path);
    int has = 0;
    for (struct dirent *e; dir && !has && (e = readdir(dir));)
        has = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (dir)
        closedir(dir);
    return has;
}

/* 1 when gazette-index could put an index in the directory `dir`
 * (modified: cut at its missing part): it is there, or, for the default
 * location (`makes_dirs`), the missing directories start below one that
 * is, none of them a link to nothing (a disk not mounted). */
static int dir_reachable(char *dir, int makes_dirs)
{
    struct stat sb;
    for (;;) {
        if (stat(dir, &sb) == 0)
            return 1;
        if (!makes_dirs || errno != ENOENT || lstat(dir, &sb) == 0)
            return 0;
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir)
            return 1;   /* "/" or the working directory is there */
        *slash = '\0';
    }
}

/* 1 when gazette-index could build an index at the --db `name` (trailing
 * slashes left out, which make lstat() follow a link: "idx/" as a shell
 * completes it names the link too): it builds none through a symbolic
 * link or a loop of links (ELOOP), nor in a directory that holds
 * anything but no index (it refuses one: a folder of articles, the
 * directory an index is in), nor where the directory it goes in cannot
 * be reached ("dl/index", dl a link to nothing: a disk not mounted,
 * which the error names), nor in a missing directory but at the default
 * location (`makes_dirs`: the first run on an account makes them). */
static int could_build_at(const char *db, int makes_dirs)
{
    struct stat sb;
    char *name = strdup(db);
    size_t n = name ? strlen(name) : 0;
    while (n > 1 && name[n - 1] == '/')
        name[--n] = '\0';
    int could = name && (lstat(name, &sb) == 0
                             ? !S_ISLNK(sb.st_mode) &&
                                   !(S_ISDIR(sb.st_mode) &&
                                     dir_has_entries(name))
                             : errno != ELOOP);
    char *slash = could ? strrchr(name, '/') : NULL;
    if (slash && slash != name) {   /* its directory; "/x" is in "/" */
        *slash = '\0';
        could = dir_reachable(name, makes_dirs);
    }
    free(name);
    return could;
}

/* 1 when "build one with gazette-index" is advice for every --db. */
static int build_advice_fits(const cli_options *o)
{
    for (size_t i = 0; i < o->ndb; i++)
        if (!could_build_at(o->db[i], o->db_is_default))
            return 0;
    return 1;
}

/* Open the index, run the query, print. Returns the exit code. */
static int run(const cli_options *o, const char *query)
{
    gazette_index_t *index = NULL;
    gazette_search_options_t *sopts = NULL;
    gazette_results_t *results = NULL;
    gazette_status_t s = gazette_index_open_multi(
        (const char *const *)o->db, o->ndb,
        o->partial ? GAZETTE_OPEN_SKIP_UNAVAILABLE : 0, &index);
    if (s != GAZETTE_STATUS_OK) {
        char *why = here(gazette_last_open_error());
        cli_complain("%s%s", why ? why : gazette_last_open_error(),
                 s == GAZETTE_STATUS_INDEX_NOT_FOUND && build_advice_fits(o)
                     ? " (build one with gazette-index)" : "");
        free(why);
        return exit_code_for(s);
    }
    s = gazette_search_options_new(&sopts);
    if (s == GAZETTE_STATUS_OK)
        s = set_options(o, sopts);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_search(index, query, sopts, &results);
    int code;
    if (s != GAZETTE_STATUS_OK) {
        const char *msg = gazette_index_error(index);
        char *why = here(msg);
        cli_complain("%s", !*msg ? gazette_status_to_string(s)
                           : why ? why : msg);
        free(why);
        code = exit_code_for(s);
    } else {
        /* What was left out goes to stderr, so the hits stay parseable:
         * one log line like every other (time stamp, escaped names). */
        const char *warning = gazette_results_warning(results);
        char *ours = *warning ? here(warning) : NULL;
        if (*warning)
            cli_complain("warning: %s", ours ? ours : warning);
        free(ours);
        code = print_results(results, query, o);
    }
    gazette_results_free(results);
    gazette_search_options_free(sopts);
    gazette_index_close(index);
    return code;
}

static void free_dbs(cli_options *o)
{
    for (size_t i = 0; i < o->ndb; i++)
        free(o->db[i]);
    o->ndb = 0;
}

int main(int argc, char **argv)
{
    cli_set_program("gazette-query");
    cli_hold_standard_streams();
    cli_options o = {.ndb = 0, .format = FORMAT_TEXT, .offset = 0,
                     .limit = 10, .snippets = 1, .colour = 0,
                     .sort = GAZETTE_SORT_RELEVANCE, .spelling = 1,
                     .feedback = 1};
    int code;
    int first = parse_args(argc, argv, &o, &code);
    if (first < 0) {
        free_dbs(&o);
        return code;
    }
    const char *no_colour = getenv("NO_COLOR");
    o.colour = isatty(STDOUT_FILENO) && !(no_colour && *no_colour);
    if (o.ndb == 0 && !(o.db[0] = gazette_default_index_path())) {
        code = cli_no_default_index(errno);
        free_dbs(&o);
        return code;
    }
    const char *named = getenv("GAZETTE_INDEX");
    o.db_is_default = o.ndb == 0 && !(named && *named);
    if (o.ndb == 0)
        o.ndb = 1;
    char *query = join_words(argc, argv, first);
    if (!query) {
        cli_complain("out of memory");
        code = CLI_EXIT_SOFTWARE;
    } else if (!is_utf8(query)) {
        /* JSON cannot carry it, and the index holds UTF-8 only. */
        cli_complain("the query is not valid UTF-8 (check the terminal's "
                 "character set)");
        code = CLI_EXIT_USAGE;
    } else {
        code = run(&o, query);
    }
    free(query);
    free_dbs(&o);
    return code;
}
