package io.captioner.streams.fetch;

import static io.captioner.streams.fetch.ImageFetchException.failed;
import static io.captioner.streams.fetch.ImageFetchException.forbidden;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code file:} claim-checks inside a sandbox of allowed directories.
 *
 * <p>After {@link FetchPolicy#filePath}'s lexical checks, the path must lie inside an allowed
 * directory before the file system is touched (no existence oracle outside); then its real path
 * ({@link Path#toRealPath}, following symbolic links) must still lie inside the real path of an
 * allowed directory, and it must be a regular file no larger than the byte limit. The final
 * component is opened with {@link LinkOption#NOFOLLOW_LINKS}, and reads go through an interruptible
 * channel.
 *
 * <p>Residual risk, documented rather than hidden: a local user who can write inside an allowed
 * directory could swap a path component between the real-path check and the open. Allowed
 * directories are meant to be written only by the image publisher.
 */
final class FileImageSource {

    private final List<Root> roots;
    private final long maxBytes;

    private FileImageSource(List<Root> roots, long maxBytes) {
        this.roots = List.copyOf(roots);
        this.maxBytes = maxBytes;
    }

    /**
     * Resolves the real paths of the allowed directories.
     *
     * @throws IllegalArgumentException if one does not exist or is not a directory
     */
    static FileImageSource create(Collection<Path> directories, long maxBytes) {
        List<Root> roots = new ArrayList<>();
        for (Path dir : directories) {
            Path absolute = dir.toAbsolutePath().normalize();
            Path real;
            try {
                real = absolute.toRealPath();
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "allowed directory " + absolute + " cannot be resolved: " + e, e);
            }
            if (!Files.isDirectory(real)) {
                throw new IllegalArgumentException(
                        "allowed directory " + absolute + " is not a directory");
            }
            roots.add(new Root(absolute, real));
        }
        return new FileImageSource(roots, maxBytes);
    }

    /** The real paths of the allowed directories, in configuration order. */
    List<Path> directories() {
        return roots.stream().map(Root::real).toList();
    }

    byte[] fetch(URI uri) throws ImageFetchException {
        if (roots.isEmpty()) {
            throw forbidden("file: URIs are disabled (no allowed directories configured)");
        }
        Path path = FetchPolicy.filePath(uri);
        if (!isInside(path, false)) {
            throw forbidden(path + " is outside the allowed directories");
        }
        Path real;
        try {
            real = path.toRealPath();
        } catch (NoSuchFileException e) {
            throw failed("no such file: " + path, e);
        } catch (AccessDeniedException e) {
            throw failed("permission denied: " + path, e);
        } catch (IOException e) {
            throw failed("cannot resolve " + path + ": " + e, e);
        }
        if (!isInside(real, true)) {
            // The link target stays out of the message: it would tell the producer about files
            // outside the allowed directories.
            throw forbidden(
                    path + " resolves through a symbolic link to outside the allowed directories");
        }
        try {
            BasicFileAttributes attrs =
                    Files.readAttributes(
                            real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attrs.isRegularFile()) {
                throw forbidden(real + " is not a regular file");
            }
            if (attrs.size() > maxBytes) {
                throw ImageFetchException.tooLarge(
                        real + " has " + attrs.size() + " bytes", maxBytes);
            }
            try (SeekableByteChannel channel =
                            Files.newByteChannel(
                                    real,
                                    Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
                    InputStream in = Channels.newInputStream(channel)) {
                return BoundedRead.readAll(in, attrs.size(), maxBytes, real.toString());
            }
        } catch (NoSuchFileException e) {
            throw failed("no such file: " + real, e);
        } catch (AccessDeniedException e) {
            throw failed("permission denied: " + real, e);
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw failed("interrupted while reading " + real, e);
            }
            throw failed("cannot read " + real + ": " + e, e);
        }
    }

    private boolean isInside(Path path, boolean real) {
        for (Root root : roots) {
            if (path.startsWith(root.real) || (!real && path.startsWith(root.configured))) {
                return true;
            }
        }
        return false;
    }

    private record Root(Path configured, Path real) {}
}
