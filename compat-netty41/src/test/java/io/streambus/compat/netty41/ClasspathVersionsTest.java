package io.streambus.compat.netty41;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.Zstd;
import io.netty.util.Version;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Proves the classpath of this module is the one it claims to test: Netty 4.1 (no 4.2 artifact anywhere) and the
 * Quarkus-managed codec versions. Without it, a dependency-management slip would silently rerun the suites on 4.2.
 */
class ClasspathVersionsTest {

    @Test
    void everyNettyArtifactIsFrom41() {
        Map<String, Version> versions = Version.identify(ClasspathVersionsTest.class.getClassLoader());
        assertThat(versions).containsKeys("netty-common", "netty-buffer", "netty-transport", "netty-handler",
                "netty-codec");
        assertThat(versions).doesNotContainKey("netty-codec-base");
        assertThat(versions.values()).allSatisfy(v -> assertThat(v.artifactVersion()).startsWith("4.1."));
    }

    @Test
    void theIoEventLoopGroupOf42IsAbsent() {
        assertThat(classExists("io.netty.channel.MultiThreadIoEventLoopGroup")).isFalse();
        assertThat(classExists("io.netty.channel.nio.NioEventLoopGroup")).isTrue();
    }

    @Test
    void compressionLibrariesAreTheQuarkusManagedVersions() {
        assertThat(jarOf(Zstd.class)).contains("zstd-jni-1.5.6-10");
        assertThat(jarOf(net.jpountz.lz4.LZ4Factory.class)).contains("lz4-java-1.10.1");
        assertThat(jarOf(org.xerial.snappy.Snappy.class)).contains("snappy-java-1.1.10.8");
    }

    private static boolean classExists(String name) {
        try {
            Class.forName(name, false, ClasspathVersionsTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static String jarOf(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation().toString();
    }
}
