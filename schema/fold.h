/*
 * fold.h - accent folding, the same on both sides of the index: the
 * writer folds the text it gives Xapian's TermGenerator, the reader folds
 * query words before Xapian's QueryParser, so "Zurich" and "Zürich",
 * "naive" and "naïve" make the same terms. Private to libgazette.
 *
 * What folds: a Latin letter with diacritics becomes its base letter
 * (Unicode canonical decomposition by utf8proc, combining marks dropped:
 * "é" -> "e", "Ç" -> "C", "e" + U+0301 -> "e"), and the few Latin letters
 * that have no decomposition but are written without their stroke in
 * English text: "ø" -> "o", "ł" -> "l", "đ" -> "d", "ħ" -> "h" (and their
 * capitals). Case is kept (Xapian lower-cases terms itself). Letters of
 * other scripts are left alone: stripping the breve of Cyrillic "й" or
 * the points of Hebrew would make other words. Bytes that are not valid
 * UTF-8 are copied as they are.
 *
 * Width folds too, by utf8proc's compatibility mappings: the fullwidth
 * Latin letters and digits of CJK text become ASCII ("ＮＨＫ" -> "NHK",
 * "ｉＰｈｏｎｅ" -> "iPhone": the index had them as n-grams in their case,
 * "Ｎ", while Xapian's QueryParser lower-cased the query's, "ｎ", so none
 * was ever found), and halfwidth katakana becomes katakana ("ｶﾞｲﾄﾞ" ->
 * "ガイド", a sound mark joined to its letter). The block's punctuation
 * stays (a query's "＂" or "－" must not turn into syntax), and so does
 * halfwidth Hangul. An index written before needs a full rebuild for
 * such text to be found (docs/search.md, "Width").
 */
#ifndef GAZETTE_FOLD_H
#define GAZETTE_FOLD_H

#include <stddef.h>

/* 1 when [text, text+len) may hold something gz_fold_accents changes (a
 * quick scan: pure ASCII never folds). */
int gz_fold_accents_needed(const char *text, size_t len);

/* Fold [text, text+len) into a new malloc()ed, NUL-terminated string
 * (*out, *out_len). When `map` is not NULL, *map is a new malloc()ed array
 * of *out_len + 1 entries: (*map)[i] is the byte offset in `text` of the
 * character that byte i of *out came from (so [map[a], map[b]) in the
 * original covers [a, b) of the folded text when a and b are character
 * boundaries), and (*map)[*out_len] == len. Returns 0, or -1 when out of
 * memory (nothing allocated). */
int gz_fold_accents(const char *text, size_t len, char **out,
                    size_t *out_len, size_t **map);

#endif /* GAZETTE_FOLD_H */
