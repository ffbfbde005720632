package org.debian.bootc.cli.config;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.debian.bootc.cli.CliException;

/**
 * Resolves the configuration: a flag wins over the environment, the environment over
 * the config file, the file over the local stack's defaults. Every value is checked
 * here, and an error names the value and where it came from.
 *
 * <p>The file is Java properties: {@code planner.url}, {@code scheduler.url},
 * {@code kafka}, {@code token}. Unknown keys are refused (a typo would otherwise be
 * silently ignored and the default used).
 */
public final class ConfigResolver {

    public static final String ENV_PLANNER = "BOOTC_PLANNER_URL";
    public static final String ENV_SCHEDULER = "BOOTC_SCHEDULER_URL";
    public static final String ENV_KAFKA = "BOOTC_KAFKA";
    public static final String ENV_TOKEN = "BOOTC_TOKEN";
    /** Where the file is looked for unless --config names one; relative to the home directory. */
    public static final String DEFAULT_FILE = ".config/deb-bootc-compose/cli.properties";

    public static final String KEY_PLANNER = "planner.url";
    public static final String KEY_SCHEDULER = "scheduler.url";
    public static final String KEY_KAFKA = "kafka";
    public static final String KEY_TOKEN = "token";
    private static final Set<String> KEYS = Set.of(KEY_PLANNER, KEY_SCHEDULER, KEY_KAFKA, KEY_TOKEN);

    /** The local stack's ports (bin/deb-bootc-compose). */
    public static final String DEFAULT_PLANNER = "http://localhost:8081";
    public static final String DEFAULT_SCHEDULER = "http://localhost:8082";
    public static final String DEFAULT_KAFKA = "localhost:19092";

    private static final Pattern HOST_PORT = Pattern.compile("^[A-Za-z0-9._\\-\\[\\]:]+:[0-9]{1,5}$");

    /** What the command line said; null where it said nothing. */
    public record Flags(String planner, String scheduler, String kafka, String token, Path config) {
    }

    private final Map<String, String> env;
    private final Path home;

    /**
     * @param env the environment (System.getenv() in the command, a map in tests)
     * @param home the home directory the default file is under
     */
    public ConfigResolver(Map<String, String> env, Path home) {
        this.env = env;
        this.home = home;
    }

    public CliConfig resolve(Flags flags) {
        Properties file = new Properties();
        String fileOrigin;
        if (flags.config() != null) {
            fileOrigin = flags.config().toString();
            load(flags.config(), file, true);
        } else {
            Path path = home.resolve(DEFAULT_FILE);
            fileOrigin = path.toString();
            load(path, file, false);
        }
        Set<String> unknown = new TreeSet<>(file.stringPropertyNames());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw CliException.badInput(fileOrigin + ": unknown key(s) " + unknown + "; the keys are " + new TreeSet<>(KEYS));
        }
        Setting planner = pick(flags.planner(), "--planner", ENV_PLANNER, file, fileOrigin, KEY_PLANNER,
                DEFAULT_PLANNER);
        Setting scheduler = pick(flags.scheduler(), "--scheduler", ENV_SCHEDULER, file, fileOrigin, KEY_SCHEDULER,
                DEFAULT_SCHEDULER);
        Setting kafka = pick(flags.kafka(), "--kafka", ENV_KAFKA, file, fileOrigin, KEY_KAFKA, DEFAULT_KAFKA);
        Setting token = pick(flags.token(), "--token", ENV_TOKEN, file, fileOrigin, KEY_TOKEN, null);
        checkUrl("planner URL", planner);
        checkUrl("scheduler URL", scheduler);
        checkKafka(kafka);
        return new CliConfig(planner, scheduler, kafka, Optional.ofNullable(token));
    }

    private Setting pick(String flag, String flagName, String envName, Properties file, String fileOrigin,
            String key, String fallback) {
        if (flag != null) {
            return new Setting(flag.strip(), flagName);
        }
        String fromEnv = env.get(envName);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new Setting(fromEnv.strip(), envName);
        }
        String fromFile = file.getProperty(key);
        if (fromFile != null && !fromFile.isBlank()) {
            return new Setting(fromFile.strip(), fileOrigin + ": " + key);
        }
        return fallback == null ? null : new Setting(fallback, "default");
    }

    private static void load(Path path, Properties into, boolean required) {
        try (Reader reader = Files.newBufferedReader(path)) {
            into.load(reader);
        } catch (NoSuchFileException e) {
            if (required) {
                throw CliException.badInput("--config '" + path + "': no such file");
            }
        } catch (IOException | IllegalArgumentException e) {
            throw CliException.badInput((required ? "--config '" : "config file '") + path + "' cannot be read: "
                    + e.getMessage());
        }
    }

    static void checkUrl(String what, Setting setting) {
        URI uri;
        try {
            uri = new URI(setting.value());
        } catch (URISyntaxException e) {
            throw CliException.badInput(what + " '" + setting.value() + "' (from " + setting.origin()
                    + ") is not a URL: " + e.getReason());
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw CliException.badInput(what + " '" + setting.value() + "' (from " + setting.origin()
                    + ") is not an http(s) URL with a host, e.g. http://localhost:8081");
        }
    }

    static void checkKafka(Setting setting) {
        for (String server : setting.value().split(",")) {
            if (!HOST_PORT.matcher(server.strip()).matches()) {
                throw CliException.badInput("Kafka bootstrap servers '" + setting.value() + "' (from "
                        + setting.origin() + "): '" + server.strip() + "' is not host:port, e.g. localhost:19092");
            }
        }
    }
}
