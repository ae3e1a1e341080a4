/*
 * terms.h: the term builder.  Turns a story's text and fields into the terms
 * that schema.h defines, handing each to a sink.  It knows nothing of Xapian,
 * so it can be tested alone; the index builder's sink adds the terms to an
 * index document.
 */
#ifndef NEWSGREP_TERMS_H
#define NEWSGREP_TERMS_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "stemmer.h"

/*
 * Where terms go.  Each callback returns 0 to go on, non-zero to stop (the
 * builder then returns NG_NO_MEMORY, the only reason a sink stops).  TERM is
 * borrowed and valid during the call only; it is not NUL-terminated.
 */
typedef struct {
    int (*posting)(void *ctx, const char *term, size_t len, unsigned position);
    int (*boolean)(void *ctx, const char *term, size_t len);
} ng_term_sink_t;

/*
 * Indexes LEN bytes of TEXT as a field with term PREFIX ("" for the body,
 * NG_PREFIX_TITLE for the headline): each word W as "Z" PREFIX stem(W) at
 * W's position, the terms the query parser makes of words and phrases
 * (xc_query_parse() with a stemmer).  Positions start at FIRST_POSITION;
 * *NEXT_POSITION (if not NULL) gets one past the last used.  Returns NG_OK or
 * NG_NO_MEMORY.
 */
ng_status_t ng_terms_index_text(ng_stemmer_t *stemmer, const char *text,
                                size_t len, const char *prefix,
                                unsigned first_position,
                                const ng_term_sink_t *sink, void *ctx,
                                unsigned *next_position);

/*
 * Adds the boolean terms of a story's fields: story membership (XS<id>), the
 * date terms (D, M, Y) when DATE is a "YYYY-MM-DD" string, and the source's
 * host name (H) when SOURCE is a URL with one.  DATE and SOURCE may be NULL.
 * Returns NG_OK or NG_NO_MEMORY.
 */
ng_status_t ng_terms_story_fields(const char *story_id, const char *date,
                                  const char *source,
                                  const ng_term_sink_t *sink, void *ctx);

/*
 * The term PREFIX ID SUFFIX, newly allocated (caller frees), or NULL if
 * memory ran out.  An id too long for a Xapian term (feed guids can be long
 * URLs) is replaced by "#" and a 64-bit hash of it, so every id has a term.
 */
char *ng_terms_id_term(const char *prefix, const char *id, const char *suffix);

/* The boolean term of every paragraph read from the file PATH: "XF" and a
 * hash of the path, into TERM, which must hold NG_TERMS_FILE_TERM_MAX
 * bytes.  Cannot fail. */
#define NG_TERMS_FILE_TERM_MAX 24
void ng_terms_file_term(const char *path, char *term);

/* The same, from the hash of the path: ng_filestate_path_hash(), which the
 * file's record is named by too. */
void ng_terms_file_term_of(uint64_t path_hash, char *term);

/* The value of paragraph NUMBER in NG_SLOT_PARAGRAPH: six digits or more,
 * so that values sort as numbers up to 999,999, into VALUE, which must hold
 * NG_PARAGRAPH_VALUE_MAX bytes.  Reading paragraph N of a story back is
 * its XS term filtered to this value. */
#define NG_PARAGRAPH_VALUE_MAX 16
void ng_terms_paragraph_value(unsigned number, char *value);

/*
 * The host name of URL, lower case, without a leading "www.", as a newly
 * allocated string (caller frees); NULL if URL has none ("Reuters", "") or if
 * memory ran out.
 */
char *ng_terms_url_host(const char *url);

#endif
