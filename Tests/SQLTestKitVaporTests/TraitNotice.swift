#if !(Fluent && PostgreSQL)
import Testing

/// Without the `Fluent` and `PostgreSQL` traits these tests are not compiled; this one says how to run them.
@Test(.disabled("the Vapor guide's tests need two traits: swift test --traits Fluent,PostgreSQL"))
func vaporTestsNeedTheTraits() {}
#endif
