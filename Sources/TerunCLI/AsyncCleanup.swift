/// Runs `body`, then `cleanup`, whether `body` returned or threw: the `defer` of async code,
/// since a `defer` block cannot `await`. Every command that opens something it must close
/// (the in-process simulator, an API client's connection pool) closes it through this, once.
func withAsyncCleanup<Result>(
  _ body: () async throws -> Result, cleanup: () async -> Void
) async throws -> Result {
  let result: Result
  do {
    result = try await body()
  } catch {
    await cleanup()
    throw error
  }
  await cleanup()
  return result
}
