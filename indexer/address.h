/*
 * address.h - e-mail addresses and host names in running text.
 *
 * Signatures, quoted headers and links put addresses in the text of an
 * article ("bob@vice.ICO.TEK.COM", "www.NASA.gov"). Their words are no
 * names (indexer/entities.c) and their capitals say nothing
 * (indexer/capitals.c), so both ask here whether a word is part of one.
 *
 * A chunk is a stretch of address bytes (ASCII letters and digits and
 * ".@-_%+!") around a word: anything else, a no-break space or '<'
 * included, ends it. A chunk is
 *   - an e-mail address: letters or digits, '@', then a full stop with a
 *     letter or digit after it ("bob@vice.ICO.TEK.COM"; not "SETI@home",
 *     nor "@BBCBreaking.Theresa");
 *   - a host name: two inner full stops ("www.NASA.gov") or one before a
 *     generic top-level domain ("IBM.COM"); not "St.Petersburg",
 *     "spoke.Boris" or "10.Downing", where a space is missing;
 *   - or plain text.
 * Every word of an e-mail address is part of it; of a host name, the
 * parts after the first ("Amazon.com" names Amazon, the "com" is no word
 * of the text).
 */
#ifndef GAZETTE_ADDRESS_H
#define GAZETTE_ADDRESS_H

#include <stddef.h>

/* Words are asked about in text order: the chunk around a word is
 * examined once for all its words. Set up with gz_address_scan_init. */
typedef struct gz_address_scan {
    const unsigned char *start, *end;  /* the text */
    const unsigned char *chunk_end;    /* of the last chunk examined */
    int chunk_kind;                    /* ... and what it is */
} gz_address_scan;

void gz_address_scan_init(gz_address_scan *s, const char *text, size_t len);

/* Whether the word starting at `word` (within the text, at or after the
 * last word asked about) is part of an e-mail address or a later part of
 * a host name. */
int gz_address_has_word(gz_address_scan *s, const char *word);

#endif /* GAZETTE_ADDRESS_H */
