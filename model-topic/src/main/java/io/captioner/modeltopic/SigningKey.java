package io.captioner.modeltopic;

import io.captioner.events.ModelActivation;
import io.captioner.events.ModelManifest;
import java.nio.ByteBuffer;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Objects;

/**
 * An Ed25519 key pair that signs model manifests and activations, with its {@link
 * ModelSigning#keyId key id}.
 *
 * <p>{@link #toString()} never shows the private key.
 */
public final class SigningKey {

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;

    /** Pairs {@code privateKey} with its {@code publicKey}; use {@link ModelSigning} to load. */
    public SigningKey(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
        if (!ModelSigning.ALGORITHM.equals(publicKey.getAlgorithm())
                && !"EdDSA".equals(publicKey.getAlgorithm())) {
            throw new IllegalArgumentException(
                    "Model keys must be Ed25519, got " + publicKey.getAlgorithm());
        }
        this.keyId = ModelSigning.keyId(publicKey);
    }

    /** The private half. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The public half, to hand to readers' {@link TrustedKeys}. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** The key id stored in signed manifests. */
    public String keyId() {
        return keyId;
    }

    /** A copy of {@code manifest} with signature and key id set by this key. */
    public ModelManifest sign(ModelManifest manifest) {
        ModelManifest unsigned =
                ModelManifest.newBuilder(manifest)
                        .setSignature(null)
                        .setSignatureKeyId(null)
                        .build();
        byte[] signature = ModelSigning.sign(unsigned, privateKey);
        return ModelManifest.newBuilder(unsigned)
                .setSignature(ByteBuffer.wrap(signature))
                .setSignatureKeyId(keyId)
                .build();
    }

    /**
     * A copy of {@code activation} with signature and key id set by this key.
     *
     * @throws IllegalArgumentException if the activation has no sequence or artifact sha256
     */
    public ModelActivation sign(ModelActivation activation) {
        ModelActivation unsigned =
                ModelActivation.newBuilder(activation)
                        .setSignature(null)
                        .setSignatureKeyId(null)
                        .build();
        byte[] signature = ModelSigning.sign(unsigned, privateKey);
        return ModelActivation.newBuilder(unsigned)
                .setSignature(ByteBuffer.wrap(signature))
                .setSignatureKeyId(keyId)
                .build();
    }

    @Override
    public String toString() {
        return "SigningKey{keyId=" + keyId + "}";
    }
}
