package org.debian.bootc.planner.manifest;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.debian.bootc.events.ComposeType;

/**
 * A validated compose manifest with its defaults applied: what to rebuild, what goes
 * into the image, and where the result goes. Made by {@link ManifestReader}; the
 * schema {@value ManifestSchema#RESOURCE} documents every field.
 *
 * @param name compose name, the first part of the compose id
 * @param version compose version, the second part of the compose id
 * @param type compose type; {@link ComposeType#PRODUCTION} when the manifest has none
 * @param suite Debian suite codename every package comes from
 * @param architectures Debian architectures, in the manifest's order
 * @param packages binary packages to install in the image, as written (see {@link #packagesFor(String)})
 * @param exclude binary packages kept out of the image; empty by default
 * @param rebuild source packages to build from source; empty by default
 * @param repositories extra apt repositories; empty by default
 * @param ostree OSTree settings; the default ref template when the manifest has none
 * @param image the OCI image, its tag defaulting to {@code version}; {@code null} when the manifest has no image
 * @param failable what may fail without dooming the compose; nothing by default
 * @param disk the disk images to make of each commit; {@code null} when the manifest has no disk
 */
public record Manifest(
        String name,
        String version,
        ComposeType type,
        String suite,
        List<String> architectures,
        List<String> packages,
        List<String> exclude,
        List<Rebuild> rebuild,
        List<Repository> repositories,
        OstreeSettings ostree,
        ImageSettings image,
        Failable failable,
        DiskSettings disk) {

    /** In a package name, stands for each architecture in turn. */
    public static final String ARCH_PLACEHOLDER = "{arch}";

    /** The placeholders an OSTree ref template may use. */
    public static final List<String> REF_PLACEHOLDERS = List.of("suite", "arch", "name", "version");

    public Manifest {
        Objects.requireNonNull(name, "name is required");
        Objects.requireNonNull(version, "version is required");
        Objects.requireNonNull(suite, "suite is required");
        type = type == null ? ComposeType.PRODUCTION : type;
        architectures = List.copyOf(Objects.requireNonNull(architectures, "architectures is required"));
        packages = List.copyOf(Objects.requireNonNull(packages, "packages is required"));
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
        rebuild = rebuild == null ? List.of() : List.copyOf(rebuild);
        repositories = repositories == null ? List.of() : List.copyOf(repositories);
        ostree = ostree == null ? OstreeSettings.DEFAULT : ostree;
        image = image == null || image.tag() != null ? image : new ImageSettings(image.repository(), version, image.labels());
        failable = failable == null ? Failable.NONE : failable;
    }

    /** A manifest without disk images. */
    public Manifest(String name, String version, ComposeType type, String suite, List<String> architectures,
            List<String> packages, List<String> exclude, List<Rebuild> rebuild, List<Repository> repositories,
            OstreeSettings ostree, ImageSettings image, Failable failable) {
        this(name, version, type, suite, architectures, packages, exclude, rebuild, repositories, ostree, image,
                failable, null);
    }

    /**
     * The OSTree ref of this compose's commit for {@code arch}: the template with
     * {@code {suite}}, {@code {arch}}, {@code {name}} and {@code {version}} filled in.
     *
     * @throws IllegalArgumentException if {@code arch} is not one of {@link #architectures()}
     */
    public String ostreeRef(String arch) {
        requireArchitecture(arch);
        return OstreeSettings.expand(ostree.ref(), Map.of("suite", suite, "arch", arch, "name", name, "version", version));
    }

    /**
     * The binary packages to install on {@code arch}: {@link #packages()} with
     * {@value #ARCH_PLACEHOLDER} replaced by {@code arch}, e.g. {@code linux-image-{arch}}
     * as {@code linux-image-arm64}.
     *
     * @throws IllegalArgumentException if {@code arch} is not one of {@link #architectures()}
     */
    public List<String> packagesFor(String arch) {
        requireArchitecture(arch);
        return packages.stream().map(name -> name.replace(ARCH_PLACEHOLDER, arch)).distinct().toList();
    }

    /** The source package names of {@link #rebuild()}, in order. */
    public List<String> rebuildSources() {
        return rebuild.stream().map(Rebuild::sourceName).toList();
    }

    private void requireArchitecture(String arch) {
        if (!architectures.contains(arch)) {
            throw new IllegalArgumentException("architecture " + arch + " is not one of this compose's " + architectures);
        }
    }

    /**
     * One source package to build: either {@code source} (with an optional
     * {@code version}) from the suite's Sources index, or a {@code dsc} given by
     * location; {@code profile} is DEB_BUILD_PROFILES, or {@code null}.
     */
    public record Rebuild(String source, String version, DscSource dsc, String profile) {

        public Rebuild {
            if ((source == null) == (dsc == null)) {
                throw new IllegalArgumentException("a rebuild has exactly one of source and dsc");
            }
            if (version != null && source == null) {
                throw new IllegalArgumentException("a rebuild version goes with source, not with dsc");
            }
        }

        /** The source package of {@code source} from the archive, at its version there. */
        public static Rebuild fromArchive(String source) {
            return new Rebuild(source, null, null, null);
        }

        /** The source package's name: {@code source}, or the name in the .dsc's file name. */
        public String sourceName() {
            return source != null ? source : dsc.sourceName();
        }
    }

    /**
     * A source package given by its .dsc: where to fetch it, its sha256, and the files
     * it lists. The .dsc's file name is {@code <source>_<version>.dsc}.
     */
    public record DscSource(String location, String sha256, List<SourceFileRef> files) {

        /** {@code <source>_<version>.dsc}, as dpkg-source names it. */
        public static final Pattern FILE_NAME = Pattern.compile("^([a-z0-9][a-z0-9+.-]+)_([^_/]+)\\.dsc$");

        public DscSource {
            Objects.requireNonNull(location, "location is required");
            Objects.requireNonNull(sha256, "sha256 is required");
            files = List.copyOf(Objects.requireNonNull(files, "files is required"));
        }

        /** The last segment of the location's path, e.g. {@code hello_2.10-3.dsc}. */
        public String fileName() {
            return fileName(location);
        }

        /**
         * The source package name from the file name, e.g. {@code hello}.
         *
         * @throws IllegalStateException if the file name is not {@code <source>_<version>.dsc}
         *         (a validated manifest's always is)
         */
        public String sourceName() {
            Matcher matcher = FILE_NAME.matcher(fileName());
            if (!matcher.matches()) {
                throw new IllegalStateException("dsc file name " + fileName() + " is not <source>_<version>.dsc");
            }
            return matcher.group(1);
        }

        static String fileName(String location) {
            String path;
            try {
                URI uri = new URI(location);
                path = uri.getPath() != null ? uri.getPath() : uri.getSchemeSpecificPart();
            } catch (URISyntaxException e) {
                path = location;
            }
            return path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
        }
    }

    /** One file a .dsc lists: its name there, where to fetch it, its sha256 and size in bytes. */
    public record SourceFileRef(String name, String location, String sha256, long size) {

        public SourceFileRef {
            Objects.requireNonNull(name, "name is required");
            Objects.requireNonNull(location, "location is required");
            Objects.requireNonNull(sha256, "sha256 is required");
        }
    }

    /**
     * An extra apt repository, as a deb822 sources entry; {@code signedBy} is a keyring
     * path or an ASCII-armored key (apt's Signed-By).
     */
    public record Repository(String uri, String suite, List<String> components, String signedBy) {

        public Repository {
            Objects.requireNonNull(uri, "uri is required");
            Objects.requireNonNull(suite, "suite is required");
            components = List.copyOf(Objects.requireNonNull(components, "components is required"));
            Objects.requireNonNull(signedBy, "signedBy is required");
        }

        /** Whether {@link #signedBy()} is a key block rather than a path to a keyring. */
        public boolean hasInlineKey() {
            return signedBy.startsWith("-----BEGIN");
        }
    }

    /** Where the OSTree commit goes: {@code ref} is a template, see {@link Manifest#ostreeRef(String)}. */
    public record OstreeSettings(String ref) {

        public static final String DEFAULT_REF = "debian/{suite}/{arch}/{name}";
        public static final OstreeSettings DEFAULT = new OstreeSettings(DEFAULT_REF);

        /** A placeholder in a ref template: {@code {name}}. */
        static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)\\}");

        public OstreeSettings {
            ref = ref == null ? DEFAULT_REF : ref;
        }

        static String expand(String template, Map<String, String> values) {
            Matcher matcher = PLACEHOLDER.matcher(template);
            StringBuilder out = new StringBuilder();
            while (matcher.find()) {
                String value = values.get(matcher.group(1));
                if (value == null) {
                    throw new IllegalStateException("unknown placeholder " + matcher.group() + " in " + template);
                }
                matcher.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            matcher.appendTail(out);
            return out.toString();
        }
    }

    /** The bootc OCI image: pushed to {@code repository:tag}, with {@code labels} in its config. */
    public record ImageSettings(String repository, String tag, Map<String, String> labels) {

        public ImageSettings {
            Objects.requireNonNull(repository, "repository is required");
            // Keep the manifest's order: labels are shown to people.
            labels = labels == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        }

        /** {@code repository:tag}. */
        public String reference() {
            return repository + ":" + tag;
        }
    }

    /**
     * What may fail without dooming the compose (Pungi's failable deliverables): a
     * failure of only these ends the compose FINISHED_INCOMPLETE, any other DOOMED.
     *
     * @param architectures architectures whose builds, commit or image may fail
     * @param packages source packages of {@code rebuild} whose build may fail
     */
    public record Failable(List<String> architectures, List<String> packages) {

        public static final Failable NONE = new Failable(List.of(), List.of());

        public Failable {
            architectures = architectures == null ? List.of() : List.copyOf(architectures);
            packages = packages == null ? List.of() : List.copyOf(packages);
        }

        /** Whether anything failing on {@code arch} (a build, the commit, the image) is failable. */
        public boolean coversArchitecture(String arch) {
            return architectures.contains(arch);
        }

        /** Whether the build of {@code source} for {@code arch} is failable. */
        public boolean coversBuild(String source, String arch) {
            return architectures.contains(arch) || packages.contains(source);
        }
    }

    /**
     * Disk images of each architecture's commit: a GPT disk with ESP, {@code /boot} and
     * root, the commit deployed.
     *
     * @param formats {@code raw}, {@code qcow2}, each once, in the manifest's order
     * @param size a whole number of MiB ({@code M}) or GiB ({@code G}); {@value #DEFAULT_SIZE} by default
     * @param kargs kernel arguments of the deployment besides {@code root=} and {@code ostree=}; none by default
     */
    public record DiskSettings(List<String> formats, String size, List<String> kargs) {

        public static final String DEFAULT_SIZE = "4G";
        /** What {@link #size()} looks like; the schema's pattern. */
        public static final Pattern SIZE = Pattern.compile("^([1-9][0-9]*)([MG])$");
        public static final long MIN_SIZE_BYTES = 2L << 30;
        public static final long MAX_SIZE_BYTES = 2048L << 30;
        /** Kernel arguments the publisher sets itself. */
        public static final List<String> RESERVED_KARGS = List.of("root=", "ostree=");

        public DiskSettings {
            formats = List.copyOf(Objects.requireNonNull(formats, "formats is required"));
            size = size == null ? DEFAULT_SIZE : size;
            kargs = kargs == null ? List.of() : List.copyOf(kargs);
        }

        /**
         * {@link #size()} in bytes, e.g. 4294967296 for {@code 4G}.
         *
         * @throws IllegalArgumentException if the size is not {@code <n>M} or {@code <n>G}, or overflows
         */
        public long sizeBytes() {
            return sizeBytes(size);
        }

        static long sizeBytes(String size) {
            Matcher matcher = SIZE.matcher(size);
            if (!matcher.matches()) {
                throw new IllegalArgumentException("disk size " + size + " is not <n>M or <n>G");
            }
            long unit = matcher.group(2).equals("G") ? 1L << 30 : 1L << 20;
            // Any size that overflows is far above the maximum; Math.multiplyExact says so.
            return Math.multiplyExact(Long.parseLong(matcher.group(1)), unit);
        }
    }
}
