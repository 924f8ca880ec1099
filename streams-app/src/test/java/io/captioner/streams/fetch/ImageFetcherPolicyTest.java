package io.captioner.streams.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.captioner.streams.fetch.ImageFetchException.Reason;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Refusals decided from the URI alone, before any file or socket is touched. */
class ImageFetcherPolicyTest {

    @TempDir Path allowed;

    private ImageFetcher permissive() {
        return ImageFetcher.builder()
                .optAllowedDirectory(allowed)
                .optHttpEnabled(true)
                .optHostResolver(
                        host -> {
                            throw new AssertionError("must not resolve " + host);
                        })
                .build();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ftp://example.com/cat.jpg",
                "jar:file:///tmp/x.jar!/cat.jpg",
                "data:image/png;base64,iVBORw0KGgo=",
                "gopher://example.com/0cat",
                "s3://bucket/cat.jpg",
                "mailto:someone@example.com",
                "cat.jpg",
                "/etc/passwd",
                "../secret.jpg",
                "",
                "http://exa mple.com/cat.jpg",
                "file:///tmp/\u0000cat.jpg",
                "::::"
            })
    void shouldForbidEverythingButFileAndHttp(String uri) {
        ImageFetchException e = fetchFailure(permissive(), uri);

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_URI);
        assertThat(e.getMessage()).isNotBlank();
    }

    @Test
    void shouldNameTheForbiddenScheme() {
        assertThat(fetchFailure(permissive(), "FTP://example.com/x").getMessage())
                .contains("scheme 'ftp' is not allowed");
    }

    @Test
    void shouldForbidHttpWhenDisabledWithoutResolvingTheHost() {
        ImageFetcher fetcher =
                ImageFetcher.builder()
                        .optHostResolver(
                                host -> {
                                    throw new AssertionError("must not resolve " + host);
                                })
                        .build();

        ImageFetchException e = fetchFailure(fetcher, "https://example.com/cat.jpg");

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_URI);
        assertThat(e.getMessage()).contains("http(s) fetching is disabled");
    }

    @Test
    void shouldForbidFileUrisWhenNoDirectoryIsAllowed() {
        ImageFetchException e =
                fetchFailure(ImageFetcher.builder().build(), "file:///etc/hostname");

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_URI);
        assertThat(e.getMessage()).contains("no allowed directories");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "file://otherhost/share/cat.jpg",
                "file:cat.jpg",
                "file:///x/cat.jpg?x=1",
                "file:///x/cat.jpg#frag"
            })
    void shouldForbidFileUrisWithHostsRelativePathsQueriesOrFragments(String uri) {
        assertThat(fetchFailure(permissive(), uri).reason()).isEqualTo(Reason.FORBIDDEN_URI);
    }

    @Test
    void shouldForbidUserInfoInHttpUris() {
        ImageFetchException e = fetchFailure(permissive(), "http://user:pw@example.com/cat.jpg");

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_URI);
        assertThat(e.getMessage()).contains("user-info").doesNotContain("pw");
    }

    @Test
    void shouldCheckEveryResolvedAddressAndNeverConnectWhenOneIsForbidden() {
        List<String> resolved = new ArrayList<>();
        ImageFetcher fetcher =
                ImageFetcher.builder()
                        .optHttpEnabled(true)
                        .optAllowPrivateNetworks(true)
                        .optHostResolver(
                                host -> {
                                    resolved.add(host);
                                    // An allowed first answer must not hide a forbidden second
                                    // one. Were only the first checked, the fetch would try
                                    // loopback port 1 and fail with FETCH_FAILED instead.
                                    return List.of(
                                            InetAddress.getByName("127.0.0.1"),
                                            InetAddress.getByName("169.254.169.254"));
                                })
                        .build();

        ImageFetchException e = fetchFailure(fetcher, "http://images.example:1/cat.jpg?sig=secret");

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_URI);
        assertThat(e.getMessage())
                .contains("169.254.169.254", "link-local")
                .doesNotContain("secret");
        assertThat(resolved).containsExactly("images.example");
    }

    @Test
    void shouldExplainPrivateAddressRefusal() throws Exception {
        ImageFetcher fetcher =
                ImageFetcher.builder()
                        .optHttpEnabled(true)
                        .optHostResolver(host -> List.of(InetAddress.getByName("10.0.0.7")))
                        .build();

        ImageFetchException e = fetchFailure(fetcher, "http://images.example/cat.jpg");

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_URI);
        assertThat(e.getMessage()).contains("10.0.0.7", "private", "not allowed");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1/x",
                "http://127.1/x",
                "http://2130706433/x",
                "http://[::1]/x",
                "http://[::ffff:127.0.0.1]/x",
                "http://169.254.169.254/latest/meta-data/",
                "http://0.0.0.0/x",
                "http://[fd00::1]/x",
                "http://192.168.1.1/x"
            })
    void shouldForbidNonPublicAddressLiteralsInAnySpelling(String uri) {
        ImageFetcher fetcher = ImageFetcher.builder().optHttpEnabled(true).build();

        assertThat(fetchFailure(fetcher, uri).reason()).isEqualTo(Reason.FORBIDDEN_URI);
    }

    @Test
    void shouldRefuseMetadataAddressEvenWhenPrivateNetworksAreAllowed() {
        ImageFetcher fetcher =
                ImageFetcher.builder().optHttpEnabled(true).optAllowPrivateNetworks(true).build();

        ImageFetchException e = fetchFailure(fetcher, "http://169.254.169.254/latest/meta-data/");

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_URI);
        assertThat(e.getMessage()).contains("link-local");
    }

    @Test
    void shouldRejectInvalidConfiguration(@TempDir Path dir) {
        assertThatThrownBy(() -> ImageFetcher.builder().optMaxBytes(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImageFetcher.builder().optMaxRedirects(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImageFetcher.builder().optReadTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () ->
                                ImageFetcher.builder()
                                        .optAllowedDirectory(dir.resolve("missing"))
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing");
    }

    static ImageFetchException fetchFailure(ImageFetcher fetcher, String uri) {
        ImageFetchException e =
                catchThrowableOfType(ImageFetchException.class, () -> fetcher.fetch(uri));
        assertThat(e).as("fetching %s should fail", uri).isNotNull();
        return e;
    }
}
