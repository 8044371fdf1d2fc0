package io.weir.netty;

import org.junit.jupiter.api.AfterEach;

/** Base of the handler tests: leak detection at PARANOID level, checked after every test. */
abstract class LeakCheckedTest {
    static {
        Leaks.install();
    }

    @AfterEach
    void noLeaks() {
        Leaks.assertNone();
    }
}
