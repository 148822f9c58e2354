/// Finds a null character (U+0000) written as the escape `\u0000` anywhere in a JSON body (a raw one is
/// not JSON, which the decoder answers as SerializationException).
/// Cognito's patterns admit no control characters where a name or an attribute is read, and a null
/// cannot be stored by every backend (PostgreSQL's text refuses it); Cognate refuses such a body up
/// front on every backend alike, as a parameter error rather than a server error.
public enum NullCharacterScan {
    public static func containsNull(in body: some Collection<UInt8>) -> Bool {
        let bytes = Array(body)
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "\\"):
                if i + 5 < bytes.count, bytes[i + 1] == UInt8(ascii: "u"), bytes[(i + 2)...(i + 5)].allSatisfy({ $0 == UInt8(ascii: "0") }) {
                    return true
                }
                i += 2
            default:
                i += 1
            }
        }
        return false
    }

    /// The message of the InvalidParameterException that answers such a body.
    public static let message = "The request contains a null character (U+0000), which no Cognito parameter accepts."
}
