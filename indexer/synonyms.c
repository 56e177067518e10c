/* synonyms.c - read a synonyms file and store it in an index (synonyms.h). */
#include "synonyms.h"
#include "ascii.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "rules_file.h"
#include "schema.h"

typedef struct rule {
    char *key;        /* lower-cased word(s), single spaces */
    char **values;    /* lower-cased single words */
    size_t nvalues;
} rule;

struct gz_synonyms {
    rule *rules;
    size_t count;
};

void gz_synonyms_free(gz_synonyms *syn)
{
    if (!syn)
        return;
    for (size_t i = 0; i < syn->count; i++) {
        for (size_t k = 0; k < syn->rules[i].nvalues; k++)
            free(syn->rules[i].values[k]);
        free(syn->rules[i].values);
        free(syn->rules[i].key);
    }
    free(syn->rules);
    free(syn);
}

size_t gz_synonyms_count(const gz_synonyms *syn)
{
    return syn ? syn->count : 0;
}

/* [s, s+n) trimmed, lower-cased (ASCII), inner white space runs made one
 * space, as a new string; NULL when out of memory. */
static char *clean_words(const char *s, size_t n)
{
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t len = 0;
    int space = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (gz_ascii_isspace(c)) {
            space = 1;
            continue;
        }
        if (space && len)
            out[len++] = ' ';
        out[len++] = (char)gz_ascii_tolower(c);
        space = 0;
    }
    out[len] = '\0';
    return out;
}

/* Parse the right-hand side "a, b, c" into r->values. Returns 0, -1 on a
 * bad value (message in err), -2 when out of memory. */
static int parse_values(const char *rhs, rule *r, const char *where,
                        char *err, size_t errlen)
{
    const char *p = rhs;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char *v = clean_words(p, n);
        if (!v)
            return -2;
        if (!*v || strchr(v, ' ')) {
            snprintf(err, errlen, "%s: synonym '%s' must be one word "
                     "(separate synonyms with commas)", where, v);
            free(v);
            return -1;
        }
        char **grown = realloc(r->values, (r->nvalues + 1) * sizeof *grown);
        if (!grown) {
            free(v);
            return -2;
        }
        r->values = grown;
        r->values[r->nvalues++] = v;
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

/* Parse one line (comment already cut) into a new rule appended to `syn`.
 * Blank lines are skipped. Returns 0, -1 (syntax, message in err) or -2
 * (out of memory). */
static int parse_line(char *line, const char *where, void *ctx, char *err,
                      size_t errlen)
{
    gz_synonyms *syn = ctx;
    char *eq = strchr(line, '=');
    if (!eq) {
        for (char *p = line; *p; p++)
            if (!gz_ascii_isspace((unsigned char)*p)) {
                snprintf(err, errlen,
                         "%s: expected 'word = synonym, synonym...'", where);
                return -1;
            }
        return 0;
    }
    rule r = {clean_words(line, (size_t)(eq - line)), NULL, 0};
    if (!r.key)
        return -2;
    int rc = 0;
    if (!*r.key) {
        snprintf(err, errlen, "%s: nothing before '='", where);
        rc = -1;
    }
    if (rc == 0)
        rc = parse_values(eq + 1, &r, where, err, errlen);
    rule *grown = rc == 0 ? realloc(syn->rules, (syn->count + 1) * sizeof *grown)
                          : NULL;
    if (rc == 0 && !grown)
        rc = -2;
    if (rc != 0) {
        for (size_t k = 0; k < r.nvalues; k++)
            free(r.values[k]);
        free(r.values);
        free(r.key);
        return rc;
    }
    syn->rules = grown;
    syn->rules[syn->count++] = r;
    return 0;
}

int gz_synonyms_read(const char *path, gz_synonyms **out, char *err,
                     size_t errlen)
{
    gz_synonyms *syn = calloc(1, sizeof *syn);
    if (!syn) {
        snprintf(err, errlen, "out of memory");
        errno = ENOMEM;
        return -1;
    }
    if (gz_rules_file_read(path, "synonyms file", parse_line, syn, err,
                           errlen) != 0) {
        int e = errno;   /* the reader's: what went wrong */
        gz_synonyms_free(syn);
        errno = e;
        return -1;
    }
    *out = syn;
    return 0;
}

/* Remove every synonym from `w`, except the entity aliases (keys that are
 * entity terms, entity_aliases.h), which --entity-aliases replaces. */
static xap_status clear_all(xap_writable *w)
{
    char **keys = NULL;
    size_t count = 0;
    xap_status s = gz_rules_synonym_keys(xap_writable_database(w), "", &keys,
                                         &count);
    for (size_t i = 0; s == XAP_OK && i < count; i++)
        if (strncmp(keys[i], GZ_PREFIX_ENTITY, strlen(GZ_PREFIX_ENTITY)) != 0)
            s = xap_writable_clear_synonyms(w, keys[i]);
    gz_rules_keys_free(keys, count);
    return s;
}

/* [s, s+n) with accents folded and lower-cased (all of Unicode), appended
 * to the new string *out (NULL: a new one) after `head`, as the indexer
 * folds the text and the searcher the query (fold.h). */
static xap_status fold_lower(const char *head, const char *s, size_t n,
                             char **out)
{
    char *folded = NULL, *lower = NULL;
    size_t flen = 0, len = 0, hlen = strlen(head);
    if (gz_fold_accents(s, n, &folded, &flen, NULL) != 0)
        return XAP_ERR_NOMEM;
    xap_status st = xap_unicode_tolower_utf8(folded, flen, &lower, &len);
    free(folded);
    if (st != XAP_OK)
        return st;
    *out = malloc(hlen + len + 1);
    if (*out) {
        memcpy(*out, head, hlen);
        memcpy(*out + hlen, lower, len);
        (*out)[hlen + len] = '\0';
    }
    free(lower);
    return *out ? XAP_OK : XAP_ERR_NOMEM;
}

xap_status gz_synonyms_fold_term(const char *term, char **out)
{
    *out = NULL;
    if (strncmp(term, GZ_PREFIX_ENTITY, strlen(GZ_PREFIX_ENTITY)) == 0)
        return (*out = strdup(term)) ? XAP_OK : XAP_ERR_NOMEM;
    /* a stemmed term: the prefix in capitals, the stem after it */
    size_t head = strncmp(term, GZ_STEM_PREFIX, strlen(GZ_STEM_PREFIX)) == 0
                      ? strlen(GZ_STEM_PREFIX) : 0;
    char prefix[8] = "";
    memcpy(prefix, term, head);
    prefix[head] = '\0';
    return fold_lower(prefix, term + head, strlen(term + head), out);
}

/* "Z" + stem of `word` (or `word` itself without a stemmer) into a new
 * string: the term the index holds for every form of the word. */
static xap_status stem_term(const xap_stem *stem, const char *word, char **out)
{
    if (!stem)
        return (*out = strdup(word)) ? XAP_OK : XAP_ERR_NOMEM;
    char *st = NULL;
    xap_status s = xap_stem_word(stem, word, &st);
    size_t n = s == XAP_OK ? strlen(GZ_STEM_PREFIX) + strlen(st) + 1 : 0;
    if (s == XAP_OK && !(*out = malloc(n)))
        s = XAP_ERR_NOMEM;
    if (s == XAP_OK)
        snprintf(*out, n, GZ_STEM_PREFIX "%s", st);
    free(st);
    return s;
}

/* Add rule `r`: the key (accents folded, lower case: the query's words
 * are, when the parser looks up their synonyms) and, for one word, its
 * stemmed term too, so "truces" finds the synonyms of "truce"; each
 * value stemmed from its folded word, the term the folded text made
 * ("café" is the term "Zcafe", which "The café" indexed). */
static xap_status add_rule(xap_writable *w, const xap_stem *stem,
                           const rule *r)
{
    char *key = NULL, *stemmed_key = NULL;
    xap_status s = fold_lower("", r->key, strlen(r->key), &key);
    if (s == XAP_OK && stem && !strchr(key, ' '))
        s = stem_term(stem, key, &stemmed_key);
    for (size_t k = 0; s == XAP_OK && k < r->nvalues; k++) {
        char *word = NULL, *value = NULL;
        s = fold_lower("", r->values[k], strlen(r->values[k]), &word);
        if (s == XAP_OK)
            s = stem_term(stem, word, &value);
        if (s == XAP_OK)
            s = xap_writable_add_synonym(w, key, value);
        if (s == XAP_OK && stemmed_key)
            s = xap_writable_add_synonym(w, stemmed_key, value);
        free(word);
        free(value);
    }
    free(key);
    free(stemmed_key);
    return s;
}

/* The rules of `syn` as lines "key = a, b" (the words as read), in a
 * new string *out; XAP_ERR_NOMEM when memory ran out. */
static xap_status rules_text(const gz_synonyms *syn, char **out, size_t *len)
{
    size_t size = 1;
    for (size_t i = 0; i < syn->count; i++) {
        size += strlen(syn->rules[i].key) + 4;
        for (size_t k = 0; k < syn->rules[i].nvalues; k++)
            size += strlen(syn->rules[i].values[k]) + 2;
    }
    char *text = malloc(size), *at = text;
    if (!text)
        return XAP_ERR_NOMEM;
    *at = '\0';
    for (size_t i = 0; i < syn->count; i++) {
        at += sprintf(at, "%s =", syn->rules[i].key);
        for (size_t k = 0; k < syn->rules[i].nvalues; k++)
            at += sprintf(at, "%s %s", k ? "," : "", syn->rules[i].values[k]);
        *at++ = '\n';
        *at = '\0';
    }
    *out = text;
    *len = (size_t)(at - text);
    return XAP_OK;
}

xap_status gz_synonyms_write(xap_writable *w, const gz_synonyms *syn,
                             const char *language)
{
    xap_stem *stem = NULL;
    xap_status s = XAP_OK;
    char *text = NULL;
    size_t len = 0;
    if (strcmp(language, "none") != 0)
        s = xap_stem_new(language, &stem);
    if (s == XAP_OK)
        s = clear_all(w);
    for (size_t i = 0; s == XAP_OK && i < syn->count; i++)
        s = add_rule(w, stem, &syn->rules[i]);
    /* the rules as read, so that a rebuild in another language can stem
     * them anew: the stems written cannot be read back into words */
    if (s == XAP_OK)
        s = rules_text(syn, &text, &len);
    if (s == XAP_OK)
        s = xap_writable_set_metadata(w, GZ_META_SYNONYMS, text, len);
    free(text);
    xap_stem_free(stem);
    return s;
}

int gz_synonyms_parse(const char *text, gz_synonyms **out)
{
    gz_synonyms *syn = calloc(1, sizeof *syn);
    char *copy = strdup(text), err[256];
    int rc = syn && copy ? 0 : -2;
    for (char *line = copy; rc == 0 && line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        rc = parse_line(line, GZ_META_SYNONYMS, syn, err, sizeof err);
        line = nl ? nl + 1 : NULL;
    }
    free(copy);
    if (rc != 0) {
        gz_synonyms_free(syn);
        return rc;
    }
    *out = syn;
    return 0;
}
