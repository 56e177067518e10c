/*
 * query_limits.h - what a query may cost (private to libgazette).
 *
 * gazette_search checks a query against the documented limits of
 * gazette.h (GAZETTE_MAX_QUERY_*) before Xapian's parser sees it, so that
 * no query string can make a search run for long, and catches the
 * commonest syntax errors itself: Xapian 1.4's QueryParser leaks memory
 * on some syntax errors (about 100 bytes each), which a long-lived
 * process must not accumulate.
 */
#ifndef GAZETTE_QUERY_LIMITS_H
#define GAZETTE_QUERY_LIMITS_H

#include <stddef.h>

/* The query as typed, made safe to parse: a new malloc()ed copy in *out
 * where every control character (C0, DEL) is a space, as Xapian's parser
 * takes them anyway and the query code must agree with it (a query of
 * vertical tabs has nothing to search for), and without U+00AD SOFT
 * HYPHEN, which the readers take out of every field of an article
 * (corpus/read.c): "Bundes<U+00AD>regierung" pasted from a web page is
 * the word the index has, not two. The value of id: keeps both, as the
 * ids do: id:"s/a<TAB>b.txt" is not s/a b.txt. Returns 0; -1 with a one-line
 * reason in `err` when `query` is not valid UTF-8 (the words, the
 * suggestion and the echoed query would carry its bytes); -2 when out of
 * memory (err[0] == '\0'). */
int gz_query_clean(const char *query, char **out, char *err, size_t errlen);

/* 1 for a byte that ends a word of the query as the early checks split
 * it: white space or a bracket (an operator such as NEAR is a word
 * between them). */
int gz_query_ends_token(char c);

/* Check the normalised query `text` (gz_query_normalise): at most
 * GAZETTE_MAX_QUERY_TERMS words (each word of a hyphenated or otherwise
 * joined word too: "w0-w1-w2" is a phrase of three),
 * GAZETTE_MAX_QUERY_WILDCARDS wildcards, GAZETTE_MAX_QUERY_DEPTH nested
 * parentheses, NEAR/n and ADJ/n windows
 * from 1 to GAZETTE_MAX_QUERY_WINDOW, and no boolean operator
 * (AND, OR, XOR, NOT) without the words it needs on each side.
 * Returns 0, or -1 with a one-line reason in `err`. */
/* 1 when [t, t+n) is a proximity operator: "NEAR", "NEAR/3", "ADJ",
 * "ADJ/12". */
int gz_query_is_proximity(const char *t, size_t n);

/* 1 when the word [t, t+n), written between white space where a
 * proximity operator would be one, starts as NEAR/n or ADJ/n does but is
 * not one ("NEAR/-1", "NEAR/x", "ADJ/+3", "NEAR/"), with a one-line
 * reason in `err`: Xapian's parser would search it as words (NEAR/-1 as
 * the phrase "near 1"), not what was asked. 0 otherwise. */
int gz_query_malformed_window(const char *t, size_t n, char *err,
                              size_t errlen);

int gz_query_check(const char *text, char *err, size_t errlen);

/* The wildcards of the normalised query `text` that Xapian's parser
 * drops, searching the word without its '*': one after a word of a
 * phrase ('"ab* cd"', 'title:"ab* cd"') or after a word joined to the
 * one before it by '-', '/', '.', ':', '\\' or '@', which makes them a
 * phrase ("zebrafoo-ab*"); not one inside a word, which is no wildcard
 * (gz_query_infix_stars). Their number; the first one's word (the
 * white-space-delimited part of `text` up to and with its '*') in
 * [*word, *word + *len), pointing into `text` (left alone when 0). */
size_t gz_query_dropped_wildcards(const char *text, const char **word,
                                  size_t *len);

/* The words of the normalised query `text` with a '*' inside them
 * ("ab*cd", 'title:ab*cd', '"ab*cd ef"'), which Xapian's parser reads as
 * a space, not a wildcard ("ab cd"): a '*' after a word character (not
 * a CJK one) and before one; not in a filter's value, which is exact.
 * Their number; the first one's word (a word token with its sign and
 * field, or a phrase's white-space-delimited word) in [*word, *word +
 * *len), pointing into `text` (left alone when 0). */
size_t gz_query_infix_stars(const char *text, const char **word,
                            size_t *len);

/* The words of the normalised query `text` that a '*' starts ("*ab",
 * "-*ab", 'title:*ab', '"*ab cd"'), which Xapian's parser drops, as it
 * has no such wildcard: after no word character and before one; not in
 * a filter's value, which is exact. Their number; the first one's word
 * (as gz_query_infix_stars) in [*word, *word + *len), pointing into
 * `text` (left alone when 0), the first whose '*' starts a field's value
 * if any: *field is then 1, as that '*' ends the field's name, which the
 * parser searches as a word ('title:*ab' is 'title ab'); else 0. */
size_t gz_query_leading_stars(const char *text, const char **word,
                              size_t *len, int *field);

/* The results' notes on the '*'s of the normalised query `text` that
 * are no wildcards, each word shown as typed in `typed` (the query
 * gz_query_clean made, gz_query_as_typed): those inside a word
 * (gz_query_infix_stars: "the '*' in 'ab*cd' was read as a space ('ab
 * cd'): ...") and those the parser drops (gz_query_dropped_wildcards:
 * "the '*' of 'zebrafoo-ab*' was left out: ...") and those that start a
 * word (gz_query_leading_stars: "the '*' of '*ab' was left out: ..."),
 * each naming the first such word and how many more there are; "; "
 * between them. A new
 * malloc()ed string in *notes, NULL when there is nothing to say.
 * Returns 0, or -1 when out of memory. */
int gz_query_wildcard_notes(const char *typed, const char *text,
                            char **notes);

/* 1 when the query `text` is operators alone ("OR", "AND AND", "NOT",
 * "(OR)": AND, OR, NOT, XOR, NEAR, ADJ, NEAR/n, ADJ/n in capitals, and
 * brackets), with a one-line message in `err` saying so, and how to
 * search for the word itself; 0 otherwise (err left alone). Only asked
 * of a query refused anyway, by gz_query_check or by Xapian's parser: it
 * words the refusal, and refuses nothing itself ("NEAR/3" alone is
 * Xapian's phrase "near 3"). A query all in capitals with a word besides
 * its operators is none: it is plain words (gz_ranking_query_text). */
int gz_query_operators_alone(const char *text, char *err, size_t errlen);

/* 1 when the query `text`, which Xapian's parser refused as grammar
 * ("Syntax: <expression> NOT <expression>"), has a boolean operator
 * (AND, OR, XOR, NOT, in capitals, also beside a bracket) without the
 * word it needs on a side: "NOT NOT gaza", "gaza (OR) truce", "(gaza
 * NOT)". `err` then gets a one-line message naming the first such
 * operator as gz_query_check names one ("'NOT' needs a word before it,
 * not another operator"; "within its brackets" when a bracket stands
 * there), instead of Xapian's grammar. 0 otherwise (err left alone). */
int gz_query_operator_without_word(const char *text, char *err,
                                   size_t errlen);

/* A query that only excludes words ("-gaza", "-gaza -lebanon", one
 * stopword aside: "the -gaza"), which Xapian's parser refuses and then reads
 * leniently as the words themselves, the opposite of what was asked: 1
 * with "NOT gaza NOT lebanon" (every article but those) as a new
 * malloc()ed string in *out;
 * 0 for any other query (*out NULL); -2 when out of memory. */
int gz_query_only_excluded(const char *text, char **out);

#endif
