import Foundation

/// Where the request being served came from: its client's address and user agent, for the sessions it starts
/// or continues. The HTTP layer sets it around each request (a task-local value, so that every step of a
/// sign-in sees it without passing it along).
public struct RequestOrigin: Sendable, Equatable {
    public var ipAddress: String?
    public var userAgent: String?

    public init(ipAddress: String?, userAgent: String?) {
        self.ipAddress = ipAddress
        self.userAgent = userAgent
    }

    @TaskLocal public static var current: RequestOrigin?

    /// The device a user agent describes, as sessions report it: the browser and operating system of a
    /// browser's agent ("Chrome on Linux"), else the product that named itself first ("Boto3"), else `unknown`.
    public static func deviceType(_ userAgent: String?) -> String {
        guard let agent = userAgent?.trimmingCharacters(in: .whitespaces), !agent.isEmpty else { return "unknown" }
        let systems = [
            ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Android", "Android"), ("Windows", "Windows"), ("Mac OS X", "macOS"),
            ("Macintosh", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"),
        ]
        let browsers = [("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari")]
        if agent.hasPrefix("Mozilla/"), let browser = browsers.first(where: { agent.contains($0.0) })?.1 {
            let system = systems.first { agent.contains($0.0) }?.1
            return system.map { "\(browser) on \($0)" } ?? browser
        }
        let product = agent.split(separator: " ").first.map { String($0.split(separator: "/").first ?? $0) } ?? ""
        return product.isEmpty ? "unknown" : String(product.prefix(1_024))
    }
}
