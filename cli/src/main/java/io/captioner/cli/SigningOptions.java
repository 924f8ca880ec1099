package io.captioner.cli;

import io.captioner.modeltopic.SigningKey;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --sign} option of the {@code models} subcommands that write to the topic: with it,
 * manifests and activations carry an Ed25519 signature that readers with trusted keys require.
 */
public final class SigningOptions {

    @Option(
            names = "--sign",
            paramLabel = "KEY",
            description =
                    "Sign what is written (manifest and activation) with an Ed25519 key: a key"
                            + " directory from 'models keygen' (private.pem + public.pem), or a"
                            + " private.pem with public.pem beside it. Readers with trusted keys"
                            + " refuse unsigned activations.")
    Path key;

    /** The loaded key, or null without {@code --sign}. */
    SigningKey load() {
        return key == null ? null : ModelTopicAccess.loadSigningKey(key);
    }
}
