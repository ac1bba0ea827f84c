/** Projects: the workspaces that own every connector, asset and finding. */
package dev.rampart.app.project;
