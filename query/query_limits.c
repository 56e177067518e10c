/* query_limits.c - query limits and early syntax checks (query_limits.h). */
#include "query_limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "ascii.h"
#include "buf.h"
#include "gazette.h"
#include "schema.h"
#include "query_text.h"
#include "stoplist.h"
#include "utf8.h"
#include "xapian_shim.h"

/* When `at` in `query` starts a field "id:" (any case) as a word of its
 * own, the end of its value: the closing quote of a quoted one, else the
 * next white space or ')'. Else `at`. The readers keep an id as its
 * file's path is written, soft hyphens and all, so id: must too. */
static const char *id_value_end(const char *query, const char *at)
{
    if ((at > query && !strchr(" \t\n\r(+-", at[-1])) ||
        !gz_ascii_ncase_eq(at, "id:", 3))
        return at;
    const char *v = at + 3;
    if (*v == '"') {
        const char *close = strchr(v + 1, '"');
        return close ? close + 1 : v + strlen(v);
    }
    while (*v && !strchr(" \t\n\r)", *v))
        v++;
    return v;
}

int gz_query_ends_token(char c)
{
    return c == '(' || c == ')' || gz_ascii_isspace((unsigned char)c);
}

int gz_query_clean(const char *query, char **out, char *err, size_t errlen)
{
    *out = NULL;
    if (errlen)
        err[0] = '\0';
    size_t len = strlen(query);
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)query;
    for (size_t at = 0; at < len;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p + at, (utf8proc_ssize_t)(len - at),
                                              &cp);
        if (n <= 0) {
            snprintf(err, errlen, "the query is not valid UTF-8 (byte %zu)",
                     at + 1);
            return -1;
        }
        at += (size_t)n;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return -2;
    size_t n = 0;
    /* an id: value keeps its soft hyphens and control characters */
    const char *id_end = query;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)query[i];
        if (query + i >= id_end)
            id_end = id_value_end(query, query + i);
        int in_id = query + i < id_end;
        if (c == 0xC2 && (unsigned char)query[i + 1] == 0xAD && !in_id) {
            i++;   /* U+00AD SOFT HYPHEN, as the readers take it out */
            continue;
        }
        copy[n++] = (c < 0x20 || c == 0x7f) && !in_id ? ' ' : (char)c;
    }
    copy[n] = '\0';
    *out = copy;
    return 0;
}

typedef enum token_kind {
    TOKEN_END,     /* no more tokens */
    TOKEN_WORD,    /* a word, +word, -word, field:value, word* */
    TOKEN_PHRASE,  /* a "quoted phrase" (or a field's) */
    TOKEN_BOOL,    /* AND OR XOR: an operand needed on each side */
    TOKEN_NOT,     /* NOT */
    TOKEN_NEAR,    /* NEAR ADJ NEAR/n ADJ/n */
    TOKEN_OPEN,
    TOKEN_CLOSE
} token_kind;

typedef struct token {
    token_kind kind;
    const char *text;
    size_t len;
    unsigned words;   /* words it holds (a phrase: each of its words; a
                         word with CJK characters: each of them) */
    unsigned cjk;     /* CJK characters among them */
} token;

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* gz_query_is_proximity - see query_limits.h. */
int gz_query_is_proximity(const char *t, size_t n)
{
    size_t k = n >= 4 && strncmp(t, "NEAR", 4) == 0  ? 4
               : n >= 3 && strncmp(t, "ADJ", 3) == 0 ? 3
                                                     : 0;
    if (k == 0)
        return 0;
    if (k == n)
        return 1;
    if (t[k] != '/' || k + 1 == n)
        return 0;
    for (size_t i = k + 1; i < n; i++)
        if (t[i] < '0' || t[i] > '9')
            return 0;
    return 1;
}

/* gz_query_malformed_window - see query_limits.h. */
int gz_query_malformed_window(const char *t, size_t n, char *err,
                              size_t errlen)
{
    size_t k = n >= 5 && strncmp(t, "NEAR/", 5) == 0  ? 4
               : n >= 4 && strncmp(t, "ADJ/", 4) == 0 ? 3
                                                     : 0;
    if (k == 0 || gz_query_is_proximity(t, n))
        return 0;
    snprintf(err, errlen, "cannot understand the query: '%.*s' is no "
             "window of words (write %.*s/n with n from 1 to %u)", (int)n, t,
             (int)k, t, GAZETTE_MAX_QUERY_WINDOW);
    return 1;
}

/* The kind of the white-space-delimited word [t, t+n): Xapian takes a
 * capitalised operator for one only between spaces. */
static token_kind word_kind(const char *t, size_t n)
{
    if ((n == 3 && strncmp(t, "AND", 3) == 0) ||
        (n == 2 && strncmp(t, "OR", 2) == 0) ||
        (n == 3 && strncmp(t, "XOR", 3) == 0))
        return TOKEN_BOOL;
    if (n == 3 && strncmp(t, "NOT", 3) == 0)
        return TOKEN_NOT;
    return gz_query_is_proximity(t, n) ? TOKEN_NEAR : TOKEN_WORD;
}

/* The code point at p (< end) into *cp; its length. */
static size_t code_point(const char *p, const char *end, uint32_t *cp)
{
    return gz_utf8_next((const unsigned char *)p, (const unsigned char *)end,
                        cp);
}

/* 1 when code point `cp`, after the word character `before` and before
 * the text at `after` (up to `end`), keeps them one term as Xapian's
 * parser reads it: an apostrophe or '&' between letters ("o'neill",
 * "AT&T"), and '.', ',' or ';' between digits ("1,000", "1.5"). */
static int joins_one_term(uint32_t before, uint32_t cp, const char *after,
                          const char *end)
{
    uint32_t next = 0;
    if (after >= end)
        return 0;
    code_point(after, end, &next);
    if (!xap_unicode_is_wordchar(next) || gz_is_cjk(next))
        return 0;
    if (cp == '\'' || cp == '&' || cp == 0x2019 || cp == 0x201B)
        return 1;
    return (cp == '.' || cp == ',' || cp == ';') && before >= '0' &&
           before <= '9' && next >= '0' && next <= '9';
}

/* The terms Xapian's parser makes of [s, s+n): each run of word
 * characters is one, whatever joins the runs ("w0-w1-w2", "a/b", "a.b",
 * "a@b" are phrases of their runs, "a,b" several words), and each CJK
 * character is one (a word of its own to the parser of an index of CJK
 * n-grams, and a query term with the pair it starts,
 * XAP_QP_FLAG_CJK_NGRAM, so each counts towards GAZETTE_MAX_QUERY_TERMS,
 * whatever the index); *cjk gets those. At least one: a word of
 * punctuation alone counts as the word it was typed as. */
static unsigned word_count(const char *s, size_t n, unsigned *cjk)
{
    const char *end = s + n;
    unsigned runs = 0, c = 0;
    uint32_t prev = 0;   /* the word character before, 0 when none */
    for (const char *p = s; p < end;) {
        uint32_t cp;
        size_t k = code_point(p, end, &cp);
        if (gz_is_cjk(cp)) {
            c++;
            prev = 0;
        } else if (xap_unicode_is_wordchar(cp)) {
            runs += prev == 0;
            prev = cp;
        } else if (!prev || !joins_one_term(prev, cp, p + k, end)) {
            prev = 0;
        }
        p += k;
    }
    *cjk += c;
    return runs + c ? runs + c : 1;
}

/* The words of the word token [s, s+n) (word_count): a field's value
 * counts as such, but for a filter's (tag:, url:, date:, ...), which is
 * one term whatever it holds ("url:https://a.b/c"). A name before ':'
 * that names no field is words ("a:b" is the phrase "a b"). */
static unsigned token_words(const char *s, size_t n, unsigned *cjk)
{
    const char *v = s + (n && (*s == '+' || *s == '-'));
    const char *colon = memchr(v, ':', (size_t)(s + n - v));
    const gz_field *f = colon ? gz_field_by_name(v, (size_t)(colon - v))
                              : NULL;
    if (!f)
        return word_count(s, n, cjk);
    if (f->kind != GZ_KIND_TEXT && f->kind != GZ_KIND_CAPITALS)
        return 1;
    return word_count(colon + 1, (size_t)(s + n - colon - 1), cjk);
}

/* Words of the phrase starting after a quote at *p (word_count); moves
 * *p past the closing quote (or to the end: an unclosed quote runs to
 * it). */
static unsigned skip_phrase(const char **p, unsigned *cjk)
{
    unsigned words = 0;
    const char *s = *p;
    while (*s && *s != '"') {
        if (is_space(*s)) {
            s++;
            continue;
        }
        const char *w = s;
        while (*s && *s != '"' && !is_space(*s))
            s++;
        words += word_count(w, (size_t)(s - w), cjk);
    }
    *p = *s ? s + 1 : s;
    return words;
}

/* The token at *p (white space skipped), and *p moved past it. */
static token next_token(const char **p)
{
    const char *s = *p;
    while (is_space(*s))
        s++;
    token t = {.kind = TOKEN_END, .text = s};
    if (!*s) {
        *p = s;
        return t;
    }
    if (*s == '(' || *s == ')') {
        t.kind = *s == '(' ? TOKEN_OPEN : TOKEN_CLOSE;
        t.len = 1;
        *p = s + 1;
        return t;
    }
    if (*s == '"') {
        *p = s + 1;
        t.kind = TOKEN_PHRASE;
        t.words = skip_phrase(p, &t.cjk);
        t.len = (size_t)(*p - s);
        return t;
    }
    size_t n = 0;
    while (s[n] && !is_space(s[n]) && s[n] != '(' && s[n] != ')' &&
           s[n] != '"')
        n++;
    int delimited = !s[n] || is_space(s[n]);
    t.kind = delimited ? word_kind(s, n) : TOKEN_WORD;
    t.len = n;
    t.words = t.kind == TOKEN_WORD ? token_words(s, n, &t.cjk) : 0;
    *p = s + n;
    if (**p == '"') {   /* title:"a phrase" */
        ++*p;
        t.kind = TOKEN_PHRASE;
        t.cjk = 0;
        t.words = skip_phrase(p, &t.cjk);
        t.len = (size_t)(*p - s);
    }
    return t;
}

/* [text, text+len) as a one-line message shows it, into `out` (at least
 * 128 bytes): each control character a space, and cut (at a character's
 * start) after 100 bytes, "..." then saying so. */
static void echo_query(const char *text, size_t len, char *out,
                       size_t outlen)
{
    enum { SHOWN = 100 };
    size_t n = len;
    if (n > SHOWN) {
        n = SHOWN;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--;
    }
    snprintf(out, outlen, "%.*s%s", (int)n, text, n < len ? "..." : "");
    for (char *c = out; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7F)
            *c = ' ';
}

/* gz_query_operators_alone - see query_limits.h. */
int gz_query_operators_alone(const char *text, char *err, size_t errlen)
{
    const char *p = text;
    token first = {.kind = TOKEN_END};
    unsigned operators = 0;
    for (token t = next_token(&p); t.kind != TOKEN_END; t = next_token(&p)) {
        if (t.kind == TOKEN_OPEN || t.kind == TOKEN_CLOSE)
            continue;
        /* "(OR)": an operator beside a bracket is one to Xapian too */
        if (t.kind == TOKEN_PHRASE || word_kind(t.text, t.len) == TOKEN_WORD)
            return 0;
        if (operators++ == 0)
            first = t;
    }
    if (operators == 0)
        return 0;
    /* The hint names the first operator as a word: "NEAR" of "NEAR/3". */
    size_t name = strcspn(first.text, "/ \t()");
    name = name < first.len ? name : first.len;
    char lower[8] = "";
    for (size_t i = 0; i < name && i + 1 < sizeof lower; i++)
        lower[i] = (char)(first.text[i] - 'A' + 'a');
    const char *start = text + strspn(text, " \t\r\n");
    size_t shown = strlen(start);
    while (shown && is_space(start[shown - 1]))
        shown--;
    char echo[128];
    echo_query(start, shown, echo, sizeof echo);
    snprintf(err, errlen,
             "cannot understand the query: '%s' is %s, with no word "
             "for %s to join (to search for the word %.*s, write it in lower "
             "case or in quotes: '%s', '\"%.*s\"')", echo,
             operators == 1 ? "an operator" : "only operators",
             operators == 1 ? "it" : "them", (int)name, first.text, lower,
             (int)name, first.text);
    return 1;
}

/* "'OR' needs a word before it", for operator token `t`, `side` "before"
 * or "after", `where` saying more ("", or standing_there's words): the
 * one wording of every operator lacking a word. */
static void say_word_needed(token t, const char *side, const char *where,
                            char *err, size_t errlen)
{
    snprintf(err, errlen,
             "cannot understand the query: '%.*s' needs a word %s it%s (an "
             "operator such as AND, OR, NOT needs a word on each side)",
             (int)t.len, t.text, side, where);
}

/* The kind of token `t` as an operator: an operator written beside a
 * bracket ("(OR)") is one to Xapian, though check_operators, wary of
 * false alarms, takes it for a word. */
static token_kind operator_kind(token t)
{
    return t.kind == TOKEN_WORD ? word_kind(t.text, t.len) : t.kind;
}

/* 1 for an operator, boolean or proximity. */
static int is_operator_kind(token_kind k)
{
    return k == TOKEN_BOOL || k == TOKEN_NOT || k == TOKEN_NEAR;
}

/* The side of operator `kind` that lacks its word, between tokens of
 * kinds `before` and `after`: 'b', 'a', or 0 when none does. NOT may
 * open the query or a group and follow AND, OR, XOR ("a AND NOT b");
 * AND, OR, XOR need a word before them; all of them one after. */
static char side_lacking_word(token_kind kind, token_kind before,
                              token_kind after)
{
    if (kind == TOKEN_BOOL && (before == TOKEN_END || before == TOKEN_OPEN ||
                               is_operator_kind(before)))
        return 'b';
    if (kind == TOKEN_NOT && (before == TOKEN_NOT || before == TOKEN_NEAR))
        return 'b';
    if ((kind == TOKEN_BOOL || kind == TOKEN_NOT) &&
        (after == TOKEN_END || after == TOKEN_CLOSE))
        return 'a';
    return 0;
}

/* What say_word_needed adds about the token of kind `there`, which
 * stands where the word should: a bracket or another operator (at the
 * start or the end of the query, nothing). */
static const char *standing_there(token_kind there)
{
    if (there == TOKEN_OPEN || there == TOKEN_CLOSE)
        return " within its brackets";
    return is_operator_kind(there) ? ", not another operator" : "";
}

/* gz_query_operator_without_word - see query_limits.h. */
int gz_query_operator_without_word(const char *text, char *err,
                                   size_t errlen)
{
    const char *p = text;
    token_kind before = TOKEN_END;
    for (token t = next_token(&p); t.kind != TOKEN_END; t = next_token(&p)) {
        token_kind kind = operator_kind(t);
        const char *p2 = p;
        token_kind after = operator_kind(next_token(&p2));
        char side = side_lacking_word(kind, before, after);
        if (side) {
            say_word_needed(t, side == 'b' ? "before" : "after",
                            standing_there(side == 'b' ? before : after),
                            err, errlen);
            return 1;
        }
        before = kind;
    }
    return 0;
}

/* Operator mistakes Xapian's parser certainly reports, found before it
 * runs (some of its error paths leak memory). Xapian reads a malformed
 * query leniently (reparsing it without operators) unless the mistake is
 * an operator lacking a word in an otherwise well-formed query, so only
 * queries of words, AND, OR, XOR, NOT and at most one NEAR/ADJ (not first,
 * not last) are judged here: AND, OR or XOR first or right after another
 * operator ("a NOT AND b"; "a AND NOT b" is fine), any of them last, and
 * with the NEAR an operator right before it ("NOT NEAR/3 x b"). Queries
 * with parentheses, quotes, +word/-word or more NEARs are left to Xapian.
 * A seeded comparison with Xapian's parser over random queries
 * (tests/test_safety.c) keeps these rules free of false alarms. Returns
 * 0, or -1 with a reason in err. */
static int check_operators(const char *text, char *err, size_t errlen)
{
    const char *p = text;
    token prev = {.kind = TOKEN_END};
    unsigned nears = 0;
    for (token t = next_token(&p); t.kind != TOKEN_END; t = next_token(&p)) {
        const char *p2 = p;
        int last = next_token(&p2).kind == TOKEN_END;
        if (t.kind == TOKEN_OPEN || t.kind == TOKEN_CLOSE ||
            t.kind == TOKEN_PHRASE ||
            (t.kind == TOKEN_WORD && (t.text[0] == '+' || t.text[0] == '-')) ||
            (t.kind == TOKEN_NEAR &&
             (prev.kind == TOKEN_END || prev.kind == TOKEN_NEAR || last)))
            return 0;
        nears += t.kind == TOKEN_NEAR;
        prev = t;
    }
    p = text;
    prev.kind = TOKEN_END;
    for (token t = next_token(&p); t.kind != TOKEN_END; t = next_token(&p)) {
        const char *p2 = p;
        int last = next_token(&p2).kind == TOKEN_END;
        int after_operator = prev.kind == TOKEN_BOOL || prev.kind == TOKEN_NOT;
        /* With NEAR in the query, Xapian reads most operator mistakes
         * leniently; only an operator right before a lone NEAR is sure to
         * fail (and that is a mistake its parser leaks memory on). */
        int needs_before = nears == 0 && t.kind == TOKEN_BOOL &&
                           (prev.kind == TOKEN_END || after_operator);
        int needs_after = nears == 0 &&
                          (t.kind == TOKEN_BOOL || t.kind == TOKEN_NOT) &&
                          last;
        if (t.kind == TOKEN_NEAR && nears == 1 && after_operator) {
            t = prev;   /* "NOT NEAR/3 x": NOT lacks its word */
            needs_after = 1;
        }
        if ((needs_before || needs_after) &&
            gz_query_operators_alone(text, err, errlen))
            return -1;
        if (needs_before || needs_after) {
            say_word_needed(t, needs_before ? "before" : "after", "", err,
                            errlen);
            return -1;
        }
        prev = t;
    }
    return 0;
}

/* Check the window of a NEAR/n or ADJ/n token [t, t+n): from 1 to
 * GAZETTE_MAX_QUERY_WINDOW words. Xapian's parser would wrap a wider
 * number into its 32-bit window (NEAR/99999999999 became NEAR 1215752192)
 * and read NEAR/0 as words. Returns 0 (also for NEAR, ADJ without a
 * number), or -1 with a one-line reason in `err`. */
static int check_window(const char *t, size_t n, char *err, size_t errlen)
{
    const char *slash = memchr(t, '/', n);
    if (!slash)
        return 0;
    unsigned long window = 0;
    for (const char *d = slash + 1; d < t + n; d++) {
        window = window * 10 + (unsigned long)(*d - '0');
        if (window > GAZETTE_MAX_QUERY_WINDOW)
            break;
    }
    if (window >= 1 && window <= GAZETTE_MAX_QUERY_WINDOW)
        return 0;
    snprintf(err, errlen, "cannot understand the query: '%.*s' asks for a "
             "window of %s%u words (write %.*s/n with n from 1 to %u)",
             (int)n, t, window ? "more than " : "",
             window ? GAZETTE_MAX_QUERY_WINDOW : 0u, (int)(slash - t), t,
             GAZETTE_MAX_QUERY_WINDOW);
    return -1;
}

int gz_query_check(const char *text, char *err, size_t errlen)
{
    unsigned words = 0, cjk = 0, wildcards = 0, depth = 0, max_depth = 0;
    const char *p = text;
    for (token t = next_token(&p); t.kind != TOKEN_END; t = next_token(&p)) {
        words += t.words;
        cjk += t.cjk;
        if (t.kind == TOKEN_WORD && t.text[t.len - 1] == '*')
            wildcards++;
        if (t.kind == TOKEN_OPEN && ++depth > max_depth)
            max_depth = depth;
        if (t.kind == TOKEN_CLOSE && depth > 0)
            depth--;
        if (t.kind == TOKEN_NEAR && check_window(t.text, t.len, err,
                                                 errlen) != 0)
            return -1;
    }
    if (words > GAZETTE_MAX_QUERY_TERMS) {
        snprintf(err, errlen, "the query has %u words%s; at most %u are "
                 "searched at once", words,
                 cjk ? " (each Chinese, Japanese or Korean character counts "
                       "as one)" : "",
                 GAZETTE_MAX_QUERY_TERMS);
        return -1;
    }
    if (wildcards > GAZETTE_MAX_QUERY_WILDCARDS) {
        snprintf(err, errlen, "the query has %u wildcards (word*); at most "
                 "%u are searched at once", wildcards,
                 GAZETTE_MAX_QUERY_WILDCARDS);
        return -1;
    }
    if (max_depth > GAZETTE_MAX_QUERY_DEPTH) {
        snprintf(err, errlen, "the query nests parentheses %u deep; at most "
                 "%u", max_depth, GAZETTE_MAX_QUERY_DEPTH);
        return -1;
    }
    return check_operators(text, err, errlen);
}

/* 1 for a byte of a word as dropped_in_piece reads one: an ASCII
 * letter or digit, '_', or a byte of a UTF-8 sequence. */
static int is_word_byte(unsigned char c)
{
    return c >= 0x80 || c == '_' || (c >= '0' && c <= '9') ||
           ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* 1 for a byte that joins the words on each side of it into a phrase
 * (Xapian's phrase generators: "e-mail", "a/b", "a.b", "a@b"). */
static int is_phrase_joiner(char c)
{
    return c != '\0' && strchr(".-/:\\@", c) != NULL;
}

/* 1 when s[at] (before `end`), a joiner after a word byte, ties two
 * words into a phrase: not a '.' between digits, which keeps one term
 * ("1.5", "v2.0": joins_one_term), whose wildcard Xapian searches. */
static int joins_a_phrase(const char *s, size_t at, const char *end)
{
    return is_phrase_joiner(s[at]) &&
           !joins_one_term((unsigned char)s[at - 1], (unsigned char)s[at],
                           s + at + 1, end);
}

/* The length of the run of '*' at s[i] (i < n) when it stands inside a
 * word, where Xapian's parser reads it as a space, not a wildcard ("ab*cd"
 * is "ab cd"): after a word character and before one ("ab**cd",
 * "ab*北京"). A CJK character before it is none: the parser drops a '*'
 * after such text anyway (docs/search.md). 0 for any other byte, and
 * for a '*' that ends a word ("ab*", "ab*-cd": a wildcard) or starts
 * one ("*ab"). */
static size_t infix_star_length(const char *s, size_t i, size_t n)
{
    if (s[i] != '*' || i == 0)
        return 0;
    size_t lead = i - 1;   /* the start of the character before */
    while (lead > 0 && ((unsigned char)s[lead] & 0xC0) == 0x80)
        lead--;
    size_t after = i;
    while (after < n && s[after] == '*')
        after++;
    if (after == n)
        return 0;
    uint32_t before = 0, next = 0;
    code_point(s + lead, s + i, &before);
    code_point(s + after, s + n, &next);
    return xap_unicode_is_wordchar(before) && !gz_is_cjk(before) &&
                   xap_unicode_is_wordchar(next)
               ? after - i
               : 0;
}

/* 1 when s[i] (i < n) starts a run of '*' that starts a word: after no
 * word character (the piece's start, a sign, a field's ':', a joiner)
 * and before one ("*ab", "**ab", "-*ab", "title:*ab"). Xapian's parser
 * has no such wildcard and drops it, as it drops any character that is
 * none of a word's; so it ends a field's name, which is then searched as
 * a word ("title:*ab" is "title ab"). */
static int leading_star(const char *s, size_t i, size_t n)
{
    if (s[i] != '*' || (i > 0 && s[i - 1] == '*'))
        return 0;
    size_t after = i;
    while (after < n && s[after] == '*')
        after++;
    uint32_t before = 0, next = 0;
    if (after == n || !code_point(s + after, s + n, &next) ||
        !xap_unicode_is_wordchar(next))
        return 0;
    if (i == 0)
        return 1;
    size_t lead = i - 1;   /* the start of the character before */
    while (lead > 0 && ((unsigned char)s[lead] & 0xC0) == 0x80)
        lead--;
    code_point(s + lead, s + i, &before);
    return !xap_unicode_is_wordchar(before);
}

/* 1 when the piece [s, s+n) has a '*' inside a word (infix_star_length). */
static int has_infix_star(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (infix_star_length(s, i, n))
            return 1;
    return 0;
}

/* The wildcard of the piece [s, s+n) (no white space in it) that the
 * parser drops: in a phrase (`in_phrase`) a '*' after any word, else
 * one after a word that a joiner ties to the word before it
 * ("zebrafoo-ab*"). The word with its '*' into [*word, *word + *len);
 * 0 when the piece has none. */
static int dropped_in_piece(const char *s, size_t n, int in_phrase,
                            const char **word, size_t *len)
{
    for (size_t i = 1; i < n; i++) {
        /* a '*' inside a word is no wildcard: gz_query_infix_stars */
        if (s[i] != '*' || !is_word_byte((unsigned char)s[i - 1]) ||
            infix_star_length(s, i, n))
            continue;
        size_t start = i;
        while (start > 0 && is_word_byte((unsigned char)s[start - 1]))
            start--;
        if (in_phrase || (start >= 2 &&
                          is_word_byte((unsigned char)s[start - 2]) &&
                          joins_a_phrase(s, start - 1, s + n))) {
            *word = s;
            *len = i + 1;
            return 1;
        }
    }
    return 0;
}

/* The field of token `t` when a name before ':' names one ("title:",
 * "-tag:"); the value after the ':' in *value. NULL when none. */
static const gz_field *token_field(token t, const char **value)
{
    const char *v = t.text + (*t.text == '+' || *t.text == '-');
    const char *colon = memchr(v, ':', (size_t)(t.text + t.len - v));
    const gz_field *f = colon ? gz_field_by_name(v, (size_t)(colon - v))
                              : NULL;
    *value = f ? colon + 1 : t.text;
    return f;
}

/* gz_query_dropped_wildcards - see query_limits.h. */
size_t gz_query_dropped_wildcards(const char *text, const char **word,
                                  size_t *len)
{
    size_t dropped = 0;
    const char *p = text;
    for (token t = next_token(&p); t.kind != TOKEN_END; t = next_token(&p)) {
        const char *v, *end = t.text + t.len, *w;
        size_t wlen;
        const gz_field *f = token_field(t, &v);
        /* a filter's value is exact: its '*' is no wildcard */
        if ((f && f->kind != GZ_KIND_TEXT) ||
            (t.kind != TOKEN_WORD && t.kind != TOKEN_PHRASE))
            continue;
        int in_phrase = t.kind == TOKEN_PHRASE;
        for (const char *q = v; q < end;) {
            while (q < end && (is_space(*q) || *q == '"'))
                q++;
            const char *piece = q;
            while (q < end && !is_space(*q) && *q != '"')
                q++;
            if (dropped_in_piece(piece, (size_t)(q - piece), in_phrase, &w,
                                 &wlen) &&
                dropped++ == 0) {
                *word = w;
                *len = wlen;
            }
        }
    }
    return dropped;
}

/* One piece of a query's words in text fields: a word with its sign and
 * field ("title:ab*cd"), or one word of a phrase. `value` is where the
 * field's value starts when the word names a text field, else NULL. */
typedef struct text_piece {
    const char *text;
    size_t len;
    const char *value;
} text_piece;

/* Calls `fn` with each text_piece of query `text` (filters left out),
 * in order, and `ctx`. */
static void each_text_piece(const char *text,
                            void (*fn)(const text_piece *piece, void *ctx),
                            void *ctx)
{
    const char *p = text;
    for (token t = next_token(&p); t.kind != TOKEN_END; t = next_token(&p)) {
        const char *v, *end = t.text + t.len;
        const gz_field *f = token_field(t, &v);
        if ((f && f->kind != GZ_KIND_TEXT) ||
            (t.kind != TOKEN_WORD && t.kind != TOKEN_PHRASE))
            continue;
        for (const char *q = t.kind == TOKEN_WORD ? t.text : v; q < end;) {
            while (q < end && (is_space(*q) || *q == '"'))
                q++;
            text_piece piece = {q, 0, t.kind == TOKEN_WORD && f ? v : NULL};
            while (q < end && !is_space(*q) && *q != '"')
                q++;
            piece.len = (size_t)(q - piece.text);
            fn(&piece, ctx);
        }
    }
}

/* What a search for odd stars found: how many, the first (or, for
 * leading stars, the first that lost its field), and whether it did. */
typedef struct star_find {
    size_t found;
    const char *word;
    size_t len;
    int field;
} star_find;

static void note_infix_star(const text_piece *piece, void *ctx)
{
    star_find *find = ctx;
    if (has_infix_star(piece->text, piece->len) && find->found++ == 0) {
        find->word = piece->text;
        find->len = piece->len;
    }
}

/* gz_query_infix_stars - see query_limits.h. */
size_t gz_query_infix_stars(const char *text, const char **word,
                            size_t *len)
{
    star_find find = {0, NULL, 0, 0};
    each_text_piece(text, note_infix_star, &find);
    if (find.found) {
        *word = find.word;
        *len = find.len;
    }
    return find.found;
}

static void note_leading_star(const text_piece *piece, void *ctx)
{
    star_find *find = ctx;
    size_t at = 0;
    while (at < piece->len && !leading_star(piece->text, at, piece->len))
        at++;
    if (at == piece->len)
        return;
    /* the field lost is the worse surprise: named first */
    int lost = piece->value && piece->text + at == piece->value;
    if (find->found++ == 0 || (lost && !find->field)) {
        find->word = piece->text;
        find->len = piece->len;
        find->field = lost;
    }
}

/* gz_query_leading_stars - see query_limits.h. */
size_t gz_query_leading_stars(const char *text, const char **word,
                              size_t *len, int *field)
{
    star_find find = {0, NULL, 0, 0};
    each_text_piece(text, note_leading_star, &find);
    *field = find.field;
    if (find.found) {
        *word = find.word;
        *len = find.len;
    }
    return find.found;
}

/* [w, w+n) of the normalised query as the user typed it in `typed`
 * (gz_query_as_typed; as normalised when it is not found), cut at a
 * character's start after `max` bytes, into `out`; with `spaced`, each
 * run of '*' inside a word a space, as the parser reads it ("ab cd" of
 * "ab*cd"). Returns 0, or -1 when out of memory. */
static int put_as_typed(gz_buf *out, const char *typed, const char *w,
                        size_t n, size_t max, int spaced)
{
    const char *at = NULL;
    size_t at_n = 0;
    if (gz_query_as_typed(typed, w, n, &at, &at_n) != 0)
        return -1;
    if (at) {
        w = at;
        n = at_n;
    }
    size_t shown = n > max ? max : n;
    while (shown < n && ((unsigned char)w[shown] & 0xC0) == 0x80)
        shown--;   /* the note is UTF-8 */
    for (size_t i = 0; i < shown;) {
        size_t run = spaced ? infix_star_length(w, i, n) : 0;
        gz_buf_put(out, run ? " " : w + i, 1);
        i += run ? run : 1;
    }
    return out->failed ? -1 : 0;
}

/* The longest a note shows of a word (bytes). */
#define NOTE_WORD 64

static void put_str(gz_buf *b, const char *s)
{
    gz_buf_put(b, s, strlen(s));
}

/* The kinds of '*' that are no wildcard, as put_star_note words them. */
enum star_kind {
    STAR_INFIX,          /* inside a word: read as a space */
    STAR_DROPPED,        /* ending a word of a phrase: left out */
    STAR_LEADING,        /* starting a word: left out */
    STAR_LEADING_FIELD   /* starting a field's value: the field lost too */
};

/* Append to `b` the note on `count` words whose '*' is no wildcard, the
 * first [word, word+len) of the normalised query, shown as typed in
 * `typed`, of kind `kind`. "; " before it when `b` has a note already.
 * Returns 0, or -1 when out of memory. */
static int put_star_note(gz_buf *b, const char *typed, const char *word,
                         size_t len, size_t count, enum star_kind kind)
{
    char more[48] = "";
    if (count > 1)
        snprintf(more, sizeof more, " (and %zu more)", count - 1);
    put_str(b, b->len ? "; " : "");
    put_str(b, kind == STAR_INFIX ? "the '*' in '" : "the '*' of '");
    int rc = put_as_typed(b, typed, word, len, NOTE_WORD, 0);
    put_str(b, "'");
    put_str(b, more);
    if (kind == STAR_INFIX) {
        put_str(b, " was read as a space ('");
        rc |= put_as_typed(b, typed, word, len, NOTE_WORD, 1);
        put_str(b, "'): a wildcard is a '*' at the end of a word, not "
                   "inside one");
    } else if (kind == STAR_DROPPED) {
        put_str(b, " was left out: a wildcard works on a word alone, not "
                   "in a phrase or a hyphenated word");
    } else {
        put_str(b, kind == STAR_LEADING_FIELD
                       ? " was left out, and the field's name before it "
                         "was searched as a word"
                       : " was left out");
        put_str(b, ": a wildcard is a '*' at the end of a word, not at its "
                   "start");
    }
    return rc || b->failed ? -1 : 0;
}

/* gz_query_wildcard_notes - see query_limits.h. */
int gz_query_wildcard_notes(const char *typed, const char *text,
                            char **notes)
{
    gz_buf b = {0};
    const char *word = NULL;
    size_t len = 0, n = gz_query_infix_stars(text, &word, &len);
    int rc = n ? put_star_note(&b, typed, word, len, n, STAR_INFIX) : 0;
    n = gz_query_dropped_wildcards(text, &word, &len);
    if (rc == 0 && n)
        rc = put_star_note(&b, typed, word, len, n, STAR_DROPPED);
    int field = 0;
    n = gz_query_leading_stars(text, &word, &len, &field);
    if (rc == 0 && n)
        rc = put_star_note(&b, typed, word, len, n,
                           field ? STAR_LEADING_FIELD : STAR_LEADING);
    *notes = rc == 0 ? b.data : NULL;
    if (rc != 0)
        gz_buf_free(&b);
    return rc;
}

/* 1 when token `t` is a stopword, which Xapian's parser drops ("the"). */
static int is_stop_token(token t)
{
    char word[32];
    if (t.kind != TOKEN_WORD || t.len >= sizeof word)
        return 0;
    memcpy(word, t.text, t.len);
    word[t.len] = '\0';
    return gz_is_stopword(word);
}

/* gz_query_only_excluded - see query_limits.h. */
int gz_query_only_excluded(const char *text, char **out)
{
    *out = NULL;
    const char *p = text;
    size_t n = 0, size = 1, stops = 0;
    for (token t = next_token(&p); t.kind != TOKEN_END; t = next_token(&p)) {
        /* one stopword: Xapian drops it and fails; two or more ("to be
         * -hamlet") it keeps, and reads the query */
        if (is_stop_token(t) && ++stops < 2)
            continue;
        if (t.kind != TOKEN_WORD || t.text[0] != '-' || t.len < 2 ||
            t.text[1] == '-')
            return 0;
        n++;
        size += strlen("NOT ") + t.len;    /* the '-' makes room for ' ' */
    }
    if (n == 0)
        return 0;
    char *w = malloc(size);
    if (!w)
        return -2;
    *out = w;
    p = text;
    for (token t = next_token(&p); t.kind != TOKEN_END; t = next_token(&p))
        if (!is_stop_token(t))
            w += sprintf(w, "%sNOT %.*s", w == *out ? "" : " ",
                         (int)t.len - 1, t.text + 1);
    return 1;
}
