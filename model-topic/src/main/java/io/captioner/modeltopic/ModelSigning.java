package io.captioner.modeltopic;

import io.captioner.events.ModelActivation;
import io.captioner.events.ModelManifest;
import io.captioner.modeltopic.internal.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Set;

/**
 * Ed25519 signing of model manifests and activations with the JDK's built-in provider, and the PEM
 * key files that go with it.
 *
 * <h2>What is signed</h2>
 *
 * <p>The signature covers {@link #canonicalBytes(ModelManifest)}, a fixed binary encoding of the
 * manifest's identity fields; since it includes the artifact's sha256, it binds the artifact's
 * bytes too. Metrics, architecture, parent and times are descriptive and deliberately not signed,
 * so they can be corrected without re-signing. The encoding is, in this order:
 *
 * <ol>
 *   <li>string {@code "captioner.model-manifest.v1"} (the domain tag, so a signature can never be
 *       replayed as a signature over another kind of message)
 *   <li>string {@code modelName}
 *   <li>string {@code version}
 *   <li>int64 {@code artifactSizeBytes}
 *   <li>string {@code sha256} (64 lower-case hex characters as on the topic)
 *   <li>int32 {@code chunkCount}
 *   <li>int32 {@code chunkSizeBytes}
 *   <li>optional string {@code artifactFormat}
 * </ol>
 *
 * <p>where <em>string</em> is the int32 length in bytes of the UTF-8 encoding followed by those
 * bytes, <em>optional string</em> is one byte {@code 0x00} when absent or {@code 0x01} followed by
 * a string, and every integer is big-endian two's complement. Length prefixes make the encoding
 * injective: no two different manifests encode to the same bytes.
 *
 * <h2>What an activation signature covers</h2>
 *
 * <p>{@link #canonicalBytes(ModelActivation)} covers every field of the activation but the
 * signature itself, in this order: string {@code "captioner.model-activation.v1"}, string {@code
 * modelName}, string {@code version}, int64 {@code sequence}, string {@code artifactSha256}, int64
 * {@code activatedTime} (epoch milliseconds), optional string {@code previousVersion}, optional
 * string {@code reason}. The sequence makes every activation unique and ordered, so a reader can
 * refuse a replayed older one; the sha256 binds it to the activated bytes.
 *
 * <h2>Key files</h2>
 *
 * <p>{@link #generateKeys(Path)} writes {@code public.pem} (X.509 SubjectPublicKeyInfo, {@code
 * BEGIN PUBLIC KEY}) and {@code private.pem} (PKCS#8, {@code BEGIN PRIVATE KEY}, created with
 * permissions 600 on POSIX file systems). A key's id is the first 16 hex characters of the SHA-256
 * of its X.509 encoding ({@link PublicKey#getEncoded()}); the manifest's {@code signatureKeyId}
 * names the key so readers can pick it from their {@link TrustedKeys}.
 */
public final class ModelSigning {

    /** Signature and key algorithm. */
    public static final String ALGORITHM = "Ed25519";

    /** Domain tag at the start of the canonical encoding. */
    public static final String DOMAIN_TAG = "captioner.model-manifest.v1";

    /** Domain tag at the start of the canonical encoding of activations. */
    public static final String ACTIVATION_DOMAIN_TAG = "captioner.model-activation.v1";

    /** File name of the public key written by {@link #generateKeys(Path)}. */
    public static final String PUBLIC_KEY_FILE = "public.pem";

    /** File name of the private key written by {@link #generateKeys(Path)}. */
    public static final String PRIVATE_KEY_FILE = "private.pem";

    private static final String PUBLIC_PEM = "PUBLIC KEY";
    private static final String PRIVATE_PEM = "PRIVATE KEY";

    private ModelSigning() {}

    /** The canonical bytes of {@code manifest}'s identity fields that signatures cover. */
    public static byte[] canonicalBytes(ModelManifest manifest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        writeString(out, DOMAIN_TAG);
        writeString(out, manifest.getModelName());
        writeString(out, manifest.getVersion());
        out.writeBytes(ByteBuffer.allocate(8).putLong(manifest.getArtifactSizeBytes()).array());
        writeString(out, manifest.getSha256());
        out.writeBytes(ByteBuffer.allocate(4).putInt(manifest.getChunkCount()).array());
        out.writeBytes(ByteBuffer.allocate(4).putInt(manifest.getChunkSizeBytes()).array());
        writeOptional(out, manifest.getArtifactFormat());
        return out.toByteArray();
    }

    /**
     * The canonical bytes of {@code activation} that signatures cover: every field but the
     * signature and its key id.
     *
     * @throws IllegalArgumentException if the activation has no sequence or artifact sha256, which
     *     a signable activation needs
     */
    public static byte[] canonicalBytes(ModelActivation activation) {
        if (activation.getSequence() == null || activation.getArtifactSha256() == null) {
            throw new IllegalArgumentException(
                    "activation of model "
                            + activation.getModelName()
                            + " version "
                            + activation.getVersion()
                            + " has no sequence or artifact sha256, so it cannot be signed");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        writeString(out, ACTIVATION_DOMAIN_TAG);
        writeString(out, activation.getModelName());
        writeString(out, activation.getVersion());
        out.writeBytes(ByteBuffer.allocate(8).putLong(activation.getSequence()).array());
        writeString(out, activation.getArtifactSha256());
        out.writeBytes(
                ByteBuffer.allocate(8)
                        .putLong(activation.getActivatedTime().toEpochMilli())
                        .array());
        writeOptional(out, activation.getPreviousVersion());
        writeOptional(out, activation.getReason());
        return out.toByteArray();
    }

    /** The Ed25519 signature of {@link #canonicalBytes(ModelManifest)} under {@code key}. */
    public static byte[] sign(ModelManifest manifest, PrivateKey key) {
        return sign(canonicalBytes(manifest), key);
    }

    /** The Ed25519 signature of {@link #canonicalBytes(ModelActivation)} under {@code key}. */
    public static byte[] sign(ModelActivation activation, PrivateKey key) {
        return sign(canonicalBytes(activation), key);
    }

    /**
     * Whether {@code signature} is a valid Ed25519 signature of {@code manifest}'s canonical bytes
     * under {@code key}; a malformed signature is simply not valid.
     */
    public static boolean verify(ModelManifest manifest, byte[] signature, PublicKey key) {
        return verify(canonicalBytes(manifest), signature, key);
    }

    /**
     * Whether {@code signature} is a valid Ed25519 signature of {@code activation}'s canonical
     * bytes under {@code key}; a malformed signature, or an activation without the signed fields,
     * is simply not valid.
     */
    public static boolean verify(ModelActivation activation, byte[] signature, PublicKey key) {
        if (activation.getSequence() == null || activation.getArtifactSha256() == null) {
            return false;
        }
        return verify(canonicalBytes(activation), signature, key);
    }

    private static byte[] sign(byte[] message, PrivateKey key) {
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(key);
            signer.update(message);
            return signer.sign();
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("Not an Ed25519 private key: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK without Ed25519 signatures", e);
        }
    }

    private static boolean verify(byte[] message, byte[] signature, PublicKey key) {
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (SignatureException e) {
            return false;
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("Not an Ed25519 public key: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK without Ed25519 signatures", e);
        }
    }

    /** The id of {@code key}: first 16 hex characters of SHA-256 of its X.509 encoding. */
    public static String keyId(PublicKey key) {
        return Sha256.hex(key.getEncoded()).substring(0, 16);
    }

    /** A new random Ed25519 key pair, kept in memory only. */
    public static SigningKey generateKey() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
            return new SigningKey(pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK without Ed25519 key generation", e);
        }
    }

    /**
     * Generates a key pair and writes {@code public.pem} and {@code private.pem} (mode 600) into
     * {@code dir}, creating it if needed.
     *
     * @throws UncheckedIOException if a key file already exists (keys are never overwritten) or the
     *     files cannot be written
     */
    public static SigningKey generateKeys(Path dir) {
        SigningKey key = generateKey();
        try {
            Files.createDirectories(dir);
            Path privateFile = dir.resolve(PRIVATE_KEY_FILE);
            Path publicFile = dir.resolve(PUBLIC_KEY_FILE);
            if (Files.exists(privateFile) || Files.exists(publicFile)) {
                throw new FileAlreadyExistsException(
                        dir.toString(), null, "refusing to overwrite existing model keys");
            }
            writeOwnerOnly(privateFile, pem(PRIVATE_PEM, key.privateKey().getEncoded()));
            Files.writeString(
                    publicFile,
                    pem(PUBLIC_PEM, key.publicKey().getEncoded()),
                    StandardCharsets.US_ASCII,
                    StandardOpenOption.CREATE_NEW);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write model keys to " + dir + ": " + e, e);
        }
    }

    /** Loads the key pair that {@link #generateKeys(Path)} wrote into {@code dir}. */
    public static SigningKey loadKeys(Path dir) {
        return loadKeys(dir.resolve(PRIVATE_KEY_FILE), dir.resolve(PUBLIC_KEY_FILE));
    }

    /**
     * Loads a key pair from a PKCS#8 private key file and an X.509 public key file.
     *
     * @throws IllegalArgumentException if the keys are no Ed25519 pair
     */
    public static SigningKey loadKeys(Path privateKeyPem, Path publicKeyPem) {
        SigningKey key = new SigningKey(readPrivateKey(privateKeyPem), readPublicKey(publicKeyPem));
        // A mismatched pair would sign models nobody can verify: find out now, not in production.
        byte[] probe = DOMAIN_TAG.getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(key.privateKey());
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key.publicKey());
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new IllegalArgumentException(
                        privateKeyPem + " and " + publicKeyPem + " are not one key pair");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Unusable Ed25519 keys: " + e.getMessage(), e);
        }
        return key;
    }

    /** Reads an Ed25519 public key from an X.509 {@code BEGIN PUBLIC KEY} PEM file. */
    public static PublicKey readPublicKey(Path pem) {
        byte[] der = readPem(pem, PUBLIC_PEM);
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(pem + " is no Ed25519 public key: " + e, e);
        }
    }

    /** Reads an Ed25519 private key from a PKCS#8 {@code BEGIN PRIVATE KEY} PEM file. */
    public static PrivateKey readPrivateKey(Path pem) {
        byte[] der = readPem(pem, PRIVATE_PEM);
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(pem + " is no Ed25519 private key: " + e, e);
        }
    }

    /** Whether {@code pem} holds a {@code BEGIN PUBLIC KEY} block. */
    static boolean isPublicKeyPem(Path pem) {
        try {
            return Files.readString(pem, StandardCharsets.US_ASCII)
                    .contains("-----BEGIN " + PUBLIC_PEM + "-----");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + pem + ": " + e, e);
        }
    }

    private static byte[] readPem(Path pem, String type) {
        String text;
        try {
            text = Files.readString(pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read key file " + pem + ": " + e, e);
        }
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException(pem + " has no " + begin + " block");
        }
        String body = text.substring(from + begin.length(), to);
        try {
            return Base64.getMimeDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(pem + " holds invalid base64: " + e.getMessage(), e);
        }
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
            FileAttribute<Set<PosixFilePermission>> attribute =
                    PosixFilePermissions.asFileAttribute(ownerOnly);
            // Created with mode 600 (modulo umask, which can only remove bits): never readable by
            // others, not even between creation and a later chmod.
            Files.createFile(file, attribute);
            Files.write(file, bytes, StandardOpenOption.TRUNCATE_EXISTING);
            Files.setPosixFilePermissions(file, ownerOnly);
        } else {
            Files.write(file, bytes, StandardOpenOption.CREATE_NEW);
        }
    }

    private static void writeOptional(ByteArrayOutputStream out, String value) {
        if (value == null) {
            out.write(0);
        } else {
            out.write(1);
            writeString(out, value);
        }
    }

    private static void writeString(ByteArrayOutputStream out, String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(ByteBuffer.allocate(4).putInt(utf8.length).array());
        out.writeBytes(utf8);
    }
}
