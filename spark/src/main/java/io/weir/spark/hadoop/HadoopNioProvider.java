package io.weir.spark.hadoop;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.spi.FileSystemProvider;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;

/**
 * The read-only operations of {@link java.nio.file.Files} and {@link FileChannel#open} on {@link HadoopPath}s,
 * through Hadoop's {@code FileSystem}: open (a {@link HadoopChannel}), size and modification time (from
 * {@code getFileStatus}), existence. Never installed (no {@code META-INF/services}): paths are made by
 * {@link HadoopFiles}, so nothing outside this package can reach it by URI. Writing is refused.
 */
final class HadoopNioProvider extends FileSystemProvider {
    static final HadoopNioProvider INSTANCE = new HadoopNioProvider();

    private HadoopNioProvider() {}

    private static HadoopPath cast(Path p) {
        if (p instanceof HadoopPath h) {
            return h;
        }
        throw new java.nio.file.ProviderMismatchException(String.valueOf(p));
    }

    private static FileStatus status(Path p) throws IOException {
        HadoopPath h = cast(p);
        try {
            return h.getFileSystem().hadoop().getFileStatus(h.hadoop());
        } catch (FileNotFoundException e) {
            throw new NoSuchFileException(h.toString(), null, "No such file or directory");
        }
    }

    @Override
    public String getScheme() {
        return "weir-hadoop";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException("Hadoop paths are made by io.weir.spark.hadoop.HadoopFiles");
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        throw new UnsupportedOperationException("Hadoop paths are made by io.weir.spark.hadoop.HadoopFiles");
    }

    @Override
    public Path getPath(URI uri) {
        throw new UnsupportedOperationException("Hadoop paths are made by io.weir.spark.hadoop.HadoopFiles");
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        for (OpenOption o : options) {
            if (o != StandardOpenOption.READ && o != LinkOption.NOFOLLOW_LINKS) {
                throw new ReadOnlyFileSystemException();
            }
        }
        HadoopPath h = cast(path);
        FileStatus st = status(h);
        if (st.isDirectory()) {
            throw new IOException(h + ": Is a directory");
        }
        return new HadoopChannel(h.getFileSystem().hadoop().open(h.hadoop()), st.getLen(), h.toString());
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
            FileAttribute<?>... attrs) throws IOException {
        return newFileChannel(path, options, attrs);
    }

    @Override
    public InputStream newInputStream(Path path, OpenOption... options) throws IOException {
        HadoopPath h = cast(path);
        status(h);
        return h.getFileSystem().hadoop().open(h.hadoop());
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter) {
        throw new UnsupportedOperationException("Hadoop directories are listed by HadoopFiles.list");
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) {
        throw new ReadOnlyFileSystemException();
    }

    @Override
    public void delete(Path path) {
        throw new ReadOnlyFileSystemException();
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) {
        throw new ReadOnlyFileSystemException();
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) {
        throw new ReadOnlyFileSystemException();
    }

    @Override
    public boolean isSameFile(Path path, Path path2) {
        return path.equals(path2);
    }

    @Override
    public boolean isHidden(Path path) {
        String n = cast(path).hadoop().getName();
        return n.startsWith(".") || n.startsWith("_");
    }

    @Override
    public FileStore getFileStore(Path path) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        for (AccessMode m : modes) {
            if (m == AccessMode.WRITE) {
                throw new ReadOnlyFileSystemException();
            }
        }
        status(path);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        if (!type.isAssignableFrom(Attributes.class)) {
            throw new UnsupportedOperationException("only basic attributes of Hadoop files: " + type.getName());
        }
        return (A) new Attributes(status(path));
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
            throws IOException {
        Attributes a = new Attributes(status(path));
        return Map.of("size", a.size(), "lastModifiedTime", a.lastModifiedTime(), "isRegularFile",
                a.isRegularFile(), "isDirectory", a.isDirectory());
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) {
        throw new ReadOnlyFileSystemException();
    }

    /** A Hadoop {@link FileStatus} as basic attributes. */
    private record Attributes(FileStatus status) implements BasicFileAttributes {
        @Override
        public FileTime lastModifiedTime() {
            return FileTime.fromMillis(status.getModificationTime());
        }

        @Override
        public FileTime lastAccessTime() {
            return FileTime.fromMillis(status.getAccessTime());
        }

        @Override
        public FileTime creationTime() {
            return lastModifiedTime();
        }

        @Override
        public boolean isRegularFile() {
            return status.isFile();
        }

        @Override
        public boolean isDirectory() {
            return status.isDirectory();
        }

        @Override
        public boolean isSymbolicLink() {
            return status.isSymlink();
        }

        @Override
        public boolean isOther() {
            return false;
        }

        @Override
        public long size() {
            return status.getLen();
        }

        @Override
        public Object fileKey() {
            return null;
        }
    }
}
