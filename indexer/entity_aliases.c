/* entity_aliases.c - read an entity aliases file and store it in an index
 * (entity_aliases.h). */
#include "entity_aliases.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_file.h"
#include "schema.h"

/* One line: the entity terms of its names. */
typedef struct alias_group {
    char **terms;
    size_t count;
} alias_group;

struct gz_entity_aliases {
    alias_group *groups;
    size_t count;
};

void gz_entity_aliases_free(gz_entity_aliases *aliases)
{
    if (!aliases)
        return;
    for (size_t i = 0; i < aliases->count; i++) {
        for (size_t k = 0; k < aliases->groups[i].count; k++)
            free(aliases->groups[i].terms[k]);
        free(aliases->groups[i].terms);
    }
    free(aliases->groups);
    free(aliases);
}

size_t gz_entity_aliases_count(const gz_entity_aliases *aliases)
{
    return aliases ? aliases->count : 0;
}

/* Add the entity term of the name [s, s+n) to `g`. Returns 0, -1 when the
 * name is empty (message in err), -2 when out of memory. */
static int add_name(alias_group *g, const char *s, size_t n,
                    const char *where, char *err, size_t errlen)
{
    char *name = malloc(n + 1);
    if (!name)
        return -2;
    memcpy(name, s, n);
    name[n] = '\0';
    char term[GZ_TERM_BUF];
    size_t tlen = gz_entity_term(name, term, sizeof term);
    free(name);
    if (tlen == 0) {
        snprintf(err, errlen, "%s: an empty name (write 'Name = Alias, "
                 "Alias')", where);
        return -1;
    }
    char **grown = realloc(g->terms, (g->count + 1) * sizeof *grown);
    char *copy = strdup(term);
    if (grown)
        g->terms = grown;
    if (!grown || !copy) {
        free(copy);
        return -2;
    }
    g->terms[g->count++] = copy;
    return 0;
}

/* Parse one line (comment already cut) into a group appended to
 * `aliases`; blank lines are skipped. Returns 0, -1 (syntax, message in
 * err) or -2 (out of memory). */
static int parse_line(char *line, const char *where, void *ctx, char *err,
                      size_t errlen)
{
    gz_entity_aliases *aliases = ctx;
    const char *eq = strchr(line, '=');
    if (!eq) {
        if (line[strspn(line, " \t\r\n")] == '\0')
            return 0;
        snprintf(err, errlen, "%s: expected 'Name = Alias, Alias...'",
                 where);
        return -1;
    }
    alias_group g = {NULL, 0};
    int rc = add_name(&g, line, (size_t)(eq - line), where, err, errlen);
    for (const char *p = eq + 1; rc == 0;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        rc = add_name(&g, p, n, where, err, errlen);
        if (!comma)
            break;
        p = comma + 1;
    }
    alias_group *grown = rc == 0 ? realloc(aliases->groups,
                                           (aliases->count + 1) * sizeof *grown)
                                 : NULL;
    if (rc == 0 && !grown)
        rc = -2;
    if (rc != 0) {
        for (size_t k = 0; k < g.count; k++)
            free(g.terms[k]);
        free(g.terms);
        return rc;
    }
    aliases->groups = grown;
    aliases->groups[aliases->count++] = g;
    return 0;
}

int gz_entity_aliases_read(const char *path, gz_entity_aliases **out,
                           char *err, size_t errlen)
{
    gz_entity_aliases *aliases = calloc(1, sizeof *aliases);
    if (!aliases) {
        snprintf(err, errlen, "out of memory");
        errno = ENOMEM;
        return -1;
    }
    if (gz_rules_file_read(path, "entity aliases file", parse_line, aliases,
                           err, errlen) != 0) {
        int e = errno;   /* the reader's: what went wrong */
        gz_entity_aliases_free(aliases);
        errno = e;
        return -1;
    }
    *out = aliases;
    return 0;
}

/* Remove the entity aliases (synonym keys that are entity terms). */
static xap_status clear_aliases(xap_writable *w)
{
    char **keys = NULL;
    size_t count = 0;
    xap_status s = gz_rules_synonym_keys(xap_writable_database(w),
                                         GZ_PREFIX_ENTITY, &keys, &count);
    for (size_t i = 0; s == XAP_OK && i < count; i++)
        s = xap_writable_clear_synonyms(w, keys[i]);
    gz_rules_keys_free(keys, count);
    return s;
}

xap_status gz_entity_aliases_write(xap_writable *w,
                                   const gz_entity_aliases *aliases)
{
    xap_status s = clear_aliases(w);
    for (size_t i = 0; s == XAP_OK && i < aliases->count; i++) {
        const alias_group *g = &aliases->groups[i];
        for (size_t a = 0; s == XAP_OK && a < g->count; a++)
            for (size_t b = 0; s == XAP_OK && b < g->count; b++)
                if (a != b && strcmp(g->terms[a], g->terms[b]) != 0)
                    s = xap_writable_add_synonym(w, g->terms[a],
                                                 g->terms[b]);
    }
    return s;
}
