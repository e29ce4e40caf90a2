//! The `authgen` command line, as a library so tests can run it in-process.
