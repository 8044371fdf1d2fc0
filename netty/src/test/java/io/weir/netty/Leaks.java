package io.weir.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Leak detection for the tests: PARANOID level (every buffer tracked) and a listener that records every leak
 * Netty reports, so a test fails on a leak instead of only logging it. Installed before the first buffer class
 * is initialised (the test classes extend {@link LeakCheckedTest}, whose static initialiser calls
 * {@link #install()}).
 */
final class Leaks {
    private static final List<String> REPORTS = Collections.synchronizedList(new ArrayList<>());
    private static boolean installed;

    private Leaks() {
    }

    static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            @SuppressWarnings("deprecation")
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                    long maxActive) {
                ResourceLeakDetector<T> d = new ResourceLeakDetector<>(resource, samplingInterval, maxActive);
                d.setLeakListener((type, records) -> REPORTS.add(type + " leaked: " + records));
                return d;
            }
        });
    }

    /** Collects garbage, lets the detector report, and returns (and forgets) what it reported. */
    static List<String> collect() {
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // Leaks are reported when a buffer is next tracked.
            ByteBuf probe = Unpooled.directBuffer(1);
            probe.release();
        }
        synchronized (REPORTS) {
            List<String> out = new ArrayList<>(REPORTS);
            REPORTS.clear();
            return out;
        }
    }

    /** Fails when Netty reported a leak since the last check. */
    static void assertNone() {
        assertEquals(List.of(), collect(), "leaked buffers");
    }
}
