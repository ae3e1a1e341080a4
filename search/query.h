/*
 * query.h: the query front end.  Turns what a user typed into a query for
 * the index, normalising words exactly as the indexer does and then letting
 * Xapian's QueryParser (through the binding) read the query syntax.
 */
#ifndef NEWSGREP_QUERY_H
#define NEWSGREP_QUERY_H

#include "status.h"
#include "stemmer.h"
#include "xapian-c.h"

/*
 * Rewrites TEXT with every word replaced by its normalised form
 * (ng_tokenize()), leaving everything between words as it is, so that the
 * QueryParser's own splitting and lower-casing meet the same words the index
 * holds: "Café" becomes "cafe", "U.S." "us.", "China’s" "china's".  The
 * boolean operators AND, OR, NOT, XOR, NEAR and ADJ, written in capitals
 * between two words, are kept as they are; first or last they are words.
 * The values of the filter fields source: and date: are kept as typed.
 * Returns a newly allocated string (caller frees), or NULL if memory ran
 * out.
 */
char *ng_query_normalize(const char *text);

/* Non-zero if TEXT is only words, with nothing else between them than
 * white space: no operators, quotes, fields or excluded words.  0 also when
 * memory ran out. */
int ng_query_is_plain(const char *text);

/* The share of a query's weight that its words earn again in a headline. */
#define NG_QUERY_TITLE_WEIGHT 0.25
/* Queries of plain words up to this long rank paragraphs with all of them
 * first. */
#define NG_QUERY_TIER_WORDS 4

/* What synonyms add to a query (synonyms.h), already weighted: the
 * members of one word, as terms ORed (or NULL), and the longer ones, each
 * a phrase.  They are kept apart because ng_query_parse() guards each
 * phrase against a fault of Xapian 1.4's matcher. */
typedef struct {
    xc_query_t *words;
    xc_query_t **phrases;
    size_t n_phrases;
} ng_widen_t;

/* Frees the queries of WIDEN and empties it. */
void ng_widen_clear(ng_widen_t *widen);

/* The two tiers of a short query of plain words (ng_query_parse()): every
 * paragraph of ALL ranks above every paragraph of REST. */
typedef struct {
    xc_query_t *all;    /* the paragraphs with every word */
    xc_query_t *rest;   /* the other paragraphs the query matches */
} ng_tiers_t;

/*
 * Parses TEXT into *OUT (free with xc_query_free()), stemming with STEMMER.
 * DB, if not NULL, is used to expand wildcards.  Plain words are combined
 * with AND when DEFAULT_AND is non-zero, else with OR.  title: searches
 * headlines; source: and date: filter (filters.h), source: through DB's
 * list of hosts when DB is given.  The ranking: BM25 on the paragraph's
 * words, plus NG_QUERY_TITLE_WEIGHT of the same query read against the
 * story's headline; for a query of plain words, the words standing
 * together as a phrase add their weight.  WIDEN, if not NULL, is ORed in
 * last, its words then its phrases: it adds paragraphs and weight.  Each
 * phrase added to a query so (the query's own, the synonyms') is guarded
 * against a fault of Xapian 1.4.22's matcher, which could count it in a
 * paragraph without it (query.c, guarded()).
 * If MATCH is not NULL, *MATCH receives the query without the headline and
 * the phrase (free with xc_query_free()): it matches the same paragraphs,
 * at less cost, for counting them.
 * If TIERS is not NULL, it receives for a query of plain words combined
 * with OR, at most NG_QUERY_TIER_WORDS of them, the paragraphs with all
 * the words and the others, each weighted as *OUT weighs them (free both
 * with xc_query_free()); for any other query, two NULLs.  Ranked so,
 * "rare earth" lists the paragraphs about rare earths before those that
 * only say "earth".
 * Returns NG_OK, or NG_QUERY_ERROR with a one-line message in *ERROR
 * (caller frees) for a query that does not parse or that the QueryParser
 * would read as something else: no words at all, an unmatched quote or
 * parenthesis, only words left out ("-rare"), an operator without what it
 * needs on either side, a bad date.  Or NG_NO_MEMORY.
 */
ng_status_t ng_query_parse(xc_db_t *db, ng_stemmer_t *stemmer,
                           const char *text, int default_and,
                           const ng_widen_t *widen, xc_query_t **out,
                           xc_query_t **match, ng_tiers_t *tiers,
                           char **error);

#endif
