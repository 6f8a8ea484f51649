package io.streambus.camel.quarkus.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The class names the build steps register exist (a rename in the client, the component or a compression library
 * would otherwise only show in a native build), and the resources they embed are where the libraries keep them.
 */
class StreamBusProcessorTest {

    @Test
    void everyNamedClassExists() {
        Stream.of(Arrays.stream(StreamBusProcessor.CAMEL_CLASSES),
                        Arrays.stream(StreamBusProcessor.RUNTIME_INITIALIZED_CLASSES),
                        StreamBusProcessor.LOADED_BY_NAME.stream().map(Object::toString),
                        Stream.of(StreamBusProcessor.CHANNEL_HANDLER.toString(), StreamBusProcessor.METER_REGISTRY,
                                StreamBusProcessor.STREAMBUS_MICROMETER))
                .flatMap(s -> s)
                .forEach(name -> assertThatCode(() -> Class.forName(name, false, getClass().getClassLoader()))
                        .as(name).doesNotThrowAnyException());
    }

    @Test
    void runtimeInitializedPackagesExist() {
        for (String pkg : StreamBusProcessor.RUNTIME_INITIALIZED_PACKAGES) {
            assertThat(getClass().getClassLoader().getResource(pkg.replace('.', '/'))).as(pkg).isNotNull();
        }
    }

    @Test
    void compressionNativesAreWhereTheResourcePatternsLook() {
        ClassLoader cl = getClass().getClassLoader();
        assertThat(cl.getResource("net/jpountz/util/linux/amd64/liblz4-java.so")).isNotNull();
        assertThat(cl.getResource("org/xerial/snappy/native/Linux/x86_64/libsnappyjava.so")).isNotNull();
        assertThat(cl.getResource("linux/amd64")).isNotNull();
    }
}
