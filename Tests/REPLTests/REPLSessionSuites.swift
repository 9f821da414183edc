import Testing

/// The suites that run statements in REPL sessions. A Ctrl-C is process-wide (the pending
/// SIGINT flag `REPLSession.interruptRunningStatement()` sets is taken by whichever statement
/// checks it first), so these tests run one at a time: an interrupt meant for one test's
/// statement never stops another's.
@Suite(.serialized) enum REPLSessionSuites {}
