package io.captioner.model.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a caption text file line by line the way every text format here needs it. */
final class CaptionLines {

    /** Handles one non-blank line, numbered from 1. */
    interface Handler {
        void line(String line, int lineNo);
    }

    private CaptionLines() {}

    /**
     * Calls {@code handler} for each non-blank line of a UTF-8 file, without the BOM that Windows
     * tools put before the first line.
     *
     * @throws DatasetException when the file cannot be read
     */
    static void read(Path file, Handler handler) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                    line = line.substring(1);
                }
                if (!line.isBlank()) {
                    handler.line(line, lineNo);
                }
            }
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
