/* fold.c - accent and width folding with utf8proc (fold.h). */
#include "fold.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Latin letters with diacritics live in Latin-1 Supplement, Latin
 * Extended-A and -B, and Latin Extended Additional. */
static int is_latin_letter_block(int32_t cp)
{
    return (cp >= 0xC0 && cp <= 0x24F) || (cp >= 0x1E00 && cp <= 0x1EFF);
}

/* Combining Diacritical Marks: dropped after a Latin letter ("e" + acute
 * accent written as two characters). */
static int is_latin_mark(int32_t cp)
{
    return cp >= 0x300 && cp <= 0x36F;
}

/* Latin letters without a canonical decomposition that English text
 * writes without the stroke ("Søren", "Łódź", "Kılıçdaroğlu"). */
static int32_t stroke_letter(int32_t cp)
{
    switch (cp) {
    case 0xD8: return 'O';
    case 0xF8: return 'o';
    case 0x110: return 'D';
    case 0x111: return 'd';
    case 0x126: return 'H';
    case 0x127: return 'h';
    case 0x131: return 'i';
    case 0x141: return 'L';
    case 0x142: return 'l';
    default: return 0;
    }
}

/* A halfwidth katakana letter, "ｦ" to "ﾝ" with the prolonged sound mark
 * "ｰ": the characters a following halfwidth sound mark can change. */
static int is_halfwidth_katakana_letter(int32_t cp)
{
    return cp >= 0xFF66 && cp <= 0xFF9D;
}

/* The halfwidth voiced and semi-voiced sound marks, written after the
 * katakana they change ("ｶﾞ" is "ガ"). */
static int is_halfwidth_sound_mark(int32_t cp)
{
    return cp == 0xFF9E || cp == 0xFF9F;
}

/* A letter or digit of the Halfwidth and Fullwidth Forms block
 * (U+FF00..U+FFEF) that folds: Latin letters and digits written full
 * width in Chinese, Japanese and Korean text ("ＮＨＫ", "ｉＰｈｏｎｅ",
 * "２０２４"), and halfwidth katakana ("ｶﾀｶﾅ", with its sound marks "ﾞ"
 * "ﾟ" and "ｰ"). Not the block's punctuation and symbols: they make no
 * term on either side, and in a query their ASCII forms would be syntax
 * ("＂", "－", "：", "（", "＊"). Nor halfwidth Hangul, which has no case
 * and whose full decomposition is conjoining jamo that Xapian does not
 * read as Korean. */
static int is_width_variant(int32_t cp)
{
    if (is_halfwidth_katakana_letter(cp) || is_halfwidth_sound_mark(cp))
        return 1;
    if (cp < 0xFF10 || cp > 0xFF5A)
        return 0;
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL ||
           c == UTF8PROC_CATEGORY_ND;
}

/* The compatibility mapping of one character (utf8proc's data: no table
 * here) into out[] (at most 4 code points): how many, 0 when it has
 * none. */
static int compat_char(int32_t cp, int32_t out[4])
{
    int last_boundclass = 0;
    utf8proc_ssize_t n = utf8proc_decompose_char(
        cp, out, 4, UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT, &last_boundclass);
    return n >= 1 && n <= 4 ? (int)n : 0;
}

/* The folded form of `cp` in out[] (at most 4 code points); returns how
 * many, 0 to drop the character. `after_latin`: the character before was
 * a Latin letter (or a folded one). */
static int fold_char(int32_t cp, int after_latin, int32_t out[4])
{
    int32_t plain = stroke_letter(cp);
    if (plain) {
        out[0] = plain;
        return 1;
    }
    if (is_latin_mark(cp) && after_latin)
        return 0;
    if (is_latin_letter_block(cp)) {
        int last_boundclass = 0;
        utf8proc_ssize_t n = utf8proc_decompose_char(
            cp, out, 4, UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK,
            &last_boundclass);
        if (n >= 1 && n <= 4)
            return (int)n;
    }
    if (is_width_variant(cp)) {
        int n = compat_char(cp, out);
        if (n)
            return n;
    }
    out[0] = cp;
    return 1;
}

/* When `folded` (one code point, a folded halfwidth katakana) is followed
 * in [p, p+len) by a halfwidth sound mark that composes with it, the
 * composed letter replaces *folded ("ｶﾞ" -> "ガ", as NFKC has it) and
 * the mark's length in bytes is returned; else 0. */
static size_t compose_sound_mark(int32_t *folded, const utf8proc_uint8_t *p,
                                 size_t len)
{
    int32_t mark = 0, marks[4];
    utf8proc_ssize_t n = utf8proc_iterate(p, (utf8proc_ssize_t)len, &mark);
    if (n <= 0 || !is_halfwidth_sound_mark(mark) ||
        compat_char(mark, marks) != 1)
        return 0;
    int32_t pair[2] = {*folded, marks[0]};
    if (utf8proc_normalize_utf32(pair, 2, UTF8PROC_COMPOSE) != 1)
        return 0;
    *folded = pair[0];
    return (size_t)n;
}

int gz_fold_accents_needed(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)text[i] >= 0x80)
            return 1;
    return 0;
}

/* 1 when `cp` counts as a Latin letter for a following combining mark. */
static int is_latin_base(int32_t cp)
{
    return (cp < 0x80 && ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')) ||
           is_latin_letter_block(cp);
}

/* Room for `need` bytes in *buf (and entries in *m, when m is not NULL),
 * *cap of them now: grown to twice `need` when short. Returns 0, or -1
 * with both freed. */
static int reserve(char **buf, size_t **m, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t ncap = need * 2;
    char *nb = realloc(*buf, ncap);
    size_t *nm = m ? realloc(*m, ncap * sizeof *nm) : NULL;
    if (nb)
        *buf = nb;
    if (nm)
        *m = nm;
    if (!nb || (m && !nm)) {
        free(*buf);
        if (m)
            free(*m);
        return -1;
    }
    *cap = ncap;
    return 0;
}

int gz_fold_accents(const char *text, size_t len, char **out,
                    size_t *out_len, size_t **map)
{
    /* A character never grows: a precomposed letter (2 or 3 bytes) gives
     * one ASCII letter, at most a few code points of no more bytes. The
     * room below is still computed per character to stay safe. */
    size_t cap = len + 1;
    char *buf = malloc(cap);
    size_t *m = map ? malloc(cap * sizeof *m) : NULL;
    if (!buf || (map && !m)) {
        free(buf);
        free(m);
        return -1;
    }
    size_t o = 0;
    int after_latin = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text;
    for (size_t i = 0; i < len;) {
        if (p[i] < 0x80) {
            /* ASCII, most of any text, folds to itself */
            if (reserve(&buf, map ? &m : NULL, &cap, o + 2) != 0)
                return -1;
            buf[o] = (char)p[i];
            if (m)
                m[o] = i;
            o++;
            after_latin = is_latin_base(p[i]);
            i++;
            continue;
        }
        int32_t cp = 0;
        utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i),
                                              &cp);
        int32_t folded[4];
        int k = 0;
        if (n <= 0) {   /* not UTF-8: the byte as it is */
            n = 1;
            cp = -1;
        } else {
            k = fold_char(cp, after_latin, folded);
            if (k == 1 && is_halfwidth_katakana_letter(cp))
                n += (utf8proc_ssize_t)compose_sound_mark(
                    &folded[0], p + i + n, len - i - (size_t)n);
        }
        utf8proc_uint8_t enc[16];
        size_t elen = 0;
        if (cp < 0) {
            enc[elen++] = p[i];
        } else {
            for (int j = 0; j < k; j++)
                elen += (size_t)utf8proc_encode_char(folded[j], enc + elen);
        }
        if (reserve(&buf, map ? &m : NULL, &cap, o + elen + 1) != 0)
            return -1;
        memcpy(buf + o, enc, elen);
        for (size_t j = 0; m && j < elen; j++)
            m[o + j] = i;
        o += elen;
        /* a mark after "Ｅ" follows the "E" it folded to */
        if (cp >= 0 && !(is_latin_mark(cp) && after_latin))
            after_latin = is_latin_base(k > 0 ? folded[k - 1] : cp);
        i += (size_t)n;
    }
    buf[o] = '\0';
    if (m)
        m[o] = len;
    *out = buf;
    *out_len = o;
    if (map)
        *map = m;
    return 0;
}
