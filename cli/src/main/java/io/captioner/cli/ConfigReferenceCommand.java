package io.captioner.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code captioner config-reference}: prints or rewrites README.md's configuration reference. */
@Command(
        name = "config-reference",
        hidden = true,
        mixinStandardHelpOptions = true,
        description =
                "Print the configuration reference generated from the typed configs, or rewrite"
                        + " its section in a README (for maintainers).")
final class ConfigReferenceCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--write",
            paramLabel = "README",
            description = "Replace the generated section of this file instead of printing it.")
    Path write;

    @Override
    public Integer call() throws IOException {
        if (write == null) {
            spec.commandLine().getOut().print(ConfigReference.render());
            spec.commandLine().getOut().flush();
            return 0;
        }
        String text;
        try {
            text = Files.readString(write, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserException(1, "no such file: " + write);
        }
        try {
            Files.writeString(write, ConfigReference.update(text), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new UserException(1, write + ": " + e.getMessage());
        }
        return 0;
    }
}
