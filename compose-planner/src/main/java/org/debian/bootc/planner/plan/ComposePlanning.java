package org.debian.bootc.planner.plan;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.debian.bootc.debian.process.CommandFailedException;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.SourceFile;
import org.debian.bootc.events.Violation;
import org.debian.bootc.planner.archive.AptResolver;
import org.debian.bootc.planner.archive.Archive;
import org.debian.bootc.planner.archive.ArchiveChecks;
import org.debian.bootc.planner.archive.ArchiveClient;
import org.debian.bootc.planner.archive.ArchiveException;
import org.debian.bootc.planner.archive.ArchiveLocation;
import org.debian.bootc.planner.archive.ArchiveSnapshot;
import org.debian.bootc.planner.archive.ArchiveUris;
import org.debian.bootc.planner.archive.IndexCache;
import org.debian.bootc.planner.archive.IndexSelection;
import org.debian.bootc.planner.archive.PackageSet;
import org.debian.bootc.planner.archive.SourceIndex;
import org.debian.bootc.planner.buildorder.BuildCycleException;
import org.debian.bootc.planner.buildorder.BuildOrder;
import org.debian.bootc.planner.buildorder.SourceRecord;
import org.debian.bootc.planner.manifest.Manifest;

import org.debian.bootc.debian.deb822.ClearSigned;
import org.debian.bootc.debian.FileSyntaxException;
import org.debian.bootc.debian.PackageId;
import org.debian.bootc.debian.deb822.Deb822;
import org.debian.bootc.debian.relation.DependencySyntaxException;

/**
 * Checks a well-formed manifest against the Debian archive and plans it (Pungi's
 * pkgset, gather and the build order): snapshot the suite, resolve each
 * architecture's package list with apt, look the rebuild set up in Sources (or
 * fetch the given .dsc files and check their sha256), and order the builds.
 * Everything the archive refuses comes back as violations with the manifest
 * pointer at fault; a failure of the archive or a tool is thrown as
 * {@link PlanningUnavailable}. Blocking: call it off the event loop.
 */
public final class ComposePlanning {

    private static final Logger LOG = Logger.getLogger(ComposePlanning.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** apt's "pkg : Depends: other but it is not installable" names the package first. */
    private static final Pattern UNMET_LINE = Pattern.compile("^\\s*([a-z0-9][a-z0-9+.-]+)(?::\\S+)? : ");
    /** A provisional id for ordering before the compose has its own: task ids do not matter yet. */
    private static final ComposeId PROVISIONAL = new ComposeId("plan-0-19700101.0");

    private final ArchiveLocation location;
    private final ArchiveClient client;
    private final AptResolver resolver;

    public ComposePlanning(ArchiveLocation location, ArchiveClient client, AptResolver resolver) {
        this.location = location;
        this.client = client;
        this.resolver = resolver;
    }

    public PlanOutcome plan(Manifest manifest) {
        try {
            return planOrRefuse(manifest);
        } catch (ArchiveException | CommandFailedException | java.io.UncheckedIOException e) {
            throw new PlanningUnavailable("cannot plan against the archive for " + manifest.suite() + ": "
                    + e.getMessage(), e);
        }
    }

    private PlanOutcome planOrRefuse(Manifest manifest) {
        long started = System.nanoTime();
        String suite = manifest.suite();
        Archive archive = location.forSuite(suite);
        ArchiveSnapshot snapshot;
        try {
            snapshot = client.snapshot(archive, suite, IndexSelection.main(manifest.architectures()));
        } catch (ArchiveException.SuiteNotServed e) {
            return new PlanOutcome.Refused(List.of(new Violation("/suite", quote(suite), "suite '" + suite
                    + "' is not served by the archive " + ArchiveUris.display(archive.uri())
                    + " (it has no dists/" + suite + "/InRelease)")));
        }
        List<Violation> violations = new ArrayList<>();
        Map<String, List<PackageId>> resolved = new LinkedHashMap<>();
        SourceIndex sources = null;
        for (String arch : manifest.architectures()) {
            ArchiveChecks checks = ArchiveChecks.of(snapshot, arch);
            sources = checks.sources();
            List<Violation> unknown = unknownPackages(manifest, arch, checks);
            violations.addAll(unknown);
            if (unknown.isEmpty()) {
                resolve(manifest, arch, snapshot, violations).ifPresent(set -> resolved.put(arch, set));
            }
        }
        List<SourceRecord> rebuildSet = rebuildSet(manifest, snapshot, sources, violations);
        Set<String> profiles = profiles(manifest, violations);
        if (violations.isEmpty()) {
            violations.addAll(orderCheck(rebuildSet, manifest, profiles, snapshot));
        }
        if (!violations.isEmpty()) {
            return new PlanOutcome.Refused(dedupe(violations));
        }
        PackageSet set = new PackageSet(archive.uri(), suite, snapshot.release().codename(),
                snapshot.release().inReleaseSha256(), snapshot.release().date(), resolver.base().mmdebstrapVariant(),
                resolved);
        LOG.infof("planned %s %s for %s: %d package(s), %d to rebuild, %d request(s), %d bytes fetched, %d ms",
                manifest.name(), manifest.version(), manifest.architectures(),
                resolved.values().stream().mapToInt(List::size).sum(), rebuildSet.size(), snapshot.downloads().size(),
                snapshot.bytesDownloaded(), (System.nanoTime() - started) / 1_000_000);
        return new PlanOutcome.Planned(set, rebuildSet, manifest.architectures(), profiles);
    }

    /** Names in {@code packages} (after {@code {arch}} expansion) that the suite neither has nor provides. */
    private static List<Violation> unknownPackages(Manifest manifest, String arch, ArchiveChecks checks) {
        List<Violation> violations = new ArrayList<>();
        for (int i = 0; i < manifest.packages().size(); i++) {
            String name = manifest.packages().get(i).replace(Manifest.ARCH_PLACEHOLDER, arch);
            if (!checks.unknownPackages(List.of(name)).isEmpty()) {
                violations.add(new Violation("/packages/" + i, quote(manifest.packages().get(i)), "package '" + name
                        + "' is not in " + manifest.suite() + " for " + arch + ": no package has that name and none "
                        + "provides it"));
            }
        }
        return violations;
    }

    /** The packages to install, and the exclusions as apt's {@code name-} (keep it out). */
    private static List<String> aptArguments(Manifest manifest, String arch) {
        List<String> argv = new ArrayList<>(manifest.packagesFor(arch));
        manifest.exclude().forEach(name -> argv.add(name.replace(Manifest.ARCH_PLACEHOLDER, arch) + "-"));
        return argv;
    }

    /** The install closure apt resolves; empty, with the violations added, when it cannot. */
    private Optional<List<PackageId>> resolve(Manifest manifest, String arch, ArchiveSnapshot snapshot,
            List<Violation> out) {
        try {
            return Optional.of(resolver.resolve(snapshot, arch, aptArguments(manifest, arch)));
        } catch (ArchiveException.UnknownPackages e) {
            for (String name : e.packages()) {
                out.add(new Violation(pointerOf(manifest, arch, name), quote(name), "package '" + name
                        + "' is not in " + manifest.suite() + " for " + arch + " (apt cannot locate it)"));
            }
            return Optional.empty();
        } catch (ArchiveException.UnmetDependencies e) {
            String first = e.aptLines().stream().map(UNMET_LINE::matcher).filter(Matcher::find)
                    .map(m -> m.group(1)).findFirst().orElse(null);
            String pointer = first == null ? "/packages" : pointerOf(manifest, arch, first);
            String detail = String.join("; ", e.aptLines().stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("The following packages have unmet")).toList());
            out.add(new Violation(pointer, quote(first == null ? String.join(" ", manifest.packagesFor(arch))
                    : first), "the packages cannot be installed together on " + arch + " in " + manifest.suite()
                    + ", a dependency cannot be satisfied: " + detail));
            return Optional.empty();
        }
    }

    /** {@code /packages/i} or {@code /exclude/i} of the entry that names {@code name} on {@code arch}, else {@code /packages}. */
    private static String pointerOf(Manifest manifest, String arch, String name) {
        for (int i = 0; i < manifest.packages().size(); i++) {
            if (manifest.packages().get(i).replace(Manifest.ARCH_PLACEHOLDER, arch).equals(name)) {
                return "/packages/" + i;
            }
        }
        for (int i = 0; i < manifest.exclude().size(); i++) {
            if (manifest.exclude().get(i).replace(Manifest.ARCH_PLACEHOLDER, arch).equals(name)) {
                return "/exclude/" + i;
            }
        }
        return "/packages";
    }

    private List<SourceRecord> rebuildSet(Manifest manifest, ArchiveSnapshot snapshot, SourceIndex sources,
            List<Violation> violations) {
        List<SourceRecord> records = new ArrayList<>();
        for (int i = 0; i < manifest.rebuild().size(); i++) {
            Manifest.Rebuild rebuild = manifest.rebuild().get(i);
            String at = "/rebuild/" + i;
            if (rebuild.dsc() != null) {
                fromDsc(rebuild.dsc(), at + "/dsc", violations).ifPresent(records::add);
                continue;
            }
            ArchiveChecks checks = new ArchiveChecks(manifest.suite(), null, sources);
            ArchiveChecks.SourceLookup lookup = checks.sourceVersion(rebuild.source(),
                    Optional.ofNullable(rebuild.version()));
            if (lookup instanceof ArchiveChecks.SourceLookup.Found found) {
                records.add(fromIndex(snapshot, found.source()));
            } else {
                ArchiveChecks.SourceLookup.Missing missing = (ArchiveChecks.SourceLookup.Missing) lookup;
                boolean noSuchSource = missing.available().isEmpty();
                violations.add(new Violation(at + (noSuchSource ? "/source" : "/version"),
                        quote(noSuchSource ? rebuild.source() : rebuild.version()), missing.message()));
            }
        }
        return records;
    }

    /** A Sources stanza as build ordering reads it, its files located in the archive's pool. */
    static SourceRecord fromIndex(ArchiveSnapshot snapshot, SourceIndex.SourcePackage source) {
        // resolve() against a root without its trailing slash would drop its last segment
        URI base = ArchiveUris.asDirectory(snapshot.archive().uri());
        String directory = source.directory().endsWith("/") ? source.directory() : source.directory() + "/";
        List<SourceFile> files = source.files().stream()
                .map(f -> new SourceFile(f.name(), f.sha256(), f.size(),
                        base.resolve(directory + f.name()).toString()))
                .toList();
        String dsc = source.dsc().map(SourceIndex.SourceFile::name).orElseThrow(() ->
                new ArchiveException.MalformedIndex("Sources", 0, "source " + source.name() + " lists no .dsc"));
        return new SourceRecord(source.name(), source.version(), source.binaries(),
                String.join(" ", source.architectures()), source.buildDepends(), source.buildDependsArch(),
                source.buildDependsIndep(), files, dsc);
    }

    /** Fetches a .dsc given by location, checks its sha256 and the files the manifest lists against it. */
    private Optional<SourceRecord> fromDsc(Manifest.DscSource dsc, String at, List<Violation> violations) {
        URI uri = URI.create(dsc.location());
        byte[] bytes = client.fetchSmall(uri).orElse(null);
        if (bytes == null) {
            violations.add(new Violation(at + "/location", quote(dsc.location()), "no file at " + dsc.location()
                    + " (404 or missing)"));
            return Optional.empty();
        }
        String actual = IndexCache.sha256(bytes);
        if (!actual.equals(dsc.sha256())) {
            violations.add(new Violation(at + "/sha256", quote(dsc.sha256()), "bad checksum: " + dsc.fileName()
                    + " from " + dsc.location() + " has sha256 " + actual + ", not the one given"));
            return Optional.empty();
        }
        Deb822.Paragraph p;
        try {
            p = Deb822.parse(ClearSigned.body(new String(bytes, StandardCharsets.UTF_8)), dsc.location())
                    .stream().findFirst().orElse(null);
        } catch (FileSyntaxException e) {
            throw new ArchiveException.MalformedIndex(e);
        }
        if (p == null || p.get("Source").isEmpty() || p.get("Version").isEmpty() || p.get("Binary").isEmpty()) {
            violations.add(new Violation(at + "/location", quote(dsc.location()), dsc.fileName()
                    + " is not a Debian source control file (it lacks Source, Version or Binary)"));
            return Optional.empty();
        }
        Map<String, String[]> listed = new HashMap<>();
        for (String line : p.continuationLines("Checksums-Sha256")) {
            String[] w = line.strip().split("\\s+");
            if (w.length == 3) {
                listed.put(w[2], w);
            }
        }
        List<SourceFile> files = new ArrayList<>();
        files.add(new SourceFile(dsc.fileName(), dsc.sha256(), bytes.length, dsc.location()));
        boolean bad = false;
        for (int j = 0; j < dsc.files().size(); j++) {
            Manifest.SourceFileRef ref = dsc.files().get(j);
            String[] entry = listed.remove(ref.name());
            if (entry == null) {
                violations.add(new Violation(at + "/files/" + j + "/name", quote(ref.name()), dsc.fileName()
                        + " does not list a file named '" + ref.name() + "'"));
                bad = true;
            } else if (!entry[0].equals(ref.sha256())) {
                violations.add(new Violation(at + "/files/" + j + "/sha256", quote(ref.sha256()), "bad checksum: "
                        + dsc.fileName() + " gives " + ref.name() + " the sha256 " + entry[0] + ", not the one given"));
                bad = true;
            } else {
                files.add(new SourceFile(ref.name(), ref.sha256(), Long.parseLong(entry[1]), ref.location()));
            }
        }
        if (!listed.isEmpty()) {
            violations.add(new Violation(at + "/files", null, dsc.fileName() + " also needs "
                    + new TreeSet<>(listed.keySet()) + ", which the manifest does not locate"));
            bad = true;
        }
        if (bad) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SourceRecord(p.get("Source").get().strip(), p.get("Version").get().strip(),
                    p.commaList("Binary"), p.getOrEmpty("Architecture"), p.folded("Build-Depends"),
                    p.folded("Build-Depends-Arch"), p.folded("Build-Depends-Indep"), files, dsc.fileName()));
        } catch (IllegalArgumentException e) {
            violations.add(new Violation(at + "/location", quote(dsc.location()), dsc.fileName() + ": "
                    + e.getMessage()));
            return Optional.empty();
        }
    }

    /** One build profile for the whole rebuild set: the build order is made for one. */
    private static Set<String> profiles(Manifest manifest, List<Violation> violations) {
        Set<String> distinct = new LinkedHashSet<>();
        manifest.rebuild().forEach(r -> distinct.add(r.profile() == null ? "" : r.profile().strip()));
        if (distinct.size() > 1) {
            for (int i = 0; i < manifest.rebuild().size(); i++) {
                String profile = manifest.rebuild().get(i).profile();
                violations.add(new Violation("/rebuild/" + i + "/profile", profile == null ? null : quote(profile),
                        "every rebuild entry must name the same build profile (found " + distinct.stream()
                                .map(p -> p.isEmpty() ? "none" : "'" + p + "'").toList() + ")"));
            }
            return Set.of();
        }
        String only = distinct.isEmpty() ? "" : distinct.iterator().next();
        return only.isEmpty() ? Set.of() : Set.of(only.split("\\s+"));
    }

    /** Orders the builds once to find cycles and unreadable Build-Depends before the compose exists. */
    private static List<Violation> orderCheck(List<SourceRecord> rebuildSet, Manifest manifest, Set<String> profiles,
            ArchiveSnapshot snapshot) {
        try {
            BuildOrder.plan(rebuildSet, manifest.architectures(), profiles, snapshot.release().inReleaseSha256(),
                    PROVISIONAL, manifest.suite());
            return List.of();
        } catch (BuildCycleException e) {
            return List.of(new Violation("/rebuild", quote(String.join(" ", manifest.rebuildSources())),
                    "the rebuild set cannot be ordered: " + e.getMessage()));
        } catch (DependencySyntaxException e) {
            int i = manifest.rebuildSources().indexOf(e.source());
            return List.of(new Violation(i < 0 ? "/rebuild" : "/rebuild/" + i, quote(e.source()), e.getMessage()));
        } catch (IllegalArgumentException e) {
            return List.of(new Violation("/rebuild", quote(String.join(" ", manifest.rebuildSources())),
                    "the rebuild set cannot be planned: " + e.getMessage()));
        }
    }

    private static List<Violation> dedupe(List<Violation> violations) {
        return List.copyOf(new LinkedHashSet<>(violations));
    }

    static String quote(String value) {
        try {
            return value == null ? null : JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
