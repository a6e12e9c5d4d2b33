import Foundation
import Testing
import SQLTestKit

@Suite("SQLValue and conversions")
struct SQLValueTests {
    @Test func literalsBuildTheMatchingCase() {
        let values: [SQLValue] = [nil, 42, 1.5, "text", true, false]
        #expect(values == [.null, .integer(42), .real(1.5), .text("text"), .integer(1), .integer(0)])
    }

    @Test func integersConvertExactlyAndRejectOutOfRange() {
        #expect(Int64.max.sqlValue == .integer(.max))
        #expect(Int64(sqlValue: .integer(.min)) == .min)
        #expect(Int8(sqlValue: .integer(127)) == 127)
        #expect(Int8(sqlValue: .integer(128)) == nil)
        #expect(UInt8(sqlValue: .integer(-1)) == nil)
        #expect(Int(sqlValue: .real(5.0)) == 5)
        #expect(Int(sqlValue: .real(5.5)) == nil)
        #expect(Int(sqlValue: .text("5")) == nil)
    }

    @Test func unsignedValuesAboveInt64MaxBecomeExactText() {
        #expect(UInt64.max.sqlValue == .text("18446744073709551615"))
        #expect(UInt64(sqlValue: .text("18446744073709551615")) == .max)
        #expect(UInt64(42).sqlValue == .integer(42))
        #expect(UInt(sqlValue: .integer(7)) == 7)
    }

    @Test func boolsFloatsStringsAndBytes() {
        #expect(Bool(sqlValue: .integer(2)) == true)
        #expect(Bool(sqlValue: .integer(0)) == false)
        #expect(Bool(sqlValue: .text("true")) == nil)
        #expect(Double(sqlValue: .integer(3)) == 3)
        #expect(Float(1.5).sqlValue == .real(1.5))
        #expect(String(sqlValue: .integer(1)) == nil)
        #expect([UInt8]().sqlValue == .blob([]))
        #expect(Data([1, 2]).sqlValue == .blob([1, 2]))
        #expect(Data(sqlValue: .null) == nil)
    }

    @Test func optionalsBindNullAndReadNullAsNil() {
        let missing: Int? = nil
        #expect(missing.sqlValue == .null)
        #expect(Int?(sqlValue: .null) == .some(nil))
        #expect(Int?(sqlValue: .integer(3)) == .some(3))
        #expect(Int?(sqlValue: .text("x")) == nil)
    }

    @Test func datesAreUTCTextAndReadManyISOShapes() throws {
        let date = Date(timeIntervalSince1970: 1_714_555_800.123)
        #expect(date.sqlValue == .text("2024-05-01 09:30:00.123"))
        #expect(Date(sqlValue: .text("2024-05-01 09:30:00.123"))?.timeIntervalSince1970 == 1_714_555_800.123)
        #expect(Date(sqlValue: .text("2024-05-01"))?.timeIntervalSince1970 == 1_714_521_600)
        #expect(Date(sqlValue: .text("2024-05-01T11:30:00+02:00"))?.timeIntervalSince1970 == 1_714_555_800)
        #expect(Date(sqlValue: .text("2024-05-01T09:30Z"))?.timeIntervalSince1970 == 1_714_555_800)
        #expect(Date(sqlValue: .integer(0)) == Date(timeIntervalSince1970: 0))
        #expect(Date(sqlValue: .text("2024-02-30")) == nil)
        #expect(Date(sqlValue: .text("yesterday")) == nil)
        #expect(SQLDateFormat.string(from: Date(timeIntervalSince1970: -1)) == "1969-12-31 23:59:59.000")
        #expect(SQLDateFormat.string(from: Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29 00:00:00.000")
    }

    @Test func uuidsAreTextAndReadFromTextOrSixteenBytes() {
        let uuid = UUID(uuidString: "E621E1F8-C36C-495A-93FC-0C247A3E6E5F")!
        #expect(uuid.sqlValue == .text("E621E1F8-C36C-495A-93FC-0C247A3E6E5F"))
        #expect(UUID(sqlValue: .text("e621e1f8-c36c-495a-93fc-0c247a3e6e5f")) == uuid)
        let bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
        #expect(UUID(sqlValue: .blob(bytes)) == uuid)
        #expect(UUID(sqlValue: .blob([1, 2])) == nil)
    }

    @Test func descriptionsShowLiteralsAndStorageClasses() {
        #expect(SQLValue.text("it's").description == "'it''s'")
        #expect(SQLValue.blob([0xCA, 0xFE]).debugDescription == "BLOB X'CAFE'")
        #expect(SQLValue.integer(3).debugDescription == "INTEGER 3")
        #expect(SQLValue.null.debugDescription == "NULL")
    }
}
