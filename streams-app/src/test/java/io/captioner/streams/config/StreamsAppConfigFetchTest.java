package io.captioner.streams.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.captioner.streams.fetch.ImageFetcher;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The claim-check fetch keys: defaults, the allow-list and their validation. */
class StreamsAppConfigFetchTest {

    @Test
    void shouldForbidHttpAndListNothingByDefault() {
        StreamsAppConfig config = StreamsAppConfig.of(Map.of());

        try (ImageFetcher fetcher = config.imageFetcher()) {
            assertThat(fetcher.httpEnabled()).isFalse();
            assertThat(fetcher.policy().allowList().isEmpty()).isTrue();
            assertThat(fetcher.policy().maxRedirects()).isEqualTo(3);
        }
    }

    @Test
    void shouldBuildTheAllowListFromHostsAndNetworks() {
        StreamsAppConfig config =
                StreamsAppConfig.of(
                        Map.of(
                                StreamsAppConfig.FETCH_HTTP_ENABLED, "true",
                                StreamsAppConfig.FETCH_HTTP_ALLOWED_HOSTS,
                                        "minio.storage.internal, *.images.internal",
                                StreamsAppConfig.FETCH_HTTP_ALLOWED_NETWORKS, "10.1.2.3/32",
                                StreamsAppConfig.FETCH_MAX_REDIRECTS, "0"));

        try (ImageFetcher fetcher = config.imageFetcher()) {
            assertThat(fetcher.httpEnabled()).isTrue();
            assertThat(fetcher.policy().allowList().allowsHost("minio.storage.internal")).isTrue();
            assertThat(fetcher.policy().allowList().allowsHost("a.images.internal")).isTrue();
            assertThat(fetcher.policy().allowList().allowsHost("db.internal")).isFalse();
            assertThat(fetcher.policy().maxRedirects()).isZero();
        }
    }

    @Test
    void shouldRejectAnInvalidNetworkWithTheKeyInTheMessage() {
        assertThatThrownBy(
                        () ->
                                StreamsAppConfig.of(
                                        Map.of(
                                                StreamsAppConfig.FETCH_HTTP_ALLOWED_NETWORKS,
                                                "10.0.0.0/8,169.254.0.0/16")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(StreamsAppConfig.FETCH_HTTP_ALLOWED_NETWORKS)
                .hasMessageContaining("169.254.0.0/16")
                .hasMessageContaining("never fetched");
    }

    @Test
    void shouldRejectAnAddressListedAsAHost() {
        assertThatThrownBy(
                        () ->
                                StreamsAppConfig.of(
                                        Map.of(
                                                StreamsAppConfig.FETCH_HTTP_ALLOWED_HOSTS,
                                                "10.1.2.3")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(StreamsAppConfig.FETCH_HTTP_ALLOWED_HOSTS)
                .hasMessageContaining("networks");
    }

    @Test
    void shouldDocumentThatTheDeprecatedSwitchNeverOpensLinkLocal() {
        String doc =
                StreamsAppConfig.definition()
                        .configKeys()
                        .get(StreamsAppConfig.FETCH_ALLOW_PRIVATE_NETWORKS)
                        .documentation;

        assertThat(doc).contains("Deprecated").contains("link-local").contains("stay forbidden");
    }
}
