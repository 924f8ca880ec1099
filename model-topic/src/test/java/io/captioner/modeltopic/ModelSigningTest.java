package io.captioner.modeltopic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.captioner.events.ModelManifest;
import io.captioner.modeltopic.ModelVerificationException.Reason;
import io.captioner.modeltopic.internal.Sha256;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSigningTest {

    @TempDir Path dir;

    private final ModelManifest manifest =
            TestModels.manifest("cap", "v1", TestModels.randomBytes(3000, 1), 1024);

    @Test
    void shouldAcceptManifestSignedByTrustedKey() {
        SigningKey key = ModelSigning.generateKey();

        ModelManifest signed = key.sign(manifest);

        assertThat(signed.getSignatureKeyId()).isEqualTo(key.keyId());
        assertThat(signed.getSignature().remaining()).isEqualTo(64);
        assertThatCode(() -> TrustedKeys.of(key.publicKey()).verify(signed))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseTamperedManifestWithBadSignature() {
        SigningKey key = ModelSigning.generateKey();
        ModelManifest signed = key.sign(manifest);
        ModelManifest tampered = ModelManifest.newBuilder(signed).setSha256("f".repeat(64)).build();

        assertThatThrownBy(() -> TrustedKeys.of(key.publicKey()).verify(tampered))
                .isInstanceOfSatisfying(
                        ModelVerificationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE))
                .hasMessageContaining(key.keyId());
    }

    @Test
    void shouldRefuseGarbageSignatureAsBadSignature() {
        SigningKey key = ModelSigning.generateKey();
        ModelManifest garbage =
                ModelManifest.newBuilder(manifest)
                        .setSignature(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                        .setSignatureKeyId(key.keyId())
                        .build();

        assertThatThrownBy(() -> TrustedKeys.of(key.publicKey()).verify(garbage))
                .isInstanceOfSatisfying(
                        ModelVerificationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE));
    }

    @Test
    void shouldRefuseManifestSignedByUnknownKey() {
        SigningKey trusted = ModelSigning.generateKey();
        SigningKey stranger = ModelSigning.generateKey();

        ModelManifest signed = stranger.sign(manifest);

        assertThatThrownBy(() -> TrustedKeys.of(trusted.publicKey()).verify(signed))
                .isInstanceOfSatisfying(
                        ModelVerificationException.class,
                        e -> {
                            assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY);
                            assertThat(e.modelName()).isEqualTo("cap");
                            assertThat(e.version()).isEqualTo("v1");
                        })
                .hasMessageContaining(stranger.keyId());
    }

    @Test
    void shouldRefuseStrangerSignatureClaimingTrustedKeyId() {
        SigningKey trusted = ModelSigning.generateKey();
        SigningKey stranger = ModelSigning.generateKey();
        ModelManifest forged =
                ModelManifest.newBuilder(stranger.sign(manifest))
                        .setSignatureKeyId(trusted.keyId())
                        .build();

        assertThatThrownBy(() -> TrustedKeys.of(trusted.publicKey()).verify(forged))
                .isInstanceOfSatisfying(
                        ModelVerificationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE));
    }

    @Test
    void shouldRefuseUnsignedManifestWhenKeysAreTrusted() {
        SigningKey key = ModelSigning.generateKey();

        assertThatThrownBy(() -> TrustedKeys.of(key.publicKey()).verify(manifest))
                .isInstanceOfSatisfying(
                        ModelVerificationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.UNSIGNED));
    }

    @Test
    void shouldAcceptUnsignedManifestWithoutTrustedKeys() {
        assertThatCode(() -> TrustedKeys.none().verify(manifest)).doesNotThrowAnyException();
        assertThat(TrustedKeys.none().isEmpty()).isTrue();
    }

    @Test
    void shouldDeriveKeyIdFromSha256OfPublicKeyEncoding() {
        SigningKey key = ModelSigning.generateKey();

        assertThat(key.keyId())
                .hasSize(16)
                .matches("[0-9a-f]{16}")
                .isEqualTo(Sha256.hex(key.publicKey().getEncoded()).substring(0, 16));
    }

    @Test
    void shouldWriteKeysThatLoadBackAndSignVerifiably() throws Exception {
        Path keys = dir.resolve("keys");
        SigningKey generated = ModelSigning.generateKeys(keys);

        SigningKey loaded = ModelSigning.loadKeys(keys);
        ModelManifest signed = loaded.sign(manifest);

        assertThat(loaded.keyId()).isEqualTo(generated.keyId());
        assertThat(Files.readString(keys.resolve("public.pem")))
                .startsWith("-----BEGIN PUBLIC KEY-----\n");
        assertThat(Files.readString(keys.resolve("private.pem")))
                .startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThatCode(() -> TrustedKeys.fromDirectory(keys).verify(signed))
                .doesNotThrowAnyException();
        assertThatCode(
                        () ->
                                TrustedKeys.fromFiles(List.of(keys.resolve("public.pem")))
                                        .verify(signed))
                .doesNotThrowAnyException();
        assertThat(TrustedKeys.fromDirectory(keys).keyIds()).containsExactly(generated.keyId());
    }

    @Test
    void shouldWritePrivateKeyReadableByOwnerOnly() throws Exception {
        ModelSigning.generateKeys(dir);

        assertThat(
                        PosixFilePermissions.toString(
                                Files.getPosixFilePermissions(dir.resolve("private.pem"))))
                .isEqualTo("rw-------");
    }

    @Test
    void shouldNeverOverwriteExistingKeys() throws Exception {
        ModelSigning.generateKeys(dir);
        String before = Files.readString(dir.resolve("private.pem"));

        assertThatThrownBy(() -> ModelSigning.generateKeys(dir))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("refusing to overwrite");
        assertThat(Files.readString(dir.resolve("private.pem"))).isEqualTo(before);
    }

    @Test
    void shouldRefuseMismatchedKeyPair() {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        ModelSigning.generateKeys(a);
        ModelSigning.generateKeys(b);

        assertThatThrownBy(
                        () ->
                                ModelSigning.loadKeys(
                                        a.resolve("private.pem"), b.resolve("public.pem")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not one key pair");
    }

    @Test
    void shouldRefuseTrustDirectoryWithoutPublicKeys() throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "nothing");

        assertThatThrownBy(() -> TrustedKeys.fromDirectory(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("No public key");
    }

    @Test
    void shouldRefuseFileWithoutPemBlock() throws Exception {
        Path bogus = dir.resolve("bogus.pem");
        Files.writeString(bogus, "hello");

        assertThatThrownBy(() -> ModelSigning.readPublicKey(bogus))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BEGIN PUBLIC KEY");
    }

    @Test
    void shouldNotRevealPrivateKeyInToString() {
        SigningKey key = ModelSigning.generateKey();

        assertThat(key.toString()).isEqualTo("SigningKey{keyId=" + key.keyId() + "}");
    }
}
