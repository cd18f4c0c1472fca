package org.nntune.bench;

/**
 * nntune's side of the trivial start-up comparison: a JVM that starts with nntune's flags,
 * measures its used heap after a full GC and prints one JSON line, like the Python side.
 */
public final class JvmStartup {
    private JvmStartup() {}

    public static void main(String[] args) {
        double heap = HeapProbe.usedAfterFullGcMiB();
        System.out.printf(java.util.Locale.ROOT, "{\"heap_used_mib\": %.3f}%n", heap);
    }
}
