import CLibXML2

/// XML canonicalization (libxml2's C14N) of one element's subtree, optionally without one of its
/// descendants: what an enveloped signature's reference digests (the signed element without its
/// `Signature`), and what a signature's `SignedInfo` is signed as.
public enum Canonicalization: String, Sendable, CaseIterable {
    case exclusive = "http://www.w3.org/2001/10/xml-exc-c14n#"
    case exclusiveWithComments = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
    case inclusive = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
    case inclusiveWithComments = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"

    var mode: Int32 {
        switch self {
        case .exclusive, .exclusiveWithComments: Int32(XML_C14N_EXCLUSIVE_1_0.rawValue)
        case .inclusive, .inclusiveWithComments: Int32(XML_C14N_1_0.rawValue)
        }
    }

    var withComments: Bool { self == .exclusiveWithComments || self == .inclusiveWithComments }

    /// Without comments, whatever the method says: a same-document reference (`URI="#id"`) selects no
    /// comment nodes (XML-DSig §4.4.3.3).
    var withoutComments: Canonicalization {
        switch self {
        case .exclusive, .exclusiveWithComments: .exclusive
        case .inclusive, .inclusiveWithComments: .inclusive
        }
    }

    /// The canonical bytes of `element`'s subtree, less `excluded`'s.
    public func canonicalize(_ element: XMLElement, excluding excluded: XMLElement? = nil, inclusivePrefixes: [String] = []) throws(SAMLFailure)
        -> [UInt8]
    {
        var scope = Scope(root: element.node, excluded: excluded?.node)
        guard let buffer = xmlAllocOutputBuffer(nil) else { throw SAMLFailure("Out of memory.") }
        var prefixes: [UnsafeMutablePointer<xmlChar>?] = inclusivePrefixes.map { xmlCharStrdup($0) } + [nil]
        defer { for prefix in prefixes { cognate_xml_free(prefix) } }
        let written = prefixes.withUnsafeMutableBufferPointer { list in
            withUnsafeMutablePointer(to: &scope) { scopePointer in
                xmlC14NExecute(
                    element.tree.document, Self.visible, scopePointer, mode,
                    inclusivePrefixes.isEmpty || mode != Int32(XML_C14N_EXCLUSIVE_1_0.rawValue) ? nil : list.baseAddress,
                    withComments ? 1 : 0, buffer)
            }
        }
        defer { xmlOutputBufferClose(buffer) }
        guard written >= 0, let content = xmlOutputBufferGetContent(buffer) else {
            throw SAMLFailure("The XML could not be canonicalized.")
        }
        return Array(UnsafeBufferPointer(start: content, count: Int(xmlOutputBufferGetSize(buffer))))
    }

    struct Scope {
        var root: xmlNodePtr
        var excluded: xmlNodePtr?
    }

    /// Whether libxml2 writes a node: inside the root, outside the excluded subtree. Attributes and namespace
    /// declarations belong to the element libxml2 names as their parent (their own records are smaller than
    /// an element's, so only their type is read, at the offset every node record shares).
    static let visible: xmlC14NIsVisibleCallback = { data, node, parent in
        guard let data, let node else { return 0 }
        let scope = data.assumingMemoryBound(to: Scope.self).pointee
        let type = UnsafeRawPointer(node).load(fromByteOffset: MemoryLayout<UnsafeRawPointer?>.stride, as: xmlElementType.self)
        var current: xmlNodePtr? = (type == XML_NAMESPACE_DECL || type == XML_ATTRIBUTE_NODE) ? parent : node
        while let item = current {
            if item == scope.excluded { return 0 }
            if item == scope.root { return 1 }
            current = item.pointee.parent
        }
        return 0
    }
}
