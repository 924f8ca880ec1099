package io.captioner.streams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;

/**
 * The stable name of an instance, its static group membership id: configured, or generated once
 * (host name plus a random suffix) and kept in the data directory, so a restarted instance rejoins
 * as itself while two instances on one host (two data directories) never share a name.
 */
final class InstanceName {

    static final String FILE = "instance-name";

    private InstanceName() {}

    /** The name kept in {@code dataDir}, created on first use. */
    static String inDataDirectory(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            if (Files.exists(file)) {
                String name = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!name.isEmpty()) {
                    return name;
                }
            }
            Files.createDirectories(dataDir);
            String name =
                    "captioner-" + host() + "-" + UUID.randomUUID().toString().substring(0, 8);
            Path tmp = Files.createTempFile(dataDir, FILE, ".tmp");
            Files.writeString(tmp, name + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return name;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the instance name in " + file, e);
        }
    }

    private static String host() {
        try {
            String host = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
            return host.replaceAll("[^a-z0-9.-]", "-");
        } catch (IOException e) {
            return "host";
        }
    }
}
