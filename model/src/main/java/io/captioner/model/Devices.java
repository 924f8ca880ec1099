package io.captioner.model;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Chooses where models run: an explicit device wins, then the {@code captioner.device} system
 * property (e.g. {@code cpu}, {@code gpu0}), then a GPU when the engine sees one, else the CPU.
 */
public final class Devices {

    /** System property that overrides automatic device selection. */
    public static final String PROPERTY = "captioner.device";

    private Devices() {}

    /** Resolves the device to use; {@code requested} may be null for automatic selection. */
    public static Device resolve(Device requested) {
        if (requested != null) {
            return requested;
        }
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return Device.fromName(property.trim());
        }
        return Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }
}
