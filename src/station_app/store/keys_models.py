"""Tables of the sync layer's identities: keys, cards, enrolled stations, revocations, exported bundles."""
