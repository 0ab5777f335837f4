"""platformctl: the platform's one command-line tool (synth, check, preview/up/refresh/destroy/drift)."""
