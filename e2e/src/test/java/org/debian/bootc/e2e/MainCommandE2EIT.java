package org.debian.bootc.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The README's main command, as a release engineer runs it: {@code bin/deb-bootc-compose
 * examples/minimal.yaml} on a fresh stack directory. The real Kafka broker and PostgreSQL
 * (local-stack), the four services as separate processes, the real Debian archive this
 * machine's apt sources name, mmdebstrap, dpkg-buildpackage, ostree, skopeo and Debian's
 * docker-registry. Then the same command again: the no-change case. Then version 2 of the
 * manifest (one package more). Then one machine, under QEMU (TCG, OVMF), checks all that a
 * boot can: version 1's disk image boots to a login prompt with the published commit booted
 * and nothing failed, upgrades to version 2 over HTTP from the publisher's repository,
 * reboots into it keeping its /etc, and rolls back to version 1 (one boot and two reboots,
 * where there were two boots). The steps run in order and share state.
 *
 * <p>The registry is started here (the command pushes to one that already answers), so the
 * image can be read back after the command has stopped its services.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MainCommandE2EIT {

    private static final Path ROOT = Host.ROOT;
    private static final Path WORK = ROOT.resolve("e2e/target/e2e");
    private static final Pattern REF = Pattern.compile("(?m)^amd64: ostree ref (\\S+) commit ([0-9a-f]{64})$");
    private static final Pattern IMAGE = Pattern.compile("(?m)^amd64: image (\\S+)@(sha256:[0-9a-f]{64})$");

    private static Registry registry;
    private static int registryPort;

    @BeforeAll
    static void registry() throws Exception {
        Host.requirePackagedServices();
        Host.deleteTree(WORK);
        Files.createDirectories(WORK);
        registry = Registry.start(WORK);
        registryPort = registry.port();
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    // state carried from one ordered step to the next: a step whose predecessor failed fails on these
    private static String commit1;
    private static String digest1;
    private static Matcher disk1;
    private static Path guest;

    @Test
    @Order(1)
    void theMinimalManifestBecomesABootcImageAndADiskImage() throws Exception {
        String first = mainCommand(manifest("minimal.yaml", "1", false), "run-1", Duration.ofMinutes(75));
        Matcher ref = REF.matcher(first);
        Matcher image = IMAGE.matcher(first);
        assertTrue(ref.find() && image.find(), "no ref, commit and image printed:\n" + first);
        String commit = ref.group(2);
        assertEquals("debian/bookworm/amd64/minimal", ref.group(1));
        assertEquals("localhost:" + registryPort + "/debian-bootc/minimal:1", image.group(1));
        assertTrue(first.contains("attempt 1: completed success"), "hello was not built:\n" + first);

        // the OSTree repository holds the commit on the ref, with a kernel in the one place bootc looks
        Path repo = WORK.resolve("stack/publisher/ostree/repo");
        assertEquals(commit, Host.tool("ostree", "--repo=" + repo, "rev-parse", ref.group(1)).strip());
        String modules = Host.tool("ostree", "--repo=" + repo, "ls", commit, "/usr/lib/modules");
        assertTrue(modules.lines().filter(l -> l.startsWith("d")).count() == 2, "/usr/lib/modules holds not one kernel"
                + " directory:\n" + modules);
        // the registry serves the image the command named, a bootc image of that commit
        JsonNode inspected = new ObjectMapper().readTree(Host.tool("skopeo", "inspect", "--tls-verify=false",
                "docker://" + image.group(1)));
        assertEquals(image.group(2), inspected.path("Digest").asText());
        JsonNode labels = inspected.path("Labels");
        assertEquals("1", labels.path("containers.bootc").asText(), labels.toString());
        assertEquals("1", labels.path("ostree.bootable").asText(), labels.toString());
        assertEquals(commit, labels.path("ostree.commit").asText(), labels.toString());
        assertTrue(inspected.path("Layers").size() > 1, "not package-chunked: " + inspected.path("Layers"));

        // the manifest's disk: a raw and a qcow2 image of the same 4 GiB disk
        Matcher raw = disk(first, "raw");
        Matcher qcow2 = disk(first, "qcow2");
        Path rawFile = Path.of(URI.create(raw.group(1)));
        assertEquals(4L << 30, Files.size(rawFile));
        assertEquals(Long.parseLong(raw.group(3)), Files.size(rawFile));
        assertEquals(raw.group(2), Host.sha256(rawFile), "the raw image's sha256 is not the one announced");
        JsonNode info = new ObjectMapper().readTree(Host.tool("qemu-img", "info", "--output=json",
                Path.of(URI.create(qcow2.group(1))).toString()));
        assertEquals("qcow2", info.path("format").asText());
        assertEquals(4L << 30, info.path("virtual-size").asLong());
        commit1 = commit;
        digest1 = image.group(2);
        disk1 = raw;
        // the machine's disk, from version 1's image as published (the later runs may replace the file)
        Path copy = WORK.resolve("vm/disk.raw");
        GuestDisk.autologinCopy(rawFile, copy, commit1);
        guest = copy;
    }

    @Test
    @Order(2)
    void aSecondRunRebuildsAndPushesNothing() throws Exception {
        assertNotNull(commit1, "the cold run did not finish");
        String second = mainCommand(manifest("minimal.yaml", "1", false), "run-2", Duration.ofMinutes(30));
        Matcher ref2 = REF.matcher(second);
        Matcher image2 = IMAGE.matcher(second);
        assertTrue(ref2.find() && image2.find(), "no ref, commit and image printed:\n" + second);
        assertEquals(commit1, ref2.group(2), "an unchanged compose made a new commit");
        assertEquals(digest1, image2.group(2), "an unchanged compose made a new image");
        assertTrue(second.contains("nothing is rebuilt"), "hello was not reused:\n" + second);
        assertFalse(second.contains(": running"), "a task was dispatched again:\n" + second);
        assertTrue(second.contains(" 0 bytes pushed)"), "the second run pushed:\n" + second);
        Matcher raw = disk(second, "raw");
        assertEquals(disk1.group(1), raw.group(1), "an unchanged compose made a new disk image");
        assertEquals(disk1.group(2), raw.group(2));
    }

    /**
     * Version 2 of the same ref adds one package (hello, which the compose rebuilds); the
     * machine booted from version 1's disk (the boot checks first) pulls it from the
     * publisher's repository over HTTP, deploys it, keeps a local change to /etc, reboots
     * into it, then goes back to version 1.
     */
    @Test
    @Order(3)
    void version1BootsAndVersion2IsAnUpgradeTheMachinePullsAndRollsBackFrom() throws Exception {
        assertNotNull(guest, "the cold run gave no disk image to boot");
        String third = mainCommand(manifest("minimal-2.yaml", "2", true), "run-3", Duration.ofMinutes(40));
        Matcher ref = REF.matcher(third);
        assertTrue(ref.find(), "no ref and commit printed:\n" + third);
        String commit2 = ref.group(2);
        assertNotEquals(commit1, commit2, "version 2 made no new commit");
        assertTrue(third.contains("nothing is rebuilt"), "hello was built again for version 2:\n" + third);

        upgradeAndRollBack(guest, WORK.resolve("stack/publisher/ostree/repo"), commit1, commit2, WORK.resolve("vm"));
    }

    /**
     * In a machine booted from {@code guest} (version 1 deployed): the boot checks, networking, a local
     * change to /etc, the upgrade pulled over HTTP from {@code repo}, a reboot into
     * {@code commit2} with /etc kept, then back to {@code commit1}.
     */
    static void upgradeAndRollBack(Path guest, Path repo, String commit1, String commit2, Path vmDir)
            throws Exception {
        Path bootDir = vmDir.resolve("boot");
        BootVm vm = BootVm.boot(guest, "raw", bootDir);
        try (StaticFiles http = StaticFiles.serve(repo)) {
            bootsToALoginPrompt(vm, commit1);
            // the minimal image has systemd-networkd but no network configured: DHCP on the Ethernet ports,
            // a local configuration that, like the marker file, must survive the upgrade
            vm.run("printf '[Match]\\nName=en*\\n\\n[Network]\\nDHCP=ipv4\\n' > /etc/systemd/network/50-dhcp.network"
                    + " && systemctl enable --now systemd-networkd", Duration.ofMinutes(2));
            vm.run("echo kept-across-upgrades > /etc/e2e-local-change", Duration.ofMinutes(1));
            awaitHost(vm, http.port());
            vm.run("ostree remote add --no-gpg-verify e2e http://10.0.2.2:" + http.port() + "/",
                    Duration.ofMinutes(1));
            long upgradeStarted = System.nanoTime();
            vm.run("ostree pull e2e debian/bookworm/amd64/minimal", Duration.ofMinutes(15));
            vm.run("ostree admin deploy e2e:debian/bookworm/amd64/minimal", Duration.ofMinutes(10));
            vm = vm.reboot(guest, "raw", bootDir);
            loginOnSerial(vm);
            System.out.printf("upgrade: pull, deploy and reboot to a login prompt in %.1f s under TCG%n",
                    (System.nanoTime() - upgradeStarted) / 1e9);
            String status = vm.run("ostree admin status", Duration.ofMinutes(1));
            assertTrue(status.contains("* debian " + commit2 + ".0"), "version 2 is not booted:\n" + status);
            assertTrue(status.contains("debian " + commit1 + ".0 (rollback)"), "version 1 is not the rollback:\n"
                    + status);
            assertEquals("kept-across-upgrades", vm.run("cat /etc/e2e-local-change", Duration.ofMinutes(1)).strip(),
                    "the local change to /etc was lost");
            awaitHost(vm, http.port()); // the network configuration came along too
            assertTrue(vm.run("hello", Duration.ofMinutes(1)).contains("Hello, world!"), "version 2 has no hello");

            // back to version 1: ostree 2022.7 (bookworm) has no set-default, so the rollback commit is deployed
            // again as the default, keeping the other deployments, which is what a rollback does
            long rollbackStarted = System.nanoTime();
            vm.run("ostree admin deploy --retain " + commit1, Duration.ofMinutes(10));
            vm = vm.reboot(guest, "raw", bootDir);
            loginOnSerial(vm);
            System.out.printf("rollback: deploy and reboot to a login prompt in %.1f s under TCG%n",
                    (System.nanoTime() - rollbackStarted) / 1e9);
            String back = vm.run("ostree admin status", Duration.ofMinutes(1));
            assertTrue(Pattern.compile("(?m)^\\* debian " + commit1 + "\\.\\d").matcher(back).find(),
                    "version 1 is not booted after the rollback:\n" + back);
            assertTrue(vm.run("command -v hello || echo none", Duration.ofMinutes(1)).strip().endsWith("none"),
                    "version 1 has hello");
            assertEquals("kept-across-upgrades", vm.run("cat /etc/e2e-local-change", Duration.ofMinutes(1)).strip());
            vm.type("systemctl poweroff\n"); // the shell ends with the machine: no answer to wait for
            vm.awaitExit(Duration.ofMinutes(3));
        } finally {
            vm.close();
        }
    }

    /**
     * The first boot of version 1's disk: GRUB starts the kernel with an ostree deployment, systemd
     * reaches multi-user.target with no unit failed, the published commit is booted, /boot is the
     * boot partition.
     */
    private static void bootsToALoginPrompt(BootVm vm, String commit1) throws Exception {
        // up to the line's end: the console may have only part of the line yet
        Matcher cmdline = vm.await(Pattern.compile("Command line: ([^\n]*)\n"), Duration.ofMinutes(5),
                "the kernel's command line (GRUB did not start the kernel)");
        assertTrue(Pattern.compile("ostree=/ostree/boot\\.[01]/debian/[0-9a-f]{64}/0").matcher(cmdline.group(1))
                .find(), "the kernel command line names no ostree deployment: " + cmdline.group(1));
        assertTrue(cmdline.group(1).contains("root=LABEL=root rw console=ttyS0,115200n8"), cmdline.group(1));
        vm.await(Pattern.compile("Reached target .*multi-user\\.target"), Duration.ofMinutes(10),
                "systemd reaching multi-user.target");
        loginOnSerial(vm);
        double login = vm.seconds();
        assertFalse(vm.console().contains("FAILED"), "a unit failed while booting:\n" + vm.console());
        String status = vm.run("ostree admin status", Duration.ofMinutes(1));
        assertTrue(status.contains("* debian " + commit1 + ".0"), "the published commit is not booted:\n" + status);
        assertEquals("running", vm.run("systemctl is-system-running --wait", Duration.ofMinutes(3)).strip(),
                "systemd is not running cleanly: " + vm.run("systemctl --failed --no-legend", Duration.ofMinutes(1)));
        assertTrue(vm.run("findmnt -n -o SOURCE,FSTYPE /boot", Duration.ofMinutes(1)).contains("ext4"),
                "/boot is not mounted from the boot partition");
        System.out.printf("boot test: login prompt after %.1f s under TCG%n", login);
    }

    /** Waits until the guest can open a TCP connection to the host's {@code port} (10.0.2.2 on QEMU's user network). */
    private static void awaitHost(BootVm vm, int port) throws Exception {
        vm.run("( for i in $(seq 120); do timeout 2 bash -c 'exec 3<>/dev/tcp/10.0.2.2/" + port + "' 2>/dev/null"
                + " && exit 0; sleep 1; done; echo 'no connection to 10.0.2.2:" + port + " in 120 s'; exit 1 )",
                Duration.ofMinutes(4));
    }

    /** The example manifest with this test's registry, at {@code version}, with hello installed if asked. */
    private static Path manifest(String name, String version, boolean withHello) throws IOException {
        String text = Files.readString(ROOT.resolve("examples/minimal.yaml"))
                .replace("localhost:5000/", "localhost:" + registryPort + "/")
                .replaceFirst("(?m)^version: .*$", "version: \"" + version + "\"");
        if (withHello) {
            text = text.replaceFirst("(?m)^packages:\n", "packages:\n  - hello\n");
        }
        Path manifest = WORK.resolve(name);
        Files.writeString(manifest, text);
        return manifest;
    }

    private static Matcher disk(String output, String format) {
        Matcher m = Pattern.compile("(?m)^amd64: disk " + format + " (file:\\S+) sha256 ([0-9a-f]{64}) (\\d+) bytes$")
                .matcher(output);
        assertTrue(m.find(), "no " + format + " disk image printed:\n" + output);
        return m;
    }

    /** Waits for the autologin on the serial console and makes the shell easy to read. */
    private static void loginOnSerial(BootVm vm) throws Exception {
        vm.await(Pattern.compile("login: root \\(automatic login\\)"), Duration.ofMinutes(10),
                "the login prompt on the serial console");
        vm.await(Pattern.compile("root@[^:]+:~# "), Duration.ofMinutes(2), "root's shell prompt");
        vm.type("stty -echo cols 400; PS1='# '\n");
    }


    /** Runs the main command, returns what it printed; fails with its output and the services' logs if it fails. */
    private static String mainCommand(Path manifest, String name, Duration timeout) throws Exception {
        int base = Host.freePortRun(4);
        Path log = WORK.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("bin/deb-bootc-compose").toString(),
                manifest.toString()).directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("BOOTC_STACK_DIR", WORK.resolve("stack").toString());
        env.put("BOOTC_KAFKA_PORT", Integer.toString(Host.freePort()));
        env.put("BOOTC_POSTGRES_PORT", Integer.toString(Host.freePort()));
        env.put("BOOTC_REGISTRY_PORT", Integer.toString(registryPort));
        env.put("BOOTC_HTTP_PORT_BASE", Integer.toString(base));
        env.put("BOOTC_COMPOSE_TIMEOUT", Long.toString(timeout.toSeconds()));
        Process process = pb.start();
        boolean ended = process.waitFor(timeout.toSeconds() + 300, TimeUnit.SECONDS);
        if (!ended) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        if (!ended || process.exitValue() != 0) {
            fail(name + ": bin/deb-bootc-compose " + (ended ? "exited " + process.exitValue() : "did not end") + "\n"
                    + output + Host.logTails(WORK.resolve("stack/logs")));
        }
        return output;
    }

}
