package org.debian.bootc.publisher.config;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import org.debian.bootc.localstack.test.ChannelTopics;

/** Channel-to-topic mapping lives in application.properties; topic names come from Topics. */
class ChannelTopicsTest {

    @Test
    void everyMappedTopicIsATopicOfTheContract() throws Exception {
        ChannelTopics.assertAllKnown(Path.of("src/main/resources/application.properties"));
    }
}
