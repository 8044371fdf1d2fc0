package io.weir.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a standard stream is a terminal, without loading JNA (the offline path must not): on Linux the link
 * {@code /proc/self/fd/N} names the terminal device ({@code /dev/pts/3}, {@code /dev/tty1}); elsewhere only
 * {@link System#console()} is known, which on JDK 17 needs standard input and output to be terminals too, so it
 * answers for all three streams at once.
 */
final class Terminal {
    private Terminal() {}

    /** Whether file descriptor {@code fd} (1: standard output, 2: standard error) is a terminal. */
    static boolean isTerminal(int fd) {
        Path link = Path.of("/proc/self/fd/" + fd);
        try {
            return isTerminalDevice(Files.readSymbolicLink(link).toString());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }

    /** Whether a device path is a terminal's: a pseudo-terminal, a virtual console, a serial line. */
    static boolean isTerminalDevice(String path) {
        return path.startsWith("/dev/pts/") || path.startsWith("/dev/tty") || path.equals("/dev/console");
    }
}
