package io.captioner.modeltopic;

import io.captioner.events.ModelActivation;
import io.captioner.events.ModelManifest;
import io.captioner.modeltopic.ModelVerificationException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ed25519 public keys whose signatures a reader accepts, by {@link ModelSigning#keyId key id}.
 *
 * <p>With no keys ({@link #none()}) signatures are not checked at all; with at least one key, an
 * unsigned manifest or activation, one signed by another key or one whose signature does not verify
 * is refused.
 */
public final class TrustedKeys {

    private static final Logger LOG = LoggerFactory.getLogger(TrustedKeys.class);
    private static final TrustedKeys NONE = new TrustedKeys(Map.of());

    private final Map<String, PublicKey> keys;

    private TrustedKeys(Map<String, PublicKey> keys) {
        this.keys = Map.copyOf(keys);
    }

    /** No trusted keys: signatures are not checked. */
    public static TrustedKeys none() {
        return NONE;
    }

    /** Trusts exactly {@code keys}. */
    public static TrustedKeys of(Collection<PublicKey> keys) {
        Map<String, PublicKey> byId = new LinkedHashMap<>();
        for (PublicKey key : keys) {
            byId.put(ModelSigning.keyId(key), key);
        }
        return new TrustedKeys(byId);
    }

    /** Trusts exactly {@code keys}. */
    public static TrustedKeys of(PublicKey... keys) {
        return of(List.of(keys));
    }

    /** Trusts the public keys in the given X.509 PEM files. */
    public static TrustedKeys fromFiles(Collection<Path> publicKeyPems) {
        List<PublicKey> keys = new ArrayList<>();
        for (Path pem : publicKeyPems) {
            keys.add(ModelSigning.readPublicKey(pem));
        }
        return of(keys);
    }

    /**
     * Trusts every public key in the {@code *.pem} files of {@code dir} (not recursive); other PEM
     * files, such as a {@code private.pem} next to its {@code public.pem}, are skipped.
     *
     * @throws IllegalArgumentException if {@code dir} holds no public key, since an empty trust set
     *     would silently switch verification off
     */
    public static TrustedKeys fromDirectory(Path dir) {
        List<Path> pems = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().endsWith(".pem"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .forEach(pems::add);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list trusted keys in " + dir + ": " + e, e);
        }
        List<Path> publicPems = new ArrayList<>();
        for (Path pem : pems) {
            if (ModelSigning.isPublicKeyPem(pem)) {
                publicPems.add(pem);
            } else {
                LOG.info("Skipping {}: not a public key", pem);
            }
        }
        if (publicPems.isEmpty()) {
            throw new IllegalArgumentException("No public key (*.pem) in trusted key dir " + dir);
        }
        return fromFiles(publicPems);
    }

    /** Whether no keys are trusted, so signatures are not checked. */
    public boolean isEmpty() {
        return keys.isEmpty();
    }

    /** The ids of the trusted keys. */
    public Set<String> keyIds() {
        return keys.keySet();
    }

    /**
     * Checks {@code manifest}'s signature; does nothing when no keys are trusted.
     *
     * @throws ModelVerificationException with {@link Reason#UNSIGNED}, {@link Reason#UNKNOWN_KEY}
     *     or {@link Reason#BAD_SIGNATURE}
     */
    public void verify(ModelManifest manifest) throws ModelVerificationException {
        check(
                "manifest",
                manifest.getModelName(),
                manifest.getVersion(),
                manifest.getSignature(),
                manifest.getSignatureKeyId(),
                (signature, key) -> ModelSigning.verify(manifest, signature, key),
                "signature does not verify under trusted key " + manifest.getSignatureKeyId());
    }

    /**
     * Checks {@code activation}'s signature; does nothing when no keys are trusted.
     *
     * @throws ModelVerificationException with {@link Reason#UNSIGNED}, {@link Reason#UNKNOWN_KEY}
     *     or {@link Reason#BAD_SIGNATURE} (also when the signed fields sequence and artifact sha256
     *     are missing)
     */
    public void verify(ModelActivation activation) throws ModelVerificationException {
        check(
                "activation",
                activation.getModelName(),
                activation.getVersion(),
                activation.getSignature(),
                activation.getSignatureKeyId(),
                (signature, key) -> ModelSigning.verify(activation, signature, key),
                activation.getSequence() == null || activation.getArtifactSha256() == null
                        ? "signed activation lacks its sequence or artifact sha256"
                        : "activation signature does not verify under trusted key "
                                + activation.getSignatureKeyId());
    }

    private void check(
            String what,
            String name,
            String version,
            ByteBuffer signature,
            String keyId,
            BiPredicate<byte[], PublicKey> verifies,
            String badSignature)
            throws ModelVerificationException {
        if (keys.isEmpty()) {
            return;
        }
        if (signature == null || keyId == null) {
            throw new ModelVerificationException(
                    Reason.UNSIGNED,
                    name,
                    version,
                    what
                            + " is not signed but trusted keys "
                            + keys.keySet()
                            + " are configured (sign with --sign)");
        }
        if (!verifies.test(bytes(signature), key(keyId, name, version))) {
            throw new ModelVerificationException(Reason.BAD_SIGNATURE, name, version, badSignature);
        }
    }

    private PublicKey key(String keyId, String name, String version)
            throws ModelVerificationException {
        PublicKey key = keys.get(keyId);
        if (key == null) {
            throw new ModelVerificationException(
                    Reason.UNKNOWN_KEY,
                    name,
                    version,
                    "signed by key "
                            + keyId
                            + ", which is not among trusted keys "
                            + keys.keySet());
        }
        return key;
    }

    private static byte[] bytes(ByteBuffer signature) {
        byte[] bytes = new byte[signature.remaining()];
        signature.duplicate().get(bytes);
        return bytes;
    }

    @Override
    public String toString() {
        return "TrustedKeys" + keys.keySet();
    }
}
