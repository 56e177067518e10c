/*
 * hash.h - 64-bit FNV-1a, the one hash of Gazette's on-disk values (file
 * content hashes, long terms) and of its in-memory tables: stable across
 * platforms and releases (an on-disk value needs that), not
 * cryptographic. Private to libgazette.
 */
#ifndef GAZETTE_HASH_H
#define GAZETTE_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Start from GZ_FNV_BASIS and feed bytes in one call or several:
 * gz_fnv1a64(gz_fnv1a64(B, a, n), b, m) hashes a then b. */
#define GZ_FNV_BASIS 0xcbf29ce484222325ULL
#define GZ_FNV_PRIME 0x100000001b3ULL
uint64_t gz_fnv1a64(uint64_t h, const void *data, size_t len);

#endif /* GAZETTE_HASH_H */
