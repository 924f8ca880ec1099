package io.captioner.cli;

import picocli.CommandLine;

/** Reports the version Maven stamped into the jar manifest. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = CaptionerCli.class.getPackage().getImplementationVersion();
        return new String[] {"captioner " + (v == null ? "(development build)" : v)};
    }
}
