package org.debian.bootc.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A disk image booted under QEMU with software emulation (TCG: no KVM here), UEFI
 * firmware from Debian's ovmf and the guest's first serial port on QEMU's standard input
 * and output, which is how the test reads the boot and types into the console. Every
 * byte the guest writes also goes to {@code serial.log} next to the disk. A wait that
 * does not see what it waits for fails with the last lines of the serial console.
 */
final class BootVm implements AutoCloseable {

    static final Path OVMF_CODE = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
    static final Path OVMF_VARS = Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]|\u001B[78]|\r");
    private static final Pattern COMPLETE_ANSI = Pattern.compile("\u001B(\\[[0-9;?]*[A-Za-z]|[^\\[])");

    private final Process qemu;
    private final Path serialLog;
    private final StringBuilder console = new StringBuilder();
    private final Thread reader;
    private final OutputStream keyboard;
    private final long started = System.nanoTime();
    private int mark;
    private int commands;

    private BootVm(Process qemu, Path serialLog) throws IOException {
        this.qemu = qemu;
        this.serialLog = serialLog;
        this.keyboard = qemu.getOutputStream();
        InputStream out = qemu.getInputStream();
        OutputStream log = Files.newOutputStream(serialLog, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        this.reader = new Thread(() -> {
            byte[] buffer = new byte[8192];
            String pending = "";
            try (log) {
                for (int n = out.read(buffer); n >= 0; n = out.read(buffer)) {
                    log.write(buffer, 0, n);
                    log.flush();
                    String text = pending + new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                    // an escape sequence cut by the read is kept until its end arrives, so it is removed whole
                    int escape = text.lastIndexOf('\u001B');
                    pending = escape >= 0 && !COMPLETE_ANSI.matcher(text.substring(escape)).lookingAt()
                            && text.length() - escape < 32 ? text.substring(escape) : "";
                    text = ANSI.matcher(text.substring(0, text.length() - pending.length())).replaceAll("");
                    synchronized (console) {
                        console.append(text);
                        console.notifyAll();
                    }
                }
            } catch (IOException ended) {
                // QEMU has stopped
            }
        }, "qemu-serial");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Boots {@code disk} (raw or qcow2) with 2 GiB of memory, one virtual CPU, user-mode
     * networking (the host is 10.0.2.2 to the guest) and a private copy of the UEFI
     * variables in {@code dir}.
     *
     * <p>One virtual CPU, not two: with two, QEMU's multi-threaded TCG once left the guest's
     * second CPU spinning on one instruction in the kernel (a static-branch site in
     * getrandom, a soft lockup of 495 s and more) during the rollback's reboot in CI, so
     * the login prompt never came. The cause was not pinned down; the likeliest is the
     * kernel patching its own code while the other vCPU runs it, which one CPU rules out.
     * The boots take about as long, at most about 12 s more (docs/benchmarks.md).
     *
     * <p>{@code -no-reboot}: a reboot of the guest ends QEMU, and {@link #reboot} starts it
     * again on the same disk. With one virtual CPU, the second warm reset in one QEMU (the
     * rollback's reboot) once left the CPU spinning after GRUB's "Booting" line with no
     * word from the kernel for 10 minutes (CI, 2026-12-08); a cold start each time avoids
     * the warm-reset path altogether, for about the firmware's start-up time.
     */
    static BootVm boot(Path disk, String format, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path vars = dir.resolve("OVMF_VARS.fd");
        Files.copy(OVMF_VARS, vars, StandardCopyOption.REPLACE_EXISTING);
        List<String> command = new ArrayList<>(List.of("qemu-system-x86_64", "-machine", "q35", "-accel", "tcg",
                "-m", "2048", "-smp", "1", "-display", "none", "-monitor", "none",
                "-chardev", "stdio,id=serial0,signal=off", "-serial", "chardev:serial0",
                "-drive", "if=pflash,format=raw,readonly=on,file=" + OVMF_CODE,
                "-drive", "if=pflash,format=raw,file=" + vars,
                "-drive", "if=virtio,format=" + format + ",file=" + disk,
                "-nic", "user,model=virtio-net-pci", "-no-reboot"));
        Process qemu = new ProcessBuilder(command).redirectError(dir.resolve("qemu.stderr").toFile()).start();
        return new BootVm(qemu, dir.resolve("serial.log"));
    }

    /** Seconds since QEMU started. */
    double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    /**
     * Waits for {@code pattern} in what the console printed after the last match, and
     * moves the mark past it.
     */
    Matcher await(Pattern pattern, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (console) {
            while (true) {
                Matcher m = pattern.matcher(console);
                if (m.find(mark)) {
                    mark = m.end();
                    return m;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !qemu.isAlive() && !reader.isAlive()) {
                    throw new AssertionError(what + ": not seen within " + timeout.toSeconds() + " s ("
                            + (qemu.isAlive() ? "QEMU still running" : "QEMU exited " + qemu.exitValue())
                            + "); last lines of the serial console (" + serialLog + "):\n" + tail(40));
                }
                console.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(left, 1_000_000_000L))));
            }
        }
    }

    /** Everything the console printed so far, escape sequences removed. */
    String console() {
        synchronized (console) {
            return console.toString();
        }
    }

    /**
     * Types {@code command} into the logged-in shell and returns what it printed; fails
     * naming the command when it exits non-zero or does not end in time.
     */
    String run(String command, Duration timeout) throws IOException, InterruptedException {
        int n = ++commands;
        // the marker is split in the typed line, so the echo of the line does not match it
        type(command + " ; echo \"@@E2E\"\"-END-" + n + " rc=$?\"\n");
        Matcher end = await(Pattern.compile("(?s)\n(.*?)@@E2E-END-" + n + " rc=(\\d+)\n"), timeout,
                "the guest's answer to `" + command + "`");
        String output = end.group(1);
        // drop the echo of the typed line, if the terminal echoed it
        int typed = output.indexOf("-END-" + n + " rc=$?\"");
        if (typed >= 0) {
            int lineEnd = output.indexOf('\n', typed);
            output = lineEnd >= 0 ? output.substring(lineEnd + 1) : "";
        }
        // drop the prompt line(s) before the output: "# " (the PS1 set at login) or bash's default prompt
        output = ANSI.matcher(output).replaceAll("").replaceFirst("^(?:[^\n]*# ?\n)+", "");
        if (!end.group(2).equals("0")) {
            throw new AssertionError("`" + command + "` exited " + end.group(2) + " in the guest:\n" + output);
        }
        return output;
    }

    /** Waits for QEMU to stop by itself (the guest powered off); fails with the console's last lines if it does not. */
    void awaitExit(Duration timeout) throws InterruptedException {
        if (!qemu.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the guest did not power off within " + timeout.toSeconds() + " s; last lines of"
                    + " the serial console:\n" + tail(40));
        }
    }

    /**
     * Reboots the guest as a machine is power-cycled: {@code systemctl reboot}, QEMU ends
     * ({@code -no-reboot}), and a new QEMU boots {@code disk} again with the serial console
     * appended to the same {@code serial.log} in {@code dir}.
     */
    BootVm reboot(Path disk, String format, Path dir) throws IOException, InterruptedException {
        type("systemctl reboot\n");
        awaitExit(Duration.ofMinutes(3));
        close();
        return boot(disk, format, dir);
    }

    void type(String text) throws IOException {
        keyboard.write(text.getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
    }

    String tail(int lines) {
        String[] all = console().split("\n");
        return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
    }

    @Override
    public void close() throws InterruptedException {
        qemu.destroy();
        if (!qemu.waitFor(20, TimeUnit.SECONDS)) {
            qemu.destroyForcibly();
            qemu.waitFor(20, TimeUnit.SECONDS);
        }
        reader.join(5000);
    }
}
