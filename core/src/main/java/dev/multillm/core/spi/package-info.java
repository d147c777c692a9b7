/**
 * Service-provider interfaces: what a third-party provider implements to be discovered by
 * {@link dev.multillm.core.ChatProviders}, and the small bases it may build on:
 * {@link dev.multillm.core.spi.ForwardingChatProvider} (a provider that configures or decorates
 * another), {@link dev.multillm.core.spi.AbstractChatStream} (a stream's once-only iterator) and
 * {@link dev.multillm.core.spi.Blocking} ({@code chat} as a wait on {@code chatAsync}),
 * {@link dev.multillm.core.spi.SharedTimer} (the library's timer thread, for timeouts and deadlines)
 * and {@link dev.multillm.core.spi.InterruptFence} (cutting a blocking call short from another
 * thread).
 */
package dev.multillm.core.spi;
