#if !Fluent
import Testing

/// Without the `Fluent` trait these tests are not compiled; this one says how to run them.
@Test(.disabled("the Fluent adapter's tests need its trait: swift test --traits Fluent"))
func fluentTestsNeedTheTrait() {}
#endif
