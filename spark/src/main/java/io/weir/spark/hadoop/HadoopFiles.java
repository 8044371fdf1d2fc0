package io.weir.spark.hadoop;

import io.weir.capture.split.CaptureIndex;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Capture files on Hadoop file systems ({@code hdfs://}, {@code s3a://}, {@code file://} when asked): listing
 * with Hadoop's globbing, and {@link Path}s that capture's readers open as {@link java.nio.channels.FileChannel}s
 * over Hadoop streams (positioned reads for the split resync, one seek per split start). Serializable, so the
 * driver's Hadoop configuration (Spark's, plus the read's {@code fs.*} options) travels to the tasks.
 *
 * <pre>{@code
 * HadoopFiles h = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
 * for (Path p : h.list("s3a://bucket/captures/*.pcap")) {
 *     try (PcapReader r = PcapReader.open(p)) { ... }
 * }
 * }</pre>
 */
public final class HadoopFiles implements Serializable {
    private static final long serialVersionUID = 1L;

    private transient Configuration conf;

    /** Files read through {@code conf}. */
    public HadoopFiles(Configuration conf) {
        this.conf = conf;
    }

    /** Whether {@code path} starts with a URI scheme ({@code hdfs:}, {@code s3a:}, {@code file:}...). */
    public static boolean hasScheme(String path) {
        int colon = path.indexOf(':');
        if (colon < 2) {
            return false;   // none, or a Windows drive letter
        }
        for (int i = 0; i < colon; i++) {
            char c = Character.toLowerCase(path.charAt(i));
            boolean ok = c >= 'a' && c <= 'z' || i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The scheme of {@code path}, lower case, or {@code null}. */
    public static String scheme(String path) {
        return hasScheme(path) ? path.substring(0, path.indexOf(':')).toLowerCase(Locale.ROOT) : null;
    }

    /** The file {@code uri} names, as a path capture's readers can open. */
    public Path path(String uri) {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri);
        try {
            return new HadoopNioFileSystem(p.getFileSystem(conf)).path(p);
        } catch (IOException e) {
            throw new UncheckedIOException(uri + ": " + e.getMessage(), e);
        }
    }

    /**
     * The files {@code pattern} names: a file as is, a directory as every file below it, a glob as Hadoop's
     * {@code globStatus} expands it; hidden entries ({@code .name}, {@code _name}) and index sidecars are left
     * out. Sorted by path.
     *
     * @throws IllegalArgumentException if nothing exists there
     */
    public List<Path> list(String pattern) {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(pattern);
        TreeSet<Path> out = new TreeSet<>();
        try {
            FileSystem fs = p.getFileSystem(conf);
            HadoopNioFileSystem nio = new HadoopNioFileSystem(fs);
            FileStatus[] matched = fs.globStatus(p, f -> !hidden(f.getName()));
            if (matched == null || matched.length == 0) {
                throw new IllegalArgumentException("Path does not exist: " + pattern);
            }
            for (FileStatus st : matched) {
                if (st.isDirectory()) {
                    RemoteIterator<LocatedFileStatus> it = fs.listFiles(st.getPath(), true);
                    while (it.hasNext()) {
                        LocatedFileStatus f = it.next();
                        if (f.isFile() && !hiddenBelow(st.getPath(), f.getPath())) {
                            out.add(nio.path(f.getPath()));
                        }
                    }
                } else if (!hidden(st.getPath().getName())) {
                    out.add(nio.path(st.getPath()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + pattern + ": " + e.getMessage(), e);
        }
        return new ArrayList<>(out);
    }

    private static boolean hidden(String name) {
        return name.startsWith(".") || name.startsWith("_") || name.endsWith(CaptureIndex.SUFFIX);
    }

    /** Whether a name between {@code base} and {@code f} (both included below base) is hidden. */
    private static boolean hiddenBelow(org.apache.hadoop.fs.Path base, org.apache.hadoop.fs.Path f) {
        for (org.apache.hadoop.fs.Path x = f; x != null && !x.equals(base) && x.depth() > base.depth();
                x = x.getParent()) {
            if (hidden(x.getName())) {
                return true;
            }
        }
        return false;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        conf.write(out);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        conf = new Configuration(false);
        conf.readFields(in);
    }
}
