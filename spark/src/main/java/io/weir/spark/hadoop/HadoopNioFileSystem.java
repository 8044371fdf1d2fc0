package io.weir.spark.hadoop;

import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.List;
import java.util.Set;

/**
 * One Hadoop {@link org.apache.hadoop.fs.FileSystem} seen as a read-only {@link FileSystem}: the owner of the
 * {@link HadoopPath}s capture's readers open. Closing it does nothing (Hadoop caches and shares its file
 * systems).
 */
final class HadoopNioFileSystem extends FileSystem {
    private final org.apache.hadoop.fs.FileSystem hadoop;

    HadoopNioFileSystem(org.apache.hadoop.fs.FileSystem hadoop) {
        this.hadoop = hadoop;
    }

    /** The Hadoop file system. */
    org.apache.hadoop.fs.FileSystem hadoop() {
        return hadoop;
    }

    /** The path of a Hadoop path of this file system. */
    HadoopPath path(org.apache.hadoop.fs.Path p) {
        return new HadoopPath(this, hadoop.makeQualified(p));
    }

    @Override
    public FileSystemProvider provider() {
        return HadoopNioProvider.INSTANCE;
    }

    @Override
    public void close() {
        // shared through Hadoop's cache
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public boolean isReadOnly() {
        return true;
    }

    @Override
    public String getSeparator() {
        return "/";
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        return List.of(path(new org.apache.hadoop.fs.Path("/")));
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return List.of();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return Set.of("basic");
    }

    @Override
    public Path getPath(String first, String... more) {
        String p = more.length == 0 ? first : first + "/" + String.join("/", more);
        return new HadoopPath(this, new org.apache.hadoop.fs.Path(p));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        throw new UnsupportedOperationException("Hadoop paths are matched by Hadoop's globStatus");
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        throw new UnsupportedOperationException();
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException();
    }
}
