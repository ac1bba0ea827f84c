package dev.rampart.app.graph;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.rampart.app.graph.GraphModel.EntityClass;
import dev.rampart.app.graph.GraphModel.Property;
import dev.rampart.app.graph.GraphModel.Relationship;
import dev.rampart.app.graph.GraphModel.Type;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.sql.DataSource;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * A project's whole entity graph, streamed: every entity of every class, then every relationship, read through
 * cursors in one read-only snapshot and written as they come, so that memory stays flat however large the
 * inventory. Three formats:
 *
 * <ul>
 *   <li>{@code json}: {@code {"entities": [{"id", "class", "type", "key", "properties"}], "relationships": [{"from",
 *       "to", "verb"}]}};
 *   <li>{@code graphml}: GraphML (graphml.graphdrawing.org), one {@code key} per property, directed edges with the
 *       verb;
 *   <li>{@code neo4j}: a zip for {@code neo4j-admin database import}: {@code nodes/<Class>.csv} with the header
 *       {@code entityId:ID,:LABEL,entityKey,entityType,<property>:<type>...}, {@code relationships.csv} with
 *       {@code :START_ID,:END_ID,:TYPE}, and {@code import.txt} with the command (header rules: Neo4j Operations
 *       Manual, "Import", neo4j.com/docs/operations-manual/current/tools/import/).
 * </ul>
 */
public final class GraphExport {
    public enum Format {
        JSON,
        GRAPHML,
        NEO4J
    }

    private final DataSource dataSource;

    public GraphExport(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public static Format format(String name) {
        return switch (name == null ? "json" : name) {
            case "json" -> Format.JSON;
            case "graphml" -> Format.GRAPHML;
            case "neo4j" -> Format.NEO4J;
            default -> throw new IllegalArgumentException("is json, graphml or neo4j");
        };
    }

    /** What a writer receives: entities class by class, then relationships. */
    private interface Sink {
        void entity(GraphService.Entity e) throws IOException;

        void relationship(String from, String to, String verb) throws IOException;
    }

    /** Writes the project's graph; returns the number of entities and relationships written. */
    public long[] export(long projectId, Format format, OutputStream out) throws SQLException {
        try {
            return switch (format) {
                case JSON -> json(projectId, out);
                case GRAPHML -> graphml(projectId, out);
                case NEO4J -> neo4j(projectId, out);
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (XMLStreamException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }

    private long[] walk(long projectId, Sink sink, ClassStart onClass, Runnable beforeRelationships)
            throws SQLException, IOException {
        long entities = 0;
        long relationships = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // cursors, not whole results in memory
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ); // one snapshot for all statements
            c.setReadOnly(true);
            try {
                for (EntityClass cls : GraphModel.classes()) {
                    onClass.start(cls);
                    try (PreparedStatement ps = c.prepareStatement(cls.selectEntities("e"))) {
                        ps.setFetchSize(2000);
                        ps.setLong(1, projectId);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                sink.entity(GraphService.entity(rs, cls));
                                entities++;
                            }
                        }
                    }
                }
                beforeRelationships.run();
                for (Relationship r : GraphModel.relationships()) {
                    EntityClass f = GraphModel.entityClass(r.from()).orElseThrow();
                    EntityClass t = GraphModel.entityClass(r.to()).orElseThrow();
                    String sql = "select " + f.id().replace("{a}", "f") + ", " + t.id().replace("{a}", "t")
                            + " from " + f.from().replace("{a}", "f") + ", "
                            + t.from().replace("{a}", "t")
                            + " where " + f.project().replace("{a}", "f") + " = ? and "
                            + t.project().replace("{a}", "t") + " = ? and " + r.condition("f", "t", "l");
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        ps.setFetchSize(5000);
                        ps.setLong(1, projectId);
                        ps.setLong(2, projectId);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                sink.relationship(
                                        f.name() + ":" + rs.getString(1), t.name() + ":" + rs.getString(2), r.verb());
                                relationships++;
                            }
                        }
                    }
                }
            } finally {
                c.rollback();
            }
        }
        return new long[] {entities, relationships};
    }

    private interface ClassStart {
        void start(EntityClass cls) throws IOException;
    }

    // ------------------------------------------------------------------ JSON

    private long[] json(long projectId, OutputStream out) throws SQLException, IOException {
        JsonGenerator g = new JsonFactory().createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.writeStartObject();
        g.writeArrayFieldStart("entities");
        long[] n = walk(
                projectId,
                new Sink() {
                    @Override
                    public void entity(GraphService.Entity e) throws IOException {
                        g.writeStartObject();
                        g.writeStringField("id", e.id());
                        g.writeStringField("class", e.cls());
                        g.writeStringField("type", e.type());
                        g.writeStringField("key", e.key());
                        g.writeObjectFieldStart("properties");
                        for (Map.Entry<String, Object> p : e.properties().entrySet()) {
                            Object v = p.getValue();
                            g.writeFieldName(p.getKey());
                            if (v == null) {
                                g.writeNull();
                            } else if (v instanceof Boolean b) {
                                g.writeBoolean(b);
                            } else if (v instanceof Number num) {
                                g.writeNumber(num.toString());
                            } else {
                                g.writeString(v.toString());
                            }
                        }
                        g.writeEndObject();
                        g.writeEndObject();
                    }

                    @Override
                    public void relationship(String from, String to, String verb) throws IOException {
                        g.writeStartObject();
                        g.writeStringField("from", from);
                        g.writeStringField("to", to);
                        g.writeStringField("verb", verb);
                        g.writeEndObject();
                    }
                },
                cls -> {},
                () -> {
                    try {
                        g.writeEndArray();
                        g.writeArrayFieldStart("relationships");
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
        g.writeEndArray();
        g.writeEndObject();
        g.writeRaw('\n');
        g.flush();
        return n;
    }

    // ------------------------------------------------------------------ GraphML

    /** GraphML's key type for a property: the same name has the same type in every class (GraphExportTest). */
    static Map<String, String> graphmlKeys() {
        Map<String, String> keys = new LinkedHashMap<>();
        for (EntityClass cls : GraphModel.classes()) {
            for (Property p : cls.properties()) {
                String type =
                        switch (p.type()) {
                            case NUMBER -> "double";
                            case BOOLEAN -> "boolean";
                            default -> "string";
                        };
                String before = keys.putIfAbsent(p.name(), type);
                if (before != null && !before.equals(type)) {
                    throw new IllegalStateException("property " + p.name() + " has two types in the graph model");
                }
            }
        }
        return keys;
    }

    private long[] graphml(long projectId, OutputStream out) throws SQLException, IOException, XMLStreamException {
        XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
        x.writeStartDocument("UTF-8", "1.0");
        x.writeStartElement("graphml");
        x.writeDefaultNamespace("http://graphml.graphdrawing.org/xmlns");
        for (String k : List.of("class", "type", "key")) {
            key(x, "node", k, "string");
        }
        for (Map.Entry<String, String> k : graphmlKeys().entrySet()) {
            key(x, "node", "p_" + k.getKey(), k.getValue());
        }
        key(x, "edge", "verb", "string");
        x.writeStartElement("graph");
        x.writeAttribute("id", "rampart");
        x.writeAttribute("edgedefault", "directed");
        long[] n = walk(
                projectId,
                new Sink() {
                    @Override
                    public void entity(GraphService.Entity e) {
                        try {
                            x.writeStartElement("node");
                            x.writeAttribute("id", e.id());
                            data(x, "class", e.cls());
                            data(x, "type", e.type());
                            data(x, "key", e.key());
                            for (Map.Entry<String, Object> p : e.properties().entrySet()) {
                                if (p.getValue() != null) {
                                    data(x, "p_" + p.getKey(), p.getValue().toString());
                                }
                            }
                            x.writeEndElement();
                        } catch (XMLStreamException failure) {
                            throw new UncheckedIOException(new IOException(failure));
                        }
                    }

                    @Override
                    public void relationship(String from, String to, String verb) {
                        try {
                            x.writeStartElement("edge");
                            x.writeAttribute("source", from);
                            x.writeAttribute("target", to);
                            data(x, "verb", verb);
                            x.writeEndElement();
                        } catch (XMLStreamException e) {
                            throw new UncheckedIOException(new IOException(e));
                        }
                    }
                },
                cls -> {},
                () -> {});
        x.writeEndElement();
        x.writeEndElement();
        x.writeEndDocument();
        x.flush();
        return n;
    }

    private static void key(XMLStreamWriter x, String target, String name, String type) throws XMLStreamException {
        x.writeEmptyElement("key");
        x.writeAttribute("id", name);
        x.writeAttribute("for", target);
        x.writeAttribute("attr.name", name.startsWith("p_") ? name.substring(2) : name);
        x.writeAttribute("attr.type", type);
    }

    private static void data(XMLStreamWriter x, String key, String value) throws XMLStreamException {
        x.writeStartElement("data");
        x.writeAttribute("key", key);
        x.writeCharacters(value == null ? "" : value);
        x.writeEndElement();
    }

    // ------------------------------------------------------------------ Neo4j

    /** The header of a class's node file: the id, the label, key and type, then each property with its type. */
    static List<String> neo4jHeader(EntityClass cls) {
        List<String> header = new ArrayList<>(List.of("entityId:ID", ":LABEL", "entityKey", "entityType"));
        for (Property p : cls.properties()) {
            header.add(p.name() + ":" + neo4jType(p.type()));
        }
        return header;
    }

    private static String neo4jType(Type t) {
        return switch (t) {
            case NUMBER -> "double";
            case BOOLEAN -> "boolean";
            case TIME -> "datetime";
            default -> "string";
        };
    }

    private long[] neo4j(long projectId, OutputStream out) throws SQLException, IOException {
        ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
        Writer w = new OutputStreamWriter(zip, StandardCharsets.UTF_8);
        long[] n = walk(
                projectId,
                new Sink() {
                    @Override
                    public void entity(GraphService.Entity e) throws IOException {
                        List<String> cells = new ArrayList<>(List.of(e.id(), e.cls(), e.key(), e.type()));
                        e.properties().values().forEach(v -> cells.add(v == null ? "" : v.toString()));
                        line(w, cells);
                    }

                    @Override
                    public void relationship(String from, String to, String verb) throws IOException {
                        line(w, List.of(from, to, verb));
                    }
                },
                cls -> {
                    w.flush();
                    zip.putNextEntry(new ZipEntry("nodes/" + cls.name() + ".csv"));
                    line(w, neo4jHeader(cls));
                },
                () -> {
                    try {
                        w.flush();
                        zip.putNextEntry(new ZipEntry("relationships.csv"));
                        line(w, List.of(":START_ID", ":END_ID", ":TYPE"));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
        w.flush();
        zip.putNextEntry(new ZipEntry("import.txt"));
        StringBuilder command = new StringBuilder("neo4j-admin database import full");
        for (EntityClass cls : GraphModel.classes()) {
            command.append(" --nodes=nodes/").append(cls.name()).append(".csv");
        }
        command.append(" --relationships=relationships.csv rampart\n");
        w.write(command.toString());
        w.flush();
        zip.finish();
        return n;
    }

    private static void line(Writer w, List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                w.write(',');
            }
            w.write(neo4jField(cells.get(i)));
        }
        w.write('\n');
    }

    /** A CSV field for neo4j-admin: quoted when it holds a comma, quote or line break (quotes doubled). */
    static String neo4jField(String v) {
        if (v.isEmpty()) {
            return v;
        }
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
            return v;
        }
        return '"' + v.replace("\"", "\"\"") + '"';
    }
}
