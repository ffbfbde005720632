package org.debian.bootc.executor.buildroot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.debian.bootc.debian.process.Command;

/**
 * The {@link Sandbox} made with Debian's bubblewrap, as Flatpak uses it, inside a buildroot's
 * namespaces. Each command enters the holder's user, mount, PID, IPC and UTS namespaces with
 * {@code nsenter} (so killing the holder still kills everything), then {@code bwrap}:
 * <ul>
 * <li>joins the buildroot's <em>inner</em> user namespace ({@code --userns}), which maps the
 *     subordinate ids only: root inside is a subordinate id on the host, and the executor's
 *     own uid (mapped in the holder's namespace for set-up and clean-up) is not mapped, so
 *     nothing inside owns or may override anything of the executor's;</li>
 * <li>binds the merged overlay as its new root and {@code pivot_root}s into it, with a
 *     {@code /proc} of a PID namespace of its own: PID 1 and every {@code /proc/<pid>/root}
 *     lead to the chroot, never to the host;</li>
 * <li>a network namespace with only {@code lo} unless the command is a download;</li>
 * <li>{@code no_new_privs} (bubblewrap always sets it), a new session (no TIOCSTI into the
 *     executor's terminal), death with its parent, a clean environment, and the seccomp filter
 *     of debian's {@code SeccompFilter} (no mount, namespaces, chroot, kernel modules, kexec,
 *     keyrings, bpf, perf, handle-based opens);</li>
 * <li>root's capabilities bounded to what dpkg and maintainer scripts need (owners, modes,
 *     setuid to system users, file capabilities); a build step runs as {@code builder}
 *     through the chroot's {@code setpriv}, with none.</li>
 * </ul>
 *
 * @param enter the {@code nsenter} prefix into the holder's namespaces
 * @param merged the chroot, as seen in the holder's mount namespace at a path the inner namespace may walk
 * @param innerUserNamespace {@code /proc/<pid>/ns/user} of the inner namespace's holder, as seen there
 * @param seccomp the compiled seccomp filter file
 * @param builderUid the build step's uid and gid inside
 */
public record Bubblewrap(List<String> enter, Path merged, String innerUserNamespace, Path seccomp, int builderUid)
        implements Sandbox {

    /** What root in the sandbox keeps: dpkg's and maintainer scripts' needs, as a container runtime's default. */
    static final List<String> ROOT_CAPABILITIES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER",
            "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_SETFCAP",
            "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE");

    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public Bubblewrap {
        enter = List.copyOf(enter);
    }

    @Override
    public Command command(ChrootCommand command) {
        List<String> argv = new ArrayList<>(enter);
        // bwrap reads the namespace and the filter from descriptors 3 and 4, opened here in the holder's mount namespace
        argv.addAll(List.of("/bin/sh", "-c", "u=$1 s=$2; shift 2; exec \"$@\" 3<\"$u\" 4<\"$s\"", "sandbox",
                innerUserNamespace, seccomp.toString()));
        argv.addAll(List.of("bwrap", "--userns", "3", "--seccomp", "4",
                // dev-bind: the buildroot's /dev holds only null, zero, full, random, urandom and its own devpts
                "--dev-bind", merged.toString(), "/", "--proc", "/proc",
                "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--hostname", "buildroot"));
        if (!command.network()) {
            argv.add("--unshare-net");
        }
        argv.addAll(List.of("--die-with-parent", "--new-session", "--cap-drop", "ALL"));
        // the build step keeps only what setpriv needs to become builder, and loses that with the uid change
        for (String cap : command.asBuilder() ? List.of("CAP_SETUID", "CAP_SETGID") : ROOT_CAPABILITIES) {
            argv.addAll(List.of("--cap-add", cap));
        }
        argv.addAll(List.of("--chdir", command.workingDirectory(), "--clearenv"));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", PATH);
        env.put("LC_ALL", "C.UTF-8");
        env.put("HOME", command.asBuilder() ? "/build" : "/root");
        env.put("USER", command.asBuilder() ? "builder" : "root");
        env.put("LOGNAME", command.asBuilder() ? "builder" : "root");
        env.put("DEBIAN_FRONTEND", "noninteractive");
        env.putAll(command.environment());
        env.forEach((k, v) -> argv.addAll(List.of("--setenv", k, v)));
        argv.add("--");
        if (command.asBuilder()) {
            argv.addAll(List.of("setpriv", "--reuid=" + builderUid, "--regid=" + builderUid, "--clear-groups",
                    "--inh-caps=-all", "--"));
        }
        argv.addAll(command.argv());
        return Command.of(argv).withTimeout(command.timeout()).withLogLimit(Buildroot.LOG_LIMIT_CHARS);
    }

    @Override
    public String describe() {
        return describe(seccomp);
    }

    static String describe(Path seccomp) {
        return "bubblewrap (pivot_root into the chroot; its own PID, IPC, UTS and, but for downloads, network "
                + "namespaces; an inner user namespace of subordinate ids only; no_new_privs; seccomp filter "
                + seccomp.getFileName() + ")";
    }
}
