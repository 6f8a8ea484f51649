package io.streambus.protocol;

/**
 * One served request type in an ApiVersions reply (B.4).
 *
 * @param type       raw type byte (may name a type this client does not know)
 * @param minVersion lowest version served
 * @param maxVersion highest version served
 */
public record ApiVersion(int type, int minVersion, int maxVersion) {
    public ApiVersion {
        Checks.u8("type", type);
        Checks.u8("minVersion", minVersion);
        Checks.u8("maxVersion", maxVersion);
    }

    /** The known type, or null. */
    public ApiKey apiKey() {
        return ApiKey.forCode(type);
    }

    /** Served for version 1, the only version this protocol defines (B.4). */
    public boolean servesVersion1() {
        return minVersion <= 1 && 1 <= maxVersion;
    }
}
