package io.captioner.model.data;

import java.nio.file.Path;

/**
 * What an export wrote, for the command line's summary line.
 *
 * @param images number of image files written
 * @param captions number of caption rows written
 * @param directory the dataset directory
 */
public record ExportSummary(int images, int captions, Path directory) {}
