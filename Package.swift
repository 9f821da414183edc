// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "terun",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "terun", targets: ["terun"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
    .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
    .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
  ],
  targets: [
    // Debian's liblua5.4 through pkg-config.
    .systemLibrary(
      name: "CLua",
      pkgConfig: "lua5.4",
      providers: [.apt(["liblua5.4-dev"])]
    ),
    // Static-inline wrappers for Lua's macros, error trampolines, capped allocator, count hook.
    .target(name: "CLuaBridge", dependencies: ["CLua"]),
    // Atomic file replacement: the one way every file terun writes is written.
    .target(name: "AtomicFile"),
    // JSON's byte-level grammar (strings, numbers, skipping), shared by LuaHost's decoder and
    // ThousandEyes' page scanner. No dependencies.
    .target(name: "JSONScan"),
    // The lua_State wrapper: values, functions, JSON, sandbox, limits, require.
    // Its Lua (the sandbox set-up, te.json's wrapper) is in Lua/, embedded by EmbedLuaSources.
    .target(
      name: "LuaHost", dependencies: ["CLuaBridge", "AtomicFile", "JSONScan"], exclude: ["Lua"],
      plugins: ["EmbedLuaSources"]),
    // The HTTP client for the ThousandEyes API v7 and its generated operation catalog.
    .target(
      name: "ThousandEyes",
      dependencies: [
        "AtomicFile", "JSONScan",
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]
    ),
    // The API v7 simulator. Shares no code with the client.
    .target(
      name: "Simulator",
      dependencies: [
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]
    ),
    // The `te` module, runbook headers and parameters, dry-run, the runner. Its Lua (the `te`
    // library, the prelude) is in Lua/, embedded by EmbedLuaSources with stdlib/ and runbooks/.
    .target(
      name: "Runbook",
      dependencies: [
        "LuaHost", "ThousandEyes", "AtomicFile",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Yams", package: "Yams"),
      ],
      exclude: ["Lua"],
      plugins: ["EmbedLuaSources"]
    ),
    // Embeds a target's Lua/ folder (and, into Runbook, stdlib/*.lua and runbooks/*.lua) at build time.
    .plugin(
      name: "EmbedLuaSources", capability: .buildTool(), dependencies: ["EmbedLuaSourcesTool"],
      path: "Plugins/EmbedLuaSources"
    ),
    .executableTarget(name: "EmbedLuaSourcesTool", path: "Plugins/EmbedLuaSourcesTool"),
    // Scheduled runbooks: schedule files, cron, run history, the daemon, exporters, and the
    // daemon's status page and /metrics (Runbook for ByteSize and the terun version).
    .target(
      name: "Scheduler",
      dependencies: [
        "Runbook",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        "AtomicFile",
        .product(name: "Yams", package: "Yams"),
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
      ]
    ),
    // The command-line interface.
    .target(
      name: "TerunCLI",
      dependencies: [
        "Runbook", "Simulator", "ThousandEyes", "Scheduler", "REPL", "AtomicFile",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Yams", package: "Yams"),
      ]
    ),
    // libedit's readline-compatible line editing, for the REPL.
    .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
    // The REPL's SIGINT flag and libedit calls (its statement limits are LuaHost's).
    .target(name: "CREPLSupport", dependencies: ["CEditLine"]),
    // `terun repl`: the runbook environment, one statement at a time.
    .target(
      name: "REPL", dependencies: ["Runbook", "LuaHost", "ThousandEyes", "CREPLSupport", "AtomicFile"]),
    .executableTarget(name: "terun", dependencies: ["TerunCLI"]),
    // JSON codec benchmark (bench/json/run).
    .executableTarget(name: "json-bench", dependencies: ["LuaHost"], path: "bench/json/Sources"),
    // Page scanner benchmark (bench/pagescan/run).
    .executableTarget(
      name: "page-scan-bench", dependencies: ["ThousandEyes"], path: "bench/pagescan/Sources"),

    .testTarget(name: "AtomicFileTests", dependencies: ["AtomicFile"]),
    .testTarget(name: "JSONScanTests", dependencies: ["JSONScan"]),
    .testTarget(name: "LuaHostTests", dependencies: ["LuaHost"]),
    .testTarget(
      name: "ThousandEyesTests",
      dependencies: [
        "ThousandEyes", "Simulator",
        .product(name: "Hummingbird", package: "hummingbird"),
      ]
    ),
    .testTarget(
      name: "SimulatorTests",
      dependencies: [
        "Simulator",
        .product(name: "HummingbirdTesting", package: "hummingbird"),
      ]
    ),
    .testTarget(name: "RunbookTests", dependencies: ["Runbook", "Simulator"]),
    .testTarget(
      name: "REPLTests", dependencies: ["REPL", "Runbook", "LuaHost", "CREPLSupport", "ThousandEyes"]),
    .testTarget(
      name: "SchedulerTests",
      dependencies: [
        "Scheduler", "Runbook", .product(name: "Yams", package: "Yams"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
      ]
    ),
    .testTarget(name: "TerunTests", dependencies: ["Simulator"], exclude: ["Fixtures"]),
  ]
)
