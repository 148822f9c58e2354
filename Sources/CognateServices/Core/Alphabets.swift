/// Character sets for generated identifiers and passwords.
enum Alphabets {
    static let digits = Array("0123456789")
    static let lower = Array("abcdefghijklmnopqrstuvwxyz")
    static let upper = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    static let alphanumeric = digits + lower + upper
    static let lowerAlphanumeric = digits + lower
    /// The symbols Cognito's password policy counts as special characters.
    static let symbols = Array("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-")
    /// The symbols generated passwords use: among Cognito's, the ones a shell and the AWS CLI's shorthand
    /// syntax take without quoting.
    static let plainSymbols = Array("._-+^%@:")
}
