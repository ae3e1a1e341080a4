/*
 * tokenizer.h: splits UTF-8 text into normalised words.
 *
 * The tokenizer is the single definition of "a word" in newsgrep: the indexer
 * uses it to make terms, the query front end uses it to normalise what a user
 * typed, and the highlighter uses it to find the words to mark.
 *
 * Word rules (they follow Xapian's TermGenerator, so that Xapian's QueryParser
 * splits the normalised text of a query exactly as we split the stories):
 *
 *  - A word is a run of word characters: Unicode letters (L*), marks (M*),
 *    decimal and other numbers (N*) and connector punctuation (Pc, "_").
 *  - An apostrophe (U+0027, U+2019 or U+201B) between two word characters
 *    stays inside the word, written as U+0027: "China’s" -> "china's".
 *    "&" between two letters also stays: "AT&T" -> "at&t".
 *  - Between two digits, "." and "," stay: "3.5" -> "3.5", "1,000" -> "1,000".
 *  - Acronyms: single letters separated by full stops join into one word:
 *    "U.S." -> "us", "U.S.A" -> "usa".
 *  - A word followed by up to three "+" or "#" (and then a non-word
 *    character) keeps them: "C++" -> "c++", "C#" -> "c#".
 *  - Everything else (spaces, punctuation, symbols, hyphens, invalid UTF-8
 *    bytes, control characters) separates words.  "rare-earth" is two words,
 *    "rare" and "earth", at consecutive positions.
 *  - Each word is normalised with utf8proc: compatibility decomposition,
 *    accents and other combining marks removed, case folded.  "Café" -> "cafe",
 *    "ＡＢＣ" -> "abc", "Straße" -> "strasse".
 *  - Words longer than NG_TOKEN_MAX_BYTES bytes after normalisation are not
 *    reported, but still take a position, so phrases across them stay honest.
 */
#ifndef NEWSGREP_TOKENIZER_H
#define NEWSGREP_TOKENIZER_H

#include <stddef.h>

#include "status.h"

/* The longest word reported, in bytes of normalised UTF-8.  Xapian's terms are
 * limited to about 245 bytes; real words are far shorter. */
#define NG_TOKEN_MAX_BYTES 64

typedef struct {
    const char *text;     /* normalised word, NUL-terminated; borrowed, valid
                             only during the callback */
    size_t len;           /* its length in bytes */
    size_t start;         /* byte offset of the word's first byte in the input */
    size_t end;           /* byte offset one past the word's last byte */
    unsigned position;    /* 0-based word position in this call's input */
} ng_token_t;

/* Called once per word, in order.  Returning non-zero stops tokenizing and
 * that value is handed back by ng_tokenize(). */
typedef int (*ng_token_fn)(void *ctx, const ng_token_t *token);

/*
 * Tokenizes LEN bytes of TEXT (need not be NUL-terminated, may hold invalid
 * UTF-8, which only separates words), calling FN for each word.  Positions
 * start at FIRST_POSITION, so that several fields of one document can share a
 * position space.
 *
 * Returns 0 when the whole text was tokenized, FN's non-zero return value if
 * it stopped early, or -1 if memory ran out.  *NEXT_POSITION, if not NULL, is
 * set to one past the last position used.
 */
int ng_tokenize(const char *text, size_t len, unsigned first_position,
                ng_token_fn fn, void *ctx, unsigned *next_position);

/*
 * Normalises one word the way ng_tokenize() normalises words (decomposition,
 * accents removed, case folded) without splitting it.  Returns a newly
 * allocated NUL-terminated string the caller frees, or NULL if memory ran out.
 */
char *ng_normalize(const char *text, size_t len);

#endif
