package io.captioner.streams.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.captioner.streams.fetch.ImageFetchException.Reason;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The address and redirect rules of the policy, decided without any I/O. */
class FetchPolicyTest {

    private static final NetworkAllowList STORE =
            NetworkAllowList.of(List.of("minio.internal"), List.of("10.1.2.3/32"));

    private static FetchPolicy policy(boolean allowPublic, NetworkAllowList list) {
        return new FetchPolicy(allowPublic, false, list, 3);
    }

    private static ImageFetchException refusal(ThrowingCall call) {
        ImageFetchException e = catchThrowableOfType(ImageFetchException.class, call::run);
        assertThat(e).as("the policy should refuse").isNotNull();
        return e;
    }

    private interface ThrowingCall {
        void run() throws Exception;
    }

    private static List<InetAddress> ips(String... literals) throws Exception {
        InetAddress[] out = new InetAddress[literals.length];
        for (int i = 0; i < literals.length; i++) {
            out[i] = InetAddress.getByName(literals[i]);
        }
        return List.of(out);
    }

    @Test
    void shouldAllowPublicAddressesByDefault() {
        assertThatCode(
                        () ->
                                policy(true, NetworkAllowList.EMPTY)
                                        .checkResolved("images.example", ips("93.184.216.34"), ""))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldAllowPrivateAddressOfAnAllowListedHostName() {
        assertThatCode(
                        () ->
                                policy(true, STORE)
                                        .checkResolved("minio.internal", ips("10.9.9.9"), ""))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldAllowAnAllowListedNetworkWhateverTheHostName() {
        assertThatCode(() -> policy(true, STORE).checkHost("10.1.2.3", ""))
                .doesNotThrowAnyException();
        assertThatCode(() -> policy(true, STORE).checkResolved("any.name", ips("10.1.2.3"), ""))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldRefusePrivateAddressesThatAreNotListed() {
        ImageFetchException e =
                refusal(
                        () ->
                                policy(true, STORE)
                                        .checkResolved("db.internal", ips("10.1.2.4"), ""));

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_URI);
        assertThat(e.getMessage()).contains("db.internal", "10.1.2.4", "private", "allow-list");
    }

    @Test
    void shouldRefuseAListedHostWhenOneOfItsAddressesIsLinkLocal() {
        ImageFetchException e =
                refusal(
                        () ->
                                policy(true, STORE)
                                        .checkResolved(
                                                "minio.internal",
                                                ips("10.1.2.3", "169.254.169.254"),
                                                ""));

        assertThat(e.getMessage()).contains("169.254.169.254", "link-local", "never fetched");
    }

    @Test
    void shouldNeverAllowLinkLocalInsideABroaderListedNetwork() {
        FetchPolicy policy = policy(true, NetworkAllowList.of(List.of(), List.of("169.0.0.0/8")));

        assertThat(refusal(() -> policy.checkHost("169.254.169.254", "")).getMessage())
                .contains("never fetched");
    }

    @Test
    void shouldLimitFetchesToTheAllowListWhenPublicAddressesAreDisabled() {
        FetchPolicy policy = policy(false, STORE);

        ImageFetchException e =
                refusal(() -> policy.checkResolved("images.example", ips("93.184.216.34"), ""));

        assertThat(e.getMessage()).contains("public addresses are disabled");
        assertThatCode(() -> policy.checkResolved("minio.internal", ips("93.184.216.34"), ""))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldOpenAllPrivateRangesButNoLinkLocalWithTheDeprecatedSwitch() {
        FetchPolicy policy = new FetchPolicy(true, true, NetworkAllowList.EMPTY, 3);

        assertThatCode(() -> policy.checkResolved("x", ips("127.0.0.1", "10.0.0.1", "fd00::1"), ""))
                .doesNotThrowAnyException();
        assertThat(refusal(() -> policy.checkHost("169.254.169.254", "")).reason())
                .isEqualTo(Reason.FORBIDDEN_URI);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.1.2", "167838211", "010.1.2.3", "10.1.2.3.4"})
    void shouldRefuseNonCanonicalIpv4SpellingsEvenInsideAListedNetwork(String host) {
        FetchPolicy policy = policy(true, NetworkAllowList.of(List.of(), List.of("10.0.0.0/8")));

        ImageFetchException e = refusal(() -> policy.checkHost(host, ""));

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_URI);
    }

    @Test
    void shouldLeaveHostNamesToTheResolvedCheck() {
        assertThatCode(() -> policy(false, NetworkAllowList.EMPTY).checkHost("images.example", ""))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldResolveRelativeRedirectsAgainstTheCurrentUri() throws Exception {
        URI next =
                policy(true, NetworkAllowList.EMPTY)
                        .redirect(URI.create("https://a.example/x/y.jpg"), "../z.jpg", 302, 0);

        assertThat(next).isEqualTo(URI.create("https://a.example/z.jpg"));
    }

    @Test
    void shouldRefuseRedirectsPastTheLimitAndDowngrades() {
        FetchPolicy policy = policy(true, NetworkAllowList.EMPTY);
        URI https = URI.create("https://a.example/x.jpg");

        ImageFetchException limit = refusal(() -> policy.redirect(https, "/y.jpg", 301, 3));
        ImageFetchException downgrade =
                refusal(() -> policy.redirect(https, "http://a.example/y.jpg", 302, 0));
        ImageFetchException noLocation = refusal(() -> policy.redirect(https, null, 307, 0));

        assertThat(limit.reason()).isEqualTo(Reason.FETCH_FAILED);
        assertThat(limit.getMessage()).contains("redirect limit of 3");
        assertThat(downgrade.reason()).isEqualTo(Reason.FORBIDDEN_URI);
        assertThat(downgrade.getMessage()).contains("downgrade");
        assertThat(noLocation.getMessage()).contains("without a Location");
    }

    @Test
    void shouldNotLeakQueryStringsIntoMessages() {
        ImageFetchException e =
                refusal(
                        () ->
                                policy(true, NetworkAllowList.EMPTY)
                                        .httpTarget(
                                                URI.create(
                                                        "http://u:secret@a.example/x?token=secret"),
                                                null));

        assertThat(e.getMessage()).contains("user-info").doesNotContain("secret");
    }
}
