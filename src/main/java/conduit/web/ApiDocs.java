package conduit.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;

/** The OpenAPI document of the API as implemented; mounted at {@link #PATH}. */
public final class ApiDocs implements HttpService {
    public static final String PATH = "/api/openapi.yml";
    private final byte[] document;

    public ApiDocs() {
        try (InputStream in = ApiDocs.class.getResourceAsStream("/openapi.yml")) {
            if (in == null) {
                throw new IllegalStateException("openapi.yml is missing from the jar");
            }
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "application/yaml; charset=utf-8");
            Responses.body(res, document);
        });
    }
}
