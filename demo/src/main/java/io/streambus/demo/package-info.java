/**
 * The runnable demo ({@code demo/target/streambus-demo.jar}): starts an embedded broker (or uses {@code --brokers}),
 * then runs a Camel phase and a JMS phase and prints progress once a second. An application, not a library: nothing
 * outside this module uses these classes.
 */
package io.streambus.demo;
