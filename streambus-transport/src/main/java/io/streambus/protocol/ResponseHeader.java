package io.streambus.protocol;

/**
 * Response frame header (spec A.3.2).
 *
 * @param requestId request id copied from the request
 * @param status    0 OK, 1 Error, 2 PartialSuccess (treated as an error)
 * @param errorCode u16 error code, 0 when status is 0
 */
public record ResponseHeader(long requestId, int status, int errorCode) {

    /** True for any status other than 0 (status 2 is treated like 1, spec A.7). */
    public boolean isError() {
        return status != Frames.STATUS_OK;
    }
}
