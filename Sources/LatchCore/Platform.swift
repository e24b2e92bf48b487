/// The platform below latch (FastCGI, HTTP, Postgres, Crypto, HTML, Metrics, the log) is
/// visible in every file of the core, and in every module that imports the core.
@_exported import LatchPlatform
