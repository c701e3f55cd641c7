package io.ledgerstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/** File-tree helpers shared by the embedded services. Stateless and thread-safe. */
final class FileTrees {

    private FileTrees() {}

    /**
     * Deletes {@code root} and everything below it; does nothing if it does not exist.
     *
     * @throws UncheckedIOException if something cannot be deleted
     */
    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            List<Path> deepestFirst = paths.sorted(Comparator.reverseOrder()).toList();
            for (Path path : deepestFirst) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + root, e);
        }
    }
}
