package io.streambus.protocol;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * ApiVersions success payload (B.4).
 *
 * @param apis           served types, ascending type
 * @param featureBits    u32 feature bits, see {@code FEATURE_*}
 * @param brokerSoftware informational, e.g. {@code streambus-java-broker/0.1.0}
 */
public record ApiVersionsResponse(List<ApiVersion> apis, int featureBits, String brokerSoftware)
        implements ResponseBody {
    public static final int FEATURE_TXN_DATA_PATH = 0x00000001;
    public static final int FEATURE_AUTH_REQUIRED = 0x00000002;
    public static final int FEATURE_PRESERVES_HEADERS_AND_TIMESTAMPS = 0x00000004;
    public static final int FEATURE_COMPRESSION = 0x00000008;
    /** Flag 0x0080 on Produce and idempotent-only producer ids (B.12). */
    public static final int FEATURE_IDEMPOTENT_PRODUCE = 0x00000010;
    /** Share groups, 0x15-0x18 (B.13). */
    public static final int FEATURE_SHARE_GROUPS = 0x00000020;
    /** Two-phase commit, 0x19-0x1C (B.7.8). */
    public static final int FEATURE_TWO_PHASE_COMMIT = 0x00000040;
    /** Flag 0x0020 on ShareAcknowledge and share groups in AddOffsetsToTxn (B.13.15). */
    public static final int FEATURE_TXN_SHARE_ACKS = 0x00000080;

    public ApiVersionsResponse {
        apis = Checks.list(apis);
        brokerSoftware = Checks.str(brokerSoftware);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.API_VERSIONS;
    }

    public boolean hasFeature(int bit) {
        return (featureBits & bit) != 0;
    }

    /** True if {@code key} is listed with version 1 in range. */
    public boolean serves(ApiKey key) {
        for (ApiVersion v : apis) {
            if (v.type() == key.code()) {
                return v.servesVersion1();
            }
        }
        return false;
    }

    public void write(ByteBuf out) {
        Wire.array(out, apis, (o, v) -> o.writeByte(v.type()).writeByte(v.minVersion()).writeByte(v.maxVersion()));
        out.writeInt(featureBits);
        Wire.string(out, brokerSoftware);
    }

    public static ApiVersionsResponse read(PayloadReader r) {
        return new ApiVersionsResponse(r.array("apis", 3,
                x -> new ApiVersion(x.u8("api type"), x.u8("min version"), x.u8("max version"))),
                r.i32("feature bits"), r.string("broker software"));
    }
}
