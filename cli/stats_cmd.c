/*
 * stats_cmd.c: "newsgrep stats": what an index holds and where.
 */
#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "filestate.h"
#include "schema.h"
#include "status.h"
#include "xapian-c.h"

static int count_file(void *ctx, const char *key, const char *value)
{
    (void)key;
    if (*value)
        (*(unsigned long *)ctx)++;
    return 0;
}

unsigned long long cli_disk_usage(const char *dir)
{
    unsigned long long total = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char *path;
        struct stat sb;
        if (asprintf(&path, "%s/%s", dir, e->d_name) < 0)
            break;
        if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
            total += (unsigned long long)sb.st_blocks * 512;
        free(path);
    }
    if (d)
        closedir(d);
    return total;
}

int cli_stats(const char *db_path, const cli_options_t *opts)
{
    (void)opts;
    xc_db_t *db = NULL;
    char *error = NULL;
    xc_status_t rc = xc_db_open(db_path, XC_OPEN_READ, &db, &error);
    if (rc != XC_OK) {
        cli_complain("cannot open index '%s': %s", db_path,
                     error ? error : xc_status_to_string(rc));
        free(error);
        return EXIT_TROUBLE;
    }

    unsigned paragraphs = 0;
    unsigned long stories = 0, files = 0, stems = 0;
    char *roots = NULL, *updated = NULL, *language = NULL, *schema = NULL;
    rc = xc_db_doc_count(db, &paragraphs);
    if (rc == XC_OK)
        rc = xc_db_count_prefix(db, NG_PREFIX_STORY, &stories);
    if (rc == XC_OK)
        rc = xc_db_metadata_list(db, NG_FILESTATE_KEY_PREFIX, count_file,
                                 &files);
    /* The paragraphs' stems: the stem prefix, then anything but an
     * upper-case ASCII letter, which would begin another prefix (the
     * headline's "ZS", schema.h). */
    for (int b = 1; rc == XC_OK && b < 256; b++) {
        char first[sizeof NG_PREFIX_STEM + 1];
        unsigned long n = 0;
        if (b >= 'A' && b <= 'Z')
            continue;
        snprintf(first, sizeof first, "%s%c", NG_PREFIX_STEM, b);
        rc = xc_db_count_prefix(db, first, &n);
        stems += n;
    }
    if (rc == XC_OK)
        rc = xc_db_get_metadata(db, NG_META_ROOTS, &roots);
    if (rc == XC_OK)
        rc = xc_db_get_metadata(db, NG_META_UPDATED, &updated);
    if (rc == XC_OK)
        rc = xc_db_get_metadata(db, NG_META_LANGUAGE, &language);
    if (rc == XC_OK)
        rc = xc_db_get_metadata(db, NG_META_SCHEMA, &schema);
    if (rc != XC_OK) {
        cli_complain("cannot read index '%s': %s", db_path, xc_db_error(db));
        free(roots);
        free(updated);
        free(language);
        free(schema);
        xc_db_close(db);
        return EXIT_TROUBLE;
    }
    char when[64] = "never";
    if (*updated) {
        time_t t = (time_t)strtoll(updated, NULL, 10);
        struct tm tm;
        if (localtime_r(&t, &tm))
            strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %z", &tm);
    }
    printf("index:       %s\n", db_path);
    printf("stories:     %lu\n", stories);
    printf("files:       %lu\n", files);
    printf("paragraphs:  %u\n", paragraphs);
    printf("stems:       %lu distinct\n", stems);
    printf("size:        %.1f MB\n", cli_disk_usage(db_path) / 1e6);
    printf("language:    %s\n", *language ? language : "english");
    /* Searches refuse an index of another schema (search.c): say why. */
    if (*schema && strcmp(schema, NG_SCHEMA_VERSION) != 0)
        printf("schema:      %s, another version's (this one's is %s): "
               "'newsgrep index' rebuilds it\n", schema, NG_SCHEMA_VERSION);
    printf("updated:     %s\n", when);
    printf("roots:");
    if (!*roots)
        printf("       (none)\n");
    for (char *save = NULL, *r = strtok_r(roots, "\n", &save); r;
         r = strtok_r(NULL, "\n", &save))
        printf("\n  %s", r);
    printf("%s", *roots ? "\n" : "");
    free(roots);
    free(updated);
    free(language);
    free(schema);
    xc_db_close(db);
    return fflush(stdout) == 0 ? EXIT_MATCH : EXIT_TROUBLE;
}
