/** Rate limits per endpoint, tenant and app, with the documented quotas, off, or in shortened windows. */
package dev.rampart.emulator.quota;
