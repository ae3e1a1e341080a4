/*
 * filestate.h: what the index knows of each story file it holds, so that
 * "newsgrep index" can tell new, changed, moved, deleted and unchanged
 * stories apart cheaply.
 *
 * A file's record is its path, size, modification time (nanoseconds), a
 * 64-bit xxHash of its content, and the id of the story it was indexed as.
 * The records are kept in the index itself, as metadata (schema.h), so they
 * are committed together with the documents they describe: after any crash
 * the two agree.
 *
 * In memory an update holds only each file's state: the record without its
 * path and story id, found by a 64-bit hash of the path, about 40 bytes a
 * file whatever its path.  The hash names the record's metadata key and the
 * file's XF term (terms.h) too, so a path is needed only where a file is
 * found or its record read back.
 */
#ifndef NEWSGREP_FILESTATE_H
#define NEWSGREP_FILESTATE_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef struct {
    uint64_t path_hash;      /* ng_filestate_path_hash() of its path */
    uint64_t size;
    int64_t mtime_ns;
    uint64_t hash;           /* ng_filestate_hash() of the content */
    unsigned seen : 1;       /* set by the caller during an update */
    unsigned mark : 1;       /* the caller's own flag */
} ng_filestate_t;

typedef struct ng_filestates ng_filestates_t;

/* A new empty set, or NULL if memory ran out. */
ng_filestates_t *ng_filestates_new(void);
void ng_filestates_free(ng_filestates_t *set);

/*
 * Adds or replaces the state of the file whose path hashes to PATH_HASH,
 * keeping its SEEN and MARK flags when it was there.  Returns a pointer to
 * the stored state (owned by SET, valid until the next ng_filestates_put()
 * on it), or NULL if memory ran out.
 */
ng_filestate_t *ng_filestates_put(ng_filestates_t *set, uint64_t path_hash,
                                  uint64_t size, int64_t mtime_ns,
                                  uint64_t hash);

/* The state of the file whose path hashes to PATH_HASH, or NULL; owned by
 * SET, valid as above. */
ng_filestate_t *ng_filestates_get(ng_filestates_t *set, uint64_t path_hash);

/* The number of states and the I-th of them, in the order they were put;
 * for walking over all states.  Owned by SET, valid as above. */
size_t ng_filestates_count(const ng_filestates_t *set);
ng_filestate_t *ng_filestates_at(ng_filestates_t *set, size_t i);

/* The 64-bit content hash. Cannot fail. */
uint64_t ng_filestate_hash(const void *data, size_t len);

/* The 64-bit hash of PATH that names its state, record and XF term.
 * Cannot fail. */
uint64_t ng_filestate_path_hash(const char *path);

/*
 * The metadata key of the record of the file whose path hashes to
 * PATH_HASH (a fixed prefix and the hash, so that long paths fit Xapian's
 * key limit) into KEY, which must hold NG_FILESTATE_KEY_MAX bytes.  Cannot
 * fail.
 */
#define NG_FILESTATE_KEY_MAX 48
void ng_filestate_key(uint64_t path_hash, char *key);

/* The metadata prefix of all records' keys. */
#define NG_FILESTATE_KEY_PREFIX "newsgrep.file."

/* A record as ng_filestate_parse() reads it: PATH and STORY_ID point into
 * the value read (PATH runs to its end; STORY_ID is ID_LEN bytes). */
typedef struct {
    ng_filestate_t state;    /* SEEN and MARK clear */
    const char *path;
    const char *story_id;
    size_t id_len;
} ng_filerecord_t;

/*
 * The metadata value that records STATE's size, time and hash for the file
 * PATH indexed as story STORY_ID: a newly allocated string (caller frees),
 * or NULL if memory ran out.
 */
char *ng_filestate_encode(const ng_filestate_t *state, const char *path,
                          const char *story_id);

/*
 * Reads VALUE, made by ng_filestate_encode(), into *RECORD, whose pointers
 * then point into VALUE.  Returns NG_OK, or NG_INDEX_CORRUPT for a value
 * that cannot be read.
 */
ng_status_t ng_filestate_parse(const char *value, ng_filerecord_t *record);

#endif
