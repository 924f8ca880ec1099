package io.captioner.streams.fetch;

import static io.captioner.streams.fetch.ImageFetcherPolicyTest.fetchFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.captioner.streams.fetch.ImageFetchException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file policy against a real file system laid out in a temporary directory. */
class ImageFetcherFileIT {

    @TempDir Path root;
    private Path allowed;
    private Path secret;
    private ImageFetcher fetcher;

    @BeforeEach
    void layOutFiles() throws IOException {
        allowed = Files.createDirectories(root.resolve("allowed"));
        Files.createDirectories(root.resolve("allowed2"));
        secret = Files.writeString(root.resolve("secret.txt"), "top secret");
        Files.writeString(root.resolve("allowed2").resolve("img.jpg"), "sibling");
        fetcher = ImageFetcher.builder().optAllowedDirectory(allowed).optMaxBytes(1024).build();
    }

    private static String uri(Path p) {
        return p.toUri().toString();
    }

    @Test
    void shouldReadAllowedFile() throws Exception {
        byte[] image = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 0x00, 0x42};
        Path file = Files.write(allowed.resolve("cat.jpg"), image);

        assertThat(fetcher.fetch(uri(file))).containsExactly(image);
    }

    @Test
    void shouldReadFileInNestedDirectoryAndWithEncodedName() throws Exception {
        Path nested = Files.createDirectories(allowed.resolve("2024").resolve("a b"));
        Files.writeString(nested.resolve("cat 1.jpg"), "meow");

        assertThat(fetcher.fetch(uri(nested.resolve("cat 1.jpg")))).asString().isEqualTo("meow");
    }

    @Test
    void shouldForbidDotDotTraversal() {
        String traversal = "file://" + allowed + "/../secret.txt";

        ImageFetchException e = fetchFailure(fetcher, traversal);

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_URI);
        assertThat(e.getMessage()).contains("traversal");
    }

    @Test
    void shouldForbidPercentEncodedTraversal() {
        for (String encoded : new String[] {"%2e%2e", "%2E%2E", ".%2e", "%2e."}) {
            String traversal = "file://" + allowed + "/" + encoded + "/secret.txt";

            ImageFetchException e = fetchFailure(fetcher, traversal);

            assertThat(e.reason()).as(traversal).isEqualTo(Reason.FORBIDDEN_URI);
        }
    }

    @Test
    void shouldForbidEncodedSlashTraversal() {
        String traversal = "file://" + allowed + "/..%2fsecret.txt";

        assertThat(fetchFailure(fetcher, traversal).reason()).isEqualTo(Reason.FORBIDDEN_URI);
    }

    @Test
    void shouldForbidFileOutsideAllowedDirectoryWithoutRevealingWhetherItExists() {
        ImageFetchException existing = fetchFailure(fetcher, uri(secret));
        ImageFetchException missing = fetchFailure(fetcher, uri(root.resolve("nope.txt")));

        assertThat(existing.reason()).isEqualTo(Reason.FORBIDDEN_URI);
        assertThat(missing.reason()).isEqualTo(Reason.FORBIDDEN_URI);
        assertThat(existing.getMessage()).contains("outside the allowed directories");
    }

    @Test
    void shouldForbidSiblingDirectoryWithCommonPrefix() {
        // "/allowed2" starts with the string "/allowed" but is not inside it.
        ImageFetchException e = fetchFailure(fetcher, uri(root.resolve("allowed2/img.jpg")));

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_URI);
    }

    @Test
    void shouldForbidSymlinkInsideAllowedDirectoryPointingOutside() throws IOException {
        Path link = Files.createSymbolicLink(allowed.resolve("innocent.jpg"), secret);

        ImageFetchException e = fetchFailure(fetcher, uri(link));

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_URI);
        assertThat(e.getMessage()).contains("symbolic link").doesNotContain("secret.txt");
    }

    @Test
    void shouldForbidSymlinkedDirectoryPointingOutside() throws IOException {
        Path linkDir = Files.createSymbolicLink(allowed.resolve("escape"), root);

        ImageFetchException e = fetchFailure(fetcher, uri(linkDir.resolve("secret.txt")));

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_URI);
    }

    @Test
    void shouldFollowSymlinkThatStaysInsideAllowedDirectory() throws Exception {
        Path target = Files.writeString(allowed.resolve("real.jpg"), "real");
        Path link = Files.createSymbolicLink(allowed.resolve("alias.jpg"), target);

        assertThat(fetcher.fetch(uri(link))).asString().isEqualTo("real");
    }

    @Test
    void shouldAcceptAllowedDirectoryConfiguredThroughSymlink() throws Exception {
        Path viaLink = Files.createSymbolicLink(root.resolve("link-to-allowed"), allowed);
        Files.writeString(allowed.resolve("cat.jpg"), "meow");
        ImageFetcher linked = ImageFetcher.builder().optAllowedDirectory(viaLink).build();

        assertThat(linked.fetch(uri(viaLink.resolve("cat.jpg")))).asString().isEqualTo("meow");
        assertThat(linked.fetch(uri(allowed.resolve("cat.jpg")))).asString().isEqualTo("meow");
    }

    @Test
    void shouldForbidDirectory() throws IOException {
        Path dir = Files.createDirectories(allowed.resolve("album"));

        ImageFetchException e = fetchFailure(fetcher, uri(dir));

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_URI);
        assertThat(e.getMessage()).contains("not a regular file");
    }

    @Test
    void shouldForbidFifoWithoutBlockingOnIt() throws Exception {
        Path fifo = allowed.resolve("pipe.jpg");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(
                mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0,
                "mkfifo is needed to create a FIFO");

        ImageFetchException e = fetchFailure(fetcher, uri(fifo));

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_URI);
    }

    @Test
    void shouldForbidDeviceFileReachedThroughSymlink() throws IOException {
        Path link = Files.createSymbolicLink(allowed.resolve("zero.jpg"), Path.of("/dev/zero"));

        // /dev/zero is outside the allowed directory and endless; neither check may let it through.
        assertThat(fetchFailure(fetcher, uri(link)).reason()).isEqualTo(Reason.FORBIDDEN_URI);
    }

    @Test
    void shouldFailFetchForMissingFileInsideAllowedDirectory() {
        ImageFetchException e = fetchFailure(fetcher, uri(allowed.resolve("missing.jpg")));

        assertThat(e.reason()).isEqualTo(Reason.FETCH_FAILED);
        assertThat(e.getMessage()).contains("no such file");
    }

    @Test
    void shouldRefuseFileOverSizeLimit() throws IOException {
        Path big = Files.write(allowed.resolve("big.jpg"), new byte[1025]);

        ImageFetchException e = fetchFailure(fetcher, uri(big));

        assertThat(e.reason()).isEqualTo(Reason.IMAGE_TOO_LARGE);
        assertThat(e.getMessage()).contains("1025").contains("1024");
    }

    @Test
    void shouldAcceptFileExactlyAtSizeLimit() throws Exception {
        Path exact = Files.write(allowed.resolve("exact.jpg"), new byte[1024]);

        assertThat(fetcher.fetch(uri(exact))).hasSize(1024);
    }

    @Test
    void shouldForbidEncodedNulCharacter() {
        String nul = "file://" + allowed + "/cat%00.jpg";

        assertThat(fetchFailure(fetcher, nul).reason()).isEqualTo(Reason.FORBIDDEN_URI);
    }
}
