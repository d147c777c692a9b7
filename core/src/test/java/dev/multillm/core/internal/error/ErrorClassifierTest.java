package dev.multillm.core.internal.error;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multillm.core.ErrorTaxonomy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorClassifierTest {

    @ParameterizedTest(name = "HTTP {0} alone is {1}")
    @CsvSource({
            "400, INVALID_REQUEST",
            "401, AUTHENTICATION",
            "402, QUOTA_EXHAUSTED",
            "403, PERMISSION_DENIED",
            "404, MODEL_NOT_FOUND",
            "408, TIMEOUT",
            "409, SERVER_ERROR",
            "413, CONTEXT_LENGTH_EXCEEDED",
            "422, INVALID_REQUEST",
            "429, RATE_LIMITED",
            "498, OVERLOADED",
            "500, SERVER_ERROR",
            "501, SERVER_ERROR",
            "502, SERVER_ERROR",
            "503, OVERLOADED",
            "504, SERVER_ERROR",
            "520, SERVER_ERROR",
            "529, OVERLOADED",
            "599, SERVER_ERROR",
            "200, UNKNOWN",
            "302, UNKNOWN",
            "405, UNKNOWN",
            "418, UNKNOWN",
            "499, UNKNOWN",
            "600, UNKNOWN",
    })
    void mapsAStatusWithoutCodeOrType(int status, ErrorTaxonomy expected) {
        assertThat(ErrorClassifier.classify(status, null, null)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] status={0} code={1} type={2} is {3}")
    @CsvSource({
            // specific codes win over the status
            "429, insufficient_quota,         insufficient_quota,    QUOTA_EXHAUSTED",
            "429,                   ,         insufficient_quota,    QUOTA_EXHAUSTED",
            "429, credit_balance_exhausted,   ,                      QUOTA_EXHAUSTED",
            "400, billing_hard_limit_reached, ,                      QUOTA_EXHAUSTED",
            "429, rate_limit_exceeded,        tokens,                RATE_LIMITED",
            "429, rate_limit_exceeded,        requests,              RATE_LIMITED",
            "400, context_length_exceeded,    invalid_request_error, CONTEXT_LENGTH_EXCEEDED",
            "400, string_above_max_length,    invalid_request_error, CONTEXT_LENGTH_EXCEEDED",
            "413, request_too_large,          invalid_request_error, CONTEXT_LENGTH_EXCEEDED",
            "400, json_validate_failed,       invalid_request_error, OUTPUT_VALIDATION_FAILED",
            "400, tool_use_failed,            invalid_request_error, OUTPUT_VALIDATION_FAILED",
            "404, model_not_found,            invalid_request_error, MODEL_NOT_FOUND",
            "403, model_not_found,            invalid_request_error, MODEL_NOT_FOUND",
            "400, model_decommissioned,       invalid_request_error, MODEL_NOT_FOUND",
            "401, invalid_api_key,            invalid_request_error, AUTHENTICATION",
            "401, invalid_authentication,     ,                      AUTHENTICATION",
            "400, content_policy_violation,   invalid_request_error, CONTENT_FILTERED",
            "400, content_filter,             ,                      CONTENT_FILTERED",
            "400, unsupported_parameter,      invalid_request_error, INVALID_REQUEST",
            "400, unsupported_value,          invalid_request_error, INVALID_REQUEST",
            "503, server_is_overloaded,       server_error,          OVERLOADED",
            "498, capacity_exceeded,          ,                      OVERLOADED",
            "500, capacity_exceeded,          ,                      OVERLOADED",
            "529, ,                           overloaded_error,      OVERLOADED",
            // codes are compared case-insensitively
            "429, INSUFFICIENT_QUOTA,         ,                      QUOTA_EXHAUSTED",
            "400, ' Json_Validate_Failed ',   ,                      OUTPUT_VALIDATION_FAILED",
            // Groq's 413 rate_limit_exceeded: one request above the TPM limit, waiting never helps
            "413, rate_limit_exceeded,        tokens,                CONTEXT_LENGTH_EXCEEDED",
            "413, ,                           tokens,                CONTEXT_LENGTH_EXCEEDED",
            // generic types never override a status
            "404, ,                           invalid_request_error, MODEL_NOT_FOUND",
            "401, ,                           invalid_request_error, AUTHENTICATION",
            "429, ,                           server_error,          RATE_LIMITED",
            "400, ,                           server_error,          INVALID_REQUEST",
            "503, ,                           internal_server_error, OVERLOADED",
            // unknown codes fall through to the status
            "400, invalid_value,              invalid_request_error, INVALID_REQUEST",
            "503, 14,                         ,                      OVERLOADED",
            "403, unsupported_country_region_territory, request_forbidden, PERMISSION_DENIED",
            // a status the table does not know: the generic type decides
            "418, ,                           server_error,          SERVER_ERROR",
            "418, ,                           ,                      UNKNOWN",
    })
    void prefersSpecificCodesThenStatusThenGenericTypes(Integer status, String code, String type,
                                                       ErrorTaxonomy expected) {
        assertThat(ErrorClassifier.classify(status, code, type)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] in-stream code={0} type={1} is {2}")
    @CsvSource({
            "capacity_exceeded,     ,                      OVERLOADED",
            "server_is_overloaded,  server_error,          OVERLOADED",
            "rate_limit_exceeded,   tokens,                RATE_LIMITED",
            ",                      tokens,                RATE_LIMITED",
            "insufficient_quota,    ,                      QUOTA_EXHAUSTED",
            "json_validate_failed,  invalid_request_error, OUTPUT_VALIDATION_FAILED",
            ",                      server_error,          SERVER_ERROR",
            ",                      internal_error,        SERVER_ERROR",
            ",                      invalid_request_error, INVALID_REQUEST",
            "502,                   ,                      SERVER_ERROR",
            "503,                   ,                      OVERLOADED",
            "429,                   ,                      RATE_LIMITED",
            "200,                   ,                      UNKNOWN",
            "9999,                  ,                      UNKNOWN",
            "something_new,         something_else,        UNKNOWN",
            ",                      ,                      UNKNOWN",
    })
    void classifiesAnErrorInsideAStreamFromCodeAndTypeOnly(String code, String type, ErrorTaxonomy expected) {
        assertThat(ErrorClassifier.classify(null, code, type)).isEqualTo(expected);
    }

    @Test
    void treatsBlankCodeAndTypeAsAbsent() {
        assertThat(ErrorClassifier.classify(429, "  ", "")).isEqualTo(ErrorTaxonomy.RATE_LIMITED);
        assertThat(ErrorClassifier.classify(null, " ", " ")).isEqualTo(ErrorTaxonomy.UNKNOWN);
    }
}
