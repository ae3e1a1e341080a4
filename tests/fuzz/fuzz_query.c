/*
 * fuzz_query.c: a libFuzzer target for the query front end: normalising
 * what a user typed and parsing it with Xapian's QueryParser through the
 * binding, with the indexer's stemmer.  Any query must give a query or a
 * clean NG_QUERY_ERROR with a message, never a crash or another status.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "stemmer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what)
{
    fprintf(stderr, "fuzz_query: %s\n", what);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ng_stemmer_t *stemmer;
    if (!stemmer && ng_stemmer_new("english", &stemmer) != NG_OK)
        broken("no stemmer");
    /* A query is a C string: the bytes up to the first NUL. */
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    xc_query_t *q = NULL, *match = NULL;
    ng_tiers_t tiers;
    char *error = NULL;
    ng_status_t st = ng_query_parse(NULL, stemmer, text, size % 2, NULL, &q,
                                    &match, &tiers, &error);
    if (st == NG_OK) {
        if (!q || !match)
            broken("no query");
        for (size_t i = 0; i < xc_query_term_count(q); i++)
            if (!xc_query_term(q, i))
                broken("missing term");
    } else if (st == NG_QUERY_ERROR) {
        if (!error || !*error)
            broken("query error without a message");
    } else if (st != NG_NO_MEMORY) {
        broken("unexpected status");
    }
    if (st != NG_OK && (match || tiers.all || tiers.rest))
        broken("a query left after a failure");
    if (!tiers.all != !tiers.rest)
        broken("one tier without the other");
    if (tiers.all && size % 2)
        broken("tiers for a query whose words must all match");
    xc_query_free(tiers.all);
    xc_query_free(tiers.rest);
    xc_query_free(match);
    xc_query_free(q);
    free(error);
    free(text);
    return 0;
}
