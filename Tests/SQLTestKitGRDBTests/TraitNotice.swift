#if !GRDB
import Testing

/// Without the `GRDB` trait these tests are not compiled; this one says how to run them.
@Test(.disabled("the GRDB adapter's tests need its trait: swift test --traits GRDB"))
func grdbTestsNeedTheTrait() {}
#endif
