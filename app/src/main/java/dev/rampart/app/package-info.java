/** Rampart's application: the command line now, the server later; features live in the sub-packages. */
package dev.rampart.app;
