import LatchCore

FastCGIServer.main(
    executable: "latch-tokens",
    serves: "Serves the tokens endpoints of latch.",
    routes: Router([[Route]]())
)
