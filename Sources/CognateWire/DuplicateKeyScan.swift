/// Finds a key that appears twice in one JSON object. Foundation's JSONDecoder keeps the first of two
/// equal keys where AWS's parser keeps the last, so a body such as `{"Username": "a", "Username": "b"}`
/// could mean one user to a check and another to the handler; Cognate refuses such bodies instead.
///
/// The scan only follows strings and nesting; whether the body is valid JSON is the decoder's to say.
/// Keys are compared after their escapes are resolved, so `"a"` and `"\u0061"` are the same key.
public enum DuplicateKeyScan {
    private struct Container {
        var isObject: Bool
        var expectingKey: Bool
        var keys: Set<[UInt8]>
    }

    /// The first repeated key, or nil.
    public static func firstDuplicate(in body: some Collection<UInt8>) -> String? {
        let bytes = Array(body)
        var stack: [Container] = []
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            switch byte {
            case UInt8(ascii: "{"):
                stack.append(Container(isObject: true, expectingKey: true, keys: []))
            case UInt8(ascii: "["):
                stack.append(Container(isObject: false, expectingKey: false, keys: []))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if !stack.isEmpty { stack.removeLast() }
            case UInt8(ascii: ","):
                if let last = stack.indices.last, stack[last].isObject { stack[last].expectingKey = true }
            case UInt8(ascii: ":"):
                if let last = stack.indices.last { stack[last].expectingKey = false }
            case UInt8(ascii: "\""):
                let (string, end) = readString(bytes, from: i + 1)
                if let last = stack.indices.last, stack[last].isObject, stack[last].expectingKey {
                    if !stack[last].keys.insert(string).inserted { return String(decoding: string, as: UTF8.self) }
                    stack[last].expectingKey = false
                }
                i = end
                continue
            default:
                break
            }
            i += 1
        }
        return nil
    }

    /// The string's bytes with escapes resolved, and the index after its closing quote.
    private static func readString(_ bytes: [UInt8], from start: Int) -> ([UInt8], Int) {
        var out: [UInt8] = []
        var i = start
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") { return (out, i + 1) }
            guard byte == UInt8(ascii: "\\"), i + 1 < bytes.count else {
                out.append(byte)
                i += 1
                continue
            }
            let escaped = bytes[i + 1]
            i += 2
            switch escaped {
            case UInt8(ascii: "u"):
                guard i + 4 <= bytes.count, var unit = hex(bytes[i..<(i + 4)]) else { continue }
                i += 4
                // A surrogate pair stands for one scalar.
                if (0xD800..<0xDC00).contains(unit), i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"),
                    bytes[i + 1] == UInt8(ascii: "u"), let low = hex(bytes[(i + 2)..<(i + 6)]), (0xDC00..<0xE000).contains(low)
                {
                    unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                out.append(contentsOf: Array(String(Unicode.Scalar(unit).map(Character.init) ?? "\u{FFFD}").utf8))
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            default: out.append(escaped)
            }
        }
        return (out, bytes.count)
    }

    private static func hex(_ digits: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        for digit in digits {
            let nibble: UInt8
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = digit - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(nibble)
        }
        return value
    }
}
