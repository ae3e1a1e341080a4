/*
 * query_words.h: the words of a query as a user typed it, and where each
 * stands in the query's syntax.  Spelling suggestions and synonyms both
 * need to know which words are plain words (to be corrected or expanded)
 * and which are operators, field names and values, or sit inside a quoted
 * phrase or under a negation.
 */
#ifndef NEWSGREP_QUERY_WORDS_H
#define NEWSGREP_QUERY_WORDS_H

#include <stddef.h>

#include "status.h"

/* Where a word stands; a word can be several of these at once. */
enum {
    NG_QW_OPERATOR = 1 << 0,  /* AND, OR, NOT, XOR, NEAR or ADJ in capitals */
    NG_QW_FIELD    = 1 << 1,  /* a field name ("title" in "title:x") or a
                                 word of the field's value */
    NG_QW_QUOTED   = 1 << 2,  /* inside double quotes */
    NG_QW_NEGATED  = 1 << 3,  /* after "-" or NOT, or in a group after them */
    NG_QW_WILDCARD = 1 << 4,  /* followed by "*" */
    NG_QW_JOINED   = 1 << 5   /* only blanks or hyphens between this word and
                                 the one before it: "rare earth",
                                 "rare-earth" */
};

typedef struct {
    char *text;      /* normalised (ng_tokenize()), NUL-terminated */
    size_t len;      /* its length in bytes */
    size_t start;    /* byte range of the word as typed in the query */
    size_t end;
    unsigned flags;  /* NG_QW_* */
} ng_query_word_t;

/*
 * Splits QUERY into words with ng_tokenize() and classifies each.  On
 * success stores a newly allocated array in *WORDS (free with
 * ng_query_words_free()) and its length in *N_WORDS; a query without words
 * gives NULL and 0.  Returns NG_OK or NG_NO_MEMORY.
 */
ng_status_t ng_query_words(const char *query, ng_query_word_t **words,
                           size_t *n_words);

/* Non-zero if the LEN bytes of WORD are one of the operators the query
 * parser knows in capitals: AND, OR, NOT, XOR, NEAR, ADJ.  Cannot fail. */
int ng_query_is_operator(const char *word, size_t len);

/* Frees the N_WORDS WORDS; NULL is allowed. */
void ng_query_words_free(ng_query_word_t *words, size_t n_words);

#endif
