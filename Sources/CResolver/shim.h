#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// getaddrinfo with a time limit, over glibc's asynchronous resolver (getaddrinfo_a, in libc
// since glibc 2.34), so that a resolver that hangs cannot hold a latch worker past the fetch's
// own time limit. glibc declares these only under _GNU_SOURCE, which a header imported into
// Swift cannot switch on for <netdb.h>: the declarations below use glibc's own layout and
// constants (stable ABI) under latch's names, bound to glibc's symbols.
struct latch_gaicb {
    const char *ar_name;
    const char *ar_service;
    const struct addrinfo *ar_request;
    struct addrinfo *ar_result;
    int __return;
    int __glibc_reserved[5];
};
#define LATCH_GAI_NOWAIT 1
#define LATCH_EAI_INPROGRESS (-100)
#define LATCH_EAI_CANCELED (-101)
extern int latch_getaddrinfo_a(int mode, struct latch_gaicb *list[], int count, void *notification) __asm__("getaddrinfo_a");
extern int latch_gai_suspend(const struct latch_gaicb *const list[], int count, const struct timespec *timeout) __asm__("gai_suspend");
extern int latch_gai_error(struct latch_gaicb *request) __asm__("gai_error");
extern int latch_gai_cancel(struct latch_gaicb *request) __asm__("gai_cancel");

/// Resolves `host` for a TCP connection (AF_UNSPEC, SOCK_STREAM) like getaddrinfo, giving up
/// after `timeout_ms` milliseconds. 0 and `*result` (free it with freeaddrinfo) on success, else
/// a getaddrinfo error code (EAI_AGAIN when the time ran out).
static inline int latch_resolve(const char *host, int timeout_ms, struct addrinfo **result) {
    *result = NULL;
    // On the heap: when a lookup cannot be cancelled, glibc's helper thread still writes into
    // the request after this returns, so it is left to it (a few bytes, once per timeout).
    struct latch_gaicb *request = (struct latch_gaicb *)calloc(1, sizeof(struct latch_gaicb));
    struct addrinfo *hints = (struct addrinfo *)calloc(1, sizeof(struct addrinfo));
    char *name = strdup(host);
    if (request == NULL || hints == NULL || name == NULL) {
        free(request); free(hints); free(name);
        return EAI_MEMORY;
    }
    hints->ai_family = AF_UNSPEC;
    hints->ai_socktype = SOCK_STREAM;
    request->ar_name = name;
    request->ar_request = hints;
    struct latch_gaicb *list[1] = { request };
    int status = latch_getaddrinfo_a(LATCH_GAI_NOWAIT, list, 1, NULL);
    if (status != 0) {
        free(request); free(hints); free(name);
        return status;
    }
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    long long end_ns = (long long)start.tv_sec * 1000000000LL + start.tv_nsec + (long long)timeout_ms * 1000000LL;
    while ((status = latch_gai_error(request)) == LATCH_EAI_INPROGRESS) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long long left = end_ns - ((long long)now.tv_sec * 1000000000LL + now.tv_nsec);
        if (left <= 0) break;
        struct timespec wait = { (time_t)(left / 1000000000LL), (long)(left % 1000000000LL) };
        const struct latch_gaicb *waiting[1] = { request };
        latch_gai_suspend(waiting, 1, &wait);
    }
    if (status == LATCH_EAI_INPROGRESS) {
        if (latch_gai_cancel(request) == LATCH_EAI_CANCELED) {
            free(request); free(hints); free(name);
        }
        return EAI_AGAIN;
    }
    if (status == 0) *result = request->ar_result;
    free(request); free(hints); free(name);
    return status;
}
