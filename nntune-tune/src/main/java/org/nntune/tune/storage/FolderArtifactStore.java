package org.nntune.tune.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Artifacts as files: {@code <root>/study-<id>/<key>}. A put writes a temporary file and moves it
 * into place, so readers (in any process) see the old blob or the new one. The root folder is made
 * when the store is opened; if it disappears later (an unmounted disk, a deleted folder), calls fail
 * with {@link ArtifactStoreException.Kind#UNAVAILABLE} instead of silently starting an empty store.
 * The cap is checked under this object's lock: exact within one process, approximate when several
 * processes write to one folder at the same moment.
 */
public final class FolderArtifactStore implements ArtifactStore {
    private final Path root;
    private final long cap;

    /** A store in {@code root} (made if missing) without a cap. */
    public FolderArtifactStore(Path root) {
        this(root, UNLIMITED);
    }

    /**
     * A store in {@code root} (made if missing) holding at most {@code capBytes} per study.
     *
     * @throws ArtifactStoreException if the folder cannot be made
     */
    public FolderArtifactStore(Path root, long capBytes) {
        if (capBytes <= 0) {
            throw new IllegalArgumentException("artifact cap " + capBytes + " must be > 0 bytes");
        }
        this.root = root.toAbsolutePath();
        this.cap = capBytes;
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new ArtifactStoreException(ArtifactStoreException.Kind.UNAVAILABLE,
                    "cannot make the artifact folder " + this.root + ": " + e, e);
        }
    }

    /** @return the root folder */
    public Path root() {
        return root;
    }

    private Path studyDir(long studyId) {
        return root.resolve("study-" + studyId);
    }

    private void checkRoot() {
        if (!Files.isDirectory(root)) {
            throw new ArtifactStoreException(ArtifactStoreException.Kind.UNAVAILABLE, "the artifact folder " + root
                    + " has disappeared; restore it (or point the study to another one) and run again");
        }
    }

    @Override
    public synchronized void put(long studyId, String key, byte[] bytes) {
        ArtifactStore.checkKey(key);
        checkRoot();
        Path file = studyDir(studyId).resolve(key);
        try {
            long old = Files.isRegularFile(file) ? Files.size(file) : 0;
            ArtifactStore.checkCap(root.toString(), cap, usedBytes(studyId), old, key, bytes.length);
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".put-", ".tmp");
            try {
                Files.write(tmp, bytes);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new ArtifactStoreException(ArtifactStoreException.Kind.UNAVAILABLE, "cannot write artifact '" + key
                    + "' to " + root + ": " + e, e);
        }
    }

    @Override
    public Optional<byte[]> get(long studyId, String key) {
        ArtifactStore.checkKey(key);
        checkRoot();
        try {
            return Optional.of(Files.readAllBytes(studyDir(studyId).resolve(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ArtifactStoreException(ArtifactStoreException.Kind.UNAVAILABLE, "cannot read artifact '" + key
                    + "' from " + root + ": " + e, e);
        }
    }

    @Override
    public synchronized void delete(long studyId, String key) {
        ArtifactStore.checkKey(key);
        checkRoot();
        try {
            Files.deleteIfExists(studyDir(studyId).resolve(key));
        } catch (IOException e) {
            throw new ArtifactStoreException(ArtifactStoreException.Kind.UNAVAILABLE, "cannot delete artifact '" + key
                    + "' in " + root + ": " + e, e);
        }
    }

    @Override
    public Map<String, Long> list(long studyId) {
        checkRoot();
        Map<String, Long> out = new TreeMap<>();
        Path dir = studyDir(studyId);
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try {
            // walkFileTree, not Files.walk: another thread or process may be writing here (a put's
            // ".put-…" temp file is renamed away, a delete removes a file) while we walk, and an
            // entry that vanishes between the directory listing and the read of its attributes is
            // skipped instead of failing the whole listing
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path p, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && !p.getFileName().toString().startsWith(".put-")) {
                        out.put(dir.relativize(p).toString().replace('\\', '/'), attrs.size());
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE; // deleted or renamed while we walked
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException)) {
                        throw e;
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException studyFolderGone) {
            return out; // the study's folder itself was deleted meanwhile: nothing to list
        } catch (IOException | UncheckedIOException e) {
            throw new ArtifactStoreException(ArtifactStoreException.Kind.UNAVAILABLE, "cannot list the artifacts in "
                    + dir + ": " + e, e);
        }
        return out;
    }

    @Override
    public long capBytes() {
        return cap;
    }

    /** Deletes the study's folder with everything in it. */
    @Override
    public synchronized void deleteStudy(long studyId) {
        Path dir = studyDir(studyId);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new ArtifactStoreException(ArtifactStoreException.Kind.UNAVAILABLE, "cannot delete " + dir + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return "folder " + root;
    }
}
