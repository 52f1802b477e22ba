"""Tables of the sync layer's merge: received bundles, high-water marks, forks, receipts."""
