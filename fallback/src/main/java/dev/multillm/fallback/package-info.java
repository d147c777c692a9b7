/**
 * A composite {@link dev.multillm.core.ChatProvider}: ordered routes with per-route circuit
 * breakers and rate-limit cooldowns, one attempt budget and one deadline for the whole call, a
 * streaming commit point, opt-in hedging, and an attempt log on every answer and every error.
 * Start at {@link dev.multillm.fallback.FallbackChatProvider}.
 */
package dev.multillm.fallback;
