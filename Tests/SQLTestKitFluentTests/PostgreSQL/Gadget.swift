#if Fluent && PostgreSQL
import FluentKit
import FluentSQL
import Foundation

/// A model with a field of every type Fluent has, for PostgreSQL round trips.
final class Gadget: Model, @unchecked Sendable {
    static let schema = "gadget"

    enum Kind: String, Codable, Sendable, CaseIterable { case tool, toy, gizmo }

    struct Settings: Codable, Sendable, Equatable {
        var volume: Int
        var modes: [String]
        var calibrated: Date
    }

    final class Address: Fields, @unchecked Sendable {
        @Field(key: "street") var street: String
        @OptionalField(key: "city") var city: String?
        init() {}
        init(street: String, city: String?) {
            self.street = street
            self.city = city
        }
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "count") var count: Int
    @Field(key: "small") var small: Int16
    @Field(key: "medium") var medium: Int32
    @Field(key: "big") var big: Int64
    @Field(key: "ratio") var ratio: Double
    @Field(key: "price") var price: Decimal
    @Field(key: "active") var active: Bool
    @Field(key: "released") var released: Date
    @Field(key: "day") var day: Date
    @OptionalField(key: "retired") var retired: Date?
    @OptionalField(key: "note") var note: String?
    @Field(key: "tags") var tags: [String]
    @Field(key: "scores") var scores: [Int]
    @Field(key: "part_ids") var partIDs: [UUID]
    @Enum(key: "kind") var kind: Kind
    @OptionalEnum(key: "backup_kind") var backupKind: Kind?
    @Field(key: "settings") var settings: Settings
    @Field(key: "labels") var labels: [String: String]
    @Field(key: "image") var image: Data
    @Group(key: "address") var address: Address
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}

    /// A gadget whose every field is set, `seed` making each value its own.
    static func sample(_ seed: Int, id: UUID? = nil) -> Gadget {
        let gadget = Gadget()
        gadget.id = id
        gadget.name = "gadget \(seed) with \"quotes\", a backslash \\ and ünïcödé"
        gadget.count = seed * 7
        gadget.small = Int16(seed - 300)
        gadget.medium = Int32(seed) * 100_000
        gadget.big = Int64.max - Int64(seed)
        gadget.ratio = Double(seed) + 0.125
        gadget.price = Decimal(string: "\(seed)1.25")!
        gadget.active = seed % 2 == 0
        // Microseconds survive; the day field is noon UTC, a day no time zone moves.
        gadget.released = Date(timeIntervalSince1970: 1_714_555_800.123456 + Double(seed))
        gadget.day = Date(timeIntervalSince1970: 1_714_564_800 + Double(seed) * 86_400)
        gadget.retired = seed % 2 == 0 ? nil : Date(timeIntervalSince1970: 1_800_000_000)
        gadget.note = seed % 2 == 0 ? nil : "note \(seed)"
        gadget.tags = ["a", "b \"quoted\"", "c,d", "{braces}", "NULL"]
        gadget.scores = [seed, -seed, 0]
        gadget.partIDs = [UUID(uuidString: "00000000-0000-0000-0000-00000000000\(seed % 10)")!]
        gadget.kind = Kind.allCases[seed % 3]
        gadget.backupKind = seed % 2 == 0 ? nil : .toy
        gadget.settings = Settings(volume: seed, modes: ["quiet", "loud"], calibrated: Date(timeIntervalSince1970: 1_700_000_000.5))
        // One key: a dictionary's order, and so its logged description, changes from run to run.
        gadget.labels = ["size": "\(seed)"]
        gadget.image = Data([0, 1, 2, 255, UInt8(seed % 256)])
        gadget.address = Address(street: "\(seed) Main St", city: seed % 2 == 0 ? nil : "Springfield")
        return gadget
    }

    /// Every field as text, to compare two gadgets read back.
    var fieldsDescription: String {
        [
            "\(id.map(\.uuidString) ?? "nil")", name, "\(count)", "\(small)", "\(medium)", "\(big)", "\(ratio)", "\(price)",
            "\(active)", "\(released.timeIntervalSince1970)", "\(day.timeIntervalSince1970)",
            "\(retired.map(\.timeIntervalSince1970) as Any)", "\(note as Any)", "\(tags)", "\(scores)", "\(partIDs)",
            kind.rawValue, "\(backupKind as Any)", "\(settings)", "\(labels.sorted { $0.key < $1.key })", "\([UInt8](image))",
            address.street, "\(address.city as Any)", "deleted: \(deletedAt != nil)",
        ].joined(separator: " | ")
    }
}

struct CreateGadget: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let kind = try await database.enum("gadget_kind").case("tool").case("toy").case("gizmo").create()
        try await database.schema("gadget").id()
            .field("name", .string, .required)
            .field("count", .int, .required)
            .field("small", .int16, .required)
            .field("medium", .int32, .required)
            .field("big", .int64, .required)
            .field("ratio", .double, .required)
            .field("price", .sql(unsafeRaw: "NUMERIC(12,2)"), .required)
            .field("active", .bool, .required)
            .field("released", .datetime, .required)
            .field("day", .date, .required)
            .field("retired", .datetime)
            .field("note", .string)
            .field("tags", .array(of: .string), .required)
            .field("scores", .array(of: .int), .required)
            .field("part_ids", .array(of: .uuid), .required)
            .field("kind", kind, .required)
            .field("backup_kind", kind)
            .field("settings", .dictionary, .required)
            .field("labels", .dictionary(of: .string), .required)
            .field("image", .data, .required)
            .field("address_street", .string, .required)
            .field("address_city", .string)
            .field("deleted_at", .datetime)
            .unique(on: "name")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("gadget").delete()
        try await database.enum("gadget_kind").delete()
    }
}
#endif
