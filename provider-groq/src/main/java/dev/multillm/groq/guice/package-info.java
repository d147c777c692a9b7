/**
 * Optional Guice wiring for the Groq provider ({@link dev.multillm.groq.guice.GroqModule}); Guice
 * is an optional dependency, needed only by users of this package.
 */
package dev.multillm.groq.guice;
