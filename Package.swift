// swift-tools-version:6.1
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

// The packaged binary (Scripts/package.sh) links OpenSSL's libcrypto and libxml2 statically.
let staticBinary = Context.environment["COGNATE_STATIC_OPENSSL"] == "1"

let package = Package(
    name: "cognate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cognate", targets: ["Cognate"]),
        .library(name: "CognateStorageConformance", targets: ["CognateStorageConformance"]),
        .library(name: "CognateCrypto", targets: ["CognateCrypto"]),
        // Cognate in-process for Swift tests (as HummingbirdTesting): see Sources/CognateTesting.
        .library(name: "CognateTesting", targets: ["CognateTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        // PostgreSQL for several nodes on one database: postgres-nio's client pool, SQLKit through postgres-kit.
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        // Options from the environment and a config file (JSON or YAML), beside the command line.
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: [.defaults, "YAML"]),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        // Metrics (swift-metrics in the services), served in Prometheus's format at /metrics.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        // Lambda triggers: the Invoke API over HTTP.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // Seed files (YAML or JSON), read with their line numbers.
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        // Tests only: an independent general-purpose big integer to check SRP against.
        .package(url: "https://github.com/attaswift/BigInt.git", from: "6.0.1"),
    ],
    targets: [
        // Shapes, enums, error codes and constraints generated from the botocore model (Scripts/generate-model.sh).
        .target(
            name: "CognitoModel",
            swiftSettings: upcoming
        ),
        // AWS JSON 1.1 wire layer: decoding, constraint checking, error bodies, the operation table.
        .target(
            name: "CognateWire",
            dependencies: ["CognitoModel", .product(name: "Logging", package: "swift-log")],
            swiftSettings: upcoming
        ),
        // The storage protocol, the records it stores, and the sealing of their secrets at rest.
        .target(
            name: "CognateStorage",
            dependencies: ["CognitoModel", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: upcoming
        ),
        // The storage protocol on SQL (SQLKit): SQLStorage over an engine, migrations, the shared schema, page
        // tokens and caches. Each database's target depends on it alone.
        .target(
            name: "CognateSQL",
            dependencies: [
                "CognateStorage",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: upcoming
        ),
        // SQLite backend of the storage protocol (SQLite bundled by sqlite-nio).
        .target(
            name: "CognateSQLite",
            dependencies: [
                "CognateSQL", "CognateStorage",
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: upcoming
        ),
        // PostgreSQL backend of the storage protocol: the same SQLStorage on a PostgresEngine.
        .target(
            name: "CognatePostgres",
            dependencies: [
                "CognateSQL", "CognateStorage",
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        // Checks every storage backend must pass; backends' test targets call them.
        .target(
            name: "CognateStorageConformance",
            dependencies: ["CognateStorage", "CognitoModel"],
            swiftSettings: upcoming
        ),
        // QR codes for the TOTP setup page (byte mode, level M), drawn as SVG.
        .target(
            name: "CognateQRCode",
            swiftSettings: upcoming
        ),
        // OpenSSL 3's libcrypto from the system (Debian: libssl-dev), for RS256 and SRP's exponentiations.
        // Its shim names the package to install when the headers are missing. Linked dynamically, or statically
        // for the packaged binary (COGNATE_STATIC_OPENSSL=1, set by Scripts/package.sh), which then needs no libssl3.
        .systemLibrary(name: "CCognateOpenSSL"),
        // libxml2 from the system (Debian: libxml2-dev) for SAML's XML: parsing and canonicalization. pkg-config
        // (libxml-2.0) gives its include directory to every module that sees it, and the library to link; the
        // static binary names the archives itself, so Scripts/package.sh passes pkg-config's include flags.
        .systemLibrary(name: "CLibXML2", pkgConfig: staticBinary ? nil : "libxml-2.0", providers: [.apt(["libxml2-dev", "pkg-config"])]),
        // libmaxminddb from the system (Debian: libmaxminddb-dev), the reader of MaxMind DB geo-IP databases.
        .systemLibrary(name: "CMaxMindDB", pkgConfig: staticBinary ? nil : "libmaxminddb", providers: [.apt(["libmaxminddb-dev", "pkg-config"])]),
        // Places clients' addresses with an operator's geo-IP database (--geoip-database).
        .target(
            name: "CognateGeoIP",
            dependencies: ["CMaxMindDB", "CognateServices"],
            swiftSettings: upcoming,
            linkerSettings: staticBinary ? [.unsafeFlags(["-Xlinker", "-l:libmaxminddb.a"])] : []
        ),
        // SAML 2.0: XML trees, canonicalization, XML signatures and encryption, metadata, the messages and
        // the complete check of a response.
        .target(
            name: "CognateSAML",
            dependencies: [
                "CLibXML2", "CognateCrypto",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: upcoming,
            linkerSettings: staticBinary
                ? [
                    .unsafeFlags([
                        "-Xlinker", "-l:libxml2.a", "-Xlinker", "-l:libicui18n.a", "-Xlinker", "-l:libicuuc.a",
                        "-Xlinker", "-l:libicudata.a", "-Xlinker", "-l:liblzma.a", "-Xlinker", "-lz", "-Xlinker", "-lstdc++",
                    ])
                ]
                : [.linkedLibrary("z")]
        ),
        // Cryptography: Montgomery arithmetic, Cognito's SRP, token signing.
        .target(
            name: "CognateCrypto",
            dependencies: [
                "CCognateOpenSSL",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            // Optimized in debug builds too: SRP runs on every sign-in, also in tests against the debug binary.
            swiftSettings: upcoming + [
                .unsafeFlags(["-O"], .when(configuration: .debug)),
                .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
            ],
            linkerSettings: staticBinary
                ? [.unsafeFlags(["-Xlinker", "-l:libcrypto.a"])] : [.linkedLibrary("crypto")]
        ),
        // WebAuthn for passkeys: CBOR, COSE keys, authenticator data, attestation and assertion checks.
        .target(
            name: "CognateWebAuthn",
            dependencies: [
                "CognateCrypto",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: upcoming
        ),
        // Domain services: user pools, app clients, users, groups, tags, outbox.
        // Lambda triggers through the Invoke API (async-http-client, SigV4).
        .target(
            name: "CognateLambda",
            dependencies: [
                "CognateServices",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "CognateServices",
            dependencies: [
                "CognitoModel", "CognateWire", "CognateStorage", "CognateCrypto", "CognateWebAuthn", "CognateSAML",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: upcoming
        ),
        // HTTP front on Hummingbird 2: the AWS endpoint and Cognate's own endpoints.
        .target(
            name: "CognateHTTP",
            dependencies: [
                "CognitoModel", "CognateWire", "CognateStorage", "CognateServices", "CognateQRCode",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: upcoming
        ),
        // The `cognate` executable.
        .executableTarget(
            name: "Cognate",
            dependencies: [
                "CognateHTTP", "CognateSQL", "CognateSQLite", "CognatePostgres", "CognateServices", "CognateWire", "CognateStorage", "CognateLambda",
                "CognateGeoIP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        // Cognate in-process for tests: in-memory storage, a manual clock, seeded randomness, recording
        // Lambda and web clients, typed operation calls, fixtures, an SRP client.
        .target(
            name: "CognateTesting",
            dependencies: [
                "CognateServices", "CognateHTTP", "CognateSQL", "CognateSQLite", "CognateStorage", "CognateWire", "CognitoModel",
                "CognateCrypto", "CognateWebAuthn",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: upcoming
        ),
        // The sign-in flows, the token grants and the managed login, in-process through CognateTesting.
        .testTarget(
            name: "CognateFlowTests",
            dependencies: [
                "CognateTesting", "CognateServices", "CognateHTTP", "CognateStorage", "CognateWire", "CognitoModel", "CognateCrypto",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        // The command: settings resolved from the command line, the environment and a config file.
        .testTarget(
            name: "CognateCommandTests",
            dependencies: ["Cognate", "CognateLambda", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "CognateCryptoTests",
            dependencies: [
                "CognateCrypto", "CognateWebAuthn", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"), .product(name: "BigInt", package: "BigInt"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "CognatePostgresTests",
            dependencies: [
                "CognateCrypto", "CognatePostgres", "CognateServices", "CognateSQL", "CognateSQLite", "CognateStorage", "CognateStorageConformance",
                "CognitoModel", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "CognateSAMLTests",
            dependencies: [
                "CognateSAML", .product(name: "X509", package: "swift-certificates"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "CognateGeoIPTests",
            dependencies: ["CognateGeoIP", "CognateServices"],
            resources: [.copy("Fixtures")],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "CognitoModelTests",
            dependencies: ["CognitoModel", "CognateWire"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "CognateSQLiteTests",
            dependencies: [
                "CognateSQL", "CognateSQLite", "CognateStorage", "CognateStorageConformance", "CognitoModel",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "CognateServicesTests",
            dependencies: [
                "CognateServices", "CognateHTTP", "CognateSQL", "CognateSQLite", "CognateStorage", "CognateWire", "CognitoModel", "CognateQRCode",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: upcoming
        ),
    ]
)
