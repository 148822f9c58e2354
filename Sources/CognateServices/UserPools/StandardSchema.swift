import CognitoModel

/// The attributes every user pool has, with the types and constraints DescribeUserPool reports.
enum StandardSchema {
    static let stringNames = [
        "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile", "picture",
        "website", "email", "gender", "birthdate", "zoneinfo", "locale", "phone_number", "address",
    ]

    static var attributes: [SchemaAttributeType] {
        var out: [SchemaAttributeType] = [
            string("sub", required: true, mutable: false, minLength: "1", maxLength: "2048")
        ]
        for name in stringNames {
            // A birthdate is YYYY-MM-DD: AWS reports it at exactly 10 characters.
            let length = name == "birthdate" ? ("10", "10") : ("0", "2048")
            out.append(string(name, required: false, mutable: true, minLength: length.0, maxLength: length.1))
            if name == "email" { out.append(boolean("email_verified")) }
            if name == "phone_number" { out.append(boolean("phone_number_verified")) }
        }
        out.append(
            SchemaAttributeType(
                name: "updated_at", attributeDataType: .number, developerOnlyAttribute: false, mutable: true, required: false,
                numberAttributeConstraints: NumberAttributeConstraintsType(minValue: "0")
            ))
        out.append(
            SchemaAttributeType(
                name: "identities", attributeDataType: .string, developerOnlyAttribute: false, mutable: true, required: false,
                stringAttributeConstraints: StringAttributeConstraintsType()
            ))
        return out
    }

    static let names: Set<String> = Set(attributes.compactMap(\.name))

    /// A custom attribute's name: `custom:…`, or `dev:custom:…` for a developer-only one.
    static func isCustom(_ name: String?) -> Bool {
        name?.hasPrefix("custom:") == true || name?.hasPrefix("dev:custom:") == true
    }

    private static func string(_ name: String, required: Bool, mutable: Bool, minLength: String, maxLength: String) -> SchemaAttributeType {
        SchemaAttributeType(
            name: name, attributeDataType: .string, developerOnlyAttribute: false, mutable: mutable, required: required,
            stringAttributeConstraints: StringAttributeConstraintsType(minLength: minLength, maxLength: maxLength)
        )
    }

    private static func boolean(_ name: String) -> SchemaAttributeType {
        SchemaAttributeType(name: name, attributeDataType: .boolean, developerOnlyAttribute: false, mutable: true, required: false)
    }

    /// The pool's schema: the standard attributes, with the request's settings for the ones it names,
    /// followed by its custom attributes (`custom:…`, or `dev:custom:…` for developer-only ones).
    static func build(from requested: [SchemaAttributeType]) throws(CognitoError) -> [SchemaAttributeType] {
        var schema = attributes
        var custom: [SchemaAttributeType] = []
        for attribute in requested {
            guard let name = attribute.name else { continue }
            if let index = schema.firstIndex(where: { $0.name == name }) {
                var merged = schema[index]
                // Mutable and Required may change; the type and developer-only flag of a standard attribute may not.
                if let type = attribute.attributeDataType, type != merged.attributeDataType {
                    throw cannotChange(name)
                }
                if attribute.developerOnlyAttribute == true { throw cannotChange(name) }
                if name == "sub" { continue }
                if let required = attribute.required { merged.required = required }
                if let mutable = attribute.mutable { merged.mutable = mutable }
                let constraints = try checkedConstraints(attribute, type: merged.attributeDataType, name: name)
                if let c = constraints.string { merged.stringAttributeConstraints = c }
                if let c = constraints.number { merged.numberAttributeConstraints = c }
                schema[index] = merged
            } else {
                custom.append(try customAttribute(attribute, existing: schema + custom))
            }
        }
        return schema + custom
    }

    static func cannotChange(_ name: String) -> CognitoError {
        Errors.invalidParameter("You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute \(name)")
    }

    /// A custom attribute as the pool keeps it: `custom:` prefixed (`dev:custom:` when developer-only), with
    /// defaults filled in and only the constraints of its type.
    static func customAttribute(_ attribute: SchemaAttributeType, existing: [SchemaAttributeType]) throws(CognitoError) -> SchemaAttributeType {
        guard let given = attribute.name, !given.isEmpty else {
            throw Errors.invalidParameter("Custom attribute must have a name.")
        }
        var base = given
        for prefix in ["dev:", "custom:"] where base.hasPrefix(prefix) { base = String(base.dropFirst(prefix.count)) }
        let name = "custom:" + base
        guard let type = attribute.attributeDataType, AttributeDataType.allRawValues.contains(type.rawValue) else {
            throw Errors.invalidParameter("Invalid AttributeDataType input, consider using the provided AttributeDataType enum.")
        }
        if let taken = existing.first(where: { $0.name == name || $0.name == "dev:" + name })?.name {
            throw Errors.invalidParameter("\(name): Existing attribute already has name \(taken).")
        }
        if attribute.required == true {
            throw Errors.invalidParameter("Required custom attributes are not supported currently.")
        }
        let constraints = try checkedConstraints(attribute, type: type, name: name)
        let developerOnly = attribute.developerOnlyAttribute ?? false
        return SchemaAttributeType(
            name: developerOnly ? "dev:" + name : name, attributeDataType: type, developerOnlyAttribute: developerOnly,
            mutable: attribute.mutable ?? true, required: false,
            numberAttributeConstraints: type == .number ? constraints.number ?? NumberAttributeConstraintsType() : nil,
            stringAttributeConstraints: type == .string ? constraints.string ?? StringAttributeConstraintsType() : nil)
    }

    /// The constraints block that matches the type, checked as AWS checks it: every bound a non-negative
    /// integer, string lengths at most 2048, and the minimum not above the maximum. The other block is not read.
    static func checkedConstraints(
        _ attribute: SchemaAttributeType, type: AttributeDataType?, name: String
    ) throws(CognitoError) -> (string: StringAttributeConstraintsType?, number: NumberAttributeConstraintsType?) {
        func bound(_ text: String?) -> Int?? {
            guard let text else { return .some(nil) }
            guard let value = Int(text), value >= 0 else { return nil }
            return .some(value)
        }
        switch type {
        case .string?:
            guard let c = attribute.stringAttributeConstraints else { return (nil, nil) }
            guard let min = bound(c.minLength), let max = bound(c.maxLength) else {
                throw Errors.invalidParameter("Invalid StringAttributeConstraints for schema attribute \(name)")
            }
            if let max, max > 2048 { throw Errors.invalidParameter("user.\(name): String attributes cannot have a length of more than 2048") }
            if let min, min > 2048 { throw Errors.invalidParameter("user.\(name): String attributes cannot have a length of more than 2048") }
            if let min, let max, max < min { throw Errors.invalidParameter("user.\(name): Max length cannot be less than min length.") }
            return (c, nil)
        case .number?:
            guard let c = attribute.numberAttributeConstraints else { return (nil, nil) }
            guard let min = bound(c.minValue), let max = bound(c.maxValue) else {
                throw Errors.invalidParameter("Invalid NumberAttributeConstraints for schema attribute \(name)")
            }
            if let min, let max, max < min { throw Errors.invalidParameter("user.\(name): Max value cannot be less than min value.") }
            return (nil, c)
        default:
            return (nil, nil)
        }
    }
}
