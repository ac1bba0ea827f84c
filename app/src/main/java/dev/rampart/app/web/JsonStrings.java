package dev.rampart.app.web;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.module.SimpleModule;

/**
 * Strings in API request bodies: a NUL or another control character other than tab and line breaks is refused as the
 * field's error ({@code "name: has a control character"}) instead of reaching the database, which cannot store NUL.
 */
public final class JsonStrings extends StringDeserializer {
    private static final long serialVersionUID = 1L;

    /** The module that puts this deserializer in place of Jackson's for every {@code String}. */
    public static SimpleModule module() {
        return new SimpleModule("rampart-strings").addDeserializer(String.class, new JsonStrings());
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) {
        String s = super.deserialize(p, ctxt);
        if (s != null && Text.hasForbiddenControl(s)) {
            throw InvalidFormatException.from(p, "has a control character", null, String.class);
        }
        return s;
    }
}
