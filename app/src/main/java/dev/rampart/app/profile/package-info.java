/** Profiles: OS and OS_VERSION profiles from Defender's OS details, and the rule-based classification of the rest. */
package dev.rampart.app.profile;
