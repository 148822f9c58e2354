import CognitoModel

/// The attributes every user pool has, with the types and constraints DescribeUserPool reports.
enum StandardSchema {
    static let stringNames = [
        "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile", "picture",
        "website", "email", "gender", "birthdate", "zoneinfo", "locale", "phone_number", "address",
    ]

    static var attributes: [SchemaAttributeType] {
        var out: [SchemaAttributeType] = [
            string("sub", required: true, mutable: false, minLength: "1", maxLength: "2048"),
        ]
        for name in stringNames {
            out.append(string(name, required: false, mutable: true, minLength: "0", maxLength: "2048"))
            if name == "email" { out.append(boolean("email_verified")) }
            if name == "phone_number" { out.append(boolean("phone_number_verified")) }
        }
        out.append(SchemaAttributeType(
            name: "updated_at", attributeDataType: .number, developerOnlyAttribute: false, mutable: true, required: false,
            numberAttributeConstraints: NumberAttributeConstraintsType(minValue: "0")
        ))
        out.append(SchemaAttributeType(
            name: "identities", attributeDataType: .string, developerOnlyAttribute: false, mutable: true, required: false,
            stringAttributeConstraints: StringAttributeConstraintsType()
        ))
        return out
    }

    static let names: Set<String> = Set(attributes.compactMap(\.name))

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
    /// followed by its custom attributes (named `custom:…`).
    static func build(from requested: [SchemaAttributeType]) throws(CognitoError) -> [SchemaAttributeType] {
        var schema = attributes
        var custom: [SchemaAttributeType] = []
        for attribute in requested {
            guard let name = attribute.name else { continue }
            if let index = schema.firstIndex(where: { $0.name == name }) {
                if name == "sub" { continue }
                var merged = schema[index]
                if let required = attribute.required { merged.required = required }
                if let mutable = attribute.mutable { merged.mutable = mutable }
                if let c = attribute.stringAttributeConstraints { merged.stringAttributeConstraints = c }
                if let c = attribute.numberAttributeConstraints { merged.numberAttributeConstraints = c }
                schema[index] = merged
            } else {
                custom.append(try customAttribute(attribute, existing: schema + custom))
            }
        }
        return schema + custom
    }

    /// A custom attribute as the pool keeps it: `custom:` prefixed, with defaults filled in.
    static func customAttribute(_ attribute: SchemaAttributeType, existing: [SchemaAttributeType]) throws(CognitoError) -> SchemaAttributeType {
        guard let name = attribute.name, !name.isEmpty else {
            throw Errors.invalidParameter("Custom attribute must have a name.")
        }
        let prefixed = name.hasPrefix("custom:") ? name : "custom:" + name
        if existing.contains(where: { $0.name == prefixed }) {
            throw Errors.invalidParameter("\(prefixed): Existing attribute already has name \(prefixed).")
        }
        if attribute.required == true {
            throw Errors.invalidParameter("Required custom attributes are not supported currently.")
        }
        var out = attribute
        out.name = prefixed
        out.attributeDataType = attribute.attributeDataType ?? .string
        out.developerOnlyAttribute = attribute.developerOnlyAttribute ?? false
        out.mutable = attribute.mutable ?? true
        out.required = false
        if out.attributeDataType == .string && out.stringAttributeConstraints == nil {
            out.stringAttributeConstraints = StringAttributeConstraintsType()
        }
        if out.attributeDataType == .number && out.numberAttributeConstraints == nil {
            out.numberAttributeConstraints = NumberAttributeConstraintsType()
        }
        return out
    }
}
