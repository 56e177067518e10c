/*
 * query_text.h - rewrite a Gazette query string into what Xapian's
 * QueryParser is configured to read (private to libgazette).
 */
#ifndef GAZETTE_QUERY_TEXT_H
#define GAZETTE_QUERY_TEXT_H

#include <stddef.h>

/* How to search a word the query writes in capitals, [word, word+len)
 * folded and lower-cased: the field to search it in ("caps" or "upper",
 * schema.c), or NULL to search it as a plain word. */
typedef const char *(*gz_caps_known_fn)(const char *word, size_t len,
                                        void *ctx);

/* Rewrite `query` for the QueryParser:
 *   - accents are folded like the indexer folds them (schema/fold.h);
 *   - a word written in capitals (two or more characters, no lower-case
 *     letter: "US", "WHO", "G7", or "U.S.") becomes "caps:US" or
 *     "upper:US", the word where the text writes it with capitals
 *     (query/capitals.c), as `known` says (without it: caps:), unless it
 *     is an operand of NEAR/ADJ or a word of a field's group
 *     ("title:(WHO outbreak)": the plain word in the title, as
 *     "title:WHO" is). The ranking folds a query typed all in
 *     capitals to lower case before this, so this only concerns words in
 *     capitals in a query that has lower-case letters too. "u.s." in
 *     lower case is the word "us"; so is a dotted acronym in any case
 *     inside a phrase, a text field's value or group ('"U.S. and China"',
 *     "title:U.S.", "title:(+U.S. x)"), not the phrase "u s", and one in
 *     capitals joined to a word ("U.S.-led" is "us-led", "anti-U.S."
 *     "anti-us"); a word before ':' that names no field is folded as
 *     words are ("Zürich:x" is "zurich:x");
 *   - words are lower-cased (all of Unicode), except the operators AND
 *     OR NOT XOR NEAR ADJ (and NEAR/n, ADJ/n) in capitals, the values of
 *     id: and url:, which are exact, those of source: and tag:, left as
 *     typed for the field's query to fold (gz_value_term, and the term
 *     of an older index), those of entity:, folded as gz_entity_term
 *     keys them, and those of year:, lower-cased in ASCII only.
 *     The index is lower-cased, but the QueryParser leaves capitalised
 *     words unstemmed: lower-casing makes HEZBOLLAH, Hezbollah and
 *     hezbollah the same query, stemmed alike.
 *   - a filter's group ("source:(a OR b)", "tag:(a b)": values joined
 *     by spaces or OR) becomes the filters matching any of the values,
 *     "(tag:a OR tag:b)" or, inside parentheses without an operator
 *     beside it, "source:a source:b" for a field of one value an
 *     article; a group holding anything else (another operator, a
 *     group, a sign, a field), or one of tag: or entity: values inside
 *     parentheses without an operator beside it, is refused (NULL, a
 *     one-line reason in `err`);
 *   - date:VALUE becomes date:YYYYMMDD..YYYYMMDD, where VALUE is a date
 *     (YYYY, YYYY-MM, YYYY-MM-DD or YYYYMMDD) or a range A..B of them with
 *     either end left open; a month or year stands for all its days;
 *   - elsewhere a run of two or more dots separates words, as a space
 *     would ("ceasefire... talks", "1..2"; "title:a..b" is "title:a
 *     title:b"), except in the values of the exact filters (id: url:
 *     source: tag: entity:); Xapian would refuse them as an unknown range;
 *   - a double quote never closed is dropped, unless it opens a field's
 *     value (tag:"world cup, or tag:("world cup in its group): then the
 *     value runs to the first ')' after it or to the end, quoted; a ')'
 *     closing no '(' is dropped.
 * On success returns a new malloc()ed string. On a malformed date, year
 * or filter group returns NULL with a one-line reason in `err`; on out of
 * memory returns NULL with err[0] == '\0'. */
char *gz_query_normalise(const char *query, gz_caps_known_fn known,
                         void *ctx, char *err, size_t errlen);

/* Length of the dotted acronym that starts at s[i] of [s, s+n) ("U.S.",
 * "U.S", the "U.S.A." of "U.S.A.-led": single ASCII capitals joined by
 * dots, the last dot optional, at least two letters, no word byte nor
 * dot just before or after), or 0. In a phrase or a text field's value
 * it is one word ("us"), as the indexer makes it of the text. */
size_t gz_query_acronym_length(const char *s, size_t i, size_t n);

/* The words of the caps: and upper: tokens of a normalised query,
 * lower-cased, one per line, in a new malloc()ed string ("" when none;
 * NULL when out of memory): they must not be dropped as stopwords ("US"
 * is not "us"). */
char *gz_query_capitals_words(const char *normalised);

/* The words of `query` (as gz_query_normalise gets it: a query typed all
 * in capitals already lower-cased) that must not be dropped as stopwords,
 * folded and lower-cased, one per line, in a new malloc()ed string (""
 * when none; NULL when out of memory):
 *   - a word written in capitals ("WHO" in "WHO outbreak": the acronym,
 *     even when the index never writes it in capitals and it is searched
 *     as a plain word);
 *   - the words of a text field (title:, author:, caps:, upper:):
 *     "title:who outbreak" or "title:(the who)" restrict those words to a
 *     field, which must not vanish from the query in silence (a dotted
 *     acronym is one word: "title:(U.S. x)" keeps "us").
 * Quoted phrases keep their words anyway and are skipped. */
char *gz_query_kept_words(const char *query);

/* Xapian's grammar attaches a filter to the expression just before it, so
 * in "aid NOT gaza source:world" the filter would only narrow what NOT
 * removes; and it reads "-source:world" alone as "source:world". People
 * mean filters for the whole query. Split the normalised `text` into the
 * top-level filter tokens (source: tag: entity: url: id: year: date:),
 * and the groups of filters joined by OR a filter's group became
 * ("(tag:a OR tag:b)", with its sign), that no operator touches, and the
 * rest:
 *   *rest      everything else (may be "");
 *   *filters   the filters to keep, space separated, or NULL;
 *   *excluded  the filters written with '-', without it, one per line
 *              (each excludes on its own), or NULL.
 * All new malloc()ed strings. The caller parses them apart, filters the
 * rest by *filters and takes away what each excluded filter matches.
 * Returns 0, or -1 when out of memory. */
int gz_query_split_filters(const char *text, char **rest, char **filters,
                           char **excluded);

/* Where [piece, piece+n), a piece of the query as gz_query_normalise
 * wrote it (folded and lower-cased), stands in `typed`, the query as
 * the user typed it (gz_query_clean's): the first span of `typed` that
 * folds and lower-cases to exactly those bytes, one that starts a word
 * if any does ("zebrafoo-Élysé*" for "zebrafoo-elyse*"), so that a
 * message shows the word as typed. *at points into `typed`, its length
 * in *at_n; *at is NULL when no span reads so (the piece was rewritten
 * further: "U.S." is "us"). Returns 0, or -1 when out of memory. */
int gz_query_as_typed(const char *typed, const char *piece, size_t n,
                      const char **at, size_t *at_n);

/* The first word of `query` written as a field ("titel:ceasefire",
 * "-Ttile:(a b)") that names no field: Xapian then searches "titel" and
 * what follows as words, with no word of warning. Not inside double
 * quotes, and not before a blank, '/' or ':' (a URL's "https://", a
 * time's "10:30" starts with a digit anyway), nor a single letter before
 * a backslash (a Windows path's drive, "C:\Users"; "C:/Users" is
 * before '/'), nor in a known field's group ("tag:(nyt:world OR b)":
 * values). Its length, with *name pointing into `query`; 0 when
 * there is none. Called again from *name + its length, it finds the
 * next one. */
size_t gz_query_unknown_field(const char *query, const char **name);

#endif
