package dev.rampart.app.server;

import dev.rampart.app.database.Database;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** For tests outside this package: runs an administration command and returns what it printed. */
public final class AdminCommandsAccess {
    private AdminCommandsAccess() {}

    public static String keyRotate(Database db, Path home, Map<String, String> env) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new AdminCommands(db, env, new PrintStream(out, true, StandardCharsets.UTF_8)).keyRotate(home);
        return out.toString(StandardCharsets.UTF_8);
    }
}
