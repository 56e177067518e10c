/*
 * fuzz_html_depth.c - the depth estimate of html_scan.c against gumbo.
 * The scan is what keeps deep pages away from gumbo; its estimate is
 * meant to err high. Here gumbo parses the input (small, so its own
 * recursion is harmless) and its real tree depth is measured; an
 * estimate that falls short by more than a small margin is a finding:
 * repeated, the same shape would pass the limit while gumbo nests it
 * without bound.
 *
 * The margin: real depth <= 2 * estimate + 8. Being off by a constant or
 * a small factor only moves the limit; missing a shape entirely gives a
 * ratio that grows with the input, which is what this catches. The
 * estimate is meant never to be below gumbo's depth at all (but past the
 * scan's look back); GAZETTE_FUZZ_DEPTH_SLACK=N checks that, up to N
 * (tests/fuzz/README).
 */
#include <gumbo.h>
#include <stdlib.h>
#include <string.h>

#include "corpus_internal.h"
#include "fuzz_util.h"

/* Deepest element of the tree under `root`, walked with an explicit
 * stack. */
static size_t tree_depth(const GumboNode *root)
{
    typedef struct frame {
        const GumboNode *node;
        unsigned next;
    } frame;
    size_t cap = 64, sp = 0, deepest = 0;
    frame *st = malloc(cap * sizeof *st);
    FUZZ_CHECK(st != NULL);
    st[sp++] = (frame){root, 0};
    while (sp) {
        frame *f = &st[sp - 1];
        const GumboVector *kids = f->node->type == GUMBO_NODE_DOCUMENT
                                      ? &f->node->v.document.children
                                      : &f->node->v.element.children;
        if (f->next >= kids->length) {
            sp--;
            continue;
        }
        const GumboNode *c = kids->data[f->next++];
        if (c->type != GUMBO_NODE_ELEMENT && c->type != GUMBO_NODE_TEMPLATE)
            continue;
        if (sp == cap) {
            frame *n = realloc(st, 2 * cap * sizeof *st);
            FUZZ_CHECK(n != NULL);
            st = n;
            cap *= 2;
        }
        st[sp++] = (frame){c, 0};
        if (sp - 1 > deepest)
            deepest = sp - 1;
    }
    free(st);
    return deepest;
}

/* GAZETTE_FUZZ_DEPTH_SLACK=N: any estimate more than N below gumbo's
 * depth is a finding (for campaigns on the scan's model; CI keeps the
 * margin above). -1 (unset): the margin. */
static long depth_slack(void)
{
    static long slack = -2;
    if (slack == -2) {
        const char *v = getenv("GAZETTE_FUZZ_DEPTH_SLACK");
        slack = v && *v ? strtol(v, NULL, 10) : -1;
    }
    return slack;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* What read.c hands the parser never holds a NUL. */
    if (memchr(data, 0, size))
        return 0;
    corpus_html_cost cost;
    /* A limit the estimate cannot reach on this input (each element
     * takes at least two bytes, a cell brings at most two implied ones),
     * so it is computed in full. */
    FUZZ_CHECK(corpus_html_scan((const char *)data, size, 2 * size + 16,
                                UINT64_MAX, &cost) == 0);
    if (cost.crash)
        return 0;   /* read_html.c does not parse it either */
    GumboOptions options = kGumboDefaultOptions;
    options.max_errors = 0;
    GumboOutput *out = gumbo_parse_with_options(&options, (const char *)data,
                                                size);
    FUZZ_CHECK(out != NULL);
    size_t real = tree_depth(out->document);
    gumbo_destroy_output(&options, out);
    long slack = depth_slack();
    if (real > (slack >= 0 ? cost.depth + (size_t)slack : 2 * cost.depth + 8))
        fuzz_fail(__FILE__, __LINE__, "gumbo nests %zu deep, the scan "
                  "estimated %zu", real, cost.depth);
    return 0;
}
