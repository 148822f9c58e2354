import CognateStorage
import CognitoModel
import Foundation

/// Checks user attributes against a pool's schema as Cognito does.
struct AttributeRules {
    let pool: UserPool

    private func schema(_ name: String) -> SchemaAttributeType? {
        pool.schema.first { $0.name == name }
    }

    /// The verification flags as stored: AWS takes `True` or `FALSE` as well as `true` and `false`.
    static func normalized(_ attributes: [AttributeType]) -> [AttributeType] {
        attributes.map { attribute in
            guard attribute.name.hasSuffix("_verified"), let value = attribute.value, ["true", "false"].contains(value.lowercased()) else {
                return attribute
            }
            return AttributeType(name: attribute.name, value: value.lowercased())
        }
    }

    /// Checks names, mutability (unless creating) and formats; throws InvalidParameterException. Names
    /// the schema lacks are listed together, one line each, as AWS lists them.
    func check(_ attributes: [AttributeType], creating: Bool) throws(CognitoError) {
        let unknown = attributes.map(\.name).filter { schema($0) == nil }
        if !unknown.isEmpty {
            throw Errors.invalidParameter(
                "Attributes did not conform to the schema: " + unknown.map { "\($0): Attribute does not exist in the schema.\n" }.joined())
        }
        for attribute in attributes {
            guard let definition = schema(attribute.name) else { continue }
            if attribute.name == "sub" {
                throw Errors.invalidParameter("Cannot modify the non-mutable attribute sub.")
            }
            if !creating && definition.mutable == false {
                throw Errors.invalidParameter("Cannot modify the non-mutable attribute \(attribute.name).")
            }
            let value = attribute.value ?? ""
            try checkFormat(attribute.name, value, definition)
        }
    }

    /// For deleting attributes: every name must be in the schema (AWS lists the others, one line each).
    func checkKnown(_ names: [String]) throws(CognitoError) {
        let unknown = names.filter { schema($0) == nil }
        if !unknown.isEmpty {
            throw Errors.invalidParameter(
                "Invalid user attributes: " + unknown.map { "user.\($0): Attribute does not exist in the schema.\n" }.joined())
        }
    }

    /// The schema's required attributes, in its order (`sub` aside: Cognito sets it).
    var requiredNames: [String] {
        pool.schema.compactMap { $0.required == true && $0.name != "sub" ? $0.name : nil }
    }

    /// The required attributes `user` has no value for, in the schema's order.
    func missingRequired(_ user: User) -> [String] {
        requiredNames.filter { user.attribute($0)?.isEmpty ?? true }
    }

    /// Throws when a required attribute of the schema has no value.
    func checkRequired(_ user: User) throws(CognitoError) {
        if let name = missingRequired(user).first {
            throw Errors.invalidParameter("Attributes did not conform to the schema: \(name): The attribute \(name) is required")
        }
    }

    private func checkFormat(_ name: String, _ value: String, _ definition: SchemaAttributeType) throws(CognitoError) {
        switch name {
        case "email" where !value.isEmpty:
            if !Self.isEmail(value) { throw Errors.invalidParameter("Invalid email address format.") }
        case "phone_number" where !value.isEmpty:
            if !Self.isPhoneNumber(value) {
                throw Errors.invalidParameter("Invalid phone number format.")
            }
        case "email_verified", "phone_number_verified":
            if value.lowercased() != "true" && value.lowercased() != "false" {
                throw Errors.invalidParameter("\(name) must be true or false.")
            }
        default:
            break
        }
        if definition.attributeDataType == .number && !value.isEmpty && Double(value) == nil {
            throw Errors.invalidParameter("\(name): Number attribute must be a number.")
        }
        if definition.attributeDataType == .boolean && !value.isEmpty && value != "true" && value != "false" && value != "1" && value != "0" {
            throw Errors.invalidParameter("\(name): Boolean attribute must be true or false.")
        }
        if let max = definition.stringAttributeConstraints?.maxLength.flatMap(Int.init), value.count > max {
            throw Errors.invalidParameter("\(name): String must be no longer than \(max) characters.")
        }
        if let min = definition.stringAttributeConstraints?.minLength.flatMap(Int.init), value.count < min {
            throw Errors.invalidParameter("\(name): String must be at least \(min) characters.")
        }
    }

    static func isEmail(_ value: String) -> Bool {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].count >= 3, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix(".")
        else { return false }
        return !value.contains(where: \.isWhitespace)
    }

    /// E.164: a plus sign and 2 to 15 digits.
    static func isPhoneNumber(_ value: String) -> Bool {
        guard value.hasPrefix("+") else { return false }
        let digits = value.dropFirst()
        return (2...15).contains(digits.count) && digits.allSatisfy(\.isASCIIDigit)
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
