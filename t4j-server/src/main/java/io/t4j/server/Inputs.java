package io.t4j.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code inputs} field: one text ({@code "inputs": "text"}, answered with one result) or a list of texts
 * ({@code "inputs": ["a", "b"]}, answered with a list of results), as HF's pipelines and TEI take them.
 *
 * @param texts  the texts, in order
 * @param single whether a single string was sent
 */
@JsonDeserialize(using = Inputs.Deserializer.class)
public record Inputs(List<String> texts, boolean single) {
    public Inputs {
        texts = List.copyOf(texts);
    }

    /** Reads a string or an array of strings; anything else is an input mismatch naming the element. */
    static final class Deserializer extends StdDeserializer<Inputs> {
        Deserializer() {
            super(Inputs.class);
        }

        @Override
        public Inputs deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                return new Inputs(List.of(p.getText()), true);
            }
            if (p.currentToken() != JsonToken.START_ARRAY) {
                return (Inputs) ctx.handleUnexpectedToken(Inputs.class, p.currentToken(), p,
                        "expected a string or an array of strings, got %s", Json.describe(p.currentToken()));
            }
            List<String> texts = new ArrayList<>();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t != JsonToken.VALUE_STRING) {
                    MismatchedInputException e = MismatchedInputException.from(p, Inputs.class,
                            "expected a string, got " + Json.describe(t));
                    e.prependPath(new JsonMappingException.Reference(null, texts.size()));
                    throw e;
                }
                texts.add(p.getText());
            }
            return new Inputs(texts, false);
        }
    }
}
