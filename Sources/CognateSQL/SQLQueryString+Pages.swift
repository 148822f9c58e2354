import CognateStorage
import SQLKit

/// The clauses every listing shares: keyset pagination (a page starts past the last row of the one before,
/// whose sort values the page token carries) and a filter's match on one column.
extension SQLQueryString {
    /// ` AND` the rows past `after` in the order of `columns` (one token value per column: ` AND c > v`, or
    /// ` AND (c1 > v1 OR (c1 = v1 AND c2 > v2))`), then ` ORDER BY` those columns. The query must already
    /// have a WHERE clause; `after` is nil on the first page.
    mutating func appendPage(after: [String]?, orderedBy columns: [String]) {
        if let after {
            precondition(after.count == columns.count && (1...2).contains(columns.count), "a page token holds one value per sort column")
            if columns.count == 1 {
                appendInterpolation(unsafeRaw: " AND \(columns[0]) > ")
                appendInterpolation(bind: after[0])
            } else {
                appendInterpolation(unsafeRaw: " AND (\(columns[0]) > ")
                appendInterpolation(bind: after[0])
                appendInterpolation(unsafeRaw: " OR (\(columns[0]) = ")
                appendInterpolation(bind: after[0])
                appendInterpolation(unsafeRaw: " AND \(columns[1]) > ")
                appendInterpolation(bind: after[1])
                appendInterpolation(unsafeRaw: "))")
            }
        }
        appendInterpolation(unsafeRaw: " ORDER BY " + columns.joined(separator: ", "))
    }

    /// ` AND column = value`, or for a prefix the range of the values that start with it (an index range scan).
    mutating func appendMatch(_ column: String, _ match: UserFilter.Match, _ value: String) {
        switch match {
        case .equals:
            appendInterpolation(unsafeRaw: " AND \(column) = ")
            appendInterpolation(bind: value)
        case .prefix:
            appendInterpolation(unsafeRaw: " AND \(column) >= ")
            appendInterpolation(bind: value)
            appendInterpolation(unsafeRaw: " AND \(column) < ")
            appendInterpolation(bind: value + "\u{10FFFF}")
        }
    }

    /// ` AND` the rows before the one at (`seq`, `id`) in newest-first order, then ` ORDER BY seq DESC, id DESC
    /// LIMIT limit` (listings whose rows carry a sequence number in the order they were recorded; `seq` nil:
    /// from the newest).
    mutating func appendNewestFirst(before seq: Int64?, id: String, limit: Int) {
        if let seq {
            appendInterpolation(unsafeRaw: " AND (seq < ")
            appendInterpolation(bind: seq)
            appendInterpolation(unsafeRaw: " OR (seq = ")
            appendInterpolation(bind: seq)
            appendInterpolation(unsafeRaw: " AND id < ")
            appendInterpolation(bind: id)
            appendInterpolation(unsafeRaw: "))")
        }
        appendInterpolation(unsafeRaw: " ORDER BY seq DESC, id DESC LIMIT \(max(0, limit))")
    }
}
