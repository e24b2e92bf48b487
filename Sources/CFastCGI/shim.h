#include <fcgiapp.h>
#include <sys/prctl.h>
#include <signal.h>
#include <stdint.h>

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
