#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "printer.h"
#include "terms.h"

/* Colours as grep and ripgrep use them. */
#define SGR_MATCH "\033[1;31m"
#define SGR_TITLE "\033[1m"
#define SGR_PATH "\033[35m"
#define SGR_META "\033[32m"
#define SGR_RESET "\033[0m"

char *ng_print_display_path(const char *path, const char *cwd)
{
    if (!cwd)
        return strdup(path);
    size_t n = strlen(cwd);
    while (n > 0 && cwd[n - 1] == '/')
        n--;
    if (strncmp(path, cwd, n) == 0 && path[n] == '/' && path[n + 1])
        return strdup(path + n + 1);
    return strdup(path);
}

/* Writes TEXT with SPANS marked, in colour or as it is. */
static void put_marked(FILE *out, const char *text, const ng_span_t *spans,
                       size_t n_spans, int color, const char *base_sgr)
{
    size_t at = 0, len = strlen(text);
    if (color && base_sgr)
        fputs(base_sgr, out);
    for (size_t i = 0; color && i < n_spans; i++) {
        if (spans[i].start < at || spans[i].end > len)
            continue;
        fwrite(text + at, 1, spans[i].start - at, out);
        fputs(SGR_MATCH, out);
        fwrite(text + spans[i].start, 1, spans[i].end - spans[i].start, out);
        fputs(SGR_RESET, out);
        if (base_sgr)
            fputs(base_sgr, out);
        at = spans[i].end;
    }
    fputs(text + at, out);
    if (color && base_sgr)
        fputs(SGR_RESET, out);
}

/* Writes HIT; with CONTINUED, as a further paragraph of the story before
 * it, without headline and date. */
static ng_status_t print_one(FILE *out, const ng_hit_t *hit,
                             const ng_print_options_t *options,
                             int continued)
{
    int color = options->color;
    char *path = ng_print_display_path(hit->path, options->cwd);
    char *host = hit->source ? ng_terms_url_host(hit->source) : NULL;
    if (!path) {
        free(host);
        return NG_NO_MEMORY;
    }

    if (!continued) {
        put_marked(out, hit->title, hit->title_spans, hit->n_title_spans,
                   color, SGR_TITLE);
        fputc('\n', out);
        if (color)
            fputs(SGR_META, out);
        fputs(hit->date ? hit->date : "(no date)", out);
        if (host || hit->source)
            fprintf(out, "  %s", host ? host : hit->source);
        fprintf(out, "%s  ", color ? SGR_RESET : "");
    }
    fprintf(out, "%s%s%s:%u\n", color ? SGR_PATH : "", path,
            color ? SGR_RESET : "", hit->paragraph);
    fputs("  ", out);
    put_marked(out, hit->text, hit->spans, hit->n_spans, color, NULL);
    fputc('\n', out);
    if (hit->more)
        fprintf(out, "%s  +%u more paragraph%s in this story%s\n",
                color ? SGR_META : "", hit->more, hit->more == 1 ? "" : "s",
                color ? SGR_RESET : "");
    fputc('\n', out);
    free(path);
    free(host);
    return ferror(out) ? NG_IO_ERROR : NG_OK;
}

ng_status_t ng_print_hit(FILE *out, const ng_hit_t *hit,
                         const ng_print_options_t *options)
{
    return print_one(out, hit, options, 0);
}

/* One paragraph of a story shown with context: a hit, or one around it. */
typedef struct {
    unsigned paragraph;
    const char *text;
    const ng_hit_t *hit;  /* NULL for a paragraph of context */
} shown_t;

static int by_paragraph(const void *a, const void *b)
{
    const shown_t *x = a, *y = b;
    if (x->paragraph != y->paragraph)
        return x->paragraph < y->paragraph ? -1 : 1;
    /* A hit comes before the same paragraph as context, which is dropped. */
    return (x->hit == NULL) - (y->hit == NULL);
}

static void add_shown(shown_t *list, size_t *n, const ng_context_t *c,
                      size_t count)
{
    for (size_t i = 0; i < count; i++)
        list[(*n)++] = (shown_t){ c[i].paragraph, c[i].text, NULL };
}

/* Writes the N hits of one story at HITS with the paragraphs around them,
 * each paragraph once, in the story's order. */
static ng_status_t print_story_context(FILE *out, const ng_hit_t *hits,
                                       size_t n,
                                       const ng_print_options_t *options)
{
    int color = options->color;
    size_t cap = 0;
    unsigned more = 0;
    for (size_t i = 0; i < n; i++) {
        cap += 1 + hits[i].n_before + hits[i].n_after;
        more += hits[i].more;
    }
    shown_t *list = malloc(cap * sizeof *list);
    char *path = ng_print_display_path(hits[0].path, options->cwd);
    char *host = hits[0].source ? ng_terms_url_host(hits[0].source) : NULL;
    if (!list || !path) {
        free(list);
        free(path);
        free(host);
        return NG_NO_MEMORY;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        add_shown(list, &k, hits[i].before, hits[i].n_before);
        list[k++] = (shown_t){ hits[i].paragraph, hits[i].text, &hits[i] };
        add_shown(list, &k, hits[i].after, hits[i].n_after);
    }
    qsort(list, k, sizeof *list, by_paragraph);

    put_marked(out, hits[0].title, hits[0].title_spans,
               hits[0].n_title_spans, color, SGR_TITLE);
    fputc('\n', out);
    fprintf(out, "%s%s", color ? SGR_META : "",
            hits[0].date ? hits[0].date : "(no date)");
    if (host || hits[0].source)
        fprintf(out, "  %s", host ? host : hits[0].source);
    fprintf(out, "%s  %s%s%s\n", color ? SGR_RESET : "",
            color ? SGR_PATH : "", path, color ? SGR_RESET : "");
    for (size_t i = 0; i < k; i++) {
        if (i > 0 && list[i].paragraph == list[i - 1].paragraph)
            continue;
        if (i > 0 && list[i].paragraph > list[i - 1].paragraph + 1)
            fputs("  --\n", out);
        fprintf(out, "  %u%c ", list[i].paragraph, list[i].hit ? ':' : '-');
        if (list[i].hit)
            put_marked(out, list[i].text, list[i].hit->spans,
                       list[i].hit->n_spans, color, NULL);
        else
            fputs(list[i].text, out);
        fputc('\n', out);
    }
    if (more)
        fprintf(out, "%s  +%u more paragraph%s in this story%s\n",
                color ? SGR_META : "", more, more == 1 ? "" : "s",
                color ? SGR_RESET : "");
    fputc('\n', out);
    free(list);
    free(path);
    free(host);
    return ferror(out) ? NG_IO_ERROR : NG_OK;
}

ng_status_t ng_print_results(FILE *out, const ng_results_t *results,
                             const ng_print_options_t *options)
{
    if (options->context) {
        for (size_t i = 0; i < results->n_hits;) {
            size_t n = 1;
            while (i + n < results->n_hits &&
                   strcmp(results->hits[i + n].story,
                          results->hits[i].story) == 0)
                n++;
            ng_status_t st = print_story_context(out, results->hits + i, n,
                                                 options);
            if (st != NG_OK)
                return st;
            i += n;
        }
        return NG_OK;
    }
    for (size_t i = 0; i < results->n_hits; i++) {
        int continued = i > 0 && strcmp(results->hits[i].story,
                                        results->hits[i - 1].story) == 0;
        ng_status_t st = print_one(out, &results->hits[i], options,
                                   continued);
        if (st != NG_OK)
            return st;
    }
    return NG_OK;
}

/* A JSON string, or JSON null for NULL. */
static json_object *string_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

/* [{"paragraph": N, "text": "..."}, ...] for the N paragraphs at C. */
static json_object *context_array(const ng_context_t *c, size_t n)
{
    json_object *list = json_object_new_array();
    for (size_t i = 0; list && i < n; i++) {
        json_object *one = json_object_new_object();
        if (!one)
            break;
        json_object_object_add(one, "paragraph",
                               json_object_new_int64(c[i].paragraph));
        json_object_object_add(one, "text",
                               json_object_new_string(c[i].text));
        json_object_array_add(list, one);
    }
    return list;
}

ng_status_t ng_print_hit_json(FILE *out, const ng_hit_t *hit, size_t rank,
                              const char *qid)
{
    json_object *obj = json_object_new_object();
    json_object *matches = json_object_new_array();
    if (!obj || !matches) {
        json_object_put(obj);
        json_object_put(matches);
        return NG_NO_MEMORY;
    }
    for (size_t i = 0; i < hit->n_spans; i++) {
        json_object *pair = json_object_new_array();
        if (!pair)
            break;
        json_object_array_add(pair, json_object_new_int64((int64_t)hit->spans[i].start));
        json_object_array_add(pair, json_object_new_int64((int64_t)hit->spans[i].end));
        json_object_array_add(matches, pair);
    }
    if (qid)
        json_object_object_add(obj, "qid", json_object_new_string(qid));
    json_object_object_add(obj, "rank", json_object_new_int64((int64_t)rank));
    json_object_object_add(obj, "story", json_object_new_string(hit->story));
    json_object_object_add(obj, "path", json_object_new_string(hit->path));
    json_object_object_add(obj, "title", json_object_new_string(hit->title));
    json_object_object_add(obj, "date", string_or_null(hit->date));
    json_object_object_add(obj, "source", string_or_null(hit->source));
    json_object_object_add(obj, "paragraph",
                           json_object_new_int64((int64_t)hit->paragraph));
    json_object_object_add(obj, "score", json_object_new_double(hit->score));
    json_object_object_add(obj, "text", json_object_new_string(hit->text));
    json_object_object_add(obj, "matches", matches);
    json_object_object_add(obj, "more", json_object_new_int64(hit->more));
    json_object_object_add(obj, "before",
                           context_array(hit->before, hit->n_before));
    json_object_object_add(obj, "after",
                           context_array(hit->after, hit->n_after));
    const char *s = json_object_to_json_string_ext(
        obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    ng_status_t st = NG_NO_MEMORY;
    if (s) {
        fputs(s, out);
        fputc('\n', out);
        st = ferror(out) ? NG_IO_ERROR : NG_OK;
    }
    json_object_put(obj);
    return st;
}
