package io.streambus.protocol;

/**
 * The error payload (spec A.4) of a response whose status is not 0; the code is in the {@link ResponseHeader}.
 *
 * @param message human-readable text, possibly empty; act on the code, not on this text
 */
public record ErrorResponse(String message) implements ResponseBody {
    public ErrorResponse {
        message = Checks.str(message);
    }

    @Override
    public ApiKey apiKey() {
        return null;
    }
}
