/*
 * feed.c - write articles given as fields into an index through the
 * writer API, then read one back.
 *
 *   cc -std=c11 feed.c $(pkg-config --cflags --libs gazette) -o feed
 *   ./feed INDEX
 */
#include <stdio.h>

#include <gazette.h>

/* Three short articles, written for this example. */
static const struct {
    const char *id, *title, *date, *source, *tag, *body;
} articles[] = {
    {"wire/harbour-reopens", "Harbour reopens after storm repairs",
     "2024-03-02", "wire", "shipping",
     "The harbour at Ostend reopened on Saturday after three weeks of "
     "repairs to the storm-damaged breakwater."},
    {"wire/grain-prices", "Grain prices ease as exports resume",
     "2024-03-04", "wire", "markets",
     "Wheat futures fell for a second day as ships loaded with grain left "
     "Black Sea ports."},
    {"features/night-trains", "The return of the night train", "2024-03-05",
     "features", "rail",
     "Sleeper services between Vienna and Brussels are fuller than "
     "their operators expected."},
};

/* Put one article; returns the status. */
static gazette_status_t put(gazette_writer_t *w, size_t i)
{
    gazette_article_t *a = NULL;
    gazette_status_t s = gazette_article_new(&a);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_article_set(a, GAZETTE_FIELD_ID, articles[i].id);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_article_set(a, GAZETTE_FIELD_TITLE, articles[i].title);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_article_set(a, GAZETTE_FIELD_DATE, articles[i].date);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_article_set(a, GAZETTE_FIELD_SOURCE, articles[i].source);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_article_add_tag(a, articles[i].tag);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_article_set(a, GAZETTE_FIELD_BODY, articles[i].body);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_writer_put(w, a);
    gazette_article_free(a);
    return s;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s INDEX\n", argv[0]);
        return 64;
    }
    gazette_writer_t *w = NULL;
    gazette_status_t s = gazette_writer_open(argv[1], NULL, 5.0, &w);
    if (s != GAZETTE_STATUS_OK) {
        fprintf(stderr, "feed: %s\n", gazette_last_open_error());
        return s == GAZETTE_STATUS_INDEX_LOCKED ? 75 : 74;
    }
    size_t n = sizeof articles / sizeof articles[0];
    for (size_t i = 0; s == GAZETTE_STATUS_OK && i < n; i++)
        s = put(w, i);
    gazette_status_t closed = gazette_writer_close(w);
    if (s == GAZETTE_STATUS_OK)
        s = closed;
    if (s != GAZETTE_STATUS_OK) {
        fprintf(stderr, "feed: %s\n", gazette_status_to_string(s));
        return 74;
    }
    printf("wrote %zu articles\n", n);

    gazette_index_t *index = NULL;
    gazette_article_t *back = NULL;
    if (gazette_index_open(argv[1], &index) == GAZETTE_STATUS_OK &&
        gazette_index_get_article(index, articles[0].id, &back) ==
            GAZETTE_STATUS_OK)
        printf("%s: %s (%s)\n", gazette_article_get(back, GAZETTE_FIELD_ID),
               gazette_article_get(back, GAZETTE_FIELD_TITLE),
               gazette_article_get(back, GAZETTE_FIELD_DATE));
    gazette_article_free(back);
    gazette_index_close(index);
    return 0;
}
