#include <config.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query_words.h"
#include "schema.h"
#include "synonyms.h"
#include "tokenizer.h"

/* A member: its words, normalised, held by the table's arena one after
 * the other, so that WORDS[0] is all of them joined, each ending in a NUL
 * (member_from()). */
typedef struct {
    char **words;
    size_t n;
} member_t;

typedef struct {
    member_t *members;
    size_t n, cap;
} group_t;

/* Memory that is given out in pieces and freed all at once: the words of
 * every member of a table, which live as long as the table.  A piece is
 * never moved, so pointers into it stay valid. */
typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    max_align_t data[];
} chunk_t;

struct ng_synonyms {
    group_t *groups;
    size_t n;
    chunk_t *arena;
};

/* One line of a file: a group to add, or members whose groups to cancel. */
typedef struct {
    int cancel;
    group_t group;
} line_t;

/* SIZE bytes from *ARENA, aligned for any type; NULL if memory ran out. */
static void *arena_alloc(chunk_t **arena, size_t size)
{
    size_t align = sizeof(max_align_t);
    size = (size + align - 1) / align * align;
    chunk_t *c = *arena;
    if (!c || c->cap - c->used < size) {
        size_t cap = size > 16384 ? size : 16384;
        c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->next = *arena;
        c->used = 0;
        c->cap = cap;
        *arena = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += size;
    return p;
}

static void group_clear(group_t *g)
{
    free(g->members);
}

ng_synonyms_t *ng_synonyms_new(void)
{
    return calloc(1, sizeof(ng_synonyms_t));
}

void ng_synonyms_free(ng_synonyms_t *syn)
{
    if (!syn)
        return;
    for (size_t i = 0; i < syn->n; i++)
        group_clear(&syn->groups[i]);
    free(syn->groups);
    while (syn->arena) {
        chunk_t *next = syn->arena->next;
        free(syn->arena);
        syn->arena = next;
    }
    free(syn);
}

size_t ng_synonyms_count(const ng_synonyms_t *syn)
{
    return syn ? syn->n : 0;
}

/* Grows the array *ITEMS of *N elements (room for *CAP) of SIZE bytes by
 * one, zeroed, doubling its room when full.  Returns the new element, or
 * NULL if memory ran out. */
static void *grow(void *items, size_t *n, size_t *cap, size_t size)
{
    void **array = items;
    if (*n == *cap) {
        size_t more = *cap ? 2 * *cap : 4;
        char *bigger = more < SIZE_MAX / size ? realloc(*array, more * size)
                                              : NULL;
        if (!bigger)
            return NULL;
        *array = bigger;
        *cap = more;
    }
    char *slot = (char *)*array + (*n)++ * size;
    memset(slot, 0, size);
    return slot;
}

/* A member's words as they are read: joined, each ending in a NUL. */
typedef struct {
    char *text;
    size_t len, cap;
    size_t n;
} scratch_t;

static int add_word(void *ctx, const ng_token_t *token)
{
    scratch_t *sc = ctx;
    if (sc->cap - sc->len < token->len + 1) {
        size_t cap = 2 * (sc->len + token->len + 1);
        char *bigger = realloc(sc->text, cap);
        if (!bigger)
            return -1;
        sc->text = bigger;
        sc->cap = cap;
    }
    memcpy(sc->text + sc->len, token->text, token->len + 1);
    sc->len += token->len + 1;
    sc->n++;
    return 0;
}

/* Copies the words of SC into *ARENA as the member M.  Returns 0, or -1 if
 * memory ran out. */
static int member_from(chunk_t **arena, const scratch_t *sc, member_t *m)
{
    m->words = arena_alloc(arena, sc->n * sizeof *m->words + sc->len);
    if (!m->words)
        return -1;
    m->n = sc->n;
    char *text = (char *)(m->words + sc->n);
    memcpy(text, sc->text, sc->len);
    for (size_t i = 0; i < sc->n; i++) {
        m->words[i] = text;
        text += strlen(text) + 1;
    }
    return 0;
}

/* Non-zero if G has a member of the N words joined in TEXT. */
static int group_has_words(const group_t *g, const char *text, size_t n)
{
    for (size_t i = 0; i < g->n; i++) {
        const member_t *m = &g->members[i];
        const char *w = text;
        size_t k = 0;
        if (m->n != n)
            continue;
        while (k < n && strcmp(m->words[k], w) == 0) {
            w += strlen(w) + 1;
            k++;
        }
        if (k == n)
            return 1;
    }
    return 0;
}

/*
 * Reads the members of TEXT (a line without its comment, or what follows
 * "!") into G, leaving out repeats, their words into *ARENA, using SC to
 * read them.  Returns NG_OK, NG_BAD_INPUT with the reason in *WHY, or
 * NG_NO_MEMORY.
 */
static ng_status_t parse_members(char *text, group_t *g, chunk_t **arena,
                                 scratch_t *sc, const char **why)
{
    for (char *piece = text;; piece++) {
        char *comma = strchr(piece, ',');
        size_t len = comma ? (size_t)(comma - piece) : strlen(piece);
        sc->len = 0;
        sc->n = 0;
        if (ng_tokenize(piece, len, 0, add_word, sc, NULL) != 0)
            return NG_NO_MEMORY;
        if (sc->n == 0) {
            *why = "a member without words";
            return NG_BAD_INPUT;
        }
        if (!group_has_words(g, sc->text, sc->n)) {
            member_t *slot = grow(&g->members, &g->n, &g->cap,
                                  sizeof *g->members);
            if (!slot || member_from(arena, sc, slot) != 0)
                return NG_NO_MEMORY;
        }
        if (!comma)
            return NG_OK;
        piece = comma;
    }
}

/* Cuts LINE at its comment and blanks at either end; returns its start. */
static char *strip(char *line)
{
    for (char *p = line; *p; p++)
        if (*p == '#' && (p == line || strchr(" \t", p[-1]))) {
            *p = '\0';
            break;
        }
    size_t len = strlen(line);
    while (len > 0 && strchr(" \t\r\n", line[len - 1]))
        line[--len] = '\0';
    while (*line == ' ' || *line == '\t')
        line++;
    return line;
}

/* Reads the file at PATH into *LINES (*N_LINES of them).  Returns what
 * ng_synonyms_load() documents, with the message in *ERROR. */
static ng_status_t read_file(const char *path, line_t **lines,
                             size_t *n_lines, chunk_t **arena, char **error)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (asprintf(error, "cannot open '%s': %s", path, strerror(errno)) < 0)
            *error = NULL;
        return NG_IO_ERROR;
    }
    char *buf = NULL;
    size_t cap = 0, lines_cap = 0;
    scratch_t sc = { NULL, 0, 0, 0 };
    unsigned number = 0;
    ng_status_t st = NG_OK;
    const char *why = NULL;
    while (st == NG_OK && getline(&buf, &cap, f) >= 0) {
        number++;
        char *text = strip(buf);
        if (!*text)
            continue;
        line_t *line = grow(lines, n_lines, &lines_cap, sizeof **lines);
        if (!line) {
            st = NG_NO_MEMORY;
            break;
        }
        line->cancel = text[0] == '!';
        st = parse_members(text + line->cancel, &line->group, arena, &sc,
                           &why);
        if (st == NG_OK && !line->cancel && line->group.n < 2) {
            why = "a group needs two or more different members";
            st = NG_BAD_INPUT;
        }
    }
    if (st == NG_OK && ferror(f)) {
        if (asprintf(error, "cannot read '%s': %s", path, strerror(errno)) < 0)
            *error = NULL;
        st = NG_IO_ERROR;
    } else if (st == NG_BAD_INPUT) {
        if (asprintf(error, "'%s' line %u: %s", path, number, why) < 0)
            *error = NULL;
    }
    free(buf);
    free(sc.text);
    fclose(f);
    return st;
}

/* Removes from SYN every group that has a member of CANCEL. */
static void cancel_groups(ng_synonyms_t *syn, const group_t *cancel)
{
    size_t kept = 0;
    for (size_t i = 0; i < syn->n; i++) {
        int hit = 0;
        for (size_t j = 0; j < cancel->n && !hit; j++)
            hit = group_has_words(&syn->groups[i],
                                  cancel->members[j].words[0],
                                  cancel->members[j].n);
        if (hit)
            group_clear(&syn->groups[i]);
        else
            syn->groups[kept++] = syn->groups[i];
    }
    syn->n = kept;
}

ng_status_t ng_synonyms_load(ng_synonyms_t *syn, const char *path,
                             char **error)
{
    line_t *lines = NULL;
    size_t n_lines = 0, adds = 0;
    *error = NULL;
    if (!syn || !path)
        return NG_BAD_ARGUMENT;
    ng_status_t st = read_file(path, &lines, &n_lines, &syn->arena, error);
    for (size_t i = 0; i < n_lines; i++)
        adds += !lines[i].cancel;
    /* Room for every group first, so that nothing can fail once SYN
     * starts to change. */
    if (st == NG_OK) {
        group_t *room = realloc(syn->groups,
                                (syn->n + adds + 1) * sizeof *room);
        if (room)
            syn->groups = room;
        else
            st = NG_NO_MEMORY;
    }
    for (size_t i = 0; i < n_lines; i++) {
        if (st != NG_OK || lines[i].cancel) {
            if (st == NG_OK)
                cancel_groups(syn, &lines[i].group);
            group_clear(&lines[i].group);
        } else {
            syn->groups[syn->n++] = lines[i].group;
        }
    }
    free(lines);
    if (st == NG_NO_MEMORY && !*error)
        *error = strdup("out of memory");
    return st;
}

/* The stem of the LEN bytes of WORD, newly allocated; NULL if memory ran
 * out. */
static char *stem_of(ng_stemmer_t *stemmer, const char *word, size_t len)
{
    size_t stem_len;
    const char *stem = ng_stemmer_stem(stemmer, word, len, &stem_len);
    return stem ? strndup(stem, stem_len) : NULL;
}

int ng_synonyms_lists(const ng_synonyms_t *syn, ng_stemmer_t *stemmer,
                      const char *word, size_t len)
{
    if (!syn || !stemmer || !word)
        return 0;
    char *want = stem_of(stemmer, word, len);
    size_t want_len = want ? strlen(want) : 0;
    int listed = 0;
    for (size_t g = 0; want && g < syn->n && !listed; g++)
        for (size_t m = 0; m < syn->groups[g].n && !listed; m++) {
            const member_t *member = &syn->groups[g].members[m];
            size_t stem_len;
            if (member->n != 1)
                continue;
            const char *stem = ng_stemmer_stem(stemmer, member->words[0],
                                               strlen(member->words[0]),
                                               &stem_len);
            listed = stem && stem_len == want_len &&
                     memcmp(stem, want, stem_len) == 0;
        }
    free(want);
    return listed;
}

/* A member as the index sees it: the stems of its words, joined by
 * spaces, for comparison; and whether the query has it. */
typedef struct {
    char *key;
    int in_query;
} stemmed_t;

/* M's stems joined by spaces, newly allocated; NULL if memory ran out. */
static char *member_key(ng_stemmer_t *stemmer, const member_t *m)
{
    size_t cap = 1, len = 0;
    char *key = NULL;
    for (size_t i = 0; i < m->n; i++) {
        char *stem = stem_of(stemmer, m->words[i], strlen(m->words[i]));
        char *bigger = stem ? realloc(key, cap += strlen(stem) + 1) : NULL;
        if (!bigger) {
            free(stem);
            free(key);
            return NULL;
        }
        key = bigger;
        len += (size_t)sprintf(key + len, "%s%s", i ? " " : "", stem);
        free(stem);
    }
    return key;
}

/* Non-zero if a word may be looked up: a plain word of the query. */
static int may_expand(const ng_query_word_t *w)
{
    return !(w->flags & (NG_QW_OPERATOR | NG_QW_FIELD | NG_QW_QUOTED |
                         NG_QW_NEGATED | NG_QW_WILDCARD));
}

/*
 * Non-zero if the query's words from FIRST on, stemmed into STEMS, are
 * the run KEY (stems joined by spaces): N plain words, each joined to the
 * one before.
 */
static int run_matches(const ng_query_word_t *words, char **stems,
                       size_t n_words, size_t first, const char *key)
{
    for (size_t i = first; i < n_words; i++) {
        if (!stems[i] || (i > first && !(words[i].flags & NG_QW_JOINED)))
            return 0;
        size_t len = strlen(stems[i]);
        if (strncmp(key, stems[i], len) != 0)
            return 0;
        if (key[len] == '\0')
            return 1;
        if (key[len] != ' ')
            return 0;
        key += len + 1;
    }
    return 0;
}

/*
 * The query for member M (with stems KEY, joined by spaces), in DB of
 * N_DOCS paragraphs: its stem term for one word, a phrase of its stem
 * terms for more.  A word of a phrase that more than a tenth of the
 * paragraphs have ("of", "the") is matched only as a gap when two or more
 * words are left: the others in order, within the member's length.  Its
 * long posting list would be read for every paragraph that has the rest,
 * and tell almost nothing: the synonyms of "oil prices opec" cost 1.0
 * million instructions instead of 2.6.  Stores NULL in *OUT when DB lacks
 * a term of it.
 */
static xc_status_t member_query(xc_db_t *db, unsigned n_docs,
                                const member_t *m, const char *key,
                                xc_query_t **out)
{
    /* TERMS[0 .. N-1] are the terms in order; RARE[] the ones that are not
     * common, in order too. */
    char **terms = calloc(2 * m->n, sizeof *terms);
    const char **rare = (const char **)(terms ? terms + m->n : NULL);
    size_t n = 0, n_rare = 0;
    unsigned freq = 1;
    xc_status_t rc = terms ? XC_OK : XC_NO_MEMORY;
    *out = NULL;
    for (; n < m->n && rc == XC_OK && freq > 0; n++) {
        size_t len = strcspn(key, " ");
        if (asprintf(&terms[n], "%s%.*s", NG_PREFIX_STEM, (int)len, key) < 0) {
            terms[n] = NULL;
            rc = XC_NO_MEMORY;
            break;
        }
        if (db)
            rc = xc_db_term_freq(db, terms[n], &freq);
        if (freq <= n_docs / 10)
            rare[n_rare++] = terms[n];
        key += len + (key[len] == ' ');
    }
    if (rc == XC_OK && freq > 0) {
        if (m->n == 1)
            *out = xc_query_new_term(terms[0], strlen(terms[0]));
        else if (n_rare >= 2)
            *out = xc_query_new_phrase(rare, n_rare, m->n);
        else
            *out = xc_query_new_phrase((const char *const *)terms, m->n, 0);
        if (!*out)
            rc = XC_NO_MEMORY;
    }
    for (size_t i = 0; i < n; i++)
        free(terms[i]);
    free(terms);
    return rc;
}

/* Adds Q to the disjunction *ALL, taking Q over.  Returns XC_OK or
 * XC_NO_MEMORY. */
static xc_status_t or_into(xc_query_t **all, xc_query_t *q)
{
    if (!*all) {
        *all = q;
        return XC_OK;
    }
    xc_query_t *both = xc_query_or(*all, q);
    xc_query_free(q);
    if (!both)
        return XC_NO_MEMORY;
    xc_query_free(*all);
    *all = both;
    return XC_OK;
}

/* Non-zero if KEY is among the N keys of SEEN. */
static int seen_key(char **seen, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(seen[i], key) == 0)
            return 1;
    return 0;
}

/* Non-zero if the stems KEY hold the stems PART as a run of whole words
 * ("rare earth metal" holds "rare earth"); both are joined by spaces. */
static int holds_run(const char *key, const char *part)
{
    size_t len = strlen(part);
    for (const char *at = strstr(key, part); at; at = strstr(at + 1, part))
        if ((at == key || at[-1] == ' ') &&
            (at[len] == '\0' || at[len] == ' '))
            return 1;
    return 0;
}

/* Appends Q, weighted as a synonym, to OUT's phrases, taking Q over. */
static xc_status_t add_phrase(ng_widen_t *out, xc_query_t *q)
{
    xc_query_t **grown = realloc(out->phrases,
                                 (out->n_phrases + 1) * sizeof *grown);
    xc_query_t *weighed = grown ? xc_query_scale(q, NG_SYNONYM_WEIGHT)
                                : NULL;
    xc_query_free(q);
    if (grown)
        out->phrases = grown;
    if (!weighed)
        return XC_NO_MEMORY;
    out->phrases[out->n_phrases++] = weighed;
    return XC_OK;
}

/*
 * Builds the queries for the members of G that the query does not have,
 * in DB of N_DOCS paragraphs (member_query()): those of one word ORed
 * into *WORDS, unweighted, the others each one of OUT's phrases.  Leaves
 * out those with a key in SEEN (*N_SEEN of them, each borrowed from the
 * KEYS of some group), and adds their keys to SEEN.
 * The first N_HAD keys of SEEN are the members the query has.  A member
 * that holds one of them, or another member of G ("rare earth metals"
 * holds "rare earth"), is left out too: the query or that member finds
 * every paragraph it would, so it would only count the same words twice,
 * and open more posting lists for nothing.
 */
static xc_status_t expand_group(xc_db_t *db, unsigned n_docs,
                                const group_t *g,
                                const stemmed_t *keys, char **seen,
                                size_t n_had, size_t *n_seen,
                                xc_query_t **words, ng_widen_t *out)
{
    xc_status_t rc = XC_OK;
    for (size_t i = 0; i < g->n && rc == XC_OK; i++) {
        if (seen_key(seen, *n_seen, keys[i].key))
            continue;
        int held = 0;
        for (size_t j = 0; j < n_had && !held; j++)
            held = holds_run(keys[i].key, seen[j]);
        for (size_t j = 0; j < g->n && !held; j++)
            held = strcmp(keys[j].key, keys[i].key) != 0 &&
                   holds_run(keys[i].key, keys[j].key);
        if (held)
            continue;
        seen[(*n_seen)++] = keys[i].key;
        xc_query_t *q = NULL;
        rc = member_query(db, n_docs, &g->members[i], keys[i].key, &q);
        if (rc == XC_OK && q)
            rc = g->members[i].n == 1 ? or_into(words, q)
                                      : add_phrase(out, q);
    }
    return rc;
}

ng_status_t ng_synonyms_expand(const ng_synonyms_t *syn, xc_db_t *db,
                               ng_stemmer_t *stemmer, const char *query,
                               ng_widen_t *extra)
{
    ng_query_word_t *words = NULL;
    size_t n_words = 0, n_members = 0, n_seen = 0;
    char **stems = NULL, **seen = NULL;
    stemmed_t *keys = NULL;
    xc_query_t *found = NULL;
    if (!extra)
        return NG_BAD_ARGUMENT;
    *extra = (ng_widen_t){ NULL, NULL, 0 };
    if (!syn || !stemmer || !query)
        return NG_BAD_ARGUMENT;
    ng_status_t st = ng_query_words(query, &words, &n_words);
    if (st != NG_OK || n_words == 0 || syn->n == 0)
        return st;
    for (size_t g = 0; g < syn->n; g++)
        n_members += syn->groups[g].n;
    unsigned n_docs = 0;
    xc_status_t rc = db ? xc_db_doc_count(db, &n_docs) : XC_OK;
    stems = calloc(n_words, sizeof *stems);
    keys = calloc(n_members, sizeof *keys);
    seen = calloc(n_members, sizeof *seen);
    if (rc == XC_OK && (!stems || !keys || !seen))
        rc = XC_NO_MEMORY;
    for (size_t i = 0; i < n_words && rc == XC_OK; i++)
        if (may_expand(&words[i]) &&
            !(stems[i] = stem_of(stemmer, words[i].text, words[i].len)))
            rc = XC_NO_MEMORY;

    /* With a stemmer that keeps first bytes, a member whose first word
     * starts with none of the query's stems' first bytes is not in the
     * query, and is stemmed only if its group is. */
    unsigned char firsts[256] = { 0 };
    int filter = ng_stemmer_keeps_first_byte(stemmer);
    for (size_t i = 0; i < n_words; i++)
        if (stems[i])
            firsts[(unsigned char)stems[i][0]] = 1;

    /* Which members the query has, and then, once each member it has is
     * marked seen, the others of their groups. */
    stemmed_t *k = keys;
    for (size_t g = 0; g < syn->n && rc == XC_OK; g++) {
        const group_t *group = &syn->groups[g];
        for (size_t m = 0; m < group->n && rc == XC_OK; m++, k++) {
            const member_t *member = &group->members[m];
            if (filter && !firsts[(unsigned char)member->words[0][0]])
                continue;
            if (!(k->key = member_key(stemmer, member))) {
                rc = XC_NO_MEMORY;
                break;
            }
            for (size_t i = 0; i < n_words && !k->in_query; i++)
                k->in_query = run_matches(words, stems, n_words, i, k->key);
            if (k->in_query && !seen_key(seen, n_seen, k->key))
                seen[n_seen++] = k->key;
        }
    }
    size_t n_had = n_seen;
    k = keys;
    for (size_t g = 0; g < syn->n && rc == XC_OK; g++) {
        const group_t *group = &syn->groups[g];
        int matched = 0;
        for (size_t m = 0; m < group->n; m++)
            matched |= k[m].in_query;
        for (size_t m = 0; matched && m < group->n && rc == XC_OK; m++)
            if (!k[m].key && !(k[m].key = member_key(stemmer,
                                                     &group->members[m])))
                rc = XC_NO_MEMORY;
        if (matched && rc == XC_OK)
            rc = expand_group(db, n_docs, group, k, seen, n_had, &n_seen,
                              &found, extra);
        k += group->n;
    }

    if (rc == XC_OK && found &&
        !(extra->words = xc_query_scale(found, NG_SYNONYM_WEIGHT)))
        rc = XC_NO_MEMORY;
    if (rc != XC_OK)
        ng_widen_clear(extra);
    xc_query_free(found);
    for (size_t i = 0; keys && i < n_members; i++)
        free(keys[i].key);
    for (size_t i = 0; stems && i < n_words; i++)
        free(stems[i]);
    free(keys);
    free(stems);
    free(seen);
    ng_query_words_free(words, n_words);
    return ng_status_from_xc(rc);
}
