import CLibXML2
import Foundation

/// A parsed XML document (libxml2), as SAML needs it: read with no network, no DTD and no entity
/// expansion; elements addressed by namespace and local name; text as the concatenation of every text node
/// below an element, so that a comment inside a value cannot shorten it.
public final class XMLTree: @unchecked Sendable {
    // One tree is read by one task at a time; libxml2 is initialised once for every thread.
    let document: xmlDocPtr

    private static let initialised: Bool = {
        xmlInitParser()
        return true
    }()

    static let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)

    /// Parses a document; a DOCTYPE (and with it every entity) is refused.
    public init(parsing bytes: [UInt8]) throws(SAMLFailure) {
        _ = Self.initialised
        guard !bytes.isEmpty, bytes.count <= Int(Int32.max) else { throw SAMLFailure("The XML document is empty.") }
        if Self.declaresDocumentType(bytes) { throw SAMLFailure("The XML document declares a DOCTYPE, which SAML forbids.") }
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlReadMemory($0, Int32(buffer.count), nil, nil, Self.options)
            }
        }
        guard let parsed else { throw SAMLFailure("The XML document is not well-formed.") }
        guard parsed.pointee.intSubset == nil, xmlDocGetRootElement(parsed) != nil else {
            xmlFreeDoc(parsed)
            throw SAMLFailure("The XML document declares a DOCTYPE, which SAML forbids.")
        }
        document = parsed
    }

    deinit { xmlFreeDoc(document) }

    public var root: XMLElement { XMLElement(node: xmlDocGetRootElement(document)!, tree: self) }

    static func declaresDocumentType(_ bytes: [UInt8]) -> Bool {
        let marker = Array("<!DOCTYPE".utf8)
        guard bytes.count >= marker.count else { return false }
        for start in 0...(bytes.count - marker.count) where bytes[start] == 0x3C {
            if Array(bytes[start..<start + marker.count]) == marker { return true }
        }
        return false
    }

    /// Every element whose `ID`, `Id` or `id` attribute has this value: a signature's reference must name
    /// exactly one, or the document is refused (XML signature wrapping).
    public func elements(withID id: String) -> Int {
        var count = 0
        func visit(_ node: xmlNodePtr?) {
            var current = node
            while let element = current {
                if element.pointee.type == XML_ELEMENT_NODE {
                    let wrapped = XMLElement(node: element, tree: self)
                    for name in ["ID", "Id", "id"] where wrapped.attribute(name) == id { count += 1 }
                    visit(element.pointee.children)
                }
                current = element.pointee.next
            }
        }
        visit(xmlDocGetRootElement(document))
        return count
    }
}

/// An element of an `XMLTree` (which it keeps alive).
public struct XMLElement: @unchecked Sendable {
    let node: xmlNodePtr
    let tree: XMLTree

    init(node: xmlNodePtr, tree: XMLTree) {
        self.node = node
        self.tree = tree
    }

    public var localName: String { String(cString: node.pointee.name) }
    public var namespace: String? { node.pointee.ns.flatMap { $0.pointee.href.map { String(cString: $0) } } }

    public func `is`(_ namespace: String, _ name: String) -> Bool { self.namespace == namespace && localName == name }

    /// An attribute without a namespace.
    public func attribute(_ name: String) -> String? {
        guard let value = xmlGetNoNsProp(node, name) else { return nil }
        defer { cognate_xml_free(value) }
        return String(cString: value)
    }

    /// The element children, in order.
    public var children: [XMLElement] {
        var out: [XMLElement] = []
        var current = node.pointee.children
        while let child = current {
            if child.pointee.type == XML_ELEMENT_NODE { out.append(XMLElement(node: child, tree: tree)) }
            current = child.pointee.next
        }
        return out
    }

    public func children(_ namespace: String, _ name: String) -> [XMLElement] { children.filter { $0.is(namespace, name) } }
    public func child(_ namespace: String, _ name: String) -> XMLElement? { children.first { $0.is(namespace, name) } }

    /// Every descendant element with this name, in document order.
    public func descendants(_ namespace: String, _ name: String) -> [XMLElement] {
        var out: [XMLElement] = []
        for child in children {
            if child.is(namespace, name) { out.append(child) }
            out += child.descendants(namespace, name)
        }
        return out
    }

    /// The text of every text node below the element, joined (comments are not text).
    public var text: String {
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { cognate_xml_free(content) }
        return String(cString: content)
    }

    /// The text with XML whitespace removed (base64 values).
    public var compactText: String { text.filter { !$0.isWhitespace } }

    public var parent: XMLElement? {
        guard let parent = node.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return XMLElement(node: parent, tree: tree)
    }

    public static func == (left: XMLElement, right: XMLElement) -> Bool { left.node == right.node }

    /// Puts the element of `xml` (parsed where this element stands, so the namespaces in scope here apply) in
    /// this element's place: how a decrypted assertion replaces its `EncryptedAssertion`.
    public func replace(withParsed xml: [UInt8]) throws(SAMLFailure) -> XMLElement {
        if XMLTree.declaresDocumentType(xml) { throw SAMLFailure("The decrypted XML declares a DOCTYPE.") }
        guard let parent = node.pointee.parent, !xml.isEmpty, xml.count <= Int(Int32.max) else { throw SAMLFailure("The decrypted XML is empty.") }
        var list: xmlNodePtr?
        let status = xml.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlParseInNodeContext(parent, $0, Int32(buffer.count), XMLTree.options, &list)
            }
        }
        guard status == XML_ERR_OK, let first = list else {
            if let list { xmlFreeNodeList(list) }
            throw SAMLFailure("The decrypted XML is not well-formed.")
        }
        // Exactly one element, and nothing but whitespace around it.
        var nodes: [xmlNodePtr] = []
        var current: xmlNodePtr? = first
        while let item = current {
            nodes.append(item)
            current = item.pointee.next
        }
        let elements = nodes.filter { $0.pointee.type == XML_ELEMENT_NODE }
        let others = nodes.filter { $0.pointee.type != XML_ELEMENT_NODE && $0.pointee.type != XML_TEXT_NODE }
        for item in nodes where item.pointee.type != XML_ELEMENT_NODE || elements.count != 1 || !others.isEmpty {
            xmlUnlinkNode(item)
            xmlFreeNode(item)
        }
        guard elements.count == 1, others.isEmpty, let element = elements.first else {
            throw SAMLFailure("The decrypted XML is not one element.")
        }
        xmlUnlinkNode(element)
        xmlReplaceNode(node, element)
        // The element replaced is gone: no one may use it after this.
        xmlFreeNode(node)
        return XMLElement(node: element, tree: tree)
    }
}
