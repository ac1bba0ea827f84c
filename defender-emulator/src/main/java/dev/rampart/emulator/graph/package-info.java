/** The Microsoft Graph v1.0 calls Rampart uses: organization, users, groups and membership, and hunting. */
package dev.rampart.emulator.graph;
