#if !PostgreSQL
import Testing

/// Without the `PostgreSQL` trait these tests are not compiled; this one says how to run them.
@Test(.disabled("the PostgreSQL tests need the trait: swift test --traits PostgreSQL"))
func postgresTestsNeedTheTrait() {}
#endif
