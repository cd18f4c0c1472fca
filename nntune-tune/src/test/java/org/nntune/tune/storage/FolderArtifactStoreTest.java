package org.nntune.tune.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderArtifactStoreTest {

    /**
     * A listing walks the study's folder while other threads write and delete in it: a put's
     * temp file is renamed away and deleted files vanish between the directory read and the read
     * of their attributes. Such entries are skipped; the listing never fails and never shows a
     * temp file. (A population's members list their checkpoints while the others write theirs.)
     */
    @Test
    void aListingIsNotBrokenByFilesThatComeAndGoWhileItWalks(@TempDir Path dir) throws Exception {
        FolderArtifactStore store = new FolderArtifactStore(dir);
        store.put(1, "kept/a", new byte[] {1, 2, 3});
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> writerErrors = new ArrayList<>();
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; !stop.get(); i++) {
                    String key = "churn/m" + (i % 4) + "/f" + (i % 7);
                    store.put(1, key, new byte[64]);
                    if (i % 3 == 0) {
                        store.delete(1, key);
                    }
                }
            } catch (Throwable t) {
                synchronized (writerErrors) {
                    writerErrors.add(t);
                }
            }
        });
        writer.start();
        try {
            long end = System.nanoTime() + 1_500_000_000L;
            int listings = 0;
            while (System.nanoTime() < end || listings < 200) {
                Map<String, Long> listed = store.list(1);
                assertThat(listed).containsEntry("kept/a", 3L);
                assertThat(listed.keySet()).noneMatch(k -> k.contains(".put-"));
                listings++;
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(writerErrors).isEmpty();
        store.deleteStudy(1);
        assertThat(store.list(1)).isEmpty();
        assertThat(Files.exists(dir)).isTrue();
    }

    /** A population's checkpoint folders go with their checkpoints: a delete removes the folders it leaves empty. */
    @Test
    void aDeleteRemovesTheFoldersItLeavesEmpty(@TempDir Path dir) {
        FolderArtifactStore store = new FolderArtifactStore(dir);
        for (String key : List.of("pbt/r0/m0/a0", "pbt/r0/m1/a0", "pbt/r1/m0/a0")) {
            store.put(7, key, new byte[] {1});
        }
        Path study = dir.resolve("study-7");
        store.delete(7, "pbt/r0/m0/a0");
        assertThat(study.resolve("pbt/r0/m0")).doesNotExist();
        assertThat(study.resolve("pbt/r0/m1")).isDirectory();
        store.delete(7, "pbt/r0/m1/a0");
        assertThat(study.resolve("pbt/r0")).doesNotExist();
        assertThat(study.resolve("pbt/r1/m0")).isDirectory();
        store.delete(7, "pbt/r1/m0/a0");
        assertThat(study.resolve("pbt")).doesNotExist();
        assertThat(study).isDirectory(); // the study's own folder stays until the study is deleted
        store.delete(7, "pbt/r9/m9/a9"); // nothing there: nothing happens
        assertThat(store.list(7)).isEmpty();
        store.put(7, "pbt/r0/m0/a1", new byte[] {2});
        assertThat(store.get(7, "pbt/r0/m0/a1")).hasValueSatisfying(b -> assertThat(b).containsExactly(2));
    }

    /**
     * Four processes (four stores on one folder, each with its own lock) write and delete checkpoints
     * in the same round folders: a delete that removes a folder the other is about to write into
     * must not fail that write; the write makes the folder again.
     */
    @Test
    void aWriteIntoAFolderThatAnotherProcessJustRemovedMakesItAgain(@TempDir Path dir) throws Exception {
        List<Throwable> errors = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            FolderArtifactStore store = new FolderArtifactStore(dir);
            int member = w;
            workers.add(new Thread(() -> {
                try {
                    for (int i = 0; !stop.get(); i++) {
                        String key = "pbt/r" + (i % 2) + "/m" + member;
                        store.put(1, key, new byte[] {(byte) i});
                        store.delete(1, key);
                    }
                } catch (Throwable t) {
                    synchronized (errors) {
                        errors.add(t);
                    }
                }
            }));
        }
        workers.forEach(Thread::start);
        Thread.sleep(1500);
        stop.set(true);
        for (Thread t : workers) {
            t.join();
        }
        assertThat(errors).isEmpty();
        assertThat(new FolderArtifactStore(dir).list(1)).isEmpty();
    }
}
