package io.streambus.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The repository's copy of the wire specification ({@code docs/}) and the vectors the codec tests use must equal the
 * shared contract ({@code ../shared/spec/} beside the checkout, as CI lays it out). Without a shared copy (a plain
 * clone) there is nothing to compare and the test is skipped.
 */
class SpecCopyTest {
    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final Path SHARED = REPO.resolveSibling("shared").resolve("spec");

    @Test
    void specificationCopyEqualsTheSharedContract() throws IOException {
        assumeTrue(Files.isRegularFile(SHARED.resolve("wire-protocol.md")), "no shared spec beside the checkout");
        assertThat(REPO.resolve("docs/wire-protocol.md")).hasSameBinaryContentAs(SHARED.resolve("wire-protocol.md"));
        assertThat(REPO.resolve("docs/vectors/README.md"))
                .hasSameBinaryContentAs(SHARED.resolve("vectors/README.md"));
    }

    @Test
    void everyVectorTheCodecTestsUseEqualsTheSharedOne() throws IOException {
        assumeTrue(Files.isDirectory(SHARED.resolve("vectors")), "no shared vectors beside the checkout");
        Path local = Path.of("src/test/resources/vectors");
        List<Path> hex;
        try (Stream<Path> s = Files.list(local)) {
            hex = s.filter(p -> p.toString().endsWith(".hex")).sorted().toList();
        }
        assertThat(hex).isNotEmpty();
        for (Path p : hex) {
            assertThat(p).as(p.getFileName().toString())
                    .hasSameBinaryContentAs(SHARED.resolve("vectors").resolve(p.getFileName().toString()));
        }
    }
}
