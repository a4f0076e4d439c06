package io.openaudience.worker.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * The rows of a JSON import, an array of {@code {name, email}} objects read with Jackson's streaming parser (one item
 * in memory at a time). An item of the wrong shape is a rejected row; a file that is not such an array, or stops
 * being valid JSON, is unreadable from that point.
 */
public final class JsonRowSource implements RowSource<ImportRow> {

    private static final JsonFactory FACTORY = new JsonFactory();

    private final JsonParser parser;
    private boolean started;
    private long rowNo;

    public JsonRowSource(InputStream stream) throws IOException {
        this.parser = FACTORY.createParser(stream);
    }

    @Override
    public ImportRow next() throws IOException {
        try {
            if (!started) {
                started = true;
                JsonToken first = parser.nextToken();
                if (first != JsonToken.START_ARRAY) {
                    throw new UnreadableFileException("the JSON file must be an array of {name, email} objects");
                }
            }
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw new UnreadableFileException("the JSON array is not closed");
            }
            if (token == JsonToken.END_ARRAY) {
                return null;
            }
            rowNo++;
            if (token != JsonToken.START_OBJECT) {
                parser.skipChildren();
                return new ImportRow(rowNo, null, null, "item is not an object");
            }
            return readItem();
        } catch (JsonProcessingException e) {
            throw new UnreadableFileException("malformed JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + " (rows before it were imported)");
        }
    }

    private ImportRow readItem() throws IOException {
        String email = null;
        String name = null;
        String error = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName().toLowerCase(Locale.ROOT);
            JsonToken value = parser.nextToken();
            boolean wanted = key.equals("email") || key.equals("name");
            if (!wanted || value == JsonToken.VALUE_NULL) {
                parser.skipChildren();
            } else if (value != JsonToken.VALUE_STRING) {
                parser.skipChildren();
                if (error == null) {
                    error = key + " is not a string";
                }
            } else if (key.equals("email")) {
                email = parser.getText();
            } else {
                name = parser.getText();
            }
        }
        return new ImportRow(rowNo, email, name, error);
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
