package io.captioner.streams.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressClassifierTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "10.1.2.3, PRIVATE",
        "172.16.0.1, PRIVATE",
        "172.31.0.1, PRIVATE",
        "192.168.1.1, PRIVATE",
        "100.64.0.1, PRIVATE",
        "169.254.169.254, LINK_LOCAL",
        "127.0.0.1, LOOPBACK",
        "127.255.0.9, LOOPBACK",
        "0.0.0.0, UNSPECIFIED",
        "224.0.0.1, MULTICAST",
        "255.255.255.255, RESERVED",
        "192.0.2.10, RESERVED",
        "::1, LOOPBACK",
        "::, UNSPECIFIED",
        "fe80::1, LINK_LOCAL",
        "fd00::1, PRIVATE",
        "fc00::1, PRIVATE",
        "ff02::1, MULTICAST",
        "2001:db8::1, RESERVED",
        "64:ff9b::a9fe:a9fe, LINK_LOCAL",
        "2002:7f00:1::, LOOPBACK",
        "8.8.8.8, PUBLIC",
        "172.32.0.1, PUBLIC",
        "2606:4700:4700::1111, PUBLIC"
    })
    void shouldClassifyAddressLiterals(String literal, AddressCategory expected)
            throws UnknownHostException {
        // Literals never trigger DNS, so this test needs no network.
        assertThat(AddressClassifier.classify(InetAddress.getByName(literal))).isEqualTo(expected);
    }

    @Test
    void shouldSeeThroughIpv4MappedIpv6Addresses() throws UnknownHostException {
        // Inet6Address.getByAddress keeps the mapped form that InetAddress.getByName would unwrap.
        byte[] mappedLoopback = {
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1
        };
        byte[] mappedMetadata = {
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 169,
            (byte) 254,
            (byte) 169,
            (byte) 254
        };
        byte[] compatiblePrivate = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 1};

        assertThat(AddressClassifier.classify(Inet6Address.getByAddress(null, mappedLoopback, -1)))
                .isEqualTo(AddressCategory.LOOPBACK);
        assertThat(AddressClassifier.classify(Inet6Address.getByAddress(null, mappedMetadata, -1)))
                .isEqualTo(AddressCategory.LINK_LOCAL);
        assertThat(
                        AddressClassifier.classify(
                                Inet6Address.getByAddress(null, compatiblePrivate, -1)))
                .isEqualTo(AddressCategory.PRIVATE);
        assertThat(AddressClassifier.classify(InetAddress.getByName("::ffff:127.0.0.1")))
                .isEqualTo(AddressCategory.LOOPBACK);
    }

    @Test
    void shouldPermitOnlyPublicAddressesByDefault() throws UnknownHostException {
        assertThat(AddressClassifier.isPermitted(InetAddress.getByName("8.8.8.8"), false)).isTrue();
        for (String literal :
                new String[] {
                    "10.1.2.3",
                    "172.31.0.1",
                    "192.168.1.1",
                    "169.254.169.254",
                    "::1",
                    "fe80::1",
                    "fd00::1",
                    "::ffff:127.0.0.1",
                    "0.0.0.0",
                    "127.0.0.1"
                }) {
            assertThat(AddressClassifier.isPermitted(InetAddress.getByName(literal), false))
                    .as(literal)
                    .isFalse();
        }
    }

    @Test
    void shouldPermitLoopbackAndPrivateButNeverMetadataWhenPrivateNetworksAllowed()
            throws UnknownHostException {
        assertThat(AddressClassifier.isPermitted(InetAddress.getByName("127.0.0.1"), true))
                .isTrue();
        assertThat(AddressClassifier.isPermitted(InetAddress.getByName("10.1.2.3"), true)).isTrue();
        assertThat(AddressClassifier.isPermitted(InetAddress.getByName("fd00::1"), true)).isTrue();
        assertThat(AddressClassifier.isPermitted(InetAddress.getByName("169.254.169.254"), true))
                .isFalse();
        assertThat(AddressClassifier.isPermitted(InetAddress.getByName("fe80::1"), true)).isFalse();
        assertThat(AddressClassifier.isPermitted(InetAddress.getByName("0.0.0.0"), true)).isFalse();
        assertThat(AddressClassifier.isPermitted(InetAddress.getByName("224.0.0.1"), true))
                .isFalse();
    }
}
