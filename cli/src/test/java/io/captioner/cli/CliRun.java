package io.captioner.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine;

/** The outcome of one in-process run of a command: exit code, stdout and stderr. */
record CliRun(int exitCode, String out, String err) {

    /** Runs {@code captioner args...} in this JVM. */
    static CliRun of(String... args) {
        return of(CaptionerCli.commandLine(), args);
    }

    /** Runs {@code args} on {@code commandLine} in this JVM. */
    static CliRun of(CommandLine commandLine, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The non-empty lines of stdout. */
    List<String> outLines() {
        return Arrays.stream(out.split("\\R"))
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toList());
    }
}
