package io.weir.spark;

import io.weir.spark.hadoop.HadoopFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Turns the reader's paths into the capture files to read: a file as is, a directory as every file below it,
 * a glob ({@code *}, {@code ?}, {@code [..]}, {@code {a,b}}, {@code **}) as the files it matches. Hidden
 * entries ({@code .name}, {@code _name}, as Spark's file sources skip them) and Weir's index sidecars are left
 * out. The result is sorted and free of duplicates, so partition numbers do not depend on listing order.
 *
 * <p>Local paths (no scheme, or {@code file:}) are the fast path: the JDK's {@link java.nio.channels.FileChannel},
 * so every executor must see them at the same path. Paths the options route through Hadoop
 * ({@link PcapOptions#viaHadoop}) are listed by {@link HadoopFiles#list}.
 */
final class PathResolver {

    private PathResolver() {}

    /** The local files {@code paths} name, sorted. */
    static List<Path> resolve(List<String> paths) {
        return resolve(paths, p -> false, null);
    }

    /** The files {@code paths} name, sorted: through {@code hadoop} where {@code viaHadoop} says so. */
    static List<Path> resolve(List<String> paths, Predicate<String> viaHadoop, HadoopFiles hadoop) {
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("no path given: use load(PATH...) or option(\"path\", ...)");
        }
        TreeSet<Path> out = new TreeSet<>(java.util.Comparator.comparing(Path::toString));
        for (String raw : paths) {
            if (viaHadoop.test(raw)) {
                out.addAll(hadoop.list(raw));
                continue;
            }
            String p = raw.startsWith("file://") ? raw.substring("file://".length())
                    : raw.startsWith("file:") ? raw.substring("file:".length()) : raw;
            int before = out.size();
            if (isGlob(p)) {
                glob(p, out);
            } else {
                Path path = Path.of(p).toAbsolutePath().normalize();
                if (Files.isDirectory(path)) {
                    walk(path, Integer.MAX_VALUE, null, out);
                } else if (Files.isRegularFile(path)) {
                    out.add(path);
                } else {
                    throw new IllegalArgumentException("Path does not exist: " + raw);
                }
            }
            if (out.size() == before && isGlob(p)) {
                throw new IllegalArgumentException("Path does not exist: " + raw + " (the glob matches no file)");
            }
        }
        return new ArrayList<>(out);
    }

    private static boolean isGlob(String p) {
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{') {
                return true;
            }
        }
        return false;
    }

    private static void glob(String pattern, TreeSet<Path> out) {
        String full = pattern.startsWith("/") ? pattern : Path.of("").toAbsolutePath() + "/" + pattern;
        int cut = 0;
        for (int i = 0; i < full.length() && !isGlob(full.substring(i, i + 1)); i++) {
            if (full.charAt(i) == '/') {
                cut = i;
            }
        }
        Path base = Path.of(cut == 0 ? "/" : full.substring(0, cut));
        String rest = full.substring(cut + 1);
        int depth = rest.contains("**") ? Integer.MAX_VALUE : rest.split("/").length;
        if (!Files.isDirectory(base)) {
            return;
        }
        walk(base, depth, FileSystems.getDefault().getPathMatcher("glob:" + full), out);
    }

    private static void walk(Path base, int depth, PathMatcher matcher, TreeSet<Path> out) {
        try (Stream<Path> s = Files.walk(base, depth)) {
            s.forEach(f -> {
                if (Files.isRegularFile(f) && !hidden(base, f) && (matcher == null || matcher.matches(f))) {
                    out.add(f.normalize());
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + base + ": " + e.getMessage(), e);
        }
    }

    private static boolean hidden(Path base, Path f) {
        Path rel = base.relativize(f);
        for (Path part : rel) {
            String n = part.toString();
            if (n.startsWith(".") || n.startsWith("_")) {
                return true;
            }
        }
        return f.getFileName().toString().endsWith(io.weir.capture.split.CaptureIndex.SUFFIX);
    }
}
