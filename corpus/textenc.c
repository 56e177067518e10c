/*
 * textenc.c - UTF-8 validation and encoding, Windows-1252 decoding, the
 * charset labels of the WHATWG Encoding Standard and decoding through
 * iconv(3).
 */
#include "corpus.h"
#include "ascii.h"
#include "corpus_internal.h"
#include "named_refs.h"
#include "utf8.h"

#include <errno.h>
#include <iconv.h>
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

/* 1 when byte c, read as Windows-1252, is a letter (À..ÿ but × and ÷,
 * and Š Œ Ž š œ ž Ÿ ƒ): what a legacy file's non-ASCII bytes mostly are.
 * Its punctuation and symbols (curly quotes, dashes, €, £, NBSP, °) are
 * not: they are as often pasted into UTF-8 text as found in a legacy
 * file, so they tell neither reading from the other. */
static int is_cp1252_letter(unsigned char c)
{
    if (c >= 0xC0)
        return c != 0xD7 && c != 0xF7;
    return c == 0x83 || c == 0x8A || c == 0x8C || c == 0x8E || c == 0x9A ||
           c == 0x9C || c == 0x9E || c == 0x9F;
}

/* 1 when `cp` is of U+0700..U+07FF: Syriac, Arabic Supplement, Thaana,
 * NKo, whose two-byte sequences are those a Windows-1252 Ü, Ý, Þ or ß
 * makes with the punctuation after it. */
static int in_rare_block(uint32_t cp)
{
    return cp >= 0x700 && cp <= 0x7FF;
}

/* The code point of the well-formed multibyte sequence at p (p < end),
 * or 0 when there is none. */
static uint32_t multibyte_cp(const unsigned char *p, const unsigned char *end)
{
    uint32_t cp;
    if (p >= end || p[0] < 0x80 || gz_utf8_next_multibyte(p, end, &cp) < 2)
        return 0;
    return cp;
}

/* 1 when `cp`, a well-formed sequence's character, is no character real
 * UTF-8 text holds where it stands, so that the sequence is an accident
 * of Windows-1252: a C1 control (U+0080..U+009F: Â before a quote or a
 * dash), or a lone character of U+0700..U+07FF (in_rare_block: "ß“" is
 * NKo U+07D3), one that neither `prev` (the code point before it, 0 for
 * none or a stray byte) nor the character at `next` shares the block
 * with. Text in those scripts is runs of their letters; between Latin
 * letters, spaces or punctuation a lone one is ß or a capital before
 * punctuation. */
static int implausible(uint32_t cp, uint32_t prev, const unsigned char *next,
                       const unsigned char *end)
{
    if (cp >= 0x80 && cp <= 0x9F)
        return 1;
    return in_rare_block(cp) && !in_rare_block(prev) &&
           !in_rare_block(multibyte_cp(next, end));
}

/*
 * reads_as_utf8 - 1 when the `len` bytes at `in` (not valid UTF-8) are
 * UTF-8 with stray bytes, 0 when they are Windows-1252.
 *
 * Which reading wins is a vote of the well-formed multibyte sequences
 * against the stray bytes that are Windows-1252 letters. A UTF-8 text with
 * stray bytes (curly quotes pasted from a word processor, one bad line of
 * a JSON Lines file) keeps its sequences: reading it all as Windows-1252
 * would garble every accent in it ("Zürich" -> "ZÃ¼rich"), however many
 * quotes were pasted, so stray punctuation does not vote. A Windows-1252
 * text's accented letters are stray bytes (é or ü before a letter), and
 * its well-formed sequences are accidents needing a capital or ß
 * (C2..DF) right before punctuation or a symbol (80..BF), as in "ß“":
 * far rarer than its letters. An accident whose character real text does
 * not hold there (implausible: a C1 control, a lone NKo letter) votes for
 * Windows-1252, whose letter (Â, ß) its first byte is, so that "„Fuß“"
 * alone is read right. What is still misread is a text whose only
 * accented letters are other capitals before punctuation, such as
 * "“SE OGSÅ”" alone (Å” is U+0154, a Latin letter).
 */
static int reads_as_utf8(const unsigned char *in, size_t len)
{
    const unsigned char *end = in + len;
    size_t good = 0, letters = 0, stray = 0;
    uint32_t prev = 0;
    for (size_t i = 0; i < len;) {
        size_t n = multibyte_len(in + i, end);
        uint32_t cp = n ? multibyte_cp(in + i, end) : 0;
        if (n && implausible(cp, prev, in + i + n, end))
            letters++;
        else if (n)
            good++;
        else
            letters += is_cp1252_letter(in[i]);
        stray += !n && in[i] >= 0x80;
        prev = cp;
        i += n ? n : 1;
    }
    /* Valid UTF-8 stays as it is, C1 controls too: what they stand for
     * is the caller's to say (corpus_c1_as_cp1252, mail's headers). */
    return stray == 0 || good > letters;
}

/* corpus_text_to_utf8 - see corpus.h; which reading: reads_as_utf8. */
char *corpus_text_to_utf8(const char *s, size_t len, size_t *out_len)
{
    const unsigned char *in = (const unsigned char *)s, *end = in + len;
    if (!reads_as_utf8(in, len))
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

/* ----------------------------------------------------- declared charsets */

/*
 * The encodings of the WHATWG Encoding Standard and their labels (its
 * "Names and labels" table), which is what browsers accept in a page's
 * <meta charset>. Each name is given to iconv(3) under glibc's name for
 * the same code page; where the standard reads a label as a larger code
 * page than its name says, so do we: iso-8859-1, us-ascii and latin1 are
 * windows-1252, iso-8859-9 windows-1254, iso-8859-11 and tis-620
 * windows-874, gb2312 GBK, shift_jis windows-31j (CP932: backslash and
 * tilde stay ASCII), euc-kr windows-949 (CP949), big5 Big5-HKSCS.
 * Two departures, both HTML's own rules for a label found by scanning the
 * bytes of a page: a UTF-16 label names UTF-8 (a page whose bytes could be
 * scanned as ASCII is not UTF-16), and x-user-defined windows-1252.
 * The labels of the standard's "replacement" encoding (iso-2022-kr,
 * iso-2022-cn, hz-gb-2312), which browsers refuse to decode, are not
 * listed: they are unknown here.
 */
static const struct {
    corpus_encoding enc;
    const char *labels;     /* lower case, one space between */
} encodings[] = {
    {{"UTF-8", NULL, 0},
     "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 "
     "x-unicode20utf8 "
     /* HTML: a UTF-16 label met in the bytes is UTF-8 */
     "unicodefffe utf-16be csunicode iso-10646-ucs-2 ucs-2 unicode "
     "unicodefeff utf-16 utf-16le"},
    {{"windows-1252", NULL, 0},
     "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 "
     "iso-ir-100 iso8859-1 iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 "
     "us-ascii windows-1252 x-cp1252 "
     "x-user-defined"},     /* HTML: read as windows-1252 */
    {{"IBM866", "IBM866", 0}, "866 cp866 csibm866 ibm866"},
    {{"ISO-8859-2", "ISO-8859-2", 0},
     "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 "
     "iso_8859-2:1987 l2 latin2"},
    {{"ISO-8859-3", "ISO-8859-3", 0},
     "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 "
     "iso_8859-3:1988 l3 latin3"},
    {{"ISO-8859-4", "ISO-8859-4", 0},
     "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 "
     "iso_8859-4:1988 l4 latin4"},
    {{"ISO-8859-5", "ISO-8859-5", 0},
     "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 "
     "iso88595 iso_8859-5 iso_8859-5:1988"},
    {{"ISO-8859-6", "ISO-8859-6", 0},
     "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 "
     "iso-8859-6 iso-8859-6-e iso-8859-6-i iso-ir-127 iso8859-6 iso88596 "
     "iso_8859-6 iso_8859-6:1987"},
    {{"ISO-8859-7", "ISO-8859-7", 0},
     "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 "
     "iso-ir-126 iso8859-7 iso88597 iso_8859-7 iso_8859-7:1987 "
     "sun_eu_greek"},
    {{"ISO-8859-8", "ISO-8859-8", 0},
     "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e "
     "iso-ir-138 iso8859-8 iso88598 iso_8859-8 iso_8859-8:1988 visual"},
    {{"ISO-8859-8-I", "ISO-8859-8", 0}, "csiso88598i iso-8859-8-i logical"},
    {{"ISO-8859-10", "ISO-8859-10", 0},
     "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6"},
    {{"ISO-8859-13", "ISO-8859-13", 0}, "iso-8859-13 iso8859-13 iso885913"},
    {{"ISO-8859-14", "ISO-8859-14", 0}, "iso-8859-14 iso8859-14 iso885914"},
    {{"ISO-8859-15", "ISO-8859-15", 0},
     "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9"},
    {{"ISO-8859-16", "ISO-8859-16", 0}, "iso-8859-16"},
    {{"KOI8-R", "KOI8-R", 0}, "cskoi8r koi koi8 koi8-r koi8_r"},
    {{"KOI8-U", "KOI8-U", 0}, "koi8-ru koi8-u"},
    {{"macintosh", "MACINTOSH", 0}, "csmacintosh mac macintosh x-mac-roman"},
    {{"windows-874", "CP874", 0},
     "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874"},
    {{"windows-1250", "CP1250", 0}, "cp1250 windows-1250 x-cp1250"},
    {{"windows-1251", "CP1251", 0}, "cp1251 windows-1251 x-cp1251"},
    {{"windows-1253", "CP1253", 0}, "cp1253 windows-1253 x-cp1253"},
    {{"windows-1254", "CP1254", 0},
     "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 "
     "iso_8859-9 iso_8859-9:1989 l5 latin5 windows-1254 x-cp1254"},
    {{"windows-1255", "CP1255", 0}, "cp1255 windows-1255 x-cp1255"},
    {{"windows-1256", "CP1256", 0}, "cp1256 windows-1256 x-cp1256"},
    {{"windows-1257", "CP1257", 0}, "cp1257 windows-1257 x-cp1257"},
    {{"windows-1258", "CP1258", 0}, "cp1258 windows-1258 x-cp1258"},
    {{"x-mac-cyrillic", "MAC-CYRILLIC", 0}, "x-mac-cyrillic x-mac-ukrainian"},
    {{"GBK", "GBK", 0},
     "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk "
     "iso-ir-58 x-gbk"},
    {{"gb18030", "GB18030", 0}, "gb18030"},
    {{"Big5", "BIG5-HKSCS", 0}, "big5 big5-hkscs cn-big5 csbig5 x-x-big5"},
    {{"EUC-JP", "EUC-JP", 0}, "cseucpkdfmtjapanese euc-jp x-euc-jp"},
    {{"ISO-2022-JP", "ISO-2022-JP", 1}, "csiso2022jp iso-2022-jp"},
    {{"Shift_JIS", "CP932", 0},
     "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j "
     "x-sjis"},
    {{"EUC-KR", "CP949", 0},
     "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 "
     "ks_c_5601-1989 ksc5601 ksc_5601 windows-949"},
};

/* 1 when the space-separated list `labels` holds the n bytes at `label`. */
static int has_label(const char *labels, const char *label, size_t n)
{
    for (const char *p = labels; *p;) {
        const char *end = strchr(p, ' ');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && memcmp(p, label, n) == 0)
            return 1;
        p += len + (end != NULL);
    }
    return 0;
}

/* corpus_encoding_for_label - see corpus_internal.h. */
const corpus_encoding *corpus_encoding_for_label(const char *label, size_t n)
{
    while (n && gz_ascii_isspace((unsigned char)*label))
        label++, n--;
    while (n && gz_ascii_isspace((unsigned char)label[n - 1]))
        n--;
    char low[32];                  /* the longest label has 19 bytes */
    if (n == 0 || n >= sizeof low)
        return NULL;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)gz_ascii_tolower((unsigned char)label[i]);
    for (size_t i = 0; i < sizeof encodings / sizeof encodings[0]; i++)
        if (has_label(encodings[i].labels, low, n))
            return &encodings[i].enc;
    return NULL;
}

/* Decode all of [s, s+len) with `cd` into a new string at *out, grown
 * (doubling) while the output needs it up to `cap` bytes (cap is below
 * SIZE_MAX - 1). Returns a corpus_iconv_result. */
static int iconv_all(iconv_t cd, const char *s, size_t len, size_t cap,
                     char **out, size_t *out_len)
{
    /* enough for most text in one go: CJK takes 3 UTF-8 bytes for 2 */
    size_t guess = len > (SIZE_MAX - 16) / 3 * 2 ? SIZE_MAX
                                                  : len + len / 2 + 16;
    size_t size = guess < cap + 1 ? guess : cap + 1;   /* with the NUL */
    char *buf = malloc(size);
    if (!buf)
        return CORPUS_ICONV_NOMEM;
    char *in = (char *)s, *w = buf;
    size_t inleft = len, room = size - 1;
    while (iconv(cd, &in, &inleft, &w, &room) == (size_t)-1) {
        size_t used = (size_t)(w - buf);
        int full = errno == E2BIG;
        if (!full || size > cap) {
            free(buf);       /* EILSEQ, EINVAL (cut short), or over cap */
            return full ? CORPUS_ICONV_TOO_BIG : CORPUS_ICONV_INVALID;
        }
        size_t bigger = size <= (cap + 1) / 2 ? size * 2 : cap + 1;
        char *nb = realloc(buf, bigger);
        if (!nb) {
            free(buf);
            return CORPUS_ICONV_NOMEM;
        }
        buf = nb;
        w = buf + used;
        room = bigger - 1 - used;
        size = bigger;
    }
    *w = '\0';
    *out = buf;
    *out_len = (size_t)(w - buf);
    return CORPUS_ICONV_OK;
}

/* corpus_iconv_to_utf8 - see corpus_internal.h. */
int corpus_iconv_to_utf8(const char *charset, const char *s, size_t len,
                         size_t cap, char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (cap >= SIZE_MAX - 1)
        cap = SIZE_MAX - 2;
    iconv_t cd = iconv_open("UTF-8", charset);
    if (cd == (iconv_t)-1)
        return errno == ENOMEM ? CORPUS_ICONV_NOMEM : CORPUS_ICONV_UNKNOWN;
    int r = iconv_all(cd, s, len, cap, out, out_len);
    iconv_close(cd);
    if (r == CORPUS_ICONV_OK && !gz_utf8_valid(*out, *out_len)) {
        free(*out);          /* never seen from glibc; checked, not assumed */
        *out = NULL;
        *out_len = 0;
        r = CORPUS_ICONV_INVALID;
    }
    return r;
}
