import CognateStorage
import Foundation

/// Reads an uploaded import file line by line from its stored chunks, from a position at the start of a
/// line, never holding more than a chunk and the line being read. Lines end at `\n` (a `\r` before it is
/// dropped); a line longer than `maxLineBytes` is read past and answered as overlong.
struct UserImportFileReader {
    static let maxLineBytes = 64_000

    let storage: any Storage
    let job: UserImportJob
    let file: UserImportJob.File
    private var chunk: [UInt8] = []
    private var loaded: Int?
    /// The position of the next byte to read.
    private(set) var position: (chunk: Int, offset: Int)

    init(storage: any Storage, job: UserImportJob, file: UserImportJob.File, from position: (chunk: Int, offset: Int)) {
        self.storage = storage
        self.job = job
        self.file = file
        self.position = position
    }

    enum Line {
        case text([UInt8])
        case overlong
    }

    /// The next line, or nil at the end of the file (a last line without `\n` is a line).
    mutating func next() async throws -> Line? {
        var bytes: [UInt8] = []
        var overlong = false
        var read = false
        while position.chunk < file.chunks {
            if loaded != position.chunk {
                chunk = Array(try await storage.userImportChunk(poolID: job.poolID, id: job.id, upload: file.uploadID, index: position.chunk))
                loaded = position.chunk
            }
            let start = position.offset
            if start >= chunk.count {
                position = (position.chunk + 1, 0)
                continue
            }
            read = true
            if let end = chunk[start...].firstIndex(of: UInt8(ascii: "\n")) {
                if !overlong { bytes.append(contentsOf: chunk[start..<end]) }
                position.offset = end + 1
                return finish(bytes, overlong: overlong || bytes.count > Self.maxLineBytes)
            }
            if !overlong { bytes.append(contentsOf: chunk[start...]) }
            if bytes.count > Self.maxLineBytes {
                overlong = true
                bytes = []
            }
            position = (position.chunk + 1, 0)
        }
        return read ? finish(bytes, overlong: overlong) : nil
    }

    private func finish(_ bytes: [UInt8], overlong: Bool) -> Line {
        if overlong { return .overlong }
        return .text(bytes.last == UInt8(ascii: "\r") ? Array(bytes.dropLast()) : bytes)
    }
}

/// AWS's CSV form for user import: unquoted values separated by commas, a comma inside a value written
/// `\,`, ends trimmed.
enum UserImportCSV {
    static func fields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var escaped = false
        for character in line {
            if escaped {
                if character != "," { current.append("\\") }
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "," {
                fields.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(character)
            }
        }
        if escaped { current.append("\\") }
        fields.append(current.trimmingCharacters(in: .whitespaces))
        return fields
    }
}
