/*
 * test_formats.c - the article formats beyond .txt (Markdown, HTML, JSON
 * Lines, each also gzipped), the date forms, and the per-article warning
 * channel of corpus_read_file(), on files written by the test.
 */
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "corpus.h"
#include "corpus_internal.h"
#include "named_refs.h"
#include "test_util.h"

/* ------------------------------------------------------------ fixture */

#define MAX_GOT 16

/* One article, copied out of the callback. */
typedef struct got {
    char *id, *title, *body, *date, *author, *source, *url, *tags;
    char *authors;   /* the names of a list of authors, '|' between */
} got;

/* Everything one corpus_read_file() call produced. */
typedef struct reading {
    got a[MAX_GOT];
    size_t n;
    char bad[40][512];     /* "where|reason" of on_bad_article */
    size_t nbad;
    char warn[8][512];     /* "where|reason" of on_warning */
    size_t nwarn;
    corpus_status status;
    char why[512];
} reading;

static char *tmp;

static int setup(void **state)
{
    (void)state;
    tmp = tu_mkdtemp("formats");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmtree(tmp);
    free(tmp);
    return 0;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* The `n` items joined with '|', in a new string. */
static char *bar_joined(const char *const *items, size_t n)
{
    size_t size = 1;
    for (size_t i = 0; i < n; i++)
        size += strlen(items[i]) + 1;
    char *out = calloc(1, size);
    assert_non_null(out);
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(out, "|");
        strcat(out, items[i]);
    }
    return out;
}

static int grab(const corpus_article *art, void *ctx)
{
    reading *r = ctx;
    assert_true(r->n < MAX_GOT);
    got *g = &r->a[r->n++];
    g->id = strdup(art->id);
    g->title = strdup(art->title);
    g->body = strndup(art->body, art->body_len);
    assert_int_equal(strlen(g->body), art->body_len);
    g->date = dup_or_null(art->date);
    g->author = dup_or_null(art->author);
    g->source = dup_or_null(art->source);
    g->url = dup_or_null(art->url);
    g->tags = bar_joined(art->tags, art->ntags);
    g->authors = bar_joined(art->authors, art->nauthors);
    return 0;
}

static void on_bad(const char *where, const char *reason, void *ctx)
{
    reading *r = ctx;
    assert_true(r->nbad < 40);
    snprintf(r->bad[r->nbad++], 512, "%s|%s", where, reason);
}

static void on_warn(const char *where, const char *reason, void *ctx)
{
    reading *r = ctx;
    assert_true(r->nwarn < 8);
    snprintf(r->warn[r->nwarn++], 512, "%s|%s", where, reason);
}

static void reading_free(reading *r)
{
    for (size_t i = 0; i < r->n; i++) {
        got *g = &r->a[i];
        free(g->id);
        free(g->title);
        free(g->body);
        free(g->date);
        free(g->author);
        free(g->source);
        free(g->url);
        free(g->tags);
        free(g->authors);
    }
    free(r);
}

/* Read tmp/name (already written) into a new reading. */
static reading *read_name(const char *name, uint64_t max_bytes)
{
    reading *r = calloc(1, sizeof *r);
    assert_non_null(r);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", tmp, name);
    corpus_file f = {.root = tmp, .path = path, .relpath = name};
    corpus_options o = {.max_bytes = max_bytes, .on_bad_article = on_bad,
                        .on_warning = on_warn, .warn_ctx = r};
    r->status = corpus_read_file(&f, &o, grab, r, r->why, sizeof r->why);
    return r;
}

/* Write `text` as tmp/name (gzipped when the name ends in .gz) and read
 * it back. */
static reading *read_text(const char *name, const char *text)
{
    size_t n = strlen(name);
    if (n > 3 && strcmp(name + n - 3, ".gz") == 0)
        tu_write_gzip(tmp, name, text, strlen(text));
    else
        tu_write_file(tmp, name, text, strlen(text));
    return read_name(name, 0);
}

/* 1 when `word` occurs in `s` as a whole word (ASCII letters around it do
 * not count as part of it). */
static int has_word(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = strstr(s, word); p; p = strstr(p + 1, word)) {
        int before = p > s && ((p[-1] | 0x20) >= 'a' && (p[-1] | 0x20) <= 'z');
        int after = ((p[n] | 0x20) >= 'a' && (p[n] | 0x20) <= 'z');
        if (!before && !after)
            return 1;
    }
    return 0;
}

/* ------------------------------------------------------------ support */

static void test_supported_extensions(void **state)
{
    (void)state;
    const char *yes[] = {"a.md", "a.md.gz", "d/a.markdown", "a.html",
                         "a.htm.gz", "a.jsonl", "a.ndjson.gz", "a.txt",
                         "a.eml", "m/a.eml.gz",
                         "d/readme-habits.md", "d/sources.md"};
    const char *no[] = {"a.MD", "a.HTML", "a.json", "a.xml", "a.md.bz2",
                        "README.md", "d/readme.txt", "Readme",
                        "SOURCE.md", "bbc/README.TXT", "LICENSE.txt",
                        "d/licence.md", ".md"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        assert_true(corpus_is_supported(yes[i]));
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_false(corpus_is_supported(no[i]));
}

/* ----------------------------------------------------------- Markdown */

static const char md_full[] =
    "---\n"
    "title: \"Blinken *visits* Ankara\"\n"
    "date: 2023-11-06T09:30:00+03:00\n"
    "Author: 'Ann Writer'\n"
    "source: Wire\n"
    "url: https://example.org/a?b=c\n"
    "layout: post\n"
    "tags:\n"
    "  - diplomacy\n"
    "  - \"Middle East\"\n"
    "---\n"
    "# A heading inside\n"
    "\n"
    "Some **bold**, __strong__ and _em_ text, a [link text](https://x.org/(y)) "
    "and ![alt words](pic.png \"t\"), a ~~struck~~ word.\n"
    "Keep `snake_case_name` and snake_case too; \\*escaped\\* &amp; &#8364;5 "
    "&#xE9;t&#233; &unknown;.\n"
    "> quoted line\n"
    "- item one\n"
    "1. numbered item\n"
    "<div class=\"note\">inside html</div> <!-- a hidden\n"
    "comment --> after comment\n"
    "| col a | col b |\n"
    "|-------|:-----:|\n"
    "| cell1 | cell2 |\n"
    "[ref]: https://example.org/ref\n"
    "***\n"
    "```c\n"
    "int *p = a_b; /* code *kept* */\n"
    "```\n"
    "Setext heading\n"
    "==============\n";

static void test_md_front_matter_and_body(void **state)
{
    (void)state;
    const char *names[] = {"world/a.md", "world/a.md.gz"};
    for (size_t k = 0; k < 2; k++) {
        reading *r = read_text(names[k], md_full);
        assert_int_equal(r->status, CORPUS_OK);
        assert_int_equal(r->n, 1);
        got *g = &r->a[0];
        assert_string_equal(g->id, names[k]);
        assert_string_equal(g->title, "Blinken *visits* Ankara");
        assert_string_equal(g->date, "2023-11-06T09:30:00+03:00");
        assert_string_equal(g->author, "Ann Writer");
        assert_string_equal(g->source, "Wire");
        assert_string_equal(g->url, "https://example.org/a?b=c");
        assert_string_equal(g->tags, "diplomacy|Middle East");
        /* the heading stays: the title came from the front matter */
        assert_non_null(strstr(g->body, "A heading inside\n"));
        assert_non_null(strstr(g->body, "Some bold, strong and em text, a "
                                        "link text and alt words, a struck "
                                        "word."));
        assert_non_null(strstr(g->body, "Keep snake_case_name and snake_case"
                                        " too; *escaped* & \xE2\x82\xAC" "5 "
                                        "\xC3\xA9t\xC3\xA9 &unknown;."));
        assert_non_null(strstr(g->body, "quoted line\nitem one\n"
                                        "numbered item\n"));
        assert_true(has_word(g->body, "inside"));
        assert_true(has_word(g->body, "html"));
        assert_null(strstr(g->body, "class"));
        assert_null(strstr(g->body, "hidden"));
        assert_non_null(strstr(g->body, "after comment"));
        assert_non_null(strstr(g->body, "cell1"));
        assert_null(strstr(g->body, "https://"));
        assert_null(strstr(g->body, "pic.png"));
        assert_null(strstr(g->body, "ref]"));
        assert_null(strstr(g->body, "---"));
        assert_null(strstr(g->body, "```"));
        assert_null(strchr(g->body, '#'));
        assert_null(strchr(g->body, '|'));
        assert_null(strchr(g->body, '['));
        /* code is kept as written, markup characters and all */
        assert_non_null(strstr(g->body, "int *p = a_b; /* code *kept* */"));
        assert_non_null(strstr(g->body, "Setext heading"));
        assert_null(strstr(g->body, "==="));
        assert_int_equal(r->nwarn, 0);
        reading_free(r);
    }
}

/* Only a real link reference definition ("[label]: destination" and an
 * optional title, nothing else) is dropped as syntax: a line that merely
 * starts "[Update]:" is text, and so is a footnote's, without its mark. */
static void test_md_link_definitions(void **state)
{
    (void)state;
    reading *r = read_text("defs.md",
        "# Minister resigns\n"
        "\n"
        "The minister resigned on Friday.[^1] Again.[^note]\n"
        "\n"
        "[Update]: The prime minister has named a successor.\n"
        "\n"
        "[^1]: According to two officials briefed on the decision.\n"
        "   [^note]: Second footnote text.\n"
        "[ref]: https://example.org/r \"Ref title\"\n"
        "[ref2]: <https://example.org/x y> 'single'\n"
        "  [ref3]: /relative (paren title)\n"
        "[ref4]:\n"
        "  https://example.org/next-line\n"
        "  \"title on its own line\"\n"
        "[ref5]: https://example.org/five\n"
        "[a]: https://example.org \"unclosed title\n"
        "[b]: two words here\n"
        "    [c]: https://example.org/indented-code\n"
        "[]: https://example.org/empty-label\n"
        "Closing line.\n");
    assert_int_equal(r->status, CORPUS_OK);
    const char *body = r->a[0].body;
    assert_string_equal(r->a[0].title, "Minister resigns");
    assert_non_null(strstr(body, "Friday. Again."));
    assert_null(strstr(body, "^"));
    assert_non_null(strstr(body, "Update: The prime minister has named a "
                                 "successor."));
    assert_non_null(strstr(body, "\nAccording to two officials briefed on "
                               "the decision.\nSecond footnote text.\n"));
    /* real definitions: gone, titles and next-line parts too */
    assert_null(strstr(body, "example.org/r"));
    assert_null(strstr(body, "Ref title"));
    assert_null(strstr(body, "x y"));
    assert_null(strstr(body, "single"));
    assert_null(strstr(body, "relative"));
    assert_null(strstr(body, "paren title"));
    assert_null(strstr(body, "next-line"));
    assert_null(strstr(body, "own line"));
    assert_null(strstr(body, "five"));
    /* not definitions: text */
    assert_non_null(strstr(body, "unclosed title"));
    assert_non_null(strstr(body, "b: two words here"));
    assert_non_null(strstr(body, "indented-code"));
    assert_non_null(strstr(body, "empty-label"));
    assert_non_null(strstr(body, "Closing line."));
    reading_free(r);
}

/* A link reference definition cannot interrupt a paragraph (CommonMark):
 * "[label]: url" right under a paragraph line, a quote's or a list
 * item's, goes on with it and is text; after a blank line, a heading, a
 * table or another definition it is a definition and dropped. */
static void test_md_definition_in_paragraph(void **state)
{
    (void)state;
    reading *r = read_text("para.md",
        "# Budget talks\n"
        "[h]: https://example.org/after-heading\n"
        "The minister said the deal was close.\n"
        "[1]: https://example.org/in-paragraph\n"
        "[2]: https://example.org/still-paragraph \"Still text\"\n"
        "\n"
        "> A quoted line\n"
        "[q]: /quote-lazy\n"
        "\n"
        "- a list item\n"
        "[l]: /list-lazy\n"
        "\n"
        "[d]: https://example.org/after-blank\n"
        "[e]: https://example.org/after-definition\n"
        "| a | b |\n"
        "|---|---|\n"
        "| c | d |\n"
        "[t]: https://example.org/after-table\n"
        "Last line.\n");
    assert_int_equal(r->status, CORPUS_OK);
    const char *body = r->a[0].body;
    assert_string_equal(r->a[0].title, "Budget talks");
    assert_non_null(strstr(body, "The minister said the deal was close.\n"));
    assert_non_null(strstr(body, "close.\n1: https://example.org/in-paragraph"
                                 "\n2: https://example.org/still-paragraph "
                                 "\"Still text\"\n"));
    assert_non_null(strstr(body, "quote-lazy"));
    assert_non_null(strstr(body, "list-lazy"));
    assert_null(strstr(body, "after-heading"));
    assert_null(strstr(body, "after-blank"));
    assert_null(strstr(body, "after-definition"));
    assert_null(strstr(body, "after-table"));
    assert_non_null(strstr(body, "Last line."));
    reading_free(r);

    /* an indented code block is no paragraph: a definition under it is
     * one (found in review), and a paragraph's indented continuation is
     * still its text */
    r = read_text("code.md",
        "Run this:\n"
        "\n"
        "    make install\n"
        "[docs]: https://example.org/after-code\n"
        "\n"
        "\tmake test\n"
        "[t]: https://example.org/after-tab-code\n"
        "\n"
        "A paragraph\n"
        "    indented on\n"
        "[c]: https://example.org/after-continuation\n"
        "\n"
        "- a list item\n"
        "\n"
        "    its second paragraph\n"
        "[li]: https://example.org/after-item-paragraph\n"
        "\n"
        "1.  first\n"
        "\n"
        "\tsecond\n"
        "[ol]: https://example.org/after-ordered-paragraph\n"
        "\n"
        "Out of the list.\n"
        "\n"
        "    code again\n"
        "[c2]: https://example.org/after-code-again\n");
    assert_int_equal(r->status, CORPUS_OK);
    body = r->a[0].body;
    assert_non_null(strstr(body, "make install"));
    assert_null(strstr(body, "after-code"));
    assert_null(strstr(body, "after-tab-code"));
    assert_non_null(strstr(body, "after-continuation"));
    /* a list item's indented paragraph is no code (found in review) */
    assert_non_null(strstr(body, "after-item-paragraph"));
    assert_non_null(strstr(body, "after-ordered-paragraph"));
    assert_null(strstr(body, "after-code-again"));
    reading_free(r);
}

/* Code inside a block quote is code as it is elsewhere: a fence opened
 * after "> " (or "> > ") keeps its lines as written, the quote markers
 * that opened it left out, and ends at its closing fence or with its
 * quote; indented code is indented after the quote markers. */
static void test_md_code_in_quotes(void **state)
{
    (void)state;
    reading *r = read_text("quote-code.md",
        "# Quoted code\n"
        "\n"
        "> Quoted intro.\n"
        ">\n"
        "> ```c\n"
        "> int *p = a_b; /* *kept* */\n"
        "> [x]: https://example.org/in-quoted-fence\n"
        "> ```\n"
        ">\n"
        "> after *the* fence\n"
        "\n"
        "> > ~~~\n"
        "> > nested *as written*\n"
        "> > ~~~\n"
        "\n"
        "> ```\n"
        "> open *fence*\n"
        "Outside *the* quote.\n");
    assert_int_equal(r->status, CORPUS_OK);
    const char *body = r->a[0].body;
    assert_non_null(strstr(body, "\nint *p = a_b; /* *kept* */\n"
                                 "[x]: https://example.org/in-quoted-fence\n"));
    assert_non_null(strstr(body, "after the fence"));
    assert_non_null(strstr(body, "\nnested *as written*\n"));
    assert_null(strstr(body, "```"));
    assert_null(strstr(body, "~~~"));
    assert_null(strchr(body, '>'));
    /* a fence ends with its quote: the next line is text again */
    assert_non_null(strstr(body, "\nopen *fence*\n"));
    assert_non_null(strstr(body, "\nOutside the quote."));
    reading_free(r);

    /* a fence line inside an open HTML comment is the comment's, as the
     * rest of it: the comment ends at its "-->", not with the quote
     * (the fence was opened there, the quote's end closed the fence but
     * not the comment, and every later line was comment) */
    r = read_text("quote-comment.md",
                  "# Report\n"
                  "\n"
                  "> Editor: <!-- draft\n"
                  "> ```\n"
                  "> -->\n"
                  "\n"
                  "The ceasefire held overnight.\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_non_null(strstr(r->a[0].body, "The ceasefire held overnight."));
    assert_null(strstr(r->a[0].body, "draft"));
    reading_free(r);

    /* indented code is measured after the quote markers (and the blank
     * after each): four columns in, it is code, no paragraph, so a link
     * reference definition under it is one and dropped, as outside
     * quotes; a quoted paragraph's indented continuation and a quoted
     * list item's indented paragraph are still text */
    r = read_text("quote-indented.md",
        "> Run this:\n"
        ">\n"
        ">     make install\n"
        "> [docs]: https://example.org/after-quoted-code\n"
        ">\n"
        ">\t\tmake tabbed\n"
        "> [t]: https://example.org/after-tab-code\n"
        ">\n"
        "> > Nested:\n"
        "> >\n"
        "> >     make nested\n"
        "> > [n]: https://example.org/after-nested-code\n"
        ">\n"
        "> A quoted paragraph\n"
        ">     indented on\n"
        "> [c]: https://example.org/after-continuation\n"
        ">\tand a tab on\n"
        "> [c2]: https://example.org/after-tab-continuation\n"
        "> > >     opens a quote under it\n"
        "> [o]: https://example.org/after-opened-code\n"
        ">\n"
        "> - a quoted list item\n"
        ">\n"
        ">     its second paragraph\n"
        "> [li]: https://example.org/after-item-paragraph\n"
        ">\n"
        "> Out of the list.\n"
        ">\n"
        ">     code again\n"
        "> [c3]: https://example.org/after-code-again\n"
        ">\n"
        "> [q]: https://example.org/quoted-definition\n"
        "\n"
        "Last line.\n");
    assert_int_equal(r->status, CORPUS_OK);
    body = r->a[0].body;
    assert_non_null(strstr(body, "make install"));
    assert_non_null(strstr(body, "make tabbed"));
    assert_non_null(strstr(body, "make nested"));
    assert_null(strstr(body, "after-quoted-code"));
    assert_null(strstr(body, "after-tab-code"));
    assert_null(strstr(body, "after-nested-code"));
    assert_non_null(strstr(body, "after-continuation"));
    assert_non_null(strstr(body, "after-tab-continuation"));
    assert_non_null(strstr(body, "opens a quote under it"));
    assert_null(strstr(body, "after-opened-code"));
    assert_non_null(strstr(body, "its second paragraph"));
    assert_non_null(strstr(body, "after-item-paragraph"));
    assert_null(strstr(body, "after-code-again"));
    assert_null(strstr(body, "quoted-definition"));
    assert_non_null(strstr(body, "Last line."));
    reading_free(r);
}

/* Every named character reference of HTML 4 is decoded (case matters),
 * numeric ones as HTML reads them. */
static void test_md_entities(void **state)
{
    (void)state;
    reading *r = read_text("ent.md",
        "# Caf&eacute; in Z&uuml;rich\n"
        "\n"
        "It&rsquo;s &Eacute;lys&eacute;e &AElig; &thetasym; &loz; &yen; "
        "&le; &spades; Bundes&shy;regierung.\n"
        "&#150; &#x97; &#x2013; &#233; &#0; &#1;|\n"
        "&AMP; &eacute &Eacutex; &notanentity; &amp;amp;\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title, "Caf\xC3\xA9 in Z\xC3\xBCrich");
    assert_string_equal(r->a[0].body,
        "It\xE2\x80\x99s \xC3\x89lys\xC3\xA9" "e \xC3\x86 \xCF\x91 "
        "\xE2\x97\x8A \xC2\xA5 \xE2\x89\xA4 \xE2\x99\xA0 Bundesregierung.\n"
        "\xE2\x80\x93 \xE2\x80\x94 \xE2\x80\x93 \xC3\xA9 \xEF\xBF\xBD   \n"
        "&AMP; &eacute &Eacutex; &notanentity; &amp;");
    reading_free(r);

    /* the whole table: sorted for bsearch, and each name decoded */
    size_t n = sizeof named_refs / sizeof named_refs[0];
    assert_int_equal(n, 253);
    char *text = malloc(n * 24 + 16), *w = text;
    assert_non_null(text);
    w += sprintf(w, "# T\n");
    for (size_t i = 0; i < n; i++) {
        if (i)
            assert_true(strcmp(named_refs[i - 1].name,
                               named_refs[i].name) < 0);
        w += sprintf(w, "x&%s;x\n", named_refs[i].name);
    }
    r = read_text("all.md", text);
    free(text);
    const char *line = r->a[0].body;
    for (size_t i = 0; i < n; i++) {
        unsigned cp = named_refs[i].cp;
        char want[8] = "x", *q = want + 1;
        if (cp == 0xAD) {
            /* removed, as everywhere */
        } else if (cp < 0x80) {
            *q++ = (char)cp;
        } else if (cp < 0x800) {
            *q++ = (char)(0xC0 | (cp >> 6));
            *q++ = (char)(0x80 | (cp & 0x3F));
        } else {
            *q++ = (char)(0xE0 | (cp >> 12));
            *q++ = (char)(0x80 | ((cp >> 6) & 0x3F));
            *q++ = (char)(0x80 | (cp & 0x3F));
        }
        *q++ = 'x';
        *q = '\0';
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if (len != strlen(want) || memcmp(line, want, len) != 0)
            fail_msg("&%s; read as \"%.*s\"", named_refs[i].name,
                     (int)len, line);
        line = nl ? nl + 1 : line + len;
    }
    reading_free(r);
}

static void test_md_title_fallbacks(void **state)
{
    (void)state;
    /* first "# heading" opening the body: it is the title, not body */
    reading *r = read_text("h.md", "\n# The *Title*  ##\n\nBody here.\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title, "The Title");
    assert_string_equal(r->a[0].body, "Body here.");
    reading_free(r);

    /* a level-1 heading after some text: title, and stays in the body */
    r = read_text("h2.md", "Intro line.\n\n## Sub\n\n# Main\n\nMore.\n");
    assert_string_equal(r->a[0].title, "Main");
    assert_non_null(strstr(r->a[0].body, "Intro line."));
    assert_non_null(strstr(r->a[0].body, "Main"));
    reading_free(r);

    /* setext level-1 heading */
    r = read_text("s.md", "Setext Title\n====\n\nText.\n");
    assert_string_equal(r->a[0].title, "Setext Title");
    assert_string_equal(r->a[0].body, "Text.");
    reading_free(r);

    /* no heading: the first line */
    r = read_text("f.md", "First **line** here\nsecond line\n");
    assert_string_equal(r->a[0].title, "First line here");
    assert_string_equal(r->a[0].body, "second line");
    reading_free(r);

    /* front matter without its closing line: up to the first blank line
     * (test_md_unclosed_front_matter) */
    r = read_text("u.md", "---\ntitle: x\n\nplain words\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title, "x");
    assert_string_equal(r->a[0].body, "plain words");
    reading_free(r);

    /* inline tag list forms */
    r = read_text("t.md", "---\ntags: [a, 'b c', \"d\"]\n---\nT\n\nB\n");
    assert_string_equal(r->a[0].tags, "a|b c|d");
    reading_free(r);
    r = read_text("t2.md", "---\ntags: x, y\n---\nT\n");
    assert_string_equal(r->a[0].tags, "x|y");
    reading_free(r);

    /* only front matter: nothing to index */
    r = read_text("e.md", "---\ntitle:\n---\n\n");
    assert_int_equal(r->status, CORPUS_SKIP_EMPTY);
    assert_int_equal(r->n, 0);
    reading_free(r);
}

static double now(void);

/* Front matter is YAML, read with libyaml: folded and literal blocks,
 * '' and \" escapes, quoted commas inside tag lists, block and flow lists,
 * unknown keys with nested values, aliases. */
static void test_md_yaml_front_matter(void **state)
{
    (void)state;
    reading *r = read_text("y/folded.md",
        "---\n"
        "title: >\n"
        "  Hochstein carries a\n"
        "  message to Beirut\n"
        "author: 'Ann O''Brien'\n"
        "source: \"The \\\"Wire\\\"\"\n"
        "date: 2023-11-08\n"
        "layout: post\n"
        "extra:\n"
        "  nested: [1, {a: b}]\n"
        "  list:\n"
        "    - x\n"
        "tags: [\"Israel, Gaza\", 'Lebanon', diplomacy, 'it''s']\n"
        "---\n"
        "Body text.\n");
    assert_int_equal(r->status, CORPUS_OK);
    got *g = &r->a[0];
    assert_string_equal(g->title, "Hochstein carries a message to Beirut");
    assert_string_equal(g->author, "Ann O'Brien");
    assert_string_equal(g->source, "The \"Wire\"");
    assert_string_equal(g->date, "2023-11-08");
    assert_string_equal(g->tags, "Israel, Gaza|Lebanon|diplomacy|it's");
    assert_string_equal(g->body, "Body text.");
    assert_int_equal(r->nwarn, 0);
    reading_free(r);

    /* block list with quoted items; a literal block title on one line */
    r = read_text("y/block.md",
        "---\n"
        "Title: |\n"
        "  Two lines\n"
        "  of title\n"
        "tags:\n"
        "  - \"Middle East, North Africa\"\n"
        "  - plain tag\n"
        "  - [nested, ignored]\n"
        "url: https://example.org/a#b\n"
        "anchor: &a Anchored\n"
        "author: *a\n"
        "---\n"
        "Body.\n");
    assert_int_equal(r->status, CORPUS_OK);
    g = &r->a[0];
    assert_string_equal(g->title, "Two lines of title");
    assert_string_equal(g->tags, "Middle East, North Africa|plain tag");
    assert_string_equal(g->url, "https://example.org/a#b");
    assert_null(g->author);        /* an alias is not followed */
    /* what is left out is said, in one warning */
    assert_int_equal(r->nwarn, 1);
    assert_non_null(strstr(r->warn[0], "y/block.md|front matter: \"tags\" "
                           "has an item that is not a name; \"author\" is "
                           "an alias (not followed): the article is indexed "
                           "without them"));
    reading_free(r);

    /* a scalar list of tags is split on commas; a list where a title
     * belongs is no title (the heading is) */
    r = read_text("y/scalar.md", "---\ntags: a, b ,c\ntitle: [x, y]\n---\n"
                  "# Heading\n\nText.\n");
    assert_string_equal(r->a[0].tags, "a|b|c");
    assert_string_equal(r->a[0].title, "Heading");
    reading_free(r);

    /* comments and an empty block */
    r = read_text("y/empty.md", "---\n# only a comment\n---\n# T\n\nB\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title, "T");
    assert_int_equal(r->nwarn, 0);
    reading_free(r);
}

/* Front matter as blogs write it: author lists and mappings, categories
 * and keywords as tags, a description that opens the body. */
static void test_md_front_matter_fields(void **state)
{
    (void)state;
    reading *r = read_text("fm/list.md",
        "---\n"
        "title: T\n"
        "author: [Alice Ames, 'Bob Brown']\n"
        "source:\n"
        "  name: Wire Co\n"
        "  url: https://wire.example\n"
        "tags: [news]\n"
        "categories:\n"
        "  - Politics\n"
        "  - news\n"
        "keywords: kw1, kw2\n"
        "description: A description descword.\n"
        "summary: T\n"
        "---\n"
        "Body text.\n");
    assert_int_equal(r->status, CORPUS_OK);
    got *g = &r->a[0];
    assert_string_equal(g->author, "Alice Ames, Bob Brown");
    assert_string_equal(g->authors, "Alice Ames|Bob Brown");
    assert_string_equal(g->source, "Wire Co");
    assert_string_equal(g->tags, "news|Politics|kw1|kw2");
    /* the description opens the body; the summary is the title: not
     * repeated */
    assert_string_equal(g->body, "A description descword.\n\nBody text.");
    assert_int_equal(r->nwarn, 0);
    reading_free(r);

    r = read_text("fm/map.md",
        "---\n"
        "title: T\n"
        "authors:\n"
        "  - name: Carl Cole\n"
        "    twitter: \"@carl\"\n"
        "  - Dana Dee\n"
        "description: Body text.\n"
        "---\n"
        "Body text.\n");
    g = &r->a[0];
    assert_string_equal(g->author, "Carl Cole, Dana Dee");
    assert_string_equal(g->authors, "Carl Cole|Dana Dee");
    assert_string_equal(g->body, "Body text.");   /* held already */
    assert_int_equal(r->nwarn, 0);
    reading_free(r);

    /* a name listed twice is one author, as the HTML reader has it (the
     * byline repeated it and it counted as two) */
    r = read_text("fm/twice.md", "---\ntitle: T\nauthors: [Ann Lee, Bo Chen, "
                  "' Ann Lee']\n---\nBody.\n");
    g = &r->a[0];
    assert_string_equal(g->authors, "Ann Lee|Bo Chen");
    assert_string_equal(g->author, "Ann Lee, Bo Chen");
    reading_free(r);
    r = read_text("twice.jsonl", "{\"id\": \"1\", \"title\": \"T\", "
                  "\"author\": [\"Ann Lee\", {\"name\": \"Ann Lee\"}]}\n");
    assert_string_equal(r->a[0].authors, "Ann Lee");
    assert_string_equal(r->a[0].author, "Ann Lee");
    reading_free(r);
    /* so is one differing only in case or accents, one author to the
     * facet: the first spelling stays */
    r = read_text("case.jsonl", "{\"id\": \"1\", \"title\": \"T\", "
                  "\"author\": [\"Zoë Ng\", \"Bo Chen\", \"ZOE NG\", "
                  "\"bo chen\"]}\n");
    assert_string_equal(r->a[0].authors, "Zoë Ng|Bo Chen");
    assert_string_equal(r->a[0].author, "Zoë Ng, Bo Chen");
    reading_free(r);

    /* one string is one name, commas and all */
    r = read_text("fm/one.md", "---\ntitle: T\nauthor: Smith, John\n---\n"
                  "Body.\n");
    g = &r->a[0];
    assert_string_equal(g->author, "Smith, John");
    assert_string_equal(g->authors, "Smith, John");
    reading_free(r);

    /* what cannot be a name is left out, and said */
    r = read_text("fm/bad.md",
        "---\n"
        "title: T\n"
        "author: {twitter: x}\n"
        "date: [2024-01-01]\n"
        "---\n"
        "Body.\n");
    g = &r->a[0];
    assert_null(g->author);
    assert_null(g->date);
    assert_int_equal(r->nwarn, 1);
    assert_non_null(strstr(r->warn[0], "front matter: \"author\" is a "
                           "mapping without a \"name\"; \"date\" is a list: "
                           "the article is indexed without them"));
    reading_free(r);

    /* the line-by-line reading of invalid YAML knows them too */
    r = read_text("fm/lines.md",
        "---\n"
        "title: Gaza: talks\n"
        "author: [Alice Ames, 'Bob Brown']\n"
        "categories:\n"
        "  - Politics\n"
        "keywords: 'a, b'\n"
        "---\n"
        "Body.\n");
    g = &r->a[0];
    assert_string_equal(g->title, "Gaza: talks");
    assert_string_equal(g->author, "Alice Ames, Bob Brown");
    assert_string_equal(g->authors, "Alice Ames|Bob Brown");
    assert_string_equal(g->tags, "Politics|a|b");
    assert_int_equal(r->nwarn, 1);
    reading_free(r);
}

/* Hugo's TOML front matter between "+++" lines. */
static void test_md_toml_front_matter(void **state)
{
    (void)state;
    reading *r = read_text("fm/hugo.md",
        "+++\n"
        "title = \"Hugo \\\"quoted\\\" post\"  # a comment\n"
        "date = 2024-02-10T08:00:00-05:00\n"
        "draft = false\n"
        "authors = [\"Alice Ames\", 'Bob Brown']\n"
        "tags = [\n"
        "  \"one\",  # first\n"
        "  'two, three',\n"
        "]\n"
        "categories = [\"Politics\"]\n"
        "description = '''\n"
        "A long\n"
        "description.'''\n"
        "url = 'https://example.org/p'\n"
        "source = { name = \"Wire Co\", url = \"https://w\" }\n"
        "weight = 1.5\n"
        "'keywords' = \"kw\"\n"
        "[params]\n"
        "title = \"not the title\"\n"
        "author = \"not the author\"\n"
        "+++\n"
        "Body text hugoword.\n");
    assert_int_equal(r->status, CORPUS_OK);
    got *g = &r->a[0];
    assert_string_equal(g->title, "Hugo \"quoted\" post");
    assert_string_equal(g->date, "2024-02-10T08:00:00-05:00");
    assert_string_equal(g->author, "Alice Ames, Bob Brown");
    assert_string_equal(g->authors, "Alice Ames|Bob Brown");
    assert_string_equal(g->tags, "one|two, three|Politics|kw");
    assert_string_equal(g->url, "https://example.org/p");
    assert_string_equal(g->source, "Wire Co");
    assert_string_equal(g->body, "A long description.\n\nBody text "
                                 "hugoword.");
    assert_int_equal(r->nwarn, 0);
    int y, m, d;
    assert_true(corpus_parse_date(g->date, &y, &m, &d));
    reading_free(r);

    /* lines that are not TOML are left out, never body text, and said */
    r = read_text("fm/badtoml.md",
        "+++\n"
        "title = \"Still read\"\n"
        "this is not toml\n"
        "tags = [\"a\" \"b\"]\n"
        "author = \"Ann\" extra\n"
        "date = \"2024-02-11\"\n"
        "+++\n"
        "# Heading\n\nBody.\n");
    assert_int_equal(r->status, CORPUS_OK);
    g = &r->a[0];
    assert_string_equal(g->title, "Still read");
    assert_string_equal(g->date, "2024-02-11");
    assert_null(strstr(g->body, "toml"));
    assert_null(strstr(g->body, "+++"));
    assert_int_equal(r->nwarn, 1);
    assert_non_null(strstr(r->warn[0], "front matter is not valid TOML "
                                       "(line 3: "));
    reading_free(r);

    /* "+++" that nothing closes: up to the first blank line, with a
     * warning, when what is there reads as front matter; else text */
    r = read_text("fm/open.md", "+++\ntitle = \"x\"\n\nBody.\n");
    assert_string_equal(r->a[0].title, "x");
    assert_string_equal(r->a[0].body, "Body.");
    assert_int_equal(r->nwarn, 1);
    assert_non_null(strstr(r->warn[0], "fm/open.md|front matter opened by "
                                       "\"+++\" has no closing \"+++\" "
                                       "line"));
    reading_free(r);
    r = read_text("fm/open2.md", "+++\nplus signs\n\nBody.\n");
    assert_string_equal(r->a[0].title, "+++");
    assert_int_equal(r->nwarn, 0);
    reading_free(r);
}

/* YAML's null (~, null, Null, NULL, nothing) is no value: the key is as
 * if absent (the title then the first heading), a null item no item; a
 * quoted "null" is text. Front matter that is not valid YAML too. */
static void test_md_yaml_null(void **state)
{
    (void)state;
    reading *r = read_text("n/n.md", "---\ntitle: null\nauthor: ~\nurl: "
                           "null\ntags: ~\ndate: ~\nsource: NULL\nsummary:\n"
                           "---\n# Real heading\nBody.\n");
    assert_int_equal(r->status, CORPUS_OK);
    got *g = &r->a[0];
    assert_string_equal(g->title, "Real heading");
    assert_null(g->author);
    assert_null(g->url);
    assert_null(g->date);
    assert_null(g->source);
    assert_string_equal(g->tags, "");
    assert_string_equal(g->body, "Body.");
    assert_int_equal(r->nwarn, 0);
    reading_free(r);

    r = read_text("n/q.md", "---\ntitle: \"null\"\nauthor: Ann\nauthors: "
                  "Null\ntags: [a, ~, 'null']\ncategories:\n  - null\n  - b\n"
                  "---\nBody.\n");
    g = &r->a[0];
    assert_string_equal(g->title, "null");
    assert_string_equal(g->author, "Ann");
    assert_string_equal(g->tags, "a|null|b");
    assert_int_equal(r->nwarn, 0);
    reading_free(r);

    /* read line by line (the colon in the summary is not YAML) */
    r = read_text("n/l.md", "---\ntitle: ~\nauthor: null\nsummary: a: b\n"
                  "tags: [x, null]\n---\n# Heading\nBody.\n");
    g = &r->a[0];
    assert_string_equal(g->title, "Heading");
    assert_null(g->author);
    assert_string_equal(g->tags, "x");
    assert_int_equal(r->nwarn, 1);
    assert_non_null(strstr(r->warn[0], "not valid YAML"));
    reading_free(r);
}

/* A "---" front matter whose closing line is missing: read up to the
 * first blank line, with a warning, when its lines there read as front
 * matter ("key: value", one of the article's keys); otherwise the "---"
 * is a thematic break and what follows text, without a warning. */
static void test_md_unclosed_front_matter(void **state)
{
    (void)state;
    reading *r = read_text("u/u.md", "---\ntitle: Unclosed\ndate: "
                           "2023-11-06\ntags:\n  - a\n  - b\n\nBody.\n");
    assert_int_equal(r->status, CORPUS_OK);
    got *g = &r->a[0];
    assert_string_equal(g->title, "Unclosed");
    assert_string_equal(g->date, "2023-11-06");
    assert_string_equal(g->tags, "a|b");
    assert_string_equal(g->body, "Body.");
    assert_int_equal(r->nwarn, 1);
    char want[4200];
    snprintf(want, sizeof want, "%s/u/u.md|front matter opened by \"---\" "
             "has no closing \"---\" line; read up to the first blank line",
             tmp);
    assert_string_equal(r->warn[0], want);
    reading_free(r);

    /* nothing after it: all front matter, no body */
    r = read_text("u/end.md", "---\ntitle: Only\n");
    assert_string_equal(r->a[0].title, "Only");
    assert_string_equal(r->a[0].body, "");
    assert_int_equal(r->nwarn, 1);
    reading_free(r);

    static const char *const text[] = {
        "---\nNote: a draft.\n\nBody.\n",        /* no key of ours */
        "---\nJust a line after a rule\n\nBody.\n",
        "---\ntitle: x\nand then prose\n\nBody.\n",
        "---\nhttps://example.org: link\n\nBody.\n",
    };
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
        r = read_text("u/text.md", text[i]);
        if (r->nwarn != 0 || !strstr(r->a[0].body, "Body.") ||
            strstr(r->a[0].body, "---"))
            fail_msg("case %zu: %zu warnings, title \"%s\", body \"%s\"", i,
                     r->nwarn, r->a[0].title, r->a[0].body);
        reading_free(r);
    }
}

/* Raw HTML in Markdown: a script's code, a style sheet and comments are
 * no text; a tag mentioned in prose ("the <script> tag") with no end tag
 * after it takes no words with it. */
static void test_md_raw_html_content(void **state)
{
    (void)state;
    reading *r = read_text("h/s.md",
        "Title\n\n"
        "Text <script>var secretscriptword=1;</script> more "
        "<STYLE>.cls{color:red}</STYLE> end\n\n"
        "<script type=\"text/javascript\">\n"
        "  var hiddenword = 1;\n"
        "# not a heading\n"
        "```\n"
        "</script >\n"
        "After script. <!-- a comment word -->\n\n"
        "<style>\n.x { color: blue }\n</style>\n"
        "Last line.\n");
    assert_int_equal(r->status, CORPUS_OK);
    got *g = &r->a[0];
    assert_string_equal(g->title, "Title");
    assert_null(strstr(g->body, "secretscriptword"));
    assert_null(strstr(g->body, "hiddenword"));
    assert_null(strstr(g->body, "heading"));
    assert_null(strstr(g->body, "color"));
    assert_null(strstr(g->body, "comment"));
    assert_true(has_word(g->body, "more"));
    assert_true(has_word(g->body, "end"));
    assert_non_null(strstr(g->body, "After script."));
    assert_non_null(strstr(g->body, "Last line."));
    reading_free(r);

    r = read_text("h/m.md", "# Tags\n\nThe <script> tag and the <style> "
                  "tag hold code, said the guide.\n\nMore words.\n");
    g = &r->a[0];
    assert_true(has_word(g->body, "tag"));
    assert_true(has_word(g->body, "guide"));
    assert_true(has_word(g->body, "More"));
    reading_free(r);
}

/* Front matter that is not valid YAML: a warning naming the problem, and
 * the "key: value" lines read one by one, so the article keeps its
 * metadata. */
static void test_md_yaml_malformed(void **state)
{
    (void)state;
    reading *r = read_text("y/colon.md",
        "---\n"
        "title: Gaza: the talks resume\n"
        "date: 2023-11-24\n"
        "tags: [a, b]\n"
        "---\n"
        "Body.\n");
    assert_int_equal(r->status, CORPUS_OK);
    got *g = &r->a[0];
    assert_string_equal(g->title, "Gaza: the talks resume");
    assert_string_equal(g->date, "2023-11-24");
    assert_string_equal(g->tags, "a|b");
    assert_string_equal(g->body, "Body.");
    assert_int_equal(r->nwarn, 1);
    assert_non_null(strstr(r->warn[0], "y/colon.md|front matter is not "
                                       "valid YAML (line 2: "));
    reading_free(r);

    static const char *const broken[] = {
        "---\ntitle: \"unclosed\nauthor: x\n---\n# T\n\nBody.\n",
        "---\ntitle: 'a'\n  bad: indent: here\n---\n# T\n\nBody.\n",
        "---\n- just\n- a list\n---\n# T\n\nBody.\n",
        "---\njust a scalar\n---\n# T\n\nBody.\n",
        "---\ntitle: [unclosed\n---\n# T\n\nBody.\n",
        "---\n\ttitle: tab\n---\n# T\n\nBody.\n",
    };
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        r = read_text("y/broken.md", broken[i]);
        if (r->status != CORPUS_OK || r->nwarn != 1)
            fail_msg("case %zu: status %s, %zu warnings", i,
                     corpus_status_name(r->status), r->nwarn);
        assert_non_null(strstr(r->warn[0], "not valid YAML"));
        assert_non_null(strstr(r->a[0].body, "Body."));
        reading_free(r);
    }
    r = read_text("y/broken2.md", broken[0]);
    assert_string_equal(r->a[0].title, "\"unclosed");
    assert_string_equal(r->a[0].author, "x");
    reading_free(r);
    /* a list left open on its line: its items, without the bracket */
    r = read_text("y/open.md", "---\ntags: [unclosed, 'list'\n---\nT\n");
    assert_string_equal(r->a[0].tags, "unclosed|list");
    assert_int_equal(r->nwarn, 1);
    reading_free(r);

    /* deep nesting under an unknown key: read quickly, without a crash */
    size_t depth = 20000;
    char *buf = malloc(2 * depth + 64);
    assert_non_null(buf);
    size_t len = (size_t)sprintf(buf, "---\ntitle: Deep\nx: ");
    memset(buf + len, '[', depth);
    len += depth;
    memset(buf + len, ']', depth);
    len += depth;
    len += (size_t)sprintf(buf + len, "\n---\nBody.\n");
    tu_write_file(tmp, "y/deep.md", buf, len);
    free(buf);
    double t0 = now();
    r = read_name("y/deep.md", 0);
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title, "Deep");
    assert_int_equal(r->nwarn, 1);
    assert_non_null(strstr(r->warn[0], "nested over 256 deep"));
    assert_true(now() - t0 < 5);
    reading_free(r);

    /* nesting within the bound, repeated over a large block: still quick,
     * and a block over the size bound is read line by line */
    for (int k = 0; k < 2; k++) {
        size_t big = k ? 4 << 20 : 200 << 10;
        buf = malloc(big + 64);
        assert_non_null(buf);
        len = (size_t)sprintf(buf, "---\ntitle: Wide\nx: [");
        while (len + 520 < big) {
            memset(buf + len, '[', 250);
            memset(buf + len + 250, ']', 250);
            buf[len + 500] = ',';
            len += 501;
        }
        len += (size_t)sprintf(buf + len, "a]\n---\nBody.\n");
        tu_write_file(tmp, "y/wide.md", buf, len);
        free(buf);
        t0 = now();
        r = read_name("y/wide.md", 0);
        assert_int_equal(r->status, CORPUS_OK);
        assert_string_equal(r->a[0].title, "Wide");
        assert_int_equal(r->nwarn, k);
        if (k)
            assert_non_null(strstr(r->warn[0], "over 262144 bytes"));
        assert_true(now() - t0 < 5);
        reading_free(r);
    }
}


/* Lines built to make a naive Markdown scanner quadratic: read in
 * linear time, and the link text still comes through. */
static void test_md_hostile_lines(void **state)
{
    (void)state;
    size_t n = 4 << 20;
    char *buf = malloc(3 * n + 64);
    assert_non_null(buf);
    size_t len = 0;
    len += (size_t)sprintf(buf, "# Hostile\n\n");
    for (size_t i = 0; i < n / 2; i++, len += 2)
        memcpy(buf + len, "](", 2);
    buf[len++] = '\n';
    for (size_t i = 0; i < n / 4; i++, len += 4)
        memcpy(buf + len, "<a `", 4);
    buf[len++] = '\n';
    len += (size_t)sprintf(buf + len, "a [real link](https://x.org) end\n");
    tu_write_file(tmp, "hostile.md", buf, len);
    free(buf);
    double t0 = now();
    reading *r = read_name("hostile.md", 0);
    assert_true(now() - t0 < 10.0);
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title, "Hostile");
    assert_non_null(strstr(r->a[0].body, "a real link end"));
    reading_free(r);
}

/* --------------------------------------------------------------- HTML */

static const char html_full[] =
    "<!DOCTYPE html>\n<html><head>\n"
    "<title>  Blinken visits\n Ankara | Example News </title>\n"
    "<meta property=\"og:title\" content=\"OG title\">\n"
    "<meta property=\"article:published_time\" "
    "content=\"2023-11-06T09:30:00Z\">\n"
    "<meta name=\"date\" content=\"1999-01-01\">\n"
    "<meta name=\"author\" content=\" Ann Writer \">\n"
    "<meta property=\"article:author\" content=\"https://x.org/ann\">\n"
    "<meta name=\"keywords\" content=\"diplomacy, Turkey\">\n"
    "<meta property=\"article:tag\" content=\"Gaza\">\n"
    "<meta name=\"description\" content=\"Talks in &quot;Ankara&quot;.\">\n"
    "<meta property=\"og:url\" content=\"https://example.org/ankara\">\n"
    "<link rel=\"canonical\" href=\"https://example.org/other\">\n"
    "<style>body { color: red }</style>\n"
    "<script>var scripted = 1;</script>\n"
    "</head><body>\n"
    "<nav><a href=\"/\">Navmenu</a></nav>\n"
    "<header>Sitebanner</header>\n"
    "<div role=\"navigation\">Rolenav</div>\n"
    "<main><article><header><h1>The  <em>headline</em></h1>"
    "<p>By Ann</p></header>\n"
    "<p>Caf&eacute; talks &amp; more&nbsp;text &#8364;5.</p>"
    "<p>Two<br>lines</p><div>Block<span>glued</span></div>\n"
    "<table><tr><td>cell1</td><td>cell2</td></tr></table>\n"
    "<pre>  keep   spaces</pre>\n"
    "<p hidden>Hiddenattr</p><span aria-hidden=\"true\">Ariahidden</span>"
    "<div style=\"DISPLAY: none\">Styledisplay</div>"
    "<noscript>Noscripttext</noscript><template>Templatetext</template>"
    "<aside>Asidetext</aside>\n"
    "<svg><text>Svgtext</text></svg>\n"
    "</article></main>\n"
    "<footer>Footertext</footer>\n"
    "</body></html>\n";

static void test_html_page(void **state)
{
    (void)state;
    const char *names[] = {"world/p.html", "world/p.htm.gz"};
    for (size_t k = 0; k < 2; k++) {
        reading *r = read_text(names[k], html_full);
        assert_int_equal(r->status, CORPUS_OK);
        assert_int_equal(r->n, 1);
        got *g = &r->a[0];
        assert_string_equal(g->id, names[k]);
        assert_string_equal(g->title, "Blinken visits Ankara | Example News");
        assert_string_equal(g->date, "2023-11-06T09:30:00Z");
        assert_string_equal(g->author, "Ann Writer");
        assert_string_equal(g->url, "https://example.org/ankara");
        assert_string_equal(g->tags, "diplomacy|Turkey|Gaza");
        assert_null(g->source);
        /* description first, then the visible text in blocks */
        assert_true(strncmp(g->body, "Talks in \"Ankara\".\n\n", 20) == 0);
        assert_non_null(strstr(g->body, "The headline\nBy Ann\n"));
        assert_non_null(strstr(g->body, "Caf\xC3\xA9 talks & more\xC2\xA0"
                                        "text \xE2\x82\xAC" "5.\n"));
        assert_non_null(strstr(g->body, "Two\nlines\nBlockglued\n"));
        assert_non_null(strstr(g->body, "cell1 cell2"));
        assert_non_null(strstr(g->body, "  keep   spaces"));
        const char *gone[] = {"Navmenu", "Sitebanner", "Rolenav", "scripted",
                              "color", "Hiddenattr", "Ariahidden",
                              "Styledisplay", "Noscripttext", "Templatetext",
                              "Asidetext", "Svgtext", "Footertext", "OG title",
                              "Example News"};
        for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++)
            if (strstr(g->body, gone[i]))
                fail_msg("\"%s\" should not be in the body:\n%s", gone[i],
                         g->body);
        reading_free(r);
    }
}

/* The date of an HTML page `html`, as the reader gives it (NULL: none). */
static void expect_html_date(const char *html, const char *want)
{
    reading *r = read_text("dated.html", html);
    assert_int_equal(r->status, CORPUS_OK);
    if (!want)
        assert_null(r->a[0].date);
    else if (!r->a[0].date || strcmp(r->a[0].date, want) != 0)
        fail_msg("date %s, want %s in %s",
                 r->a[0].date ? r->a[0].date : "(none)", want, html);
    reading_free(r);
}

static void test_html_dates(void **state)
{
    (void)state;
    /* the meta names of Dublin Core terms, news sites and their tools */
    const char *names[] = {"dcterms.date", "DCTERMS.issued", "publish-date",
                           "parsely-pub-date", "sailthru.date"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char html[256];
        snprintf(html, sizeof html, "<head><meta name=\"%s\" content="
                 "\"2023-11-03\"><title>T</title></head><p>x</p>", names[i]);
        expect_html_date(html, "2023-11-03");
    }
    /* rank: article:published_time before the others */
    expect_html_date("<meta name='sailthru.date' content='2023-01-01'>"
                     "<meta property='article:published_time' "
                     "content='2023-11-03'><p>x</p>", "2023-11-03");

    /* <time datetime>: the first in an article or main... */
    expect_html_date("<body><header><p>Site</p></header><p><time "
                     "datetime='2020-01-01'>then</time></p><article><h1>H"
                     "</h1><time datetime='2023-11-03T10:00:00+01:00'>Nov 3"
                     "</time><time datetime='2023-11-04'>x</time></article>",
                     "2023-11-03T10:00:00+01:00");
    /* ...else the first in the page that is a date (a time of day or a
     * duration is not) */
    expect_html_date("<p><time datetime='10:00'>ten</time> <time "
                     "datetime='PT2H'>2h</time> <time datetime='2023-11-05'>"
                     "Sunday</time> <time datetime='2023-11-06'>x</time></p>",
                     "2023-11-05");
    /* one marked as the publication date beats the others */
    expect_html_date("<article><time datetime='2023-11-01'>upd</time><time "
                     "itemprop='datePublished' datetime='2023-10-30'>pub"
                     "</time></article>", "2023-10-30");
    /* a meta tag beats a <time> */
    expect_html_date("<meta name='date' content='2023-11-07'><article><time "
                     "datetime='2023-11-03'>x</time></article>", "2023-11-07");
    /* ...when it is a date: one not read ("11/03/2023": which day?)
     * yields to the <time> (it made the page take its path's date), or to
     * a later <meta>, and is kept as written only when no source gives a
     * date (the warning then names it) */
    expect_html_date("<meta name='date' content='11/03/2023'><article><time "
                     "datetime='2023-11-05'>x</time></article>", "2023-11-05");
    expect_html_date("<meta name='date' content='soon'><meta name='dc.date' "
                     "content='2023-11-06'><p>x</p>", "2023-11-06");
    expect_html_date("<meta name='date' content='11/03/2023'><meta name="
                     "'pubdate' content='later'><p>x</p>", "11/03/2023");
    /* hidden or page furniture: not the article's date */
    expect_html_date("<nav><time datetime='2023-11-03'>today</time></nav>"
                     "<p hidden><time datetime='2023-11-04'>x</time></p>"
                     "<p>text</p>", NULL);
}

/* The first article of page `html` (read as tmp/name), checked. */
static reading *read_page(const char *name, const char *html)
{
    reading *r = read_text(name, html);
    if (r->status != CORPUS_OK || r->n != 1)
        fail_msg("%s: %s %s", name, corpus_status_name(r->status), r->why);
    return r;
}

/* Field `got` is `want` (NULL: none), else fail naming the page. */
static void expect_field(const char *what, const char *got,
                         const char *want, const char *html)
{
    if (want ? !got || strcmp(got, want) != 0 : got != NULL)
        fail_msg("%s \"%s\", want \"%s\" in\n%s", what, got ? got : "(none)",
                 want ? want : "(none)", html);
}

/* The page's authors are listed one name each, the byline `want`'s
 * names (none of which holds ", "), as the author facet counts them. */
static void expect_author_list(const got *g, const char *want,
                               const char *html)
{
    char list[512] = "";
    for (const char *w = want; w && *w;) {
        const char *sep = strstr(w, ", ");
        size_t n = sep ? (size_t)(sep - w) : strlen(w);
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%.*s",
                 *list ? "|" : "", (int)n, w);
        w = sep ? sep + 2 : w + n;
    }
    expect_field("authors", g->authors, list, html);
}

enum { MORE_AUTHORS = 5, PAGE_AUTHORS = CORPUS_MAX_AUTHORS + MORE_AUTHORS };

/* `page` (`size` bytes) with PAGE_AUTHORS <meta name="author"> tags, or
 * (`ld`) a JSON-LD article whose authors are as many references to
 * Person nodes of its @graph. */
static void many_authors_page(char *page, size_t size, int ld)
{
    snprintf(page, size, "<title>t</title>%s", ld ? "<script type="
             "'application/ld+json'>{\"@graph\": [{\"@type\": "
             "\"NewsArticle\", \"author\": [" : "");
    for (int i = 0; i < PAGE_AUTHORS; i++)
        snprintf(page + strlen(page), size - strlen(page),
                 ld ? "%s{\"@id\": \"#w%d\"}"
                    : "%s<meta name=author content='Writer %d'>",
                 ld && i ? ", " : "", i);
    if (ld) {
        snprintf(page + strlen(page), size - strlen(page), "]}");
        for (int i = 0; i < PAGE_AUTHORS; i++)
            snprintf(page + strlen(page), size - strlen(page),
                     ", {\"@type\": \"Person\", \"@id\": \"#w%d\", "
                     "\"name\": \"Writer %d\"}", i, i);
        snprintf(page + strlen(page), size - strlen(page), "]}</script>");
    }
    snprintf(page + strlen(page), size - strlen(page), "<p>text</p>");
}

/* A page of more authors than an article keeps (<meta name="author">
 * tags, or JSON-LD references, each of which was looked up by a walk of
 * the whole graph): the first CORPUS_MAX_AUTHORS names (its own cap
 * kept 32, in silence), and a warning saying how many more it had. */
static void expect_html_authors_cut(int ld)
{
    char page[PAGE_AUTHORS * 80 + 256];
    many_authors_page(page, sizeof page, ld);
    reading *r = read_page("many.html", page);
    assert_int_equal(r->n, 1);
    size_t names = 1;
    for (const char *p = r->a[0].authors; *p; p++)
        names += *p == '|';
    assert_int_equal(names, CORPUS_MAX_AUTHORS);
    char last[32];
    snprintf(last, sizeof last, "|Writer %d", CORPUS_MAX_AUTHORS - 1);
    assert_non_null(strstr(r->a[0].authors, last));
    assert_int_equal(r->nwarn, 1);
    char want[64];
    snprintf(want, sizeof want, "|%d more authors left out", MORE_AUTHORS);
    assert_non_null(strstr(r->warn[0], want));
    reading_free(r);
}

/* A tag repeated more often than an article keeps tags, then another
 * (`format` "jsonl" or "txt", whose readers hand repeats on): repeats
 * are one tag and use up no place, so the other is kept, and nothing
 * was cut to warn of. */
static void expect_repeated_tags_kept_once(const char *format)
{
    int jsonl = strcmp(format, "jsonl") == 0;
    char text[CORPUS_MAX_TAGS * 16 + 256], name[32];
    snprintf(text, sizeof text, jsonl ? "{\"id\": \"1\", \"title\": "
             "\"T\", \"tags\": [" : "Title: T\nTags: ");
    for (int i = 0; i < CORPUS_MAX_TAGS + 5; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text),
                 jsonl ? "\"Gaza\", " : "Gaza, ");
    snprintf(text + strlen(text), sizeof text - strlen(text),
             jsonl ? "\"aid\"]}\n" : "aid\n\nBody.\n");
    snprintf(name, sizeof name, "repeats.%s", format);
    reading *r = read_text(name, text);
    assert_int_equal(r->n, 1);
    assert_string_equal(r->a[0].tags, "Gaza|aid");
    assert_int_equal(r->nwarn, 0);
    reading_free(r);
}

/* A JSON Lines array or a text file's Tags: line repeating a tag: one
 * tag, whose repeats used up the places of the tags after them. */
static void test_repeated_tags_kept_once(void **state)
{
    (void)state;
    expect_repeated_tags_kept_once("jsonl");
    expect_repeated_tags_kept_once("txt");
}

static void test_html_title_fallbacks(void **state)
{
    (void)state;
    reading *r = read_text("o.html", "<meta property='og:title' content='OG "
                           "wins'><h1>Head</h1><p>text</p>");
    assert_string_equal(r->a[0].title, "OG wins");
    reading_free(r);

    r = read_text("h.html", "<title> </title><body><h1>First "
                  "<b>h1</b></h1><h1>Second</h1><p>text</p>");
    assert_string_equal(r->a[0].title, "First h1");
    assert_non_null(strstr(r->a[0].body, "First h1\nSecond\ntext"));
    reading_free(r);

    r = read_text("n.html", "<p>Only text here</p><p>and more</p>");
    assert_string_equal(r->a[0].title, "Only text here");
    assert_string_equal(r->a[0].body, "and more");
    reading_free(r);

    /* a description is not a title: the first line of the visible text
     * is, and the description opens the rest of the body (the
     * description was the title, taken out of the body); with no visible
     * text the page is untitled, the description its body */
    r = read_text("d.html", "<meta name=description content=' The  desc. '>"
                  "<p>First line</p><p>and more</p>");
    assert_string_equal(r->a[0].title, "First line");
    assert_string_equal(r->a[0].body, "The desc.\n\nand more");
    reading_free(r);
    /* one line of text and nothing after it is no title but the text,
     * as in a .txt file: two pages of a site with its description and
     * one paragraph each had the description as their whole body (and
     * were taken for duplicates), a long paragraph was the title */
    r = read_text("d1.html", "<meta name=description content='The desc.'>"
                  "<p>Only line</p>");
    assert_string_equal(r->a[0].title, "");
    assert_string_equal(r->a[0].body, "The desc.\n\nOnly line");
    reading_free(r);
    r = read_text("d1b.html", "<meta name=description content='The desc.'>"
                  "<p>Storms closed schools. The desc.</p>\n<br>\n");
    assert_string_equal(r->a[0].title, "");
    assert_string_equal(r->a[0].body, "Storms closed schools. The desc.");
    reading_free(r);
    r = read_text("d1c.html", "<nav>Menu</nav><p>Just one paragraph.</p>");
    assert_string_equal(r->a[0].title, "");
    assert_string_equal(r->a[0].body, "Just one paragraph.");
    reading_free(r);
    /* what a <noscript> of <head> holds that <head> may not (gumbo,
     * scripting off, puts it at the start of the body, up to the stray
     * </noscript>) is neither title nor text; what follows it is */
    r = read_text("ns.html", "<html><head><noscript><img src=p.gif><p>"
                  "Please enable JavaScript.</p></noscript><meta name="
                  "author content='Ann Writer'></head><body><p>Story</p>"
                  "<p>More</p></body></html>");
    assert_string_equal(r->a[0].title, "Story");
    assert_string_equal(r->a[0].body, "More");
    assert_string_equal(r->a[0].author, "Ann Writer");
    reading_free(r);
    r = read_text("ns1.html", "<head><title>T</title><NoScript>Enable "
                  "JavaScript.</noScript>\nWelcome <b>text</b></head><p>"
                  "Story");
    assert_string_equal(r->a[0].body, "Welcome text\nStory");
    reading_free(r);
    /* one that never ends hides nothing */
    r = read_text("ns2.html", "<head><noscript><p>Only text<p>more");
    assert_string_equal(r->a[0].title, "Only text");
    assert_string_equal(r->a[0].body, "more");
    reading_free(r);
    r = read_text("d2.html", "<script type='application/ld+json'>{\"@type\":"
                  "\"NewsArticle\",\"description\":\"LD desc.\"}</script>"
                  "<nav>menu</nav>");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title, "");
    assert_string_equal(r->a[0].body, "LD desc.");
    reading_free(r);
    /* the first line holds the description: not repeated in the body */
    r = read_text("d3.html", "<meta name=description content='Lead.'>"
                  "<p>Lead. More.</p><p>Rest</p>");
    assert_string_equal(r->a[0].title, "Lead. More.");
    assert_string_equal(r->a[0].body, "Rest");
    reading_free(r);

    r = read_text("canon.html", "<link rel=canonical href='https://c.org/x'>"
                  "<title>T</title><p>b");
    assert_string_equal(r->a[0].url, "https://c.org/x");
    reading_free(r);
    /* rel is a list of tokens in any case (rel="canonical" alone was
     * read) */
    const char *rels[] = {"Canonical", "canonical nofollow",
                          " alternate\tCANONICAL "};
    for (size_t i = 0; i < sizeof rels / sizeof rels[0]; i++) {
        char html[128];
        snprintf(html, sizeof html, "<link rel='%s' href='https://c.org/%zu'>"
                 "<title>T</title><p>b", rels[i], i);
        r = read_page("canon.html", html);
        char want[32];
        snprintf(want, sizeof want, "https://c.org/%zu", i);
        expect_field("url", r->a[0].url, want, html);
        reading_free(r);
    }
    r = read_text("canon.html", "<link rel='canonicalx alternate' "
                  "href='https://c.org/x'><title>T</title><p>b");
    assert_null(r->a[0].url);
    reading_free(r);

    r = read_text("empty.html", "<html><head><script>x()</script></head>"
                  "<body> <nav>menu</nav> </body></html>");
    assert_int_equal(r->status, CORPUS_SKIP_EMPTY);
    reading_free(r);

    /* tag soup is read the way browsers read it */
    r = read_text("soup.html", "<title>S</title><p>one<p>two<b>bold<i>both"
                  "</b>italic</i><li>item");
    assert_int_equal(r->status, CORPUS_OK);
    assert_non_null(strstr(r->a[0].body, "one\ntwo"));
    assert_non_null(strstr(r->a[0].body, "boldbothitalic"));
    reading_free(r);
}

/* JSON-LD (schema.org) metadata: a @graph as Yoast writes it (the author
 * a reference to a Person node), a top-level array, @type arrays and
 * prefixed types, people before organisations. */
static void test_html_jsonld(void **state)
{
    (void)state;
    static const char graph[] =
        "<!DOCTYPE html><html><head>\n"
        "<script type=\"application/ld+json\" class=\"yoast-schema-graph\">"
        "{\"@context\":\"https://schema.org\",\"@graph\":["
        "{\"@type\":\"WebPage\",\"@id\":\"https://ex.org/a/#webpage\","
        "\"datePublished\":\"2020-01-01T00:00:00+00:00\"},"
        "{\"@type\":\"NewsArticle\",\"@id\":\"https://ex.org/a/#article\","
        "\"headline\":\"Ceasefire talks resume in Doha\","
        "\"datePublished\":\"2023-11-06T09:30:00+00:00\","
        "\"dateModified\":\"2023-11-07T10:00:00+00:00\","
        "\"author\":{\"@id\":\"https://ex.org/#/schema/person/42\"},"
        "\"keywords\":[\"Qatar\",\"diplomacy\"],"
        "\"description\":\"Negotiators met again on Monday.\"},"
        "{\"@type\":\"Person\",\"@id\":\"https://ex.org/#/schema/person/42\","
        "\"name\":\"Lina  Haddad\"}]}</script>\n"
        "</head><body><main><p>The talks went on late.</p></main></body>"
        "</html>\n";
    reading *r = read_page("graph.html", graph);
    got *g = &r->a[0];
    expect_field("title", g->title, "Ceasefire talks resume in Doha", graph);
    expect_field("date", g->date, "2023-11-06T09:30:00+00:00", graph);
    expect_field("author", g->author, "Lina Haddad", graph);
    expect_field("tags", g->tags, "Qatar|diplomacy", graph);
    expect_field("body", g->body,
                 "Negotiators met again on Monday.\n\nThe talks went on late.",
                 graph);
    reading_free(r);

    /* a top-level array; @type an array, prefixed; the article's people
     * (a Person, a bare name), not its organisation; keywords a string */
    static const char array[] =
        "<title>Floods | Daily</title><script type='application/ld+json'>\n"
        "[{\"@type\":\"BreadcrumbList\",\"itemListElement\":[]},\n"
        " {\"@context\":\"http://schema.org\",\"@type\":[\"schema:"
        "ReportageNewsArticle\",\"NewsArticle\"],\"author\":["
        "{\"@type\":\"Person\",\"name\":\"Ann Writer\"},"
        "{\"@type\":\"Organization\",\"name\":\"Daily Wire Desk\"},"
        "\"Bob Smith\",{\"@type\":\"Person\",\"url\":\"https://d.org/c\"}],"
        "\"dateCreated\":\"2023-10-01\",\"keywords\":\"floods, Pakistan\"}]"
        "</script><p>Rivers rose.</p>";
    r = read_page("array.html", array);
    g = &r->a[0];
    expect_field("title", g->title, "Floods | Daily", array);
    expect_field("author", g->author, "Ann Writer, Bob Smith", array);
    expect_field("date", g->date, "2023-10-01", array);
    expect_field("tags", g->tags, "floods|Pakistan", array);
    reading_free(r);

    /* an organisation is the author when no person is; a BlogPosting in a
     * WebPage's mainEntity; dateModified alone is no date */
    static const char org[] =
        "<script type=\"application/ld+json\">{\"@type\":\"WebPage\","
        "\"mainEntity\":{\"@type\":\"BlogPosting\",\"headline\":\"Notes\","
        "\"author\":{\"@type\":\"NewsMediaOrganization\",\"name\":\"Wire "
        "Service\"},\"dateModified\":\"2023-11-07\"}}</script><p>Text.</p>";
    r = read_page("org.html", org);
    g = &r->a[0];
    expect_field("title", g->title, "Notes", org);
    expect_field("author", g->author, "Wire Service", org);
    expect_field("date", g->date, NULL, org);
    reading_free(r);
}

/* Broken JSON-LD is passed over in silence: the next block is read, and
 * a page with nothing but broken blocks is read as if it had none. */
static void test_html_jsonld_broken(void **state)
{
    (void)state;
    static const char html[] =
        "<head><script type=\"application/ld+json\">{\"@type\":"
        "\"NewsArticle\",\"headline\":\"Broken\",}</script>"
        "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
        "\"headline\":\"Broken too\",\"author\":\"Nobody\"</script>"
        "<script type=\"application/ld+json\">\n<!--\n{\"@context\":"
        "\"https://schema.org\",\"@type\":\"Article\",\"headline\":"
        "\"Second block\",\"author\":{\"name\":\"Carla Diaz\"}}\n-->\n"
        "</script><script type='text/javascript'>{\"@type\":\"Article\","
        "\"headline\":\"Not JSON-LD\"}</script></head>"
        "<body><p>Body text.</p></body>";
    reading *r = read_page("broken.html", html);
    expect_field("title", r->a[0].title, "Second block", html);
    expect_field("author", r->a[0].author, "Carla Diaz", html);
    assert_int_equal(r->nwarn, 0);
    assert_int_equal(r->nbad, 0);
    reading_free(r);

    static const char only[] =
        "<script type=\"application/ld+json\">{\"@type\": \"NewsArticle\","
        " \"headline\": \"Cut off</script><script type=\"application/ld+json"
        "\">[[[[[[[</script><script type=\"application/ld+json\"></script>"
        "<h1>Real heading</h1><p>Text.</p>";
    r = read_page("broken-only.html", only);
    expect_field("title", r->a[0].title, "Real heading", only);
    assert_null(r->a[0].author);
    assert_int_equal(r->nwarn, 0);
    reading_free(r);

    /* A job advertisement (JobPosting) before the article is not the
     * article (found in review: it hid the NewsArticle's date and
     * author) */
    static const char job[] =
        "<script type=\"application/ld+json\">{\"@type\":\"JobPosting\","
        "\"title\":\"Reporter wanted\",\"datePosted\":\"2024-01-01\","
        "\"hiringOrganization\":{\"name\":\"Daily\"}}</script>"
        "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
        "\"datePublished\":\"2024-03-05\",\"author\":{\"@type\":"
        "\"Person\",\"name\":\"Real Author\"}}</script>"
        "<title>Story</title><p>Text.</p>";
    r = read_page("job.html", job);
    expect_field("date", r->a[0].date, "2024-03-05", job);
    expect_field("author", r->a[0].author, "Real Author", job);
    reading_free(r);

    /* Text escaped as HTML by the publishing tool is decoded (found in
     * review: the title read "Don&#8217;t panic"); what is not a
     * reference stays */
    static const char refs[] =
        "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
        "\"headline\":\"Don&#8217;t panic &foo; A&B\",\"author\":"
        "[{\"@type\":\"Person\",\"name\":\"Pat O&#039;Brien\"}],"
        "\"keywords\":[\"Arts &amp; Culture\"]}</script><p>Text.</p>";
    r = read_page("refs.html", refs);
    expect_field("title", r->a[0].title,
                 "Don\xe2\x80\x99t panic &foo; A&B", refs);
    expect_field("author", r->a[0].author, "Pat O'Brien", refs);
    expect_field("tags", r->a[0].tags, "Arts & Culture", refs);
    reading_free(r);
}

/* JSON-LD against the <meta> tags, <title> and <h1> (the ranking of
 * read_html.c's comment). */
static void test_html_jsonld_precedence(void **state)
{
    (void)state;
    static const struct {
        const char *head;     /* before the JSON-LD block */
        const char *ld;       /* the article object's members */
        const char *tail;     /* after it */
        const char *title, *date, *author, *tags, *body;
    } cases[] = {
        /* <title> and og:title before the headline, the headline before
         * the <h1> */
        {"<title>Page title</title>", "\"headline\":\"LD\"", "<h1>H1</h1>",
         "Page title", NULL, NULL, "", "H1"},
        {"<meta property='og:title' content='OG'>", "\"headline\":\"LD\"",
         "<h1>H1</h1>", "OG", NULL, NULL, "", "H1"},
        {"", "\"headline\":\"LD\"", "<h1>H1</h1>", "LD", NULL, NULL, "",
         "H1"},
        /* (a title "" below: the page's one line "x" is no title but its
         * body) */
        /* article:published_time and itemprop datePublished before
         * JSON-LD's datePublished, which comes before <meta name=date>
         * and <time>; dateCreated after dcterms.created, before pubdate */
        {"<meta property='article:published_time' content='2023-11-01'>",
         "\"datePublished\":\"2023-11-02\"", "", "", "2023-11-01", NULL,
         "", ""},
        {"<meta itemprop='datePublished' content='2023-11-01'>",
         "\"datePublished\":\"2023-11-02\"", "", "", "2023-11-01", NULL,
         "", ""},
        {"<meta name='date' content='2023-11-01'>",
         "\"datePublished\":\"2023-11-02\"",
         "<article><time datetime='2023-11-03'>3</time></article>", "3",
         "2023-11-02", NULL, "", "x"},
        {"<meta name='date' content='2023-11-01'>",
         "\"datePublished\":\"not yet\"", "", "", "2023-11-01", NULL, "",
         ""},
        {"<meta name='dcterms.created' content='2023-11-01'>",
         "\"dateCreated\":\"2023-11-02\"", "", "", "2023-11-01", NULL, "",
         ""},
        {"<meta name='pubdate' content='2023-11-01'>",
         "\"dateCreated\":\"2023-11-02\"", "", "", "2023-11-02", NULL, "",
         ""},
        /* <meta name=author> and article:author before JSON-LD's people,
         * which come before dc.creator, <a rel=author> and JSON-LD's
         * organisations */
        {"<meta name='author' content='Meta Name'>",
         "\"author\":{\"@type\":\"Person\",\"name\":\"LD Person\"}", "", "",
         NULL, "Meta Name", "", ""},
        {"<meta property='article:author' content='OG Name'>",
         "\"author\":[\"LD One\",\"LD Two\"]", "", "", NULL, "OG Name", "",
         ""},
        {"<meta name='dc.creator' content='DC Name'>",
         "\"author\":[\"LD One\",\"LD Two\"]",
         "<p>By <a rel=author href='/a'>Link Name</a></p>", "By Link Name",
         NULL, "LD One, LD Two", "", "x"},
        {"",
         "\"author\":{\"@type\":\"Organization\",\"name\":\"LD Org\"}",
         "<p>By <a rel=author href='/a'>Link Name</a></p>", "By Link Name",
         NULL, "Link Name", "", "x"},
        {"<meta name='dc.creator' content='DC Name'>",
         "\"author\":{\"@type\":\"Organization\",\"name\":\"LD Org\"}", "",
         "", NULL, "DC Name", "", ""},
        /* descriptions: <meta> first; tags: all, each once */
        {"<title>T</title><meta name='description' content='Meta desc.'>",
         "\"description\":\"LD desc.\"", "<p>Text.</p>", "T", NULL, NULL,
         "", "Meta desc.\n\nText."},
        {"<title>T</title><meta property='og:description' content='OG "
         "desc.'>", "\"description\":\"LD desc.\"", "<p>Text.</p>", "T",
         NULL, NULL, "", "OG desc.\n\nText."},
        {"<title>T</title>", "\"description\":\"LD desc.\"",
         "<p>Text.</p>", "T", NULL, NULL, "", "LD desc.\n\nText."},
        {"<meta name='keywords' content='Gaza, aid'><meta name="
         "'news_keywords' content='Gaza, aid, UN'>",
         "\"keywords\":[\"UN\",\"Egypt\",\"Gaza\"]", "", "", NULL, NULL,
         "Gaza|aid|UN|Egypt", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char html[1024];
        snprintf(html, sizeof html, "<html><head>%s<script type="
                 "\"application/ld+json\">{\"@context\":\"https://schema.org"
                 "\",\"@type\":\"NewsArticle\",%s}</script></head><body>%s"
                 "<p>x</p></body></html>", cases[i].head, cases[i].ld,
                 cases[i].tail);
        reading *r = read_page("prec.html", html);
        got *g = &r->a[0];
        expect_field("title", g->title, cases[i].title, html);
        expect_field("date", g->date, cases[i].date, html);
        expect_field("author", g->author, cases[i].author, html);
        expect_author_list(g, cases[i].author, html);
        expect_field("tags", g->tags, cases[i].tags, html);
        if (strncmp(g->body, cases[i].body, strlen(cases[i].body)) != 0)
            fail_msg("body \"%s\" does not start with \"%s\" in\n%s", g->body,
                     cases[i].body, html);
        reading_free(r);
    }
}

/* The JSON-LD article's url is its url when the page has neither
 * og:url nor a canonical link (it was not read). */
static void test_html_jsonld_url(void **state)
{
    (void)state;
    static const struct {
        const char *head, *ld, *url;
    } cases[] = {
        {"", "{\"@type\":\"NewsArticle\",\"url\":\" https://ld.org/a \"}",
         "https://ld.org/a"},
        {"<link rel=canonical href='https://c.org/a'>",
         "{\"@type\":\"NewsArticle\",\"url\":\"https://ld.org/a\"}",
         "https://c.org/a"},
        {"<meta property='og:url' content='https://og.org/a'>",
         "{\"@type\":\"NewsArticle\",\"url\":\"https://ld.org/a\"}",
         "https://og.org/a"},
        /* the article's, not its page's or site's */
        {"", "{\"@graph\":[{\"@type\":\"WebSite\",\"url\":"
         "\"https://ld.org/\"},{\"@type\":\"WebPage\",\"url\":"
         "\"https://ld.org/page\"},{\"@type\":\"Article\",\"url\":"
         "\"https://ld.org/b\"}]}", "https://ld.org/b"},
        {"", "{\"@type\":\"WebPage\",\"url\":\"https://ld.org/page\"}",
         NULL},
        /* not a string: none */
        {"", "{\"@type\":\"NewsArticle\",\"url\":[\"https://ld.org/c\"]}",
         NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char html[512];
        snprintf(html, sizeof html, "<head>%s<script type=\"application/ld+"
                 "json\">%s</script><title>t</title></head><p>x",
                 cases[i].head, cases[i].ld);
        reading *r = read_page("ldurl.html", html);
        expect_field("url", r->a[0].url, cases[i].url, html);
        reading_free(r);
    }
}

/* Several <meta name="author">: all, joined as the other formats join
 * author lists; rel="author" links when nothing better is there. */
static void test_html_authors(void **state)
{
    (void)state;
    static const struct {
        const char *html, *author;
    } cases[] = {
        {"<meta name='author' content='Ann Writer'>"
         "<meta name='author' content=' Bob\n Smith '>"
         "<meta itemprop='author' content='Ann Writer'>"
         "<meta name='dc.creator' content='Desk'><title>t</title><p>x",
         "Ann Writer, Bob Smith"},
        /* article:author: the names, not the profile URLs */
        {"<meta property='article:author' content='https://fb.com/ann'>"
         "<meta property='article:author' content='Ann Writer'>"
         "<meta property='article:author' content='Bob Smith'>"
         "<title>t</title><p>x", "Ann Writer, Bob Smith"},
        /* a byline of links, the same link again at the bottom */
        {"<title>t</title><article><header><p>By <a rel='author' "
         "href='/staff/ann'>Ann <b>Writer</b></a> and <a href='/staff/bob' "
         "rel='nofollow Author'>Bob Smith</a></p></header><p>Text.</p>"
         "<p><a rel=author href='/staff/ann'>Ann Writer</a></p></article>",
         "Ann Writer, Bob Smith"},
        /* not names: an image, a URL, a paragraph; an <a> without the
         * rel */
        {"<title>t</title><p><a rel=author href='/a'><img src=a.png></a> "
         "<a rel=author href='/b'>https://ex.org/b</a> <a rel=author "
         "href='/c'>www.ex.org</a> <a href='/d'>Dee</a> <a rel=author "
         "href='/e'>This whole paragraph was wrapped in a link by a "
         "careless template, far too long to be anybody's name.</a></p>",
         NULL},
        /* hidden or page furniture: not the article's byline */
        {"<title>t</title><footer><a rel=author href=/x>Site Owner</a>"
         "</footer><p hidden><a rel=author href=/y>Hidden</a></p><p>x",
         NULL},
        /* <link rel=author>: its title, not its URL */
        {"<link rel=author href='humans.txt'><link rel='author' "
         "title='Ann Writer' href='/ann'><title>t</title><p>x",
         "Ann Writer"},
        /* rel is a list of tokens in any case, for links as for <a> */
        {"<link rel='me AUTHOR' title='Ann Writer' href='/ann'>"
         "<title>t</title><p>x", "Ann Writer"},
        /* a <meta name=author> before a link */
        {"<meta name=author content='Meta Name'><title>t</title><p>By "
         "<a rel=author href=/a>Link Name</a>", "Meta Name"},
        /* microdata marks the authors of related stories' cards too: not
         * the page's (found in review: they were all joined) */
        {"<meta name=author content='Jane Doe'><title>t</title><p>x</p>"
         "<div itemscope><meta itemprop=author content='Ann Other'></div>"
         "<div itemscope><meta itemprop=author content='Bob Third'></div>",
         "Jane Doe"},
        /* microdata alone: its first name, as before */
        {"<title>t</title><div itemscope><meta itemprop=author "
         "content='Ann Other'><p>x</p></div><div itemscope><meta "
         "itemprop=author content='Bob Third'></div>", "Ann Other"},
        /* and after a byline link */
        {"<title>t</title><p>By <a rel=author href=/a>Link Name</a></p>"
         "<div itemscope><meta itemprop=author content='Ann Other'></div>",
         "Link Name"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        reading *r = read_page("authors.html", cases[i].html);
        expect_field("author", r->a[0].author, cases[i].author,
                     cases[i].html);
        expect_author_list(&r->a[0], cases[i].author, cases[i].html);
        reading_free(r);
    }
    expect_html_authors_cut(0);
    expect_html_authors_cut(1);
}

/* Metadata is read wherever it stands, as JSON-LD always was: <meta
 * name|property> and <link> in hidden parts and page furniture count
 * (they were passed over there); text does not, nor microdata
 * (itemprop), which marks the items around it (related stories' cards),
 * nor a <time> or a byline link there. */
static void test_html_hidden_metadata(void **state)
{
    (void)state;
    static const struct {
        const char *html, *date, *author, *url, *tags, *body;
    } cases[] = {
        {"<head><noscript><meta name=author content='Ann Writer'>"
         "<link rel=canonical href='https://c.org/n'></noscript>"
         "<title>t</title></head><p>x", NULL, "Ann Writer",
         "https://c.org/n", NULL, "x"},
        {"<title>t</title><template><meta property="
         "'article:published_time' content='2023-11-03'><meta name="
         "keywords content='Gaza'><p>Templatetext</p></template><p>x",
         "2023-11-03", NULL, NULL, "Gaza", "x"},
        {"<title>t</title><div hidden><meta name=description content="
         "'Hidden desc.'><p>Hiddentext</p></div><noscript><meta name="
         "author content='Bob Smith'></noscript><aside><link rel="
         "canonical href='https://c.org/a'></aside><p>x",
         NULL, "Bob Smith", "https://c.org/a", NULL, "Hidden desc.\n\nx"},
        /* the same order as in sight: the first author's rank wins */
        {"<title>t</title><div style='display:none'><meta name=author "
         "content='First One'></div><meta name=author content='Second "
         "One'><p>x", NULL, "First One, Second One", NULL, NULL, "x"},
        /* not microdata, <time> or byline links out of sight */
        {"<title>t</title><aside><div itemscope><meta itemprop="
         "datePublished content='2019-01-01'><meta itemprop=author "
         "content='Card Author'><time datetime='2019-01-02'>x</time>"
         "<a rel=author href=/c>Card Byline</a></div></aside><p hidden>"
         "<meta itemprop=author content='Hidden Author'></p><p>x", NULL,
         NULL, NULL, NULL, "x"},
        /* nor RDFa's unprefixed properties (schema.org terms of a card),
         * which only og:/article: prefixed ones are not */
        {"<title>t</title><aside><div vocab='https://schema.org/' typeof="
         "NewsArticle><meta property=description content='Card desc.'>"
         "<meta property=datePublished content='2019-01-01'><meta "
         "property=author content='Card Author'><a href=/o>Other</a>"
         "</div></aside><div hidden><meta property=date content="
         "'2019-01-02'></div><aside><meta property='article:tag' content="
         "Gaza></aside><p>x", NULL, NULL, NULL, "Gaza", "x"},
        /* in <head> they are the page's; in sight, an item's: its author
         * comes after the page's own */
        {"<head><title>t</title><meta property=author content='Head "
         "Author'><meta property=datePublished content='2024-03-05'>"
         "</head><div typeof=NewsArticle><meta property=author content="
         "'Card Author'></div><p>x", "2024-03-05", "Head Author", NULL,
         NULL, "x"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *html = cases[i].html;
        reading *r = read_page("hidden.html", html);
        got *g = &r->a[0];
        expect_field("title", g->title, "t", html);
        expect_field("date", g->date, cases[i].date, html);
        expect_field("author", g->author, cases[i].author, html);
        expect_field("url", g->url, cases[i].url, html);
        expect_field("tags", g->tags, cases[i].tags ? cases[i].tags : "",
                     html);
        expect_field("body", g->body, cases[i].body, html);
        reading_free(r);
    }
}

/* Write an HTML file of `depth` nested <tag>s around a word. */
/* ------------------------------------------------- declared charsets */

/* `utf8` in the iconv(3) charset `charset`, as a new string (the test
 * makes its legacy bytes from UTF-8 rather than spell them out). */
static char *encode(const char *charset, const char *utf8, size_t *len)
{
    iconv_t cd = iconv_open(charset, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t inleft = strlen(utf8), cap = inleft * 4 + 16, room = cap;
    char *out = malloc(cap), *in = (char *)utf8, *w = out;
    assert_non_null(out);
    if (iconv(cd, &in, &inleft, &w, &room) == (size_t)-1)
        fail_msg("cannot write \"%s\" in %s", utf8, charset);
    iconv_close(cd);
    *len = (size_t)(w - out);
    *w = '\0';
    return out;
}

/* Write `bytes` as tmp/name (gzipped for a ".gz" name) and read it. */
static reading *read_bytes(const char *name, const char *bytes, size_t len)
{
    size_t n = strlen(name);
    if (n > 3 && strcmp(name + n - 3, ".gz") == 0)
        tu_write_gzip(tmp, name, bytes, len);
    else
        tu_write_file(tmp, name, bytes, len);
    return read_name(name, 0);
}

/* A page in a legacy charset it declares, with <meta charset> or with
 * <meta http-equiv="Content-Type">, plain and gzipped: its title and
 * text read as written, nothing warned. Before, read as Windows-1252
 * ("Москва" in windows-1251 came out as "Ìîñêâà"). */
static void test_html_declared_charsets(void **state)
{
    (void)state;
    static const struct {
        const char *label, *iconv, *title, *text;
    } pages[] = {
        {"windows-1251", "CP1251", "Москва",
         "Президент выступил в Кремле."},
        {"iso-8859-2", "ISO-8859-2", "Łódź", "Miasto Łódź jest duże."},
        {"KOI8-R", "KOI8-R", "Новости", "Правительство России."},
        {"shift_jis", "CP932", "東京", "日本の首都は東京です。"},
        {"euc-kr", "EUC-KR", "서울", "한국의 수도는 서울입니다."},
        {"gbk", "GBK", "北京", "中国的首都是北京。"},
        {"gb2312", "GB2312", "上海", "上海是中国的城市。"},
        {"euc-jp", "EUC-JP", "大阪", "大阪は日本の都市です。"},
        {"big5", "BIG5", "臺北", "臺北是城市。"},
        {"iso-2022-jp", "ISO-2022-JP", "京都", "京都は古い都です。"},
        {"windows-1253", "CP1253", "Αθήνα", "Η Αθήνα είναι πόλη."},
    };
    static const char *const forms[] = {
        "<!DOCTYPE html><html><head><meta charset=\"%s\">",
        "<html><head><!-- <meta charset=\"utf-8\"> --><meta http-equiv="
        "\"Content-Type\" content=\"text/html; charset=%s\">"};
    static const char *const names[] = {"p.html", "p.htm.gz"};
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++)
        for (size_t f = 0; f < 2; f++) {
            char page[1024];
            char head[256];
            snprintf(head, sizeof head, forms[f], pages[i].label);
            snprintf(page, sizeof page, "%s<title>%s</title></head>\n"
                     "<body><p>%s</p></body></html>\n", head,
                     pages[i].title, pages[i].text);
            size_t len;
            char *bytes = encode(pages[i].iconv, page, &len);
            reading *r = read_bytes(names[f], bytes, len);
            free(bytes);
            if (r->status != CORPUS_OK || r->n != 1)
                fail_msg("%s: %s %s", pages[i].label,
                         corpus_status_name(r->status), r->why);
            if (strcmp(r->a[0].title, pages[i].title) != 0 ||
                strcmp(r->a[0].body, pages[i].text) != 0)
                fail_msg("%s, form %zu: title \"%s\", body \"%s\"",
                         pages[i].label, f, r->a[0].title, r->a[0].body);
            if (r->nwarn)
                fail_msg("%s: %s", pages[i].label, r->warn[0]);
            reading_free(r);
        }
}

/* What a page declares, as browsers find it: the first <meta> that names
 * an encoding; not one in a comment or in another tag's attribute, not a
 * content= without http-equiv="Content-Type", not one past the first
 * 1024 bytes; an XML declaration when no <meta> says; iso-8859-1 as
 * windows-1252; a UTF-16 label as UTF-8. */
static void test_html_charset_prescan(void **state)
{
    (void)state;
    /* "Ìîñêâà": Москва in windows-1251, read as Windows-1252 */
    static const char mojibake[] = "\xC3\x8C\xC3\xAE\xC3\xB1\xC3\xAA"
                                   "\xC3\xA2\xC3\xA0";
    static const struct {
        const char *head;
        const char *title;        /* NULL: Москва */
    } pages[] = {
        {"<meta charset=windows-1251>", NULL},
        {"<META CHARSET=' CP1251 '>", NULL},
        {"<meta content='text/html;charset=\"windows-1251\"' "
         "http-equiv=content-type>", NULL},
        {"<meta charset=windows-1251><meta charset=koi8-r>", NULL},
        {"<meta charset=x-nothing><meta charset=windows-1251>", NULL},
        {"<?xml version=\"1.0\" encoding=\"windows-1251\"?>", NULL},
        {"<?xml version='1.0' encoding='koi8-r'?>"
         "<meta charset=windows-1251>", NULL},
        {"<!-- <meta charset=windows-1251> -->", mojibake},
        {"<link title='<meta charset=windows-1251>'>", mojibake},
        {"<meta content='text/html; charset=windows-1251'>", mojibake},
        {"<meta name=x content='charset=windows-1251'>", mojibake},
        {"<meta charset=iso-8859-1>", mojibake},
        {"<meta charset=us-ascii>", mojibake},
        {"<meta charset=utf-16>", mojibake},
        {"<meta charset=utf-8>", mojibake},
    };
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        char page[512];
        snprintf(page, sizeof page, "%s<title>Москва</title><p>Кремль.",
                 pages[i].head);
        size_t len;
        char *bytes = encode("CP1251", page, &len);
        reading *r = read_bytes("pre.html", bytes, len);
        free(bytes);
        const char *want = pages[i].title ? pages[i].title : "Москва";
        if (r->n != 1 || strcmp(r->a[0].title, want) != 0)
            fail_msg("%s: title \"%s\", want \"%s\"", pages[i].head,
                     r->n ? r->a[0].title : "(none)", want);
        reading_free(r);
    }
    /* a <meta> past the first 1024 bytes is not looked at */
    char page[2048];
    snprintf(page, sizeof page, "<title>Москва</title><!-- %01100d -->"
             "<meta charset=windows-1251><p>Кремль.", 0);
    size_t len;
    char *bytes = encode("CP1251", page, &len);
    reading *r = read_bytes("late.html", bytes, len);
    free(bytes);
    assert_int_equal(r->n, 1);
    assert_string_equal(r->a[0].title, mojibake);
    reading_free(r);
}

/* A BOM wins over the <meta>: the page is UTF-8 (read.c drops the BOM; a
 * page valid as UTF-8 is UTF-8 whatever it declares), not mojibake of
 * the UTF-8 bytes read as windows-1251 or Shift_JIS. */
static void test_html_charset_bom_wins(void **state)
{
    (void)state;
    static const char *const labels[] = {"windows-1251", "shift_jis",
                                         "koi8-r"};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        for (int bom = 0; bom < 2; bom++) {
            char page[256];
            snprintf(page, sizeof page, "%s<meta charset=\"%s\"><title>"
                     "Москва</title><p>Кремль и 東京.", bom ? "\xEF\xBB\xBF"
                     : "", labels[i]);
            reading *r = read_text("bom.html", page);
            assert_int_equal(r->n, 1);
            assert_string_equal(r->a[0].title, "Москва");
            assert_string_equal(r->a[0].body, "Кремль и 東京.");
            assert_int_equal(r->nwarn, 0);
            reading_free(r);
        }
}

/* A label nobody knows, bytes that are not text in the declared charset:
 * read as before (UTF-8, else Windows-1252) with a warning naming the
 * file and the label. Declared utf-8 or windows-1252 with stray bytes:
 * read as before, no warning. */
static void test_html_charset_fallback(void **state)
{
    (void)state;
    static const struct {
        const char *head, *warning;
    } pages[] = {
        {"<meta charset=\"x-klingon\">",
         "unknown charset \"x-klingon\" declared: read as UTF-8, else "
         "Windows-1252"},
        {"<meta http-equiv=Content-Type content='text/html; charset=bogus'>",
         "unknown charset \"bogus\" declared"},
        /* 0xE9 then a space: a lead byte without its trail byte */
        {"<meta charset=sjis>",
         "charset \"sjis\" declared, but bytes not valid in Shift_JIS: read "
         "as UTF-8, else Windows-1252"},
        {"<meta charset=euc-kr>",
         "charset \"euc-kr\" declared, but bytes not valid in EUC-KR"},
        {"<meta charset=utf-8>", NULL},
        {"<meta charset=windows-1252>", NULL},
        {"<meta charset=latin1>", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        char page[512];
        snprintf(page, sizeof page, "%s<title>Caf\xE9 au lait</title><p>"
                 "It\x92s a caf\xE9.\xFF", pages[i].head);
        reading *r = read_text("fb.html", page);
        if (r->status != CORPUS_OK || r->n != 1)
            fail_msg("%s: %s", pages[i].head, r->why);
        assert_string_equal(r->a[0].title, "Café au lait");
        assert_string_equal(r->a[0].body, "It’s a café.ÿ");
        if (!pages[i].warning) {
            if (r->nwarn)
                fail_msg("%s: %s", pages[i].head, r->warn[0]);
        } else if (r->nwarn != 1 ||
                   strncmp(r->warn[0], tmp, strlen(tmp)) != 0 ||
                   !strstr(r->warn[0], "/fb.html|") ||
                   !strstr(r->warn[0], pages[i].warning)) {
            fail_msg("%s: warned %zu: %s", pages[i].head, r->nwarn,
                     r->nwarn ? r->warn[0] : "");
        }
        reading_free(r);
    }
}

static void write_nested(const char *name, const char *tag, size_t depth)
{
    size_t tl = strlen(tag) + 2;
    size_t cap = depth * tl + 64;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t n = (size_t)snprintf(buf, cap, "<title>deep</title>");
    for (size_t i = 0; i < depth; i++)
        n += (size_t)snprintf(buf + n, cap - n, "<%s>", tag);
    n += (size_t)snprintf(buf + n, cap - n, "bottom");
    tu_write_file(tmp, name, buf, n);
    free(buf);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_html_deep_nesting(void **state)
{
    (void)state;
    TU_SKIP_IF_LISTED();
    /* 100 000 levels: refused quickly, for each kind of element (div is
     * the one gumbo needs half a minute for; span and b the ones that
     * recurse deepest), and nothing overflows */
    const char *tags[] = {"div", "span", "b", "svg", "div/"};
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
        write_nested("deep.html", tags[i], 100000);
        double t0 = now();
        reading *r = read_name("deep.html", 0);
        double secs = now() - t0;
        assert_int_equal(r->status, CORPUS_SKIP_MALFORMED);
        assert_non_null(strstr(r->why, "nested more than 4096"));
        assert_int_equal(r->n, 0);
        assert_true(secs < 5.0);
        reading_free(r);
    }
    /* unmatched end tags do not hide the depth */
    size_t cap = 100000 * 11 + 64, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    for (size_t i = 0; i < 100000; i++)
        n += (size_t)snprintf(buf + n, cap - n, "<div></x>");
    tu_write_file(tmp, "deep2.html", buf, n);
    free(buf);
    reading *r = read_name("deep2.html", 0);
    assert_int_equal(r->status, CORPUS_SKIP_MALFORMED);
    reading_free(r);

    /* mis-nested formatting elements that gumbo turns into deep trees
     * (the adoption agency and reconstruction of formatting elements) */
    const char *deep_patterns[] = {"<b><div></b>x", "<div><b></div>x",
                                   "<div><b></div><img>",
                                   "<td><font>x</td>", "<b><i><u></b>x",
                                   "<table><tr><td><font>x"};
    /* sloppy but shallow: what old pages do all the time */
    const char *flat_patterns[] = {"<p><font size=2>text", "<li><font>y",
                                   "<tr><td><font size=2>x",
                                   "<div><b>Label</div>",
                                   "<dt><i>a<dd><b>b"};
    for (size_t k = 0; k < 2; k++) {
        const char **pats = k ? flat_patterns : deep_patterns;
        size_t npats = k ? 5 : 6;
        for (size_t i = 0; i < npats; i++) {
            size_t plen = strlen(pats[i]), len = 0;
            char *page = malloc(plen * 100000 + 16);
            assert_non_null(page);
            if (strncmp(pats[i], "<tr>", 4) == 0)   /* rows need a table */
                len += (size_t)sprintf(page, "<table>");
            for (size_t j = 0; j < 100000; j++, len += plen)
                memcpy(page + len, pats[i], plen);
            tu_write_file(tmp, "pattern.html", page, len);
            free(page);
            reading *rp = read_name("pattern.html", 0);
            if (rp->status != (k ? CORPUS_OK : CORPUS_SKIP_MALFORMED))
                fail_msg("%s x 100000: %s %s", pats[i],
                         corpus_status_name(rp->status), rp->why);
            reading_free(rp);
        }
    }

    /* just under the limit, and a long flat page, are read */
    write_nested("ok.html", "div", 4000);
    r = read_name("ok.html", 0);
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].body, "bottom");
    reading_free(r);
    write_nested("flat.html", "p", 100000);
    r = read_name("flat.html", 0);
    assert_int_equal(r->status, CORPUS_OK);
    reading_free(r);
    /* a <table> start tag in a table closes it: 100 000 of them are
     * siblings in gumbo's tree, not nested */
    write_nested("tables.html", "table", 100000);
    r = read_name("tables.html", 0);
    assert_int_equal(r->status, CORPUS_OK);
    reading_free(r);
    /* a comment or script full of tags does not count */
    r = read_text("script.html", "<title>t</title><script>"
                  "for(;;){document.write('<div><div><div>')}</script>"
                  "<!-- <div><div> --><p>fine");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].body, "fine");
    reading_free(r);
}

/* U+00AD SOFT HYPHEN is a hint where a word may break, not a break:
 * every format hands the word on whole (Xapian would split it there),
 * in the title, the body and the other fields. */
static void test_soft_hyphen_removed(void **state)
{
    (void)state;
    static const struct {
        const char *name, *text;
    } cases[] = {
        {"shy.txt", "Author: Ann Bundes\xC2\xADmann\n\nDie Bundes\xC2\xAD"
                    "regierung\n\nDie Bundes\xC2\xADregierung tagt.\n"},
        {"shy.md", "---\nauthor: Ann Bundes\xC2\xADmann\n---\n# Die Bundes"
                   "&shy;regierung\n\nDie Bundes\xC2\xADregierung tagt.\n"},
        {"shy.html", "<html><head><title>Die Bundes&shy;regierung</title>"
                     "<meta name=\"author\" content=\"Ann Bundes&#173;mann\">"
                     "</head><body><p>Die Bundes&shy;regierung tagt.</p>"
                     "</body></html>"},
        {"shy.jsonl", "{\"id\": \"1\", \"title\": \"Die Bundes\\u00ADregierung"
                      "\", \"body\": \"Die Bundes\\u00adregierung tagt.\", "
                      "\"author\": \"Ann Bundes\xC2\xADmann\"}\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        reading *r = read_text(cases[i].name, cases[i].text);
        assert_int_equal(r->status, CORPUS_OK);
        if (strcmp(r->a[0].title, "Die Bundesregierung") != 0 ||
            strcmp(r->a[0].body, "Die Bundesregierung tagt.") != 0 ||
            strcmp(r->a[0].author, "Ann Bundesmann") != 0)
            fail_msg("%s: title \"%s\", body \"%s\", author \"%s\"",
                     cases[i].name, r->a[0].title, r->a[0].body,
                     r->a[0].author);
        reading_free(r);
    }
    /* the joiners Xapian does not split at are kept as written */
    reading *r = read_text("joiners.txt", "T\n\na\xE2\x81\xA0" "b c\xEF\xBB"
                           "\xBF" "d\n");
    assert_string_equal(r->a[0].body, "a\xE2\x81\xA0" "b c\xEF\xBB\xBF" "d");
    reading_free(r);
}

/* --------------------------------------------------------- JSON Lines */

static void test_jsonl_lines(void **state)
{
    (void)state;
    const char text[] =
        "{\"id\": \"a1\", \"title\": \"First\", \"body\": \"Body one\", "
        "\"date\": \"2023-11-05\", \"author\": \"Ann\", \"source\": \"Wire\", "
        "\"url\": \"https://e.org/1\", \"tags\": [\"x\", \"y z\", \"\"], "
        "\"extra\": {\"ignored\": true}}\n"
        "\n"
        "{\"id\": 42, \"title\": \"Second\", \"text\": \"Body \\u00e9\"}\n"
        "{\"title\": \"Third\", \"body\": \"no id\", \"tags\": \"p, q\"}\n"
        "{\"title\": \"broken\", \"body\": \n"
        "[1, 2]\n"
        "{\"title\": 7, \"body\": \"x\"}\n"
        "{\"id\": \"z\", \"date\": null}\n"
        "{\"title\": \"Last\", \"body\": \"end\", \"date\": \"someday\"}";
    const char *names[] = {"feeds/f.jsonl", "feeds/f.ndjson.gz"};
    for (size_t k = 0; k < 2; k++) {
        reading *r = read_text(names[k], text);
        assert_int_equal(r->status, CORPUS_OK);
        assert_int_equal(r->n, 4);
        char id[256];
        snprintf(id, sizeof id, "%s#a1", names[k]);
        assert_string_equal(r->a[0].id, id);
        assert_string_equal(r->a[0].title, "First");
        assert_string_equal(r->a[0].body, "Body one");
        assert_string_equal(r->a[0].date, "2023-11-05");
        assert_string_equal(r->a[0].author, "Ann");
        assert_string_equal(r->a[0].source, "Wire");
        assert_string_equal(r->a[0].url, "https://e.org/1");
        assert_string_equal(r->a[0].tags, "x|y z");
        snprintf(id, sizeof id, "%s#42", names[k]);
        assert_string_equal(r->a[1].id, id);
        assert_string_equal(r->a[1].body, "Body \xC3\xA9");
        assert_null(r->a[1].date);
        snprintf(id, sizeof id, "%s#line-4", names[k]); /* line number */
        assert_string_equal(r->a[2].id, id);
        assert_string_equal(r->a[2].tags, "p|q");
        assert_string_equal(r->a[3].title, "Last");
        /* four bad lines, each reported once with its number */
        assert_int_equal(r->nbad, 4);
        char where[512];
        const int lines[] = {5, 6, 7, 8};
        const char *why[] = {"invalid JSON", "not a JSON object",
                             "\"title\" is not a string",
                             ("no \"title\", \"headline\", \"body\", "
                              "\"text\" or \"content\"")};
        for (int i = 0; i < 4; i++) {
            snprintf(where, sizeof where, "%s/%s:%d|", tmp, names[k],
                     lines[i]);
            assert_true(strncmp(r->bad[i], where, strlen(where)) == 0);
            assert_non_null(strstr(r->bad[i], why[i]));
        }
        /* the date nobody understands is a warning, with its line */
        assert_int_equal(r->nwarn, 1);
        snprintf(where, sizeof where, "%s/%s:9|date \"someday\"", tmp,
                 names[k]);
        assert_true(strncmp(r->warn[0], where, strlen(where)) == 0);
        reading_free(r);
    }
}

/* Metadata as exports write it: a number date is Unix time (seconds, or
 * milliseconds from 10^11 on), names come as objects and arrays; what
 * cannot be read is left out with a warning, never the article. */
static void test_jsonl_metadata_types(void **state)
{
    (void)state;
    const char text[] =
        "{\"id\": \"s\", \"title\": \"T\", \"date\": 1709654400}\n"
        "{\"id\": \"ms\", \"title\": \"T\", \"date\": 1709654400000}\n"
        "{\"id\": \"f\", \"title\": \"T\", \"date\": 1709654399.5}\n"
        "{\"id\": \"neg\", \"title\": \"T\", \"date\": -1}\n"
        /* 5138 as seconds: too late to be an article's date */
        "{\"id\": \"big\", \"title\": \"T\", \"date\": 99999999999}\n"
        "{\"id\": \"ms73\", \"title\": \"T\", \"date\": 100000000000}\n"
        "{\"id\": \"o\", \"title\": \"T\", \"author\": {\"name\": \"Nes Ted\","
        " \"email\": \"n@e.org\"}, \"source\": {\"name\": \"Wire Co\"}}\n"
        "{\"id\": \"arr\", \"title\": \"T\", \"author\": [\"A One\", "
        "{\"name\": \"B Two\"}, \"\", 3], \"tags\": [\"x\", {\"name\": \"y\"},"
        " true]}\n"
        "{\"id\": \"bad\", \"title\": \"T\", \"body\": \"kept\", \"date\": "
        "true, \"author\": 12, \"source\": {\"id\": 4}, \"url\": [\"u\"], "
        "\"tags\": 5}\n"
        "{\"id\": \"far\", \"title\": \"T\", \"date\": 1e300}\n"
        /* a day written YYYYMMDD (GDELT), not 23 August 1970; one that
         * is no day, and a real, are seconds */
        "{\"id\": \"ymd\", \"title\": \"T\", \"date\": 20240305}\n"
        "{\"id\": \"ymd2\", \"title\": \"T\", \"date\": 20241305}\n"
        "{\"id\": \"ymd3\", \"title\": \"T\", \"date\": 20240305.0}\n";
    reading *r = read_text("meta.jsonl", text);
    assert_int_equal(r->status, CORPUS_OK);
    assert_int_equal(r->nbad, 0);
    assert_int_equal(r->n, 13);
    assert_string_equal(r->a[10].date, "20240305");
    assert_string_equal(r->a[11].date, "1970-08-23T06:35:05Z");
    assert_string_equal(r->a[12].date, "1970-08-23T06:18:25Z");
    assert_string_equal(r->a[0].date, "2024-03-05T16:00:00Z");
    assert_string_equal(r->a[1].date, "2024-03-05T16:00:00Z");
    assert_string_equal(r->a[2].date, "2024-03-05T15:59:59Z");
    assert_string_equal(r->a[3].date, "1969-12-31T23:59:59Z");
    assert_null(r->a[4].date);
    assert_string_equal(r->a[5].date, "1973-03-03T09:46:40Z");
    for (int i = 0; i < 6; i++) {
        int y, m, d;
        assert_true(i == 4 || corpus_parse_date(r->a[i].date, &y, &m, &d));
    }
    assert_string_equal(r->a[6].author, "Nes Ted");
    assert_string_equal(r->a[6].source, "Wire Co");
    assert_string_equal(r->a[6].authors, "");   /* one name, no list */
    assert_string_equal(r->a[7].author, "A One, B Two");
    assert_string_equal(r->a[7].authors, "A One|B Two");
    assert_string_equal(r->a[7].tags, "x|y");
    assert_string_equal(r->a[8].body, "kept");
    assert_null(r->a[8].date);
    assert_null(r->a[8].author);
    assert_null(r->a[8].source);
    assert_null(r->a[8].url);
    assert_string_equal(r->a[8].tags, "");
    assert_null(r->a[9].date);
    /* one warning per article that lost something, naming what */
    assert_int_equal(r->nwarn, 4);
    char want[4200];
    snprintf(want, sizeof want, "%s/meta.jsonl:5|\"date\" 99999999999 is "
             "5138-11-16 as Unix time in seconds, more than a year from now: "
             "the article is indexed without it", tmp);
    assert_string_equal(r->warn[0], want);
    snprintf(want, sizeof want, "%s/meta.jsonl:8|\"author\"[3] is a number; "
             "\"tags\"[2] is a boolean: the article is indexed without "
             "them", tmp);
    assert_string_equal(r->warn[1], want);
    snprintf(want, sizeof want, "%s/meta.jsonl:9|\"date\" is a boolean; "
             "\"url\" is an array; \"author\" is a number; \"source\" is an "
             "object without a \"name\"; \"tags\" is a number: the article "
             "is indexed without them", tmp);
    assert_string_equal(r->warn[2], want);
    snprintf(want, sizeof want, "%s/meta.jsonl:10|\"date\" ", tmp);
    assert_true(strncmp(r->warn[3], want, strlen(want)) == 0);
    assert_non_null(strstr(r->warn[3], "out of the years 1-9999"));
    reading_free(r);
}

/* The one-line fields of a line lose the spaces at both ends, also when
 * no control character was replaced; a tag that is only spaces is no tag
 * (it showed as a blank tag facet). */
static void test_jsonl_fields_trimmed(void **state)
{
    (void)state;
    const char text[] =
        "{\"id\": \"a\", \"title\": \"  padded  \", \"body\": \" b \", "
        "\"author\": \" Ann \", \"source\": \"Wire \", \"url\": "
        "\" https://e.org/1\", \"date\": \" 2023-11-05 \", "
        "\"tags\": [\" \", \"  t1  \", \"\\t\"]}\n"
        "{\"id\": \"b\", \"title\": \"B\", \"body\": \"x\", "
        "\"tags\": [\"  \"]}\n";
    reading *r = read_text("trim.jsonl", text);
    assert_int_equal(r->status, CORPUS_OK);
    assert_int_equal(r->n, 2);
    assert_string_equal(r->a[0].title, "padded");
    assert_string_equal(r->a[0].body, " b ");
    assert_string_equal(r->a[0].author, "Ann");
    assert_string_equal(r->a[0].source, "Wire");
    assert_string_equal(r->a[0].url, "https://e.org/1");
    assert_string_equal(r->a[0].date, "2023-11-05");
    assert_string_equal(r->a[0].tags, "t1");
    assert_string_equal(r->a[1].tags, "");
    assert_int_equal(r->nwarn, 0);
    reading_free(r);
}

static void test_jsonl_not_jsonl(void **state)
{
    (void)state;
    /* no good line at all: one skip for the file, no per-line reports */
    reading *r = read_text("bad.jsonl", "id,title,body\n1,a,b\n2,c,d\n");
    assert_int_equal(r->status, CORPUS_SKIP_MALFORMED);
    assert_non_null(strstr(r->why, "no valid article in 3 lines (line 1: "));
    assert_int_equal(r->nbad, 0);
    reading_free(r);

    /* more bad lines than are held back, and none good */
    char big[4096] = "";
    for (int i = 0; i < 30; i++)
        strcat(big, "not json at all\n");
    r = read_text("big.jsonl", big);
    assert_int_equal(r->status, CORPUS_SKIP_MALFORMED);
    assert_non_null(strstr(r->why, "no valid article in 30 lines (line 1: "));
    assert_int_equal(r->n, 0);
    assert_int_equal(r->nbad, 0);
    reading_free(r);

    /* then a good line after them all: it is read, and every bad line
     * before it is reported, each once, in order */
    strcat(big, "{\"title\": \"late\"}\n");
    strcat(big, "still not json\n");
    r = read_text("big.jsonl", big);
    assert_int_equal(r->status, CORPUS_OK);
    assert_int_equal(r->n, 1);
    assert_string_equal(r->a[0].title, "late");
    assert_int_equal(r->nbad, 31);
    for (int i = 0; i < 31; i++) {
        char where[512];
        snprintf(where, sizeof where, "%s/big.jsonl:%d|invalid JSON", tmp,
                 i < 30 ? i + 1 : 32);
        assert_true(strncmp(r->bad[i], where, strlen(where)) == 0);
    }
    reading_free(r);

    /* bad lines before the first good one are reported once it comes */
    r = read_text("late.jsonl", "oops\n{\"title\": \"good\"}\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_int_equal(r->n, 1);
    assert_int_equal(r->nbad, 1);
    assert_non_null(strstr(r->bad[0], "late.jsonl:1|invalid JSON"));
    reading_free(r);

    /* a raw NUL byte spoils its line, not the file: the articles of the
     * other lines stay (before, the file was skipped as binary and its
     * articles removed from the index); one in the first line is a
     * binary file, as UTF-16 or an archive named .jsonl is */
    static const char nul_line[] = "{\"title\": \"one\"}\n"
                                   "{\"title\": \"t\0wo\"}\n"
                                   "{\"title\": \"three\"}\n";
    tu_write_file(tmp, "raw-nul.jsonl", nul_line, sizeof nul_line - 1);
    r = read_name("raw-nul.jsonl", 0);
    assert_int_equal(r->status, CORPUS_OK);
    assert_int_equal(r->n, 2);
    assert_string_equal(r->a[1].title, "three");
    assert_int_equal(r->nbad, 1);
    assert_non_null(strstr(r->bad[0], "raw-nul.jsonl:2|invalid JSON"));
    reading_free(r);
    tu_write_file(tmp, "first-nul.jsonl", nul_line + 17,
                  sizeof nul_line - 18);
    r = read_name("first-nul.jsonl", 0);
    assert_int_equal(r->status, CORPUS_SKIP_BINARY);
    assert_non_null(strstr(r->why, "NUL byte at offset 12"));
    reading_free(r);

    /* a NUL escaped inside a string is a space, as in front matter
     * (test_nul_in_fields) */
    r = read_text("nul.jsonl", "{\"title\": \"a\\u0000b\"}\n"
                  "{\"title\": \"ok\"}\n");
    assert_int_equal(r->n, 2);
    assert_int_equal(r->nbad, 0);
    assert_string_equal(r->a[0].title, "a b");
    reading_free(r);
}

/* A NUL character in a field, YAML's "\0" in front matter or JSON's
 * \u0000, is a space as other control characters are, in both formats
 * (front matter cut the field at it: "nul"; JSON Lines refused the
 * line); in a JSON Lines id, which is kept exact, it makes the line
 * bad. */
static void test_nul_in_fields(void **state)
{
    (void)state;
    reading *r = read_text("nul/a.md", "---\ntitle: \"nul\\0title yamlz\"\n"
                           "author: \"\\0An\\0\\0Author\\0\"\n"
                           "tags: [\"a\\0b\", c]\n---\n\nBody.\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_int_equal(r->n, 1);
    assert_string_equal(r->a[0].title, "nul title yamlz");
    assert_string_equal(r->a[0].author, "An Author");
    assert_string_equal(r->a[0].tags, "a b|c");
    assert_int_equal(r->nwarn, 0);
    reading_free(r);
    r = read_text("nul/b.jsonl",
                  "{\"id\":\"1\",\"title\":\"nul\\u0000title yamlz\","
                  "\"body\":\"b\\u0000ody\",\"author\":\"A\\u0000B\","
                  "\"tags\":[\"x\\u0000y\"]}\n"
                  "{\"id\":\"2\",\"title\":\"T\",\"tags\":\"p\\u0000q, r\"}\n"
                  "{\"id\":\"a\\u0000b\",\"title\":\"bad\"}\n");
    assert_int_equal(r->n, 2);
    assert_string_equal(r->a[0].title, "nul title yamlz");
    assert_string_equal(r->a[0].body, "b ody");
    assert_string_equal(r->a[0].author, "A B");
    assert_string_equal(r->a[0].tags, "x y");
    assert_string_equal(r->a[1].tags, "p q|r");
    assert_int_equal(r->nbad, 1);
    assert_non_null(strstr(r->bad[0], "b.jsonl:3|\"id\" holds a NUL"));
    reading_free(r);
    /* TOML front matter: \u0000 a space too (it was U+FFFD) */
    r = read_text("nul/c.md", "+++\ntitle = \"nul\\u0000title tomlz\"\n"
                  "tags = [\"x\\u0000y\"]\n+++\n\nBody.\n");
    assert_int_equal(r->n, 1);
    assert_string_equal(r->a[0].title, "nul title tomlz");
    assert_string_equal(r->a[0].tags, "x y");
    reading_free(r);
}

static void test_jsonl_repeated_ids(void **state)
{
    (void)state;
    /* a later line with an earlier line's id is a bad line: the first
     * article stays; the same for an integer id that prints as a string
     * id, and for an id written as another line's generated one */
    reading *r = read_text("dup.jsonl",
                           "{\"id\": \"x1\", \"title\": \"First\"}\n"
                           "{\"id\": \"x1\", \"title\": \"Second\"}\n"
                           "{\"id\": \"7\", \"title\": \"Seven\"}\n"
                           "{\"id\": 7, \"title\": \"Seven again\"}\n"
                           "{\"id\": \"line-6\", \"title\": \"Explicit\"}\n"
                           "{\"title\": \"Implicit\"}\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_int_equal(r->n, 3);
    assert_string_equal(r->a[0].title, "First");
    assert_string_equal(r->a[1].title, "Seven");
    assert_string_equal(r->a[2].title, "Explicit");
    assert_int_equal(r->nbad, 3);
    const char *want[] = {"dup.jsonl:2|id \"x1\" is line 1's too",
                          "dup.jsonl:4|id \"7\" is line 3's too",
                          ("dup.jsonl:6|no \"id\", and the id a line "
                           "without one is given, \"line-6\", is line 5's")};
    for (int i = 0; i < 3; i++)
        assert_non_null(strstr(r->bad[i], want[i]));
    reading_free(r);
}

/* Number dates as GDELT writes DATEADDED: the digits of a day and a time,
 * YYYYMMDDhhmmss or YYYYMMDDhhmm, not milliseconds (2611, 1976); a number
 * that makes a day more than a year from now is left out with a warning,
 * as days past the years 1-9999 are. */
static void test_jsonl_compact_date_times(void **state)
{
    (void)state;
    corpus_date_set_today(2024, 3, 5);
    const char text[] =
        "{\"id\": \"1\", \"title\": \"T\", \"date\": 20231103101500}\n"
        "{\"id\": \"2\", \"title\": \"T\", \"date\": 202311031015}\n"
        "{\"id\": \"3\", \"title\": \"T\", \"date\": \"20231103101500\"}\n"
        /* no time of day: milliseconds, in 2611 */
        "{\"id\": \"4\", \"title\": \"T\", \"date\": 20231103246000}\n"
        /* a day of 2100 */
        "{\"id\": \"5\", \"title\": \"T\", \"date\": 21001231}\n"
        /* 366 days after today, and 367 */
        "{\"id\": \"6\", \"title\": \"T\", \"date\": 1741262400}\n"
        "{\"id\": \"7\", \"title\": \"T\", \"date\": 1741348800000}\n";
    reading *r = read_text("gdelt.jsonl", text);
    corpus_date_set_today(0, 0, 0);
    assert_int_equal(r->status, CORPUS_OK);
    assert_int_equal(r->n, 7);
    assert_int_equal(r->nbad, 0);
    static const char *const day[] = {"2023-11-03", "2023-11-03",
                                      "2023-11-03", NULL, NULL,
                                      "2025-03-06", NULL};
    for (int i = 0; i < 7; i++) {
        int y, m, d;
        char got_day[16] = "";
        if (r->a[i].date && corpus_date_form(r->a[i].date, &y, &m, &d))
            snprintf(got_day, sizeof got_day, "%04d-%02d-%02d", y, m, d);
        if (day[i] ? strcmp(got_day, day[i]) != 0 : r->a[i].date != NULL)
            fail_msg("line %d: date \"%s\", want %s", i + 1,
                     r->a[i].date ? r->a[i].date : "(none)",
                     day[i] ? day[i] : "none");
    }
    assert_string_equal(r->a[0].date, "20231103101500");
    assert_string_equal(r->a[1].date, "202311031015");
    assert_int_equal(r->nwarn, 3);
    char want[4200];
    snprintf(want, sizeof want, "%s/gdelt.jsonl:4|\"date\" 20231103246000 "
             "is 2611-02-06 as Unix time in milliseconds, more than a year "
             "from now: the article is indexed without it", tmp);
    assert_string_equal(r->warn[0], want);
    snprintf(want, sizeof want, "%s/gdelt.jsonl:5|\"date\" 21001231 is "
             "2100-12-31, more than a year from now: the article is indexed "
             "without it", tmp);
    assert_string_equal(r->warn[1], want);
    assert_non_null(strstr(r->warn[2], "gdelt.jsonl:7|\"date\" "
                                       "1741348800000 is 2025-03-07"));
    reading_free(r);

    /* the tester's rows, by the clock: neither is read as 2611 or 1976 */
    r = read_text("g.jsonl", "{\"id\":\"1\",\"title\":\"GDELT row\",\"body\":"
                  "\"b\",\"date\":20231103101500}\n{\"id\":\"2\",\"title\":"
                  "\"t\",\"body\":\"b\",\"date\":202311031015}\n");
    assert_int_equal(r->n, 2);
    assert_int_equal(r->nwarn, 0);
    for (int i = 0; i < 2; i++) {
        int y, m, d;
        assert_true(corpus_parse_date(r->a[i].date, &y, &m, &d));
        assert_int_equal(y * 10000 + m * 100 + d, 20231103);
    }
    reading_free(r);
}

/* HTML in a body, as WordPress and Ghost export "content": read as the
 * HTML reader reads it (its text: no tags, attribute values or comments);
 * text that only mentions a tag is kept as written. */
static void test_jsonl_html_body(void **state)
{
    (void)state;
    const char text[] =
        "{\"id\":1,\"headline\":\"Tram\",\"content\":\"<p class=\\\""
        "wp-block-paragraph\\\">The <a href=\\\"https://cdn.example.com/"
        "uploads/x\\\">tram</a> plan</p><!-- /wp:paragraph -->\"}\n"
        "{\"id\":2,\"title\":\"Mention\",\"body\":\"Use the <p> element; "
        "a<b and c>d.\"}\n"
        "{\"id\":3,\"title\":\"Br\",\"text\":\"line one<br>line two &amp; "
        "three<script>var secretscriptword;</script>\"}\n"
        "{\"id\":4,\"title\":\"Comment only\",\"content\":\"<!-- x -->\"}\n"
        "{\"id\":5,\"content\":\"<!-- wp:paragraph --><p></p>\"}\n"
        "{\"id\":6,\"title\":\"Comment\",\"body\":\"<!-- wp:image -->"
        "Caption words\"}\n";
    reading *r = read_text("wp.jsonl", text);
    assert_int_equal(r->status, CORPUS_OK);
    assert_int_equal(r->n, 5);
    assert_string_equal(r->a[0].title, "Tram");
    assert_string_equal(r->a[0].body, "The tram plan");
    assert_string_equal(r->a[1].body, "Use the <p> element; a<b and c>d.");
    assert_string_equal(r->a[2].body, "line one\nline two & three");
    assert_string_equal(r->a[3].body, "");
    assert_string_equal(r->a[4].body, "Caption words");
    assert_int_equal(r->nbad, 1);
    assert_non_null(strstr(r->bad[0], "wp.jsonl:5|\"content\" is HTML "
                                      "without text, and there is no "
                                      "\"title\" or \"headline\""));
    assert_int_equal(r->nwarn, 0);
    reading_free(r);
}

/* "headline" and "content", as common exports call the title and the
 * body, when the line has no "title" (or "body" and "text"); the
 * canonical key wins when both are there. Of the wrong type they are left
 * out with a warning: keys nobody read before make no line bad. */
static void test_jsonl_synonyms(void **state)
{
    (void)state;
    const char text[] =
        "{\"id\": \"h\", \"headline\": \"Head\", \"content\": \"Cont\"}\n"
        "{\"id\": \"both\", \"title\": \"T\", \"headline\": \"H\", "
        "\"body\": \"B\", \"text\": \"X\", \"content\": \"C\"}\n"
        "{\"id\": \"text\", \"headline\": \"H\", \"text\": \"X\", "
        "\"content\": \"C\"}\n"
        "{\"id\": \"null\", \"title\": null, \"headline\": \"H\", "
        "\"body\": null, \"content\": \"C\"}\n"
        "{\"id\": \"empty\", \"title\": \"\", \"headline\": \"H\", "
        "\"body\": \"B\"}\n"
        "{\"id\": \"obj\", \"headline\": {\"main\": \"M\"}, "
        "\"body\": \"kept\"}\n"
        "{\"id\": \"wp\", \"title\": \"WP\", \"content\": "
        "{\"rendered\": \"<p>x</p>\"}}\n"
        "{\"id\": \"none\", \"headline\": 3, \"content\": [\"a\"]}\n"
        "{\"id\": \"badt\", \"title\": 1, \"headline\": \"H\"}\n";
    reading *r = read_text("syn.jsonl", text);
    assert_int_equal(r->status, CORPUS_OK);
    assert_int_equal(r->n, 7);
    assert_string_equal(r->a[0].title, "Head");
    assert_string_equal(r->a[0].body, "Cont");
    assert_string_equal(r->a[1].title, "T");
    assert_string_equal(r->a[1].body, "B");
    assert_string_equal(r->a[2].title, "H");
    assert_string_equal(r->a[2].body, "X");             /* text first */
    assert_string_equal(r->a[3].title, "H");            /* null: absent */
    assert_string_equal(r->a[3].body, "C");
    assert_string_equal(r->a[4].title, "");             /* "" is a title */
    assert_string_equal(r->a[5].title, "");
    assert_string_equal(r->a[5].body, "kept");
    assert_string_equal(r->a[6].title, "WP");
    assert_string_equal(r->a[6].body, "");
    assert_int_equal(r->nwarn, 2);
    char want[600];
    snprintf(want, sizeof want, "%s/syn.jsonl:6|\"headline\" is an object: "
             "the article is indexed without it", tmp);
    assert_string_equal(r->warn[0], want);
    snprintf(want, sizeof want, "%s/syn.jsonl:7|\"content\" is an object: "
             "the article is indexed without it", tmp);
    assert_string_equal(r->warn[1], want);
    assert_int_equal(r->nbad, 2);
    snprintf(want, sizeof want, "%s/syn.jsonl:8|no \"title\", \"headline\", "
             "\"body\", \"text\" or \"content\" (\"headline\" is a number; "
             "\"content\" is an array)", tmp);
    assert_string_equal(r->bad[0], want);
    snprintf(want, sizeof want, "%s/syn.jsonl:9|\"title\" is not a string",
             tmp);
    assert_string_equal(r->bad[1], want);
    reading_free(r);
}

/* A JSON number id: an integer in full (past 2^53 too, as jansson reads
 * up to 2^63), a whole real as that integer (the same article id, so a
 * repeat), any other real a bad line with its reason. */
static void test_jsonl_number_ids(void **state)
{
    (void)state;
    const char text[] =
        "{\"id\": 1.0, \"title\": \"one\"}\n"
        "{\"id\": 1e3, \"title\": \"thousand\"}\n"
        "{\"id\": -2.50e1, \"title\": \"minus\"}\n"
        "{\"id\": 9007199254740993, \"title\": \"big\"}\n"
        "{\"id\": 9223372036854775807, \"title\": \"max\"}\n"
        "{\"id\": 9007199254740991.0, \"title\": \"last exact\"}\n"
        "{\"id\": 1, \"title\": \"one again\"}\n"
        "{\"id\": \"1000\", \"title\": \"thousand again\"}\n"
        "{\"id\": 1.5, \"title\": \"half\"}\n"
        "{\"id\": 0.1, \"title\": \"tenth\"}\n"
        "{\"id\": 9007199254740992.0, \"title\": \"2^53\"}\n"
        "{\"id\": 1e300, \"title\": \"far\"}\n"
        "{\"id\": 9223372036854775808, \"title\": \"past int64\"}\n"
        "{\"id\": true, \"title\": \"bool\"}\n";
    reading *r = read_text("num.jsonl", text);
    assert_int_equal(r->status, CORPUS_OK);
    assert_int_equal(r->n, 6);
    const char *ids[] = {"1", "1000", "-25", "9007199254740993",
                         "9223372036854775807", "9007199254740991"};
    char want[600];
    for (int i = 0; i < 6; i++) {
        snprintf(want, sizeof want, "num.jsonl#%s", ids[i]);
        assert_string_equal(r->a[i].id, want);
    }
    assert_int_equal(r->nbad, 8);
    const char *why[] = {
        "7|id \"1\" is line 1's too",
        "8|id \"1000\" is line 2's too",
        "9|\"id\" 1.5 is not a whole number: write it as a string",
        "10|\"id\" 0.1 is not a whole number: write it as a string",
        "11|\"id\" 9007199254740992 is a real number too large to be "
        "exact: write it as an integer or a string",
        "12|\"id\" 1e+300 is a real number too large to be exact: write "
        "it as an integer or a string",
        "13|invalid JSON",
        "14|\"id\" is not a string or a number"};
    for (int i = 0; i < 8; i++) {
        snprintf(want, sizeof want, "%s/num.jsonl:%s", tmp, why[i]);
        if (strncmp(r->bad[i], want, strlen(want)) != 0)
            fail_msg("bad line %d: \"%s\", want \"%s\"", i, r->bad[i],
                     want);
    }
    reading_free(r);
}

static void test_jsonl_line_encodings(void **state)
{
    (void)state;
    /* one line in Windows-1252 garbles no other line's UTF-8 */
    reading *r = read_text("mixed.jsonl",
                           "{\"id\": \"a\", \"title\": \"Caf\xC3\xA9\", "
                           "\"body\": \"Z\xC3\xBCrich\"}\n"
                           "{\"id\": \"b\", \"title\": \"It\x92s\", "
                           "\"body\": \"na\xEFve\"}\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_int_equal(r->n, 2);
    assert_string_equal(r->a[0].title, "Caf\xC3\xA9");
    assert_string_equal(r->a[0].body, "Z\xC3\xBCrich");
    assert_string_equal(r->a[1].title, "It\xE2\x80\x99s");
    assert_string_equal(r->a[1].body, "na\xC3\xAFve");
    assert_int_equal(r->nbad, 0);
    reading_free(r);
}

/* --------------------------------------------------------------- mail */

static const char eml_plain[] =
    "Return-Path: <ann@example.org>\n"
    "Received: from mx.example.org by mail.example.net; Fri, 24 Nov 2023\n"
    "\t09:30:00 -0500\n"
    "From: Ann Writer <ann@example.org>\n"
    "To: desk@example.net\n"
    "Subject: Talks resume in Doha\n"
    "Date: Fri, 24 Nov 2023 23:30:00 -0500\n"
    "Message-ID: <abc123@example.org>\n"
    "Newsgroups: talk.politics.mideast, misc.news\n"
    "Organization: Example Wire Service\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "\n"
    "Negotiators met again on Friday.\n"
    "\n"
    "> an earlier message quoted\n"
    "The talks go on.\n";

/* A plain message: Subject title, From name author, Date as the day
 * written there, Newsgroups tags; no header reaches the body. Also
 * gzipped, and as a news spool file named by its number (gzipped too). */
static void test_mail_plain(void **state)
{
    (void)state;
    const char *names[] = {"mail/a.eml", "mail/a.eml.gz", "talk/38951",
                           "talk/38952.gz", "cur/1700000000.M1P2.host:2,S",
                           "cur/1700000001.M1P2.host:2,S.gz"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        reading *r = read_text(names[k], eml_plain);
        if (r->status != CORPUS_OK)
            fail_msg("%s: %s", names[k], r->why);
        assert_int_equal(r->n, 1);
        got *g = &r->a[0];
        assert_string_equal(g->id, names[k]);
        assert_string_equal(g->title, "Talks resume in Doha");
        assert_string_equal(g->author, "Ann Writer");
        assert_string_equal(g->date, "2023-11-24");   /* not UTC's 25th */
        assert_string_equal(g->tags, "talk.politics.mideast|misc.news");
        assert_null(g->url);
        assert_null(g->source);
        assert_string_equal(g->body, "Negotiators met again on Friday.\n\n"
                                     "> an earlier message quoted\n"
                                     "The talks go on.");
        assert_int_equal(r->nwarn, 0);
        reading_free(r);
    }
}

/* Old Usenet style: "address (Name)", a two-digit year, headers that are
 * not mail-specific (Organization, Lines) kept out of the body. */
static void test_mail_usenet(void **state)
{
    (void)state;
    reading *r = read_text("sci.space/61234",
        "From: jdoe@cs.example.edu (John Doe)\n"
        "Subject: Re: Comet sighting\n"
        "Organization: Example University\n"
        "Lines: 3\n"
        "Date: 5 Apr 93 14:23:11 GMT\n"
        "\n"
        "In article <1@x.edu> someone writes:\n"
        ">I saw it last night.\n"
        "\n"
        "So did I.\n");
    assert_int_equal(r->status, CORPUS_OK);
    got *g = &r->a[0];
    assert_string_equal(g->title, "Re: Comet sighting");
    assert_string_equal(g->author, "John Doe");
    assert_string_equal(g->date, "1993-04-05");
    assert_string_equal(g->tags, "");
    assert_null(strstr(g->body, "Organization"));
    assert_null(strstr(g->body, "Example University"));
    assert_null(strstr(g->body, "Lines"));
    assert_null(strstr(g->body, "jdoe"));
    assert_non_null(strstr(g->body, "So did I."));
    reading_free(r);

    /* a From without a name: the address is the author; no Date: none */
    r = read_text("misc/7", "From: wire@example.com\nSubject: Notice\n\nText\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].author, "wire@example.com");
    assert_null(r->a[0].date);
    reading_free(r);

    /* the tail of a folded header cut off above (as in 20 Newsgroups) */
    r = read_text("sci.space/61348",
                  " pashosh.example.ac.il!news\n ward\n"
                  "Subject: Re: Long term Human Missions\n"
                  "From: ward@example.ac.il (Ward Paul)\nLines: 1\n\n"
                  "Mars is far.\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title, "Re: Long term Human Missions");
    assert_string_equal(r->a[0].author, "Ward Paul");
    assert_string_equal(r->a[0].body, "Mars is far.");
    reading_free(r);

    /* a post saved as .txt is still a post; our own header is not mail */
    r = read_text("saved/post.txt", "From: jdoe@example.edu (John Doe)\n"
                  "Subject: Apple prices\nOrganization: Example U\n\n"
                  "Prices fell.\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title, "Apple prices");
    assert_string_equal(r->a[0].author, "John Doe");
    assert_string_equal(r->a[0].body, "Prices fell.");
    reading_free(r);
    /* its Date is one of our keys, its From and Subject are not: mail */
    r = read_text("saved/dated.txt", "From: Ann <ann@example.org>\n"
                  "Date: Fri, 24 Nov 2023 09:30:00 +0000\n"
                  "Subject: Dated post\n\nHi.\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title, "Dated post");
    assert_string_equal(r->a[0].author, "Ann");
    assert_string_equal(r->a[0].body, "Hi.");
    reading_free(r);
    r = read_text("saved/ours.txt", "Title: Ours\nAuthor: Ann\n\nFrom: x\n"
                  "Subject: y\n\nText.\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title, "Ours");
    assert_non_null(strstr(r->a[0].body, "Subject: y"));
    reading_free(r);

    /* an mbox "From " envelope line first */
    r = read_text("box/1", "From ann@example.org Fri Nov 24 09:30:00 2023\n"
                  "From: Ann <ann@example.org>\nSubject: Enveloped\n\nHi.\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title, "Enveloped");
    assert_string_equal(r->a[0].body, "Hi.");
    assert_int_equal(r->nwarn, 0);
    reading_free(r);
}

/* An mbox of several messages is one article, the first message: the
 * others' envelopes and headers are not its body text, and a warning
 * names the file and says so. A "From " line of the body that starts no
 * message (no envelope's time, or no header block after it) is text. */
static void test_mail_mbox(void **state)
{
    (void)state;
    static const char mbox[] =
        "From a@x Fri Nov  3 10:00:00 2023\n"
        "From: A <a@x>\nSubject: One\n"
        "Date: Fri, 3 Nov 2023 10:00:00 +0000\n\n"
        "First body.\n\n"
        "From the minutes: nothing new.\n\n"
        "From b@x Fri Nov  3 11:00:00 2023\n"
        "From: B <b@x>\nSubject: Two\n\nSecond body.\n\n"
        "From c@x Fri Nov  3 12:00:00 2023\n"
        "From: C <c@x>\nSubject: Three\n\nThird body.\n";
    const char *names[] = {"box/Inbox", "box/saved.eml", "box/Inbox.gz",
                           "box/saved.txt"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        reading *r = read_text(names[i], mbox);
        assert_int_equal(r->status, CORPUS_OK);
        assert_int_equal(r->n, 1);
        assert_string_equal(r->a[0].title, "One");
        assert_string_equal(r->a[0].author, "A");
        assert_string_equal(r->a[0].body,
                            "First body.\n\nFrom the minutes: nothing new.");
        assert_int_equal(r->nwarn, 1);
        char want[4200];
        snprintf(want, sizeof want, "%s/%s|holds 3 mail messages (an mbox):"
                 " only the first is read", tmp, names[i]);
        assert_string_equal(r->warn[0], want);
        reading_free(r);
    }

    /* lines of the body that look like the start of a message but are
     * none: no envelope time, or no mail header block after them */
    reading *r = read_text("box/one",
        "From a@x Fri Nov  3 10:00:00 2023\n"
        "From: A <a@x>\nSubject: One\n\nFirst body.\n\n"
        "From the minutes:\nSubject: budget\nDate: 3 Nov 2023\n\n"
        "From b@x Fri Nov  3 11:00:00 2023\nwas quoted.\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_int_equal(r->nwarn, 0);
    assert_non_null(strstr(r->a[0].body, "Subject: budget"));
    assert_non_null(strstr(r->a[0].body, "was quoted."));
    reading_free(r);
}

/* MIME: encoded words in headers, a declared charset and
 * quoted-printable, multipart/alternative (the plain part wins), an HTML
 * only message (its visible text), attachments left out. */
static void test_mail_mime(void **state)
{
    (void)state;
    reading *r = read_text("m/alt.eml",
        "From: =?UTF-8?Q?Ren=C3=A9e_M=C3=BCller?= <rm@example.ch>\n"
        "Subject: =?UTF-8?B?QmFua3MgaW4gWsO8cmljaA==?=\n"
        "Date: Mon, 4 Dec 2023 08:00:00 +0100\n"
        "MIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"outer\"\n"
        "\n"
        "preamble, not text\n"
        "--outer\n"
        "Content-Type: multipart/alternative; boundary=\"alt\"\n"
        "\n"
        "--alt\n"
        "Content-Type: text/plain; charset=iso-8859-1\n"
        "Content-Transfer-Encoding: quoted-printable\n"
        "\n"
        "A na=EFve plan for Soci=E9t=E9 G=E9n=E9rale, said the =\n"
        "analyst.\n"
        "--alt\n"
        "Content-Type: text/html; charset=utf-8\n"
        "\n"
        "<p>HTML version, not used</p>\n"
        "--alt--\n"
        "--outer\n"
        "Content-Type: text/plain; name=\"notes.txt\"\n"
        "Content-Disposition: attachment; filename=\"notes.txt\"\n"
        "\n"
        "attached notes, not the article\n"
        "--outer\n"
        "Content-Type: message/rfc822\n"
        "\n"
        "From: x@example.org\nSubject: forwarded\n\nforwarded text\n"
        "--outer--\n");
    assert_int_equal(r->status, CORPUS_OK);
    got *g = &r->a[0];
    assert_string_equal(g->title, "Banks in Z\xC3\xBCrich");
    assert_string_equal(g->author, "Ren\xC3\xA9" "e M\xC3\xBCller");
    assert_string_equal(g->date, "2023-12-04");
    assert_string_equal(g->body, "A na\xC3\xAFve plan for Soci\xC3\xA9t\xC3\xA9"
                                 " G\xC3\xA9n\xC3\xA9rale, said the analyst.");
    reading_free(r);

    /* HTML only, base64: the visible text, not the markup or the script */
    r = read_text("m/html.eml",
        "From: Desk <desk@example.org>\nSubject: Web edition\n"
        "Content-Type: text/html; charset=utf-8\n"
        "Content-Transfer-Encoding: base64\n\n"
        "PGh0bWw+PGhlYWQ+PHRpdGxlPklnbm9yZWQ8L3RpdGxlPjxzY3JpcHQ+dmFyIHg9MTs8L3Njcmlw\n"
        "dD48L2hlYWQ+PGJvZHk+PHA+U2hpcHMgd2FpdGVkIGF0IHRoZSBjYW5hbC48L3A+PC9ib2R5Pjwv\n"
        "aHRtbD4K\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title, "Web edition");
    assert_string_equal(r->a[0].body, "Ships waited at the canal.");
    reading_free(r);

    /* 8-bit headers and body with no declared charset, in Windows-1252 */
    r = read_text("m/latin.eml", "From: Caf\xE9 Owner <c@example.org>\n"
                  "Subject: Caf\xE9 reopens\n\nThe caf\xE9 reopened \x80" "5.\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title, "Caf\xC3\xA9 reopens");
    assert_string_equal(r->a[0].author, "Caf\xC3\xA9 Owner");
    assert_string_equal(r->a[0].body, "The caf\xC3\xA9 reopened \xE2\x82\xAC" "5.");
    reading_free(r);

    /* 8-bit bytes that do not fit the declared charset (us-ascii,
     * utf-8; raw or quoted-printable) are read as Windows-1252, not
     * dropped; the UTF-8 around them stays as it is */
    const char *charsets[] = {"us-ascii", "utf-8", "UTF-8"};
    for (size_t i = 0; i < 3; i++) {
        char mail[512];
        snprintf(mail, sizeof mail, "From: a@example.org\nSubject: Declared\n"
                 "MIME-Version: 1.0\nContent-Type: text/plain; charset=%s\n\n"
                 "Caf\xE9 na\xEFve.\n", charsets[i]);
        r = read_text("m/declared.eml", mail);
        assert_int_equal(r->status, CORPUS_OK);
        assert_string_equal(r->a[0].body, "Caf\xC3\xA9 na\xC3\xAFve.");
        reading_free(r);
    }
    r = read_text("m/qp.eml", "From: a@example.org\nSubject: QP\n"
                  "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
                  "Content-Transfer-Encoding: quoted-printable\n\n"
                  "Z=C3=BCrich caf=C3=A9, caf=E9 =\nend.\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].body,
                        "Z\xC3\xBCrich caf\xC3\xA9, caf\xC3\xA9 end.");
    reading_free(r);

    /* a declared 8-bit charset is decoded once, also in a message saved
     * as .txt (whose text is not decoded before it is known to be mail) */
    const char latin1[] = "From: T <t@example.org>\nSubject: Txt mail\n"
                          "MIME-Version: 1.0\n"
                          "Content-Type: text/plain; charset=iso-8859-1\n"
                          "Content-Transfer-Encoding: 8bit\n\nCaf\xE9 body.\n";
    const char *names[] = {"m/latin1.eml", "m/latin1.txt", "m/latin1.txt.gz"};
    for (size_t i = 0; i < 3; i++) {
        r = read_text(names[i], latin1);
        assert_int_equal(r->status, CORPUS_OK);
        assert_string_equal(r->a[0].title, "Txt mail");
        assert_string_equal(r->a[0].body, "Caf\xC3\xA9 body.");
        reading_free(r);
    }

    /* a charset nobody knows: still valid UTF-8 out */
    r = read_text("m/bogus.eml", "From: a@example.org\nSubject: Odd\n"
                  "Content-Type: text/plain; charset=x-no-such-charset\n\n"
                  "caf\xE9 \xFF\xFE text\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_true(corpus_utf8_valid(r->a[0].body, strlen(r->a[0].body)));
    assert_non_null(strstr(r->a[0].body, "text"));
    reading_free(r);

    /* a date GMime cannot read: kept as written, with a warning */
    r = read_text("m/date.eml", "From: a@example.org\nSubject: When\n"
                  "Date: the Ides of March\n\nText.\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].date, "the Ides of March");
    assert_int_equal(r->nwarn, 1);
    reading_free(r);
}

/* An HTML-only message: the Subject is the title and all the visible
 * text of the HTML is the body, also when the HTML has no <title>,
 * og:title or <h1> (Gmail, Outlook) or an empty <title>: the HTML reader
 * would take the first line of such a page for its title. */
static void test_mail_html_body(void **state)
{
    (void)state;
    reading *r = read_text("m/gmail.eml",
        "From: Editor <ed@example.com>\nSubject: Gmail style html mail\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/html; charset=\"UTF-8\"\n"
        "Content-Transfer-Encoding: quoted-printable\n\n"
        "<div dir=3D\"ltr\">The board approved the merger with Northwind on "
        "Friday.<di=\nv><br></div><div>Shares rose 4 percent.</div></div>\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title, "Gmail style html mail");
    assert_string_equal(r->a[0].body,
                        "The board approved the merger with Northwind on "
                        "Friday.\nShares rose 4 percent.");
    reading_free(r);

    /* one paragraph, an empty <title>: that paragraph is the body */
    static const char *const pages[] = {
        "<p>Only paragraph of the message.</p>",
        "<html><head><title></title></head><body><div>Only paragraph of "
        "the message.</div></body></html>",
    };
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        char mail[512];
        snprintf(mail, sizeof mail, "From: a@example.org\nSubject: One\n"
                 "Content-Type: text/html; charset=utf-8\n\n%s\n", pages[i]);
        r = read_text("m/one.eml", mail);
        assert_int_equal(r->status, CORPUS_OK);
        assert_string_equal(r->a[0].title, "One");
        assert_string_equal(r->a[0].body, "Only paragraph of the message.");
        reading_free(r);
    }

    /* an HTML body and an attached text file: the HTML's text is the body */
    r = read_text("m/attached.eml",
        "From: a@example.org\nSubject: Figures\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"b1\"\n\n"
        "--b1\nContent-Type: text/html; charset=utf-8\n\n"
        "<html><body><p>See the figures attached.</p></body></html>\n"
        "--b1\nContent-Type: text/plain; charset=utf-8; name=\"f.txt\"\n"
        "Content-Disposition: attachment; filename=\"f.txt\"\n\n"
        "1,2,3\n--b1--\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title, "Figures");
    assert_string_equal(r->a[0].body, "See the figures attached.");
    reading_free(r);

    /* a page with a <title> and an <h1>: the <h1> stays in the body */
    r = read_text("m/h1.eml", "From: a@example.org\nSubject: Headline\n"
                  "Content-Type: text/html\n\n<title>Page</title>"
                  "<h1>Big news</h1><p>Details.</p>\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title, "Headline");
    assert_string_equal(r->a[0].body, "Big news\nDetails.");
    reading_free(r);
}

/* Every text part of the message that is not an attachment, in order:
 * Apple Mail splits a message around an inline image (text, image,
 * text); a mailing list appends its footer as a part of its own. Of a
 * multipart/alternative, one version (the plain one). A text part with a
 * file name is a file sent along, unless the message has no other text. */
static void test_mail_text_parts(void **state)
{
    (void)state;
    reading *r = read_text("m/apple.eml",
        "From: Pat <pat@example.com>\nSubject: Photos\n"
        "Mime-Version: 1.0 (Mac OS X Mail 16.0)\n"
        "Content-Type: multipart/mixed; boundary=\"Apple-Mail=_1\"\n\n"
        "--Apple-Mail=_1\nContent-Type: text/plain; charset=us-ascii\n\n"
        "Here is the first photo from the harbour.\n\n"
        "--Apple-Mail=_1\nContent-Disposition: inline; filename=IMG_1.jpg\n"
        "Content-Type: image/jpeg; name=\"IMG_1.jpg\"\n"
        "Content-Transfer-Encoding: base64\n\n/9j/4AAQSkZJRg==\n"
        "--Apple-Mail=_1\nContent-Type: text/plain; charset=us-ascii\n\n"
        "The fire started near the fish market.\n\n"
        "--Apple-Mail=_1--\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].body,
                        "Here is the first photo from the harbour.\n\n"
                        "The fire started near the fish market.");
    reading_free(r);

    /* the same inside multipart/alternative, beside its HTML version
     * (itself split); an alternative with HTML first, plain second; a
     * mailing list's footer; an inline text file and an attachment */
    r = read_text("m/apple-alt.eml",
        "From: Pat <pat@example.com>\nSubject: Photos\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"list\"\n\n"
        "--list\nContent-Type: multipart/alternative; boundary=\"alt\"\n\n"
        "--alt\nContent-Type: multipart/mixed; boundary=\"m\"\n\n"
        "--m\nContent-Type: text/plain\n\nFirst plain.\n"
        "--m\nContent-Type: image/png\nContent-Disposition: inline\n\nxx\n"
        "--m\nContent-Type: text/plain\n\nSecond plain.\n--m--\n"
        "--alt\nContent-Type: multipart/related; boundary=\"rel\"\n\n"
        "--rel\nContent-Type: text/html\n\n<p>First html.</p>\n"
        "--rel\nContent-Type: image/png\n\nxx\n"
        "--rel\nContent-Type: text/html\n\n<p>Second html.</p>\n--rel--\n"
        "--alt--\n"
        "--list\nContent-Type: multipart/alternative; boundary=\"alt2\"\n\n"
        "--alt2\nContent-Type: text/html\n\n<p>Rich version.</p>\n"
        "--alt2\nContent-Type: text/plain\n\nPlain version.\n--alt2--\n"
        "--list\nContent-Type: text/plain; charset=utf-8\n"
        "Content-Disposition: inline; filename=\"notes.txt\"\n\n"
        "Inline file.\n"
        "--list\nContent-Type: text/plain; name=\"data.txt\"\n\nNamed file.\n"
        "--list\nContent-Type: text/plain\n"
        "Content-Disposition: attachment\n\nAttached.\n"
        "--list\nContent-Type: text/plain; charset=\"us-ascii\"\n"
        "Content-Disposition: inline\n\n"
        "_______________________________________________\n"
        "News mailing list\n--list--\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].body,
                        "First plain.\n\nSecond plain.\n\nPlain version.\n\n"
                        "_______________________________________________\n"
                        "News mailing list");
    reading_free(r);

    /* an HTML body, then a text part: both, in order */
    r = read_text("m/html-text.eml",
        "From: a@example.org\nSubject: Two\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"b\"\n\n"
        "--b\nContent-Type: text/html\n\n<p>Rich part.</p>\n"
        "--b\nContent-Type: text/plain\n\nPlain part.\n--b--\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].body, "Rich part.\n\nPlain part.");
    reading_free(r);

    /* only named text parts: those are read */
    r = read_text("m/named.eml",
        "From: a@example.org\nSubject: Named\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"b\"\n\n"
        "--b\nContent-Type: text/plain; name=\"body.txt\"\n\nThe body.\n"
        "--b\nContent-Type: text/plain\nContent-Disposition: attachment\n\n"
        "Attached.\n--b--\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].body, "The body.");
    reading_free(r);
}

/* A multipart/alternative whose plain version has no text (empty, only
 * white space, a zero-byte base64 part) beside an HTML one: the HTML one
 * is read, alone or in a multipart/related with its images, whichever
 * comes first. A plain version with text still wins. */
static void test_mail_empty_plain_alternative(void **state)
{
    (void)state;
    static const char *const plain[] = {
        "Content-Type: text/plain; charset=utf-8\n\n\n",
        "Content-Type: text/plain; charset=utf-8\n\n  \n\t\n \n",
        ("Content-Type: text/plain; charset=utf-8\n"
         "Content-Transfer-Encoding: base64\n\n\n"),
    };
    static const char *const html[] = {
        "Content-Type: text/html; charset=utf-8\n\n"
        "<p>The council approved the tram budget.</p>\n",
        "Content-Type: multipart/related; boundary=\"R\"\n\n"
        "--R\nContent-Type: text/html; charset=utf-8\n\n"
        "<p>The council approved the tram budget.</p>\n"
        "--R\nContent-Type: image/png\nContent-ID: <p1>\n\nxx\n--R--\n",
    };
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        for (size_t j = 0; j < 2 * (sizeof html / sizeof html[0]); j++) {
            const char *h = html[j / 2];
            int html_first = j % 2;
            char mail[1024];
            snprintf(mail, sizeof mail,
                     "From: A <a@example.org>\nSubject: Council vote\n"
                     "MIME-Version: 1.0\nContent-Type: multipart/alternative;"
                     " boundary=\"A\"\n\n--A\n%s--A\n%s--A--\n",
                     html_first ? h : plain[i], html_first ? plain[i] : h);
            reading *r = read_text("m/empty-plain.eml", mail);
            assert_int_equal(r->status, CORPUS_OK);
            if (strcmp(r->a[0].body,
                       "The council approved the tram budget.") != 0)
                fail_msg("plain %zu, html %zu: body \"%s\"", i, j,
                         r->a[0].body);
            reading_free(r);
        }
    reading *r = read_text("m/plain-wins.eml",
        "From: a@example.org\nSubject: Both\nMIME-Version: 1.0\n"
        "Content-Type: multipart/alternative; boundary=\"A\"\n\n"
        "--A\nContent-Type: text/html\n\n<p>Rich.</p>\n"
        "--A\nContent-Type: text/plain\n\n\n"
        "--A\nContent-Type: text/plain\n\nPlain.\n--A--\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].body, "Plain.");
    reading_free(r);
}

/* A text subtype other than plain or html is read as text/plain (RFC
 * 2046 4.1.4), as the RIPEM FAQs of 20 Newsgroups are sent
 * (text/x-usenet-FAQ): alone, with its charset, in a multipart. Not the
 * subtypes that are data rather than prose (a calendar, a vCard, a
 * table, RTF, code, the headers of a bounced message): those are not the
 * body. In a multipart/alternative, plain text wins, then HTML, then
 * another text subtype (text/enriched, AMP's text/x-amp-html). */
static void test_mail_text_subtypes(void **state)
{
    (void)state;
    reading *r = read_text("sci.crypt/14147",
        "From: M <m@example.org>\nSubject: RIPEM FAQ\n"
        "Content-Type: text/x-usenet-FAQ; version=1.0; title=\"RIPEM FAQ\"\n"
        "\nRIPEM is a program for mail encryption.\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].body,
                        "RIPEM is a program for mail encryption.");
    assert_int_equal(r->nwarn, 0);
    reading_free(r);

    static const char *const prose[] = {
        "text/x-usenet-FAQ; charset=iso-8859-1",
        "text/enriched; charset=iso-8859-1",
        "text/markdown; charset=iso-8859-1",
        "TEXT/X-Whatever; charset=\"ISO-8859-1\"",
    };
    for (size_t i = 0; i < sizeof prose / sizeof prose[0]; i++) {
        char mail[512];
        snprintf(mail, sizeof mail, "From: a@example.org\nSubject: S\n"
                 "MIME-Version: 1.0\nContent-Type: %s\n\nCaf\xE9 text.\n",
                 prose[i]);
        r = read_text("m/prose.eml", mail);
        assert_int_equal(r->status, CORPUS_OK);
        if (strcmp(r->a[0].body, "Caf\xC3\xA9 text.") != 0)
            fail_msg("%s: body \"%s\"", prose[i], r->a[0].body);
        reading_free(r);
    }

    /* in a multipart/mixed, after a plain part; data subtypes left out */
    r = read_text("m/mixed.eml",
        "From: a@example.org\nSubject: Mixed\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"b\"\n\n"
        "--b\nContent-Type: text/plain\n\nPlain part.\n"
        "--b\nContent-Type: text/x-usenet-faq\n\nFAQ part.\n"
        "--b\nContent-Type: text/calendar; method=REQUEST\n\n"
        "BEGIN:VCALENDAR\nSUMMARY:Meeting\nEND:VCALENDAR\n"
        "--b\nContent-Type: text/x-vcard\n\nBEGIN:VCARD\nFN:Ann\nEND:VCARD\n"
        "--b\nContent-Type: text/vcard\n\nBEGIN:VCARD\nFN:Bob\nEND:VCARD\n"
        "--b\nContent-Type: text/directory\n\nBEGIN:VCARD\nEND:VCARD\n"
        "--b\nContent-Type: text/csv\n\nyear,count\n2023,4\n"
        "--b\nContent-Type: text/tab-separated-values\n\nyear\tcount\n"
        "--b\nContent-Type: text/rtf\n\n{\\rtf1\\ansi rich}\n"
        "--b\nContent-Type: text/css\n\nbody { color: red }\n"
        "--b\nContent-Type: text/javascript\n\nvar x = 1;\n"
        "--b\nContent-Type: text/xml\n\n<a>xml</a>\n"
        "--b\nContent-Type: text/rfc822-headers\n\n"
        "From: c@example.org\nSubject: bounced\n--b--\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].body, "Plain part.\n\nFAQ part.");
    assert_int_equal(r->nwarn, 0);
    reading_free(r);

    /* alternatives: plain, then HTML, then another text subtype,
     * whatever their order; a calendar (an invitation) is no version */
    static const char *const alts[][3] = {
        {"text/enriched", "text/plain", "Plain."},
        {"text/calendar", "text/plain", "Plain."},
        {"text/x-amp-html", "text/html", "Html."},
        {"text/html", "text/x-amp-html", "Html."},
        {"text/enriched", "text/calendar", "Enriched."},
        {"text/calendar", "text/enriched", "Enriched."},
    };
    for (size_t i = 0; i < sizeof alts / sizeof alts[0]; i++) {
        char mail[1024], parts[2][128];
        for (int k = 0; k < 2; k++) {
            const char *t = alts[i][k];
            const char *text = strstr(t, "html") && !strstr(t, "amp")
                                   ? "<p>Html.</p>"
                               : strstr(t, "amp") ? "<p>Amp.</p>"
                               : strstr(t, "plain") ? "Plain."
                               : strstr(t, "enriched") ? "Enriched."
                                                       : "BEGIN:VCALENDAR";
            snprintf(parts[k], sizeof parts[k],
                     "--A\nContent-Type: %s\n\n%s\n", t, text);
        }
        snprintf(mail, sizeof mail, "From: a@example.org\nSubject: Alt\n"
                 "MIME-Version: 1.0\nContent-Type: multipart/alternative;"
                 " boundary=\"A\"\n\n%s%s--A--\n", parts[0], parts[1]);
        r = read_text("m/alt.eml", mail);
        assert_int_equal(r->status, CORPUS_OK);
        if (strcmp(r->a[0].body, alts[i][2]) != 0)
            fail_msg("%s, %s: body \"%s\"", alts[i][0], alts[i][1],
                     r->a[0].body);
        reading_free(r);
    }
}

/* A Content-Type that is not a valid type/subtype is text/plain;
 * charset=us-ascii, its parameters ignored (RFC 2045 5.2): one GMime
 * cannot read ("text", "plain", "text plain", "", ...) and one whose
 * top-level type is neither registered nor "x-" (RFC 2045 5.1), as
 * comp.graphics/38753 of 20 Newsgroups is sent (setext/plain). Valid
 * types that are not text stay unread. */
static void test_mail_untyped(void **state)
{
    (void)state;
    static const char *const untyped[] = {
        "setext/plain; charset=ascii_827", "setext/plain; charset=koi8-r",
        "text", "text/", "plain", "text plain", "/plain", "", ";;;",
        "; charset=koi8-r", "\"text/plain\"", "te(xt)/plain",
        "application", "foo bar/baz",
    };
    for (size_t i = 0; i < sizeof untyped / sizeof untyped[0]; i++) {
        char mail[512];
        snprintf(mail, sizeof mail, "From: a@example.org\nSubject: S\n"
                 "Content-Type: %s\n\nThe caf\xE9 list.\n", untyped[i]);
        reading *r = read_text("comp.graphics/38753", mail);
        assert_int_equal(r->status, CORPUS_OK);
        /* us-ascii: Windows-1252 for the byte, not KOI8-R's "Ø" */
        if (strcmp(r->a[0].body, "The caf\xC3\xA9 list.") != 0)
            fail_msg("\"%s\": body \"%s\"", untyped[i], r->a[0].body);
        assert_int_equal(r->nwarn, 0);
        reading_free(r);
    }

    /* also a part of a multipart */
    reading *r = read_text("m/parts.eml",
        "From: a@example.org\nSubject: Parts\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"b\"\n\n"
        "--b\nContent-Type: setext/plain\n\nFirst.\n"
        "--b\nContent-Type: text\n\nSecond.\n--b--\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].body, "First.\n\nSecond.");
    reading_free(r);

    /* valid types that are not text: no body (and a warning) */
    static const char *const typed[] = {
        "application/octet-stream", "image/png", "x-foo/bar", "model/x",
        "font/ttf", "audio/basic", "video/mp4", "application/x-whatever",
    };
    for (size_t i = 0; i < sizeof typed / sizeof typed[0]; i++) {
        char mail[512];
        snprintf(mail, sizeof mail, "From: a@example.org\nSubject: S\n"
                 "MIME-Version: 1.0\nContent-Type: %s\n\nbytes\n", typed[i]);
        r = read_text("m/typed.eml", mail);
        assert_int_equal(r->status, CORPUS_OK);
        if (strcmp(r->a[0].body, "") != 0)
            fail_msg("%s: body \"%s\"", typed[i], r->a[0].body);
        reading_free(r);
    }
}

/* A message whose parts hold something but no text to index (an image,
 * a PDF, a calendar, an attached message, HTML without visible text) is
 * indexed without a body, and a warning names the file and the types of
 * those parts. A message that is empty, or whose text parts are blank,
 * gets none. */
static void test_mail_no_text_warning(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"Content-Type: multipart/mixed; boundary=\"b\"\n\n"
         "--b\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n"
         "\niVBORw0KGgo=\n"
         "--b\nContent-Type: application/pdf\n\n%PDF-1.4\n"
         "--b\nContent-Type: image/png\n\nxx\n--b--\n",
         "(image/png, application/pdf)"},
        {"Content-Type: text/calendar\n\nBEGIN:VCALENDAR\nEND:VCALENDAR\n",
         "(text/calendar)"},
        {"Content-Type: text/html\n\n<p><img src=\"a.png\"></p>\n",
         "(text/html)"},
        {"Content-Type: multipart/mixed; boundary=\"b\"\n\n"
         "--b\nContent-Type: text/plain\n\n\n"
         "--b\nContent-Type: message/rfc822\n\n"
         "From: x@example.org\nSubject: Fwd\n\nforwarded\n--b--\n",
         "(message/rfc822)"},
        {"Content-Type: multipart/mixed; boundary=\"b\"\n\n"
         "--b\nContent-Type: image/a\n\n1\n--b\nContent-Type: image/b\n\n1\n"
         "--b\nContent-Type: image/c\n\n1\n--b\nContent-Type: image/d\n\n1\n"
         "--b--\n",
         "(image/a, image/b, image/c, ...)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char mail[1024];
        snprintf(mail, sizeof mail, "From: a@example.org\nSubject: Scan\n"
                 "MIME-Version: 1.0\n%s", cases[i][0]);
        reading *r = read_text("m/scan.eml", mail);
        assert_int_equal(r->status, CORPUS_OK);
        assert_string_equal(r->a[0].title, "Scan");
        assert_string_equal(r->a[0].body, "");
        char want[4200];
        snprintf(want, sizeof want, "%s/m/scan.eml|its body has no text "
                 "to index %s: indexed without a body", tmp, cases[i][1]);
        if (r->nwarn != 1 || strcmp(r->warn[0], want) != 0)
            fail_msg("case %zu: %zu warnings, \"%s\"", i, r->nwarn,
                     r->nwarn ? r->warn[0] : "");
        reading_free(r);
    }

    static const char *const quiet[] = {
        "\n",
        "\n\n  \n\n",
        "Content-Type: text/plain\n\n \n",
        "Content-Type: multipart/mixed; boundary=\"b\"\n\npreamble\n"
        "--b\nContent-Type: text/plain\n\n\n"
        "--b\nContent-Type: image/png\n\n\n--b--\nepilogue\n",
    };
    for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++) {
        char mail[512];
        snprintf(mail, sizeof mail, "From: a@example.org\nSubject: Empty\n"
                 "MIME-Version: 1.0\n%s", quiet[i]);
        reading *r = read_text("m/empty.eml", mail);
        assert_int_equal(r->status, CORPUS_OK);
        assert_string_equal(r->a[0].body, "");
        if (r->nwarn != 0)
            fail_msg("case %zu: \"%s\"", i, r->warn[0]);
        reading_free(r);
    }
}

/* Text labelled ISO-8859-1 (latin1) that is Windows-1252, as Outlook
 * writes its curly quotes and dashes (bytes 80..9F), is read as
 * Windows-1252, as browsers read it: in the body (8-bit or
 * quoted-printable, whatever the label's spelling) and in an encoded
 * word of a header. */
static void test_mail_latin1_is_cp1252(void **state)
{
    (void)state;
    reading *r = read_text("m/o.eml",
        "From: =?iso-8859-1?Q?O=92Brien?= <a@example.com>\n"
        "Subject: =?iso-8859-1?Q?Mayor=92s_plan?=\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=\"iso-8859-1\"\n"
        "Content-Transfer-Encoding: quoted-printable\n\n"
        "It=92s the mayor=92s plan =96 caf=E9 =80.\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title, "Mayor\xE2\x80\x99s plan");
    assert_string_equal(r->a[0].author, "O\xE2\x80\x99" "Brien");
    assert_string_equal(r->a[0].body, "It\xE2\x80\x99s the mayor\xE2\x80\x99s "
                        "plan \xE2\x80\x93 caf\xC3\xA9 \xE2\x82\xAC.");
    reading_free(r);

    static const char *const labels[] = {"iso-8859-1", "ISO_8859-1",
                                         "latin1", "l1", "iso-8859-15"};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        char mail[512];
        snprintf(mail, sizeof mail, "From: a@example.com\nSubject: 8bit\n"
                 "MIME-Version: 1.0\nContent-Type: text/plain; charset=%s\n"
                 "Content-Transfer-Encoding: 8bit\n\n"
                 "The council\x92s \x93" "budget\x94.\n", labels[i]);
        r = read_text("m/o2.eml", mail);
        assert_int_equal(r->status, CORPUS_OK);
        if (strcmp(r->a[0].body, "The council\xE2\x80\x99s \xE2\x80\x9C"
                                 "budget\xE2\x80\x9D.") != 0)
            fail_msg("%s: %s", labels[i], r->a[0].body);
        reading_free(r);
    }
}

/* A part labelled latin1, latin9 or Windows-1252 whose bytes are UTF-8
 * (mailers often label UTF-8 so) is read as UTF-8, not garbled ("CafÃ©");
 * text really in one of those charsets is still read as it says. */
static void test_mail_utf8_labelled_latin1(void **state)
{
    (void)state;
    static const char *const labels[] = {"iso-8859-1", "ISO_8859-1",
                                         "latin1", "windows-1252",
                                         "iso-8859-15", "us-ascii"};
    static const char *const encodings[] = {"8bit", "quoted-printable"};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        for (size_t j = 0; j < 2; j++) {
            char mail[512];
            snprintf(mail, sizeof mail, "From: a@example.com\nSubject: u\n"
                     "MIME-Version: 1.0\nContent-Type: text/plain; "
                     "charset=%s\nContent-Transfer-Encoding: %s\n\n%s",
                     labels[i], encodings[j],
                     j ? "Caf=C3=A9 in Z=C3=BCrich =E2=80=93 the mayor"
                         "=E2=80=99s plan.\n"
                       : "Caf\xC3\xA9 in Z\xC3\xBCrich \xE2\x80\x93 the "
                         "mayor\xE2\x80\x99s plan.\n");
            reading *r = read_text("m/u8.eml", mail);
            assert_int_equal(r->status, CORPUS_OK);
            if (strcmp(r->a[0].body, "Caf\xC3\xA9 in Z\xC3\xBCrich \xE2\x80"
                       "\x93 the mayor\xE2\x80\x99s plan.") != 0)
                fail_msg("%s, %s: %s", labels[i], encodings[j],
                         r->a[0].body);
            reading_free(r);
        }

    /* really Windows-1252 (Mayor\x92s, caf\xE9), really latin9 (\xA4
     * the euro sign, \xBD oe): as labelled */
    static const char *const cp1252[] = {"iso-8859-1", "latin1",
                                         "windows-1252"};
    for (size_t i = 0; i < sizeof cp1252 / sizeof cp1252[0]; i++) {
        char mail[512];
        snprintf(mail, sizeof mail, "From: a@example.com\nSubject: c\n"
                 "MIME-Version: 1.0\nContent-Type: text/plain; charset=%s\n"
                 "Content-Transfer-Encoding: 8bit\n\n"
                 "The Mayor\x92s caf\xE9 \x80" "5.\n", cp1252[i]);
        reading *r = read_text("m/c.eml", mail);
        assert_int_equal(r->status, CORPUS_OK);
        if (strcmp(r->a[0].body, "The Mayor\xE2\x80\x99s caf\xC3\xA9 "
                   "\xE2\x82\xAC" "5.") != 0)
            fail_msg("%s: %s", cp1252[i], r->a[0].body);
        reading_free(r);
    }
    reading *r = read_text("m/l9.eml", "From: a@example.com\nSubject: l9\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=iso-8859-15\n"
        "Content-Transfer-Encoding: 8bit\n\n5 \xA4 la man\x9Cuvre, "
        "c\xBDur.\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].body, "5 \xE2\x82\xAC la man\xC5\x93uvre, "
                                      "c\xC5\x93ur.");
    reading_free(r);

    /* encoded words of the headers likewise: a word labelled latin1 with
     * UTF-8 bytes (B or Q; a character split between two words), and a
     * word really in Windows-1252 */
    r = read_text("m/h.eml",
        "From: =?iso-8859-1?Q?Ren=C3=A9e_M=C3=BCller?= <rm@example.ch>\n"
        "Subject: =?windows-1252?B?Q2Fmw6k=?= =?ISO-8859-1?q?_in_Z=C3?=\n"
        " =?iso-8859-1?Q?=BCrich?= and =?iso-8859-1?Q?Mayor=92s_caf=E9?=\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
        "Body.\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].author, "Ren\xC3\xA9" "e M\xC3\xBCller");
    assert_string_equal(r->a[0].title, "Caf\xC3\xA9 in Z\xC3\xBCrich and "
                        "Mayor\xE2\x80\x99s caf\xC3\xA9");
    assert_string_equal(r->a[0].body, "Body.");
    reading_free(r);

    /* a UTF-8 word beside one really in Latin-1: each judged alone when
     * the two together are not UTF-8 (found in review: "CafÃ©") */
    r = read_text("m/h2.eml",
        "From: a@example.com\n"
        "Subject: =?iso-8859-1?Q?Caf=C3=A9?= =?iso-8859-1?Q?_na=EFve?=\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
        "Body.\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title, "Caf\xC3\xA9 na\xC3\xAFve");
    reading_free(r);

    /* every name of those charsets, in a header word alone (the label
     * "l1" is shorter than "utf-8": the header block grows) and in the
     * body */
    static const char *const aliases[] = {
        "iso-8859-1", "iso_8859-1", "iso8859-1", "latin1", "l1", "L1",
        "iso-8859-15", "iso_8859-15", "iso8859-15", "latin9", "latin-9",
        "windows-1252", "cp1252", "x-cp1252"};
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        char mail[512];
        snprintf(mail, sizeof mail,
                 "From: =?%s?Q?Ren=C3=A9e?= <r@example.org>\n"
                 "Subject: =?%s?Q?Caf=C3=A9_in_Z=C3=BCrich?=\n"
                 "MIME-Version: 1.0\nContent-Type: text/plain; "
                 "charset=%s\nContent-Transfer-Encoding: 8bit\n\n"
                 "Caf\xC3\xA9 body.\n", aliases[i], aliases[i], aliases[i]);
        r = read_text("m/alias.eml", mail);
        assert_int_equal(r->status, CORPUS_OK);
        if (strcmp(r->a[0].title, "Caf\xC3\xA9 in Z\xC3\xBCrich") != 0 ||
            strcmp(r->a[0].author, "Ren\xC3\xA9" "e") != 0 ||
            strcmp(r->a[0].body, "Caf\xC3\xA9 body.") != 0)
            fail_msg("%s: %s | %s | %s", aliases[i], r->a[0].title,
                     r->a[0].author, r->a[0].body);
        reading_free(r);
    }

    /* a label that says the charset is not known: UTF-8, else
     * Windows-1252, nothing dropped */
    static const char *const unknown[] = {"unknown-8bit", "x-unknown",
                                          "X-UNKNOWN"};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        for (size_t j = 0; j < 2; j++) {
            char mail[512];
            snprintf(mail, sizeof mail, "From: a@example.com\nSubject: u\n"
                     "MIME-Version: 1.0\nContent-Type: text/plain; "
                     "charset=%s\n\n%s", unknown[i],
                     j ? "The caf\xE9 na\xEFve \x93plan\x94.\n"
                       : "The caf\xC3\xA9 na\xC3\xAFve \xE2\x80\x9Cplan"
                         "\xE2\x80\x9D.\n");
            r = read_text("m/unknown.eml", mail);
            assert_int_equal(r->status, CORPUS_OK);
            if (strcmp(r->a[0].body, "The caf\xC3\xA9 na\xC3\xAFve \xE2\x80"
                       "\x9Cplan\xE2\x80\x9D.") != 0)
                fail_msg("%s, %s: %s", unknown[i], j ? "cp1252" : "utf-8",
                         r->a[0].body);
            reading_free(r);
        }

    /* so are encoded words of a header under those labels, under ASCII
     * and UTF-8 labels and under labels GMime cannot convert: GMime
     * dropped the bytes that were not UTF-8 ("Caf?") or read UTF-8 as
     * Latin-1 ("ZÃ¼rich"); a word in a multi-byte charset stays as
     * labelled (GB2312) */
    static const char *const header_labels[] = {
        "x-unknown", "X-UNKNOWN", "unknown-8bit", "us-ascii", "utf-8",
        "utf8", "unknown", "x-user-defined", "foo-bar"};
    for (size_t i = 0; i < sizeof header_labels / sizeof header_labels[0];
         i++) {
        const char *l = header_labels[i];
        char mail[640];
        snprintf(mail, sizeof mail,
                 "From: =?%s?Q?Ren=E9e?= <r@example.org>\n"
                 "Subject: =?%s?Q?Caf=E9_na=EFve?= =?%s?B?IFrDvHJpY2g=?=\n"
                 " =?%s?Q?=93plan=94?= =?gb2312?B?1tDOxA==?=\n"
                 "MIME-Version: 1.0\nContent-Type: text/plain\n\nBody.\n",
                 l, l, l, l);
        r = read_text("m/unknown-h.eml", mail);
        assert_int_equal(r->status, CORPUS_OK);
        if (strcmp(r->a[0].title, "Caf\xC3\xA9 na\xC3\xAFve Z\xC3\xBCrich"
                   "\xE2\x80\x9Cplan\xE2\x80\x9D\xE4\xB8\xAD\xE6\x96"
                   "\x87") != 0 ||
            strcmp(r->a[0].author, "Ren\xC3\xA9" "e") != 0)
            fail_msg("%s: %s | %s", l, r->a[0].title, r->a[0].author);
        reading_free(r);
    }
}

/* Adjacent B words of one charset (as GMime names it), the first ending
 * in '=' padding, as mailers split a long Subject or name: all of them
 * read (GMime 3.2 decodes them as one base64 text and stopped at the
 * padding: "Café", "René"); a character split between two such words;
 * base64 split inside a quartet (GMime joins the words for it); mixed
 * with Q words and other charsets, on folded lines. */
static void test_mail_padded_b_words(void **state)
{
    (void)state;
    reading *r = read_text("m/b.eml",
        "From: =?utf-8?B?UmVuw6k=?=\r\n =?UTF-8?B?ZSBEdXBvbnQ=?= "
        "<r@example.org>\r\n"
        "Subject: =?utf-8?B?Q2Fmw6k=?= =?utf-8?B?IG5hw692ZQ==?=\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "\r\nBody.\r\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title, "Caf\xC3\xA9 na\xC3\xAFve");
    assert_string_equal(r->a[0].author, "Ren\xC3\xA9" "e Dupont");
    reading_free(r);

    static const struct {
        const char *subject, *title;
    } cases[] = {
        /* "é" split between two padded words, on a folded line; "utf8"
         * is GMime's "UTF-8" */
        {"=?utf-8?B?Q2Fmww==?=\n =?utf8?B?qSBuYcOvdmU=?=",
         "Caf\xC3\xA9 na\xC3\xAFve"},
        /* really Latin-1; ISO8859-1 is GMime's iso-8859-1 */
        {"=?iso-8859-1?B?Q2Fm6Q==?= =?ISO8859-1?B?IG5h73Zl?=",
         "Caf\xC3\xA9 na\xC3\xAFve"},
        /* the first relabelled UTF-8 (its bytes are), next to a UTF-8
         * word */
        {"=?iso-8859-1?B?Q2Fmw6k=?= =?utf-8?B?IG5hw692ZQ==?=",
         "Caf\xC3\xA9 na\xC3\xAFve"},
        {"=?utf-8*fr?B?Q2Fmw6k=?=\t=?utf-8?B?IG5hw692ZQ==?=",
         "Caf\xC3\xA9 na\xC3\xAFve"},
        {"=?utf-8?B?Q2Fmw6k=?= =?utf-8?Q?_na=C3=AFve?= =?utf-8?B?IGV0?=",
         "Caf\xC3\xA9 na\xC3\xAFve et"},
        {"=?utf-8?B?Q2Fmw6k=?= =?gb2312?B?1tDOxA==?= =?gb2312?B?1tDOxA==?=",
         "Caf\xC3\xA9\xE4\xB8\xAD\xE6\x96\x87\xE4\xB8\xAD\xE6\x96\x87"},
        {"=?utf-8?B?QQ==?= =?utf-8?B?Qg==?==?utf-8?B?Qw==?= tail", "ABC tail"},
        {"=?utf-8?B?QQ==Qg==?=", "AB"},
        {"=?x-unknown?B?Q2Fm6Q==?= =?x-unknown?B?IG5h73Zl?=",
         "Caf\xC3\xA9 na\xC3\xAFve"},
        /* two names GMime tells apart: decoded one by one as before */
        {"=?iso-8859-1?B?Q2Fm6Q==?= =?latin1?B?IG5h73Zl?=",
         "Caf\xC3\xA9 na\xC3\xAFve"},
        /* base64 split inside a quartet (GMime joins words for it),
         * then a padded word */
        {"=?gb2312?B?1tD?= =?gb2312?B?OxA==?= =?gb2312?B?1tDOxA==?=",
         "\xE4\xB8\xAD\xE6\x96\x87\xE4\xB8\xAD\xE6\x96\x87"},
        /* a line that is not folded is another field, whatever its
         * name: no run goes on into it */
        {"=?utf-8?B?Q2Fmw6k=?=\n=?utf-8?B?IG5hw692ZQ==?=: y",
         "Caf\xC3\xA9"},
        {"=?utf-8?B?Q2Fmw6k=?=\r\n=?utf-8?B?IG5hw692ZQ==?=: y",
         "Caf\xC3\xA9"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char mail[512];
        snprintf(mail, sizeof mail, "From: a@example.org\nSubject: %s\n"
                 "MIME-Version: 1.0\nContent-Type: text/plain\n\nBody.\n",
                 cases[i].subject);
        r = read_text("m/b2.eml", mail);
        assert_int_equal(r->status, CORPUS_OK);
        if (strcmp(r->a[0].title, cases[i].title) != 0)
            fail_msg("%s: %s", cases[i].subject, r->a[0].title);
        reading_free(r);
    }
}

/* Every 8-bit single-byte charset gets the rule of Latin-1: a part or an
 * encoded word labelled ISO-8859-2, KOI8-R, Windows-1251, ... whose bytes
 * are UTF-8 is read as UTF-8; text really in them is read as labelled. */
static void test_mail_utf8_labelled_single_byte(void **state)
{
    (void)state;
    static const char *const labels[] = {
        "iso-8859-2", "latin2", "l2", "ISO_8859-2:1987", "windows-1250",
        "iso-8859-5", "cyrillic", "koi8-r", "KOI8-U", "windows-1251",
        "cp1251", "cp850", "IBM852", "iso-8859-7", "greek", "latin5", "iso-8859-16",
        "windows-1256", "tis-620", "windows-874", "macintosh",
        "x-mac-cyrillic", "iso-8859-8-i", "ISO-8859-6-E", "iso-ir-100",
        "ISO-IR-144", "csISOLatin1", "csISOLatinCyrillic", "csKOI8R",
        "ms-ansi", "MS-CYRL", "8859_1", "cswindows1251"};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        char mail[640];
        snprintf(mail, sizeof mail,
                 "From: =?%s?Q?Ren=C3=A9e?= <r@example.org>\n"
                 "Subject: =?%s?B?WsO8cmljaCDQv9GA0LjQstC10YI=?=\n"
                 "MIME-Version: 1.0\nContent-Type: text/plain; "
                 "charset=\"%s\"\nContent-Transfer-Encoding: 8bit\n\n"
                 "Z\xC3\xBCrich \xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0"
                 "\xB5\xD1\x82.\n", labels[i], labels[i], labels[i]);
        reading *r = read_text("m/sb.eml", mail);
        assert_int_equal(r->status, CORPUS_OK);
        if (strcmp(r->a[0].title, "Z\xC3\xBCrich \xD0\xBF\xD1\x80\xD0"
                   "\xB8\xD0\xB2\xD0\xB5\xD1\x82") != 0 ||
            strcmp(r->a[0].author, "Ren\xC3\xA9" "e") != 0 ||
            strcmp(r->a[0].body, "Z\xC3\xBCrich \xD0\xBF\xD1\x80\xD0"
                   "\xB8\xD0\xB2\xD0\xB5\xD1\x82.") != 0)
            fail_msg("%s: %s | %s | %s", labels[i], r->a[0].title,
                     r->a[0].author, r->a[0].body);
        reading_free(r);
    }

    /* really KOI8-R, Windows-1251, ISO-8859-2: as labelled ("Привет, мир"
     * in the first two, "Zażółć gęślą jaźń" in the third) */
    reading *r = read_text("m/koi.eml",
        "From: =?koi8-r?Q?=E9=D7=C1=CE?= <i@example.ru>\n"
        "Subject: =?windows-1251?Q?=CF=F0=E8=E2=E5=F2,_=EC=E8=F0?=\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=koi8-r\n"
        "Content-Transfer-Encoding: 8bit\n\n\xF0\xD2\xC9\xD7\xC5\xD4, "
        "\xCD\xC9\xD2.\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].author, "\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD");
    assert_string_equal(r->a[0].title, "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2"
                        "\xD0\xB5\xD1\x82, \xD0\xBC\xD0\xB8\xD1\x80");
    assert_string_equal(r->a[0].body, "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2"
                        "\xD0\xB5\xD1\x82, \xD0\xBC\xD0\xB8\xD1\x80.");
    reading_free(r);
    /* the DOS Cyrillic and Greek code pages, whose common words are
     * often valid UTF-8, are read as labelled: cp866 and cp1125 "так там
     * сад", cp855 "Мама Нина", cp737 "ότι ένα όλα" */
    static const char *const dos[][2] = {
        {"cp866", "=E2=A0=AA_=E2=A0=AC_=E1=A0=A4"},
        {"IBM866", "=E2=A0=AA_=E2=A0=AC_=E1=A0=A4"},
        {"cp1125", "=E2=A0=AA_=E2=A0=AC_=E1=A0=A4"},
        {"cp855", "=D3=A0=D2=A0_=D5=B7=D4=A0"},
        {"cp737", "=E6=AB=A0_=E2=A4=98_=E6=A2=98"}};
    static const char *const dos_text[] = {
        "\xD1\x82\xD0\xB0\xD0\xBA \xD1\x82\xD0\xB0\xD0\xBC "
        "\xD1\x81\xD0\xB0\xD0\xB4",
        "\xD1\x82\xD0\xB0\xD0\xBA \xD1\x82\xD0\xB0\xD0\xBC "
        "\xD1\x81\xD0\xB0\xD0\xB4",
        "\xD1\x82\xD0\xB0\xD0\xBA \xD1\x82\xD0\xB0\xD0\xBC "
        "\xD1\x81\xD0\xB0\xD0\xB4",
        "\xD0\x9C\xD0\xB0\xD0\xBC\xD0\xB0 \xD0\x9D\xD0\xB8\xD0\xBD"
        "\xD0\xB0",
        "\xCF\x8C\xCF\x84\xCE\xB9 \xCE\xAD\xCE\xBD\xCE\xB1 "
        "\xCF\x8C\xCE\xBB\xCE\xB1"};
    for (size_t i = 0; i < sizeof dos / sizeof dos[0]; i++) {
        char mail[320];
        snprintf(mail, sizeof mail, "From: a@example.org\n"
                 "Subject: =?%s?Q?%s?=\n\nBody.\n", dos[i][0], dos[i][1]);
        r = read_text("m/dos.eml", mail);
        assert_int_equal(r->status, CORPUS_OK);
        if (strcmp(r->a[0].title, dos_text[i]) != 0)
            fail_msg("%s: %s", dos[i][0], r->a[0].title);
        reading_free(r);
    }
    r = read_text("m/pl.eml",
        "From: a@example.pl\nSubject: =?iso-8859-2?Q?Za=BF=F3=B3=E6?=\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=iso-8859-2\n"
        "Content-Transfer-Encoding: 8bit\n\n"
        "Za\xBF\xF3\xB3\xE6 g\xEA\xB6l\xB1 ja\xBC\xF1.\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title, "Za\xC5\xBC\xC3\xB3\xC5\x82\xC4\x87");
    assert_string_equal(r->a[0].body, "Za\xC5\xBC\xC3\xB3\xC5\x82\xC4\x87 "
                        "g\xC4\x99\xC5\x9Bl\xC4\x85 ja\xC5\xBA\xC5\x84.");
    reading_free(r);
}

/* A huge encoded word of a header that is not UTF-8 (x-unknown, or
 * UTF-8 with a stray byte) is rewritten from its first 64 KiB of bytes
 * only, less a character cut there, and the words of a header block past
 * 1 MiB of such bytes are left to GMime: each byte may become 9 of Q
 * text, and a 60 MB Subject took 2.7 GB. */
static void test_mail_huge_encoded_word(void **state)
{
    (void)state;
    size_t big = 100000;
    char *mail = malloc(17 * (3 * big + 64) + 256);
    assert_non_null(mail);
    size_t n = (size_t)sprintf(mail, "From: a@example.org\n"
                                     "Subject: =?x-unknown?Q?");
    for (size_t i = 0; i < big; i++)
        n += (size_t)sprintf(mail + n, "=E9");
    sprintf(mail + n, "?=\n\nBody.\n");
    reading *r = read_text("m/huge.eml", mail);
    assert_int_equal(r->status, CORPUS_OK);
    assert_int_equal(strlen(r->a[0].title), 2 * 65536);
    assert_memory_equal(r->a[0].title, "\xC3\xA9\xC3\xA9", 4);
    reading_free(r);

    /* UTF-8 with a stray byte: cut before the character at 64 KiB */
    n = (size_t)sprintf(mail, "From: a@example.org\n"
                              "Subject: =?utf-8?Q?=FF");
    for (size_t i = 0; i < big / 2; i++)
        n += (size_t)sprintf(mail + n, "=C3=A9");
    sprintf(mail + n, "?=\n\nBody.\n");
    r = read_text("m/huge8.eml", mail);
    assert_int_equal(r->status, CORPUS_OK);
    assert_int_equal(strlen(r->a[0].title), 2 + 2 * 32767);
    assert_memory_equal(r->a[0].title, "\xC3\xBF\xC3\xA9", 4);
    reading_free(r);

    /* 16 words of 64 KiB take the block's 1 MiB: the Subject after them
     * is left to GMime */
    n = (size_t)sprintf(mail, "From: a@example.org\n");
    for (int h = 0; h < 16; h++) {
        n += (size_t)sprintf(mail + n, "X-Junk: =?x-unknown?Q?");
        for (size_t i = 0; i < 65536; i++)
            n += (size_t)sprintf(mail + n, "=E9");
        n += (size_t)sprintf(mail + n, "?=\n");
    }
    sprintf(mail + n, "Subject: =?utf-8?Q?caf=E9?=\n\nBody.\n");
    r = read_text("m/many.eml", mail);
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title, "caf?");   /* as GMime reads it */
    reading_free(r);
    free(mail);
}

/* A character split between two words of UTF-8 (or x-unknown) in a run
 * that also holds a stray byte: the run's bytes are read together, so
 * the halves make the character and the stray byte is Windows-1252. */
static void test_mail_split_character_with_stray_byte(void **state)
{
    (void)state;
    reading *r = read_text("m/split.eml",
        "From: =?x-unknown?Q?Ren=C3?= =?utf-8?Q?=A9e_M=C3=BCller_=FF?=\n"
        " <r@example.org>\n"
        "Subject: =?utf-8?Q?Z=C3?= =?utf-8?Q?=BCrich_M=C3=BCnchen?= "
        "=?utf-8?Q?_caf=E9?=\n\nBody.\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title,
                        "Z\xC3\xBCrich M\xC3\xBCnchen caf\xC3\xA9");
    assert_string_equal(r->a[0].author,
                        "Ren\xC3\xA9" "e M\xC3\xBCller \xC3\xBF");
    reading_free(r);
}

/* format=flowed (RFC 3676): soft line breaks (a line ending in a space)
 * joined, the space before them deleted with DelSp=yes, space-stuffing
 * removed, quoted paragraphs joined at their own depth; a message not
 * sent flowed keeps its lines. */
static void test_mail_flowed(void **state)
{
    (void)state;
    reading *r = read_text("m/delsp.eml",
        "From: Flow <f@example.com>\nSubject: Flowed text\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\n\n"
        "This paragraph is flowed and a word is split acr \n"
        "oss two lines here.\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].body, "This paragraph is flowed and a word is "
                                      "split across two lines here.");
    reading_free(r);

    r = read_text("m/flowed.eml",
        "From: Flow <f@example.com>\nSubject: Flowed text\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8; Format=\"Flowed\"\n"
        "Content-Transfer-Encoding: quoted-printable\n\n"
        "The council met =\n"
        "on Friday and \n"
        "voted.\n"
        "\n"
        " From the minutes:\n"
        "> The budget was \n"
        "> approved.\n"
        ">> Older \n"
        ">>quote.\n"
        "> Depth \n"
        "changes here.\n"
        "Fixed line\n"
        "-- \n"
        "Ann\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].body,
                        "The council met on Friday and voted.\n\n"
                        "From the minutes:\n"
                        "> The budget was approved.\n"
                        ">> Older quote.\n"
                        "> Depth \n"
                        "changes here.\n"
                        "Fixed line\n"
                        "-- \n"
                        "Ann");
    reading_free(r);

    /* not flowed: the lines stay as they are */
    r = read_text("m/fixed.eml", "From: a@example.com\nSubject: Fixed\n"
                  "Content-Type: text/plain; delsp=yes\n\n"
                  "Line one \nline two\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].body, "Line one \nline two");
    reading_free(r);
}

/* What is not a message: a name without extension whose file does not
 * open with a mail header block is not an article (and the probe says so
 * without reading it all); an .eml without headers is malformed; a
 * message with neither subject nor text is empty. */
static void test_mail_not_mail(void **state)
{
    (void)state;
    static const char *const not_mail[] = {
        "all: build\n\nbuild:\n\tcc -o x x.c\n",          /* a Makefile */
        "Title: Our own header\nDate: 2023-11-03\n\nBody\n", /* .txt style */
        "Subject: only one field\n\nBody\n",
        "From: a@b.c\nnot a header line\n\nBody\n",
        " From: indented first\nSubject: x\n\nBody\n",
        "Just some notes.\n",
    };
    for (size_t i = 0; i < sizeof not_mail / sizeof not_mail[0]; i++) {
        reading *r = read_text("notes/CHANGES", not_mail[i]);
        if (r->status != CORPUS_NOT_ARTICLE)
            fail_msg("case %zu: status %s", i, corpus_status_name(r->status));
        assert_int_equal(r->n, 0);
        char path[4096];
        snprintf(path, sizeof path, "%s/notes/CHANGES", tmp);
        corpus_file f = {.root = tmp, .path = path, .relpath = "notes/CHANGES"};
        char why[256];
        assert_int_equal(corpus_probe_mail(&f, why, sizeof why), 0);
        assert_non_null(strstr(why, "no mail header"));
        reading_free(r);
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/notes/0", tmp);
    tu_write_file(tmp, "notes/0", eml_plain, strlen(eml_plain));
    corpus_file f = {.root = tmp, .path = path, .relpath = "notes/0"};
    assert_int_equal(corpus_probe_mail(&f, NULL, 0), 1);
    char why[256];
    assert_int_equal(corpus_probe_mail(&f, why, sizeof why), 1);
    /* gzipped: its head is read through zlib */
    tu_write_gzip(tmp, "notes/1.gz", eml_plain, strlen(eml_plain));
    snprintf(path, sizeof path, "%s/notes/1.gz", tmp);
    f.relpath = "notes/1.gz";
    assert_int_equal(corpus_probe_mail(&f, why, sizeof why), 1);
    tu_write_gzip(tmp, "notes/2.gz", not_mail[0], strlen(not_mail[0]));
    snprintf(path, sizeof path, "%s/notes/2.gz", tmp);
    f.relpath = "notes/2.gz";
    assert_int_equal(corpus_probe_mail(&f, why, sizeof why), 0);
    /* a ".gz" that is not gzip data: not mail, ignored as before */
    tu_write_file(tmp, "notes/3.gz", eml_plain, strlen(eml_plain));
    snprintf(path, sizeof path, "%s/notes/3.gz", tmp);
    f.relpath = "notes/3.gz";
    assert_int_equal(corpus_probe_mail(&f, why, sizeof why), 0);
    /* gzip data that cannot be inflated: unreadable (-1), not "not mail",
     * which would have the indexer remove the file's articles */
    static const char broken[] = "\x1f\x8b\x08\x00\xff\xff\xff\xff\x00\x03"
                                 "\xff\xff\xff\xff\xff\xff\xff\xff";
    tu_write_file(tmp, "notes/4.gz", broken, sizeof broken - 1);
    snprintf(path, sizeof path, "%s/notes/4.gz", tmp);
    f.relpath = "notes/4.gz";
    assert_int_equal(corpus_probe_mail(&f, why, sizeof why), -1);
    assert_non_null(strstr(why, "gzip"));
    f.relpath = "notes/0";
    snprintf(path, sizeof path, "%s/notes/missing", tmp);
    assert_int_equal(corpus_probe_mail(&f, why, sizeof why), -1);
    assert_non_null(strstr(why, "open:"));

    reading *r = read_text("x/plain.eml", "Just some notes.\n");
    assert_int_equal(r->status, CORPUS_SKIP_MALFORMED);
    reading_free(r);
    /* an .eml says it is mail: one header field is enough there, where
     * a name without extension (above) or a .txt needs two */
    r = read_text("x/one.eml", "Subject: only one field\n\nBody\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title, "only one field");
    assert_string_equal(r->a[0].body, "Body");
    reading_free(r);
    r = read_text("x/one.eml.gz", "From: =?utf-8?Q?Ren=C3=A9e?= <r@b.c>\n"
                  "\nBody\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].author, "Ren\xC3\xA9" "e");
    assert_string_equal(r->a[0].body, "Body");
    reading_free(r);
    r = read_text("x/one.txt", "Subject: only one field\n\nBody\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].title, "Subject: only one field");
    reading_free(r);
    r = read_text("x/empty.eml", "From: a@b.c\nTo: d@e.f\n\n\n");
    assert_int_equal(r->status, CORPUS_SKIP_EMPTY);
    reading_free(r);
}

/* Hostile messages: multiparts nested far deeper than GMime parses,
 * thousands of headers, more text parts than are read, a boundary that
 * never closes, a broken base64 part. Each is read (or refused) quickly,
 * without a crash. */
static void test_mail_hostile(void **state)
{
    (void)state;
    size_t levels = 20000, cap = levels * 80 + 256, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    len += (size_t)sprintf(buf, "From: a@b.c\nSubject: deep\n");
    for (size_t i = 0; i < levels; i++)
        len += (size_t)sprintf(buf + len, "Content-Type: multipart/mixed; "
                               "boundary=b%zu\n\n--b%zu\n", i, i);
    len += (size_t)sprintf(buf + len, "Content-Type: text/plain\n\ndeep text\n");
    tu_write_file(tmp, "h/deep.eml", buf, len);
    double t0 = now();
    reading *r = read_name("h/deep.eml", 0);
    assert_true(r->status == CORPUS_OK || r->status == CORPUS_SKIP_EMPTY);
    assert_true(now() - t0 < 20);
    reading_free(r);

    len = (size_t)sprintf(buf, "From: a@b.c\nSubject: many\n");
    for (size_t i = 0; i < 50000 && len + 64 < cap; i++)
        len += (size_t)sprintf(buf + len, "X-Header-%zu: value %zu\n", i, i);
    len += (size_t)sprintf(buf + len, "\nbody after many headers\n");
    tu_write_file(tmp, "h/many", buf, len);
    t0 = now();
    r = read_name("h/many", 0);
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].body, "body after many headers");
    assert_true(now() - t0 < 20);
    reading_free(r);

    /* many text parts: the first 1000 make the body */
    len = (size_t)sprintf(buf, "From: a@b.c\nSubject: parts\n"
                          "Content-Type: multipart/mixed; boundary=b\n\n");
    for (size_t i = 0; i < 1500; i++)
        len += (size_t)sprintf(buf + len, "--b\nContent-Type: text/%s\n\n"
                               "part%zu\n", i % 2 ? "html" : "plain", i);
    tu_write_file(tmp, "h/parts.eml", buf, len);
    r = read_name("h/parts.eml", 0);
    assert_int_equal(r->status, CORPUS_OK);
    assert_true(has_word(r->a[0].body, "part0"));
    assert_true(has_word(r->a[0].body, "part999"));
    assert_false(has_word(r->a[0].body, "part1000"));
    reading_free(r);
    free(buf);

    r = read_text("h/open.eml", "From: a@b.c\nSubject: open\n"
                  "Content-Type: multipart/mixed; boundary=zz\n\n--zz\n"
                  "Content-Type: text/plain\n\nnever closed\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_non_null(strstr(r->a[0].body, "never closed"));
    reading_free(r);

    r = read_text("h/b64.eml", "From: a@b.c\nSubject: bad base64\n"
                  "Content-Transfer-Encoding: base64\n\n!!!*** not base64 ***\n");
    assert_true(r->status == CORPUS_OK || r->status == CORPUS_SKIP_EMPTY);
    if (r->n)
        assert_true(corpus_utf8_valid(r->a[0].body, strlen(r->a[0].body)));
    reading_free(r);
}

/* Which names may hold articles. */
static void test_name_kinds(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        corpus_name_kind kind;
    } cases[] = {
        {"a.txt", CORPUS_NAME_ARTICLE},
        {"a.eml", CORPUS_NAME_ARTICLE},
        {"d/a.eml.gz", CORPUS_NAME_ARTICLE},
        {"comp.graphics/38951", CORPUS_NAME_MAYBE_MAIL},
        {"inbox/17", CORPUS_NAME_MAYBE_MAIL},
        {"Makefile", CORPUS_NAME_MAYBE_MAIL},
        {"cur/1700000000.M1P2.host:2,S", CORPUS_NAME_MAYBE_MAIL},
        {"README", CORPUS_NAME_IGNORED},
        {"d/LICENSE", CORPUS_NAME_IGNORED},
        {"d/readme.md", CORPUS_NAME_IGNORED},
        {"photo.png", CORPUS_NAME_IGNORED},
        {"1.jpg", CORPUS_NAME_IGNORED},
        {"a.EML", CORPUS_NAME_IGNORED},
        {"x.tar.gz", CORPUS_NAME_IGNORED},
        {"12345.gz", CORPUS_NAME_MAYBE_MAIL},          /* a spool, gzipped */
        {"cur/1700000000.M1P2.host:2,S.gz", CORPUS_NAME_MAYBE_MAIL},
        {"notes.gz", CORPUS_NAME_MAYBE_MAIL},
        {"data.json.gz", CORPUS_NAME_IGNORED},
        {"", CORPUS_NAME_IGNORED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *why = "unset";
        corpus_name_kind k = corpus_name_kind_of(cases[i].name, &why);
        if (k != cases[i].kind)
            fail_msg("\"%s\": kind %d, want %d", cases[i].name, (int)k,
                     (int)cases[i].kind);
        if (k == CORPUS_NAME_IGNORED)
            assert_true(why && *why);
        else
            assert_null(why);
    }
    const char *why = NULL;
    corpus_name_kind_of("d/README.txt", &why);
    assert_non_null(strstr(why, "README, SOURCE or LICENSE"));
}

/* ------------------------------------------------------------- dates */

static void expect_date(const char *text, int y, int m, int d)
{
    int yy = 0, mm = 0, dd = 0;
    if (!corpus_parse_date(text, &yy, &mm, &dd))
        fail_msg("date \"%s\" not understood", text);
    if (yy != y || mm != m || dd != d)
        fail_msg("date \"%s\" read as %04d-%02d-%02d", text, yy, mm, dd);
}

static void test_dates(void **state)
{
    (void)state;
    expect_date("2026-11-27", 2026, 11, 27);
    expect_date("2026-11-27T10:00:00+01:00", 2026, 11, 27);
    expect_date("Fri, 27 Nov 2026 10:00:00 +0000", 2026, 11, 27);
    expect_date("27 Nov 2026 10:00:00 +0000", 2026, 11, 27);
    expect_date("Fri, 27 Nov 2026 10:00 GMT", 2026, 11, 27);
    expect_date("Friday, 27 November 2026", 2026, 11, 27);
    expect_date("  27 November 2026 ", 2026, 11, 27);
    expect_date("27th November 2026", 2026, 11, 27);
    expect_date("1 Feb 2024", 2024, 2, 1);
    expect_date("November 27, 2026", 2026, 11, 27);
    expect_date("Nov 27, 2026", 2026, 11, 27);
    expect_date("nov. 27 2026", 2026, 11, 27);
    expect_date("Sept 3, 2026", 2026, 9, 3);
    expect_date("Thursday, February 29, 2024", 2024, 2, 29);
    expect_date("2026/11/27", 2026, 11, 27);
    /* times as Americans, C, JavaScript and Java write them */
    expect_date("March 5, 2024 10:30 AM EST", 2024, 3, 5);
    expect_date("March 5, 2024, 10:30 a.m.", 2024, 3, 5);
    expect_date("March 5, 2024 at 9:05 pm", 2024, 3, 5);
    expect_date("5 March 2024, 10:00", 2024, 3, 5);
    expect_date("Tue Mar  5 10:00:00 2024", 2024, 3, 5);
    expect_date("Tue Mar  5 10:00:00 UTC 2024", 2024, 3, 5);
    expect_date("Tue Mar 05 2024 10:00:00 GMT+0100 (Central European "
                "Standard Time)", 2024, 3, 5);
    expect_date("2024-03-05T10:00:00+01:00[Europe/Paris]", 2024, 3, 5);
    expect_date("2024-03-05T10:00:00Z[!UTC][u-ca=gregory]", 2024, 3, 5);
    expect_date("20240305T100000Z", 2024, 3, 5);
    expect_date("20240305T1000", 2024, 3, 5);
    expect_date("20240305T100000.25+0100", 2024, 3, 5);
    /* dots: day first, always; or year first */
    expect_date("05.03.2024", 2024, 3, 5);
    expect_date("5.3.2024 10:30", 2024, 3, 5);
    expect_date("2024.03.05", 2024, 3, 5);

    const char *bad[] = {"", "someday", "27 Nov", "Nov 2026", "32 Nov 2026",
                         "29 Feb 2023", "February 30, 2024", "27 Novx 2026",
                         "27 Nov 20266", "11/27/2026", "27/11/2026",
                         "2026/11/27 junk", "Fri, 27 Nov 2026 10:00 XYZ",
                         "27 Nov 2026 25:00", "Mo 27 Nov 2026",
                         "Nov 27, 2026, 10:00 +9900",
                         "March 5, 2024 13:30 PM", "March 5, 2024 0:30 am",
                         "March 5, 2024 10:30 AMX", "Tue Mar  5 10:00:00",
                         "Tue Mar 05 2024 10:00:00 EST+0100",
                         "2024-03-05T10:00:00+01:00[]",
                         "2024-03-05T10:00:00+01:00[Europe/Paris",
                         "2024-03-05[Europe/Paris]", "20240305T2500Z",
                         "20240305T10", "20240305X100000", "05.13.2024",
                         "31.04.2024", "1.2.24", "5.3.2024x", "2024.3.5",
                         "2024.03/05"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (corpus_parse_date(bad[i], NULL, NULL, NULL))
            fail_msg("\"%s\" should not parse", bad[i]);
}

/* The day an article of each format gets from the date text `date`
 * (written in its own way) as "YYYY-MM-DD", or "undated". */
static void day_in_format(int fmt, const char *date, char *out, size_t n)
{
    static const char *const names[] = {"same.txt", "same.md", "same.jsonl",
                                        "same.eml", "same.html"};
    char text[1024];
    switch (fmt) {
    case 0:
        snprintf(text, sizeof text, "Date: %s\n\nTitle\n\nBody\n", date);
        break;
    case 1:
        snprintf(text, sizeof text, "---\ndate: %s\n---\n# T\n", date);
        break;
    case 2:
        snprintf(text, sizeof text, "{\"id\": \"1\", \"title\": \"T\", "
                 "\"body\": \"B\", \"date\": \"%s\"}\n", date);
        break;
    case 3:
        snprintf(text, sizeof text, "From: a@example.org\nSubject: T\n"
                 "Date: %s\n\nBody\n", date);
        break;
    default:
        snprintf(text, sizeof text, "<html><head><title>T</title><meta "
                 "name=\"date\" content=\"%s\"></head><body><p>B</p>"
                 "</body></html>", date);
        break;
    }
    reading *r = read_text(names[fmt], text);
    assert_int_equal(r->status, CORPUS_OK);
    assert_int_equal(r->n, 1);
    int y, m, d;
    if (r->a[0].date && corpus_parse_date(r->a[0].date, &y, &m, &d))
        snprintf(out, n, "%04d-%02d-%02d", y, m, d);
    else
        snprintf(out, n, "undated");
    reading_free(r);
}

/* The same date text means the same day in every format: one parser. */
static void test_same_date_every_format(void **state)
{
    (void)state;
    static const struct {
        const char *text, *day;
    } cases[] = {
        {"5 Apr 93 12:00:00 GMT", "1993-04-05"},       /* RFC 822 year */
        {"Mon, 5 Apr 93 12:00:00 GMT", "1993-04-05"},
        {"5 Apr 55 12:00:00 GMT", "1955-04-05"},       /* RFC 5322: 50-99 */
        {"5 Apr 49 12:00:00 GMT", "2049-04-05"},       /* 00-49 (today
                                                        * is set below) */
        {"Fri, 02 Oct 101 01:02:03 +0000", "2001-10-02"},
        {"Monday, 05-Apr-93 12:00:00 GMT", "1993-04-05"}, /* RFC 1036 */
        {"Fri, 03 Nov 2023 23:30:00 -0500 (EST)", "2023-11-03"},
        {"2023-11-03 10:00:00 +0100", "2023-11-03"},
        {"5 Apr 1993", "1993-04-05"},
        {"20231103", "2023-11-03"},     /* as in a path */
        {"Fri Nov  3 23:30:00 2023", "2023-11-03"},
        {"Fri Nov 03 2023 23:30:00 GMT-0500 (EST)", "2023-11-03"},
        {"03.11.2023", "2023-11-03"},
    };
    /* a day in 2049 is too late to be an article's until 2048 */
    corpus_date_set_today(2049, 1, 1);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int fmt = 0; fmt < 5; fmt++) {
            char day[32];
            day_in_format(fmt, cases[i].text, day, sizeof day);
            if (strcmp(day, cases[i].day) != 0)
                fail_msg("\"%s\" in format %d: %s, want %s", cases[i].text,
                         fmt, day, cases[i].day);
        }
    corpus_date_set_today(0, 0, 0);
    /* impossible days stay impossible, two-digit years or not */
    static const char *const bad[] = {"29 Feb 01", "30 Feb 93 12:00 GMT",
                                      "5 Apr 9", "5-Apr 93"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (corpus_parse_date(bad[i], NULL, NULL, NULL))
            fail_msg("\"%s\" should not parse", bad[i]);
    expect_date("29 Feb 00", 2000, 2, 29);
}

/* A day more than a year after today is no article's date, in any
 * format: kept as written with a warning, as a date not understood, so
 * that a typo or a number misread does not head every sort by date. */
static void test_future_date_every_format(void **state)
{
    (void)state;
    static const struct {
        const char *text, *day;
    } cases[] = {
        {"2025-03-06", "2025-03-06"},           /* 366 days after today */
        {"2025-03-07", "undated"},
        {"2611-02-06T10:15:00Z", "undated"},
        {"Sat, 07 Mar 2026 10:00:00 +0000", "undated"},
        {"20991231", "undated"},
    };
    corpus_date_set_today(2024, 3, 5);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int fmt = 0; fmt < 5; fmt++) {
            char day[32];
            day_in_format(fmt, cases[i].text, day, sizeof day);
            if (strcmp(day, cases[i].day) != 0)
                fail_msg("\"%s\" in format %d: %s, want %s", cases[i].text,
                         fmt, day, cases[i].day);
        }
    corpus_date_set_today(0, 0, 0);

    /* by the clock, with a warning naming the file */
    reading *r = read_text("f.md", "---\ntitle: T\ndate: 2611-02-06\n---\n"
                           "Body.\n");
    assert_int_equal(r->nwarn, 1);
    char want[4200];
    snprintf(want, sizeof want, "%s/f.md|date \"2611-02-06\" is more than "
             "a year from now; the article is dated by its path", tmp);
    if (strncmp(r->warn[0], want, strlen(want)) != 0)
        fail_msg("warning \"%s\", want \"%s...\"", r->warn[0], want);
    assert_false(corpus_parse_date(r->a[0].date, NULL, NULL, NULL));
    reading_free(r);
}

static void test_unparsed_date_warning(void **state)
{
    (void)state;
    reading *r = read_text("d.txt", "Date: the Ides of March\n\nTitle\n\nB\n");
    assert_int_equal(r->status, CORPUS_OK);
    assert_string_equal(r->a[0].date, "the Ides of March");
    assert_int_equal(r->nwarn, 1);
    char want[4200];
    snprintf(want, sizeof want, "%s/d.txt|date \"the Ides of March\" not "
             "understood", tmp);
    assert_true(strncmp(r->warn[0], want, strlen(want)) == 0);
    reading_free(r);

    /* a date in any accepted form: no warning */
    r = read_text("ok.md", "---\ndate: 27 November 2026\n---\n# T\n");
    assert_int_equal(r->nwarn, 0);
    reading_free(r);
    /* Jekyll's documented form; YAML's spaced timestamp */
    r = read_text("jekyll.md", "---\ntitle: t\ndate: 2023-11-03 10:00:00 "
                  "+0100\n---\nbody\n");
    assert_string_equal(r->a[0].date, "2023-11-03 10:00:00 +0100");
    assert_int_equal(r->nwarn, 0);
    reading_free(r);
    r = read_text("yaml.md", "---\ndate: 2001-12-14 21:59:43.10 -5\n---\n"
                  "# T\n");
    assert_int_equal(r->nwarn, 0);
    reading_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_supported_extensions),
        cmocka_unit_test(test_md_front_matter_and_body),
        cmocka_unit_test(test_md_link_definitions),
        cmocka_unit_test(test_md_definition_in_paragraph),
        cmocka_unit_test(test_md_code_in_quotes),
        cmocka_unit_test(test_md_entities),
        cmocka_unit_test(test_md_title_fallbacks),
        cmocka_unit_test(test_md_yaml_front_matter),
        cmocka_unit_test(test_md_front_matter_fields),
        cmocka_unit_test(test_md_toml_front_matter),
        cmocka_unit_test(test_md_yaml_malformed),
        cmocka_unit_test(test_md_yaml_null),
        cmocka_unit_test(test_md_unclosed_front_matter),
        cmocka_unit_test(test_md_raw_html_content),
        cmocka_unit_test(test_nul_in_fields),
        cmocka_unit_test(test_md_hostile_lines),
        cmocka_unit_test(test_html_page),
        cmocka_unit_test(test_html_title_fallbacks),
        cmocka_unit_test(test_html_jsonld),
        cmocka_unit_test(test_html_jsonld_broken),
        cmocka_unit_test(test_html_jsonld_precedence),
        cmocka_unit_test(test_html_jsonld_url),
        cmocka_unit_test(test_html_authors),
        cmocka_unit_test(test_repeated_tags_kept_once),
        cmocka_unit_test(test_html_hidden_metadata),
        cmocka_unit_test(test_html_dates),
        cmocka_unit_test(test_html_declared_charsets),
        cmocka_unit_test(test_html_charset_prescan),
        cmocka_unit_test(test_html_charset_bom_wins),
        cmocka_unit_test(test_html_charset_fallback),
        cmocka_unit_test(test_html_deep_nesting),
        cmocka_unit_test(test_soft_hyphen_removed),
        cmocka_unit_test(test_jsonl_lines),
        cmocka_unit_test(test_jsonl_metadata_types),
        cmocka_unit_test(test_jsonl_fields_trimmed),
        cmocka_unit_test(test_jsonl_not_jsonl),
        cmocka_unit_test(test_jsonl_repeated_ids),
        cmocka_unit_test(test_jsonl_synonyms),
        cmocka_unit_test(test_jsonl_compact_date_times),
        cmocka_unit_test(test_jsonl_html_body),
        cmocka_unit_test(test_jsonl_number_ids),
        cmocka_unit_test(test_jsonl_line_encodings),
        cmocka_unit_test(test_mail_plain),
        cmocka_unit_test(test_mail_usenet),
        cmocka_unit_test(test_mail_mbox),
        cmocka_unit_test(test_mail_mime),
        cmocka_unit_test(test_mail_html_body),
        cmocka_unit_test(test_mail_text_parts),
        cmocka_unit_test(test_mail_empty_plain_alternative),
        cmocka_unit_test(test_mail_text_subtypes),
        cmocka_unit_test(test_mail_untyped),
        cmocka_unit_test(test_mail_no_text_warning),
        cmocka_unit_test(test_mail_latin1_is_cp1252),
        cmocka_unit_test(test_mail_utf8_labelled_latin1),
        cmocka_unit_test(test_mail_padded_b_words),
        cmocka_unit_test(test_mail_utf8_labelled_single_byte),
        cmocka_unit_test(test_mail_huge_encoded_word),
        cmocka_unit_test(test_mail_split_character_with_stray_byte),
        cmocka_unit_test(test_mail_flowed),
        cmocka_unit_test(test_mail_not_mail),
        cmocka_unit_test(test_mail_hostile),
        cmocka_unit_test(test_name_kinds),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_same_date_every_format),
        cmocka_unit_test(test_future_date_every_format),
        cmocka_unit_test(test_unparsed_date_warning),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
