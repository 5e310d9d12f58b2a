"""The customs simulator (海关模拟器): the counterpart the platform cannot reach, answering the
folder exchange with real CEB receipts. Its rules are its own code path: it imports only the CEB
codec and the kit, never a domain, so a bug in the platform's pre-flight check shows up here as a
rejection."""
