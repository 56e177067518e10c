/*
 * textenc.c - UTF-8 validation and encoding, Windows-1252 decoding.
 */
#include "corpus.h"
#include "corpus_internal.h"
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
