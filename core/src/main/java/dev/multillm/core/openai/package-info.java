/**
 * The OpenAI-compatible chat-completions provider every HTTP provider builds on: Groq, OpenAI and
 * any server that speaks the protocol share this one implementation, configured with their own
 * allow-list of request fields, defaults and capabilities.
 */
package dev.multillm.core.openai;
