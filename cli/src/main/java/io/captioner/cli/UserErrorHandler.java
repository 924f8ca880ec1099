package io.captioner.cli;

import io.captioner.model.data.DatasetException;
import io.captioner.schemas.registry.SchemaRegistryConnectionException;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;

/**
 * Turns exceptions a command lets escape into what a user should see: one line and a non-zero exit
 * code for the user's mistakes ({@link UserException}, unreadable datasets, bad settings, an
 * unreachable registry), and for anything else, which is a bug, the line plus the stack trace that
 * a bug report needs.
 */
final class UserErrorHandler implements CommandLine.IExecutionExceptionHandler {

    /** Exit code of an unexpected failure (a bug). */
    static final int EXIT_BUG = CommandLine.ExitCode.SOFTWARE;

    @Override
    public int handleExecutionException(
            Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        String name = commandLine.getCommandSpec().qualifiedName(" ");
        int code;
        String message = userMessage(e);
        if (e instanceof UserException user) {
            code = user.exitCode();
        } else if (message != null) {
            code = CommandLine.ExitCode.USAGE;
        } else {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            err.println(name + ": unexpected error (a bug; please report it): " + e);
            err.print(trace);
            err.flush();
            return EXIT_BUG;
        }
        err.println(name + ": " + (message != null ? message : e.getMessage()));
        err.flush();
        return code;
    }

    /** The one-line message of a known user error, or null for anything else. */
    static String userMessage(Throwable e) {
        if (e instanceof UserException) {
            return e.getMessage();
        }
        if (e instanceof DatasetException) {
            return "dataset: " + firstLine(e.getMessage());
        }
        if (e instanceof ConfigException) {
            return "bad configuration: " + firstLine(e.getMessage());
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryConnectionException) {
                return firstLine(t.getMessage())
                        + " (is the schema registry running? see --registry)";
            }
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
