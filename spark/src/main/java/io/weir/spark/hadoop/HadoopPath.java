package io.weir.spark.hadoop;

import java.net.URI;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Path} naming a Hadoop file: a qualified {@link org.apache.hadoop.fs.Path} ({@code hdfs://nn/a/b.pcap})
 * or a relative name (what {@link #getFileName()} gives, resolved against a parent later). Only what capture's
 * readers do with a path is supported: open it, read its attributes, take its name, resolve a sibling (the
 * index sidecar); watching and relativizing are not.
 */
final class HadoopPath implements Path {
    private final HadoopNioFileSystem fs;
    private final org.apache.hadoop.fs.Path path;

    HadoopPath(HadoopNioFileSystem fs, org.apache.hadoop.fs.Path path) {
        this.fs = fs;
        this.path = path;
    }

    /** The Hadoop path. */
    org.apache.hadoop.fs.Path hadoop() {
        return path;
    }

    @Override
    public HadoopNioFileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return path.isAbsolute() || path.toUri().getScheme() != null;
    }

    @Override
    public Path getRoot() {
        return isAbsolute() ? new HadoopPath(fs, new org.apache.hadoop.fs.Path(path.toUri().resolve("/"))) : null;
    }

    @Override
    public Path getFileName() {
        String n = path.getName();
        return n.isEmpty() ? null : new HadoopPath(fs, new org.apache.hadoop.fs.Path(n));
    }

    @Override
    public Path getParent() {
        org.apache.hadoop.fs.Path p = path.getParent();
        return p == null ? null : new HadoopPath(fs, p);
    }

    private List<String> names() {
        List<String> out = new ArrayList<>();
        for (String s : path.toUri().getPath().split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    @Override
    public int getNameCount() {
        return names().size();
    }

    @Override
    public Path getName(int index) {
        return new HadoopPath(fs, new org.apache.hadoop.fs.Path(names().get(index)));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        return new HadoopPath(fs, new org.apache.hadoop.fs.Path(String.join("/", names().subList(beginIndex,
                endIndex))));
    }

    @Override
    public boolean startsWith(Path other) {
        return other instanceof HadoopPath h && names().subList(0, Math.min(getNameCount(), h.getNameCount()))
                .equals(h.names()) && isAbsolute() == h.isAbsolute();
    }

    @Override
    public boolean endsWith(Path other) {
        List<String> mine = names();
        List<String> theirs = other instanceof HadoopPath h ? h.names() : List.of();
        return !theirs.isEmpty() && theirs.size() <= mine.size()
                && mine.subList(mine.size() - theirs.size(), mine.size()).equals(theirs);
    }

    @Override
    public Path normalize() {
        return this;   // Hadoop paths are normalized when made
    }

    @Override
    public Path resolve(Path other) {
        if (other.isAbsolute()) {
            return other;
        }
        String o = other.toString();
        return o.isEmpty() ? this : new HadoopPath(fs, new org.apache.hadoop.fs.Path(path, o));
    }

    @Override
    public Path relativize(Path other) {
        throw new UnsupportedOperationException("relativize is not supported on Hadoop paths: " + this);
    }

    @Override
    public URI toUri() {
        return path.toUri();
    }

    @Override
    public Path toAbsolutePath() {
        return this;
    }

    @Override
    public Path toRealPath(LinkOption... options) {
        return this;
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        throw new UnsupportedOperationException("Hadoop paths cannot be watched: " + this);
    }

    @Override
    public int compareTo(Path other) {
        return toString().compareTo(other.toString());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HadoopPath h && h.path.equals(path);
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
