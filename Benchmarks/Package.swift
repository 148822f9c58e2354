// swift-tools-version:6.1
// Benchmarks live in their own package so the main build and test suite never build them.
// Run from the repository root: Scripts/bench-modexp.sh (modular exponentiation), Scripts/bench.sh (the floor).
import PackageDescription

let package = Package(
    name: "cognate-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/attaswift/BigInt.git", from: "6.0.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // The system's OpenSSL libcrypto (Debian: libssl-dev), the reference for modular exponentiation.
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .executableTarget(
            name: "cognate-modexp-bench",
            dependencies: [
                "COpenSSL",
                .product(name: "CognateCrypto", package: "main"),
                .product(name: "BigInt", package: "BigInt"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Sources/ModExpBenchmark"
        ),
        // The cryptographic floor of each benchmark scenario, with Cognate's own code (Scripts/bench.sh).
        .executableTarget(
            name: "cognate-floor-bench",
            dependencies: [.product(name: "CognateCrypto", package: "main")],
            path: "Sources/FloorBenchmark"
        ),
    ]
)
