package io.captioner.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code captioner} command-line tool; each capability is a subcommand. */
@Command(
        name = "captioner",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Kafka-native image captioning: run the stack, train, evaluate and serve.",
        subcommands = {
            CommandLine.HelpCommand.class,
            DemoCommand.class,
            StackCommand.class,
            DatasetCommand.class,
            TrainCommand.class,
            EvaluateCommand.class,
            CaptionCommand.class,
            ScoreCommand.class,
            StreamsCommand.class,
            TrainingServiceCommand.class,
            PublishCommand.class,
            CaptionsCommand.class,
            FailuresCommand.class,
            ModelsCommand.class,
            ImportCommand.class,
            BenchCommand.class,
            UiCommand.class,
            ConfigReferenceCommand.class
        })
public final class CaptionerCli implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** Builds the command line with every subcommand registered, for {@code main} and tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new CaptionerCli());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(new UserErrorHandler());
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the tool and exits with the subcommand's exit code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
