package io.captioner.cli;

import io.captioner.events.TrainingCommand;
import io.captioner.training.TrainingRunLog;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code captioner models train-now}: asks the training service for a run over the compacted {@code
 * training-control} topic, so it works from any host that reaches Kafka.
 */
@Command(
        name = "train-now",
        mixinStandardHelpOptions = true,
        description = {
            "Ask the training service to train now on the current dataset (topic"
                    + " 'training-control'). The run and its decision appear in 'training runs'.",
            "With --force the candidate is published and activated even when it does not beat"
                    + " the active version.",
            "Prints 'requested run COMMAND_ID for MODEL'."
        })
final class TrainNowCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin KafkaOptions kafka;

    @Mixin ModelTopicOptions topic;

    @Option(
            names = "--model",
            paramLabel = "NAME",
            defaultValue = "captioner",
            description = "Model the service trains (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--force", description = "Publish the candidate even if it is not better.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        var control = kafka.settings().topics(topic.topicPrefix()).trainingControl();
        TopicCreation.ensure(kafka.settings(), control);
        TrainingCommand command;
        try {
            command =
                    TrainingRunLog.trainNow(
                            kafka.bootstrap(),
                            kafka.kafkaConfig(),
                            control,
                            model,
                            force,
                            System.getProperty("user.name") + "@" + host());
        } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
            Throwable cause =
                    e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new UserException(
                    1,
                    "cannot send the command to Kafka at "
                            + kafka.bootstrap()
                            + ": "
                            + cause.getMessage());
        }
        spec.commandLine()
                .getOut()
                .println(
                        "requested run "
                                + command.getCommandId()
                                + " for "
                                + model
                                + (force ? " (force)" : ""));
        return 0;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
