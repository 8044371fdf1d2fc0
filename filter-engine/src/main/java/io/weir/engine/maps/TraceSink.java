package io.weir.engine.maps;

/** Receives the lines a program prints with {@code bpf_trace_printk} (the CLI writes them to stderr). */
@FunctionalInterface
public interface TraceSink {
    /** A sink that drops every line. */
    TraceSink DISCARD = line -> { };

    /** One formatted line, without its trailing newline. */
    void line(String line);
}
