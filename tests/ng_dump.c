/*
 * ng_dump: prints every paragraph an index holds, one line each, sorted:
 * "story<TAB>paragraph<TAB>path<TAB>title<TAB>date<TAB>text".  The crash
 * and concurrency tests compare indexes with it.  Exits 0, or 2 with a
 * message if the index cannot be read.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "xapian-c.h"

static const char *member(json_object *obj, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(obj, key, &v) || !v)
        return "";
    return json_object_get_string(v);
}

static int by_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: ng_dump INDEX\n");
        return 2;
    }
    xc_db_t *db = NULL;
    char *error = NULL;
    xc_status_t rc = xc_db_open(argv[1], XC_OPEN_READ, &db, &error);
    if (rc != XC_OK) {
        fprintf(stderr, "ng_dump: cannot open '%s': %s\n", argv[1],
                error ? error : xc_status_to_string(rc));
        free(error);
        return 2;
    }
    unsigned count = 0;
    xc_query_t *all = xc_query_match_all();
    xc_mset_t *mset = NULL;
    rc = xc_db_doc_count(db, &count);
    if (rc == XC_OK && all)
        rc = xc_db_search(db, all, 0, count ? count : 1, NULL, &mset);
    if (rc != XC_OK || !all) {
        fprintf(stderr, "ng_dump: cannot read '%s': %s\n", argv[1],
                xc_db_error(db));
        return 2;
    }
    size_t n = xc_mset_size(mset);
    char **lines = calloc(n + 1, sizeof *lines);
    for (size_t i = 0; i < n; i++) {
        const char *data;
        size_t len;
        if (xc_mset_data(mset, i, &data, &len) != XC_OK) {
            fprintf(stderr, "ng_dump: %s\n", xc_db_error(db));
            return 2;
        }
        json_object *obj = json_tokener_parse(data);
        json_object *para;
        if (!obj || !json_object_object_get_ex(obj, "paragraph", &para)) {
            fprintf(stderr, "ng_dump: a document holds no valid data\n");
            return 2;
        }
        if (asprintf(&lines[i], "%s\t%d\t%s\t%s\t%s\t%s", member(obj, "story"),
                     json_object_get_int(para), member(obj, "path"),
                     member(obj, "title"), member(obj, "date"),
                     member(obj, "text")) < 0)
            return 2;
        json_object_put(obj);
    }
    qsort(lines, n, sizeof *lines, by_line);
    for (size_t i = 0; i < n; i++) {
        puts(lines[i]);
        free(lines[i]);
    }
    free(lines);
    xc_mset_free(mset);
    xc_query_free(all);
    xc_db_close(db);
    return fflush(stdout) == 0 ? 0 : 2;
}
