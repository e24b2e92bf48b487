import CFastCGI
import Glibc

/// The parent process: forks the workers, restarts any that dies, and on SIGTERM or
/// SIGINT asks every worker to finish its request and waits for them (SIGKILL after 30 s).
/// SIGHUP replaces the workers one by one.
final class Supervisor {
    let executable: String
    let workerCount: Int
    let work: () -> Never
    /// Shared counters: the supervisor keeps `workers_alive` and `worker_restarts` there.
    let metrics: Metrics?
    private var workers: Set<pid_t> = [] {
        didSet { metrics?.setWorkers(alive: workers.count, configured: workerCount) }
    }
    private var recentStarts: [UInt64] = []

    init(executable: String, workers: Int, metrics: Metrics? = nil, work: @escaping () -> Never) {
        self.executable = executable
        self.workerCount = workers
        self.metrics = metrics
        self.work = work
    }

    func run() -> Never {
        signal(SIGPIPE, SIG_IGN)
        var signals = Supervisor.handledSignals()
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        for _ in 0..<workerCount { startWorker() }
        Log.message("info", executable, "serving with \(workerCount) workers")
        while true {
            var received: Int32 = 0
            guard sigwait(&signals, &received) == 0 else { continue }
            switch received {
            case SIGCHLD:
                for pid in reapExited() {
                    Log.message("warning", executable, "worker \(pid) exited; starting a new one")
                    throttleRestarts()
                    metrics?.countWorkerRestart()
                    startWorker()
                }
            case SIGHUP:
                for pid in workers { kill(pid, SIGTERM) }
            default:
                shutDown()
            }
        }
    }

    static func handledSignals() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in [SIGTERM, SIGINT, SIGCHLD, SIGHUP] { sigaddset(&set, signal) }
        return set
    }

    private func startWorker() {
        let pid = fork()
        if pid == 0 {
            var signals = Supervisor.handledSignals()
            pthread_sigmask(SIG_UNBLOCK, &signals, nil)
            signal(SIGINT, SIG_DFL)
            signal(SIGHUP, SIG_DFL)
            signal(SIGCHLD, SIG_DFL)
            _ = latch_set_parent_death_signal(SIGTERM)
            if getppid() == 1 { _exit(0) }
            work()
        }
        if pid > 0 {
            workers.insert(pid)
            recentStarts.append(Clock.monotonicNanoseconds())
        } else {
            Log.message("error", executable, "fork failed: errno \(errno)")
        }
    }

    private func reapExited() -> [pid_t] {
        var exited: [pid_t] = []
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            guard pid > 0 else { break }
            if workers.remove(pid) != nil { exited.append(pid) }
        }
        return exited
    }

    /// A worker that dies right after starting (e.g. a broken deployment) is not restarted
    /// in a tight loop: more than 10 starts in 5 seconds slow restarts to one every 0.5 s.
    private func throttleRestarts() {
        let now = Clock.monotonicNanoseconds()
        recentStarts.removeAll { now - $0 > 5_000_000_000 }
        if recentStarts.count > workerCount + 10 { usleep(500_000) }
    }

    private func shutDown() -> Never {
        Log.message("info", executable, "shutting down: letting in-flight requests finish")
        for pid in workers { kill(pid, SIGTERM) }
        let deadline = Clock.monotonicNanoseconds() + 30_000_000_000
        var childSignal = sigset_t()
        sigemptyset(&childSignal)
        sigaddset(&childSignal, SIGCHLD)
        while !workers.isEmpty {
            _ = reapExited()
            if workers.isEmpty { break }
            let now = Clock.monotonicNanoseconds()
            if now >= deadline {
                for pid in workers { kill(pid, SIGKILL) }
                usleep(100_000)
                _ = reapExited()
                break
            }
            var timeout = timespec(tv_sec: 0, tv_nsec: 100_000_000)
            _ = sigtimedwait(&childSignal, nil, &timeout)
        }
        exit(0)
    }
}
