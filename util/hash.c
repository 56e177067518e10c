/* hash.c - FNV-1a (hash.h). */
#include "hash.h"

uint64_t gz_fnv1a64(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= GZ_FNV_PRIME;
    }
    return h;
}
