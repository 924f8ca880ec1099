package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.captioner.streams.config.StreamsAppConfig;
import io.captioner.training.config.TrainingServiceConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docker-compose.yml configures our services only through variables their typed configs read. */
class ComposeEnvironmentTest {

    private static final Path COMPOSE = Path.of("..", "docker-compose.yml");

    /** Our services (by the subcommand they run) and the variables each one's config reads. */
    private static final Map<String, Set<String>> KNOWN =
            Map.of(
                    "streams",
                    StreamsAppConfig.definition().names().stream()
                            .map(StreamsAppConfig::envName)
                            .collect(Collectors.toSet()),
                    "training",
                    TrainingServiceConfig.definition().names().stream()
                            .map(TrainingServiceConfig::envName)
                            .collect(Collectors.toSet()));

    @Test
    void shouldSetOnlyRealConfigKeysForOurServices() throws Exception {
        JsonNode services = compose().get("services");
        List<String> ours = new ArrayList<>();

        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> service = it.next();
            String image = service.getValue().path("image").asText().split(":")[0];
            if (!image.startsWith("captioner/")) {
                continue;
            }
            ours.add(service.getKey());
            String command = service.getValue().path("command").path(0).asText();
            assertThat(KNOWN).as("config of %s's command", service.getKey()).containsKey(command);
            Set<String> known = KNOWN.get(command);
            for (String variable : names(service.getValue().path("environment"))) {
                assertThat(known)
                        .as("%s sets %s, which no config key reads", service.getKey(), variable)
                        .contains(variable);
            }
        }

        assertThat(ours).contains("streams-app", "training-service");
    }

    @Test
    void shouldKeepKafkaDataOnItsVolume() throws Exception {
        JsonNode kafka = compose().get("services").get("kafka");

        String logDirs = kafka.get("environment").get("KAFKA_LOG_DIRS").asText();
        List<String> mounts = new ArrayList<>();
        kafka.get("volumes").forEach(v -> mounts.add(v.asText().split(":")[1]));

        assertThat(mounts).anySatisfy(m -> assertThat(logDirs).startsWith(m));
    }

    private static JsonNode compose() throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(COMPOSE.toFile());
    }

    /** Names of a service's environment, in either of compose's forms (map or KEY=VALUE list). */
    private static List<String> names(JsonNode environment) {
        List<String> names = new ArrayList<>();
        if (environment.isObject()) {
            environment.fieldNames().forEachRemaining(names::add);
        } else {
            environment.forEach(e -> names.add(e.asText().split("=", 2)[0]));
        }
        return names;
    }
}
