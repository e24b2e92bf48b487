import LatchCore

FastCGIServer.main(
    executable: "latch-authorize",
    serves: "Serves the authorize endpoints of latch.",
    routes: Router([[Route]]())
)
