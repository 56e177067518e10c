/* address.c - e-mail addresses and host names in running text
 * (address.h). */
#include "address.h"
#include "ascii.h"

#include <string.h>

/* Bytes examined either side of a word for the address it may be in. */
#define ADDRESS_SPAN 256

enum { CHUNK_PLAIN = 0, CHUNK_MAIL, CHUNK_HOST };

static int is_address_byte(unsigned char c)
{
    return gz_ascii_isalnum(c) || c == '.' || c == '@' || c == '-' ||
           c == '_' || c == '%' || c == '+' || c == '!';
}

/* A full stop at q in [a, b) between two or more letters or digits and
 * one more: "vice.ICO", "co.uk"; not the initials of "U.S.A." */
static int is_inner_dot(const unsigned char *a, const unsigned char *b,
                        const unsigned char *q)
{
    return *q == '.' && q - a >= 2 && gz_ascii_isalnum(q[-1]) &&
           gz_ascii_isalnum(q[-2]) && q + 1 < b && gz_ascii_isalnum(q[1]);
}

/* 1 when [p, b) starts with a generic top-level domain ending the
 * chunk's letters ("com" of "IBM.COM"). */
static int is_generic_tld(const unsigned char *p, const unsigned char *b)
{
    static const char *const tlds[] = {"com", "edu", "gov", "mil", "net",
                                       "org"};
    for (size_t i = 0; i < sizeof tlds / sizeof *tlds; i++)
        if (b - p >= 3 && gz_ascii_ncase_eq((const char *)p, tlds[i], 3) &&
            (b - p == 3 || !gz_ascii_isalnum(p[3])))
            return 1;
    return 0;
}

/* The kind of the chunk [a, b) (address.h), in one pass. */
static int chunk_kind(const unsigned char *a, const unsigned char *b)
{
    size_t inner = 0;
    int tld = 0, mailbox = 0;   /* mailbox: an '@' after a letter or digit */
    for (const unsigned char *q = a; q < b; q++) {
        if (*q == '@' && q > a && gz_ascii_isalnum(q[-1]))
            mailbox = 1;
        else if (*q == '.' && mailbox && q + 1 < b && gz_ascii_isalnum(q[1]))
            return CHUNK_MAIL;
        if (is_inner_dot(a, b, q)) {
            inner++;
            tld = is_generic_tld(q + 1, b);
        }
    }
    return inner >= 2 || (inner == 1 && tld) ? CHUNK_HOST : CHUNK_PLAIN;
}

void gz_address_scan_init(gz_address_scan *s, const char *text, size_t len)
{
    s->start = s->chunk_end = (const unsigned char *)text;
    s->end = s->start + len;
    s->chunk_kind = CHUNK_PLAIN;
}

int gz_address_has_word(gz_address_scan *s, const char *word)
{
    const unsigned char *at = (const unsigned char *)word;
    if (at >= s->chunk_end) {
        const unsigned char *a = at, *b = at;
        while (a > s->start && at - a < ADDRESS_SPAN &&
               is_address_byte(a[-1]))
            a--;
        while (b < s->end && b - at < ADDRESS_SPAN && is_address_byte(*b))
            b++;
        s->chunk_end = b > at ? b : at + 1;
        s->chunk_kind = chunk_kind(a, b);
    }
    return s->chunk_kind == CHUNK_MAIL ||
           (s->chunk_kind == CHUNK_HOST && at > s->start && at[-1] == '.');
}
