package io.weir.capture.live;

import io.weir.capture.LinkType;
import java.util.Objects;

/**
 * How to open a live capture: the interface and libpcap's handle options, as tcpdump's flags set them. Immutable;
 * made with {@link #builder(String)}.
 */
public final class LiveOptions {
    /** Which packets of the interface to capture, relative to the host ({@code pcap_setdirection}, tcpdump -Q). */
    public enum Direction {
        /** Received packets only. */
        IN,
        /** Sent packets only. */
        OUT,
        /** Both (the default). */
        INOUT;

        /** Parses tcpdump's {@code -Q} words {@code in}, {@code out}, {@code inout}. */
        public static Direction of(String word) {
            switch (word) {
                case "in": return IN;
                case "out": return OUT;
                case "inout": return INOUT;
                default: throw new IllegalArgumentException("unknown capture direction '" + word + "'");
            }
        }
    }

    /** Default read timeout: the longest a packet waits in the kernel's buffer, and the loop's reaction time. */
    public static final int DEFAULT_TIMEOUT_MILLIS = 100;

    private final String device;
    private final int snapLen;
    private final boolean promiscuous;
    private final int bufferBytes;
    private final boolean immediate;
    private final Direction direction;
    private final boolean nanos;
    private final int timeoutMillis;

    private LiveOptions(Builder b) {
        this.device = b.device;
        this.snapLen = b.snapLen;
        this.promiscuous = b.promiscuous;
        this.bufferBytes = b.bufferBytes;
        this.immediate = b.immediate;
        this.direction = b.direction;
        this.nanos = b.nanos;
        this.timeoutMillis = b.timeoutMillis;
    }

    /** A builder for capturing on {@code device} (an interface name, or {@code any}). */
    public static Builder builder(String device) {
        return new Builder(device);
    }

    /** The interface name. */
    public String device() {
        return device;
    }

    /** Snapshot length: bytes kept of each packet (tcpdump's default, 262144, when 0 was asked). */
    public int snapLen() {
        return snapLen;
    }

    /** Whether the interface is put in promiscuous mode (tcpdump's default; {@code -p} turns it off). */
    public boolean promiscuous() {
        return promiscuous;
    }

    /** Kernel buffer size in bytes, or 0 for libpcap's default ({@code -B} is in KiB). */
    public int bufferBytes() {
        return bufferBytes;
    }

    /** Whether packets are delivered as soon as they arrive instead of in batches ({@code --immediate-mode}). */
    public boolean immediate() {
        return immediate;
    }

    /** Which direction to capture. */
    public Direction direction() {
        return direction;
    }

    /** Whether time stamps are asked with nanosecond precision ({@code --time-stamp-precision nano}). */
    public boolean nanos() {
        return nanos;
    }

    /** Read timeout in milliseconds: {@link LiveSource#next()} returns {@code false} after it with no packet. */
    public int timeoutMillis() {
        return timeoutMillis;
    }

    @Override
    public String toString() {
        return "LiveOptions[" + device + ", snaplen " + snapLen + (promiscuous ? ", promiscuous" : "")
                + (bufferBytes > 0 ? ", buffer " + bufferBytes : "") + (immediate ? ", immediate" : "") + ", "
                + direction + (nanos ? ", nano" : ", micro") + ", timeout " + timeoutMillis + " ms]";
    }

    /** Builds {@link LiveOptions}; every setter checks its value. */
    public static final class Builder {
        private final String device;
        private int snapLen = LinkType.MAXIMUM_SNAPLEN;
        private boolean promiscuous = true;
        private int bufferBytes;
        private boolean immediate;
        private Direction direction = Direction.INOUT;
        private boolean nanos;
        private int timeoutMillis = DEFAULT_TIMEOUT_MILLIS;

        private Builder(String device) {
            this.device = Objects.requireNonNull(device, "device");
        }

        /** Snapshot length; 0 means tcpdump's default, 262144. */
        public Builder snapLen(int snapLen) {
            if (snapLen < 0) {
                throw new IllegalArgumentException("invalid snaplen " + snapLen);
            }
            this.snapLen = snapLen == 0 ? LinkType.MAXIMUM_SNAPLEN : snapLen;
            return this;
        }

        public Builder promiscuous(boolean on) {
            this.promiscuous = on;
            return this;
        }

        /** Kernel buffer size in bytes (0: libpcap's default). */
        public Builder bufferBytes(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("invalid buffer size " + bytes);
            }
            this.bufferBytes = bytes;
            return this;
        }

        public Builder immediate(boolean on) {
            this.immediate = on;
            return this;
        }

        public Builder direction(Direction d) {
            this.direction = Objects.requireNonNull(d, "direction");
            return this;
        }

        public Builder nanos(boolean on) {
            this.nanos = on;
            return this;
        }

        /** Read timeout, at least 1 ms (0 would block libpcap forever and the loop could not be stopped). */
        public Builder timeoutMillis(int millis) {
            if (millis <= 0) {
                throw new IllegalArgumentException("invalid timeout " + millis + " ms");
            }
            this.timeoutMillis = millis;
            return this;
        }

        public LiveOptions build() {
            return new LiveOptions(this);
        }
    }
}
