/*
 * test_entities.c - named entities: the extraction heuristic on sentences
 * (indexer/entities.c), the shared term builder gz_entity_term
 * (query/schema.c), whole corpora (a generated one: well-formed names,
 * stable output, its cast of people found; shouted text: no entities), and
 * end to end: the sample corpus indexed by the real gazette-index, its XE
 * terms checked against a plain scan of the files. Also the character
 * classes of the capitals terms (indexer/capitals.c), which must be
 * Xapian's.
 *
 * Quality checks on the shared collections, each its own ctest entry
 * (label quality, skipped when the data is absent): "test_entities bbc"
 * (the whole BBC corpus: "Tony Blair" found where named) and
 * "test_entities time" (TIME, all in capitals: no entities).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include <cmocka.h>

#include "capitals.h"
#include "corpus.h"
#include "entities.h"
#include "entity_internal.h"
#include "fold.h"
#include "gen_corpus.h"
#include "schema.h"
#include "test_util.h"
#include "xapian_shim.h"

/* ------------------------------------------------------------ helpers */

/* The entities of (title, body) as "Name|Name|Alias>Full|...", in order of
 * first appearance, in a static buffer. */
static const char *names(const char *title, const char *body)
{
    static char buf[8192];
    gz_entity_list l = {0};
    assert_int_equal(gz_entities_extract(title, body, strlen(body), &l), 0);
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < l.n; i++) {
        const gz_entity *e = &l.items[i];
        int w = snprintf(buf + n, sizeof buf - n, "%s%s%s%s", i ? "|" : "",
                         e->name, e->alias_of >= 0 ? ">" : "",
                         e->alias_of >= 0 ? l.items[e->alias_of].name : "");
        assert_true(w > 0 && (size_t)w < sizeof buf - n);
        n += (size_t)w;
    }
    gz_entity_list_free(&l);
    return buf;
}

#define EXPECT(body, want) assert_string_equal(names(NULL, body), want)

/* --------------------------------------------------------- heuristic */

/* A lexicon that knows one name. */
static int knows_hezbollah(const char *word, size_t len, void *ctx)
{
    (void)ctx;
    return len == 9 && memcmp(word, "Hezbollah", 9) == 0;
}

static void test_connectors(void **state)
{
    (void)state;
    EXPECT("Crown Prince Mohammed bin Salman met Ursula von der Leyen and "
           "the Bank of England in Riyadh.",
           "Mohammed bin Salman|Ursula von der Leyen|Bank of England|Riyadh");
    EXPECT("The summit heard Mahmoud Abbas of the Palestinian Authority and "
           "the Organisation of Islamic Cooperation.",
           "Mahmoud Abbas|Palestinian Authority|"
           "Organisation of Islamic Cooperation");
    /* A connector that no name follows is not part of a name. */
    EXPECT("Officials met Alex de Minaur and spoke of Paris.",
           "Alex de Minaur|Paris");
    EXPECT("It played at the Stade de France near Paris.",
           "Stade de France|Paris");
}

/* The words of an e-mail address and a host name's later parts name no
 * one; initials and abbreviations with full stops still do. */
static void test_addresses(void **state)
{
    (void)state;
    EXPECT("Write to Bob Beauchaine bobbe@vice.ICO.TEK.COM or see "
           "www.NASA.gov and ftp.UU.NET today.", "Bob Beauchaine");
    EXPECT("In article <C5u8@News.CSO.UIUC.EDU> Henry Spencer wrote.",
           "Henry Spencer");
    EXPECT("The U.S. and J.M.W. Turner met at 5 p.m. in London.",
           "U.S.|J.M.W. Turner|London");
    /* A site's name is its first part. */
    EXPECT("Shoppers went to Amazon.com and BBC.co.uk on Monday.",
           "Amazon|BBC");
    /* Company suffixes and a signature's contact words are no names on
     * their own. */
    EXPECT("He wrote to Acme, Inc. and sent a FAX to Bob Smith (Tel 555, "
           "Phone 556, Ltd).", "Acme|Bob Smith");
    /* An '@' without a host after it is no address. */
    EXPECT("Volunteers ran Seti@home for years.", "Seti");
    /* A name beside an address, or a full stop without its space, is
     * still a name. */
    EXPECT("Write to Jane Doe\xc2\xa0jane.doe@bbc.co.uk or Peter "
           "Smith<psmith@reuters.com> today.", "Jane Doe|Peter Smith");
    EXPECT("It came from @BBCBreaking.Theresa May was shared.",
           "BBCBreaking|Theresa May");
    EXPECT("He spoke.Boris Johnson left for St.Petersburg and "
           "10.Downing Street.",
           "Boris Johnson|Petersburg|Downing Street");
    EXPECT("Mail went to IBM.COM and the U.S.A. team.", "IBM|U.S.A.");
}

static void test_sentence_starts(void **state)
{
    (void)state;
    EXPECT("The talks ended late. However, Israel refused. But Hamas agreed. "
           "Officials said little. Such breaks help. After Monday, Egypt "
           "waited.",
           "Israel|Hamas|Egypt");
    /* A sentence-initial word seen capitalised elsewhere is a name; its
     * short form links to the full name. */
    EXPECT("Messi scored twice. Fans cheered Lionel Messi.",
           "Messi>Lionel Messi|Lionel Messi");
    /* A common word before a name at a sentence start is dropped. */
    EXPECT("Several Hamas fighters fled after several days. He met Hamas.",
           "Hamas");
    /* Quoted speech and a colon start sentences too. */
    EXPECT("He said: \"We will win,\" and Hamas agreed. In Gaza, people "
           "wait: Nothing moved.", "Hamas|Gaza");
    /* A possessive at a sentence start is a name; contractions are not. */
    EXPECT("Iran's president spoke. It's late. Let's go. World's end.",
           "Iran");
    /* Mid-sentence "The" belongs to a title ("In" only starts it). */
    EXPECT("In The Hague the court sat.", "The Hague");
}

static void test_titles_and_dates(void **state)
{
    (void)state;
    EXPECT("Prime Minister Benjamin Netanyahu and US Secretary of State "
           "Antony Blinken met President Joe Biden on Monday in May.",
           "Benjamin Netanyahu|US|Antony Blinken|Joe Biden");
    EXPECT("Later Mr Blinken met the President and Dr Jane Goodall.",
           "Blinken|Jane Goodall");
    /* "Education Secretary" is a title; "for" joins like "of". */
    EXPECT("It was launched by Education Secretary Ruth Kelly and the "
           "Department for Education in London.",
           "Ruth Kelly|Department for Education|London");
    /* A lone sentence starter or "I'm" is never a name, even when a full
     * stop is missing before it. */
    EXPECT("Fans said I'm sure of it, launch The chip won at Cannes.",
           "Cannes");
    /* Common acronyms are no names and are cut from the end of one, and
     * from its start when a full name follows. */
    EXPECT("Viewers on US TV saw MP Howard Flight and Labour MPs buy a PC "
           "from PC World at 10 GMT.",
           "US|Howard Flight|Labour|PC World");
    EXPECT("Critics read PC Pro Magazine and Labour MP Frank Field.",
           "PC Pro Magazine|Labour|Frank Field");
    /* Jobs in capitals (BBC corpus): a title before a name, no name on
     * their own, cut from the end of one. */
    EXPECT("DJ Mike Read met Green MEP Caroline Lucas, Labour MSP "
           "Christine May, MC Kano and Guy Mansfield QC.",
           "Mike Read|Green|Caroline Lucas|Labour|Christine May|Kano|"
           "Guy Mansfield");
    EXPECT("So said Polish MEPs, Edinburgh MSP staff and New York DJs.",
           "Polish|Edinburgh|New York");
    /* A title at the end of a name is part of it. */
    EXPECT("She quoted Martin Luther King at length.", "Martin Luther King");
    /* The longest title phrase at a word is cut, in any case. */
    EXPECT("Deputy Prime Minister Nick Clegg met UN Secretary General Ban "
           "Soon, Vice President Al Gore and FOREIGN MINISTER Li Wei.",
           "Nick Clegg|UN|Ban Soon|Al Gore|Li Wei");
}

static void test_hyphens_and_possessives(void **state)
{
    (void)state;
    EXPECT("Paris Saint-Germain backed a US-backed deal with Bashar al-Assad "
           "in the Ballon d'Or race.",
           "Paris Saint-Germain|US|Bashar al-Assad|Ballon d'Or");
    EXPECT("Officials praised Blinken's plan.", "Blinken");
    /* A capitalised part after a lower-case prefix is a name word. */
    EXPECT("Officials met pro-Palestinian groups and an ex-Manchester United "
           "striker in mid-October, denouncing anti-Semitism.",
           "Palestinian|Manchester United");
    EXPECT("Antony Blinken arrived. Officials praised Blinken's plan and "
           "Turkey\xE2\x80\x99s Recep Tayyip Erdogan.",
           "Antony Blinken|Blinken>Antony Blinken|Turkey|Recep Tayyip Erdogan");
    /* Possessives that start a name are kept. */
    EXPECT("Fans saw Spain win the Women's World Cup.",
           "Spain|Women's World Cup");
    /* The letters counted are those of the part kept: "NATO" of
     * "NATO-backed" is in capitals, "MEN'S" keeps its S, "Sue's" drops
     * it and "X's" is a single letter. */
    EXPECT("Troops joined NATO-backed units as MEN'S and Sue's teams met "
           "X's.", "NATO|MEN'S|Sue");
    /* ... which decide whether a text is mostly capitals. */
    EXPECT("NATO-backed UNICEF-run WHO-led units met.", "");
    EXPECT("the arm was X-rayed for Ann Lee.", "Ann Lee");
    EXPECT("MEN's WOMEN's CHILDREN's teams met.",
           "MEN's WOMEN's CHILDREN's");

}

static void test_accents_and_initials(void **state)
{
    (void)state;
    EXPECT("Kylian Mbappé was at the Théâtre du Châtelet and in Grindavík "
           "with Ödön Horváth.",
           "Kylian Mbappé|Théâtre du Châtelet|Grindavík|Ödön Horváth");
    EXPECT("She met J. K. Rowling in Edinburgh.", "J. K. Rowling|Edinburgh");
    /* Any white space between words becomes one space (here a line break,
     * a no-break space and a thin space). */
    EXPECT("They met Antony\nBlinken, Hakan\xC2\xA0" "Fidan and "
           "Recep\xE2\x80\x89Tayyip Erdogan.",
           "Antony Blinken|Hakan Fidan|Recep Tayyip Erdogan");
    /* Cyrillic capitals come from Xapian's tables too. */
    EXPECT("Они встретили Владимира Путина в Москве.",
           "Владимира Путина|Москве");
    EXPECT("É lower Élodie met Émile Zola.", "Élodie|Émile Zola");
    /* Bytes that are not UTF-8 are read as Latin-1, never a crash. */
    gz_entity_list l = {0};
    const char bad[] = "They met \xC9mile Zola and \xFF\xFE in Caf\xE9 Nord.";
    assert_int_equal(gz_entities_extract("\xC0", bad, sizeof bad - 1, &l), 0);
    assert_true(l.n >= 1);
    gz_entity_list_free(&l);
}

static void test_shouting_and_title_case(void **state)
{
    (void)state;
    EXPECT("PRESIDENT KENNEDY MET THE SOVIET LEADER IN VIENNA TODAY AND THE "
           "TALKS WENT ON FOR HOURS.", "");
    /* A Title Case title says nothing; a sentence-case one counts. */
    assert_string_equal(
        names("Blinken Presses Israel On Humanitarian Pauses Again",
              "Antony Blinken spoke in Tel Aviv."),
        "Antony Blinken|Tel Aviv");
    assert_string_equal(names("Blinken presses Israel on pauses",
                              "Antony Blinken spoke in Tel Aviv."),
                        "Blinken>Antony Blinken|Israel|Antony Blinken|"
                        "Tel Aviv");
}

/* Issue 12: brand names in mixed case, date words in front of a name,
 * function words and header words in capitals, a lexicon for names that
 * only start sentences, a short form linked to the full name. */
static void test_newsroom_rules(void **state)
{
    (void)state;
    EXPECT("iPod sales rose as Apple cut prices on the iTunes store, and "
           "eBay sellers noticed.",
           "iPod|Apple|iTunes|eBay");
    EXPECT("Not mRNA, nor kWh, nor pH.", "");
    EXPECT("On Wednesday Tony Blair said no. Tony Blair spoke again.",
           "Tony Blair");
    EXPECT("The Sunday Times and Saturday Night Takeaway ran the story.",
           "Sunday Times|Saturday Night Takeaway");
    EXPECT("He read WAR AND PEACE. Organization: none. Lines: 12",
           "WAR|PEACE");
    EXPECT("It was in Chapter 11 that the firm said so.", "");
    /* A word that only starts sentences: a name when the lexicon says
     * so, not otherwise. */
    const char *text = "Hezbollah fighters traded fire. Officials said so.";
    gz_entity_list l = {0};
    gz_entity_lexicon lexicon = {knows_hezbollah, NULL};
    assert_int_equal(gz_entities_extract_with(NULL, text, strlen(text),
                                              &lexicon, &l), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].name, "Hezbollah");
    gz_entity_list_free(&l);
    EXPECT(text, "");
    /* The later short form is linked: both entity: terms are there. */
    EXPECT("Tony Blair met voters. Later Blair said he was pleased.",
           "Tony Blair|Blair>Tony Blair");
}

/* A weekday or month after "on", "in", "last", "until"... or a day number
 * is a date, not the first word of the name after it, also when the
 * article has that name only with the date and as a lone surname (BBC
 * politics/206: "On Wednesday Tony Blair said ... Mr Blair"); the months
 * that are names too ("May") likewise. Without such a word before it, or
 * after "the", "for", "by" or "with", it may start a name. */
static void test_dates_before_names(void **state)
{
    (void)state;
    EXPECT("On Wednesday Tony Blair said no. Later Mr Blair spoke again.",
           "Tony Blair|Blair>Tony Blair");
    EXPECT("He said on Monday Lib Dem plans were costed.", "Lib Dem");
    EXPECT("In May Theresa May spoke, and last November Samuel Amoah ran.",
           "Theresa May|Samuel Amoah");
    EXPECT("On 14 October Google released it, after the 11 September World "
           "Trade Centre attack. Until December Microsoft waited.",
           "Google|World Trade Centre|Microsoft");
    EXPECT("Last June Grewcock was banned; in June I will decide.",
           "Grewcock");
    EXPECT("He told the Sunday Times and wrote for Saturday Night Takeaway "
           "as quoted by Sunday Telegraph, with June Carter Cash and Brian "
           "May.",
           "Sunday Times|Saturday Night Takeaway|Sunday Telegraph|"
           "June Carter Cash|Brian May");
}

static void test_counts_and_limit(void **state)
{
    (void)state;
    gz_entity_list l = {0};
    const char *body = "They saw Gaza. Aid reached Gaza and then GAZA.";
    assert_int_equal(gz_entities_extract(NULL, body, strlen(body), &l), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].name, "Gaza");
    assert_string_equal(l.items[0].term, "XEgaza");
    assert_int_equal(l.items[0].count, 3);
    gz_entity_list_free(&l);
    assert_int_equal(l.n, 0);

    /* 26*26*2 distinct names, each in mid-sentence: only the first
     * GZ_ENTITIES_MAX are kept, in order. */
    size_t cap = 26 * 26 * 2 * 8 + 16;
    char *big = malloc(cap);
    assert_non_null(big);
    size_t n = (size_t)snprintf(big, cap, "We met");
    for (int k = 0; k < 2; k++)
        for (char a = 'a'; a <= 'z'; a++)
            for (char b = 'a'; b <= 'z'; b++)
                n += (size_t)snprintf(big + n, cap - n, " %c%c%c,",
                                      k ? 'Q' : 'Z', a, b);
    assert_int_equal(gz_entities_extract(NULL, big, n, &l), 0);
    assert_int_equal(l.n, GZ_ENTITIES_MAX);
    assert_string_equal(l.items[0].name, "Zaa");
    gz_entity_list_free(&l);
    free(big);

    /* A paragraph and the same paragraph 6 000 times (84 000 words: more
     * than the extractor keeps from its first pass, so the second pass
     * scans again): the same names, each mention counted. */
    const char *para = "Antony Blinken met Mahmoud Abbas in Ramallah. "
                       "Hezbollah fighters watched. Blinken told Hezbollah "
                       "nothing. ";
    gz_entity_list one = {0};
    assert_int_equal(gz_entities_extract(NULL, para, strlen(para), &one), 0);
    assert_true(one.n >= 4);
    size_t reps = 6000, plen = strlen(para);
    big = malloc(reps * plen + 1);
    assert_non_null(big);
    for (size_t i = 0; i < reps; i++)
        memcpy(big + i * plen, para, plen);
    assert_int_equal(gz_entities_extract(NULL, big, reps * plen, &l), 0);
    assert_int_equal(l.n, one.n);
    for (size_t i = 0; i < one.n; i++) {
        assert_string_equal(l.items[i].name, one.items[i].name);
        assert_int_equal(l.items[i].count, reps * one.items[i].count);
    }
    gz_entity_list_free(&l);
    gz_entity_list_free(&one);
    free(big);
}

/* ------------------------------------------------------ entity terms */

static void test_entity_term(void **state)
{
    (void)state;
    char buf[GZ_TERM_BUF];
    assert_int_equal(gz_entity_term("Antony Blinken", buf, sizeof buf), 16);
    assert_string_equal(buf, "XEantony blinken");
    gz_entity_term("  ANTONY \t\n Blinken ", buf, sizeof buf);
    assert_string_equal(buf, "XEantony blinken");
    gz_entity_term("Ballon d\xE2\x80\x99Or", buf, sizeof buf);
    assert_string_equal(buf, "XEballon d'or");
    /* accents folded like the text (schema/fold.h) */
    gz_entity_term("ÖDÖN Horváth", buf, sizeof buf);
    assert_string_equal(buf, "XEodon horvath");
    assert_int_equal(gz_entity_term("   ", buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    assert_int_equal(gz_entity_term(NULL, buf, sizeof buf), 0);
    char longname[600];
    memset(longname, 'A', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    size_t n = gz_entity_term(longname, buf, sizeof buf);
    assert_true(n > 0 && n <= GZ_MAX_TERM_BYTES);
    assert_int_equal(strlen(buf), n);
    assert_non_null(strchr(buf, '#'));
}

/* The acronym that opens a longer name (gz_entity_head_len) and its
 * head term: "BBC" of "BBC News"; no first name, initials, heading in
 * capitals, common acronym or title. */
static void test_entity_heads(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        size_t len;
    } cases[] = {
        {"BBC News", 3}, {"BBC Radio 4", 3}, {"UN Security Council", 2},
        {"\xC3\x96" "BB Bahn", 4},   /* "ÖBB": capitals beyond ASCII */
        {"BBC", 0}, {"Tony Blair", 0}, {"BBC's", 0}, {"J.M.W. Turner", 0},
        {"U.S. Senate", 0}, {"KEY MATCH STATS", 0}, {"PC World", 0},
        {"MP David Davis", 0}, {"PM Tony Blair", 0}, {"iPod Nano", 0},
        {"DJ Mike Read", 0}, {"MEP Nigel Farage", 0}, {"MSP Mark Ballard", 0},
        {"MC Kano", 0},
        {"X Factor", 0}, {"McDonald Farms", 0}, {"3G Network", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        if (gz_entity_head_len(cases[i].name) != cases[i].len)
            fail_msg("'%s': head of %zu bytes, want %zu", cases[i].name,
                     gz_entity_head_len(cases[i].name), cases[i].len);
    char buf[GZ_TERM_BUF];
    assert_int_equal(gz_entity_head_term("BBC", buf, sizeof buf), 5);
    assert_string_equal(buf, GZ_PREFIX_ENTITY_HEAD "bbc");
    gz_entity_head_term("\xC3\x96" "BB", buf, sizeof buf);
    assert_string_equal(buf, GZ_PREFIX_ENTITY_HEAD "obb");
}

static void test_docdata_entities(void **state)
{
    (void)state;
    gz_docdata in = {.id = "a.txt", .entities = "Gaza" GZ_ENTITY_SEP_STR
                                                 "Antony Blinken",
                     .body = "x", .body_len = 1};
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(gz_docdata_encode(&in, &data, &len), 0);
    gz_docdata out;
    assert_int_equal(gz_docdata_decode(data, len, &out), 0);
    assert_string_equal(out.entities, "Gaza\x1f" "Antony Blinken");
    assert_string_equal(out.id, "a.txt");
    free(data);
}

/* An id or path with a newline or CR is stored whole (an escaped line
 * after the flattened one, schema.h); data written before that line
 * existed reads as it did. */
static void test_docdata_line_breaks(void **state)
{
    (void)state;
    gz_docdata in = {.id = "s/a\nb\\n\r.txt", .path = "s/a\nb\\n\r.txt",
                     .title = "T", .body = "x", .body_len = 1};
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(gz_docdata_encode(&in, &data, &len), 0);
    /* what older code reads: the flattened line */
    assert_non_null(strstr(data, "id=s/a b\\n .txt\n"));
    gz_docdata out;
    assert_int_equal(gz_docdata_decode(data, len, &out), 0);
    assert_string_equal(out.id, "s/a\nb\\n\r.txt");
    assert_string_equal(out.path, "s/a\nb\\n\r.txt");
    assert_string_equal(out.title, "T");
    assert_int_equal(out.body_len, 1);
    assert_memory_equal(out.body, "x", 1);
    free(data);
    /* a value without line breaks is written once, backslashes as they are */
    gz_docdata plain = {.id = "a\\nb", .body = "", .body_len = 0};
    assert_int_equal(gz_docdata_encode(&plain, &data, &len), 0);
    assert_string_equal(data, "id=a\\nb\n\n");
    assert_int_equal(gz_docdata_decode(data, len, &out), 0);
    assert_string_equal(out.id, "a\\nb");
    free(data);
    /* old data, an unknown "_escaped" key */
    char old[] = "id=s/a b.txt\nfoo_escaped=\\n\n\nbody";
    assert_int_equal(gz_docdata_decode(old, strlen(old), &out), 0);
    assert_string_equal(out.id, "s/a b.txt");
    assert_string_equal(out.body, "body");
}

/* ------------------------------------------------- whole corpora
 * The same checks on a generated corpus (a correctness test) and on the
 * BBC collection (a quality check, its own ctest entry): every name well
 * formed, the same output on a second run, and the people the text names
 * in full found as entities. */

typedef struct entity_run {
    const char *const *names;   /* full names to look for in the text */
    size_t nnames;
    size_t articles, entities, named_text, named_entity;
    uint64_t digest;   /* FNV-1a over every name, in order */
} entity_run;

static void digest_add(uint64_t *h, const char *s)
{
    for (; *s; s++) {
        *h ^= (unsigned char)*s;
        *h *= 0x100000001b3ULL;
    }
    *h ^= 0xFF;
    *h *= 0x100000001b3ULL;
}

/* 1 when `name` is in the title or the body. */
static int names_in_text(const corpus_article *art, const char *name)
{
    if (strstr(art->title, name))
        return 1;
    size_t n = strlen(name);
    for (const char *p = art->body; p + n <= art->body + art->body_len;) {
        p = memchr(p, name[0], (size_t)(art->body + art->body_len - p));
        if (!p || p + n > art->body + art->body_len)
            return 0;
        if (memcmp(p, name, n) == 0)
            return 1;
        p++;
    }
    return 0;
}

/* Check each entity's form; count the names in text and as entities. */
static int run_article(const corpus_article *art, void *ctx)
{
    entity_run *r = ctx;
    gz_entity_list l = {0};
    char term[GZ_TERM_BUF];
    assert_int_equal(gz_entities_extract(art->title, art->body, art->body_len,
                                         &l), 0);
    for (size_t i = 0; i < l.n; i++) {
        const char *name = l.items[i].name;
        size_t len = strlen(name);
        assert_true(len >= 2);
        assert_true(name[0] != ' ' && name[len - 1] != ' ');
        assert_null(strchr(name, GZ_ENTITY_SEP));
        assert_null(strchr(name, '\n'));
        assert_null(strstr(name, "  "));
        gz_entity_term(name, term, sizeof term);
        assert_string_equal(l.items[i].term, term);
        long full = l.items[i].alias_of;
        if (full >= 0) {   /* a one-word alias of a full name */
            assert_true((size_t)full < l.n && l.items[full].alias_of == -1);
            assert_non_null(strchr(l.items[full].name, ' '));
            assert_null(strchr(name, ' '));
        } else {
            assert_int_equal(full, -1);
        }
        digest_add(&r->digest, name);
    }
    for (size_t k = 0; k < r->nnames; k++) {
        if (!names_in_text(art, r->names[k]))
            continue;
        int found = 0;
        for (size_t i = 0; i < l.n && !found; i++)
            found = strcmp(l.items[i].name, r->names[k]) == 0;
        r->named_text++;
        r->named_entity += found;
    }
    r->articles++;
    r->entities += l.n;
    gz_entity_list_free(&l);
    return 0;
}

static int run_file(const corpus_file *file, void *ctx)
{
    char why[256];
    assert_int_equal(corpus_read_file(file, NULL, run_article, ctx, why,
                                      sizeof why), CORPUS_OK);
    return 0;
}

/* Walk `root` twice; the runs must agree. Returns the first. */
static entity_run run_corpus(const char *root, const char *const *names,
                             size_t nnames)
{
    entity_run a = {.names = names, .nnames = nnames,
                    .digest = 0xcbf29ce484222325ULL};
    entity_run b = a;
    assert_int_equal(corpus_walk(root, run_file, NULL, &a), 0);
    assert_int_equal(corpus_walk(root, run_file, NULL, &b), 0);
    assert_true(a.digest == b.digest);
    assert_int_equal(a.entities, b.entities);
    assert_int_equal(a.articles, b.articles);
    return a;
}

/* Fail unless `got` of `of` is at least `pct` percent. */
static void expect_share(const char *what, size_t got, size_t of,
                         unsigned pct)
{
    print_message("%s: %zu of %zu\n", what, got, of);
    if (got * 100 < of * pct)
        fail_msg("%s: %zu of %zu, under %u%%", what, got, of, pct);
}

/* A generated corpus: its whole cast of people, named in full in the
 * text, found as entities. */
static void test_generated_corpus(void **state)
{
    (void)state;
    char *root = tu_mkdtemp("entities-gen");
    gen_options o = gen_default_options(4242, 400);
    gen_corpus *c = gen_corpus_create(root, &o);
    size_t np = gen_corpus_people(c);
    const char **names = calloc(np, sizeof *names);
    assert_non_null(names);
    for (size_t i = 0; i < np; i++)
        names[i] = gen_corpus_person(c, i);
    entity_run r = run_corpus(root, names, np);
    assert_int_equal(r.articles, gen_corpus_count(c));
    assert_true(r.entities > r.articles * 3);
    assert_true(r.named_text > r.articles);
    expect_share("people named in full found as entities", r.named_entity,
                 r.named_text, 95);
    free(names);
    gen_corpus_free(c);
    tu_rmtree(root);
    free(root);
}

/* ------------------------------------------------------------ folding */

/* gz_fold_accents of `in` is `want`, and byte i of it came from byte
 * map[i] of `in` (`map`: one entry per byte of `want`, then strlen(in)). */
static void expect_fold(const char *in, const char *want, const size_t *map)
{
    char *out = NULL;
    size_t len = 0, *got = NULL;
    assert_int_equal(gz_fold_accents(in, strlen(in), &out, &len, &got), 0);
    assert_string_equal(out, want);
    assert_int_equal(len, strlen(want));
    for (size_t i = 0; i <= len; i++)
        if (got[i] != map[i])
            fail_msg("'%s': byte %zu from %zu, not %zu", in, i, got[i],
                     map[i]);
    free(out);
    free(got);
    assert_int_equal(gz_fold_accents(in, strlen(in), &out, &len, NULL), 0);
    assert_string_equal(out, want);
    free(out);
}

/* Folding copies ASCII (it reads it without decoding), drops a combining
 * accent after an ASCII letter but not after a digit or a dash, folds
 * precomposed letters between ASCII ones, keeps bytes that are not
 * UTF-8 and NUL bytes, and maps each output byte to its source. */
static void test_fold_ascii_and_accents(void **state)
{
    (void)state;
    expect_fold("Plain ASCII, 100%!", "Plain ASCII, 100%!",
                (const size_t[]){0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                                 13, 14, 15, 16, 17, 18});
    expect_fold("Zu\xCC\x88rich", "Zurich",
                (const size_t[]){0, 1, 4, 5, 6, 7, 8});
    expect_fold("Z\xC3\xBCrich", "Zurich",
                (const size_t[]){0, 1, 3, 4, 5, 6, 7});
    expect_fold("1\xCC\x81-\xCC\x81", "1\xCC\x81-\xCC\x81",
                (const size_t[]){0, 1, 1, 3, 4, 4, 6});
    expect_fold("e\xCC\x81\xCC\x81x", "ex", (const size_t[]){0, 5, 6});
    expect_fold("S\xC3\xB8ren \xFF!", "Soren \xFF!",
                (const size_t[]){0, 1, 3, 4, 5, 6, 7, 8, 9});
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(gz_fold_accents("a\0\xC3\xA9", 4, &out, &len, NULL),
                     0);
    assert_int_equal(len, 3);
    assert_memory_equal(out, "a\0e", 3);
    free(out);
    /* Long text grows the buffer: a letter and its accent written apart
     * never do, but the room is checked per character. */
    size_t n = 100000;
    char *big = malloc(n + 1);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)('a' + i % 26);
    big[n] = '\0';
    assert_int_equal(gz_fold_accents(big, n, &out, &len, NULL), 0);
    assert_int_equal(len, n);
    assert_memory_equal(out, big, n);
    free(out);
    free(big);
}

/* Letters and digits of the Halfwidth and Fullwidth Forms take their
 * compatibility form: fullwidth Latin is ASCII (its case kept), halfwidth
 * katakana is katakana, a halfwidth sound mark composed with the letter
 * before it ("ｶﾞ" is "ガ", mapped to the letter's byte); the block's
 * punctuation and its halfwidth Hangul stay, a combining accent after a
 * fullwidth letter goes as after its ASCII letter, and other scripts are
 * left alone. */
static void test_fold_width(void **state)
{
    (void)state;
    expect_fold("ＮＨＫ", "NHK", (const size_t[]){0, 3, 6, 9});
    expect_fold("ｉＰ２", "iP2", (const size_t[]){0, 3, 6, 9});
    expect_fold("ｶﾞｲﾄﾞ", "ガイド",
                (const size_t[]){0, 0, 0, 6, 6, 6, 9, 9, 9, 15});
    expect_fold("ﾊﾟｰ", "パー", (const size_t[]){0, 0, 0, 6, 6, 6, 9});
    expect_fold("（Ａ）", "（A）",
                (const size_t[]){0, 0, 0, 3, 6, 6, 6, 9});
    expect_fold("Ｅ\xCC\x81", "E", (const size_t[]){0, 5});
    expect_fold("ﾡ", "ﾡ", (const size_t[]){0, 0, 0, 3});
    expect_fold("ΑΘΗΝΑ東京", "ΑΘΗΝΑ東京",
                (const size_t[]){0, 0, 2, 2, 4, 4, 6, 6, 8, 8, 10, 10, 10,
                                 13, 13, 13, 16});
}

/* ------------------------------------------------------- word lists */

/* What gz_ew_word_in answers, by a linear search: the word lower-cased
 * (ASCII; a word with other bytes, or of 32 bytes or more, is in no
 * list) equal to a word of the list. */
static int in_list_linear(gz_word_list list, const char *w, size_t len)
{
    char lower[32];
    if (len >= sizeof lower)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)w[i];
        if (c >= 0x80)
            return 0;
        lower[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    size_t n;
    const char *const *words = gz_ew_list(list, &n);
    for (size_t i = 0; i < n; i++)
        if (strlen(words[i]) == len && memcmp(words[i], lower, len) == 0)
            return 1;
    return 0;
}

/* gz_ew_word_in(list, `w`) is the linear search's answer, for `w` and its
 * forms in capitals and Capitalised. */
static void expect_lookup(gz_word_list list, const char *w, size_t len)
{
    char form[64];
    assert_true(len < sizeof form);
    for (int variant = 0; variant < 3; variant++) {
        for (size_t i = 0; i < len; i++) {
            char c = w[i];
            if ((variant == 1 || (variant == 2 && i == 0)) && c >= 'a' &&
                c <= 'z')
                c = (char)(c - 32);
            form[i] = c;
        }
        int want = in_list_linear(list, form, len);
        if (gz_ew_word_in(list, form, len) != want)
            fail_msg("list %d, '%.*s': %d, a linear search says %d",
                     (int)list, (int)len, form, !want, want);
    }
}

/* The entity lists answer as a linear search does (they take shortcuts:
 * a binary search, no look at words longer than the list's longest):
 * every word of every list, each shortened and lengthened by a letter,
 * and words of other bytes, in every list. */
static void test_word_lists_answer_as_a_linear_search(void **state)
{
    (void)state;
    static const char *const others[] = {
        "", "x", "zz", "Mr.", "caf\xC3\xA9", "\xC3\x89mile",
        "abcdefghijklmnopqrstuvwxyzabcdef", "nevertheless", "neverthelesss",
        "vice-president", "vice-presiden", "i'm", "i\xE2\x80\x99m"};
    size_t found = 0;
    for (int l = EW_STARTERS; l <= EW_CAPS_FUNCTION_WORDS; l++)
        for (int m = EW_STARTERS; m <= EW_CAPS_FUNCTION_WORDS; m++) {
            size_t n;
            const char *const *words = gz_ew_list((gz_word_list)m, &n);
            assert_true(n > 0);
            for (size_t i = 0; i < n; i++) {
                char longer[64];
                size_t len = strlen(words[i]);
                assert_true(len + 2 < sizeof longer);
                expect_lookup((gz_word_list)l, words[i], len);
                expect_lookup((gz_word_list)l, words[i], len - 1);
                snprintf(longer, sizeof longer, "%ss", words[i]);
                expect_lookup((gz_word_list)l, longer, len + 1);
                found += gz_ew_word_in((gz_word_list)l, words[i], len);
            }
            for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
                expect_lookup((gz_word_list)l, others[i], strlen(others[i]));
        }
    assert_true(found > 300);   /* each list's own words, at least */
}

/* ------------------------------------- the same entities, however found */

/* Fail unless the lists are equal: names, terms, counts, aliases. */
static void expect_same_list(const gz_entity_list *a, const gz_entity_list *b,
                             const char *id)
{
    if (a->n != b->n)
        fail_msg("%s: %zu entities against %zu", id, a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        const gz_entity *x = &a->items[i], *y = &b->items[i];
        if (strcmp(x->name, y->name) != 0 || strcmp(x->term, y->term) != 0 ||
            x->count != y->count || x->alias_of != y->alias_of)
            fail_msg("%s: entity %zu is '%s' (%s, %u, %ld) against '%s' "
                     "(%s, %u, %ld)", id, i, x->name, x->term,
                     (unsigned)x->count, (long)x->alias_of, y->name, y->term,
                     (unsigned)y->count, (long)y->alias_of);
    }
}

/* Entities of (title, body) with the token cache of the extractor at
 * `tokens` (gz_entities_set_token_cache_max), with and without a
 * lexicon; compared with the default cache's. */
static void expect_cache_changes_nothing(const char *id, const char *title,
                                         const char *body, size_t body_len,
                                         size_t tokens)
{
    gz_entity_lexicon lexicon = {knows_hezbollah, NULL};
    for (int with = 0; with < 2; with++) {
        gz_entity_list want = {0}, got = {0};
        const gz_entity_lexicon *lx = with ? &lexicon : NULL;
        gz_entities_set_token_cache_max(65536);
        assert_int_equal(gz_entities_extract_with(title, body, body_len, lx,
                                                  &want), 0);
        gz_entities_set_token_cache_max(tokens);
        assert_int_equal(gz_entities_extract_with(title, body, body_len, lx,
                                                  &got), 0);
        gz_entities_set_token_cache_max(65536);
        expect_same_list(&want, &got, id);
        gz_entity_list_free(&want);
        gz_entity_list_free(&got);
    }
}

typedef struct cache_run {
    size_t articles, entities;
} cache_run;

/* Each article as it is and as one line of text (its title, then its
 * body with line breaks made spaces, as a review saved on one line is
 * read: all title), scanned with no token cache and with one too small
 * for the text. */
static int cache_article(const corpus_article *art, void *ctx)
{
    cache_run *r = ctx;
    const char *title = art->title ? art->title : "";
    size_t tlen = strlen(title);
    char *line = malloc(tlen + 1 + art->body_len + 1);
    assert_non_null(line);
    memcpy(line, title, tlen);
    line[tlen] = ' ';
    for (size_t i = 0; i < art->body_len; i++)
        line[tlen + 1 + i] = art->body[i] == '\n' ? ' ' : art->body[i];
    line[tlen + 1 + art->body_len] = '\0';
    const size_t sizes[] = {0, 7};
    for (size_t k = 0; k < 2; k++) {
        expect_cache_changes_nothing(art->id, art->title, art->body,
                                     art->body_len, sizes[k]);
        expect_cache_changes_nothing(art->id, line, NULL, 0, sizes[k]);
    }
    gz_entity_list l = {0};
    assert_int_equal(gz_entities_extract(line, NULL, 0, &l), 0);
    r->entities += l.n;
    gz_entity_list_free(&l);
    free(line);
    r->articles++;
    return 0;
}

static int cache_file(const corpus_file *file, void *ctx)
{
    char why[256];
    assert_int_equal(corpus_read_file(file, NULL, cache_article, ctx, why,
                                      sizeof why), CORPUS_OK);
    return 0;
}

/* The extractor keeps the tokens of a text between its passes (the
 * Title Case test, pass 1, pass 2); scanning the text again each time,
 * or from where a full cache stopped, finds exactly the same entities:
 * on the sample and on a generated corpus, each article also as one
 * line. */
static void test_token_cache_changes_nothing(void **state)
{
    (void)state;
    cache_run r = {0};
    assert_int_equal(corpus_walk(tu_source_path("corpus/sample"), cache_file,
                                 NULL, &r), 0);
    char *root = tu_mkdtemp("entities-cache");
    gen_options o = gen_default_options(7171, 120);
    gen_corpus *c = gen_corpus_create(root, &o);
    assert_int_equal(corpus_walk(root, cache_file, NULL, &r), 0);
    assert_true(r.articles >= 100);
    assert_true(r.entities > r.articles * 3);
    gen_corpus_free(c);
    tu_rmtree(root);
    free(root);
}

/* The whole BBC corpus (quality: "test_entities bbc"): "Tony Blair" an
 * entity of (nearly) every article naming him. */
static void test_bbc_corpus(void **state)
{
    (void)state;
    static const char *const blair[] = {"Tony Blair"};
    entity_run r = run_corpus(tu_quality_corpus(), blair, 1);
    assert_int_equal(r.articles, 2225);
    assert_true(r.entities > r.articles * 5);
    assert_true(r.named_text >= 100);
    expect_share("Tony Blair", r.named_entity, r.named_text, 95);
}

/* Text in capitals only, like the TIME collection: no entities. A
 * generated body, shouted. */
static void test_generated_all_caps(void **state)
{
    (void)state;
    char *root = tu_mkdtemp("entities-caps");
    gen_options o = gen_default_options(77, 0);
    gen_corpus *c = gen_corpus_create(root, &o);
    size_t mixed_case_entities = 0;
    for (size_t i = 0; i < 200; i++) {
        char *text = gen_corpus_text(c, i % GEN_NSOURCES, 4);
        gz_entity_list l = {0};
        assert_int_equal(gz_entities_extract(NULL, text, strlen(text), &l), 0);
        mixed_case_entities += l.n;   /* as written: names found */
        gz_entity_list_free(&l);
        for (char *p = text; *p; p++)
            if (*p >= 'a' && *p <= 'z')
                *p = (char)(*p - 'a' + 'A');
        assert_int_equal(gz_entities_extract(NULL, text, strlen(text), &l), 0);
        if (l.n)
            fail_msg("shouted text %zu: entity '%s'", i, l.items[0].name);
        gz_entity_list_free(&l);
        free(text);
    }
    assert_true(mixed_case_entities > 200);   /* the same text has names */
    gen_corpus_free(c);
    tu_rmtree(root);
    free(root);
}

/* TIME (1963) is all capitals (quality: "test_entities time"): no article
 * may yield an entity. */
static void test_time_all_caps(void **state)
{
    (void)state;
    const char *time_dir = tu_quality_corpus();
    char path[4096];
    snprintf(path, sizeof path, "%s/TIME.ALL.gz", time_dir);
    gzFile f = gzopen(path, "rb");
    assert_non_null(f);
    size_t cap = 1 << 21, len = 0;
    char *all = malloc(cap);
    assert_non_null(all);
    int n;
    while ((n = gzread(f, all + len, (unsigned)(cap - len - 1))) > 0) {
        len += (size_t)n;
        if (cap - len < 2)
            assert_non_null(all = realloc(all, cap *= 2));
    }
    gzclose(f);
    all[len] = '\0';
    size_t docs = 0;
    for (char *p = strstr(all, "*TEXT"); p; docs++) {
        char *next = strstr(p + 1, "*TEXT");
        size_t dlen = next ? (size_t)(next - p) : strlen(p);
        gz_entity_list l = {0};
        assert_int_equal(gz_entities_extract(NULL, p, dlen, &l), 0);
        if (l.n)
            fail_msg("TIME article %zu: entity '%s'", docs, l.items[0].name);
        gz_entity_list_free(&l);
        p = next;
    }
    assert_true(docs >= 400);
    free(all);
}

/* -------------------------------------------------------- end to end */

#define MAX_ARTICLES 256

static struct {
    char *tmp;
    char db[4096];
    char *path[MAX_ARTICLES];  /* relative path of each sample file */
    char *text[MAX_ARTICLES];  /* its title and body: header lines other
                                * than Title: are left out */
    size_t n;
} fx;

/* Read a (possibly gzipped) sample file, keeping what the indexer reads
 * as title and body: "Key: value" header lines other than Title: go. */
static char *read_article(const char *path)
{
    gzFile f = gzopen(path, "rb");
    assert_non_null(f);
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    int n;
    while ((n = gzread(f, buf + len, (unsigned)(cap - len - 1))) > 0) {
        len += (size_t)n;
        if (cap - len < 2)
            assert_non_null(buf = realloc(buf, cap *= 2));
    }
    gzclose(f);
    buf[len] = '\0';
    static const char *const HEADERS[] = {"Date:", "Author:", "Source:",
                                          "Tags:", "URL:"};
    for (size_t h = 0; h < sizeof HEADERS / sizeof HEADERS[0]; h++) {
        char *line = strstr(buf, HEADERS[h]);
        if (line && (line == buf || line[-1] == '\n')) {
            char *eol = strchr(line, '\n');
            memset(line, ' ', eol ? (size_t)(eol - line) : strlen(line));
        }
    }
    return buf;
}

static void load_dir(const char *root, const char *rel)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s%s%s", root, *rel ? "/" : "", rel);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char sub[4096], path[8192];
        snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        snprintf(path, sizeof path, "%s/%s", root, sub);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            load_dir(root, sub);
        } else if (strstr(e->d_name, ".txt") && *rel) {
            assert_true(fx.n < MAX_ARTICLES);
            fx.path[fx.n] = strdup(sub);
            fx.text[fx.n++] = read_article(path);
        }
    }
    closedir(d);
}

static int group_setup(void **state)
{
    (void)state;
    fx.tmp = tu_mkdtemp("entities");
    snprintf(fx.db, sizeof fx.db, "%s/index", fx.tmp);
    char root[4096];
    snprintf(root, sizeof root, "%s", tu_source_path("corpus/sample"));
    load_dir(root, "");
    /* only the .txt files load_dir() reads (the sample has other formats) */
    return tu_run("'%s' --quiet --include '*.txt' --include '*.txt.gz' "
                  "--db '%s' '%s'", tu_binary("indexer/gazette-index"), fx.db,
                  root) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < fx.n; i++) {
        free(fx.path[i]);
        free(fx.text[i]);
    }
    tu_rmtree(fx.tmp);
    free(fx.tmp);
    return 0;
}

typedef struct posting_paths {
    const xap_database *db;
    char found[MAX_ARTICLES][256];
    size_t n;
} posting_paths;

/* Collect the path (from the document data) of each posting. */
static int collect_path(xap_docid id, void *ctx)
{
    posting_paths *pp = ctx;
    xap_document *doc = NULL;
    const char *data;
    size_t len;
    assert_int_equal(xap_database_get_document(pp->db, id, &doc), XAP_OK);
    assert_int_equal(xap_document_get_data(doc, &data, &len), XAP_OK);
    char *copy = malloc(len + 1);
    assert_non_null(copy);
    memcpy(copy, data, len);
    copy[len] = '\0';
    gz_docdata dd;
    gz_docdata_decode(copy, len, &dd);
    assert_true(pp->n < MAX_ARTICLES);
    snprintf(pp->found[pp->n++], 256, "%s", dd.path);
    free(copy);
    xap_document_free(doc);
    return 0;
}

/* The XE term of `name` indexes exactly the sample files whose title or
 * body contains `name` (case-sensitive), and there are at least `least`. */
static void check_entity(const xap_database *db, const char *name,
                         size_t least)
{
    char term[GZ_TERM_BUF];
    assert_true(gz_entity_term(name, term, sizeof term) > 0);
    posting_paths pp = {.db = db};
    assert_int_equal(xap_database_each_posting(db, term, collect_path, &pp),
                     XAP_OK);
    size_t expected = 0;
    for (size_t i = 0; i < fx.n; i++) {
        if (!strstr(fx.text[i], name))
            continue;
        expected++;
        int hit = 0;
        for (size_t k = 0; k < pp.n; k++)
            hit |= strcmp(pp.found[k], fx.path[i]) == 0;
        if (!hit)
            fail_msg("%s: not found as an entity of %s", name, fx.path[i]);
    }
    if (pp.n != expected)
        fail_msg("%s: %zu articles have the term, %zu mention it", name,
                 pp.n, expected);
    assert_true(expected >= least);
}

static void test_sample_entities(void **state)
{
    (void)state;
    xap_database *db = NULL;
    assert_true(fx.n >= 30);
    assert_int_equal(xap_database_open(fx.db, &db), XAP_OK);
    check_entity(db, "Antony Blinken", 5);
    check_entity(db, "Recep Tayyip Erdogan", 2);
    check_entity(db, "Mohammed bin Salman", 2);
    check_entity(db, "Hezbollah", 4);
    check_entity(db, "Gaza", 12);
    check_entity(db, "Bank of England", 1);
    check_entity(db, "Théâtre du Châtelet", 1);
    check_entity(db, "Bashar al-Assad", 1);
    /* The sample starts sentences with these words; none is an entity. */
    static const char *const STARTS[] = {"The", "But", "In", "After",
                                         "Officials", "Such", "It", "Some"};
    for (size_t i = 0; i < sizeof STARTS / sizeof STARTS[0]; i++) {
        char sentence[64], term[GZ_TERM_BUF];
        snprintf(sentence, sizeof sentence, ". %s", STARTS[i]);
        size_t seen = 0, len = strlen(sentence);
        for (size_t k = 0; k < fx.n; k++)
            for (const char *p = fx.text[k]; (p = strstr(p, sentence)); p++)
                seen += p[len] == ' ' || p[len] == ',';
        if (seen == 0)
            fail_msg("no sentence starts with '%s'", STARTS[i]);
        gz_entity_term(STARTS[i], term, sizeof term);
        uint32_t freq = 1;
        assert_int_equal(xap_database_termfreq(db, term, &freq), XAP_OK);
        if (freq != 0)
            fail_msg("'%s' is an entity of %u articles", STARTS[i], freq);
    }
    xap_database_free(db);
}

/* The facet slot and the document data hold the display names. */
static void test_sample_slot_and_data(void **state)
{
    (void)state;
    xap_database *db = NULL;
    xap_docid id = 0;
    xap_document *doc = NULL;
    char term[GZ_TERM_BUF];
    const char *value, *data;
    size_t vlen, dlen;
    assert_int_equal(xap_database_open(fx.db, &db), XAP_OK);
    gz_entity_term("Antony Blinken", term, sizeof term);
    assert_int_equal(xap_database_first_posting(db, term, &id), XAP_OK);
    assert_int_equal(xap_database_get_document(db, id, &doc), XAP_OK);
    assert_int_equal(xap_document_get_value(doc, GZ_SLOT_ENTITIES, &value,
                                            &vlen), XAP_OK);
    char *v = strndup(value, vlen);
    assert_non_null(strstr(v, GZ_ENTITY_SEP_STR "Antony Blinken"));
    /* "Blinken" alone is an alias: a term, but not a facet entry. */
    assert_null(strstr(v, GZ_ENTITY_SEP_STR "Blinken"));
    assert_int_equal(xap_document_get_data(doc, &data, &dlen), XAP_OK);
    char *d = strndup(data, dlen);
    gz_docdata dd;
    gz_docdata_decode(d, dlen, &dd);
    assert_string_equal(dd.entities, v);
    uint32_t freq = 0;
    gz_entity_term("Blinken", term, sizeof term);
    assert_int_equal(xap_database_termfreq(db, term, &freq), XAP_OK);
    assert_true(freq >= 5);
    free(d);
    free(v);
    xap_document_free(doc);
    xap_database_free(db);
}

/* Collects a document's terms of one prefix as "term|term|...". */
static int join_term(const char *term, size_t len, unsigned wdf, void *ctx)
{
    char *out = ctx;
    size_t n = strlen(out);
    assert_int_equal(wdf, 0);
    assert_true(n + len + 2 < 8192);
    if (n)
        out[n++] = '|';
    memcpy(out + n, term, len);
    out[n + len] = '\0';
    return 0;
}

/* The capitals terms of `text` (a body when !is_title) with `prefix`, as
 * "term|term", in byte order, in `out` (8192 bytes). */
static void capitals_terms(const char *text, int is_title,
                           const char *prefix, char *out)
{
    xap_document *doc = NULL;
    assert_int_equal(xap_document_new(&doc), XAP_OK);
    assert_int_equal(gz_capitals_add(doc, text, strlen(text), is_title),
                     XAP_OK);
    out[0] = '\0';
    assert_int_equal(xap_document_each_term(doc, prefix, join_term, out),
                     XAP_OK);
    xap_document_free(doc);
}

/* A name or a word in capitals ends where Chinese, Japanese or Korean
 * text starts (it has no spaces between words): "NATO加盟国" names NATO,
 * not "NATO加盟国の代表も参加し", the clause after it, which was an
 * entity (and a capitals term) of its own. CJK text, having no case,
 * gives neither. */
static void test_cjk_text(void **state)
{
    (void)state;
    EXPECT("ブリンケン国務長官は、Antony Blinken国務長官として東京を訪問した。"
           "NATO加盟国の代表も参加し、Tokyo大学で講演した。",
           "Antony Blinken|NATO|Tokyo");
    EXPECT("北京市政府周一宣布，将开通三条新的地铁线路。", "");
    EXPECT("东京的Sony Group总部和首尔的Samsung工厂。", "Sony Group|Samsung");
    char got[8192];
    capitals_terms("NATO加盟国の代表とWHO事務局長、Sony製品について話した。"
                   "the report from the EU was read by the staff and others "
                   "on Monday.",
                   0, "X", got);
    assert_string_equal(got, "XCmonday|XCsony|XUeu|XUnato|XUwho");
    capitals_terms("서울시는 새로운 버스 노선을 운영한다고 밝혔다.", 0, "X",
                   got);
    assert_string_equal(got, "");
}

/* `prefix` + `word` lower-cased by Xapian, as gz_make_term makes a term
 * (hashing one too long), in `term`. */
static void xapian_term(const char *prefix, const char *word, char *term)
{
    char *lower = NULL;
    assert_int_equal(xap_unicode_tolower_utf8(word, strlen(word), &lower,
                                              NULL), XAP_OK);
    assert_true(gz_make_term(prefix, lower, term, GZ_TERM_BUF) > 0);
    free(lower);
}

/* A capitals term is its prefix and the word lower-cased as Xapian
 * lower-cases it (the module does it itself for ASCII): words in
 * capitals of ASCII, digits and '_', of other scripts, of 238 and 239
 * letters (the longest kept whole, the shortest hashed), an acronym
 * with dots, a possessive; a capitalised word in mid-sentence. */
static void test_capitals_terms_are_xapians_lower_case(void **state)
{
    (void)state;
    char long_word[300], longer_word[300];
    memset(long_word, 'Q', 238);
    long_word[238] = '\0';
    memset(longer_word, 'Q', 239);
    longer_word[239] = '\0';
    const char *const words[] = {
        "NASA", "G7", "A_B", "ID2020", "\xC3\x89LYS\xC3\x89" "E",
        "\xD0\x9C\xD0\x98\xD0\xA0", long_word, longer_word};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        char text[1024], want[GZ_TERM_BUF], got[8192];
        snprintf(text, sizeof text, "the report from %s was read in the "
                 "morning by the staff.", words[i]);
        xapian_term(GZ_PREFIX_UPPER, words[i], want);
        capitals_terms(text, 0, GZ_PREFIX_UPPER, got);
        assert_string_equal(got, want);
    }
    /* A word longer than a term is cut at a character, not inside one:
     * "A" and 150 "É" (2 bytes each) keep "A" and 119 of them. */
    char accented[512], cut[512];
    strcpy(accented, "A");
    strcpy(cut, "A");
    for (int i = 0; i < 150; i++) {
        strcat(accented, "\xC3\x89");
        if (i < 119)
            strcat(cut, "\xC3\x89");
    }
    char text[1024], wanted[GZ_TERM_BUF], found[8192];
    snprintf(text, sizeof text, "the report from %s was read.", accented);
    xapian_term(GZ_PREFIX_UPPER, cut, wanted);
    capitals_terms(text, 0, GZ_PREFIX_UPPER, found);
    assert_string_equal(found, wanted);

    char got[8192], want[GZ_TERM_BUF];
    capitals_terms("officials in the U.S. and at the BBC's office said "
                   "so.", 0, GZ_PREFIX_UPPER, got);
    assert_string_equal(got, GZ_PREFIX_UPPER "bbc|" GZ_PREFIX_UPPER "us");
    capitals_terms("a spokesman at Nasa said so.", 0, GZ_PREFIX_CAPS, got);
    xapian_term(GZ_PREFIX_CAPS, "Nasa", want);
    assert_string_equal(got, want);
}

/* A text gets no capitals terms when more than half of its words of two
 * or more letters are in capitals, but the mark of a text in capitals
 * instead (with which a query word in capitals finds its plain word);
 * at half it gets all of them and no mark. A title in capitals gets
 * neither: the body decides. */
static void test_capitals_of_shouted_text(void **state)
{
    (void)state;
    char got[8192];
    capitals_terms("NASA and FBI met", 0, GZ_PREFIX_UPPER, got);
    assert_string_equal(got, GZ_PREFIX_UPPER "fbi|" GZ_PREFIX_UPPER "nasa");
    capitals_terms("NASA and FBI CIA met", 0, GZ_PREFIX_UPPER, got);
    assert_string_equal(got, GZ_TERM_TEXT_IN_CAPITALS);
    capitals_terms("NASA and FBI CIA met", 0, "X", got);
    assert_string_equal(got, GZ_TERM_TEXT_IN_CAPITALS);
    capitals_terms("a NASA x and FBI y met", 0, GZ_PREFIX_UPPER, got);
    assert_string_equal(got, GZ_PREFIX_UPPER "fbi|" GZ_PREFIX_UPPER "nasa");
    capitals_terms("", 0, GZ_PREFIX_UPPER, got);
    assert_string_equal(got, "");
    /* A title in capitals gets none, one in Title Case only its words in
     * capitals. */
    capitals_terms("NASA AND FBI MEET", 1, "X", got);
    assert_string_equal(got, "");
    capitals_terms("Officials From NASA Meeting Again Today", 1, "X", got);
    assert_string_equal(got, GZ_PREFIX_UPPER "nasa");
}

/* The words of an e-mail address and the later parts of a host name get
 * no capitals terms, nor do they count towards a text in capitals; a
 * site's first part, initials and a name beside an address still do. */
static void test_capitals_of_addresses(void **state)
{
    (void)state;
    char got[8192];
    capitals_terms("Mail JOHN@CS.BERKELEY.EDU or see WWW.NASA.GOV about "
                   "the FBI.", 0, GZ_PREFIX_UPPER, got);
    assert_string_equal(got, GZ_PREFIX_UPPER "fbi|" GZ_PREFIX_UPPER "www");
    capitals_terms("The IBM.COM team met the U.S.A. squad and the "
                   "BBC<news@bbc.co.uk>.", 0, GZ_PREFIX_UPPER, got);
    assert_string_equal(got, GZ_PREFIX_UPPER "bbc|" GZ_PREFIX_UPPER "ibm|"
                        GZ_PREFIX_UPPER "usa");
    /* Signature lines in capitals do not make the text shouted. */
    capitals_terms("NASA staff met at noon.\n-- \nBOB@VICE.ICO.TEK.COM "
                   "SMITH@AI.MIT.EDU", 0, GZ_PREFIX_UPPER, got);
    assert_string_equal(got, GZ_PREFIX_UPPER "nasa");
    capitals_terms("Reports From NASA.GOV And The Agency", 1,
                   GZ_PREFIX_UPPER, got);
    assert_string_equal(got, GZ_PREFIX_UPPER "nasa");
    /* nor do they make a title one in capitals */
    capitals_terms("NASA budget: see WWW.NASA.GOV", 1, GZ_PREFIX_UPPER, got);
    assert_string_equal(got, GZ_PREFIX_UPPER "nasa|" GZ_PREFIX_UPPER "www");
}

/* The capitals module answers ASCII character classes itself: they must
 * be Xapian's (its TermGenerator splits the words the capitals terms
 * follow), for every ASCII code point and a few beyond. */
static void test_capitals_char_classes_are_xapians(void **state)
{
    (void)state;
    int32_t beyond[] = {0xC9, 0xE9, 0x130, 0x1C5, 0x3A3, 0x3C3, 0x416,
                        0x436, 0x660, 0x2019, 0x203F, 0x4E2D};
    for (int32_t cp = 0; cp < 0x80 + (int32_t)(sizeof beyond / sizeof *beyond);
         cp++) {
        int32_t c = cp < 0x80 ? cp : beyond[cp - 0x80];
        int want = (xap_unicode_is_wordchar((uint32_t)c) ? GZ_CHAR_WORD : 0) |
                   (xap_unicode_is_upper((uint32_t)c) ? GZ_CHAR_UPPER : 0) |
                   (xap_unicode_is_lower((uint32_t)c) ? GZ_CHAR_LOWER : 0);
        if (gz_capitals_char_class(c) != want)
            fail_msg("U+%04X: class %d, Xapian says %d", (unsigned)c,
                     gz_capitals_char_class(c), want);
    }
    assert_int_equal(gz_capitals_char_class(-1), 0);
}

int main(int argc, char **argv)
{
    static const tu_quality quality[] = {
        {"bbc", "bbc", test_bbc_corpus},
        {"time", "time", test_time_all_caps},
    };
    if (argc > 1)
        return tu_quality_run(argv[1], quality,
                              sizeof quality / sizeof *quality);
    const struct CMUnitTest unit[] = {
        cmocka_unit_test(test_entity_heads),
        cmocka_unit_test(test_capitals_char_classes_are_xapians),
        cmocka_unit_test(test_capitals_terms_are_xapians_lower_case),
        cmocka_unit_test(test_capitals_of_shouted_text),
        cmocka_unit_test(test_capitals_of_addresses),
        cmocka_unit_test(test_fold_ascii_and_accents),
        cmocka_unit_test(test_fold_width),
        cmocka_unit_test(test_word_lists_answer_as_a_linear_search),
        cmocka_unit_test(test_connectors),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_sentence_starts),
        cmocka_unit_test(test_titles_and_dates),
        cmocka_unit_test(test_hyphens_and_possessives),
        cmocka_unit_test(test_accents_and_initials),
        cmocka_unit_test(test_shouting_and_title_case),
        cmocka_unit_test(test_newsroom_rules),
        cmocka_unit_test(test_dates_before_names),
        cmocka_unit_test(test_counts_and_limit),
        cmocka_unit_test(test_cjk_text),
        cmocka_unit_test(test_entity_term),
        cmocka_unit_test(test_docdata_entities),
        cmocka_unit_test(test_docdata_line_breaks),
    };
    const struct CMUnitTest e2e[] = {
        cmocka_unit_test(test_generated_corpus),
        cmocka_unit_test(test_token_cache_changes_nothing),
        cmocka_unit_test(test_generated_all_caps),
        cmocka_unit_test(test_sample_entities),
        cmocka_unit_test(test_sample_slot_and_data),
    };
    int failed = cmocka_run_group_tests_name("entities", unit, NULL, NULL);
    failed += cmocka_run_group_tests_name("entities_e2e", e2e, group_setup,
                                          group_teardown);
    return failed;
}
