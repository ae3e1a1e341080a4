/*
 * stemmer.c: Snowball stemming through libstemmer.
 *
 * libstemmer accepts ISO 639 codes as well as algorithm names, but only
 * lists the names, and its sb_stemmer_new() returns NULL both for an unknown
 * algorithm and when memory runs out.  So the language is first resolved
 * here to a name that sb_stemmer_list() holds; after that, NULL can only
 * mean that memory ran out.
 */
#include <config.h>

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "stemmer.h"

/* The stems of recent words, by a hash of the word: in news text a few
 * hundred words make up half of all words, and a look-up here costs a
 * fraction of running the Snowball algorithm again (bench/RESULTS.md). */
#define CACHE_SLOTS 256        /* unless ng_stemmer_set_cache() says */
#define CACHE_BYTES 23         /* words and stems longer are not kept */

typedef struct {
    unsigned char word_len;    /* 0: the slot is empty */
    unsigned char stem_len;
    char word[CACHE_BYTES];
    char stem[CACHE_BYTES + 1];
} cached_t;

struct ng_stemmer {
    struct sb_stemmer *sb;
    const char *language;  /* points into sb_stemmer_list() */
    char *copy;            /* a word too long for libstemmer, returned as is */
    cached_t *cache;       /* SLOTS of them, made on first use */
    size_t slots;          /* a power of two */
};

/* The ISO 639-1 and 639-2 codes libstemmer 2.2 accepts, with the algorithm
 * each stands for.  A code whose algorithm this libstemmer lacks is simply
 * unknown. */
static const struct {
    const char *code;
    const char *name;
} iso_codes[] = {
    { "ar", "arabic" },      { "ara", "arabic" },
    { "hy", "armenian" },    { "hye", "armenian" },   { "arm", "armenian" },
    { "eu", "basque" },      { "eus", "basque" },     { "baq", "basque" },
    { "ca", "catalan" },     { "cat", "catalan" },
    { "da", "danish" },      { "dan", "danish" },
    { "nl", "dutch" },       { "nld", "dutch" },      { "dut", "dutch" },
    { "en", "english" },     { "eng", "english" },
    { "fi", "finnish" },     { "fin", "finnish" },
    { "fr", "french" },      { "fra", "french" },     { "fre", "french" },
    { "de", "german" },      { "deu", "german" },     { "ger", "german" },
    { "el", "greek" },       { "ell", "greek" },      { "gre", "greek" },
    { "hi", "hindi" },       { "hin", "hindi" },
    { "hu", "hungarian" },   { "hun", "hungarian" },
    { "id", "indonesian" },  { "ind", "indonesian" },
    { "ga", "irish" },       { "gle", "irish" },
    { "it", "italian" },     { "ita", "italian" },
    { "lt", "lithuanian" },  { "lit", "lithuanian" },
    { "ne", "nepali" },      { "nep", "nepali" },
    { "no", "norwegian" },   { "nor", "norwegian" },
    { "pt", "portuguese" },  { "por", "portuguese" },
    { "ro", "romanian" },    { "ron", "romanian" },   { "rum", "romanian" },
    { "ru", "russian" },     { "rus", "russian" },
    { "sr", "serbian" },     { "srp", "serbian" },
    { "es", "spanish" },     { "spa", "spanish" },    { "esl", "spanish" },
    { "sv", "swedish" },     { "swe", "swedish" },
    { "ta", "tamil" },       { "tam", "tamil" },
    { "tr", "turkish" },     { "tur", "turkish" },
    { "yi", "yiddish" },     { "yid", "yiddish" },
};

/* Returns the entry of sb_stemmer_list() equal to NAME, or NULL. */
static const char *listed(const char *name)
{
    for (const char **p = sb_stemmer_list(); *p; p++)
        if (strcmp(*p, name) == 0)
            return *p;
    return NULL;
}

/* Returns the canonical algorithm name for LANGUAGE, in any letter case, or
 * NULL if libstemmer has no algorithm for it. */
static const char *resolve(const char *language)
{
    char lower[32];
    size_t n = strlen(language);

    /* libstemmer's names are lower case; accept "English" and "EN" too. */
    if (n == 0 || n >= sizeof lower)
        return NULL;
    for (size_t i = 0; i <= n; i++) {
        char c = language[i];
        lower[i] = (char)((c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c);
    }
    const char *name = listed(lower);
    if (name)
        return name;
    for (size_t i = 0; i < sizeof iso_codes / sizeof iso_codes[0]; i++)
        if (strcmp(iso_codes[i].code, lower) == 0)
            return listed(iso_codes[i].name);
    return NULL;
}

/* Returns NG_BAD_ARGUMENT for a NULL argument, NG_UNKNOWN_LANGUAGE if
 * libstemmer has no such algorithm, NG_NO_MEMORY if memory ran out. */
ng_status_t ng_stemmer_new(const char *language, ng_stemmer_t **out)
{
    if (!language || !out)
        return NG_BAD_ARGUMENT;
    *out = NULL;
    const char *name = resolve(language);
    if (!name)
        return NG_UNKNOWN_LANGUAGE;
    ng_stemmer_t *stemmer = calloc(1, sizeof *stemmer);
    if (!stemmer)
        return NG_NO_MEMORY;
    stemmer->sb = sb_stemmer_new(name, "UTF_8");
    if (!stemmer->sb) {
        free(stemmer);
        return NG_NO_MEMORY;
    }
    stemmer->language = name;
    stemmer->slots = CACHE_SLOTS;
    *out = stemmer;
    return NG_OK;
}

/* Cannot fail. */
void ng_stemmer_free(ng_stemmer_t *stemmer)
{
    if (!stemmer)
        return;
    sb_stemmer_delete(stemmer->sb);
    free(stemmer->copy);
    free(stemmer->cache);
    free(stemmer);
}

/* Cannot fail. */
void ng_stemmer_set_cache(ng_stemmer_t *stemmer, size_t slots)
{
    size_t p = 1;
    while (p < slots && p <= SIZE_MAX / 4 / sizeof(cached_t))
        p *= 2;
    free(stemmer->cache);
    stemmer->cache = NULL;
    stemmer->slots = p;
}

/* Cannot fail. */
int ng_stemmer_keeps_first_byte(const ng_stemmer_t *stemmer)
{
    return stemmer && (strcmp(stemmer->language, "english") == 0 ||
                       strcmp(stemmer->language, "porter") == 0);
}

const char *ng_stemmer_stem(ng_stemmer_t *stemmer, const char *word,
                            size_t len, size_t *stem_len)
{
    if (len == 0 || !word) {
        if (stem_len)
            *stem_len = 0;
        return "";
    }
    if (len > INT_MAX) {
        /* libstemmer takes an int length; no real word comes near it, so
         * such a "word" is returned unstemmed. */
        char *copy = realloc(stemmer->copy, len + 1);
        if (!copy)
            return NULL;
        memcpy(copy, word, len);
        copy[len] = '\0';
        stemmer->copy = copy;
        if (stem_len)
            *stem_len = len;
        return copy;
    }
    /* FNV-1a of the word picks its slot. */
    cached_t *slot = NULL;
    if (len <= CACHE_BYTES) {
        if (!stemmer->cache)
            stemmer->cache = calloc(stemmer->slots, sizeof *stemmer->cache);
        if (stemmer->cache) {
            uint32_t h = 2166136261u;
            for (size_t i = 0; i < len; i++)
                h = (h ^ (unsigned char)word[i]) * 16777619u;
            slot = &stemmer->cache[h & (stemmer->slots - 1)];
            if (slot->word_len == len && memcmp(slot->word, word, len) == 0) {
                if (stem_len)
                    *stem_len = slot->stem_len;
                return slot->stem;
            }
        }
    }
    const sb_symbol *stem = sb_stemmer_stem(
        stemmer->sb, (const sb_symbol *)word, (int)len);
    if (!stem)
        return NULL;
    size_t n = (size_t)sb_stemmer_length(stemmer->sb);
    if (slot && n <= CACHE_BYTES) {
        slot->word_len = (unsigned char)len;
        memcpy(slot->word, word, len);
        slot->stem_len = (unsigned char)n;
        memcpy(slot->stem, stem, n);
        slot->stem[n] = '\0';
    }
    if (stem_len)
        *stem_len = n;
    return (const char *)stem;
}

/* Cannot fail. */
const char *ng_stemmer_language(const ng_stemmer_t *stemmer)
{
    return stemmer->language;
}

/* Cannot fail. */
const char **ng_stemmer_list(void)
{
    return sb_stemmer_list();
}
