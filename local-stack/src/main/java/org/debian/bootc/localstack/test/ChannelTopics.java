package org.debian.bootc.localstack.test;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.debian.bootc.events.Topics;

/**
 * Checks a service's channel-to-topic mapping against {@link Topics}: topic names
 * live in one class, and {@code application.properties} may only name those.
 */
public final class ChannelTopics {

    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^}:]+)(?::([^}]*))?}");

    private ChannelTopics() {
    }

    /** Every topic the file maps a channel or a dead-letter queue to, with expressions expanded to their defaults. */
    public static TreeMap<String, String> of(Path applicationProperties) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(applicationProperties)) {
            properties.load(reader);
        }
        TreeMap<String, String> topics = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith("mp.messaging.") && (key.endsWith(".topic") || key.endsWith(".topics"))) {
                topics.put(key, expand(properties.getProperty(key), properties));
            }
        }
        return topics;
    }

    /** Fails listing every mapped topic that {@link Topics#all()} does not know. */
    public static void assertAllKnown(Path applicationProperties) throws IOException {
        List<String> unknown = new ArrayList<>();
        of(applicationProperties).forEach((key, value) -> {
            for (String topic : value.split(",")) {
                if (!Topics.all().contains(topic.trim())) {
                    unknown.add(key + "=" + topic.trim());
                }
            }
        });
        if (!unknown.isEmpty()) {
            throw new AssertionError("topics not in org.debian.bootc.events.Topics: " + unknown);
        }
    }

    private static String expand(String value, Properties properties) {
        Matcher m = EXPRESSION.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String referenced = properties.getProperty(m.group(1));
            String replacement = referenced != null ? expand(referenced, properties)
                    : m.group(2) != null ? m.group(2) : m.group();
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
