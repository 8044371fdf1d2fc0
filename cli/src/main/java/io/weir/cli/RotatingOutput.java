package io.weir.cli;

import io.weir.capture.Packet;
import java.io.IOException;
import java.time.ZoneId;
import java.util.function.LongSupplier;

/**
 * {@code -w FILE} with {@code -C}, {@code -G} and {@code -W}: a series of capture files, rotated exactly where
 * tcpdump rotates them (its {@code dump_packet_and_trunc}), named as tcpdump names them ({@link Rotation}).
 *
 * <p>Before each packet: with {@code -G}, if SECONDS or more have passed since the last rotation (by the clock,
 * not the packets' time stamps, as tcpdump does), the current file is closed and the next one opened, numbered 0
 * again; with {@code -G} and {@code -W} but no {@code -C}, the COUNT-th such rotation ends the run instead
 * ({@link FileLimitReached}). Then, with {@code -C}, if the current file is larger than SIZE, the next number is
 * opened (back to 0 after COUNT files with {@code -W}: a ring). So a file may exceed SIZE by one packet, and every
 * file is closed, complete and valid, before the next is opened.
 */
final class RotatingOutput implements PacketOutput {
    /** The {@code -G -W} limit was reached: the run ends successfully ("Maximum file limit reached: N"). */
    static final class FileLimitReached extends IOException {
        private static final long serialVersionUID = 1L;

        FileLimitReached(int files) {
            super("Maximum file limit reached: " + files);
        }
    }

    private final String base;
    private final Rotation plan;
    private final DumpFile.Format format;
    private final LongSupplier clock;
    private final ZoneId zone;
    private final int width;
    private DumpFile current;
    private int sizeCount;
    private int timeCount;
    private long rotatedAt;

    /**
     * Opens the first file.
     *
     * @param base  the {@code -w} name
     * @param clock the time in epoch seconds ({@code -G} rotates and names by it)
     * @param zone  the zone {@code strftime} formats in (tcpdump's local time)
     */
    RotatingOutput(String base, Rotation plan, DumpFile.Format format, LongSupplier clock, ZoneId zone)
            throws IOException {
        this.base = base;
        this.plan = plan;
        this.format = format;
        this.clock = clock;
        this.zone = zone;
        this.width = plan.width();
        this.rotatedAt = clock.getAsLong();
        this.current = open(0, plan.sizeBytes() > 0 ? width : 0);
    }

    /** The file being written. */
    String currentName() {
        return current.name();
    }

    @Override
    public void write(Packet p) throws IOException {
        if (plan.seconds() > 0) {
            long now = clock.getAsLong();
            if (now - rotatedAt >= plan.seconds()) {
                rotatedAt = now;
                timeCount++;
                closeCurrent();
                if (plan.sizeBytes() == 0 && plan.files() > 0 && timeCount >= plan.files()) {
                    throw new FileLimitReached(plan.files());
                }
                sizeCount = 0;
                current = open(0, plan.sizeBytes() > 0 ? width : 0);
            }
        }
        if (plan.sizeBytes() > 0 && current.size() > plan.sizeBytes()) {
            closeCurrent();
            sizeCount++;
            if (plan.files() > 0 && sizeCount >= plan.files()) {
                sizeCount = 0;
            }
            current = open(sizeCount, width);
        }
        current.write(p);
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            closeCurrent();
        }
    }

    private void closeCurrent() throws IOException {
        DumpFile c = current;
        current = null;
        c.close();
    }

    private DumpFile open(int number, int digits) throws IOException {
        return DumpFile.open(plan.name(base, number, digits, rotatedAt, zone), format, null);
    }
}
