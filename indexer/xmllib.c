#include <config.h>

#include <dlfcn.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>

#include "xmllib.h"

#ifndef NG_LIBXML2_SONAME
#define NG_LIBXML2_SONAME "libxml2.so.2"
#endif

ng_xmllib_t ng_xml;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *load_error;   /* set once, when loading failed */
static int loaded;

/* Fills one member of ng_xml from the library; 0 if it lacks the symbol. */
static int resolve(void *lib, void *member, const char *name)
{
    void *sym = dlsym(lib, name);
    if (!sym)
        return 0;
    /* POSIX lets a data pointer from dlsym() stand for a function. */
    *(void **)member = sym;
    return 1;
}

static void load_once(void)
{
    static char message[256];
    void *lib = dlopen(NG_LIBXML2_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        snprintf(message, sizeof message,
                 "html and feeds need %s, which cannot be loaded: %s",
                 NG_LIBXML2_SONAME, dlerror());
        load_error = message;
        return;
    }
    static const struct {
        size_t offset;
        const char *name;
    } symbols[] = {
#define SYM(member, name) { offsetof(ng_xmllib_t, member), name }
        SYM(htmlNewParserCtxt, "htmlNewParserCtxt"),
        SYM(htmlCtxtReadMemory, "htmlCtxtReadMemory"),
        SYM(htmlReadMemory, "htmlReadMemory"),
        SYM(htmlFreeParserCtxt, "htmlFreeParserCtxt"),
        SYM(xmlNewParserCtxt, "xmlNewParserCtxt"),
        SYM(xmlCtxtReadMemory, "xmlCtxtReadMemory"),
        SYM(xmlFreeParserCtxt, "xmlFreeParserCtxt"),
        SYM(xmlFreeDoc, "xmlFreeDoc"),
        SYM(xmlDocGetRootElement, "xmlDocGetRootElement"),
        SYM(xmlFindCharEncodingHandler, "xmlFindCharEncodingHandler"),
        SYM(xmlCharEncCloseFunc, "xmlCharEncCloseFunc"),
        SYM(xmlInitParser, "xmlInitParser"),
        SYM(xmlCleanupParser, "xmlCleanupParser"),
        SYM(xmlSetGenericErrorFunc, "xmlSetGenericErrorFunc"),
        SYM(xmlSetStructuredErrorFunc, "xmlSetStructuredErrorFunc"),
        SYM(genericError, "__xmlGenericError"),
        SYM(genericErrorContext, "__xmlGenericErrorContext"),
        SYM(structuredError, "__xmlStructuredError"),
        SYM(structuredErrorContext, "__xmlStructuredErrorContext"),
#undef SYM
    };
    ng_xmllib_t table;
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
        if (!resolve(lib, (char *)&table + symbols[i].offset,
                     symbols[i].name)) {
            snprintf(message, sizeof message, "%s lacks %s", NG_LIBXML2_SONAME,
                     symbols[i].name);
            load_error = message;
            dlclose(lib);
            return;
        }
    }
    ng_xml = table;
    ng_xml.xmlInitParser();
    loaded = 1;
}

ng_status_t ng_xmllib_load(const char **why)
{
    pthread_once(&once, load_once);
    if (loaded)
        return NG_OK;
    if (why)
        *why = load_error;
    return NG_BAD_INPUT;
}

int ng_xmllib_loaded(void)
{
    return loaded;
}
