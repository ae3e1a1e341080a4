/*
 * filestate.c: the set of file states, an open-addressing hash table over
 * path hashes, and the records' text form.
 */
#include <config.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "filestate.h"

struct ng_filestates {
    ng_filestate_t *states;  /* in the order put */
    size_t n, cap;
    uint32_t *slots;         /* open addressing: index + 1, 0 = empty */
    size_t n_slots;          /* a power of two */
};

uint64_t ng_filestate_hash(const void *data, size_t len)
{
    return XXH3_64bits(data, len);
}

uint64_t ng_filestate_path_hash(const char *path)
{
    return XXH3_64bits(path, strlen(path));
}

void ng_filestate_key(uint64_t path_hash, char *key)
{
    snprintf(key, NG_FILESTATE_KEY_MAX, "%s%016" PRIx64,
             NG_FILESTATE_KEY_PREFIX, path_hash);
}

ng_filestates_t *ng_filestates_new(void)
{
    return calloc(1, sizeof(ng_filestates_t));
}

void ng_filestates_free(ng_filestates_t *set)
{
    if (!set)
        return;
    free(set->states);
    free(set->slots);
    free(set);
}

static size_t find_slot(const ng_filestates_t *set, uint64_t path_hash)
{
    size_t mask = set->n_slots - 1;
    size_t i = (size_t)path_hash & mask;
    while (set->slots[i] &&
           set->states[set->slots[i] - 1].path_hash != path_hash)
        i = (i + 1) & mask;
    return i;
}

/* Doubles the slot table; returns 0 if memory ran out. */
static int grow_slots(ng_filestates_t *set)
{
    size_t n_slots = set->n_slots ? set->n_slots * 2 : 64;
    uint32_t *slots = calloc(n_slots, sizeof *slots);
    if (!slots)
        return 0;
    free(set->slots);
    set->slots = slots;
    set->n_slots = n_slots;
    for (size_t k = 0; k < set->n; k++)
        set->slots[find_slot(set, set->states[k].path_hash)] =
            (uint32_t)(k + 1);
    return 1;
}

ng_filestate_t *ng_filestates_get(ng_filestates_t *set, uint64_t path_hash)
{
    if (set->n == 0)
        return NULL;
    size_t i = find_slot(set, path_hash);
    return set->slots[i] ? &set->states[set->slots[i] - 1] : NULL;
}

ng_filestate_t *ng_filestates_put(ng_filestates_t *set, uint64_t path_hash,
                                  uint64_t size, int64_t mtime_ns,
                                  uint64_t hash)
{
    ng_filestate_t *state = ng_filestates_get(set, path_hash);
    if (!state) {
        /* The slots count states in 32 bits: four billion files. */
        if (set->n >= UINT32_MAX - 1)
            return NULL;
        /* Keep the table at most half full, so probes stay short. */
        if ((set->n + 1) * 2 > set->n_slots && !grow_slots(set))
            return NULL;
        if (set->n == set->cap) {
            size_t cap = set->cap ? set->cap + set->cap / 2 : 64;
            ng_filestate_t *grown = realloc(set->states, cap * sizeof *grown);
            if (!grown)
                return NULL;
            set->states = grown;
            set->cap = cap;
        }
        state = &set->states[set->n];
        memset(state, 0, sizeof *state);
        state->path_hash = path_hash;
        set->slots[find_slot(set, path_hash)] = (uint32_t)++set->n;
    }
    state->size = size;
    state->mtime_ns = mtime_ns;
    state->hash = hash;
    return state;
}

size_t ng_filestates_count(const ng_filestates_t *set)
{
    return set->n;
}

ng_filestate_t *ng_filestates_at(ng_filestates_t *set, size_t i)
{
    return i < set->n ? &set->states[i] : NULL;
}

/* The value is "SIZE MTIME HASH IDLEN ID PATH": numbers in decimal (the hash
 * in hex), then the id with its length before it, then the path to the end,
 * so that neither needs escaping. */
char *ng_filestate_encode(const ng_filestate_t *state, const char *path,
                          const char *story_id)
{
    char *value;
    if (asprintf(&value, "%" PRIu64 " %" PRId64 " %016" PRIx64 " %zu %s %s",
                 state->size, state->mtime_ns, state->hash, strlen(story_id),
                 story_id, path) < 0)
        return NULL;
    return value;
}

ng_status_t ng_filestate_parse(const char *value, ng_filerecord_t *record)
{
    char *end;
    memset(record, 0, sizeof *record);
    record->state.size = strtoull(value, &end, 10);
    if (*end != ' ')
        return NG_INDEX_CORRUPT;
    record->state.mtime_ns = strtoll(end + 1, &end, 10);
    if (*end != ' ')
        return NG_INDEX_CORRUPT;
    record->state.hash = strtoull(end + 1, &end, 16);
    if (*end != ' ')
        return NG_INDEX_CORRUPT;
    unsigned long long id_len = strtoull(end + 1, &end, 10);
    if (*end != ' ' || id_len > strlen(end + 1))
        return NG_INDEX_CORRUPT;
    const char *id = end + 1;
    const char *path = id + id_len;
    if (*path != ' ' || path[1] != '/')
        return NG_INDEX_CORRUPT;
    record->story_id = id;
    record->id_len = (size_t)id_len;
    record->path = path + 1;
    record->state.path_hash = ng_filestate_path_hash(record->path);
    return NG_OK;
}
