#ifndef LATCH_RESOLVER_H
#define LATCH_RESOLVER_H

#include <netdb.h>

/// Resolves `host` for a TCP connection (AF_UNSPEC, SOCK_STREAM) like getaddrinfo, but gives up
/// after `timeout_ms` milliseconds (glibc's getaddrinfo_a + gai_suspend): a resolver that hangs
/// cannot hold a latch worker past the fetch's own time limit. 0 and `*result` (free it with
/// freeaddrinfo) on success, else a getaddrinfo error code (EAI_AGAIN when the time ran out).
int latch_resolve(const char *host, int timeout_ms, struct addrinfo **result);

#endif
