/**
 * Implementation of the SDK: not part of its API, may change without notice. Publisher and outcome threads, the
 * in-flight tracker, Avro mapping, Kafka settings and the UUIDv7 generator.
 */
package io.ledgerstream.sdk.internal;
