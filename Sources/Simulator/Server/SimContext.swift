import Hummingbird
import NIOCore

/// The request context: Hummingbird's core storage plus the connection's channel, so a
/// simulated network drop can close it.
struct SimContext: RequestContext {
  var coreContext: CoreRequestContextStorage
  /// The connection the request arrived on.
  let channel: any Channel

  init(source: ApplicationRequestContextSource) {
    self.coreContext = .init(source: source)
    self.channel = source.channel
  }
}
