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
}
