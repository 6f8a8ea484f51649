package io.streambus.camel;

/** The factory the component uses unless another is configured: everything from the StreamBus client library. */
public class DefaultStreamBusClientFactory implements StreamBusClientFactory {
}
