/// Which members of a collection's items the decoder builds (`fields` in `te.results.each`).
///
/// A page such as `{"results": [...], "_links": {...}}` is decoded whole except the elements
/// of its collection array (`results`): of each element object only the listed members are
/// built into Lua values, nested ones by dotted path (`agent.agentId`). The others are skipped
/// byte by byte: no Lua string or table is made for them, which is where decoding spends its
/// time. Skipped values are still checked for JSON syntax (a truncated or malformed page is an
/// error whatever the projection), but not for UTF-8.
///
/// A path that names an object without going further (`agent`) keeps that object whole; a
/// member listed but absent from an item is simply absent.
///
/// With ``Shape/values`` no table is made per item at all: the collection becomes one flat
/// array holding each item's field values in turn (`fields.count` slots per item, nil where a
/// member is absent or null), with the number of items under `n`.
public struct JSONProjection: Sendable, Equatable {
  /// What each item of the collection becomes.
  public enum Shape: Sendable, Equatable {
    /// A table with the projected members.
    case objects
    /// Its field values, in the order of `fields`, in one flat array for the whole page.
    case values
  }

  /// The top-level member whose array elements are projected, e.g. `results`.
  public let collectionKey: String
  /// The dotted member paths kept, as given.
  public let fields: [String]
  /// What each item becomes.
  public let shape: Shape
  /// The paths as a tree.
  let root: Node

  /// Creates a projection of `collectionKey`'s items onto `fields`.
  ///
  /// - Throws: a message naming the field when one is empty or has an empty segment
  ///   (`agent..agentId`, `.loss`); for ``Shape/values`` also when a field is listed twice or
  ///   lies inside another (`agent` and `agent.agentId`).
  public init(collectionKey: String, fields: [String], shape: Shape = .objects) throws(LuaJSONError) {
    self.collectionKey = collectionKey
    self.fields = fields
    self.shape = shape
    var tree = Builder()
    for (slot, field) in fields.enumerated() {
      let segments = field.split(separator: ".", omittingEmptySubsequences: false)
      guard !field.isEmpty, !segments.contains(where: \.isEmpty) else {
        throw LuaJSONError(
          message: "field '\(field)' has an empty member name (write it like 'agent.agentId')")
      }
      tree.insert(segments.map { Array($0.utf8) }, slot: slot)
    }
    if shape == .values {
      for (i, field) in fields.enumerated() {
        for other in fields[..<i]
        where other == field || field.hasPrefix(other + ".") || other.hasPrefix(field + ".") {
          throw LuaJSONError(
            message: other == field
              ? "field '\(field)' is listed twice"
              : "fields '\(other)' and '\(field)' overlap; as values, each field must be a value of its own")
        }
      }
    }
    self.root = tree.node()
  }

  public static func == (lhs: JSONProjection, rhs: JSONProjection) -> Bool {
    lhs.collectionKey == rhs.collectionKey && lhs.fields == rhs.fields && lhs.shape == rhs.shape
  }

  /// The members kept at one level; a member whose child is nil is kept whole.
  ///
  /// The keys are stored back to back in one buffer so that looking one up, once per member
  /// of every item, touches no reference count.
  final class Node: @unchecked Sendable {
    /// The child of each member, in the order given; nil keeps the member whole.
    let children: [Node?]
    /// For a member kept whole, its position in `fields` (its slot among an item's values);
    /// -1 for the others.
    let slots: [Int]
    let count: Int
    private let keys: UnsafeMutablePointer<UInt8>
    private let bounds: UnsafeMutablePointer<Int>

    init(members: [(key: [UInt8], child: Node?, slot: Int)]) {
      children = members.map(\.child)
      slots = members.map(\.slot)
      count = members.count
      let total = members.reduce(0) { $0 + $1.key.count }
      keys = .allocate(capacity: max(total, 1))
      bounds = .allocate(capacity: members.count + 1)
      var offset = 0
      for (i, member) in members.enumerated() {
        bounds[i] = offset
        (keys + offset).initialize(from: member.key, count: member.key.count)
        offset += member.key.count
      }
      bounds[members.count] = offset
    }

    deinit {
      keys.deallocate()
      bounds.deallocate()
    }

    /// The index of the member named by the `length` bytes at `key`, or -1.
    @inline(__always)
    func index(of key: UnsafePointer<UInt8>, length: Int) -> Int {
      var i = 0
      while i < count {
        let start = bounds[i]
        if bounds[i + 1] - start == length {
          var j = 0
          while j < length && keys[start + j] == key[j] { j += 1 }
          if j == length { return i }
        }
        i += 1
      }
      return -1
    }
  }

  /// Builds the tree: a path that stops at a member keeps it whole, even when a longer path
  /// through it was given too.
  private struct Builder {
    var order: [[UInt8]] = []
    var children: [[UInt8]: Builder] = [:]
    var whole: [[UInt8]: Int] = [:]

    mutating func insert(_ segments: [[UInt8]], slot: Int) {
      let head = segments[0]
      if children[head] == nil {
        order.append(head)
        children[head] = Builder()
      }
      if segments.count == 1 {
        if whole[head] == nil { whole[head] = slot }
      } else {
        children[head]!.insert(Array(segments.dropFirst()), slot: slot)
      }
    }

    func node() -> Node {
      Node(
        members: order.map { key in
          if let slot = whole[key] { return (key, nil, slot) }
          return (key, children[key]!.node(), -1)
        })
    }
  }
}
