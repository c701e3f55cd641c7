/** The {@code ledgerstream} operator command-line tool ({@link io.ledgerstream.sdk.cli.LedgerCli}). */
package io.ledgerstream.sdk.cli;
