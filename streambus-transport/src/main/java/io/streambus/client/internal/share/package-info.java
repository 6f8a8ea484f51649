/**
 * The share consumer engine (spec B.13.12): membership by ShareGroupHeartbeat ({@link
 * io.streambus.client.internal.share.ShareMembership}), fetching on a dedicated connection, acknowledgement
 * bookkeeping and lock renewal ({@link io.streambus.client.internal.share.ShareConsumerImpl}). Internal to this
 * library: applications use {@link io.streambus.client.share.ShareConsumer}.
 */
package io.streambus.client.internal.share;
