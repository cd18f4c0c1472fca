package org.nntune.nn.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A data file that cannot be read says why in words, not only its path. */
class SourceBytesTest {

    @Test
    void anUnreadableFileSaysPermissionDenied(@TempDir Path dir) throws Exception {
        // the JDK's AccessDeniedException carries only the path as its message
        assertThat(SourceBytes.why(new AccessDeniedException("/data/x.csv"))).contains("permission denied");
        Path csv = dir.resolve("secret.csv");
        Files.writeString(csv, "a,b\n1,2\n");
        Files.setPosixFilePermissions(csv, PosixFilePermissions.fromString("---------"));
        if (!Files.isReadable(csv)) { // not as root, who reads any file
            assertThatThrownBy(() -> CsvReader.defaults().read(csv)).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("permission denied").hasMessageContaining(csv.toString());
        }
        assertThatThrownBy(() -> SourceBytes.readAll(dir)).hasMessageContaining("cannot read " + dir + ": ")
                .hasMessageNotContaining(": " + dir);
    }
}
