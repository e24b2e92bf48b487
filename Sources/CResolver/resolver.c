#define _GNU_SOURCE
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "latch_resolver.h"

int latch_resolve(const char *host, int timeout_ms, struct addrinfo **result) {
    *result = NULL;
    // On the heap: when the lookup cannot be cancelled, glibc's helper thread still writes
    // into the request after we return, so it is left to it (a few bytes, once per timeout).
    struct gaicb *request = calloc(1, sizeof(struct gaicb));
    struct addrinfo *hints = calloc(1, sizeof(struct addrinfo));
    char *name = strdup(host);
    if (request == NULL || hints == NULL || name == NULL) {
        free(request); free(hints); free(name);
        return EAI_MEMORY;
    }
    hints->ai_family = AF_UNSPEC;
    hints->ai_socktype = SOCK_STREAM;
    request->ar_name = name;
    request->ar_request = hints;
    struct gaicb *list[1] = { request };
    int status = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL);
    if (status != 0) {
        free(request); free(hints); free(name);
        return status;
    }
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    long long end_ns = (long long)deadline.tv_sec * 1000000000LL + deadline.tv_nsec + (long long)timeout_ms * 1000000LL;
    while ((status = gai_error(request)) == EAI_INPROGRESS) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long long left = end_ns - ((long long)now.tv_sec * 1000000000LL + now.tv_nsec);
        if (left <= 0) break;
        struct timespec wait = { (time_t)(left / 1000000000LL), (long)(left % 1000000000LL) };
        const struct gaicb *waiting[1] = { request };
        gai_suspend(waiting, 1, &wait);
    }
    if (status == EAI_INPROGRESS) {
        if (gai_cancel(request) == EAI_CANCELED) {
            free(request); free(hints); free(name);
        }
        return EAI_AGAIN;
    }
    if (status == 0) *result = request->ar_result;
    free(request); free(hints); free(name);
    return status;
}
