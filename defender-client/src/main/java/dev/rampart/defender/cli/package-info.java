/** The {@code rampart verify} and {@code rampart pull} commands. */
package dev.rampart.defender.cli;
