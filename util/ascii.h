/*
 * ascii.h - character classes of ASCII bytes, the same in every locale.
 *
 * <ctype.h> answers by the program's locale: a program that embeds
 * libgazette and calls setlocale() with a single-byte locale (Latin-1,
 * say) makes isspace(0xA0) true and tolower() rewrite bytes over 0x7F,
 * which cuts UTF-8 characters apart. Text here is UTF-8 and every test
 * below means ASCII only: bytes over 0x7F are never spaces, letters or
 * digits, and are never changed. Private to libgazette.
 */
#ifndef GAZETTE_ASCII_H
#define GAZETTE_ASCII_H

#include <stddef.h>

static inline int gz_ascii_isspace(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static inline int gz_ascii_isdigit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static inline int gz_ascii_isupper(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}

static inline int gz_ascii_islower(unsigned char c)
{
    return c >= 'a' && c <= 'z';
}

static inline int gz_ascii_isalpha(unsigned char c)
{
    return gz_ascii_isupper(c) || gz_ascii_islower(c);
}

static inline int gz_ascii_isalnum(unsigned char c)
{
    return gz_ascii_isalpha(c) || gz_ascii_isdigit(c);
}

/* `c` in lower case when it is an ASCII capital, else unchanged. */
static inline unsigned char gz_ascii_tolower(unsigned char c)
{
    return gz_ascii_isupper(c) ? (unsigned char)(c - 'A' + 'a') : c;
}

/* 1 when the n bytes at a and b are equal but for ASCII case
 * (strncasecmp follows the locale, and stops at a NUL). */
static inline int gz_ascii_ncase_eq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (gz_ascii_tolower((unsigned char)a[i]) !=
            gz_ascii_tolower((unsigned char)b[i]))
            return 0;
    return 1;
}

/* 1 when the strings a and b are equal but for ASCII case. */
static inline int gz_ascii_case_equal(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (gz_ascii_tolower((unsigned char)*a) !=
            gz_ascii_tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

#endif
