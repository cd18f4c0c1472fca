package org.nntune.cli;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.command.K8sCommand;
import org.nntune.cli.exit.ExitCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code nntune k8s}: the manifest it prints is read back into the Kubernetes API's typed objects by
 * the fabric8 model (as the API server would read it) and checked field by field; the pods' script
 * is run with a stand-in {@code nntune}; bad input gets its exit code and nothing on standard output.
 */
class K8sCommandTest {
    static final String PG = "postgresql://nntune@postgres.db.svc:5432/studies";

    private static Path studyFile(Path dir, String extra) throws IOException {
        Path f = dir.resolve("iris.yaml");
        Files.writeString(f, CliTest.IRIS + extra);
        return f;
    }

    /** The manifest's objects, in order, as the fabric8 model reads them. */
    private static List<HasMetadata> parse(String yaml) {
        Object o = new KubernetesSerialization().unmarshal(yaml);
        assertThat(o).as("a multi-document manifest").isInstanceOf(List.class);
        @SuppressWarnings("unchecked")
        List<HasMetadata> objects = (List<HasMetadata>) o;
        return objects;
    }

    private static Map<String, EnvVar> env(Container c) {
        return c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    }

    @Test
    void indexedJobAndConfigMapReadBackAsKubernetesObjects(@TempDir Path dir) throws IOException {
        Path f = studyFile(dir, "");
        CliTest.Result r = CliTest.run("k8s", f.toString(), "--workers", "3", "--image", "registry.example.com/nntune:0.1",
                "--storage", PG, "--trials", "30", "--jobs", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("kubectl create secret generic nntune-iris-test-storage --from-literal=password=");

        List<HasMetadata> objects = parse(r.out());
        assertThat(objects).hasSize(2);
        ConfigMap cm = (ConfigMap) objects.get(0);
        Job job = (Job) objects.get(1);
        assertThat(cm.getMetadata().getName()).isEqualTo("nntune-iris-test-study");
        assertThat(cm.getData()).containsOnlyKeys("iris.yaml");
        assertThat(cm.getData().get("iris.yaml")).isEqualTo(Files.readString(f));

        assertThat(job.getApiVersion()).isEqualTo("batch/v1");
        assertThat(job.getMetadata().getName()).isEqualTo("nntune-iris-test");
        assertThat(job.getMetadata().getAnnotations()).containsEntry("nntune.org/study", "iris-test");
        JobSpec spec = job.getSpec();
        assertThat(spec.getCompletionMode()).isEqualTo("Indexed");
        assertThat(spec.getCompletions()).isEqualTo(3);
        assertThat(spec.getParallelism()).isEqualTo(3);
        assertThat(spec.getBackoffLimit()).isEqualTo(6);
        PodSpec pod = spec.getTemplate().getSpec();
        assertThat(pod.getRestartPolicy()).isEqualTo("OnFailure");
        assertThat(pod.getContainers()).hasSize(1);
        Container c = pod.getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("registry.example.com/nntune:0.1");
        assertThat(c.getCommand()).hasSize(3).startsWith("/bin/sh", "-c");
        String script = c.getCommand().get(2);
        assertThat(script).contains("nntune tune \"$NNTUNE_STUDY_FILE\" --storage \"$NNTUNE_STORAGE\" --study \"$NNTUNE_STUDY\" --jobs 2 --trials 30")
                .contains("nntune worker \"$NNTUNE_STUDY\" --storage \"$NNTUNE_STORAGE\" --jobs 2 --trials 30");

        Map<String, EnvVar> env = env(c);
        assertThat(env.get("NNTUNE_STORAGE").getValue()).isEqualTo(PG);
        assertThat(env.get("NNTUNE_STUDY").getValue()).isEqualTo("iris-test");
        assertThat(env.get("NNTUNE_STUDY_FILE").getValue()).isEqualTo("/nntune/iris.yaml");
        EnvVar password = env.get("PGPASSWORD");
        assertThat(password.getValue()).isNull();
        assertThat(password.getValueFrom().getSecretKeyRef().getName()).isEqualTo("nntune-iris-test-storage");
        assertThat(password.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
        assertThat(env).doesNotContainKey("MYSQL_PWD");

        assertThat(c.getResources().getRequests()).containsEntry("cpu", new Quantity("2")).containsEntry("memory", new Quantity("2Gi"));
        assertThat(c.getResources().getLimits()).containsEntry("memory", new Quantity("2Gi"));
        assertThat(c.getVolumeMounts()).hasSize(1);
        VolumeMount mount = c.getVolumeMounts().get(0);
        assertThat(mount.getMountPath()).isEqualTo("/nntune/iris.yaml");
        assertThat(mount.getSubPath()).isEqualTo("iris.yaml");
        assertThat(mount.getReadOnly()).isTrue();
        Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
        assertThat(volume.getConfigMap().getName()).isEqualTo(cm.getMetadata().getName());
    }

    @Test
    void thePasswordIsNeverInTheManifest(@TempDir Path dir) throws IOException {
        Path f = studyFile(dir, "storage: mysql://tuner:file-s3cret@maria:3306/studies\n");
        Path out = dir.resolve("job.yaml");
        CliTest.Result r = CliTest.run("k8s", f.toString(), "--workers", "2", "--image", "nntune:dev", "--secret", "db-pass",
                "--name", "iris-run", "--memory", "512Mi", "--cpu", "500m", "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("password in the storage URL is left out").doesNotContain("file-s3cret");
        String yaml = Files.readString(out);
        assertThat(yaml).doesNotContain("file-s3cret");
        List<HasMetadata> objects = parse(yaml);
        Job job = (Job) objects.get(1);
        assertThat(job.getMetadata().getName()).isEqualTo("iris-run");
        Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, EnvVar> env = env(c);
        assertThat(env.get("NNTUNE_STORAGE").getValue()).isEqualTo("mysql://tuner@maria:3306/studies");
        assertThat(env.get("MYSQL_PWD").getValueFrom().getSecretKeyRef().getName()).isEqualTo("db-pass");
        assertThat(env).doesNotContainKey("PGPASSWORD");
        assertThat(c.getResources().getRequests()).containsEntry("cpu", new Quantity("500m")).containsEntry("memory", new Quantity("512Mi"));
        // the study file goes to the pods with its storage's password removed
        assertThat(((ConfigMap) objects.get(0)).getData().get("iris.yaml")).contains("storage: mysql://tuner@maria:3306/studies");

        CliTest.Result pg = CliTest.run("k8s", f.toString(), "--workers", "1", "--image", "nntune:dev",
                "--storage", "optuna+postgresql://nntune:pg-s3cret@postgres/studies?sslmode=require&password=q-s3cret");
        assertThat(pg.code()).as(pg.err()).isZero();
        assertThat(pg.out() + pg.err()).doesNotContain("s3cret");
        Container pc = ((Job) parse(pg.out()).get(1)).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(env(pc).get("NNTUNE_STORAGE").getValue()).isEqualTo("optuna+postgresql://nntune@postgres/studies?sslmode=require");
        assertThat(env(pc)).containsKey("PGPASSWORD");
    }

    @Test
    void storagesThatPodsCannotShareAreRefusedSayingWhy(@TempDir Path dir) throws IOException {
        Path f = studyFile(dir, "");
        record Case(String storage, String why) {}
        for (Case c : List.of(new Case("sqlite:" + dir.resolve("iris.db"), "SQLite file"),
                new Case("optuna+sqlite:///iris.db", "SQLite file"),
                new Case("memory", "one process's memory"),
                new Case("jdbc:postgresql://postgres/studies", "JDBC URL"),
                new Case("postgresql://postgres/studies", "names no database user"))) {
            CliTest.Result r = CliTest.run("k8s", f.toString(), "--workers", "2", "--image", "nntune:dev", "--storage", c.storage());
            assertThat(r.code()).as(c.storage() + ": " + r.err()).isEqualTo(ExitCode.USAGE);
            assertThat(r.err()).as(c.storage()).contains(c.why());
            assertThat(r.out()).isEmpty();
        }
        // no --storage: the study file's default, an SQLite file beside it, refused too
        CliTest.Result dflt = CliTest.run("k8s", f.toString(), "--workers", "2", "--image", "nntune:dev");
        assertThat(dflt.code()).isEqualTo(ExitCode.USAGE);
        assertThat(dflt.err()).contains("SQLite file").contains("study file's storage");
        assertThat(dir.resolve("iris.db")).doesNotExist();

        CliTest.Result bad = CliTest.run("k8s", f.toString(), "--workers", "2", "--image", "nntune:dev", "--storage", "postgresql:/x");
        assertThat(bad.code()).as(bad.err()).isEqualTo(ExitCode.STORAGE);
        assertThat(bad.err()).contains("bad storage URL");
        assertThat(bad.out()).isEmpty();
    }

    @Test
    void badStudyFilesAndOptionsPrintNothing(@TempDir Path dir) throws IOException {
        Path f = studyFile(dir, "");
        Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, CliTest.IRIS.replace("activation: [relu, tanh]", "activation: [relu, tahn]"));
        CliTest.Result r = CliTest.run("k8s", typo.toString(), "--workers", "2", "--image", "nntune:dev", "--storage", PG);
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("typo.yaml").contains("tahn");
        assertThat(r.out()).isEmpty();

        CliTest.Result missing = CliTest.run("k8s", dir.resolve("nope.yaml").toString(), "--workers", "2", "--image", "x", "--storage", PG);
        assertThat(missing.code()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.err()).contains("no such study file");

        for (List<String> opts : List.of(List.of("--workers", "0"), List.of("--workers", "2", "--memory", "lots"),
                List.of("--workers", "2", "--name", "Iris_Run"), List.of("--workers", "2", "--trials", "0"),
                List.of("--workers", "2", "--dir", "relative/dir"), List.of("--image", "x"))) {
            List<String> args = new java.util.ArrayList<>(List.of("k8s", f.toString(), "--storage", PG));
            args.addAll(opts);
            if (!opts.contains("--image")) {
                args.addAll(List.of("--image", "nntune:dev"));
            }
            CliTest.Result bad = CliTest.run(args.toArray(String[]::new));
            assertThat(bad.code()).as(opts + ": " + bad.err()).isEqualTo(ExitCode.USAGE);
            assertThat(bad.out()).as(opts.toString()).isEmpty();
        }
        // quantities of the right form that cannot run a worker: no CPU, memory in bytes where GiB were meant
        CliTest.Result noCpu = CliTest.run("k8s", f.toString(), "--storage", PG, "--workers", "2", "--image", "nntune:dev", "--cpu", "0");
        assertThat(noCpu.code()).isEqualTo(ExitCode.USAGE);
        assertThat(noCpu.err()).contains("--cpu '0' requests no CPU");
        CliTest.Result bytes = CliTest.run("k8s", f.toString(), "--storage", PG, "--workers", "2", "--image", "nntune:dev", "--memory", "2");
        assertThat(bytes.code()).isEqualTo(ExitCode.USAGE);
        assertThat(bytes.err()).contains("--memory '2' is 2 bytes; a worker pod's JVM needs at least 256Mi");
        assertThat(List.of(K8sCommand.quantityValue("500m"), K8sCommand.quantityValue("2Gi"), K8sCommand.quantityValue("1.5e3"),
                K8sCommand.quantityValue("256Mi"))).containsExactly(0.5, 2147483648.0, 1500.0, K8sCommand.MIN_POD_MEMORY);
    }

    /**
     * The pods' script, run by /bin/sh with a stand-in {@code nntune} that records its arguments:
     * pod 0 runs {@code tune} once; another pod runs {@code worker} again while it exits with 4 (the
     * study not created yet) and stops at the first other exit code.
     */
    @Test
    void thePodScriptCreatesOnceAndWaitsForTheStudy(@TempDir Path dir) throws Exception {
        Path f = studyFile(dir, "");
        CliTest.Result r = CliTest.run("k8s", f.toString(), "--workers", "4", "--image", "nntune:dev", "--storage", PG);
        assertThat(r.code()).as(r.err()).isZero();
        Container c = ((Job) parse(r.out()).get(1)).getSpec().getTemplate().getSpec().getContainers().get(0);
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("calls.txt");
        Path fake = bin.resolve("nntune");
        // exits with the codes listed in codes.txt, one a call (0 when the list is used up)
        Files.writeString(fake, """
                #!/bin/sh
                echo "$*" >> "$CALLS"
                n=$(wc -l < "$CALLS")
                code=$(sed -n "${n}p" "$CODES")
                exit "${code:-0}"
                """);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThat(runScript(c, bin, calls, "0", "4\n")).isEqualTo(4); // pod 0 execs tune: its exit code is the pod's
        assertThat(Files.readAllLines(calls)).containsExactly(
                "tune /nntune/iris.yaml --storage " + PG + " --study iris-test --jobs 1 --progress plain");

        Files.delete(calls);
        assertThat(runScript(c, bin, calls, "2", "4\n4\n0\n")).isZero();
        assertThat(Files.readAllLines(calls)).hasSize(3)
                .allMatch(l -> l.equals("worker iris-test --storage " + PG + " --jobs 1 --progress plain"));

        Files.delete(calls);
        assertThat(runScript(c, bin, calls, "3", "4\n3\n0\n")).isEqualTo(3); // a data error is not waited out
        assertThat(Files.readAllLines(calls)).hasSize(2);
    }

    private static int runScript(Container c, Path bin, Path calls, String index, String codes) throws Exception {
        Path codesFile = calls.resolveSibling("codes.txt");
        Files.writeString(codesFile, codes);
        ProcessBuilder pb = new ProcessBuilder(c.getCommand()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        for (EnvVar e : c.getEnv()) {
            if (e.getValue() != null) {
                env.put(e.getName(), e.getValue());
            }
        }
        env.put("NNTUNE_WAIT_SECONDS", "0");
        env.put("JOB_COMPLETION_INDEX", index);
        env.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("CALLS", calls.toString());
        env.put("CODES", codesFile.toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
        return p.exitValue();
    }
}
