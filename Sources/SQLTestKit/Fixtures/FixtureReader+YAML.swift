import Foundation
import Yams

extension FixtureReader {
    /// Reads a YAML fixture: a mapping from labels to rows, or a list of rows.
    ///
    /// Composed with Yams' `.basic` resolver, which leaves every plain scalar untyped: the
    /// column's declared type decides what `yes` or `2024-05-01` means, and the default resolver's
    /// implicit-type regular expressions cost about four times the parse on Linux.
    /// Merge keys (`<<: *defaults`) are applied here, since the basic resolver does not.
    static func readYAML(_ text: String, path: String) -> ([FixtureRow], [FixtureProblem]) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            return ([], [problem(from: error, path: path, text: text)])
        } catch {
            return ([], [FixtureProblem(kind: .malformedFile, message: "malformed YAML: \(error)", file: path)])
        }
        guard let root else { return ([], []) }
        if let bomb = aliasExpansionProblem(root, sourceBytes: text.utf8.count, path: path) { return ([], [bomb]) }
        var problems: [FixtureProblem] = []
        var rows: [FixtureRow] = []
        switch root {
        case .mapping(let mapping):
            for (key, value) in mapping {
                guard case .scalar(let label) = key else {
                    problems.append(malformed("a row label must be a plain name", key, path))
                    continue
                }
                if label.string == "<<" { continue }
                if let row = row(from: value, label: label.string, at: key, path: path, problems: &problems) {
                    rows.append(row)
                }
            }
        case .sequence(let sequence):
            for item in sequence {
                if let row = row(from: item, label: nil, at: item, path: path, problems: &problems) {
                    rows.append(row)
                }
            }
        case .scalar(let scalar) where scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null":
            break
        default:
            problems.append(malformed("a YAML fixture must be a mapping from labels to rows, or a list of rows", root, path))
        }
        return (rows, problems)
    }

    private static func row(from node: Node, label: String?, at anchor: Node, path: String,
                            problems: inout [FixtureProblem]) -> FixtureRow? {
        guard case .mapping(let mapping) = node else {
            var problem = malformed("the row \(label.map { "`\($0)` " } ?? "")is not a mapping of column names to values", node, path)
            problem.label = label
            problem.suggestion = "write each row as `column: value` lines indented under its label"
            problems.append(problem)
            return nil
        }
        var fields: [FixtureField] = []
        fields.reserveCapacity(mapping.count)
        var merges: [Node] = []
        for (key, value) in mapping {
            guard case .scalar(let name) = key else {
                problems.append(malformed("a column name must be a plain name", key, path))
                continue
            }
            let column = name.string
            if column == "<<" {
                merges.append(value)
                continue
            }
            // One pattern match per value: each `Node.mark` read copies the node's payload again.
            if let (converted, mark) = convert(value, path: path, label: label, column: column, problems: &problems) {
                fields.append(FixtureField(key: column, value: converted, line: mark?.line ?? name.mark?.line ?? 0, column: mark?.column))
            }
        }
        // Merge keys: a mapping, or a list of mappings, whose entries the row does not set itself.
        if !merges.isEmpty {
            var seen = Set(fields.map(\.key))
            for merge in merges {
                for source in merge.sequence.map(Array.init) ?? [merge] {
                    guard case .mapping(let merged) = source else {
                        problems.append(malformed("`<<` must merge a mapping, such as an anchored `&defaults` row", source, path))
                        continue
                    }
                    for (mergedKey, mergedValue) in merged {
                        guard let mergedName = mergedKey.scalar?.string, seen.insert(mergedName).inserted else { continue }
                        if let (converted, _) = convert(mergedValue, path: path, label: label, column: mergedName, problems: &problems) {
                            fields.append(FixtureField(key: mergedName, value: converted, line: merge.mark?.line ?? 0, column: merge.mark?.column))
                        }
                    }
                }
            }
        }
        return FixtureRow(label: label, line: anchor.mark?.line ?? 0, column: anchor.mark?.column, fields: fields)
    }

    /// The value of `node` and where it was written, from one pattern match (each `Node.mark`
    /// read copies the node's payload again, which showed in profiles of large files).
    private static func convert(_ node: Node, path: String, label: String?, column: String,
                                problems: inout [FixtureProblem]) -> (FixtureValue, Mark?)? {
        switch node {
        case .scalar(let scalar):
            switch scalar.tag.rawValue {
            case Tag.Name.binary.rawValue:
                let compact = scalar.string.filter { !$0.isWhitespace }
                guard let data = Data(base64Encoded: compact) else {
                    var problem = malformed("`!!binary` value is not valid base64", node, path)
                    problem.label = label
                    problem.columnName = column
                    problems.append(problem)
                    return nil
                }
                return (.binary(Array(data)), scalar.mark)
            case Tag.Name.null.rawValue:
                return (.null, scalar.mark)
            case let tag where tag.hasPrefix("!") && FixtureValue.exactClasses.contains(String(tag.dropFirst())):
                // `!text '1962-02-18 00:00:00'`: an exact value, as dumps write one.
                guard let exact = FixtureValue.exact(class: String(tag.dropFirst()), text: scalar.string) else {
                    var problem = malformed("`\(tag)` value `\(scalar.string)` is not a valid \(tag.dropFirst())", node, path)
                    problem.label = label
                    problem.columnName = column
                    problems.append(problem)
                    return nil
                }
                return (.exact(exact), scalar.mark)
            default:
                return (scalar.style == .plain ? .plain(scalar.string) : .quoted(scalar.string), scalar.mark)
            }
        case .sequence(let sequence):
            var items: [FixtureValue] = []
            for item in sequence {
                guard let (value, _) = convert(item, path: path, label: label, column: column, problems: &problems) else { return nil }
                items.append(value)
            }
            return (.list(items), sequence.mark)
        case .mapping(let mapping):
            var entries: [FixtureValue.Entry] = []
            for (key, value) in mapping {
                guard let (converted, _) = convert(value, path: path, label: label, column: column, problems: &problems) else { return nil }
                entries.append(.init(key: key.scalar?.string ?? "", value: converted))
            }
            return (.map(entries), mapping.mark)
        case .alias:
            problems.append(malformed("an alias that Yams did not resolve", node, path))
            return nil
        }
    }

    /// How many values a YAML file may expand to through its aliases, per byte of the file
    /// (with a floor for small files). Composing shares an alias's node, so a few hundred bytes
    /// of nested aliases (a "billion laughs") compose at once but expand to billions of values
    /// when read; a fixture without aliases has fewer values than bytes.
    static let expansionPerByte = 16
    static let expansionFloor = 100_000

    /// A problem when reading `root` would visit more values than the budget allows, naming
    /// the line of the top-level entry where the budget ran out; `nil` otherwise. Stops as soon
    /// as the budget is spent, so the check itself stays cheap.
    static func aliasExpansionProblem(_ root: Node, sourceBytes: Int, path: String) -> FixtureProblem? {
        let limit = max(expansionFloor, sourceBytes * expansionPerByte)
        var budget = limit
        func visit(_ node: Node) -> Bool {
            budget -= 1
            guard budget >= 0 else { return false }
            switch node {
            case .scalar, .alias: return true
            case .sequence(let sequence): return sequence.allSatisfy(visit)
            case .mapping(let mapping): return mapping.allSatisfy { visit($0.key) && visit($0.value) }
            }
        }
        let entries: [Node]
        switch root {
        case .mapping(let mapping): entries = mapping.map(\.value)
        case .sequence(let sequence): entries = Array(sequence)
        default: return nil
        }
        guard let entry = entries.first(where: { !visit($0) }) else { return nil }
        return FixtureProblem(
            kind: .malformedFile,
            message: "the YAML expands through its aliases to more than \(limit) values (the file has \(sourceBytes) bytes); refused before reading it, as an alias bomb would exhaust memory",
            file: path, line: entry.mark?.line, column: entry.mark?.column,
            suggestion: "write the rows out, or use aliases (`*name`, `<<: *defaults`) only for small shared values")
    }

    /// The line of the second top-level `key:` (plain or quoted) in a YAML text.
    static func secondTopLevelLine(of key: String, in text: String) -> Int? {
        let forms = [key + ":", "\"" + key + "\":", "'" + key + "':"]
        var seen = 0
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where forms.contains(where: { line.hasPrefix($0) }) {
            seen += 1
            if seen == 2 { return index + 1 }
        }
        return nil
    }

    private static func malformed(_ message: String, _ node: Node, _ path: String) -> FixtureProblem {
        FixtureProblem(kind: .malformedFile, message: message, file: path, line: node.mark?.line, column: node.mark?.column)
    }

    private static func problem(from error: YamlError, path: String, text: String) -> FixtureProblem {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let contextText = context.map { " \($0.text)" } ?? ""
            return FixtureProblem(kind: .malformedFile, message: "malformed YAML: \(problem)\(contextText)", file: path,
                                  line: mark.line, column: mark.column,
                                  suggestion: "check the indentation and quoting on this line and the one before it")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let topLevel = context.mark.column == 1
            // Yams points at the mapping; the problem is the second row with the label.
            let duplicateLine = topLevel ? duplicates.first.flatMap { secondTopLevelLine(of: $0, in: text) } : nil
            return FixtureProblem(kind: topLevel ? .duplicateLabel : .duplicateKey,
                                  message: topLevel
                                      ? "duplicate label \(duplicates.map { "`\($0)`" }.joined(separator: ", ")): two rows cannot share a label"
                                      : "duplicate key \(duplicates.map { "`\($0)`" }.joined(separator: ", ")) in one mapping",
                                  file: path, line: duplicateLine ?? context.mark.line, column: duplicateLine == nil ? context.mark.column : 1,
                                  label: topLevel ? duplicates.first : nil,
                                  suggestion: topLevel ? "rename one of the rows" : "remove one of the two values")
        default:
            return FixtureProblem(kind: .malformedFile, message: "malformed YAML: \(error)", file: path)
        }
    }
}
