package org.nntune.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end comparison of nntune with a reference (a Python peer), side by side in one run.
 *
 * <p>The reference command and nntune's counterpart run alternately, A B A B …, for at least
 * three pairs. Each side prints a JSON object as its last line of standard output; every numeric
 * field named with {@code --metric} is collected (nested fields are addressed with dots, e.g.
 * {@code results.batch_32}), and the runner always measures each run's wall time itself
 * ({@code wall_s}). It reports the medians and the ratio nntune / reference, and appends a section
 * to BENCHMARKS-LOG.md with the date, the machine, the JDK and the exact command (the table of
 * current figures in BENCHMARKS.md is updated by hand from it).
 *
 * <p>nntune's side is a Java main class started in a fresh JVM with nntune's JVM flags (the same
 * ones surefire and {@code bin/nntune} use) and always under {@code -Xmx1g}, so every end-to-end
 * figure is also a proof that the run fits in a 1 GiB heap.
 *
 * <pre>
 * nntune-bench/compare.sh --name "JVM vs Python start-up" \
 *     --ref "/usr/bin/python3 nntune-bench/scripts/startup.py" \
 *     --ours-main org.nntune.bench.JvmStartup --pairs 5 --metric heap_used_mib:lower
 * </pre>
 */
public final class Compare {

    /** One compared figure: its JSON key and whether a higher value is better. */
    public record Metric(String key, boolean higherIsBetter) {
        static Metric parse(String spec) {
            int colon = spec.lastIndexOf(':');
            if (colon < 0) {
                return new Metric(spec, false);
            }
            String dir = spec.substring(colon + 1);
            if (!dir.equals("higher") && !dir.equals("lower")) {
                throw new IllegalArgumentException("--metric " + spec + ": direction must be 'higher' or 'lower'");
            }
            return new Metric(spec.substring(0, colon), dir.equals("higher"));
        }
    }

    /** The parsed command line. */
    public record Options(String name, String refCommand, String oursMain, List<String> oursArgs,
                          List<String> oursJvmArgs, String java, String xmx, int pairs,
                          List<Metric> metrics, Path out, boolean write, long timeoutSeconds,
                          String note) {

        public static Options parse(String... args) {
            String name = null, ref = null, main = null, java = null, xmx = "1g", note = null;
            List<String> oursArgs = new ArrayList<>();
            List<String> jvmArgs = new ArrayList<>();
            List<Metric> metrics = new ArrayList<>();
            metrics.add(new Metric("wall_s", false));
            int pairs = 3;
            Path out = Path.of("BENCHMARKS-LOG.md");
            boolean write = true;
            long timeout = 3600;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--name" -> name = value(args, ++i, a);
                    case "--ref" -> ref = value(args, ++i, a);
                    case "--ours-main" -> main = value(args, ++i, a);
                    case "--ours-arg" -> oursArgs.add(value(args, ++i, a));
                    case "--ours-jvm-arg" -> jvmArgs.add(value(args, ++i, a));
                    case "--java" -> java = value(args, ++i, a);
                    case "--xmx" -> xmx = value(args, ++i, a);
                    case "--pairs" -> pairs = Integer.parseInt(value(args, ++i, a));
                    case "--metric" -> {
                        // a figure named twice (wall_s is always there) is listed once, as last asked for
                        Metric m = Metric.parse(value(args, ++i, a));
                        metrics.removeIf(known -> known.key().equals(m.key()));
                        metrics.add(m);
                    }
                    case "--out" -> out = Path.of(value(args, ++i, a));
                    case "--no-write" -> write = false;
                    case "--timeout-s" -> timeout = Long.parseLong(value(args, ++i, a));
                    case "--note" -> note = value(args, ++i, a);
                    default -> throw new IllegalArgumentException("unknown option " + a + usage());
                }
            }
            if (name == null || ref == null || main == null) {
                throw new IllegalArgumentException("--name, --ref and --ours-main are required" + usage());
            }
            if (pairs < 3) {
                throw new IllegalArgumentException("--pairs " + pairs + ": at least 3 pairs are needed for a median");
            }
            if (java == null) {
                java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            }
            return new Options(name, ref, main, List.copyOf(oursArgs), List.copyOf(jvmArgs), java, xmx,
                    pairs, List.copyOf(metrics), out, write, timeout, note);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value" + usage());
            }
            return args[i];
        }

        private static String usage() {
            return "\nusage: compare.sh --name TEXT --ref 'SHELL COMMAND' --ours-main CLASS [--ours-arg A]..."
                    + " [--ours-jvm-arg A]... [--java PATH] [--xmx 1g] [--pairs N>=3]"
                    + " [--metric KEY[:higher|lower]]... [--out BENCHMARKS-LOG.md] [--no-write] [--timeout-s S] [--note TEXT]";
        }
    }

    /** What one run printed and how long it took. */
    public record Run(String side, double wallSeconds, Map<String, Double> figures) {}

    /** The medians of one figure on both sides. */
    public record Row(Metric metric, double reference, double ours, List<Double> refRuns, List<Double> oursRuns) {
        /** nntune / reference. */
        public double ratio() {
            return ours / reference;
        }

        /** How many times better nntune is (above 1: nntune wins), whatever the direction. */
        public double advantage() {
            return metric.higherIsBetter() ? ours / reference : reference / ours;
        }

        /**
         * {@link #advantage()} pair by pair (run i of each side ran back to back), in pair order: on a
         * machine whose speed swings, their spread says whether the medians can be trusted.
         */
        public List<Double> pairAdvantages() {
            List<Double> out = new ArrayList<>();
            for (int i = 0; i < Math.min(refRuns.size(), oursRuns.size()); i++) {
                double r = refRuns.get(i), o = oursRuns.get(i);
                out.add(metric.higherIsBetter() ? o / r : r / o);
            }
            return out;
        }
    }

    private Compare() {}

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("compare: " + e.getMessage());
            System.exit(2);
            return;
        }
        List<Run> runs = new ArrayList<>();
        for (int pair = 1; pair <= options.pairs(); pair++) {
            runs.add(run("reference", List.of("bash", "-c", options.refCommand()), options.timeoutSeconds()));
            runs.add(run("nntune", oursCommand(options), options.timeoutSeconds()));
            System.err.printf(Locale.ROOT, "pair %d/%d: reference %.3f s, nntune %.3f s%n", pair,
                    options.pairs(), runs.get(runs.size() - 2).wallSeconds(), runs.get(runs.size() - 1).wallSeconds());
        }
        List<Row> rows = summarize(options.metrics(), runs);
        String section = section(options, rows, commandLine(args));
        System.out.println(section);
        if (options.write()) {
            BenchmarksFile.append(options.out(), section);
            System.err.println("appended to " + options.out().toAbsolutePath());
        }
    }

    static List<String> oursCommand(Options o) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(o.java());
        cmd.addAll(withUserCollector(List.of(jvmFlags().split("\\s+")), o.oursJvmArgs()));
        cmd.add("-Xmx" + o.xmx());
        cmd.addAll(o.oursJvmArgs());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(o.oursMain());
        cmd.addAll(o.oursArgs());
        return cmd;
    }

    private static final java.util.regex.Pattern COLLECTOR = java.util.regex.Pattern.compile("-XX:\\+Use\\w+GC");

    /**
     * nntune's flags without their collector when the extra arguments name one (as bin/nntune does
     * with NNTUNE_JAVA_OPTS): the JVM refuses to start with two.
     */
    static List<String> withUserCollector(List<String> flags, List<String> extra) {
        if (extra.stream().noneMatch(a -> COLLECTOR.matcher(a).matches())) {
            return flags;
        }
        return flags.stream().filter(f -> !COLLECTOR.matcher(f).matches()).toList();
    }

    /** nntune's JVM flags, generated from the parent pom's {@code nntune.jvm.flags}. */
    public static String jvmFlags() throws IOException {
        try (InputStream in = Compare.class.getResourceAsStream("/nntune-jvm.flags")) {
            if (in == null) {
                throw new IllegalStateException("nntune-jvm.flags is missing from the class path: build nntune-bench with Maven");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    static Run run(String side, List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        long start = System.nanoTime();
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(side + " did not finish within " + timeoutSeconds + " s: " + command);
        }
        double wall = (System.nanoTime() - start) / 1e9;
        String stdout = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(side + " exited with " + p.exitValue() + ": " + String.join(" ", command)
                    + "\n" + stdout);
        }
        Map<String, Double> figures = parseLastJson(stdout);
        figures.put("wall_s", wall);
        return new Run(side, wall, figures);
    }

    /** The numeric fields of the last line of {@code stdout} that is a JSON object, flattened with dots. */
    public static Map<String, Double> parseLastJson(String stdout) throws IOException {
        String[] lines = stdout.split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].trim();
            if (line.startsWith("{")) {
                Map<String, Double> figures = new LinkedHashMap<>();
                flatten("", new ObjectMapper().readTree(line), figures);
                return figures;
            }
        }
        return new LinkedHashMap<>();
    }

    private static void flatten(String prefix, JsonNode node, Map<String, Double> into) {
        if (node.isNumber()) {
            into.put(prefix, node.asDouble());
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), into);
            }
        }
    }

    /**
     * Medians per metric. A figure that only nntune prints (a heap figure, say) gets a row with no
     * reference; a figure missing from some runs of a side that printed it elsewhere, or from every
     * nntune run, is an error, not a silent gap.
     */
    public static List<Row> summarize(List<Metric> metrics, List<Run> runs) {
        List<Row> rows = new ArrayList<>();
        for (Metric m : metrics) {
            List<Double> ref = new ArrayList<>();
            List<Double> ours = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (Run r : runs) {
                Double v = r.figures().get(m.key());
                if (v == null) {
                    missing.add(r.side() + " (printed " + r.figures().keySet() + ")");
                } else {
                    (r.side().equals("reference") ? ref : ours).add(v);
                }
            }
            boolean oursOnly = ref.isEmpty() && !ours.isEmpty()
                    && missing.stream().allMatch(s -> s.startsWith("reference"));
            if (!missing.isEmpty() && !oursOnly) {
                throw new IllegalStateException("figure '" + m.key() + "' is missing from runs: " + missing);
            }
            rows.add(new Row(m, oursOnly ? Double.NaN : Stats.median(ref), Stats.median(ours), ref, ours));
        }
        return rows;
    }

    static String section(Options o, List<Row> rows, String command) {
        StringBuilder sb = new StringBuilder();
        sb.append("### ").append(o.name()).append(" (").append(LocalDate.now()).append(")\n\n");
        sb.append("- machine: ").append(Machine.current().describe()).append('\n');
        sb.append("- nntune JVM: ").append(javaVersion(o.java())).append(", -Xmx").append(o.xmx()).append('\n');
        sb.append("- reference: `").append(o.refCommand()).append("`\n");
        sb.append("- nntune: `").append(o.oursMain()).append(o.oursArgs().isEmpty() ? "" : " " + String.join(" ", o.oursArgs()))
                .append("`\n");
        sb.append("- command: `").append(command).append("`\n");
        sb.append("- ").append(o.pairs()).append(" interleaved pairs (reference, nntune, …); medians\n");
        if (o.note() != null) {
            sb.append("- note: ").append(o.note()).append('\n');
        }
        sb.append('\n');
        sb.append("| figure | better | reference | nntune | nntune / reference | nntune advantage | per pair (min–max) |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            boolean oursOnly = Double.isNaN(r.reference());
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", r.metric().key(),
                    r.metric().higherIsBetter() ? "higher" : "lower", oursOnly ? "—" : fmt(r.reference()),
                    fmt(r.ours()), oursOnly ? "—" : String.format(Locale.ROOT, "%.3f", r.ratio()),
                    oursOnly ? "—" : String.format(Locale.ROOT, "%.2f×", r.advantage()),
                    oursOnly ? "—" : pairRange(r.pairAdvantages())));
        }
        sb.append('\n');
        for (Row r : rows) {
            sb.append("<!-- ").append(r.metric().key()).append(" runs: reference ").append(r.refRuns())
                    .append(", nntune ").append(r.oursRuns()).append(" -->\n");
        }
        return sb.toString();
    }

    /** The pairs' advantages as {@code min–max×}, the range a swinging machine widens. */
    static String pairRange(List<Double> advantages) {
        double lo = advantages.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double hi = advantages.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        return String.format(Locale.ROOT, "%.2f–%.2f×", lo, hi);
    }

    private static String fmt(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e6)) {
            return String.format(Locale.ROOT, "%.3e", v);
        }
        return String.format(Locale.ROOT, a < 10 ? "%.4f" : a < 1000 ? "%.2f" : "%.0f", v);
    }

    private static String javaVersion(String java) {
        try {
            Process p = new ProcessBuilder(java, "-XshowSettings:properties", "-version").redirectErrorStream(true).start();
            String all = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            String vendor = "", version = "";
            for (String line : all.split("\\R")) {
                String t = line.trim();
                if (t.startsWith("java.vm.vendor =")) vendor = t.substring(t.indexOf('=') + 1).trim();
                if (t.startsWith("java.runtime.version =")) version = t.substring(t.indexOf('=') + 1).trim();
            }
            return "JDK " + version + " (" + vendor + ")";
        } catch (IOException | InterruptedException e) {
            return java;
        }
    }

    private static String commandLine(String[] args) {
        String given = System.getProperty("nntune.bench.command");
        if (given != null && !given.isBlank()) {
            return given;
        }
        StringBuilder sb = new StringBuilder("nntune-bench/compare.sh");
        for (String a : args) {
            sb.append(' ').append(a.matches("[A-Za-z0-9_./:=,@+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }
}
