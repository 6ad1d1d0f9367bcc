package io.t4j.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A command's output file, or stdout: written to a temporary sibling and moved into place on success, so a failed
 * run leaves nothing half-written under the requested name.
 */
public final class Output implements AutoCloseable {
    private final Path target;
    private final Path tmp;
    private final OutputStream out;
    private boolean committed;

    private Output(Path target, Path tmp, OutputStream out) {
        this.target = target;
        this.tmp = tmp;
        this.out = out;
    }

    /** {@code file} null or "-" means stdout. The folder must exist. */
    public static Output open(Path file) {
        if (file == null || file.toString().equals("-")) {
            return new Output(null, null, new java.io.FilterOutputStream(System.out) {
                @Override
                public void close() throws IOException {
                    flush();
                }
            });
        }
        Path abs = file.toAbsolutePath();
        if (!Files.isDirectory(abs.getParent())) {
            throw new UserException(ExitCode.DATA, file + ": the output folder " + abs.getParent() + " does not exist");
        }
        if (Files.isDirectory(abs)) {
            throw new UserException(ExitCode.DATA, file + ": is a directory");
        }
        try {
            Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
            return new Output(abs, tmp, new java.io.BufferedOutputStream(Files.newOutputStream(tmp)));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    public OutputStream stream() {
        return out;
    }

    /** Marks the output complete: on close it is moved into place. */
    public void commit() {
        committed = true;
    }

    @Override
    public void close() {
        try {
            out.close();
            if (target != null) {
                if (committed) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } else {
                    Files.deleteIfExists(tmp);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException((target == null ? "stdout" : target.toString()) + ": " + e.getMessage(), e);
        }
    }
}
