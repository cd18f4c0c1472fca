package org.nntune.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.nntune.cli.exit.CliException;
import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.run.CliStorage;
import org.nntune.cli.run.StudyRun;
import org.nntune.cli.studyfile.StudyFile;
import org.nntune.storage.OptunaStorage;
import org.nntune.storage.StorageUrl;
import org.nntune.storage.Storages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code nntune k8s}: a study's workers as a Kubernetes Indexed Job, printed for {@code kubectl apply}.
 *
 * <p>The manifest holds two objects: a ConfigMap with the study file (every password in it removed)
 * and a batch/v1 Job, completion mode Indexed, completions = parallelism = the number of workers.
 * Every pod mounts the study file at {@code --dir}, where relative data paths resolve in the image.
 * The study is created once, by pod 0: it runs {@code nntune tune} on the study file, which creates
 * the study (or resumes it after a restart: the study's own resume), works on it like any worker and,
 * when the budget is met, refits the best configuration and prints the results in its log. The other
 * pods run {@code nntune worker} on the study; until pod 0 has stored the study's definition a worker
 * exits with code 4 (no such study), and the pod's shell tries again every few seconds for a bounded
 * time. So nothing is created by this command and nothing but the pods need reach the database.
 *
 * <p>The password never enters the manifest: the URL printed has none (a password given in it is
 * left out, with a warning), and the pods read it from a Secret's {@code password} key into
 * {@code PGPASSWORD} or {@code MYSQL_PWD}, where nntune's storages look for it. SQLite and the
 * in-memory storage live in one machine and are refused.
 */
@Command(name = "k8s", mixinStandardHelpOptions = true,
        description = {"Print a Kubernetes Indexed Job that runs a study's workers on a cluster (apply it with kubectl apply -f).",
                "Pod 0 creates (or resumes) the study with 'nntune tune', the others join it with 'nntune worker' until the "
                        + "study's budget is met; the storage must be a database server (PostgreSQL, MySQL/MariaDB) that the "
                        + "pods reach, its password in a Secret."})
public final class K8sCommand implements Callable<Integer> {
    /** The Secret's key that holds the database password. */
    static final String SECRET_KEY = "password";
    /** Seconds between a waiting worker's tries, and how many tries, while pod 0 creates the study. */
    static final int WAIT_SECONDS = 5;
    static final int WAIT_TRIES = 120;
    /** A Kubernetes object name (RFC 1123 label); 52 characters at most so that the suffixes fit in 63. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?");
    /** A Kubernetes resource quantity: 2, 500m, 1.5, 2Gi, 512Mi, 1e3… */
    private static final Pattern QUANTITY = Pattern.compile("[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][0-9]+)?");
    /** A ConfigMap key: the study file's name when it is one. */
    private static final Pattern CONFIG_KEY = Pattern.compile("[-._a-zA-Z0-9]{1,253}");
    /** The user and host of a server URL after its scheme: {@code scheme://[user[:password]@]host[:port]/…}. */
    private static final Pattern AUTHORITY = Pattern.compile("^[^:]+://(?:([^@/?]*)@)?(\\[[^\\]]*\\]|[^:/?]*)");

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "STUDY.yaml", description = "The study file (checked whole before anything is printed).")
    Path file;

    @Option(names = "--workers", required = true, paramLabel = "N", description = "Pods, each one worker (completions = parallelism = N).")
    int workers;

    @Option(names = "--image", required = true, paramLabel = "IMAGE",
            description = "Container image with nntune on its PATH (bin/nntune and its jar), a POSIX sh and the study's data.")
    String image;

    @Option(names = {"-s", "--storage"}, paramLabel = "URL",
            description = "The study's storage as the pods reach it, without password: postgresql://USER@HOST:PORT/DB or mysql://USER@HOST:PORT/DB"
                    + " (optuna+ prefix allowed; default: the study file's storage).")
    String storage;

    @Option(names = "--secret", paramLabel = "NAME", description = "Secret whose key 'password' holds the database password (default: JOB-storage).")
    String secret;

    @Option(names = "--name", paramLabel = "NAME", description = "Name of the Job (default: nntune-STUDY, made a valid Kubernetes name).")
    String name;

    @Option(names = "--trials", paramLabel = "N", description = "The study's total number of finished trials (default: the study file's budget.trials).")
    Integer trials;

    @Option(names = "--jobs", paramLabel = "J", description = "Trials run in parallel in each pod, 1 to 1024 (default: the study file's budget.jobs).")
    Integer jobs;

    @Option(names = "--cpu", paramLabel = "Q", description = "CPU request of each pod (default: one per parallel trial).")
    String cpu;

    @Option(names = "--memory", paramLabel = "Q", defaultValue = "2Gi", description = "Memory request and limit of each pod (default: ${DEFAULT-VALUE}).")
    String memory;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "/nntune",
            description = "Folder in the image where the study file is placed: its relative data paths resolve there, and pod 0 writes"
                    + " the results there (default: ${DEFAULT-VALUE}).")
    String dir;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the manifest to FILE instead of standard output.")
    Path output;

    @Override
    public Integer call() {
        if (workers < 1) {
            throw usage("--workers must be at least 1, got " + workers);
        }
        if (trials != null && trials < 1) {
            throw usage("--trials must be at least 1, got " + trials);
        }
        if (jobs != null) {
            StudyFile.Budget.jobsOptionProblem(jobs).ifPresent(m -> {
                throw usage(m);
            });
        }
        if (image.isBlank() || image.chars().anyMatch(Character::isWhitespace)) {
            throw usage("--image '" + image + "' is not an image reference (e.g. registry.example.com/nntune:0.1)");
        }
        if (!dir.startsWith("/") || dir.contains(":") || dir.chars().anyMatch(Character::isWhitespace)) {
            throw usage("--dir '" + dir + "' must be an absolute path in the image without spaces or ':' (e.g. /nntune)");
        }
        String mem = quantity("--memory", memory);
        StudyFile sf = TuneCommand.reader().read(file);
        int podJobs = jobs != null ? jobs : sf.budget().jobs();
        String cpus = cpu != null ? quantity("--cpu", cpu) : String.valueOf(podJobs);
        String url = serverUrl(StudyRun.storageUrl(sf, new StudyRun.Overrides(Optional.ofNullable(storage), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty())));
        String job = jobName(sf.name());
        String secretName = secret != null ? checkedName("--secret", secret) : job + "-storage";
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, file + ": cannot read the study file: " + e.getMessage(), e);
        }
        String key = CONFIG_KEY.matcher(file.getFileName().toString()).matches() ? file.getFileName().toString() : "study.yaml";
        Manifest m = new Manifest(job, sf.name(), image, url, secretName, passwordVariable(url), workers, podJobs,
                Optional.ofNullable(trials), cpus, mem, dir.replaceAll("/+$", ""), key, StorageUrl.stripPasswords(text));
        String yaml = m.yaml();
        if (output != null) {
            try {
                Files.writeString(output, yaml, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CliException(ExitCode.OTHER, "cannot write the manifest to " + output + ": " + e.getMessage(), e);
            }
        } else {
            spec.commandLine().getOut().print(yaml);
            spec.commandLine().getOut().flush();
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("nntune: " + workers + " workers of study '" + sf.name() + "' on " + url + (output != null ? "; manifest written to " + output : "")
                + ". First create the Secret: kubectl create secret generic " + secretName + " --from-literal=" + SECRET_KEY + "=…");
        err.flush();
        return ExitCode.OK;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private String quantity(String option, String value) {
        if (!QUANTITY.matcher(value).matches()) {
            throw usage(option + " '" + value + "' is not a Kubernetes quantity (e.g. 2, 500m, 4Gi, 512Mi)");
        }
        double amount = quantityValue(value);
        if (option.equals("--cpu") && !(amount > 0)) {
            throw usage("--cpu '" + value + "' requests no CPU; give a positive amount (e.g. 1, 500m)");
        }
        if (option.equals("--memory") && amount < MIN_POD_MEMORY) {
            // a bare number is bytes: --memory 2 meant as 2 GiB gives a pod that cannot start its JVM
            throw usage("--memory '" + value + "' is " + (long) amount + " bytes; a worker pod's JVM needs at least 256Mi"
                    + " (give a unit, e.g. 2Gi or 512Mi)");
        }
        return value;
    }

    /** The least memory a worker pod may have: its JVM (heap, metaspace, the kernels) does not start in less. */
    public static final double MIN_POD_MEMORY = 256.0 * 1024 * 1024;

    /** A Kubernetes quantity's value: cores for a CPU, bytes for memory ({@code 500m} = 0.5, {@code 2Gi} = 2^31). */
    public static double quantityValue(String q) {
        java.util.regex.Matcher m = QUANTITY.matcher(q);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a quantity: " + q);
        }
        String suffix = m.group(2) == null ? "" : m.group(2);
        double v = Double.parseDouble(q.substring(0, q.length() - suffix.length()));
        if (suffix.startsWith("e") || suffix.startsWith("E")) {
            return v * Math.pow(10, Integer.parseInt(suffix.substring(1)));
        }
        return v * switch (suffix) {
            case "" -> 1.0;
            case "m" -> 1e-3;
            case "k" -> 1e3;
            case "M" -> 1e6;
            case "G" -> 1e9;
            case "T" -> 1e12;
            case "P" -> 1e15;
            case "E" -> 1e18;
            case "Ki" -> 0x1p10;
            case "Mi" -> 0x1p20;
            case "Gi" -> 0x1p30;
            case "Ti" -> 0x1p40;
            case "Pi" -> 0x1p50;
            case "Ei" -> 0x1p60;
            default -> throw new IllegalArgumentException("unknown suffix in " + q);
        };
    }

    private String checkedName(String option, String value) {
        if (!NAME.matcher(value).matches()) {
            throw usage(option + " '" + value + "' is not a Kubernetes name: lower-case letters, digits and '-', starting and ending"
                    + " with a letter or digit, at most 52 characters");
        }
        return value;
    }

    /** The Job's name: {@code --name}, or {@code nntune-} and the study's name made a valid Kubernetes name. */
    private String jobName(String study) {
        if (name != null) {
            return checkedName("--name", name);
        }
        String s = ("nntune-" + study.toLowerCase(Locale.ROOT)).replaceAll("[^a-z0-9]+", "-");
        s = s.substring(0, Math.min(s.length(), 52)).replaceAll("-+$", "");
        return s;
    }

    /**
     * The storage URL the pods get: a database server's, its password left out. SQLite, the in-memory
     * storage and the JDBC forms (which take no password from the environment) are refused, saying why.
     */
    private String serverUrl(String given) {
        String shown = CliStorage.shown(given);
        if (Storages.isMemory(given)) {
            throw new CliException(ExitCode.USAGE, "storage '" + shown + "' lives in one process's memory: the pods of a Job run on"
                    + " other machines and cannot share it; give --storage postgresql://USER@HOST:PORT/DB (or mysql://…) that the pods reach");
        }
        Optional<Path> sqlite;
        try {
            sqlite = Storages.sqliteFile(given);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.STORAGE, "cannot use storage " + shown + ": " + CliStorage.shown(e.getMessage()), e);
        }
        if (sqlite.isPresent()) {
            throw new CliException(ExitCode.USAGE, "storage '" + shown + "' is an SQLite file: it lives on one machine's disk, so the pods"
                    + " of a Job (on other machines) cannot share it, and SQLite on a network file system loses its locks; give"
                    + " --storage postgresql://USER@HOST:PORT/DB (or mysql://…) that the pods reach"
                    + (storage == null ? " (this is the study file's storage)" : ""));
        }
        String bare = given.strip();
        if (bare.toLowerCase(Locale.ROOT).startsWith(OptunaStorage.PREFIX)) {
            bare = bare.substring(OptunaStorage.PREFIX.length());
        }
        if (bare.toLowerCase(Locale.ROOT).startsWith("jdbc:")) {
            throw new CliException(ExitCode.USAGE, "storage '" + shown + "' is a JDBC URL: write it as postgresql://USER@HOST:PORT/DB or"
                    + " mysql://USER@HOST:PORT/DB, the forms for which nntune takes the password from PGPASSWORD or MYSQL_PWD (the Secret)");
        }
        String url = StorageUrl.stripPasswords(given.strip());
        Matcher a = AUTHORITY.matcher(bare);
        String user = a.find() && a.group(1) != null ? a.group(1).replaceFirst(":.*", "") : "";
        if (user.isEmpty()) {
            throw new CliException(ExitCode.USAGE, "storage '" + shown + "' names no database user: write it as "
                    + "postgresql://USER@HOST:PORT/DB (a pod's own user name means nothing to the database)");
        }
        PrintWriter err = spec.commandLine().getErr();
        if (!url.equals(given.strip())) {
            err.println("nntune: warning: the password in the storage URL is left out of the manifest; the pods read it from the Secret");
        }
        String host = a.group(2).toLowerCase(Locale.ROOT);
        if (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]")) {
            err.println("nntune: warning: storage host '" + host + "' is the pod itself in Kubernetes (only right with a database proxy"
                    + " beside each worker); give the host name the pods reach, e.g. a Service's name");
        }
        return url;
    }

    private static String passwordVariable(String url) {
        String scheme = url.toLowerCase(Locale.ROOT).replaceFirst("^" + Pattern.quote(OptunaStorage.PREFIX), "");
        return scheme.startsWith("postgres") ? "PGPASSWORD" : "MYSQL_PWD";
    }

    /** What the manifest is made of; {@link #yaml()} writes it. */
    record Manifest(String job, String study, String image, String url, String secret, String passwordVariable, int workers,
                    int jobs, Optional<Integer> trials, String cpu, String memory, String dir, String fileKey, String fileText) {

        String studyFile() {
            return dir + "/" + fileKey;
        }

        /**
         * The pods' script. Pod 0 creates the study (or resumes it) and ends with the refit and the
         * results; the others join once the definition is stored: until then a worker exits with 4.
         * A worker that exits with 4 later (a lost database) is run again too: it resumes. Every
         * user-given string reaches it through the environment, quoted, never spliced into it.
         */
        String script() {
            String more = " --jobs " + jobs + trials.map(t -> " --trials " + t).orElse("") + " --progress plain";
            return String.join("\n",
                    "# pod 0 creates (or resumes) the study, works on it, then refits the best configuration and prints the results",
                    "if [ \"${JOB_COMPLETION_INDEX:-0}\" = 0 ]; then",
                    "  exec nntune tune \"$NNTUNE_STUDY_FILE\" --storage \"$NNTUNE_STORAGE\" --study \"$NNTUNE_STUDY\"" + more,
                    "fi",
                    "# the other pods join it as workers; exit code 4 (no such study yet, or the database lost) is tried again",
                    "tries=0",
                    "while true; do",
                    "  nntune worker \"$NNTUNE_STUDY\" --storage \"$NNTUNE_STORAGE\"" + more,
                    "  rc=$?",
                    "  if [ \"$rc\" -ne 4 ] || [ \"$tries\" -ge \"$NNTUNE_WAIT_TRIES\" ]; then exit \"$rc\"; fi",
                    "  tries=$((tries + 1))",
                    "  echo \"nntune: study not ready (exit code 4); trying again in ${NNTUNE_WAIT_SECONDS}s ($tries of $NNTUNE_WAIT_TRIES)\" >&2",
                    "  sleep \"$NNTUNE_WAIT_SECONDS\"",
                    "done",
                    "");
        }

        String yaml() {
            Map<String, Object> labels = map("app.kubernetes.io/name", "nntune", "app.kubernetes.io/instance", job);
            Map<String, Object> annotations = map("nntune.org/study", study);

            Map<String, Object> configMap = map("apiVersion", "v1", "kind", "ConfigMap",
                    "metadata", map("name", job + "-study", "labels", labels, "annotations", annotations),
                    "data", map(fileKey, fileText));

            List<Object> env = new ArrayList<>();
            env.add(map("name", "NNTUNE_STORAGE", "value", url));
            env.add(map("name", "NNTUNE_STUDY", "value", study));
            env.add(map("name", "NNTUNE_STUDY_FILE", "value", studyFile()));
            env.add(map("name", passwordVariable, "valueFrom", map("secretKeyRef", map("name", secret, "key", SECRET_KEY))));
            // the JVM's heap as a share of the container's memory limit (its default is a quarter)
            env.add(map("name", "NNTUNE_JAVA_OPTS", "value", "-XX:MaxRAMPercentage=75"));
            env.add(map("name", "NNTUNE_WAIT_SECONDS", "value", String.valueOf(WAIT_SECONDS)));
            env.add(map("name", "NNTUNE_WAIT_TRIES", "value", String.valueOf(WAIT_TRIES)));

            Map<String, Object> container = map("name", "worker", "image", image,
                    "command", List.of("/bin/sh", "-c", script()),
                    "env", env,
                    "resources", map("requests", map("cpu", cpu, "memory", memory), "limits", map("memory", memory)),
                    "volumeMounts", List.of(map("name", "study", "mountPath", studyFile(), "subPath", fileKey, "readOnly", true)));
            Map<String, Object> podSpec = map(
                    // a failed worker is restarted in its pod and resumes; its running trials go stale and are retried
                    "restartPolicy", "OnFailure",
                    "containers", List.of(container),
                    "volumes", List.of(map("name", "study", "configMap", map("name", job + "-study"))));
            Map<String, Object> jobSpec = map(
                    "completionMode", "Indexed",
                    "completions", workers,
                    "parallelism", workers,
                    // each worker may fail (a lost database, a lost node) twice before the Job gives up
                    "backoffLimit", 2 * workers,
                    "template", map("metadata", map("labels", labels, "annotations", annotations), "spec", podSpec));
            Map<String, Object> jobObject = map("apiVersion", "batch/v1", "kind", "Job",
                    "metadata", map("name", job, "labels", labels, "annotations", annotations), "spec", jobSpec);

            StringBuilder out = new StringBuilder();
            out.append("# nntune study '").append(study.replaceAll("[\\r\\n]", " ")).append("': ").append(workers)
                    .append(" workers as a Kubernetes Indexed Job on ").append(url).append('\n');
            out.append("# first:  kubectl create secret generic ").append(secret).append(" --from-literal=").append(SECRET_KEY).append("=…\n");
            out.append("# then:   kubectl apply -f THIS_FILE;  results (pod 0): kubectl logs -l job-name=").append(job)
                    .append(",batch.kubernetes.io/job-completion-index=0\n");
            try {
                YAMLMapper yaml = YAMLMapper.builder(YAMLFactory.builder().build())
                        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                        .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                        .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                        .disable(YAMLGenerator.Feature.SPLIT_LINES)
                        .build();
                out.append(yaml.writeValueAsString(configMap));
                out.append(yaml.writeValueAsString(jobObject));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write the manifest: " + e.getMessage(), e);
            }
            return out.toString();
        }

        private static Map<String, Object> map(Object... keysAndValues) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < keysAndValues.length; i += 2) {
                m.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
            return m;
        }
    }
}
