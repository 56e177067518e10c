/* utf8.c - UTF-8 validation and decoding (utf8.h). */
#include "utf8.h"

#include <utf8proc.h>

int gz_utf8_valid(const char *s, size_t len)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t i = 0;
    while (i < len) {
        if (p[i] < 0x80) {   /* ASCII, most of any text: no call */
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0)
            return 0;
        i += (size_t)n;
    }
    return 1;
}

size_t gz_utf8_next_multibyte(const unsigned char *p, const unsigned char *end,
                              uint32_t *cp)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t n = utf8proc_iterate(p, (utf8proc_ssize_t)(end - p), &c);
    if (n <= 0) {
        *cp = p[0];
        return 1;
    }
    *cp = (uint32_t)c;
    return (size_t)n;
}
