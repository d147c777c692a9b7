/**
 * The {@code multillm} command line: {@link dev.multillm.cli.Main} is the entry point; everything
 * else in this package is package-private implementation.
 */
package dev.multillm.cli;
