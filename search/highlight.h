/*
 * highlight.h: finds the words of a text that a query matched.
 *
 * It reads the text with the indexer's own tokenizer and stemmer, so a word is
 * marked exactly when the index holds, for it, one of the query's terms:
 * "Rare Earths" is marked for the query "rare earth" because its stem term
 * "Zearth" is a term of the query.
 */
#ifndef NEWSGREP_HIGHLIGHT_H
#define NEWSGREP_HIGHLIGHT_H

#include <stddef.h>

#include "status.h"
#include "stemmer.h"

/* A byte range [start, end) of a text. */
typedef struct {
    size_t start;
    size_t end;
} ng_span_t;

/*
 * Finds the words of LEN bytes of TEXT, a field indexed with term PREFIX (""
 * for paragraphs, "S" for headlines), whose stem term is among the
 * N_TERMS query TERMS, which must be sorted in strcmp() order.  Stores the
 * spans, in text order, in a newly allocated array *SPANS (caller frees; NULL
 * when there are none) and their number in *N_SPANS.  Returns NG_OK or
 * NG_NO_MEMORY.
 */
ng_status_t ng_highlight(ng_stemmer_t *stemmer, const char *text, size_t len,
                         const char *prefix, const char *const *terms,
                         size_t n_terms, ng_span_t **spans, size_t *n_spans);

#endif
