import LatchCore

FastCGIServer.main(
    executable: "latch-register",
    serves: "Serves the register endpoints of latch.",
    routes: Router([[Route]]())
)
