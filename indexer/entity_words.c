/* entity_words.c - the word lists of the entity extractor and the
 * lookups in them (entity_internal.h). Every list is sorted: lookups are
 * binary searches on the ASCII-lower-cased word. */
#include "entity_internal.h"

#include <string.h>

/* Capitalised words that start sentences without being names; dropped
 * from the front of a run that starts a sentence (only in their
 * Capitalised form, so "US" is not "us"). */
static const char *const STARTERS[] = {
    "a", "about", "according", "across", "after", "afterwards", "again",
    "against", "all", "already", "also", "although", "amid", "among", "an",
    "and", "another", "any", "anybody", "anyone", "anything", "around",
    "as", "asked", "at", "because", "before", "behind", "besides",
    "between", "beyond", "both", "but", "by", "certainly", "clearly",
    "currently", "despite", "did", "do", "does", "dozens", "during", "each",
    "earlier", "eight", "eighteen", "either", "eleven", "even",
    "eventually", "every", "everybody", "everyone", "everything", "few",
    "fifteen", "fifty", "finally", "first", "five", "for", "former",
    "forty", "four", "fourteen", "from", "further", "furthermore", "given",
    "had", "has", "have", "he", "her", "here", "hers", "his", "how",
    "however", "hundred", "hundreds", "i", "if", "in", "including",
    "indeed", "initially", "instead", "into", "is", "it", "its", "just",
    "last", "later", "latter", "let", "like", "many", "meanwhile",
    "millions", "more", "moreover", "most", "much", "my", "neither",
    "never", "nevertheless", "next", "nine", "nineteen", "no", "nobody",
    "none", "nonetheless", "nor", "not", "nothing", "now", "numerous", "of",
    "often", "on", "once", "one", "only", "or", "other", "others", "our",
    "over", "overall", "perhaps", "previously", "recently", "reportedly",
    "seven", "seventeen", "several", "she", "since", "six", "sixteen", "so",
    "some", "somebody", "someone", "something", "soon", "still", "such",
    "ten", "than", "that", "the", "their", "them", "then", "there", "these",
    "they", "thirteen", "thirty", "this", "those", "though", "thousand",
    "thousands", "three", "through", "throughout", "thus", "to", "today",
    "tomorrow", "tonight", "too", "twelve", "twenty", "two", "under",
    "unless", "unlike", "until", "upon", "us", "various", "was", "we",
    "were", "what", "when", "where", "whereas", "whether", "which", "while",
    "who", "whose", "why", "with", "within", "without", "yes", "yesterday",
    "yet", "you", "your"};

/* Never an entity on their own: days, months, titles, "I'm", the header
 * words of mail and news posts ("Organization", "Lines"), the company
 * suffixes ("Inc", "Ltd") and the contact words of signatures ("Fax",
 * "Tel"). */
static const char *const NEVER_ALONE[] = {
    "am", "ambassador", "april", "archbishop", "august", "ayatollah", "bc",
    "bishop", "cardinal", "chair", "chairman", "chairwoman", "chancellor",
    "chapter", "co", "coach", "corp", "dame", "december", "distribution",
    "dr", "e-mail", "email", "emir", "envoy", "fax", "february", "friday",
    "gmbh", "governor", "i", "i'd", "i'll", "i'm", "i've", "imam", "inc",
    "january", "judge", "july", "june", "keywords", "king", "lady", "lines",
    "llc", "lord", "ltd", "march", "may", "mayor", "message-id", "minister",
    "monday", "mr", "mrs", "ms", "newsgroups", "nntp-posting-host",
    "november", "october", "ok", "organisation", "organization", "path",
    "phone", "plc", "pm", "pope", "premier", "president", "prince",
    "princess", "prof", "professor", "queen", "rabbi", "references",
    "reply-to", "saturday", "secretary", "senator", "sender", "september",
    "sheikh", "sir", "spokesman", "spokeswoman", "st", "subject", "sultan",
    "summary", "sunday", "tel", "thursday", "tuesday", "wednesday", "world",
    "xref"};

/* Common nouns written in capitals: never a name, and cut from either end
 * of a run ("US TV" gives "US", "Labour MPs" gives "Labour"). The jobs
 * among them (MP, MEP, MSP, DJ, MC, QC: the BBC corpus has "Labour MEP",
 * "Edinburgh MSP", "New York DJs", "Guy Mansfield QC") are no name either
 * way; those written before a name are TITLES too. */
static const char *const COMMON_ACRONYMS[] = {
    "ai", "cd", "cds", "ceo", "dj", "djs", "dvd", "dvds", "ev", "gdp",
    "gmt", "id", "lcd", "mc", "mep", "meps", "mp", "mp3", "mps", "msp",
    "msps", "pc", "pcs", "qc", "tv"};

/* Titles cut out of a run when a name follows them ("President Joe
 * Biden", "DJ Mike Read", "Green MEP Caroline Lucas"); a title at the end
 * stays ("Martin Luther King"). */
static const char *const TITLES[] = {
    "ambassador", "archbishop", "ayatollah", "bishop", "cardinal", "ceo",
    "chair", "chairman", "chairwoman", "chancellor", "coach", "dame", "dj",
    "dr", "emir", "envoy", "gen", "governor", "imam", "judge", "king",
    "lord", "mayor", "mc", "mep", "minister", "miss", "mp", "mr", "mrs",
    "ms", "msp", "pope", "premier",
    "president", "president-elect", "prince", "princess", "prof",
    "professor", "queen", "rabbi", "rev", "secretary", "secretary-general",
    "sen", "senator", "sheikh", "sir", "spokesman", "spokeswoman", "sultan",
    "vice-president"};

/* Multi-word titles, cut wherever they are in a run ("US Secretary of
 * State" gives "US"). Words separated by single spaces. */
const char *const gz_ew_title_phrases[] = {
    "attorney general", "chief executive", "crown prince",
    "defence minister", "defence secretary", "defense minister",
    "defense secretary", "deputy prime minister", "finance minister",
    "first minister", "foreign minister", "foreign secretary",
    "health minister", "health secretary", "home secretary",
    "interior minister", "prime minister", "secretary general",
    "secretary of state", "supreme leader", "vice president"};

/* Lower-case words allowed inside a name, between two name words. */
static const char *const CONNECTORS[] = {
    "al", "bin", "bint", "da", "das", "de", "del", "della", "den", "der",
    "di", "do", "dos", "du", "el", "for", "ibn", "la", "le", "of", "the",
    "van", "von", "y", "zu"};

/* Lower-case prefixes that make "al-Assad", "d'Ivoire" a name word. */
static const char *const PARTICLES[] = {
    "ad", "al", "an", "ar", "as", "ash", "at", "az", "bin", "d", "da", "de",
    "del", "el", "ibn", "l", "ul", "van", "von"};

/* Nouns that may be followed by "of" inside a name ("Bank of England",
 * "Organisation of Islamic Cooperation"); after other words "of" ends the
 * name, so "Mahmoud Abbas of the Palestinian Authority" stays two. */
static const char *const OF_HEADS[] = {
    "academy", "agency", "archbishop", "assembly", "association", "bank",
    "battle", "bay", "board", "bureau", "cape", "cathedral", "chamber",
    "church", "city", "college", "commission", "commonwealth", "council",
    "court", "day", "department", "duchess", "duke", "earl", "emirate",
    "federation", "group", "gulf", "house", "institute", "isle", "isles",
    "kingdom", "lake", "league", "ministry", "mount", "museum", "office",
    "order", "organisation", "organization", "palace", "party", "port",
    "prince", "princess", "province", "queen", "republic", "school", "sea",
    "secretary", "society", "state", "states", "strait", "straits", "tower",
    "union", "university"};

/* Capitalised tails of lower-case compounds that are not names by
 * themselves ("anti-Semitism"). */
static const char *const NOT_A_NAME_TAIL[] = {"semite", "semites", "semitic",
                                              "semitism"};

/* Possessives that belong to the name they start ("Women's World Cup"). */
static const char *const POSSESSIVE_NAMES[] = {"children", "men", "people",
                                               "women"};

/* Short function words that stay in lower case in a Title Case title. */
static const char *const TITLE_SMALL_WORDS[] = {
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "in",
    "into", "nor", "of", "on", "or", "over", "the", "to", "up", "vs",
    "with"};

/* Weekdays and the months that are not also first names: a name that
 * starts with one and is also in the article without it is that name
 * ("On Wednesday Tony Blair said ... Tony Blair" gives "Tony Blair"; not
 * "Sunday Times" or "Saturday Night Takeaway"). */
static const char *const DATE_WORDS[] = {
    "december", "february", "friday", "january", "monday", "november",
    "october", "saturday", "september", "sunday", "thursday", "tuesday",
    "wednesday"};

/* The months that are also names ("Theresa May", "June Carter Cash"):
 * a date at the start of a run only after a DATE_LEADS word or a day
 * number ("In May Theresa May said", "Last June Grewcock was banned"). */
static const char *const DATE_NAMES[] = {"april", "august", "july", "june",
                                         "march", "may"};

/* Words after which a weekday or month is a date, not the start of a
 * name: "On Wednesday Tony Blair said", "in December BT", "last November
 * Samuel Amoah". Not "by" ("by Sunday Telegraph"), "the" or "for" ("for
 * Saturday Night Takeaway"), which the BBC corpus has before names. */
static const char *const DATE_LEADS[] = {"in",    "last",  "next", "on",
                                         "since", "till", "until"};

/* Function words in capitals ("AND", "THE" in shouted headings): never
 * a name word. Not "US", "IT", "WHO", "AS" (AS Roma), which are names in
 * capitals. */
static const char *const CAPS_FUNCTION_WORDS[] = {
    "a", "an", "and", "are", "at", "be", "but", "by", "for", "from",
    "has", "in", "is", "not", "of", "on", "or", "the", "to", "was", "were",
    "with"};

/* Abbreviations after which '.' does not end a sentence. */
static const char *const ABBREVIATIONS[] = {
    "capt", "col", "dr", "gen", "gov", "jr", "lt", "mr", "mrs", "ms", "mt",
    "no", "prof", "rep", "rev", "sen", "sgt", "sr", "st", "vs"};

const size_t gz_ew_ntitle_phrases =
    sizeof gz_ew_title_phrases / sizeof gz_ew_title_phrases[0];

/* strncmp(word, w, len), then `word` after `w` when it is longer: the
 * order of the sorted lists, without a call per comparison. */
static int compare(const char *word, const char *w, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char a = (unsigned char)word[i], b = (unsigned char)w[i];
        if (a != b)     /* also at the end of a shorter `word` */
            return a < b ? -1 : 1;
    }
    return word[len] != '\0';
}

/* 1 when the `len` bytes at `w` (ASCII lower case expected) are in the
 * sorted list. */
static int in_list(const char *const *list, size_t n, const char *w,
                   size_t len)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = compare(list[mid], w, len);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* Lower-case ASCII copy of up to `size`-1 bytes of [w, w+len) into buf;
 * returns 0 when the word has non-ASCII bytes or is too long (no list
 * word does). */
int gz_ew_ascii_lower(const char *w, size_t len, char *buf, size_t size)
{
    if (len >= size)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)w[i];
        if (c >= 0x80)
            return 0;
        buf[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    buf[len] = '\0';
    return 1;
}

/* The lists by gz_word_list, with their lengths and the length of their
 * longest word: most words looked up are longer than any of the list
 * (the extractor asks of nearly every word whether it is a small title
 * word, a connector, ...) and need neither lower-casing nor a search.
 * (test_entities checks each list's words are found in it.) */
static const struct word_list {
    const char *const *words;
    size_t n;
    size_t longest;
} LISTS[] = {
    [EW_STARTERS] = {STARTERS, COUNT(STARTERS), 12},
    [EW_NEVER_ALONE] = {NEVER_ALONE, COUNT(NEVER_ALONE), 17},
    [EW_COMMON_ACRONYMS] = {COMMON_ACRONYMS, COUNT(COMMON_ACRONYMS), 4},
    [EW_TITLES] = {TITLES, COUNT(TITLES), 17},
    [EW_CONNECTORS] = {CONNECTORS, COUNT(CONNECTORS), 5},
    [EW_PARTICLES] = {PARTICLES, COUNT(PARTICLES), 3},
    [EW_OF_HEADS] = {OF_HEADS, COUNT(OF_HEADS), 12},
    [EW_NOT_A_NAME_TAIL] = {NOT_A_NAME_TAIL, COUNT(NOT_A_NAME_TAIL), 8},
    [EW_POSSESSIVE_NAMES] = {POSSESSIVE_NAMES, COUNT(POSSESSIVE_NAMES), 8},
    [EW_ABBREVIATIONS] = {ABBREVIATIONS, COUNT(ABBREVIATIONS), 4},
    [EW_TITLE_SMALL_WORDS] = {TITLE_SMALL_WORDS, COUNT(TITLE_SMALL_WORDS),
                              4},
    [EW_DATE_WORDS] = {DATE_WORDS, COUNT(DATE_WORDS), 9},
    [EW_DATE_NAMES] = {DATE_NAMES, COUNT(DATE_NAMES), 6},
    [EW_DATE_LEADS] = {DATE_LEADS, COUNT(DATE_LEADS), 5},
    [EW_CAPS_FUNCTION_WORDS] = {CAPS_FUNCTION_WORDS,
                                COUNT(CAPS_FUNCTION_WORDS), 4},
};

int gz_ew_word_in(gz_word_list list, const char *w, size_t len)
{
    char buf[32];
    const struct word_list *l = &LISTS[list];
    if (len > l->longest || !gz_ew_ascii_lower(w, len, buf, sizeof buf))
        return 0;
    return in_list(l->words, l->n, buf, len);
}

const char *const *gz_ew_list(gz_word_list list, size_t *n)
{
    *n = LISTS[list].n;
    return LISTS[list].words;
}
