/*
 * filestate.h: what the index knows of each story file it holds, so that
 * "newsgrep index" can tell new, changed, moved, deleted and unchanged
 * stories apart cheaply.
 *
 * A file's state is its size, modification time (nanoseconds), a 64-bit
 * xxHash of its content, and the id of the story it was indexed as.  The
 * states are kept in the index itself, as metadata (schema.h), so they are
 * committed together with the documents they describe: after any crash the
 * two agree.
 */
#ifndef NEWSGREP_FILESTATE_H
#define NEWSGREP_FILESTATE_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef struct {
    char *path;              /* absolute path of the story file */
    char *story_id;          /* the story id it was indexed as */
    uint64_t size;
    int64_t mtime_ns;
    uint64_t hash;           /* ng_filestate_hash() of the content */
    int seen;                /* set by the caller during an update */
} ng_filestate_t;

typedef struct ng_filestates ng_filestates_t;

/* A new empty set, or NULL if memory ran out. */
ng_filestates_t *ng_filestates_new(void);
void ng_filestates_free(ng_filestates_t *set);

/*
 * Adds or replaces the state of PATH.  Returns a pointer to the stored state
 * (owned by SET, valid until the next ng_filestates_put() on it), or NULL if
 * memory ran out.
 */
ng_filestate_t *ng_filestates_put(ng_filestates_t *set, const char *path,
                                  const char *story_id, uint64_t size,
                                  int64_t mtime_ns, uint64_t hash);

/* The state of PATH, or NULL; owned by SET, valid as above. */
ng_filestate_t *ng_filestates_get(ng_filestates_t *set, const char *path);

/* The number of states and the I-th of them, in the order they were put;
 * for walking over all states.  Owned by SET, valid as above. */
size_t ng_filestates_count(const ng_filestates_t *set);
ng_filestate_t *ng_filestates_at(ng_filestates_t *set, size_t i);

/* The 64-bit content hash. Cannot fail. */
uint64_t ng_filestate_hash(const void *data, size_t len);

/*
 * The metadata key of PATH's state (a fixed prefix and a hash of the path,
 * so that long paths fit Xapian's key limit) into KEY, which must hold
 * NG_FILESTATE_KEY_MAX bytes.  Cannot fail.
 */
#define NG_FILESTATE_KEY_MAX 48
void ng_filestate_key(const char *path, char *key);

/* The metadata prefix of all states' keys. */
#define NG_FILESTATE_KEY_PREFIX "newsgrep.file."

/*
 * The metadata value that records STATE: a newly allocated string (caller
 * frees), or NULL if memory ran out.
 */
char *ng_filestate_encode(const ng_filestate_t *state);

/*
 * Reads a value made by ng_filestate_encode() into SET.  Returns NG_OK,
 * NG_INDEX_CORRUPT for a value that cannot be read, or NG_NO_MEMORY.
 */
ng_status_t ng_filestates_decode(ng_filestates_t *set, const char *value);

#endif
