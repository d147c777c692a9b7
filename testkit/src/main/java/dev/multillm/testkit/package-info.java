/**
 * The multillm testkit: {@link dev.multillm.testkit.ChatProviderContract}, the contract every
 * {@link dev.multillm.core.ChatProvider} must pass; {@link dev.multillm.testkit.FakeUpstream}, a
 * scriptable fake OpenAI-compatible server with {@link dev.multillm.testkit.Reply} scripts;
 * {@link dev.multillm.testkit.FakeChatProvider}, an in-memory scripted provider for testing
 * composites; and the seams they use ({@link dev.multillm.testkit.FakeClock},
 * {@link dev.multillm.testkit.RecordingSleeper}, {@link dev.multillm.testkit.RecordingListener},
 * {@link dev.multillm.testkit.LogCapture}, {@link dev.multillm.testkit.Await}).
 */
package dev.multillm.testkit;
