/*
 * textenc.c - UTF-8 validation and encoding, Windows-1252 decoding.
 */
#include "corpus.h"
#include "ascii.h"
#include "corpus_internal.h"
#include "named_refs.h"
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* corpus_utf8_valid - see corpus.h. */
int corpus_utf8_valid(const char *s, size_t len)
{
    return gz_utf8_valid(s, len);
}

/* Code points of bytes 0x80..0x9F in Windows-1252, as the WHATWG Encoding
 * Standard defines them. The five bytes Microsoft leaves undefined (81, 8D,
 * 8F, 90, 9D) map to the C1 control with the same value, so decoding never
 * fails and never loses a byte. 0xA0..0xFF are Latin-1 (U+00A0..U+00FF). */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

/* corpus_cp1252_code_point - see corpus_internal.h. */
unsigned corpus_cp1252_code_point(unsigned char c)
{
    if (c >= 0x80 && c <= 0x9F)
        return cp1252_high[c - 0x80];
    return c;
}

/* Bytes the UTF-8 form of `cp` takes (all Windows-1252 code points are
 * in the BMP, so at most 3). */
static size_t utf8_len(unsigned cp)
{
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
}

/* corpus_put_utf8 - see corpus_internal.h. */
char *corpus_put_utf8(char *w, unsigned long cp)
{
    if (cp < 0x80) {
        *w++ = (char)cp;
    } else if (cp < 0x800) {
        *w++ = (char)(0xC0 | (cp >> 6));
        *w++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *w++ = (char)(0xE0 | (cp >> 12));
        *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *w++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *w++ = (char)(0xF0 | (cp >> 18));
        *w++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *w++ = (char)(0x80 | (cp & 0x3F));
    }
    return w;
}

/*
 * corpus_cp1252_to_utf8 - see corpus.h.
 *
 * Two passes (measure, then write) so the result is allocated at its exact
 * size: files may be tens of MiB and a blind 3x buffer would waste a lot.
 */
char *corpus_cp1252_to_utf8(const char *s, size_t len, size_t *out_len)
{
    const unsigned char *in = (const unsigned char *)s;
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += utf8_len(corpus_cp1252_code_point(in[i]));
    /* n <= 3 * len and len is the size of an object, so n + 1 cannot wrap
     * unless len > SIZE_MAX / 3; guard anyway. */
    if (len > (SIZE_MAX - 1) / 3)
        return NULL;

    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    char *p = out;
    for (size_t i = 0; i < len; i++)
        p = corpus_put_utf8(p, corpus_cp1252_code_point(in[i]));
    *p = '\0';
    if (out_len)
        *out_len = n;
    return out;
}

/* Length of the well-formed UTF-8 sequence of two bytes or more at p
 * (p < end), or 0 when p[0] is ASCII or starts no such sequence. */
static size_t multibyte_len(const unsigned char *p, const unsigned char *end)
{
    uint32_t cp;
    if (p[0] < 0x80)
        return 0;
    size_t n = gz_utf8_next_multibyte(p, end, &cp);
    return n > 1 ? n : 0;
}

/*
 * corpus_text_to_utf8 - see corpus.h.
 *
 * Which reading wins is a vote of the non-ASCII characters: a UTF-8 text
 * with a few stray bytes (a pasted quote, one bad line of a JSON Lines
 * file) has many more well-formed sequences than bad bytes, and reading it
 * all as Windows-1252 would garble every accent in it ("Café" -> "CafÃ©").
 * In a Windows-1252 text the well-formed sequences are accidents (a
 * capital letter from C2..DF before one of 80..BF, as in "ß“"), far rarer
 * than its bad bytes (each é or ü before a letter).
 */
char *corpus_text_to_utf8(const char *s, size_t len, size_t *out_len)
{
    const unsigned char *in = (const unsigned char *)s, *end = in + len;
    size_t good = 0, bad = 0;
    for (size_t i = 0; i < len;) {
        size_t n = multibyte_len(in + i, end);
        if (n)
            good++;
        else if (in[i] >= 0x80)
            bad++;
        i += n ? n : 1;
    }
    if (good <= bad)
        return corpus_cp1252_to_utf8(s, len, out_len);
    if (len > (SIZE_MAX - 1) / 3)
        return NULL;

    size_t size = 0;
    for (size_t i = 0; i < len;) {
        size_t n = multibyte_len(in + i, end);
        size += n ? n : utf8_len(corpus_cp1252_code_point(in[i]));
        i += n ? n : 1;
    }
    char *out = malloc(size + 1);
    if (!out)
        return NULL;
    char *p = out;
    for (size_t i = 0; i < len;) {
        size_t n = multibyte_len(in + i, end);
        if (n)
            memcpy(p, in + i, n), p += n;
        else
            p = corpus_put_utf8(p, corpus_cp1252_code_point(in[i]));
        i += n ? n : 1;
    }
    *p = '\0';
    if (out_len)
        *out_len = size;
    return out;
}

/* corpus_c1_as_cp1252 - see corpus_internal.h. A C1 control is the two
 * bytes C2 80..C2 9F in UTF-8, and its Windows-1252 character takes at
 * most three. */
int corpus_c1_as_cp1252(char **s, size_t *len)
{
    const unsigned char *in = (const unsigned char *)*s;
    size_t n = *len, grow = 0, c1 = 0;
    for (size_t i = 0; i + 1 < n; i++)
        if (in[i] == 0xC2 && in[i + 1] >= 0x80 && in[i + 1] <= 0x9F) {
            c1++;
            grow += utf8_len(corpus_cp1252_code_point(in[i + 1])) - 2;
            i++;
        }
    if (!c1)
        return 0;
    char *out = malloc(n + grow + 1);
    if (!out)
        return -1;
    char *p = out;
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && in[i] == 0xC2 && in[i + 1] >= 0x80 &&
            in[i + 1] <= 0x9F) {
            p = corpus_put_utf8(p, corpus_cp1252_code_point(in[i + 1]));
            i++;
        } else {
            *p++ = (char)in[i];
        }
    }
    *p = '\0';
    free(*s);
    *s = out;
    *len = (size_t)(p - out);
    return 0;
}

static int named_ref_cmp(const void *key, const void *entry)
{
    return strcmp(key, ((const named_ref *)entry)->name);
}

/*
 * corpus_char_ref - see corpus_internal.h. Decode a character reference at p ("&amp;", "&eacute;",
 * "&#233;", "&#xE9;") into w. Returns the number of input bytes used (0
 * when p is not a reference we know; then nothing is written). Named
 * references are those of named_refs.h; a numeric one is decoded as
 * HTML decodes it: 0x80-0x9F as the Windows-1252 characters those bytes
 * are ("&#150;" is an en dash), NUL, surrogates and what is out of range
 * as U+FFFD. The output is never longer than the input: a code point
 * needing n UTF-8 bytes takes at least n + 2 characters to write as a
 * reference (U+FFFD takes 3 bytes and "&#0;" is 4; "&#150;" is 6 for 3).
 */
size_t corpus_char_ref(const char *p, const char *eol, char **w)
{
    const char *q = p + 1;
    if (q < eol && *q == '#') {
        q++;
        int hex = q < eol && (*q == 'x' || *q == 'X');
        q += hex;
        unsigned long cp = 0;
        int digits = 0;
        for (; q < eol && digits < 8; q++, digits++) {
            unsigned char c = (unsigned char)*q;
            int v = (c >= '0' && c <= '9') ? c - '0'
                    : hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f'
                        ? (c | 0x20) - 'a' + 10 : -1;
            if (v < 0)
                break;
            cp = cp * (hex ? 16 : 10) + (unsigned long)v;
        }
        if (!digits || q >= eol || *q != ';')
            return 0;
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            cp = 0xFFFD;
        else if (cp >= 0x80 && cp <= 0x9F)
            cp = corpus_cp1252_code_point((unsigned char)cp);
        if ((cp < 0x20 && cp != '\t') || cp == 0x7F)
            cp = ' ';
        *w = corpus_put_utf8(*w, cp);
        return (size_t)(q + 1 - p);
    }
    /* the longest name is 8 characters ("thetasym") */
    char name[10];
    size_t n = 0;
    while (q + n < eol && n < sizeof name - 1 &&
           gz_ascii_isalnum((unsigned char)q[n])) {
        name[n] = q[n];
        n++;
    }
    if (n < 2 || q + n >= eol || q[n] != ';')
        return 0;
    name[n] = '\0';
    const named_ref *e = bsearch(name, named_refs,
                                sizeof named_refs / sizeof named_refs[0],
                                sizeof named_refs[0], named_ref_cmp);
    if (!e)
        return 0;
    *w = corpus_put_utf8(*w, e->cp);
    return n + 2;
}
