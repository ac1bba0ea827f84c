package dev.rampart.app.graph;

import dev.rampart.app.graph.GraphModel.EntityClass;
import dev.rampart.app.graph.GraphModel.Property;
import dev.rampart.app.graph.GraphModel.Relationship;
import dev.rampart.app.web.ApiProblem;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The entity graph read from the inventory: an entity with its neighbours up to a depth, and the shortest paths
 * between two entities. Entities are named {@code Class:id} ({@code Device:42}, {@code Vulnerability:CVE-2024-1}).
 * Both walk the graph breadth first, one SQL statement per relationship and level for the whole frontier, and stop
 * at a bound (entities per answer, neighbours per relationship and level), saying so with {@code truncated}.
 */
public final class GraphService {
    /** An entity: its graph id, class, type, natural key and properties. */
    public record Entity(
            String id,
            @com.fasterxml.jackson.annotation.JsonProperty("class") String cls,
            String type,
            String key,
            Map<String, Object> properties) {}

    /** A relationship between two entities' graph ids. */
    public record Edge(String from, String to, String verb) {}

    /** Entities and relationships, and whether a bound cut the walk. */
    public record Subgraph(List<Entity> entities, List<Edge> relationships, boolean truncated) {}

    /** The shortest paths: each a list of graph ids from one end to the other, with the entities they pass. */
    public record Paths(List<List<String>> paths, List<Entity> entities, List<Edge> relationships, boolean truncated) {}

    private final DataSource dataSource;
    private final int maxEntities;
    private final int maxNeighbours;

    /**
     * @param maxEntities the entities one answer holds at most
     * @param maxNeighbours the neighbours one relationship adds at one level at most
     */
    public GraphService(DataSource dataSource, int maxEntities, int maxNeighbours) {
        this.dataSource = dataSource;
        this.maxEntities = maxEntities;
        this.maxNeighbours = maxNeighbours;
    }

    /** The property that names an entity for a person (a device's name, a finding's CVE...), else its key. */
    public static String label(Entity e) {
        for (String p : List.of("name", "title", "cveId", "machineId")) {
            Object v = e.properties().get(p);
            if (v != null) {
                return v.toString();
            }
        }
        return e.key();
    }

    /** Parses {@code Class:id}; 404 when the class is unknown. */
    public static Map.Entry<EntityClass, String> parse(String graphId) {
        int colon = graphId == null ? -1 : graphId.indexOf(':');
        if (colon < 1 || colon == graphId.length() - 1) {
            throw ApiProblem.invalid("id", "is Class:id, e.g. Device:42 or Vulnerability:CVE-2024-1234");
        }
        return Map.entry(entityClass(graphId.substring(0, colon)), graphId.substring(colon + 1));
    }

    public static EntityClass entityClass(String name) {
        return GraphModel.entityClass(name)
                .orElseThrow(() -> ApiProblem.notFound("no entity class '" + name + "' (classes: "
                        + String.join(
                                ", ",
                                GraphModel.classes().stream()
                                        .map(EntityClass::name)
                                        .toList()) + ")"));
    }

    /** An entity and its neighbours up to {@code depth} relationships away; 404 when it does not exist. */
    public Subgraph around(long projectId, EntityClass cls, String id, int depth) {
        try (Connection c = readOnly()) {
            try {
                Entity start = load(c, projectId, cls, List.of(id)).values().stream()
                        .findFirst()
                        .orElseThrow(() -> ApiProblem.notFound("no " + cls.name() + " " + id + " in this project"));
                Walk w = new Walk(start);
                for (int level = 0; level < depth && !w.frontier.isEmpty() && !w.truncated; level++) {
                    w.step(c, projectId, null);
                }
                return new Subgraph(List.copyOf(w.entities.values()), List.copyOf(w.edges), w.truncated);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the graph could not be read (SQL state " + e.getSQLState() + ")", e);
        }
    }

    /** The shortest paths from one entity to another, at most {@code depth} relationships long (10 paths at most). */
    public Paths paths(long projectId, String fromId, String toId, int depth) {
        Map.Entry<EntityClass, String> from = parse(fromId);
        Map.Entry<EntityClass, String> to = parse(toId);
        try (Connection c = readOnly()) {
            try {
                Entity start = load(c, projectId, from.getKey(), List.of(from.getValue())).values().stream()
                        .findFirst()
                        .orElseThrow(() -> ApiProblem.notFound("no " + fromId + " in this project"));
                String target = to.getKey().name() + ":" + to.getValue();
                if (load(c, projectId, to.getKey(), List.of(to.getValue())).isEmpty()) {
                    throw ApiProblem.notFound("no " + toId + " in this project");
                }
                Walk w = new Walk(start);
                Map<String, List<String>> parents = new LinkedHashMap<>();
                for (int level = 0;
                        level < depth && !w.frontier.isEmpty() && !w.entities.containsKey(target);
                        level++) {
                    w.step(c, projectId, parents);
                }
                List<List<String>> paths = new ArrayList<>();
                if (w.entities.containsKey(target)) {
                    collect(target, start.id(), parents, new ArrayDeque<>(), paths);
                }
                Set<String> onPaths = new LinkedHashSet<>();
                paths.forEach(onPaths::addAll);
                List<Edge> edges = new ArrayList<>();
                for (Edge e : w.edges) {
                    if (onPaths.contains(e.from()) && onPaths.contains(e.to()) && consecutive(paths, e)) {
                        edges.add(e);
                    }
                }
                return new Paths(
                        paths, onPaths.stream().map(w.entities::get).toList(), edges, w.truncated && paths.isEmpty());
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the graph could not be read (SQL state " + e.getSQLState() + ")", e);
        }
    }

    private static boolean consecutive(List<List<String>> paths, Edge e) {
        for (List<String> p : paths) {
            for (int i = 0; i + 1 < p.size(); i++) {
                String a = p.get(i);
                String b = p.get(i + 1);
                if ((a.equals(e.from()) && b.equals(e.to())) || (a.equals(e.to()) && b.equals(e.from()))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void collect(
            String node, String start, Map<String, List<String>> parents, Deque<String> tail, List<List<String>> out) {
        if (out.size() >= 10) {
            return;
        }
        tail.addFirst(node);
        if (node.equals(start)) {
            out.add(List.copyOf(tail));
        } else {
            for (String p : parents.getOrDefault(node, List.of())) {
                collect(p, start, parents, tail, out);
            }
        }
        tail.removeFirst();
    }

    private Connection readOnly() throws SQLException {
        Connection c = dataSource.getConnection();
        c.setAutoCommit(false);
        c.setReadOnly(true);
        return c;
    }

    /** A breadth-first walk: what it has seen, the edges between, and the frontier to expand next. */
    private final class Walk {
        final Map<String, Entity> entities = new LinkedHashMap<>();
        final Set<Edge> edges = new LinkedHashSet<>();
        List<Entity> frontier = new ArrayList<>();
        boolean truncated;

        Walk(Entity start) {
            entities.put(start.id(), start);
            frontier.add(start);
        }

        /** Expands the frontier by one relationship; {@code parents} (when kept) gets each new entity's parents. */
        void step(Connection c, long projectId, Map<String, List<String>> parents) throws SQLException {
            Map<String, List<Entity>> byClass = new LinkedHashMap<>();
            frontier.forEach(e ->
                    byClass.computeIfAbsent(e.cls(), k -> new ArrayList<>()).add(e));
            Set<String> levelStart = new LinkedHashSet<>(entities.keySet());
            List<Entity> next = new ArrayList<>();
            for (Map.Entry<String, List<Entity>> group : byClass.entrySet()) {
                EntityClass cls = GraphModel.entityClass(group.getKey()).orElseThrow();
                List<String> ids = group.getValue().stream()
                        .map(e -> e.id().substring(cls.name().length() + 1))
                        .toList();
                for (Relationship r : GraphModel.relationships()) {
                    for (boolean forward : new boolean[] {true, false}) {
                        // a relationship within one class (Group MEMBER_OF Group) is walked both ways
                        if (!(forward ? r.from() : r.to()).equals(cls.name())) {
                            continue;
                        }
                        EntityClass other = GraphModel.entityClass(forward ? r.to() : r.from())
                                .orElseThrow();
                        for (String[] pair : neighbours(c, projectId, cls, ids, r, forward, other)) {
                            String self = cls.name() + ":" + pair[0];
                            String them = other.name() + ":" + pair[1];
                            if (!entities.containsKey(them)) {
                                if (entities.size() >= maxEntities) {
                                    truncated = true;
                                    continue;
                                }
                                pending.computeIfAbsent(other.name(), k -> new LinkedHashSet<>())
                                        .add(pair[1]);
                                entities.put(them, null);
                            }
                            edges.add(forward ? new Edge(self, them, r.verb()) : new Edge(them, self, r.verb()));
                            if (parents != null && !levelStart.contains(them)) {
                                parents.computeIfAbsent(them, k -> new ArrayList<>())
                                        .add(self);
                            }
                        }
                    }
                }
            }
            for (Map.Entry<String, Set<String>> p : pending.entrySet()) {
                EntityClass cls = GraphModel.entityClass(p.getKey()).orElseThrow();
                Map<String, Entity> loaded = load(c, projectId, cls, List.copyOf(p.getValue()));
                loaded.values().forEach(e -> {
                    entities.put(e.id(), e);
                    next.add(e);
                });
            }
            pending.clear();
            entities.values().removeIf(java.util.Objects::isNull);
            frontier = next;
        }

        private final Map<String, Set<String>> pending = new LinkedHashMap<>();

        /** Pairs (frontier id, neighbour id) over one relationship, at most {@code maxNeighbours}. */
        private List<String[]> neighbours(
                Connection c,
                long projectId,
                EntityClass cls,
                List<String> ids,
                Relationship r,
                boolean forward,
                EntityClass other)
                throws SQLException {
            String s = "s";
            String t = "t";
            String on = forward ? r.condition(s, t, "l") : r.condition(t, s, "l");
            String sql =
                    "select " + cls.id().replace("{a}", s) + ", " + other.id().replace("{a}", t) + " from "
                            + cls.from().replace("{a}", s) + ", " + other.from().replace("{a}", t) + " where "
                            + cls.project().replace("{a}", s) + " = ? and "
                            + other.project().replace("{a}", t) + " = ? and "
                            + cls.id().replace("{a}", s) + " = any(?) and " + on + " limit ?";
            List<String[]> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, projectId);
                ps.setLong(2, projectId);
                ps.setArray(3, ids(c, cls, ids));
                ps.setInt(4, maxNeighbours + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (out.size() == maxNeighbours) {
                            truncated = true;
                            break;
                        }
                        out.add(new String[] {rs.getString(1), rs.getString(2)});
                    }
                }
            }
            return out;
        }
    }

    private static java.sql.Array ids(Connection c, EntityClass cls, List<String> ids) throws SQLException {
        if (cls.numericId()) {
            List<Long> numbers = new ArrayList<>();
            for (String id : ids) {
                try {
                    numbers.add(Long.parseLong(id));
                } catch (NumberFormatException e) {
                    // no such entity: a number names it
                }
            }
            return c.createArrayOf("bigint", numbers.toArray());
        }
        return c.createArrayOf("text", ids.toArray());
    }

    /** The entities of a class with these ids (those that exist), by graph id. */
    static Map<String, Entity> load(Connection c, long projectId, EntityClass cls, List<String> ids)
            throws SQLException {
        String sql = cls.selectEntities("e") + " and " + cls.id().replace("{a}", "e") + " = any(?)";
        Map<String, Entity> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, projectId);
            ps.setArray(2, ids(c, cls, ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Entity e = entity(rs, cls);
                    out.put(e.id(), e);
                }
            }
        }
        return out;
    }

    /** An entity from a row of (id, key, every property in the model's order). */
    static Entity entity(ResultSet rs, EntityClass cls) throws SQLException {
        Map<String, Object> props = new LinkedHashMap<>();
        int column = 3;
        for (Property p : cls.properties()) {
            props.put(p.name(), GraphModel.read(rs, column++, p.type()));
        }
        return new Entity(cls.name() + ":" + rs.getString(1), cls.name(), cls.type(), rs.getString(2), props);
    }
}
