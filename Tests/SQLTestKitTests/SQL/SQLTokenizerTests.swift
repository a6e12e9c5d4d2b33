import Testing
import SQLTestKit

@Suite("The SQL tokenizer")
struct SQLTokenizerTests {
    private func kinds(_ sql: String) -> [SQLToken.Kind] {
        SQLTokenizer.tokenize(sql).filter(\.isSignificant).map(\.kind)
    }

    @Test(arguments: [
        "SELECT 'it''s', \"a\"\"b\", `c`, [d e] FROM t -- note\n/* block ; */ WHERE x = ?",
        "SELECT $$ body; with 'quotes' $$, $tag$ x $tag$, E'a\\'b', X'CAFE', 0x1F, 1.5e-3, .5",
        "é ünïcode = 'naïve' ∑",
        "unterminated 'string",
        "",
    ])
    func concatenatedTokensGiveBackTheInput(sql: String) {
        #expect(SQLTokenizer.tokenize(sql).map(\.text).joined() == sql)
    }

    @Test func recognisesEveryKind() {
        #expect(kinds("SELECT 'a?b', \"id\", X'00', 42, ? FROM t") ==
            [.word, .string, .symbol, .quotedIdentifier, .symbol, .blob, .symbol, .number, .symbol, .placeholder, .word, .word])
    }

    @Test func recognisesEveryPlaceholderStyle() {
        let placeholders = SQLTokenizer.tokenize("? ?12 $1 :name @name $name x::int")
            .filter { $0.kind == .placeholder }.map(\.text)
        #expect(placeholders == ["?", "?12", "$1", ":name", "@name", "$name"])
    }

    @Test func dollarQuotedStringsHideTheirContents() {
        let tokens = SQLTokenizer.tokenize("SELECT $fn$ SELECT ?; $fn$").filter(\.isSignificant)
        #expect(tokens.map(\.kind) == [.word, .string])
    }

    @Test func offsetsAreUTF8Positions() {
        let tokens = SQLTokenizer.tokenize("é = ?")
        #expect(tokens.last?.offset == 5)
    }

    @Test func identifierNamesUndoQuoting() {
        let names = SQLTokenizer.tokenize(#""a""b" `c``d` [e f] plain"#).compactMap(\.identifierName)
        #expect(names == [#"a"b"#, "c`d", "e f", "plain"])
    }

    @Test func scriptsSplitAtTopLevelSemicolonsOnly() {
        let script = """
            CREATE TABLE t(x TEXT); -- first
            INSERT INTO t VALUES (';');
            CREATE TRIGGER tr AFTER INSERT ON t BEGIN
              UPDATE t SET x = CASE WHEN x = 'a' THEN 'b' ELSE x END;
              DELETE FROM t WHERE x IS NULL;
            END;
            ;
            SELECT 1
            """
        let statements = SQLTokenizer.statements(in: script)
        #expect(statements.count == 4)
        #expect(statements[0] == "CREATE TABLE t(x TEXT)")
        #expect(statements[1] == "INSERT INTO t VALUES (';')")
        #expect(statements[2].hasPrefix("CREATE TRIGGER tr") && statements[2].hasSuffix("END"))
        #expect(statements[3] == "SELECT 1")
    }

    @Test(arguments: [
        ("SELECT 1", StatementKind.select),
        ("  (SELECT 1)", .select),
        ("insert into t values (1)", .insert),
        ("REPLACE INTO t VALUES (1)", .insert),
        ("WITH x AS (SELECT 1) DELETE FROM t WHERE id IN (SELECT * FROM x)", .delete),
        ("WITH x AS (SELECT 1) SELECT * FROM x", .select),
        ("UPDATE t SET a = 1", .update),
        ("CREATE TABLE t(x)", .schema),
        ("BEGIN IMMEDIATE", .transaction(.begin)),
        ("START TRANSACTION", .transaction(.begin)),
        ("END", .transaction(.commit)),
        ("COMMIT", .transaction(.commit)),
        ("ROLLBACK", .transaction(.rollback)),
        ("ROLLBACK TO sp1", .transaction(.rollbackToSavepoint("sp1"))),
        ("ROLLBACK TRANSACTION TO SAVEPOINT \"sp 2\"", .transaction(.rollbackToSavepoint("sp 2"))),
        ("SAVEPOINT a", .transaction(.savepoint("a"))),
        ("RELEASE SAVEPOINT a", .transaction(.release("a"))),
        ("RELEASE a", .transaction(.release("a"))),
        ("PRAGMA foreign_keys = ON", .setting),
        ("select 1", .select),
        ("-- a comment\nDelete FROM t", .delete),
        ("values (1)", .select),
        ("drop table t", .schema),
        ("Alter TABLE t ADD x", .schema),
        ("set search_path = x", .setting),
        ("show tables", .setting),
        ("replace into t values (1)", .insert),
        ("SELECTED 1", .other("SELECTED")),
        ("SETS 1", .other("SETS")),
        ("/* hint */ VACUUM", .other("VACUUM")),
    ])
    func classifiesStatements(sql: String, kind: StatementKind) {
        #expect(StatementKind(sql: sql) == kind)
    }
}
