/**
 * Checks that the Camel compatibility module really runs on the newer Camel; the suites themselves come from the
 * camel-streambus and itests test jars. Test code only; nobody depends on it.
 */
package io.streambus.compat.camel422;
