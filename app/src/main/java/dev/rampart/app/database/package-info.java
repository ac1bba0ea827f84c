/** The PostgreSQL store: the embedded or configured database, its Flyway schema, and COPY for bulk staging. */
package dev.rampart.app.database;
