import Foundation
import SQLTestKit
import SQLTestKitTesting
import Testing

// The examples of the "Factories that know the schema" article, compiled and run as written.

enum Shop {
    static let fixtures = try! FixtureSet(files: [
        "customer.yml": "ada: { name: Ada Lovelace, email: ada@example.com }",
    ])
    static let template = DatabaseTemplate(schema: """
        CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT NOT NULL,
                              email TEXT NOT NULL UNIQUE);
        CREATE TABLE product(id INTEGER PRIMARY KEY, title TEXT NOT NULL,
                             price REAL NOT NULL, in_stock BOOLEAN NOT NULL DEFAULT 1);
        CREATE TABLE "order"(id INTEGER PRIMARY KEY,
                             customer_id INTEGER NOT NULL REFERENCES customer(id),
                             product_id INTEGER NOT NULL REFERENCES product(id),
                             quantity INTEGER NOT NULL, placed DATE NOT NULL);
        """, fixtures: fixtures)
}

@Suite struct FactoryExamples {
    @Test func anOrderWithEverythingItNeeds() async throws {
        try await IsolatedDatabase.with(Shop.template) { db in
            let factory = RowFactory(db, fixtures: Shop.fixtures)

            // Only what the test is about; the rest is filled in.
            let order = try await factory.insert("order", ["quantity": 3])
            #expect(order["quantity"] == 3)
            #expect(order["placed"] == "2024-01-01")

            // The customer and the product were made for it.
            let product = try await db.fetchOne(
                "SELECT title, price FROM product WHERE id = \(order["product_id"]!)")
            #expect(product?["title"] == "product title 1")

            // A fixture row by its label.
            let ada = try await factory.insert("order", ["customer": .label("ada")])
            #expect(ada["customer_id"] == .integer(Shop.fixtures.id(of: "ada", in: "customer")!))
        }
    }

    @Test func manyRowsAtOnce() async throws {
        try await IsolatedDatabase.with(Shop.template) { db in
            let products = try await RowFactory(db).insert("product", count: 20)
            #expect(products.last?["title"] == "product title 20")
        }
    }
}
