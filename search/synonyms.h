/*
 * synonyms.h: groups of words that mean the same, and the extra query that
 * finds a query's words by their synonyms.
 *
 * A synonym file holds one group a line, members separated by commas:
 *
 *     tariff, duty, levy, import tax
 *     rare earth, rare-earth elements, REE
 *
 * A member may be several words.  "#" at the start of a line or after a
 * blank starts a comment; blank lines are ignored.  A line "! member, ..."
 * cancels every group loaded before it that has one of those members (a
 * user's file cancels a shipped group this way, and may then give its own).
 * Members are compared as ng_tokenize() normalises them, and, when a query
 * is expanded, by their stems, so "tariffs" in a query finds the group of
 * "tariff" and "rare earths" that of "rare earth".
 */
#ifndef NEWSGREP_SYNONYMS_H
#define NEWSGREP_SYNONYMS_H

#include "query.h"
#include "status.h"
#include "stemmer.h"
#include "xapian-c.h"

/* The weight of a synonym relative to the word the user typed. */
#define NG_SYNONYM_WEIGHT 0.5

typedef struct ng_synonyms ng_synonyms_t;

/* A new empty table, or NULL if memory ran out. */
ng_synonyms_t *ng_synonyms_new(void);

/* Frees SYN; NULL is allowed. */
void ng_synonyms_free(ng_synonyms_t *syn);

/* The number of groups SYN holds. */
size_t ng_synonyms_count(const ng_synonyms_t *syn);

/*
 * Adds the groups of the file at PATH to SYN, after those already loaded,
 * and applies its cancellations.  Returns NG_OK; NG_IO_ERROR if the file
 * cannot be read; NG_BAD_INPUT for a line that is not a group (a member
 * without words, a group of fewer than two different members, a
 * cancellation without members); NG_NO_MEMORY.  On error *ERROR holds a
 * message naming the file and, for a bad line, its number ("'x' line 3:
 * ..."; caller frees), and SYN is as it was before the call.
 */
ng_status_t ng_synonyms_load(ng_synonyms_t *syn, const char *path,
                             char **error);

/*
 * Non-zero if WORD (normalised, LEN bytes) is, by its stem under STEMMER,
 * a one-word member of a group of SYN: a word the list names is spelled as
 * meant, whether the index has it or not.  Zero for a NULL SYN, or if
 * memory ran out.
 */
int ng_synonyms_lists(const ng_synonyms_t *syn, ng_stemmer_t *stemmer,
                      const char *word, size_t len);

/*
 * Finds in QUERY (as typed) every run of words that is a member of a group
 * of SYN, and stores in *EXTRA a query for the other members of those
 * groups, each weighing NG_SYNONYM_WEIGHT times what it would as a word of
 * the query: a one-word member as its stem (the "Z" term a plain query word
 * matches) ORed into EXTRA->words, a longer one as a phrase of its words
 * among EXTRA->phrases.  The caller passes them to ng_query_parse() and
 * frees them with ng_widen_clear().  Words in quotes,
 * after "-" or NOT, in field names or values, operators and words followed
 * by "*" are not looked up.  STEMMER must be the index's.  DB, if not NULL,
 * is asked which members it has, and members it lacks are left out.
 *
 * Returns NG_OK, with EXTRA empty when nothing in QUERY has a synonym the
 * index has; NG_NO_MEMORY; or the status of a failed index read (message
 * on DB).
 */
ng_status_t ng_synonyms_expand(const ng_synonyms_t *syn, xc_db_t *db,
                               ng_stemmer_t *stemmer, const char *query,
                               ng_widen_t *extra);

#endif
