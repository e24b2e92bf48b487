#include <fcgiapp.h>
#include <sys/prctl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

/* prctl is variadic, which Swift cannot call: ask for `signal` when the parent dies. */
static inline int latch_set_parent_death_signal(int signal) {
    return prctl(PR_SET_PDEATHSIG, signal, 0, 0, 0);
}

/* Counters in memory shared by the supervisor and its forked workers (metrics).
   Relaxed atomics: each counter is exact; no ordering between counters is promised. */
static inline void latch_counter_add(uint64_t *counter, uint64_t value) {
    __atomic_fetch_add(counter, value, __ATOMIC_RELAXED);
}

static inline uint64_t latch_counter_load(const uint64_t *counter) {
    return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

static inline void latch_counter_store(uint64_t *counter, uint64_t value) {
    __atomic_store_n(counter, value, __ATOMIC_RELAXED);
}

/* SIGTERM in a worker: while it waits for a request (in accept) the worker ends at once;
   while it handles one, the request finishes first and the worker ends after it. Two flags
   instead of blocking and unblocking the signal around every request (two syscalls each). */
static volatile sig_atomic_t latch_worker_waiting = 0;
static volatile sig_atomic_t latch_worker_stopping = 0;

static void latch_worker_on_terminate(int signal) {
    (void)signal;
    if (latch_worker_waiting) _exit(0);
    latch_worker_stopping = 1;
}

static inline int latch_worker_handle_terminate(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = latch_worker_on_terminate;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    return sigaction(SIGTERM, &action, NULL);
}

/* Call before waiting for a request: 0, or the worker must end now. */
static inline int latch_worker_begin_waiting(void) {
    latch_worker_waiting = 1;
    return latch_worker_stopping;
}

static inline void latch_worker_end_waiting(void) { latch_worker_waiting = 0; }
