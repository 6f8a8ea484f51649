package io.streambus.cli;

import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.protocol.ApiKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code streambus capabilities}: what the broker serves, from ApiVersions (spec B.4): core-only or extended, the
 * request types, the feature bits and what they mean for the commands of this tool. Not thread-safe.
 */
@Command(name = "capabilities", mixinStandardHelpOptions = true,
        description = {"Show what the broker serves (ApiVersions): 'core-only' for a reference broker or one started "
                + "with --core-only (topics, produce, consume and health only), else the request types and "
                + "feature bits of an extended broker."})
public final class CapabilitiesCommand extends BrokerCommand {
    /** Feature bit names of spec B.4, by bit. */
    private static final Map<Integer, String> FEATURES = new LinkedHashMap<>();

    static {
        FEATURES.put(0x01, "TXN_DATA_PATH");
        FEATURES.put(0x02, "AUTH_REQUIRED");
        FEATURES.put(0x04, "PRESERVES_HEADERS_AND_TIMESTAMPS");
        FEATURES.put(0x08, "COMPRESSION");
        FEATURES.put(0x10, "IDEMPOTENT_PRODUCE");
        FEATURES.put(0x20, "SHARE_GROUPS");
        FEATURES.put(0x40, "TWO_PHASE_COMMIT");
        FEATURES.put(0x80, "TXN_SHARE_ACKS");
    }

    @Mixin
    private OutputOption output;

    @Override
    protected int run(Session s) {
        BrokerCapabilities caps = s.capabilities();
        String mode = caps.coreOnly() ? "core-only" : "extended";

        Map<String, Boolean> served = new LinkedHashMap<>();
        served.put("topics", true);
        served.put("produce-consume", true);
        served.put("health", true);
        served.put(BrokerCapabilities.CAP_GROUPS, caps.supportsGroups());
        served.put(BrokerCapabilities.CAP_GROUP_ADMIN, caps.serves(0x13) && caps.serves(0x14));
        served.put(BrokerCapabilities.CAP_TRANSACTIONS, caps.serves(0x0E) && caps.has(BrokerCapabilities.TXN_DATA_PATH));
        served.put(BrokerCapabilities.CAP_TWO_PHASE_COMMIT, caps.supportsTwoPhaseCommit());
        served.put(BrokerCapabilities.CAP_SHARE_GROUPS, caps.supportsShareGroups());
        served.put(BrokerCapabilities.CAP_SASL, caps.supportsSasl());
        served.put(BrokerCapabilities.CAP_COMPRESSION, caps.supportsCompression());
        served.put("headers-and-timestamps", caps.preservesHeadersAndTimestamps());

        List<Object> types = new ArrayList<>();
        List<String> typeNames = new ArrayList<>();
        for (int code : new TreeSet<>(caps.requestTypes())) {
            ApiKey key = ApiKey.forCode(code);
            String name = key == null ? "unknown" : key.name();
            types.add(Map.of("code", code, "name", name));
            typeNames.add(String.format("0x%02x %s", code, name));
        }
        List<Object> features = new ArrayList<>();
        FEATURES.forEach((bit, name) -> {
            if (caps.has(bit)) {
                features.add(name);
            }
        });
        int unknownBits = caps.featureBits() & ~0xFF;
        if (unknownBits != 0) {
            features.add(String.format("0x%08x", unknownBits));
        }

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("bootstrap", s.bootstrap());
        json.put("mode", mode);
        json.put("coreOnly", caps.coreOnly());
        json.put("brokerSoftware", caps.brokerSoftware());
        json.put("featureBits", caps.featureBits());
        json.put("features", features);
        json.put("requestTypes", types);
        json.put("capabilities", served);

        StringBuilder text = new StringBuilder();
        text.append(new Table("BROKER", "MODE", "SOFTWARE").row(s.bootstrap(), mode,
                caps.brokerSoftware().isEmpty() ? null : caps.brokerSoftware()).render());
        text.append(System.lineSeparator());
        Table t = new Table("CAPABILITY", "SERVED");
        served.forEach((name, yes) -> t.row(name, yes ? "yes" : "no"));
        text.append(t.render());
        text.append(System.lineSeparator()).append("Request types: ").append(String.join(", ", typeNames))
                .append(System.lineSeparator());
        text.append("Features: ").append(features.isEmpty() ? "none" : String.join(", ",
                features.stream().map(String::valueOf).toList())).append(System.lineSeparator());
        output.format().print(new Report(text.toString(), json), s.terminal().out());
        return 0;
    }
}
