package org.debian.bootc.publisher;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.debian.bootc.debian.PackageId;
import org.debian.bootc.debian.process.ProcessRunner;

/**
 * The Debian archive this machine's apt sources name (never a host written into the
 * tests), and install closures resolved against it with apt in a private directory,
 * as the planner resolves an image's package set.
 */
public final class TestArchive {

    public static final String KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";
    private static final Pattern INST = Pattern.compile("^Inst (\\S+) \\((\\S+) .*\\[(\\S+)\\]\\)", Pattern.MULTILINE);

    private TestArchive() {
    }

    /** The machine's suite: VERSION_CODENAME of /etc/os-release. */
    public static String suite() throws IOException {
        return Files.readAllLines(Path.of("/etc/os-release")).stream().filter(l -> l.startsWith("VERSION_CODENAME="))
                .map(l -> l.substring("VERSION_CODENAME=".length()).replace("\"", "")).findFirst().orElseThrow();
    }

    /** The URI of the first apt source of this machine that serves {@link #suite()} main. */
    public static URI archive() throws IOException {
        String suite = suite();
        List<Path> files = new ArrayList<>();
        files.add(Path.of("/etc/apt/sources.list"));
        try (var parts = Files.list(Path.of("/etc/apt/sources.list.d"))) {
            parts.sorted().forEach(files::add);
        }
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            String text = Files.readString(file);
            if (file.toString().endsWith(".sources")) {
                for (String stanza : text.split("\n\\s*\n")) {
                    String uris = field(stanza, "URIs");
                    String suites = field(stanza, "Suites");
                    if (uris != null && suites != null && List.of(suites.split("\\s+")).contains(suite)
                            && stanza.contains("Types: deb")) {
                        return URI.create(uris.split("\\s+")[0]);
                    }
                }
            } else {
                for (String line : text.split("\n")) {
                    String[] words = line.replaceAll("\\[[^]]*\\]", "").trim().split("\\s+");
                    if (words.length >= 4 && words[0].equals("deb") && words[2].equals(suite)) {
                        return URI.create(words[1]);
                    }
                }
            }
        }
        throw new IllegalStateException("no apt source of this machine serves " + suite + " main");
    }

    private static String field(String stanza, String name) {
        Matcher m = Pattern.compile("^" + name + ":\\s*(.+)$", Pattern.MULTILINE).matcher(stanza);
        return m.find() ? m.group(1).trim() : null;
    }

    /** The install closure of the Essential packages plus {@code packages}, exact versions, no Recommends. */
    public static List<PackageId> closure(Path dir, String architecture, String... packages) throws IOException {
        Path apt = Files.createDirectories(dir.resolve("apt-resolve"));
        Files.createDirectories(apt.resolve("etc/apt/preferences.d"));
        Files.createDirectories(apt.resolve("var/lib/apt/lists/partial"));
        Files.createDirectories(apt.resolve("var/cache/apt/archives/partial"));
        Files.createDirectories(apt.resolve("var/lib/dpkg"));
        Files.writeString(apt.resolve("var/lib/dpkg/status"), "");
        Files.writeString(apt.resolve("etc/apt/sources.list"),
                "deb [signed-by=" + KEYRING + "] " + archive() + " " + suite() + " main\n");
        List<String> options = List.of("-o", "Dir=" + apt, "-o", "Dir::Etc=" + apt.resolve("etc/apt"),
                "-o", "Dir::Etc::sourceparts=-", "-o", "Dir::Etc::Parts=-", "-o", "Dir::Etc::TrustedParts=-",
                "-o", "Dir::State::status=" + apt.resolve("var/lib/dpkg/status"),
                "-o", "APT::Architecture=" + architecture, "-o", "APT::Architectures=" + architecture,
                "-o", "Debug::NoLocking=1", "-o", "APT::Install-Recommends=false");
        ProcessRunner runner = new ProcessRunner();
        List<String> update = new ArrayList<>(List.of("apt-get"));
        update.addAll(options);
        update.add("update");
        runner.run(update, Duration.ofMinutes(5));
        List<String> install = new ArrayList<>(List.of("apt-get"));
        install.addAll(options);
        install.addAll(List.of("--simulate", "install", "?essential"));
        install.addAll(List.of(packages));
        String plan = runner.run(install, Duration.ofMinutes(5)).stdoutText();
        List<PackageId> closure = new ArrayList<>();
        Matcher m = INST.matcher(plan);
        while (m.find()) {
            closure.add(new PackageId(m.group(1), m.group(2), m.group(3)));
        }
        closure.sort(null);
        return closure;
    }
}
