package org.nntune.tune.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
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
 *
 * <p>A delete also removes the folders of the key ({@code a/b/} of {@code a/b/c}) that it leaves
 * empty, so that a population's checkpoint folders go with their checkpoints. Another process may be
 * about to write into such a folder (it made the folder, the delete removed it before the write's
 * temporary file was in it): a put therefore makes the folder again and retries when it finds its
 * folder gone. A folder holding a put's temporary file is not empty, so it is never removed under a write.
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
            Path tmp = tempFileIn(file.getParent());
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

    /** How often a put makes its folder again when another process's delete removed it (see the class comment). */
    private static final int FOLDER_RACE_RETRIES = 10;

    /** A new temporary file in {@code dir}, made with the folder (again) if it is missing. */
    private static Path tempFileIn(Path dir) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                // a folder made here may go before the next line or before its subfolder is made: retry
                Files.createDirectories(dir);
                return Files.createTempFile(dir, ".put-", ".tmp");
            } catch (NoSuchFileException | FileAlreadyExistsException goneMeanwhile) {
                // FileAlreadyExists: createDirectories found the folder, which was gone when it checked it is one
                if (attempt == FOLDER_RACE_RETRIES) {
                    throw goneMeanwhile;
                }
            }
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
        Path dir = studyDir(studyId);
        try {
            Files.deleteIfExists(dir.resolve(key));
            deleteEmptyFolders(dir, dir.resolve(key).getParent());
        } catch (IOException e) {
            throw new ArtifactStoreException(ArtifactStoreException.Kind.UNAVAILABLE, "cannot delete artifact '" + key
                    + "' in " + root + ": " + e, e);
        }
    }

    /** Deletes {@code folder} and the folders above it, up to {@code studyDir} (kept), while they are empty. */
    private static void deleteEmptyFolders(Path studyDir, Path folder) throws IOException {
        for (Path d = folder; d != null && !d.equals(studyDir) && d.startsWith(studyDir); d = d.getParent()) {
            try {
                Files.deleteIfExists(d);
            } catch (DirectoryNotEmptyException inUse) {
                return; // other artifacts, or another process's put, are in it
            }
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
