/*
 * cluster.h: an index spread over shards, named by a cluster file.
 *
 * A cluster file is a Xapian stub database file, so that Xapian's own tools
 * (quest -d FILE) read it too: one shard a line, in a fixed order,
 *
 *   auto PATH          a local index (also "glass PATH", "chert PATH"); a
 *                      relative PATH is relative to the cluster file's
 *                      folder, as Xapian has it;
 *   remote HOST:PORT   an index served by xapian-tcpsrv ("newsgrep serve"),
 *                      HOST a name, an IPv4 address or [an IPv6 one];
 *
 * with blank lines and lines starting with '#' ignored.  Xapian's other
 * stub lines (remote programs, inmemory) are refused.
 *
 * Each story lives on exactly one shard, the one ng_cluster_route() names
 * by a hash of its id: the routing depends only on the id and on the number
 * of shards, so the shards' order and number must not change once stories
 * are indexed (rebuild the cluster to change them).  The first shard is
 * the cluster's home: it keeps what the index records of its files and
 * roots (schema.h's metadata) besides its share of the stories.
 */
#ifndef NEWSGREP_CLUSTER_H
#define NEWSGREP_CLUSTER_H

#include <stddef.h>

#include "status.h"
#include "xapian-c.h"

/* How long a search waits for a remote shard, to connect and then for
 * each answer, unless told otherwise (milliseconds). */
#define NG_CLUSTER_TIMEOUT_MS 5000

/* How long an indexer waits for one answer of a writable remote shard:
 * committing a batch of stories can take a while (milliseconds). */
#define NG_CLUSTER_WRITE_TIMEOUT_MS 120000

typedef struct {
    char *name;    /* as the cluster file names it: "HOST:PORT" or PATH */
    char *path;    /* a local shard's path, relative ones made relative to
                      the current folder; NULL for a remote shard */
    char *host;    /* a remote shard's host, without brackets; else NULL */
    unsigned port;
} ng_shard_t;

typedef struct {
    char *path;          /* the cluster file */
    ng_shard_t *shards;  /* in the file's order; at least one */
    size_t n_shards;
} ng_cluster_t;

/* Non-zero if PATH is a file rather than a folder: a stub database file,
 * which newsgrep takes as a cluster.  0 if it is a folder or missing. */
int ng_cluster_is_cluster(const char *path);

/*
 * Reads the cluster file PATH into *OUT (free with ng_cluster_free()).
 * Returns NG_OK; NG_IO_ERROR when it cannot be read, NG_BAD_INPUT when a
 * line is not understood or it names no shard, each with a message in
 * *ERROR naming the file and line (caller frees); or NG_NO_MEMORY.
 */
ng_status_t ng_cluster_load(const char *path, ng_cluster_t **out,
                            char **error);

/* Frees CLUSTER; NULL is allowed. */
void ng_cluster_free(ng_cluster_t *cluster);

/* The shard (0 to N_SHARDS - 1) of the story STORY_ID: XXH64 of the id,
 * seed 0, modulo the number of shards.  Cannot fail. */
size_t ng_cluster_route(const char *story_id, size_t n_shards);

/*
 * Opens shard I of CLUSTER: read-only (XC_OPEN_READ), or for writing
 * (XC_OPEN_CREATE_OR_OPEN: a local shard is created if missing; a remote
 * one must be served with --writable).  Remote shards get TIMEOUT_MS to
 * connect and for each answer.  Returns NG_OK with the handle in *OUT;
 * NG_SHARD_FAILED when a remote shard cannot be reached or does not answer
 * in time, or another status, with a message naming the shard in *ERROR
 * (caller frees), e.g. "shard '127.0.0.1:4711' did not answer within 5 s".
 */
ng_status_t ng_cluster_open_shard(const ng_cluster_t *cluster, size_t i,
                                  xc_open_mode_t mode, unsigned timeout_ms,
                                  xc_db_t **out, char **error);

/*
 * A message naming the shard for the failed call status RC (XC_TIMEOUT
 * says how long it was given, TIMEOUT_MS) with the binding's MESSAGE:
 * newly allocated, NULL if memory ran out.
 */
char *ng_cluster_shard_message(const ng_shard_t *shard, int rc,
                               unsigned timeout_ms, const char *message);

/*
 * The shard of CLUSTER that a message of Xapian's names (its remote
 * context "remote:tcp(HOST:PORT)"), or N_SHARDS when it names none.
 */
size_t ng_cluster_shard_in(const ng_cluster_t *cluster, const char *message);

#endif
