/** Throughput and memory benchmark of the sandbox. */
package dev.rampart.emulator.bench;
