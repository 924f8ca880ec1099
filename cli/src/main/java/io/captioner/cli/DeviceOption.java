package io.captioner.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.captioner.model.Devices;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code --device} for every command that runs a model and refuses a device this host does
 * not have before any work starts, instead of failing deep inside PyTorch.
 */
final class DeviceOption {

    /** The option's help text. */
    static final String DESCRIPTION =
            "cpu, gpu or gpuN (e.g. gpu0); default: a GPU when PyTorch sees one, else the CPU.";

    private static final Pattern GPU = Pattern.compile("gpu(\\d*)");

    private DeviceOption() {}

    /**
     * The device named by {@code name}, or null (automatic) when {@code name} is null.
     *
     * @throws UserException for a malformed name or a GPU this host does not have
     */
    static Device parse(String name) {
        if (name == null) {
            return null;
        }
        String n = name.strip().toLowerCase(Locale.ROOT);
        if (n.equals("cpu")) {
            return Device.cpu();
        }
        Matcher m = GPU.matcher(n);
        if (!m.matches()) {
            throw new UserException(
                    "--device must be cpu, gpu or gpuN (e.g. gpu0), got '" + name + "'");
        }
        int id = m.group(1).isEmpty() ? 0 : Integer.parseInt(m.group(1));
        int gpus = Engine.getInstance().getGpuCount();
        if (id >= gpus) {
            throw new UserException(
                    "--device "
                            + name
                            + ": "
                            + (gpus == 0
                                    ? "PyTorch sees no GPU on this host"
                                    : "this host has " + gpus + " GPU(s), gpu0 to gpu" + (gpus - 1))
                            + " (the bundled libtorch is the CPU build; see 'CPU and GPU' in"
                            + " README.md); use --device cpu");
        }
        return Device.gpu(id);
    }

    /**
     * Makes {@code name} the device of every model this process loads without an explicit one (the
     * streams app and its hot swaps), through {@link Devices#PROPERTY}.
     */
    static void applyToProcess(String name) {
        Device device = parse(name);
        if (device != null) {
            System.setProperty(
                    Devices.PROPERTY,
                    device.isGpu() ? "gpu" + device.getDeviceId() : device.getDeviceType());
        }
    }
}
