/*
 * search.h: runs a search on an index and hands back ranked, highlighted
 * paragraphs.
 */
#ifndef NEWSGREP_SEARCH_H
#define NEWSGREP_SEARCH_H

#include <stddef.h>

#include "highlight.h"
#include "similar.h"
#include "status.h"
#include "synonyms.h"

/* A paragraph shown around a hit (-C). */
typedef struct {
    unsigned paragraph;   /* its 1-based number in the story */
    char *text;
} ng_context_t;

/* One ranked paragraph.  Strings are owned by the results that hold it. */
typedef struct {
    char *story;          /* the story's id */
    char *path;           /* the story file, absolute */
    char *title;          /* the story's headline */
    char *date;           /* "YYYY-MM-DD", or NULL when unknown */
    char *source;         /* the source URL, or NULL */
    char *text;           /* the paragraph */
    unsigned paragraph;   /* 1-based paragraph number in the story */
    double score;         /* the ranking's weight; higher is better */
    ng_span_t *spans;     /* matched words in TEXT, in order */
    size_t n_spans;
    ng_span_t *title_spans;   /* matched words in TITLE */
    size_t n_title_spans;
    unsigned more;        /* the story's other matching paragraphs that
                             are not among the hits */
    int all_words;        /* it holds every word of a short query (query.h's
                             first tier) */
    ng_context_t *before; /* with CONTEXT, the paragraphs before this one, */
    size_t n_before;      /* in order, as many as the story has */
    ng_context_t *after;  /* and after it */
    size_t n_after;
} ng_hit_t;

typedef struct {
    ng_hit_t *hits;       /* best first, a story's paragraphs together */
    size_t n_hits;
    unsigned matches;     /* how many paragraphs (stories, with STORIES)
                             matched in all: exact with COUNT, else an
                             estimate when larger than what was asked for */
    char *suggestion;     /* with SUGGEST, the query spelled as the index
                             spells its words, or NULL (suggest.h) */
    char **missing;       /* a cluster's shards left out of this answer
                             (ALLOW_PARTIAL), each a message that names
                             the shard and says why */
    size_t n_missing;
} ng_results_t;

typedef enum {
    NG_SORT_RELEVANCE,    /* best first */
    NG_SORT_NEWEST,       /* latest date first; undated stories last */
    NG_SORT_OLDEST        /* earliest date first; undated stories last */
} ng_sort_t;

typedef struct {
    unsigned max_hits;    /* how many paragraphs (stories, with STORIES) at
                             most; 0 means all */
    unsigned per_story;   /* how many paragraphs of one story at most; 0
                             means no limit */
    int stories;          /* one hit per story: its best paragraph, ranked
                             by it */
    ng_sort_t sort;       /* by date, plain words must all match */
    int count;            /* count every match exactly */
    int held_back;        /* set the hits' MORE (a little search per story
                             shown) */
    int plain;            /* leave SPANS and TITLE_SPANS empty: for callers
                             that need only the ranking */
    const ng_synonyms_t *synonyms;  /* words of the query found here add
                             their groups' other members (relevance order
                             only); NULL for none */
    int suggest;          /* look for a better spelling of the query */
    unsigned context;     /* give each hit this many paragraphs of its
                             story before and after it */
    const ng_example_t *like;  /* when not NULL, search for paragraphs
                             like this example's (similar.h) instead of a
                             query, which may then be NULL; SYNONYMS and
                             SUGGEST do not apply */
} ng_search_options_t;

/* BM25's parameters.  Robertson's usual k1 = 1.2, b = 0.75 beat Xapian's
 * defaults (1, 0.5) on both development collections (bench/RESULTS.md). */
#define NG_SEARCH_BM25_K1 1.2
#define NG_SEARCH_BM25_B 0.75

/* An open index to run searches on; see ng_searcher_open(). */
typedef struct ng_searcher ng_searcher_t;

/* How a searcher treats the remote shards of a cluster (cluster.h). */
typedef struct {
    unsigned timeout_ms;  /* how long to wait for a shard to connect and
                             for each of its answers; 0 means
                             NG_CLUSTER_TIMEOUT_MS */
    int allow_partial;    /* answer from the shards that answer, naming
                             the others in the results' MISSING, rather
                             than fail */
} ng_searcher_config_t;

/*
 * Opens the index at DB_PATH (a folder, or a stub database file) for
 * searching, stemming queries in the language the index was built with.
 * Returns NG_OK with *OUT set (close with ng_searcher_close()), NG_NO_INDEX
 * when there is no index at DB_PATH, or another error; on error *ERROR
 * holds a message (caller frees).
 */
ng_status_t ng_searcher_open(const char *db_path, ng_searcher_t **out,
                             char **error);

/*
 * Like ng_searcher_open(), with CONFIG (NULL: the defaults) for a cluster:
 * DB_PATH may be a cluster file (cluster.h), whose shards are then searched
 * as one index, with the same hits, order and scores as one index holding
 * all their stories.  A shard that cannot be opened, or that fails during a
 * search, fails it with NG_SHARD_FAILED and a message naming the shard,
 * unless CONFIG->allow_partial leaves it out (NG_SHARD_FAILED all the same
 * when no shard is left).  A cluster file that cannot be read is
 * NG_IO_ERROR or NG_BAD_INPUT.
 */
ng_status_t ng_searcher_open_with(const char *db_path,
                                  const ng_searcher_config_t *config,
                                  ng_searcher_t **out, char **error);

/*
 * Searches for QUERY as OPTIONS say.  A search that meets an index changed
 * by a concurrent writer reopens it and tries again.  Hits are ordered best
 * first, except that the paragraphs of one story follow the story's best
 * one when they are as good evidence: of a short query's words, they hold
 * all when it does (ALL_WORDS).  With HELD_BACK, a hit's MORE counts the story's other matching
 * paragraphs that are not shown, when a limit (PER_STORY, or STORIES) held
 * them back.
 *
 * Returns NG_OK with *OUT set (free with ng_results_free()) when something
 * matched, NG_NO_MATCH with *OUT set to empty results when nothing did,
 * NG_QUERY_ERROR for a query that does not parse, NG_BAD_ARGUMENT for an
 * example (OPTIONS->like) that the index does not hold, or another error; on
 * error *ERROR holds a message (caller frees).
 */
ng_status_t ng_searcher_search(ng_searcher_t *searcher, const char *query,
                               const ng_search_options_t *options,
                               ng_results_t **out, char **error);

/* Closes SEARCHER; NULL is allowed. */
void ng_searcher_close(ng_searcher_t *searcher);

/*
 * Opens the index at DB_PATH, searches it once, and closes it: the same
 * statuses as ng_searcher_open() and ng_searcher_search().
 */
ng_status_t ng_search_run(const char *db_path, const char *query,
                          const ng_search_options_t *options,
                          ng_results_t **out, char **error);

/* Frees RESULTS; NULL is allowed. */
void ng_results_free(ng_results_t *results);

#endif
