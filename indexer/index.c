#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <json-c/json.h>

#include "index.h"
#include "schema.h"
#include "stemmer.h"
#include "terms.h"
#include "xapian-c.h"

struct ng_index {
    xc_db_t *db;
    ng_stemmer_t *stemmer;
    char *error;
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

const char *ng_index_error(const ng_index_t *index)
{
    return index && index->error ? index->error : "";
}

ng_status_t ng_index_open(const char *db_path, const char *language,
                          ng_index_t **out, char **error)
{
    ng_index_t *index = calloc(1, sizeof *index);
    if (!index)
        return NG_NO_MEMORY;
    xc_status_t rc = xc_db_open(db_path, XC_OPEN_CREATE_OR_OPEN, &index->db,
                                error);
    if (rc != XC_OK) {
        free(index);
        return ng_status_from_xc(rc);
    }

    char *stored = NULL;
    rc = xc_db_get_metadata(index->db, NG_META_LANGUAGE, &stored);
    if (rc != XC_OK) {
        if (error)
            *error = strdup(xc_db_error(index->db));
        ng_index_close(index);
        return ng_status_from_xc(rc);
    }
    int is_new = stored[0] == '\0';
    const char *want = language ? language
                                : (is_new ? NG_DEFAULT_LANGUAGE : stored);
    ng_status_t st = ng_stemmer_new(want, &index->stemmer);
    if (st == NG_OK && !is_new &&
        strcmp(ng_stemmer_language(index->stemmer), stored) != 0) {
        if (error && asprintf(error, "the index was built for %s, not %s: "
                              "remove it to rebuild", stored, want) < 0)
            *error = NULL;
        st = NG_BAD_ARGUMENT;
    } else if (st == NG_UNKNOWN_LANGUAGE && error) {
        if (asprintf(error, "no stemmer for language '%s'", want) < 0)
            *error = NULL;
    }
    free(stored);
    if (st == NG_OK && is_new) {
        rc = xc_db_set_metadata(index->db, NG_META_SCHEMA, NG_SCHEMA_VERSION);
        if (rc == XC_OK)
            rc = xc_db_set_metadata(index->db, NG_META_LANGUAGE,
                                    ng_stemmer_language(index->stemmer));
        if (rc != XC_OK) {
            if (error)
                *error = strdup(xc_db_error(index->db));
            st = ng_status_from_xc(rc);
        }
    }
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
    xc_db_close(index->db);
    ng_stemmer_free(index->stemmer);
    free(index->error);
    free(index);
}

ng_status_t ng_index_commit(ng_index_t *index)
{
    char stamp[32];
    snprintf(stamp, sizeof stamp, "%lld", (long long)time(NULL));
    xc_status_t rc = xc_db_set_metadata(index->db, NG_META_UPDATED, stamp);
    if (rc == XC_OK)
        rc = xc_db_commit(index->db);
    return rc == XC_OK ? NG_OK : db_failed(index, rc);
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

    size_t rel_len = strlen(rel);
    if (rel_len > 4 && strcasecmp(rel + rel_len - 4, ".txt") == 0)
        rel_len -= 4;
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

static int sink_term(void *ctx, const char *term, size_t len)
{
    return xc_doc_add_term(ctx, term, len, 1) != XC_OK;
}

static int sink_boolean(void *ctx, const char *term, size_t len)
{
    return xc_doc_add_boolean_term(ctx, term, len) != XC_OK;
}

static const ng_term_sink_t doc_sink = { sink_posting, sink_term,
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
                                 const char *abs_path, const ng_story_t *story,
                                 unsigned number, const char *text,
                                 size_t len)
{
    xc_doc_t *doc = xc_doc_new();
    char *unique = NULL, *data = NULL;
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
    if (asprintf(&unique, "%s%s#%u", NG_PREFIX_UNIQUE, id, number) < 0) {
        unique = NULL;
        goto done;
    }
    if (xc_doc_add_boolean_term(doc, unique, strlen(unique)) != XC_OK)
        goto done;

    char date[9] = "";
    if (story->date && strlen(story->date) == 10) {
        memcpy(date, story->date, 4);
        memcpy(date + 4, story->date + 5, 2);
        memcpy(date + 6, story->date + 8, 2);
        date[8] = '\0';
    }
    char para[16];
    snprintf(para, sizeof para, "%06u", number);
    data = paragraph_data(id, abs_path, story, number, text);
    if (!data ||
        xc_doc_set_value(doc, NG_SLOT_STORY, id, strlen(id)) != XC_OK ||
        xc_doc_set_value(doc, NG_SLOT_DATE, date, strlen(date)) != XC_OK ||
        xc_doc_set_value(doc, NG_SLOT_PARAGRAPH, para, strlen(para)) != XC_OK ||
        xc_doc_set_data(doc, data, strlen(data)) != XC_OK)
        goto done;

    xc_status_t rc = xc_db_replace_doc(index->db, unique, doc);
    st = rc == XC_OK ? NG_OK : db_failed(index, rc);
done:
    if (st == NG_NO_MEMORY)
        set_error(index, "out of memory");
    free(data);
    free(unique);
    xc_doc_free(doc);
    return st;
}

ng_status_t ng_index_add_story(ng_index_t *index, const char *id,
                               const char *abs_path, const ng_story_t *story)
{
    char *story_term;
    if (asprintf(&story_term, "%s%s", NG_PREFIX_STORY, id) < 0)
        return NG_NO_MEMORY;
    xc_status_t rc = xc_db_delete_by_term(index->db, story_term);
    free(story_term);
    if (rc != XC_OK)
        return db_failed(index, rc);

    /* A story that is only a headline is kept as one passage holding it, so
     * that it can still be found. */
    if (story->n_paragraphs == 0)
        return add_paragraph(index, id, abs_path, story, 1, story->title,
                             strlen(story->title));
    for (size_t i = 0; i < story->n_paragraphs; i++) {
        ng_status_t st = add_paragraph(index, id, abs_path, story,
                                       (unsigned)(i + 1),
                                       story->paragraphs[i].text,
                                       story->paragraphs[i].len);
        if (st != NG_OK)
            return st;
    }
    return NG_OK;
}

/* ------------------------------------------------------------------ */
/* Files and folders                                                   */

typedef struct {
    ng_index_t *index;
    const char *root;
    ng_index_counts_t *counts;
    ng_index_warn_fn warn;
    void *warn_ctx;
} walk_t;

static void warn(walk_t *w, const char *path, const char *message)
{
    if (w->warn)
        w->warn(w->warn_ctx, path, message);
}

/* Indexes one story file.  A file that cannot be read or parsed is counted
 * as skipped and reported; only index errors are returned. */
static ng_status_t index_file(walk_t *w, const char *abs_path)
{
    ng_story_t *story = NULL;
    char *why = NULL;
    ng_status_t st = ng_story_read_file(abs_path, &story, &why);
    if (st == NG_NO_MEMORY) {
        free(why);
        set_error(w->index, "out of memory");
        return st;
    }
    if (st != NG_OK) {
        warn(w, abs_path, why ? why : ng_status_to_string(st));
        free(why);
        w->counts->skipped++;
        return NG_OK;
    }
    free(why);
    if (story->repaired) {
        warn(w, abs_path, "text repaired: invalid UTF-8 or control "
                          "characters replaced");
        w->counts->repaired++;
    }
    char *id = ng_index_story_id(w->root, abs_path);
    if (!id) {
        ng_story_free(story);
        set_error(w->index, "out of memory");
        return NG_NO_MEMORY;
    }
    st = ng_index_add_story(w->index, id, abs_path, story);
    if (st == NG_OK) {
        w->counts->stories++;
        w->counts->paragraphs += story->n_paragraphs ? (unsigned)story->n_paragraphs : 1;
    }
    free(id);
    ng_story_free(story);
    return st;
}

static int has_txt_extension(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcasecmp(name + n - 4, ".txt") == 0;
}

/* Skips hidden entries and the "." and ".." links. */
static int visible(const struct dirent *entry)
{
    return entry->d_name[0] != '.';
}

/* Indexes the story files below the folder DIR, in name order so that runs
 * are repeatable. */
static ng_status_t walk_folder(walk_t *w, const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, visible, alphasort);
    if (n < 0) {
        warn(w, dir, strerror(errno));
        w->counts->skipped++;
        return NG_OK;
    }
    ng_status_t st = NG_OK;
    for (int i = 0; i < n; i++) {
        char *path = NULL;
        struct stat sb;
        if (st == NG_OK &&
            asprintf(&path, "%s/%s", dir, names[i]->d_name) < 0) {
            path = NULL;
            set_error(w->index, "out of memory");
            st = NG_NO_MEMORY;
        }
        if (st == NG_OK && lstat(path, &sb) == 0) {
            if (S_ISDIR(sb.st_mode)) {
                st = walk_folder(w, path);
            } else if (has_txt_extension(names[i]->d_name)) {
                /* Links to files are followed; links to folders are not,
                 * which keeps the walk free of loops. */
                if (S_ISLNK(sb.st_mode) && stat(path, &sb) != 0) {
                    warn(w, path, strerror(errno));
                    w->counts->skipped++;
                } else if (S_ISREG(sb.st_mode)) {
                    st = index_file(w, path);
                }
            }
        }
        free(path);
        free(names[i]);
    }
    free(names);
    return st;
}

/* Adds ABS_PATH to the index's remembered roots unless already there. */
static ng_status_t remember_root(ng_index_t *index, const char *abs_path)
{
    char *roots = NULL;
    xc_status_t rc = xc_db_get_metadata(index->db, NG_META_ROOTS, &roots);
    if (rc != XC_OK)
        return db_failed(index, rc);
    size_t n = strlen(abs_path);
    for (const char *p = roots; *p;) {
        size_t len = strcspn(p, "\n");
        if (len == n && memcmp(p, abs_path, n) == 0) {
            free(roots);
            return NG_OK;
        }
        p += len + (p[len] == '\n');
    }
    char *updated;
    if (asprintf(&updated, "%s%s%s", roots,
                 *roots && roots[strlen(roots) - 1] != '\n' ? "\n" : "",
                 abs_path) < 0) {
        free(roots);
        return NG_NO_MEMORY;
    }
    free(roots);
    rc = xc_db_set_metadata(index->db, NG_META_ROOTS, updated);
    free(updated);
    return rc == XC_OK ? NG_OK : db_failed(index, rc);
}

ng_status_t ng_index_add_path(ng_index_t *index, const char *path,
                              ng_index_counts_t *counts,
                              ng_index_warn_fn warn_fn, void *warn_ctx)
{
    char *abs_path = realpath(path, NULL);
    struct stat sb;
    if (!abs_path || stat(abs_path, &sb) != 0) {
        set_error(index, "cannot read '%s': %s", path, strerror(errno));
        free(abs_path);
        return NG_IO_ERROR;
    }
    if (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode)) {
        set_error(index, "cannot read '%s': not a file or folder", path);
        free(abs_path);
        return NG_IO_ERROR;
    }
    walk_t w = { index, abs_path, counts, warn_fn, warn_ctx };
    ng_status_t st = S_ISDIR(sb.st_mode) ? walk_folder(&w, abs_path)
                                         : index_file(&w, abs_path);
    if (st == NG_OK)
        st = remember_root(index, abs_path);
    free(abs_path);
    return st;
}

ng_status_t ng_index_roots(ng_index_t *index, char ***out)
{
    char *roots = NULL;
    xc_status_t rc = xc_db_get_metadata(index->db, NG_META_ROOTS, &roots);
    if (rc != XC_OK)
        return db_failed(index, rc);
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
