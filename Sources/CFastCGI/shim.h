#include <fcgiapp.h>
#include <sys/prctl.h>
#include <signal.h>

/* prctl is variadic, which Swift cannot call: ask for `signal` when the parent dies. */
static inline int latch_set_parent_death_signal(int signal) {
    return prctl(PR_SET_PDEATHSIG, signal, 0, 0, 0);
}
