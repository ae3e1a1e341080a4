#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cluster.h"
#include "filestate.h"
#include "formats.h"
#include "index.h"
#include "schema.h"
#include "stemmer.h"
#include "terms.h"
#include "xapian-c.h"

struct ng_index {
    char *path;                /* where it was opened */
    xc_db_t *db;               /* the index, or a cluster's home shard */
    ng_cluster_t *cluster;     /* when PATH is a cluster file, else NULL */
    xc_db_t **shards;          /* a cluster's shards, in its order, the
                                  first being DB; NULL for one index */
    size_t n_shards;           /* 0 for one index */
    ng_stemmer_t *stemmer;
    char *error;
    ng_filestates_t *states;   /* what the index records of its files */
    int load_failed;           /* a record could not be read */
};

/* Replaces the handle's message with a formatted one.  If memory runs out the
 * old message is dropped, which only loses detail. */
static void set_error(ng_index_t *index, const char *fmt, ...)
{
    va_list ap;
    char *msg = NULL;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    free(index->error);
    index->error = msg;
}

/* Records a failed binding call on the handle and returns its status. */
static ng_status_t db_failed(ng_index_t *index, xc_status_t rc)
{
    set_error(index, "%s", xc_db_error(index->db));
    return ng_status_from_xc(rc);
}

static ng_status_t shard_failed(ng_index_t *index, size_t i, xc_status_t rc);

/* Like db_failed() for a call on DB, the index or one of its shards. */
static ng_status_t db_failed_on(ng_index_t *index, xc_db_t *db,
                                xc_status_t rc)
{
    for (size_t i = 0; i < index->n_shards; i++)
        if (index->shards[i] == db)
            return shard_failed(index, i, rc);
    return db_failed(index, rc);
}

/* Like db_failed() for shard I of a cluster: the message names it. */
static ng_status_t shard_failed(ng_index_t *index, size_t i, xc_status_t rc)
{
    set_error(index, "shard '%s': %s", index->cluster->shards[i].name,
              xc_db_error(index->shards[i]));
    return ng_status_from_xc(rc);
}

/* The database that holds, or is to hold, the story ID. */
static xc_db_t *story_db(const ng_index_t *index, const char *id)
{
    return index->n_shards > 1
               ? index->shards[ng_cluster_route(id, index->n_shards)]
               : index->db;
}

const char *ng_index_error(const ng_index_t *index)
{
    return index && index->error ? index->error : "";
}

/* Opens the shards of INDEX's cluster for writing; INDEX->db is the
 * first, the home of the records. */
static ng_status_t open_shards(ng_index_t *index, char **error)
{
    ng_status_t st = ng_cluster_load(index->path, &index->cluster, error);
    if (st != NG_OK)
        return st;
    index->n_shards = index->cluster->n_shards;
    index->shards = calloc(index->n_shards, sizeof *index->shards);
    if (!index->shards)
        return NG_NO_MEMORY;
    for (size_t i = 0; st == NG_OK && i < index->n_shards; i++)
        st = ng_cluster_open_shard(index->cluster, i, XC_OPEN_CREATE_OR_OPEN,
                                   NG_CLUSTER_WRITE_TIMEOUT_MS,
                                   &index->shards[i], error);
    index->db = index->shards[0];
    return st;
}

/* Prefixes *ERROR with the name of shard I when INDEX is a cluster: a
 * message about "the index" is then about that shard. */
static void name_shard(const ng_index_t *index, size_t i, char **error)
{
    char *named = NULL;
    if (!index->cluster || !error || !*error ||
        asprintf(&named, "shard '%s': %s", index->cluster->shards[i].name,
                 *error) < 0)
        return;
    free(*error);
    *error = named;
}

/*
 * Checks that shard DB was made by this version of newsgrep for LANGUAGE
 * (NULL: whatever it was made for), or marks a new one so, and makes
 * INDEX's stemmer when it has none.
 */
static ng_status_t prepare_shard(ng_index_t *index, xc_db_t *db,
                                 const char *language, char **error)
{
    char *stored = NULL;
    xc_status_t rc = xc_db_get_metadata(db, NG_META_LANGUAGE, &stored);
    if (rc != XC_OK) {
        if (error)
            *error = strdup(xc_db_error(db));
        return ng_status_from_xc(rc);
    }
    int is_new = stored[0] == '\0';
    if (!is_new) {
        char *schema = NULL;
        rc = xc_db_get_metadata(db, NG_META_SCHEMA, &schema);
        if (rc == XC_OK && strcmp(schema, NG_SCHEMA_VERSION) != 0) {
            if (error && asprintf(error, "the index was made by another "
                                  "version of newsgrep (schema %s, not %s): "
                                  "%s", schema, NG_SCHEMA_VERSION,
                                  index->cluster
                                      ? "remove the shard and index again"
                                      : "run 'newsgrep index' to rebuild "
                                        "it") < 0)
                *error = NULL;
            free(schema);
            free(stored);
            return NG_INDEX_CORRUPT;
        }
        free(schema);
    }
    const char *want = language ? language
                                : (is_new ? NG_DEFAULT_LANGUAGE : stored);
    ng_status_t st = index->stemmer ? NG_OK
                                    : ng_stemmer_new(want, &index->stemmer);
    /* Whole stories repeat their words: 8192 words' stems (384 KB) spare
     * about four fifths of the Snowball runs of a build. */
    if (st == NG_OK)
        ng_stemmer_set_cache(index->stemmer, 8192);
    if (st == NG_OK && !is_new &&
        strcmp(ng_stemmer_language(index->stemmer), stored) != 0) {
        if (error && asprintf(error, "the index was built for %s, not %s: "
                              "remove it to rebuild", stored,
                              ng_stemmer_language(index->stemmer)) < 0)
            *error = NULL;
        st = NG_BAD_ARGUMENT;
    } else if (st == NG_UNKNOWN_LANGUAGE && error) {
        if (asprintf(error, "no stemmer for language '%s'", want) < 0)
            *error = NULL;
    }
    free(stored);
    if (st == NG_OK && is_new) {
        rc = xc_db_set_metadata(db, NG_META_SCHEMA, NG_SCHEMA_VERSION);
        if (rc == XC_OK)
            rc = xc_db_set_metadata(db, NG_META_LANGUAGE,
                                    ng_stemmer_language(index->stemmer));
        if (rc != XC_OK) {
            if (error)
                *error = strdup(xc_db_error(db));
            st = ng_status_from_xc(rc);
        }
    }
    return st;
}

/* The language of the first shard of INDEX that has one, into *OUT
 * (caller frees; NULL when none has). */
static ng_status_t first_language(ng_index_t *index, char **out,
                                  char **error)
{
    *out = NULL;
    for (size_t i = 0; i < index->n_shards; i++) {
        char *stored = NULL;
        xc_status_t rc = xc_db_get_metadata(index->shards[i],
                                            NG_META_LANGUAGE, &stored);
        if (rc != XC_OK) {
            if (error)
                *error = strdup(xc_db_error(index->shards[i]));
            name_shard(index, i, error);
            return ng_status_from_xc(rc);
        }
        if (*stored) {
            *out = stored;
            return NG_OK;
        }
        free(stored);
    }
    return NG_OK;
}

ng_status_t ng_index_open(const char *db_path, const char *language,
                          ng_index_t **out, char **error)
{
    ng_index_t *index = calloc(1, sizeof *index);
    if (!index || !(index->path = strdup(db_path))) {
        free(index);
        return NG_NO_MEMORY;
    }
    ng_status_t st = NG_OK;
    char *cluster_language = NULL;
    if (ng_cluster_is_cluster(db_path)) {
        st = open_shards(index, error);
        /* Every shard takes the language of the first that has one. */
        if (st == NG_OK && !language) {
            st = first_language(index, &cluster_language, error);
            language = cluster_language;
        }
        for (size_t i = 0; st == NG_OK && i < index->n_shards; i++) {
            st = prepare_shard(index, index->shards[i], language, error);
            if (st != NG_OK)
                name_shard(index, i, error);
        }
    } else {
        xc_status_t rc = xc_db_open(db_path, XC_OPEN_CREATE_OR_OPEN,
                                    &index->db, error);
        st = rc == XC_OK ? prepare_shard(index, index->db, language, error)
                         : ng_status_from_xc(rc);
        /* The folder itself, not a link to it: what is built beside the
         * index (partial indexes, compact copies) goes beside the folder,
         * on its file system, and is swapped with it, not with the link. */
        char *real = st == NG_OK ? realpath(db_path, NULL) : NULL;
        if (real) {
            free(index->path);
            index->path = real;
        }
    }
    free(cluster_language);
    if (st != NG_OK) {
        ng_index_close(index);
        return st;
    }
    *out = index;
    return NG_OK;
}

void ng_index_close(ng_index_t *index)
{
    if (!index)
        return;
    /* The home shard last, as in ng_index_commit(). */
    for (size_t i = index->n_shards; i-- > 1;)
        xc_db_close(index->shards[i]);
    xc_db_close(index->db);
    free(index->shards);
    ng_cluster_free(index->cluster);
    ng_stemmer_free(index->stemmer);
    ng_filestates_free(index->states);
    free(index->error);
    free(index->path);
    free(index);
}

/*
 * Commits the shards of a cluster other than its home first: if a run is
 * killed between the commits, the shards hold stories that the home's
 * records do not tell of yet, and the next run indexes them again, which
 * replaces them; never the other way round, records of stories that are
 * not there.
 */
ng_status_t ng_index_commit(ng_index_t *index)
{
    char stamp[32];
    for (size_t i = index->n_shards; i-- > 1;) {
        xc_status_t rc = xc_db_commit(index->shards[i]);
        if (rc != XC_OK)
            return shard_failed(index, i, rc);
    }
    snprintf(stamp, sizeof stamp, "%lld", (long long)time(NULL));
    xc_status_t rc = xc_db_set_metadata(index->db, NG_META_UPDATED, stamp);
    if (rc == XC_OK)
        rc = xc_db_commit(index->db);
    return rc == XC_OK ? NG_OK : db_failed(index, rc);
}

/* The extensions of the files a folder is searched for; any of them may be
 * followed by ".gz". */
static const char *const story_extensions[] = {
    ".txt", ".text", ".htm", ".html", ".xhtml", ".xml", ".rss", ".atom",
    ".rdf", ".json", ".jsonl", ".ndjson",
};

/* The length of NAME's story extension (with ".gz" when there is one), or 0
 * if it has none. */
static size_t story_extension_len(const char *name)
{
    size_t n = strlen(name), gz = 0;
    if (n > 3 && strcasecmp(name + n - 3, ".gz") == 0)
        gz = 3;
    for (size_t i = 0; i < sizeof story_extensions / sizeof *story_extensions;
         i++) {
        size_t e = strlen(story_extensions[i]);
        if (n > e + gz &&
            strncasecmp(name + n - gz - e, story_extensions[i], e) == 0)
            return e + gz;
    }
    return 0;
}

char *ng_index_story_id(const char *root, const char *abs_path)
{
    size_t root_len = strlen(root);
    const char *rel;
    char *parent = NULL;

    if (strcmp(root, abs_path) == 0) {
        /* A file given by itself: name it as if its folder had been given. */
        const char *slash = strrchr(abs_path, '/');
        parent = strndup(abs_path, slash ? (size_t)(slash - abs_path) : 0);
        if (!parent)
            return NULL;
        root = parent;
        root_len = strlen(parent);
    }
    rel = abs_path + root_len;
    while (*rel == '/')
        rel++;
    const char *base = root + root_len;
    while (base > root && base[-1] != '/')
        base--;

    size_t rel_len = strlen(rel) - story_extension_len(rel);
    char *id = NULL;
    if (*base) {
        if (asprintf(&id, "%s/%.*s", base, (int)rel_len, rel) < 0)
            id = NULL;
    } else {
        id = strndup(rel, rel_len);
    }
    free(parent);
    return id;
}

/* ------------------------------------------------------------------ */
/* Documents                                                           */

/* Term sink that adds to a binding document. */
static int sink_posting(void *ctx, const char *term, size_t len, unsigned pos)
{
    return xc_doc_add_posting(ctx, term, len, pos, 1) != XC_OK;
}

static int sink_boolean(void *ctx, const char *term, size_t len)
{
    return xc_doc_add_boolean_term(ctx, term, len) != XC_OK;
}

static const ng_term_sink_t doc_sink = { sink_posting,
                                         sink_boolean };

/* The stored data of one paragraph (schema.h): a JSON object, newly
 * allocated, or NULL if memory ran out. */
static char *paragraph_data(const char *id, const char *abs_path,
                            const ng_story_t *story, unsigned number,
                            const char *text)
{
    json_object *obj = json_object_new_object();
    if (!obj)
        return NULL;
    json_object_object_add(obj, "story", json_object_new_string(id));
    json_object_object_add(obj, "path", json_object_new_string(abs_path));
    json_object_object_add(obj, "title", json_object_new_string(story->title));
    if (story->date)
        json_object_object_add(obj, "date",
                               json_object_new_string(story->date));
    if (story->source)
        json_object_object_add(obj, "source",
                               json_object_new_string(story->source));
    json_object_object_add(obj, "paragraph",
                           json_object_new_int64((int64_t)number));
    json_object_object_add(obj, "text", json_object_new_string(text));
    char *data = strdup(json_object_to_json_string_ext(
        obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(obj);
    return data;
}

/* Builds and writes the document of paragraph NUMBER of a story. */
static ng_status_t add_paragraph(ng_index_t *index, const char *id,
                                 const char *abs_path, const char *file_term,
                                 const ng_story_t *story, unsigned number,
                                 const char *text, size_t len)
{
    xc_doc_t *doc = xc_doc_new();
    char *data = NULL;
    ng_status_t st = NG_NO_MEMORY;
    if (!doc)
        return NG_NO_MEMORY;

    if (ng_terms_index_text(index->stemmer, text, len, "", 0, &doc_sink, doc,
                            NULL) != NG_OK ||
        ng_terms_index_text(index->stemmer, story->title,
                            strlen(story->title), NG_PREFIX_TITLE, 0,
                            &doc_sink, doc, NULL) != NG_OK ||
        ng_terms_story_fields(id, story->date, story->source, &doc_sink,
                              doc) != NG_OK)
        goto done;
    if (xc_doc_add_boolean_term(doc, file_term, strlen(file_term)) != XC_OK)
        goto done;

    char date[9] = "";
    if (story->date && strlen(story->date) == 10) {
        memcpy(date, story->date, 4);
        memcpy(date + 4, story->date + 5, 2);
        memcpy(date + 6, story->date + 8, 2);
        date[8] = '\0';
    }
    char para[NG_PARAGRAPH_VALUE_MAX];
    ng_terms_paragraph_value(number, para);
    data = paragraph_data(id, abs_path, story, number, text);
    if (!data ||
        xc_doc_set_value(doc, NG_SLOT_STORY, id, strlen(id)) != XC_OK ||
        xc_doc_set_value(doc, NG_SLOT_DATE, date, strlen(date)) != XC_OK ||
        xc_doc_set_value(doc, NG_SLOT_PARAGRAPH, para, strlen(para)) != XC_OK ||
        xc_doc_set_data(doc, data, strlen(data)) != XC_OK)
        goto done;

    /* add_story() has just deleted every paragraph of the story, so this
     * one is new. */
    xc_db_t *db = story_db(index, id);
    xc_status_t rc = xc_db_replace_doc(db, NULL, doc);
    st = rc == XC_OK ? NG_OK : db_failed_on(index, db, rc);
done:
    if (st == NG_NO_MEMORY)
        set_error(index, "out of memory");
    free(data);
    xc_doc_free(doc);
    return st;
}

/* Indexes STORY under ID, read from the file ABS_PATH (whose paragraphs all
 * carry FILE_TERM), replacing any story with that id. */
static ng_status_t add_story(ng_index_t *index, const char *id,
                             const char *abs_path, const char *file_term,
                             const ng_story_t *story)
{
    char *story_term = ng_terms_id_term(NG_PREFIX_STORY, id, "");
    if (!story_term)
        return NG_NO_MEMORY;
    xc_db_t *db = story_db(index, id);
    xc_status_t rc = xc_db_delete_by_term(db, story_term);
    free(story_term);
    if (rc != XC_OK)
        return db_failed_on(index, db, rc);

    /* A story that is only a headline is kept as one passage holding it, so
     * that it can still be found. */
    if (story->n_paragraphs == 0)
        return add_paragraph(index, id, abs_path, file_term, story, 1,
                             story->title, strlen(story->title));
    for (size_t i = 0; i < story->n_paragraphs; i++) {
        ng_status_t st = add_paragraph(index, id, abs_path, file_term, story,
                                       (unsigned)(i + 1),
                                       story->paragraphs[i].text,
                                       story->paragraphs[i].len);
        if (st != NG_OK)
            return st;
    }
    return NG_OK;
}

/* ------------------------------------------------------------------ */
/* File states                                                         */

/* Non-zero if PATH is DIR or lies below it. */
static int is_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* The roots a run walks, for marking the states it may drop: those of
 * files below one of them (an unreadable root is NULL). */
typedef struct {
    ng_index_t *index;
    char *const *roots;
    size_t n_roots;
} loader_t;

/* Adds the record VALUE to the loader's index's states, marked when its
 * file lies below one of the loader's roots. */
static ng_status_t put_record(const loader_t *l, const char *value)
{
    ng_filerecord_t rec;
    ng_status_t st = ng_filestate_parse(value, &rec);
    if (st != NG_OK)
        return st;
    ng_filestate_t *state = ng_filestates_put(
        l->index->states, rec.state.path_hash, rec.state.size,
        rec.state.mtime_ns, rec.state.hash);
    if (!state)
        return NG_NO_MEMORY;
    for (size_t r = 0; r < l->n_roots && !state->mark; r++)
        state->mark = l->roots[r] && is_under(rec.path, l->roots[r]);
    return NG_OK;
}

/* Adds one record to the index's states. */
static int load_state(void *ctx, const char *key, const char *value)
{
    const loader_t *l = ctx;
    (void)key;
    if (*value && put_record(l, value) != NG_OK)
        l->index->load_failed = 1;
    return l->index->load_failed;
}

/* Starts INDEX->states afresh, with every record when ALL is non-zero,
 * those of files below one of the N_ROOTS ROOTS marked. */
static ng_status_t load_states(ng_index_t *index, int all,
                               char *const *roots, size_t n_roots)
{
    ng_filestates_free(index->states);
    index->states = ng_filestates_new();
    if (!index->states)
        return NG_NO_MEMORY;
    if (!all)
        return NG_OK;
    index->load_failed = 0;
    loader_t l = { index, roots, n_roots };
    xc_status_t rc = xc_db_metadata_list(index->db, NG_FILESTATE_KEY_PREFIX,
                                         load_state, &l);
    if (rc != XC_OK)
        return db_failed(index, rc);
    if (index->load_failed) {
        set_error(index, "the index's record of its files cannot be read: "
                         "remove the index to rebuild it");
        return NG_INDEX_CORRUPT;
    }
    return NG_OK;
}

/* The record of the file whose path hashes to PATH_HASH into *VALUE
 * (caller frees; "" when there is none). */
static ng_status_t read_record(ng_index_t *index, uint64_t path_hash,
                               char **value)
{
    char key[NG_FILESTATE_KEY_MAX];
    ng_filestate_key(path_hash, key);
    xc_status_t rc = xc_db_get_metadata(index->db, key, value);
    return rc == XC_OK ? NG_OK : db_failed(index, rc);
}

/* Loads what the index records of the file PATH alone, if anything, marked
 * as the loader's roots say: a run over single files need not read the
 * records of all the others. */
static ng_status_t load_state_of(const loader_t *l, const char *path)
{
    char *value = NULL;
    ng_status_t st = read_record(l->index, ng_filestate_path_hash(path),
                                 &value);
    if (st == NG_OK && *value)
        st = put_record(l, value);
    free(value);
    return st;
}

/* Records STATE in the index, for the file PATH indexed as STORY_ID. */
static ng_status_t write_state(ng_index_t *index, const ng_filestate_t *state,
                               const char *path, const char *story_id)
{
    char key[NG_FILESTATE_KEY_MAX];
    char *value = ng_filestate_encode(state, path, story_id);
    if (!value)
        return NG_NO_MEMORY;
    ng_filestate_key(state->path_hash, key);
    xc_status_t rc = xc_db_set_metadata(index->db, key, value);
    free(value);
    return rc == XC_OK ? NG_OK : db_failed(index, rc);
}

/* Records that the file PATH, whose content did not change, now has
 * STATE's size and time; its story id is read back from the old record. */
static ng_status_t rewrite_state(ng_index_t *index,
                                 const ng_filestate_t *state,
                                 const char *path)
{
    char *value = NULL, *id = NULL;
    ng_filerecord_t rec;
    ng_status_t st = read_record(index, state->path_hash, &value);
    if (st == NG_OK && ng_filestate_parse(value, &rec) != NG_OK) {
        set_error(index, "the index's record of '%s' cannot be read: "
                         "remove the index to rebuild it", path);
        st = NG_INDEX_CORRUPT;
    }
    if (st == NG_OK && !(id = strndup(rec.story_id, rec.id_len)))
        st = NG_NO_MEMORY;
    if (st == NG_OK)
        st = write_state(index, state, path, id);
    free(id);
    free(value);
    return st;
}

/* Deletes every story read from the file whose path hashes to PATH_HASH;
 * in a cluster, from every shard, since a file's stories may lie on
 * several. */
static ng_status_t delete_file_stories(ng_index_t *index, uint64_t path_hash)
{
    char term[NG_TERMS_FILE_TERM_MAX];
    ng_terms_file_term_of(path_hash, term);
    for (size_t i = 0; i < index->n_shards; i++) {
        xc_status_t rc = xc_db_delete_by_term(index->shards[i], term);
        if (rc != XC_OK)
            return shard_failed(index, i, rc);
    }
    if (index->n_shards > 0)
        return NG_OK;
    xc_status_t rc = xc_db_delete_by_term(index->db, term);
    return rc == XC_OK ? NG_OK : db_failed(index, rc);
}

/* Deletes the stories of the file STATE describes and the record of it. */
static ng_status_t remove_file(ng_index_t *index, const ng_filestate_t *state)
{
    char key[NG_FILESTATE_KEY_MAX];
    ng_status_t st = delete_file_stories(index, state->path_hash);
    if (st != NG_OK)
        return st;
    ng_filestate_key(state->path_hash, key);
    xc_status_t rc = xc_db_set_metadata(index->db, key, "");
    return rc == XC_OK ? NG_OK : db_failed(index, rc);
}

/* ------------------------------------------------------------------ */
/* Finding story files                                                 */

typedef struct {
    char *path;           /* absolute */
    uint64_t path_hash;   /* ng_filestate_path_hash() of PATH */
    size_t root;          /* index into the run's roots */
    uint64_t size;
    int64_t mtime_ns;
} entry_t;

typedef struct {
    ng_index_t *index;
    const ng_index_run_t *run;
    ng_index_counts_t *counts;
    char **roots;         /* absolute; NULL where the root could not be read */
    size_t n_roots;
    entry_t *entries;
    size_t n_entries, cap_entries;
    char **failed_dirs;   /* folders that could not be read */
    size_t n_failed, cap_failed;
    unsigned changes;     /* stories written or removed since the last
                             commit */
    char *const *files;   /* when not NULL: only these files are looked at */
    size_t n_files;
} update_t;

static void warn(update_t *u, const char *path, const char *message)
{
    if (u->run->warn)
        u->run->warn(u->run->warn_ctx, path, message);
}

static int64_t mtime_ns(const struct stat *sb)
{
    return (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec;
}

static ng_status_t add_entry(update_t *u, char *path, size_t root,
                             const struct stat *sb)
{
    if (u->n_entries == u->cap_entries) {
        size_t cap = u->cap_entries ? u->cap_entries * 2 : 256;
        entry_t *grown = realloc(u->entries, cap * sizeof *grown);
        if (!grown)
            return NG_NO_MEMORY;
        u->entries = grown;
        u->cap_entries = cap;
    }
    entry_t *e = &u->entries[u->n_entries++];
    e->path = path;
    e->path_hash = ng_filestate_path_hash(path);
    e->root = root;
    e->size = (uint64_t)sb->st_size;
    e->mtime_ns = mtime_ns(sb);
    return NG_OK;
}

/* Remembers that the folder DIR could not be read: what the index has of
 * the stories below it must stay. */
static ng_status_t add_failed_dir(update_t *u, const char *dir)
{
    if (u->n_failed == u->cap_failed) {
        size_t cap = u->cap_failed ? u->cap_failed * 2 : 8;
        char **grown = realloc(u->failed_dirs, cap * sizeof *grown);
        if (!grown)
            return NG_NO_MEMORY;
        u->failed_dirs = grown;
        u->cap_failed = cap;
    }
    if (!(u->failed_dirs[u->n_failed] = strdup(dir)))
        return NG_NO_MEMORY;
    u->n_failed++;
    return NG_OK;
}

static int is_story_file_name(const char *name)
{
    return story_extension_len(name) > 0;
}

/*
 * Non-zero if the index records the file PATH with the size and time of SB
 * (or has met it already, through another root): it is counted and left
 * alone, and the walk need not keep it.  A walk over many stories then
 * holds only those that changed.
 */
static int known_unchanged(update_t *u, const char *path,
                           const struct stat *sb)
{
    ng_filestate_t *state =
        ng_filestates_get(u->index->states, ng_filestate_path_hash(path));
    if (!state)
        return 0;
    if (state->seen)
        return 1;
    if (state->size != (uint64_t)sb->st_size ||
        state->mtime_ns != mtime_ns(sb))
        return 0;
    state->seen = 1;
    u->counts->unchanged++;
    return 1;
}

/*
 * Collects the story files below the folder DIR (open as DIR_FD, which this
 * closes).  Entries are looked up relative to the open folder, which costs
 * the kernel far less than a whole path per file; the order does not matter,
 * as the entries are sorted afterwards.
 */
static ng_status_t walk_folder(update_t *u, int dir_fd, const char *dir,
                               size_t root)
{
    DIR *d = fdopendir(dir_fd);
    if (!d) {
        close(dir_fd);
        warn(u, dir, strerror(errno));
        u->counts->skipped++;
        return add_failed_dir(u, dir);
    }
    ng_status_t st = NG_OK;
    struct dirent *e;
    while (st == NG_OK && (errno = 0, e = readdir(d))) {
        /* Hidden entries, and the "." and ".." links, are left out. */
        if (e->d_name[0] == '.')
            continue;
        int is_dir = e->d_type == DT_DIR;
        int is_txt = is_story_file_name(e->d_name);
        if (!is_dir && !is_txt && e->d_type != DT_UNKNOWN)
            continue;
        struct stat sb;
        if (fstatat(dir_fd, e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
            continue;   /* gone since it was listed */
        char *path;
        if (asprintf(&path, "%s/%s", dir, e->d_name) < 0) {
            st = NG_NO_MEMORY;
            break;
        }
        if (S_ISDIR(sb.st_mode)) {
            int fd = openat(dir_fd, e->d_name,
                            O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0) {
                warn(u, path, strerror(errno));
                u->counts->skipped++;
                st = add_failed_dir(u, path);
            } else {
                st = walk_folder(u, fd, path, root);
            }
        } else if (is_txt) {
            /* Links to files are followed; links to folders are not,
             * which keeps the walk free of loops. */
            if (S_ISLNK(sb.st_mode) && fstatat(dir_fd, e->d_name, &sb, 0) != 0) {
                warn(u, path, strerror(errno));
                u->counts->skipped++;
            } else if (S_ISREG(sb.st_mode) && !known_unchanged(u, path, &sb)) {
                st = add_entry(u, path, root, &sb);
                if (st == NG_OK)
                    path = NULL;
            }
        }
        free(path);
    }
    if (st == NG_OK && errno != 0) {
        /* The listing broke off: what was not seen must not be removed. */
        warn(u, dir, strerror(errno));
        u->counts->skipped++;
        st = add_failed_dir(u, dir);
    }
    closedir(d);
    return st;
}

static int by_path_then_root(const void *a, const void *b)
{
    const entry_t *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    if (c)
        return c;
    return x->root < y->root ? -1 : x->root > y->root;
}

/* ------------------------------------------------------------------ */
/* Updating                                                            */

/* Commits when a batch is full. */
static ng_status_t count_change(update_t *u)
{
    unsigned batch = u->run->batch ? u->run->batch : NG_INDEX_BATCH;
    if (++u->changes < batch)
        return NG_OK;
    u->changes = 0;
    return ng_index_commit(u->index);
}

/* What one file's stories are handed to, as ng_formats_read() finds them. */
typedef struct {
    update_t *u;
    const entry_t *e;
    const ng_filestate_t *replaced;
    char file_term[NG_TERMS_FILE_TERM_MAX];
    char *first_id;           /* the id of the file's first story */
    unsigned stories;
    ng_status_t status;       /* the first failure, which stops the file */
} file_job_t;

static void on_format_warning(void *ctx, const char *message)
{
    file_job_t *job = ctx;
    warn(job->u, job->e->path, message);
}

/* Indexes one story of the file.  The file's old stories are deleted when
 * its first new one arrives, so a file that turns out unreadable keeps what
 * the index had of it. */
static int on_file_story(void *ctx, const char *own_id, ng_story_t *story)
{
    file_job_t *job = ctx;
    update_t *u = job->u;
    ng_status_t st = NG_OK;
    if (job->stories == 0) {
        if (job->replaced)
            st = delete_file_stories(u->index, job->replaced->path_hash);
        if (st == NG_OK && (!job->replaced ||
                            job->replaced->path_hash != job->e->path_hash))
            st = delete_file_stories(u->index, job->e->path_hash);
    }
    char *id = own_id ? strdup(own_id)
                      : ng_index_story_id(u->roots[job->e->root], job->e->path);
    if (st == NG_OK && !id)
        st = NG_NO_MEMORY;
    if (st == NG_OK && story->repaired) {
        warn(u, job->e->path, "text repaired: invalid UTF-8 or control "
                              "characters replaced");
        u->counts->repaired++;
    }
    if (st == NG_OK)
        st = add_story(u->index, id, job->e->path, job->file_term, story);
    if (st == NG_OK) {
        u->counts->paragraphs += story->n_paragraphs ? (unsigned)story->n_paragraphs : 1;
        if (job->stories++ == 0) {
            job->first_id = id;
            id = NULL;
        }
    }
    free(id);
    ng_story_free(story);
    job->status = st;
    return st != NG_OK;
}

/*
 * Indexes the stories of the file E (its content DATA, LEN bytes, with
 * content hash HASH), in whatever format it is, replacing what the index had
 * of it, or of REPLACED (a file it was moved from) when not NULL, and records
 * its state.  A file that cannot be understood, or holds no story, is
 * skipped and what the index had of it is kept.  Sets *INDEXED when it was
 * indexed.  REPLACED is not used after the state is recorded (that may move
 * it).
 */
static ng_status_t index_entry(update_t *u, const entry_t *e, const char *data,
                               size_t len, uint64_t hash,
                               const ng_filestate_t *replaced, int *indexed)
{
    file_job_t job = { u, e, replaced, "", NULL, 0, NG_OK };
    char *why = NULL;
    *indexed = 0;
    ng_terms_file_term_of(e->path_hash, job.file_term);
    ng_status_t st = ng_formats_read(data, len,
                                     (time_t)(e->mtime_ns / 1000000000),
                                     on_file_story, &job, on_format_warning,
                                     &job, &why);
    if (st == NG_INTERRUPTED)
        st = job.status;
    if (st == NG_OK && job.stories == 0) {
        st = NG_BAD_INPUT;
        if (!why)
            why = strdup("no story in it");
    }
    if (st == NG_BAD_INPUT) {
        warn(u, e->path, why ? why : ng_status_to_string(st));
        u->counts->skipped++;
        st = NG_OK;
    } else if (st == NG_OK) {
        /* A moved file's record goes with its old path. */
        if (replaced && replaced->path_hash != e->path_hash) {
            char key[NG_FILESTATE_KEY_MAX];
            ng_filestate_key(replaced->path_hash, key);
            xc_status_t rc = xc_db_set_metadata(u->index->db, key, "");
            if (rc != XC_OK)
                st = db_failed(u->index, rc);
        }
        ng_filestate_t *state = NULL;
        if (st == NG_OK) {
            state = ng_filestates_put(u->index->states, e->path_hash,
                                      e->size, e->mtime_ns, hash);
            st = state ? write_state(u->index, state, e->path, job.first_id)
                       : NG_NO_MEMORY;
        }
        if (state)
            state->seen = 1;
        if (st == NG_OK) {
            *indexed = 1;
            st = count_change(u);
        }
    }
    free(why);
    free(job.first_id);
    return st;
}

/* Reads the file of entry E; on failure reports it, counts it as skipped and
 * returns NG_IO_ERROR. */
static ng_status_t read_entry(update_t *u, const entry_t *e, char **data,
                              size_t *len)
{
    char *why = NULL;
    ng_status_t st = ng_story_read_bytes(e->path, data, len, NULL, &why);
    if (st == NG_IO_ERROR) {
        warn(u, e->path, why ? why : ng_status_to_string(st));
        u->counts->skipped++;
    }
    free(why);
    return st;
}

/* Looks at one story file against what the index records of it.  A new
 * file is only noted (*IS_NEW): it is read later, once it is known which
 * files are gone, so that a moved story is recognised. */
static ng_status_t check_entry(update_t *u, const entry_t *e, int *is_new)
{
    ng_filestate_t *state = ng_filestates_get(u->index->states, e->path_hash);
    *is_new = state == NULL;
    if (!state)
        return NG_OK;
    state->seen = 1;
    if (state->size == e->size && state->mtime_ns == e->mtime_ns) {
        u->counts->unchanged++;
        return NG_OK;
    }
    char *data = NULL;
    size_t len = 0;
    ng_status_t st = read_entry(u, e, &data, &len);
    if (st == NG_IO_ERROR)
        return NG_OK;   /* unreadable now: keep what the index has */
    if (st != NG_OK)
        return st;
    uint64_t hash = ng_filestate_hash(data, len);
    if (state->hash == hash) {
        /* Touched, not changed: only the record is brought up to date. */
        state->size = e->size;
        state->mtime_ns = e->mtime_ns;
        u->counts->unchanged++;
        st = rewrite_state(u->index, state, e->path);
    } else {
        int indexed;
        st = index_entry(u, e, data, len, hash, state, &indexed);
        if (indexed)
            u->counts->updated++;
    }
    free(data);
    return st;
}

/* Sets *MAY to whether what the index records of STATE may be dropped when
 * its file was not seen: it lies below a root that was walked (its mark,
 * from load_states()), and not below a folder that could not be read. */
static ng_status_t may_remove(update_t *u, const ng_filestate_t *state,
                              int *may)
{
    *may = state->mark;
    if (!*may || u->n_failed == 0)
        return NG_OK;
    char *value = NULL;
    ng_filerecord_t rec;
    ng_status_t st = read_record(u->index, state->path_hash, &value);
    if (st == NG_OK && ng_filestate_parse(value, &rec) == NG_OK)
        for (size_t f = 0; f < u->n_failed && *may; f++)
            *may = !is_under(rec.path, u->failed_dirs[f]);
    else
        *may = 0;
    free(value);
    return st;
}

/* The files that are gone (unseen states that may be removed), by content
 * hash, for recognising moved stories: pairs of hash and place in the
 * index's file states.  (A place, not a pointer: adding states moves
 * them.) */
typedef struct {
    uint64_t hash;
    size_t place;
} gone_t;

static int by_hash(const void *a, const void *b)
{
    uint64_t x = ((const gone_t *)a)->hash, y = ((const gone_t *)b)->hash;
    return x < y ? -1 : x > y;
}

/* Lists the gone files into *GONE (caller frees), sorted by hash. */
static ng_status_t list_gone(update_t *u, gone_t **gone, size_t *n_gone)
{
    size_t n = ng_filestates_count(u->index->states), k = 0;
    ng_status_t st = NG_OK;
    *gone = malloc((n + 1) * sizeof **gone);
    if (!*gone)
        return NG_NO_MEMORY;
    for (size_t i = 0; st == NG_OK && i < n; i++) {
        ng_filestate_t *s = ng_filestates_at(u->index->states, i);
        int may = 0;
        if (!s->seen)
            st = may_remove(u, s, &may);
        if (may) {
            (*gone)[k].hash = s->hash;
            (*gone)[k++].place = i;
        }
    }
    qsort(*gone, k, sizeof **gone, by_hash);
    *n_gone = k;
    return st;
}

/* The state of a gone file with content HASH, not yet taken over by another
 * new file, or NULL. */
static ng_filestate_t *moved_from(update_t *u, const gone_t *gone,
                                  size_t n_gone, uint64_t hash)
{
    gone_t key = { hash, 0 };
    const gone_t *hit = bsearch(&key, gone, n_gone, sizeof *gone, by_hash);
    if (!hit)
        return NULL;
    while (hit > gone && hit[-1].hash == hash)
        hit--;
    for (; hit < gone + n_gone && hit->hash == hash; hit++) {
        ng_filestate_t *s = ng_filestates_at(u->index->states, hit->place);
        if (!s->seen)
            return s;
    }
    return NULL;
}

/* Adds ROOT to the index's remembered roots unless already there. */
static ng_status_t remember_root(ng_index_t *index, const char *root)
{
    char *roots = NULL;
    xc_status_t rc = xc_db_get_metadata(index->db, NG_META_ROOTS, &roots);
    if (rc != XC_OK)
        return db_failed(index, rc);
    /* Nothing to add if ROOT is a remembered root or lies below one. */
    size_t n = strlen(root);
    for (const char *p = roots; *p;) {
        size_t len = strcspn(p, "\n");
        if (len <= n && memcmp(p, root, len) == 0 &&
            (root[len] == '\0' || root[len] == '/')) {
            free(roots);
            return NG_OK;
        }
        p += len + (p[len] == '\n');
    }
    char *updated;
    if (asprintf(&updated, "%s%s%s", roots,
                 *roots && roots[strlen(roots) - 1] != '\n' ? "\n" : "",
                 root) < 0) {
        free(roots);
        return NG_NO_MEMORY;
    }
    free(roots);
    rc = xc_db_set_metadata(index->db, NG_META_ROOTS, updated);
    free(updated);
    return rc == XC_OK ? NG_OK : db_failed(index, rc);
}

/* Resolves the roots of the run: the paths given, or the remembered ones. */
static ng_status_t resolve_roots(update_t *u, char *const *paths,
                                 size_t n_paths)
{
    char **remembered = NULL;
    int given = n_paths > 0;
    if (!given) {
        ng_status_t st = ng_index_roots(u->index, &remembered);
        if (st != NG_OK)
            return st;
        while (remembered[n_paths])
            n_paths++;
        paths = remembered;
    }
    u->roots = calloc(n_paths + 1, sizeof *u->roots);
    ng_status_t st = u->roots ? NG_OK : NG_NO_MEMORY;
    for (size_t i = 0; st == NG_OK && i < n_paths; i++) {
        u->n_roots++;
        u->roots[i] = realpath(paths[i], NULL);
        if (!u->roots[i]) {
            char *msg;
            if (asprintf(&msg, given ? "cannot read: %s"
                                     : "cannot read (%s): its stories stay "
                                       "in the index",
                         strerror(errno)) < 0) {
                st = NG_NO_MEMORY;
                break;
            }
            warn(u, paths[i], msg);
            free(msg);
            if (given)
                u->counts->bad_paths++;
        }
    }
    for (size_t i = 0; remembered && remembered[i]; i++)
        free(remembered[i]);
    free(remembered);
    return st;
}

static void update_clear(update_t *u)
{
    for (size_t i = 0; i < u->n_roots; i++)
        free(u->roots[i]);
    free(u->roots);
    for (size_t i = 0; i < u->n_entries; i++)
        free(u->entries[i].path);
    free(u->entries);
    for (size_t i = 0; i < u->n_failed; i++)
        free(u->failed_dirs[i]);
    free(u->failed_dirs);
}

static int stopped(const update_t *u)
{
    return u->run->stop && *u->run->stop;
}

/* The body of ng_index_update(), apart from setting up and clearing U. */
static ng_status_t process_entries(update_t *u);

static int remove_index_folder(const char *dir);
static ng_status_t build_in_parallel(update_t *u, const size_t *new_entries,
                                     size_t n_new, unsigned jobs,
                                     size_t already);

/* How many threads a first build of N_NEW files uses (1: none). */
static unsigned build_jobs(const update_t *u, size_t n_new)
{
    /* A cluster's shards are written in turn, as their stories come:
     * partial indexes merged by compaction would not be spread. */
    if (u->files || ng_filestates_count(u->index->states) > 0 ||
        n_new < 2 || u->index->cluster)
        return 1;
    unsigned jobs = u->run->jobs;
    if (jobs == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        if (n_new < NG_INDEX_PARALLEL_MIN || cores < 2)
            return 1;
        jobs = cores > NG_INDEX_MAX_AUTO_JOBS ? NG_INDEX_MAX_AUTO_JOBS
                                              : (unsigned)cores;
    }
    return jobs > n_new ? (unsigned)n_new : jobs;
}

/* The remembered root that FILE lies below (the deepest one), or SIZE_MAX. */
static size_t root_of(const update_t *u, const char *file)
{
    size_t best = SIZE_MAX, best_len = 0;
    for (size_t r = 0; r < u->n_roots; r++) {
        size_t n = u->roots[r] ? strlen(u->roots[r]) : 0;
        if (n > best_len && is_under(file, u->roots[r])) {
            best = r;
            best_len = n;
        }
    }
    return best;
}

/* Collects the files of U->files that exist, and loads the records of all
 * of them: a file that is gone is then removed by the last phase. */
static ng_status_t list_files(update_t *u)
{
    loader_t l = { u->index, u->roots, u->n_roots };
    ng_status_t st = load_states(u->index, 0, NULL, 0);
    for (size_t i = 0; st == NG_OK && i < u->n_files; i++) {
        const char *file = u->files[i];
        size_t root = root_of(u, file);
        struct stat sb;
        if (root == SIZE_MAX)
            continue;
        st = load_state_of(&l, file);
        if (st == NG_OK && stat(file, &sb) == 0 && S_ISREG(sb.st_mode)) {
            char *path = strdup(file);
            st = path ? add_entry(u, path, root, &sb) : NG_NO_MEMORY;
            if (st != NG_OK)
                free(path);
        }
    }
    return st;
}

static ng_status_t run_update(update_t *u)
{
    ng_index_t *index = u->index;
    if (u->files) {
        ng_status_t st = list_files(u);
        return st == NG_OK ? process_entries(u) : st;
    }
    int only_files = 1;
    for (size_t r = 0; r < u->n_roots && only_files; r++) {
        struct stat sb;
        only_files = !u->roots[r] ||
                     (stat(u->roots[r], &sb) == 0 && S_ISREG(sb.st_mode));
    }
    loader_t l = { index, u->roots, u->n_roots };
    ng_status_t st = load_states(index, !only_files, u->roots, u->n_roots);
    for (size_t r = 0; only_files && st == NG_OK && r < u->n_roots; r++)
        if (u->roots[r])
            st = load_state_of(&l, u->roots[r]);

    /* Find every story file first, so that progress has a total and the
     * same file reached through two roots is indexed once. */
    for (size_t r = 0; st == NG_OK && r < u->n_roots; r++) {
        struct stat sb;
        if (!u->roots[r])
            continue;
        if (stat(u->roots[r], &sb) != 0) {
            warn(u, u->roots[r], strerror(errno));
            u->counts->bad_paths++;
            st = add_failed_dir(u, u->roots[r]);
        } else if (S_ISDIR(sb.st_mode)) {
            int fd = open(u->roots[r], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (fd < 0) {
                warn(u, u->roots[r], strerror(errno));
                u->counts->skipped++;
                st = add_failed_dir(u, u->roots[r]);
            } else {
                st = walk_folder(u, fd, u->roots[r], r);
            }
        } else if (S_ISREG(sb.st_mode)) {
            char *path = strdup(u->roots[r]);
            st = path ? add_entry(u, path, r, &sb) : NG_NO_MEMORY;
            if (st != NG_OK)
                free(path);
        } else {
            warn(u, u->roots[r], "not a file or folder");
            u->counts->bad_paths++;
        }
    }
    return st == NG_OK ? process_entries(u) : st;
}

/* Reads and indexes the new file E, which may be one of the GONE files
 * (N_GONE of them) moved, and counts it. */
static ng_status_t index_new(update_t *u, const entry_t *e,
                             const gone_t *gone, size_t n_gone)
{
    ng_filestates_t *states = u->index->states;
    char *data = NULL;
    size_t len = 0;
    ng_status_t st = read_entry(u, e, &data, &len);
    if (st == NG_IO_ERROR)
        return NG_OK;
    if (st != NG_OK)
        return st;
    uint64_t hash = ng_filestate_hash(data, len);
    ng_filestate_t *old = n_gone ? moved_from(u, gone, n_gone, hash) : NULL;
    size_t place = 0;
    if (old) {
        old->seen = 1;
        place = (size_t)(old - ng_filestates_at(states, 0));
    }
    int indexed;
    st = index_entry(u, e, data, len, hash, old, &indexed);
    if (indexed && old)
        u->counts->updated++;
    else if (indexed)
        u->counts->added++;
    else if (old)   /* not understood: the old one may go */
        ng_filestates_at(states, place)->seen = 0;
    free(data);
    return st;
}

/* Brings the index up to date with the entries found: known files first,
 * then new ones (which may be moved ones), then what is gone. */
static ng_status_t process_entries(update_t *u)
{
    ng_index_t *index = u->index;
    ng_status_t st = NG_OK;
    if (u->n_entries > 0) {
        /* The walk is over: give back what the list grew beyond it (up to
         * half of it, which a first build would otherwise hold to the
         * end). */
        entry_t *fitted = realloc(u->entries, u->n_entries * sizeof *fitted);
        if (fitted) {
            u->entries = fitted;
            u->cap_entries = u->n_entries;
        }
        qsort(u->entries, u->n_entries, sizeof *u->entries,
              by_path_then_root);
    }

    /* Known files first; new ones are kept for when it is known which
     * files are gone. */
    size_t *new_entries = calloc(u->n_entries + 1, sizeof *new_entries);
    size_t n_new = 0, done = 0;
    if (!new_entries)
        return NG_NO_MEMORY;
    for (size_t i = 0; st == NG_OK && i < u->n_entries; i++) {
        if (i > 0 && strcmp(u->entries[i].path, u->entries[i - 1].path) == 0)
            continue;
        if (stopped(u)) {
            st = NG_INTERRUPTED;
            break;
        }
        int is_new;
        st = check_entry(u, &u->entries[i], &is_new);
        if (is_new)
            new_entries[n_new++] = i;
        else if (u->run->progress)
            u->run->progress(u->run->progress_ctx, ++done, u->n_entries);
    }
    gone_t *gone = NULL;
    size_t n_gone = 0;
    unsigned jobs = st == NG_OK ? build_jobs(u, n_new) : 1;
    if (jobs > 1) {
        st = build_in_parallel(u, new_entries, n_new, jobs, done);
        n_new = 0;
    }
    if (st == NG_OK && n_new > 0)
        st = list_gone(u, &gone, &n_gone);
    for (size_t k = 0; st == NG_OK && k < n_new; k++) {
        if (stopped(u)) {
            st = NG_INTERRUPTED;
            break;
        }
        st = index_new(u, &u->entries[new_entries[k]], gone, n_gone);
        if (u->run->progress)
            u->run->progress(u->run->progress_ctx, ++done, u->n_entries);
    }
    free(gone);
    free(new_entries);

    /* What is gone from the roots walked. */
    size_t n_states = ng_filestates_count(index->states);
    for (size_t i = 0; st == NG_OK && i < n_states; i++) {
        ng_filestate_t *s = ng_filestates_at(index->states, i);
        int may = 0;
        if (!s->seen)
            st = may_remove(u, s, &may);
        if (!may)
            continue;
        st = remove_file(index, s);
        if (st == NG_OK) {
            s->seen = 1;
            u->counts->removed++;
            st = count_change(u);
        }
    }
    return st;
}

/* Both updates: with PATHS (remembered when given) or, when FILES is not
 * NULL, with those files alone. */
static ng_status_t update(ng_index_t *index, char *const *paths,
                          size_t n_paths, char *const *files, size_t n_files,
                          const ng_index_run_t *run, ng_index_counts_t *counts)
{
    ng_index_run_t defaults = { 0 };
    update_t u = { 0 };
    u.index = index;
    u.run = run ? run : &defaults;
    u.counts = counts;
    u.files = files;
    u.n_files = n_files;
    int given = n_paths > 0;

    ng_status_t st = resolve_roots(&u, paths, n_paths);
    if (st == NG_OK)
        st = run_update(&u);
    for (size_t r = 0; given && r < u.n_roots &&
                       (st == NG_OK || st == NG_INTERRUPTED); r++) {
        if (u.roots[r]) {
            ng_status_t rst = remember_root(index, u.roots[r]);
            if (rst != NG_OK)
                st = rst;
        }
    }
    /* Even an interrupted run keeps what it did. */
    if (st == NG_OK || st == NG_INTERRUPTED) {
        ng_status_t cst = ng_index_commit(index);
        if (cst != NG_OK)
            st = cst;
    }
    if (st == NG_NO_MEMORY)
        set_error(index, "out of memory");
    update_clear(&u);
    return st;
}

ng_status_t ng_index_update_files(ng_index_t *index, char *const *files,
                                  size_t n_files, const ng_index_run_t *run,
                                  ng_index_counts_t *counts)
{
    return update(index, NULL, 0, files, n_files, run, counts);
}

ng_status_t ng_index_update(ng_index_t *index, char *const *paths,
                            size_t n_paths, const ng_index_run_t *run,
                            ng_index_counts_t *counts)
{
    return update(index, paths, n_paths, NULL, 0, run, counts);
}

/* The roots of ROOTS (the NG_META_ROOTS value, one a line, taken over)
 * into *OUT, NULL-terminated.  Returns NG_OK or NG_NO_MEMORY. */
static ng_status_t split_roots(char *roots, char ***out)
{
    size_t n = 0;
    for (const char *p = roots; *p; p++)
        n += *p == '\n';
    char **list = calloc(n + 2, sizeof *list);
    if (!list) {
        free(roots);
        return NG_NO_MEMORY;
    }
    size_t k = 0;
    for (char *save = NULL, *tok = strtok_r(roots, "\n", &save); tok;
         tok = strtok_r(NULL, "\n", &save)) {
        if (!(list[k] = strdup(tok))) {
            for (size_t j = 0; j < k; j++)
                free(list[j]);
            free(list);
            free(roots);
            return NG_NO_MEMORY;
        }
        k++;
    }
    free(roots);
    *out = list;
    return NG_OK;
}

ng_status_t ng_index_roots(ng_index_t *index, char ***out)
{
    char *roots = NULL;
    xc_status_t rc = xc_db_get_metadata(index->db, NG_META_ROOTS, &roots);
    if (rc != XC_OK)
        return db_failed(index, rc);
    return split_roots(roots, out);
}

/* Removes the flat index folder DIR (Xapian's glass tables are files in
 * it, no folders).  Returns 0, or -1 with errno set. */
static int remove_index_folder(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            unlinkat(dirfd(d), e->d_name, 0) != 0)
            rc = -1;
    closedir(d);
    return rc == 0 ? rmdir(dir) : rc;
}

ng_status_t ng_index_compact(ng_index_t *index)
{
    if (index->cluster) {
        set_error(index, "a cluster is compacted shard by shard: run "
                         "'newsgrep compact --db SHARD' where each shard "
                         "lives");
        return NG_BAD_ARGUMENT;
    }
    ng_status_t st = ng_index_commit(index);
    if (st != NG_OK)
        return st;
    /* The folder, not a link to it (ng_index_open()), is swapped. */
    const char *db_path = index->path;
    char *tmp = NULL;
    if (asprintf(&tmp, "%s.compact", db_path) < 0)
        return NG_NO_MEMORY;
    /* A folder left by a compaction that was stopped is only a copy. */
    if (remove_index_folder(tmp) != 0) {
        set_error(index, "cannot remove the stale copy '%s': %s", tmp,
                  strerror(errno));
        free(tmp);
        return NG_INDEX_ERROR;
    }
    xc_status_t rc = xc_db_compact(index->db, tmp);
    if (rc != XC_OK) {
        set_error(index, "cannot compact into '%s': %s", tmp,
                  xc_db_error(index->db));
        remove_index_folder(tmp);
        free(tmp);
        return NG_INDEX_ERROR;
    }
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, db_path, RENAME_EXCHANGE) != 0) {
        set_error(index, "cannot put the compact copy '%s' in place: %s", tmp,
                  strerror(errno));
        remove_index_folder(tmp);
        free(tmp);
        return NG_INDEX_ERROR;
    }
    /* TMP now holds the old index; readers that have it open keep their
     * files until they close them. */
    if (remove_index_folder(tmp) != 0) {
        set_error(index, "compacted, but cannot remove the old copy '%s': %s",
                  tmp, strerror(errno));
        free(tmp);
        return NG_INDEX_ERROR;
    }
    free(tmp);
    return NG_OK;
}

/* ------------------------------------------------------------------ */
/* An index of another schema, rebuilt                                 */

/* The schema that the index DB records into *SCHEMA ("" for none), and,
 * unless LANGUAGE is NULL, its language.  Returns an xc status. */
static xc_status_t read_schema(xc_db_t *db, char **schema, char **language)
{
    xc_status_t rc = xc_db_get_metadata(db, NG_META_SCHEMA, schema);
    if (rc == XC_OK && language) {
        rc = xc_db_get_metadata(db, NG_META_LANGUAGE, language);
        if (rc != XC_OK) {
            free(*schema);
            *schema = NULL;
        }
    }
    return rc;
}

void ng_old_index_close(ng_old_index_t *old)
{
    if (!old)
        return;
    /* What a rebuild that did not end in its place built is only a part;
     * removed under the lock, which another rebuild would take first. */
    if (old->build_path)
        remove_index_folder(old->build_path);
    xc_db_close(old->held);
    for (size_t i = 0; old->roots && old->roots[i]; i++)
        free(old->roots[i]);
    free(old->roots);
    free(old->schema);
    free(old->language);
    free(old->path);
    free(old->build_path);
    free(old);
}

ng_status_t ng_old_index_open(const char *db_path, ng_old_index_t **out,
                              char **error)
{
    *out = NULL;
    *error = NULL;
    struct stat sb;
    if (ng_cluster_is_cluster(db_path) || stat(db_path, &sb) != 0 ||
        !S_ISDIR(sb.st_mode))
        return NG_OK;
    /* A look first, without the lock, which a writer of an index of this
     * version may hold: most indexes are of this version. */
    xc_db_t *db = NULL;
    char *schema = NULL, *ignored = NULL;
    if (xc_db_open(db_path, XC_OPEN_READ, &db, &ignored) != XC_OK) {
        free(ignored);
        return NG_OK;    /* ng_index_open() tells what is wrong */
    }
    xc_status_t rc = read_schema(db, &schema, NULL);
    int other = rc == XC_OK && *schema &&
                strcmp(schema, NG_SCHEMA_VERSION) != 0;
    free(schema);
    xc_db_close(db);
    if (!other)
        return NG_OK;

    ng_old_index_t *old = calloc(1, sizeof *old);
    if (!old)
        return NG_NO_MEMORY;
    char *roots = NULL;
    rc = xc_db_open(db_path, XC_OPEN_WRITE, &old->held, error);
    /* Under the lock, again: another process may have rebuilt it. */
    if (rc == XC_OK)
        rc = read_schema(old->held, &old->schema, &old->language);
    if (rc == XC_OK && (!*old->schema ||
                        strcmp(old->schema, NG_SCHEMA_VERSION) == 0)) {
        ng_old_index_close(old);
        return NG_OK;
    }
    if (rc == XC_OK)
        rc = xc_db_get_metadata(old->held, NG_META_ROOTS, &roots);
    if (rc != XC_OK) {
        if (!*error && old->held)
            *error = strdup(xc_db_error(old->held));
        ng_old_index_close(old);
        return ng_status_from_xc(rc);
    }
    ng_status_t st = split_roots(roots, &old->roots);
    /* The folder itself, not a link to it, is swapped (ng_index_open()). */
    if (st == NG_OK && !(old->path = realpath(db_path, NULL)))
        old->path = strdup(db_path);
    if (st == NG_OK && (!old->path ||
                        asprintf(&old->build_path, "%s.rebuild",
                                 old->path) < 0)) {
        old->build_path = NULL;
        st = NG_NO_MEMORY;
    }
    /* A folder left by a rebuild that was stopped is only a partial copy. */
    if (st == NG_OK && remove_index_folder(old->build_path) != 0) {
        if (asprintf(error, "cannot remove the stale rebuild '%s': %s",
                     old->build_path, strerror(errno)) < 0)
            *error = NULL;
        st = NG_INDEX_ERROR;
    }
    if (st != NG_OK) {
        ng_old_index_close(old);
        return st;
    }
    *out = old;
    return NG_OK;
}

ng_status_t ng_old_index_replace(ng_old_index_t *old, char **error)
{
    *error = NULL;
    ng_status_t st = NG_OK;
    if (renameat2(AT_FDCWD, old->build_path, AT_FDCWD, old->path,
                  RENAME_EXCHANGE) != 0) {
        if (asprintf(error, "cannot put the rebuilt index '%s' in place: %s",
                     old->build_path, strerror(errno)) < 0)
            *error = NULL;
        st = NG_INDEX_ERROR;
        /* It is whole: kept for the user, whom the message names it to. */
        free(old->build_path);
        old->build_path = NULL;
    } else {
        /* BUILD_PATH now holds the old index, whose lock goes with it. */
        xc_db_close(old->held);
        old->held = NULL;
        if (remove_index_folder(old->build_path) != 0) {
            if (asprintf(error, "rebuilt, but cannot remove the old index, "
                         "now at '%s': %s", old->build_path,
                         strerror(errno)) < 0)
                *error = NULL;
            st = NG_INDEX_ERROR;
        }
        free(old->build_path);
        old->build_path = NULL;
    }
    ng_old_index_close(old);
    return st;
}

/* ------------------------------------------------------------------ */
/* A first build over several threads                                  */

/* What the threads of one build share. */
typedef struct {
    const ng_index_run_t *run;    /* the caller's */
    pthread_mutex_t lock;         /* around the caller's warn */
    atomic_size_t done;           /* files looked at, by all threads */
    atomic_uint finished;         /* threads that are done */
    const size_t *entries;        /* the new files, in the walk's order */
    size_t n_entries;
    atomic_size_t next;           /* the first not yet taken */
    ng_index_t *main;             /* the main index, beside which parts go */
    atomic_uint next_part;        /* the number of the next partial index */
    char **parts;                 /* partial indexes filled and closed, */
    size_t n_parts, cap_parts;    /* under LOCK */
} shared_t;

/* Files a thread takes at a time: few enough that the threads finish
 * together, enough to keep a folder's neighbouring files together. */
#define BUILD_CHUNK 32

/* One thread's part of the build. */
typedef struct {
    shared_t *shared;
    update_t u;                   /* its own, on its own index */
    ng_index_run_t run;           /* the caller's, with a locked warn */
    ng_index_counts_t counts;
    char *path;                   /* its partial index; NULL for the main */
    ng_index_t *own;              /* the partial index it opened */
    unsigned long part_start;     /* COUNTS.paragraphs when OWN was opened */
    unsigned part;                /* the number of its index: 0 for the main
                                     one, else OWN's */
    char *error;                  /* why starting a partial index failed */
    ng_status_t status;
} worker_t;

static void locked_warn(void *ctx, const char *path, const char *message)
{
    shared_t *shared = ctx;
    pthread_mutex_lock(&shared->lock);
    shared->run->warn(shared->run->warn_ctx, path, message);
    pthread_mutex_unlock(&shared->lock);
}

static ng_status_t next_part(worker_t *w);

/* The paragraphs that partial index number N holds before the thread
 * writing it starts another (index.h): NG_INDEX_PART_PARAGRAPHS, doubled
 * after every NG_INDEX_PARTS_PER_DOUBLING numbers. */
static unsigned long part_paragraphs(unsigned n)
{
    unsigned doublings = n / NG_INDEX_PARTS_PER_DOUBLING;
    return (unsigned long)NG_INDEX_PART_PARAGRAPHS << (doublings < 16
                                                           ? doublings
                                                           : 16);
}

/* Indexes new files into the worker's index, BUILD_CHUNK at a time from
 * the shared list until none is left, and commits. */
static void *build_worker(void *arg)
{
    worker_t *w = arg;
    update_t *u = &w->u;
    shared_t *shared = w->shared;
    ng_status_t st = NG_OK;
    while (st == NG_OK) {
        size_t first = atomic_fetch_add(&shared->next, BUILD_CHUNK);
        if (first >= shared->n_entries)
            break;
        size_t end = shared->n_entries - first > BUILD_CHUNK
                         ? first + BUILD_CHUNK
                         : shared->n_entries;
        for (size_t k = first; st == NG_OK && k < end; k++) {
            if (stopped(u)) {
                st = NG_INTERRUPTED;
                break;
            }
            st = index_new(u, &u->entries[shared->entries[k]], NULL, 0);
            atomic_fetch_add(&shared->done, 1);
        }
        unsigned long part = u->run->part_paragraphs
                                 ? u->run->part_paragraphs
                                 : part_paragraphs(w->part);
        if (st == NG_OK && w->counts.paragraphs - w->part_start >= part &&
            atomic_load(&shared->next) < shared->n_entries)
            st = next_part(w);
    }
    if (st == NG_OK || st == NG_INTERRUPTED) {
        ng_status_t cst = ng_index_commit(u->index);
        if (cst != NG_OK)
            st = cst;
    }
    w->status = st;
    atomic_fetch_add(&w->shared->finished, 1);
    return NULL;
}

static void add_counts(ng_index_counts_t *to, const ng_index_counts_t *from)
{
    to->added += from->added;
    to->skipped += from->skipped;
    to->repaired += from->repaired;
    to->paragraphs += from->paragraphs;
}

/* Merges the committed main index and the N_PARTS partial ones into a
 * compact copy and swaps it in; then opens the main index again there and
 * reads its records, all of files just indexed. */
static ng_status_t merge_parts(ng_index_t *index, char **parts,
                               size_t n_parts)
{
    const char **sources = calloc(n_parts + 1, sizeof *sources);
    char *merged = NULL, *error = NULL;
    if (!sources || asprintf(&merged, "%s.merge", index->path) < 0) {
        free(sources);
        return NG_NO_MEMORY;
    }
    sources[0] = index->path;
    for (size_t i = 0; i < n_parts; i++)
        sources[i + 1] = parts[i];
    ng_status_t st = NG_OK;
    xc_status_t rc = xc_merge(sources, n_parts + 1, merged, &error);
    if (rc != XC_OK) {
        set_error(index, "cannot merge the partial indexes into '%s': %s",
                  merged, error ? error : xc_status_to_string(rc));
        st = ng_status_from_xc(rc);
    } else if (renameat2(AT_FDCWD, merged, AT_FDCWD, index->path,
                         RENAME_EXCHANGE) != 0) {
        set_error(index, "cannot put the merged index '%s' in place: %s",
                  merged, strerror(errno));
        st = NG_INDEX_ERROR;
    }
    free(error);
    /* MERGED holds the old main index now, or a merge that failed. */
    remove_index_folder(merged);
    free(merged);
    free(sources);
    if (st != NG_OK)
        return st;

    /* The handle still has the old files; the lock of the new folder is
     * free until it is opened again. */
    xc_db_close(index->db);
    index->db = NULL;
    for (int tries = 0; tries < 50; tries++) {
        free(error);
        error = NULL;
        rc = xc_db_open(index->path, XC_OPEN_WRITE, &index->db, &error);
        if (rc != XC_LOCKED)
            break;
        usleep(100 * 1000);
    }
    if (rc != XC_OK) {
        set_error(index, "cannot open the merged index again: %s",
                  error ? error : xc_status_to_string(rc));
        free(error);
        return ng_status_from_xc(rc);
    }
    st = load_states(index, 1, NULL, 0);
    for (size_t i = 0; st == NG_OK && i < ng_filestates_count(index->states);
         i++)
        ng_filestates_at(index->states, i)->seen = 1;
    return st;
}

/* Opens partial index number I beside the main index INDEX as worker W's,
 * removing what a stopped build left there.  On failure sets W->error
 * (INDEX is not touched: other threads may be writing it). */
static ng_status_t open_part(const ng_index_t *index, worker_t *w,
                             unsigned i)
{
    char *error = NULL;
    if (asprintf(&w->path, "%s.part%u", index->path, i) < 0) {
        w->path = NULL;
        return NG_NO_MEMORY;
    }
    if (remove_index_folder(w->path) != 0) {
        if (asprintf(&w->error, "cannot remove the stale partial index "
                                "'%s': %s", w->path, strerror(errno)) < 0)
            w->error = NULL;
        return NG_INDEX_ERROR;
    }
    ng_status_t st = ng_index_open(w->path,
                                   ng_stemmer_language(index->stemmer),
                                   &w->own, &error);
    if (st == NG_OK)
        st = load_states(w->own, 0, NULL, 0);
    else if (asprintf(&w->error, "cannot make the partial index '%s': %s",
                      w->path, error ? error : ng_status_to_string(st)) < 0)
        w->error = NULL;
    free(error);
    w->part_start = w->counts.paragraphs;
    w->part = i;
    return st;
}

/* Adds PATH, a partial index to merge, to SHARED's list, taking it over
 * (and removing its folder if memory ran out). */
static ng_status_t keep_part(shared_t *shared, char *path)
{
    ng_status_t st = NG_OK;
    pthread_mutex_lock(&shared->lock);
    if (shared->n_parts == shared->cap_parts) {
        size_t cap = shared->cap_parts ? 2 * shared->cap_parts : 8;
        char **grown = realloc(shared->parts, cap * sizeof *grown);
        if (grown) {
            shared->parts = grown;
            shared->cap_parts = cap;
        }
    }
    if (shared->n_parts < shared->cap_parts) {
        shared->parts[shared->n_parts++] = path;
    } else {
        remove_index_folder(path);
        free(path);
        st = NG_NO_MEMORY;
    }
    pthread_mutex_unlock(&shared->lock);
    return st;
}

/* Commits worker W's index and goes on in a new partial index; the full
 * one is closed and kept for the merge. */
static ng_status_t next_part(worker_t *w)
{
    ng_status_t st = ng_index_commit(w->u.index);
    if (st != NG_OK)
        return st;
    w->u.changes = 0;
    if (w->own) {
        ng_index_close(w->own);
        w->own = NULL;
        w->u.index = NULL;  /* until the next one is open */
        st = keep_part(w->shared, w->path);
        w->path = NULL;
        if (st != NG_OK)
            return st;
    }
    st = open_part(w->shared->main, w, atomic_fetch_add(&w->shared->next_part,
                                                        1));
    if (w->own)
        w->u.index = w->own;
    return st;
}

/* Removes the partial indexes a stopped build left beside INDEX
 * ("PATH.partN"); open_part() would remove only those of the numbers it
 * reuses. */
static void remove_stale_parts(const ng_index_t *index)
{
    char *copy = strdup(index->path);
    if (!copy)
        return;
    char *slash = strrchr(copy, '/');
    const char *base = slash ? slash + 1 : copy;
    const char *dir = slash ? (slash == copy ? "/" : copy) : ".";
    if (slash && slash != copy)
        *slash = '\0';
    size_t base_len = strlen(base);
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        const char *rest = e->d_name + base_len;
        if (strncmp(e->d_name, base, base_len) != 0 ||
            strncmp(rest, ".part", 5) != 0 || !rest[5] ||
            strspn(rest + 5, "0123456789") != strlen(rest + 5))
            continue;
        char *path = NULL;
        if (asprintf(&path, "%s/%s", dir, e->d_name) >= 0)
            remove_index_folder(path);
        free(path);
    }
    if (d)
        closedir(d);
    free(copy);
}

/*
 * Indexes the N_NEW new entries of U over JOBS threads: the first writes
 * the main index, the others partial indexes, which are then merged into
 * the main one (merge_parts()).  A run stopped by U->run->stop merges what
 * was done.  ALREADY files were looked at before, for progress.
 */
static ng_status_t build_in_parallel(update_t *u, const size_t *new_entries,
                                     size_t n_new, unsigned jobs,
                                     size_t already)
{
    ng_index_t *index = u->index;
    worker_t *workers = calloc(jobs, sizeof *workers);
    pthread_t *threads = calloc(jobs, sizeof *threads);
    shared_t shared = { .run = u->run, .entries = new_entries,
                        .n_entries = n_new, .main = index };
    if (!workers || !threads) {
        free(workers);
        free(threads);
        return NG_NO_MEMORY;
    }
    pthread_mutex_init(&shared.lock, NULL);
    atomic_init(&shared.done, 0);
    atomic_init(&shared.finished, 0);
    atomic_init(&shared.next, 0);
    atomic_init(&shared.next_part, jobs);
    remove_stale_parts(index);

    ng_status_t st = NG_OK;
    unsigned started = 0;
    for (unsigned i = 0; i < jobs && st == NG_OK; i++) {
        worker_t *w = &workers[i];
        w->shared = &shared;
        w->run = *u->run;
        w->run.progress = NULL;
        /* The writers share one batch: together they hold the changes of
         * about one batch of stories in memory (some 50 MB for 1,000 news
         * stories), not one batch each.  Smaller batches cost these fresh
         * partial indexes nothing: their commits only append. */
        unsigned batch = u->run->batch ? u->run->batch : NG_INDEX_BATCH;
        w->run.batch = batch / jobs ? batch / jobs : 1;
        if (u->run->warn) {
            w->run.warn = locked_warn;
            w->run.warn_ctx = &shared;
        }
        w->u = *u;
        w->u.run = &w->run;
        w->u.counts = &w->counts;
        w->u.changes = 0;
        if (i > 0) {
            st = open_part(index, w, i);
            w->u.index = w->own;
            if (st != NG_OK && w->error)
                set_error(index, "%s", w->error);
        }
    }
    /* Threads touch the XML parser only once it is set up. */
    ng_formats_init();
    for (unsigned i = 0; i < jobs && st == NG_OK; i++) {
        if (pthread_create(&threads[i], NULL, build_worker, &workers[i]) != 0)
            st = NG_NO_MEMORY;
        else
            started++;
    }
    /* Progress is told from this thread only. */
    while (atomic_load(&shared.finished) < started) {
        if (u->run->progress)
            u->run->progress(u->run->progress_ctx,
                             already + atomic_load(&shared.done),
                             u->n_entries);
        usleep(100 * 1000);
    }
    for (unsigned i = 0; i < started; i++)
        pthread_join(threads[i], NULL);

    for (unsigned i = 0; i < started; i++) {
        worker_t *w = &workers[i];
        add_counts(u->counts, &w->counts);
        if (st == NG_OK && w->status != NG_OK) {
            st = w->status;
            if (st != NG_INTERRUPTED && w->error)
                set_error(index, "%s", w->error);
            else if (st != NG_INTERRUPTED && w->u.index &&
                     w->u.index != index)
                set_error(index, "%s", ng_index_error(w->u.index));
        }
    }
    /* The partial indexes still open join those filled before them. */
    for (unsigned i = 0; i < jobs; i++) {
        worker_t *w = &workers[i];
        ng_index_close(w->own);
        w->own = NULL;
        if (w->path && keep_part(&shared, w->path) != NG_OK && st == NG_OK)
            st = NG_NO_MEMORY;
        w->path = NULL;
        free(w->error);
    }
    /* What was done is kept, also when the run was stopped. */
    if (started == jobs && (st == NG_OK || st == NG_INTERRUPTED)) {
        ng_status_t mst = merge_parts(index, shared.parts, shared.n_parts);
        if (mst != NG_OK)
            st = mst;
    }
    if (u->run->progress)
        u->run->progress(u->run->progress_ctx,
                         already + atomic_load(&shared.done), u->n_entries);
    for (size_t i = 0; i < shared.n_parts; i++) {
        remove_index_folder(shared.parts[i]);
        free(shared.parts[i]);
    }
    free(shared.parts);
    pthread_mutex_destroy(&shared.lock);
    free(workers);
    free(threads);
    return st;
}
