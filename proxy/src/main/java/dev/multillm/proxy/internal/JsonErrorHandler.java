package dev.multillm.proxy.internal;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers for requests that reached the server (an exception escaping a handler,
 * a request Jetty refuses)
 * in OpenAI's error shape, with an {@code x-request-id}, instead of Jetty's HTML page. Never shows
 * a stack trace or an exception message.
 *
 * <p>Thread-safety: stateless.
 */
public final class JsonErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        if (response.getHeaders().get(Responses.REQUEST_ID) == null) {
            response.getHeaders().put(Responses.REQUEST_ID, RequestIds.next());
        }
        ApiError error = error(code);
        Responses.errorHeaders(response.getHeaders(), error);
        Responses.json(response, code, error.body(), callback);
    }

    private static ApiError error(int code) {
        String reason = HttpStatus.getMessage(code);
        boolean server = code >= 500;
        return new ApiError(code, server ? "server_error" : "invalid_request_error",
                server ? "internal_error" : "bad_request", null, "HTTP " + code + " " + reason, null, false, null);
    }
}
