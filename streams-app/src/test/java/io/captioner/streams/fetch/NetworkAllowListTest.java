package io.captioner.streams.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing and matching of allow-listed hosts and networks, on strings and bytes alone. */
class NetworkAllowListTest {

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void shouldMatchHostsExactlyIgnoringCaseAndTrailingDot() {
        NetworkAllowList list = NetworkAllowList.of(List.of("MinIO.Internal."), List.of());

        assertThat(list.allowsHost("minio.internal")).isTrue();
        assertThat(list.allowsHost("MINIO.INTERNAL.")).isTrue();
        assertThat(list.allowsHost("x.minio.internal")).isFalse();
        assertThat(list.allowsHost("minio.internal.evil.com")).isFalse();
        assertThat(list.allowsHost("evilminio.internal")).isFalse();
    }

    @Test
    void shouldMatchEverySubdomainOfAWildcardButNotTheDomainItself() {
        NetworkAllowList list = NetworkAllowList.of(List.of("*.storage.internal"), List.of());

        assertThat(list.allowsHost("a.storage.internal")).isTrue();
        assertThat(list.allowsHost("a.b.storage.internal")).isTrue();
        assertThat(list.allowsHost("storage.internal")).isFalse();
        assertThat(list.allowsHost("evilstorage.internal")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"", " ", "10.1.2.3", "[::1]", "minio:9000", "http://minio", "*", "a.*.b"})
    void shouldRejectHostEntriesThatAreNotHostNames(String entry) {
        assertThatThrownBy(() -> NetworkAllowList.parseHost(entry))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldPointAddressesInTheHostListToTheNetworkList() {
        assertThatThrownBy(() -> NetworkAllowList.parseHost("10.1.2.3"))
                .hasMessageContaining("networks");
    }

    @Test
    void shouldMatchAddressesInsideANetworkOnly() throws Exception {
        NetworkAllowList list =
                NetworkAllowList.of(
                        List.of(), List.of("10.1.2.0/24", "172.20.0.0/14", "fd12::/16"));

        assertThat(list.allowsAddress(ip("10.1.2.3"))).isTrue();
        assertThat(list.allowsAddress(ip("10.1.3.1"))).isFalse();
        assertThat(list.allowsAddress(ip("172.23.255.255"))).isTrue();
        assertThat(list.allowsAddress(ip("172.24.0.0"))).isFalse();
        assertThat(list.allowsAddress(ip("fd12:abcd::1"))).isTrue();
        assertThat(list.allowsAddress(ip("fd13::1"))).isFalse();
    }

    @Test
    void shouldTreatABareAddressAsASingleHostNetwork() throws Exception {
        NetworkAllowList list = NetworkAllowList.of(List.of(), List.of("10.1.2.3"));

        assertThat(list.allowsAddress(ip("10.1.2.3"))).isTrue();
        assertThat(list.allowsAddress(ip("10.1.2.4"))).isFalse();
    }

    @Test
    void shouldMatchTheIpv4AddressThatNat64And6to4Embed() throws Exception {
        NetworkAllowList list = NetworkAllowList.of(List.of(), List.of("10.1.2.3/32"));

        assertThat(list.allowsAddress(ip("64:ff9b::a01:203"))).isTrue();
        assertThat(list.allowsAddress(ip("2002:a01:203::1"))).isTrue();
        assertThat(list.allowsAddress(ip("::ffff:10.1.2.3"))).isTrue();
        assertThat(list.allowsAddress(ip("64:ff9b::a01:204"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "10.1.2.3/8", // host bits set
                "10.0.0.0/33",
                "fd00::/129",
                "10.0.0.0/",
                "10.0.0.0/x",
                "10.0.0/8", // not a canonical address
                "minio.internal/32",
                "0.0.0.0/0", // the whole internet and more: unspecified start
                "::/0",
                "169.254.0.0/16", // link-local: never fetched
                "fe80::/10",
                "224.0.0.0/4"
            })
    void shouldRejectInvalidOrNeverFetchableNetworks(String entry) {
        assertThatThrownBy(() -> NetworkAllowList.parseNetwork(entry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(entry);
    }
}
