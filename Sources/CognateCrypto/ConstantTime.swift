/// Comparison of secrets — codes, client secrets, signatures, MACs, CSRF tokens — in time that depends on
/// their length alone, never on where they first differ. The one place every check of a secret uses.
public enum ConstantTime {
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
