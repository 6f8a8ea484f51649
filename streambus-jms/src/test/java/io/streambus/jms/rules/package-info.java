/**
 * The Jakarta Messaging 3.1 rule sweep (issue 12): one test per rule of the specification and its API Javadoc,
 * grouped by area; MAPPING.md's "Rules" table maps each rule to its test. Test code only.
 */
package io.streambus.jms.rules;
