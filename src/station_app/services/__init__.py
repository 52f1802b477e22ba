"""Use cases the CLI and the GUI both call. Each write returns what changed, so a screen refreshes only that."""
