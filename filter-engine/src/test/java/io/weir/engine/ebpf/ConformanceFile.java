package io.weir.engine.ebpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One bpf_conformance {@code .data} file: sections {@code -- asm}, {@code -- raw}, {@code -- mem},
 * {@code -- result}, {@code -- error} (and {@code -- c} / {@code -- no register offset}, ignored), {@code #}
 * comments, read with the same rules as the suite's runner.
 */
record ConformanceFile(String name, String asm, List<String> raw, byte[] mem, Long result, String error,
        boolean hasErrorSection) {

    /** The shared directory of fixtures, or null when absent (tests then skip). */
    static Path sharedDir() {
        String dir = System.getProperty("weir.sharedDir");
        if (dir == null) {
            return null;
        }
        Path p = Paths.get(dir);
        return Files.isDirectory(p.resolve("bpf-conformance")) ? p : null;
    }

    /** The {@code .data} files of {@code dir}, sorted, optionally filtered by a name prefix. */
    static List<Path> list(Path dir, String prefix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".data"))
                    .filter(p -> prefix == null || p.getFileName().toString().startsWith(prefix))
                    .sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ConformanceFile read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String state = "ignore";
        StringBuilder asm = new StringBuilder();
        List<String> raw = new ArrayList<>();
        List<String> mem = new ArrayList<>();
        String result = null;
        String error = null;
        boolean errorSection = false;
        for (String line : text.split("\n", -1)) {
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            if (line.contains("--")) {
                if (line.contains("asm")) {
                    state = "asm";
                } else if (line.contains("result")) {
                    state = "result";
                } else if (line.contains("mem")) {
                    state = "mem";
                } else if (line.contains("raw")) {
                    state = "raw";
                } else if (line.contains("error")) {
                    state = "error";
                    errorSection = true;
                } else {
                    state = "ignore";
                }
                continue;
            }
            if (line.isEmpty()) {
                continue;
            }
            switch (state) {
                case "asm" -> asm.append(line).append('\n');
                case "result" -> result = line.strip();
                case "mem" -> mem.add(line);
                case "raw" -> raw.addAll(List.of(line.strip().split("\\s+")));
                case "error" -> error = line;
                default -> { }
            }
        }
        Long res = null;
        if (result != null && !result.isEmpty()) {
            res = result.contains("0x") ? Long.parseUnsignedLong(result.replace("0x", ""), 16)
                    : Long.parseUnsignedLong(result);
        }
        List<String> memTokens = new ArrayList<>();
        for (String m : mem) {
            for (String t : m.strip().split("\\s+")) {
                if (!t.isEmpty()) {
                    memTokens.add(t);
                }
            }
        }
        byte[] bytes = new byte[memTokens.size()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(memTokens.get(i), 16);
        }
        return new ConformanceFile(file.getFileName().toString(), asm.toString(), raw, bytes, res, error,
                errorSection);
    }

    /** Whether the raw section lists bytes ("95 00 ...") rather than 64-bit words ("0x..."). */
    boolean rawIsBytes() {
        return !raw.isEmpty() && raw.stream().allMatch(t -> t.matches("[0-9a-fA-F]{2}"));
    }

    /** The program: the raw section when present (as the runner does), else the assembly. */
    Program program() {
        if (raw.isEmpty()) {
            return Assembler.assemble(asm, ProgramType.RAW);
        }
        return Program.decode(ProgramType.RAW, rawBytes());
    }

    /** The raw section as the kernel's bytes. */
    byte[] rawBytes() {
        if (rawIsBytes()) {
            byte[] b = new byte[(raw.size() + 7) / 8 * 8];
            for (int i = 0; i < raw.size(); i++) {
                b[i] = (byte) Integer.parseInt(raw.get(i), 16);
            }
            return b;
        }
        long[] words = new long[raw.size()];
        for (int i = 0; i < words.length; i++) {
            String t = raw.get(i);
            words[i] = t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseUnsignedLong(t);
        }
        byte[] b = new byte[words.length * 8];
        for (int i = 0; i < words.length; i++) {
            for (int k = 0; k < 8; k++) {
                b[i * 8 + k] = (byte) (words[i] >>> (8 * k));
            }
        }
        return b;
    }
}
