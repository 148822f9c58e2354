import Foundation

/// The TIMESTAMP of Cognito's PASSWORD_VERIFIER answer: `Tue Jan 2 03:04:05 UTC 2024` (day without a
/// leading zero, English names, always UTC).
public enum SRPTimestamp {
    static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static var utc: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }

    public static func format(_ date: Date) -> String {
        let c = utc.dateComponents([.weekday, .month, .day, .hour, .minute, .second, .year], from: date)
        let time = String(format: "%02d:%02d:%02d", c.hour!, c.minute!, c.second!)
        return "\(weekdays[c.weekday! - 1]) \(months[c.month! - 1]) \(c.day!) \(time) UTC \(c.year!)"
    }

    /// The date a timestamp names, or nil when it is not in Cognito's format.
    public static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 6, weekdays.contains(String(parts[0])), parts[4] == "UTC",
            let month = months.firstIndex(of: String(parts[1])), let day = Int(parts[2]), let year = Int(parts[5])
        else { return nil }
        let time = parts[3].split(separator: ":")
        guard time.count == 3, let h = Int(time[0]), let m = Int(time[1]), let s = Int(time[2]) else { return nil }
        let components = DateComponents(year: year, month: month + 1, day: day, hour: h, minute: m, second: s)
        guard let date = utc.date(from: components), format(date) == text else { return nil }
        return date
    }
}
