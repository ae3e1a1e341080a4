/*
 * xapian-c.h: newsgrep's thin C binding to libxapian.
 *
 * This header names no Xapian or C++ type; xapian-c.cc, the project's only
 * C++, implements it.  The binding translates and does not decide policy:
 * every Xapian exception is caught at the boundary and turned into an
 * xc_status_t, with Xapian's message kept on the handle (xc_db_error()) or
 * handed back through an ERROR out-parameter.  Retrying after
 * XC_MODIFIED, or building an index when XC_NOT_FOUND, is the caller's call.
 *
 * Ownership: every *_new / *_open result is owned by the caller and freed with
 * the matching *_free / *_close.  Strings returned through a "char **" out
 * parameter are newly allocated with malloc() and freed by the caller.
 * Pointers returned directly ("const char *") are borrowed, valid as stated.
 */
#ifndef NEWSGREP_XAPIAN_C_H
#define NEWSGREP_XAPIAN_C_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    XC_OK = 0,
    XC_NO_MEMORY,        /* std::bad_alloc */
    XC_NOT_FOUND,        /* DatabaseNotFoundError / DatabaseOpeningError:
                            no index at that path */
    XC_LOCKED,           /* DatabaseLockError: another writer holds it */
    XC_MODIFIED,         /* DatabaseModifiedError: reopen and retry */
    XC_CORRUPT,          /* DatabaseCorruptError, DatabaseVersionError */
    XC_QUERY_ERROR,      /* QueryParserError: the query does not parse */
    XC_NETWORK,          /* NetworkError: a remote shard cannot be reached
                            or broke off */
    XC_TIMEOUT,          /* NetworkTimeoutError: a remote shard did not
                            answer in time */
    XC_INVALID,          /* InvalidArgumentError, InvalidOperationError */
    XC_ERROR             /* any other Xapian::Error or exception */
} xc_status_t;

/* A short lowercase description of STATUS; static, never NULL. */
const char *xc_status_to_string(xc_status_t status);

/* The full Xapian library version, such as "1.4.22"; static. */
const char *xc_version(void);

/* ------------------------------------------------------------------ */
/* Databases                                                           */

typedef struct xc_db xc_db_t;

typedef enum {
    XC_OPEN_READ,            /* read-only; PATH may be a stub database file */
    XC_OPEN_WRITE,           /* writable; the index must exist */
    XC_OPEN_CREATE_OR_OPEN   /* writable; created (with parent folder) if
                                missing */
} xc_open_mode_t;

/*
 * Opens the index at PATH.  On success stores a handle in *OUT.  On failure
 * returns XC_NOT_FOUND, XC_LOCKED, XC_CORRUPT, XC_NETWORK (a remote stub),
 * XC_INVALID, XC_NO_MEMORY or XC_ERROR and, when ERROR is not NULL, stores
 * Xapian's message in *ERROR (caller frees).
 */
xc_status_t xc_db_open(const char *path, xc_open_mode_t mode, xc_db_t **out,
                       char **error);

/*
 * Opens the index that xapian-tcpsrv serves at HOST:PORT, read-only
 * (MODE XC_OPEN_READ) or writable (XC_OPEN_WRITE; the server must allow
 * updates).  CONNECT_TIMEOUT_MS bounds connecting, TIMEOUT_MS each later
 * exchange with the server (opening included); both must be > 0, since
 * Xapian takes 0 as "wait for ever".  Returns XC_OK with the handle in
 * *OUT, XC_TIMEOUT when the server did not answer in time, XC_NETWORK when
 * it could not be reached, XC_LOCKED for a writable shard that another
 * writer holds, or another error status, with Xapian's message (which
 * names "remote:tcp(HOST:PORT)") in *ERROR (caller frees) when ERROR is
 * not NULL.
 */
xc_status_t xc_db_open_remote(const char *host, unsigned port,
                              xc_open_mode_t mode, unsigned timeout_ms,
                              unsigned connect_timeout_ms, xc_db_t **out,
                              char **error);

/*
 * A new read-only database of no documents in *OUT, to which shards are
 * added with xc_db_add(); searching it then searches all of them as one
 * index, with the statistics of their union (Xapian's add_database()).
 * Returns XC_OK or XC_NO_MEMORY.
 */
xc_status_t xc_db_new_group(xc_db_t **out);

/*
 * Adds SHARD (any open database, local or remote) to the group GROUP.
 * GROUP shares what it needs of SHARD, which may be closed afterwards.
 * Metadata of a group is read from its first shard.  Returns XC_OK, or
 * XC_INVALID when GROUP is writable.
 */
xc_status_t xc_db_add(xc_db_t *group, const xc_db_t *shard);

/*
 * Closes DB; NULL is allowed.  A writable database's pending changes are
 * committed first (Xapian's behaviour); errors at this point are ignored, so
 * call xc_db_commit() first when they matter.
 */
void xc_db_close(xc_db_t *db);

/* The message of the last failed call on DB, or "" if none; borrowed, valid
 * until the next call on DB. */
const char *xc_db_error(const xc_db_t *db);

/*
 * Writes a compact copy of DB's latest committed revision to the new folder
 * DEST (Xapian's Database::compact, keeping document ids): full B-tree
 * blocks, no free space.  DB is not changed.  Returns XC_OK, or an error
 * status with the message on DB.
 */
xc_status_t xc_db_compact(xc_db_t *db, const char *dest);

/*
 * Merges the N_SOURCES indexes at SOURCES (folders) into a new compact index
 * in the new folder DEST (Xapian's compaction of their union; document ids
 * are renumbered, the sources' in turn; metadata keys found in several keep
 * the first source's value).  The sources are not changed.  Returns XC_OK,
 * or an error status with the message in *ERROR (caller frees) when ERROR
 * is not NULL.
 */
xc_status_t xc_merge(const char *const *sources, size_t n_sources,
                     const char *dest, char **error);

/* Makes a read-only DB see the latest committed revision.  Returns XC_OK, or
 * an error status. */
xc_status_t xc_db_reopen(xc_db_t *db);

/* Commits pending changes of a writable DB. */
xc_status_t xc_db_commit(xc_db_t *db);

/* Number of documents in DB, through *OUT. */
xc_status_t xc_db_doc_count(xc_db_t *db, unsigned *out);

/* Number of documents indexed by TERM, through *OUT (0 if none). */
xc_status_t xc_db_term_freq(xc_db_t *db, const char *term, unsigned *out);

/* Deletes every document indexed by TERM (none is not an error). */
xc_status_t xc_db_delete_by_term(xc_db_t *db, const char *term);

/*
 * Metadata: a key-value store beside the documents.  xc_db_get_metadata()
 * stores a newly allocated NUL-terminated copy of the value in *VALUE ("" if
 * the key is not set).
 */
xc_status_t xc_db_get_metadata(xc_db_t *db, const char *key, char **value);
xc_status_t xc_db_set_metadata(xc_db_t *db, const char *key,
                               const char *value);

/*
 * Calls FN(CTX, KEY, VALUE) for each metadata key that starts with PREFIX,
 * in key order, with the value (both NUL-terminated and borrowed for the
 * call only).  FN returns 0 to go on, non-zero to stop (then XC_OK is
 * returned all the same).
 */
typedef int (*xc_metadata_fn)(void *ctx, const char *key, const char *value);
xc_status_t xc_db_metadata_list(xc_db_t *db, const char *prefix,
                                xc_metadata_fn fn, void *ctx);

/* The number of distinct terms of DB that start with PREFIX, through *OUT.
 * Walks those terms. */
xc_status_t xc_db_count_prefix(xc_db_t *db, const char *prefix,
                               unsigned long *out);

/* ------------------------------------------------------------------ */
/* Documents                                                           */

typedef struct xc_doc xc_doc_t;

/* A new empty document, or NULL if memory ran out. */
xc_doc_t *xc_doc_new(void);
void xc_doc_free(xc_doc_t *doc);

/* Adds TERM (LEN bytes) at POSITION, increasing its wdf by WDF_INC. */
xc_status_t xc_doc_add_posting(xc_doc_t *doc, const char *term, size_t len,
                               unsigned position, unsigned wdf_inc);
/* Adds TERM as a boolean term: wdf 0, used for filtering, not scoring. */
xc_status_t xc_doc_add_boolean_term(xc_doc_t *doc, const char *term,
                                    size_t len);
/* Sets value SLOT to LEN bytes of VALUE. */
xc_status_t xc_doc_set_value(xc_doc_t *doc, unsigned slot, const char *value,
                             size_t len);
/* Sets the document's stored data to LEN bytes of DATA. */
xc_status_t xc_doc_set_data(xc_doc_t *doc, const char *data, size_t len);

/*
 * Adds DOC to DB, or replaces the document indexed by UNIQUE_TERM (when not
 * NULL) with it.  DOC is copied; the caller still owns and frees it.
 */
xc_status_t xc_db_replace_doc(xc_db_t *db, const char *unique_term,
                              const xc_doc_t *doc);

/* ------------------------------------------------------------------ */
/* Queries                                                             */

typedef struct xc_query xc_query_t;

/*
 * A stemming callback: stems LEN bytes of WORD and returns the stem, which
 * must stay valid until the next call with the same CTX; returning NULL means
 * "out of memory".  The binding wraps it in a Xapian::StemImplementation so
 * that the QueryParser stems exactly as the indexer does.
 */
typedef const char *(*xc_stem_fn)(void *ctx, const char *word, size_t len,
                                  size_t *stem_len);

/*
 * A filter field's callback, for "name:VALUE": turns the LEN bytes of VALUE
 * (NUL-terminated; what follows "name:" up to white space or ')', or the
 * text between the quotes of name:"...") into a query, stored in *OUT and
 * then owned by the binding; xc_query_match_nothing() lets nothing pass.
 * Returns XC_OK; XC_QUERY_ERROR with a one-line message in *ERROR (malloc'd;
 * the binding frees it) for a value it does not accept; or XC_NO_MEMORY.
 */
typedef xc_status_t (*xc_filter_fn)(void *ctx, const char *value, size_t len,
                                    xc_query_t **out, char **error);

/* A field that filters: "name:value" keeps only the documents that match
 * what FN makes of the value, and adds no weight (a Xapian boolean field).
 * The same field given twice passes what either value passes; different
 * fields must all pass. */
typedef struct {
    const char *name;
    xc_filter_fn fn;
    void *ctx;
} xc_filter_field_t;

typedef struct {
    xc_stem_fn stem;          /* NULL: no stemming */
    void *stem_ctx;
    const char *stem_prefix;  /* the prefix of stemmed terms; NULL: "Z" */
    int default_and;          /* non-zero: plain words are ANDed, else ORed */
    /* Field names to term prefixes, for "title:word".  FIELDS is an array of
     * N_FIELDS pairs { name, prefix }. */
    const char *const (*fields)[2];
    size_t n_fields;
    /* Filter fields: an array of N_FILTERS, or NULL. */
    const xc_filter_field_t *filters;
    size_t n_filters;
    /* The prefix of words without a field, e.g. "S" to search headlines;
     * NULL or "" for unprefixed terms. */
    const char *default_prefix;
    /* Non-zero: a phrase, NEAR or ADJ is read as its words ANDed, which
     * needs no positions (Xapian's FLAG_NO_POSITIONS, from 1.4.19; before,
     * it is read as usual). */
    int no_positions;
} xc_parse_options_t;

/*
 * Parses TEXT with Xapian's QueryParser (boolean operators, phrases, +/-,
 * NEAR, wildcards when DB is given, field prefixes).  With OPTIONS->stem,
 * every word is stemmed, in phrases too, into the term stem prefix, field
 * prefix (or default prefix), stem: "title:wars" is "ZSwar", and a
 * wildcard matches the start of such terms.  Without it, words are terms
 * as they are, after their field's prefix.  DB may be NULL; it is used for
 * wildcard expansion.  On success stores the query in *OUT (free with
 * xc_query_free()).  Returns XC_QUERY_ERROR with Xapian's message in
 * *ERROR for a query that does not parse or whose filter callback refused
 * a value (with the callback's message), XC_NO_MEMORY, and XC_INVALID if a
 * field has no name or prefix.
 */
xc_status_t xc_query_parse(xc_db_t *db, const char *text,
                           const xc_parse_options_t *options,
                           xc_query_t **out, char **error);

void xc_query_free(xc_query_t *query);

/*
 * A new query that matches what A or B matches, a document's weight being
 * the sum of both (Xapian's OP_OR).  A and B are not changed and still belong
 * to the caller.  Returns NULL if memory ran out.
 */
xc_query_t *xc_query_or(const xc_query_t *a, const xc_query_t *b);

/* How xc_query_combine() joins two queries; Xapian's operators of the same
 * names. */
typedef enum {
    XC_OP_AND,        /* both match; weights add */
    XC_OP_OR,         /* either matches; weights add */
    XC_OP_AND_NOT,    /* A matches and B does not; A's weight */
    XC_OP_AND_MAYBE,  /* A matches; B adds its weight where it matches too */
    XC_OP_FILTER      /* A matches and B does; A's weight only */
} xc_op_t;

/*
 * A new query joining A and B with OP.  Its terms (xc_query_term()) are
 * those of both, except with XC_OP_AND_NOT, where they are A's.  A and B are
 * not changed and still belong to the caller.  Returns NULL if memory ran
 * out or OP is not one of xc_op_t.
 */
xc_query_t *xc_query_combine(xc_op_t op, const xc_query_t *a,
                             const xc_query_t *b);

/* A query that matches every document, all with the same weight; NULL if
 * memory ran out. */
xc_query_t *xc_query_match_all(void);

/* A query that matches nothing (xc_query_is_empty() is true of it); NULL if
 * memory ran out. */
xc_query_t *xc_query_match_nothing(void);

/*
 * A query for the documents whose value in SLOT lies between LOW and HIGH,
 * both included, in byte order; a NULL end is open.  Documents without a
 * value in SLOT never match.  Returns NULL if memory ran out or both ends
 * are NULL.
 */
xc_query_t *xc_query_value_range(unsigned slot, const char *low,
                                 const char *high);

/* Non-zero if QUERY matches nothing by construction (an empty query). */
int xc_query_is_empty(const xc_query_t *query);

/* The number of distinct terms QUERY holds, and the I-th of them in sorted
 * order (borrowed, valid while QUERY lives).  Used for highlighting. */
size_t xc_query_term_count(const xc_query_t *query);
const char *xc_query_term(const xc_query_t *query, size_t i);

/* A human-readable description of QUERY (Xapian's get_description());
 * newly allocated, or NULL if memory ran out. */
char *xc_query_describe(const xc_query_t *query);

/* ------------------------------------------------------------------ */
/* Searching                                                           */

typedef struct xc_mset xc_mset_t;

typedef struct {
    double bm25_k1, bm25_k2, bm25_k3, bm25_b, bm25_min_normlen;
    /* Xapian's defaults are 1, 0, 1, 0.5, 0.5; xc_search_options_init()
     * sets them. */
    int collapse_slot;        /* < 0: no collapse; else keep the best
                                 COLLAPSE_MAX documents per value in slot */
    unsigned collapse_max;
    int check_at_least;       /* as Enquire::get_mset()'s checkatleast: pass
                                 a large number for an exact match count */
    int sort_slot;            /* < 0: by weight; else by the value in this
                                 slot, then by weight */
    int sort_descending;      /* with sort_slot: largest value first */
    const char *sort_missing; /* with sort_slot: the value a document
                                 without one sorts as; NULL: such documents
                                 sort as the smallest value.  Not NULL is
                                 refused by remote shards (XC_INVALID) */
    int tie_slot;             /* without sort_slot, >= 0: documents of equal
                                 weight are ordered by their value in this
                                 slot (ascending byte order), then by
                                 document id; < 0: by document id.  The
                                 hits' values in it come with them:
                                 xc_mset_value() reads no more for them */
    int unweighted;           /* non-zero: every match weighs nothing
                                 (Xapian's BoolWeight), which spares reading
                                 document lengths; for counting */
} xc_search_options_t;

/* Fills OPTIONS with Xapian's defaults; cannot fail. */
void xc_search_options_init(xc_search_options_t *options);

/*
 * Runs QUERY on DB and stores in *OUT the documents ranked FIRST to
 * FIRST+MAX-1 (free with xc_mset_free()).  Returns XC_MODIFIED if DB changed
 * under the search (reopen and retry), or another error status, with the
 * message on DB.
 */
xc_status_t xc_db_search(xc_db_t *db, const xc_query_t *query,
                         unsigned first, unsigned max,
                         const xc_search_options_t *options, xc_mset_t **out);

void xc_mset_free(xc_mset_t *mset);

/* Number of hits held. */
size_t xc_mset_size(const xc_mset_t *mset);
/* Xapian's estimate of the total number of matching documents (exact when
 * check_at_least covered them all). */
unsigned xc_mset_matches_estimated(const xc_mset_t *mset);
/* The I-th hit's document id, weight, and number of documents collapsed into
 * it (0 without collapse). */
unsigned xc_mset_docid(const xc_mset_t *mset, size_t i);
double xc_mset_weight(const xc_mset_t *mset, size_t i);
unsigned xc_mset_collapse_count(const xc_mset_t *mset, size_t i);

/*
 * The I-th hit's stored data and value in SLOT, through *DATA / *VALUE and
 * *LEN.  The bytes are borrowed from MSET, valid while it lives.  May fail
 * (XC_MODIFIED among others) since documents are read lazily; the message is
 * then kept on the database the MSET came from (xc_db_error()), which must
 * outlive MSET.
 */
xc_status_t xc_mset_data(xc_mset_t *mset, size_t i, const char **data,
                         size_t *len);
xc_status_t xc_mset_value(xc_mset_t *mset, size_t i, unsigned slot,
                          const char **value, size_t *len);


/* ------------------------------------------------------------------ */
/* Term lists and queries built from terms                             */

/*
 * Called once per term by xc_db_term_list() with the term (LEN bytes,
 * NUL-terminated, borrowed for the call only) and the number of documents it
 * indexes.  Returns 0 to go on, non-zero to stop.
 */
typedef int (*xc_term_fn)(void *ctx, const char *term, size_t len,
                          unsigned freq);

/*
 * Calls FN for each term of DB that starts with PREFIX ("" for all), in byte
 * order, with its document frequency (Xapian's allterms_begin(PREFIX); for a
 * stub of several databases, their terms merged and frequencies summed).
 * Returns XC_OK, also when FN stopped the walk, or an error status with the
 * message on DB.
 */
xc_status_t xc_db_term_list(xc_db_t *db, const char *prefix, xc_term_fn fn,
                            void *ctx);

/*
 * A query for the LEN bytes of TERM as they are (no stemming, no prefix
 * added); the query's term list holds TERM.  NULL if memory ran out.
 */
xc_query_t *xc_query_new_term(const char *term, size_t len);

/*
 * A query for the N_TERMS TERMS (NUL-terminated) in their order within
 * WINDOW positions (Xapian's OP_PHRASE): at consecutive positions when
 * WINDOW is N_TERMS, or 0; one term is that term's query.  N_TERMS must be
 * at least 1, and WINDOW 0 or at least N_TERMS.  NULL if they are not, or
 * if memory ran out.
 */
xc_query_t *xc_query_new_phrase(const char *const *terms, size_t n_terms,
                                size_t window);

/* A copy of QUERY (Xapian shares the parts), to free on its own; NULL if
 * QUERY is NULL or memory ran out. */
xc_query_t *xc_query_copy(const xc_query_t *query);

/*
 * A new query that matches what QUERY matches, with every weight multiplied
 * by FACTOR (Xapian's OP_SCALE_WEIGHT; FACTOR >= 0).  QUERY is not changed
 * and still belongs to the caller.  NULL if FACTOR is negative or memory ran
 * out.
 */
xc_query_t *xc_query_scale(const xc_query_t *query, double factor);

/* ------------------------------------------------------------------ */
/* Relevance feedback                                                  */

/*
 * Called once per term by xc_db_expand(), best first, with the term (LEN
 * bytes, NUL-terminated, borrowed for the call only) and its expansion
 * weight (> 0).  Returns 0 to go on, non-zero to stop.
 */
typedef int (*xc_weighted_term_fn)(void *ctx, const char *term, size_t len,
                                   double weight);

/*
 * Relevance feedback (Xapian's Enquire::get_eset()): the terms that best
 * tell the N_DOCIDS documents DOCIDS (ids as xc_mset_docid() gives them)
 * from the rest of DB.  Only terms whose prefix is exactly PREFIX are
 * considered, a prefix being a term's leading capitals as Xapian's
 * convention has it: "Z" takes "Zearth" but not "ZSearth"; "" takes terms
 * without a prefix.  Calls FN for at most MAX_TERMS of them, best first.
 * Returns XC_OK (also when FN stopped, or no term qualified), XC_INVALID
 * if DOCIDS is empty or PREFIX or FN is NULL, or another error status,
 * with the message on DB.
 */
xc_status_t xc_db_expand(xc_db_t *db, const unsigned *docids,
                         size_t n_docids, const char *prefix,
                         unsigned max_terms, xc_weighted_term_fn fn,
                         void *ctx);

#ifdef __cplusplus
}
#endif

#endif
