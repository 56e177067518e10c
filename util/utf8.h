/*
 * utf8.h - UTF-8 as every layer reads it, through utf8proc (RFC 3629:
 * no overlong forms, surrogates or code points past U+10FFFF). Private to
 * libgazette.
 */
#ifndef GAZETTE_UTF8_H
#define GAZETTE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* 1 when [s, s+len) is well-formed UTF-8 (NUL bytes allowed), else 0. */
int gz_utf8_valid(const char *s, size_t len);

/* gz_utf8_next past ASCII (utf8.c). */
size_t gz_utf8_next_multibyte(const unsigned char *p, const unsigned char *end,
                              uint32_t *cp);

/* Decode the character at p (p < end) into *cp and return its length in
 * bytes. A byte that does not start a well-formed sequence is taken as a
 * Latin-1 character of length 1, as Xapian's Utf8Iterator does, so text
 * that is not UTF-8 is still walked a byte at a time. Inline for ASCII:
 * the entity scanner calls it for every character of every article. */
static inline size_t gz_utf8_next(const unsigned char *p,
                                  const unsigned char *end, uint32_t *cp)
{
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    return gz_utf8_next_multibyte(p, end, cp);
}

#endif /* GAZETTE_UTF8_H */
