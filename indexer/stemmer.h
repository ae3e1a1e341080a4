/*
 * stemmer.h: Snowball stemming through libstemmer.
 *
 * A stemmer object is not thread-safe: use one per thread.  Input must be a
 * word as ng_tokenize() reports it (lower case, UTF-8).
 */
#ifndef NEWSGREP_STEMMER_H
#define NEWSGREP_STEMMER_H

#include <stddef.h>

#include "status.h"

typedef struct ng_stemmer ng_stemmer_t;

/* The default language. */
#define NG_DEFAULT_LANGUAGE "english"

/*
 * Creates a stemmer for LANGUAGE, a Snowball algorithm name or ISO 639 code
 * ("english", "en", "french", "porter", ...).  On success stores it in *OUT.
 * Returns NG_UNKNOWN_LANGUAGE if libstemmer has no such algorithm, or
 * NG_NO_MEMORY.  Free it with ng_stemmer_free().
 */
ng_status_t ng_stemmer_new(const char *language, ng_stemmer_t **out);

/* Frees STEMMER; NULL is allowed. */
void ng_stemmer_free(ng_stemmer_t *stemmer);

/*
 * Lets STEMMER remember the stems of about SLOTS recent words (rounded up
 * to a power of two; 48 bytes each, allocated on first use), instead of the
 * default 256: an indexer stemming whole stories gains from more, a search
 * stemming a few paragraphs from fewer pages touched.  Cannot fail.
 */
void ng_stemmer_set_cache(ng_stemmer_t *stemmer, size_t slots);

/*
 * Stems LEN bytes of WORD.  Returns the stem, NUL-terminated, with its length
 * in *STEM_LEN; the string is borrowed from STEMMER and valid until the next
 * call on it.  Returns NULL only if memory ran out.
 */
const char *ng_stemmer_stem(ng_stemmer_t *stemmer, const char *word,
                            size_t len, size_t *stem_len);

/*
 * Non-zero if every stem STEMMER returns begins with the first byte of its
 * word, so that a word cannot have a stem that begins otherwise: true of
 * the English and Porter algorithms, which change only endings (their
 * exceptions too: "dying" gives "die").  Callers use it to skip stemming
 * words that cannot match; 0 (stem everything) for the other languages,
 * some of which remove prefixes or accents.
 */
int ng_stemmer_keeps_first_byte(const ng_stemmer_t *stemmer);

/* The canonical algorithm name the stemmer was made for ("english"). */
const char *ng_stemmer_language(const ng_stemmer_t *stemmer);

/* A NULL-terminated list of the algorithm names libstemmer ships; static. */
const char **ng_stemmer_list(void);

#endif
