/* gen_corpus.c - see gen_corpus.h. */
#define _GNU_SOURCE 1   /* strcasecmp, utimensat */
#include "gen_corpus.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

const char *const gen_sources[GEN_NSOURCES] = {
    "business", "politics", "sport", "tech", "world",
};

/* Share of articles per source, in %, like a real news site's desks. */
static const unsigned source_share[GEN_NSOURCES] = {24, 19, 23, 18, 16};

#define COUNT(a) (sizeof(a) / sizeof *(a))

/* ----------------------------------------------------------- word lists
 * All text here was written for this generator. Lists are in order of
 * frequency: the i-th entry is drawn with weight 1/(i+1) (Zipf). */

static const char *const determiners[] = {
    "the", "a", "its", "their", "this", "his", "her", "some", "many",
    "another", "every", "no",
};

static const char *const adjectives[] = {
    "new", "former", "major", "big", "early", "recent", "local",
    "national", "strong", "high", "long", "key", "senior", "fresh", "poor",
    "record", "public", "top", "next", "last", "second", "private",
    "foreign", "own", "small", "huge", "possible", "final", "official",
    "latest",
};

static const char *const nouns[] = {
    "year", "people", "time", "government", "week", "month", "plan",
    "deal", "report", "decision", "figures", "change", "rise", "fall",
    "level", "chance", "problem", "question", "area", "life", "family",
    "city", "power", "price", "system", "spokesman", "statement", "issue",
    "cost", "support", "money", "future", "pressure", "concerns", "rules",
    "measures", "number", "part", "group", "country", "work", "end", "day",
    "home", "move", "warning", "way", "interest", "years", "months",
    "days", "record",
};

static const char *const verbs[] = {
    "said", "has", "had", "is", "was", "will", "would", "could", "made",
    "told", "plans", "expects", "wants", "faces", "announced", "backed",
    "rejected", "won", "lost", "raised", "cut", "needs", "hopes", "warned",
    "urged", "welcomed", "agreed", "denied", "reached", "signed",
    "launched", "saw", "gave", "took", "called", "added", "set", "showed",
    "sold", "bought",
};

/* Verbs that take a whole clause ("would" takes a verb phrase). */
static const char *const future_verbs[] = {
    "cut", "raise", "back", "reject", "sign", "launch", "review", "sell",
    "buy", "end", "expand", "close", "appeal against", "announce",
};

static const char *const adverbs[] = {
    "also", "still", "now", "already", "again", "never", "often", "only",
    "just", "later", "earlier",
};

static const char *const prepositions[] = {
    "of", "in", "to", "for", "on", "with", "at", "by", "from", "after",
    "over", "against", "under", "during", "since", "before", "between",
    "about", "into", "through",
};

static const char *const conjunctions[] = {
    "and", "but", "while", "as", "because", "although", "when", "after",
};

static const char *const past_verbs[] = {
    "said", "added", "warned", "claimed", "announced", "revealed",
    "insisted", "admitted", "confirmed", "suggested", "argued", "promised",
};

static const char *const headline_verbs[] = {
    "hails", "warns over", "backs", "rejects", "plans", "wins", "faces",
    "unveils", "cuts", "seeks", "denies", "boosts", "defends", "targets",
    "admits", "calls for",
};

static const char *const intros[] = {
    "On Monday", "On Tuesday", "On Wednesday", "On Thursday", "On Friday",
    "Last year", "Last week", "Earlier this month", "At the weekend",
    "Later this year",
};

/* Per source, same order as gen_sources. */
static const char *const topic_words[GEN_NSOURCES][30] = {
    {"shares", "firm", "market", "interest rates", "economy",
     "chief executive", "profits", "sales", "growth", "investors", "bank",
     "economists", "analysts", "prices", "oil", "inflation", "jobs",
     "quarter", "dollar", "earnings", "exports", "pension", "retail",
     "stock market", "rates", "debt", "takeover", "consumers", "interest",
     "euro"},
    {"government", "Labour", "minister", "prime minister", "election",
     "party", "MPs", "Conservatives", "plans", "vote", "campaign", "policy",
     "chancellor", "tax", "parliament", "Tories", "home secretary",
     "opposition", "reform", "voters", "council", "Lib Dems", "bill",
     "leader", "spending", "budget", "immigration", "schools", "law",
     "cabinet"},
    {"Chelsea", "match", "season", "Arsenal", "world cup", "manager",
     "game", "Liverpool", "players", "team", "goal", "league", "cup",
     "coach", "win", "victory", "injury", "final", "striker", "champions",
     "title", "defeat", "club", "fans", "squad", "Manchester United",
     "Wales", "England", "rugby", "tennis"},
    {"users", "software", "technology", "internet", "mobile phones",
     "broadband", "computer", "websites", "games", "gadget", "network",
     "music", "data", "devices", "security", "video", "search engine",
     "consumers", "web", "service", "phones", "chips", "gadgets", "firms",
     "virus", "net", "program", "downloads", "systems", "console"},
    {"president", "government", "officials", "troops", "peace talks",
     "talks", "country", "minister", "aid", "border", "elections",
     "foreign minister", "ceasefire", "refugees", "capital", "military",
     "protest", "summit", "crisis", "rebels", "embassy", "United Nations",
     "European Union", "police", "attack", "leaders", "prime minister",
     "agreement", "security", "vote"},
};

static const char *const topic_adjectives[GEN_NSOURCES][4] = {
    {"economic", "financial", "annual", "quarterly"},
    {"political", "general", "local", "public"},
    {"domestic", "European", "international", "home"},
    {"digital", "online", "mobile", "wireless"},
    {"foreign", "military", "international", "humanitarian"},
};

static const char *const topic_tags[GEN_NSOURCES][6] = {
    {"economy", "markets", "interest rates", "companies", "jobs", "energy"},
    {"elections", "government", "tax", "parliament", "health", "education"},
    {"football", "rugby", "tennis", "world cup", "athletics", "cricket"},
    {"internet", "mobile", "games", "software", "music", "security"},
    {"diplomacy", "conflict", "aid", "europe", "asia", "middle east"},
};

static const char *const organisations[GEN_NSOURCES][6] = {
    {"Caldera Bank", "Northwind Holdings", "Harbour Motors",
     "Bank of England", "Meridian Air", "Orbis Energy"},
    {"Downing Street", "House of Commons", "Treasury", "Home Office",
     "Electoral Commission", "Audit Office"},
    {"Premier League", "Football Association", "Rugby Football Union",
     "Lawn Tennis Association", "Olympic Council", "Sports Council"},
    {"Vireo Systems", "Kestrel Software", "Brightline Telecom", "Ofcom",
     "Apex Games", "Lantern Labs"},
    {"United Nations", "European Union", "Red Cross", "World Bank",
     "African Union", "Security Council"},
};

static const char *const generic_subjects[GEN_NSOURCES] = {
    "The company", "The government", "The club", "The firm",
    "The ministry",
};

static const char *const roles[GEN_NSOURCES][3] = {
    {"chief executive", "finance director", "chairman"},
    {"home secretary", "chancellor", "party leader"},
    {"manager", "captain", "coach"},
    {"founder", "chief technology officer", "analyst"},
    {"foreign minister", "president", "envoy"},
};

static const char *const places[] = {
    "London", "Paris", "Brussels", "Washington", "Tokyo", "Berlin",
    "Madrid", "Edinburgh", "Manchester", "Cardiff", "Beijing", "Moscow",
    "Delhi", "Geneva", "Rome", "Dublin", "Nairobi", "Sydney",
    "Z\xC3\xBCrich", "S\xC3\xA3o Paulo",
};

static const char *const first_names[] = {
    "Tom", "Sarah", "James", "Helen", "David", "Rachel", "Peter", "Anna",
    "Michael", "Claire", "John", "Emma", "Richard", "Laura", "Mark",
    "Fiona", "Paul", "Julia", "Simon", "Karen", "Andrew", "Lucy", "Neil",
    "Zo\xC3\xAB", "Jos\xC3\xA9", ("Ren\xC3\xA9" "e"), "Graham", "Nadia",
    "Owen", "Priya", "Samuel", "Chloe", "Kwame", "Ingrid", "Hamid",
    "Marta", "Luis", "Aoife", "Tariq", "Yuki",
};

static const char *const surnames[] = {
    "Hartley", "Okafor", "Brennan", "Whitcombe", "Ashworth", "Lindqvist",
    "Moreau", "Castell", "Pryce", "Dunmore", "Fairbairn", "Kovacs",
    "Mahler", "Osei", "Ramsay", "Thorne", "Vance", "Whitlock", "Aldous",
    "Barrow", "Calloway", "Delaney", "Ellery", "Fitzroy", "Garside",
    "Holloway", "Iqbal", "Jarvis", "Kendrick", "Lowther", "M\xC3\xBCller",
    "Nakamura", "Oduya", "Pemberton", "Quayle", "Rourke", "Sandoval",
    "Tennant", "Ulrich", "Varga", "Wakefield", "Yardley", "Zielinski",
    "Abernethy", "Blackwood", "Carraway", "Drummond", "Eastwood",
};

static const char *const month_names[12] = {
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
};

/* People per source, and reporters (authors). */
#define CAST 24
#define REPORTERS 16
#define NAME_MAX_LEN 48

struct gen_people {
    char cast[GEN_NSOURCES][CAST][NAME_MAX_LEN];
    char reporters[REPORTERS][NAME_MAX_LEN];
};

/* ------------------------------------------------------------- helpers */

static void die(const char *what, const char *path)
{
    fprintf(stderr, "gen_corpus: %s %s: %s\n", what, path, strerror(errno));
    abort();
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory", "");
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

/* splitmix64: the whole generator draws from this one stream. */
static uint64_t next_u64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n); 0 when n is 0. The modulo bias is far below what any
 * test could notice. */
static size_t below(gen_corpus *c, size_t n)
{
    return n ? (size_t)(next_u64(&c->rng) % n) : 0;
}

static int chance(gen_corpus *c, unsigned pct)
{
    return below(c, 100) < pct;
}

/* Index in [0, n) with weight 1/(i+1): a Zipf draw. The harmonic sum is
 * recomputed each time; lists are short, so this stays cheap. */
static size_t zipf(gen_corpus *c, size_t n)
{
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += 1.0 / (double)(i + 1);
    double u = (double)(next_u64(&c->rng) >> 11) * 0x1.0p-53 * total;
    for (size_t i = 0; i < n; i++) {
        u -= 1.0 / (double)(i + 1);
        if (u < 0)
            return i;
    }
    return n - 1;
}

static int is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 0;
    return 1;
}

/* A growing string. */
typedef struct sbuf {
    char *s;
    size_t len, cap;
} sbuf;

static void sb_addn(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p)
            die("out of memory", "");
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_add(sbuf *b, const char *s)
{
    sb_addn(b, s, strlen(s));
}

static void sb_printf(sbuf *b, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof buf)
        die("text too long", fmt);
    sb_addn(b, buf, (size_t)n);
}

/* The string built so far (never NULL), handed over to the caller. */
static char *sb_take(sbuf *b)
{
    char *s = b->s ? b->s : xstrdup("");
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

/* -------------------------------------------------------------- people */

/* 1 when `name` is among the first `n` of `names`; with `surname_only`,
 * when its last word is the last word of one of them. */
static int name_taken(const char (*names)[NAME_MAX_LEN], size_t n,
                      const char *name, int surname_only)
{
    const char *last = strrchr(name, ' ') + 1;
    for (size_t i = 0; i < n; i++)
        if (surname_only ? strcmp(strrchr(names[i], ' ') + 1, last) == 0
                         : strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

/* A new "First Last" not in names[0..n); when `distinct_surname`, its
 * surname is not used there either. */
static void new_name(gen_corpus *c, const char (*names)[NAME_MAX_LEN],
                     size_t n, int distinct_surname, char *out)
{
    do
        snprintf(out, NAME_MAX_LEN, "%s %s",
                 first_names[below(c, COUNT(first_names))],
                 surnames[below(c, COUNT(surnames))]);
    while (name_taken(names, n, out, 0) ||
           (distinct_surname && name_taken(names, n, out, 1)));
}

/* The cast of each source (distinct surnames within a source, so that
 * "Hartley" alone names one person of an article) and the reporters. */
static void make_people(gen_corpus *c)
{
    gen_people *p = xmalloc(sizeof *p);
    memset(p, 0, sizeof *p);
    for (size_t s = 0; s < GEN_NSOURCES; s++)
        for (size_t i = 0; i < CAST; i++)
            new_name(c, (const char (*)[NAME_MAX_LEN])p->cast[s], i, 1,
                     p->cast[s][i]);
    for (size_t i = 0; i < REPORTERS; i++)
        new_name(c, (const char (*)[NAME_MAX_LEN])p->reporters, i, 0,
                 p->reporters[i]);
    c->people = p;
}

const char *gen_corpus_person(const gen_corpus *c, size_t i)
{
    return i < GEN_NSOURCES * CAST ? c->people->cast[i / CAST][i % CAST]
                                   : NULL;
}

size_t gen_corpus_people(const gen_corpus *c)
{
    (void)c;
    return GEN_NSOURCES * CAST;
}

/* ------------------------------------------------------------ articles */

/* One article being written. */
typedef struct draft {
    size_t topic;
    int ascii_only;             /* Windows-1252 file: names in ASCII */
    const char *people[4];      /* chosen from the topic's cast */
    int named[4];               /* full name already used */
    size_t npeople;
    const char *orgs[2];
    size_t norgs;
    const char *place;
    sbuf text;                  /* the body so far */
    sbuf ents;                  /* "|name|name|" */
    int cap_next;               /* capitalise the next word */
    int no_space;               /* no space before the next word */
    char money[24];
} draft;

static void note_entity(draft *d, const char *name)
{
    if (!d->ents.len)
        sb_add(&d->ents, "|");
    char key[96];
    snprintf(key, sizeof key, "|%s|", name);
    if (!strstr(d->ents.s, key)) {
        sb_add(&d->ents, name);
        sb_add(&d->ents, "|");
    }
}

/* Append a word (or several) with a space before it unless at the start of
 * a paragraph; capitalised at the start of a sentence. */
static void put_word(draft *d, const char *w)
{
    if (d->text.len && d->text.s[d->text.len - 1] != '\n' && !d->no_space)
        sb_add(&d->text, " ");
    d->no_space = 0;
    if (d->cap_next && *w >= 'a' && *w <= 'z') {
        char first = (char)(*w - 'a' + 'A');
        sb_addn(&d->text, &first, 1);
        w++;
    }
    d->cap_next = 0;
    sb_add(&d->text, w);
}

static void put_punct(draft *d, const char *p)
{
    sb_add(&d->text, p);
}

/* A name drawn from `names` (Zipf), ASCII when the draft needs it. */
static const char *pick_name(gen_corpus *c, const draft *d,
                             const char *const *names, size_t n)
{
    for (;;) {
        const char *name = names[zipf(c, n)];
        if (!d->ascii_only || is_ascii(name))
            return name;
    }
}

static void put_person(gen_corpus *c, draft *d, int with_role)
{
    size_t k = below(c, d->npeople);
    const char *full = d->people[k];
    if (!d->named[k]) {
        put_word(d, full);
        note_entity(d, full);
        d->named[k] = 1;
        if (with_role && chance(c, 40)) {
            put_punct(d, ",");
            put_word(d, "the");
            put_word(d, roles[d->topic][below(c, 3)]);
            put_punct(d, ",");
        }
    } else {
        put_word(d, strrchr(full, ' ') + 1);
    }
}

static void put_org(gen_corpus *c, draft *d)
{
    const char *org = d->orgs[below(c, d->norgs)];
    put_word(d, org);
    note_entity(d, org);
}

static void put_place(draft *d)
{
    put_word(d, d->place);
    note_entity(d, d->place);
}

/* An amount of money, "£12.5m", in UTF-8; the first one is remembered. */
static void put_money(gen_corpus *c, draft *d)
{
    char amount[24];
    snprintf(amount, sizeof amount, "\xC2\xA3%zu.%zum", 1 + below(c, 99),
             below(c, 10));
    put_word(d, amount);
    if (!d->money[0])
        memcpy(d->money, amount, sizeof amount);
}

static void put_number(gen_corpus *c, draft *d)
{
    char buf[32];
    switch (below(c, 5)) {
    case 0:
        snprintf(buf, sizeof buf, "%zu per cent", 1 + below(c, 99));
        break;
    case 1:
        snprintf(buf, sizeof buf, "%zu.%zu%%", below(c, 10), below(c, 10));
        break;
    case 2:
        put_money(c, d);
        return;
    case 3:
        snprintf(buf, sizeof buf, "%zu million", 2 + below(c, 40));
        break;
    default:
        snprintf(buf, sizeof buf, "%zu", 1995 + below(c, 11));
        break;
    }
    put_word(d, buf);
}

#define PICK(list) list[zipf(c, COUNT(list))]

/* A topic word or phrase; capitalised ones are names ("Chelsea"). */
static void put_topic_noun(gen_corpus *c, draft *d)
{
    const char *w = topic_words[d->topic][zipf(c, 30)];
    put_word(d, w);
    if (*w >= 'A' && *w <= 'Z')
        note_entity(d, w);
}

/* A noun phrase without "of": a name, an amount, or [det] [adj] noun. */
static void put_simple_np(gen_corpus *c, draft *d)
{
    unsigned r = (unsigned)below(c, 100);
    if (r < 7) {
        put_person(c, d, 0);
    } else if (r < 11) {
        put_org(c, d);
    } else if (r < 13) {
        put_place(d);
    } else if (r < 20) {
        put_number(c, d);
    } else {
        if (chance(c, 70))
            put_word(d, PICK(determiners));
        if (chance(c, 25))
            put_word(d, chance(c, 50) ? PICK(adjectives)
                                      : topic_adjectives[d->topic]
                                                        [below(c, 4)]);
        if (chance(c, 55))
            put_topic_noun(c, d);
        else
            put_word(d, PICK(nouns));
    }
}

/* A noun phrase, sometimes "X of Y". */
static void put_np(gen_corpus *c, draft *d)
{
    put_simple_np(c, d);
    if (chance(c, 12)) {
        put_word(d, "of");
        put_simple_np(c, d);
    }
}

/* verb, object, and up to two prepositional phrases. */
static void put_vp(gen_corpus *c, draft *d)
{
    if (chance(c, 15))
        put_word(d, PICK(adverbs));
    put_word(d, PICK(verbs));
    put_np(c, d);
    for (int i = 0; i < 2 && chance(c, i ? 30 : 60); i++) {
        put_word(d, PICK(prepositions));
        put_np(c, d);
    }
}

static void put_clause(gen_corpus *c, draft *d)
{
    put_np(c, d);
    put_vp(c, d);
}

/* One sentence of one of a few news shapes. */
static void put_sentence(gen_corpus *c, draft *d)
{
    d->cap_next = 1;
    unsigned r = (unsigned)below(c, 100);
    if (r < 10) {                         /* "...," said Hartley. */
        put_word(d, "\"");
        d->cap_next = 1;
        d->no_space = 1;
        put_clause(c, d);
        put_punct(d, ",\"");
        put_word(d, PICK(past_verbs));
        put_person(c, d, 1);
    } else if (r < 18) {                  /* X said it would ... */
        if (chance(c, 50))
            put_org(c, d);
        else
            put_word(d, generic_subjects[d->topic]);
        put_word(d, "said it would");
        put_word(d, PICK(future_verbs));
        put_np(c, d);
        if (chance(c, 50)) {
            put_word(d, PICK(prepositions));
            put_np(c, d);
        }
    } else if (r < 28) {                  /* On Monday, ... */
        if (chance(c, 30)) {
            put_word(d, "In");
            put_place(d);
        } else {
            put_word(d, PICK(intros));
        }
        put_punct(d, ",");
        put_clause(c, d);
    } else if (r < 40) {                  /* Hartley warned that ... */
        put_person(c, d, 1);
        put_word(d, PICK(past_verbs));
        put_word(d, "that");
        put_clause(c, d);
    } else {
        put_clause(c, d);
        if (chance(c, 30)) {
            put_punct(d, ",");
            put_word(d, PICK(conjunctions));
            put_clause(c, d);
        }
    }
    put_punct(d, ".");
}

static void put_paragraph(gen_corpus *c, draft *d)
{
    if (d->text.len)
        sb_add(&d->text, "\n\n");
    size_t n = 1 + below(c, 3);
    for (size_t i = 0; i < n; i++)
        put_sentence(c, d);
}

/* Choose the cast of an article. */
static void start_draft(gen_corpus *c, draft *d, size_t topic,
                        int ascii_only)
{
    memset(d, 0, sizeof *d);
    d->topic = topic;
    d->ascii_only = ascii_only;
    const char *cast[CAST];
    for (size_t i = 0; i < CAST; i++)
        cast[i] = c->people->cast[topic][i];
    d->npeople = 2 + below(c, 3);
    for (size_t i = 0; i < d->npeople; i++) {
        const char *p;
        int again;
        do {   /* distinct people */
            p = pick_name(c, d, cast, CAST);
            again = 0;
            for (size_t j = 0; j < i; j++)
                again |= d->people[j] == p;
        } while (again);
        d->people[i] = p;
    }
    d->norgs = 1 + below(c, 2);
    d->orgs[0] = organisations[topic][zipf(c, 6)];
    d->orgs[1] = organisations[topic][zipf(c, 6)];
    d->place = pick_name(c, d, places, COUNT(places));
}

/* A body of `paragraphs` paragraphs; *d keeps the entities and money.
 * With `need_money`, a last paragraph names an amount if none did. */
static void write_body(gen_corpus *c, draft *d, size_t paragraphs,
                       int need_money)
{
    for (size_t i = 0; i < paragraphs; i++)
        put_paragraph(c, d);
    if (need_money && !d->money[0]) {
        sb_add(&d->text, "\n\n");
        d->cap_next = 1;
        put_word(d, "the deal is worth");
        put_money(c, d);
        put_punct(d, ".");
    }
    sb_add(&d->text, "\n");
}

char *gen_corpus_text(gen_corpus *c, size_t source, size_t paragraphs)
{
    draft d;
    start_draft(c, &d, source % GEN_NSOURCES, 0);
    write_body(c, &d, paragraphs, 0);
    free(d.ents.s);
    return sb_take(&d.text);
}

/* A headline: "Hartley backs interest rates plan". No colon, so it never
 * reads as a header line. */
static char *make_title(gen_corpus *c, draft *d)
{
    sbuf t = {0};
    unsigned r = (unsigned)below(c, 3);
    if (r == 0)
        sb_add(&t, strrchr(d->people[0], ' ') + 1);
    else if (r == 1)
        sb_add(&t, d->orgs[0]);
    else
        sb_add(&t, topic_words[d->topic][zipf(c, 30)]);
    if (t.s[0] >= 'a' && t.s[0] <= 'z')
        t.s[0] = (char)(t.s[0] - 'a' + 'A');
    sb_add(&t, " ");
    sb_add(&t, headline_verbs[below(c, COUNT(headline_verbs))]);
    size_t n = 1 + below(c, 3);
    for (size_t i = 0; i < n; i++) {
        sb_add(&t, " ");
        sb_add(&t, topic_words[d->topic][zipf(c, 30)]);
    }
    return sb_take(&t);
}

/* Tags: 1 to 3 distinct tags of the topic, ", " between them. */
static char *make_tags(gen_corpus *c, size_t topic)
{
    sbuf t = {0};
    size_t first = below(c, 6), n = 1 + below(c, 3);
    for (size_t i = 0; i < n; i++) {
        if (i)
            sb_add(&t, ", ");
        sb_add(&t, topic_tags[topic][(first + i * 2) % 6]);
    }
    return sb_take(&t);
}

static size_t pick_source(gen_corpus *c)
{
    size_t r = below(c, 100), s = 0;
    while (s + 1 < GEN_NSOURCES && r >= source_share[s])
        r -= source_share[s++];
    return s;
}

static size_t source_index(const char *folder)
{
    for (size_t s = 0; s < GEN_NSOURCES; s++)
        if (strcmp(gen_sources[s], folder) == 0)
            return s;
    return 0;
}

/* The next free file name in folder `s`. */
static void next_path(gen_corpus *c, size_t s, int gzip, char *out)
{
    snprintf(out, GEN_PATH_MAX, "%s/%03u.txt%s", gen_sources[s],
             ++c->next_number[s], gzip ? ".gz" : "");
}

static gen_file *new_entry(gen_corpus *c)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        gen_file *f = realloc(c->files, c->cap * sizeof *f);
        if (!f)
            die("out of memory", "");
        c->files = f;
    }
    gen_file *f = &c->files[c->n++];
    memset(f, 0, sizeof *f);
    f->copy_of = f->near_copy_of = -1;
    f->present = 1;
    return f;
}

/* The kind of file an article is written as. */
typedef struct kind {
    int gzip, header, cp1252;
} kind;

static kind draw_kind(gen_corpus *c, const gen_options *o)
{
    kind k;
    k.gzip = chance(c, o->gzip_pct);
    k.header = !chance(c, o->headerless_pct);
    k.cp1252 = chance(c, o->cp1252_pct);
    return k;
}

/* Fill a new manifest entry with a fresh article of source `s`. */
static void make_article(gen_corpus *c, gen_file *f, size_t s, kind k)
{
    f->gzip = k.gzip;
    f->header = k.header;
    f->cp1252 = k.cp1252;
    draft d;
    start_draft(c, &d, s, f->cp1252);
    f->title = make_title(c, &d);
    /* A Windows-1252 file has a pound sign: that is what it is for. */
    write_body(c, &d, 3 + below(c, 6), f->cp1252);
    memcpy(f->money, d.money, sizeof f->money);
    f->body = sb_take(&d.text);
    f->entities = d.ents.len ? sb_take(&d.ents) : xstrdup("");
    free(d.ents.s);
    snprintf(f->folder, sizeof f->folder, "%s", gen_sources[s]);
    snprintf(f->source, sizeof f->source, "%s", gen_sources[s]);
    next_path(c, s, f->gzip, f->path);
    if (!f->header) {
        f->author = xstrdup("");
        f->tags = xstrdup("");
        f->url = xstrdup("");
        return;
    }
    int y = 2003 + (int)below(c, 3), m = 1 + (int)below(c, 12),
        day = 1 + (int)below(c, 28);
    char iso[48];   /* roomy: at -O0 gcc cannot see the ranges above */
    snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, day);
    snprintf(f->date, sizeof f->date, "%.10s", iso);
    if (chance(c, 85))
        memcpy(f->date_text, f->date, sizeof f->date);
    else
        snprintf(f->date_text, sizeof f->date_text, "%d %s %d", day,
                 month_names[m - 1], y);
    const char *reporters[REPORTERS];
    for (size_t i = 0; i < REPORTERS; i++)
        reporters[i] = c->people->reporters[i];
    f->author = xstrdup(chance(c, 90)
                            ? pick_name(c, &d, reporters, REPORTERS)
                            : "");
    f->tags = chance(c, 85) ? make_tags(c, s) : xstrdup("");
    if (chance(c, 30)) {
        char url[128];
        snprintf(url, sizeof url, "https://news.example.org/%s/%04d/%02d/%s",
                 gen_sources[s], y, m, strchr(f->path, '/') + 1);
        *strstr(url, ".txt") = '\0';
        f->url = xstrdup(url);
    } else {
        f->url = xstrdup("");
    }
    if (chance(c, 4)) {
        snprintf(f->source_header, sizeof f->source_header, "%s",
                 chance(c, 50) ? "Wire" : "Syndicated");
        memcpy(f->source, f->source_header, sizeof f->source);
    }
}

/* ------------------------------------------------------------ writing */

/* Paragraphs of `body` re-broken into lines of at most 72 columns. */
static void add_wrapped(sbuf *out, const char *body)
{
    size_t col = 0;
    for (const char *p = body; *p;) {
        if (p[0] == '\n') {            /* paragraph breaks stay */
            sb_add(out, "\n");
            col = 0;
            p++;
            continue;
        }
        size_t n = strcspn(p, " \n");
        if (col && col + 1 + n > 72) {
            sb_add(out, "\n");
            col = 0;
        } else if (col) {
            sb_add(out, " ");
            col++;
        }
        sb_addn(out, p, n);
        col += n;
        p += n;
        if (*p == ' ')
            p++;
    }
}

/* The bytes of file `f` (malloc()ed, *len set). */
static char *render(const gen_file *f, size_t *len)
{
    sbuf out = {0};
    if (f->header) {
        sb_printf(&out, "Title: %s\n", f->title);
        if (f->date_text[0])
            sb_printf(&out, "Date: %s\n", f->date_text);
        if (*f->author)
            sb_printf(&out, "Author: %s\n", f->author);
        if (f->source_header[0])
            sb_printf(&out, "Source: %s\n", f->source_header);
        if (*f->url)
            sb_printf(&out, "URL: %s\n", f->url);
        if (*f->tags)
            sb_printf(&out, "Tags: %s\n", f->tags);
        sb_add(&out, "\n");
    } else {
        sb_printf(&out, "%s\n\n", f->title);
    }
    if (f->wrapped)
        add_wrapped(&out, f->body);
    else
        sb_add(&out, f->body);
    if (f->cp1252) {   /* the only non-ASCII character there is the pound */
        char *w = out.s;
        for (const char *r = out.s; *r; r++)
            if (!(r[0] == '\xC2' && r[1] == '\xA3'))
                *w++ = *r;
        *w = '\0';
        out.len = (size_t)(w - out.s);
    }
    *len = out.len;
    return sb_take(&out);
}

static void make_parents(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            die("mkdir", buf);
        *p = '/';
    }
}

static void full_path(const gen_corpus *c, const char *rel, char *out,
                      size_t size)
{
    if ((size_t)snprintf(out, size, "%s/%s", c->root, rel) >= size)
        die("path too long", rel);
}

/* Write `len` bytes to root/rel, gzip-compressed when `gzip` (level 6, no
 * name and no time in the gzip header, so the bytes depend on the text
 * alone). */
static void write_bytes(const gen_corpus *c, const char *rel,
                        const char *data, size_t len, int gzip)
{
    char path[4096];
    full_path(c, rel, path, sizeof path);
    make_parents(path);
    if (gzip) {
        gzFile g = gzopen(path, "wb6");
        if (!g)
            die("gzopen", path);
        if (len && gzwrite(g, data, (unsigned)len) != (int)len)
            die("gzwrite", path);
        if (gzclose(g) != Z_OK)
            die("gzclose", path);
        return;
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        die("fopen", path);
    if (len && fwrite(data, 1, len, f) != len)
        die("fwrite", path);
    if (fclose(f) != 0)
        die("fclose", path);
}

static void write_file(const gen_corpus *c, const gen_file *f)
{
    size_t len;
    char *bytes = render(f, &len);
    write_bytes(c, f->path, bytes, len, f->gzip);
    free(bytes);
}

/* Copy the strings of `from` into `to` (a new manifest entry). */
static void copy_fields(gen_file *to, const gen_file *from)
{
    char path[GEN_PATH_MAX];
    memcpy(path, to->path, sizeof path);
    *to = *from;
    memcpy(to->path, path, sizeof path);
    to->title = xstrdup(from->title);
    to->author = xstrdup(from->author);
    to->tags = xstrdup(from->tags);
    to->url = xstrdup(from->url);
    to->body = xstrdup(from->body);
    to->entities = xstrdup(from->entities);
    to->picked = to->edited = 0;
    to->present = 1;
}

/* A byte copy (`near` 0) or a near copy (`near` 1) of a random original,
 * in the original's folder under the next free number. */
static void make_copy(gen_corpus *c, size_t originals, int near)
{
    size_t from = below(c, originals);
    gen_file *f = new_entry(c);
    const gen_file *o = &c->files[from];
    next_path(c, source_index(o->folder), o->gzip, f->path);
    copy_fields(f, o);
    if (!near) {
        f->copy_of = (long)from;
        return;
    }
    f->near_copy_of = (long)from;
    f->wrapped = 1;
    draft d;
    start_draft(c, &d, source_index(o->folder), o->cp1252);
    free(f->title);
    f->title = make_title(c, &d);
}

static const char readme[] =
    "Generated test corpus: one folder per source, one article per file.\n";
static const char source_md[] =
    "# Source\n\nWritten by tests/gen_corpus.c from a seed; not real news.\n";

gen_options gen_default_options(uint64_t seed, size_t articles)
{
    gen_options o = {
        .seed = seed, .articles = articles, .gzip_pct = 10,
        .headerless_pct = 15, .copy_pct = 4, .near_copy_pct = 2,
        .cp1252_pct = 1, .readme = 0,
    };
    return o;
}

/* At least one of `pct` % of `n`, when n >= 50 and pct > 0. */
static size_t share(size_t n, unsigned pct)
{
    size_t k = n * pct / 100;
    return k == 0 && pct && n >= 50 ? 1 : k;
}

gen_corpus *gen_corpus_create(const char *root, const gen_options *o)
{
    gen_corpus *c = xmalloc(sizeof *c);
    memset(c, 0, sizeof *c);
    c->root = xstrdup(root);
    c->rng = o->seed;
    make_people(c);
    make_parents(root);
    if (mkdir(root, 0755) != 0 && errno != EEXIST)
        die("mkdir", root);
    /* In a corpus of 50 or more, files 1, 2 and 3 are gzipped, in
     * Windows-1252 and without header whatever the draw, so that each
     * kind occurs at least once. */
    int force = o->articles >= 50;
    for (size_t i = 0; i < o->articles; i++) {
        kind k = draw_kind(c, o);
        k.gzip |= force && i == 1 && o->gzip_pct;
        k.cp1252 |= force && i == 2 && o->cp1252_pct;
        k.header &= !(force && i == 3 && o->headerless_pct);
        make_article(c, new_entry(c), pick_source(c), k);
    }
    size_t originals = c->n;
    for (size_t i = share(originals, o->copy_pct); i > 0; i--)
        make_copy(c, originals, 0);
    for (size_t i = share(originals, o->near_copy_pct); i > 0; i--)
        make_copy(c, originals, 1);
    for (size_t i = 0; i < c->n; i++)
        write_file(c, &c->files[i]);
    if (o->readme) {
        write_bytes(c, "README.TXT", readme, sizeof readme - 1, 0);
        write_bytes(c, "SOURCE.md", source_md, sizeof source_md - 1, 0);
    }
    return c;
}

static void free_fields(gen_file *f)
{
    free(f->title);
    free(f->author);
    free(f->tags);
    free(f->url);
    free(f->body);
    free(f->entities);
}

void gen_corpus_free(gen_corpus *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        free_fields(&c->files[i]);
    free(c->files);
    free(c->people);
    free(c->root);
    free(c);
}

/* ------------------------------------------------------------- queries */

size_t gen_corpus_count(const gen_corpus *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += c->files[i].present;
    return n;
}

size_t gen_corpus_count_source(const gen_corpus *c, const char *source)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += c->files[i].present &&
             strcasecmp(c->files[i].source, source) == 0;
    return n;
}

size_t gen_corpus_count_folder(const gen_corpus *c, const char *folder)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += c->files[i].present && strcmp(c->files[i].folder, folder) == 0;
    return n;
}

size_t gen_corpus_count_copies(const gen_corpus *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++) {
        const gen_file *f = &c->files[i];
        if (f->present && !f->edited && f->copy_of >= 0) {
            const gen_file *o = &c->files[f->copy_of];
            n += o->present && !o->edited;
        }
    }
    return n;
}

size_t gen_corpus_count_gzip(const gen_corpus *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += c->files[i].present && c->files[i].gzip;
    return n;
}

size_t gen_corpus_count_cp1252(const gen_corpus *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += c->files[i].present && c->files[i].cp1252;
    return n;
}

long gen_corpus_find(const gen_corpus *c, const char *path)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->files[i].present && strcmp(c->files[i].path, path) == 0)
            return (long)i;
    return -1;
}

/* ----------------------------------------------------------- mutations */

long gen_corpus_pick(gen_corpus *c, int prefer_gzip)
{
    for (int pass = prefer_gzip ? 0 : 1; pass < 2; pass++) {
        size_t n = 0;
        for (size_t i = 0; i < c->n; i++) {
            const gen_file *f = &c->files[i];
            n += f->present && !f->picked && (pass || f->gzip);
        }
        if (!n)
            continue;
        size_t k = below(c, n);
        for (size_t i = 0; i < c->n; i++) {
            gen_file *f = &c->files[i];
            if (!(f->present && !f->picked && (pass || f->gzip)))
                continue;
            if (k-- == 0) {
                f->picked = 1;
                return (long)i;
            }
        }
    }
    return -1;
}

void gen_corpus_forget(gen_corpus *c, size_t i)
{
    c->files[i].present = 0;
}

static struct timespec mtime_of(const gen_corpus *c, const gen_file *f)
{
    char path[4096];
    struct stat st;
    full_path(c, f->path, path, sizeof path);
    if (stat(path, &st) != 0)
        die("stat", path);
    return st.st_mtim;
}

static void set_mtime(const gen_corpus *c, const gen_file *f,
                      struct timespec t)
{
    char path[4096];
    full_path(c, f->path, path, sizeof path);
    struct timespec times[2] = {t, t};
    if (utimensat(AT_FDCWD, path, times, 0) != 0)
        die("utimensat", path);
}

/* Rewrite f after a change of its fields, its mtime 2 s past the old. */
static void rewrite(gen_corpus *c, gen_file *f)
{
    struct timespec t = mtime_of(c, f);
    t.tv_sec += 2;
    write_file(c, f);
    set_mtime(c, f, t);
    f->edited = 1;
}

/* Append a paragraph (with `marker` in it when not NULL). */
static void edit_append(gen_corpus *c, gen_file *f, const char *marker)
{
    draft d;
    start_draft(c, &d, source_index(f->folder), f->cp1252);
    d.cap_next = 1;
    put_word(&d, "update");
    put_punct(&d, ":");
    put_clause(c, &d);
    if (marker) {
        put_word(&d, "with the");
        put_word(&d, marker);
        put_word(&d, "committee");
    }
    put_punct(&d, ".\n");
    sbuf body = {0};
    sb_add(&body, f->body);
    sb_add(&body, "\n");
    sb_add(&body, d.text.s);
    free(d.text.s);
    free(d.ents.s);
    free(f->body);
    f->body = sb_take(&body);
    rewrite(c, f);
}

/* Swap two different adjacent letters of a word: a same-size edit. */
static void edit_retype(gen_corpus *c, gen_file *f)
{
    size_t len = strlen(f->body), start = below(c, len);
    for (size_t k = 0; k < len; k++) {
        char *p = f->body + (start + k) % len;
        if (p[0] >= 'a' && p[0] <= 'z' && p[1] >= 'a' && p[1] <= 'z' &&
            p[0] != p[1]) {
            char t = p[0];
            p[0] = p[1];
            p[1] = t;
            rewrite(c, f);
            return;
        }
    }
    die("no word to retype in", f->path);
}

static void do_touch(gen_corpus *c, gen_file *f, size_t k)
{
    struct timespec t = {978307200 + (time_t)k, 123};   /* 2001-01-01 */
    set_mtime(c, f, t);
}

/* Move f to the next number of its folder, or of another folder when `k`
 * (its place among the renamed files) is odd. */
static void do_rename(gen_corpus *c, gen_file *f, size_t k)
{
    size_t s = source_index(f->folder);
    if (k % 2)
        s = (s + 1 + below(c, GEN_NSOURCES - 1)) % GEN_NSOURCES;
    char from[4096], to[4096], path[GEN_PATH_MAX];
    next_path(c, s, f->gzip, path);
    full_path(c, f->path, from, sizeof from);
    full_path(c, path, to, sizeof to);
    make_parents(to);
    if (rename(from, to) != 0)
        die("rename", from);
    memcpy(f->path, path, sizeof path);
    snprintf(f->folder, sizeof f->folder, "%s", gen_sources[s]);
    if (!f->source_header[0])
        snprintf(f->source, sizeof f->source, "%s", gen_sources[s]);
}

static void do_remove(gen_corpus *c, gen_file *f)
{
    char path[4096];
    full_path(c, f->path, path, sizeof path);
    if (unlink(path) != 0)
        die("unlink", path);
    f->present = 0;
}

/* Pick `n` files (the first gzipped when possible) into out[]. */
static size_t pick_many(gen_corpus *c, size_t n, size_t *out)
{
    size_t got = 0;
    if (n > GEN_MAX_PICK)
        n = GEN_MAX_PICK;
    while (got < n) {
        long i = gen_corpus_pick(c, got == 0);
        if (i < 0)
            break;
        out[got++] = (size_t)i;
    }
    return got;
}

void gen_corpus_mutate(gen_corpus *c, const gen_changes *w, gen_mutation *m)
{
    memset(m, 0, sizeof *m);
    size_t edits = w->edit + w->retype;
    m->n_edited = pick_many(c, edits, m->edited);
    for (size_t k = 0; k < m->n_edited; k++) {
        gen_file *f = &c->files[m->edited[k]];
        if (k < w->edit)
            edit_append(c, f, w->marker);
        else
            edit_retype(c, f);
    }
    m->n_touched = pick_many(c, w->touch, m->touched);
    for (size_t k = 0; k < m->n_touched; k++)
        do_touch(c, &c->files[m->touched[k]], k);
    m->n_renamed = pick_many(c, w->rename, m->renamed);
    for (size_t k = 0; k < m->n_renamed; k++) {
        gen_file *f = &c->files[m->renamed[k]];
        memcpy(m->renamed_from[k], f->path, GEN_PATH_MAX);
        do_rename(c, f, k);
    }
    m->n_removed = pick_many(c, w->remove, m->removed);
    for (size_t k = 0; k < m->n_removed; k++)
        do_remove(c, &c->files[m->removed[k]]);
    gen_options o = gen_default_options(0, 0);
    o.cp1252_pct = 0;
    for (size_t k = 0; k < w->add && k < GEN_MAX_PICK; k++) {
        size_t i = c->n;
        kind kd = draw_kind(c, &o);
        kd.gzip |= k == 0;   /* the first new file is gzipped */
        make_article(c, new_entry(c), pick_source(c), kd);
        c->files[i].picked = 1;
        write_file(c, &c->files[i]);
        m->added[m->n_added++] = i;
    }
}

/* ------------------------------------------------------------ manifest */

void gen_corpus_write_manifest(const gen_corpus *c, FILE *out)
{
    fprintf(out, "path\tsource\tdate\tgzip\theader\tcp1252\tcopy_of\t"
                 "near_copy_of\ttitle\n");
    for (size_t i = 0; i < c->n; i++) {
        const gen_file *f = &c->files[i];
        if (!f->present)
            continue;
        fprintf(out, "%s\t%s\t%s\t%u\t%u\t%u\t%s\t%s\t%s\n", f->path,
                f->source, f->date, f->gzip, f->header, f->cp1252,
                f->copy_of >= 0 ? c->files[f->copy_of].path : "",
                f->near_copy_of >= 0 ? c->files[f->near_copy_of].path : "",
                f->title);
    }
}
