package io.streambus.protocol;

import io.netty.buffer.ByteBuf;

/**
 * ApiVersions (0x22, B.4). Decoding never fails: missing or truncated fields count as empty.
 *
 * @param clientSoftwareName    e.g. {@code streambus-java}; may be empty
 * @param clientSoftwareVersion may be empty
 */
public record ApiVersionsRequest(String clientSoftwareName, String clientSoftwareVersion) implements RequestBody {
    public ApiVersionsRequest {
        clientSoftwareName = Checks.str(clientSoftwareName);
        clientSoftwareVersion = Checks.str(clientSoftwareVersion);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.API_VERSIONS;
    }

    public void write(ByteBuf out) {
        Wire.string(out, clientSoftwareName);
        Wire.string(out, clientSoftwareVersion);
    }

    public static ApiVersionsRequest read(PayloadReader r) {
        String name = "";
        String version = "";
        try {
            name = r.string("client software name");
            version = r.string("client software version");
        } catch (ProtocolException e) {
            // B.4: a broker answers ApiVersions whatever the payload; what is missing counts as empty.
        }
        return new ApiVersionsRequest(name, version);
    }
}
