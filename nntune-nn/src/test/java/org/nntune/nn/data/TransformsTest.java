package org.nntune.nn.data;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransformsTest {
    @Test
    void identityRoundTripsAndUnknownKindsAreNamed() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Transforms.write(FittedTransform.identity(7), new DataOutputStream(bytes));
        FittedTransform back = Transforms.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(back).isEqualTo(FittedTransform.identity(7));

        ByteArrayOutputStream bad = new ByteArrayOutputStream();
        new DataOutputStream(bad).writeUTF("wavelet");
        assertThatThrownBy(() -> Transforms.read(new DataInputStream(new ByteArrayInputStream(bad.toByteArray()))))
                .isInstanceOf(IOException.class).hasMessageContaining("'wavelet'");
    }
}
