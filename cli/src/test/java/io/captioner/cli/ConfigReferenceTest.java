package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.captioner.streams.config.StreamsAppConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {

    private static final Path README = Path.of("..", "README.md");

    @Test
    void shouldMatchTheReferenceInTheReadme() throws Exception {
        String readme = Files.readString(README, StandardCharsets.UTF_8);

        String current = ConfigReference.current(readme);

        assertThat(current)
                .as(
                        "README.md's configuration reference differs from the typed configs;"
                                + " regenerate it: ./captioner config-reference --write README.md")
                .isEqualTo(ConfigReference.render());
    }

    @Test
    void shouldListEveryKeyWithItsEnvironmentVariableAndDefault() {
        String rendered = ConfigReference.render();

        for (String key : StreamsAppConfig.definition().names()) {
            assertThat(rendered)
                    .contains("| `" + key + "` | `" + StreamsAppConfig.envName(key) + "` |");
        }
        assertThat(rendered)
                .contains(
                        "| `bootstrap.servers` | `CAPTIONER_BOOTSTRAP` | string | `127.0.0.1:9092` |");
    }

    @Test
    void shouldReplaceOnlyTheGeneratedSection() {
        String readme =
                "before\n"
                        + ConfigReference.BEGIN
                        + "\nstale\n"
                        + ConfigReference.END
                        + "\nafter\n";

        String updated = ConfigReference.update(readme);

        assertThat(updated)
                .startsWith("before\n" + ConfigReference.BEGIN + "\n### ")
                .endsWith("\n" + ConfigReference.END + "\nafter\n")
                .doesNotContain("stale");
        assertThat(ConfigReference.current(updated)).isEqualTo(ConfigReference.render());
    }

    @Test
    void shouldRefuseAReadmeWithoutMarkers() {
        assertThatThrownBy(() -> ConfigReference.update("no markers"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("README has no section");
    }
}
