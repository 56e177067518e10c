/*
 * capitals.h - the capitals terms of an article: what lets a query tell
 * "US" from "us", "IT" from "it", "WHO" from "who" and "ID" from "IDs"
 * (docs/search.md, "Acronyms and capitals").
 *
 * Xapian's TermGenerator lower-cases every word, so the ordinary terms
 * cannot tell them apart. Besides them, each word the text writes with a
 * capital where a capital says something gets one more term: a prefix
 * saying how it was written + the word folded and lower-cased, unstemmed,
 * without positions:
 *   - GZ_PREFIX_UPPER for words with no lower-case letter and two or more
 *     characters, one a letter ("US", "WHO", "G7", anywhere), and for
 *     dotted acronyms as Xapian reads them ("U.S." and "U.N." give "us"
 *     and "un", like "US" and "UN");
 *   - GZ_PREFIX_CAPS for the other words with a capital that do not start
 *     a sentence ("Nasa" in "... at Nasa said", "Aids", "iPod"), so that a
 *     query in capitals ("NASA", "AIDS") also finds the text that writes
 *     the name that way, but not "hearing aids".
 * A possessive "'s" is cut ("BBC's" gives "bbc"). A word ends where
 * Chinese, Japanese or Korean text starts or ends ("NATO加盟国" gives
 * "nato"), and such text, having no case, gets no term. The words of e-mail
 * addresses and the later parts of host names (address.h) get none
 * ("EDU" of "CS.BERKELEY.EDU"; "IBM.COM" gives "ibm" only). A text mostly in
 * capitals (a teletype archive) gets none: its capitals say nothing. It
 * gets GZ_TERM_TEXT_IN_CAPITALS instead, with which a query word in
 * capitals matches the plain word there (query/capitals.c). In a title,
 * only words in capitals count when the title is written in Title Case,
 * and none when it is written in capitals (nor any mark: the body says
 * whether the article is in capitals).
 */
#ifndef GAZETTE_CAPITALS_H
#define GAZETTE_CAPITALS_H

#include <stddef.h>
#include <stdint.h>

#include "xapian_shim.h"

/* Add the capitals terms of [text, text+len) (UTF-8, accents already
 * folded as the other terms are) to `doc`. `is_title`: the text is a
 * title (see above). Returns XAP_OK, or the shim's status (XAP_ERR_NOMEM
 * when memory ran out). */
xap_status gz_capitals_add(xap_document *doc, const char *text, size_t len,
                           int is_title);

/* How this module classifies code point `cp` (-1: a byte that is not
 * UTF-8), which must be as Xapian does: GZ_CHAR_* bits. For tests. */
enum { GZ_CHAR_WORD = 1, GZ_CHAR_UPPER = 2, GZ_CHAR_LOWER = 4 };
int gz_capitals_char_class(int32_t cp);

#endif /* GAZETTE_CAPITALS_H */
