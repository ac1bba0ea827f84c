package dev.rampart.app.server;

import dev.rampart.app.connector.CredentialVault;
import dev.rampart.app.connector.MasterKey;
import dev.rampart.app.database.Database;
import dev.rampart.app.project.Projects;
import dev.rampart.app.security.ApiTokens;
import dev.rampart.app.security.Audit;
import dev.rampart.app.security.Role;
import dev.rampart.app.security.Users;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The administration commands of the launcher, run against the database without a server: users, memberships, API
 * tokens and the master key. Passwords are read from {@code --password-file}, {@code RAMPART_PASSWORD} or the first
 * line of stdin, never from the command line (it shows in the process list); a token is printed once.
 */
public final class AdminCommands {
    private final Database db;
    private final Map<String, String> env;
    private final PrintStream out;
    private final Users users;
    private final Audit audit;

    public AdminCommands(Database db, Map<String, String> env, PrintStream out) {
        this.db = db;
        this.env = env;
        this.out = out;
        this.users = new Users(db.dataSource(), Clock.systemUTC());
        this.audit = new Audit(db.dataSource());
    }

    private void audit(String action, String target, Map<String, ?> details) {
        audit.record(
                System.getProperty("user.name") + " (command line)",
                "system",
                null,
                null,
                action,
                target,
                "success",
                details);
    }

    String password(String file) {
        try {
            if (file != null) {
                return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            }
            String v = env.get("RAMPART_PASSWORD");
            if (v != null && !v.isBlank()) {
                return v;
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null || line.isBlank()) {
                throw new IllegalArgumentException(
                        "give the password in --password-file, RAMPART_PASSWORD or on stdin");
            }
            return line.strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the password: " + e.getMessage());
        }
    }

    public int userAdd(String name, String displayName, boolean admin, String passwordFile) {
        Users.User u = users.create(name, displayName, password(passwordFile), admin);
        audit("user.create", "user " + name, Map.of("admin", admin));
        out.println("user " + u.username() + " created (id " + u.id() + (admin ? ", server administrator" : "") + ")");
        return 0;
    }

    public int userPassword(String name, String passwordFile) {
        Users.User u = require(name);
        users.setPassword(u.id(), password(passwordFile));
        audit("user.update", "user " + name, Map.of("password", true));
        out.println("password of " + name + " changed; the account is unlocked");
        return 0;
    }

    public int userUnlock(String name) {
        users.unlock(require(name).id());
        audit("user.unlock", "user " + name, Map.of());
        out.println(name + " unlocked");
        return 0;
    }

    public int userDelete(String name) {
        users.delete(require(name).id());
        audit("user.delete", "user " + name, Map.of());
        out.println(name + " deleted");
        return 0;
    }

    public int userList() {
        for (Users.User u : users.list(0, Integer.MAX_VALUE)) {
            out.println(u.id() + "\t" + u.username() + "\t" + (u.admin() ? "admin" : "-") + "\t"
                    + (u.enabled() ? "enabled" : "disabled") + "\t"
                    + (u.lockedUntil() == null ? "" : "locked until " + u.lockedUntil()));
        }
        return 0;
    }

    public int memberSet(String user, String project, String role) {
        Users.User u = require(user);
        long p = new Projects(db.dataSource()).ensure(project);
        users.setMembership(u.id(), p, Role.parse(role));
        audit("member.set", "user " + user, Map.of("project", project, "role", role));
        out.println(user + " is " + role + " in " + project);
        return 0;
    }

    public int memberRemove(String user, String project) {
        Users.User u = require(user);
        long p = new Projects(db.dataSource()).require(project);
        users.removeMembership(u.id(), p);
        audit("member.remove", "user " + user, Map.of("project", project));
        out.println(user + " removed from " + project);
        return 0;
    }

    public int tokenCreate(String user, String project, String role, String name, int days) {
        Users.User u = require(user);
        long p = new Projects(db.dataSource()).require(project);
        Role r = Role.parse(role);
        Role held = u.admin()
                ? Role.ADMIN
                : users.roleIn(u.id(), p)
                        .orElseThrow(() -> new IllegalArgumentException(user + " is not a member of " + project));
        if (!held.covers(r)) {
            throw new IllegalArgumentException("a token cannot be stronger than its user's role (" + held.key() + ")");
        }
        if (days < 1 || days > 366) {
            throw new IllegalArgumentException("--days must be 1 to 366");
        }
        ApiTokens.Issued t = new ApiTokens(db.dataSource(), Clock.systemUTC())
                .issue(u.id(), p, r, name, Clock.systemUTC().instant().plus(Duration.ofDays(days)));
        audit("token.create", "token " + t.token().id(), Map.of("user", user, "project", project, "role", role));
        out.println(t.value());
        return 0;
    }

    public int tokenList(String project) {
        long p = new Projects(db.dataSource()).require(project);
        for (ApiTokens.Token t : new ApiTokens(db.dataSource(), Clock.systemUTC()).list(p, null)) {
            out.println(t.id() + "\t" + t.prefix() + "...\t" + t.name() + "\t" + t.username() + "\t"
                    + t.role().key() + "\texpires " + t.expiresAt()
                    + (t.revokedAt() == null ? "" : "\trevoked " + t.revokedAt()));
        }
        return 0;
    }

    public int tokenRevoke(long id) {
        boolean done = new ApiTokens(db.dataSource(), Clock.systemUTC()).revoke(id);
        audit("token.revoke", "token " + id, Map.of());
        out.println(done ? "token " + id + " revoked" : "token " + id + " was not active");
        return done ? 0 : 1;
    }

    /**
     * Rotates the master key. With the key file: a new key is written (the old one kept as master.key.previous until
     * everything is re-encrypted, in one transaction), then the old file is removed. With a key from configuration:
     * re-encrypts under RAMPART_MASTER_KEY what RAMPART_MASTER_KEY_PREVIOUS protected.
     */
    public int keyRotate(Path home) throws java.sql.SQLException {
        String configured = env.get("RAMPART_MASTER_KEY");
        MasterKey key;
        MasterKey next;
        if (configured != null && !configured.isBlank()) {
            key = MasterKey.of(configured, env.get("RAMPART_MASTER_KEY_PREVIOUS"));
            next = key;
        } else {
            Path file = env.get("RAMPART_MASTER_KEY_FILE") != null
                    ? Path.of(env.get("RAMPART_MASTER_KEY_FILE"))
                    : home.resolve("master.key");
            key = MasterKey.fromFile(file);
            next = key.rotateFile();
        }
        CredentialVault.Rotation r = new CredentialVault(db.dataSource(), key).reencryptAll(next);
        next.forgetPrevious();
        audit(
                "key.rotate",
                "master key",
                Map.of("credentials", r.reencrypted(), "unreadable", r.unreadable(), "keyId", next.currentId()));
        out.println("master key " + next.currentId() + " in use; " + r.reencrypted() + " credential(s) re-encrypted");
        if (!r.unreadable().isEmpty()) {
            out.println("connectors " + r.unreadable() + " hold credentials under a master key this server does not"
                    + " have; they were left as they were: enter their credentials again");
        }
        return 0;
    }

    private Users.User require(String name) {
        return users.find(name).orElseThrow(() -> new IllegalArgumentException("no user '" + name + "'"));
    }
}
