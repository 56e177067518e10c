/* stoplist.c - the English stoplist (stoplist.h). */
#include "stoplist.h"

#include <string.h>

/* English function words that say nothing about what a query is about.
 * Written for Gazette (Xapian ships no list): articles, pronouns,
 * auxiliaries, prepositions, conjunctions and the words of question
 * phrasing ("what", "which", "how"). Kept short on purpose: words like
 * "new", "state" or "world" carry meaning in news. */
const char *const gz_stopwords[] = {
    "a", "about", "above", "after", "again", "against", "all", "also", "am",
    "an", "and", "any", "are", "as", "at", "be", "because", "been",
    "before", "being", "below", "between", "both", "but", "by", "can",
    "could", "did", "do", "does", "doing", "down", "during", "each", "either",
    "etc", "for", "from", "further", "had", "has", "have", "having", "he",
    "her", "here", "hers", "herself", "him", "himself", "his", "how", "i",
    "if", "in", "into", "is", "it", "its", "itself", "just", "may", "me",
    "might", "more", "most", "must", "my", "myself", "no", "nor", "not",
    "of", "off", "on", "once", "only", "or", "other", "our", "ours",
    "ourselves", "out", "over", "own", "same", "shall", "she", "should",
    "so", "some", "such", "than", "that", "the", "their", "theirs", "them",
    "themselves", "then", "there", "these", "they", "this", "those",
    "through", "to", "too", "under", "until", "up", "upon", "us", "very",
    "was", "we", "were", "what", "when", "where", "whether", "which",
    "while", "who", "whom", "whose", "why", "will", "with", "within",
    "without", "would", "you", "your", "yours", "yourself", "yourselves",
};

const size_t gz_nstopwords = sizeof gz_stopwords / sizeof gz_stopwords[0];
_Static_assert(sizeof gz_stopwords / sizeof gz_stopwords[0] <=
                   GZ_STOPWORDS_MAX,
               "GZ_STOPWORDS_MAX is too small for the stoplist");

int gz_is_stopword(const char *word)
{
    size_t lo = 0, hi = gz_nstopwords;
    while (lo < hi) {   /* the list is sorted */
        size_t mid = (lo + hi) / 2;
        int c = strcmp(gz_stopwords[mid], word);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}
