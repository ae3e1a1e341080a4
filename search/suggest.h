/*
 * suggest.h: "did you mean": spelling suggestions from the index's own
 * stems and the words of its paragraphs.
 *
 * A word of the query is replaced when the index does not have its stem,
 * or has it rarely (in at most one paragraph in NG_SUGGEST_RARE) and far
 * more rarely (NG_SUGGEST_RATIO times) than a close neighbour: a word of
 * the index within Damerau-Levenshtein distance 1 of the typed word for
 * words of up to four letters, 2 for longer ones, whose stem differs.
 *
 * The index holds stems, not words, so this goes in two steps.  First,
 * candidates among the index's stem terms (merged over the databases of a
 * stub, not Xapian's spelling table, so any index can be used as it is):
 * stems at least half as long as the typed word and within that distance
 * of a start of it ("govern" for "goverment"), the four nearest, then
 * commonest.  Then, for each, the word is read from the paragraphs with
 * that stem that rank first: of their words with the stem, the one nearest
 * the typed word, then the most frequent ("tarrifs" becomes "tariffs").
 * The first candidate whose word is nearest wins.
 *
 * Left as typed: operators in capitals, field names and their values
 * ("title:x", "source:x", "date:x"), words followed by "*", words of one
 * letter and words with digits.  Candidates are first looked for among
 * stems that start with the typed word's first or second letter (every
 * edit but one of the first letter); only a word whose stem the index
 * lacks altogether, with no correction there, is compared with all the
 * index's stems.
 */
#ifndef NEWSGREP_SUGGEST_H
#define NEWSGREP_SUGGEST_H

#include "status.h"
#include "stemmer.h"
#include "synonyms.h"
#include "xapian-c.h"

/* How many times more paragraphs a neighbour must be in than a word the
 * index has, for that word to be taken as a misspelling. */
#define NG_SUGGEST_RATIO 200

/* A word the index has in more than one paragraph in this many is taken to
 * be spelled as meant, however close it is to a more common word ("rare"
 * and "are"). */
#define NG_SUGGEST_RARE 10000

/*
 * Looks for a better spelling of QUERY in the index DB, whose words are
 * stemmed by STEMMER (the index's own, as the searcher keeps it).  A word
 * that SYN (may be NULL) lists as a synonym is left as typed
 * (ng_synonyms_lists()): "REE" finds "rare earth", it is no misspelling.
 * On NG_OK, *SUGGESTION is the corrected query, the same text with only
 * the corrected words replaced (in capitals where they were typed so),
 * newly allocated (caller frees), or NULL when no word has a better
 * spelling.  Returns NG_OK, NG_NO_MEMORY, or the status of a failed index
 * read (the message is then on DB, xc_db_error()), with *SUGGESTION NULL.
 */
ng_status_t ng_suggest(xc_db_t *db, ng_stemmer_t *stemmer,
                       const ng_synonyms_t *syn, const char *query,
                       char **suggestion);

#endif
