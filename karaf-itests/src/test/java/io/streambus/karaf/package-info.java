/** The Karaf (Pax Exam) integration test of the StreamBus features; test code only, run with -Pkaraf. */
package io.streambus.karaf;
