package io.streambus.protocol.core;

/**
 * The sequence trailer of a sequenced Produce (flag 0x0080, spec B.12.3): who wrote the batch and the sequence of
 * its first message. Immutable and thread-safe.
 *
 * @param producerId    producer id from InitProducerID (&ge; 0)
 * @param producerEpoch its epoch (&ge; 0)
 * @param baseSequence  sequence of the batch's first message, 0 to 2^31-1
 */
public record ProducerSequence(long producerId, short producerEpoch, int baseSequence) {
    /** Bytes of the trailer on the wire. */
    public static final int SIZE = 14;

    public ProducerSequence {
        if (producerId < 0 || producerEpoch < 0 || baseSequence < 0) {
            throw new IllegalArgumentException("producer id, epoch and base sequence must be >= 0: " + producerId
                    + ", " + producerEpoch + ", " + baseSequence);
        }
    }
}
