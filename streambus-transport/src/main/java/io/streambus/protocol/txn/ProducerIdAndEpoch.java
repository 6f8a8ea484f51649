package io.streambus.protocol.txn;

/**
 * The transactional Produce trailer (flag 0x0020, B.7.7).
 *
 * @param producerId    producer id from InitProducerID
 * @param producerEpoch its epoch
 */
public record ProducerIdAndEpoch(long producerId, short producerEpoch) {
}
