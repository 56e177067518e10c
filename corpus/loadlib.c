/*
 * loadlib.c - libraries a reader loads when it first needs them.
 *
 * GMime (read_mail.c) and gumbo (read_html.c, html_scan.c) are not linked:
 * every process that only searches would pay for loading and relocating
 * them at start (docs/performance.md, "One-shot gazette-query"). A reader
 * names its library, the symbols it calls and where their addresses go
 * (a corpus_lib, corpus_internal.h); corpus_lib_use() loads it once per
 * process, thread-safely, and says why when it cannot.
 */
#include "corpus_internal.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* Held while any library is being loaded: loads are rare and short. */
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

/* dlsym() of every symbol of `lib` from `handle` into its slot (stored
 * through memcpy: ISO C has no cast from void * to a function pointer).
 * Returns 0, or -1 with lib->failure filled in. */
static int bind_symbols(corpus_lib *lib, void *handle)
{
    for (size_t i = 0; i < lib->nsymbols; i++) {
        const corpus_lib_symbol *s = &lib->symbols[i];
        void *sym = dlsym(handle, s->name);
        if (!sym || s->size != sizeof sym) {
            snprintf(lib->failure, sizeof lib->failure,
                     "cannot find %s in %s", s->name, lib->soname);
            return -1;
        }
        memcpy(s->slot, &sym, sizeof sym);
    }
    return 0;
}

/* Load `lib` (RTLD_LOCAL: its symbols stay out of the program's
 * namespace; it is never unloaded), bind its symbols, run its init.
 * Returns 1 when ready, -1 with lib->failure filled in. */
static int load(corpus_lib *lib)
{
    void *handle = dlopen(lib->soname, RTLD_LAZY | RTLD_LOCAL);
    if (!handle) {
        const char *e = dlerror();
        snprintf(lib->failure, sizeof lib->failure, "cannot load %s: %s",
                 lib->purpose, e ? e : lib->soname);
        return -1;
    }
    if (bind_symbols(lib, handle) != 0)
        return -1;
    if (lib->init)
        lib->init();
    return 1;
}

/* corpus_lib_use - see corpus_internal.h. */
int corpus_lib_use(corpus_lib *lib)
{
    int state = atomic_load_explicit(&lib->state, memory_order_acquire);
    if (state == 0) {
        pthread_mutex_lock(&load_lock);
        state = atomic_load_explicit(&lib->state, memory_order_relaxed);
        if (state == 0) {
            state = load(lib);
            atomic_store_explicit(&lib->state, state, memory_order_release);
        }
        pthread_mutex_unlock(&load_lock);
    }
    return state > 0 ? 0 : -1;
}

/* corpus_lib_loaded - see corpus_internal.h. */
int corpus_lib_loaded(const corpus_lib *lib)
{
    void *handle = dlopen(lib->soname, RTLD_LAZY | RTLD_LOCAL | RTLD_NOLOAD);
    if (handle)
        dlclose(handle);  /* drops the reference NOLOAD took, nothing more */
    return handle != NULL;
}
